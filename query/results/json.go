package results

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

// jsonWriter writes the SPARQL 1.1 Query Results JSON Format, one binding
// per line.
type jsonWriter struct {
	headerState
	w     *bufio.Writer
	links []string
	buf   []byte
	rows  int
	err   error
}

func newJSONWriter(w io.Writer, opts WriterOptions) *jsonWriter {
	return &jsonWriter{w: bufio.NewWriter(w), links: opts.Links}
}

func appendJSONHead(dst []byte, vars, links []string) []byte {
	dst = append(dst, `{"head":{`...)
	sep := ""
	if vars != nil {
		dst = append(dst, `"vars":[`...)
		for i, v := range vars {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, v)
		}
		dst = append(dst, ']')
		sep = ","
	}
	if len(links) > 0 {
		dst = append(dst, sep...)
		dst = append(dst, `"link":[`...)
		for i, l := range links {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, l)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

func (jw *jsonWriter) WriteHeader(vars []string) error {
	if jw.err != nil {
		return jw.err
	}
	if err := jw.setHeader(vars); err != nil {
		return err
	}
	if vars == nil {
		vars = []string{}
	}
	jw.buf = appendJSONHead(jw.buf[:0], vars, jw.links)
	jw.buf = append(jw.buf, `,"results":{"bindings":[`...)
	_, jw.err = jw.w.Write(jw.buf)
	return jw.err
}

func (jw *jsonWriter) WriteSolution(s Solution) error {
	if jw.err != nil {
		return jw.err
	}
	if err := jw.checkSolution(s); err != nil {
		return err
	}
	b := jw.buf[:0]
	if jw.rows > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n{"...)
	first := true
	for i, t := range s {
		if t.IsZero() {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, jw.vars[i])
		b = append(b, ':')
		b = appendJSONTerm(b, t)
	}
	b = append(b, '}')
	jw.buf = b
	jw.rows++
	_, jw.err = jw.w.Write(b)
	return jw.err
}

func (jw *jsonWriter) Close() error {
	if jw.err != nil {
		return jw.err
	}
	if !jw.header {
		// Nothing was written: an empty result with no variables is
		// still a valid document.
		if err := jw.WriteHeader(nil); err != nil {
			return err
		}
	}
	if _, err := jw.w.WriteString("\n]}}\n"); err != nil {
		jw.err = err
		return err
	}
	jw.err = jw.w.Flush()
	if jw.err == nil {
		jw.err = errClosed
		return nil
	}
	return jw.err
}

func writeJSONBoolean(w io.Writer, value bool, opts WriterOptions) error {
	b := appendJSONHead(nil, nil, opts.Links)
	if value {
		b = append(b, `,"boolean":true}`...)
	} else {
		b = append(b, `,"boolean":false}`...)
	}
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}

// appendJSONTerm appends the JSON object for a bound term.
func appendJSONTerm(b []byte, t rdf.Term) []byte {
	switch t.Kind {
	case rdf.KindIRI:
		b = append(b, `{"type":"uri","value":`...)
		b = appendJSONString(b, t.Value)
	case rdf.KindBlank:
		b = append(b, `{"type":"bnode","value":`...)
		b = appendJSONString(b, t.Value)
	case rdf.KindLiteral:
		b = append(b, `{"type":"literal","value":`...)
		b = appendJSONString(b, t.Value)
		switch {
		case t.Lang != "":
			b = append(b, `,"xml:lang":`...)
			b = appendJSONString(b, t.Lang)
		case t.Datatype != "" && t.Datatype != rdf.XSDString:
			b = append(b, `,"datatype":`...)
			b = appendJSONString(b, t.Datatype)
		}
	}
	return append(b, '}')
}

// appendJSONString appends s as a JSON string. Control characters are
// escaped as JSON requires; U+2028 and U+2029 are escaped too, as they end
// lines in JavaScript; invalid UTF-8 becomes U+FFFD, as JSON text must be
// Unicode.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0 // s[start:i] is pending, needing no escape
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		var r rune
		size := 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if r != '\u2028' && r != '\u2029' && !(r == utf8.RuneError && size == 1) {
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch {
		case c == '"':
			b = append(b, `\"`...)
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, hexDigits[c>>4], hexDigits[c&15])
		case r == utf8.RuneError:
			b = append(b, `\uFFFD`...)
		default: // U+2028 or U+2029
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&15])
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonDocument is the shape of a SPARQL JSON result, for reading.
type jsonDocument struct {
	Head struct {
		Vars []string `json:"vars"`
		Link []string `json:"link"`
	} `json:"head"`
	Results *struct {
		Bindings []map[string]jsonTerm `json:"bindings"`
	} `json:"results"`
	Boolean *bool `json:"boolean"`
}

type jsonTerm struct {
	Type     string  `json:"type"`
	Value    *string `json:"value"`
	Datatype string  `json:"datatype"`
	Lang     string  `json:"xml:lang"`
}

// ReadJSON reads a result in the SPARQL 1.1 Query Results JSON Format.
//
// It accepts literals written with "type":"literal" and an optional
// "datatype" or "xml:lang" as well as the older "typed-literal" form.
// Every variable bound in a solution must be listed in the header.
// RDF-star triple terms are not supported.
func ReadJSON(r io.Reader) (*Result, error) {
	var doc jsonDocument
	dec := json.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("results: reading JSON: %w", err)
	}
	res := &Result{Vars: doc.Head.Vars, Links: doc.Head.Link}
	switch {
	case doc.Boolean != nil && doc.Results != nil:
		return nil, errors.New(`results: reading JSON: document has both "boolean" and "results"`)
	case doc.Boolean != nil:
		res.Boolean = doc.Boolean
		return res, nil
	case doc.Results == nil:
		return nil, errors.New(`results: reading JSON: document has neither "boolean" nor "results"`)
	}
	index := make(map[string]int, len(res.Vars))
	for i, v := range res.Vars {
		index[v] = i
	}
	res.Solutions = make([]Solution, 0, len(doc.Results.Bindings))
	for n, binding := range doc.Results.Bindings {
		sol := make(Solution, len(res.Vars))
		for name, jt := range binding {
			i, ok := index[name]
			if !ok {
				return nil, fmt.Errorf("results: reading JSON: solution %d binds %q, which is not in the header", n+1, name)
			}
			t, err := jt.term()
			if err != nil {
				return nil, fmt.Errorf("results: reading JSON: solution %d, variable %q: %w", n+1, name, err)
			}
			sol[i] = t
		}
		res.Solutions = append(res.Solutions, sol)
	}
	return res, nil
}

func (jt jsonTerm) term() (rdf.Term, error) {
	if jt.Value == nil {
		return rdf.Term{}, fmt.Errorf("%s term has no value", jt.Type)
	}
	v := *jt.Value
	switch jt.Type {
	case "uri":
		return rdf.IRI(v), nil
	case "bnode":
		return rdf.Blank(v), nil
	case "literal", "typed-literal":
		if jt.Lang != "" {
			return rdf.LangLiteral(v, jt.Lang), nil
		}
		if jt.Datatype == rdf.RDFLangString {
			return rdf.Term{}, errors.New("rdf:langString literal has no xml:lang")
		}
		return rdf.Literal(v, jt.Datatype), nil
	case "":
		return rdf.Term{}, errors.New(`term has no "type"`)
	}
	return rdf.Term{}, fmt.Errorf("unsupported term type %q", jt.Type)
}
