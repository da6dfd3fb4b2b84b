package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// facetFields are the fields whose values are counted over the matches.
var facetFields = []string{fieldType, fieldDomain, fieldScheme, fieldOwner, fieldLifecycle, fieldLang}

// facetSize is the number of values a facet reports, the most frequent.
const facetSize = 20

// facetValues are, for one index snapshot, the documents holding each
// value of each facet field. Counting a facet over a search's matches is
// then an intersection per value, where Bleve's facets read the values of
// every match (70 ms for the 50k matches of a common word).
type facetValues map[string][]facetValue

type facetValue struct {
	term string
	docs *roaring.Bitmap
}

// readFacetValues reads the documents of every facet value in r.
func readFacetValues(ctx context.Context, r index.IndexReader) (facetValues, error) {
	out := facetValues{}
	var tfd index.TermFieldDoc
	var nums []uint32
	for _, f := range facetFields {
		dict, err := r.FieldDict(f)
		if err != nil {
			return nil, fmt.Errorf("facet %s: %w", f, err)
		}
		entries, err := dictEntries(dict)
		if err != nil {
			return nil, fmt.Errorf("facet %s: %w", f, err)
		}
		for _, e := range entries {
			term := e.Term
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			tfr, err := r.TermFieldReader(ctx, []byte(term), f, false, false, false)
			if err != nil {
				return nil, fmt.Errorf("facet %s: %s: %w", f, term, err)
			}
			nums = nums[:0]
			for {
				d, err := tfr.Next(&tfd)
				if err != nil {
					tfr.Close()
					return nil, fmt.Errorf("facet %s: %s: %w", f, term, err)
				}
				if d == nil {
					break
				}
				nums = append(nums, uint32(d.ID.Value()))
			}
			tfr.Close()
			docs := roaring.BitmapOf(nums...)
			docs.RunOptimize()
			out[f] = append(out[f], facetValue{term: term, docs: docs})
		}
	}
	return out, nil
}

// all returns every document: each has a type.
func (fv facetValues) all() *roaring.Bitmap {
	all := roaring.New()
	for _, v := range fv[fieldType] {
		all.Or(v.docs)
	}
	return all
}

// count returns the facets of the documents in matched: per field, the
// facetSize values held by most of them, the most frequent first.
func (fv facetValues) count(matched *roaring.Bitmap) map[string][]FacetCount {
	out := make(map[string][]FacetCount, len(facetFields))
	for _, f := range facetFields {
		var counts []FacetCount
		if matched != nil {
			for _, v := range fv[f] {
				if n := matched.AndCardinality(v.docs); n > 0 {
					counts = append(counts, FacetCount{Value: v.term, Count: int(n)})
				}
			}
		}
		slices.SortFunc(counts, func(a, b FacetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		out[f] = counts[:min(len(counts), facetSize)]
	}
	return out
}
