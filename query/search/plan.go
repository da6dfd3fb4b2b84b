package search

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// completionWeight weighs the completions of an unfinished word.
const completionWeight = 0.5

// maxExpansions bounds the terms a typo or an unfinished word expands to
// in one field; the most frequent are kept.
const maxExpansions = 64

// A clause is one posting list read for the ranking: term in field, worth
// weight × idf × √(tf × norm) to the words it stands for.
type clause struct {
	field  string
	term   string
	weight float64
	// group is the text field (index into textFields) the clause is an
	// alternative in.
	group int
	// words are the query words the clause matches: one, or two for a
	// compound written as one word ("policy holder" → "policyholder").
	words []int
}

// rankPlan is what the user's words ask for, in the index's terms.
type rankPlan struct {
	words   int // query words (stop words left out)
	clauses []clause
}

// plan builds the ranking clauses of the words of a query (its text
// without phrases). Unless textEnds (the text ends with a space), the last
// word may be unfinished, as when searching while typing, and is also
// completed when the index does not know it as a word.
func plan(ctx context.Context, idx bleve.Index, r index.IndexReader, words string, textEnds bool) (rankPlan, error) {
	tokens, err := analyze(idx, analyzerQueryWord, words)
	if err != nil {
		return rankPlan{}, err
	}
	type word struct{ plain, english string }
	var ws []word
	stops := 0
	for _, tok := range tokens {
		en, err := analyze(idx, analyzerEnglish, tok)
		if err != nil {
			return rankPlan{}, err
		}
		w := word{plain: tok}
		if len(en) > 0 {
			w.english = en[0]
		} else {
			stops++
		}
		ws = append(ws, w)
	}
	if stops > 0 && stops < len(ws) {
		// Stop words count for nothing beside other words.
		ws = slices.DeleteFunc(ws, func(w word) bool { return w.english == "" })
	}
	p := rankPlan{words: len(ws)}
	add := func(c clause) { p.clauses = append(p.clauses, c) }
	groupOf := func(f string) int { return slices.Index(textFields, f) }
	for i, w := range ws {
		one := []int{i}
		if w.english != "" {
			for _, f := range textFields {
				add(clause{field: f, term: w.english, weight: englishBoost[f], group: groupOf(f), words: one})
			}
		}
		// The word as written: a plural asked for ranks the plural above
		// the singular; a stop word is matched as written; a compound the
		// index wrote spaced ("Policy Holder") is found through the joined
		// pairs of the word fields.
		if w.english != w.plain || w.english == "" || compound(r, w.plain) {
			for f, boost := range wordBoost {
				add(clause{field: f + suffixWord, term: w.plain, weight: englishBoost[f] + boost, group: groupOf(f), words: one})
			}
		}
		if d := typoDistance(w.plain); d > 0 && !known(r, w.plain) {
			// Each field's dictionary is walked with its own automaton:
			// side by side, they take the time of one.
			var fields []string
			for _, f := range textFields {
				if _, ok := fuzzyBoost[f]; ok {
					fields = append(fields, f)
				}
			}
			expansions := make([][]string, len(fields))
			errs := make([]error, len(fields))
			var wg sync.WaitGroup
			for k, f := range fields {
				wg.Go(func() { expansions[k], errs[k] = expandFuzzy(r, f+suffixWord, w.plain, d) })
			}
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				return rankPlan{}, err
			}
			for k, f := range fields {
				for _, t := range expansions[k] {
					add(clause{field: f + suffixWord, term: t, weight: fuzzyBoost[f], group: groupOf(f), words: one})
				}
			}
		}
		if last := i == len(ws)-1; last && !textEnds && utf8.RuneCountInString(w.plain) >= 3 && !known(r, w.plain) {
			terms, err := expandPrefix(r, fieldName+suffixWord, w.plain)
			if err != nil {
				return rankPlan{}, err
			}
			for _, t := range terms {
				add(clause{field: fieldName + suffixWord, term: t, weight: completionWeight, group: groupOf(fieldName), words: one})
			}
		}
		if i+1 < len(ws) {
			// Spaced words written as one: "policy holder" finds
			// "Policyholder" as strongly as "policyholder" does.
			joined := w.plain + ws[i+1].plain
			for _, f := range textFields {
				if hasWords(f) {
					add(clause{field: f + suffixWord, term: joined, weight: englishBoost[f], group: groupOf(f), words: []int{i, i + 1}})
				}
			}
		}
	}
	return p, ctx.Err()
}

// known reports whether word occurs as written in any label, so that typo
// correction and completion are tried only for words the index does not
// know (a correctly spelt "customer" never also matches "customs").
func known(r index.IndexReader, word string) bool {
	for _, f := range []string{fieldName, fieldSyn, fieldConcept} {
		if inDict(r, f+suffixWord, word) {
			return true
		}
	}
	return false
}

func inDict(r index.IndexReader, field, term string) bool {
	d, err := r.FieldDictRange(field, []byte(term), []byte(term))
	if err != nil {
		return false
	}
	defer d.Close()
	e, err := d.Next()
	return err == nil && e != nil && e.Term == term
}

// compound reports whether word could be two label words written as one
// ("policyholder"), which the word fields also index joined: then the
// word fields are read too, to find the labels that spell it spaced.
func compound(r index.IndexReader, word string) bool {
	runes := []rune(word)
	for k := 2; k+2 <= len(runes); k++ {
		if inDict(r, fieldName+suffixWord, string(runes[:k])) && inDict(r, fieldName+suffixWord, string(runes[k:])) {
			return true
		}
	}
	return false
}

// expandFuzzy returns the terms of field within distance edits of word,
// the most frequent first, at most maxExpansions.
func expandFuzzy(r index.IndexReader, field, word string, distance int) ([]string, error) {
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil, nil
	}
	d, err := fr.FieldDictFuzzy(field, word, distance, "")
	if err != nil {
		return nil, fmt.Errorf("search: expand %q: %w", word, err)
	}
	return topTerms(d)
}

// expandPrefix returns the terms of field beginning with prefix, the most
// frequent first, at most maxExpansions.
func expandPrefix(r index.IndexReader, field, prefix string) ([]string, error) {
	d, err := r.FieldDictPrefix(field, []byte(prefix))
	if err != nil {
		return nil, fmt.Errorf("search: complete %q: %w", prefix, err)
	}
	return topTerms(d)
}

func topTerms(d index.FieldDict) ([]string, error) {
	entries, err := dictEntries(d)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(entries, func(a, b index.DictEntry) int { return cmp.Compare(b.Count, a.Count) })
	var out []string
	for _, e := range entries[:min(len(entries), maxExpansions)] {
		out = append(out, e.Term)
	}
	return out, nil
}

// dictEntries reads the entries of d, and closes it.
func dictEntries(d index.FieldDict) ([]index.DictEntry, error) {
	defer d.Close()
	var entries []index.DictEntry
	for {
		e, err := d.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return entries, nil
		}
		entries = append(entries, *e)
	}
}

// termQuery is the Bleve query matching what the clauses match, for the
// passes that Bleve runs over the ranked hits (stored fields, match
// locations, snippets) or over all matches (facets).
func (p rankPlan) termQuery() query.Query {
	seen := map[[2]string]bool{}
	var qs []query.Query
	for _, c := range p.clauses {
		if seen[[2]string{c.field, c.term}] {
			continue
		}
		seen[[2]string{c.field, c.term}] = true
		tq := bleve.NewTermQuery(c.term)
		tq.SetField(c.field)
		qs = append(qs, tq)
	}
	if len(qs) == 0 {
		return bleve.NewMatchNoneQuery()
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// termList numbers the distinct field and term pairs of the clauses.
func (p rankPlan) termList() map[[2]string]int {
	terms := map[[2]string]int{}
	for _, c := range p.clauses {
		k := [2]string{c.field, c.term}
		if _, ok := terms[k]; !ok {
			terms[k] = len(terms)
		}
	}
	return terms
}

// termBit is the bit of the term numbered i in scored.terms.
func termBit(i int) uint64 { return 1 << min(i, 63) }
