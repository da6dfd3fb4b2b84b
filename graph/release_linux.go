package graph

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// madvPageout is Linux's MADV_PAGEOUT (since 5.4): reclaim the pages of a
// range, keeping their contents (file pages are dropped or written back,
// anonymous ones swapped), which the syscall package does not name.
const madvPageout = 21

// releaseMappings asks the kernel to reclaim the pages of every mapping of
// a file under dir and returns the total size of those mappings.
func releaseMappings(dir string) (int64, error) {
	ranges, err := fileMappings(dir)
	if err != nil {
		return 0, err
	}
	var total int64
	for _, r := range ranges {
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, r.start, r.end-r.start, madvPageout)
		switch {
		case errno == 0:
			total += int64(r.end - r.start)
		case errno == syscall.EINVAL:
			// A kernel older than 5.4 has no MADV_PAGEOUT: nothing to do.
			return total, nil
		case errno == syscall.ENOMEM:
			// The mapping went away (a table dropped by a compaction)
			// since /proc/self/maps was read.
		default:
			return total, fmt.Errorf("madvise %x-%x: %w", r.start, r.end, errno)
		}
	}
	return total, nil
}

// addrRange is a range of virtual addresses, [start, end).
type addrRange struct{ start, end uintptr }

// fileMappings reads /proc/self/maps for the mappings of files under dir.
func fileMappings(dir string) ([]addrRange, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	prefix := strings.TrimSuffix(dir, "/") + "/"
	var out []addrRange
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		r, path, ok := parseMapsLine(sc.Bytes())
		if ok && strings.HasPrefix(path, prefix) {
			out = append(out, r)
		}
	}
	return out, sc.Err()
}

// parseMapsLine parses one line of /proc/self/maps, "start-end perms
// offset dev inode path", where the path (absent for anonymous mappings)
// may contain spaces.
func parseMapsLine(line []byte) (addrRange, string, bool) {
	fields := make([][]byte, 0, 5)
	rest := line
	for len(fields) < 5 {
		rest = bytes.TrimLeft(rest, " ")
		i := bytes.IndexByte(rest, ' ')
		if i < 0 {
			return addrRange{}, "", false
		}
		fields = append(fields, rest[:i])
		rest = rest[i:]
	}
	path := string(bytes.TrimLeft(rest, " "))
	lo, hi, ok := bytes.Cut(fields[0], []byte{'-'})
	if !ok {
		return addrRange{}, "", false
	}
	start, err1 := strconv.ParseUint(string(lo), 16, 64)
	end, err2 := strconv.ParseUint(string(hi), 16, 64)
	if err := errors.Join(err1, err2); err != nil || end <= start {
		return addrRange{}, "", false
	}
	return addrRange{uintptr(start), uintptr(end)}, path, true
}
