// Package rdf is kplane's RDF 1.1 data model: terms, triples and quads, the
// well-known vocabularies the store and the parsers need, and IRI resolution.
//
// A Term is a small value type rather than an interface so that parsers and
// the store can pass millions of them without allocating.
package rdf

import (
	"strings"
)

// Kind says what sort of RDF term a Term is.
type Kind uint8

const (
	// KindNone is the zero Term: no term at all. In a Quad's graph position
	// it means the default graph; in a pattern it means "any".
	KindNone Kind = iota
	KindIRI
	KindBlank
	KindLiteral
)

func (k Kind) String() string {
	switch k {
	case KindIRI:
		return "IRI"
	case KindBlank:
		return "blank node"
	case KindLiteral:
		return "literal"
	}
	return "none"
}

// Term is an RDF term: an IRI, a blank node or a literal.
//
// For an IRI, Value is the absolute IRI. For a blank node, Value is its label
// (without "_:"); labels are only meaningful within one document or store.
// For a literal, Value is the lexical form, Datatype the datatype IRI (always
// set: xsd:string for simple literals, rdf:langString when Lang is set) and
// Lang the language tag.
type Term struct {
	Kind     Kind
	Value    string
	Datatype string
	Lang     string
}

// IRI returns the IRI term for iri.
func IRI(iri string) Term { return Term{Kind: KindIRI, Value: iri} }

// Blank returns the blank node with the given label.
func Blank(label string) Term { return Term{Kind: KindBlank, Value: label} }

// String returns a simple literal (datatype xsd:string).
func String(lexical string) Term {
	return Term{Kind: KindLiteral, Value: lexical, Datatype: XSDString}
}

// Literal returns a literal with the given datatype. An empty datatype
// means xsd:string.
func Literal(lexical, datatype string) Term {
	if datatype == "" {
		datatype = XSDString
	}
	return Term{Kind: KindLiteral, Value: lexical, Datatype: datatype}
}

// LangLiteral returns a language-tagged string (datatype rdf:langString).
func LangLiteral(lexical, lang string) Term {
	return Term{Kind: KindLiteral, Value: lexical, Datatype: RDFLangString, Lang: lang}
}

// IsZero reports whether t is the zero Term (no term, or the default graph).
func (t Term) IsZero() bool { return t.Kind == KindNone }

// IsIRI reports whether t is an IRI.
func (t Term) IsIRI() bool { return t.Kind == KindIRI }

// IsBlank reports whether t is a blank node.
func (t Term) IsBlank() bool { return t.Kind == KindBlank }

// IsLiteral reports whether t is a literal.
func (t Term) IsLiteral() bool { return t.Kind == KindLiteral }

// Equal reports whether t and u are the same RDF term. Language tags compare
// case-insensitively, as RDF 1.1 requires.
func (t Term) Equal(u Term) bool {
	if t.Kind != u.Kind || t.Value != u.Value {
		return false
	}
	if t.Kind != KindLiteral {
		return true
	}
	return t.Datatype == u.Datatype && strings.EqualFold(t.Lang, u.Lang)
}

// String formats t in N-Triples syntax; the zero Term formats as "".
func (t Term) String() string {
	var b strings.Builder
	AppendNTriples(&b, t)
	return b.String()
}

// Triple is an RDF triple.
type Triple struct {
	S, P, O Term
}

// Quad is a triple in a graph. The zero G is the default graph.
type Quad struct {
	S, P, O, G Term
}

// Triple returns q without its graph.
func (q Quad) Triple() Triple { return Triple{q.S, q.P, q.O} }

// String formats q as one N-Quads statement, without the final newline.
func (q Quad) String() string {
	var b strings.Builder
	AppendNTriples(&b, q.S)
	b.WriteByte(' ')
	AppendNTriples(&b, q.P)
	b.WriteByte(' ')
	AppendNTriples(&b, q.O)
	if !q.G.IsZero() {
		b.WriteByte(' ')
		AppendNTriples(&b, q.G)
	}
	b.WriteString(" .")
	return b.String()
}

// AppendNTriples writes t in N-Triples syntax (canonical escaping: only the
// characters N-Triples requires to be escaped are escaped).
func AppendNTriples(b *strings.Builder, t Term) {
	switch t.Kind {
	case KindIRI:
		b.WriteByte('<')
		writeEscapedIRI(b, t.Value)
		b.WriteByte('>')
	case KindBlank:
		b.WriteString("_:")
		b.WriteString(t.Value)
	case KindLiteral:
		b.WriteByte('"')
		writeEscapedString(b, t.Value)
		b.WriteByte('"')
		switch {
		case t.Lang != "":
			b.WriteByte('@')
			b.WriteString(t.Lang)
		case t.Datatype != "" && t.Datatype != XSDString:
			b.WriteString("^^<")
			writeEscapedIRI(b, t.Datatype)
			b.WriteByte('>')
		}
	}
}

func writeEscapedString(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
}

func writeEscapedIRI(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		// IRIREF excludes these characters; escape them so that output
		// always parses back.
		if c <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`' || c == '\\' {
			b.WriteString(`\u00`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
}
