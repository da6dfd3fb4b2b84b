package search

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Request is a search.
type Request struct {
	// Text is what the user typed: words, and "quoted phrases" that must
	// occur as written. Empty text lists everything the filters allow.
	Text string
	// Filters: a resource must match one value of every non-empty list.
	// Domains, Schemes and Owners take IRIs or their last path segment
	// ("finance"); Lifecycles take status names ("consume", "retired").
	Types, Domains, Schemes, Owners, Lifecycles, Languages []string
	// IncludeRetired keeps retired products (and their datasets), which
	// are left out by default.
	IncludeRetired bool
	// Limit is the page size; zero means 10.
	Limit int
	// Cursor continues from a previous Result's Next.
	Cursor string
	// Facets asks for the counts per type, domain, scheme, owner,
	// lifecycle status and language of all matches.
	Facets bool
	// Highlight asks for snippets with the matched words marked.
	Highlight bool
}

// Result is a page of hits, best first.
type Result struct {
	Total  uint64
	Hits   []Hit
	Facets map[string][]FacetCount
	// Next continues the search after the last hit; "" on the last page.
	Next string
	Took time.Duration
}

// Hit is one matching resource.
type Hit struct {
	IRI       string   `json:"iri"`
	Type      string   `json:"type"`
	Label     string   `json:"label"`
	Score     float64  `json:"score"`
	Domains   []string `json:"domains,omitempty"`
	Lifecycle string   `json:"lifecycle,omitempty"`
	// Matched says which labels or texts matched and, for labels of
	// linked concepts, through which link.
	Matched []Match `json:"matched,omitempty"`
	// Snippets are matched passages per field, the matched words between
	// <mark> and </mark>.
	Snippets map[string][]string `json:"snippets,omitempty"`
}

// Match is one indexed value that matched.
type Match struct {
	// Field is "name", "syn" (synonym, other language or keyword),
	// "concept" (label of a concept the resource means), "broader" (of a
	// broader or close concept) or "text".
	Field string `json:"field"`
	Text  string `json:"text"`
	// Via describes the link to the concept whose label matched, e.g.
	// "attribute customer_number represents Client exactMatch Customer".
	Via string `json:"via,omitempty"`
}

// FacetCount is the number of matches with one value of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Field weights: labels above synonyms, synonyms above the labels of
// linked concepts, those above broader concepts and definitions; word
// matches above stems of joined words, those above typo corrections.
var (
	englishBoost = map[string]float64{fieldName: 6, fieldSyn: 4, fieldConcept: 12, fieldBroader: 2, fieldText: 0.6}
	// wordBoost adds to the English boost of a word matched as written.
	wordBoost  = map[string]float64{fieldName: 3, fieldConcept: 6}
	fuzzyBoost = map[string]float64{fieldName: 1.2, fieldSyn: 1, fieldConcept: 1}
)

const (
	defaultLimit = 10
	maxLimit     = 1000
)

var phrasePattern = regexp.MustCompile(`"([^"]*)"`)

// Search runs a search. Text is ranked by rank over Bleve's postings;
// Bleve then reads the page's hits (stored fields, match locations,
// snippets) and, when asked, counts the facets of all matches. Without
// text, the resources the filters allow are listed by Bleve alone.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	start := time.Now()
	idx, release, err := ix.bleveIndex()
	if err != nil {
		return nil, err
	}
	defer release()
	limit := r.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	limit = min(limit, maxLimit)
	from := 0
	if r.Cursor != "" {
		if from, err = decodeCursor(r.Cursor); err != nil {
			return nil, err
		}
	}
	phrases, words := splitText(r.Text)
	var res *Result
	if len(phrases) == 0 && words == "" {
		res, err = ix.list(ctx, idx, r, from, limit)
	} else {
		res, err = ix.ranked(ctx, idx, r, phrases, words, from, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("search: %q: %w", r.Text, err)
	}
	if next := from + len(res.Hits); len(res.Hits) == limit && uint64(next) < res.Total {
		res.Next = encodeCursor(next)
	}
	res.Took = time.Since(start)
	return res, nil
}

// splitText separates the "quoted phrases" of a text from its other words.
func splitText(text string) (phrases []string, words string) {
	for _, m := range phrasePattern.FindAllStringSubmatch(text, -1) {
		if strings.TrimSpace(m[1]) != "" {
			phrases = append(phrases, m[1])
		}
	}
	return phrases, strings.TrimSpace(phrasePattern.ReplaceAllString(text, " "))
}

// ranked runs a search with text.
func (ix *Index) ranked(ctx context.Context, idx bleve.Index, r Request, phrases []string, words string, from, limit int) (*Result, error) {
	reader, err := snapshot(idx)
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	// The words of the phrases rank too; the last free word may be
	// unfinished unless the text ends after it.
	all := strings.Join(append(slices.Clone(phrases), words), " ")
	textEnds := words == "" || strings.HasSuffix(r.Text, " ") || strings.HasSuffix(r.Text, `"`)
	p, err := plan(ctx, idx, reader, all, textEnds)
	if err != nil {
		return nil, err
	}
	// What the hits must match besides the words: the filters and the
	// phrases; retired products are left out unless asked for.
	// The sets of the filters are the same for every search of a
	// snapshot: they are kept for the next.
	filters := filterQueries(r)
	var allow, deny docSet
	if len(filters) > 0 {
		if allow, err = ix.sets.get(ctx, reader, idx, bleve.NewConjunctionQuery(filters...)); err != nil {
			return nil, err
		}
	}
	for _, ph := range phrases {
		set, err := matchSet(ctx, reader, idx, phraseQuery(ph), true)
		if err != nil {
			return nil, err
		}
		allow = allow.intersect(set)
	}
	retired := retiredQuery(r)
	if retired != nil {
		if deny, err = ix.sets.get(ctx, reader, idx, retired); err != nil {
			return nil, err
		}
	}
	priors, err := ix.priors(ctx, reader, idx)
	if err != nil {
		return nil, err
	}
	ranks, err := rank(ctx, reader, p, priors, allow, deny, from, limit, r.Facets)
	if err != nil {
		return nil, err
	}
	out := &Result{Total: ranks.total}
	switch {
	case len(ranks.hits) == 0:
	case !r.Highlight:
		if out.Hits, err = readRanked(ctx, reader, p, ranks.hits); err != nil {
			return nil, err
		}
	default:
		// Snippets come from Bleve's highlighter, which works on the
		// matches of a Bleve search: the page's hits are found again.
		text := query.Query(p.termQuery())
		if len(phrases) > 0 {
			alts := []query.Query{text}
			for _, ph := range phrases {
				alts = append(alts, phraseQuery(ph))
			}
			text = bleve.NewDisjunctionQuery(alts...)
		}
		ids := make([]string, len(ranks.hits))
		internal := make(index.IndexInternalID, 8)
		for i, h := range ranks.hits {
			internal.SetValue(h.doc)
			if ids[i], err = reader.ExternalID(internal); err != nil {
				return nil, fmt.Errorf("read hit %d: %w", h.doc, err)
			}
		}
		details, err := readHits(ctx, idx, ids, text, true)
		if err != nil {
			return nil, err
		}
		for i, h := range ranks.hits {
			hit := Hit{IRI: ids[i]}
			if d, ok := details[ids[i]]; ok {
				hit = toHit(d)
			}
			hit.Score = h.score
			out.Hits = append(out.Hits, hit)
		}
	}
	if r.Facets {
		fv, err := ix.sets.facetValues(ctx, reader)
		if err != nil {
			return nil, err
		}
		out.Facets = fv.count(ranks.matched)
	}
	return out, nil
}

// typePriors weigh the resources people look for first (see rank):
// products, then the top-level resources of a catalog.
var typePriors = []struct {
	factor float32
	types  []string
}{
	{2, []string{TypeProduct}},
	{1.75, []string{TypeConcept, TypeDataset, TypeClass, TypeScheme, TypeDomain, TypeOwner}},
}

// priors returns the type priors' document sets in reader.
func (ix *Index) priors(ctx context.Context, reader index.IndexReader, idx bleve.Index) ([]prior, error) {
	out := make([]prior, len(typePriors))
	for i, tp := range typePriors {
		var qs []query.Query
		for _, t := range tp.types {
			q := bleve.NewTermQuery(t)
			q.SetField(fieldType)
			qs = append(qs, q)
		}
		set, err := ix.sets.get(ctx, reader, idx, bleve.NewDisjunctionQuery(qs...))
		if err != nil {
			return nil, err
		}
		out[i] = prior{docs: set, factor: tp.factor}
	}
	return out, nil
}

// list runs a search without text: the resources the filters allow, in
// the index's order, all scoring 1.
func (ix *Index) list(ctx context.Context, idx bleve.Index, r Request, from, limit int) (*Result, error) {
	reader, err := snapshot(idx)
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	filters := filterQueries(r)
	// The facet values are read only when they serve: for the facets, or
	// as every document (each has a type) when nothing filters.
	var fv facetValues
	if r.Facets || len(filters) == 0 {
		if fv, err = ix.sets.facetValues(ctx, reader); err != nil {
			return nil, err
		}
	}
	var matched *roaring.Bitmap
	if len(filters) > 0 {
		allow, err := ix.sets.get(ctx, reader, idx, bleve.NewConjunctionQuery(filters...))
		if err != nil {
			return nil, err
		}
		matched = allow.bitmap()
	} else {
		matched = fv.all()
	}
	if retired := retiredQuery(r); retired != nil {
		deny, err := ix.sets.get(ctx, reader, idx, retired)
		if err != nil {
			return nil, err
		}
		matched.AndNot(deny.bitmap())
	}
	out := &Result{Total: matched.GetCardinality()}
	var page []scored
	if uint64(from) < out.Total {
		first, err := matched.Select(uint32(from))
		if err != nil {
			return nil, err
		}
		it := matched.Iterator()
		it.AdvanceIfNeeded(first)
		for it.HasNext() && len(page) < limit {
			page = append(page, scored{doc: uint64(it.Next()), score: 1})
		}
	}
	if out.Hits, err = readRanked(ctx, reader, rankPlan{}, page); err != nil {
		return nil, err
	}
	if r.Facets {
		out.Facets = fv.count(matched)
	}
	return out, nil
}

// readHits reads the stored fields of the hits ids and where text matched
// them (and snippets, if highlight). Reading a document costs more than
// finding it: two workers read half of a page each.
func readHits(ctx context.Context, idx bleve.Index, ids []string, text query.Query, highlight bool) (map[string]*bsearch.DocumentMatch, error) {
	if len(ids) < 4 {
		return readSomeHits(ctx, idx, ids, text, highlight)
	}
	half := len(ids) / 2
	var rest map[string]*bsearch.DocumentMatch
	var restErr error
	var wg sync.WaitGroup
	wg.Go(func() { rest, restErr = readSomeHits(ctx, idx, ids[half:], text, highlight) })
	byID, err := readSomeHits(ctx, idx, ids[:half], text, highlight)
	wg.Wait()
	if err = cmp.Or(err, restErr); err != nil {
		return nil, err
	}
	maps.Copy(byID, rest)
	return byID, nil
}

func readSomeHits(ctx context.Context, idx bleve.Index, ids []string, text query.Query, highlight bool) (map[string]*bsearch.DocumentMatch, error) {
	// Starting from the ids keeps the text query to them.
	details := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), text), len(ids), 0, false)
	details.Fields = []string{fieldType, fieldLabel, fieldDomain, fieldLifecycle,
		fieldName, fieldSyn, fieldConcept, fieldConceptBy, fieldBroaderStored, fieldBroaderBy, fieldText}
	details.IncludeLocations = true
	if highlight {
		details.Highlight = bleve.NewHighlightWithStyle("html")
		details.Highlight.Fields = []string{fieldName, fieldSyn, fieldConcept, fieldText}
	}
	res, err := idx.SearchInContext(ctx, details)
	if err != nil {
		return nil, fmt.Errorf("read hits: %w", err)
	}
	byID := make(map[string]*bsearch.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	return byID, nil
}

// Query returns the best matches of text (IRI, type, label, score, what
// matched), for use inside SPARQL queries as kplane:search: no filters but
// the default one that leaves retired products out (see PropertyFunctions).
func (ix *Index) Query(ctx context.Context, text string, limit int) ([]Hit, error) {
	res, err := ix.Search(ctx, Request{Text: text, Limit: limit})
	if err != nil {
		return nil, err
	}
	return res.Hits, nil
}

// A cursor is opaque to callers. Bleve cannot continue a search after a
// hit when hits are ordered by score (the score is not a sort value it can
// compare), so the cursor holds the position of the next hit. Ties keep
// the index's document order, so pages follow each other exactly while the
// index does not change.
type cursor struct {
	Next int `json:"n"`
}

func encodeCursor(next int) string {
	b, _ := json.Marshal(cursor{Next: next})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Next < 0 {
		return 0, fmt.Errorf("search: invalid cursor %q", s)
	}
	return c.Next, nil
}

// filterQueries are the filters of r, one query per filter: a resource
// must match one value of each.
func filterQueries(r Request) []query.Query {
	filters := []struct {
		field  string
		values []string
		path   bool // values may be IRIs or their last segment
		lower  bool
	}{
		{fieldType, r.Types, false, true},
		{fieldDomain, r.Domains, true, false},
		{fieldScheme, r.Schemes, true, false},
		{fieldOwner, r.Owners, true, false},
		{fieldLifecycle, r.Lifecycles, false, true},
		{fieldLang, r.Languages, false, true},
	}
	var musts []query.Query
	for _, f := range filters {
		if len(f.values) == 0 {
			continue
		}
		var any []query.Query
		for _, v := range f.values {
			if f.lower {
				v = strings.ToLower(localName(v))
			}
			var q query.FieldableQuery
			if f.path && !strings.Contains(v, ":") {
				q = bleve.NewWildcardQuery("*/" + escapeWildcard(v))
			} else {
				q = bleve.NewTermQuery(v)
			}
			q.SetField(f.field)
			any = append(any, q)
		}
		musts = append(musts, bleve.NewDisjunctionQuery(any...))
	}
	return musts
}

// retiredQuery matches the retired resources r leaves out, or is nil when
// r asks for them.
func retiredQuery(r Request) query.Query {
	if r.IncludeRetired || slices.ContainsFunc(r.Lifecycles, func(s string) bool { return strings.EqualFold(localName(s), "retired") }) {
		return nil
	}
	q := bleve.NewTermQuery("retired")
	q.SetField(fieldLifecycle)
	return q
}

func escapeWildcard(s string) string {
	return strings.NewReplacer("*", `\*`, "?", `\?`).Replace(s)
}

// phraseQuery matches the resources whose labels or texts hold phrase as
// written (English-stemmed).
func phraseQuery(phrase string) query.Query {
	var alts []query.Query
	for _, f := range textFields {
		pq := bleve.NewMatchPhraseQuery(phrase)
		pq.SetField(f)
		alts = append(alts, pq)
	}
	return bleve.NewDisjunctionQuery(alts...)
}

// typoDistance is the edit distance tolerated in a word: none for short
// words, where one edit makes another word, 1 up to eight letters, 2
// beyond.
func typoDistance(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n < 5:
		return 0
	case n <= 8:
		return 1
	}
	return 2
}

// analyze runs one of the index's analyzers over text.
func analyze(idx bleve.Index, analyzer, text string) ([]string, error) {
	a := idx.Mapping().AnalyzerNamed(analyzer)
	if a == nil {
		return nil, fmt.Errorf("search: no analyzer %s", analyzer)
	}
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		out = append(out, string(t.Term))
	}
	return out, nil
}

// toHit converts a Bleve hit, working out from the match locations which
// stored values matched.
func toHit(h *bsearch.DocumentMatch) Hit {
	values := make(map[string][]string, len(h.Fields))
	for f, v := range h.Fields {
		values[f] = strings_(v)
	}
	var keys []matchKey
	for field, terms := range h.Locations {
		for _, locs := range terms {
			for _, l := range locs {
				keys = append(keys, newMatchKey(field, l.ArrayPositions))
			}
		}
	}
	hit := newHit(h.ID, values, keys)
	hit.Score = h.Score
	hit.Snippets = h.Fragments
	return hit
}

// matchKey is a matched value: a text field and the value's position.
type matchKey struct {
	field string
	pos   int
}

// newMatchKey is the key of a match in an index field (a text field or
// its plain-word twin) at the array positions of its value.
func newMatchKey(field string, positions []uint64) matchKey {
	k := matchKey{field: strings.TrimSuffix(field, suffixWord)}
	if len(positions) > 0 {
		k.pos = int(positions[0])
	}
	return k
}

// newHit builds a hit from its stored values (by field, in array order)
// and the values that matched.
func newHit(id string, values map[string][]string, keys []matchKey) Hit {
	first := func(f string) string {
		if v := values[f]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	hit := Hit{
		IRI:       id,
		Type:      first(fieldType),
		Label:     first(fieldLabel),
		Domains:   values[fieldDomain],
		Lifecycle: first(fieldLifecycle),
	}
	keys = slices.DeleteFunc(slices.Clone(keys), func(k matchKey) bool { return !slices.Contains(textFields, k.field) })
	order := func(f string) int { return slices.Index(textFields, f) }
	slices.SortFunc(keys, func(a, b matchKey) int {
		if c := order(a.field) - order(b.field); c != 0 {
			return c
		}
		return a.pos - b.pos
	})
	keys = slices.Compact(keys)
	// The lists stored as one value, split when a key needs them.
	lists := map[string][]string{}
	list := func(f string) []string {
		l, ok := lists[f]
		if v := values[f]; !ok && len(v) > 0 {
			l = strings.Split(v[0], storedSeparator)
			lists[f] = l
		}
		return l
	}
	for _, k := range keys {
		vs := values[k.field]
		var via []string
		switch k.field {
		case fieldConcept:
			via = list(fieldConceptBy)
		case fieldBroader:
			vs, via = list(fieldBroaderStored), list(fieldBroaderBy)
		}
		if k.pos >= len(vs) {
			continue
		}
		m := Match{Field: k.field, Text: vs[k.pos]}
		if k.pos < len(via) {
			m.Via = via[k.pos]
		}
		hit.Matched = append(hit.Matched, m)
	}
	return hit
}

// strings_ returns a stored field's values: Bleve gives a single value as
// itself and several as a slice.
func strings_(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Suggestion is one completion of a prefix.
type Suggestion struct {
	IRI   string  `json:"iri"`
	Type  string  `json:"type"`
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// SuggestOptions narrow Suggest.
type SuggestOptions struct {
	Limit          int // zero means 10
	Types          []string
	IncludeRetired bool
}

// Suggest completes a prefix for type-ahead: resources whose label, or a
// word of their English or untagged labels, begins with the prefix (case
// and diacritics folded). A completed label scores above a completed word,
// products above concepts above the rest; ties go to the shorter label.
// It is the fast path: no stemming, typo correction, facets or
// highlighting, and no Bleve query (see typeahead).
func (ix *Index) Suggest(ctx context.Context, prefix string, opts SuggestOptions) ([]Suggestion, error) {
	idx, release, err := ix.bleveIndex()
	if err != nil {
		return nil, err
	}
	whole, err := analyze(idx, analyzerWhole, prefix)
	var words []string
	if err == nil {
		words, err = analyze(idx, analyzerQueryWord, prefix)
	}
	release()
	if err != nil || len(whole) == 0 || whole[0] == "" {
		return nil, err
	}
	// A single word also completes any word of a label.
	word := ""
	if len(words) == 1 && utf8.RuneCountInString(words[0]) >= 2 {
		word = words[0]
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	return ix.suggest.suggest(ctx, whole[0], word, opts, min(limit, maxLimit))
}
