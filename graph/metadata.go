package graph

import (
	"strconv"
	"time"

	"github.com/kplane/kplane/graph/rdf"
)

// The store describes its named graphs in a graph of its own, so that
// queries of every kind see the metadata without special cases:
//
//	GRAPH <https://kplane.dev/graphs> { ?g kplane:quadCount ?n ; kplane:owner ?owner }
//
// The description of a graph changes in the same transaction as the graph.
// The terms are those of the kplane vocabulary (ontology/kplane.ttl).
const (
	// MetadataGraph names the graph that describes the other graphs.
	MetadataGraph = "https://kplane.dev/graphs"

	kplaneNS         = "https://kplane.dev/ns#"
	kplaneNamedGraph = kplaneNS + "NamedGraph"
	kplaneSource     = kplaneNS + "source"
	kplaneFormat     = kplaneNS + "format"
	kplaneOwner      = kplaneNS + "owner"
	kplaneLoadedAt   = kplaneNS + "loadedAt"
	kplaneModifiedAt = kplaneNS + "modifiedAt"
	kplaneQuadCount  = kplaneNS + "quadCount"
	kplaneHash       = kplaneNS + "contentHash"
)

var metadataGraphID = TermID(rdf.IRI(MetadataGraph))

// inUnionIndexes reports whether a graph's quads go into the graph-last
// indexes that serve patterns over all named graphs. The default graph's
// do not, and neither do the metadata graph's: it describes the others
// and is read by name only, so it is not part of AllNamedGraphs (nor
// AllGraphs), and every change of a graph costs half the writes.
func inUnionIndexes(g ID) bool { return !g.IsZero() && g != metadataGraphID }

// describe returns the metadata quads of a graph.
func describe(info GraphInfo) []rdf.Quad {
	g := rdf.IRI(MetadataGraph)
	s := info.Name
	qs := []rdf.Quad{
		{S: s, P: rdf.IRI(rdf.RDFType), O: rdf.IRI(kplaneNamedGraph), G: g},
		{S: s, P: rdf.IRI(kplaneQuadCount), O: rdf.Literal(strconv.FormatInt(info.Quads, 10), rdf.XSDInteger), G: g},
		{S: s, P: rdf.IRI(kplaneHash), O: rdf.String(info.ContentHash), G: g},
	}
	add := func(p, v string) {
		if v != "" {
			qs = append(qs, rdf.Quad{S: s, P: rdf.IRI(p), O: rdf.String(v), G: g})
		}
	}
	add(kplaneSource, info.Source)
	add(kplaneFormat, info.Format)
	add(kplaneOwner, info.Owner)
	for p, t := range map[string]time.Time{kplaneLoadedAt: info.LoadedAt, kplaneModifiedAt: info.ModifiedAt} {
		if !t.IsZero() {
			// Millisecond precision, UTC: the canonical form, stored inline.
			lex := t.UTC().Truncate(time.Millisecond).Format("2006-01-02T15:04:05.999Z07:00")
			qs = append(qs, rdf.Quad{S: s, P: rdf.IRI(p), O: rdf.Literal(lex, rdf.XSDDateTime), G: g})
		}
	}
	return qs
}

// describeGraphs brings the metadata graph up to date with the graphs this
// transaction changed: what no longer holds is deleted, what is new is
// inserted.
func (tx *Txn) describeGraphs(before *catalog) error {
	changed := make([]ID, 0, len(tx.graphs))
	for g := range tx.graphs {
		if !g.IsZero() && g != metadataGraphID {
			changed = append(changed, g)
		}
	}
	for _, g := range changed {
		var old, cur []rdf.Quad
		if _, ok := before.graphs[g]; ok {
			old = describe(before.info(g))
		}
		if _, ok := tx.cat.graphs[g]; ok {
			cur = describe(tx.cat.info(g))
		}
		keep := map[string]bool{}
		for _, q := range cur {
			keep[q.String()] = true
		}
		had := map[string]bool{}
		for _, q := range old {
			had[q.String()] = true
			if !keep[q.String()] {
				if _, err := tx.Delete(q); err != nil {
					return err
				}
			}
		}
		for _, q := range cur {
			if !had[q.String()] {
				if _, err := tx.Insert(q); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
