package ontology

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// Resolver finds the concepts a text that is no label may mean; full-text
// search implements it. It is injected so that the ontology package does not
// depend on the search index.
type Resolver interface {
	Resolve(ctx context.Context, snap *graph.Snapshot, text string) ([]rdf.Term, error)
}

// ResolverFunc adapts a function to the Resolver interface.
type ResolverFunc func(ctx context.Context, snap *graph.Snapshot, text string) ([]rdf.Term, error)

// Resolve calls f.
func (f ResolverFunc) Resolve(ctx context.Context, snap *graph.Snapshot, text string) ([]rdf.Term, error) {
	return f(ctx, snap, text)
}

// ResolveMethod says how the subject of a query was found.
type ResolveMethod uint8

// Ways a query is resolved to concepts.
const (
	// Unresolved: no concept was found; the answer is empty.
	Unresolved ResolveMethod = iota
	// ByTerm: the query named the concept.
	ByTerm
	// ByLabel: the query's label is a label of the concepts found.
	ByLabel
	// BySearch: the label matched no concept; the Resolver chose them.
	BySearch
)

func (m ResolveMethod) String() string {
	switch m {
	case ByTerm:
		return "term"
	case ByLabel:
		return "label"
	case BySearch:
		return "search"
	}
	return "unresolved"
}

// Resolution reports what a query was taken to mean.
type Resolution struct {
	// Query is the label asked for, or the concept's IRI.
	Query  string
	Method ResolveMethod
	// Concepts are the roots of the meaning closure, sorted by IRI.
	Concepts []Node
}

// NormalizeLabel is the form labels are compared in: Unicode compatibility
// normalisation (NFKC) and full case folding, so that "Kunde", "KUNDE" and
// "ｋｕｎｄｅ" compare equal, as do "Straße" and "STRASSE". Leading and
// trailing white space is ignored.
func NormalizeLabel(s string) string {
	return normalizeWith(cases.Fold(), s)
}

func normalizeWith(fold cases.Caser, s string) string {
	s = norm.NFKC.String(strings.TrimSpace(s))
	// Folding can produce text that is not in normal form again (it
	// decomposes some characters), so normalise once more.
	return norm.NFKC.String(fold.String(s))
}

// ConceptsByLabel returns the concepts and classes (skos:Concept, owl:Class,
// rdfs:Class) that have label as skos:prefLabel, skos:altLabel or
// rdfs:label in any language, compared with NormalizeLabel.
func ConceptsByLabel(ctx context.Context, snap *graph.Snapshot, label string) ([]graph.ID, error) {
	return cacheFor(snap).conceptsByLabel(ctx, snap, label)
}

func (sc *stateCache) conceptsByLabel(ctx context.Context, snap *graph.Snapshot, label string) ([]graph.ID, error) {
	// The index is built by the first caller; a failed build (a cancelled
	// context, say) is not remembered, so the next caller tries again.
	// Every snapshot of the store state shares it (see cacheFor), since
	// building it reads every label.
	sc.labelMu.Lock()
	if sc.labelIdx == nil {
		idx, err := buildLabelIndex(ctx, snap)
		if err != nil {
			sc.labelMu.Unlock()
			return nil, err
		}
		sc.labelIdx = idx
	}
	idx := sc.labelIdx
	sc.labelMu.Unlock()
	var out []graph.ID
	for _, id := range idx[NormalizeLabel(label)] {
		ok, err := isConceptOrClass(ctx, snap, id)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, id)
		}
	}
	return out, nil
}

// buildLabelIndex maps the normalised labels of all resources to them. It
// reads every label once per store state; the type check is left to lookup
// time, where it concerns a handful of resources.
func buildLabelIndex(ctx context.Context, snap *graph.Snapshot) (map[string][]graph.ID, error) {
	idx := make(map[string][]graph.ID)
	fold := cases.Fold()
	for _, p := range []graph.ID{idPrefLabel, idAltLabel, idRDFSLabel} {
		it := snap.Scan(ctx, graph.Pattern{P: p, Graph: graph.AllGraphs})
		for it.Next() {
			q := it.Quad()
			if !q.O.IsLiteral() {
				continue
			}
			t, err := snap.Term(q.O)
			if err != nil {
				it.Close()
				return nil, err
			}
			key := normalizeWith(fold, t.Value)
			if !slices.Contains(idx[key], q.S) {
				idx[key] = append(idx[key], q.S)
			}
		}
		it.Close()
		if err := it.Err(); err != nil {
			return nil, fmt.Errorf("ontology: index labels: %w", err)
		}
	}
	return idx, nil
}

func isConceptOrClass(ctx context.Context, snap *graph.Snapshot, id graph.ID) (bool, error) {
	for _, class := range []graph.ID{idSKOSConcept, idOWLClass, idRDFSClass} {
		ok, err := exists(ctx, snap, id, idType, class)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// resolve turns the query into the roots of the closure.
func (sc *stateCache) resolve(ctx context.Context, snap *graph.Snapshot, q AboutQuery) (Resolution, error) {
	var res Resolution
	var terms []rdf.Term
	switch {
	case q.Concept.Kind != rdf.KindNone:
		if q.Concept.Kind == rdf.KindLiteral {
			return res, fmt.Errorf("ontology: about: concept %s is a literal", q.Concept)
		}
		res.Query, res.Method = q.Concept.Value, ByTerm
		terms = []rdf.Term{q.Concept}
	case strings.TrimSpace(q.Label) != "":
		res.Query = q.Label
		ids, err := sc.conceptsByLabel(ctx, snap, q.Label)
		if err != nil {
			return res, err
		}
		if len(ids) > 0 {
			res.Method = ByLabel
			for _, id := range ids {
				t, err := snap.Term(id)
				if err != nil {
					return res, err
				}
				terms = append(terms, t)
			}
			break
		}
		if q.Resolver == nil {
			return res, nil
		}
		found, err := q.Resolver.Resolve(ctx, snap, q.Label)
		if err != nil {
			return res, fmt.Errorf("ontology: resolve %q: %w", q.Label, err)
		}
		if len(found) == 0 {
			return res, nil
		}
		res.Method = BySearch
		terms = found
	default:
		return res, errNoConcept
	}
	slices.SortFunc(terms, func(a, b rdf.Term) int { return strings.Compare(a.Value, b.Value) })
	terms = slices.CompactFunc(terms, func(a, b rdf.Term) bool { return a == b })
	for _, t := range terms {
		l, err := sc.label(ctx, snap, graph.TermID(t))
		if err != nil {
			return res, err
		}
		res.Concepts = append(res.Concepts, Node{Term: t, Label: l})
	}
	return res, nil
}
