package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology/synth"
	"github.com/kplane/kplane/query/search"
)

// benchConfig is the synthetic catalog of the benchmarks: the default
// (10k products, 100k concepts) unless KPLANE_BENCH_PRODUCTS and
// KPLANE_BENCH_CONCEPTS scale it.
func benchConfig() synth.Config {
	cfg := synth.DefaultConfig()
	if n, err := strconv.Atoi(os.Getenv("KPLANE_BENCH_PRODUCTS")); err == nil {
		cfg.Products = n
	}
	if n, err := strconv.Atoi(os.Getenv("KPLANE_BENCH_CONCEPTS")); err == nil {
		cfg.Concepts = n
	}
	return cfg
}

// BenchmarkSynth loads the synthetic catalog, builds its index from
// scratch (reporting documents per second and the size on disk), then
// measures search and suggest latencies.
func BenchmarkSynth(b *testing.B) {
	ctx := context.Background()
	ix, done := synthIndex(b)
	defer done()
	queries := []string{"customer", "product", "order", "revenue account", "custmer", "policy holder", "invoice line", "shipment"}
	b.Run("search", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			t := time.Now()
			if _, err := ix.Search(ctx, search.Request{Text: queries[i%len(queries)], Limit: 10}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t))
		}
		reportPercentiles(b, lat)
	})
	prefixes := []string{"cu", "cus", "prod", "ord", "reve", "acc", "inv", "ship"}
	b.Run("suggest", func(b *testing.B) {
		var lat []time.Duration
		for i := 0; b.Loop(); i++ {
			t := time.Now()
			if _, err := ix.Suggest(ctx, prefixes[i%len(prefixes)], search.SuggestOptions{Limit: 10}); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t))
		}
		reportPercentiles(b, lat)
	})
}

// synthIndex builds the synthetic catalog's store and index in a temporary
// directory, or reuses those in $KPLANE_BENCH_DIR, so that search and
// suggest can be measured again without loading and indexing anew:
//
//   - a directory holding a store and an index: both are reused (the index
//     is synced with the store, which does nothing when it is up to date);
//   - a store without index (remove <dir>/search to time a rebuild
//     again): the index is rebuilt;
//   - an empty or absent directory: the catalog is loaded, then indexed.
func synthIndex(b *testing.B) (*search.Index, func()) {
	ctx := context.Background()
	dir := os.Getenv("KPLANE_BENCH_DIR")
	reuse := false
	if dir == "" {
		dir = b.TempDir()
	} else if _, err := os.Stat(filepath.Join(dir, search.DirName)); err == nil {
		reuse = true
	}
	store, err := graph.Open(dir, &graph.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	if reuse {
		start := time.Now()
		ix, err := search.OpenStore(ctx, store)
		if err != nil {
			b.Fatal(err)
		}
		// The type-ahead index loads in the background: wait for it, so
		// that it does not compete with the measurements.
		if _, err := ix.Suggest(ctx, "a", search.SuggestOptions{}); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "open index (type-ahead loaded): %s\n", time.Since(start).Round(time.Millisecond))
		return ix, func() { ix.Close(); store.Close() }
	}
	catalog := rdf.IRI(synth.Base + "graph/catalog")
	snap := store.Snapshot()
	_, loaded := snap.Graph(catalog)
	snap.Release()
	if !loaded {
		loadStart := time.Now()
		l, err := store.NewLoader(ctx, graph.LoadOptions{Graph: catalog, Source: "synth", Format: "synth"})
		if err != nil {
			b.Fatal(err)
		}
		if err := synth.GenerateQuads(l.Add, benchConfig()); err != nil {
			b.Fatal(err)
		}
		if _, err := l.Commit(); err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "load: %s\n", time.Since(loadStart).Round(time.Millisecond))
	}
	ix, err := search.Open(filepath.Join(dir, search.DirName))
	if err != nil {
		b.Fatal(err)
	}
	snap = store.Snapshot()
	start := time.Now()
	st, err := ix.Rebuild(ctx, snap)
	snap.Release()
	if err != nil {
		b.Fatal(err)
	}
	took := time.Since(start)
	fmt.Fprintf(os.Stderr, "rebuild: %d documents in %s (%.0f docs/s), index %d MiB\n", st.Indexed, took.Round(time.Millisecond),
		float64(st.Indexed)/took.Seconds(), dirSize(filepath.Join(dir, search.DirName))>>20)
	return ix, func() { ix.Close(); store.Close() }
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}
