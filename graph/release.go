package graph

import (
	"fmt"
	"path/filepath"
	"runtime/debug"
)

// ReleaseMemory hands back to the operating system the memory an idle
// process holding the store does not need, and reports how many bytes of
// mapped store files it asked the kernel to reclaim.
//
// Badger maps its table and value-log files into memory and offers no
// other mode, so every page a scan touches stays resident: after a scan of
// a few million quads the process holds hundreds of megabytes although it
// owns little of it. ReleaseMemory asks the kernel to reclaim those pages
// (on Linux, madvise MADV_PAGEOUT on every mapping of a file in the
// store's directory: a hint that never changes memory contents, so it is
// safe even if a mapping is replaced concurrently) and returns the Go
// heap's free pages. The next read faults the pages back in from the page
// cache or the disk. It is meant for a server that has been idle for a
// while, not for every request. On other systems it only frees the heap.
func (s *Store) ReleaseMemory() (int64, error) {
	var released int64
	var err error
	if s.dir != "" { // an in-memory store maps no files
		var dir string
		if dir, err = filepath.Abs(s.dir); err == nil {
			released, err = releaseMappings(dir)
		}
	}
	debug.FreeOSMemory()
	if err != nil {
		return released, fmt.Errorf("release memory of %s: %w", s.dir, err)
	}
	return released, nil
}
