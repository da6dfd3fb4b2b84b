package ontology

import (
	"runtime"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// stateCache keeps what discovery and lineage learn about one state of a
// store and can reuse across calls: the meaning edges of nodes, where a
// model element or dataset leads to products, which resources are products
// and whether they are retired, who publishes a dataset, what conforms to a
// model, decoded terms and labels, and the label index. Two snapshots with
// the same graph.Snapshot.Version see the same data, so everything in the
// cache holds for every snapshot of its version and nothing in it goes
// stale: a server, which takes a snapshot per request, answers every
// request after the first from what earlier ones read.
type stateCache struct {
	version uint64
	// entries counts what the maps hold, to bound the cache's memory (see
	// maxCacheEntries).
	entries atomic.Int64

	edges   syncMap[*nodeEdges]
	targets syncMap[[]target]
	terms   syncMap[rdf.Term]
	nodes   syncMap[Node] // terms with their display labels

	nodeFacts  syncMap[*nodeFacts]
	producers  syncMap[[]graph.ID] // dataset -> products publishing it
	conformers syncMap[[]graph.ID] // model -> datasets conforming to it

	// answers are the hits of About by answerKey: explaining a few
	// hundred hits costs more than finding them.
	answerMu sync.RWMutex
	answers  map[string][]Hit

	labelMu  sync.Mutex
	labelIdx map[string][]graph.ID // normalised label -> resources
}

// maxCacheEntries bounds the number of entries (nodes, edge lists, target
// lists, terms) the cache of one state holds: a few hundred bytes each,
// so a few hundred MB at most. A full cache is replaced by an empty one
// for the same state; only the label index, read in full anyway, moves
// over.
const maxCacheEntries = 1 << 20

func newStateCache(version uint64) *stateCache {
	sc := &stateCache{version: version}
	sc.edges.entries = &sc.entries
	sc.targets.entries = &sc.entries
	sc.nodes.entries = &sc.entries
	sc.terms.entries = &sc.entries
	sc.nodeFacts.entries = &sc.entries
	sc.producers.entries = &sc.entries
	sc.conformers.entries = &sc.entries
	return sc
}

func (sc *stateCache) full() bool { return sc.entries.Load() >= maxCacheEntries }

// syncMap is a map from ids guarded by a read-write mutex. It counts its
// entries in the counter of the cache it belongs to.
type syncMap[V any] struct {
	mu      sync.RWMutex
	m       map[graph.ID]V
	entries *atomic.Int64
}

func (s *syncMap[V]) get(id graph.ID) (V, bool) {
	s.mu.RLock()
	v, ok := s.m[id]
	s.mu.RUnlock()
	return v, ok
}

func (s *syncMap[V]) put(id graph.ID, v V) {
	s.mu.Lock()
	if s.m == nil {
		s.m = make(map[graph.ID]V)
	}
	_, had := s.m[id]
	s.m[id] = v
	s.mu.Unlock()
	if !had && s.entries != nil {
		s.entries.Add(1)
	}
}

// caches holds the cache of the newest store state seen, which every
// snapshot of that state shares. One is enough: a process serves one
// store, and a write makes the cache of the state before it useless
// (versions only grow, so a newer version replaces it).
//
// A snapshot of an older state (a request that began before a write, or a
// second store in the process) gets a cache of its own, kept while the
// snapshot lives: weak pointers key those, so a snapshot that is no
// longer referenced is collected and a cleanup removes its entry.
var caches struct {
	mu     sync.Mutex
	latest *stateCache
	older  map[weak.Pointer[graph.Snapshot]]*stateCache
}

func cacheFor(snap *graph.Snapshot) *stateCache {
	v := snap.Version()
	caches.mu.Lock()
	defer caches.mu.Unlock()
	cur := caches.latest
	switch {
	case cur != nil && cur.version == v && !cur.full():
		return cur
	case cur == nil || cur.version <= v:
		sc := newStateCache(v)
		if cur != nil && cur.version == v {
			sc.labelIdx = cur.labelIndex()
		}
		caches.latest = sc
		return sc
	}
	key := weak.Make(snap)
	if sc, ok := caches.older[key]; ok && !sc.full() {
		return sc
	}
	if caches.older == nil {
		caches.older = make(map[weak.Pointer[graph.Snapshot]]*stateCache)
	}
	_, had := caches.older[key]
	sc := newStateCache(v)
	caches.older[key] = sc
	if !had {
		runtime.AddCleanup(snap, func(key weak.Pointer[graph.Snapshot]) {
			caches.mu.Lock()
			delete(caches.older, key)
			caches.mu.Unlock()
		}, key)
	}
	return sc
}

// labelIndex returns the label index if it has been built.
func (sc *stateCache) labelIndex() map[string][]graph.ID {
	sc.labelMu.Lock()
	defer sc.labelMu.Unlock()
	return sc.labelIdx
}

// maxAnswers bounds the answers a cache keeps; when full, it starts
// afresh.
const maxAnswers = 4096

// answersOff turns the answer cache off, for benchmarks that measure
// what answering costs.
var answersOff atomic.Bool

func (sc *stateCache) answer(key string) ([]Hit, bool) {
	if answersOff.Load() {
		return nil, false
	}
	sc.answerMu.RLock()
	hits, ok := sc.answers[key]
	sc.answerMu.RUnlock()
	if !ok {
		return nil, false
	}
	return cloneHits(hits), true
}

func (sc *stateCache) putAnswer(key string, hits []Hit) {
	sc.answerMu.Lock()
	defer sc.answerMu.Unlock()
	if sc.answers == nil || len(sc.answers) >= maxAnswers {
		sc.answers = make(map[string][]Hit)
	}
	if _, had := sc.answers[key]; !had {
		sc.answers[key] = hits
		n := 1
		for _, h := range hits {
			n += len(h.Explanation)
		}
		sc.entries.Add(int64(n))
	}
}
