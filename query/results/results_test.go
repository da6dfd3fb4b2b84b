package results

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

// everyKind is a result that holds every sort of term and the strings that
// need escaping in one format or another.
func everyKind() *Result {
	return &Result{
		Vars: []string{"s", "o", "x"},
		Solutions: []Solution{
			{rdf.IRI("http://example.org/a"), rdf.String("plain"), rdf.Blank("b1")},
			{rdf.IRI("http://example.org/é?q=1&r=<2>"), rdf.LangLiteral("chat", "fr"), rdf.Term{}},
			{rdf.Blank("-g7"), rdf.Literal("42", rdf.XSDInteger), rdf.Literal("x", "http://example.org/dt#t")},
			{rdf.Term{}, rdf.Term{}, rdf.Term{}},
			{rdf.Term{}, rdf.String(`<tag attr="v">&amp; 'q'</tag>`), rdf.String("")},
			{rdf.Term{}, rdf.String("tab\tnl\ncr\rcrlf\r\nend"), rdf.String("  padded  ")},
			{rdf.Term{}, rdf.String("quote\" backslash\\ slash/"), rdf.String("日本語 \u2028 \u00e9 😀")},
			{rdf.Term{}, rdf.Literal("1.5e3", rdf.XSDDouble), rdf.LangLiteral("Hallo", "de-CH-1996")},
		},
	}
}

func roundTrip(t *testing.T, format string, res *Result, read func([]byte) (*Result, error)) string {
	t.Helper()
	out := writeAll(t, format, res)
	got, err := read([]byte(out))
	if err != nil {
		t.Fatalf("reading back %s: %v\n%s", format, err, out)
	}
	if diff := diffResults(res, got); diff != "" {
		t.Errorf("%s round trip: %s\ndocument:\n%s", format, diff, out)
	}
	return out
}

func readJSONBytes(b []byte) (*Result, error) { return ReadJSON(bytes.NewReader(b)) }
func readXMLBytes(b []byte) (*Result, error)  { return ReadXML(bytes.NewReader(b)) }
func readTSVBytes(b []byte) (*Result, error)  { return ReadTSV(bytes.NewReader(b)) }
func readCSVBytes(b []byte) (*Result, error)  { return ReadCSV(bytes.NewReader(b)) }

func TestJSONRoundTrip(t *testing.T) {
	out := roundTrip(t, FormatJSON, everyKind(), readJSONBytes)
	for _, want := range []string{
		`"xml:lang":"fr"`,
		`"datatype":"http://www.w3.org/2001/XMLSchema#integer"`,
		`"tab\tnl\ncr\rcrlf\r\nend"`,
		`\u2028`,
		`{"type":"bnode","value":"-g7"}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON output lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"datatype":"http://www.w3.org/2001/XMLSchema#string"`) {
		t.Errorf("JSON output gives simple literals a datatype:\n%s", out)
	}
}

func TestJSONControlCharacters(t *testing.T) {
	res := &Result{Vars: []string{"v"}, Solutions: []Solution{{rdf.String("\x00\x01\x1f\x7f")}}}
	out := roundTrip(t, FormatJSON, res, readJSONBytes)
	if !strings.Contains(out, `"\u0000\u0001\u001F`+"\x7f"+`"`) {
		t.Errorf("control characters not escaped as \\u00XX:\n%q", out)
	}
}

func TestXMLRoundTrip(t *testing.T) {
	out := roundTrip(t, FormatXML, everyKind(), readXMLBytes)
	for _, want := range []string{
		`<literal xml:lang="fr">chat</literal>`,
		`<literal datatype="http://www.w3.org/2001/XMLSchema#integer">42</literal>`,
		`&lt;tag attr="v"&gt;&amp;amp; 'q'&lt;/tag&gt;`,
		`cr&#xD;crlf&#xD;` + "\nend",
		`<uri>http://example.org/é?q=1&amp;r=&lt;2&gt;</uri>`,
		`<bnode>-g7</bnode>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("XML output lacks %s:\n%s", want, out)
		}
	}
}

func TestXMLRejectsNonXMLCharacters(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewWriter(&buf, FormatXML, WriterOptions{})
	if err := w.WriteHeader([]string{"v"}); err != nil {
		t.Fatal(err)
	}
	err := w.WriteSolution(Solution{rdf.String("bell\x07")})
	if err == nil || !strings.Contains(err.Error(), "U+0007") {
		t.Errorf("WriteSolution(bell) = %v, want an error naming U+0007", err)
	}
	w.Close()
}

func TestBooleanRoundTrip(t *testing.T) {
	for _, v := range []bool{true, false} {
		for _, f := range []struct {
			format string
			read   func([]byte) (*Result, error)
		}{{FormatJSON, readJSONBytes}, {FormatXML, readXMLBytes}} {
			var buf bytes.Buffer
			links := []string{"http://example.org/meta"}
			if err := WriteBoolean(&buf, f.format, v, WriterOptions{Links: links}); err != nil {
				t.Fatal(err)
			}
			got, err := f.read(buf.Bytes())
			if err != nil {
				t.Fatalf("%s: %v\n%s", f.format, err, buf.String())
			}
			if got.Boolean == nil || *got.Boolean != v {
				t.Errorf("%s boolean %v read back as %v", f.format, v, got.Boolean)
			}
			if len(got.Links) != 1 || got.Links[0] != links[0] {
				t.Errorf("%s links = %q, want %q", f.format, got.Links, links)
			}
		}
	}
}

func TestBooleanTabular(t *testing.T) {
	tests := []struct {
		format string
		value  bool
		want   string
	}{
		{FormatCSV, true, "_askResult\r\ntrue\r\n"},
		{FormatTSV, false, "?_askResult\n\"false\"^^<http://www.w3.org/2001/XMLSchema#boolean>\n"},
		{FormatTable, true, "| _askResult |\n|------------|\n| true       |\n"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := WriteBoolean(&buf, tt.format, tt.value, WriterOptions{}); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("WriteBoolean(%s, %v) = %q, want %q", tt.format, tt.value, buf.String(), tt.want)
		}
	}
}

func TestReadJSONForms(t *testing.T) {
	doc := `{"head":{"vars":["a","b","c","d","e"]},"results":{"bindings":[
		{"a":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"7"},
		 "b":{"type":"literal","xml:lang":"en","value":"hi"},
		 "c":{"type":"literal","value":"\u00e9\ud83d\ude00"},
		 "d":{"type":"bnode","value":"x"},
		 "e":{"type":"literal","datatype":"http://www.w3.org/2001/XMLSchema#string","value":""}},
		{}]}}`
	got, err := ReadJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{Vars: []string{"a", "b", "c", "d", "e"}, Solutions: []Solution{
		{rdf.Literal("7", rdf.XSDInteger), rdf.LangLiteral("hi", "en"), rdf.String("é😀"), rdf.Blank("x"), rdf.String("")},
		{{}, {}, {}, {}, {}},
	}}
	if diff := diffResults(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name string
		read func([]byte) (*Result, error)
		doc  string
	}{
		{"json undeclared variable", readJSONBytes, `{"head":{"vars":["a"]},"results":{"bindings":[{"b":{"type":"uri","value":"x"}}]}}`},
		{"json triple term", readJSONBytes, `{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"triple","value":{}}}]}}`},
		{"json no value", readJSONBytes, `{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"uri"}}]}}`},
		{"json neither", readJSONBytes, `{"head":{}}`},
		{"json syntax", readJSONBytes, `{"head":`},
		{"xml wrong root", readXMLBytes, `<results xmlns="http://www.w3.org/2005/sparql-results#"/>`},
		{"xml wrong namespace", readXMLBytes, `<sparql><head/><boolean>true</boolean></sparql>`},
		{"xml undeclared variable", readXMLBytes, `<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="a"/></head><results><result><binding name="b"><uri>x</uri></binding></result></results></sparql>`},
		{"xml truncated", readXMLBytes, `<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="a"/></head><results><result>`},
		{"xml bad boolean", readXMLBytes, `<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>maybe</boolean></sparql>`},
		{"tsv field count", readTSVBytes, "?a\t?b\n<x>\n"},
		{"tsv bad variable", readTSVBytes, "a\n"},
		{"tsv prefixed name", readTSVBytes, "?a\nex:b\n"},
		{"tsv unterminated", readTSVBytes, "?a\n\"abc\n"},
		{"tsv bad escape", readTSVBytes, "?a\n\"a\\qb\"\n"},
		{"csv field count", readCSVBytes, "a,b\r\n1\r\n"},
		{"csv unterminated quote", readCSVBytes, "a\r\n\"abc\r\n"},
	}
	for _, tt := range tests {
		if res, err := tt.read([]byte(tt.doc)); err == nil {
			t.Errorf("%s: no error, read %+v", tt.name, res)
		}
	}
}

// specFixture follows the example of the SPARQL 1.1 CSV and TSV
// specification: IRIs, blank nodes, a quote in a literal, unbound values,
// a language tag and a number.
func specFixture() *Result {
	x := rdf.IRI("http://example/x")
	return &Result{
		Vars: []string{"x", "literal"},
		Solutions: []Solution{
			{x, rdf.String(`String-with-dquote"`)},
			{rdf.Blank("b0"), rdf.String("Blank node")},
			{rdf.Term{}, rdf.String("Missing 'x'")},
			{rdf.Term{}, rdf.Term{}},
			{x, rdf.Term{}},
			{rdf.Blank("b1"), rdf.LangLiteral("String-with-lang", "en")},
			{rdf.Blank("b1"), rdf.Literal("123", rdf.XSDInteger)},
		},
	}
}

// numbersFixture exercises the numeric shorthand of TSV and quoting in CSV.
func numbersFixture() *Result {
	return &Result{
		Vars: []string{"v"},
		Solutions: []Solution{
			{rdf.Literal("-5", rdf.XSDInteger)},
			{rdf.Literal("+0.50", rdf.XSDDecimal)},
			{rdf.Literal(".5", rdf.XSDDecimal)},
			{rdf.Literal("1e10", rdf.XSDDouble)},
			{rdf.Literal("2.E-3", rdf.XSDDouble)},
			{rdf.Literal("INF", rdf.XSDDouble)},
			{rdf.Literal("5.", rdf.XSDDecimal)},
			{rdf.Literal("12", rdf.XSDDecimal)},
			{rdf.Literal("1.5", rdf.XSDFloat)},
			{rdf.Literal("true", rdf.XSDBoolean)},
			{rdf.String("a,b")},
			{rdf.String("two\nlines\tand tab")},
			{rdf.Term{}},
			{rdf.Blank("-g3")},
		},
	}
}

func TestCSVOutput(t *testing.T) {
	want := "x,literal\r\n" +
		"http://example/x,\"String-with-dquote\"\"\"\r\n" +
		"_:b0,Blank node\r\n" +
		",Missing 'x'\r\n" +
		",\r\n" +
		"http://example/x,\r\n" +
		"_:b1,String-with-lang\r\n" +
		"_:b1,123\r\n"
	if got := writeAll(t, FormatCSV, specFixture()); got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
	want = "v\r\n-5\r\n+0.50\r\n.5\r\n1e10\r\n2.E-3\r\nINF\r\n5.\r\n12\r\n1.5\r\ntrue\r\n" +
		"\"a,b\"\r\n\"two\nlines\tand tab\"\r\n\r\n_:_2Dg3\r\n"
	out := writeAll(t, FormatCSV, numbersFixture())
	if out != want {
		t.Errorf("CSV:\n%q\nwant\n%q", out, want)
	}
	got, err := ReadCSV(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	lossy := lossyCSV(replaceTerm(numbersFixture(), rdf.Blank("-g3"), rdf.Blank("_2Dg3")))
	if diff := diffResults(lossy, got); diff != "" {
		t.Errorf("reading CSV back: %s", diff)
	}
}

func TestTSVOutput(t *testing.T) {
	want := "?x\t?literal\n" +
		"<http://example/x>\t\"String-with-dquote\\\"\"\n" +
		"_:b0\t\"Blank node\"\n" +
		"\t\"Missing 'x'\"\n" +
		"\t\n" +
		"<http://example/x>\t\n" +
		"_:b1\t\"String-with-lang\"@en\n" +
		"_:b1\t123\n"
	out := writeAll(t, FormatTSV, specFixture())
	if out != want {
		t.Errorf("TSV:\n%q\nwant\n%q", out, want)
	}
	if got, err := ReadTSV(strings.NewReader(out)); err != nil {
		t.Error(err)
	} else if diff := diffResults(specFixture(), got); diff != "" {
		t.Errorf("reading TSV back: %s", diff)
	}

	want = "?v\n-5\n+0.50\n.5\n1e10\n2.E-3\n" +
		"\"INF\"^^<http://www.w3.org/2001/XMLSchema#double>\n" +
		"\"5.\"^^<http://www.w3.org/2001/XMLSchema#decimal>\n" +
		"\"12\"^^<http://www.w3.org/2001/XMLSchema#decimal>\n" +
		"\"1.5\"^^<http://www.w3.org/2001/XMLSchema#float>\n" +
		"\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>\n" +
		"\"a,b\"\n" +
		"\"two\\nlines\\tand tab\"\n" +
		"\n" +
		"_:_2Dg3\n"
	out = writeAll(t, FormatTSV, numbersFixture())
	if out != want {
		t.Errorf("TSV:\n%q\nwant\n%q", out, want)
	}
	got, err := ReadTSV(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if diff := diffResults(replaceTerm(numbersFixture(), rdf.Blank("-g3"), rdf.Blank("_2Dg3")), got); diff != "" {
		t.Errorf("reading TSV back: %s", diff)
	}
}

func TestReadTSVSyntax(t *testing.T) {
	doc := "?a\t$b\n" +
		"<http://ex/\\u00E9>\t'single \\'q\\''\n" +
		"\"x\"^^<http://ex/dt>\tfalse\n" +
		"\"\\U0001F600\"@en-GB\t-1.5E+3\n"
	got, err := ReadTSV(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := &Result{Vars: []string{"a", "b"}, Solutions: []Solution{
		{rdf.IRI("http://ex/é"), rdf.String("single 'q'")},
		{rdf.Literal("x", "http://ex/dt"), rdf.Literal("false", rdf.XSDBoolean)},
		{rdf.LangLiteral("😀", "en-GB"), rdf.Literal("-1.5E+3", rdf.XSDDouble)},
	}}
	if diff := diffResults(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestTable(t *testing.T) {
	res := &Result{
		Vars: []string{"person", "name", "n"},
		Solutions: []Solution{
			{rdf.IRI("http://xmlns.com/foaf/0.1/alice"), rdf.LangLiteral("Alice", "en"), rdf.Literal("3", rdf.XSDInteger)},
			{rdf.IRI("http://other.example/bob"), rdf.String("日本"), rdf.Term{}},
			{rdf.Blank("b1"), rdf.String("two\nlines"), rdf.Literal("2024-01-01", rdf.XSDDate)},
		},
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, FormatTable, WriterOptions{Prefixes: map[string]string{
		"foaf": "http://xmlns.com/foaf/0.1/",
		"xsd":  rdf.XSDNS,
	}})
	if err != nil {
		t.Fatal(err)
	}
	w.WriteHeader(res.Vars)
	for _, s := range res.Solutions {
		if err := w.WriteSolution(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// "日本" is two wide characters: four cells, as wide as "name".
	want := "" +
		"| person                     | name         | n                      |\n" +
		"|----------------------------|--------------|------------------------|\n" +
		"| foaf:alice                 | \"Alice\"@en   | 3                      |\n" +
		"| <http://other.example/bob> | \"日本\"       |                        |\n" +
		"| _:b1                       | \"two\\nlines\" | \"2024-01-01\"^^xsd:date |\n"
	if buf.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func TestWriterMisuse(t *testing.T) {
	for _, format := range []string{FormatJSON, FormatXML, FormatCSV, FormatTSV, FormatTable} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, format, WriterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteSolution(Solution{}); err == nil {
			t.Errorf("%s: WriteSolution before WriteHeader succeeded", format)
		}
		if err := w.WriteHeader([]string{"a", "a"}); err == nil {
			t.Errorf("%s: duplicate variable accepted", format)
		}
		if err := w.WriteHeader([]string{"a", "b"}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if err := w.WriteSolution(Solution{rdf.IRI("x")}); err == nil {
			t.Errorf("%s: short solution accepted", format)
		}
		if err := w.Close(); err != nil {
			t.Errorf("%s: Close: %v", format, err)
		}
	}
	if _, err := NewWriter(nil, "yaml", WriterOptions{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("NewWriter(yaml) error = %v, want ErrUnknownFormat", err)
	}
}

// TestEmptyResults checks that a result with no solutions, or no variables,
// is still a valid document in every format that can read back.
func TestEmptyResults(t *testing.T) {
	for _, res := range []*Result{
		{Vars: []string{"a"}, Solutions: []Solution{}},
		{Vars: []string{}, Solutions: []Solution{{}}},
	} {
		roundTrip(t, FormatJSON, res, readJSONBytes)
		roundTrip(t, FormatXML, res, readXMLBytes)
		roundTrip(t, FormatTSV, res, readTSVBytes)
	}
	// One variable, unbound in every row: each row is an empty line.
	one := &Result{Vars: []string{"a"}, Solutions: []Solution{{{}}, {{}}}}
	roundTrip(t, FormatTSV, one, readTSVBytes)
	roundTrip(t, FormatCSV, one, readCSVBytes)
}

func TestW3CSpecificFiles(t *testing.T) {
	root := filepath.Join(suiteRoot(t), "sparql", "sparql11")
	read := func(rel string) *Result {
		f, err := os.Open(filepath.Join(root, rel))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var res *Result
		if filepath.Ext(rel) == ".srj" {
			res, err = ReadJSON(f)
		} else {
			res, err = ReadXML(f)
		}
		if err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
		return res
	}
	ucase := read("functions/ucase01.srx")
	if len(ucase.Solutions) < 2 || ucase.Solutions[0][1] != rdf.LangLiteral("BAR", "en") || ucase.Solutions[1][1] != rdf.String("食べ物") {
		t.Errorf("ucase01.srx read as %v", ucase.Solutions)
	}
	ask := read("entailment/rdf01.srx")
	if ask.Boolean == nil || !*ask.Boolean || len(ask.Links) != 1 || ask.Links[0] != "rdf01.rq" {
		t.Errorf("rdf01.srx read as %+v", ask)
	}
	json := read("json-res/jsonres01.srj")
	if len(json.Solutions) != 6 || json.Solutions[3][2] != rdf.Literal("4", rdf.XSDInteger) || json.Solutions[5][2] != rdf.Blank("b0") {
		t.Errorf("jsonres01.srj read as %v", json.Solutions)
	}
	no := read("json-res/jsonres04.srj")
	if no.Boolean == nil || *no.Boolean {
		t.Errorf("jsonres04.srj read as %+v", no)
	}
}
