package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
)

// contractVariants writes n ODCS contracts into dir: the demo's contracts,
// each copy given its own id and canonical IRI so that every copy is a
// separate document with a graph of its own.
func contractVariants(b testing.TB, dir string, n int) []string {
	b.Helper()
	templates, _ := filepath.Glob(filepath.Join(demoDir, "*", "contracts", "*.odcs.yaml"))
	if len(templates) == 0 {
		b.Fatal("no demo contracts")
	}
	idLine := regexp.MustCompile(`(?m)^id: (.+)$`)
	canonical := regexp.MustCompile(`(url: https://demo\.kplane\.dev/[^/\s]+/contract/[^\s]+)`)
	var files []string
	for i := range n {
		data, err := os.ReadFile(templates[i%len(templates)])
		if err != nil {
			b.Fatal(err)
		}
		suffix := fmt.Sprintf("-v%d", i)
		data = idLine.ReplaceAll(data, []byte("id: ${1}"+suffix))
		data = canonical.ReplaceAll(data, []byte("${1}"+suffix))
		f := filepath.Join(dir, fmt.Sprintf("contract-%04d.odcs.yaml", i))
		if err := os.WriteFile(f, data, 0o644); err != nil {
			b.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// BenchmarkImportODCS imports 1,000 contracts in one command into a store
// on disk (NoSync, as the other load benchmarks).
func BenchmarkImportODCS(b *testing.B) {
	const n = 1000
	files := contractVariants(b, b.TempDir(), n)
	ctx := context.Background()
	var quads int64
	var wall, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := graph.Open(b.TempDir(), &graph.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		res, elapsed, used := timedImport(b, ctx, s, files)
		if len(res.Documents) != n {
			b.Fatalf("%d documents imported, want %d", len(res.Documents), n)
		}
		quads = 0
		for _, d := range res.Documents {
			quads += d.Quads
		}
		wall, cpu = wall+elapsed, cpu+used
		s.Close()
		b.StartTimer()
	}
	reportImport(b, n, wall, cpu)
	b.ReportMetric(float64(quads), "quads")
}

// BenchmarkReimportODCS imports the same 1,000 contracts into a store that
// already holds them, as a user re-running an import does: every graph is
// replaced by an equal one.
func BenchmarkReimportODCS(b *testing.B) {
	const n = 1000
	files := contractVariants(b, b.TempDir(), n)
	ctx := context.Background()
	var wall, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		s, err := graph.Open(b.TempDir(), &graph.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Import(ctx, s, Request{Files: files}); err != nil {
			b.Fatal(err)
		}
		res, elapsed, used := timedImport(b, ctx, s, files)
		for _, d := range res.Documents {
			if !d.Existed || d.Before != d.Quads {
				b.Fatalf("%s: existed %v with %d quads, now %d; want the same graph again", d.File, d.Existed, d.Before, d.Quads)
			}
		}
		wall, cpu = wall+elapsed, cpu+used
		s.Close()
		b.StartTimer()
	}
	reportImport(b, n, wall, cpu)
}

// reportImport reports the rate of n contracts per import and the CPU time
// one import used, which on a loaded machine says more than wall time.
func reportImport(b *testing.B, n int, wall, cpu time.Duration) {
	b.ReportMetric(float64(n*b.N)/wall.Seconds(), "contracts/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/import")
}

// timedImport imports files into s with the benchmark timer running and
// returns the result, the wall-clock time and the process CPU time it took.
// The timer is stopped before and after.
func timedImport(b *testing.B, ctx context.Context, s *graph.Store, files []string) (Result, time.Duration, time.Duration) {
	b.Helper()
	b.StartTimer()
	start, before := time.Now(), processCPU()
	res, err := Import(ctx, s, Request{Files: files})
	if err != nil {
		b.Fatal(err)
	}
	elapsed, used := time.Since(start), processCPU()-before
	b.StopTimer()
	return res, elapsed, used
}
