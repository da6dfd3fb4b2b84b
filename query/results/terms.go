package results

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

const hexDigits = "0123456789ABCDEF"

// appendIRIRef appends iri between angle brackets, escaping with \u00XX the
// characters the IRIREF production excludes, exactly as rdf.AppendNTriples
// does.
func appendIRIRef(dst []byte, iri string) []byte {
	dst = append(dst, '<')
	start := 0 // iri[start:i] is pending, needing no escape
	for i := 0; i < len(iri); i++ {
		c := iri[i]
		if c > 0x20 && !iriExcluded[c] {
			continue
		}
		dst = append(dst, iri[start:i]...)
		dst = append(dst, `\u00`...)
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
		start = i + 1
	}
	dst = append(dst, iri[start:]...)
	return append(dst, '>')
}

// iriExcluded marks the printable ASCII characters IRIREF excludes.
var iriExcluded = [256]bool{'<': true, '>': true, '"': true, '{': true, '}': true, '|': true, '^': true, '`': true, '\\': true}

// appendBlank appends a blank node as "_:" and a label the N-Triples and
// Turtle BLANK_NODE_LABEL production accepts.
//
// Document labels such as "b1" are written unchanged. Labels that are not
// valid there (parsers generate ones such as "-g1" on purpose, so that they
// cannot collide with document labels) are encoded: every byte that may not
// stand where it is becomes "_" and two hex digits, and "_" itself is
// encoded too. The encoding is injective, so distinct nodes stay distinct.
func appendBlank(dst []byte, label string) []byte {
	dst = append(dst, "_:"...)
	if label == "" {
		// An empty label cannot be written; "_" alone is never produced by
		// the encoding below, so it cannot collide.
		return append(dst, '_')
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			dst = append(dst, c)
		case (c == '-' || c == '.') && i > 0 && i < len(label)-1:
			// Allowed inside a label, not at its ends ("-" may end a
			// label, but keeping one rule for both is simpler and
			// still injective).
			dst = append(dst, c)
		default:
			dst = append(dst, '_', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return dst
}

// appendNTriples appends t in canonical N-Triples syntax, as
// rdf.AppendNTriples writes it, except that blank node labels are made valid
// (see appendBlank).
func appendNTriples(dst []byte, t rdf.Term) []byte {
	switch t.Kind {
	case rdf.KindIRI:
		return appendIRIRef(dst, t.Value)
	case rdf.KindBlank:
		return appendBlank(dst, t.Value)
	case rdf.KindLiteral:
		dst = append(dst, '"')
		start := 0 // t.Value[start:i] is pending, needing no escape
		for i := 0; i < len(t.Value); i++ {
			var esc string
			switch t.Value[i] {
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
			dst = append(dst, t.Value[start:i]...)
			dst = append(dst, esc...)
			start = i + 1
		}
		dst = append(dst, t.Value[start:]...)
		dst = append(dst, '"')
		switch {
		case t.Lang != "":
			dst = append(dst, '@')
			dst = append(dst, t.Lang...)
		case t.Datatype != "" && t.Datatype != rdf.XSDString:
			dst = append(dst, "^^"...)
			dst = appendIRIRef(dst, t.Datatype)
		}
	}
	return dst
}

// appendQuotedString appends s as a Turtle/SPARQL string literal in double
// quotes. When long is true and s contains a line feed, it uses the
// triple-quoted form and keeps the line feeds; otherwise it escapes them.
// Control characters other than tab are escaped with \u so that output stays
// readable on a terminal; tab is escaped only when escapeTab is set (TSV,
// where a raw tab would end the field).
func appendQuotedString(dst []byte, s string, long, escapeTab bool) []byte {
	long = long && strings.IndexByte(s, '\n') >= 0
	if long {
		dst = append(dst, `"""`...)
	} else {
		dst = append(dst, '"')
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			dst = append(dst, `\"`...)
		case c == '\\':
			dst = append(dst, `\\`...)
		case c == '\n':
			if long {
				dst = append(dst, '\n')
			} else {
				dst = append(dst, `\n`...)
			}
		case c == '\r':
			dst = append(dst, `\r`...)
		case c == '\t':
			if escapeTab {
				dst = append(dst, `\t`...)
			} else {
				dst = append(dst, '\t')
			}
		case c < 0x20 || c == 0x7F:
			dst = append(dst, `\u00`...)
			dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
		default:
			dst = append(dst, c)
		}
	}
	if long {
		return append(dst, `"""`...)
	}
	return append(dst, '"')
}

// Lexical forms the Turtle and SPARQL grammars can write without quotes.

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimSign(s string) string {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		return s[1:]
	}
	return s
}

// isIntegerShorthand reports whether s matches the INTEGER production.
func isIntegerShorthand(s string) bool { return isDigits(trimSign(s)) }

// isDecimalShorthand reports whether s matches the DECIMAL production
// ([+-]? [0-9]* '.' [0-9]+).
func isDecimalShorthand(s string) bool {
	s = trimSign(s)
	i := strings.IndexByte(s, '.')
	if i < 0 {
		return false
	}
	return (i == 0 || isDigits(s[:i])) && isDigits(s[i+1:])
}

// isDoubleShorthand reports whether s matches the DOUBLE production: a
// mantissa of digits with an optional fraction (or a fraction alone) and a
// mandatory exponent.
func isDoubleShorthand(s string) bool {
	s = trimSign(s)
	e := strings.IndexAny(s, "eE")
	if e < 0 {
		return false
	}
	mant, exp := s[:e], trimSign(s[e+1:])
	if !isDigits(exp) {
		return false
	}
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		whole, frac := mant[:i], mant[i+1:]
		if whole == "" {
			return isDigits(frac)
		}
		return isDigits(whole) && (frac == "" || isDigits(frac))
	}
	return isDigits(mant)
}

// numericShorthand reports whether a literal can be written bare as a
// Turtle/SPARQL number: its datatype is xsd:integer, xsd:decimal or
// xsd:double and its lexical form is valid for that production.
func numericShorthand(t rdf.Term) bool {
	if t.Lang != "" {
		return false
	}
	switch t.Datatype {
	case rdf.XSDInteger:
		return isIntegerShorthand(t.Value)
	case rdf.XSDDecimal:
		return isDecimalShorthand(t.Value)
	case rdf.XSDDouble:
		return isDoubleShorthand(t.Value)
	}
	return false
}

// booleanShorthand reports whether a literal can be written bare as true or
// false.
func booleanShorthand(t rdf.Term) bool {
	return t.Datatype == rdf.XSDBoolean && t.Lang == "" && (t.Value == "true" || t.Value == "false")
}

// Prefixed names.

// isPNCharsBase reports whether r is in PN_CHARS_BASE.
func isPNCharsBase(r rune) bool {
	switch {
	case 'A' <= r && r <= 'Z', 'a' <= r && r <= 'z':
		return true
	case 0xC0 <= r && r <= 0xD6, 0xD8 <= r && r <= 0xF6, 0xF8 <= r && r <= 0x2FF,
		0x370 <= r && r <= 0x37D, 0x37F <= r && r <= 0x1FFF, 0x200C <= r && r <= 0x200D,
		0x2070 <= r && r <= 0x218F, 0x2C00 <= r && r <= 0x2FEF, 0x3001 <= r && r <= 0xD7FF,
		0xF900 <= r && r <= 0xFDCF, 0xFDF0 <= r && r <= 0xFFFD, 0x10000 <= r && r <= 0xEFFFF:
		return true
	}
	return false
}

// isPNCharsU reports whether r is in PN_CHARS_U.
func isPNCharsU(r rune) bool { return r == '_' || isPNCharsBase(r) }

// isPNChars reports whether r is in PN_CHARS.
func isPNChars(r rune) bool {
	return isPNCharsU(r) || r == '-' || ('0' <= r && r <= '9') || r == 0xB7 ||
		(0x300 <= r && r <= 0x36F) || (0x203F <= r && r <= 0x2040)
}

// validPrefixName reports whether p is a PN_PREFIX or empty.
func validPrefixName(p string) bool {
	if p == "" {
		return true
	}
	if !utf8.ValidString(p) || strings.HasSuffix(p, ".") {
		return false
	}
	for i, r := range p {
		if i == 0 {
			if !isPNCharsBase(r) {
				return false
			}
		} else if !isPNChars(r) && r != '.' {
			return false
		}
	}
	return true
}

// localEscapable are the characters PN_LOCAL_ESC may escape with a
// backslash.
const localEscapable = "_~.-!$&'()*+,;=/?#@%"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// appendLocalName appends local as a PN_LOCAL, escaping with a backslash the
// characters that may only appear escaped, and reports false if some
// character cannot be written in a local name at all (the caller then falls
// back to an IRI reference).
func appendLocalName(dst []byte, local string) ([]byte, bool) {
	if !utf8.ValidString(local) {
		return dst, false
	}
	for i := 0; i < len(local); {
		r, size := utf8.DecodeRuneInString(local[i:])
		first, last := i == 0, i+size == len(local)
		switch {
		case r == '%' && i+2 < len(local) && isHex(local[i+1]) && isHex(local[i+2]):
			// PERCENT: kept as written, the IRI keeps it too.
			dst = append(dst, local[i:i+3]...)
			i += 3
			continue
		case r == ':' || isPNCharsU(r) || ('0' <= r && r <= '9'):
			dst = utf8.AppendRune(dst, r)
		case !first && (isPNChars(r) || (r == '.' && !last)):
			dst = utf8.AppendRune(dst, r)
		case r < utf8.RuneSelf && strings.IndexByte(localEscapable, byte(r)) >= 0:
			dst = append(dst, '\\', byte(r))
		default:
			return dst, false
		}
		i += size
	}
	return dst, true
}

// prefixMap abbreviates IRIs with prefixed names.
type prefixMap struct {
	names []string // prefix names, longest namespace first
	ns    map[string]string
}

func newPrefixMap(prefixes map[string]string) *prefixMap {
	pm := &prefixMap{ns: prefixes}
	pm.names = sortedPrefixes(prefixes)
	// Longest namespace first, so that the most specific prefix wins;
	// ties keep the sorted name order so that output is deterministic.
	slices.SortStableFunc(pm.names, func(a, b string) int {
		return cmp.Compare(len(prefixes[b]), len(prefixes[a]))
	})
	return pm
}

// appendPrefixed appends iri as a prefixed name and reports whether it
// could.
func (pm *prefixMap) appendPrefixed(dst []byte, iri string) ([]byte, bool) {
	if pm == nil {
		return dst, false
	}
	for _, p := range pm.names {
		ns := pm.ns[p]
		if ns == "" || !strings.HasPrefix(iri, ns) {
			continue
		}
		n := len(dst)
		dst = append(dst, p...)
		dst = append(dst, ':')
		if out, ok := appendLocalName(dst, iri[len(ns):]); ok {
			return out, true
		}
		dst = dst[:n]
	}
	return dst, false
}
