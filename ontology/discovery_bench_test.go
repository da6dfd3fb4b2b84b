package ontology_test

import (
	"context"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
	"github.com/kplane/kplane/ontology/synth"
)

// benchConfig is the synthetic catalog the benchmarks query: the full
// default catalog (about five million triples), or a tenth of it with
// -short.
func benchConfig() synth.Config {
	cfg := synth.DefaultConfig()
	if testing.Short() {
		cfg.Products /= 10
		cfg.Concepts /= 10
	}
	return cfg
}

var synthStore struct {
	once  sync.Once
	store *graph.Store
	dir   string
	err   error
}

// openSynth generates the catalog straight into a store on disk (in a
// temporary directory that outlives the benchmark runs of one process).
func openSynth(b *testing.B) *graph.Store {
	b.Helper()
	synthStore.once.Do(func() {
		dir, err := tempDir()
		if err != nil {
			synthStore.err = err
			return
		}
		store, err := graph.Open(dir, &graph.Options{NoSync: true})
		if err != nil {
			synthStore.err = err
			return
		}
		ctx := context.Background()
		start := time.Now()
		loader, err := store.NewLoader(ctx, graph.LoadOptions{Graph: rdf.IRI(synth.Base + "graph/catalog"), Source: "synth", Format: "synth"})
		if err != nil {
			synthStore.err = err
			return
		}
		if err := synth.GenerateQuads(loader.Add, benchConfig()); err != nil {
			loader.Abort()
			synthStore.err = err
			return
		}
		res, err := loader.Commit()
		if err != nil {
			synthStore.err = err
			return
		}
		b.Logf("generated and loaded %d quads in %v", res.Quads, time.Since(start).Round(time.Millisecond))
		synthStore.store = store
	})
	if synthStore.err != nil {
		b.Fatal(synthStore.err)
	}
	return synthStore.store
}

func tempDir() (string, error) {
	dir, err := os.MkdirTemp("", "kplane-ontology-bench-")
	synthStore.dir = dir
	return dir, err
}

// TestMain closes the stores the tests and benchmarks share and removes
// the benchmark's store directory.
func TestMain(m *testing.M) {
	code := m.Run()
	if demoStore.store != nil {
		demoStore.store.Close()
	}
	if synthStore.store != nil {
		synthStore.store.Close()
	}
	if synthStore.dir != "" {
		os.RemoveAll(synthStore.dir)
	}
	os.Exit(code)
}

// percentile returns the p-th percentile (0 < p <= 1) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// BenchmarkAbout asks about concepts with a deep closure (a third-level
// enterprise concept: its subtree, the domain concepts mapped to it and
// their subtrees, and the classes modelling them). It reports latency
// percentiles of the first query of each concept after a change of the
// store, each on a fresh snapshot (cold-*, wall clock and the query's CPU
// time); of repeated queries (p50, p99), which the per-state caches answer;
// and of repeated queries with the cache of answers off (uncached-*), which
// find and explain their hits again from cached statements.
func BenchmarkAbout(b *testing.B) {
	store := openSynth(b)
	cfg := benchConfig()
	concepts := synth.DeepConcepts(cfg, 25)
	ctx := context.Background()

	// Discovery caches per store state, which outlives the snapshots of
	// one run of the benchmark: change the state, so that the first
	// queries are cold in every run.
	if err := synth.Touch(context.Background(), store); err != nil {
		b.Fatal(err)
	}
	cold := make([]time.Duration, 0, len(concepts))
	var coldCPU []time.Duration
	members, hits := 0, 0
	runtime.LockOSThread()
	for _, c := range concepts {
		// Each cold query runs on a snapshot of its own, as a server's
		// first query after a change does.
		snap := store.Snapshot()
		cpu0, measured := threadCPU()
		start := time.Now()
		h, _, err := ontology.About(ctx, snap, ontology.AboutQuery{Concept: c})
		cold = append(cold, time.Since(start))
		if cpu1, ok := threadCPU(); ok && measured {
			coldCPU = append(coldCPU, cpu1-cpu0)
		}
		if err != nil {
			b.Fatal(err)
		}
		hits += len(h)
		cl, err := ontology.MeaningClosure(ctx, snap, []graph.ID{graph.TermID(c)}, true)
		if err != nil {
			b.Fatal(err)
		}
		members += len(cl.Members)
		snap.Release()
	}
	runtime.UnlockOSThread()
	slices.Sort(cold)
	slices.Sort(coldCPU)

	snap := store.Snapshot()
	defer snap.Release()
	for _, c := range concepts { // warm the snapshot's cache
		if _, _, err := ontology.About(ctx, snap, ontology.AboutQuery{Concept: c, Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, _, err := ontology.About(ctx, snap, ontology.AboutQuery{Concept: concepts[i%len(concepts)], Limit: 50}); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	// The loop above is served by the cache of answers; without it, every
	// query finds and explains its hits again, from cached statements.
	ontology.SetAnswerCache(false)
	computed := make([]time.Duration, 0, 4*len(concepts))
	for i := range cap(computed) {
		start := time.Now()
		if _, _, err := ontology.About(ctx, snap, ontology.AboutQuery{Concept: concepts[i%len(concepts)], Limit: 50}); err != nil {
			b.Fatal(err)
		}
		computed = append(computed, time.Since(start))
	}
	ontology.SetAnswerCache(true)
	slices.Sort(computed)
	b.ReportMetric(float64(percentile(computed, 0.5).Microseconds())/1000, "uncached-p50-ms")
	b.ReportMetric(float64(percentile(computed, 0.99).Microseconds())/1000, "uncached-p99-ms")
	slices.Sort(durations)
	b.ReportMetric(float64(percentile(durations, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(durations, 0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(percentile(cold, 0.5).Microseconds())/1000, "cold-p50-ms")
	b.ReportMetric(float64(percentile(cold, 0.99).Microseconds())/1000, "cold-p99-ms")
	if len(coldCPU) > 0 {
		// The CPU time of the cold queries, which machine load does not
		// inflate as it does wall-clock latency (the kernel counts it in
		// scheduler ticks, so small values are coarse).
		b.ReportMetric(float64(percentile(coldCPU, 0.5).Microseconds())/1000, "cold-cpu-p50-ms")
		b.ReportMetric(float64(percentile(coldCPU, 0.99).Microseconds())/1000, "cold-cpu-p99-ms")
	}
	b.ReportMetric(float64(members)/float64(len(concepts)), "closure-size")
	b.ReportMetric(float64(hits)/float64(len(concepts)), "hits")
}
