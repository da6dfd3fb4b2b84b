package graph

import (
	"bytes"
	"context"

	badger "github.com/dgraph-io/badger/v4"
)

// GraphSelector says which graphs a pattern ranges over.
type GraphSelector struct {
	kind  graphSelectorKind
	graph ID
}

type graphSelectorKind uint8

const (
	selectDefault graphSelectorKind = iota
	selectGraph
	selectNamed
	selectAll
)

var (
	// DefaultGraph selects the default graph.
	DefaultGraph = GraphSelector{kind: selectDefault}
	// AllNamedGraphs selects every named graph (GRAPH ?g in SPARQL) but
	// the metadata graph, which is read by name (InGraph).
	AllNamedGraphs = GraphSelector{kind: selectNamed}
	// AllGraphs selects the default graph and every named graph but the
	// metadata graph.
	AllGraphs = GraphSelector{kind: selectAll}
)

// InGraph selects one graph by the id of its name; the zero id is the
// default graph.
func InGraph(g ID) GraphSelector {
	if g.IsZero() {
		return DefaultGraph
	}
	return GraphSelector{kind: selectGraph, graph: g}
}

// Pattern is a quad pattern over ids; a zero id is a wildcard.
type Pattern struct {
	S, P, O ID
	Graph   GraphSelector
}

// EncodedQuad is a quad as ids. G is the id of the graph's name, zero for
// the default graph.
type EncodedQuad struct {
	S, P, O, G ID
}

// Iterator walks the quads matching a pattern, lazily, in the order of the
// index it scans (within one graph: sorted by the bound positions first).
// It stops with ctx.Err() when the context ends.
//
//	it := snap.Scan(ctx, pat)
//	defer it.Close()
//	for it.Next() { q := it.Quad() ... }
//	if err := it.Err(); err != nil { ... }
type Iterator struct {
	ctx     context.Context
	sources []*source // consumed in turn (default graph, then named graphs)
	cur     EncodedQuad
	err     error
	steps   int
}

// source is one ordered stream: the merge of a graph's instances, or of
// all named graphs' instances (the graph-last index holding the unpacked
// ones).
type source struct {
	// point is set for a fully bound pattern in one graph: the quad, if
	// some instance holds it (a point lookup, much cheaper than a scan).
	point   *EncodedQuad
	cat     *catalog
	ord     order
	cursors []*blockCursor   // graph-first: one cursor per instance
	named   *badger.Iterator // graph-last: the unpacked named instances
	prefix  []byte
	err     error
}

// Scan returns an iterator over the quads matching pat.
func (sn *Snapshot) Scan(ctx context.Context, pat Pattern) *Iterator {
	it := &Iterator{ctx: ctx}
	cat := sn.state.cat
	idx, _ := chooseIndex(pat.S, pat.P, pat.O, ID{}, true)
	ord, _ := indexOrder(idx)
	// addInstances adds cursors on the graph-first index of each instance
	// in insts to src.
	addInstances := func(src *source, g ID, insts []ID) {
		for _, inst := range insts {
			// An instance without the predicate cannot match: with many
			// graphs, most are skipped without a seek.
			if !pat.P.IsZero() && sn.state.preds[inst][pat.P].Quads == 0 {
				continue
			}
			_, prefix := chooseIndex(pat.S, pat.P, pat.O, inst, true)
			c := newBlockCursor(sn.txn, prefix, inst, g, cat.instances[inst].Packed)
			src.cursors = append(src.cursors, c)
		}
	}
	addGraph := func(g ID) {
		r, ok := cat.graphs[g]
		if !ok || len(r.Instances) == 0 {
			return
		}
		if !pat.S.IsZero() && !pat.P.IsZero() && !pat.O.IsZero() {
			found, err := sn.holds(r.Instances, pat.S, pat.P, pat.O)
			if err != nil {
				it.err = err
			} else if found {
				it.sources = append(it.sources, &source{point: &EncodedQuad{S: pat.S, P: pat.P, O: pat.O, G: g}})
			}
			return
		}
		src := &source{cat: cat, ord: ord}
		addInstances(src, g, r.Instances)
		it.sources = append(it.sources, src)
	}
	switch pat.Graph.kind {
	case selectDefault:
		addGraph(ID{})
	case selectGraph:
		addGraph(pat.Graph.graph)
	case selectAll, selectNamed:
		if pat.Graph.kind == selectAll {
			addGraph(ID{})
		}
		src := &source{cat: cat, ord: ord}
		packed, unpacked := sn.state.namedInstances()
		for _, p := range packed {
			addInstances(src, p.graph, []ID{p.inst})
		}
		if unpacked {
			_, prefix := chooseIndex(pat.S, pat.P, pat.O, ID{}, false)
			src.named = sn.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
			src.named.Seek(prefix)
			src.prefix = prefix
		}
		it.sources = append(it.sources, src)
	}
	return it
}

// holds reports whether one of the instances holds the triple.
func (sn *Snapshot) holds(insts []ID, s, p, o ID) (bool, error) {
	spo := [3]ID{s, p, o}
	var key [keyLen]byte
	for _, inst := range insts {
		if sn.state.preds[inst][p].Quads == 0 {
			continue
		}
		putKey(key[:], idxGSPO, inst, &spo)
		packed := sn.state.cat.instances[inst].Packed
		var look *badger.Iterator
		if packed {
			look = sn.txn.NewIterator(badger.IteratorOptions{Prefix: key[:blockPrefixLen], PrefetchValues: false})
		}
		found, err := instanceHolds(sn.txn, look, packed, key[:])
		if look != nil {
			look.Close()
		}
		if err != nil || found {
			return found, err
		}
	}
	return false, nil
}

// Next advances to the next matching quad.
func (it *Iterator) Next() bool {
	if it.err != nil {
		return false
	}
	for len(it.sources) > 0 {
		it.steps++
		if it.steps&1023 == 0 {
			if err := it.ctx.Err(); err != nil {
				it.err = err
				it.Close()
				return false
			}
		}
		src := it.sources[0]
		if q, ok := src.next(); ok {
			it.cur = q
			return true
		}
		if src.err != nil {
			it.err = src.err
			it.Close()
			return false
		}
		src.close()
		it.sources = it.sources[1:]
	}
	return false
}

// Quad returns the current quad.
func (it *Iterator) Quad() EncodedQuad { return it.cur }

// Err returns the error that stopped the iteration, if any.
func (it *Iterator) Err() error { return it.err }

// Close releases the iterator; it is safe to call more than once.
func (it *Iterator) Close() {
	for _, src := range it.sources {
		src.close()
	}
	it.sources = nil
}

func (src *source) close() {
	for _, c := range src.cursors {
		c.close()
	}
	src.cursors = nil
	if src.named != nil {
		src.named.Close()
		src.named = nil
	}
}

// liveNamed positions the graph-last iterator on its next key of a live
// instance and returns that instance's graph.
func (src *source) liveNamed() (ID, bool) {
	for ; src.named.ValidForPrefix(src.prefix); src.named.Next() {
		key := src.named.Item().Key()
		if g, live := src.cat.liveGraph(ID(key[49:65])); live {
			return g, true
		}
		// a pending load or a replaced graph
	}
	return ID{}, false
}

func (src *source) next() (EncodedQuad, bool) {
	if src.point != nil {
		q := *src.point
		src.point = nil
		return q, true
	}
	// Merge the cursors (and the graph-last index) by entry, then by
	// instance: the order of the graph-last index. One graph's instances
	// hold disjoint sets of quads, so within a graph no duplicates arise.
	var best *blockCursor
	for _, c := range src.cursors {
		if !c.valid {
			if c.err != nil {
				src.err = c.err
				return EncodedQuad{}, false
			}
			continue
		}
		if best == nil {
			best = c
			continue
		}
		if d := bytes.Compare(c.cur[:], best.cur[:]); d < 0 || d == 0 && compareID(c.inst, best.inst) < 0 {
			best = c
		}
	}
	if src.named != nil {
		if g, ok := src.liveNamed(); ok {
			key := src.named.Item().Key()
			if best == nil || namedFirst(key, best) {
				_, spo := parseKey(key)
				src.named.Next()
				return EncodedQuad{S: spo[0], P: spo[1], O: spo[2], G: g}, true
			}
		}
	}
	if best == nil {
		return EncodedQuad{}, false
	}
	spo := best.cur.spo(src.ord)
	q := EncodedQuad{S: spo[0], P: spo[1], O: spo[2], G: best.g}
	best.next()
	return q, true
}

// namedFirst reports whether the graph-last key comes before the cursor's
// entry in the merged order.
func namedFirst(key []byte, c *blockCursor) bool {
	if d := bytes.Compare(key[1:49], c.cur[:]); d != 0 {
		return d < 0
	}
	return compareID(ID(key[49:65]), c.inst) < 0
}
