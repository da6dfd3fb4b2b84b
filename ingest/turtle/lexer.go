package turtle

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

// tokenKind is the terminal a token belongs to.
type tokenKind uint8

const (
	tokEOF        tokenKind = iota
	tokIRI                  // <...>, text is the unescaped IRI as written
	tokPNameNS              // prefix:, text is "prefix:"
	tokPNameLN              // prefix:local, text is "prefix:local" with escapes removed
	tokBlankLabel           // _:label, text is the label
	tokString               // any of the four quoted forms, text is the value
	tokLangTag              // @tag, text is the tag (also @prefix and @base)
	tokInteger              // text is the lexical form as written
	tokDecimal              // text is the lexical form as written
	tokDouble               // text is the lexical form as written
	tokWord                 // a bare word: a, true, false, PREFIX, BASE, GRAPH
	tokDot
	tokSemicolon
	tokComma
	tokLBracket
	tokRBracket
	tokLParen
	tokRParen
	tokLBrace
	tokRBrace
	tokCaretCaret
)

var punctText = [...]string{
	tokDot:        ".",
	tokSemicolon:  ";",
	tokComma:      ",",
	tokLBracket:   "[",
	tokRBracket:   "]",
	tokLParen:     "(",
	tokRParen:     ")",
	tokLBrace:     "{",
	tokRBrace:     "}",
	tokCaretCaret: "^^",
}

// token is one lexed terminal. Its text aliases the lexer's scratch buffer
// and is only valid until the next token is lexed.
type token struct {
	kind      tokenKind
	line, col int
	text      []byte
	colon     int // index of ':' in text, for prefixed names
}

// String describes t for error messages.
func (t *token) String() string {
	switch t.kind {
	case tokEOF:
		return "end of input"
	case tokIRI:
		return fmt.Sprintf("IRI <%s>", t.text)
	case tokPNameNS, tokPNameLN:
		return fmt.Sprintf("prefixed name '%s'", t.text)
	case tokBlankLabel:
		return fmt.Sprintf("blank node '_:%s'", t.text)
	case tokString:
		s := string(t.text)
		if len(s) > 40 {
			s = s[:37] + "..."
		}
		return fmt.Sprintf("string %q", s)
	case tokLangTag:
		return fmt.Sprintf("'@%s'", t.text)
	case tokInteger, tokDecimal, tokDouble:
		return fmt.Sprintf("number %s", t.text)
	case tokWord:
		return fmt.Sprintf("'%s'", t.text)
	}
	return "'" + punctText[t.kind] + "'"
}

// lexer splits Turtle and TriG text into tokens. It reads through its own
// buffer so that the hot loops work on byte slices, and never holds more of
// the input than the current token and a few bytes of lookahead.
type lexer struct {
	r       io.Reader
	file    string
	buf     []byte
	pos     int   // next unread byte in buf
	end     int   // end of valid data in buf
	readErr error // the error that ended reading; io.EOF at the end

	line, col int // position of buf[pos], 1-based; col counts runes

	scratch []byte // token text
	started bool   // whether the first token has been lexed
}

const bufSize = 64 << 10

func (l *lexer) init(r io.Reader, file string) {
	l.r = r
	l.file = file
	l.buf = make([]byte, bufSize)
	l.line, l.col = 1, 1
	l.scratch = make([]byte, 0, 256)
}

// fill tries to make at least n unread bytes available and reports whether
// it could.
func (l *lexer) fill(n int) bool {
	for l.end-l.pos < n {
		if l.readErr != nil {
			return false
		}
		if l.pos > 0 {
			copy(l.buf, l.buf[l.pos:l.end])
			l.end -= l.pos
			l.pos = 0
		}
		if l.end == len(l.buf) {
			l.buf = append(l.buf, make([]byte, len(l.buf))...)
		}
		m, err := l.r.Read(l.buf[l.end:])
		l.end += m
		if err != nil {
			l.readErr = err
		}
	}
	return true
}

// peek returns the unread byte at offset k, or -1 at the end of the input.
func (l *lexer) peek(k int) int {
	if l.pos+k >= l.end && !l.fill(k+1) {
		return -1
	}
	return int(l.buf[l.pos+k])
}

// peekRune decodes the rune at byte offset k. It returns (-1, 0) at the
// end of the input and (utf8.RuneError, 1) for invalid UTF-8.
func (l *lexer) peekRune(k int) (rune, int) {
	if l.pos+k+utf8.UTFMax > l.end {
		l.fill(k + utf8.UTFMax)
	}
	if l.pos+k >= l.end {
		return -1, 0
	}
	c := l.buf[l.pos+k]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRune(l.buf[l.pos+k : l.end])
}

// advance consumes n bytes, keeping the line and column up to date.
func (l *lexer) advance(n int) {
	for _, c := range l.buf[l.pos : l.pos+n] {
		if c == '\n' {
			l.line++
			l.col = 1
		} else if c&0xC0 != 0x80 {
			l.col++
		}
	}
	l.pos += n
}

// take appends the next n bytes to the token text and consumes them.
func (l *lexer) take(n int) {
	l.scratch = append(l.scratch, l.buf[l.pos:l.pos+n]...)
	l.advance(n)
}

func (l *lexer) errorAt(line, col int, format string, args ...any) error {
	return &rdf.SyntaxError{File: l.file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// errorHere reports an error at the current position.
func (l *lexer) errorHere(format string, args ...any) error {
	return l.errorAt(l.line, l.col, format, args...)
}

// endError is the error for input that ends inside a token: a read error
// if that is why it ended, else a syntax error.
func (l *lexer) endError(line, col int, what string) error {
	if err := l.readError(); err != nil {
		return err
	}
	return l.errorAt(line, col, "unterminated %s", what)
}

// readError returns the error that stopped reading the input, if it was
// not the end of the input.
func (l *lexer) readError() error {
	if l.readErr == nil || l.readErr == io.EOF {
		return nil
	}
	if l.file == "" {
		return fmt.Errorf("reading Turtle: %w", l.readErr)
	}
	return fmt.Errorf("reading %s: %w", l.file, l.readErr)
}

// skipSpace skips white space and comments.
func (l *lexer) skipSpace() {
	for {
		for l.pos < l.end {
			switch l.buf[l.pos] {
			case ' ', '\t', '\r':
				l.pos++
				l.col++
				continue
			case '\n':
				l.pos++
				l.line++
				l.col = 1
				continue
			case '#':
				for {
					c := l.peek(0)
					if c < 0 || c == '\n' || c == '\r' {
						break
					}
					l.advance(1)
				}
				continue
			}
			return
		}
		if !l.fill(1) {
			return
		}
	}
}

// next lexes the next token into t.
func (l *lexer) next(t *token) error {
	if !l.started {
		// A byte order mark may open the document; it is not part of it.
		l.started = true
		if l.peek(0) == 0xEF && l.peek(1) == 0xBB && l.peek(2) == 0xBF {
			l.pos += 3
		}
	}
	l.skipSpace()
	t.line, t.col = l.line, l.col
	t.text = nil
	l.scratch = l.scratch[:0]
	c := l.peek(0)
	switch c {
	case -1:
		if err := l.readError(); err != nil {
			return err
		}
		t.kind = tokEOF
		return nil
	case '<':
		return l.lexIRI(t)
	case '"', '\'':
		return l.lexString(t, byte(c))
	case '@':
		return l.lexLangTag(t)
	case '_':
		if l.peek(1) != ':' {
			return l.errorHere("expected ':' after '_' to start a blank node label")
		}
		return l.lexBlankLabel(t)
	case '.':
		if d := l.peek(1); d >= 0 && isDigit(byte(d)) {
			return l.lexNumber(t)
		}
		return l.punct(t, tokDot, 1)
	case '+', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return l.lexNumber(t)
	case '^':
		if l.peek(1) != '^' {
			return l.errorHere("expected '^^', found '^'")
		}
		return l.punct(t, tokCaretCaret, 2)
	case ';':
		return l.punct(t, tokSemicolon, 1)
	case ',':
		return l.punct(t, tokComma, 1)
	case '[':
		return l.punct(t, tokLBracket, 1)
	case ']':
		return l.punct(t, tokRBracket, 1)
	case '(':
		return l.punct(t, tokLParen, 1)
	case ')':
		return l.punct(t, tokRParen, 1)
	case '{':
		return l.punct(t, tokLBrace, 1)
	case '}':
		return l.punct(t, tokRBrace, 1)
	case ':':
		return l.lexName(t)
	}
	r, _ := l.peekRune(0)
	if isPNCharsBase(r) {
		return l.lexName(t)
	}
	if r == utf8.RuneError {
		return l.errorHere("invalid UTF-8")
	}
	return l.errorHere("unexpected character %q", r)
}

func (l *lexer) punct(t *token, k tokenKind, n int) error {
	t.kind = k
	l.advance(n)
	return nil
}

// lexIRI lexes an IRIREF: '<' ([^#x00-#x20<>"{}|^`\] | UCHAR)* '>'.
func (l *lexer) lexIRI(t *token) error {
	l.advance(1)
	for {
		// Fast path: copy a run of ordinary characters.
		i := l.pos
		cols := 0
		for i < l.end {
			c := l.buf[i]
			if c < 128 && asciiClass[c]&classIRIBad != 0 {
				break
			}
			if c&0xC0 != 0x80 {
				cols++
			}
			i++
		}
		l.scratch = append(l.scratch, l.buf[l.pos:i]...)
		l.col += cols
		l.pos = i
		c := l.peek(0)
		switch {
		case c < 0:
			return l.endError(t.line, t.col, "IRI")
		case c == '>':
			l.advance(1)
			t.kind = tokIRI
			t.text = l.scratch
			return nil
		case c == '\\':
			if e := l.peek(1); e != 'u' && e != 'U' {
				return l.errorHere("invalid escape in IRI: only \\u and \\U are allowed")
			}
			if err := l.lexUCHAR(true); err != nil {
				return err
			}
		case c < 128 && asciiClass[c]&classIRIBad != 0:
			return l.errorHere("character %q is not allowed in an IRI", rune(c))
		}
	}
}

// lexUCHAR decodes \uXXXX or \UXXXXXXXX at the current position and
// appends the character to the token text. In an IRI (inIRI), an escape may
// not stand for a character that IRIREF excludes.
func (l *lexer) lexUCHAR(inIRI bool) error {
	n := 4
	if l.peek(1) == 'U' {
		n = 8
	}
	var r rune
	for k := 2; k < 2+n; k++ {
		c := l.peek(k)
		if c < 0 || !isHex(byte(c)) {
			return l.errorHere("invalid numeric escape: \\%c needs %d hexadecimal digits", l.buf[l.pos+1], n)
		}
		r = r<<4 | hexVal(byte(c))
	}
	if r > utf8.MaxRune || 0xD800 <= r && r <= 0xDFFF {
		return l.errorHere("numeric escape %s is not a Unicode scalar value", l.buf[l.pos:l.pos+2+n])
	}
	if inIRI && r < 128 && asciiClass[r]&classIRIBad != 0 {
		return l.errorHere("numeric escape %s stands for %q, which is not allowed in an IRI", l.buf[l.pos:l.pos+2+n], r)
	}
	l.scratch = utf8.AppendRune(l.scratch, r)
	l.advance(2 + n)
	return nil
}

// lexString lexes the four string forms, with quote q.
func (l *lexer) lexString(t *token, q byte) error {
	t.kind = tokString
	long := false
	if l.peek(1) == int(q) {
		if l.peek(2) != int(q) {
			l.advance(2) // empty short string
			t.text = l.scratch
			return nil
		}
		long = true
		l.advance(3)
	} else {
		l.advance(1)
	}
	for {
		i := l.pos
		cols := 0
		for i < l.end {
			c := l.buf[i]
			if c == q || c == '\\' || c == '\n' || c == '\r' {
				break
			}
			if c&0xC0 != 0x80 {
				cols++
			}
			i++
		}
		l.scratch = append(l.scratch, l.buf[l.pos:i]...)
		l.col += cols
		l.pos = i
		c := l.peek(0)
		switch {
		case c < 0:
			return l.endError(t.line, t.col, "string")
		case c == int(q):
			if !long {
				l.advance(1)
				t.text = l.scratch
				return nil
			}
			if l.peek(1) == int(q) && l.peek(2) == int(q) {
				l.advance(3)
				t.text = l.scratch
				return nil
			}
			l.take(1)
		case c == '\\':
			if err := l.lexEscape(); err != nil {
				return err
			}
		case c == '\n' || c == '\r':
			if !long {
				return l.errorHere("line break in a short string (use \\n or a long string)")
			}
			l.take(1)
		}
		// Otherwise the fast loop stopped at the end of the buffer, which
		// peek has just refilled.
	}
}

// lexEscape decodes ECHAR or UCHAR in a string.
func (l *lexer) lexEscape() error {
	var r byte
	switch e := l.peek(1); e {
	case 't':
		r = '\t'
	case 'b':
		r = '\b'
	case 'n':
		r = '\n'
	case 'r':
		r = '\r'
	case 'f':
		r = '\f'
	case '"', '\'', '\\':
		r = byte(e)
	case 'u', 'U':
		return l.lexUCHAR(false)
	case -1:
		return l.endError(l.line, l.col, "escape sequence")
	default:
		rr, _ := l.peekRune(1)
		return l.errorHere("invalid escape sequence \\%c", rr)
	}
	l.scratch = append(l.scratch, r)
	l.advance(2)
	return nil
}

// lexLangTag lexes '@' [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*.
func (l *lexer) lexLangTag(t *token) error {
	l.advance(1)
	n := 0
	for c := l.peek(n); c >= 0 && isLetter(byte(c)); c = l.peek(n) {
		n++
	}
	if n == 0 {
		return l.errorHere("expected a language tag or keyword after '@'")
	}
	for l.peek(n) == '-' {
		c := l.peek(n + 1)
		if c < 0 || !isLetter(byte(c)) && !isDigit(byte(c)) {
			break
		}
		n += 2
		for c := l.peek(n); c >= 0 && (isLetter(byte(c)) || isDigit(byte(c))); c = l.peek(n) {
			n++
		}
	}
	l.take(n)
	t.kind = tokLangTag
	t.text = l.scratch
	return nil
}

// dotsContinue reports whether the run of '.' at offset k is followed by a
// character for which ok returns true, so that the dots belong to the name
// being lexed rather than ending the statement.
func (l *lexer) dotsContinue(k int, ok func(rune) bool) bool {
	for l.peek(k) == '.' {
		k++
	}
	r, _ := l.peekRune(k)
	return r >= 0 && ok(r)
}

// lexBlankLabel lexes '_:' (PN_CHARS_U | [0-9]) ((PN_CHARS | '.')* PN_CHARS)?.
func (l *lexer) lexBlankLabel(t *token) error {
	l.advance(2)
	r, n := l.peekRune(0)
	if r < 0 || !isPNCharsU(r) && !(r < 128 && isDigit(byte(r))) {
		return l.errorHere("invalid blank node label: expected a name character after '_:'")
	}
	l.take(n)
	l.lexNameChars()
	t.kind = tokBlankLabel
	t.text = l.scratch
	return nil
}

// lexNameChars appends PN_CHARS, and dots when more PN_CHARS follow them:
// the tail ((PN_CHARS | '.')* PN_CHARS)? of prefixes and blank node labels.
func (l *lexer) lexNameChars() {
	for {
		c := l.peek(0)
		switch {
		case c < 0:
			return
		case c == '.':
			if !l.dotsContinue(0, isPNChars) {
				return
			}
			l.take(1)
		case c < 128:
			if asciiClass[c]&classChars == 0 {
				return
			}
			l.take(1)
		default:
			r, n := l.peekRune(0)
			if !isPNChars(r) {
				return
			}
			l.take(n)
		}
	}
}

// lexName lexes a prefixed name (PNAME_NS or PNAME_LN) or a bare word.
func (l *lexer) lexName(t *token) error {
	if l.peek(0) != ':' {
		// PN_PREFIX ::= PN_CHARS_BASE ((PN_CHARS | '.')* PN_CHARS)?
		_, n := l.peekRune(0)
		l.take(n)
		l.lexNameChars()
		if l.peek(0) != ':' {
			t.kind = tokWord
			t.text = l.scratch
			return nil
		}
	}
	t.colon = len(l.scratch)
	l.take(1)
	t.kind = tokPNameNS
	if err := l.lexLocal(); err != nil {
		return err
	}
	if len(l.scratch) > t.colon+1 {
		t.kind = tokPNameLN
	}
	t.text = l.scratch
	return nil
}

// isLocalChar reports whether r may continue a local name; '%' and '\'
// start PLX.
func isLocalChar(r rune) bool {
	return r == ':' || r == '%' || r == '\\' || isPNChars(r)
}

// lexLocal lexes PN_LOCAL, if present:
// (PN_CHARS_U | ':' | [0-9] | PLX) ((PN_CHARS | '.' | ':' | PLX)* (PN_CHARS | ':' | PLX))?
func (l *lexer) lexLocal() error {
	first := true
	for {
		c := l.peek(0)
		switch {
		case c < 0:
			return nil
		case c == '%':
			if a, b := l.peek(1), l.peek(2); a < 0 || b < 0 || !isHex(byte(a)) || !isHex(byte(b)) {
				return l.errorHere("invalid percent escape in local name: '%%' needs two hexadecimal digits")
			}
			l.take(3)
		case c == '\\':
			e := l.peek(1)
			if e < 0 || e >= 128 || asciiClass[e]&classLocalEsc == 0 {
				return l.errorHere("invalid escape in local name")
			}
			l.scratch = append(l.scratch, byte(e))
			l.advance(2)
		case c == ':':
			l.take(1)
		case c == '.':
			if first || !l.dotsContinue(0, isLocalChar) {
				return nil
			}
			l.take(1)
		case c < 128:
			if asciiClass[c]&classChars == 0 || first && c == '-' {
				return nil
			}
			l.take(1)
		default:
			r, n := l.peekRune(0)
			if first && !isPNCharsU(r) || !isPNChars(r) {
				return nil
			}
			l.take(n)
		}
		first = false
	}
}

// lexNumber lexes INTEGER, DECIMAL and DOUBLE, keeping the text as written.
func (l *lexer) lexNumber(t *token) error {
	n := 0
	if c := l.peek(0); c == '+' || c == '-' {
		n++
	}
	digits := 0
	for c := l.peek(n); c >= 0 && isDigit(byte(c)); c = l.peek(n) {
		n++
		digits++
	}
	t.kind = tokInteger
	if l.peek(n) == '.' {
		if c := l.peek(n + 1); c >= 0 && isDigit(byte(c)) {
			n++
			for c := l.peek(n); c >= 0 && isDigit(byte(c)); c = l.peek(n) {
				n++
				digits++
			}
			t.kind = tokDecimal
		} else if digits > 0 && l.exponentLen(n+1) > 0 {
			n++ // "1.e5": the dot belongs to the double
			t.kind = tokDecimal
		}
	}
	if digits == 0 {
		return l.errorHere("invalid number: expected digits")
	}
	if e := l.exponentLen(n); e > 0 {
		n += e
		t.kind = tokDouble
	}
	l.take(n)
	t.text = l.scratch
	return nil
}

// exponentLen returns the length of the EXPONENT at offset k
// ([eE] [+-]? [0-9]+), or 0 if there is none.
func (l *lexer) exponentLen(k int) int {
	if c := l.peek(k); c != 'e' && c != 'E' {
		return 0
	}
	n := 1
	if c := l.peek(k + n); c == '+' || c == '-' {
		n++
	}
	start := n
	for c := l.peek(k + n); c >= 0 && isDigit(byte(c)); c = l.peek(k + n) {
		n++
	}
	if n == start {
		return 0
	}
	return n
}
