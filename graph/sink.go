package graph

import (
	"fmt"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
)

// A sink receives the keys of a load through lanes, one per goroutine, so
// that the indexes of a load are written concurrently. Each stream (key
// prefix) goes through one lane, in ascending order.
type sink interface {
	// lane returns a writer for one goroutine.
	lane() sinkLane
	// close makes the keys durable once every lane is flushed.
	close() error
	abort()
}

// A sinkLane writes the keys of one or more streams, one stream after
// another; it is not safe for concurrent use.
type sinkLane interface {
	add(stream byte, key, value []byte) error
	// flush hands the lane's buffered keys to the sink; the lane is done.
	flush() error
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

// batchSink writes through a Badger write batch (many transactions),
// which is safe for concurrent use: it is its own lane.
type batchSink struct{ wb *badger.WriteBatch }

func newBatchSink(db *badger.DB) *batchSink { return &batchSink{wb: db.NewWriteBatch()} }

func (b *batchSink) lane() sinkLane { return b }
func (b *batchSink) flush() error   { return nil }

func (b *batchSink) add(_ byte, key, value []byte) error {
	var v []byte
	if len(value) > 0 {
		v = append([]byte(nil), value...)
	}
	return b.wb.Set(append([]byte(nil), key...), v)
}

func (b *batchSink) close() error { return b.wb.Flush() }
func (b *batchSink) abort()       { b.wb.Cancel() }

// streamSink writes through Badger's incremental stream writer, one stream
// per key prefix. Keys become visible at close; they belong to pending
// instances, so no reader looks at them before the load links them.
type streamSink struct {
	sw      *badger.StreamWriter
	version uint64
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
	return &streamSink{sw: sw, version: db.MaxVersion() + 1}, nil
}

const streamFlushBytes = 8 << 20

// streamLane buffers keys for the stream writer, which is safe for
// concurrent use.
type streamLane struct {
	s      *streamSink
	buf    *z.Buffer
	stream byte  // the stream being written; 0 before the first key
	kv     pb.KV // reused: KVToBuffer copies it into the buffer
}

func (s *streamSink) lane() sinkLane {
	return &streamLane{s: s, buf: z.NewBuffer(streamFlushBytes+(1<<20), "kplane.load")}
}

// add takes the keys of one stream after another: when a new stream
// starts, the previous one is marked done, so that Badger finishes and
// frees its table builder.
func (l *streamLane) add(stream byte, key, value []byte) error {
	if stream != l.stream {
		if err := l.endStream(); err != nil {
			return err
		}
		l.stream = stream
	}
	l.kv = pb.KV{Key: key, Value: value, Version: l.s.version, StreamId: uint32(stream)}
	badger.KVToBuffer(&l.kv, l.buf)
	if l.buf.LenNoPadding() >= streamFlushBytes {
		return l.write()
	}
	return nil
}

func (l *streamLane) write() error {
	if err := l.s.sw.Write(l.buf); err != nil {
		return err
	}
	l.buf.Reset()
	return nil
}

func (l *streamLane) endStream() error {
	if l.stream == 0 {
		return nil
	}
	l.kv = pb.KV{StreamId: uint32(l.stream), StreamDone: true}
	badger.KVToBuffer(&l.kv, l.buf)
	return l.write()
}

func (l *streamLane) flush() error {
	defer l.buf.Release()
	return l.endStream()
}

func (s *streamSink) close() error { return s.sw.Flush() }
func (s *streamSink) abort()       { s.sw.Cancel() }
