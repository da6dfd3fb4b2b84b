package ntriples

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

// loadBenchData returns the decompressed contents of shared/bench/data/name,
// skipping the benchmark when the file is absent.
func loadBenchData(b *testing.B, name string) []byte {
	b.Helper()
	path := filepath.Join(sharedDir(b, "bench"), "data", name)
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		b.Skipf("%s not found", path)
	}
	if err != nil {
		b.Fatal(err)
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

// benchmarkDecode decodes data b.N times and reports lines and megabytes
// per second.
func benchmarkDecode(b *testing.B, data []byte) {
	lines := bytes.Count(data, []byte{'\n'})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), ingest.Options{})
		n := 0
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
		if n != lines {
			b.Fatalf("decoded %d statements, want %d", n, lines)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(lines)*float64(b.N)/sec, "lines/s")
	b.ReportMetric(float64(len(data))*float64(b.N)/sec/1e6, "MB/s")
}

func BenchmarkDecodeLUBM(b *testing.B) {
	benchmarkDecode(b, loadBenchData(b, "lubm1.nt.gz"))
}

// BenchmarkDecodeBSBM has long literals (product descriptions).
func BenchmarkDecodeBSBM(b *testing.B) {
	benchmarkDecode(b, loadBenchData(b, "bsbm1000.nt.gz"))
}

func BenchmarkEncodeLUBM(b *testing.B) {
	data := loadBenchData(b, "lubm1.nt.gz")
	var quads []rdf.Quad
	d := NewDecoder(bytes.NewReader(data), ingest.Options{})
	for {
		q, err := d.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		quads = append(quads, q)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e := NewEncoder(io.Discard)
		for _, q := range quads {
			if err := e.Encode(q); err != nil {
				b.Fatal(err)
			}
		}
		if err := e.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(len(quads))*float64(b.N)/sec, "lines/s")
}
