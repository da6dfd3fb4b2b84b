package ontology

import (
	"runtime"
	"sync"
	"weak"

	"github.com/kplane/kplane/graph"
)

// snapshotCache keeps what discovery and lineage learn about one snapshot
// and can reuse across calls: the meaning edges of nodes, where a
// model element or dataset leads to products, which resources are
// products and whether they are retired, who publishes a dataset, what
// conforms to a model, and decoded labels. A snapshot never changes, so nothing in it ever goes stale; the
// cache goes away with the snapshot.
type snapshotCache struct {
	edges   syncMap[*nodeEdges]
	targets syncMap[[]target]
	labels  syncMap[string]

	nodeFacts  syncMap[*nodeFacts]
	producers  syncMap[[]graph.ID] // dataset -> products publishing it
	conformers syncMap[[]graph.ID] // model -> datasets conforming to it

	labelMu  sync.Mutex
	labelIdx map[string][]graph.ID // normalised label -> resources
}

// syncMap is a map from ids guarded by a read-write mutex.
type syncMap[V any] struct {
	mu sync.RWMutex
	m  map[graph.ID]V
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
	s.m[id] = v
	s.mu.Unlock()
}

// caches maps live snapshots to their caches. Keys are weak pointers, so a
// snapshot that is no longer referenced is collected and a cleanup removes
// its entry.
var caches struct {
	mu sync.Mutex
	m  map[weak.Pointer[graph.Snapshot]]*snapshotCache
}

func cacheFor(snap *graph.Snapshot) *snapshotCache {
	key := weak.Make(snap)
	caches.mu.Lock()
	defer caches.mu.Unlock()
	if sc, ok := caches.m[key]; ok {
		return sc
	}
	if caches.m == nil {
		caches.m = make(map[weak.Pointer[graph.Snapshot]]*snapshotCache)
	}
	sc := &snapshotCache{}
	caches.m[key] = sc
	runtime.AddCleanup(snap, func(key weak.Pointer[graph.Snapshot]) {
		caches.mu.Lock()
		delete(caches.m, key)
		caches.mu.Unlock()
	}, key)
	return sc
}
