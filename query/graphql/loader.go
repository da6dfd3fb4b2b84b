package graphql

import (
	"context"
	"sync"

	"github.com/kplane/kplane/graph"
)

// batcher collects the keys the resolvers of one level of a query ask for
// and fetches them in one call when the first answer is needed.
//
// graphql-go completes a query level by level: resolvers return thunks,
// and the executor calls the thunks of a level only after every resolver of
// that level has run. So by the time any thunk runs, all keys of its level
// are pending, and one fetch serves them all.
//
// Values that requests sharing a snapshot have read already (shared) are
// neither queued nor fetched: resolvers answer with them at once.
type batcher[V any] struct {
	fetch  func(ids []graph.ID) (map[graph.ID]V, error)
	shared func(id graph.ID) (V, bool) // nil: nothing is shared

	mu      sync.Mutex
	pending []graph.ID
	queued  map[graph.ID]bool
	done    map[graph.ID]V
	failed  map[graph.ID]error
}

func newBatcher[V any](fetch func([]graph.ID) (map[graph.ID]V, error), shared func(graph.ID) (V, bool)) *batcher[V] {
	return &batcher[V]{fetch: fetch, shared: shared}
}

// known returns the value of id if it has been fetched or is shared;
// b.mu is held.
func (b *batcher[V]) known(id graph.ID) (V, bool) {
	if v, ok := b.done[id]; ok {
		return v, true
	}
	if b.shared != nil {
		return b.shared(id)
	}
	var zero V
	return zero, false
}

// queue adds id to the pending keys unless it is known, queued or failed;
// b.mu is held.
func (b *batcher[V]) queue(id graph.ID) error {
	if _, ok := b.known(id); ok || b.queued[id] {
		return nil
	}
	if err := b.failed[id]; err != nil {
		return err
	}
	if b.queued == nil {
		b.queued = make(map[graph.ID]bool)
	}
	b.queued[id] = true
	b.pending = append(b.pending, id)
	return nil
}

// load queues id and returns a function that returns its value, fetching
// every queued key the first time it is called.
func (b *batcher[V]) load(id graph.ID) func() (V, error) {
	b.mu.Lock()
	b.queue(id) // a failed key fails again in get
	b.mu.Unlock()
	return func() (V, error) { return b.get(id) }
}

// cached returns the value of id when it has been fetched already, so
// that a resolver can answer at once instead of deferring to a thunk.
func (b *batcher[V]) cached(id graph.ID) (V, bool) {
	b.mu.Lock()
	v, ok := b.known(id)
	b.mu.Unlock()
	return v, ok
}

func (b *batcher[V]) get(id graph.ID) (V, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if v, ok := b.known(id); ok {
		return v, nil
	}
	if err := b.failed[id]; err != nil {
		var zero V
		return zero, err
	}
	if !b.queued[id] { // asked for without load: fetch it alone
		b.pending = append(b.pending, id)
	}
	if err := b.flush(); err != nil {
		var zero V
		return zero, err
	}
	return b.done[id], nil
}

// flush fetches the pending keys; b.mu is held.
func (b *batcher[V]) flush() error {
	batch := b.pending
	if len(batch) == 0 {
		return nil
	}
	b.pending = nil
	got, err := b.fetch(batch)
	if err != nil && b.failed == nil {
		b.failed = make(map[graph.ID]error)
	}
	if err == nil && b.done == nil {
		b.done = make(map[graph.ID]V, len(batch))
	}
	for _, k := range batch {
		delete(b.queued, k)
		if err != nil {
			b.failed[k] = err
			continue
		}
		b.done[k] = got[k]
	}
	return err
}

// getMany returns the values of ids, fetching every missing and pending
// key in one call.
func (b *batcher[V]) getMany(ids []graph.ID) (map[graph.ID]V, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, id := range ids {
		if err := b.queue(id); err != nil {
			return nil, err
		}
	}
	if err := b.flush(); err != nil {
		return nil, err
	}
	out := make(map[graph.ID]V, len(ids))
	for _, id := range ids {
		out[id], _ = b.known(id)
	}
	return out, nil
}

// request is the state of one GraphQL request: its snapshot reader and the
// batchers shared by all its resolvers. It lives as long as the request,
// so it keeps the request's context for the reads its batchers make.
type request struct {
	ctx  context.Context
	r    reader
	opts *Options

	out *batcher[[]statement]
	// shared keeps what the requests that share a snapshot have read:
	// statements and the results of path walks. It is nil when the
	// reader is not the shared cache itself (as when tests wrap it to
	// count reads): then each request reads everything itself.
	shared *statementCache

	mu    sync.Mutex
	in    map[graph.ID]*batcher[[]statement] // by predicate
	paths map[pathKey]*batcher[[]ref]
}

func newRequest(ctx context.Context, r reader, opts *Options) *request {
	req := &request{ctx: ctx, r: r, opts: opts, in: make(map[graph.ID]*batcher[[]statement]), paths: make(map[pathKey]*batcher[[]ref])}
	if c, ok := r.(cachingReader); ok {
		req.shared = c.cache
	}
	req.out = newBatcher(func(ids []graph.ID) (map[graph.ID][]statement, error) {
		return r.Out(ctx, ids)
	}, req.shared.outFunc())
	return req
}

// incoming returns the batcher of statements with predicate p pointing at
// resources.
func (req *request) incoming(p graph.ID) *batcher[[]statement] {
	req.mu.Lock()
	defer req.mu.Unlock()
	b, ok := req.in[p]
	if !ok {
		b = newBatcher(func(ids []graph.ID) (map[graph.ID][]statement, error) {
			return req.r.In(req.ctx, ids, p)
		}, req.shared.inFunc(p))
		req.in[p] = b
	}
	return b
}

type requestKey struct{}

// NewContext returns a context that carries what the resolvers of a schema
// made by NewSchema read: a snapshot and the options. Pass it as the
// Context of graphql.Params to execute that schema directly; the context
// must not outlive snap. Server.Do and the HTTP handler do this
// themselves, and also apply the cost limits and the time limit, which
// direct execution does not.
func NewContext(ctx context.Context, snap *graph.Snapshot, opts Options) context.Context {
	o := opts.withDefaults()
	return context.WithValue(ctx, requestKey{}, newRequest(ctx, snapshotReader{snap}, &o))
}

func requestFrom(ctx context.Context) *request {
	req, _ := ctx.Value(requestKey{}).(*request)
	return req
}
