package rdfxml

import (
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// scope is what an element inherits and passes on to its content: namespace
// bindings, base IRI and language. The decoder reads raw XML tokens (to keep
// the prefixes an XML literal must reproduce), so it binds namespaces
// itself.
type scope struct {
	parent *scope
	ns     []string // prefix, namespace pairs declared on this element; "" is the default namespace
	base   string
	lang   string
}

// lookup returns the namespace bound to prefix ("" for the default
// namespace) and whether it is bound.
func (s *scope) lookup(prefix string) (string, bool) {
	if prefix == "xml" {
		return xmlNS, true
	}
	for ; s != nil; s = s.parent {
		for i := 0; i < len(s.ns); i += 2 {
			if s.ns[i] == prefix {
				return s.ns[i+1], true
			}
		}
	}
	// Without a declaration the default namespace is no namespace.
	return "", prefix == ""
}

// declare records the xmlns attributes of a start tag in s and returns the
// other attributes.
func (s *scope) declare(attrs []xml.Attr) []xml.Attr {
	var rest []xml.Attr
	for _, a := range attrs {
		switch {
		case a.Name.Space == "xmlns":
			s.ns = append(s.ns, a.Name.Local, a.Value)
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			s.ns = append(s.ns, "", a.Value)
		default:
			rest = append(rest, a)
		}
	}
	return rest
}

// element is an RDF/XML element whose start tag has been read: a node or
// property element.
type element struct {
	raw          xml.Name // as written: Space is the prefix
	space, local string   // namespace and local name
	attrs        []attr   // the attributes RDF/XML gives meaning to
	scope        *scope
	line, col    int
}

// attr is an attribute with its namespace resolved.
type attr struct {
	space, local, value string
}

func (a attr) iri() string { return a.space + a.local }

func (a attr) display() string {
	if a.space == rdf.RDFNS {
		return "rdf:" + a.local
	}
	return a.space + a.local
}

// is reports whether e has the given expanded name.
func (e *element) is(space, local string) bool { return e.space == space && e.local == local }

// iri is the IRI the element's name stands for.
func (e *element) iri() string { return e.space + e.local }

// qname is the element name as written.
func (e *element) qname() string { return qname(e.raw) }

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// unqualifiedRDF are the attribute names RDF/XML reads in the RDF namespace
// when written without a prefix, for compatibility with early documents.
var unqualifiedRDF = []string{"ID", "about", "resource", "parseType", "type"}

// open binds the namespaces, base and language of start tag t, opened in
// parent, and resolves its names.
func (d *Decoder) open(t xml.StartElement, parent *scope) (*element, error) {
	sc := &scope{parent: parent, base: parent.base, lang: parent.lang}
	rest := sc.declare(t.Attr)
	e := &element{raw: t.Name, local: t.Name.Local, scope: sc, line: d.line, col: d.col}
	space, ok := sc.lookup(t.Name.Space)
	if !ok {
		return nil, d.errorAt(e, "undeclared namespace prefix %q in <%s>", t.Name.Space, qname(t.Name))
	}
	if space == "" {
		return nil, d.errorAt(e, "element <%s> is in no namespace, so it names no IRI", qname(t.Name))
	}
	e.space = space
	for _, a := range rest {
		prefix := a.Name.Space
		switch {
		case prefix == "xml" && a.Name.Local == "lang":
			sc.lang = a.Value
			continue
		case prefix == "xml" && a.Name.Local == "base":
			base, err := rdf.ResolveIRI(parent.base, a.Value)
			if err != nil {
				return nil, d.errorAt(e, "xml:base: %v", err)
			}
			// The base of a document has no fragment (RFC 3986 5.1).
			if i := strings.IndexByte(base, '#'); i >= 0 {
				base = base[:i]
			}
			sc.base = base
			continue
		case len(prefix) >= 3 && strings.EqualFold(prefix[:3], "xml"),
			prefix == "" && len(a.Name.Local) >= 3 && strings.EqualFold(a.Name.Local[:3], "xml"):
			// Names starting with "xml" are reserved by XML; RDF/XML
			// ignores attributes it does not know there.
			continue
		case prefix == "":
			if !slices.Contains(unqualifiedRDF, a.Name.Local) {
				return nil, d.errorAt(e, "attribute %q on <%s> is in no namespace", a.Name.Local, qname(t.Name))
			}
			e.attrs = append(e.attrs, attr{space: rdf.RDFNS, local: a.Name.Local, value: a.Value})
			continue
		}
		ns, ok := sc.lookup(prefix)
		if !ok || ns == "" {
			return nil, d.errorAt(e, "undeclared namespace prefix %q in attribute %s", prefix, qname(a.Name))
		}
		e.attrs = append(e.attrs, attr{space: ns, local: a.Name.Local, value: a.Value})
	}
	return e, nil
}

// literalElement is an element inside an XML literal, with what exclusive
// canonicalization needs to know about it.
type literalElement struct {
	name     xml.Name
	scope    *scope
	rendered map[string]string // namespace declarations in force in the output
}

// xmlLiteral reads the content of parseType="Literal" property element pe,
// up to and including its end tag, and returns it as exclusive canonical
// XML with comments (https://www.w3.org/TR/xml-exc-c14n/), the lexical form
// RDF 1.1 gives an rdf:XMLLiteral.
func (d *Decoder) xmlLiteral(pe *element) (string, error) {
	var b strings.Builder
	var stack []literalElement
	for {
		tok, err := d.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return "", d.errorf("unexpected end of document inside <%s> (line %d)", pe.qname(), pe.line)
			}
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			parentScope, rendered := pe.scope, map[string]string{}
			if n := len(stack); n > 0 {
				parentScope, rendered = stack[n-1].scope, stack[n-1].rendered
			}
			sc := &scope{parent: parentScope}
			attrs := sc.declare(t.Attr)
			le := literalElement{name: t.Name, scope: sc, rendered: rendered}
			if err := d.writeLiteralStart(&b, &le, attrs); err != nil {
				return "", err
			}
			stack = append(stack, le)
		case xml.EndElement:
			if len(stack) == 0 {
				return b.String(), d.close(pe, t)
			}
			top := stack[len(stack)-1]
			if t.Name != top.name {
				return "", d.errorf("end tag </%s> does not match <%s>", qname(t.Name), qname(top.name))
			}
			stack = stack[:len(stack)-1]
			b.WriteString("</")
			b.WriteString(qname(t.Name))
			b.WriteByte('>')
		case xml.CharData:
			escapeText(&b, string(t))
		case xml.Comment:
			b.WriteString("<!--")
			b.Write(t)
			b.WriteString("-->")
		case xml.ProcInst:
			b.WriteString("<?")
			b.WriteString(t.Target)
			if len(t.Inst) > 0 {
				b.WriteByte(' ')
				b.Write(t.Inst)
			}
			b.WriteString("?>")
		case xml.Directive:
			return "", d.errorf("unexpected <!%s> in an XML literal", abbreviate(string(t)))
		}
	}
}

// writeLiteralStart writes the canonical start tag of le: the namespace
// declarations its name and attributes visibly use and no output ancestor
// already declares, sorted by prefix, then the attributes sorted by
// namespace and local name.
func (d *Decoder) writeLiteralStart(b *strings.Builder, le *literalElement, attrs []xml.Attr) error {
	used := []string{le.name.Space}
	type canonAttr struct {
		ns   string
		name xml.Name
		val  string
	}
	var cas []canonAttr
	for _, a := range attrs {
		ns := ""
		if a.Name.Space != "" {
			var ok bool
			ns, ok = le.scope.lookup(a.Name.Space)
			if !ok || ns == "" {
				return d.errorf("undeclared namespace prefix %q in attribute %s", a.Name.Space, qname(a.Name))
			}
			if a.Name.Space != "xml" && !slices.Contains(used, a.Name.Space) {
				used = append(used, a.Name.Space)
			}
		}
		cas = append(cas, canonAttr{ns: ns, name: a.Name, val: a.Value})
	}
	var decls []string // prefix, namespace pairs to write
	for _, prefix := range used {
		ns, ok := le.scope.lookup(prefix)
		if !ok || (prefix != "" && ns == "") {
			return d.errorf("undeclared namespace prefix %q in <%s>", prefix, qname(le.name))
		}
		if le.rendered[prefix] != ns {
			decls = append(decls, prefix, ns)
		}
	}
	if len(decls) > 0 {
		rendered := make(map[string]string, len(le.rendered)+len(decls)/2)
		for k, v := range le.rendered {
			rendered[k] = v
		}
		for i := 0; i < len(decls); i += 2 {
			rendered[decls[i]] = decls[i+1]
		}
		le.rendered = rendered
	}
	b.WriteByte('<')
	b.WriteString(qname(le.name))
	order := make([]int, 0, len(decls)/2)
	for i := 0; i < len(decls); i += 2 {
		order = append(order, i)
	}
	slices.SortFunc(order, func(i, j int) int { return strings.Compare(decls[i], decls[j]) })
	for _, i := range order {
		if decls[i] == "" {
			b.WriteString(` xmlns="`)
		} else {
			b.WriteString(" xmlns:")
			b.WriteString(decls[i])
			b.WriteString(`="`)
		}
		escapeAttr(b, decls[i+1])
		b.WriteByte('"')
	}
	slices.SortFunc(cas, func(x, y canonAttr) int {
		if c := strings.Compare(x.ns, y.ns); c != 0 {
			return c
		}
		return strings.Compare(x.name.Local, y.name.Local)
	})
	for _, a := range cas {
		b.WriteByte(' ')
		b.WriteString(qname(a.name))
		b.WriteString(`="`)
		escapeAttr(b, a.val)
		b.WriteByte('"')
	}
	b.WriteByte('>')
	return nil
}

// escapeText escapes character data as canonical XML does.
func escapeText(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}

// escapeAttr escapes an attribute value as canonical XML does.
func escapeAttr(b *strings.Builder, s string) {
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '"':
			b.WriteString("&quot;")
		case '\t':
			b.WriteString("&#x9;")
		case '\n':
			b.WriteString("&#xA;")
		case '\r':
			b.WriteString("&#xD;")
		default:
			b.WriteRune(r)
		}
	}
}
