package graph_test

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/ntriples"
	"github.com/kplane/kplane/ingest/w3ctest"
)

// lubmQuads reads a LUBM file of the shared benchmark kit into memory, so
// that the benchmarks below time the store, not the parser.
func lubmQuads(b *testing.B, name string) []rdf.Quad {
	root, err := w3ctest.Root()
	if err != nil {
		b.Skipf("shared data not found: %v", err)
	}
	f, err := os.Open(filepath.Join(filepath.Dir(root), "bench", "data", name))
	if err != nil {
		b.Skipf("shared benchmark data not found: %v", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	dec := ntriples.NewDecoder(gz, ingest.Options{File: name})
	var qs []rdf.Quad
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			return qs
		}
		if err != nil {
			b.Fatal(err)
		}
		qs = append(qs, q)
	}
}

// BenchmarkStoreLoad times the store's bulk load of LUBM(1) into a named
// graph with each write path.
func BenchmarkStoreLoad(b *testing.B) {
	qs := lubmQuads(b, "lubm1.nt.gz")
	for _, path := range []string{"stream", "batch"} {
		b.Run(path, func(b *testing.B) {
			*graph.ForceBatchSink = path == "batch"
			defer func() { *graph.ForceBatchSink = false }()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s, err := graph.Open(b.TempDir(), &graph.Options{NoSync: true})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				l, err := s.NewLoader(context.Background(), graph.LoadOptions{Graph: rdf.IRI("http://example.org/g"), Replace: true})
				if err != nil {
					b.Fatal(err)
				}
				for _, q := range qs {
					if err := l.Add(q); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := l.Commit(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				s.Close()
			}
			b.ReportMetric(float64(len(qs))*float64(b.N)/b.Elapsed().Seconds(), "triples/s")
		})
	}
}

// BenchmarkScan times pattern scans over LUBM(1) in one named graph and
// over all graphs, reporting nanoseconds per result.
func BenchmarkScan(b *testing.B) {
	qs := lubmQuads(b, "lubm1.nt.gz")
	s, err := graph.Open(b.TempDir(), &graph.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	g := rdf.IRI("http://example.org/lubm1")
	l, _ := s.NewLoader(ctx, graph.LoadOptions{Graph: g, Replace: true})
	for _, q := range qs {
		l.Add(q)
	}
	if _, err := l.Commit(); err != nil {
		b.Fatal(err)
	}
	const ub = "http://swat.cse.lehigh.edu/onto/univ-bench.owl#"
	typ := graph.TermID(rdf.IRI(rdf.RDFType))
	student := graph.TermID(rdf.IRI(ub + "GraduateStudent"))
	takes := graph.TermID(rdf.IRI(ub + "takesCourse"))
	dept := graph.TermID(rdf.IRI("http://www.Department0.University0.edu"))
	subOrg := graph.TermID(rdf.IRI(ub + "subOrganizationOf"))
	student0 := graph.TermID(rdf.IRI("http://www.Department0.University0.edu/GraduateStudent0"))
	cases := []struct {
		name string
		pat  graph.Pattern
	}{
		{"P=takesCourse", graph.Pattern{P: takes}},
		{"S=student", graph.Pattern{S: student0}},
		{"P=type,O=GraduateStudent", graph.Pattern{P: typ, O: student}},
		{"S=student,P=takesCourse", graph.Pattern{S: student0, P: takes}},
		{"P=subOrganizationOf,O=dept", graph.Pattern{P: subOrg, O: dept}},
	}
	for _, sel := range []struct {
		name string
		sel  graph.GraphSelector
	}{{"graph", graph.InGraph(graph.TermID(g))}, {"union", graph.AllNamedGraphs}} {
		for _, c := range cases {
			b.Run(sel.name+"/"+c.name, func(b *testing.B) {
				pat := c.pat
				pat.Graph = sel.sel
				sn := s.Snapshot()
				defer sn.Release()
				results := 0
				for i := 0; i < b.N; i++ {
					it := sn.Scan(ctx, pat)
					for it.Next() {
						results++
					}
					it.Close()
				}
				if results == 0 {
					b.Fatal("no results")
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(results), "ns/result")
				b.ReportMetric(float64(results)/float64(b.N), "results/op")
			})
		}
	}
}
