package graphql

import (
	"context"
	"sync"

	"github.com/kplane/kplane/graph"
)

// sharedSnapshot is a snapshot that requests share while the store does not
// change, with what they have read from it. A snapshot never changes, so
// nothing read from it goes stale; sharing it lets a request reuse the
// statements earlier requests read and the per-snapshot caches of package
// ontology, which is what makes repeated discovery queries fast.
type sharedSnapshot struct {
	snap  *graph.Snapshot
	stats *graph.Stats // identifies the store state the snapshot shows
	cache *statementCache
	refs  int
	stale bool // a newer state exists; release when the last user is done
}

// acquire returns the shared snapshot of the store's current state and a
// function to call when done with it. The store publishes new statistics
// with every change, so a snapshot with the same statistics as the shared
// one shows the same content.
func (s *Server) acquire() (*sharedSnapshot, func()) {
	fresh := s.store.Snapshot()
	s.shareMu.Lock()
	defer s.shareMu.Unlock()
	cur := s.shared
	if cur != nil && cur.stats == fresh.Stats() {
		fresh.Release()
	} else {
		if cur != nil {
			cur.stale = true
			if cur.refs == 0 {
				cur.snap.Release()
			}
		}
		cur = &sharedSnapshot{snap: fresh, stats: fresh.Stats(), cache: newStatementCache(s.opts.MaxCachedStatements)}
		s.shared = cur
	}
	cur.refs++
	return cur, func() {
		s.shareMu.Lock()
		defer s.shareMu.Unlock()
		cur.refs--
		if cur.stale && cur.refs == 0 {
			cur.snap.Release()
		}
	}
}

// Close releases the snapshot the server holds between requests. The
// server still works afterwards; it takes a new snapshot when asked.
func (s *Server) Close() error {
	s.shareMu.Lock()
	defer s.shareMu.Unlock()
	if cur := s.shared; cur != nil {
		cur.stale = true
		if cur.refs == 0 {
			cur.snap.Release()
		}
		s.shared = nil
	}
	return nil
}

// statementCache keeps the statements read from one snapshot, up to a
// number of statements; when full it starts afresh.
type statementCache struct {
	max int

	mu   sync.RWMutex
	size int
	out  map[graph.ID][]statement
	in   map[[2]graph.ID][]statement // by object and predicate
	// walks holds the results of request.walk by path key and start
	// node: the resources a field such as attributes or datasets lists.
	walks map[pathKey]map[graph.ID][]ref
}

func newStatementCache(max int) *statementCache {
	c := &statementCache{max: max}
	c.reset()
	return c
}

func (c *statementCache) reset() {
	c.size = 0
	c.out = make(map[graph.ID][]statement)
	c.in = make(map[[2]graph.ID][]statement)
	c.walks = make(map[pathKey]map[graph.ID][]ref)
}

func (c *statementCache) add(n int) {
	c.size += n + 1
	if c.size > c.max {
		c.reset()
	}
}

// walked returns the cached results of walking the path with key from
// starts, and the starts it has none for.
//
// A nil cache has nothing: every start is missing.
func (c *statementCache) walked(key pathKey, starts []graph.ID) (map[graph.ID][]ref, []graph.ID) {
	out := make(map[graph.ID][]ref, len(starts))
	if c == nil {
		return out, starts
	}
	var missing []graph.ID
	c.mu.RLock()
	byStart := c.walks[key]
	for _, s := range starts {
		if ts, ok := byStart[s]; ok {
			out[s] = ts
		} else {
			missing = append(missing, s)
		}
	}
	c.mu.RUnlock()
	return out, missing
}

// walkedFrom returns the cached result of walking the path with key from
// start.
func (c *statementCache) walkedFrom(key pathKey, start graph.ID) ([]ref, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.RLock()
	rs, ok := c.walks[key][start]
	c.mu.RUnlock()
	return rs, ok
}

// outFunc returns the lookup of cached statements about a subject; nil
// for a nil cache.
func (c *statementCache) outFunc() func(graph.ID) ([]statement, bool) {
	if c == nil {
		return nil
	}
	return func(s graph.ID) ([]statement, bool) {
		c.mu.RLock()
		st, ok := c.out[s]
		c.mu.RUnlock()
		return st, ok
	}
}

// inFunc returns the lookup of cached statements with predicate p
// pointing at an object; nil for a nil cache.
func (c *statementCache) inFunc(p graph.ID) func(graph.ID) ([]statement, bool) {
	if c == nil {
		return nil
	}
	return func(o graph.ID) ([]statement, bool) {
		c.mu.RLock()
		st, ok := c.in[[2]graph.ID{o, p}]
		c.mu.RUnlock()
		return st, ok
	}
}

// walkFunc returns the lookup of cached results of walking the path with
// key; nil for a nil cache.
func (c *statementCache) walkFunc(key pathKey) func(graph.ID) ([]ref, bool) {
	if c == nil {
		return nil
	}
	return func(start graph.ID) ([]ref, bool) { return c.walkedFrom(key, start) }
}

// addWalked caches the results of walking the path with key; a nil cache
// keeps nothing.
func (c *statementCache) addWalked(key pathKey, found map[graph.ID][]ref) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	byStart := c.walks[key]
	if byStart == nil {
		byStart = make(map[graph.ID][]ref)
		c.walks[key] = byStart
	}
	for s, ts := range found {
		byStart[s] = ts
		c.add(len(ts))
		if len(c.walks) == 0 { // add started afresh
			byStart = make(map[graph.ID][]ref)
			c.walks[key] = byStart
		}
	}
}

// cachingReader serves reads from the snapshot's statement cache and reads
// what is missing from the snapshot.
type cachingReader struct {
	snapshotReader
	cache *statementCache
}

func (r cachingReader) Out(ctx context.Context, subjects []graph.ID) (map[graph.ID][]statement, error) {
	out := make(map[graph.ID][]statement, len(subjects))
	var missing []graph.ID
	r.cache.mu.RLock()
	for _, s := range subjects {
		if st, ok := r.cache.out[s]; ok {
			out[s] = st
		} else {
			missing = append(missing, s)
		}
	}
	r.cache.mu.RUnlock()
	if len(missing) == 0 {
		return out, nil
	}
	read, err := r.snapshotReader.Out(ctx, missing)
	if err != nil {
		return nil, err
	}
	r.cache.mu.Lock()
	for s, st := range read {
		out[s] = st
		r.cache.out[s] = st
		r.cache.add(len(st))
	}
	r.cache.mu.Unlock()
	return out, nil
}

func (r cachingReader) In(ctx context.Context, objects []graph.ID, p graph.ID) (map[graph.ID][]statement, error) {
	out := make(map[graph.ID][]statement, len(objects))
	var missing []graph.ID
	r.cache.mu.RLock()
	for _, o := range objects {
		if st, ok := r.cache.in[[2]graph.ID{o, p}]; ok {
			out[o] = st
		} else {
			missing = append(missing, o)
		}
	}
	r.cache.mu.RUnlock()
	if len(missing) == 0 {
		return out, nil
	}
	read, err := r.snapshotReader.In(ctx, missing, p)
	if err != nil {
		return nil, err
	}
	r.cache.mu.Lock()
	for o, st := range read {
		out[o] = st
		r.cache.in[[2]graph.ID{o, p}] = st
		r.cache.add(len(st))
	}
	r.cache.mu.Unlock()
	return out, nil
}
