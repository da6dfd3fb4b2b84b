package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// Ranking reads Bleve's postings directly rather than through a Bleve
// query. A word of a query is looked for in a dozen posting lists (labels,
// synonyms, labels of linked and broader concepts, texts; stemmed and as
// written), and Bleve's disjunction searchers score each posting through
// a heap of sub-searchers and a document match per hit: some 100 ns per
// posting, 10–20 ms for a common word in a catalog of half a million
// resources, and no way to stop early. Reading the same postings into
// per-window sums (see rank) costs a third of that, and Bleve still does
// what it does well: analysis, dictionaries, typo and prefix expansion,
// phrases, filters, facets, stored fields and highlighting.
//
// The score of a document for a query is
//
//	prior × coverage × Σ over query words w of (best(w) + tie × rest(w))
//
// where, for each text field (name, syn, concept, broader, text), the
// field's score for w is the best of its alternatives (the English stem,
// the word as written, a compound, a typo correction, a completion), each
// weighted by the field's boost and by idf × √(tf × norm); best(w) is the
// highest field score and rest(w) the sum of the others (a dis-max with
// tie breaker: a label that also appears as a definition counts a little
// more, not twice); coverage is the fraction of the query's words the
// document matches; and prior favours what people look for first:
// products, then concepts, datasets, classes, schemes, domains and owners,
// above the entities, attributes and properties of models, which would
// otherwise crowd the top with every column that carries the word.

var errNoScorch = errors.New("search: ranking needs a scorch index")

// disMaxTie weighs the fields other than the best-matching one.
const disMaxTie = 0.3

// scored is a ranked document.
type scored struct {
	doc   uint64
	score float64
	// terms has bit i set when the document matched the i-th term of the
	// plan's termList (bit 63: one of the 64th and later).
	terms uint64
}

// ranking is the outcome of rank: the hits from from to from+limit, how
// many documents matched in all and, if asked for, which.
type ranking struct {
	hits    []scored
	total   uint64
	matched *roaring.Bitmap
}

// A prior multiplies the scores of the documents in a set.
type prior struct {
	docs   docSet
	factor float32
}

// window is the number of consecutive documents scored together. Postings
// come sorted by document; reading every list of a query one window at a
// time, as Lucene's BooleanScorer does, keeps the sums of the window's
// documents in a few cache-resident arrays, where sums indexed by document
// over the whole index would miss the cache at nearly every posting.
const window = 4096

// parallelPostings is the number of postings from which several workers
// rank, each a range of the documents (a variable for the tests).
var parallelPostings uint64 = 24 << 10

// rank scores the documents matching p and returns those ranked from to
// from+limit, best first, and all of them when matched; allow and deny
// (either may be nil) restrict the documents counted and returned, and
// priors weigh them (the first prior holding a document applies). Ties
// keep the index's document order.
func rank(ctx context.Context, r index.IndexReader, p rankPlan, priors []prior, allow, deny docSet, from, limit int, matched bool) (ranking, error) {
	if p.words == 0 {
		return ranking{}, nil
	}
	n, err := r.DocCount()
	if err != nil {
		return ranking{}, err
	}
	keep := from + limit
	terms := p.termList()
	first, err := openCursors(ctx, r, p, terms, n, 0)
	if err != nil {
		return ranking{}, err
	}
	defer first.close()
	workers := 1
	if first.postings >= parallelPostings {
		workers = min(runtime.GOMAXPROCS(0), 4)
	}
	// Ranges of document numbers, one per worker, each with its own
	// cursors (the first keeps those just opened). Numbers run a little
	// past the live count (deleted documents of unmerged segments): the
	// last range is open. (Smaller ranges taken in turn balance the
	// workers better, but cost an advance per list each, and were
	// measured slower.)
	step := n/uint64(workers) + 1
	rankers := make([]*ranker, workers)
	errs := make([]error, workers)
	work := func(k int) {
		lo, hi := uint64(k)*step, uint64(k+1)*step
		if k == workers-1 {
			hi = math.MaxUint64
		}
		cs := first
		if k > 0 {
			if cs, errs[k] = openCursors(ctx, r, p, terms, n, lo); errs[k] != nil {
				return
			}
			defer cs.close()
		}
		rankers[k] = &ranker{cs: cs, words: p.words, priors: priors, allow: allow, deny: deny, keep: keep}
		if matched {
			rankers[k].matched = roaring.New()
		}
		errs[k] = rankers[k].run(ctx, hi)
	}
	var wg sync.WaitGroup
	for k := 1; k < workers; k++ {
		wg.Go(func() { work(k) })
	}
	work(0)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return ranking{}, err
	}
	var out ranking
	if matched {
		out.matched = roaring.New()
	}
	for _, w := range rankers {
		out.total += w.total
		if matched {
			out.matched.Or(w.matched)
		}
		if out.hits == nil {
			out.hits = w.top
			continue
		}
		for _, s := range w.top {
			out.hits = pushTop(out.hits, s, keep)
		}
	}
	slices.SortFunc(out.hits, better)
	if from < len(out.hits) {
		out.hits = out.hits[from:]
	} else {
		out.hits = nil
	}
	return out, nil
}

// postings is one clause's posting list, positioned on its next posting.
type postings struct {
	tfr    index.TermFieldReader
	weight float64 // clause weight × idf
	bit    uint64  // of its term in scored.terms
	doc    uint64  // document of the next posting; MaxUint64 at the end
	score  float32 // its score
	tfd    index.TermFieldDoc
}

// next moves c to its next posting, or to the first at or after doc when
// advance.
func (c *postings) next(advance bool, doc uint64) error {
	var d *index.TermFieldDoc
	var err error
	if advance {
		id := make(index.IndexInternalID, 8)
		id.SetValue(doc)
		d, err = c.tfr.Advance(id, &c.tfd)
	} else {
		d, err = c.tfr.Next(&c.tfd)
	}
	if err != nil {
		return err
	}
	if d == nil {
		c.doc = math.MaxUint64
		return nil
	}
	if len(d.ID) != 8 {
		return errNoScorch
	}
	c.doc = d.ID.Value()
	c.score = float32(c.weight * math.Sqrt(float64(d.Freq)*d.Norm))
	return nil
}

// cursors are the posting lists of a query: per word, per field, per
// alternative.
type cursors struct {
	words    [][][]*postings
	postings uint64 // in all
}

// openCursors opens the posting lists of the clauses of p, positioned on
// their first posting at or after document from.
func openCursors(ctx context.Context, r index.IndexReader, p rankPlan, terms map[[2]string]int, docs, from uint64) (cs *cursors, err error) {
	cs = &cursors{words: make([][][]*postings, p.words)}
	defer func() {
		if err != nil {
			cs.close()
		}
	}()
	for word := range p.words {
		for group := range textFields {
			var field []*postings
			for _, c := range p.clauses {
				if c.group != group || !slices.Contains(c.words, word) {
					continue
				}
				tfr, err := r.TermFieldReader(ctx, []byte(c.term), c.field, true, true, false)
				if err != nil {
					return nil, fmt.Errorf("read %s:%s: %w", c.field, c.term, err)
				}
				df := tfr.Count()
				cur := &postings{tfr: tfr, bit: termBit(terms[[2]string{c.field, c.term}]), doc: math.MaxUint64}
				field = append(field, cur)
				if df == 0 {
					continue
				}
				cur.weight = c.weight * (1 + math.Log(float64(docs)/float64(df+1)))
				if err := cur.next(from > 0, from); err != nil {
					return nil, fmt.Errorf("read %s:%s: %w", c.field, c.term, err)
				}
				cs.postings += df
			}
			if len(field) > 0 {
				cs.words[word] = append(cs.words[word], field)
			}
		}
	}
	return cs, nil
}

func (cs *cursors) close() {
	for _, fields := range cs.words {
		for _, field := range fields {
			for _, c := range field {
				c.tfr.Close()
			}
		}
	}
}

// ranker scores the documents of its cursors one window at a time.
type ranker struct {
	cs          *cursors
	words       int
	priors      []prior
	allow, deny docSet
	keep        int
	// matched collects every document counted, when facets are asked for.
	matched *roaring.Bitmap

	base uint64 // first document of the window
	// Sums of the window's documents: the best alternative in the field
	// being read; for the word being ranked, its best field and the
	// others summed; the score of the words ranked, how many matched, and
	// the terms that matched.
	field, best, rest, score [window]float32
	covered                  [window]uint16
	terms                    [window]uint64
	fieldDocs, wordDocs      []uint16 // offsets in use
	docs                     []uint16

	top   []scored
	total uint64
}

// run ranks the documents before end.
func (w *ranker) run(ctx context.Context, end uint64) error {
	for {
		// The next window starts at the first posting left.
		lo := uint64(math.MaxUint64)
		for _, fields := range w.cs.words {
			for _, field := range fields {
				for _, c := range field {
					lo = min(lo, c.doc)
				}
			}
		}
		if lo >= end {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		w.base = lo
		hi := min(lo+window, end)
		for _, fields := range w.cs.words {
			for _, field := range fields {
				// A field of one clause needs no best alternative.
				direct := len(field) == 1
				for _, c := range field {
					for c.doc < hi {
						i := uint16(c.doc - lo)
						w.terms[i] |= c.bit
						switch {
						case direct:
							w.fold(i, c.score)
						case w.field[i] == 0:
							w.fieldDocs = append(w.fieldDocs, i)
							w.field[i] = c.score
						default:
							w.field[i] = max(w.field[i], c.score)
						}
						if err := c.next(false, 0); err != nil {
							return err
						}
					}
				}
				if !direct {
					for _, i := range w.fieldDocs {
						s := w.field[i]
						w.field[i] = 0
						w.fold(i, s)
					}
					w.fieldDocs = w.fieldDocs[:0]
				}
			}
			w.foldWord()
		}
		w.collect()
	}
}

// fold adds a field's score s for the word to document i's dis-max.
func (w *ranker) fold(i uint16, s float32) {
	switch {
	case w.best[i] == 0:
		w.wordDocs = append(w.wordDocs, i)
		w.best[i] = s
	case s > w.best[i]:
		w.rest[i] += w.best[i]
		w.best[i] = s
	default:
		w.rest[i] += s
	}
}

// foldWord adds the word's score to the documents it matched.
func (w *ranker) foldWord() {
	for _, i := range w.wordDocs {
		s := w.best[i] + disMaxTie*w.rest[i]
		w.best[i], w.rest[i] = 0, 0
		if w.covered[i] == 0 {
			w.docs = append(w.docs, i)
		}
		w.score[i] += s
		w.covered[i]++
	}
	w.wordDocs = w.wordDocs[:0]
}

// collect ranks the window's documents that are allowed.
func (w *ranker) collect() {
	coverage := 1 / float32(w.words)
	for _, i := range w.docs {
		s := w.score[i] * float32(w.covered[i]) * coverage
		terms := w.terms[i]
		w.score[i], w.covered[i], w.terms[i] = 0, 0, 0
		doc := w.base + uint64(i)
		if (w.allow != nil && !w.allow.has(doc)) || w.deny.has(doc) {
			continue
		}
		for _, p := range w.priors {
			if p.docs.has(doc) {
				s *= p.factor
				break
			}
		}
		w.total++
		if w.matched != nil {
			w.matched.Add(uint32(doc))
		}
		if len(w.top) == w.keep && float64(s) < w.top[0].score {
			continue // below the worst kept (pushTop would say so, slower)
		}
		w.top = pushTop(w.top, scored{doc, float64(s), terms}, w.keep)
	}
	w.docs = w.docs[:0]
}

// better orders ranked documents: higher score first, then document order.
func better(a, b scored) int {
	if c := cmp.Compare(b.score, a.score); c != 0 {
		return c
	}
	return cmp.Compare(a.doc, b.doc)
}

// pushTop keeps the best k of the documents pushed, as a min-heap on
// better (its root is the worst kept).
func pushTop(h []scored, s scored, k int) []scored {
	if k <= 0 {
		return h
	}
	if len(h) < k {
		h = append(h, s)
		for i := len(h) - 1; i > 0; {
			parent := (i - 1) / 2
			if better(h[parent], h[i]) >= 0 {
				break
			}
			h[parent], h[i] = h[i], h[parent]
			i = parent
		}
		return h
	}
	if better(s, h[0]) >= 0 {
		return h
	}
	h[0] = s
	for i := 0; ; {
		worst, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && better(h[l], h[worst]) > 0 {
			worst = l
		}
		if r < len(h) && better(h[r], h[worst]) > 0 {
			worst = r
		}
		if worst == i {
			return h
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}
