package search

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// rankTestIndex indexes n random documents over a small vocabulary, in
// several batches (several segments), then deletes and rewrites some, so
// that document numbers have gaps.
func rankTestIndex(t *testing.T, n int) *Index {
	t.Helper()
	ix, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	idx, release, err := ix.bleveIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"customer", "customers", "client", "order", "account", "holder", "policy",
		"policy holder", "policyholder", "invoice", "line", "shipment", "customs", "duty", "revenue"}
	values := func(max int) []string {
		var out []string
		for range rng.IntN(max + 1) {
			w := vocab[rng.IntN(len(vocab))]
			if rng.IntN(3) == 0 {
				w += " " + vocab[rng.IntN(len(vocab))]
			}
			out = append(out, w)
		}
		return out
	}
	doc := func() map[string]any {
		m := map[string]any{
			fieldType:  Types[rng.IntN(len(Types))],
			fieldLabel: "x",
		}
		if rng.IntN(10) == 0 {
			m[fieldLifecycle] = "retired"
		} else if rng.IntN(2) == 0 {
			m[fieldLifecycle] = []string{"consume", "build", "deploy"}[rng.IntN(3)]
		}
		m[fieldDomain] = fmt.Sprintf("https://example.org/domain/d%d", rng.IntN(25))
		m[fieldLang] = []string{"en", "de", "fr", "nl"}[:1+rng.IntN(4)]
		for _, f := range textFields {
			v := values(3)
			if f == fieldConcept || f == fieldBroader {
				v = values(8)
			}
			m[f] = v
			if hasWords(f) {
				m[f+suffixWord] = v
			}
		}
		return m
	}
	for batch := range 3 {
		b := idx.NewBatch()
		for i := range n / 3 {
			b.Index(fmt.Sprintf("doc%d-%d", batch, i), doc())
		}
		if err := idx.Batch(b); err != nil {
			t.Fatal(err)
		}
	}
	b := idx.NewBatch()
	for i := 0; i < n/3; i += 7 {
		b.Delete(fmt.Sprintf("doc0-%d", i))
		b.Index(fmt.Sprintf("doc1-%d", i), doc())
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	return ix
}

// testSnapshot returns the Bleve index of ix and a reader of its current
// snapshot, both released when the test ends.
func testSnapshot(t *testing.T, ix *Index) (bleve.Index, index.IndexReader) {
	t.Helper()
	idx, release, err := ix.bleveIndex()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(release)
	r, err := snapshot(idx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return idx, r
}

// modelRank scores the documents of p the plain way: every posting into a
// map, then the formula of rank, for all documents at once.
func modelRank(t *testing.T, r index.IndexReader, p rankPlan, priors []prior, allow, deny docSet) map[uint64]float64 {
	t.Helper()
	n, err := r.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	// doc → word → text field → best alternative
	best := map[uint64]map[int]map[int]float32{}
	for _, c := range p.clauses {
		tfr, err := r.TermFieldReader(context.Background(), []byte(c.term), c.field, true, true, false)
		if err != nil {
			t.Fatal(err)
		}
		w := c.weight * (1 + math.Log(float64(n)/float64(tfr.Count()+1)))
		for {
			d, err := tfr.Next(nil)
			if err != nil {
				t.Fatal(err)
			}
			if d == nil {
				break
			}
			doc := d.ID.Value()
			s := float32(w * math.Sqrt(float64(d.Freq)*d.Norm))
			for _, word := range c.words {
				if best[doc] == nil {
					best[doc] = map[int]map[int]float32{}
				}
				if best[doc][word] == nil {
					best[doc][word] = map[int]float32{}
				}
				best[doc][word][c.group] = max(best[doc][word][c.group], s)
			}
		}
		tfr.Close()
	}
	out := map[uint64]float64{}
	for doc, words := range best {
		if (allow != nil && !allow.has(doc)) || deny.has(doc) {
			continue
		}
		var score float64
		for _, fields := range words {
			var top, sum float64
			for _, s := range fields {
				top = max(top, float64(s))
				sum += float64(s)
			}
			score += top + disMaxTie*(sum-top)
		}
		score *= float64(len(words)) / float64(p.words)
		for _, pr := range priors {
			if pr.docs.has(doc) {
				score *= float64(pr.factor)
				break
			}
		}
		out[doc] = score
	}
	return out
}

func TestRankMatchesModel(t *testing.T) {
	ix := rankTestIndex(t, 12000) // three windows and more per segment
	idx, r := testSnapshot(t, ix)
	ctx := context.Background()
	priors, err := ix.priors(ctx, r, idx)
	if err != nil {
		t.Fatal(err)
	}
	deny, err := ix.sets.get(ctx, r, idx, retiredQuery(Request{}))
	if err != nil {
		t.Fatal(err)
	}
	products, err := ix.sets.get(ctx, r, idx, filterQueries(Request{Types: []string{TypeProduct}})[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"customer", "customers", "custmer", "policy holder", "policyholder",
		"revenue account", "the order", "invoice line acc", "client duty shipment"} {
		p, err := plan(ctx, idx, r, text, false)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name        string
			allow, deny docSet
			parallel    uint64
		}{
			{"serial", nil, nil, math.MaxUint64},
			{"parallel", nil, nil, 0},
			{"filtered", products, deny, 0},
		} {
			t.Run(text+"/"+tc.name, func(t *testing.T) {
				defer func(old uint64) { parallelPostings = old }(parallelPostings)
				parallelPostings = tc.parallel
				want := modelRank(t, r, p, priors, tc.allow, tc.deny)
				all, err := rank(ctx, r, p, priors, tc.allow, tc.deny, 0, len(want)+5, true)
				if err != nil {
					t.Fatal(err)
				}
				if all.total != uint64(len(want)) || len(all.hits) != len(want) || all.matched.GetCardinality() != uint64(len(want)) {
					t.Fatalf("total %d, %d hits, %d matched; want %d", all.total, len(all.hits), all.matched.GetCardinality(), len(want))
				}
				for doc := range want {
					if !all.matched.Contains(uint32(doc)) {
						t.Fatalf("doc %d not among the matched", doc)
					}
				}
				if len(want) == 0 {
					t.Fatalf("%q matches nothing: the test says nothing", text)
				}
				for i, h := range all.hits {
					w, ok := want[h.doc]
					if !ok || math.Abs(h.score-w) > 1e-4*w {
						t.Fatalf("doc %d: score %g, want %g (found %v)", h.doc, h.score, w, ok)
					}
					if i > 0 && better(all.hits[i-1], h) > 0 {
						t.Fatalf("hits %d and %d out of order", i-1, i)
					}
				}
				// Pages follow each other exactly.
				var paged []scored
				size := max(7, len(want)/5)
				for from := 0; from < len(want); from += size {
					page, err := rank(ctx, r, p, priors, tc.allow, tc.deny, from, size, false)
					if err != nil {
						t.Fatal(err)
					}
					if page.total != all.total {
						t.Fatalf("page at %d: total %d, want %d", from, page.total, all.total)
					}
					paged = append(paged, page.hits...)
				}
				if !slices.EqualFunc(paged, all.hits, func(a, b scored) bool { return a.doc == b.doc }) {
					t.Fatal("pages differ from the whole ranking")
				}
			})
		}
	}
}

// TestFacetsAgreeWithBleve checks that the documents rank counts are
// those Bleve matches with the plan's term query, and that the facets
// counted over them are Bleve's facets of that query.
func TestFacetsAgreeWithBleve(t *testing.T) {
	ix := rankTestIndex(t, 3000)
	idx, r := testSnapshot(t, ix)
	ctx := context.Background()
	for _, tc := range []struct {
		text  string
		types []string
	}{{"customer", nil}, {"policy holder", nil}, {"custmer acc", nil}, {"order", []string{TypeProduct, TypeConcept}}} {
		res, err := ix.Search(ctx, Request{Text: tc.text, Types: tc.types, Facets: true})
		if err != nil {
			t.Fatal(err)
		}
		p, err := plan(ctx, idx, r, tc.text, false)
		if err != nil {
			t.Fatal(err)
		}
		q := bleve.NewBooleanQuery()
		q.AddMust(append(filterQueries(Request{Types: tc.types}), p.termQuery())...)
		q.AddMustNot(retiredQuery(Request{}))
		want, err := facets(ctx, idx, q)
		if err != nil {
			t.Fatal(err)
		}
		sum := 0
		for _, f := range res.Facets[fieldType] {
			sum += f.Count
		}
		if res.Total == 0 || uint64(sum) != res.Total {
			t.Errorf("%q: total %d, type facets sum to %d", tc.text, res.Total, sum)
		}
		for _, f := range facetFields {
			if !slices.Equal(res.Facets[f], want[f]) {
				t.Errorf("%q: facet %s: %v, Bleve says %v", tc.text, f, res.Facets[f], want[f])
			}
		}
	}
}

// TestMatchedComesFromTheHit checks that what a hit says matched is a
// value of the hit that holds a word of the query.
func TestMatchedComesFromTheHit(t *testing.T) {
	ix := rankTestIndex(t, 3000)
	res, err := ix.Search(context.Background(), Request{Text: "policyholder invoice", Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	for _, h := range res.Hits {
		if len(h.Matched) == 0 {
			t.Errorf("%s: nothing matched", h.IRI)
		}
		for _, m := range h.Matched {
			text := strings.ToLower(m.Text)
			if !strings.Contains(text, "invoice") && !strings.Contains(strings.ReplaceAll(text, " ", ""), "policyholder") {
				t.Errorf("%s: matched %+v holds no word of the query", h.IRI, m)
			}
		}
	}
}

// TestFilterSetsFollowTheIndex checks that the filter and retired sets
// kept per snapshot are not used for another: a product added or retired
// after a search is found or left out by the next one.
func TestFilterSetsFollowTheIndex(t *testing.T) {
	ix := rankTestIndex(t, 300)
	idx, release, err := ix.bleveIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx := context.Background()
	put := func(id, lifecycle string) {
		t.Helper()
		doc := map[string]any{fieldType: TypeProduct, fieldLabel: "Zebra ledger", fieldName: []string{"zebra ledger"}}
		if lifecycle != "" {
			doc[fieldLifecycle] = lifecycle
		}
		if err := idx.Index(id, doc); err != nil {
			t.Fatal(err)
		}
	}
	found := func(text string) []string {
		t.Helper()
		res, err := ix.Search(ctx, Request{Text: text, Types: []string{TypeProduct}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range res.Hits {
			ids = append(ids, h.IRI)
		}
		return ids
	}
	put("zebra-1", "")
	if got := found("zebra"); !slices.Equal(got, []string{"zebra-1"}) {
		t.Fatalf("before: %v", got)
	}
	put("zebra-2", "")
	put("zebra-1", "retired")
	if got := found("zebra"); !slices.Equal(got, []string{"zebra-2"}) {
		t.Fatalf("after adding zebra-2 and retiring zebra-1: %v", got)
	}
	// The kept sets are those of the current snapshot.
	r, err := snapshot(idx)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, q := range []query.Query{retiredQuery(Request{}), filterQueries(Request{Types: []string{TypeProduct}})[0]} {
		kept, err := ix.sets.get(ctx, r, idx, q)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := matchSet(ctx, r, idx, q, false)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(trimSet(kept), trimSet(fresh)) {
			t.Errorf("kept set differs from the snapshot's")
		}
	}
}

func trimSet(s docSet) docSet {
	for len(s) > 0 && s[len(s)-1] == 0 {
		s = s[:len(s)-1]
	}
	return s
}

// facets are Bleve's facets of the matches of q, which the facets of a
// search must equal.
func facets(ctx context.Context, idx bleve.Index, q query.Query) (map[string][]FacetCount, error) {
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	req.Score = "none"
	for _, f := range []string{fieldType, fieldDomain, fieldScheme, fieldOwner, fieldLifecycle, fieldLang} {
		req.AddFacet(f, bleve.NewFacetRequest(f, 20))
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	out := make(map[string][]FacetCount)
	for name, f := range res.Facets {
		var counts []FacetCount
		if f.Terms != nil {
			for _, t := range f.Terms.Terms() {
				counts = append(counts, FacetCount{Value: t.Term, Count: t.Count})
			}
		}
		out[name] = counts
	}
	return out, nil
}

// TestListAgreesWithBleve checks a search without text: its total and
// facets are Bleve's for the filters, and its pages follow each other.
func TestListAgreesWithBleve(t *testing.T) {
	ix := rankTestIndex(t, 3000)
	idx, release, err := ix.bleveIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx := context.Background()
	for _, types := range [][]string{nil, {TypeProduct, TypeAttribute}} {
		res, err := ix.Search(ctx, Request{Types: types, Facets: true, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		q := bleve.NewBooleanQuery()
		if len(types) > 0 {
			q.AddMust(filterQueries(Request{Types: types})...)
		} else {
			q.AddMust(bleve.NewMatchAllQuery())
		}
		q.AddMustNot(retiredQuery(Request{}))
		want, err := idx.SearchInContext(ctx, bleve.NewSearchRequestOptions(q, 0, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != want.Total || res.Total == 0 {
			t.Errorf("types %v: total %d, Bleve says %d", types, res.Total, want.Total)
		}
		wantFacets, err := facets(ctx, idx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range facetFields {
			if !slices.Equal(res.Facets[f], wantFacets[f]) {
				t.Errorf("types %v: facet %s: %v, Bleve says %v", types, f, res.Facets[f], wantFacets[f])
			}
		}
		var paged []string
		for cursor := ""; ; {
			page, err := ix.Search(ctx, Request{Types: types, Limit: 97, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range page.Hits {
				if h.Type == "" || (len(types) > 0 && !slices.Contains(types, h.Type)) || h.Lifecycle == "retired" {
					t.Fatalf("types %v: listed %+v", types, h)
				}
				paged = append(paged, h.IRI)
			}
			if cursor = page.Next; cursor == "" || len(paged) >= 1000 {
				break
			}
		}
		whole := make([]string, 0, len(res.Hits))
		for _, h := range res.Hits {
			whole = append(whole, h.IRI)
		}
		if !slices.Equal(paged[:len(whole)], whole) {
			t.Errorf("types %v: pages differ from the whole list", types)
		}
	}
}

// TestSearchCanceled checks that a canceled search stops with the
// context's error, and that the next search is unaffected.
func TestSearchCanceled(t *testing.T) {
	ix := rankTestIndex(t, 3000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, Request{Text: "customer policy"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled search: %v, want context.Canceled", err)
	}
	res, err := ix.Search(context.Background(), Request{Text: "customer policy"})
	if err != nil || res.Total == 0 {
		t.Fatalf("search after a canceled one: %v, %d hits", err, res.Total)
	}
}
