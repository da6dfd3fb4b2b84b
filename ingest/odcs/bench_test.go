package odcs

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkDecode parses, validates and maps the demo contracts, the work
// the importer does per contract before it writes anything.
func BenchmarkDecode(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "demo", "*", "contracts", "*.odcs.yaml"))
	if len(files) == 0 {
		b.Fatal("no demo contracts")
	}
	var sources [][]byte
	var size int64
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		sources = append(sources, data)
		size += int64(len(data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for i, data := range sources {
			if _, err := Decode(bytes.NewReader(data), Options{File: files[i]}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(sources)), "µs/contract")
}
