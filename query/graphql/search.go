package graphql

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// SearchQuery is what the search entry point asks a Searcher.
type SearchQuery struct {
	// Text is the words to look for.
	Text string
	// Kinds are the GraphQL type names (DataProduct, Concept, …) wanted;
	// empty means any. Searchers may ignore it: the API filters again.
	Kinds []string
	// Domain is the IRI of the domain wanted, "" for any. Searchers may
	// ignore it: the API filters again.
	Domain string
	// Limit caps the number of results.
	Limit int
}

// SearchResult is one resource found.
type SearchResult struct {
	Resource rdf.Term
	// Score orders results, higher first.
	Score float64
	// Snippet is the matched text, for display.
	Snippet string
}

// Searcher finds resources by text. The full-text index (package
// query/search) implements it; without one the API uses a label search
// that reads every label of the snapshot.
type Searcher interface {
	Search(ctx context.Context, snap *graph.Snapshot, q SearchQuery) ([]SearchResult, error)
}

// LabelSearcher is the Searcher used when Options.Searcher is nil: it
// matches the words of the text, case-insensitively, against the labels,
// titles and names of every resource. A label equal to the text scores
// 1, a label starting with it 0.8, a label containing every word 0.5.
// It reads every label of the snapshot, so it suits small stores.
type LabelSearcher struct{}

var searchPreds = ids(ontology.SKOSPrefLabel, ontology.SKOSAltLabel, ontology.RDFSLabel, ontology.DCTermsTitle, ontology.SHName, foafName)

// Search implements Searcher.
func (LabelSearcher) Search(ctx context.Context, snap *graph.Snapshot, q SearchQuery) ([]SearchResult, error) {
	want := ontology.NormalizeLabel(q.Text)
	words := strings.Fields(want)
	if len(words) == 0 {
		return nil, nil
	}
	best := make(map[graph.ID]SearchResult)
	for _, p := range searchPreds {
		it := snap.Scan(ctx, graph.Pattern{P: p, Graph: graph.AllGraphs})
		for it.Next() {
			quad := it.Quad()
			if !quad.O.IsLiteral() {
				continue
			}
			lit, err := snap.Term(quad.O)
			if err != nil {
				it.Close()
				return nil, err
			}
			label := ontology.NormalizeLabel(lit.Value)
			score := 0.0
			switch {
			case label == want:
				score = 1
			case strings.HasPrefix(label, want):
				score = 0.8
			case containsAll(label, words):
				score = 0.5
			default:
				continue
			}
			if cur, ok := best[quad.S]; ok && cur.Score >= score {
				continue
			}
			s, err := snap.Term(quad.S)
			if err != nil {
				it.Close()
				return nil, err
			}
			best[quad.S] = SearchResult{Resource: s, Score: score, Snippet: lit.Value}
		}
		it.Close()
		if err := it.Err(); err != nil {
			return nil, fmt.Errorf("graphql: label search: %w", err)
		}
	}
	out := make([]SearchResult, 0, len(best))
	for _, r := range best {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b SearchResult) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), compareTerms(a.Resource, b.Resource))
	})
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}
