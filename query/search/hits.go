package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
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
	ids := make([]string, len(hits))
	values := make([]map[string][]string, len(hits))
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
		ids[i], values[i] = id, map[string][]string{}
		if doc != nil {
			doc.VisitFields(func(f index.Field) {
				name := f.Name()
				pos := 0
				if ap := f.ArrayPositions(); len(ap) > 0 {
					pos = int(ap[0])
				}
				vs := values[i][name]
				for len(vs) <= pos {
					vs = append(vs, "")
				}
				vs[pos] = string(f.Value())
				values[i][name] = vs
			})
		}
	}
	keys, err := matchedValues(ctx, r, p, hits, values)
	if err != nil {
		return nil, err
	}
	out := make([]Hit, len(hits))
	for i, h := range hits {
		out[i] = newHit(ids[i], values[i], keys[i])
		out[i].Score = h.score
	}
	return out, nil
}

// matchedValues returns, per hit, the values the clauses of p matched. In
// a field of one value, that value matched; in a list (the labels of
// linked concepts), the term vectors of the hit's posting say which.
func matchedValues(ctx context.Context, r index.IndexReader, p rankPlan, hits []scored, values []map[string][]string) ([][]matchKey, error) {
	keys := make([][]matchKey, len(hits))
	id := make(index.IndexInternalID, 8)
	var tfd index.TermFieldDoc
	for term, t := range p.termList() {
		field := term[0]
		base := strings.TrimSuffix(field, suffixWord)
		// The hits that matched the term (as far as the bits tell) in a
		// list, by document.
		var lists []int
		for i, h := range hits {
			if h.terms&termBit(t) == 0 {
				continue
			}
			n := len(values[i][base])
			if base == fieldBroader && n == 0 {
				if v := values[i][fieldBroaderStored]; len(v) > 0 {
					n = strings.Count(v[0], storedSeparator) + 1
				}
			}
			switch {
			case n == 1:
				keys[i] = append(keys[i], matchKey{field: base})
			case n > 1:
				lists = append(lists, i)
			}
		}
		if len(lists) == 0 {
			continue
		}
		slices.SortFunc(lists, func(a, b int) int { return cmp.Compare(hits[a].doc, hits[b].doc) })
		tfr, err := r.TermFieldReader(ctx, []byte(term[1]), field, false, false, true)
		if err != nil {
			return nil, fmt.Errorf("read %s:%s: %w", field, term[1], err)
		}
		for _, i := range lists {
			id.SetValue(hits[i].doc)
			d, err := tfr.Advance(id, &tfd)
			if err != nil {
				tfr.Close()
				return nil, fmt.Errorf("read %s:%s: %w", field, term[1], err)
			}
			if d == nil {
				break
			}
			if d.ID.Value() != hits[i].doc {
				continue
			}
			for _, v := range d.Vectors {
				keys[i] = append(keys[i], newMatchKey(cmp.Or(v.Field, field), v.ArrayPositions))
			}
		}
		tfr.Close()
	}
	return keys, nil
}
