package ntriples

import (
	"bufio"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

// An Encoder writes quads as N-Quads lines, and quads in the default graph
// as N-Triples lines, with the canonical escaping of rdf.AppendNTriples:
// in literals only '"', '\\', LF and CR are escaped; in IRIs the characters
// IRIREF excludes are written as \u00XX. Output is buffered; call Flush
// when done.
type Encoder struct {
	w   *bufio.Writer
	err error // sticky write error
}

// NewEncoder returns an Encoder that writes to w.
func NewEncoder(w io.Writer) *Encoder {
	return &Encoder{w: bufio.NewWriterSize(w, 64<<10)}
}

// Encode writes q as one line. It refuses, without writing anything, a
// quad that would not read back: a subject that is not an IRI or blank
// node, a predicate that is not an IRI, a missing object, a graph name
// that is a literal, a relative IRI, or an invalid blank node label or
// language tag. Write errors are sticky.
func (e *Encoder) Encode(q rdf.Quad) error {
	if e.err != nil {
		return e.err
	}
	if err := checkQuad(q); err != nil {
		return err
	}
	b := e.w.AvailableBuffer()
	b = appendTerm(b, q.S)
	b = append(b, ' ')
	b = appendTerm(b, q.P)
	b = append(b, ' ')
	b = appendTerm(b, q.O)
	if !q.G.IsZero() {
		b = append(b, ' ')
		b = appendTerm(b, q.G)
	}
	b = append(b, " .\n"...)
	if _, err := e.w.Write(b); err != nil {
		e.err = fmt.Errorf("ntriples: writing: %w", err)
	}
	return e.err
}

// Flush writes any buffered data to the underlying writer.
func (e *Encoder) Flush() error {
	if e.err != nil {
		return e.err
	}
	if err := e.w.Flush(); err != nil {
		e.err = fmt.Errorf("ntriples: writing: %w", err)
	}
	return e.err
}

// checkQuad reports why q cannot be written as N-Quads, if it cannot.
func checkQuad(q rdf.Quad) error {
	if q.S.Kind != rdf.KindIRI && q.S.Kind != rdf.KindBlank {
		return fmt.Errorf("ntriples: cannot encode %s as subject", q.S.Kind)
	}
	if q.P.Kind != rdf.KindIRI {
		return fmt.Errorf("ntriples: cannot encode %s as predicate", q.P.Kind)
	}
	if q.O.Kind == rdf.KindNone {
		return fmt.Errorf("ntriples: cannot encode quad without object")
	}
	if q.G.Kind == rdf.KindLiteral {
		return fmt.Errorf("ntriples: cannot encode literal as graph name")
	}
	for _, t := range [...]rdf.Term{q.S, q.P, q.O, q.G} {
		if err := checkTerm(t); err != nil {
			return err
		}
	}
	return nil
}

func checkTerm(t rdf.Term) error {
	switch t.Kind {
	case rdf.KindIRI:
		if !hasScheme(t.Value) {
			return fmt.Errorf("ntriples: cannot encode relative IRI <%s>", t.Value)
		}
	case rdf.KindBlank:
		if !validBlankLabel(t.Value) {
			return fmt.Errorf("ntriples: cannot encode blank node label %q: not a valid N-Triples label", t.Value)
		}
	case rdf.KindLiteral:
		if t.Lang != "" {
			if !validLangTag(t.Lang) {
				return fmt.Errorf("ntriples: cannot encode language tag %q", t.Lang)
			}
		} else if t.Datatype != "" && !hasScheme(t.Datatype) {
			return fmt.Errorf("ntriples: cannot encode relative datatype IRI <%s>", t.Datatype)
		}
	}
	return nil
}

// appendTerm appends t in N-Triples syntax, as rdf.AppendNTriples writes it.
func appendTerm(b []byte, t rdf.Term) []byte {
	switch t.Kind {
	case rdf.KindIRI:
		b = append(b, '<')
		b = appendIRI(b, t.Value)
		b = append(b, '>')
	case rdf.KindBlank:
		b = append(b, "_:"...)
		b = append(b, t.Value...)
	case rdf.KindLiteral:
		b = append(b, '"')
		b = appendString(b, t.Value)
		b = append(b, '"')
		switch {
		case t.Lang != "":
			b = append(b, '@')
			b = append(b, t.Lang...)
		case t.Datatype != "" && t.Datatype != rdf.XSDString:
			b = append(b, "^^<"...)
			b = appendIRI(b, t.Datatype)
			b = append(b, '>')
		}
	}
	return b
}

// appendString appends s escaped for a STRING_LITERAL_QUOTE, copying runs
// that need no escape in one append.
func appendString(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		default:
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// appendIRI appends s with the characters IRIREF excludes written as
// \u00XX escapes, so that any IRI value reads back.
func appendIRI(b []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	last := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < utf8.RuneSelf && iriStop[c] != 0 {
			b = append(b, s[last:i]...)
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
			last = i + 1
		}
	}
	return append(b, s[last:]...)
}
