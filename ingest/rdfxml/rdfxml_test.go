package rdfxml_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/rdfxml"
)

const (
	exNS   = "http://example.org/"
	header = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
`
	footer = "</rdf:RDF>\n"
)

func decodeString(t *testing.T, doc, base string) ([]rdf.Quad, error) {
	t.Helper()
	d, err := rdfxml.NewDecoder(strings.NewReader(doc), ingest.Options{File: "test.rdf", Base: base})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	return collect(d)
}

func mustDecode(t *testing.T, doc, base string) []rdf.Quad {
	t.Helper()
	quads, err := decodeString(t, doc, base)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return quads
}

// objects returns the objects of the triples with predicate ex:<local>.
func objects(quads []rdf.Quad, local string) []rdf.Term {
	var out []rdf.Term
	for _, q := range quads {
		if q.P == rdf.IRI(exNS+local) {
			out = append(out, q.O)
		}
	}
	return out
}

func TestRegistered(t *testing.T) {
	for _, name := range []string{"a.rdf", "b.owl", "c.xml", "d.RDF.gz"} {
		f, ok := ingest.FormatForPath(name)
		if !ok || f.Name != "rdfxml" {
			t.Errorf("FormatForPath(%q) = %q, %v; want rdfxml", name, f.Name, ok)
		}
	}
	if f, ok := ingest.LookupFormat("application/rdf+xml; charset=utf-8"); !ok || f.Name != "rdfxml" {
		t.Errorf("LookupFormat(application/rdf+xml) = %q, %v", f.Name, ok)
	}
}

// Document nodeIDs keep their labels; generated blank nodes get labels that
// no nodeID can have, even when the document uses the generator's numbers.
func TestBlankNodeLabels(t *testing.T) {
	doc := header + `
  <rdf:Description rdf:nodeID="g1">
    <ex:p><rdf:Description><ex:q>inner</ex:q></rdf:Description></ex:p>
    <ex:r rdf:parseType="Resource"><ex:q>res</ex:q></ex:r>
  </rdf:Description>
  <rdf:Description rdf:nodeID="b1"><ex:s rdf:nodeID="g1"/></rdf:Description>
` + footer
	quads := mustDecode(t, doc, "")
	labels := map[string]bool{}
	for _, q := range quads {
		for _, term := range []rdf.Term{q.S, q.O} {
			if term.IsBlank() {
				labels[term.Value] = true
			}
		}
	}
	if !labels["g1"] || !labels["b1"] {
		t.Errorf("document labels g1, b1 not kept: %v", labels)
	}
	if len(labels) != 4 {
		t.Errorf("got %d distinct blank nodes %v, want 4 (g1, b1 and two generated)", len(labels), labels)
	}
	for l := range labels {
		if l != "g1" && l != "b1" && !strings.HasPrefix(l, "-") {
			t.Errorf("generated label %q does not start with '-'", l)
		}
	}
	if s := objects(quads, "s"); len(s) != 1 || s[0] != rdf.Blank("g1") {
		t.Errorf("ex:s objects = %v, want _:g1", s)
	}
}

func TestRelativeIRIs(t *testing.T) {
	doc := header + `
  <rdf:Description rdf:about="../d"><ex:p rdf:resource="e/f"/></rdf:Description>
  <rdf:Description xml:base="http://other.example/x/y#frag" rdf:ID="id">
    <ex:p rdf:resource=""/>
    <ex:q rdf:datatype="#T">1</ex:q>
  </rdf:Description>
  <rdf:Description rdf:about="urn:isbn:123"><ex:p rdf:resource="?q"/></rdf:Description>
` + footer
	quads := mustDecode(t, doc, "http://ex.org/a/b")
	want := []rdf.Quad{
		{S: rdf.IRI("http://ex.org/d"), P: rdf.IRI(exNS + "p"), O: rdf.IRI("http://ex.org/a/e/f")},
		{S: rdf.IRI("http://other.example/x/y#id"), P: rdf.IRI(exNS + "p"), O: rdf.IRI("http://other.example/x/y")},
		{S: rdf.IRI("http://other.example/x/y#id"), P: rdf.IRI(exNS + "q"), O: rdf.Literal("1", "http://other.example/x/y#T")},
		{S: rdf.IRI("urn:isbn:123"), P: rdf.IRI(exNS + "p"), O: rdf.IRI("http://ex.org/a/b?q")},
	}
	if !rdf.Isomorphic(quads, want) {
		t.Errorf("got\n%swant\n%s", format(quads), format(want))
	}

	// Without a base a relative IRI is an error, not a relative IRI in
	// the store.
	_, err := decodeString(t, header+`<rdf:Description rdf:about="x"/>`+footer, "")
	var se *rdf.SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "no base") {
		t.Errorf("relative IRI without base: err = %v, want a syntax error about the missing base", err)
	}
}

// Literals keep their lexical form as written; datatype is always set.
func TestLiteralForms(t *testing.T) {
	xsd := rdf.XSDNS
	doc := header + `
  <rdf:Description rdf:about="http://ex.org/s" ex:attr="  spaced  " xml:lang="en-GB">
    <ex:int rdf:datatype="` + xsd + `integer">007</ex:int>
    <ex:dbl rdf:datatype="` + xsd + `double">1.50e0</ex:dbl>
    <ex:dt rdf:datatype="` + xsd + `dateTime">2020-01-01T00:00:00+00:00</ex:dt>
    <ex:plain xml:lang="">a &amp; b<!-- comment --> c</ex:plain>
    <ex:lang>colour</ex:lang>
    <ex:empty/>
  </rdf:Description>
` + footer
	quads := mustDecode(t, doc, "")
	cases := map[string]rdf.Term{
		"attr":  rdf.LangLiteral("  spaced  ", "en-GB"),
		"int":   rdf.Literal("007", xsd+"integer"),
		"dbl":   rdf.Literal("1.50e0", xsd+"double"),
		"dt":    rdf.Literal("2020-01-01T00:00:00+00:00", xsd+"dateTime"),
		"plain": rdf.String("a & b c"),
		"lang":  rdf.LangLiteral("colour", "en-GB"),
		"empty": rdf.LangLiteral("", "en-GB"),
	}
	for local, want := range cases {
		got := objects(quads, local)
		if len(got) != 1 || got[0] != want {
			t.Errorf("ex:%s = %v, want %v", local, got, want)
		}
	}
}

// parseType="Literal" gives exclusive canonical XML.
func TestXMLLiteral(t *testing.T) {
	doc := header + `
  <rdf:Description rdf:about="http://ex.org/s" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:unused="http://unused/">
    <ex:lit rdf:parseType="Literal"><h:p z="1" a="x &amp; &quot;y&quot;" h:b="2">1 &lt; 2 &gt; 0 &amp;<br/><!--c--></h:p> tail</ex:lit>
  </rdf:Description>
` + footer
	quads := mustDecode(t, doc, "")
	want := rdf.Literal(`<h:p xmlns:h="http://www.w3.org/1999/xhtml" a="x &amp; &quot;y&quot;" z="1" h:b="2">1 &lt; 2 &gt; 0 &amp;<br></br><!--c--></h:p> tail`, rdf.RDFXMLLiteral)
	if got := objects(quads, "lit"); len(got) != 1 || got[0] != want {
		t.Errorf("XML literal\n got %v\nwant %v", got, want)
	}
}

// OWL files declare entities for namespace IRIs in the DTD.
func TestDTDEntities(t *testing.T) {
	doc := `<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY ex "http://example.org/" >
  <!ENTITY exs '&ex;sub/' >
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="&ex;">
  <rdf:Description rdf:about="&exs;a"><ex:p rdf:resource="&ex;b"/></rdf:Description>
</rdf:RDF>`
	quads := mustDecode(t, doc, "")
	want := rdf.Quad{S: rdf.IRI(exNS + "sub/a"), P: rdf.IRI(exNS + "p"), O: rdf.IRI(exNS + "b")}
	if len(quads) != 1 || quads[0] != want {
		t.Errorf("got %v, want %v", quads, want)
	}
}

func TestLatin1(t *testing.T) {
	doc := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + header[len("<?xml version=\"1.0\"?>\n"):] +
		"<rdf:Description rdf:about=\"http://ex.org/s\"><ex:p>caf\xe9</ex:p></rdf:Description>" + footer
	quads := mustDecode(t, doc, "")
	if got := objects(quads, "p"); len(got) != 1 || got[0] != rdf.String("café") {
		t.Errorf("got %v, want \"café\"", got)
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct {
		name      string
		doc       string
		line, col int
		msg       string
	}{
		{"malformed XML", header + "  <rdf:Description rdf:about=\"http://ex.org/s\">\n    <ex:p>x</ex:q>\n", 4, 12, "ex:q"},
		{"bad attribute", header + "  <rdf:Description rdf:about=x/>\n" + footer, 3, 31, "quoted"},
		{"grammar", header + "  <rdf:li/>\n" + footer, 3, 3, "rdf:li"},
		{"unbound prefix", header + "  <é:x/>\n" + footer, 3, 3, "prefix"},
		{"column counts runes", header + "  <rdf:Description rdf:about=\"http://ex.org/é\"><ex:p rdf:nodeID=\"1x\"/></rdf:Description>\n" + footer, 3, 48, "nodeID"},
		{"truncated", header + "  <rdf:Description>", 3, 20, "end of document"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := decodeString(t, c.doc, "")
			var se *rdf.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v (%T), want *rdf.SyntaxError", err, err)
			}
			if se.File != "test.rdf" || se.Line != c.line || se.Col != c.col || !strings.Contains(se.Msg, c.msg) {
				t.Errorf("error %q: want test.rdf:%d:%d and a message mentioning %q", se, c.line, c.col, c.msg)
			}
		})
	}
}

// After an error, Decode keeps returning it.
func TestErrorIsSticky(t *testing.T) {
	d, err := rdfxml.NewDecoder(strings.NewReader(header+"<rdf:li/>"), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err1 := d.Decode()
	_, err2 := d.Decode()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors %v then %v, want the same error twice", err1, err2)
	}
}

// Triples come out before the document ends: the decoder streams by
// top-level node element.
func TestStreams(t *testing.T) {
	pr, pw := io.Pipe()
	d, err := rdfxml.NewDecoder(pr, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	go func() {
		io.WriteString(pw, header+`<rdf:Description rdf:about="http://ex.org/s"><ex:p>1</ex:p></rdf:Description>`)
		// The rest of the document never comes until the test reads
		// the first quad.
	}()
	done := make(chan error, 1)
	go func() {
		_, err := d.Decode()
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("first quad: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Decode waited for the end of the document")
	}
	pw.CloseWithError(errors.New("connection reset"))
	if _, err := d.Decode(); err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("after a read error: %v, want it reported", err)
	}
}

// A decoder abandoned after an error and closed leaves no goroutine
// behind.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	for range 100 {
		d, err := rdfxml.NewDecoder(strings.NewReader(header+`<rdf:Description rdf:about="http://ex.org/s"><ex:p>1</ex:p><ex:q rdf:resource="x"/>`), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Decode(); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Decode(); err == nil {
			t.Fatal("want an error for the relative IRI")
		}
		d.Close()
		if _, err := d.Decode(); err == nil {
			t.Fatal("Decode after Close succeeded")
		}
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines before, %d after", before, n)
	}
}

func BenchmarkDecode(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(header)
	for i := range 1000 {
		sb.WriteString(`<rdf:Description rdf:about="http://ex.org/s`)
		sb.WriteString(strings.Repeat("x", i%7))
		sb.WriteString(`"><ex:p>value</ex:p><ex:q rdf:resource="http://ex.org/o"/><ex:r><ex:T ex:a="1"/></ex:r></rdf:Description>` + "\n")
	}
	sb.WriteString(footer)
	doc := sb.String()
	b.SetBytes(int64(len(doc)))
	b.ResetTimer()
	for range b.N {
		d, _ := rdfxml.NewDecoder(strings.NewReader(doc), ingest.Options{})
		n := 0
		for {
			_, err := d.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 5000 {
			b.Fatalf("%d triples, want 5000", n)
		}
	}
}
