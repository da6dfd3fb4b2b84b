package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/token/unicodenorm"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Analyzers. Every one folds case and diacritics, so "Käufer", "KAUFER"
// and "kaufer" are the same word, and splits identifiers such as
// "customer_number" into words. Labels in other languages go through the
// English analyzer too, which only strips English plurals and stop words:
// the word fields are the language-neutral fallback.
const (
	// analyzerEnglish: English text, reduced by the plural stemmer only.
	// Full stemmers (Porter, Snowball) reduce "customer" and "customs" to
	// the same stem, which makes a customs duty ledger look like a customer
	// product; plural stemming keeps them apart.
	analyzerEnglish = "kp_en"
	// analyzerWord: any language, no stemming: the vocabulary that fuzzy
	// and prefix queries (which are not analysed) run against. Indexing
	// also emits each pair of adjacent words joined ("policy holder" →
	// "policyholder") so that compound and spaced spellings meet;
	// analyzerQueryWord is the same without the pairs, for query text.
	analyzerWord      = "kp_word"
	analyzerQueryWord = "kp_query_word"
	// analyzerWhole: the whole label as one folded token, for type-ahead
	// on label beginnings (which keeps its own index of labels: see
	// typeahead.go).
	analyzerWhole = "kp_whole"
)

// Field names of the index documents.
const (
	fieldType    = "type"
	fieldLabel   = "label"
	fieldName    = "name"    // primary labels in English or untagged
	fieldSyn     = "syn"     // alternative, hidden and other-language labels, keywords
	fieldConcept = "concept" // labels of the concepts the resource means
	fieldBroader = "broader" // labels of broader and close concepts
	fieldText    = "text"    // definitions, descriptions, notes, purpose
	// Stored only, each list as one value joined by storedSeparator: the
	// links through which the concept and broader labels were reached,
	// and the broader labels.
	fieldConceptBy     = "concept_via"
	fieldBroaderBy     = "broader_via"
	fieldBroaderStored = "broader_labels"
	fieldDomain        = "domain"
	fieldScheme        = "scheme"
	fieldOwner         = "owner"
	fieldLifecycle     = "lifecycle"
	fieldLang          = "lang"
	fieldGraphs        = "graphs"
	fieldDeps          = "deps"

	// Suffix of the parallel fields that index the same text as plain
	// words.
	suffixWord = "_w"
)

// textFields are the searchable text fields, each indexed in English (the
// field itself) and, when hasWords says so, as plain words (suffixWord).
var textFields = []string{fieldName, fieldSyn, fieldConcept, fieldBroader, fieldText}

// hasWords reports whether a text field is also indexed as plain words,
// for typo and prefix matching: the labels, not texts or broader concepts.
func hasWords(field string) bool { return field != fieldText && field != fieldBroader }

func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	if err := im.AddCustomCharFilter("kp_separators", map[string]any{
		"type":    regexp.Name,
		"regexp":  `[_./:#\-]+`,
		"replace": " ",
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomTokenFilter("kp_joined", map[string]any{
		"type":            shingle.Name,
		"min":             2.0,
		"max":             2.0,
		"output_original": true,
		"separator":       "",
	}); err != nil {
		return nil, err
	}
	if err := im.AddCustomTokenFilter("kp_nfkc", map[string]any{
		"type": unicodenorm.Name,
		"form": unicodenorm.NFKC,
	}); err != nil {
		return nil, err
	}
	chars := []string{"kp_separators", asciifolding.Name}
	analyzers := map[string]map[string]any{
		analyzerEnglish: {
			"type": custom.Name, "char_filters": chars, "tokenizer": unicode.Name,
			"token_filters": []string{"kp_nfkc", lowercase.Name, en.PossessiveName, en.StopName, en.PluralStemmerName},
		},
		analyzerWord: {
			"type": custom.Name, "char_filters": chars, "tokenizer": unicode.Name,
			"token_filters": []string{"kp_nfkc", lowercase.Name, "kp_joined"},
		},
		analyzerQueryWord: {
			"type": custom.Name, "char_filters": chars, "tokenizer": unicode.Name,
			"token_filters": []string{"kp_nfkc", lowercase.Name},
		},
		analyzerWhole: {
			"type": custom.Name, "char_filters": []string{asciifolding.Name}, "tokenizer": single.Name,
			"token_filters": []string{"kp_nfkc", lowercase.Name},
		},
	}
	for name, cfg := range analyzers {
		if err := im.AddCustomAnalyzer(name, cfg); err != nil {
			return nil, err
		}
	}

	doc := bleve.NewDocumentStaticMapping()
	keyword := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeInAll = false
		return f
	}
	text := func(analyzer string, store, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = store
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	for _, name := range []string{fieldType, fieldDomain, fieldScheme, fieldOwner, fieldLifecycle, fieldLang} {
		doc.AddFieldMappingsAt(name, keyword(true))
	}
	for _, name := range []string{fieldGraphs, fieldDeps} {
		f := keyword(false)
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.DocValues = false
		f.IncludeInAll = false
		return f
	}
	doc.AddFieldMappingsAt(fieldLabel, stored())
	doc.AddFieldMappingsAt(fieldConceptBy, stored())
	doc.AddFieldMappingsAt(fieldBroaderBy, stored())
	doc.AddFieldMappingsAt(fieldBroaderStored, stored())
	// Term vectors on the English fields serve phrase queries, match
	// locations and highlighting; the others only need to match.
	// The English fields are stored (for snippets and for saying what
	// matched) with term vectors (for phrases, highlighting and match
	// locations); the word fields carry term vectors so that typo and
	// compound matches can be reported too.
	for _, name := range textFields {
		// The labels of broader concepts are many and never highlighted:
		// they are stored as one value (fieldBroaderStored).
		doc.AddFieldMappingsAt(name, text(analyzerEnglish, name != fieldBroader, true))
		if hasWords(name) {
			doc.AddFieldMappingsAt(name+suffixWord, text(analyzerWord, false, true))
		}
	}
	im.DefaultMapping = doc
	im.DefaultAnalyzer = analyzerEnglish
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
