package update

import (
	"fmt"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// tripleKey identifies a triple within a graph by its term ids.
type tripleKey [3]graph.ID

func keyOf(q rdf.Quad) tripleKey {
	return tripleKey{graph.TermID(q.S), graph.TermID(q.P), graph.TermID(q.O)}
}

// graphDelta is what the request changed in one graph. The graph as the
// request sees it is: the snapshot's content (none if cleared) without
// removed, plus added. added and removed are disjoint; removed only holds
// triples of the snapshot.
type graphDelta struct {
	name    rdf.Term
	cleared bool
	added   map[tripleKey]rdf.Quad
	removed map[tripleKey]bool
}

// deltaOf returns the delta of graph g, creating it. A delta, even an
// empty one, marks the graph as touched by the request.
func (x *executor) deltaOf(g rdf.Term) *graphDelta {
	id := graph.TermID(g)
	d, ok := x.delta[id]
	if !ok {
		d = &graphDelta{name: g, added: map[tripleKey]rdf.Quad{}, removed: map[tripleKey]bool{}}
		x.delta[id] = d
	}
	return d
}

// insert records a quad the transaction reported as new.
func (d *graphDelta) insert(q rdf.Quad) {
	k := keyOf(q)
	if d.removed[k] {
		delete(d.removed, k) // back to the snapshot's copy
		return
	}
	d.added[k] = q
}

// remove records a quad the transaction reported as deleted.
func (d *graphDelta) remove(q rdf.Quad) {
	k := keyOf(q)
	if _, ok := d.added[k]; ok {
		delete(d.added, k)
		return
	}
	d.removed[k] = true
}

// clear records that the graph was emptied (or dropped).
func (d *graphDelta) clear() {
	d.cleared = true
	clear(d.added)
	clear(d.removed)
}

// graphQuads returns the quads of graph g (the zero term: the default
// graph) as the request sees it, with G set to g.
func (x *executor) graphQuads(g rdf.Term) ([]rdf.Quad, error) {
	id := graph.TermID(g)
	d := x.delta[id]
	var out []rdf.Quad
	if d == nil || !d.cleared {
		it := x.snap.Scan(x.ctx, graph.Pattern{Graph: graph.InGraph(id)})
		defer it.Close()
		for it.Next() {
			eq := it.Quad()
			if d != nil && d.removed[tripleKey{eq.S, eq.P, eq.O}] {
				continue
			}
			q, err := x.snap.Quad(graph.EncodedQuad{S: eq.S, P: eq.P, O: eq.O})
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", graphName(g), err)
			}
			q.G = g
			out = append(out, q)
		}
		if err := it.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", graphName(g), err)
		}
	}
	if d != nil {
		for _, q := range d.added {
			q.G = g
			out = append(out, q)
		}
	}
	return out, nil
}

// namedGraphs lists the named graphs that exist as the request sees them,
// without the metadata graph.
func (x *executor) namedGraphs() []rdf.Term {
	var out []rdf.Term
	seen := map[graph.ID]bool{}
	add := func(g rdf.Term) {
		id := graph.TermID(g)
		if g.IsZero() || seen[id] || g.Value == graph.MetadataGraph {
			return
		}
		seen[id] = true
		if x.exists(g) {
			out = append(out, g)
		}
	}
	for _, gi := range x.snap.Graphs() {
		add(gi.Name)
	}
	for _, d := range x.delta {
		add(d.name)
	}
	return out
}

// changedAny reports whether the request changed any of the graphs.
func (x *executor) changedAny(graphs []string) bool {
	for _, g := range graphs {
		if _, ok := x.delta[graph.TermID(rdf.IRI(g))]; ok {
			return true
		}
	}
	return false
}

// scratchBatchBytes bounds the estimated size of one transaction of the
// copy into a scratch store, well below the 1.2 MB its 8 MiB memtables let
// one transaction hold.
const scratchBatchBytes = 256 << 10

// quadCost estimates the bytes a quad's insertion writes: the index keys
// and the dictionary entries of its terms.
func quadCost(q rdf.Quad) int {
	return 400 + len(q.S.Value) + len(q.P.Value) + len(q.O.Value) + len(q.O.Datatype) + len(q.G.Value)
}

// scratchStore copies the graphs as the request sees them into a new
// in-memory store: the default graph (given as the zero term) and named
// graphs, empty ones included.
func (x *executor) scratchStore(graphs []rdf.Term) (*graph.Store, error) {
	s, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true, MemTableSize: 8 << 20})
	if err != nil {
		return nil, fmt.Errorf("open scratch store: %w", err)
	}
	if err := x.copyInto(s, graphs); err != nil {
		s.Close()
		// %v, not %w: a scratch transaction that is too big is not the
		// request's transaction being too big.
		return nil, fmt.Errorf("copy the graphs a WHERE clause reads into a scratch store: %v", err)
	}
	return s, nil
}

func (x *executor) copyInto(s *graph.Store, graphs []rdf.Term) error {
	for _, g := range graphs {
		// The scratch store describes its graphs in a metadata graph of
		// its own.
		if !x.exists(g) || g.IsIRI() && g.Value == graph.MetadataGraph {
			continue
		}
		quads, err := x.graphQuads(g)
		if err != nil {
			return err
		}
		if !g.IsZero() {
			if err := s.Update(x.ctx, func(tx *graph.Txn) error { return tx.CreateGraph(g) }); err != nil {
				return err
			}
		}
		for len(quads) > 0 {
			n, size := 0, 0
			for n < len(quads) && (n == 0 || size+quadCost(quads[n]) <= scratchBatchBytes) {
				size += quadCost(quads[n])
				n++
			}
			batch := quads[:n]
			quads = quads[n:]
			err := s.Update(x.ctx, func(tx *graph.Txn) error {
				for _, q := range batch {
					if _, err := tx.Insert(q); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}
