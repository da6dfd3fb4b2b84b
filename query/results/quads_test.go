package results

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

const ex = "http://example.org/"

func iri(local string) rdf.Term { return rdf.IRI(ex + local) }

func writeQuads(t *testing.T, format string, opts WriterOptions, quads []rdf.Quad) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewQuadWriter(&buf, format, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range quads {
		if err := w.WriteQuad(q); err != nil {
			t.Fatalf("%s: WriteQuad(%s): %v", format, q, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// sampleQuads covers grouping by subject and predicate, rdf:type, literal
// shorthands and their look-alikes, escaping, blank nodes and graphs.
func sampleQuads() []rdf.Quad {
	s, g := iri("s"), iri("g")
	return []rdf.Quad{
		{S: s, P: rdf.IRI(rdf.RDFType), O: iri("Thing")},
		{S: s, P: iri("p"), O: rdf.String("one")},
		{S: s, P: iri("p"), O: rdf.LangLiteral("deux", "fr")},
		{S: s, P: iri("n"), O: rdf.Literal("42", rdf.XSDInteger)},
		{S: s, P: iri("n"), O: rdf.Literal("-4.5", rdf.XSDDecimal)},
		{S: s, P: iri("n"), O: rdf.Literal("1.0E6", rdf.XSDDouble)},
		{S: s, P: iri("n"), O: rdf.Literal("true", rdf.XSDBoolean)},
		{S: s, P: iri("n"), O: rdf.Literal("042.", rdf.XSDDecimal)},
		{S: s, P: iri("n"), O: rdf.Literal("TRUE", rdf.XSDBoolean)},
		{S: s, P: iri("n"), O: rdf.Literal("NaN", rdf.XSDDouble)},
		{S: s, P: iri("n"), O: rdf.Literal(" 7", rdf.XSDInteger)},
		{S: s, P: iri("text"), O: rdf.String("line one\nline \"two\"\\ end\r")},
		{S: s, P: iri("text"), O: rdf.String("tab\there \"q\"")},
		{S: rdf.Blank("b1"), P: iri("local/with.dot."), O: rdf.Blank("-g1")},
		{S: rdf.Blank("b1"), P: iri("p"), O: rdf.IRI("http://other.example/x(y)~z")},
		{S: iri("s2"), P: iri("p"), O: rdf.Literal("v", ex+"dt")},
		{S: s, P: iri("p"), O: rdf.String("again"), G: g},
		{S: s, P: iri("q"), O: rdf.String("in g"), G: g},
		{S: iri("s3"), P: iri("p"), O: iri("o"), G: rdf.Blank("gb")},
		{S: iri("s4"), P: iri("p"), O: iri("o")},
	}
}

func TestNQuadsOutput(t *testing.T) {
	quads := sampleQuads()
	out := writeQuads(t, FormatNQuads, WriterOptions{}, quads)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(quads) {
		t.Fatalf("%d lines for %d quads:\n%s", len(lines), len(quads), out)
	}
	for i, q := range quads {
		want := q.String()
		if q.S.IsBlank() || q.O.IsBlank() || q.G.IsBlank() {
			// Labels rdf.AppendNTriples writes as they are, the writer
			// makes valid.
			want = strings.ReplaceAll(want, "_:-g1", "_:_2Dg1")
		}
		if lines[i] != want {
			t.Errorf("line %d = %s, want %s", i+1, lines[i], want)
		}
	}
}

func TestNTriplesRejectsNamedGraphs(t *testing.T) {
	for _, format := range []string{FormatNTriples, FormatTurtle} {
		w, err := NewQuadWriter(new(bytes.Buffer), format, WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteQuad(rdf.Quad{S: iri("s"), P: iri("p"), O: iri("o"), G: iri("g")}); err == nil {
			t.Errorf("%s accepted a quad in a named graph", format)
		}
		if err := w.WriteQuad(rdf.Quad{S: rdf.String("lit"), P: iri("p"), O: iri("o")}); err == nil {
			t.Errorf("%s accepted a literal subject", format)
		}
		if err := w.WriteQuad(rdf.Quad{S: iri("s"), P: rdf.Blank("p"), O: iri("o")}); err == nil {
			t.Errorf("%s accepted a blank node predicate", format)
		}
		w.Close()
	}
}

func TestTriGOutput(t *testing.T) {
	opts := WriterOptions{Prefixes: map[string]string{"": ex, "xsd": rdf.XSDNS}}
	got := writeQuads(t, FormatTriG, opts, sampleQuads())
	want := `@prefix : <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

:s a :Thing ;
    :p "one", "deux"@fr ;
    :n 42, -4.5, 1.0E6, true, "042."^^xsd:decimal, "TRUE"^^xsd:boolean, "NaN"^^xsd:double, " 7"^^xsd:integer ;
    :text """line one
line \"two\"\\ end\r""", "tab	here \"q\"" .

_:b1 :local\/with.dot\. _:_2Dg1 ;
    :p <http://other.example/x(y)~z> .

:s2 :p "v"^^:dt .

:g {
  :s :p "again" ;
      :q "in g" .
}

_:gb {
  :s3 :p :o .
}

:s4 :p :o .
`
	if got != want {
		t.Errorf("TriG:\n%s\nwant:\n%s", got, want)
	}
}

func TestTurtleNoPrefixes(t *testing.T) {
	quads := []rdf.Quad{
		{S: iri("a"), P: iri("p"), O: iri("b")},
		{S: iri("a"), P: iri("p"), O: iri("c")},
		{S: iri("b"), P: rdf.IRI(rdf.RDFType), O: iri("C")},
	}
	got := writeQuads(t, FormatTurtle, WriterOptions{}, quads)
	want := "<http://example.org/a> <http://example.org/p> <http://example.org/b>, <http://example.org/c> .\n\n" +
		"<http://example.org/b> a <http://example.org/C> .\n"
	if got != want {
		t.Errorf("Turtle:\n%s\nwant:\n%s", got, want)
	}
}

func TestPrefixedNames(t *testing.T) {
	pm := newPrefixMap(map[string]string{"ex": ex, "exd": ex + "deep/", "e": "urn:x:"})
	tests := []struct{ iri, want string }{
		{ex + "a", "ex:a"},
		{ex + "", "ex:"},
		{ex + "deep/b", "exd:b"}, // the longest namespace wins
		{ex + "1st", "ex:1st"},
		{ex + "a.b", "ex:a.b"},
		{ex + "a.", `ex:a\.`},
		{ex + ".a", `ex:\.a`},
		{ex + "-a", `ex:\-a`},
		{ex + "a-b", "ex:a-b"},
		{ex + "a:b", "ex:a:b"},
		{ex + "a%20b", "ex:a%20b"},
		{ex + "100%", `ex:100\%`},
		{ex + "q?x=1&y", `ex:q\?x\=1\&y`},
		{ex + "a#b", `ex:a\#b`},
		{ex + "café", "ex:café"},
		{ex + "a b", ""},      // no escape for a space
		{ex + "a\u00d7b", ""}, // × is not a name character
		{"urn:x:y", "e:y"},
		{"http://elsewhere/", ""},
	}
	for _, tt := range tests {
		out, ok := pm.appendPrefixed(nil, tt.iri)
		if got := string(out); (tt.want == "") == ok || (ok && got != tt.want) {
			t.Errorf("appendPrefixed(%q) = %q, %v; want %q", tt.iri, got, ok, tt.want)
		}
	}
	if _, err := NewQuadWriter(new(bytes.Buffer), FormatTurtle, WriterOptions{Prefixes: map[string]string{"1x": ex}}); err == nil {
		t.Error("invalid prefix name 1x accepted")
	}
}

func TestShorthandRecognition(t *testing.T) {
	tests := []struct {
		lex, dt string
		want    bool
	}{
		{"0", rdf.XSDInteger, true},
		{"+12", rdf.XSDInteger, true},
		{"1.", rdf.XSDInteger, false},
		{"", rdf.XSDInteger, false},
		{"-", rdf.XSDInteger, false},
		{"1.5", rdf.XSDDecimal, true},
		{"-.5", rdf.XSDDecimal, true},
		{"5", rdf.XSDDecimal, false},
		{"5.", rdf.XSDDecimal, false},
		{".", rdf.XSDDecimal, false},
		{"1e5", rdf.XSDDouble, true},
		{"1.E5", rdf.XSDDouble, true},
		{".5e-5", rdf.XSDDouble, true},
		{"-1.5E+05", rdf.XSDDouble, true},
		{"1.5", rdf.XSDDouble, false},
		{"e5", rdf.XSDDouble, false},
		{".e5", rdf.XSDDouble, false},
		{"1e", rdf.XSDDouble, false},
		{"INF", rdf.XSDDouble, false},
		{"1", rdf.XSDLong, false},
	}
	for _, tt := range tests {
		if got := numericShorthand(rdf.Literal(tt.lex, tt.dt)); got != tt.want {
			t.Errorf("numericShorthand(%q^^%s) = %v", tt.lex, tt.dt, got)
		}
	}
}

func TestBlankLabels(t *testing.T) {
	tests := []struct{ label, want string }{
		{"b1", "_:b1"},
		{"1", "_:1"},
		{"a-b.c", "_:a-b.c"},
		{"-g1", "_:_2Dg1"},
		{"a_b", "_:a_5Fb"},
		{"a.", "_:a_2E"},
		{"x y", "_:x_20y"},
		{"", "_:_"},
	}
	for _, tt := range tests {
		if got := string(appendBlank(nil, tt.label)); got != tt.want {
			t.Errorf("appendBlank(%q) = %s, want %s", tt.label, got, tt.want)
		}
	}
}

// TestNTriplesEscapingMatchesModel checks that the writers escape IRIs and
// literals exactly as rdf.AppendNTriples does.
func TestNTriplesEscapingMatchesModel(t *testing.T) {
	terms := []rdf.Term{
		rdf.IRI("http://example.org/a b<c>\"{}|^`\\\x01é"),
		rdf.String("q\"b\\n\nr\rt\t\x00é😀"),
		rdf.LangLiteral("x", "en-US"),
		rdf.Literal("1", rdf.XSDInteger),
		rdf.Literal("x", "http://example.org/d t"),
		rdf.Blank("b0"),
	}
	for _, term := range terms {
		var sb strings.Builder
		rdf.AppendNTriples(&sb, term)
		if got := string(appendNTriples(nil, term)); got != sb.String() {
			t.Errorf("appendNTriples = %s, rdf.AppendNTriples = %s", got, sb.String())
		}
	}
}

func TestRelativeIRIs(t *testing.T) {
	tests := []struct{ base, iri, want string }{
		{"http://ex.org/dir/doc", "http://ex.org/dir/doc", ""},
		{"http://ex.org/dir/doc", "http://ex.org/dir/doc#frag", "#frag"},
		{"http://ex.org/dir/doc", "http://ex.org/dir/other", "other"},
		{"http://ex.org/dir/doc", "http://ex.org/dir/sub/x?q#f", "sub/x?q#f"},
		{"http://ex.org/dir/doc", "http://ex.org/dir/a:b", "-"},
		{"http://ex.org/dir/doc", "http://ex.org/dir/./x", "-"},
		{"http://ex.org/dir/doc", "http://ex.org/dir/", "-"},
		{"http://ex.org/dir/doc", "http://ex.org/dir/doc?q", "doc?q"},
		{"http://ex.org/dir/doc", "http://ex.org/other", "-"},
		{"http://ex.org/dir/doc?x", "http://ex.org/dir/other", "-"},
		{"http://ex.org/a/../b/", "http://ex.org/a/../b/c", "-"},
		{"urn:x:y", "urn:x:y#z", "#z"},
		{"urn:x:y", "urn:x:z", "-"},
	}
	for _, tt := range tests {
		rel, ok := newRelativizer(tt.base).relative(tt.iri)
		if tt.want == "-" {
			if ok {
				t.Errorf("relative(%s against %s) = %q, want none", tt.iri, tt.base, rel)
			}
		} else if !ok || rel != tt.want {
			t.Errorf("relative(%s against %s) = %q, %v; want %q", tt.iri, tt.base, rel, ok, tt.want)
		}
	}
	got := writeQuads(t, FormatTurtle, WriterOptions{Base: "http://ex.org/dir/doc"}, []rdf.Quad{
		{S: rdf.IRI("http://ex.org/dir/doc"), P: rdf.IRI("http://ex.org/dir/doc#p"), O: rdf.IRI("http://ex.org/dir/o")},
	})
	want := "@base <http://ex.org/dir/doc> .\n\n<> <#p> <o> .\n"
	if got != want {
		t.Errorf("Turtle with base:\n%s\nwant:\n%s", got, want)
	}
}
