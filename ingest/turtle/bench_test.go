package turtle

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kplane/kplane/ingest"
)

// benchData returns the decompressed bytes of a file of the shared
// benchmark data, or skips the benchmark if it is absent.
func benchData(b *testing.B, name string) []byte {
	b.Helper()
	dir, err := sharedDir()
	if err != nil {
		b.Skip(err)
	}
	f, err := os.Open(filepath.Join(dir, "bench", "data", name))
	if err != nil {
		b.Skipf("benchmark data not available: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// sharedDir finds the shared/ directory beside the repository by walking up
// from the working directory.
func sharedDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		cand := filepath.Join(dir, "shared")
		if fi, err := os.Stat(filepath.Join(cand, "bench")); err == nil && fi.IsDir() {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// BenchmarkDecodeTurtle decodes LUBM-1 (N-Triples, which is also Turtle)
// and reports the throughput in triples per second.
func BenchmarkDecodeTurtle(b *testing.B) {
	data := benchData(b, "lubm1.nt.gz")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = 0
		d := NewDecoder(bytes.NewReader(data), ingest.Options{File: "lubm1.nt"})
		for {
			_, err := d.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "triples/s")
}
