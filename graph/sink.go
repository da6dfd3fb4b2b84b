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
	buf     *z.Buffer
	stream  byte  // the stream being written; 0 before the first key
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
	return &streamSink{sw: sw, version: db.MaxVersion() + 1, buf: z.NewBuffer(streamFlushBytes+(1<<20), "kplane.load")}, nil
}

const streamFlushBytes = 8 << 20

// add takes the keys of one stream after another (the loader writes each
// index in one go): when a new stream starts, the previous one is marked
// done, so that Badger finishes and frees its table builder.
func (s *streamSink) add(stream byte, key, value []byte) error {
	if stream != s.stream {
		if err := s.endStream(); err != nil {
			return err
		}
		s.stream = stream
	}
	s.kv = pb.KV{Key: key, Value: value, Version: s.version, StreamId: uint32(stream)}
	badger.KVToBuffer(&s.kv, s.buf)
	if s.buf.LenNoPadding() >= streamFlushBytes {
		return s.write()
	}
	return nil
}

func (s *streamSink) write() error {
	if err := s.sw.Write(s.buf); err != nil {
		return err
	}
	s.buf.Reset()
	return nil
}

func (s *streamSink) endStream() error {
	if s.stream == 0 {
		return nil
	}
	s.kv = pb.KV{StreamId: uint32(s.stream), StreamDone: true}
	badger.KVToBuffer(&s.kv, s.buf)
	return s.write()
}

func (s *streamSink) close() error {
	defer s.release()
	if err := s.endStream(); err != nil {
		s.sw.Cancel()
		return err
	}
	return s.sw.Flush()
}

func (s *streamSink) abort() {
	s.sw.Cancel()
	s.release()
}

func (s *streamSink) release() {
	if s.buf != nil {
		s.buf.Release()
		s.buf = nil
	}
}
