package turtle

import (
	"errors"
	"io"
	"maps"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

// decodeAll reads every quad of d, returning them as N-Quads lines.
func decodeAll(d *Decoder) ([]string, error) {
	var lines []string
	for {
		q, err := d.Decode()
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
		lines = append(lines, q.String())
	}
}

const base = "http://base.example/dir/doc"

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		trig bool
		in   string
		want []string
	}{
		{
			name: "prefixes, a, object and predicate lists",
			in: `@prefix : <http://ex/> . PREFIX x: <http://x/>
				:s a :C ; :p :o1 , x:o2 ;; ; :q :o3 ; .`,
			want: []string{
				`<http://ex/s> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://ex/C> .`,
				`<http://ex/s> <http://ex/p> <http://ex/o1> .`,
				`<http://ex/s> <http://ex/p> <http://x/o2> .`,
				`<http://ex/s> <http://ex/q> <http://ex/o3> .`,
			},
		},
		{
			name: "relative IRIs and base changes",
			in: `<a> <b> <#c> .
				@base <http://other/x/> . <../d> <e> <> .
				BASE <sub/> <f> <g> <?q> .
				@prefix r: <rel/> . r:h <p> <//auth/i> .`,
			want: []string{
				`<http://base.example/dir/a> <http://base.example/dir/b> <http://base.example/dir/doc#c> .`,
				`<http://other/d> <http://other/x/e> <http://other/x/> .`,
				`<http://other/x/sub/f> <http://other/x/sub/g> <http://other/x/sub/?q> .`,
				`<http://other/x/sub/rel/h> <http://other/x/sub/p> <http://auth/i> .`,
			},
		},
		{
			name: "numbers keep their lexical form",
			in:   "<s> <p> 1, +01, -2.50, .5, 1e3, 1.E-3, -.5e+7, 4.\n",
			want: []string{
				`<http://base.example/dir/s> <http://base.example/dir/p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "+01"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "-2.50"^^<http://www.w3.org/2001/XMLSchema#decimal> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> ".5"^^<http://www.w3.org/2001/XMLSchema#decimal> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "1e3"^^<http://www.w3.org/2001/XMLSchema#double> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "1.E-3"^^<http://www.w3.org/2001/XMLSchema#double> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "-.5e+7"^^<http://www.w3.org/2001/XMLSchema#double> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "4"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
			},
		},
		{
			name: "strings, escapes, language tags, datatypes, booleans",
			in: `@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
				<s> <p> "a\tb\u00e9\U0001F600\"", 'it\'s', """x
""y"\"""", '''z''', "hi"@en-GB, "5"^^xsd:int, "6"^^<dt>, true, false, "" .`,
			want: []string{
				`<http://base.example/dir/s> <http://base.example/dir/p> "a` + "\t" + `bé😀\"" .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "it's" .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "x\n\"\"y\"\"" .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "z" .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "hi"@en-GB .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "5"^^<http://www.w3.org/2001/XMLSchema#int> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "6"^^<http://base.example/dir/dt> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "false"^^<http://www.w3.org/2001/XMLSchema#boolean> .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "" .`,
			},
		},
		{
			name: "local names: escapes, percent, colons, dots, digits",
			in:   `@prefix : <http://ex/> . :a\~b%20c :p.q :0:x.y , :_1 .`,
			want: []string{
				`<http://ex/a~b%20c> <http://ex/p.q> <http://ex/0:x.y> .`,
				`<http://ex/a~b%20c> <http://ex/p.q> <http://ex/_1> .`,
			},
		},
		{
			name: "blank nodes, property lists and collections",
			in:   `_:a.b <p> [ <q> _:c ], [] . [ <r> ( 1 () ) ] . ( ) <p> <o> .`,
			want: []string{
				`_:-g1 <http://base.example/dir/q> _:c .`,
				`_:a.b <http://base.example/dir/p> _:-g1 .`,
				`_:a.b <http://base.example/dir/p> _:-g2 .`,
				`_:-g4 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
				`_:-g4 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> _:-g5 .`,
				`_:-g5 <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`,
				`_:-g5 <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> .`,
				`_:-g3 <http://base.example/dir/r> _:-g4 .`,
				`<http://www.w3.org/1999/02/22-rdf-syntax-ns#nil> <http://base.example/dir/p> <http://base.example/dir/o> .`,
			},
		},
		{
			name: "comments and keywords as lang tags",
			in:   "<s> <p> \"x\"@base # comment <a> <b> <c> .\n, \"y\"@prefix . # end",
			want: []string{
				`<http://base.example/dir/s> <http://base.example/dir/p> "x"@base .`,
				`<http://base.example/dir/s> <http://base.example/dir/p> "y"@prefix .`,
			},
		},
		{
			name: "byte order mark",
			in:   "\uFEFF<s> <p> <o> .",
			want: []string{`<http://base.example/dir/s> <http://base.example/dir/p> <http://base.example/dir/o> .`},
		},
		{
			name: "TriG graphs",
			trig: true,
			in: `@prefix : <http://ex/> .
				:s :p :o .
				{ :s :p :o1 }
				:g { :s :p :o2 . :s :p :o3 . }
				GRAPH _:b { :s :p :o4 }
				graph [] { :s :p :o5 }
				[] { :s :p :o6 }
				[] :p :o7 .
				<g2> {}`,
			want: []string{
				`<http://ex/s> <http://ex/p> <http://ex/o> .`,
				`<http://ex/s> <http://ex/p> <http://ex/o1> .`,
				`<http://ex/s> <http://ex/p> <http://ex/o2> <http://ex/g> .`,
				`<http://ex/s> <http://ex/p> <http://ex/o3> <http://ex/g> .`,
				`<http://ex/s> <http://ex/p> <http://ex/o4> _:b .`,
				`<http://ex/s> <http://ex/p> <http://ex/o5> _:-g1 .`,
				`<http://ex/s> <http://ex/p> <http://ex/o6> _:-g2 .`,
				`_:-g3 <http://ex/p> <http://ex/o7> .`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := ingest.Options{File: "test.ttl", Base: base}
			d := NewDecoder(strings.NewReader(tt.in), opts)
			if tt.trig {
				d = NewTriGDecoder(strings.NewReader(tt.in), opts)
			}
			got, err := decodeAll(d)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		in        string
		trig      bool
		line, col int
		msg       string
	}{
		{in: "<s> <p> <o> ;; <q>", line: 1, col: 19, msg: "expected object, found end of input"},
		{in: "<s> <p> <o>\n<t> <p> <o> .", line: 2, col: 1, msg: "expected '.' after triple, found IRI <t>"},
		{in: "<éé> <p> <o> <x> .", line: 1, col: 14, msg: "expected '.' after triple, found IRI <x>"},
		{in: "<s> <p> <o> ]", line: 1, col: 13, msg: "expected '.' after triple, found ']'"},
		{in: "ex:s <p> <o> .", line: 1, col: 1, msg: "undefined prefix 'ex:'"},
		{in: "<s> <p> \"abc\n\" .", line: 1, col: 13, msg: "line break in a short string"},
		{in: "<s> <p> \"a\\qb\" .", line: 1, col: 11, msg: `invalid escape sequence \q`},
		{in: "<s> <p> \"\\ud800\" .", line: 1, col: 10, msg: "not a Unicode scalar value"},
		{in: "<s> <p> <a b> .", line: 1, col: 11, msg: `character ' ' is not allowed in an IRI`},
		{in: "<s> <p> <a\\u0020b> .", line: 1, col: 11, msg: "not allowed in an IRI"},
		{in: "<s> <p> <a\\n> .", line: 1, col: 11, msg: "invalid escape in IRI"},
		{in: "<s> <p> \"x\" \n  <q> <r> .", line: 2, col: 3, msg: "expected '.' after triple, found IRI <q>"},
		{in: "\n  é <p> <o> .", line: 2, col: 3, msg: "expected subject, found 'é'"},
		{in: "<s> <p> \"\"\"abc", line: 1, col: 9, msg: "unterminated string"},
		{in: "<s> <p> <o", line: 1, col: 9, msg: "unterminated IRI"},
		{in: "@prefix x <a> .", line: 1, col: 9, msg: "expected prefix name"},
		{in: "@prefix x: <a>", line: 1, col: 15, msg: "expected '.' after @prefix directive, found end of input"},
		{in: "@keywords a .", line: 1, col: 1, msg: "unknown directive '@keywords'"},
		{in: "<s> a <o> .\n<s> <p> \"x\"@en^^<dt> .", line: 2, col: 15, msg: "found '^^'"},
		{in: "<s> <p> _:a. .", line: 1, col: 14, msg: "expected subject, found '.'"},
		{in: "<s> <p> 1- .", line: 1, col: 10, msg: "invalid number"},
		{in: "<s> <p> ex:a\\b .", line: 1, col: 13, msg: "invalid escape in local name"},
		{in: "<s> <p> ex:a%2 .", line: 1, col: 13, msg: "invalid percent escape"},
		{in: "{ <s> <p> <o> }", line: 1, col: 1, msg: "expected subject, found '{'"},
		{in: "<g> { <s> <p> <o> ", trig: true, line: 1, col: 19, msg: "expected '.' or '}' after triple in graph, found end of input"},
		{in: "<g> { { } }", trig: true, line: 1, col: 7, msg: "expected subject, found '{'"},
		{in: "GRAPH ( ) { }", trig: true, line: 1, col: 7, msg: "expected graph name after GRAPH"},
		{in: "<g> { @prefix x: <y> . }", trig: true, line: 1, col: 7, msg: "expected subject"},
		{in: "<s> <p> <o> <g> .", trig: true, line: 1, col: 13, msg: "expected '.' after triple, found IRI <g>"},
	}
	for _, tt := range tests {
		var d *Decoder
		opts := ingest.Options{File: "bad.ttl", Base: base}
		if tt.trig {
			d = NewTriGDecoder(strings.NewReader(tt.in), opts)
		} else {
			d = NewDecoder(strings.NewReader(tt.in), opts)
		}
		_, err := decodeAll(d)
		var se *rdf.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *rdf.SyntaxError", tt.in, err)
			continue
		}
		if se.File != "bad.ttl" || se.Line != tt.line || se.Col != tt.col || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("%q: error %q, want bad.ttl:%d:%d: ...%s...", tt.in, err, tt.line, tt.col, tt.msg)
		}
		// Errors are sticky.
		if _, err2 := d.Decode(); err2 != err {
			t.Errorf("%q: second Decode returned %v, want the same error %v", tt.in, err2, err)
		}
	}
}

func TestRelativeIRIWithoutBase(t *testing.T) {
	d := NewDecoder(strings.NewReader("<http://ex/s> <http://ex/p> <o> ."), ingest.Options{})
	_, err := d.Decode()
	var se *rdf.SyntaxError
	if !errors.As(err, &se) || !strings.Contains(se.Msg, "no base IRI") {
		t.Fatalf("Decode = %v, want a syntax error about the missing base", err)
	}
}

func TestPrefixesAndBase(t *testing.T) {
	in := "@prefix a: <http://a/> .\n<s> <p> <o> .\n@base <http://b/> .\nPREFIX : <c/>\n<s> <p> <o> ."
	d := NewDecoder(strings.NewReader(in), ingest.Options{Base: "http://start/"})
	if d.Base() != "http://start/" {
		t.Errorf("initial Base = %q", d.Base())
	}
	if _, err := d.Decode(); err != nil {
		t.Fatal(err)
	}
	if got, want := d.Prefixes(), map[string]string{"a": "http://a/"}; !maps.Equal(got, want) {
		t.Errorf("Prefixes after first triple = %v, want %v", got, want)
	}
	if _, err := d.Decode(); err != nil {
		t.Fatal(err)
	}
	if got, want := d.Prefixes(), map[string]string{"a": "http://a/", "": "http://b/c/"}; !maps.Equal(got, want) {
		t.Errorf("Prefixes = %v, want %v", got, want)
	}
	if d.Base() != "http://b/" {
		t.Errorf("Base = %q, want http://b/", d.Base())
	}
	d.Prefixes()["z"] = "changed" // a copy: must not affect the decoder
	if _, ok := d.Prefixes()["z"]; ok {
		t.Error("Prefixes returned the decoder's own map")
	}
}

// errAfter is a reader that yields its data and then fails.
type errAfter struct {
	data string
	err  error
}

func (r *errAfter) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestStreaming(t *testing.T) {
	// Each statement's quads must come out before the decoder reads on:
	// the reader fails after the first statement, and the first quads must
	// still arrive.
	broken := errors.New("connection reset")
	d := NewDecoder(&errAfter{data: "<s> <p> <o1>, <o2> .\n<s> <p> <o3>", err: broken}, ingest.Options{Base: base})
	for i := range 2 {
		if _, err := d.Decode(); err != nil {
			t.Fatalf("Decode %d: %v", i, err)
		}
	}
	if _, err := d.Decode(); !errors.Is(err, broken) {
		t.Fatalf("Decode after the reader failed = %v, want %v", err, broken)
	}
	if _, err := d.Decode(); !errors.Is(err, broken) {
		t.Fatalf("error is not sticky")
	}
}

func TestLargeInputs(t *testing.T) {
	// Tokens longer than the read buffer and many statements.
	long := strings.Repeat("x", 3*bufSize)
	var b strings.Builder
	b.WriteString("<s> <p> \"" + long + "\" .\n<s> <p> <" + long + "> .\n")
	b.WriteString("<s> <p> \"\"\"" + long + "\n" + long + "\"\"\" .\n")
	for range 10000 {
		b.WriteString("<http://ex/s> <http://ex/p> \"value\" .\n")
	}
	got, err := decodeAll(NewDecoder(strings.NewReader(b.String()), ingest.Options{Base: base}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 10003 {
		t.Fatalf("got %d quads, want 10003", len(got))
	}
	if want := `<http://base.example/dir/s> <http://base.example/dir/p> "` + long + `" .`; got[0] != want {
		t.Errorf("long string literal mangled (len %d, want %d)", len(got[0]), len(want))
	}
	if want := `<http://base.example/dir/s> <http://base.example/dir/p> <http://base.example/dir/` + long + `> .`; got[1] != want {
		t.Errorf("long IRI mangled")
	}
}

func TestRegistered(t *testing.T) {
	for _, tt := range []struct{ key, name string }{
		{"turtle", "turtle"}, {"text/turtle; charset=utf-8", "turtle"},
		{"trig", "trig"}, {"application/trig", "trig"},
	} {
		f, ok := ingest.LookupFormat(tt.key)
		if !ok || f.Name != tt.name {
			t.Errorf("LookupFormat(%q) = %q, %v; want %q", tt.key, f.Name, ok, tt.name)
		}
	}
	if f, ok := ingest.FormatForPath("data/x.trig.gz"); !ok || f.Name != "trig" || !f.Quads {
		t.Errorf("FormatForPath(x.trig.gz) = %+v, %v", f, ok)
	}
	dec, err := ingest.NewDecoder("trig", strings.NewReader("<g> { <s> <p> <o> }"), ingest.Options{Base: base})
	if err != nil {
		t.Fatal(err)
	}
	q, err := dec.Decode()
	if err != nil || q.G != rdf.IRI("http://base.example/dir/g") {
		t.Errorf("Decode via registry = %v, %v", q, err)
	}
}
