package rdf

import (
	"fmt"
	"strings"
)

// iriParts are the five components of an IRI reference (RFC 3986 section
// 3). The has* flags distinguish an absent component from an empty one:
// "http://ex/a?" has an empty query, "http://ex/a" has none.
type iriParts struct {
	scheme    string
	authority string
	path      string
	query     string
	fragment  string

	hasScheme, hasAuthority, hasQuery, hasFragment bool
}

// schemeLen returns the length of the scheme of s (without the colon) or 0
// if s does not start with one. A scheme is ALPHA *( ALPHA / DIGIT / "+" /
// "-" / "." ) followed by ':'.
func schemeLen(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return i
		default:
			return 0
		}
	}
	return 0
}

// splitIRI splits an IRI reference into its components, as the regular
// expression of RFC 3986 appendix B does. It never fails: every string is
// some reference.
func splitIRI(s string) iriParts {
	var p iriParts
	if n := schemeLen(s); n > 0 {
		p.scheme, p.hasScheme = s[:n], true
		s = s[n+1:]
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		p.fragment, p.hasFragment = s[i+1:], true
		s = s[:i]
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		p.query, p.hasQuery = s[i+1:], true
		s = s[:i]
	}
	if strings.HasPrefix(s, "//") {
		s = s[2:]
		i := strings.IndexByte(s, '/')
		if i < 0 {
			i = len(s)
		}
		p.authority, p.hasAuthority = s[:i], true
		s = s[i:]
	}
	p.path = s
	return p
}

// String recomposes the components (RFC 3986 section 5.3).
func (p *iriParts) String() string {
	var b strings.Builder
	b.Grow(len(p.scheme) + len(p.authority) + len(p.path) + len(p.query) + len(p.fragment) + 6)
	if p.hasScheme {
		b.WriteString(p.scheme)
		b.WriteByte(':')
	}
	if p.hasAuthority {
		b.WriteString("//")
		b.WriteString(p.authority)
	}
	b.WriteString(p.path)
	if p.hasQuery {
		b.WriteByte('?')
		b.WriteString(p.query)
	}
	if p.hasFragment {
		b.WriteByte('#')
		b.WriteString(p.fragment)
	}
	return b.String()
}

// IsAbsoluteIRI reports whether s starts with a scheme, that is, whether it
// can stand on its own without a base IRI.
func IsAbsoluteIRI(s string) bool { return schemeLen(s) > 0 }

// ResolveIRI resolves the IRI reference ref against the absolute IRI base,
// following RFC 3986 section 5.2 (strict mode: a reference with a scheme is
// taken as is, apart from the removal of dot segments).
//
// The work is done on the strings as written: no percent-decoding, case
// folding or other normalisation, so non-ASCII characters survive
// unchanged. An absolute ref needs no base; a relative ref with an empty or
// relative base is an error.
func ResolveIRI(base, ref string) (string, error) {
	r := splitIRI(ref)
	if r.hasScheme {
		r.path = removeDotSegments(r.path)
		return r.String(), nil
	}
	if base == "" {
		return "", fmt.Errorf("cannot resolve relative IRI <%s>: no base IRI", ref)
	}
	b := splitIRI(base)
	if !b.hasScheme {
		return "", fmt.Errorf("cannot resolve <%s>: base IRI <%s> is not absolute", ref, base)
	}
	var t iriParts
	t.scheme, t.hasScheme = b.scheme, true
	switch {
	case r.hasAuthority:
		t.authority, t.hasAuthority = r.authority, true
		t.path = removeDotSegments(r.path)
		t.query, t.hasQuery = r.query, r.hasQuery
	case r.path == "":
		t.authority, t.hasAuthority = b.authority, b.hasAuthority
		t.path = b.path
		if r.hasQuery {
			t.query, t.hasQuery = r.query, true
		} else {
			t.query, t.hasQuery = b.query, b.hasQuery
		}
	default:
		t.authority, t.hasAuthority = b.authority, b.hasAuthority
		if r.path[0] == '/' {
			t.path = removeDotSegments(r.path)
		} else {
			t.path = removeDotSegments(mergePaths(&b, r.path))
		}
		t.query, t.hasQuery = r.query, r.hasQuery
	}
	t.fragment, t.hasFragment = r.fragment, r.hasFragment
	return t.String(), nil
}

// mergePaths implements RFC 3986 section 5.2.3: the relative path replaces
// the last segment of the base path.
func mergePaths(base *iriParts, rel string) string {
	if base.hasAuthority && base.path == "" {
		return "/" + rel
	}
	i := strings.LastIndexByte(base.path, '/')
	return base.path[:i+1] + rel
}

// removeDotSegments implements RFC 3986 section 5.2.4, interpreting "." and
// ".." segments of a path.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in // the common case: nothing to do
	}
	out := make([]byte, 0, len(in))
	for len(in) > 0 {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in = in[3:]
			out = out[:lastSegmentStart(out)]
		case in == "/..":
			in = "/"
			out = out[:lastSegmentStart(out)]
		case in == "." || in == "..":
			in = ""
		default:
			// Move the first segment, with its leading '/' if any, to
			// the output.
			i := 0
			if in[0] == '/' {
				i = 1
			}
			j := strings.IndexByte(in[i:], '/')
			if j < 0 {
				j = len(in)
			} else {
				j += i
			}
			out = append(out, in[:j]...)
			in = in[j:]
		}
	}
	return string(out)
}

// lastSegmentStart returns the index of the last '/' in out (the start of
// its last segment), or 0 if there is none.
func lastSegmentStart(out []byte) int {
	for i := len(out) - 1; i >= 0; i-- {
		if out[i] == '/' {
			return i
		}
	}
	return 0
}
