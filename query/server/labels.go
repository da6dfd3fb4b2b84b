package server

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// labelSearcher is the Searcher of last resort: it scans the labels and
// descriptions in the store. Every word of the text must occur in one
// value, ignoring case.
type labelSearcher struct{ store *graph.Store }

// searchPredicates are scanned by labelSearcher, with the weight of a match.
var searchPredicates = []struct {
	iri    string
	weight float64
	label  bool
}{
	{ontology.SKOSPrefLabel, 1, true},
	{ontology.RDFSLabel, 1, true},
	{ontology.DCTermsTitle, 1, true},
	{ontology.SKOSAltLabel, 0.8, true},
	{ontology.SKOSDefinition, 0.4, false},
	{ontology.DCTermsDescription, 0.4, false},
}

// Search implements Searcher.
func (l labelSearcher) Search(ctx context.Context, text string, limit int) ([]SearchHit, error) {
	words := strings.Fields(strings.ToLower(text))
	if len(words) == 0 {
		return nil, nil
	}
	phrase := strings.Join(words, " ")
	return l.scan(ctx, limit, false, func(value string) float64 {
		v := strings.ToLower(value)
		for _, w := range words {
			if !strings.Contains(v, w) {
				return 0
			}
		}
		switch {
		case v == phrase:
			return 1
		case strings.HasPrefix(v, phrase):
			return 0.8
		}
		return 0.5
	})
}

// Suggest implements Searcher.
func (l labelSearcher) Suggest(ctx context.Context, prefix string, limit int) ([]SearchHit, error) {
	p := strings.ToLower(strings.TrimSpace(prefix))
	if p == "" {
		return nil, nil
	}
	return l.scan(ctx, limit, true, func(value string) float64 {
		v := strings.ToLower(value)
		if strings.HasPrefix(v, p) {
			return 1 / float64(1+len(v)-len(p)) // shorter completions first
		}
		return 0
	})
}

// scan scores the values of the search predicates and keeps each
// resource's best match.
func (l labelSearcher) scan(ctx context.Context, limit int, labelsOnly bool, score func(string) float64) ([]SearchHit, error) {
	sn := l.store.Snapshot()
	defer sn.Release()
	best := map[graph.ID]*SearchHit{}
	for _, sp := range searchPredicates {
		if labelsOnly && !sp.label {
			continue
		}
		it := sn.Scan(ctx, graph.Pattern{P: graph.TermID(rdf.IRI(sp.iri)), Graph: graph.AllGraphs})
		for it.Next() {
			eq := it.Quad()
			if !eq.O.IsLiteral() || eq.S.IsBlank() {
				continue
			}
			o, err := sn.Term(eq.O)
			if err != nil {
				it.Close()
				return nil, err
			}
			sc := score(o.Value) * sp.weight
			if sc == 0 {
				continue
			}
			h := best[eq.S]
			if h == nil {
				s, err := sn.Term(eq.S)
				if err != nil {
					it.Close()
					return nil, err
				}
				h = &SearchHit{Resource: s}
				best[eq.S] = h
			}
			if sc > h.Score {
				h.Score, h.Snippet = sc, o.Value
			}
			if sp.label && h.Label == "" {
				h.Label = o.Value
			}
		}
		err := it.Err()
		it.Close()
		if err != nil {
			return nil, err
		}
	}
	hits := make([]SearchHit, 0, len(best))
	for _, h := range best {
		hits = append(hits, *h)
	}
	slices.SortFunc(hits, func(a, b SearchHit) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Label, b.Label); c != 0 {
			return c
		}
		return cmp.Compare(a.Resource.Value, b.Resource.Value)
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, nil
}
