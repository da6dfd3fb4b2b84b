package ntriples

import "unicode/utf8"

// Character classes of the N-Triples 1.1 grammar. The scanners test ASCII
// bytes against these tables and fall back to rune decoding only for bytes
// 0x80 and above, which every table marks as "stop".

// iriStop marks the bytes that end the fast scan of an IRIREF: the closing
// '>', the escape introducer '\\', the bytes IRIREF excludes (#x00-#x20 and
// <>"{}|^`) and every non-ASCII byte, which the slow path validates as UTF-8.
//
// The stop tables hold 0 or 1 rather than bool so that the scanners can OR
// eight lookups together and branch once per eight bytes.
var iriStop = func() (t [256]uint8) {
	for c := 0; c <= 0x20; c++ {
		t[c] = 1
	}
	for _, c := range []byte("<>\"{}|^`\\") {
		t[c] = 1
	}
	for c := 0x80; c < 256; c++ {
		t[c] = 1
	}
	return t
}()

// stringStop marks the bytes that end the fast scan of a
// STRING_LITERAL_QUOTE: the closing quote, '\\', the line breaks the
// production excludes, and non-ASCII bytes.
var stringStop = func() (t [256]uint8) {
	t['"'] = 1
	t['\\'] = 1
	t['\n'] = 1
	t['\r'] = 1
	for c := 0x80; c < 256; c++ {
		t[c] = 1
	}
	return t
}()

// scan returns the offset of the first byte at or after p that stop marks,
// or len(c). It is the parser's inner loop.
func scan(c []byte, p int, stop *[256]uint8) int {
	for ; p+8 <= len(c); p += 8 {
		w := c[p : p+8 : p+8]
		if stop[w[0]]|stop[w[1]]|stop[w[2]]|stop[w[3]]|stop[w[4]]|stop[w[5]]|stop[w[6]]|stop[w[7]] != 0 {
			break
		}
	}
	for p < len(c) && stop[c[p]] == 0 {
		p++
	}
	return p
}

// blankFirst marks the ASCII bytes that may start a blank node label:
// PN_CHARS_U (letters and '_') and digits. The N-Triples 1.1 grammar also
// lists ':' in PN_CHARS_U, unlike Turtle, of which N-Triples is meant to be
// a subset; that is taken to be a mistake in the grammar, and the W3C test
// suite rejects "_::a" and "_:abc:def", so we follow Turtle.
//
// blankRest marks the ASCII bytes that may follow: PN_CHARS ('-' and
// digits besides PN_CHARS_U) and '.', which must not be last.
var blankFirst, blankRest = func() (first, rest [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		first[c], rest[c] = true, true
	}
	for c := 'A'; c <= 'Z'; c++ {
		first[c], rest[c] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		first[c], rest[c] = true, true
	}
	first['_'], rest['_'] = true, true
	rest['-'] = true
	rest['.'] = true
	return first, rest
}()

// isPNCharsBase reports whether the non-ASCII rune r is in PN_CHARS_BASE.
func isPNCharsBase(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6,
		r >= 0xD8 && r <= 0xF6,
		r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D,
		r >= 0x37F && r <= 0x1FFF,
		r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F,
		r >= 0x2C00 && r <= 0x2FEF,
		r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF,
		r >= 0xFDF0 && r <= 0xFFFD,
		r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}

// isPNChars reports whether the non-ASCII rune r is in PN_CHARS.
func isPNChars(r rune) bool {
	return isPNCharsBase(r) || r == 0xB7 || (r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}

// isAlpha reports whether c is an ASCII letter.
func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// hexValue returns the value of the hex digit c, or -1.
func hexValue(c byte) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

// hasScheme reports whether iri starts with a URI scheme and its ':'
// (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"), that is whether it is
// absolute. N-Triples has no base IRI, so relative references are errors.
func hasScheme[S ~string | ~[]byte](iri S) bool {
	if len(iri) == 0 || !isAlpha(iri[0]) {
		return false
	}
	for i := 1; i < len(iri); i++ {
		switch c := iri[i]; {
		case c == ':':
			return true
		case isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.':
		default:
			return false
		}
	}
	return false
}

// validBlankLabel reports whether s is a BLANK_NODE_LABEL without "_:".
func validBlankLabel(s string) bool {
	if s == "" || s[len(s)-1] == '.' || !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		if r < 0x80 {
			if i == 0 && !blankFirst[r] || i > 0 && !blankRest[r] {
				return false
			}
			continue
		}
		if i == 0 && !isPNCharsBase(r) || i > 0 && !isPNChars(r) {
			return false
		}
	}
	return true
}

// validLangTag reports whether s matches [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*.
func validLangTag(s string) bool {
	i := 0
	for i < len(s) && isAlpha(s[i]) {
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) {
		if s[i] != '-' {
			return false
		}
		i++
		j := i
		for i < len(s) && (isAlpha(s[i]) || isDigit(s[i])) {
			i++
		}
		if i == j {
			return false
		}
	}
	return true
}
