// Package turtle reads Turtle 1.1 and TriG 1.1 documents.
//
// The decoder is a hand-written lexer and recursive-descent parser that
// follows the grammars of the W3C Recommendations. It streams: it holds one
// statement's worth of quads at a time (a blank node property list or a
// collection buffers only its own triples) and reads the input through a
// fixed-size buffer, so documents of any size can be decoded.
//
// Importing the package registers the formats "turtle" and "trig" with
// package ingest.
package turtle

import (
	"io"
	"maps"
	"strconv"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

func init() {
	ingest.Register(ingest.Format{
		Name:       "turtle",
		Extensions: []string{".ttl"},
		MediaTypes: []string{"text/turtle", "application/x-turtle"},
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			return NewDecoder(r, opts), nil
		},
	})
	ingest.Register(ingest.Format{
		Name:       "trig",
		Extensions: []string{".trig"},
		MediaTypes: []string{"application/trig", "application/x-trig"},
		Quads:      true,
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			return NewTriGDecoder(r, opts), nil
		},
	})
}

// Decoder reads the quads of a Turtle or TriG document. It implements
// ingest.Decoder.
type Decoder struct {
	lex  lexer
	tok  token // lookahead token, valid when peeked is set
	trig bool

	peeked bool
	err    error // sticky: io.EOF or the first error

	base     string
	prefixes map[string]string

	// inGraph is set between the braces of a TriG graph block, whose name
	// (zero for the default graph) is graph.
	inGraph bool
	graph   rdf.Term

	queue []rdf.Quad // quads of the current statement
	qhead int        // next quad of queue to return

	blankCount int // generated blank nodes so far
	genBuf     []byte

	iris   *internCache // IRIREF text -> resolved IRI, for the current base
	pnames *internCache // "prefix:local" -> expanded IRI
	labels *internCache // blank node labels, interned
}

// NewDecoder returns a decoder that reads Turtle from r. Relative IRIs
// resolve against opts.Base until the document sets its own base; errors
// name opts.File.
func NewDecoder(r io.Reader, opts ingest.Options) *Decoder {
	d := &Decoder{
		base:     opts.Base,
		prefixes: make(map[string]string),
		iris:     newInternCache(),
		pnames:   newInternCache(),
		labels:   newInternCache(),
	}
	d.lex.init(r, opts.File)
	return d
}

// NewTriGDecoder returns a decoder that reads TriG from r, as NewDecoder
// does for Turtle.
func NewTriGDecoder(r io.Reader, opts ingest.Options) *Decoder {
	d := NewDecoder(r, opts)
	d.trig = true
	return d
}

// Prefixes returns the prefix mappings the document has declared so far,
// keyed by prefix without the colon ("" for the default prefix).
func (d *Decoder) Prefixes() map[string]string { return maps.Clone(d.prefixes) }

// Base returns the base IRI in force at the current position of the
// document.
func (d *Decoder) Base() string { return d.base }

// Decode returns the next quad of the document, io.EOF after the last one,
// or an *rdf.SyntaxError. Errors are sticky.
func (d *Decoder) Decode() (rdf.Quad, error) {
	for d.qhead >= len(d.queue) {
		if d.err != nil {
			return rdf.Quad{}, d.err
		}
		d.queue = d.queue[:0]
		d.qhead = 0
		if err := d.statement(); err != nil {
			d.err = err
			d.queue = d.queue[:0] // drop the quads of an incomplete statement
		}
	}
	q := d.queue[d.qhead]
	d.qhead++
	return q, nil
}

// Close releases the decoder's buffers. It does not close the reader.
func (d *Decoder) Close() error {
	d.queue = nil
	d.lex.buf = nil
	if d.err == nil {
		d.err = io.EOF
	}
	return nil
}

// peek returns the lookahead token, lexing it if needed.
func (d *Decoder) peek() (*token, error) {
	if !d.peeked {
		if err := d.lex.next(&d.tok); err != nil {
			return nil, err
		}
		d.peeked = true
	}
	return &d.tok, nil
}

// next returns the lookahead token and consumes it. Its text stays valid
// until the following peek.
func (d *Decoder) next() (*token, error) {
	t, err := d.peek()
	d.peeked = false
	return t, err
}

func (d *Decoder) errorf(t *token, format string, args ...any) error {
	return d.lex.errorAt(t.line, t.col, format, args...)
}

// expect consumes a token of kind k or fails with "expected ... context".
func (d *Decoder) expect(k tokenKind, context string) error {
	t, err := d.next()
	if err != nil {
		return err
	}
	if t.kind != k {
		return d.errorf(t, "expected '%s' %s, found %s", punctText[k], context, t)
	}
	return nil
}

func (d *Decoder) emit(s, p, o rdf.Term) {
	d.queue = append(d.queue, rdf.Quad{S: s, P: p, O: o, G: d.graph})
}

// statement parses one statement: a directive, a triples statement, or in
// TriG the opening or closing of a graph block or one triples statement
// inside it. At the end of the input it returns io.EOF.
func (d *Decoder) statement() error {
	t, err := d.peek()
	if err != nil {
		return err
	}
	if d.inGraph {
		return d.graphStatement(t)
	}
	switch t.kind {
	case tokEOF:
		return io.EOF
	case tokLangTag:
		switch string(t.text) {
		case "prefix":
			d.peeked = false
			return d.prefixDirective(true)
		case "base":
			d.peeked = false
			return d.baseDirective(true)
		}
		return d.errorf(t, "unknown directive '@%s' (expected @prefix or @base)", t.text)
	case tokWord:
		switch {
		case keyword(t, "PREFIX"):
			d.peeked = false
			return d.prefixDirective(false)
		case keyword(t, "BASE"):
			d.peeked = false
			return d.baseDirective(false)
		}
	}
	if d.trig {
		return d.block(t)
	}
	if err := d.triples(); err != nil {
		return err
	}
	return d.expect(tokDot, "after triple")
}

// keyword reports whether t is the case-insensitive keyword kw.
func keyword(t *token, kw string) bool {
	if t.kind != tokWord || len(t.text) != len(kw) {
		return false
	}
	for i := range len(kw) {
		c := t.text[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != kw[i] {
			return false
		}
	}
	return true
}

// prefixDirective parses the rest of '@prefix' PNAME_NS IRIREF '.' or of
// "PREFIX" PNAME_NS IRIREF.
func (d *Decoder) prefixDirective(at bool) error {
	t, err := d.next()
	if err != nil {
		return err
	}
	if t.kind != tokPNameNS {
		return d.errorf(t, "expected prefix name ending in ':' after PREFIX, found %s", t)
	}
	prefix := string(t.text[:t.colon])
	if t, err = d.next(); err != nil {
		return err
	}
	if t.kind != tokIRI {
		return d.errorf(t, "expected IRI after prefix '%s:', found %s", prefix, t)
	}
	iri, err := d.resolve(t)
	if err != nil {
		return err
	}
	d.prefixes[prefix] = iri
	d.pnames.reset()
	if at {
		return d.expect(tokDot, "after @prefix directive")
	}
	return nil
}

// baseDirective parses the rest of '@base' IRIREF '.' or "BASE" IRIREF.
func (d *Decoder) baseDirective(at bool) error {
	t, err := d.next()
	if err != nil {
		return err
	}
	if t.kind != tokIRI {
		return d.errorf(t, "expected IRI after BASE, found %s", t)
	}
	iri, err := d.resolve(t)
	if err != nil {
		return err
	}
	d.base = iri
	d.iris.reset()
	if at {
		return d.expect(tokDot, "after @base directive")
	}
	return nil
}

// block parses a TriG block at the top level:
//
//	block ::= triplesOrGraph | wrappedGraph | triples2 | "GRAPH" labelOrSubject wrappedGraph
func (d *Decoder) block(t *token) error {
	switch t.kind {
	case tokEOF:
		return io.EOF
	case tokLBrace:
		d.peeked = false
		d.inGraph, d.graph = true, rdf.Term{}
		return nil
	case tokWord:
		if keyword(t, "GRAPH") {
			d.peeked = false
			label, err := d.graphLabel()
			if err != nil {
				return err
			}
			if err := d.expect(tokLBrace, "after graph name"); err != nil {
				return err
			}
			d.inGraph, d.graph = true, label
			return nil
		}
	case tokIRI, tokPNameNS, tokPNameLN, tokBlankLabel:
		term, err := d.subjectTerm()
		if err != nil {
			return err
		}
		return d.graphOrTriples(term)
	case tokLBracket:
		d.peeked = false
		term, anon, err := d.blankNodePropertyList()
		if err != nil {
			return err
		}
		if anon {
			return d.graphOrTriples(term)
		}
		if t, err = d.peek(); err != nil {
			return err
		}
		if t.kind != tokDot {
			if err := d.predicateObjectList(term); err != nil {
				return err
			}
		}
		return d.expect(tokDot, "after triple")
	case tokLParen:
		term, err := d.collection()
		if err != nil {
			return err
		}
		if err := d.predicateObjectList(term); err != nil {
			return err
		}
		return d.expect(tokDot, "after triple")
	}
	return d.errorf(t, "expected subject, graph name or '{', found %s", t)
}

// graphOrTriples continues a TriG block that started with an IRI or a blank
// node: either the name of a graph block or the subject of triples.
func (d *Decoder) graphOrTriples(term rdf.Term) error {
	t, err := d.peek()
	if err != nil {
		return err
	}
	if t.kind == tokLBrace {
		d.peeked = false
		d.inGraph, d.graph = true, term
		return nil
	}
	if err := d.predicateObjectList(term); err != nil {
		return err
	}
	return d.expect(tokDot, "after triple")
}

// graphLabel parses labelOrSubject ::= iri | BlankNode after GRAPH.
func (d *Decoder) graphLabel() (rdf.Term, error) {
	t, err := d.peek()
	if err != nil {
		return rdf.Term{}, err
	}
	switch t.kind {
	case tokIRI, tokPNameNS, tokPNameLN, tokBlankLabel:
		return d.subjectTerm()
	case tokLBracket:
		d.peeked = false
		if err := d.expect(tokRBracket, "in graph name (only '[]' is allowed)"); err != nil {
			return rdf.Term{}, err
		}
		return d.newBlank(), nil
	}
	return rdf.Term{}, d.errorf(t, "expected graph name after GRAPH, found %s", t)
}

// graphStatement parses one step inside a TriG graph block: the closing
// brace, or triples followed by '.' or the closing brace.
func (d *Decoder) graphStatement(t *token) error {
	if t.kind == tokRBrace {
		d.peeked = false
		d.inGraph, d.graph = false, rdf.Term{}
		return nil
	}
	if t.kind == tokEOF {
		return d.errorf(t, "expected '}' to close graph block, found end of input")
	}
	if err := d.triples(); err != nil {
		return err
	}
	t, err := d.next()
	if err != nil {
		return err
	}
	switch t.kind {
	case tokDot:
		return nil
	case tokRBrace:
		d.inGraph, d.graph = false, rdf.Term{}
		return nil
	}
	return d.errorf(t, "expected '.' or '}' after triple in graph, found %s", t)
}

// triples parses
//
//	triples ::= subject predicateObjectList | blankNodePropertyList predicateObjectList?
func (d *Decoder) triples() error {
	t, err := d.peek()
	if err != nil {
		return err
	}
	var subj rdf.Term
	switch t.kind {
	case tokIRI, tokPNameNS, tokPNameLN, tokBlankLabel:
		if subj, err = d.subjectTerm(); err != nil {
			return err
		}
	case tokLParen:
		if subj, err = d.collection(); err != nil {
			return err
		}
	case tokLBracket:
		d.peeked = false
		var anon bool
		if subj, anon, err = d.blankNodePropertyList(); err != nil {
			return err
		}
		if !anon {
			if t, err = d.peek(); err != nil {
				return err
			}
			if t.kind == tokDot || d.inGraph && t.kind == tokRBrace || t.kind == tokEOF {
				return nil
			}
		}
		return d.predicateObjectList(subj)
	default:
		return d.errorf(t, "expected subject, found %s", t)
	}
	return d.predicateObjectList(subj)
}

// subjectTerm parses an IRI or a labelled blank node.
func (d *Decoder) subjectTerm() (rdf.Term, error) {
	t, err := d.next()
	if err != nil {
		return rdf.Term{}, err
	}
	if t.kind == tokBlankLabel {
		return d.blank(t), nil
	}
	return d.iri(t)
}

// predicateObjectList parses
//
//	predicateObjectList ::= verb objectList (';' (verb objectList)?)*
func (d *Decoder) predicateObjectList(subj rdf.Term) error {
	for {
		pred, err := d.verb()
		if err != nil {
			return err
		}
		if err := d.objectList(subj, pred); err != nil {
			return err
		}
		t, err := d.peek()
		if err != nil {
			return err
		}
		if t.kind != tokSemicolon {
			return nil
		}
		for t.kind == tokSemicolon {
			d.peeked = false
			if t, err = d.peek(); err != nil {
				return err
			}
		}
		switch t.kind {
		case tokIRI, tokPNameNS, tokPNameLN:
		case tokWord:
			if string(t.text) != "a" {
				return nil
			}
		default:
			return nil
		}
	}
}

var rdfType = rdf.IRI(rdf.RDFType)

// verb parses verb ::= predicate | 'a'.
func (d *Decoder) verb() (rdf.Term, error) {
	t, err := d.next()
	if err != nil {
		return rdf.Term{}, err
	}
	switch t.kind {
	case tokIRI, tokPNameNS, tokPNameLN:
		return d.iri(t)
	case tokWord:
		if string(t.text) == "a" {
			return rdfType, nil
		}
	}
	return rdf.Term{}, d.errorf(t, "expected predicate, found %s", t)
}

// objectList parses objectList ::= object (',' object)*.
func (d *Decoder) objectList(subj, pred rdf.Term) error {
	for {
		obj, err := d.object()
		if err != nil {
			return err
		}
		d.emit(subj, pred, obj)
		t, err := d.peek()
		if err != nil {
			return err
		}
		if t.kind != tokComma {
			return nil
		}
		d.peeked = false
	}
}

var (
	rdfFirst = rdf.IRI(rdf.RDFFirst)
	rdfRest  = rdf.IRI(rdf.RDFRest)
	rdfNil   = rdf.IRI(rdf.RDFNil)
)

// object parses
//
//	object ::= iri | BlankNode | collection | blankNodePropertyList | literal
//
// emitting the triples of nested property lists and collections.
func (d *Decoder) object() (rdf.Term, error) {
	t, err := d.peek()
	if err != nil {
		return rdf.Term{}, err
	}
	switch t.kind {
	case tokIRI, tokPNameNS, tokPNameLN:
		d.peeked = false
		return d.iri(t)
	case tokBlankLabel:
		d.peeked = false
		return d.blank(t), nil
	case tokLBracket:
		d.peeked = false
		b, _, err := d.blankNodePropertyList()
		return b, err
	case tokLParen:
		return d.collection()
	case tokString:
		d.peeked = false
		return d.literal(t)
	case tokInteger:
		d.peeked = false
		return rdf.Literal(string(t.text), rdf.XSDInteger), nil
	case tokDecimal:
		d.peeked = false
		return rdf.Literal(string(t.text), rdf.XSDDecimal), nil
	case tokDouble:
		d.peeked = false
		return rdf.Literal(string(t.text), rdf.XSDDouble), nil
	case tokWord:
		switch string(t.text) {
		case "true":
			d.peeked = false
			return rdf.Literal("true", rdf.XSDBoolean), nil
		case "false":
			d.peeked = false
			return rdf.Literal("false", rdf.XSDBoolean), nil
		}
	}
	return rdf.Term{}, d.errorf(t, "expected object, found %s", t)
}

// literal parses the rest of RDFLiteral ::= String (LANGTAG | '^^' iri)?
// after the string token t.
func (d *Decoder) literal(t *token) (rdf.Term, error) {
	value := string(t.text)
	t, err := d.peek()
	if err != nil {
		return rdf.Term{}, err
	}
	switch t.kind {
	case tokLangTag:
		d.peeked = false
		return rdf.LangLiteral(value, string(t.text)), nil
	case tokCaretCaret:
		d.peeked = false
		if t, err = d.next(); err != nil {
			return rdf.Term{}, err
		}
		switch t.kind {
		case tokIRI, tokPNameNS, tokPNameLN:
			dt, err := d.iri(t)
			if err != nil {
				return rdf.Term{}, err
			}
			return rdf.Literal(value, dt.Value), nil
		}
		return rdf.Term{}, d.errorf(t, "expected datatype IRI after '^^', found %s", t)
	}
	return rdf.String(value), nil
}

// blankNodePropertyList parses the rest of '[' predicateObjectList ']'
// or of ANON ('[' ']') after the opening bracket, returning the node and
// whether it was ANON.
func (d *Decoder) blankNodePropertyList() (rdf.Term, bool, error) {
	t, err := d.peek()
	if err != nil {
		return rdf.Term{}, false, err
	}
	b := d.newBlank()
	if t.kind == tokRBracket {
		d.peeked = false
		return b, true, nil
	}
	if err := d.predicateObjectList(b); err != nil {
		return rdf.Term{}, false, err
	}
	return b, false, d.expect(tokRBracket, "to close blank node property list")
}

// collection parses collection ::= '(' object* ')' into an RDF list.
func (d *Decoder) collection() (rdf.Term, error) {
	d.peeked = false // '('
	t, err := d.peek()
	if err != nil {
		return rdf.Term{}, err
	}
	if t.kind == tokRParen {
		d.peeked = false
		return rdfNil, nil
	}
	head := d.newBlank()
	for cell := head; ; {
		obj, err := d.object()
		if err != nil {
			return rdf.Term{}, err
		}
		d.emit(cell, rdfFirst, obj)
		if t, err = d.peek(); err != nil {
			return rdf.Term{}, err
		}
		if t.kind == tokRParen {
			d.peeked = false
			d.emit(cell, rdfRest, rdfNil)
			return head, nil
		}
		next := d.newBlank()
		d.emit(cell, rdfRest, next)
		cell = next
	}
}

// newBlank returns a fresh generated blank node. Its label starts with
// '-', which no document label can, so it never clashes with one.
func (d *Decoder) newBlank() rdf.Term {
	d.blankCount++
	d.genBuf = append(d.genBuf[:0], "-g"...)
	d.genBuf = strconv.AppendInt(d.genBuf, int64(d.blankCount), 10)
	return rdf.Blank(string(d.genBuf))
}

// blank returns the blank node labelled by token t.
func (d *Decoder) blank(t *token) rdf.Term {
	label, slot, ok := d.labels.get(t.text)
	if !ok {
		label = string(t.text)
		d.labels.put(slot, label, label)
	}
	return rdf.Blank(label)
}

// iri returns the IRI named by an IRIREF or prefixed-name token.
func (d *Decoder) iri(t *token) (rdf.Term, error) {
	if t.kind == tokIRI {
		s, err := d.resolve(t)
		return rdf.IRI(s), err
	}
	s, slot, ok := d.pnames.get(t.text)
	if ok {
		return rdf.IRI(s), nil
	}
	ns, ok := d.prefixes[string(t.text[:t.colon])]
	if !ok {
		return rdf.Term{}, d.errorf(t, "undefined prefix '%s:'", t.text[:t.colon])
	}
	s = ns + string(t.text[t.colon+1:])
	d.pnames.put(slot, string(t.text), s)
	return rdf.IRI(s), nil
}

// resolve returns the absolute IRI an IRIREF token stands for, resolving
// a relative reference against the base.
func (d *Decoder) resolve(t *token) (string, error) {
	s, slot, ok := d.iris.get(t.text)
	if ok {
		return s, nil
	}
	ref := string(t.text)
	s = ref
	if !rdf.IsAbsoluteIRI(ref) {
		if d.base == "" {
			return "", d.errorf(t, "relative IRI <%s> but no base IRI is set", ref)
		}
		var err error
		if s, err = rdf.ResolveIRI(d.base, ref); err != nil {
			return "", d.errorf(t, "%v", err)
		}
	}
	d.iris.put(slot, ref, s)
	return s, nil
}
