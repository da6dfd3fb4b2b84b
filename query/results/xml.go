package results

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

// ResultsNamespace is the XML namespace of the SPARQL Query Results XML
// Format.
const ResultsNamespace = "http://www.w3.org/2005/sparql-results#"

// xmlNamespace is the namespace the "xml" prefix is bound to.
const xmlNamespace = "http://www.w3.org/XML/1998/namespace"

// xmlWriter writes the SPARQL Query Results XML Format.
type xmlWriter struct {
	headerState
	w     *bufio.Writer
	links []string
	buf   []byte
	err   error
}

func newXMLWriter(w io.Writer, opts WriterOptions) *xmlWriter {
	return &xmlWriter{w: bufio.NewWriter(w), links: opts.Links}
}

func appendXMLHead(b []byte, vars, links []string) []byte {
	b = append(b, "<?xml version=\"1.0\"?>\n<sparql xmlns=\""+ResultsNamespace+"\">\n  <head>\n"...)
	for _, v := range vars {
		b = append(b, `    <variable name="`...)
		b, _ = appendXMLEscaped(b, v, true)
		b = append(b, "\"/>\n"...)
	}
	for _, l := range links {
		b = append(b, `    <link href="`...)
		b, _ = appendXMLEscaped(b, l, true)
		b = append(b, "\"/>\n"...)
	}
	return append(b, "  </head>\n"...)
}

func (xw *xmlWriter) WriteHeader(vars []string) error {
	if xw.err != nil {
		return xw.err
	}
	if err := xw.setHeader(vars); err != nil {
		return err
	}
	xw.buf = appendXMLHead(xw.buf[:0], vars, xw.links)
	xw.buf = append(xw.buf, "  <results>\n"...)
	_, xw.err = xw.w.Write(xw.buf)
	return xw.err
}

func (xw *xmlWriter) WriteSolution(s Solution) error {
	if xw.err != nil {
		return xw.err
	}
	if err := xw.checkSolution(s); err != nil {
		return err
	}
	b := append(xw.buf[:0], "    <result>\n"...)
	for i, t := range s {
		if t.IsZero() {
			continue
		}
		b = append(b, `      <binding name="`...)
		b, _ = appendXMLEscaped(b, xw.vars[i], true)
		b = append(b, `">`...)
		var bad rune
		switch t.Kind {
		case rdf.KindIRI:
			b = append(b, "<uri>"...)
			b, bad = appendXMLEscaped(b, t.Value, false)
			b = append(b, "</uri>"...)
		case rdf.KindBlank:
			b = append(b, "<bnode>"...)
			b, bad = appendXMLEscaped(b, t.Value, false)
			b = append(b, "</bnode>"...)
		case rdf.KindLiteral:
			b = append(b, "<literal"...)
			switch {
			case t.Lang != "":
				b = append(b, ` xml:lang="`...)
				b, bad = appendXMLEscaped(b, t.Lang, true)
				b = append(b, '"')
			case t.Datatype != "" && t.Datatype != rdf.XSDString:
				b = append(b, ` datatype="`...)
				b, bad = appendXMLEscaped(b, t.Datatype, true)
				b = append(b, '"')
			}
			b = append(b, '>')
			var badValue rune
			b, badValue = appendXMLEscaped(b, t.Value, false)
			if bad == 0 {
				bad = badValue
			}
			b = append(b, "</literal>"...)
		}
		if bad != 0 {
			return fmt.Errorf("results: variable %q: %s contains %U, which XML 1.0 cannot represent", xw.vars[i], t.Kind, bad)
		}
		b = append(b, "</binding>\n"...)
	}
	b = append(b, "    </result>\n"...)
	xw.buf = b
	_, xw.err = xw.w.Write(b)
	return xw.err
}

func (xw *xmlWriter) Close() error {
	if xw.err != nil {
		return xw.err
	}
	if !xw.header {
		if err := xw.WriteHeader(nil); err != nil {
			return err
		}
	}
	if _, err := xw.w.WriteString("  </results>\n</sparql>\n"); err != nil {
		xw.err = err
		return err
	}
	xw.err = xw.w.Flush()
	if xw.err == nil {
		xw.err = errClosed
		return nil
	}
	return xw.err
}

func writeXMLBoolean(w io.Writer, value bool, opts WriterOptions) error {
	b := appendXMLHead(nil, nil, opts.Links)
	if value {
		b = append(b, "  <boolean>true</boolean>\n"...)
	} else {
		b = append(b, "  <boolean>false</boolean>\n"...)
	}
	b = append(b, "</sparql>\n"...)
	_, err := w.Write(b)
	return err
}

// isXMLChar reports whether r is a Char of XML 1.0.
func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(0x20 <= r && r <= 0xD7FF) || (0xE000 <= r && r <= 0xFFFD) || (0x10000 <= r && r <= 0x10FFFF)
}

// appendXMLEscaped appends s as XML character data (or, if attr is set, as
// the content of a double-quoted attribute). Carriage returns are written as
// character references because XML parsers turn raw ones into line feeds;
// in attributes tabs and line feeds are too, because attribute value
// normalisation turns them into spaces. It returns the first character XML
// 1.0 cannot represent at all, or 0 if there is none (invalid UTF-8 counts
// as U+FFFD and is written as such).
func appendXMLEscaped(b []byte, s string, attr bool) ([]byte, rune) {
	var bad rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		case r == '"' && attr:
			b = append(b, "&quot;"...)
		case r == '\r':
			b = append(b, "&#xD;"...)
		case r == '\n' && attr:
			b = append(b, "&#xA;"...)
		case r == '\t' && attr:
			b = append(b, "&#x9;"...)
		case r == utf8.RuneError && size == 1:
			b = append(b, "\uFFFD"...)
		case !isXMLChar(r):
			if bad == 0 {
				bad = r
			}
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return b, bad
}

// ReadXML reads a result in the SPARQL Query Results XML Format.
//
// Elements are recognised in the results namespace; literal values are kept
// exactly (whitespace included), while whitespace around IRIs and blank node
// labels is ignored.
func ReadXML(r io.Reader) (*Result, error) {
	xr := &xmlReader{dec: xml.NewDecoder(r)}
	res, err := xr.read()
	if err != nil {
		line, _ := xr.dec.InputPos()
		return nil, fmt.Errorf("results: reading XML: line %d: %w", line, err)
	}
	return res, nil
}

type xmlReader struct {
	dec *xml.Decoder
}

// next returns the next start or end element, skipping comments,
// processing instructions and whitespace. Text that is not whitespace is
// an error: the format has no mixed content outside literals.
func (xr *xmlReader) next() (xml.Token, error) {
	for {
		tok, err := xr.dec.Token()
		if err != nil {
			if err == io.EOF {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != ResultsNamespace {
				return nil, fmt.Errorf("element <%s> is not in the namespace %s", t.Name.Local, ResultsNamespace)
			}
			return t, nil
		case xml.EndElement:
			return t, nil
		case xml.CharData:
			if len(strings.TrimSpace(string(t))) > 0 {
				return nil, fmt.Errorf("unexpected text %q", truncate(string(t), 40))
			}
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func attr(e xml.StartElement, space, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local && (a.Name.Space == space || (space == xmlNamespace && a.Name.Space == "xml")) {
			return a.Value, true
		}
	}
	return "", false
}

// text reads the character data of the current element up to its end tag.
func (xr *xmlReader) text(name string) (string, error) {
	var sb strings.Builder
	for {
		tok, err := xr.dec.Token()
		if err != nil {
			if err == io.EOF {
				return "", io.ErrUnexpectedEOF
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.EndElement:
			return sb.String(), nil
		case xml.StartElement:
			return "", fmt.Errorf("unexpected element <%s> in <%s>", t.Name.Local, name)
		}
	}
}

func (xr *xmlReader) read() (*Result, error) {
	// Skip the prolog up to the root element.
	tok, err := xr.next()
	if err != nil {
		return nil, err
	}
	root, ok := tok.(xml.StartElement)
	if !ok || root.Name.Local != "sparql" {
		return nil, errors.New("root element is not <sparql>")
	}
	res := &Result{}
	if err := xr.readHead(res); err != nil {
		return nil, err
	}
	tok, err = xr.next()
	if err != nil {
		return nil, err
	}
	start, ok := tok.(xml.StartElement)
	if !ok {
		return nil, errors.New("expected <results> or <boolean> after <head>")
	}
	switch start.Name.Local {
	case "boolean":
		s, err := xr.text("boolean")
		if err != nil {
			return nil, err
		}
		var v bool
		switch strings.TrimSpace(s) {
		case "true", "1":
			v = true
		case "false", "0":
		default:
			return nil, fmt.Errorf("invalid boolean %q", s)
		}
		res.Boolean = &v
	case "results":
		if err := xr.readResults(res); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("expected <results> or <boolean>, found <%s>", start.Name.Local)
	}
	tok, err = xr.next()
	if err != nil {
		return nil, err
	}
	if _, ok := tok.(xml.EndElement); !ok {
		return nil, errors.New("unexpected content after the result in <sparql>")
	}
	return res, nil
}

func (xr *xmlReader) readHead(res *Result) error {
	tok, err := xr.next()
	if err != nil {
		return err
	}
	if start, ok := tok.(xml.StartElement); !ok || start.Name.Local != "head" {
		return errors.New("<sparql> does not start with <head>")
	}
	for {
		tok, err := xr.next()
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			return nil // </head>
		}
		switch start.Name.Local {
		case "variable":
			name, ok := attr(start, "", "name")
			if !ok {
				return errors.New("<variable> has no name")
			}
			res.Vars = append(res.Vars, name)
		case "link":
			href, ok := attr(start, "", "href")
			if !ok {
				return errors.New("<link> has no href")
			}
			res.Links = append(res.Links, href)
		default:
			return fmt.Errorf("unexpected <%s> in <head>", start.Name.Local)
		}
		if err := xr.dec.Skip(); err != nil {
			return err
		}
	}
}

func (xr *xmlReader) readResults(res *Result) error {
	index := make(map[string]int, len(res.Vars))
	for i, v := range res.Vars {
		index[v] = i
	}
	res.Solutions = []Solution{}
	for {
		tok, err := xr.next()
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			return nil // </results>
		}
		if start.Name.Local != "result" {
			return fmt.Errorf("unexpected <%s> in <results>", start.Name.Local)
		}
		sol := make(Solution, len(res.Vars))
		if err := xr.readSolution(sol, index); err != nil {
			return fmt.Errorf("solution %d: %w", len(res.Solutions)+1, err)
		}
		res.Solutions = append(res.Solutions, sol)
	}
}

func (xr *xmlReader) readSolution(sol Solution, index map[string]int) error {
	for {
		tok, err := xr.next()
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			return nil // </result>
		}
		if start.Name.Local != "binding" {
			return fmt.Errorf("unexpected <%s> in <result>", start.Name.Local)
		}
		name, _ := attr(start, "", "name")
		i, ok := index[name]
		if !ok {
			return fmt.Errorf("binding of %q, which is not in the header", name)
		}
		t, err := xr.readTerm()
		if err != nil {
			return fmt.Errorf("variable %q: %w", name, err)
		}
		sol[i] = t
		if tok, err := xr.next(); err != nil {
			return err
		} else if _, ok := tok.(xml.EndElement); !ok {
			return errors.New("<binding> holds more than one term")
		}
	}
}

func (xr *xmlReader) readTerm() (rdf.Term, error) {
	tok, err := xr.next()
	if err != nil {
		return rdf.Term{}, err
	}
	start, ok := tok.(xml.StartElement)
	if !ok {
		return rdf.Term{}, errors.New("empty <binding>")
	}
	kind := start.Name.Local
	s, err := xr.text(kind)
	if err != nil {
		return rdf.Term{}, err
	}
	switch kind {
	case "uri":
		return rdf.IRI(strings.TrimSpace(s)), nil
	case "bnode":
		return rdf.Blank(strings.TrimSpace(s)), nil
	case "literal":
		if lang, ok := attr(start, xmlNamespace, "lang"); ok && lang != "" {
			return rdf.LangLiteral(s, lang), nil
		}
		dt, _ := attr(start, "", "datatype")
		return rdf.Literal(s, dt), nil
	}
	return rdf.Term{}, fmt.Errorf("unsupported term element <%s>", kind)
}
