// Package glossary imports business glossaries kept as CSV spreadsheets as
// SKOS concept schemes, and compares two versions of a glossary for a dry
// run.
//
// The CSV has a header row naming its columns, in any order: term,
// definition, synonyms, broader, related, scheme, domain and steward (term
// and scheme are required). Each row is one concept:
//
//   - term is its preferred label, unique in the file;
//   - synonyms are alternative labels, separated by ';';
//   - broader and related hold concepts: a value that is an absolute http(s)
//     IRI names a concept directly, any other value is the term of another
//     row of the same file; related holds several values separated by ';';
//   - scheme is the IRI of the concept scheme the row belongs to;
//   - domain and steward are names of the owning domain and of the person
//     who looks after the term, resolved to IRIs through Options.
//
// Concept IRIs are minted from the scheme IRI and the term:
// <scheme>/<TermInPascalCase>.
package glossary

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ontology"
)

// Columns are the columns a glossary CSV may have.
var Columns = []string{"term", "definition", "synonyms", "broader", "related", "scheme", "domain", "steward"}

// requiredColumns must be present in the header.
var requiredColumns = []string{"term", "scheme"}

// Options control how names are resolved.
type Options struct {
	// File names the document in errors.
	File string
	// Language tags labels and definitions; "en" when empty.
	Language string
	// Agents maps domain and steward names, as written in the CSV, to IRIs
	// (for instance from the rdfs:label of resources already in the store).
	Agents map[string]string
	// DomainBase and PersonBase, when set, mint the IRI of a domain or
	// steward not in Agents as the base followed by the name in lower case
	// with spaces as '-' ("Customer Service" -> customer-service). Names
	// resolved neither way become blank nodes labelled with the name.
	DomainBase string
	PersonBase string
}

// Document is an imported glossary.
type Document struct {
	// Schemes are the IRIs of the concept schemes the rows belong to; the
	// first is the suggested name of the graph to load the quads into.
	Schemes []string
	// Concepts are the IRIs of the concepts, in row order.
	Concepts []string
	Quads    []rdf.Quad
}

// row is one parsed CSV row with its line number.
type row struct {
	line   int
	fields map[string]string
	iri    string
}

// Decode reads a glossary CSV and maps it to SKOS. Every problem found is
// reported, each as an *rdf.SyntaxError naming the file, the line of the
// row and, in the message, the column; several are joined with
// errors.Join.
func Decode(r io.Reader, opts Options) (*Document, error) {
	lang := opts.Language
	if lang == "" {
		lang = "en"
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, &rdf.SyntaxError{File: opts.File, Line: 1, Msg: "reading header: " + err.Error()}
	}
	index := map[string]int{}
	var errs []error
	fail := func(line int, column, format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if column != "" {
			msg = fmt.Sprintf("column %q: %s", column, msg)
		}
		errs = append(errs, &rdf.SyntaxError{File: opts.File, Line: line, Msg: msg})
	}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(Columns, name) {
			fail(1, h, "unknown column; want %s", strings.Join(Columns, ", "))
			continue
		}
		if _, dup := index[name]; dup {
			fail(1, h, "column appears twice")
		}
		index[name] = i
	}
	for _, c := range requiredColumns {
		if _, ok := index[c]; !ok {
			fail(1, c, "missing required column")
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	var rows []*row
	byTerm := map[string]*row{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, &rdf.SyntaxError{File: opts.File, Line: pe.Line, Col: pe.Column, Msg: pe.Err.Error()})
				break
			}
			return nil, fmt.Errorf("glossary: reading %s: %w", opts.File, err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		rw := &row{line: line, fields: map[string]string{}}
		for name, i := range index {
			if i < len(rec) {
				rw.fields[name] = strings.TrimSpace(rec[i])
			}
		}
		if len(rec) > len(header) {
			fail(line, "", "row has %d fields, the header %d", len(rec), len(header))
		}
		term, scheme := rw.fields["term"], rw.fields["scheme"]
		switch {
		case term == "":
			fail(line, "term", "is empty")
		case byTerm[strings.ToLower(term)] != nil:
			fail(line, "term", "%q is already defined on line %d", term, byTerm[strings.ToLower(term)].line)
		}
		if !isHTTPIRI(scheme) {
			fail(line, "scheme", "%q is not an absolute http(s) IRI", scheme)
		} else if term != "" {
			rw.iri = ConceptIRI(scheme, term)
		}
		if term != "" && byTerm[strings.ToLower(term)] == nil {
			byTerm[strings.ToLower(term)] = rw
		}
		rows = append(rows, rw)
	}
	// Resolve references once every term is known.
	resolve := func(rw *row, column, value string) string {
		if isHTTPIRI(value) {
			return value
		}
		if strings.Contains(value, "://") {
			fail(rw.line, column, "%q is not an absolute http(s) IRI", value)
			return ""
		}
		target := byTerm[strings.ToLower(value)]
		if target == nil {
			fail(rw.line, column, "%q is neither an IRI nor the term of a row in this file", value)
			return ""
		}
		if target == rw {
			fail(rw.line, column, "%q refers to the row itself", value)
			return ""
		}
		return target.iri
	}

	b := &builder{}
	doc := &Document{}
	agents := map[string]rdf.Term{}
	agent := func(name, base string) rdf.Term {
		if t, ok := agents[name]; ok {
			return t
		}
		var t rdf.Term
		switch {
		case opts.Agents[name] != "":
			t = rdf.IRI(opts.Agents[name])
		case base != "":
			t = rdf.IRI(base + slug(name))
		default:
			t = b.blank()
			b.add(t, ontology.RDFSLabel, rdf.String(name))
		}
		agents[name] = t
		return t
	}
	for _, rw := range rows {
		if rw.iri == "" {
			continue
		}
		c := rdf.IRI(rw.iri)
		scheme := rdf.IRI(rw.fields["scheme"])
		if !slices.Contains(doc.Schemes, scheme.Value) {
			doc.Schemes = append(doc.Schemes, scheme.Value)
			b.add(scheme, rdf.RDFType, rdf.IRI(ontology.SKOSConceptScheme))
		}
		doc.Concepts = append(doc.Concepts, rw.iri)
		b.add(c, rdf.RDFType, rdf.IRI(ontology.SKOSConcept))
		b.add(c, ontology.SKOSInScheme, scheme)
		b.add(c, ontology.SKOSPrefLabel, rdf.LangLiteral(rw.fields["term"], lang))
		if d := rw.fields["definition"]; d != "" {
			b.add(c, ontology.SKOSDefinition, rdf.LangLiteral(d, lang))
		}
		for _, s := range split(rw.fields["synonyms"]) {
			b.add(c, ontology.SKOSAltLabel, rdf.LangLiteral(s, lang))
		}
		broader := split(rw.fields["broader"])
		for _, v := range broader {
			if iri := resolve(rw, "broader", v); iri != "" {
				b.add(c, ontology.SKOSBroader, rdf.IRI(iri))
			}
		}
		if len(broader) == 0 {
			b.add(c, ontology.SKOSTopConceptOf, scheme)
			b.add(scheme, ontology.SKOSHasTopConcept, c)
		}
		for _, v := range split(rw.fields["related"]) {
			if iri := resolve(rw, "related", v); iri != "" {
				b.add(c, ontology.SKOSRelated, rdf.IRI(iri))
			}
		}
		if d := rw.fields["domain"]; d != "" {
			b.addOnce(scheme, ontology.KplaneOwnerDomain, agent(d, opts.DomainBase))
		}
		if s := rw.fields["steward"]; s != "" {
			b.add(c, ontology.KplaneSteward, agent(s, opts.PersonBase))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	doc.Quads = b.quads
	return doc, nil
}

// ConceptIRI mints the IRI of the concept with the given term in a scheme:
// the scheme IRI, a '/' unless it already ends in '/' or '#', and the term
// in PascalCase ("First Contact Resolution" -> FirstContactResolution).
func ConceptIRI(scheme, term string) string {
	var b strings.Builder
	upper := true
	for _, r := range term {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	name := url.PathEscape(b.String())
	if strings.HasSuffix(scheme, "/") || strings.HasSuffix(scheme, "#") {
		return scheme + name
	}
	return scheme + "/" + name
}

// slug writes a name as an IRI path segment: lower case, words joined by
// '-'.
func slug(name string) string {
	fields := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return url.PathEscape(strings.Join(fields, "-"))
}

// split splits a ';'-separated cell, dropping empty values.
func split(cell string) []string {
	var out []string
	for _, v := range strings.Split(cell, ";") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func isHTTPIRI(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " <>\"{}|\\^`")
}

// builder accumulates quads.
type builder struct {
	quads  []rdf.Quad
	blanks int
}

func (b *builder) add(s rdf.Term, p string, o rdf.Term) {
	b.quads = append(b.quads, rdf.Quad{S: s, P: rdf.IRI(p), O: o})
}

// addOnce adds a quad unless it is already there.
func (b *builder) addOnce(s rdf.Term, p string, o rdf.Term) {
	q := rdf.Quad{S: s, P: rdf.IRI(p), O: o}
	if !slices.Contains(b.quads, q) {
		b.quads = append(b.quads, q)
	}
}

// blank returns a fresh generated blank node; the leading '-' keeps it
// apart from any label a document could use.
func (b *builder) blank() rdf.Term {
	b.blanks++
	return rdf.Blank("-g" + strconv.Itoa(b.blanks))
}

func init() {
	ingest.Register(ingest.Format{
		Name: "glossary-csv",
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			doc, err := Decode(r, Options{File: opts.File})
			if err != nil {
				return nil, err
			}
			return &sliceDecoder{quads: doc.Quads}, nil
		},
	})
}

// sliceDecoder hands out quads decoded in advance: a glossary is checked as
// a whole (references between rows) before any quad is trusted.
type sliceDecoder struct{ quads []rdf.Quad }

func (d *sliceDecoder) Decode() (rdf.Quad, error) {
	if len(d.quads) == 0 {
		return rdf.Quad{}, io.EOF
	}
	q := d.quads[0]
	d.quads = d.quads[1:]
	return q, nil
}

func (d *sliceDecoder) Close() error { return nil }
