package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology/synth"
)

// smallSynth generates a synthetic catalog of n products in memory.
func smallSynth(t testing.TB, n int) *graph.Store {
	t.Helper()
	store, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	l, err := store.NewLoader(context.Background(), graph.LoadOptions{Graph: rdf.IRI(synth.Base + "graph/catalog")})
	if err != nil {
		t.Fatal(err)
	}
	cfg := synth.Config{Domains: 2, Products: n, Concepts: 200, AttributesPerEntity: 3, Seed: 1}
	if err := synth.GenerateQuads(l.Add, cfg); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Commit(); err != nil {
		t.Fatal(err)
	}
	return store
}

// deepQuery reads three levels below each product, and more.
const deepQuery = `query($n: Int) { products(first: $n) { nodes {
  label status
  owner { iri label }
  domain { label ownerTeam { label } }
  datasets { label logicalModels { label entities { label attributes { name classification concepts { label } } } } }
  themes { label broader { label } }
} } }`

// TestBatching checks that resolving a deep query makes a number of store
// calls that depends on its depth, not on how many products it returns.
func TestBatching(t *testing.T) {
	store := smallSynth(t, 100)
	var calls *countingReader
	s, err := NewServer(store, Options{newReader: func(r reader) reader {
		calls = &countingReader{reader: r}
		return calls
	}})
	if err != nil {
		t.Fatal(err)
	}
	count := func(n int) (int64, int) {
		d := run(t, s, deepQuery, map[string]any{"n": n})
		nodes := list(get(d, "products", "nodes"))
		for _, p := range nodes {
			if get(p, "owner", "iri") == nil || get(p, "datasets", 0, "logicalModels", 0, "entities", 0, "attributes", 0, "name") == nil {
				t.Fatalf("incomplete product: %v", p)
			}
		}
		return calls.calls.Load(), len(nodes)
	}
	few, nFew := count(5)
	many, nMany := count(100)
	if nFew != 5 || nMany < 90 { // about one product in 20 is retired
		t.Fatalf("got %d and %d products, want 5 and about 95", nFew, nMany)
	}
	t.Logf("store calls: %d for %d products, %d for %d", few, nFew, many, nMany)
	if many != few {
		t.Errorf("store calls grow with the number of products: %d for %d, %d for %d", few, nFew, many, nMany)
	}
	if many > 25 {
		t.Errorf("%d store calls for a query of depth 7, want at most 25", many)
	}
}

// benchConfig is the synthetic catalog the benchmark queries: the default
// catalog (10,000 products, about five million triples), or a tenth of it
// with -short.
func benchConfig() synth.Config {
	cfg := synth.DefaultConfig()
	if testing.Short() {
		cfg.Products /= 10
		cfg.Concepts /= 10
	}
	return cfg
}

// synthStore is the benchmark's catalog, on disk.
var synthStore struct {
	once  sync.Once
	store *graph.Store
	dir   string // removed by TestMain; "" for a kept catalog
	err   error
}

// benchDirEnv names a directory in which the benchmark keeps its catalog
// between runs, so that only the first run pays for generating it.
const benchDirEnv = "KPLANE_GRAPHQL_BENCH_DIR"

func openSynth(b *testing.B) *graph.Store {
	synthStore.once.Do(func() {
		synthStore.store, synthStore.err = loadSynth(b)
		if synthStore.err == nil {
			settle(b)
		}
	})
	if synthStore.err != nil {
		b.Fatal(synthStore.err)
	}
	return synthStore.store
}

// loadSynth opens the catalog in the directory named by benchDirEnv,
// generating it there the first time, or else generates it in a
// temporary directory.
func loadSynth(b *testing.B) (*graph.Store, error) {
	cfg := benchConfig()
	var dir, done string
	if keep := os.Getenv(benchDirEnv); keep != "" {
		dir = filepath.Join(keep, fmt.Sprintf("synth-%d-products", cfg.Products))
		done = filepath.Join(dir, "kplane-catalog-complete")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	} else {
		// Not b.TempDir: the store outlives the benchmark run that
		// opens it, and TestMain closes it before removing the
		// directory.
		var err error
		if dir, err = os.MkdirTemp("", "kplane-graphql-bench-"); err != nil {
			return nil, err
		}
		synthStore.dir = dir
	}
	store, err := graph.Open(dir, &graph.Options{NoSync: true})
	if err != nil {
		return nil, err
	}
	if done != "" {
		if _, err := os.Stat(done); err == nil {
			b.Logf("catalog of %d products read from %s", cfg.Products, dir)
			return store, nil
		}
	}
	l, err := store.NewLoader(context.Background(), graph.LoadOptions{Graph: rdf.IRI(synth.Base + "graph/catalog"), Replace: true})
	if err == nil {
		if err = synth.GenerateQuads(l.Add, cfg); err == nil {
			_, err = l.Commit()
		}
	}
	if err == nil && done != "" {
		err = os.WriteFile(done, nil, 0o644)
	}
	return store, err
}

// settle waits until the process has been nearly idle for a second, at
// most a minute: after a large load the store compacts in the background,
// which would be counted in the CPU time of the requests.
func settle(b *testing.B) {
	const (
		window  = time.Second
		maxWait = time.Minute
		idle    = 0.05 // of one processor
	)
	start := time.Now()
	for time.Since(start) < maxWait {
		cpu0, ok := processCPU()
		time.Sleep(window)
		cpu1, _ := processCPU()
		if !ok || float64(cpu1-cpu0) < idle*float64(window) {
			b.Logf("waited %v for the store to settle", time.Since(start).Round(time.Millisecond))
			return
		}
	}
	b.Logf("store still busy after %v: timing anyway", maxWait)
}

// aboutBenchQuery asks for a page of products about a concept with their
// owner, domain and attributes; withTotal also for the size of the whole
// answer, which makes discovery build every hit.
const aboutBenchQuery = `query($c: String!, $withTotal: Boolean!) { productsAbout(concept: $c, first: 50) {
  totalCount @include(if: $withTotal)
  edges { score node {
    iri label status
    owner { label }
    domain { label }
    datasets { logicalModels { entities { attributes { name classification } } } }
} } } }`

// BenchmarkProductsAbout asks for 50 products about a deep concept with
// their owner, domain and the attributes of their logical models. It
// reports latency percentiles of the first request about each concept
// (cold-*: nothing read yet but the ontology's product catalog) and of
// repeated requests (p50, p99), which reuse the statements earlier
// requests read from the same store state; total-p50 is repeated requests
// that also ask for totalCount; first-ms the very first request after the
// store changed. cpu-ms/op and cpu-p50-ms are the CPU time of repeated
// requests (mean and median), which unlike latency does not depend on
// how busy the machine is. Set KPLANE_GRAPHQL_BENCH_DIR to keep the
// generated catalog between runs.
func BenchmarkProductsAbout(b *testing.B) {
	store := openSynth(b)
	s, err := NewServer(store, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	concepts := synth.DeepConcepts(benchConfig(), 25)
	ctx := context.Background()
	hits := 0
	withTotal := false
	do := func(i int) {
		res := s.Do(ctx, Request{Query: aboutBenchQuery, Variables: map[string]any{"c": concepts[i%len(concepts)].Value, "withTotal": withTotal}})
		if len(res.Errors) > 0 {
			b.Fatal(res.Errors)
		}
		if i < len(concepts) {
			hits += len(list(get(res.Data, "productsAbout", "edges")))
		}
	}
	// Discovery caches per store state, which outlives one run of the
	// benchmark: change the state so that every run starts cold. Then
	// warm what every request needs, and time the first request about
	// each concept.
	if err := synth.Touch(context.Background(), store); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	do(0)
	first := time.Since(start)
	cold := make([]time.Duration, 0, len(concepts))
	for i := 1; i < len(concepts); i++ {
		start := time.Now()
		do(i)
		cold = append(cold, time.Since(start))
	}
	// The machine may be busy with other work, which stretches wall-clock
	// times: CPU time is the steadier measure. It is the whole process's
	// (graphql-go executes on a goroutine of its own, and the garbage
	// collector works on other threads), so it also counts what else the
	// process does: little, once the store has settled.
	durations := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	runtime.GC()
	proc0, procOK := processCPU()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cpu0, _ := processCPU()
		start := time.Now()
		do(i)
		durations = append(durations, time.Since(start))
		if cpu1, ok := processCPU(); ok && procOK {
			cpu = append(cpu, cpu1-cpu0)
		}
	}
	b.StopTimer()
	if proc1, ok := processCPU(); ok && procOK {
		b.ReportMetric(float64((proc1-proc0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		b.ReportMetric(percentile(cpu, 0.5), "cpu-p50-ms")
	}
	withTotal = true
	var total []time.Duration
	for i := range 2 * len(concepts) {
		start := time.Now()
		do(i)
		total = append(total, time.Since(start))
	}
	b.ReportMetric(percentile(total, 0.5), "total-p50-ms")
	b.ReportMetric(percentile(durations, 0.5), "p50-ms")
	b.ReportMetric(percentile(durations, 0.99), "p99-ms")
	b.ReportMetric(percentile(cold, 0.5), "cold-p50-ms")
	b.ReportMetric(percentile(cold, 0.99), "cold-p99-ms")
	b.ReportMetric(float64(first.Microseconds())/1000, "first-ms")
	b.ReportMetric(float64(hits)/float64(len(concepts)), "products")
}

// percentile returns the p-th percentile (0 < p <= 1) of durations, in
// milliseconds.
func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	d = slices.Clone(d)
	slices.Sort(d)
	i := min(max(int(float64(len(d))*p+0.5)-1, 0), len(d)-1)
	return float64(d[i].Microseconds()) / 1000
}

// TestSeesWrites checks that requests share a snapshot only while the
// store does not change.
func TestSeesWrites(t *testing.T) {
	store := smallSynth(t, 10)
	s, err := NewServer(store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const q = `{ products(filter: {includeRetired: true}) { totalCount } product(iri: "https://example.org/new") { label } }`
	d := run(t, s, q, nil)
	if get(d, "products", "totalCount") != float64(10) || get(d, "product") != nil {
		t.Fatalf("before the write: %v", d)
	}
	p := rdf.IRI("https://example.org/new")
	err = store.Update(context.Background(), func(tx *graph.Txn) error {
		for _, q := range []rdf.Quad{
			{S: p, P: rdf.IRI(rdf.RDFType), O: rdf.IRI("https://ekgf.github.io/dprod/DataProduct")},
			{S: p, P: rdf.IRI("http://purl.org/dc/terms/title"), O: rdf.String("New product")},
		} {
			if _, err := tx.Insert(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d = run(t, s, q, nil)
	if get(d, "products", "totalCount") != float64(11) || get(d, "product", "label") != "New product" {
		t.Errorf("after the write: %v", d)
	}
}

// TestSharedAnswersMatch checks that requests answered from what earlier
// requests read (statements, walks and documents shared while the store
// does not change) return exactly what a request reading everything
// itself returns.
func TestSharedAnswersMatch(t *testing.T) {
	store := smallSynth(t, 60)
	shared, err := NewServer(store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	// A reader wrapped by newReader is not the shared cache, so every
	// request of this server reads what it needs itself.
	alone, err := NewServer(store, Options{newReader: func(r reader) reader { return &countingReader{reader: r} }})
	if err != nil {
		t.Fatal(err)
	}
	defer alone.Close()
	// Ask about a concept above the theme of a product, which many
	// products are about.
	d := run(t, alone, `{ products(first: 1) { nodes { themes { iri broader { iri } } } } }`, nil)
	concept, _ := get(d, "products", "nodes", 0, "themes", 0, "broader", 0, "iri").(string)
	if concept == "" {
		t.Fatalf("no concept to ask about: %v", d)
	}
	queries := []Request{
		{Query: deepQuery, Variables: map[string]any{"n": 60}},
		{Query: aboutBenchQuery, Variables: map[string]any{"c": concept, "withTotal": true}},
		{Query: aboutBenchQuery, Variables: map[string]any{"c": concept, "withTotal": false}},
		{Query: `{ products(first: 3) { nodes { iri datasets { products { iri } themes { narrower { label } } } } } }`},
	}
	encode := func(s *Server, req Request) string {
		t.Helper()
		res := s.Do(context.Background(), req)
		if len(res.Errors) > 0 {
			t.Fatalf("%v\n%s", res.Errors, req.Query)
		}
		b, err := json.Marshal(res.Result)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for round := range 3 { // cold, then answered from what is shared
		for i, req := range queries {
			want := encode(alone, req)
			if got := encode(shared, req); got != want {
				t.Errorf("round %d, query %d: shared answer differs:\n%s\nwant\n%s", round, i, got, want)
			}
		}
	}
}
