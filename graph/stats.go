package graph

import (
	"encoding/binary"
	"fmt"
	"maps"
)

// PredicateStats describes how a predicate is used, for the query planner.
// Counts are exact per stored instance; across graphs DistinctSubjects and
// DistinctObjects are sums, so they over-count terms used in several graphs.
type PredicateStats struct {
	Quads            int64
	DistinctSubjects int64
	DistinctObjects  int64
}

func (p *PredicateStats) add(q PredicateStats) {
	p.Quads += q.Quads
	p.DistinctSubjects += q.DistinctSubjects
	p.DistinctObjects += q.DistinctObjects
}

func (p PredicateStats) isZero() bool { return p == PredicateStats{} }

func encodeStats(p PredicateStats) []byte {
	b := make([]byte, 0, 3*binary.MaxVarintLen64)
	b = binary.AppendUvarint(b, uint64(p.Quads))
	b = binary.AppendUvarint(b, uint64(p.DistinctSubjects))
	b = binary.AppendUvarint(b, uint64(p.DistinctObjects))
	return b
}

func decodeStats(b []byte) (PredicateStats, error) {
	var v [3]uint64
	for i := range v {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			return PredicateStats{}, fmt.Errorf("graph: corrupt statistics record")
		}
		v[i], b = x, b[n:]
	}
	return PredicateStats{int64(v[0]), int64(v[1]), int64(v[2])}, nil
}

// Stats is the planner's view of the data in a snapshot.
type Stats struct {
	// Quads counts all quads, DefaultGraphQuads those in the default graph.
	Quads, DefaultGraphQuads int64
	// Graphs counts the named graphs.
	Graphs int
	// Predicates holds the statistics of every predicate over all graphs.
	Predicates map[ID]PredicateStats
	// GraphQuads counts the quads of each graph (the default graph is the
	// zero ID).
	GraphQuads map[ID]int64
}

// computeStats sums the statistics of the live instances of c.
func computeStats(c *catalog, preds map[ID]map[ID]PredicateStats) *Stats {
	st := &Stats{Predicates: map[ID]PredicateStats{}, GraphQuads: map[ID]int64{}}
	for g, r := range c.graphs {
		if !g.IsZero() {
			st.Graphs++
		}
		for _, inst := range r.Instances {
			ir := c.instances[inst]
			st.Quads += ir.Quads
			st.GraphQuads[g] += ir.Quads
			if g.IsZero() {
				st.DefaultGraphQuads += ir.Quads
			}
			for p, ps := range preds[inst] {
				agg := st.Predicates[p]
				agg.add(ps)
				st.Predicates[p] = agg
			}
		}
	}
	return st
}

// predicateTable holds the per-instance predicate statistics in memory,
// copy-on-write like the catalog.
type predicateTable map[ID]map[ID]PredicateStats

func (t predicateTable) withInstance(inst ID, preds map[ID]PredicateStats) predicateTable {
	c := maps.Clone(t)
	if c == nil {
		c = predicateTable{}
	}
	if preds == nil {
		delete(c, inst)
	} else {
		c[inst] = preds
	}
	return c
}
