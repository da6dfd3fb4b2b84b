package graph

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

// residentMappedBytes sums the resident size of the mappings of files under
// dir, from /proc/self/smaps.
func residentMappedBytes(t *testing.T, dir string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	prefix := dir + "/"
	var total int64
	inDir := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if _, path, ok := parseMapsLine([]byte(line)); ok {
			inDir = strings.HasPrefix(path, prefix)
			continue
		}
		if v, ok := strings.CutPrefix(line, "Rss:"); ok && inDir {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("smaps: %q: %v", line, err)
			}
			total += kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

// TestReleaseMemory checks that the pages of store files a full scan made
// resident are handed back, and that the store reads the same afterwards.
func TestReleaseMemory(t *testing.T) {
	dir, err := filepath.Abs(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	var qs []rdf.Quad
	for i := range 20000 {
		qs = append(qs, rdf.Quad{S: iri(fmt.Sprintf("s%d", i)), P: iri(fmt.Sprintf("p%d", i%7)), O: rdf.String(fmt.Sprintf("a literal long enough not to be inline, number %d", i))})
	}
	load(t, s, LoadOptions{Graph: iri("g")}, qs...)
	// Reopen so that everything sits in table files rather than memtables.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, &Options{NoSync: true}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	before := quads(t, s, Pattern{Graph: AllGraphs})
	if len(before) != len(qs) {
		t.Fatalf("scan found %d quads, want %d", len(before), len(qs))
	}
	touched := residentMappedBytes(t, dir)
	if touched < 1<<20 {
		t.Fatalf("after a full scan only %d bytes of store files are resident; the test needs more to be meaningful", touched)
	}
	released, err := s.ReleaseMemory()
	if err != nil {
		t.Fatal(err)
	}
	after := residentMappedBytes(t, dir)
	t.Logf("resident store files: %d KiB after the scan, %d KiB after releasing (%d KiB of mappings released)", touched>>10, after>>10, released>>10)
	if released == 0 {
		t.Skip("the kernel does not support MADV_PAGEOUT")
	}
	if after > touched/4 {
		t.Errorf("after ReleaseMemory %d bytes of store files are still resident (was %d)", after, touched)
	}
	if again := quads(t, s, Pattern{Graph: AllGraphs}); strings.Join(again, "") != strings.Join(before, "") {
		t.Error("the store reads differently after releasing memory")
	}
}
