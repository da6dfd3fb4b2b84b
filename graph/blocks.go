package graph

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	badger "github.com/dgraph-io/badger/v4"
)

// Packed blocks. Badger's cost is per key (memtable skiplist, table index,
// per-entry header and version), so a bulk load of a big instance (at
// least packMinQuads quads) writes each of its graph-first indexes as
// blocks of up to blockEntries consecutive entries, one Badger key per
// block. Packed instances are not in the graph-last indexes either:
// patterns over all named graphs merge them one instance at a time
// (scan.go), which is why small loaded instances are not packed. A
// named-graph quad of a packed instance thus costs about 3/32 of a key
// instead of 6 keys.
//
// A block's key is the index key of its last entry; its value holds the
// entries before it, in order, each as one byte saying how long a prefix it
// shares with the entry before it (the first with the zero entry) and the
// bytes after that prefix. A key with an empty value is a block of one
// entry, which is what every key of an unpacked instance is, so one reader
// serves both.
//
// Keying a block by its last entry is what makes a forward seek enough: the
// first key at or after an entry k is the only block that can hold k,
// because the blocks of one instance and index never overlap. And a block
// never spans two values of the index's first id, so the keys of all
// blocks that hold entries starting with an id start with it too: a scan
// that binds the first id can limit Badger to that prefix (fewer tables,
// no read past the range), which keeps short scans as cheap as with one
// key per entry. A packed instance is written once, sorted, and transactions never add to it
// (Txn.Insert gives the graph a new unpacked instance instead); they only
// remove entries, by rewriting the block that holds them.

// blockEntries is the most entries a block holds.
const blockEntries = 32

// blockPrefixLen is the length of the key prefix all entries of a block
// share: index, instance and first id.
const blockPrefixLen = 1 + 2*16

// errCorruptBlock reports a block value that does not decode.
var errCorruptBlock = errors.New("graph: corrupt index block")

// appendBlockValue appends the encoding of entries (sorted, distinct: a
// block without its last entry) to dst.
func appendBlockValue(dst []byte, entries []rec) []byte {
	var prev rec
	for i := range entries {
		e := &entries[i]
		shared := 0
		for shared < len(e)-1 && e[shared] == prev[shared] {
			shared++
		}
		dst = append(dst, byte(shared))
		dst = append(dst, e[shared:]...)
		prev = *e
	}
	return dst
}

// decodeNextEntry decodes the entry that follows cur in an encoded block
// value, in place, and returns the rest of the value.
func decodeNextEntry(val []byte, cur *rec) ([]byte, error) {
	shared := int(val[0])
	n := len(cur) - shared
	if shared >= len(cur) || len(val) < 1+n {
		return nil, errCorruptBlock
	}
	copy(cur[shared:], val[1:1+n])
	return val[1+n:], nil
}

// decodeBlock returns all entries of a block: those in its value and last.
func decodeBlock(dst []rec, val []byte, last *rec) ([]rec, error) {
	var cur rec
	for len(val) > 0 {
		var err error
		if val, err = decodeNextEntry(val, &cur); err != nil {
			return dst, err
		}
		dst = append(dst, cur)
	}
	return append(dst, *last), nil
}

// blockCursor walks, in order, the entries of one instance in one
// graph-first index that start with a prefix, expanding blocks as it goes.
type blockCursor struct {
	it   *badger.Iterator
	inst ID // the instance
	g    ID // the graph it belongs to, for results

	base  []byte // [index][instance]: the keys this cursor may read
	want  []byte // the bound part of the wanted entries (0 to 48 bytes)
	buf   []byte // the current block's value
	val   []byte // what is left of it to decode
	last  rec    // the current block's last entry (its key)
	cur   rec    // the current entry
	atEnd bool   // cur is last
	valid bool
	err   error
}

// newBlockCursor opens a cursor on prefix ([index][instance][bound ids]),
// positioned on the first entry with that prefix.
func newBlockCursor(txn *badger.Txn, prefix []byte, inst, g ID, packed bool) *blockCursor {
	// A packed block after the prefix's range can hold entries in it, so
	// the iterator must not stop at the prefix: it is limited to the
	// instance instead. Unpacked keys are single entries, and the full
	// prefix lets Badger skip more tables.
	opts := badger.IteratorOptions{Prefix: prefix, PrefetchValues: false}
	if packed {
		opts.Prefix = prefix[:min(len(prefix), blockPrefixLen)]
	}
	c := &blockCursor{it: txn.NewIterator(opts), inst: inst, g: g}
	c.seek(prefix)
	return c
}

// seek positions the cursor on the first entry with prefix, which must
// start with the cursor's index and instance.
func (c *blockCursor) seek(prefix []byte) {
	c.base, c.want = prefix[:17], prefix[17:]
	c.it.Seek(prefix)
	c.load()
	for c.valid && bytes.Compare(c.cur[:len(c.want)], c.want) < 0 {
		c.step()
	}
	c.checkWant()
}

// load reads the block at the iterator's position and positions the
// cursor on its first entry.
func (c *blockCursor) load() {
	if !c.it.ValidForPrefix(c.base) {
		c.valid = false
		return
	}
	item := c.it.Item()
	copy(c.last[:], item.Key()[17:])
	var err error
	if c.buf, err = item.ValueCopy(c.buf[:0]); err != nil {
		c.fail(err)
		return
	}
	c.val = c.buf
	c.valid = true
	if len(c.val) == 0 {
		c.cur, c.atEnd = c.last, true
		return
	}
	c.cur, c.atEnd = rec{}, false
	if c.val, err = decodeNextEntry(c.val, &c.cur); err != nil {
		c.fail(fmt.Errorf("%w under key %x", err, item.Key()))
	}
}

func (c *blockCursor) fail(err error) {
	c.err, c.valid = err, false
}

// step moves to the next entry, whatever its prefix.
func (c *blockCursor) step() {
	switch {
	case len(c.val) > 0:
		var err error
		if c.val, err = decodeNextEntry(c.val, &c.cur); err != nil {
			c.fail(err)
		}
	case !c.atEnd:
		c.cur, c.atEnd = c.last, true
	default:
		c.it.Next()
		c.load()
	}
}

// checkWant ends the cursor at the first entry past the prefix: entries
// are sorted, so none after it can match.
func (c *blockCursor) checkWant() {
	if c.valid && !bytes.HasPrefix(c.cur[:], c.want) {
		c.valid = false
	}
}

// next moves to the next matching entry.
func (c *blockCursor) next() {
	c.step()
	c.checkWant()
}

func (c *blockCursor) close() { c.it.Close() }

// blockHolds reports whether the index holds key ([index][instance][entry]),
// reading through it, an iterator whose Prefix option, if any, is at most
// the first blockPrefixLen bytes of key.
func blockHolds(it *badger.Iterator, key []byte) (bool, error) {
	it.Seek(key)
	if !it.ValidForPrefix(key[:17]) {
		return false, nil
	}
	item := it.Item()
	if bytes.Equal(item.Key(), key) {
		return true, nil
	}
	// The first block whose last entry is past key: key is in it or
	// nowhere.
	found := false
	err := item.Value(func(val []byte) error {
		var cur rec
		want := key[17:]
		for len(val) > 0 {
			var err error
			if val, err = decodeNextEntry(val, &cur); err != nil {
				return err
			}
			switch bytes.Compare(cur[:], want) {
			case 0:
				found = true
				return nil
			case 1:
				return nil
			}
		}
		return nil
	})
	return found, err
}

// dropEntries removes entries (sorted, in the index's order) from the
// blocks of one instance and graph-first index (base is [index][instance]),
// reading the blocks through it and writing the rewritten blocks through
// put and del. Entries the index does not hold are ignored.
func dropEntries(it *badger.Iterator, base []byte, entries []rec, put func(k, v []byte) error, del func(k []byte) error) error {
	var block []rec
	for i := 0; i < len(entries); {
		key := append(slices.Clip(base[:17]), entries[i][:]...)
		it.Seek(key)
		if !it.ValidForPrefix(base[:17]) {
			return nil // nothing at or after entries[i]
		}
		item := it.Item()
		blockKey := item.KeyCopy(nil)
		var last rec
		copy(last[:], blockKey[17:])
		val, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		if block, err = decodeBlock(block[:0], val, &last); err != nil {
			return fmt.Errorf("%w under key %x", err, blockKey)
		}
		kept := make([]rec, 0, len(block))
		for _, e := range block {
			for i < len(entries) && compareRec(entries[i], e) < 0 {
				i++ // not in the index
			}
			if i < len(entries) && entries[i] == e {
				i++
				continue
			}
			kept = append(kept, e)
		}
		// Every entry up to last has been consumed, so i moved on.
		for i < len(entries) && compareRec(entries[i], last) <= 0 {
			i++
		}
		if len(kept) == len(block) {
			continue
		}
		if len(kept) == 0 || kept[len(kept)-1] != last {
			if err := del(blockKey); err != nil {
				return err
			}
		}
		if n := len(kept); n > 0 {
			k := append(slices.Clip(base[:17]), kept[n-1][:]...)
			if err := put(k, appendBlockValue(nil, kept[:n-1])); err != nil {
				return err
			}
		}
	}
	return nil
}

// blockWriter groups the entries of one instance's index, given in order,
// into blocks of up to size entries and hands them to a sink. With size 1
// it writes an unpacked instance: one key per entry, empty values.
type blockWriter struct {
	out     sinkLane
	stream  byte
	size    int
	key     [keyLen]byte
	entries []rec
	val     []byte
}

func newBlockWriter(out sinkLane, idx byte, inst ID, size int) *blockWriter {
	w := &blockWriter{out: out, stream: idx, size: size, entries: make([]rec, 0, size)}
	w.key[0] = idx
	copy(w.key[1:], inst[:])
	return w
}

func (w *blockWriter) add(e *rec) error {
	if len(w.entries) > 0 && [16]byte(w.entries[0][:16]) != [16]byte(e[:16]) {
		if err := w.flush(); err != nil {
			return err
		}
	}
	w.entries = append(w.entries, *e)
	if len(w.entries) == w.size {
		return w.flush()
	}
	return nil
}

// flush writes the entries gathered so far as one block.
func (w *blockWriter) flush() error {
	n := len(w.entries)
	if n == 0 {
		return nil
	}
	copy(w.key[17:], w.entries[n-1][:])
	w.val = appendBlockValue(w.val[:0], w.entries[:n-1])
	w.entries = w.entries[:0]
	return w.out.add(w.stream, w.key[:], w.val)
}
