// Package graph is kplane's embedded quad store, on Badger.
//
// Terms are dictionary-encoded to fixed-size ids (id.go); each quad is kept
// under three or six index permutations so that every quad pattern is one
// ordered prefix scan, with bulk-loaded data packed in blocks of entries
// (keys.go, blocks.go, scan.go); graphs are the
// unit of ownership and of atomic replacement (catalog.go, load.go); small
// changes go through transactions (txn.go). Readers work on snapshots that
// see one consistent state while writers go on.
package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// Options tune a store. The zero value suits a laptop.
type Options struct {
	// InMemory keeps everything in memory (tests); Dir is then ignored.
	InMemory bool
	// Logger receives Badger's warnings and the store's own notices; nil
	// discards them.
	Logger *slog.Logger
	// MemTableSize is the size of one Badger memtable (default 32 MiB).
	MemTableSize int64
	// NoSync skips the fsync after each commit. Only for tests and
	// benchmarks: a crash may then lose committed data.
	NoSync bool
}

// Store is an open quad store. It is safe for concurrent use.
type Store struct {
	db     *badger.DB
	dir    string
	logger *slog.Logger

	// writeMu serialises writers: transactions, load commits and garbage
	// collection steps. Badger's own conflict detection is off.
	writeMu sync.Mutex

	// stateMu guards the published state; snapshots take it shared so that
	// the Badger read timestamp and the catalog they see belong together.
	stateMu sync.RWMutex
	state   *state

	terms *termCache

	gcWake chan struct{}
	gcStop context.CancelFunc
	gcDone chan struct{}
}

// state is what readers need besides Badger: the catalog, the predicate
// statistics and their sum. It is immutable once published.
type state struct {
	cat   *catalog
	preds predicateTable
	once  sync.Once
	stats *Stats
	// packed lists the live packed instances of named graphs, which
	// patterns over all named graphs read one by one (namedInstances).
	packedOnce sync.Once
	packed     []instanceOfGraph
	unpacked   bool // some live named instance is in the graph-last indexes
	// version identifies the state among all states of all stores of the
	// process, so that caches derived from the data can be kept across
	// snapshots until something changes.
	version uint64
}

// instanceOfGraph is an instance and the graph it belongs to.
type instanceOfGraph struct{ inst, graph ID }

// namedInstances returns the live packed instances of the graphs that
// AllNamedGraphs covers, whose quads are not in the graph-last indexes,
// and whether any of those graphs has unpacked instances, which are.
func (st *state) namedInstances() (packed []instanceOfGraph, unpacked bool) {
	st.packedOnce.Do(func() {
		for g, r := range st.cat.graphs {
			if !inUnionIndexes(g) {
				continue
			}
			for _, inst := range r.Instances {
				ir := st.cat.instances[inst]
				switch {
				case ir.State != instanceLive:
				case ir.Packed:
					st.packed = append(st.packed, instanceOfGraph{inst, g})
				default:
					st.unpacked = true
				}
			}
		}
	})
	return st.packed, st.unpacked
}

// stateVersions numbers published states.
var stateVersions atomic.Uint64

func (st *state) summary() *Stats {
	st.once.Do(func() { st.stats = computeStats(st.cat, st.preds) })
	return st.stats
}

// storeFormat is written once into a new store and checked on open, so that
// a future change of layout is detected instead of misread. Format 2 added
// packed instances (blocks.go); a format 1 store is a valid format 2 store
// and is relabelled on open, so that an older kplane refuses it instead of
// misreading the blocks written from then on.
const (
	storeFormat   = "kplane-store-2"
	storeFormatV1 = "kplane-store-1"
)

// Open opens the store in dir, creating it if needed. Loads that were cut
// short (crash, kill) are rolled back: their partial content is collected in
// the background and was never visible.
func Open(dir string, opts *Options) (*Store, error) {
	if opts == nil {
		opts = &Options{}
	}
	bopts := badgerOptions(dir, opts)
	if !opts.InMemory {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open store %s: %w", dir, err)
		}
	}
	db, err := badger.Open(bopts)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	s := &Store{db: db, dir: dir, logger: opts.Logger, terms: newTermCache(1 << 16), gcWake: make(chan struct{}, 1)}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if err := s.checkFormat(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	st, err := s.readState()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	st.version = stateVersions.Add(1)
	s.state = st
	if err := s.abandonPending(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.gcStop = cancel
	s.gcDone = make(chan struct{})
	go s.collectLoop(ctx)
	return s, nil
}

func badgerOptions(dir string, opts *Options) badger.Options {
	mem := opts.MemTableSize
	if mem <= 0 {
		mem = 32 << 20
		if opts.InMemory {
			mem = 8 << 20 // tests and scratch stores: opening is 40 times faster
		}
	}
	bopts := badger.DefaultOptions(dir)
	if opts.InMemory {
		bopts = badger.DefaultOptions("").WithInMemory(true)
	}
	// Memory is set explicitly: Badger's defaults peak near 850 MB during
	// loads. Values are empty or small (index blocks of at most 32
	// entries stay far below Badger's value threshold, in the tree), so
	// no value log is needed in practice, and keys are mostly hashes,
	// which do not compress. Tables are 4 MiB at every level: the stream
	// writer allocates a whole bottom-level table per builder and keeps
	// up to 16 in flight, so Badger's default of doubling per level
	// (64 MiB at the bottom) costs a gigabyte in loads.
	bopts.TableSizeMultiplier = 1
	return bopts.
		WithLogger(badgerLogger{opts.Logger}).
		WithMemTableSize(mem).
		WithNumMemtables(2).
		WithNumLevelZeroTables(4).
		WithNumLevelZeroTablesStall(8).
		WithBlockCacheSize(0). // uncompressed tables are read from the mmap directly
		WithIndexCacheSize(16 << 20).
		WithNumCompactors(2).
		WithBaseTableSize(4 << 20).
		WithCompression(options.None).
		WithDetectConflicts(false).
		WithMetricsEnabled(false).
		WithSyncWrites(!opts.NoSync).
		WithValueLogFileSize(64 << 20)
}

// Close waits for background work to stop and closes the store. Garbage
// left by replaced graphs is collected after the next Open.
func (s *Store) Close() error {
	s.gcStop()
	<-s.gcDone
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.dir, err)
	}
	return nil
}

// Dir returns the directory the store lives in.
func (s *Store) Dir() string { return s.dir }

// Size returns the bytes the store's files take on disk (LSM tree and value
// log).
func (s *Store) Size() int64 {
	lsm, vlog := s.db.Size()
	return lsm + vlog
}

func (s *Store) current() *state {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
	return s.state
}

// publish installs a new state; the caller holds writeMu and has committed
// the Badger transaction that persists it. Taking stateMu exclusively here
// orders the swap against snapshot creation.
func (s *Store) publish(st *state) {
	st.version = stateVersions.Add(1)
	s.stateMu.Lock()
	s.state = st
	s.stateMu.Unlock()
}

func (s *Store) checkFormat() error {
	key := append([]byte{prefixMeta}, "format"...)
	return s.db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return txn.Set(key, []byte(storeFormat))
		}
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		switch string(v) {
		case storeFormat:
			return nil
		case storeFormatV1:
			return txn.Set(key, []byte(storeFormat))
		}
		return fmt.Errorf("store format %q, this kplane reads %q", v, storeFormat)
	})
}

// readState loads the catalog and statistics from disk.
func (s *Store) readState() (*state, error) {
	cat := newCatalog()
	preds := predicateTable{}
	err := s.db.View(func(txn *badger.Txn) error {
		if err := scanPrefix(txn, []byte{prefixGraph}, func(k, v []byte) error {
			var r graphRecord
			if err := unmarshalRecord(v, &r); err != nil {
				return err
			}
			var g ID
			copy(g[:], k[1:])
			cat.graphs[g] = &r
			return nil
		}); err != nil {
			return err
		}
		if err := scanPrefix(txn, []byte{prefixInstance}, func(k, v []byte) error {
			var r instanceRecord
			if err := unmarshalRecord(v, &r); err != nil {
				return err
			}
			var inst ID
			copy(inst[:], k[1:])
			cat.instances[inst] = &r
			return nil
		}); err != nil {
			return err
		}
		return scanPrefix(txn, []byte{prefixStats}, func(k, v []byte) error {
			var inst, pred ID
			copy(inst[:], k[1:17])
			copy(pred[:], k[17:33])
			ps, err := decodeStats(v)
			if err != nil {
				return err
			}
			if preds[inst] == nil {
				preds[inst] = map[ID]PredicateStats{}
			}
			preds[inst][pred] = ps
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	return &state{cat: cat, preds: preds}, nil
}

// scanPrefix calls fn for each key with the prefix, with its value.
func scanPrefix(txn *badger.Txn, prefix []byte, fn func(k, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(item.Key(), v); err != nil {
			return err
		}
	}
	return nil
}

// badgerLogger forwards Badger's warnings and errors to slog; its info and
// debug chatter is dropped.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	if b.l != nil {
		b.l.Error("badger: " + fmt.Sprintf(f, a...))
	}
}

func (b badgerLogger) Warningf(f string, a ...any) {
	if b.l != nil {
		b.l.Warn("badger: " + fmt.Sprintf(f, a...))
	}
}
func (badgerLogger) Infof(string, ...any)  {}
func (badgerLogger) Debugf(string, ...any) {}

// tempDir is where loads spill sorted runs that do not fit in memory.
func (s *Store) tempDir() string {
	if s.dir == "" {
		return os.TempDir()
	}
	return filepath.Join(s.dir, "tmp")
}
