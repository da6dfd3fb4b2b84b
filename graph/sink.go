package graph

import (
	"fmt"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
)

// A sink receives the keys of a load, each stream (key prefix) in ascending
// order.
type sink interface {
	add(stream byte, key, value []byte) error
	close() error
	abort()
}

// streamThreshold is the load size from which the stream writer, which
// builds Badger tables directly and is about 1.6 times as fast, beats a
// write batch despite the memtable flush and write pause it costs. Preparing
// it can compact the whole tree (when level 0 has tables), so it is only
// used for loads at least as large as the store (useStreamSink).
const streamThreshold = 50_000

// useStreamSink decides between the two sinks for a load of n quads into a
// store holding stored quads.
func useStreamSink(n, stored int64) bool {
	if forceBatchSink {
		return false
	}
	return n >= streamThreshold && n >= stored
}

// forceBatchSink makes every load use the batch sink (benchmarks compare).
var forceBatchSink = false

// batchSink writes through a Badger write batch (many transactions).
type batchSink struct{ wb *badger.WriteBatch }

func newBatchSink(db *badger.DB) *batchSink { return &batchSink{wb: db.NewWriteBatch()} }

func (b *batchSink) add(_ byte, key, value []byte) error {
	return b.wb.Set(append([]byte(nil), key...), value)
}

func (b *batchSink) close() error { return b.wb.Flush() }
func (b *batchSink) abort()       { b.wb.Cancel() }

// streamSink writes through Badger's incremental stream writer, one stream
// per key prefix. Keys become visible at close; they belong to pending
// instances, so no reader looks at them before the load links them.
type streamSink struct {
	sw      *badger.StreamWriter
	version uint64
	bufs    map[byte]*z.Buffer
	kv      pb.KV // reused: KVToBuffer copies it into the buffer
}

func newStreamSink(db *badger.DB) (*streamSink, error) {
	// The incremental stream writer needs empty memtables, and Badger has
	// no call that just flushes them; dropping a prefix does, when the
	// prefix has keys. So write one scratch key and drop it.
	scratch := []byte{prefixScratch}
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set(scratch, nil) }); err != nil {
		return nil, fmt.Errorf("flush memtable: %w", err)
	}
	if err := db.DropPrefix(scratch); err != nil {
		return nil, fmt.Errorf("flush memtable: %w", err)
	}
	sw := db.NewStreamWriter()
	if err := sw.PrepareIncremental(); err != nil {
		sw.Cancel()
		return nil, fmt.Errorf("prepare stream writer: %w", err)
	}
	return &streamSink{sw: sw, version: db.MaxVersion() + 1, bufs: map[byte]*z.Buffer{}}, nil
}

const streamFlushBytes = 8 << 20

func (s *streamSink) add(stream byte, key, value []byte) error {
	buf := s.bufs[stream]
	if buf == nil {
		buf = z.NewBuffer(streamFlushBytes+(1<<20), "kplane.load")
		s.bufs[stream] = buf
	}
	s.kv.Key, s.kv.Value, s.kv.Version, s.kv.StreamId = key, value, s.version, uint32(stream)
	badger.KVToBuffer(&s.kv, buf)
	if buf.LenNoPadding() >= streamFlushBytes {
		if err := s.sw.Write(buf); err != nil {
			return err
		}
		buf.Reset()
	}
	return nil
}

func (s *streamSink) close() error {
	defer s.release()
	for _, buf := range s.bufs {
		if err := s.sw.Write(buf); err != nil {
			s.sw.Cancel()
			return err
		}
	}
	return s.sw.Flush()
}

func (s *streamSink) abort() {
	s.sw.Cancel()
	s.release()
}

func (s *streamSink) release() {
	for _, buf := range s.bufs {
		buf.Release()
	}
	s.bufs = nil
}
