package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"

	index "github.com/blevesearch/bleve_index_api"
)

// readRanked reads the hits rank found: each document's stored values,
// and which of them matched, from the term vectors of the clauses' terms.
// It reads the snapshot directly, as rank does: a Bleve search would find
// the documents again by their ids, then copy every stored value into its
// hit. Two workers read half of the page each, as reading a document with
// its labels costs more than finding it.
func readRanked(ctx context.Context, r index.IndexReader, p rankPlan, hits []scored) ([]Hit, error) {
	if len(hits) < 4 {
		return readSomeRanked(ctx, r, p, hits)
	}
	half := len(hits) / 2
	var rest []Hit
	var restErr error
	var wg sync.WaitGroup
	wg.Go(func() { rest, restErr = readSomeRanked(ctx, r, p, hits[half:]) })
	out, err := readSomeRanked(ctx, r, p, hits[:half])
	wg.Wait()
	if err = cmp.Or(err, restErr); err != nil {
		return nil, err
	}
	return append(out, rest...), nil
}

func readSomeRanked(ctx context.Context, r index.IndexReader, p rankPlan, hits []scored) ([]Hit, error) {
	keys, err := matchedValues(ctx, r, p, hits)
	if err != nil {
		return nil, err
	}
	out := make([]Hit, len(hits))
	internal := make(index.IndexInternalID, 8)
	for i, h := range hits {
		internal.SetValue(h.doc)
		id, err := r.ExternalID(internal)
		if err != nil {
			return nil, fmt.Errorf("read hit %d: %w", h.doc, err)
		}
		doc, err := r.Document(id)
		if err != nil {
			return nil, fmt.Errorf("read hit %s: %w", id, err)
		}
		values := map[string][]string{}
		if doc != nil {
			doc.VisitFields(func(f index.Field) {
				name := f.Name()
				pos := 0
				if ap := f.ArrayPositions(); len(ap) > 0 {
					pos = int(ap[0])
				}
				vs := values[name]
				for len(vs) <= pos {
					vs = append(vs, "")
				}
				vs[pos] = string(f.Value())
				values[name] = vs
			})
		}
		out[i] = newHit(id, values, keys[h.doc])
		out[i].Score = h.score
	}
	return out, nil
}

// matchedValues returns, per hit, the values the clauses of p matched, as
// recorded by the term vectors of the hits' postings.
func matchedValues(ctx context.Context, r index.IndexReader, p rankPlan, hits []scored) (map[uint64][]matchKey, error) {
	keys := make(map[uint64][]matchKey, len(hits))
	id := make(index.IndexInternalID, 8)
	var tfd index.TermFieldDoc
	for term, i := range p.termList() {
		// Only the hits that matched the term (as far as the bits tell).
		var matched []uint64
		for _, h := range hits {
			if h.terms&termBit(i) != 0 {
				matched = append(matched, h.doc)
			}
		}
		if len(matched) == 0 {
			continue
		}
		slices.Sort(matched)
		field := term[0]
		tfr, err := r.TermFieldReader(ctx, []byte(term[1]), field, false, false, true)
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", field, term[1], err)
		}
		for _, doc := range matched {
			id.SetValue(doc)
			d, err := tfr.Advance(id, &tfd)
			if err != nil {
				tfr.Close()
				return nil, fmt.Errorf("read %s:%s: %w", field, term[1], err)
			}
			if d == nil {
				break
			}
			if d.ID.Value() != doc {
				continue
			}
			for _, v := range d.Vectors {
				keys[doc] = append(keys[doc], newMatchKey(cmp.Or(v.Field, field), v.ArrayPositions))
			}
		}
		tfr.Close()
	}
	return keys, nil
}
