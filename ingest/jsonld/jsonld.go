// Package jsonld decodes JSON-LD 1.1 and 1.0 documents
// (https://www.w3.org/TR/json-ld11-api/) into quads, named graphs included.
//
// The JSON-LD algorithms (context processing, expansion, conversion to RDF)
// are github.com/piprate/json-gold's. This package adds what a store loader
// needs around them:
//
//   - No network access, ever. A document that refers to a remote context
//     fails with a *RemoteContextError naming the URL, unless the caller
//     supplies that context through a ContextLoader (for example
//     LocalContexts, which maps URLs to local files). Loading data must not
//     depend on, or leak requests to, third-party servers.
//   - Blank nodes. json-gold relabels every blank node of a document
//     ("_:b0", "_:b1", ...), so all labels are generated ones; the decoder
//     gives them a leading "-" ("-b0"), which no document label in any
//     other syntax can start with.
//   - Malformed JSON is reported as an *rdf.SyntaxError with the line and
//     column of the fault, which encoding/json gives only as a byte offset.
//
// Literal lexical forms are those of the JSON-LD to-RDF algorithm: JSON
// numbers without a fractional part become xsd:integer ("5"), other numbers
// xsd:double in canonical form ("5.3E0"), booleans xsd:boolean. JSON numbers
// are read as float64, so integers beyond 2^53 lose precision and integers
// from 2^63 up become doubles.
//
// JSON-LD is not a streaming format (a context or @graph can come last), so
// the whole document is read and converted on the first call to Decode.
package jsonld

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/piprate/json-gold/ld"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ontology"
)

func init() {
	ingest.Register(ingest.Format{
		Name:       "jsonld",
		Extensions: []string{".jsonld", ".json-ld"},
		MediaTypes: []string{"application/ld+json"},
		Quads:      true,
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			return NewDecoder(r, opts)
		},
	})
}

// A ContextLoader supplies the remote documents (contexts) a JSON-LD
// document refers to by URL, in place of fetching them.
type ContextLoader interface {
	// LoadContext returns the JSON document at url. It returns an error
	// wrapping ErrContextNotAvailable if it has none for url.
	LoadContext(url string) ([]byte, error)
}

// ErrContextNotAvailable is what a ContextLoader's error wraps when it does
// not have a context.
var ErrContextNotAvailable = errors.New("remote context not available")

// RemoteContextError reports a remote context the decoder could not load.
type RemoteContextError struct {
	URL string
	Err error // why: ErrContextNotAvailable, or the loader's error
}

func (e *RemoteContextError) Error() string {
	return fmt.Sprintf("JSON-LD context <%s>: %v (kplane does not fetch documents from the network; supply the context through a jsonld.ContextLoader)", e.URL, e.Err)
}

func (e *RemoteContextError) Unwrap() error { return e.Err }

// LocalContexts is a ContextLoader that serves contexts from local files:
// it maps a context URL to the path of a file holding that context.
type LocalContexts map[string]string

// LoadContext reads the file mapped to url.
func (c LocalContexts) LoadContext(url string) ([]byte, error) {
	path, ok := c[url]
	if !ok {
		return nil, ErrContextNotAvailable
	}
	return os.ReadFile(path)
}

// Decoder reads quads from a JSON-LD document. It implements
// ingest.Decoder.
type Decoder struct {
	r        io.Reader
	opts     ingest.Options
	contexts ContextLoader

	quads []rdf.Quad
	next  int
	err   error
}

// NewDecoder returns a decoder reading JSON-LD from r. Remote contexts are
// never fetched: the ones kplane ships (ontology.JSONLDContext, e.g.
// DPROD's) are served locally, any other is refused. Relative IRIs resolve against opts.Base unless the document
// sets @base; without a base, statements with relative IRIs are dropped,
// as the JSON-LD to-RDF algorithm requires.
func NewDecoder(r io.Reader, opts ingest.Options) (*Decoder, error) {
	return NewDecoderWithContexts(r, opts, shippedContexts{})
}

// shippedContexts serves the contexts kplane ships.
type shippedContexts struct{}

func (shippedContexts) LoadContext(url string) ([]byte, error) {
	if b, ok := ontology.JSONLDContext(url); ok {
		return b, nil
	}
	return nil, ErrContextNotAvailable
}

// NewDecoderWithContexts is like NewDecoder but takes remote contexts from
// contexts (which may be nil).
func NewDecoderWithContexts(r io.Reader, opts ingest.Options, contexts ContextLoader) (*Decoder, error) {
	if opts.Base != "" && !rdf.IsAbsoluteIRI(opts.Base) {
		return nil, fmt.Errorf("jsonld: base IRI %q is not absolute", opts.Base)
	}
	return &Decoder{r: r, opts: opts, contexts: contexts}, nil
}

// Decode returns the next quad, io.EOF after the last one, or the error
// that stopped decoding.
func (d *Decoder) Decode() (rdf.Quad, error) {
	if d.err != nil {
		return rdf.Quad{}, d.err
	}
	if d.r != nil {
		d.quads, d.err = d.convert()
		d.r = nil
		if d.err != nil {
			return rdf.Quad{}, d.err
		}
	}
	if d.next == len(d.quads) {
		d.quads = nil
		d.err = io.EOF
		return rdf.Quad{}, io.EOF
	}
	q := d.quads[d.next]
	d.next++
	return q, nil
}

// Close releases the decoded quads. It does not close the reader.
func (d *Decoder) Close() error {
	d.r, d.quads = nil, nil
	if d.err == nil {
		d.err = errors.New("jsonld: decoder closed")
	}
	return nil
}

// convert reads the whole document and converts it to quads: the default
// graph first, then the named graphs in order of their names.
func (d *Decoder) convert() ([]rdf.Quad, error) {
	src, err := io.ReadAll(d.r)
	if err != nil {
		return nil, fmt.Errorf("jsonld: reading %s: %w", d.fileName(), err)
	}
	doc, err := d.parseJSON(src)
	if err != nil {
		return nil, err
	}
	opts := ld.NewJsonLdOptions(d.opts.Base)
	opts.DocumentLoader = loader{d.contexts}
	out, err := ld.NewJsonLdProcessor().ToRDF(doc, opts)
	if err != nil {
		return nil, d.processingError(err)
	}
	dataset, ok := out.(*ld.RDFDataset)
	if !ok {
		return nil, fmt.Errorf("jsonld: %s: unexpected result %T from json-gold", d.fileName(), out)
	}
	names := make([]string, 0, len(dataset.Graphs))
	n := 0
	for name, qs := range dataset.Graphs {
		names = append(names, name)
		n += len(qs)
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "@default") != (names[j] == "@default") {
			return names[i] == "@default"
		}
		return names[i] < names[j]
	})
	quads := make([]rdf.Quad, 0, n)
	for _, name := range names {
		var g rdf.Term
		if name != "@default" {
			g = graphTerm(name)
		}
		for _, q := range dataset.Graphs[name] {
			quads = append(quads, rdf.Quad{S: term(q.Subject), P: term(q.Predicate), O: term(q.Object), G: g})
		}
	}
	return quads, nil
}

// parseJSON parses src as one JSON value, reporting malformed JSON with its
// line and column.
func (d *Decoder) parseJSON(src []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	var doc any
	if err := dec.Decode(&doc); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			// Offset counts the bytes read, the offending one included.
			return nil, d.syntaxError(src, max(se.Offset-1, 0), "invalid JSON: %v", err)
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return nil, d.syntaxError(src, int64(len(src)), "invalid JSON: unexpected end of document")
		}
		return nil, fmt.Errorf("jsonld: %s: %w", d.fileName(), err)
	}
	// One document is one JSON value; anything after it but white space is
	// an error.
	if off := dec.InputOffset(); len(bytes.TrimSpace(src[off:])) > 0 {
		rest := off + int64(len(src[off:])-len(bytes.TrimLeft(src[off:], " \t\r\n")))
		return nil, d.syntaxError(src, rest, "invalid JSON: data after the end of the document")
	}
	return doc, nil
}

// syntaxError reports a fault at the byte at offset off of src (or at the
// end of src).
func (d *Decoder) syntaxError(src []byte, off int64, format string, args ...any) error {
	if off > int64(len(src)) {
		off = int64(len(src))
	}
	line, col := 1, 1
	for _, b := range src[:off] {
		switch {
		case b == '\n':
			line, col = line+1, 1
		case utf8.RuneStart(b):
			col++
		}
	}
	return &rdf.SyntaxError{File: d.opts.File, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// processingError puts the file name on an error from the JSON-LD
// algorithms; a remote context refused by the loader stays a
// *RemoteContextError for errors.As.
func (d *Decoder) processingError(err error) error {
	var rce *RemoteContextError
	if errors.As(err, &rce) {
		return fmt.Errorf("jsonld: %s: %w", d.fileName(), rce)
	}
	return fmt.Errorf("jsonld: %s: %w", d.fileName(), err)
}

func (d *Decoder) fileName() string {
	if d.opts.File == "" {
		return "input"
	}
	return d.opts.File
}

// loader adapts a ContextLoader to json-gold's DocumentLoader; with no
// ContextLoader it refuses every URL.
type loader struct {
	contexts ContextLoader
}

func (l loader) LoadDocument(url string) (*ld.RemoteDocument, error) {
	if l.contexts == nil {
		return nil, &RemoteContextError{URL: url, Err: ErrContextNotAvailable}
	}
	data, err := l.contexts.LoadContext(url)
	if err != nil {
		return nil, &RemoteContextError{URL: url, Err: err}
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, &RemoteContextError{URL: url, Err: fmt.Errorf("invalid JSON: %w", err)}
	}
	return &ld.RemoteDocument{DocumentURL: url, Document: doc}, nil
}

// term converts a json-gold node.
func term(n ld.Node) rdf.Term {
	switch v := n.(type) {
	case ld.IRI:
		return rdf.IRI(v.Value)
	case ld.BlankNode:
		return blank(v.Attribute)
	case ld.Literal:
		switch {
		case v.Language != "":
			return rdf.LangLiteral(v.Value, v.Language)
		case v.Datatype == "":
			return rdf.String(v.Value)
		}
		return rdf.Literal(v.Value, v.Datatype)
	}
	return rdf.Term{}
}

// graphTerm converts a json-gold graph name, a blank node label or an IRI.
func graphTerm(name string) rdf.Term {
	if strings.HasPrefix(name, "_:") {
		return blank(name)
	}
	return rdf.IRI(name)
}

// blank turns a label json-gold generated ("_:b3") into one that cannot
// collide with a document label ("-b3").
func blank(label string) rdf.Term {
	return rdf.Blank("-" + strings.TrimPrefix(label, "_:"))
}
