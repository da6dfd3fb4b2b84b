package search

import (
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// docSet is a set of internal document numbers of one index snapshot, as
// a plain bitset: rank tests every match against its filters and priors,
// where a roaring bitmap's lookups would cost ten times as much. (Facets,
// which intersect whole sets, use roaring bitmaps.)
type docSet []uint64

func (s docSet) has(n uint64) bool {
	i := n >> 6
	return i < uint64(len(s)) && s[i]&(1<<(n&63)) != 0
}

func (s *docSet) add(n uint64) {
	i := n >> 6
	if i >= uint64(len(*s)) {
		*s = append(*s, make([]uint64, i+1-uint64(len(*s)))...)
	}
	(*s)[i] |= 1 << (n & 63)
}

// bitmap returns the documents of s as a bitmap.
func (s docSet) bitmap() *roaring.Bitmap {
	var nums []uint32
	for i, w := range s {
		for w != 0 {
			nums = append(nums, uint32(i*64+bits.TrailingZeros64(w)))
			w &= w - 1
		}
	}
	return roaring.BitmapOf(nums...)
}

// intersect returns the documents in both s and t; a nil set stands for
// all documents.
func (s docSet) intersect(t docSet) docSet {
	switch {
	case s == nil:
		return t
	case t == nil:
		return s
	}
	out := make(docSet, min(len(s), len(t)))
	for i := range out {
		out[i] = s[i] & t[i]
	}
	return out
}

// setCache keeps the document sets of the filters of the searches of one
// index snapshot (document numbers belong to a snapshot): the type,
// domain or lifecycle filters of a catalog are few and the same for many
// searches, which then need not read them again. A new snapshot empties
// it.
type setCache struct {
	mu     sync.Mutex
	reader index.IndexReader // whose sets are kept; holding it keeps its address unique
	sets   map[string]docSet
	facets facetValues
}

// use empties c unless it holds the sets of r; c.mu must be held.
func (c *setCache) use(r index.IndexReader) {
	if c.reader != r {
		c.reader, c.sets, c.facets = r, make(map[string]docSet), nil
	}
}

// maxCachedSets bounds the sets kept: some 70 KiB each for 500k documents.
const maxCachedSets = 64

// get returns the documents q matches in r; the set must not be changed.
func (c *setCache) get(ctx context.Context, r index.IndexReader, idx bleve.Index, q query.Query) (docSet, error) {
	b, err := json.Marshal(q)
	if err != nil {
		return nil, fmt.Errorf("filter key: %w", err)
	}
	key := string(b)
	c.mu.Lock()
	c.use(r)
	set, ok := c.sets[key]
	c.mu.Unlock()
	if ok {
		return set, nil
	}
	if set, err = matchSet(ctx, r, idx, q, false); err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.reader == r && len(c.sets) < maxCachedSets {
		c.sets[key] = set
	}
	c.mu.Unlock()
	return set, nil
}

// facetValues returns the documents of every facet value in r.
func (c *setCache) facetValues(ctx context.Context, r index.IndexReader) (facetValues, error) {
	c.mu.Lock()
	c.use(r)
	fv := c.facets
	c.mu.Unlock()
	if fv != nil {
		return fv, nil
	}
	fv, err := readFacetValues(ctx, r)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.reader == r {
		c.facets = fv
	}
	c.mu.Unlock()
	return fv, nil
}

// matchSet returns the documents q matches. Unless positions (of phrases)
// matter, they are read without scoring, which lets Bleve merge the
// postings of term disjunctions as bitmaps.
func matchSet(ctx context.Context, r index.IndexReader, idx bleve.Index, q query.Query, positions bool) (docSet, error) {
	opts := search.SearcherOptions{Score: "none"}
	if positions {
		// Phrase searchers check positions as they score.
		opts = search.SearcherOptions{}
	}
	s, err := q.Searcher(ctx, r, idx.Mapping(), opts)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	sctx := newSearchContext(s)
	set := docSet{} // not nil: rank tells a set from no restriction
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if dm == nil {
			return set, nil
		}
		set.add(dm.IndexInternalID.Value())
		sctx.DocumentMatchPool.Put(dm)
	}
}

func newSearchContext(s search.Searcher) *search.SearchContext {
	return &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
}
