package ntriples

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

const (
	exS = "http://example.org/s"
	exP = "http://example.org/p"
	exO = "http://example.org/o"
	exG = "http://example.org/g"
)

// decodeAll decodes every statement of src, stopping at the first error.
func decodeAll(d *Decoder) ([]rdf.Quad, error) {
	var qs []rdf.Quad
	for {
		q, err := d.Decode()
		if err == io.EOF {
			return qs, nil
		}
		if err != nil {
			return qs, err
		}
		qs = append(qs, q)
	}
}

func decodeString(src string, quads bool) ([]rdf.Quad, error) {
	if quads {
		return decodeAll(NewQuadsDecoder(strings.NewReader(src), ingest.Options{}))
	}
	return decodeAll(NewDecoder(strings.NewReader(src), ingest.Options{}))
}

func triple(s, p, o rdf.Term) rdf.Quad { return rdf.Quad{S: s, P: p, O: o} }

func TestDecode(t *testing.T) {
	s, p, o := rdf.IRI(exS), rdf.IRI(exP), rdf.IRI(exO)
	tests := []struct {
		name string
		src  string
		want []rdf.Quad
	}{
		{"empty", "", nil},
		{"only blank lines", "\n\n  \t\n\r\n", nil},
		{"only comment", "# nothing here", nil},
		{"iri triple", "<" + exS + "> <" + exP + "> <" + exO + "> .\n", []rdf.Quad{triple(s, p, o)}},
		{"no final newline", "<" + exS + "> <" + exP + "> <" + exO + "> .", []rdf.Quad{triple(s, p, o)}},
		{"minimal whitespace", "<" + exS + "><" + exP + "><" + exO + ">.", []rdf.Quad{triple(s, p, o)}},
		{"tabs and spaces", "\t <" + exS + ">\t<" + exP + ">  <" + exO + "> \t. \t\n", []rdf.Quad{triple(s, p, o)}},
		{"comment after statement", "<" + exS + "> <" + exP + "> <" + exO + "> . # a comment\n", []rdf.Quad{triple(s, p, o)}},
		{"comment right after dot", "<" + exS + "> <" + exP + "> <" + exO + ">.#c\n", []rdf.Quad{triple(s, p, o)}},
		{"comment lines between", "# one\n<" + exS + "> <" + exP + "> <" + exO + "> .\n# two\n\n<" + exS + "> <" + exP + "> \"x\" .\n",
			[]rdf.Quad{triple(s, p, o), triple(s, p, rdf.String("x"))}},
		{"byte order mark", "\uFEFF<" + exS + "> <" + exP + "> <" + exO + "> .\n", []rdf.Quad{triple(s, p, o)}},

		{"simple literal", `<` + exS + `> <` + exP + `> "hello world" .`, []rdf.Quad{triple(s, p, rdf.String("hello world"))}},
		{"empty literal", `<` + exS + `> <` + exP + `> "" .`, []rdf.Quad{triple(s, p, rdf.String(""))}},
		{"lang literal", `<` + exS + `> <` + exP + `> "chat"@fr .`, []rdf.Quad{triple(s, p, rdf.LangLiteral("chat", "fr"))}},
		{"lang subtags kept as written", `<` + exS + `> <` + exP + `> "colour"@en-GB-oed .`, []rdf.Quad{triple(s, p, rdf.LangLiteral("colour", "en-GB-oed"))}},
		{"lang digits in subtag", `<` + exS + `> <` + exP + `> "x"@es-419.`, []rdf.Quad{triple(s, p, rdf.LangLiteral("x", "es-419"))}},
		{"space before lang tag", `<` + exS + `> <` + exP + `> "x" @en .`, []rdf.Quad{triple(s, p, rdf.LangLiteral("x", "en"))}},
		{"typed literal", `<` + exS + `> <` + exP + `> "1"^^<` + rdf.XSDInteger + `> .`, []rdf.Quad{triple(s, p, rdf.Literal("1", rdf.XSDInteger))}},
		{"typed literal spaced", `<` + exS + `> <` + exP + `> "1" ^^ <` + rdf.XSDInteger + `>.`, []rdf.Quad{triple(s, p, rdf.Literal("1", rdf.XSDInteger))}},
		{"explicit xsd:string", `<` + exS + `> <` + exP + `> "a"^^<` + rdf.XSDString + `> .`, []rdf.Quad{triple(s, p, rdf.String("a"))}},
		{"string escapes", `<` + exS + `> <` + exP + `> "t\tb\bn\nr\rf\fq\"a\'s\\" .`,
			[]rdf.Quad{triple(s, p, rdf.String("t\tb\bn\nr\rf\fq\"a's\\"))}},
		{"numeric escapes", `<` + exS + `> <` + exP + `> "\u00E9\u00e9\U0001F600\u0000" .`,
			[]rdf.Quad{triple(s, p, rdf.String("éé😀\x00"))}},
		{"raw UTF-8 and escapes", `<` + exS + `> <` + exP + `> "café \u0041 ☕ 𝄞" .`, []rdf.Quad{triple(s, p, rdf.String("café A ☕ 𝄞"))}},
		{"raw punctuation", `<` + exS + `> <` + exP + `> "#<>'_:.^^@ ." .`, []rdf.Quad{triple(s, p, rdf.String("#<>'_:.^^@ ."))}},
		{"iri escapes", `<http://example.org/\u00E9t\U000000E9> <` + exP + `> <\u0068ttp://example.org/o> .`,
			[]rdf.Quad{triple(rdf.IRI("http://example.org/été"), p, o)}},
		{"iri escaped excluded character", `<http://example.org/a\u0020b\u003E> <` + exP + `> <` + exO + `> .`,
			[]rdf.Quad{triple(rdf.IRI("http://example.org/a b>"), p, o)}},
		{"iri raw UTF-8", `<http://example.org/日本> <` + exP + `> <urn:x:ü> .`, []rdf.Quad{triple(rdf.IRI("http://example.org/日本"), p, rdf.IRI("urn:x:ü"))}},
		{"iri other schemes", `<urn:isbn:0451450523> <` + exP + `> <mailto:a@b.example> .`,
			[]rdf.Quad{triple(rdf.IRI("urn:isbn:0451450523"), p, rdf.IRI("mailto:a@b.example"))}},
		{"datatype with escape", `<` + exS + `> <` + exP + `> "x"^^<http://example.org/\u00E9> .`,
			[]rdf.Quad{triple(s, p, rdf.Literal("x", "http://example.org/é"))}},

		{"blank nodes", `_:b1 <` + exP + `> _:b2 .`, []rdf.Quad{triple(rdf.Blank("b1"), p, rdf.Blank("b2"))}},
		{"blank label with dots", `_:a.b.c <` + exP + `> _:x.y .`, []rdf.Quad{triple(rdf.Blank("a.b.c"), p, rdf.Blank("x.y"))}},
		{"blank label before dot", `<` + exS + `> <` + exP + `> _:o.`, []rdf.Quad{triple(s, p, rdf.Blank("o"))}},
		{"blank label digits underscore dash", `_:1a_b-c <` + exP + `> _:_x .`, []rdf.Quad{triple(rdf.Blank("1a_b-c"), p, rdf.Blank("_x"))}},
		{"blank label non-ASCII", "_:été·\u0301x <" + exP + "> _:Ωmega\u203F .", []rdf.Quad{triple(rdf.Blank("été·\u0301x"), p, rdf.Blank("Ωmega\u203F"))}},
		{"blank label then iri", `_:s<` + exP + `><` + exO + `>.`, []rdf.Quad{triple(rdf.Blank("s"), p, o)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeString(tc.src, false)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			checkQuads(t, got, tc.want)
			// N-Quads is a superset of N-Triples.
			got, err = decodeString(tc.src, true)
			if err != nil {
				t.Fatalf("N-Quads Decode: %v", err)
			}
			checkQuads(t, got, tc.want)
		})
	}
}

func checkQuads(t *testing.T, got, want []rdf.Quad) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d statements %v, want %d %v", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("statement %d:\n got %#v\nwant %#v", i, got[i], want[i])
		}
	}
}

func TestDecodeQuads(t *testing.T) {
	src := "<" + exS + "> <" + exP + "> <" + exO + "> <" + exG + "> .\n" +
		"<" + exS + "> <" + exP + "> \"v\"@en _:g1 .\n" +
		"<" + exS + "> <" + exP + "> \"1\"^^<" + rdf.XSDInteger + "><" + exG + ">.\n" +
		"<" + exS + "> <" + exP + "> <" + exO + "> .\n"
	got, err := decodeString(src, true)
	if err != nil {
		t.Fatal(err)
	}
	s, p, o, g := rdf.IRI(exS), rdf.IRI(exP), rdf.IRI(exO), rdf.IRI(exG)
	checkQuads(t, got, []rdf.Quad{
		{S: s, P: p, O: o, G: g},
		{S: s, P: p, O: rdf.LangLiteral("v", "en"), G: rdf.Blank("g1")},
		{S: s, P: p, O: rdf.Literal("1", rdf.XSDInteger), G: g},
		{S: s, P: p, O: o},
	})
}

func TestDecodeLineEndings(t *testing.T) {
	line := "<" + exS + "> <" + exP + "> \"%d\" ."
	for _, eol := range []string{"\n", "\r\n", "\r", "\n\n", "\r\r\n"} {
		t.Run(fmt.Sprintf("%q", eol), func(t *testing.T) {
			var b strings.Builder
			for i := range 5 {
				fmt.Fprintf(&b, line, i)
				b.WriteString(eol)
			}
			got, err := decodeString(b.String(), false)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 5 {
				t.Fatalf("got %d statements, want 5", len(got))
			}
			for i, q := range got {
				if want := fmt.Sprint(i); q.O.Value != want {
					t.Errorf("statement %d: object %q, want %q", i, q.O.Value, want)
				}
			}
			// An error after the five lines reports the line number the
			// line breaks make it.
			lines := 5 * (len(eol) - strings.Count(eol, "\r\n"))
			b.WriteString("<" + exS + "> oops")
			_, err = decodeString(b.String(), false)
			checkSyntaxError(t, err, lines+1, len(exS)+4, "expected predicate IRI")
		})
	}
}

// checkSyntaxError checks that err is an *rdf.SyntaxError at line:col whose
// message contains msg.
func checkSyntaxError(t *testing.T, err error, line, col int, msg string) {
	t.Helper()
	var se *rdf.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not an *rdf.SyntaxError", err, err)
	}
	if se.Line != line || se.Col != col || !strings.Contains(se.Msg, msg) {
		t.Errorf("error %q: want line %d col %d with %q", se, line, col, msg)
	}
}

func TestDecodeErrors(t *testing.T) {
	const spo = "<http://e/s> <http://e/p> " // objects start at column 27
	tests := []struct {
		name      string
		src       string
		quads     bool
		line, col int
		msg       string
	}{
		{"number object", spo + "1 .", false, 1, 27, "expected object"},
		{"literal subject", `"s" <http://e/p> <http://e/o> .`, false, 1, 1, "expected subject"},
		{"directive", "@prefix ex: <http://e/> .", false, 1, 1, "expected subject"},
		{"blank predicate", "_:s _:p <http://e/o> .", false, 1, 5, "expected predicate IRI"},
		{"prefixed name", "<http://e/s> ex:p <http://e/o> .", false, 1, 14, "expected predicate IRI"},
		{"missing dot", spo + "<http://e/o>", false, 1, 39, "expected '.'"},
		{"missing dot before newline", spo + "<http://e/o>\n", false, 1, 39, "expected '.' at end of statement, found end of line"},
		{"object list", spo + "<http://e/o>, <http://e/o2> .", false, 1, 39, "expected '.'"},
		{"two statements on a line", spo + "<http://e/o> . " + spo + "<http://e/o> .", false, 1, 42, "expected end of line"},
		{"double dot", spo + "<http://e/o> ..", false, 1, 41, "expected end of line"},
		{"graph in N-Triples", spo + "<http://e/o> <http://e/g> .", false, 1, 40, "N-Triples has no graph names"},
		{"blank graph in N-Triples", spo + "<http://e/o> _:g .", false, 1, 40, "N-Triples has no graph names"},
		{"literal graph", spo + `<http://e/o> "g" .`, true, 1, 40, "expected graph name"},
		{"quint", spo + "<http://e/o> <http://e/g> <http://e/x> .", true, 1, 53, "expected '.'"},
		{"relative graph", spo + "<http://e/o> <g> .", true, 1, 40, "relative IRI <g>"},

		{"relative subject", "<s> <http://e/p> <http://e/o> .", false, 1, 1, "relative IRI <s>"},
		{"relative datatype", spo + `"x"^^<integer> .`, false, 1, 32, "relative IRI <integer>"},
		{"scheme starting with digit", "<1http://e/s> <http://e/p> <http://e/o> .", false, 1, 1, "relative IRI"},
		{"empty IRI", "<> <http://e/p> <http://e/o> .", false, 1, 1, "relative IRI <>"},
		{"space in IRI", "<http://e/a b> <http://e/p> <http://e/o> .", false, 1, 12, "white space not allowed in IRI"},
		{"brace in IRI", "<http://e/a{b> <http://e/p> <http://e/o> .", false, 1, 12, "'{' not allowed in IRI"},
		{"unterminated IRI", "<http://e/s", false, 1, 1, "unterminated IRI"},
		{"unterminated IRI at newline", "<http://e/s\n", false, 1, 1, "unterminated IRI"},
		{"character escape in IRI", `<http://e/\n> <http://e/p> <http://e/o> .`, false, 1, 11, `found \n`},
		{"short \\u in IRI", `<http://e/\u00ZZ> <http://e/p> <http://e/o> .`, false, 1, 11, "expected 4 hex digits"},
		{"short \\U in IRI", `<http://e/\U0000FF> <http://e/p> <http://e/o> .`, false, 1, 11, "expected 8 hex digits"},
		{"surrogate in IRI", `<http://e/\uDC00> <http://e/p> <http://e/o> .`, false, 1, 11, "surrogate"},

		{"unterminated string", spo + `"abc`, false, 1, 27, "unterminated string"},
		{"unterminated string at newline", spo + "\"abc\n<http://e/s> <http://e/p> <http://e/o> .", false, 1, 27, "unterminated string"},
		{"raw CR in string", spo + "\"a\rb\" .", false, 1, 27, "unterminated string"},
		{"single quotes", spo + "'abc' .", false, 1, 27, "expected object"},
		{"long string", spo + `"""abc""" .`, false, 1, 29, "expected '.'"},
		{"bad escape", spo + `"a\zb" .`, false, 1, 29, `invalid escape \z`},
		{"backslash at end", spo + `"a\`, false, 1, 29, "invalid escape"},
		{"short \\u", spo + `"\u12" .`, false, 1, 28, "expected 4 hex digits"},
		{"bad hex \\U", spo + `"\U0000WXYZ" .`, false, 1, 28, "expected 8 hex digits"},
		{"high surrogate", spo + `"\uD83D\uDE00" .`, false, 1, 28, "surrogate"},
		{"beyond Unicode", spo + `"\U00110000" .`, false, 1, 28, "beyond U+10FFFF"},
		{"invalid UTF-8 in string", spo + "\"a\xffb\" .", false, 1, 29, "invalid UTF-8 byte 0xFF"},
		{"invalid UTF-8 in IRI", "<http://e/\xc3> <http://e/p> <http://e/o> .", false, 1, 11, "invalid UTF-8"},
		{"encoded surrogate in string", spo + "\"\xed\xa0\x80\" .", false, 1, 28, "invalid UTF-8"},
		{"columns count characters", "<http://e/é> <http://e/p> \"ü\" x", false, 1, 31, "expected '.'"},

		{"lang tag digit", spo + `"x"@1 .`, false, 1, 31, "language tag must start with a letter"},
		{"empty lang tag", spo + `"x"@ .`, false, 1, 31, "language tag must start with a letter"},
		{"lang tag trailing dash", spo + `"x"@en- .`, false, 1, 34, "after '-' in language tag"},
		{"single caret", spo + `"x"^<http://e/t> .`, false, 1, 31, "expected '^^'"},
		{"datatype not IRI", spo + `"x"^^"y" .`, false, 1, 32, "expected datatype IRI"},
		{"lang and datatype", spo + `"x"@en^^<http://e/t> .`, false, 1, 33, "expected '.'"},

		{"blank label colon first", "_::a <http://e/p> <http://e/o> .", false, 1, 3, "blank node label must start"},
		{"blank label with colon", "_:abc:def <http://e/p> <http://e/o> .", false, 1, 6, "expected predicate IRI"},
		{"blank label dash first", "_:-a <http://e/p> <http://e/o> .", false, 1, 3, "blank node label must start"},
		{"empty blank label", "_: <http://e/p> <http://e/o> .", false, 1, 3, "blank node label must start"},
		{"underscore alone", "_ <http://e/p> <http://e/o> .", false, 1, 2, "expected ':'"},
		{"blank label dots then dot", spo + "_:o.. ", false, 1, 31, "expected end of line"},
		{"blank label non-PN first", "_:·a <http://e/p> <http://e/o> .", false, 1, 3, "blank node label must start"},

		{"error on later line", "# c\n\n<http://e/s> <http://e/p> <http://e/o> .\n" + spo + "<o> .\n", false, 4, 27, "relative IRI <o>"},
		{"error after CR line", "<http://e/s> <http://e/p> <http://e/o> .\r<x> <http://e/p> <http://e/o> .", false, 2, 1, "relative IRI <x>"},
		{"error after comment CR", "# c\r" + spo + "?", false, 2, 27, "expected object"},
		{"error column after BOM", "\uFEFF<s> <http://e/p> <http://e/o> .", false, 1, 1, "relative IRI <s>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeString(tc.src, tc.quads)
			if err == nil {
				t.Fatalf("decoded %v, want an error", got)
			}
			checkSyntaxError(t, err, tc.line, tc.col, tc.msg)
		})
	}
}

func TestDecodeErrorFileAndSticky(t *testing.T) {
	d := NewDecoder(strings.NewReader("<http://e/s> <http://e/p> <http://e/o> .\nbad\n<http://e/s> <http://e/p> <http://e/o> .\n"),
		ingest.Options{File: "data.nt"})
	if _, err := d.Decode(); err != nil {
		t.Fatalf("first statement: %v", err)
	}
	_, err1 := d.Decode()
	if err1 == nil || err1.Error() != "data.nt:2:1: expected subject (IRI or blank node), found 'b'" {
		t.Fatalf("error = %v", err1)
	}
	_, err2 := d.Decode()
	if err2 != err1 {
		t.Errorf("second Decode after error returned %v, want the same error %v", err2, err1)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestDecodeAfterClose(t *testing.T) {
	d := NewDecoder(strings.NewReader("<http://e/s> <http://e/p> <http://e/o> .\n"), ingest.Options{})
	d.Close()
	if _, err := d.Decode(); err == nil || err == io.EOF {
		t.Errorf("Decode after Close = %v, want an error", err)
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestDecodeReadError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	d := NewDecoder(&failingReader{data: "<http://e/s> <http://e/p> <http://e/o> .\n", err: errDisk}, ingest.Options{File: "x.nt"})
	if _, err := d.Decode(); err != nil {
		t.Fatalf("first statement: %v", err)
	}
	_, err := d.Decode()
	if !errors.Is(err, errDisk) {
		t.Fatalf("error = %v, want it to wrap %v", err, errDisk)
	}
	if !strings.Contains(err.Error(), "x.nt") {
		t.Errorf("error %q does not name the file", err)
	}
	var se *rdf.SyntaxError
	if errors.As(err, &se) {
		t.Errorf("read error reported as a syntax error: %v", err)
	}
}

// mixedDocument exercises every construct, several times over, so that
// reading it in small pieces crosses buffer boundaries everywhere.
func mixedDocument(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "# statement group %d\r\n", i)
		fmt.Fprintf(&b, "<http://example.org/s%d> <%s> \"caf\\u00E9 %d \\\"q\\\" ☕\"@fr-CA .\n", i, exP, i)
		fmt.Fprintf(&b, "_:b%d <%s> \"%d\"^^<%s> <%s> .\r", i, exP, i, rdf.XSDInteger, exG)
		fmt.Fprintf(&b, "\t<http://example.org/\\u00E9%d> <%s> _:o.%d . # trailing\n\n", i, exP, i)
	}
	return b.String()
}

func TestDecodeShortReads(t *testing.T) {
	src := mixedDocument(50)
	want, err := decodeAll(NewQuadsDecoder(strings.NewReader(src), ingest.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 150 {
		t.Fatalf("decoded %d statements, want 150", len(want))
	}
	if q := want[4]; q != (rdf.Quad{S: rdf.Blank("b1"), P: rdf.IRI(exP), O: rdf.Literal("1", rdf.XSDInteger), G: rdf.IRI(exG)}) {
		t.Errorf("statement 4 = %v", q)
	}
	if q := want[3]; q.O != rdf.LangLiteral("café 1 \"q\" ☕", "fr-CA") {
		t.Errorf("statement 3 object = %#v", q.O)
	}
	readers := map[string]func(io.Reader) io.Reader{
		"OneByteReader": iotest.OneByteReader,
		"HalfReader":    iotest.HalfReader,
		"DataErrReader": iotest.DataErrReader,
	}
	for name, wrap := range readers {
		t.Run(name, func(t *testing.T) {
			got, err := decodeAll(NewQuadsDecoder(wrap(strings.NewReader(src)), ingest.Options{}))
			if err != nil {
				t.Fatal(err)
			}
			checkQuads(t, got, want)
		})
	}
}

func TestDecodeLongLines(t *testing.T) {
	long := strings.Repeat("0123456789abcdefé", 12<<10) // about 200 KiB
	src := "# " + long + "\n" +
		"<http://example.org/" + long + "> <" + exP + "> \"" + long + "\\n\" .\n" +
		"<" + exS + "> <" + exP + "> \"" + long + "\"@en .\r\n" +
		"<" + exS + "> <" + exP + "> <" + exO + "> .\n" +
		"<" + exS + "> <" + exP + "> \"" + long + "\" x"
	d := NewDecoder(iotest.HalfReader(strings.NewReader(src)), ingest.Options{})
	got, err := decodeAll(d)
	prefix := "<" + exS + "> <" + exP + "> \"" + long + "\" "
	checkSyntaxError(t, err, 5, len([]rune(prefix))+1, "expected '.'")
	checkQuads(t, got, []rdf.Quad{
		triple(rdf.IRI("http://example.org/"+long), rdf.IRI(exP), rdf.String(long+"\n")),
		triple(rdf.IRI(exS), rdf.IRI(exP), rdf.LangLiteral(long, "en")),
		triple(rdf.IRI(exS), rdf.IRI(exP), rdf.IRI(exO)),
	})
}

// TestDecodeIntern checks that the intern cache never returns the wrong
// string, whatever collides, and that repeated IRIs are shared.
func TestDecodeIntern(t *testing.T) {
	const n = 3 * internSlots
	var b strings.Builder
	for i := range n {
		// Every IRI twice, far apart and near, so that slots are both hit
		// and overwritten.
		fmt.Fprintf(&b, "<http://example.org/s%d> <http://example.org/p%d> <http://example.org/s%d> .\n", i, i%7, (i*7919)%n)
	}
	got, err := decodeString(b.String(), false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n {
		t.Fatalf("got %d statements, want %d", len(got), n)
	}
	for i, q := range got {
		want := triple(rdf.IRI(fmt.Sprintf("http://example.org/s%d", i)), rdf.IRI(fmt.Sprintf("http://example.org/p%d", i%7)),
			rdf.IRI(fmt.Sprintf("http://example.org/s%d", (i*7919)%n)))
		if q != want {
			t.Fatalf("statement %d = %v, want %v", i, q, want)
		}
	}
}

// TestDecodeAllocs checks the bulk path's allocation budget: statements
// whose terms are all in the intern cache allocate nothing.
func TestDecodeAllocs(t *testing.T) {
	line := "<" + exS + "> <" + exP + "> <" + exO + "> <" + exG + "> .\n"
	src := strings.Repeat(line, 1000)
	allocs := testing.AllocsPerRun(5, func() {
		qs, err := decodeAll(NewQuadsDecoder(strings.NewReader(src), ingest.Options{}))
		if err != nil || len(qs) != 1000 {
			t.Fatalf("decoded %d statements, err %v", len(qs), err)
		}
	})
	// The decoder, its buffers, the first line's string and the growth of
	// the result slice account for a few dozen allocations; one per
	// statement would be a thousand.
	if allocs > 40 {
		t.Errorf("decoding 1000 repeated statements allocated %v times", allocs)
	}
}

func TestRegisteredFormats(t *testing.T) {
	for _, tc := range []struct {
		key, name string
		quads     bool
	}{
		{"ntriples", "ntriples", false},
		{"application/n-triples", "ntriples", false},
		{"nquads", "nquads", true},
		{"application/n-quads; charset=utf-8", "nquads", true},
	} {
		f, ok := ingest.LookupFormat(tc.key)
		if !ok || f.Name != tc.name || f.Quads != tc.quads {
			t.Errorf("LookupFormat(%q) = %q quads=%v ok=%v, want %q quads=%v", tc.key, f.Name, f.Quads, ok, tc.name, tc.quads)
		}
	}
	for path, name := range map[string]string{"dump.nt": "ntriples", "DUMP.NQ.gz": "nquads"} {
		if f, ok := ingest.FormatForPath(path); !ok || f.Name != name {
			t.Errorf("FormatForPath(%q) = %q, %v; want %q", path, f.Name, ok, name)
		}
	}
	// The registered N-Triples decoder must refuse graph names, the
	// N-Quads one accept them.
	src := "<" + exS + "> <" + exP + "> <" + exO + "> <" + exG + "> .\n"
	for name, wantErr := range map[string]bool{"ntriples": true, "nquads": false} {
		d, err := ingest.NewDecoder(name, strings.NewReader(src), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = d.Decode()
		if (err != nil) != wantErr {
			t.Errorf("%s: Decode error = %v, want error: %v", name, err, wantErr)
		}
	}
}
