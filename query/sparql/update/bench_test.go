package update_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/query/sparql/parser"
	"github.com/kplane/kplane/query/sparql/update"
)

// BenchmarkInsertData runs small INSERT DATA requests (three triples) one
// after the other against a store on disk and reports requests per second:
// "durable" with the default options, so that every request is synced to
// disk before it returns; "nosync" without the sync, which shows what a
// request costs besides the disk; "named" writes a named graph as well,
// which makes the store update that graph's description in the metadata
// graph in every request.
func BenchmarkInsertData(b *testing.B) {
	const defaultGraph = `PREFIX e: <http://e/>
		INSERT DATA { e:s%[1]d e:name "item %[1]d" ; e:size %[1]d ; e:seen true }`
	const namedGraph = `PREFIX e: <http://e/>
		INSERT DATA { e:s%[1]d e:name "item %[1]d" ; e:size %[1]d . GRAPH e:g { e:s%[1]d e:seen true } }`
	b.Run("durable", func(b *testing.B) { benchmarkInsertData(b, nil, defaultGraph) })
	b.Run("nosync", func(b *testing.B) { benchmarkInsertData(b, &graph.Options{NoSync: true}, defaultGraph) })
	b.Run("named", func(b *testing.B) { benchmarkInsertData(b, &graph.Options{NoSync: true}, namedGraph) })
	b.Run("named-durable", func(b *testing.B) { benchmarkInsertData(b, nil, namedGraph) })
}

func benchmarkInsertData(b *testing.B, opts *graph.Options, format string) {
	s, err := graph.Open(b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		u, err := parser.ParseUpdate(fmt.Sprintf(format, i), "")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := update.Execute(ctx, s, u, update.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkModifyWhere deletes and inserts through a WHERE clause over a
// small graph, in memory: the cost of evaluation and templates.
func BenchmarkModifyWhere(b *testing.B) {
	s, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	seed, err := parser.ParseUpdate(`PREFIX e: <http://e/>
		INSERT { ?s e:n 0 } WHERE { VALUES ?s { e:a e:b e:c e:d e:e e:f e:g e:h e:i e:j } }`, "")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := update.Execute(ctx, s, seed, update.Options{}); err != nil {
		b.Fatal(err)
	}
	u, err := parser.ParseUpdate(`PREFIX e: <http://e/>
		DELETE { ?s e:n ?n } INSERT { ?s e:n ?m } WHERE { ?s e:n ?n BIND(?n + 1 AS ?m) }`, "")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := update.Execute(ctx, s, u, update.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
