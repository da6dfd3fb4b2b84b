package parser

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

// tokenKind classifies a lexical token of the SPARQL grammar (section 19.8).
type tokenKind uint8

const (
	tokEOF     tokenKind = iota
	tokIRI               // IRIREF; text is the IRI between the brackets, unresolved
	tokPName             // PNAME_NS or PNAME_LN; text is the prefix, local the local part
	tokBlank             // BLANK_NODE_LABEL; text is the label without "_:"
	tokVar               // VAR1 or VAR2; text is the name without "?" or "$"
	tokString            // any of the four string forms; text is the unescaped value
	tokLangTag           // LANGTAG; text is the tag without "@"
	tokInteger           // INTEGER
	tokDecimal           // DECIMAL
	tokDouble            // DOUBLE
	tokKeyword           // a bare word: keyword, function name, "a", true/false
	tokPunct             // an operator or punctuation mark
)

// token is one lexical token with the position of its first character.
type token struct {
	kind  tokenKind
	text  string
	local string // local part of a prefixed name
	off   int    // byte offset in the (escape-processed) source
	end   int    // byte offset just past the token
	line  int
	col   int
}

// describe renders the token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokIRI:
		return "<" + t.text + ">"
	case tokPName:
		return "'" + t.text + ":" + t.local + "'"
	case tokBlank:
		return "'_:" + t.text + "'"
	case tokVar:
		return "'?" + t.text + "'"
	case tokString:
		return "string literal"
	case tokLangTag:
		return "'@" + t.text + "'"
	}
	return "'" + t.text + "'"
}

// lexer splits a query string into tokens. It works on the string after
// codepoint escapes have been replaced (section 19.2).
type lexer struct {
	src  string
	file string
	pos  int
	line int
	col  int // 1-based column of src[pos], in runes
}

// unescapeCodepoints replaces \uXXXX and \UXXXXXXXX escapes in one pass, as
// section 19.2 requires before the query is parsed. A character produced by
// an escape is never part of another escape. Escapes that denote surrogate
// code points are rejected.
func unescapeCodepoints(src, file string) (string, error) {
	if !strings.Contains(src, `\u`) && !strings.Contains(src, `\U`) {
		return src, nil
	}
	var b strings.Builder
	line, col := 1, 1
	for i := 0; i < len(src); {
		c := src[i]
		if c == '\\' && i+1 < len(src) {
			switch src[i+1] {
			case '\\':
				// An escaped backslash (inside a string): keep both so that
				// "\\u0041" stays a backslash followed by "u0041".
				b.WriteString(`\\`)
				i += 2
				col += 2
				continue
			case 'u', 'U':
				n := 4
				if src[i+1] == 'U' {
					n = 8
				}
				if i+2+n > len(src) {
					return "", &rdf.SyntaxError{File: file, Line: line, Col: col, Msg: "truncated codepoint escape"}
				}
				var r rune
				for _, h := range []byte(src[i+2 : i+2+n]) {
					d := hexValue(h)
					if d < 0 {
						return "", &rdf.SyntaxError{File: file, Line: line, Col: col, Msg: fmt.Sprintf("invalid codepoint escape %q", src[i:i+2+n])}
					}
					r = r<<4 | rune(d)
				}
				if r > utf8.MaxRune || (r >= 0xD800 && r <= 0xDFFF) {
					return "", &rdf.SyntaxError{File: file, Line: line, Col: col, Msg: fmt.Sprintf("codepoint escape %q is not a Unicode scalar value", src[i:i+2+n])}
				}
				b.WriteRune(r)
				i += 2 + n
				col += 2 + n
				continue
			}
		}
		if c == '\n' {
			line++
			col = 1
		} else if c < utf8.RuneSelf || utf8.RuneStart(c) {
			col++
		}
		b.WriteByte(c)
		i++
	}
	return b.String(), nil
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (l *lexer) errorf(line, col int, format string, args ...any) error {
	return &rdf.SyntaxError{File: l.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// runeAt returns the rune at byte offset off and its width, or -1 at the
// end.
func (l *lexer) runeAt(off int) (rune, int) {
	if off >= len(l.src) {
		return -1, 0
	}
	c := l.src[off]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(l.src[off:])
}

// advance moves past n bytes that contain no newline.
func (l *lexer) advance(n int) {
	l.col += utf8.RuneCountInString(l.src[l.pos : l.pos+n])
	l.pos += n
}

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() {
	for l.pos < len(l.src) {
		switch c := l.src[l.pos]; c {
		case ' ', '\t', '\r':
			l.pos++
			l.col++
		case '\n':
			l.pos++
			l.line++
			l.col = 1
		case '#':
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		default:
			return
		}
	}
}

// next returns the next token.
func (l *lexer) next() (token, error) {
	l.skipSpace()
	t := token{off: l.pos, line: l.line, col: l.col}
	if l.pos >= len(l.src) {
		t.kind = tokEOF
		t.end = l.pos
		return t, nil
	}
	c := l.src[l.pos]
	var err error
	switch {
	case c == '<':
		if n := l.scanIRIRef(); n > 0 {
			t.kind = tokIRI
			t.text = l.src[l.pos+1 : l.pos+n-1]
			l.advance(n)
		} else if strings.HasPrefix(l.src[l.pos:], "<=") {
			t.kind, t.text = tokPunct, "<="
			l.advance(2)
		} else {
			t.kind, t.text = tokPunct, "<"
			l.advance(1)
		}
	case c == '?' || c == '$':
		r, _ := l.runeAt(l.pos + 1)
		if r >= 0 && (isPNCharsU(r) || (r >= '0' && r <= '9')) {
			n := 1
			for {
				r, w := l.runeAt(l.pos + n)
				if r < 0 || !isVarChar(r) {
					break
				}
				n += w
			}
			t.kind, t.text = tokVar, l.src[l.pos+1:l.pos+n]
			l.advance(n)
		} else if c == '?' {
			t.kind, t.text = tokPunct, "?"
			l.advance(1)
		} else {
			return t, l.errorf(t.line, t.col, "expected a variable name after '$'")
		}
	case c == '"' || c == '\'':
		t.kind = tokString
		t.text, err = l.scanString()
	case c == '@':
		n := 1
		for n < len(l.src)-l.pos && isAlpha(l.src[l.pos+n]) {
			n++
		}
		if n == 1 {
			return t, l.errorf(t.line, t.col, "expected a language tag after '@'")
		}
		for l.pos+n+1 < len(l.src) && l.src[l.pos+n] == '-' && isAlnum(l.src[l.pos+n+1]) {
			n += 2
			for l.pos+n < len(l.src) && isAlnum(l.src[l.pos+n]) {
				n++
			}
		}
		t.kind, t.text = tokLangTag, l.src[l.pos+1:l.pos+n]
		l.advance(n)
	case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]):
		l.scanNumber(&t)
	case c == '_' && l.pos+1 < len(l.src) && l.src[l.pos+1] == ':':
		t.kind = tokBlank
		t.text, err = l.scanBlankLabel()
	case c == ':':
		t.kind = tokPName
		l.advance(1)
		t.local, err = l.scanLocal()
	default:
		r, _ := l.runeAt(l.pos)
		if isPNCharsBase(r) {
			l.scanWord(&t)
			if t.kind == tokPName {
				t.local, err = l.scanLocal()
			}
			break
		}
		for _, p := range []string{"^^", "&&", "||", "!=", ">=", "<="} {
			if strings.HasPrefix(l.src[l.pos:], p) {
				t.kind, t.text = tokPunct, p
				l.advance(2)
				break
			}
		}
		if t.kind == tokPunct {
			break
		}
		if strings.ContainsRune("{}()[];,.=<>!+-*/^|", r) {
			t.kind, t.text = tokPunct, string(r)
			l.advance(1)
			break
		}
		return t, l.errorf(t.line, t.col, "unexpected character %q", r)
	}
	if err != nil {
		return t, err
	}
	t.end = l.pos
	return t, nil
}

// scanIRIRef returns the byte length of the IRIREF at l.pos, or 0 if there
// is none.
func (l *lexer) scanIRIRef() int {
	for i := l.pos + 1; i < len(l.src); i++ {
		c := l.src[i]
		switch {
		case c == '>':
			return i - l.pos + 1
		case c <= 0x20 || c == '<' || c == '"' || c == '{' || c == '}' || c == '|' || c == '^' || c == '`' || c == '\\':
			return 0
		}
	}
	return 0
}

// scanString scans one of the four string literal forms and returns its
// value with ECHAR escapes processed.
func (l *lexer) scanString() (string, error) {
	line, col := l.line, l.col
	q := l.src[l.pos]
	long := l.pos+2 < len(l.src) && l.src[l.pos+1] == q && l.src[l.pos+2] == q
	if long {
		l.advance(3)
	} else {
		l.advance(1)
	}
	var b strings.Builder
	for {
		if l.pos >= len(l.src) {
			return "", l.errorf(line, col, "unterminated string literal")
		}
		c := l.src[l.pos]
		switch {
		case c == q && !long:
			l.advance(1)
			return b.String(), nil
		case c == q && long && strings.HasPrefix(l.src[l.pos:], string([]byte{q, q, q})):
			// A long string may end with up to two quote characters
			// before the closing triple.
			n := 3
			for l.pos+n < len(l.src) && l.src[l.pos+n] == q && n < 5 {
				n++
			}
			for i := 3; i < n; i++ {
				b.WriteByte(q)
			}
			l.advance(n)
			return b.String(), nil
		case c == '\\':
			if l.pos+1 >= len(l.src) {
				return "", l.errorf(l.line, l.col, "unterminated string literal")
			}
			var e byte
			switch l.src[l.pos+1] {
			case 't':
				e = '\t'
			case 'b':
				e = '\b'
			case 'n':
				e = '\n'
			case 'r':
				e = '\r'
			case 'f':
				e = '\f'
			case '"':
				e = '"'
			case '\'':
				e = '\''
			case '\\':
				e = '\\'
			default:
				return "", l.errorf(l.line, l.col, "invalid escape sequence %q in string", l.src[l.pos:l.pos+2])
			}
			b.WriteByte(e)
			l.advance(2)
		case (c == '\n' || c == '\r') && !long:
			return "", l.errorf(line, col, "line break in short string literal")
		case c == '\n':
			b.WriteByte(c)
			l.pos++
			l.line++
			l.col = 1
		default:
			r, w := l.runeAt(l.pos)
			if r == utf8.RuneError && w == 1 {
				return "", l.errorf(l.line, l.col, "invalid UTF-8 in string literal")
			}
			b.WriteString(l.src[l.pos : l.pos+w])
			l.advance(w)
		}
	}
}

// scanNumber scans INTEGER, DECIMAL or DOUBLE (without sign).
func (l *lexer) scanNumber(t *token) {
	s := l.src
	i := l.pos
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	kind := tokInteger
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j > i+1 {
			kind = tokDecimal
			i = j
		} else if e := exponentLen(s, j); e > 0 && i > l.pos {
			// "1.e5" is a DOUBLE.
			kind = tokDouble
			i = j
		}
	}
	if e := exponentLen(s, i); e > 0 {
		kind = tokDouble
		i += e
	}
	t.kind = kind
	t.text = s[l.pos:i]
	l.advance(i - l.pos)
}

// exponentLen returns the length of the EXPONENT at s[i:], or 0.
func exponentLen(s string, i int) int {
	if i >= len(s) || (s[i] != 'e' && s[i] != 'E') {
		return 0
	}
	j := i + 1
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	k := j
	for k < len(s) && isDigit(s[k]) {
		k++
	}
	if k == j {
		return 0
	}
	return k - i
}

// scanBlankLabel scans "_:" and a BLANK_NODE_LABEL.
func (l *lexer) scanBlankLabel() (string, error) {
	line, col := l.line, l.col
	l.advance(2)
	r, w := l.runeAt(l.pos)
	if r < 0 || !(isPNCharsU(r) || (r >= '0' && r <= '9')) {
		return "", l.errorf(line, col, "expected a blank node label after '_:'")
	}
	n := w
	for {
		r, w := l.runeAt(l.pos + n)
		if r < 0 || !(isPNChars(r) || r == '.') {
			break
		}
		n += w
	}
	for l.src[l.pos+n-1] == '.' {
		n--
	}
	label := l.src[l.pos : l.pos+n]
	l.advance(n)
	return label, nil
}

// scanWord scans a bare word starting at a PN_CHARS_BASE character: either
// the prefix of a prefixed name (when a ':' follows) or a keyword.
func (l *lexer) scanWord(t *token) {
	n := 0
	for {
		r, w := l.runeAt(l.pos + n)
		if r < 0 || !(isPNChars(r) || r == '.') {
			break
		}
		n += w
	}
	for n > 0 && l.src[l.pos+n-1] == '.' {
		n--
	}
	if l.pos+n < len(l.src) && l.src[l.pos+n] == ':' {
		t.kind, t.text = tokPName, l.src[l.pos:l.pos+n]
		l.advance(n + 1)
		return
	}
	// A keyword is made of letters, digits and underscores only.
	n = 0
	for l.pos+n < len(l.src) && (isAlnum(l.src[l.pos+n]) || l.src[l.pos+n] == '_') {
		n++
	}
	if n == 0 {
		// A non-ASCII name character that is not a prefix.
		_, w := l.runeAt(l.pos)
		n = w
	}
	t.kind, t.text = tokKeyword, l.src[l.pos:l.pos+n]
	l.advance(n)
}

// scanLocal scans the PN_LOCAL part of a prefixed name (possibly empty) and
// returns it with PN_LOCAL_ESC escapes removed; percent escapes are kept.
func (l *lexer) scanLocal() (string, error) {
	var b strings.Builder
	// PN_LOCAL may not end with '.': valid and validLen remember the
	// source and output lengths up to the last character that may end it.
	n, valid, validLen := 0, 0, 0
	first := true
	for {
		r, w := l.runeAt(l.pos + n)
		if r < 0 {
			break
		}
		switch {
		case r == '%':
			if l.pos+n+2 >= len(l.src) || hexValue(l.src[l.pos+n+1]) < 0 || hexValue(l.src[l.pos+n+2]) < 0 {
				return "", l.errorf(l.line, l.col+n, "invalid percent escape in prefixed name")
			}
			b.WriteString(l.src[l.pos+n : l.pos+n+3])
			n += 3
			valid, validLen = n, b.Len()
		case r == '\\':
			if l.pos+n+1 >= len(l.src) || !strings.ContainsRune("_~.-!$&'()*+,;=/?#@%", rune(l.src[l.pos+n+1])) {
				return "", l.errorf(l.line, l.col+n, "invalid escape in prefixed name")
			}
			b.WriteByte(l.src[l.pos+n+1])
			n += 2
			valid, validLen = n, b.Len()
		case first && (isPNCharsU(r) || r == ':' || (r >= '0' && r <= '9')),
			!first && (isPNChars(r) || r == ':'):
			b.WriteRune(r)
			n += w
			valid, validLen = n, b.Len()
		case !first && r == '.':
			b.WriteRune(r)
			n += w
		default:
			goto done
		}
		first = false
	}
done:
	s := b.String()[:validLen]
	l.advance(valid)
	return s, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }

// isPNCharsBase reports whether r is a PN_CHARS_BASE character.
func isPNCharsBase(r rune) bool {
	switch {
	case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
		return true
	case r < 0xC0:
		return false
	case r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF,
		r >= 0x200C && r <= 0x200D, r >= 0x2070 && r <= 0x218F,
		r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD,
		r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}

func isPNCharsU(r rune) bool { return r == '_' || isPNCharsBase(r) }

// isPNChars reports whether r is a PN_CHARS character.
func isPNChars(r rune) bool {
	return isPNCharsU(r) || r == '-' || (r >= '0' && r <= '9') || r == 0xB7 ||
		(r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}

// isVarChar reports whether r may appear after the first character of a
// VARNAME.
func isVarChar(r rune) bool {
	return isPNCharsU(r) || (r >= '0' && r <= '9') || r == 0xB7 ||
		(r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}
