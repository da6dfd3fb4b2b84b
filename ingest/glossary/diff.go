package glossary

import (
	"slices"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// Label is one label of a concept.
type Label struct {
	Concept   string   // concept IRI
	Predicate string   // skos:prefLabel, skos:altLabel or skos:hiddenLabel
	Label     rdf.Term // the literal
}

// Diff is what replacing one version of a glossary with another would
// change, for a dry run.
type Diff struct {
	AddedConcepts   []string // concept IRIs, sorted
	RemovedConcepts []string
	AddedLabels     []Label // sorted by concept, predicate, label
	RemovedLabels   []Label
	// OtherAdded and OtherRemoved count the remaining changed triples
	// (definitions, hierarchy, stewards, ...).
	OtherAdded, OtherRemoved int
}

// Empty reports whether the two versions are the same.
func (d *Diff) Empty() bool {
	return len(d.AddedConcepts)+len(d.RemovedConcepts)+len(d.AddedLabels)+len(d.RemovedLabels)+d.OtherAdded+d.OtherRemoved == 0
}

// Compare reports the concepts and labels that after adds to or removes
// from before. Graph names are ignored. Blank nodes are compared by label,
// so only the triples with IRI subjects (concepts and schemes) are
// dependable when the versions come from different sources.
func Compare(before, after []rdf.Quad) Diff {
	old, cur := tripleSet(before), tripleSet(after)
	var d Diff
	concepts := func(set map[rdf.Triple]bool) map[string]bool {
		out := map[string]bool{}
		for t := range set {
			if t.P.Value == rdf.RDFType && t.O.Value == ontology.SKOSConcept {
				out[t.S.Value] = true
			}
		}
		return out
	}
	oldConcepts, curConcepts := concepts(old), concepts(cur)
	for c := range curConcepts {
		if !oldConcepts[c] {
			d.AddedConcepts = append(d.AddedConcepts, c)
		}
	}
	for c := range oldConcepts {
		if !curConcepts[c] {
			d.RemovedConcepts = append(d.RemovedConcepts, c)
		}
	}
	slices.Sort(d.AddedConcepts)
	slices.Sort(d.RemovedConcepts)
	changes := func(from, to map[rdf.Triple]bool, labels *[]Label, other *int) {
		for t := range to {
			if from[t] {
				continue
			}
			switch t.P.Value {
			case ontology.SKOSPrefLabel, ontology.SKOSAltLabel, ontology.SKOSHiddenLabel:
				*labels = append(*labels, Label{Concept: t.S.Value, Predicate: t.P.Value, Label: t.O})
			default:
				*other++
			}
		}
		slices.SortFunc(*labels, func(a, b Label) int {
			if c := strings.Compare(a.Concept, b.Concept); c != 0 {
				return c
			}
			if c := strings.Compare(a.Predicate, b.Predicate); c != 0 {
				return c
			}
			return strings.Compare(a.Label.String(), b.Label.String())
		})
	}
	changes(old, cur, &d.AddedLabels, &d.OtherAdded)
	changes(cur, old, &d.RemovedLabels, &d.OtherRemoved)
	return d
}

func tripleSet(quads []rdf.Quad) map[rdf.Triple]bool {
	set := make(map[rdf.Triple]bool, len(quads))
	for _, q := range quads {
		set[q.Triple()] = true
	}
	return set
}
