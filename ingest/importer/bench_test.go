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
	for b.Loop() {
		b.StopTimer()
		s, err := graph.Open(b.TempDir(), &graph.Options{NoSync: true})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := Import(ctx, s, Request{Files: files})
		if err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		b.StopTimer()
		if len(res.Documents) != n {
			b.Fatalf("%d documents imported, want %d", len(res.Documents), n)
		}
		quads = 0
		for _, d := range res.Documents {
			quads += d.Quads
		}
		b.ReportMetric(float64(n)/elapsed.Seconds(), "contracts/s")
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(quads), "quads")
}
