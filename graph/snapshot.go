package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/kplane/kplane/graph/rdf"
)

// Snapshot is a consistent, read-only view of the store at one moment.
// Writes committed after it was taken are invisible to it. Release it when
// done; it pins old versions in Badger until then.
type Snapshot struct {
	s     *Store
	txn   *badger.Txn
	state *state
}

// Snapshot takes a read snapshot of the store.
func (s *Store) Snapshot() *Snapshot {
	s.stateMu.RLock()
	defer s.stateMu.RUnlock()
	return &Snapshot{s: s, txn: s.db.NewTransaction(false), state: s.state}
}

// Release ends the snapshot. Iterators opened on it must be closed first.
func (sn *Snapshot) Release() { sn.txn.Discard() }

// Version identifies the state of the store the snapshot sees: two
// snapshots with the same version see the same data, and no two states of
// any store in the process share a version. Caches of derived data key on
// it to outlive one snapshot.
func (sn *Snapshot) Version() uint64 { return sn.state.version }

// Stats returns the planner statistics of the snapshot.
func (sn *Snapshot) Stats() *Stats { return sn.state.summary() }

// PredicateStats returns the statistics of one predicate over all graphs.
func (sn *Snapshot) PredicateStats(p ID) PredicateStats { return sn.Stats().Predicates[p] }

// Graphs lists the named graphs (not the default graph), sorted by name.
// The metadata graph (MetadataGraph) is one of them.
func (sn *Snapshot) Graphs() []GraphInfo {
	cat := sn.state.cat
	out := make([]GraphInfo, 0, len(cat.graphs))
	for g := range cat.graphs {
		if g.IsZero() {
			continue
		}
		out = append(out, cat.info(g))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name.Value < out[j].Name.Value })
	return out
}

// Graph returns what the store knows about a graph; the zero term asks for
// the default graph. ok is false for a named graph that does not exist.
func (sn *Snapshot) Graph(name rdf.Term) (GraphInfo, bool) {
	g := TermID(name)
	if _, ok := sn.state.cat.graphs[g]; !ok {
		if g.IsZero() {
			return GraphInfo{}, true
		}
		return GraphInfo{}, false
	}
	return sn.state.cat.info(g), true
}

// HasGraph reports whether the named graph exists (possibly empty).
func (sn *Snapshot) HasGraph(g ID) bool {
	_, ok := sn.state.cat.graphs[g]
	return ok && !g.IsZero()
}

// Term decodes an id. Inline ids decode without I/O; hashed ones are looked
// up in the dictionary (through a cache).
func (sn *Snapshot) Term(id ID) (rdf.Term, error) {
	if t, ok := decodeInline(id); ok {
		return t, nil
	}
	if t, ok := sn.s.terms.get(id); ok {
		return t, nil
	}
	item, err := sn.txn.Get(dictKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return rdf.Term{}, fmt.Errorf("graph: unknown term id %s", id)
	}
	if err != nil {
		return rdf.Term{}, fmt.Errorf("graph: read dictionary: %w", err)
	}
	var t rdf.Term
	err = item.Value(func(v []byte) error {
		t, err = decodeEntry(id, v)
		return err
	})
	if err != nil {
		return rdf.Term{}, err
	}
	sn.s.terms.put(id, t)
	return t, nil
}

// Quad decodes an encoded quad.
func (sn *Snapshot) Quad(q EncodedQuad) (rdf.Quad, error) {
	var out rdf.Quad
	var err error
	if out.S, err = sn.Term(q.S); err != nil {
		return out, err
	}
	if out.P, err = sn.Term(q.P); err != nil {
		return out, err
	}
	if out.O, err = sn.Term(q.O); err != nil {
		return out, err
	}
	if out.G, err = sn.Term(q.G); err != nil {
		return out, err
	}
	return out, nil
}

// Match is Scan for callers that think in terms: zero terms are wildcards,
// and g selects the graphs as in Pattern.
func (sn *Snapshot) Match(ctx context.Context, s, p, o rdf.Term, g GraphSelector) *Iterator {
	return sn.Scan(ctx, Pattern{S: TermID(s), P: TermID(p), O: TermID(o), Graph: g})
}

// Count counts the quads that match a pattern.
func (sn *Snapshot) Count(ctx context.Context, pat Pattern) (int64, error) {
	it := sn.Scan(ctx, pat)
	defer it.Close()
	var n int64
	for it.Next() {
		n++
	}
	return n, it.Err()
}

// termCache keeps recently decoded hashed terms. It is cleared when full,
// which is crude but keeps memory bounded without bookkeeping per hit.
type termCache struct {
	mu  sync.RWMutex
	max int
	m   map[ID]rdf.Term
}

func newTermCache(max int) *termCache { return &termCache{max: max, m: make(map[ID]rdf.Term)} }

func (c *termCache) get(id ID) (rdf.Term, bool) {
	c.mu.RLock()
	t, ok := c.m[id]
	c.mu.RUnlock()
	return t, ok
}

func (c *termCache) put(id ID, t rdf.Term) {
	c.mu.Lock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[id] = t
	c.mu.Unlock()
}

func unmarshalRecord(b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("corrupt catalog record: %w", err)
	}
	return nil
}
