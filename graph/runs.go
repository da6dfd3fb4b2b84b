package graph

import (
	"bufio"
	"container/heap"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
)

// rec is a triple's three ids in the order of one index.
type rec [48]byte

func makeRec(spo *[3]ID, ord order) rec {
	var r rec
	for i, c := range ord {
		copy(r[i*16:], spo[c][:])
	}
	return r
}

func (r *rec) spo(ord order) [3]ID {
	var spo [3]ID
	for i, c := range ord {
		copy(spo[c][:], r[i*16:(i+1)*16])
	}
	return spo
}

// compareRec orders records as bytes.Compare would, eight bytes at a time
// (sorting runs is a good part of a load's time).
func compareRec(a, b rec) int {
	for i := 0; i < len(a); i += 8 {
		x, y := binary.BigEndian.Uint64(a[i:]), binary.BigEndian.Uint64(b[i:])
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// run is a sorted, duplicate-free sequence of records, in memory or in a
// temporary file.
type run interface {
	open() (runReader, error)
}

type runReader interface {
	next() (*rec, bool, error)
	close()
}

type memRun []rec

func (m memRun) open() (runReader, error) { return &memReader{recs: m}, nil }

type memReader struct {
	recs []rec
	i    int
}

func (r *memReader) next() (*rec, bool, error) {
	if r.i >= len(r.recs) {
		return nil, false, nil
	}
	r.i++
	return &r.recs[r.i-1], true, nil
}

func (r *memReader) close() {}

type fileRun string

func (f fileRun) open() (runReader, error) {
	fh, err := os.Open(string(f))
	if err != nil {
		return nil, err
	}
	return &fileReader{f: fh, r: bufio.NewReaderSize(fh, 1<<16)}, nil
}

type fileReader struct {
	f   *os.File
	r   *bufio.Reader
	cur rec
}

func (r *fileReader) next() (*rec, bool, error) {
	if _, err := io.ReadFull(r.r, r.cur[:]); err != nil {
		if err == io.EOF {
			return nil, false, nil
		}
		return nil, false, err
	}
	return &r.cur, true, nil
}

func (r *fileReader) close() { r.f.Close() }

// dictEntryRec is one dictionary entry in a run.
type dictEntryRec struct {
	id    ID
	entry []byte
}

type dictRun struct {
	mem  []dictEntryRec
	file string
}

// spiller keeps runs in memory up to a budget and writes the rest to
// temporary files, so a load's memory does not grow with its size.
type spiller struct {
	dir    string
	budget int
	used   int
	files  []string
}

func (s *spiller) create() (*os.File, error) {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(s.dir, "load-*.run")
	if err != nil {
		return nil, err
	}
	s.files = append(s.files, f.Name())
	return f, nil
}

func (s *spiller) quadRun(recs []rec) (run, error) {
	size := len(recs) * len(rec{})
	if s.used+size <= s.budget {
		s.used += size
		return memRun(recs), nil
	}
	f, err := s.create()
	if err != nil {
		return nil, fmt.Errorf("spill sorted run: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	for i := range recs {
		w.Write(recs[i][:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("spill sorted run: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("spill sorted run: %w", err)
	}
	return fileRun(f.Name()), nil
}

func (s *spiller) dictRun(m map[ID][]byte) (*dictRun, error) {
	recs := make([]dictEntryRec, 0, len(m))
	size := 0
	for id, e := range m {
		recs = append(recs, dictEntryRec{id, e})
		size += 16 + len(e) + 24
	}
	slices.SortFunc(recs, func(a, b dictEntryRec) int { return compareID(a.id, b.id) })
	if s.used+size <= s.budget {
		s.used += size
		return &dictRun{mem: recs}, nil
	}
	f, err := s.create()
	if err != nil {
		return nil, fmt.Errorf("spill dictionary run: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var lenBuf [binary.MaxVarintLen64]byte
	for _, r := range recs {
		w.Write(r.id[:])
		w.Write(lenBuf[:binary.PutUvarint(lenBuf[:], uint64(len(r.entry)))])
		w.Write(r.entry)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("spill dictionary run: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return &dictRun{file: f.Name()}, nil
}

func (s *spiller) cleanup() {
	for _, f := range s.files {
		os.Remove(f)
	}
	s.files = nil
	s.used = 0
}

// mergeRuns calls fn for each distinct (record, instance) of the runs in
// ascending order. insts gives each run's instance (nil: all the same),
// which breaks ties between equal records of different instances.
func mergeRuns(ctx context.Context, runs []run, insts []ID, fn func(r *rec, inst ID) error) error {
	h := &cursorHeap{}
	defer func() {
		for _, c := range h.cs {
			c.r.close()
		}
	}()
	for i, r := range runs {
		rd, err := r.open()
		if err != nil {
			return err
		}
		c := &cursor{r: rd}
		if insts != nil {
			c.inst = insts[i]
		}
		ok, err := c.advance()
		if err != nil {
			rd.close()
			return err
		}
		if ok {
			h.cs = append(h.cs, c)
		} else {
			rd.close()
		}
	}
	heap.Init(h)
	var prev rec
	var prevInst ID
	first := true
	n := 0
	for len(h.cs) > 0 {
		if n++; n&8191 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		c := h.cs[0]
		if first || c.cur != prev || c.inst != prevInst {
			if err := fn(&c.cur, c.inst); err != nil {
				return err
			}
			prev, prevInst, first = c.cur, c.inst, false
		}
		ok, err := c.advance()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			c.r.close()
			heap.Pop(h)
		}
	}
	return nil
}

type cursor struct {
	r    runReader
	cur  rec
	inst ID
}

func (c *cursor) advance() (bool, error) {
	r, ok, err := c.r.next()
	if !ok || err != nil {
		return false, err
	}
	c.cur = *r
	return true, nil
}

type cursorHeap struct{ cs []*cursor }

func (h *cursorHeap) Len() int { return len(h.cs) }
func (h *cursorHeap) Less(i, j int) bool {
	if c := compareRec(h.cs[i].cur, h.cs[j].cur); c != 0 {
		return c < 0
	}
	return compareID(h.cs[i].inst, h.cs[j].inst) < 0
}
func (h *cursorHeap) Swap(i, j int) { h.cs[i], h.cs[j] = h.cs[j], h.cs[i] }
func (h *cursorHeap) Push(x any)    { h.cs = append(h.cs, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	c := h.cs[len(h.cs)-1]
	h.cs = h.cs[:len(h.cs)-1]
	return c
}

// mergeDict calls fn once per distinct id of the dictionary runs, in id
// order.
func mergeDict(runs []*dictRun, fn func(ID, []byte) error) error {
	type dcur struct {
		recs []dictEntryRec
		f    *os.File
		r    *bufio.Reader
		cur  dictEntryRec
	}
	var cs []*dcur
	defer func() {
		for _, c := range cs {
			if c.f != nil {
				c.f.Close()
			}
		}
	}()
	advance := func(c *dcur) (bool, error) {
		if c.r == nil {
			if len(c.recs) == 0 {
				return false, nil
			}
			c.cur, c.recs = c.recs[0], c.recs[1:]
			return true, nil
		}
		if _, err := io.ReadFull(c.r, c.cur.id[:]); err != nil {
			if err == io.EOF {
				return false, nil
			}
			return false, err
		}
		n, err := binary.ReadUvarint(c.r)
		if err != nil {
			return false, err
		}
		c.cur.entry = make([]byte, n)
		_, err = io.ReadFull(c.r, c.cur.entry)
		return err == nil, err
	}
	for _, r := range runs {
		c := &dcur{recs: r.mem}
		if r.file != "" {
			f, err := os.Open(r.file)
			if err != nil {
				return err
			}
			c.f, c.r = f, bufio.NewReaderSize(f, 1<<16)
		}
		cs = append(cs, c)
	}
	live := cs[:0:0]
	for _, c := range cs {
		ok, err := advance(c)
		if err != nil {
			return err
		}
		if ok {
			live = append(live, c)
		}
	}
	var prev ID
	first := true
	for len(live) > 0 {
		// Few runs: a linear minimum is simpler than a heap and as fast.
		bi := 0
		for i := 1; i < len(live); i++ {
			if compareID(live[i].cur.id, live[bi].cur.id) < 0 {
				bi = i
			}
		}
		c := live[bi]
		if first || c.cur.id != prev {
			if err := fn(c.cur.id, c.cur.entry); err != nil {
				return err
			}
			prev, first = c.cur.id, false
		}
		ok, err := advance(c)
		if err != nil {
			return err
		}
		if !ok {
			live = append(live[:bi], live[bi+1:]...)
		}
	}
	return nil
}

// sortRecs sorts records, using tmp (at least as long) as scratch space.
// It is a most-significant-byte radix sort: ids are mostly hashes, so a
// few bytes split a chunk into small buckets, and positions every record
// shares (a tag byte, the predicate of a POS run) cost one counting pass.
// It is several times faster than a comparison sort of 48-byte records.
func sortRecs(recs, tmp []rec) {
	radixSortRecs(recs, tmp[:len(recs)], 0)
}

// radixSmall is the bucket size below which a comparison sort is faster.
const radixSmall = 256

func radixSortRecs(a, tmp []rec, depth int) {
	for {
		if len(a) <= radixSmall || depth == len(rec{}) {
			if depth < len(rec{}) {
				slices.SortFunc(a, compareRec)
			}
			return
		}
		var count [256]int
		for i := range a {
			count[a[i][depth]]++
		}
		if count[a[0][depth]] != len(a) {
			break
		}
		depth++ // every record has the same byte here
	}
	var count [256]int
	for i := range a {
		count[a[i][depth]]++
	}
	var start [256]int
	pos := 0
	for b := range count {
		start[b] = pos
		pos += count[b]
	}
	next := start
	for i := range a {
		b := a[i][depth]
		tmp[next[b]] = a[i]
		next[b]++
	}
	copy(a, tmp)
	for b := range count {
		if n := count[b]; n > 1 {
			lo := start[b]
			radixSortRecs(a[lo:lo+n], tmp[lo:lo+n], depth+1)
		}
	}
}
