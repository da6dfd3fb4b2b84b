package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/w3ctest"
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

// BenchmarkLoad loads LUBM(10) (1.27M distinct triples) into a named graph
// of an empty store, and into a store that already holds it once.
func BenchmarkLoad(b *testing.B) {
	file := benchFile(b, "lubm10.nt.gz")
	for _, prefill := range []bool{false, true} {
		name := "empty"
		if prefill {
			name = "holding-1M"
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
