package results

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// QuadWriter writes a graph or a dataset, one quad at a time. Output is
// buffered; Close finishes the document and flushes it, and must be called
// even after an error. Close does not close the underlying io.Writer.
//
// Triple formats (N-Triples, Turtle) reject quads in a named graph: to
// export one graph's triples, clear the graph of each quad first.
type QuadWriter interface {
	// WriteQuad writes q. Its subject must be an IRI or a blank node, its
	// predicate an IRI, its graph zero (the default graph), an IRI or a
	// blank node.
	WriteQuad(q rdf.Quad) error
	// Close finishes the document and flushes it.
	Close() error
}

// NewQuadWriter returns a QuadWriter for the named graph format: ntriples,
// nquads, turtle or trig. Turtle and TriG declare opts.Prefixes and
// opts.Base at the top and abbreviate IRIs with them; the line formats
// ignore them.
func NewQuadWriter(w io.Writer, format string, opts WriterOptions) (QuadWriter, error) {
	switch strings.ToLower(format) {
	case FormatNTriples:
		return &lineWriter{w: bufio.NewWriter(w)}, nil
	case FormatNQuads:
		return &lineWriter{w: bufio.NewWriter(w), quads: true}, nil
	case FormatTurtle:
		return newTurtleWriter(w, opts, false)
	case FormatTriG:
		return newTurtleWriter(w, opts, true)
	}
	return nil, fmt.Errorf("results: %w %q (known: ntriples, nquads, turtle, trig)", ErrUnknownFormat, format)
}

// checkQuad reports a quad no RDF syntax can write.
func checkQuad(q rdf.Quad, quads bool) error {
	switch {
	case q.S.Kind != rdf.KindIRI && q.S.Kind != rdf.KindBlank:
		return fmt.Errorf("results: quad %s: subject must be an IRI or a blank node", q)
	case q.P.Kind != rdf.KindIRI:
		return fmt.Errorf("results: quad %s: predicate must be an IRI", q)
	case q.O.IsZero():
		return fmt.Errorf("results: quad %s: object missing", q)
	case q.G.Kind == rdf.KindLiteral:
		return fmt.Errorf("results: quad %s: graph name cannot be a literal", q)
	case !quads && !q.G.IsZero():
		return fmt.Errorf("results: quad %s: a triple format cannot write named graph %s", q, q.G)
	}
	return nil
}

// lineWriter writes N-Triples or N-Quads, one statement per line, with the
// canonical escaping of rdf.AppendNTriples.
type lineWriter struct {
	w     *bufio.Writer
	quads bool
	buf   []byte
	err   error
}

func (lw *lineWriter) WriteQuad(q rdf.Quad) error {
	if lw.err != nil {
		return lw.err
	}
	if err := checkQuad(q, lw.quads); err != nil {
		return err
	}
	b := appendNTriples(lw.buf[:0], q.S)
	b = append(b, ' ')
	b = appendNTriples(b, q.P)
	b = append(b, ' ')
	b = appendNTriples(b, q.O)
	if !q.G.IsZero() {
		b = append(b, ' ')
		b = appendNTriples(b, q.G)
	}
	b = append(b, " .\n"...)
	lw.buf = b
	_, lw.err = lw.w.Write(b)
	return lw.err
}

func (lw *lineWriter) Close() error {
	if lw.err != nil {
		return lw.err
	}
	lw.err = lw.w.Flush()
	if lw.err == nil {
		lw.err = errClosed
		return nil
	}
	return lw.err
}

// turtleWriter writes Turtle or TriG. It streams: it groups consecutive
// triples that share a subject with ";" and a subject and predicate with
// ",", and consecutive quads of one graph in one block, but it does not sort
// or reorder, so quads given in subject order give the most compact output.
type turtleWriter struct {
	w        *bufio.Writer
	trig     bool
	prefixes *prefixMap
	base     relativizer

	// The statement being written: its graph, subject and predicate.
	open       bool // a subject has been written and its statement not ended
	inGraph    bool // a named graph block is open
	graph      rdf.Term
	subj, pred rdf.Term

	buf []byte
	err error
}

func newTurtleWriter(w io.Writer, opts WriterOptions, trig bool) (*turtleWriter, error) {
	for _, p := range sortedPrefixes(opts.Prefixes) {
		if !validPrefixName(p) {
			return nil, fmt.Errorf("results: invalid prefix name %q", p)
		}
		if opts.Prefixes[p] == "" {
			return nil, fmt.Errorf("results: prefix %q has an empty namespace", p)
		}
	}
	tw := &turtleWriter{
		w:        bufio.NewWriter(w),
		trig:     trig,
		prefixes: newPrefixMap(opts.Prefixes),
		base:     newRelativizer(opts.Base),
	}
	b := tw.buf[:0]
	for _, p := range sortedPrefixes(opts.Prefixes) {
		b = append(b, "@prefix "...)
		b = append(b, p...)
		b = append(b, ": "...)
		b = appendIRIRef(b, opts.Prefixes[p])
		b = append(b, " .\n"...)
	}
	if opts.Base != "" {
		b = append(b, "@base "...)
		b = appendIRIRef(b, opts.Base)
		b = append(b, " .\n"...)
	}
	if len(b) > 0 {
		b = append(b, '\n')
	}
	tw.buf = b
	_, tw.err = tw.w.Write(b)
	return tw, nil
}

// indent is the indentation of statements inside a graph block.
func (tw *turtleWriter) indent(b []byte) []byte {
	if tw.inGraph {
		return append(b, "  "...)
	}
	return b
}

func (tw *turtleWriter) WriteQuad(q rdf.Quad) error {
	if tw.err != nil {
		return tw.err
	}
	if err := checkQuad(q, tw.trig); err != nil {
		return err
	}
	b := tw.buf[:0]
	sameGraph := q.G == tw.graph
	switch {
	case tw.open && sameGraph && q.S == tw.subj && q.P == tw.pred:
		b = append(b, ", "...)
		b = tw.appendTerm(b, q.O, false)
	case tw.open && sameGraph && q.S == tw.subj:
		b = append(b, " ;\n"...)
		b = tw.indent(b)
		b = append(b, "    "...)
		b = tw.appendTerm(b, q.P, true)
		b = append(b, ' ')
		b = tw.appendTerm(b, q.O, false)
	default:
		if tw.open {
			b = append(b, " .\n"...)
		}
		if tw.open {
			b = append(b, '\n') // a blank line between subjects and graphs
		}
		if !sameGraph {
			if tw.inGraph {
				b = append(b[:len(b)-1], "}\n\n"...)
				tw.inGraph = false
			}
			if !q.G.IsZero() {
				b = tw.appendTerm(b, q.G, false)
				b = append(b, " {\n"...)
				tw.inGraph = true
			}
			tw.graph = q.G
		}
		b = tw.indent(b)
		b = tw.appendTerm(b, q.S, false)
		b = append(b, ' ')
		b = tw.appendTerm(b, q.P, true)
		b = append(b, ' ')
		b = tw.appendTerm(b, q.O, false)
		tw.open = true
	}
	tw.subj, tw.pred = q.S, q.P
	tw.buf = b
	_, tw.err = tw.w.Write(b)
	return tw.err
}

func (tw *turtleWriter) Close() error {
	if tw.err != nil {
		return tw.err
	}
	b := tw.buf[:0]
	if tw.open {
		b = append(b, " .\n"...)
	}
	if tw.inGraph {
		b = append(b, "}\n"...)
	}
	if _, err := tw.w.Write(b); err != nil {
		tw.err = err
		return err
	}
	tw.err = tw.w.Flush()
	if tw.err == nil {
		tw.err = errClosed
		return nil
	}
	return tw.err
}

// appendTerm appends t in Turtle syntax, as short as it can be written
// while reading back as exactly t.
func (tw *turtleWriter) appendTerm(b []byte, t rdf.Term, predicate bool) []byte {
	switch t.Kind {
	case rdf.KindIRI:
		if predicate && t.Value == rdf.RDFType {
			return append(b, 'a')
		}
		return tw.appendIRI(b, t.Value)
	case rdf.KindBlank:
		return appendBlank(b, t.Value)
	case rdf.KindLiteral:
		if numericShorthand(t) || booleanShorthand(t) {
			return append(b, t.Value...)
		}
		b = appendQuotedString(b, t.Value, true, false)
		switch {
		case t.Lang != "":
			b = append(b, '@')
			b = append(b, t.Lang...)
		case t.Datatype != "" && t.Datatype != rdf.XSDString:
			b = append(b, "^^"...)
			b = tw.appendIRI(b, t.Datatype)
		}
	}
	return b
}

func (tw *turtleWriter) appendIRI(b []byte, iri string) []byte {
	if out, ok := tw.prefixes.appendPrefixed(b, iri); ok {
		return out
	}
	if rel, ok := tw.base.relative(iri); ok {
		return appendIRIRef(b, rel)
	}
	return appendIRIRef(b, iri)
}

// relativizer writes IRIs relative to a base where the reference
// resolves back (RFC 3986, section 5.2) to exactly the same IRI. It only
// takes the safe cases: the base itself, a fragment of it, and a path
// below the base's directory without dot segments.
type relativizer struct {
	base string // "" when relative references are not used
	dir  string // the base up to its last "/", "" if it has no hierarchical path
}

func newRelativizer(base string) relativizer {
	// A base with a query or fragment changes how references resolve;
	// keep to plain bases.
	if base == "" || strings.ContainsAny(base, "?#") || !strings.Contains(base, ":") {
		return relativizer{}
	}
	r := relativizer{base: base}
	if _, rest, ok := strings.Cut(base, "://"); ok {
		if slash := strings.IndexByte(rest, '/'); slash >= 0 {
			path := rest[slash:]
			if !hasDotSegment(path) {
				r.dir = base[:len(base)-len(path)+strings.LastIndexByte(path, '/')+1]
			}
		}
	}
	return r
}

// hasDotSegment reports whether a path has a "." or ".." segment, which
// resolution would remove.
func hasDotSegment(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

func (r relativizer) relative(iri string) (string, bool) {
	if r.base == "" {
		return "", false
	}
	if iri == r.base {
		return "", true
	}
	if rest, ok := strings.CutPrefix(iri, r.base); ok && rest[0] == '#' {
		return rest, true
	}
	if r.dir == "" {
		return "", false
	}
	rest, ok := strings.CutPrefix(iri, r.dir)
	if !ok || rest == "" || strings.IndexByte("/?#", rest[0]) >= 0 {
		return "", false
	}
	path := rest
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	first, _, _ := strings.Cut(path, "/")
	if strings.IndexByte(first, ':') >= 0 || hasDotSegment(path) {
		return "", false
	}
	return rest, true
}
