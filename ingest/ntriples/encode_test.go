package ntriples

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

func TestEncode(t *testing.T) {
	s, p := rdf.IRI(exS), rdf.IRI(exP)
	tests := []struct {
		q    rdf.Quad
		want string
	}{
		{triple(s, p, rdf.IRI(exO)), "<" + exS + "> <" + exP + "> <" + exO + "> .\n"},
		{rdf.Quad{S: rdf.Blank("b1"), P: p, O: rdf.Blank("b.2"), G: rdf.IRI(exG)}, "_:b1 <" + exP + "> _:b.2 <" + exG + "> .\n"},
		{rdf.Quad{S: s, P: p, O: rdf.String("x"), G: rdf.Blank("g")}, "<" + exS + "> <" + exP + "> \"x\" _:g .\n"},
		{triple(s, p, rdf.String("a\"b\\c\nd\re\tf\u00e9")), "<" + exS + "> <" + exP + "> \"a\\\"b\\\\c\\nd\\re\tf\u00e9\" .\n"},
		{triple(s, p, rdf.LangLiteral("chat", "fr-CA")), "<" + exS + "> <" + exP + "> \"chat\"@fr-CA .\n"},
		{triple(s, p, rdf.Literal("1", rdf.XSDInteger)), "<" + exS + "> <" + exP + "> \"1\"^^<" + rdf.XSDInteger + "> .\n"},
		{triple(s, p, rdf.Literal("1", "")), "<" + exS + "> <" + exP + "> \"1\" .\n"},
		{triple(s, p, rdf.Literal("1", rdf.XSDString)), "<" + exS + "> <" + exP + "> \"1\" .\n"},
		{triple(rdf.IRI("http://e/a b<c>\"{|}^`\\\x01"), p, rdf.IRI("urn:é")),
			`<http://e/a\u0020b\u003Cc\u003E\u0022\u007B\u007C\u007D\u005E\u0060\u005C\u0001> <` + exP + "> <urn:é> .\n"},
	}
	for _, tc := range tests {
		var buf bytes.Buffer
		e := NewEncoder(&buf)
		if err := e.Encode(tc.q); err != nil {
			t.Errorf("Encode(%v): %v", tc.q, err)
			continue
		}
		if buf.Len() != 0 {
			t.Errorf("Encode wrote %d bytes before Flush; want them buffered", buf.Len())
		}
		if err := e.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != tc.want {
			t.Errorf("Encode(%#v)\n got %q\nwant %q", tc.q, got, tc.want)
		}
		// The Encoder writes what rdf.Quad.String writes.
		if want := tc.q.String() + "\n"; buf.String() != want {
			t.Errorf("Encode(%#v) = %q, Quad.String() = %q", tc.q, buf.String(), want)
		}
	}
}

func TestEncodeRejects(t *testing.T) {
	s, p, o := rdf.IRI(exS), rdf.IRI(exP), rdf.IRI(exO)
	for name, q := range map[string]rdf.Quad{
		"literal subject":   triple(rdf.String("s"), p, o),
		"missing subject":   triple(rdf.Term{}, p, o),
		"blank predicate":   triple(s, rdf.Blank("p"), o),
		"missing object":    triple(s, p, rdf.Term{}),
		"literal graph":     {S: s, P: p, O: o, G: rdf.String("g")},
		"relative IRI":      triple(s, p, rdf.IRI("o")),
		"relative datatype": triple(s, p, rdf.Literal("1", "integer")),
		"generated label":   triple(rdf.Blank("-g1"), p, o),
		"label with colon":  triple(s, p, rdf.Blank("a:b")),
		"label ending dot":  triple(s, p, rdf.Blank("a.")),
		"empty label":       triple(s, p, rdf.Blank("")),
		"bad language tag":  triple(s, p, rdf.LangLiteral("x", "en_US")),
	} {
		var buf bytes.Buffer
		e := NewEncoder(&buf)
		if err := e.Encode(q); err == nil {
			t.Errorf("%s: Encode(%#v) succeeded", name, q)
		}
		// A refused quad writes nothing and does not break the encoder.
		if err := e.Encode(triple(s, p, o)); err != nil {
			t.Errorf("%s: Encode after a refused quad: %v", name, err)
		}
		e.Flush()
		if want := "<" + exS + "> <" + exP + "> <" + exO + "> .\n"; buf.String() != want {
			t.Errorf("%s: wrote %q, want %q", name, buf.String(), want)
		}
	}
}

type errWriter struct{ err error }

func (w errWriter) Write([]byte) (int, error) { return 0, w.err }

func TestEncodeWriteError(t *testing.T) {
	errFull := errors.New("disk full")
	e := NewEncoder(errWriter{errFull})
	q := triple(rdf.IRI(exS), rdf.IRI(exP), rdf.String(strings.Repeat("x", 100<<10)))
	if err := e.Encode(q); !errors.Is(err, errFull) {
		t.Fatalf("Encode of a line larger than the buffer = %v, want %v", err, errFull)
	}
	if err := e.Encode(triple(rdf.IRI(exS), rdf.IRI(exP), rdf.IRI(exO))); !errors.Is(err, errFull) {
		t.Errorf("Encode after a write error = %v, want the error again", err)
	}
	if err := e.Flush(); !errors.Is(err, errFull) {
		t.Errorf("Flush after a write error = %v", err)
	}
}

// randomQuad makes a quad from awkward pieces: escapes, control
// characters, non-ASCII text, characters IRIs exclude.
func randomQuad(r *rand.Rand) rdf.Quad {
	pieces := []string{"a", "Z", "0", " ", "\"", "\\", "\n", "\r", "\t", "\x00", "\x7f", "é", "日本", "😀", "<", ">", "{", "}", "^^", "@", "#", "_:", ".", "'", "\u2028", "\uFFFD"}
	text := func() string {
		var b strings.Builder
		for range r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	iri := func() rdf.Term { return rdf.IRI("http://example.org/" + text()) }
	labels := []string{"b0", "_x", "1", "a.b", "été", "x-y_z.1", "Ω\u0300"}
	node := func() rdf.Term {
		if r.IntN(3) == 0 {
			return rdf.Blank(labels[r.IntN(len(labels))])
		}
		return iri()
	}
	var q rdf.Quad
	q.S, q.P = node(), iri()
	switch r.IntN(5) {
	case 0:
		q.O = node()
	case 1:
		q.O = rdf.String(text())
	case 2:
		q.O = rdf.LangLiteral(text(), []string{"en", "fr-CA", "es-419", "x-Private-1"}[r.IntN(4)])
	default:
		q.O = rdf.Literal(text(), "http://example.org/dt/"+text())
	}
	if r.IntN(2) == 0 {
		q.G = node()
	}
	return q
}

func TestEncodeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	quads := make([]rdf.Quad, 2000)
	for i := range quads {
		quads[i] = randomQuad(r)
	}
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	for _, q := range quads {
		if err := e.Encode(q); err != nil {
			t.Fatalf("Encode(%#v): %v", q, err)
		}
	}
	if err := e.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err := decodeAll(NewQuadsDecoder(&buf, ingest.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	checkQuads(t, got, quads)
}

// FuzzDecode checks that the decoder never panics and that whatever it
// accepts survives encoding and decoding again unchanged.
func FuzzDecode(f *testing.F) {
	f.Add(mixedDocument(2))
	f.Add("<http://e/s> <http://e/p> \"\\u00E9\\U0001F600\\t\"@en-GB .\n_:a.b <http://e/p> _:c. \r\n")
	f.Add("<http://e/\\u0020> <http://e/p> \"x\"^^<http://e/t> <http://e/g> .")
	f.Add("_:a <http://e/p> \"\\uD800\" .")
	f.Fuzz(func(t *testing.T, src string) {
		first, err := decodeAll(NewQuadsDecoder(strings.NewReader(src), ingest.Options{}))
		if err != nil {
			var se *rdf.SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Col < 1 {
				t.Fatalf("error %v: want a *rdf.SyntaxError with a position", err)
			}
			return
		}
		var buf bytes.Buffer
		e := NewEncoder(&buf)
		for _, q := range first {
			if err := e.Encode(q); err != nil {
				t.Fatalf("Encode(%#v) of a decoded quad: %v", q, err)
			}
		}
		e.Flush()
		second, err := decodeAll(NewQuadsDecoder(&buf, ingest.Options{}))
		if err != nil {
			t.Fatalf("re-decoding %q: %v", buf.String(), err)
		}
		checkQuads(t, second, first)
	})
}
