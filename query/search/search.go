package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
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
	wordBoost    = map[string]float64{fieldName: 3, fieldConcept: 6}
	fuzzyBoost   = map[string]float64{fieldName: 1.2, fieldSyn: 1, fieldConcept: 1}
	// priorityBoost weighs the priority fields (see textQuery).
	priorityBoost = map[string]float64{fieldPriority1: 6, fieldPriority2: 3}
)

const (
	defaultLimit = 10
	maxLimit     = 1000
)

var phrasePattern = regexp.MustCompile(`"([^"]*)"`)

// Search runs a search.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	idx, release, err := ix.bleveIndex()
	if err != nil {
		return nil, err
	}
	defer release()
	q, text, err := ix.buildQuery(idx, r)
	if err != nil {
		return nil, err
	}
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
	// The ranking pass reads no stored fields and no match locations:
	// those are read for the page's hits only, in a second pass.
	req := bleve.NewSearchRequestOptions(q, limit, from, false)
	if r.Facets {
		for _, f := range []string{fieldType, fieldDomain, fieldScheme, fieldOwner, fieldLifecycle, fieldLang} {
			req.AddFacet(f, bleve.NewFacetRequest(f, 20))
		}
	}
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %q: %w", r.Text, err)
	}
	out := &Result{Total: res.Total, Took: res.Took}
	if len(res.Hits) > 0 {
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		// The hits passed the filters already: the text query alone finds
		// what matched, and starting from the ids keeps it to them.
		details := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), text), len(ids), 0, false)
		details.Fields = []string{fieldType, fieldLabel, fieldDomain, fieldLifecycle,
			fieldName, fieldSyn, fieldConcept, fieldConceptBy, fieldBroader, fieldBroaderBy, fieldText}
		details.IncludeLocations = true
		if r.Highlight {
			details.Highlight = bleve.NewHighlightWithStyle("html")
			details.Highlight.Fields = []string{fieldName, fieldSyn, fieldConcept, fieldText}
		}
		dres, err := idx.SearchInContext(ctx, details)
		if err != nil {
			return nil, fmt.Errorf("search: %q: read hits: %w", r.Text, err)
		}
		byID := make(map[string]*bsearch.DocumentMatch, len(dres.Hits))
		for _, h := range dres.Hits {
			byID[h.ID] = h
		}
		for _, h := range res.Hits {
			hit := Hit{IRI: h.ID, Score: h.Score}
			if d, ok := byID[h.ID]; ok {
				hit = toHit(d)
				hit.Score = h.Score
			}
			out.Hits = append(out.Hits, hit)
		}
	}
	if next := from + len(res.Hits); len(res.Hits) == limit && uint64(next) < res.Total {
		out.Next = encodeCursor(next)
	}
	if r.Facets {
		out.Facets = make(map[string][]FacetCount)
		for name, f := range res.Facets {
			var counts []FacetCount
			if f.Terms != nil {
				for _, t := range f.Terms.Terms() {
					counts = append(counts, FacetCount{Value: t.Term, Count: t.Count})
				}
			}
			out.Facets[name] = counts
		}
	}
	return out, nil
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

// buildQuery combines the text query, the filters and the ranking
// preferences; it also returns the text query alone.
func (ix *Index) buildQuery(idx bleve.Index, r Request) (full, text query.Query, err error) {
	must := []query.Query{}
	tq, err := textQuery(idx, r.Text)
	if err != nil {
		return nil, nil, err
	}
	must = append(must, tq)
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
		must = append(must, bleve.NewDisjunctionQuery(any...))
	}
	bq := bleve.NewBooleanQuery()
	if len(must) == 1 {
		// The text query alone: a conjunction of one clause would score
		// the same, one level of searchers slower.
		bq.Must = tq
	} else {
		bq.AddMust(must[1:]...)
		bq.AddMust(tq)
	}
	if !r.IncludeRetired && !slices.ContainsFunc(r.Lifecycles, func(s string) bool { return strings.EqualFold(localName(s), "retired") }) {
		retired := bleve.NewTermQuery("retired")
		retired.SetField(fieldLifecycle)
		bq.AddMustNot(retired)
	}
	return bq, tq, nil
}

func escapeWildcard(s string) string {
	return strings.NewReplacer("*", `\*`, "?", `\?`).Replace(s)
}

// textQuery turns the user's text into a query: phrases must match; the
// other words are looked for, English-stemmed and unstemmed, in labels,
// synonyms, concept labels and texts, with typo tolerance for long words
// the index does not know.
func textQuery(idx bleve.Index, text string) (query.Query, error) {
	var must []query.Query
	for _, m := range phrasePattern.FindAllStringSubmatch(text, -1) {
		if strings.TrimSpace(m[1]) == "" {
			continue
		}
		var alts []query.Query
		for f, boost := range englishBoost {
			pq := bleve.NewMatchPhraseQuery(m[1])
			pq.SetField(f)
			pq.SetBoost(boost)
			alts = append(alts, pq)
		}
		must = append(must, bleve.NewDisjunctionQuery(alts...))
	}
	words := strings.TrimSpace(phrasePattern.ReplaceAllString(text, " "))
	if words != "" {
		tokens, err := analyze(idx, analyzerQueryWord, words)
		if err != nil {
			return nil, err
		}
		var typos []string // long words the index does not know
		for _, tok := range tokens {
			if typoDistance(tok) > 0 && !knownWord(idx, tok) {
				typos = append(typos, tok)
			}
		}
		// One group per field, so that a resource matching in one field
		// only (a product through the labels of its concepts) is not
		// outscored merely because the others match in more of the
		// parallel fields: Bleve scales a disjunction by the fraction of
		// its clauses that match.
		var groups []query.Query
		for _, f := range textFields {
			var alts []query.Query
			mq := bleve.NewMatchQuery(words)
			mq.SetField(f)
			mq.SetBoost(englishBoost[f])
			alts = append(alts, mq)
			if f == fieldName || f == fieldConcept {
				// Unstemmed words, and compounds the index wrote spaced:
				// "policyholder" finds "Policy Holder".
				for _, tok := range tokens {
					tq := bleve.NewTermQuery(tok)
					tq.SetField(f + suffixWord)
					tq.SetBoost(wordBoost[f])
					alts = append(alts, tq)
				}
			}
			if hasWords(f) && len(tokens) > 1 {
				// All the words: above any one of them.
				aq := bleve.NewMatchQuery(words)
				aq.SetField(f)
				aq.SetOperator(query.MatchQueryOperatorAnd)
				aq.SetBoost(englishBoost[f])
				alts = append(alts, aq)
				// Spaced words written as one: "policy holder" finds
				// "Policyholder" as strongly as "policyholder" does.
				for i := 0; i+1 < len(tokens); i++ {
					tq := bleve.NewTermQuery(tokens[i] + tokens[i+1])
					tq.SetField(f + suffixWord)
					tq.SetBoost(englishBoost[f])
					alts = append(alts, tq)
				}
			}
			if boost, ok := fuzzyBoost[f]; ok {
				for _, tok := range typos {
					fq := bleve.NewFuzzyQuery(tok)
					fq.SetField(f + suffixWord)
					fq.SetFuzziness(typoDistance(tok))
					fq.SetBoost(boost)
					alts = append(alts, fq)
				}
			}
			// The last word may be unfinished when searching as one types
			// (a word the index knows is taken as finished).
			if n := len(tokens); f == fieldName && n > 0 && !strings.HasSuffix(text, " ") &&
				utf8.RuneCountInString(tokens[n-1]) >= 3 && !knownWord(idx, tokens[n-1]) {
				pq := bleve.NewPrefixQuery(tokens[n-1])
				pq.SetField(fieldName + suffixWord)
				pq.SetBoost(0.5)
				alts = append(alts, pq)
			}
			groups = append(groups, bleve.NewDisjunctionQuery(alts...))
		}
		// What people look for first: products, then concepts and other
		// top-level resources, above the entities, attributes and
		// properties of models, which would otherwise crowd the top with
		// every column that carries the word. Their labels are indexed
		// again in the priority fields, which adds a clause that only
		// they can match (and a disjunction scales by the fraction of
		// its clauses that match).
		for f, boost := range priorityBoost {
			mq := bleve.NewMatchQuery(words)
			mq.SetField(f)
			mq.SetBoost(boost)
			groups = append(groups, mq)
		}
		must = append(must, bleve.NewDisjunctionQuery(groups...))
	}
	switch len(must) {
	case 0:
		return bleve.NewMatchAllQuery(), nil
	case 1:
		return must[0], nil
	}
	return bleve.NewConjunctionQuery(must...), nil
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

// knownWord reports whether word occurs as written in any label, so that
// typo correction is only tried for words the index does not know (and a
// correctly spelt "customer" never also matches "customs").
func knownWord(idx bleve.Index, word string) bool {
	for _, f := range []string{fieldName, fieldSyn, fieldConcept} {
		d, err := idx.FieldDictRange(f+suffixWord, []byte(word), []byte(word))
		if err != nil {
			continue
		}
		e, err := d.Next()
		d.Close()
		if err == nil && e != nil && e.Term == word {
			return true
		}
	}
	return false
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
	hit := Hit{
		IRI:       h.ID,
		Score:     h.Score,
		Type:      firstString(h.Fields[fieldType]),
		Label:     firstString(h.Fields[fieldLabel]),
		Domains:   strings_(h.Fields[fieldDomain]),
		Lifecycle: firstString(h.Fields[fieldLifecycle]),
		Snippets:  h.Fragments,
	}
	type key struct {
		field string
		pos   int
	}
	seen := map[key]bool{}
	var keys []key
	for field, terms := range h.Locations {
		base := strings.TrimSuffix(field, suffixWord)
		if !slices.Contains(textFields, base) {
			continue
		}
		for _, locs := range terms {
			for _, l := range locs {
				pos := 0
				if len(l.ArrayPositions) > 0 {
					pos = int(l.ArrayPositions[0])
				}
				k := key{base, pos}
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
	}
	order := map[string]int{fieldName: 0, fieldSyn: 1, fieldConcept: 2, fieldBroader: 3, fieldText: 4}
	slices.SortFunc(keys, func(a, b key) int {
		if c := order[a.field] - order[b.field]; c != 0 {
			return c
		}
		return a.pos - b.pos
	})
	for _, k := range keys {
		values := strings_(h.Fields[k.field])
		if k.pos >= len(values) {
			continue
		}
		m := Match{Field: k.field, Text: values[k.pos]}
		switch k.field {
		case fieldConcept:
			if via := strings_(h.Fields[fieldConceptBy]); k.pos < len(via) {
				m.Via = via[k.pos]
			}
		case fieldBroader:
			if via := strings_(h.Fields[fieldBroaderBy]); k.pos < len(via) {
				m.Via = via[k.pos]
			}
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

func firstString(v any) string {
	if s := strings_(v); len(s) > 0 {
		return s[0]
	}
	return ""
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
