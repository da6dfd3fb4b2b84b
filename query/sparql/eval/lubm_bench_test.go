package eval_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/w3ctest"
	"github.com/kplane/kplane/query/sparql/eval"
)

// lubmCounts are the expected result counts of LUBM Q1…Q14 on the data
// sets with LUBM's inferences materialised (bench/README.md).
var lubmCounts = map[string][14]int{
	"lubm1-inf":  {4, 0, 6, 34, 719, 7790, 67, 7790, 208, 4, 224, 15, 1, 5916},
	"lubm10-inf": {4, 28, 6, 34, 719, 99566, 67, 7790, 2540, 4, 224, 15, 33, 75547},
}

// oxigraphMillis are Oxigraph 0.5's times on LUBM(10)-inf measured on the
// same kind of machine (bench/README.md), for the report.
var oxigraphMillis = map[int]float64{1: 26, 2: 340, 3: 96, 6: 129, 8: 912, 9: 541, 10: 128, 14: 153}

// benchDir finds the shared benchmark kit, beside the W3C suites.
func benchDir(tb testing.TB) string {
	root, err := w3ctest.Root()
	if err != nil {
		tb.Skipf("benchmark data not available: %v", err)
	}
	dir := filepath.Join(filepath.Dir(root), "bench")
	if _, err := os.Stat(filepath.Join(dir, "queries-lubm")); err != nil {
		tb.Skipf("benchmark data not available: %v", err)
	}
	return dir
}

// loadLUBM loads one LUBM data set into the default graph of a new store
// in dir.
func loadLUBM(tb testing.TB, bench, name, dir string) *graph.Store {
	path := filepath.Join(bench, "data", name+".nt.gz")
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("%s not available: %v", path, err)
	}
	opts := &graph.Options{NoSync: true}
	if dir == "" {
		opts.InMemory = true
	}
	store, err := graph.Open(dir, opts)
	if err != nil {
		tb.Fatal(err)
	}
	start := time.Now()
	res, err := ingest.Load(context.Background(), store, ingest.LoadRequest{Files: []string{path}})
	if err != nil {
		store.Close()
		tb.Fatal(err)
	}
	tb.Logf("loaded %s: %+v in %v", name, res, time.Since(start).Round(time.Millisecond))
	return store
}

// lubmQueries reads q01.rq … q14.rq.
func lubmQueries(tb testing.TB, bench string) []*eval.Query {
	var qs []*eval.Query
	for i := 1; i <= 14; i++ {
		src, err := os.ReadFile(filepath.Join(bench, "queries-lubm", fmt.Sprintf("q%02d.rq", i)))
		if err != nil {
			tb.Fatal(err)
		}
		q, err := eval.Prepare(string(src), eval.Options{})
		if err != nil {
			tb.Fatalf("q%02d: %v", i, err)
		}
		qs = append(qs, q)
	}
	return qs
}

// countSolutions runs a SELECT query and counts its solutions.
func countSolutions(ctx context.Context, q *eval.Query, snap *graph.Snapshot) (int, error) {
	res, err := q.Exec(ctx, snap)
	if err != nil {
		return 0, err
	}
	defer res.Close()
	n := 0
	for res.Next() {
		n++
	}
	return n, res.Err()
}

// TestLUBM1 checks the 14 LUBM queries on LUBM(1) with inferences: a
// regression test for the optimizer and the evaluator on real data.
func TestLUBM1(t *testing.T) {
	bench := benchDir(t)
	store := loadLUBM(t, bench, "lubm1-inf", "")
	defer store.Close()
	snap := store.Snapshot()
	defer snap.Release()
	want := lubmCounts["lubm1-inf"]
	for i, q := range lubmQueries(t, bench) {
		start := time.Now()
		n, err := countSolutions(context.Background(), q, snap)
		if err != nil {
			t.Errorf("Q%d: %v", i+1, err)
			continue
		}
		if n != want[i] {
			t.Errorf("Q%d: %d solutions, want %d", i+1, n, want[i])
		}
		d := time.Since(start)
		t.Logf("Q%d: %d solutions in %v", i+1, n, d.Round(time.Microsecond))
		if testing.Verbose() && d > 50*time.Millisecond {
			plan, err := q.Explain(context.Background(), snap, true)
			if err != nil {
				t.Errorf("Q%d: explain: %v", i+1, err)
			}
			t.Logf("Q%d plan:\n%s", i+1, plan)
		}
	}
}

// settle waits until the store has settled after the load (see
// graph.Store.Settle), at most two minutes.
func settle(tb testing.TB, store *graph.Store) {
	const quiet = 3 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	waited, err := store.Settle(ctx, quiet)
	if err != nil {
		tb.Logf("store not settled after %v (%v): timing anyway", waited.Round(time.Millisecond), err)
		return
	}
	tb.Logf("waited %v for the store to settle (no compaction for %v) before timing", waited.Round(time.Millisecond), quiet)
}

// median returns the median of durations, in milliseconds.
func median(ds []time.Duration) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return float64(m.Microseconds()) / 1000
}

// BenchmarkLUBM loads LUBM(10) with inferences (LUBM(1) with -short) once,
// waits for the store to settle (see settle), and times each of the 14
// queries, checking their counts; it then prints the median time of each
// query's runs next to Oxigraph's (also a median).
//
//	go test ./query/sparql/eval -run '^$' -bench LUBM -benchtime 5x
func BenchmarkLUBM(b *testing.B) {
	bench := benchDir(b)
	name := "lubm10-inf"
	if testing.Short() {
		name = "lubm1-inf"
	}
	store := loadLUBM(b, bench, name, b.TempDir())
	defer store.Close()
	settle(b, store)
	snap := store.Snapshot()
	defer snap.Release()
	want := lubmCounts[name]
	millis := map[int]float64{}
	counts := map[int]int{} // runs per query
	for i, q := range lubmQueries(b, bench) {
		b.Run(fmt.Sprintf("Q%02d", i+1), func(b *testing.B) {
			var runs []time.Duration
			for b.Loop() {
				start := time.Now()
				n, err := countSolutions(context.Background(), q, snap)
				if err != nil {
					b.Fatal(err)
				}
				if n != want[i] {
					b.Fatalf("Q%d: %d solutions, want %d", i+1, n, want[i])
				}
				runs = append(runs, time.Since(start))
			}
			millis[i+1], counts[i+1] = median(runs), len(runs)
			if testing.Verbose() && millis[i+1] > 200 {
				plan, err := q.Explain(context.Background(), snap, true)
				if err != nil {
					b.Fatal(err)
				}
				b.Logf("Q%d plan:\n%s", i+1, plan)
			}
		})
	}
	var rows []string
	for i := 1; i <= 14; i++ {
		ox := "-"
		if v, ok := oxigraphMillis[i]; ok && name == "lubm10-inf" {
			ox = fmt.Sprintf("%.0f", v)
		}
		rows = append(rows, fmt.Sprintf("| Q%02d | %8d | %10.1f | %4d | %8s |", i, want[i-1], millis[i], counts[i], ox))
	}
	sort.Strings(rows)
	b.Logf("%s (kplane: median of the runs, on the settled store)\n| query | results | kplane ms | runs | Oxigraph ms |\n|---|---|---|---|---|\n%s", name, strings.Join(rows, "\n"))
}
