package results

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kplane/kplane/graph/rdf"
)

// csvWriter writes the SPARQL 1.1 CSV results format: a header of variable
// names, then one line per solution of plain values (IRIs without brackets,
// literals as their lexical form, blank nodes as _:label, unbound as an
// empty field), lines ending in CRLF, fields quoted when they hold a quote,
// a comma or a line break.
type csvWriter struct {
	headerState
	w   *bufio.Writer
	buf []byte
	err error
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{w: bufio.NewWriter(w)} }

func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, "\",\r\n") {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func (cw *csvWriter) WriteHeader(vars []string) error {
	if cw.err != nil {
		return cw.err
	}
	if err := cw.setHeader(vars); err != nil {
		return err
	}
	b := cw.buf[:0]
	for i, v := range vars {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCSVField(b, v)
	}
	b = append(b, "\r\n"...)
	cw.buf = b
	_, cw.err = cw.w.Write(b)
	return cw.err
}

func (cw *csvWriter) WriteSolution(s Solution) error {
	if cw.err != nil {
		return cw.err
	}
	if err := cw.checkSolution(s); err != nil {
		return err
	}
	b := cw.buf[:0]
	for i, t := range s {
		if i > 0 {
			b = append(b, ',')
		}
		switch t.Kind {
		case rdf.KindIRI, rdf.KindLiteral:
			b = appendCSVField(b, t.Value)
		case rdf.KindBlank:
			b = appendBlank(b, t.Value)
		}
	}
	b = append(b, "\r\n"...)
	cw.buf = b
	_, cw.err = cw.w.Write(b)
	return cw.err
}

func (cw *csvWriter) Close() error {
	if cw.err != nil {
		return cw.err
	}
	if !cw.header {
		if err := cw.WriteHeader(nil); err != nil {
			return err
		}
	}
	cw.err = cw.w.Flush()
	if cw.err == nil {
		cw.err = errClosed
		return nil
	}
	return cw.err
}

// tsvWriter writes the SPARQL 1.1 TSV results format: a header of
// variables with "?", then one line per solution of terms in Turtle syntax
// (numbers of type xsd:integer, xsd:decimal and xsd:double abbreviated when
// their lexical form allows it), unbound as an empty field, lines ending in
// LF. Tabs and line breaks in literals are escaped.
type tsvWriter struct {
	headerState
	w   *bufio.Writer
	buf []byte
	err error
}

func newTSVWriter(w io.Writer) *tsvWriter { return &tsvWriter{w: bufio.NewWriter(w)} }

func (tw *tsvWriter) WriteHeader(vars []string) error {
	if tw.err != nil {
		return tw.err
	}
	if err := tw.setHeader(vars); err != nil {
		return err
	}
	b := tw.buf[:0]
	for i, v := range vars {
		if i > 0 {
			b = append(b, '\t')
		}
		b = append(b, '?')
		b = append(b, v...)
	}
	b = append(b, '\n')
	tw.buf = b
	_, tw.err = tw.w.Write(b)
	return tw.err
}

// appendTSVTerm appends t in the term syntax of the TSV format.
func appendTSVTerm(b []byte, t rdf.Term) []byte {
	switch t.Kind {
	case rdf.KindIRI:
		return appendIRIRef(b, t.Value)
	case rdf.KindBlank:
		return appendBlank(b, t.Value)
	case rdf.KindLiteral:
		if numericShorthand(t) {
			return append(b, t.Value...)
		}
		b = appendQuotedString(b, t.Value, false, true)
		switch {
		case t.Lang != "":
			b = append(b, '@')
			b = append(b, t.Lang...)
		case t.Datatype != "" && t.Datatype != rdf.XSDString:
			b = append(b, "^^"...)
			b = appendIRIRef(b, t.Datatype)
		}
	}
	return b
}

func (tw *tsvWriter) WriteSolution(s Solution) error {
	if tw.err != nil {
		return tw.err
	}
	if err := tw.checkSolution(s); err != nil {
		return err
	}
	b := tw.buf[:0]
	for i, t := range s {
		if i > 0 {
			b = append(b, '\t')
		}
		b = appendTSVTerm(b, t)
	}
	b = append(b, '\n')
	tw.buf = b
	_, tw.err = tw.w.Write(b)
	return tw.err
}

func (tw *tsvWriter) Close() error {
	if tw.err != nil {
		return tw.err
	}
	if !tw.header {
		if err := tw.WriteHeader(nil); err != nil {
			return err
		}
	}
	tw.err = tw.w.Flush()
	if tw.err == nil {
		tw.err = errClosed
		return nil
	}
	return tw.err
}

// ReadCSV reads a result in the SPARQL 1.1 CSV format.
//
// CSV is lossy, so what ReadCSV returns is a guess at the original terms:
// a field "_:label" reads as a blank node, a field that has the form of an
// absolute IRI (a scheme, a colon and no spaces or other characters an IRI
// cannot hold) as an IRI, an empty field as unbound, and anything else as a
// simple literal. Datatypes and language tags are lost, a string that looks
// like an IRI reads as an IRI, and an empty string reads as unbound.
// Compare CSV results by their lexical values only.
func ReadCSV(r io.Reader) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("results: reading CSV: %w", err)
	}
	records, err := splitCSV(string(data))
	if err != nil {
		return nil, fmt.Errorf("results: reading CSV: %w", err)
	}
	if len(records) == 0 {
		return nil, errors.New("results: reading CSV: no header")
	}
	res := &Result{Solutions: []Solution{}}
	if header := records[0]; len(header) > 1 || header[0] != "" {
		res.Vars = header
	}
	for n, rec := range records[1:] {
		if len(res.Vars) == 0 && len(rec) == 1 && rec[0] == "" {
			res.Solutions = append(res.Solutions, Solution{})
			continue
		}
		if len(rec) != len(res.Vars) {
			return nil, fmt.Errorf("results: reading CSV: record %d has %d fields for %d variables", n+2, len(rec), len(res.Vars))
		}
		sol := make(Solution, len(rec))
		for i, f := range rec {
			sol[i] = csvTerm(f)
		}
		res.Solutions = append(res.Solutions, sol)
	}
	return res, nil
}

// splitCSV splits an RFC 4180 document into records. Unlike encoding/csv it
// keeps empty lines: in a result with one variable, an empty line is a
// solution that leaves it unbound. Lines may end in CRLF or LF; the last
// line ending is optional.
func splitCSV(s string) ([][]string, error) {
	var records [][]string
	var rec []string
	var field strings.Builder
	line := 1
	for i := 0; i < len(s); {
		if s[i] == '"' {
			// A quoted field runs to the next quote not doubled.
			start := line
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("line %d: unterminated quoted field", start)
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						field.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				if s[i] == '\n' {
					line++
				}
				field.WriteByte(s[i])
				i++
			}
			if i < len(s) && s[i] != ',' && s[i] != '\n' && !strings.HasPrefix(s[i:], "\r\n") {
				return nil, fmt.Errorf("line %d: text after a quoted field", line)
			}
		}
		for i < len(s) && s[i] != ',' && s[i] != '\n' && !strings.HasPrefix(s[i:], "\r\n") {
			if s[i] == '"' {
				return nil, fmt.Errorf("line %d: quote in an unquoted field", line)
			}
			field.WriteByte(s[i])
			i++
		}
		rec = append(rec, field.String())
		field.Reset()
		if i >= len(s) {
			break
		}
		if s[i] == ',' {
			i++
			if i == len(s) {
				rec = append(rec, "")
			}
			continue
		}
		if s[i] == '\r' {
			i++
		}
		i++ // the line feed
		line++
		records = append(records, rec)
		rec = nil
	}
	if rec != nil {
		records = append(records, rec)
	}
	return records, nil
}

func csvTerm(f string) rdf.Term {
	switch {
	case f == "":
		return rdf.Term{}
	case strings.HasPrefix(f, "_:") && len(f) > 2:
		return rdf.Blank(f[2:])
	case looksLikeAbsoluteIRI(f):
		return rdf.IRI(f)
	}
	return rdf.String(f)
}

// looksLikeAbsoluteIRI reports whether s starts with a URI scheme and a
// colon and contains none of the characters IRIs exclude.
func looksLikeAbsoluteIRI(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon < 1 {
		return false
	}
	for i := 0; i < colon; i++ {
		c := s[i]
		alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !alpha && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return colon+1 < len(s) && !strings.ContainsAny(s, " <>\"{}|\\^`\t\r\n")
}

// ReadTSV reads a result in the SPARQL 1.1 TSV format: terms are parsed in
// SPARQL syntax (IRI references, blank nodes, quoted literals with a
// language tag or datatype IRI, bare numbers and booleans). Prefixed names
// are not allowed, as TSV declares no prefixes.
func ReadTSV(r io.Reader) (*Result, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("results: reading TSV: %w", err)
	}
	// Every line, the last one included, ends with a line feed; tolerate a
	// missing final one. A solution with one variable left unbound is an
	// empty line, so empty lines are rows, not separators.
	if len(data) == 0 {
		return nil, errors.New("results: reading TSV: no header")
	}
	data = bytes.TrimSuffix(data, []byte("\n"))
	lines := strings.Split(string(data), "\n")
	header := strings.TrimSuffix(lines[0], "\r")
	res := &Result{Solutions: []Solution{}}
	if header != "" {
		for _, f := range strings.Split(header, "\t") {
			if len(f) < 2 || (f[0] != '?' && f[0] != '$') {
				return nil, fmt.Errorf("results: reading TSV: line 1: invalid variable %q", f)
			}
			res.Vars = append(res.Vars, f[1:])
		}
	}
	for n, line := range lines[1:] {
		line = strings.TrimSuffix(line, "\r")
		var fields []string
		if len(res.Vars) > 0 {
			fields = strings.Split(line, "\t")
		} else if line != "" {
			return nil, fmt.Errorf("results: reading TSV: line %d: values but no variables", n+2)
		}
		if len(fields) != len(res.Vars) {
			return nil, fmt.Errorf("results: reading TSV: line %d: %d fields for %d variables", n+2, len(fields), len(res.Vars))
		}
		sol := make(Solution, len(fields))
		for i, f := range fields {
			if f == "" {
				continue
			}
			t, err := parseTSVTerm(f)
			if err != nil {
				return nil, fmt.Errorf("results: reading TSV: line %d, field %d: %w", n+2, i+1, err)
			}
			sol[i] = t
		}
		res.Solutions = append(res.Solutions, sol)
	}
	return res, nil
}

// parseTSVTerm parses one field of a TSV result.
func parseTSVTerm(f string) (rdf.Term, error) {
	f = strings.TrimSpace(f)
	switch {
	case f == "":
		return rdf.Term{}, errors.New("blank field")
	case f[0] == '<':
		iri, rest, err := scanIRIRef(f)
		if err != nil {
			return rdf.Term{}, err
		}
		if rest != "" {
			return rdf.Term{}, fmt.Errorf("unexpected %q after IRI", rest)
		}
		return rdf.IRI(iri), nil
	case strings.HasPrefix(f, "_:"):
		if len(f) == 2 || strings.ContainsAny(f, " \t") {
			return rdf.Term{}, fmt.Errorf("invalid blank node %q", f)
		}
		return rdf.Blank(f[2:]), nil
	case f[0] == '"' || f[0] == '\'':
		return parseQuotedLiteral(f)
	case f == "true" || f == "false":
		return rdf.Literal(f, rdf.XSDBoolean), nil
	case isIntegerShorthand(f):
		return rdf.Literal(f, rdf.XSDInteger), nil
	case isDecimalShorthand(f):
		return rdf.Literal(f, rdf.XSDDecimal), nil
	case isDoubleShorthand(f):
		return rdf.Literal(f, rdf.XSDDouble), nil
	}
	return rdf.Term{}, fmt.Errorf("invalid term %q", f)
}

// scanIRIRef reads an IRI reference in angle brackets at the start of s,
// decoding \u and \U escapes, and returns the IRI and what follows it.
func scanIRIRef(s string) (iri, rest string, err error) {
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return "", "", fmt.Errorf("unterminated IRI %q", s)
	}
	body := s[1:end]
	if strings.ContainsAny(body, "<\"{}|^` \t\r\n") {
		return "", "", fmt.Errorf("invalid character in IRI <%s>", body)
	}
	if strings.IndexByte(body, '\\') < 0 {
		return body, s[end+1:], nil
	}
	var sb strings.Builder
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			sb.WriteByte(body[i])
			continue
		}
		r, n, err := decodeUCHAR(body[i:])
		if err != nil {
			return "", "", fmt.Errorf("IRI <%s>: %w", body, err)
		}
		sb.WriteRune(r)
		i += n - 1
	}
	return sb.String(), s[end+1:], nil
}

// decodeUCHAR decodes a \uXXXX or \UXXXXXXXX escape at the start of s and
// returns the rune and the escape's length.
func decodeUCHAR(s string) (rune, int, error) {
	if len(s) < 2 {
		return 0, 0, errors.New("incomplete escape")
	}
	n := 0
	switch s[1] {
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		return 0, 0, fmt.Errorf("invalid escape %q", s[:2])
	}
	if len(s) < 2+n {
		return 0, 0, fmt.Errorf("incomplete escape %q", s)
	}
	v, err := strconv.ParseUint(s[2:2+n], 16, 32)
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, 0, fmt.Errorf("invalid escape %q", s[:2+n])
	}
	return rune(v), 2 + n, nil
}

// parseQuotedLiteral parses a single-line quoted literal with its optional
// language tag or datatype IRI.
func parseQuotedLiteral(f string) (rdf.Term, error) {
	quote := f[0]
	var sb strings.Builder
	i := 1
	for ; i < len(f) && f[i] != quote; i++ {
		c := f[i]
		if c != '\\' {
			sb.WriteByte(c)
			continue
		}
		if i+1 >= len(f) {
			return rdf.Term{}, errors.New("unterminated escape")
		}
		switch f[i+1] {
		case 't':
			sb.WriteByte('\t')
		case 'b':
			sb.WriteByte('\b')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 'f':
			sb.WriteByte('\f')
		case '"', '\'', '\\':
			sb.WriteByte(f[i+1])
		case 'u', 'U':
			r, n, err := decodeUCHAR(f[i:])
			if err != nil {
				return rdf.Term{}, err
			}
			sb.WriteRune(r)
			i += n - 2
		default:
			return rdf.Term{}, fmt.Errorf("invalid escape %q", f[i:i+2])
		}
		i++
	}
	if i >= len(f) {
		return rdf.Term{}, fmt.Errorf("unterminated literal %s", f)
	}
	lex, rest := sb.String(), f[i+1:]
	switch {
	case rest == "":
		return rdf.String(lex), nil
	case rest[0] == '@' && validLangTag(rest[1:]):
		return rdf.LangLiteral(lex, rest[1:]), nil
	case strings.HasPrefix(rest, "^^<"):
		dt, tail, err := scanIRIRef(rest[2:])
		if err != nil {
			return rdf.Term{}, err
		}
		if tail != "" {
			return rdf.Term{}, fmt.Errorf("unexpected %q after literal", tail)
		}
		return rdf.Literal(lex, dt), nil
	}
	return rdf.Term{}, fmt.Errorf("unexpected %q after literal", rest)
}

// validLangTag reports whether s matches LANGTAG ([a-zA-Z]+ ('-'
// [a-zA-Z0-9]+)*).
func validLangTag(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if part == "" {
			return false
		}
		for j := 0; j < len(part); j++ {
			c := part[j]
			alpha := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
			if !alpha && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}
