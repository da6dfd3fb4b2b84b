// Package ntriples reads and writes N-Triples 1.1 and N-Quads 1.1, the
// line-based RDF syntaxes kplane uses for bulk loading and export.
//
// The Decoder is built for throughput. It reads whole lines out of a large
// bufio.Reader buffer, scans ASCII bytes against lookup tables and decodes
// runes only where non-ASCII bytes occur, and avoids allocating per term: IRIs,
// blank node labels, datatypes and language tags go through a small
// direct-mapped intern cache (repeated predicates and classes cost nothing),
// and other terms without escapes are substrings of one string made per line.
//
// The package registers the formats "ntriples" (.nt, application/n-triples)
// and "nquads" (.nq, application/n-quads) with package ingest.
package ntriples

import (
	"bufio"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

const (
	// readBufferSize is the bufio.Reader size. Lines that fit are parsed in
	// place; longer ones are gathered into a separate buffer.
	readBufferSize = 64 << 10

	// internSlots is the size of the direct-mapped intern cache (a power of
	// two). It only needs to hold the working set of repeated terms:
	// predicates, classes, datatypes and the subject of a run of lines.
	internSlots = 4096

	// maxRetainedLine is the longest line whose string interned terms may be
	// substrings of. Terms from longer lines are copied on their own, so the
	// cache never keeps large literals alive.
	maxRetainedLine = 1 << 10
)

// internSeed seeds the intern cache hash; one per process is enough.
var internSeed = maphash.MakeSeed()

// errClosed is returned by Decode after Close.
var errClosed = errors.New("ntriples: Decode called after Close")

// A Decoder reads N-Triples or N-Quads statements from an input stream.
// It implements ingest.Decoder.
//
// The strings in the terms it returns may share memory with the rest of
// their line, so keeping one term of a line keeps the line's text alive;
// callers that hold terms for long and care about memory should copy them
// (strings.Clone). Escapes in IRIs are decoded as written: an IRI may
// contain, for example, a space written as \u0020, which the Encoder writes
// back the same way.
type Decoder struct {
	r     *bufio.Reader
	file  string
	quads bool // N-Quads: a graph label may follow the object

	// The physical line being parsed: up to and including '\n', or up to
	// the end of input. It aliases r's buffer or long, so it is only valid
	// until the next fill.
	chunk     []byte
	pos       int    // next byte of chunk to scan
	lineStart int    // offset in chunk of the current line (after a bare CR)
	line      int    // 1-based number of the current line
	chunkStr  string // string(chunk), made on first need
	haveStr   bool
	long      []byte // gathers lines longer than the read buffer
	started   bool   // the first chunk has been read (BOM check done)
	atEOF     bool
	err       error                // sticky: returned by every Decode after the first error
	scratch   []byte               // unescaped text of the current term
	interned  *[internSlots]string // direct-mapped: slot = hash(bytes) % internSlots
}

// NewDecoder returns a Decoder that reads N-Triples from r. A graph label
// after the object is a syntax error. opts.Base is ignored: N-Triples IRIs
// are always absolute.
func NewDecoder(r io.Reader, opts ingest.Options) *Decoder {
	return newDecoder(r, opts, false)
}

// NewQuadsDecoder returns a Decoder that reads N-Quads from r. Statements
// without a graph label are in the default graph (a zero Quad.G).
func NewQuadsDecoder(r io.Reader, opts ingest.Options) *Decoder {
	return newDecoder(r, opts, true)
}

func newDecoder(r io.Reader, opts ingest.Options, quads bool) *Decoder {
	return &Decoder{
		r:        bufio.NewReaderSize(r, readBufferSize),
		file:     opts.File,
		quads:    quads,
		line:     1,
		interned: new([internSlots]string),
	}
}

// Close releases the decoder's buffers. It does not close the underlying
// reader. Decode returns an error after Close.
func (d *Decoder) Close() error {
	d.r = nil
	d.chunk, d.long, d.scratch, d.interned = nil, nil, nil, nil
	d.chunkStr, d.haveStr = "", false
	if d.err == nil {
		d.err = errClosed
	}
	return nil
}

// Decode returns the next statement, or io.EOF after the last one. Syntax
// errors are *rdf.SyntaxError values; after any error Decode keeps
// returning it.
func (d *Decoder) Decode() (rdf.Quad, error) {
	if d.err != nil {
		return rdf.Quad{}, d.err
	}
	for {
		c, p := d.chunk, d.pos
		for p < len(c) && (c[p] == ' ' || c[p] == '\t') {
			p++
		}
		if p >= len(c) {
			if err := d.fill(); err != nil {
				d.err = err
				return rdf.Quad{}, err
			}
			continue
		}
		switch c[p] {
		case '\n':
			d.newLine(p + 1)
			continue
		case '\r':
			// A bare CR ends a line as well as CRLF does (EOL ::= [#xD#xA]+).
			p++
			if p < len(c) && c[p] == '\n' {
				p++
			}
			d.newLine(p)
			continue
		case '#':
			d.pos = skipComment(c, p)
			continue
		}
		q, err := d.statement(p)
		if err != nil {
			d.err = err
			return rdf.Quad{}, err
		}
		return q, nil
	}
}

// newLine records that the line ended just before chunk[p].
func (d *Decoder) newLine(p int) {
	d.line++
	d.lineStart = p
	d.pos = p
}

// fill makes the next physical line the chunk. It returns io.EOF at the end
// of input.
func (d *Decoder) fill() error {
	if d.r == nil {
		return errClosed
	}
	if d.atEOF {
		return io.EOF
	}
	b, err := d.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		d.long = append(d.long[:0], b...)
		for err == bufio.ErrBufferFull {
			b, err = d.r.ReadSlice('\n')
			d.long = append(d.long, b...)
		}
		b = d.long
	}
	if err != nil {
		if err != io.EOF {
			if d.file != "" {
				return fmt.Errorf("ntriples: reading %s: %w", d.file, err)
			}
			return fmt.Errorf("ntriples: reading input: %w", err)
		}
		d.atEOF = true
		if len(b) == 0 {
			return io.EOF
		}
	}
	d.chunk, d.pos, d.lineStart = b, 0, 0
	d.chunkStr, d.haveStr = "", false
	if !d.started {
		d.started = true
		// Tolerate a UTF-8 byte order mark; it is not part of the text.
		if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
			d.pos, d.lineStart = 3, 3
		}
	}
	return nil
}

// statement parses one statement starting at chunk[p], leaving d.pos at the
// end of its line (after any trailing comment).
func (d *Decoder) statement(p int) (rdf.Quad, error) {
	var q rdf.Quad
	var err error
	c := d.chunk

	switch c[p] {
	case '<':
		q.S.Kind = rdf.KindIRI
		q.S.Value, p, err = d.iri(p)
	case '_':
		q.S.Kind = rdf.KindBlank
		q.S.Value, p, err = d.blank(p)
	default:
		return q, d.errorf(p, "expected subject (IRI or blank node), found %s", d.found(p))
	}
	if err != nil {
		return q, err
	}

	p = skipSpace(c, p)
	if p >= len(c) || c[p] != '<' {
		return q, d.errorf(p, "expected predicate IRI, found %s", d.found(p))
	}
	q.P.Kind = rdf.KindIRI
	if q.P.Value, p, err = d.iri(p); err != nil {
		return q, err
	}

	p = skipSpace(c, p)
	switch at(c, p) {
	case '<':
		q.O.Kind = rdf.KindIRI
		q.O.Value, p, err = d.iri(p)
	case '_':
		q.O.Kind = rdf.KindBlank
		q.O.Value, p, err = d.blank(p)
	case '"':
		q.O, p, err = d.literal(p)
	default:
		return q, d.errorf(p, "expected object (IRI, blank node or literal), found %s", d.found(p))
	}
	if err != nil {
		return q, err
	}

	p = skipSpace(c, p)
	switch at(c, p) {
	case '<', '_':
		if !d.quads {
			return q, d.errorf(p, "expected '.' after object, found %s (N-Triples has no graph names; use N-Quads)", d.found(p))
		}
		if c[p] == '<' {
			q.G.Kind = rdf.KindIRI
			q.G.Value, p, err = d.iri(p)
		} else {
			q.G.Kind = rdf.KindBlank
			q.G.Value, p, err = d.blank(p)
		}
		if err != nil {
			return q, err
		}
		p = skipSpace(c, p)
	case '"':
		if d.quads {
			return q, d.errorf(p, "expected graph name (IRI or blank node) or '.', found literal")
		}
	}

	if at(c, p) != '.' {
		return q, d.errorf(p, "expected '.' at end of statement, found %s", d.found(p))
	}
	p = skipSpace(c, p+1)
	switch at(c, p) {
	case '#':
		p = skipComment(c, p)
	case '\n', '\r':
	default:
		if p < len(c) {
			return q, d.errorf(p, "expected end of line after '.', found %s", d.found(p))
		}
	}
	d.pos = p
	return q, nil
}

// iri scans the IRIREF starting with the '<' at chunk[start] and returns
// its unescaped value and the offset after the '>'.
func (d *Decoder) iri(start int) (string, int, error) {
	c := d.chunk
	p := start + 1
	p = scan(c, p, &iriStop)
	if p < len(c) && c[p] == '>' {
		if !hasScheme(c[start+1 : p]) {
			return "", p, d.relativeIRI(start, c[start+1:p])
		}
		return d.internChunk(start+1, p), p + 1, nil
	}
	return d.iriSlow(start, p)
}

// iriSlow finishes scanning an IRIREF from chunk[p], where the fast scan
// stopped at a byte other than '>': an escape, a non-ASCII byte or an error.
// Unescaped text is built in d.scratch only once an escape turns up; until
// then the value is a plain slice of the chunk.
func (d *Decoder) iriSlow(start, p int) (string, int, error) {
	c := d.chunk
	buf := d.scratch[:0]
	escaped := false
	from := start + 1 // start of the raw text not yet copied to buf
	for {
		if p >= len(c) {
			return "", p, d.errorf(start, "unterminated IRI: missing '>'")
		}
		switch b := c[p]; {
		case b == '>':
			if !escaped {
				if !hasScheme(c[start+1 : p]) {
					return "", p, d.relativeIRI(start, c[start+1:p])
				}
				return d.internChunk(start+1, p), p + 1, nil
			}
			buf = append(buf, c[from:p]...)
			d.scratch = buf
			if !hasScheme(buf) {
				return "", p, d.relativeIRI(start, buf)
			}
			return d.internBytes(buf), p + 1, nil
		case b == '\\':
			r, n, err := d.uchar(p, "IRI")
			if err != nil {
				return "", p, err
			}
			buf = append(buf, c[from:p]...)
			buf = utf8.AppendRune(buf, r)
			p += n
			from, escaped = p, true
		case b >= utf8.RuneSelf:
			n, err := d.validRune(p)
			if err != nil {
				return "", p, err
			}
			p += n
		case b == '\n' || b == '\r':
			return "", p, d.errorf(start, "unterminated IRI: missing '>' before end of line")
		case iriStop[b] != 0:
			return "", p, d.errorf(p, "%s not allowed in IRI", d.found(p))
		default:
			p = scan(c, p, &iriStop)
		}
	}
}

func (d *Decoder) relativeIRI(start int, iri []byte) error {
	return d.errorf(start, "relative IRI <%s> not allowed: IRIs must be absolute (have a scheme)", iri)
}

// blank scans the BLANK_NODE_LABEL starting with the '_' at chunk[start]
// and returns the label without "_:" and the offset after it.
func (d *Decoder) blank(start int) (string, int, error) {
	c := d.chunk
	p := start + 1
	if at(c, p) != ':' {
		return "", p, d.errorf(p, "expected ':' after '_' in blank node label, found %s", d.found(p))
	}
	p++
	if p >= len(c) {
		return "", p, d.errorf(p, "expected blank node label after '_:', found %s", d.found(p))
	}
	if b := c[p]; b < utf8.RuneSelf {
		if !blankFirst[b] {
			return "", p, d.errorf(p, "blank node label must start with a letter, digit or '_', found %s", d.found(p))
		}
		p++
	} else {
		r, n := utf8.DecodeRune(c[p:])
		if !isPNCharsBase(r) || r == utf8.RuneError && n == 1 {
			return "", p, d.errorf(p, "blank node label must start with a letter, digit or '_', found %s", d.found(p))
		}
		p += n
	}
	for p < len(c) {
		if b := c[p]; b < utf8.RuneSelf {
			if !blankRest[b] {
				break
			}
			p++
			continue
		}
		r, n := utf8.DecodeRune(c[p:])
		if r == utf8.RuneError && n == 1 || !isPNChars(r) {
			break
		}
		p += n
	}
	// '.' may occur inside a label but not end it: "_:a." is label "a"
	// followed by the statement's '.'.
	for c[p-1] == '.' {
		p--
	}
	return d.internChunk(start+2, p), p, nil
}

// literal scans the literal starting with the '"' at chunk[start], with
// its optional datatype or language tag.
func (d *Decoder) literal(start int) (rdf.Term, int, error) {
	c := d.chunk
	t := rdf.Term{Kind: rdf.KindLiteral, Datatype: rdf.XSDString}
	p := start + 1
	p = scan(c, p, &stringStop)
	if p < len(c) && c[p] == '"' {
		t.Value = d.chunkString(start+1, p)
		p++
	} else {
		var err error
		if t.Value, p, err = d.stringSlow(start, p); err != nil {
			return t, p, err
		}
	}

	// The suffix is a separate token, so white space may precede it.
	q := skipSpace(c, p)
	switch at(c, q) {
	case '@':
		p = q + 1
		s := p
		for p < len(c) && isAlpha(c[p]) {
			p++
		}
		if p == s {
			return t, p, d.errorf(p, "language tag must start with a letter, found %s", d.found(p))
		}
		for at(c, p) == '-' {
			p++
			s := p
			for p < len(c) && (isAlpha(c[p]) || isDigit(c[p])) {
				p++
			}
			if p == s {
				return t, p, d.errorf(p, "expected letter or digit after '-' in language tag, found %s", d.found(p))
			}
		}
		t.Datatype = rdf.RDFLangString
		t.Lang = d.internChunk(s, p)
	case '^':
		if at(c, q+1) != '^' {
			return t, q, d.errorf(q+1, "expected '^^' before datatype IRI, found %s", d.found(q+1))
		}
		p = skipSpace(c, q+2)
		if at(c, p) != '<' {
			return t, p, d.errorf(p, "expected datatype IRI after '^^', found %s", d.found(p))
		}
		dt, next, err := d.iri(p)
		if err != nil {
			return t, next, err
		}
		t.Datatype, p = dt, next
	}
	return t, p, nil
}

// stringSlow finishes scanning a STRING_LITERAL_QUOTE from chunk[p], where
// the fast scan stopped at a byte other than '"'. Like iriSlow, it copies
// text only once an escape turns up.
func (d *Decoder) stringSlow(start, p int) (string, int, error) {
	c := d.chunk
	buf := d.scratch[:0]
	escaped := false
	from := start + 1 // start of the raw text not yet copied to buf
	for {
		if p >= len(c) {
			return "", p, d.errorf(start, "unterminated string: missing '\"'")
		}
		switch b := c[p]; {
		case b == '"':
			if !escaped {
				return d.chunkString(start+1, p), p + 1, nil
			}
			buf = append(buf, c[from:p]...)
			d.scratch = buf
			return string(buf), p + 1, nil
		case b == '\\':
			var r rune
			n := 2
			switch e := at(c, p+1); e {
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
				r = rune(e)
			default:
				var err error
				if r, n, err = d.uchar(p, "string"); err != nil {
					return "", p, err
				}
			}
			buf = append(buf, c[from:p]...)
			buf = utf8.AppendRune(buf, r)
			p += n
			from, escaped = p, true
		case b >= utf8.RuneSelf:
			n, err := d.validRune(p)
			if err != nil {
				return "", p, err
			}
			p += n
		case b == '\n' || b == '\r':
			return "", p, d.errorf(start, "unterminated string: missing '\"' before end of line")
		default:
			p = scan(c, p, &stringStop)
		}
	}
}

// uchar decodes the UCHAR escape (\uXXXX or \UXXXXXXXX) at chunk[p] and
// returns the code point and the escape's length. what names the
// construct for errors.
func (d *Decoder) uchar(p int, what string) (rune, int, error) {
	c := d.chunk
	digits := 0
	switch at(c, p+1) {
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		if what == "IRI" {
			return 0, 0, d.errorf(p, "invalid escape in IRI: only \\uXXXX and \\UXXXXXXXX are allowed, found \\%s", d.foundRaw(p+1))
		}
		return 0, 0, d.errorf(p, "invalid escape \\%s in string", d.foundRaw(p+1))
	}
	var r rune
	for i := p + 2; i < p+2+digits; i++ {
		v := rune(-1)
		if i < len(c) {
			v = hexValue(c[i])
		}
		if v < 0 {
			return 0, 0, d.errorf(p, "invalid escape \\%c in %s: expected %d hex digits", c[p+1], what, digits)
		}
		r = r<<4 | v
	}
	n := 2 + digits
	switch {
	case r >= 0xD800 && r <= 0xDFFF:
		return 0, 0, d.errorf(p, "escape %s in %s is a surrogate code point, not a character", c[p:p+n], what)
	case r > utf8.MaxRune:
		return 0, 0, d.errorf(p, "escape %s in %s is beyond U+10FFFF", c[p:p+n], what)
	}
	return r, n, nil
}

// validRune checks the UTF-8 sequence at chunk[p] and returns its length.
func (d *Decoder) validRune(p int) (int, error) {
	r, n := utf8.DecodeRune(d.chunk[p:])
	if r == utf8.RuneError && n == 1 {
		return 0, d.errorf(p, "invalid UTF-8 byte 0x%02X", d.chunk[p])
	}
	return n, nil
}

// chunkString returns chunk[s:e] as a string. All strings of one line share
// the memory of a single conversion.
func (d *Decoder) chunkString(s, e int) string {
	if !d.haveStr {
		d.chunkStr = string(d.chunk)
		d.haveStr = true
	}
	return d.chunkStr[s:e]
}

// internChunk returns chunk[s:e] as a string, reusing an equal string from
// the intern cache when there is one.
func (d *Decoder) internChunk(s, e int) string {
	b := d.chunk[s:e]
	slot := &d.interned[maphash.Bytes(internSeed, b)&(internSlots-1)]
	if *slot == string(b) { // the conversion does not allocate
		return *slot
	}
	var v string
	if len(d.chunk) <= maxRetainedLine {
		v = d.chunkString(s, e)
	} else {
		v = string(b)
	}
	*slot = v
	return v
}

// internBytes is internChunk for unescaped text that is not in the chunk.
func (d *Decoder) internBytes(b []byte) string {
	slot := &d.interned[maphash.Bytes(internSeed, b)&(internSlots-1)]
	if *slot == string(b) {
		return *slot
	}
	v := string(b)
	*slot = v
	return v
}

// errorf returns a syntax error at chunk[p].
func (d *Decoder) errorf(p int, format string, args ...any) error {
	p = min(max(p, d.lineStart), len(d.chunk))
	return &rdf.SyntaxError{
		File: d.file,
		Line: d.line,
		Col:  utf8.RuneCount(d.chunk[d.lineStart:p]) + 1,
		Msg:  fmt.Sprintf(format, args...),
	}
}

// found describes what is at chunk[p] for an error message.
func (d *Decoder) found(p int) string {
	c := d.chunk
	if p >= len(c) {
		return "end of input"
	}
	switch c[p] {
	case '\n', '\r':
		return "end of line"
	case ' ', '\t':
		return "white space"
	}
	r, n := utf8.DecodeRune(c[p:])
	if r == utf8.RuneError && n == 1 {
		return fmt.Sprintf("invalid UTF-8 byte 0x%02X", c[p])
	}
	return strconv.QuoteRune(r)
}

// foundRaw is found for the character after a backslash, written bare.
func (d *Decoder) foundRaw(p int) string {
	s := d.found(p)
	if len(s) >= 2 && s[0] == '\'' {
		if r, _ := utf8.DecodeRune(d.chunk[p:]); r >= ' ' && r != utf8.RuneError {
			return string(r)
		}
	}
	return "(" + s + ")"
}

// at returns c[p], or 0 past the end.
func at(c []byte, p int) byte {
	if p < len(c) {
		return c[p]
	}
	return 0
}

// skipSpace returns the offset of the first byte at or after p that is not
// a space or tab.
func skipSpace(c []byte, p int) int {
	for p < len(c) && (c[p] == ' ' || c[p] == '\t') {
		p++
	}
	return p
}

// skipComment returns the offset of the line break that ends the comment
// starting at p, or len(c).
func skipComment(c []byte, p int) int {
	for p < len(c) && c[p] != '\n' && c[p] != '\r' {
		p++
	}
	return p
}
