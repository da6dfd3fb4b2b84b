package graph

import (
	"bytes"
	"context"
	"errors"

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

// source is one ordered stream: the merge of a graph's instances, or the
// graph-last index over all named graphs.
type source struct {
	// point is set for a fully bound pattern in one graph: the quad, if
	// some instance holds it (a point lookup, much cheaper than a scan).
	point  *EncodedQuad
	cat    *catalog
	heads  []*instanceCursor // graph-first: one cursor per instance
	named  *badger.Iterator  // graph-last: one cursor over all instances
	prefix []byte
	graph  ID
}

type instanceCursor struct {
	it     *badger.Iterator
	prefix []byte
}

func (c *instanceCursor) valid() bool { return c.it.ValidForPrefix(c.prefix) }

// suffix is the part of the key after the instance id: the order all of one
// graph's instances share.
func (c *instanceCursor) suffix() []byte { return c.it.Item().Key()[17:] }

// Scan returns an iterator over the quads matching pat.
func (sn *Snapshot) Scan(ctx context.Context, pat Pattern) *Iterator {
	it := &Iterator{ctx: ctx}
	cat := sn.state.cat
	addGraph := func(g ID) {
		r, ok := cat.graphs[g]
		if !ok || len(r.Instances) == 0 {
			return
		}
		if !pat.S.IsZero() && !pat.P.IsZero() && !pat.O.IsZero() {
			spo := [3]ID{pat.S, pat.P, pat.O}
			var key [keyLen]byte
			for _, inst := range r.Instances {
				putKey(key[:], idxGSPO, inst, &spo)
				if _, err := sn.txn.Get(key[:]); err == nil {
					it.sources = append(it.sources, &source{point: &EncodedQuad{S: pat.S, P: pat.P, O: pat.O, G: g}})
					return
				} else if !errors.Is(err, badger.ErrKeyNotFound) {
					it.err = err
					return
				}
			}
			return
		}
		src := &source{cat: cat, graph: g}
		for _, inst := range r.Instances {
			_, prefix := chooseIndex(pat.S, pat.P, pat.O, inst, true)
			bit := sn.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
			bit.Seek(prefix)
			c := &instanceCursor{it: bit, prefix: prefix}
			src.heads = append(src.heads, c)
		}
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
		_, prefix := chooseIndex(pat.S, pat.P, pat.O, ID{}, false)
		bit := sn.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
		bit.Seek(prefix)
		it.sources = append(it.sources, &source{cat: cat, named: bit, prefix: prefix})
	}
	return it
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
	for _, c := range src.heads {
		c.it.Close()
	}
	src.heads = nil
	if src.named != nil {
		src.named.Close()
		src.named = nil
	}
}

func (src *source) next() (EncodedQuad, bool) {
	if src.point != nil {
		q := *src.point
		src.point = nil
		return q, true
	}
	if src.named != nil {
		for ; src.named.ValidForPrefix(src.prefix); src.named.Next() {
			inst, spo := parseKey(src.named.Item().Key())
			g, live := src.cat.liveGraph(inst)
			if !live {
				continue // a pending load or a replaced graph
			}
			src.named.Next()
			return EncodedQuad{S: spo[0], P: spo[1], O: spo[2], G: g}, true
		}
		return EncodedQuad{}, false
	}
	// Merge the graph's instances by the key after the instance id. They
	// hold disjoint sets of quads, so no duplicates arise.
	var best *instanceCursor
	for _, c := range src.heads {
		if !c.valid() {
			continue
		}
		if best == nil || bytes.Compare(c.suffix(), best.suffix()) < 0 {
			best = c
		}
	}
	if best == nil {
		return EncodedQuad{}, false
	}
	_, spo := parseKey(best.it.Item().Key())
	best.it.Next()
	return EncodedQuad{S: spo[0], P: spo[1], O: spo[2], G: src.graph}, true
}
