// Package rdfxml decodes RDF/XML (https://www.w3.org/TR/rdf-syntax-grammar/)
// into quads in the default graph.
//
// The decoder implements the RDF/XML grammar itself on top of encoding/xml
// rather than on github.com/knakk/rdf, the project's RDF toolkit. Measured
// against the data kplane has to load, that package's RDF/XML decoder could
// not be repaired from the outside: it panics with "TODO" on a typed node
// element nested in a property element unless the node has rdf:about (which
// every OWL restriction in FIBO is), ignores rdf:about and rdf:nodeID on a
// nested rdf:Description, accepts only rdf:Description rdf:about items in a
// collection, does not expand the DTD entities FIBO declares, writes the
// text of an XML literal without escaping, resolves relative IRIs by string
// concatenation and reads "urn:x" as a prefixed name, and its generated
// blank node labels ("b1") collide with rdf:nodeID="b1". It read none of the
// 108 FIBO and W3C vocabulary files as published and half of them with
// entities expanded. Rewriting its input into a form it handles would have
// meant implementing the grammar anyway, so the grammar lives here.
//
// What the decoder does beyond the grammar:
//
//   - Relative IRIs (rdf:about, rdf:resource, rdf:datatype, rdf:ID, xml:base)
//     are resolved per RFC 3986 against the in-scope xml:base, else
//     Options.Base. A relative IRI with no base is an error.
//   - Document blank node labels (rdf:nodeID) are kept as written; labels
//     the decoder generates start with "-", which an XML NCName cannot, so the
//     two never collide.
//   - Literal lexical forms are kept exactly as written. parseType="Literal"
//     content becomes an rdf:XMLLiteral whose lexical form is the exclusive
//     canonical XML (with comments) of the content, as RDF 1.1 specifies.
//   - Internal DTD entity declarations (<!ENTITY xsd "...">), common in OWL
//     files, are honoured. ISO-8859-1 and US-ASCII encodings are accepted.
//
// The decoder runs no goroutines: it parses one top-level node element at a
// time when Decode needs more quads, so memory is bounded by the largest
// top-level node element, not by the document.
package rdfxml

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

func init() {
	ingest.Register(ingest.Format{
		Name:       "rdfxml",
		Extensions: []string{".rdf", ".owl", ".xml"},
		MediaTypes: []string{"application/rdf+xml"},
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			return NewDecoder(r, opts)
		},
	})
}

const xmlNS = "http://www.w3.org/XML/1998/namespace"

// Decoder reads quads from an RDF/XML document. It implements
// ingest.Decoder. All quads are in the default graph.
type Decoder struct {
	in   *positionReader
	x    *xml.Decoder
	file string
	top  *scope // the scope of the document, holding Options.Base

	// line and col are where the token last returned by next started.
	line, col int

	// root is the document element once read; inRDF says the decoder is
	// inside rdf:RDF, reading node elements; done that the root has ended.
	root  *element
	inRDF bool
	done  bool

	queue []rdf.Quad
	head  int
	err   error

	ids    map[string]bool // rdf:ID IRIs seen, which must be unique
	blankN int             // last generated blank node number
}

// NewDecoder returns a decoder reading RDF/XML from r. Relative IRIs resolve
// against opts.Base unless the document sets xml:base.
func NewDecoder(r io.Reader, opts ingest.Options) (*Decoder, error) {
	if opts.Base != "" && !rdf.IsAbsoluteIRI(opts.Base) {
		return nil, fmt.Errorf("rdfxml: base IRI %q is not absolute", opts.Base)
	}
	in := &positionReader{r: bufio.NewReader(r), line: 1, col: 1}
	x := xml.NewDecoder(in)
	x.Strict = true
	x.CharsetReader = charsetReader
	x.Entity = map[string]string{}
	return &Decoder{
		in:   in,
		x:    x,
		file: opts.File,
		top:  &scope{base: opts.Base},
		ids:  map[string]bool{},
	}, nil
}

// Decode returns the next quad, io.EOF at the end of the document, or the
// error that stopped decoding (an *rdf.SyntaxError for malformed input).
func (d *Decoder) Decode() (rdf.Quad, error) {
	for d.head == len(d.queue) {
		if d.err != nil {
			return rdf.Quad{}, d.err
		}
		d.queue, d.head = d.queue[:0], 0
		if err := d.step(); err != nil {
			d.err = err
		}
	}
	q := d.queue[d.head]
	d.queue[d.head] = rdf.Quad{}
	d.head++
	return q, nil
}

// Close releases the decoder's buffers. It does not close the reader.
func (d *Decoder) Close() error {
	d.queue, d.head = nil, 0
	d.ids = nil
	if d.err == nil {
		d.err = errors.New("rdfxml: decoder closed")
	}
	return nil
}

// step reads the document up to the end of the next top-level node element,
// queueing its quads, or to the end of the document (io.EOF).
func (d *Decoder) step() error {
	if d.done {
		return d.trailer()
	}
	for {
		tok, err := d.next()
		if err == io.EOF {
			if d.root == nil {
				return d.errorf("no document element")
			}
			return d.errorf("unexpected end of document inside <%s>", d.root.qname())
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.Directive:
			if d.root == nil {
				d.declareEntities(t)
			}
		case xml.CharData:
			if !isSpace(t) {
				return d.errorf("unexpected text %q outside node elements", abbreviate(string(t)))
			}
		case xml.StartElement:
			parent := d.top
			if d.root != nil {
				parent = d.root.scope
			}
			e, err := d.open(t, parent)
			if err != nil {
				return err
			}
			if d.root == nil {
				d.root = e
				if e.is(rdf.RDFNS, "RDF") {
					if err := d.checkRDFAttrs(e); err != nil {
						return err
					}
					d.inRDF = true
					continue
				}
				// A document whose element is a node element needs no
				// rdf:RDF around it.
				_, err := d.nodeElement(e)
				d.done = true
				return err
			}
			_, err = d.nodeElement(e)
			return err
		case xml.EndElement:
			if d.root == nil || !d.inRDF {
				return d.errorf("unexpected end tag </%s>", qname(t.Name))
			}
			if err := d.close(d.root, t); err != nil {
				return err
			}
			d.done = true
			return d.trailer()
		}
	}
}

// trailer reads what follows the document element, which may only be
// comments, processing instructions and white space.
func (d *Decoder) trailer() error {
	for {
		tok, err := d.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !isSpace(t) {
				return d.errorf("text after the document element")
			}
		case xml.StartElement:
			return d.errorf("second document element <%s>", qname(t.Name))
		case xml.EndElement:
			return d.errorf("unexpected end tag </%s>", qname(t.Name))
		}
	}
}

func (d *Decoder) checkRDFAttrs(e *element) error {
	for _, a := range e.attrs {
		return d.errorf("rdf:RDF cannot have attribute %s", a.display())
	}
	return nil
}

// emit queues a triple in the default graph.
func (d *Decoder) emit(s, p, o rdf.Term) {
	d.queue = append(d.queue, rdf.Quad{S: s, P: p, O: o})
}

// newBlank returns a fresh generated blank node. Its label starts with "-",
// which no rdf:nodeID can.
func (d *Decoder) newBlank() rdf.Term {
	d.blankN++
	return rdf.Blank("-g" + strconv.Itoa(d.blankN))
}

// nodeElement decodes the node element e, whose start tag has been read, up
// to and including its end tag, and returns the node it describes.
func (d *Decoder) nodeElement(e *element) (rdf.Term, error) {
	if e.space == rdf.RDFNS {
		switch e.local {
		case "RDF", "ID", "about", "parseType", "resource", "nodeID", "datatype", "li",
			"aboutEach", "aboutEachPrefix", "bagID":
			return rdf.Term{}, d.errorAt(e, "rdf:%s is not allowed as a node element", e.local)
		}
	}
	var (
		subj  rdf.Term
		named string // the attribute that named subj, for error messages
		props []attr
	)
	for _, a := range e.attrs {
		if a.space == rdf.RDFNS {
			switch a.local {
			case "about", "ID", "nodeID":
				if named != "" {
					return rdf.Term{}, d.errorAt(e, "node element cannot have both rdf:%s and rdf:%s", named, a.local)
				}
				named = a.local
				t, err := d.subjectFrom(e, a)
				if err != nil {
					return rdf.Term{}, err
				}
				subj = t
				continue
			}
		}
		if err := d.checkPropertyAttr(e, a); err != nil {
			return rdf.Term{}, err
		}
		props = append(props, a)
	}
	if named == "" {
		subj = d.newBlank()
	}
	if !e.is(rdf.RDFNS, "Description") {
		d.emit(subj, rdf.IRI(rdf.RDFType), rdf.IRI(e.iri()))
	}
	if err := d.propertyAttrs(e, subj, props); err != nil {
		return rdf.Term{}, err
	}
	return subj, d.propertyElements(e, subj)
}

// subjectFrom turns an rdf:about, rdf:ID or rdf:nodeID attribute into the
// node it names.
func (d *Decoder) subjectFrom(e *element, a attr) (rdf.Term, error) {
	switch a.local {
	case "about":
		iri, err := d.resolve(e, a.value)
		return rdf.IRI(iri), err
	case "ID":
		iri, err := d.idIRI(e, a.value)
		return rdf.IRI(iri), err
	default: // nodeID
		if !isNCName(a.value) {
			return rdf.Term{}, d.errorAt(e, "rdf:nodeID %q is not an XML NCName", a.value)
		}
		return rdf.Blank(a.value), nil
	}
}

// idIRI resolves the rdf:ID value id and checks that the document has not
// used it before: an rdf:ID names one resource or statement only.
func (d *Decoder) idIRI(e *element, id string) (string, error) {
	if !isNCName(id) {
		return "", d.errorAt(e, "rdf:ID %q is not an XML NCName", id)
	}
	iri, err := d.resolve(e, "#"+id)
	if err != nil {
		return "", err
	}
	if d.ids[iri] {
		return "", d.errorAt(e, "rdf:ID %q used twice (as <%s>)", id, iri)
	}
	d.ids[iri] = true
	return iri, nil
}

// checkPropertyAttr rejects attribute names that cannot be property
// attributes.
func (d *Decoder) checkPropertyAttr(e *element, a attr) error {
	if a.space != rdf.RDFNS {
		return nil
	}
	switch a.local {
	case "Description", "RDF", "li", "parseType", "resource", "datatype":
		return d.errorAt(e, "rdf:%s is not allowed as an attribute of node element <%s>", a.local, e.qname())
	case "aboutEach", "aboutEachPrefix", "bagID":
		return d.errorAt(e, "rdf:%s is no longer part of RDF", a.local)
	}
	return nil
}

// propertyAttrs emits the triples of property attributes on element e about
// subj: rdf:type gives an IRI, every other attribute a literal in the
// element's language.
func (d *Decoder) propertyAttrs(e *element, subj rdf.Term, props []attr) error {
	for _, a := range props {
		if a.space == rdf.RDFNS && a.local == "type" {
			iri, err := d.resolve(e, a.value)
			if err != nil {
				return err
			}
			d.emit(subj, rdf.IRI(rdf.RDFType), rdf.IRI(iri))
			continue
		}
		d.emit(subj, rdf.IRI(a.iri()), d.literal(a.value, e.scope.lang, ""))
	}
	return nil
}

// literal returns a plain, language-tagged or typed literal.
func (d *Decoder) literal(lex, lang, datatype string) rdf.Term {
	switch {
	case datatype != "":
		return rdf.Literal(lex, datatype)
	case lang != "":
		return rdf.LangLiteral(lex, lang)
	}
	return rdf.String(lex)
}

// propertyElements decodes the property elements of node element e, up to
// and including e's end tag.
func (d *Decoder) propertyElements(e *element, subj rdf.Term) error {
	li := 0
	for {
		tok, err := d.nextIn(e)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !isSpace(t) {
				return d.errorf("unexpected text %q in node element <%s>", abbreviate(string(t)), e.qname())
			}
		case xml.StartElement:
			pe, err := d.open(t, e.scope)
			if err != nil {
				return err
			}
			if err := d.propertyElement(pe, subj, &li); err != nil {
				return err
			}
		case xml.EndElement:
			return d.close(e, t)
		}
	}
}

// propertyElement decodes property element pe about subj, up to and
// including its end tag. li counts the rdf:li elements of the subject.
func (d *Decoder) propertyElement(pe *element, subj rdf.Term, li *int) error {
	pred := pe.iri()
	if pe.space == rdf.RDFNS {
		switch pe.local {
		case "li":
			*li++
			pred = rdf.RDFNS + "_" + strconv.Itoa(*li)
		case "Description", "RDF", "ID", "about", "parseType", "resource", "nodeID", "datatype",
			"aboutEach", "aboutEachPrefix", "bagID":
			return d.errorAt(pe, "rdf:%s is not allowed as a property element", pe.local)
		}
	}
	p := rdf.IRI(pred)

	var (
		id, parseType, datatype string
		resource, nodeID        *attr
		props                   []attr
		hasParseType            bool
	)
	for i := range pe.attrs {
		a := &pe.attrs[i]
		if a.space == rdf.RDFNS {
			switch a.local {
			case "ID":
				iri, err := d.idIRI(pe, a.value)
				if err != nil {
					return err
				}
				id = iri
				continue
			case "parseType":
				parseType, hasParseType = a.value, true
				continue
			case "datatype":
				iri, err := d.resolve(pe, a.value)
				if err != nil {
					return err
				}
				datatype = iri
				continue
			case "resource":
				resource = a
				continue
			case "nodeID":
				nodeID = a
				continue
			case "about", "Description", "RDF", "li":
				return d.errorAt(pe, "rdf:%s is not allowed as an attribute of property element <%s>", a.local, pe.qname())
			case "aboutEach", "aboutEachPrefix", "bagID":
				return d.errorAt(pe, "rdf:%s is no longer part of RDF", a.local)
			}
		}
		props = append(props, *a)
	}
	if resource != nil && nodeID != nil {
		return d.errorAt(pe, "property element cannot have both rdf:resource and rdf:nodeID")
	}

	// reify records the statement just made under the property's rdf:ID.
	reify := func(o rdf.Term) {
		if id == "" {
			return
		}
		r := rdf.IRI(id)
		d.emit(r, rdf.IRI(rdf.RDFType), rdf.IRI(rdf.RDFStatement))
		d.emit(r, rdf.IRI(rdf.RDFSubject), subj)
		d.emit(r, rdf.IRI(rdf.RDFPredicate), p)
		d.emit(r, rdf.IRI(rdf.RDFObject), o)
	}

	if hasParseType {
		if resource != nil || nodeID != nil || datatype != "" || len(props) > 0 {
			return d.errorAt(pe, "rdf:parseType cannot be combined with rdf:resource, rdf:nodeID, rdf:datatype or property attributes")
		}
		switch parseType {
		case "Resource":
			o := d.newBlank()
			d.emit(subj, p, o)
			reify(o)
			return d.propertyElements(pe, o)
		case "Collection":
			return d.collection(pe, subj, p, reify)
		default:
			// Every other value, "Literal" included, means an XML
			// literal.
			lex, err := d.xmlLiteral(pe)
			if err != nil {
				return err
			}
			o := rdf.Literal(lex, rdf.RDFXMLLiteral)
			d.emit(subj, p, o)
			reify(o)
			return nil
		}
	}

	// Without rdf:parseType the content decides: text makes a literal, one
	// node element a resource; no content at all an empty property.
	var text strings.Builder
	for {
		tok, err := d.nextIn(pe)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			text.Write(t)
		case xml.StartElement:
			if !isSpace([]byte(text.String())) {
				return d.errorAt(pe, "property element <%s> mixes text and elements", pe.qname())
			}
			if resource != nil || nodeID != nil || datatype != "" || len(props) > 0 {
				return d.errorAt(pe, "property element <%s> with a node element inside cannot have rdf:resource, rdf:nodeID, rdf:datatype or property attributes", pe.qname())
			}
			ne, err := d.open(t, pe.scope)
			if err != nil {
				return err
			}
			o, err := d.nodeElement(ne)
			if err != nil {
				return err
			}
			d.emit(subj, p, o)
			reify(o)
			return d.endAfterNode(pe)
		case xml.EndElement:
			if err := d.close(pe, t); err != nil {
				return err
			}
			if text.Len() > 0 || datatype != "" {
				if resource != nil || nodeID != nil || len(props) > 0 {
					return d.errorAt(pe, "property element <%s> with a literal value cannot have rdf:resource, rdf:nodeID or property attributes", pe.qname())
				}
				o := d.literal(text.String(), pe.scope.lang, datatype)
				d.emit(subj, p, o)
				reify(o)
				return nil
			}
			return d.emptyProperty(pe, subj, p, resource, nodeID, props, reify)
		}
	}
}

// emptyProperty handles a property element with no content: its object is
// the empty literal, or the resource its attributes name or describe.
func (d *Decoder) emptyProperty(pe *element, subj, p rdf.Term, resource, nodeID *attr, props []attr, reify func(rdf.Term)) error {
	if resource == nil && nodeID == nil && len(props) == 0 {
		o := d.literal("", pe.scope.lang, "")
		d.emit(subj, p, o)
		reify(o)
		return nil
	}
	var o rdf.Term
	switch {
	case resource != nil:
		iri, err := d.resolve(pe, resource.value)
		if err != nil {
			return err
		}
		o = rdf.IRI(iri)
	case nodeID != nil:
		t, err := d.subjectFrom(pe, *nodeID)
		if err != nil {
			return err
		}
		o = t
	default:
		o = d.newBlank()
	}
	for _, a := range props {
		if err := d.checkPropertyAttr(pe, a); err != nil {
			return err
		}
	}
	d.emit(subj, p, o)
	reify(o)
	return d.propertyAttrs(pe, o, props)
}

// endAfterNode reads the end tag of property element pe after the node
// element it holds; only white space may come between.
func (d *Decoder) endAfterNode(pe *element) error {
	for {
		tok, err := d.nextIn(pe)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !isSpace(t) {
				return d.errorf("unexpected text %q after the node element in <%s>", abbreviate(string(t)), pe.qname())
			}
		case xml.StartElement:
			return d.errorf("property element <%s> holds more than one node element", pe.qname())
		case xml.EndElement:
			return d.close(pe, t)
		}
	}
}

// collection decodes a parseType="Collection" property element: its node
// elements become the items of an RDF list, the object of subj p.
func (d *Decoder) collection(pe *element, subj, p rdf.Term, reify func(rdf.Term)) error {
	var last rdf.Term // the list cell of the previous item
	for {
		tok, err := d.nextIn(pe)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !isSpace(t) {
				return d.errorf("unexpected text %q in collection <%s>", abbreviate(string(t)), pe.qname())
			}
		case xml.StartElement:
			ne, err := d.open(t, pe.scope)
			if err != nil {
				return err
			}
			item, err := d.nodeElement(ne)
			if err != nil {
				return err
			}
			cell := d.newBlank()
			if last.IsZero() {
				d.emit(subj, p, cell)
				reify(cell)
			} else {
				d.emit(last, rdf.IRI(rdf.RDFRest), cell)
			}
			d.emit(cell, rdf.IRI(rdf.RDFFirst), item)
			last = cell
		case xml.EndElement:
			if err := d.close(pe, t); err != nil {
				return err
			}
			nilList := rdf.IRI(rdf.RDFNil)
			if last.IsZero() {
				d.emit(subj, p, nilList)
				reify(nilList)
			} else {
				d.emit(last, rdf.IRI(rdf.RDFRest), nilList)
			}
			return nil
		}
	}
}

// resolve resolves the IRI reference ref in the scope of element e.
func (d *Decoder) resolve(e *element, ref string) (string, error) {
	iri, err := rdf.ResolveIRI(e.scope.base, ref)
	if err != nil {
		return "", d.errorAt(e, "%v", err)
	}
	return iri, nil
}

// next returns the next XML token, recording where it starts. CharData is
// copied, as the xml.Decoder reuses its buffer.
func (d *Decoder) next() (xml.Token, error) {
	d.line, d.col = d.position()
	tok, err := d.x.RawToken()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		if d.in.err != nil && d.in.err != io.EOF {
			return nil, fmt.Errorf("rdfxml: reading %s: %w", d.fileName(), d.in.err)
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line, col := d.position()
			return nil, d.errorAtPos(line, col, "%s", se.Msg)
		}
		line, col := d.position()
		return nil, d.errorAtPos(line, col, "%v", err)
	}
	if cd, ok := tok.(xml.CharData); ok {
		return cd.Copy(), nil
	}
	return xml.CopyToken(tok), nil
}

// nextIn is next inside element e: the document may not end there, and
// comments and processing instructions are skipped.
func (d *Decoder) nextIn(e *element) (xml.Token, error) {
	for {
		tok, err := d.next()
		if err == io.EOF {
			return nil, d.errorf("unexpected end of document inside <%s> (line %d)", e.qname(), e.line)
		}
		if err != nil {
			return nil, err
		}
		switch tok.(type) {
		case xml.Comment, xml.ProcInst:
			continue
		case xml.Directive:
			return nil, d.errorf("unexpected <!%s> inside <%s>", abbreviate(string(tok.(xml.Directive))), e.qname())
		}
		return tok, nil
	}
}

// position returns the line and column of the XML decoder's position,
// which can be a byte behind what it has read from d.in: it reads a byte
// ahead to find where text ends.
func (d *Decoder) position() (line, col int) {
	if d.x.InputOffset() < d.in.n {
		return d.in.prevLine, d.in.prevCol
	}
	return d.in.line, d.in.col
}

// close checks that end tag t closes element e.
func (d *Decoder) close(e *element, t xml.EndElement) error {
	if t.Name != e.raw {
		return d.errorf("end tag </%s> does not match <%s> (line %d)", qname(t.Name), e.qname(), e.line)
	}
	return nil
}

func (d *Decoder) fileName() string {
	if d.file == "" {
		return "input"
	}
	return d.file
}

// errorf reports a syntax error at the start of the last token read.
func (d *Decoder) errorf(format string, args ...any) error {
	return d.errorAtPos(d.line, d.col, format, args...)
}

// errorAt reports a syntax error at the start tag of e.
func (d *Decoder) errorAt(e *element, format string, args ...any) error {
	return d.errorAtPos(e.line, e.col, format, args...)
}

func (d *Decoder) errorAtPos(line, col int, format string, args ...any) error {
	return &rdf.SyntaxError{File: d.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// entityDecl matches the general entity declarations of an internal DTD
// subset. Parameter and external entities are not supported.
var entityDecl = regexp.MustCompile(`<!ENTITY\s+([^\s%>]+)\s+(?:"([^"]*)"|'([^']*)')\s*>`)

// declareEntities makes the entities a DOCTYPE declares known to the XML
// decoder. OWL tools write them to abbreviate namespace IRIs in attributes
// (rdf:resource="&xsd;string").
func (d *Decoder) declareEntities(dir xml.Directive) {
	s := string(dir)
	if !strings.HasPrefix(s, "DOCTYPE") {
		return
	}
	for _, m := range entityDecl.FindAllStringSubmatch(s, -1) {
		value := m[2] + m[3]
		// A value may refer to entities declared before it.
		for name, v := range d.x.Entity {
			value = strings.ReplaceAll(value, "&"+name+";", v)
		}
		d.x.Entity[m[1]] = value
	}
}

// charsetReader decodes the non-UTF-8 encodings an XML declaration may
// name that are simple enough to need no tables.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii":
		return &latin1Reader{r: bufio.NewReader(r)}, nil
	}
	return nil, fmt.Errorf("unsupported character encoding %q", label)
}

// latin1Reader converts ISO-8859-1 bytes, each of which is the code point
// of the same value, to UTF-8.
type latin1Reader struct {
	r       *bufio.Reader
	pending []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.pending) > 0 {
			c := copy(p[n:], l.pending)
			l.pending = l.pending[c:]
			n += c
			continue
		}
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if b < utf8.RuneSelf {
			p[n] = b
			n++
			continue
		}
		l.pending = utf8.AppendRune(l.pending[:0], rune(b))
	}
	return n, nil
}

// positionReader hands the XML decoder one byte at a time (it implements
// io.ByteReader, so the decoder does no buffering of its own) and keeps
// the line and column, in runes, of the next byte.
type positionReader struct {
	r                 *bufio.Reader
	n                 int64 // bytes read
	line, col         int   // position of the next byte
	prevLine, prevCol int   // position of the last byte read
	err               error
}

func (p *positionReader) ReadByte() (byte, error) {
	b, err := p.r.ReadByte()
	if err != nil {
		p.err = err
		return 0, err
	}
	p.n++
	p.prevLine, p.prevCol = p.line, p.col
	switch {
	case b == '\n':
		p.line++
		p.col = 1
	case b&0xC0 != 0x80: // not a UTF-8 continuation byte
		p.col++
	}
	return b, nil
}

func (p *positionReader) Read(buf []byte) (int, error) {
	for i := range buf {
		b, err := p.ReadByte()
		if err != nil {
			if i > 0 {
				return i, nil
			}
			return 0, err
		}
		buf[i] = b
	}
	return len(buf), nil
}

// isSpace reports whether b is XML white space only.
func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// isNCName reports whether s is an XML non-colonised name, the form of
// rdf:ID and rdf:nodeID values.
func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (r == '-' || r == '.' || r == 0xB7 || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nl, unicode.Lm)):
		default:
			return false
		}
	}
	return true
}

// abbreviate shortens s for an error message.
func abbreviate(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > 40 {
		r := []rune(s)
		return string(r[:40]) + "..."
	}
	return s
}
