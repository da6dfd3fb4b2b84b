package ingest_test

import (
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/w3ctest"
	"github.com/kplane/kplane/query/results"
)

// benchFile finds a data file of the shared benchmark kit.
func benchFile(b *testing.B, name string) string {
	root, err := w3ctest.Root()
	if err != nil {
		b.Skipf("shared benchmark data not found: %v", err)
	}
	p := filepath.Join(filepath.Dir(root), "bench", "data", name)
	if _, err := os.Stat(p); err != nil {
		b.Skipf("shared benchmark data not found: %v", err)
	}
	return p
}

// peakRSS reads the process's peak resident set size in bytes (Linux).
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}

// lubmTurtle writes LUBM(10) as Turtle (prefixes, grouped subjects) into
// a temporary file, so that the Turtle parser's load can be timed too.
func lubmTurtle(b *testing.B, ntriples string) string {
	f, err := os.Open(ntriples)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	dec, err := ingest.NewDecoder("ntriples", gz, ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "lubm10.ttl")
	w, err := os.Create(out)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	tw, err := results.NewQuadWriter(w, "turtle", results.WriterOptions{Prefixes: map[string]string{
		"ub": "http://swat.cse.lehigh.edu/onto/univ-bench.owl#", "rdf": rdf.RDFNS,
	}})
	if err != nil {
		b.Fatal(err)
	}
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := tw.WriteQuad(q); err != nil {
			b.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkLoad loads LUBM(10) (1.27M distinct triples), as N-Triples and
// as Turtle, into a named graph of an empty store, and into a store that
// already holds it once.
func BenchmarkLoad(b *testing.B) {
	nt := benchFile(b, "lubm10.nt.gz")
	files := map[string]string{"ntriples": nt, "turtle": lubmTurtle(b, nt)}
	for _, format := range []string{"ntriples", "turtle"} {
		for _, prefill := range []bool{false, true} {
			file := files[format]
			name := format + "/empty"
			if prefill {
				name = format + "/holding-1M"
			}
			b.Run(name, func(b *testing.B) {
				var quads int64
				b.StopTimer()
				for i := 0; i < b.N; i++ {
					s, err := graph.Open(b.TempDir(), nil)
					if err != nil {
						b.Fatal(err)
					}
					ctx := context.Background()
					if prefill {
						if _, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{file}, Graph: rdf.IRI("http://example.org/first"), Replace: true}); err != nil {
							b.Fatal(err)
						}
						// A store that holds 1M is one whose compaction of
						// that load is over: the new load does not compete
						// with the previous one's background work.
						if _, err := s.Settle(ctx, 3*time.Second); err != nil {
							b.Fatal(err)
						}
					}
					b.StartTimer()
					res, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{file}, Graph: rdf.IRI("http://example.org/g"), Replace: true})
					if err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
					quads = res.Quads
					s.Close()
				}
				b.ReportMetric(float64(quads)*float64(b.N)/b.Elapsed().Seconds(), "triples/s")
				b.ReportMetric(0, "ns/op")
				b.ReportMetric(peakRSS()/(1<<20), "peakRSS-MiB")
			})
		}
	}
}
