package results

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/ntriples"
	"github.com/kplane/kplane/ingest/turtle"
)

// decodeAll parses a document with one of the project's parsers.
func decodeAll(dec ingest.Decoder) ([]rdf.Quad, error) {
	defer dec.Close()
	var quads []rdf.Quad
	for {
		q, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			return quads, nil
		}
		if err != nil {
			return quads, err
		}
		quads = append(quads, q)
	}
}

func parse(format string, doc []byte, base string) ([]rdf.Quad, error) {
	opts := ingest.Options{Base: base}
	r := bytes.NewReader(doc)
	switch format {
	case FormatNTriples:
		return decodeAll(ntriples.NewDecoder(r, opts))
	case FormatNQuads:
		return decodeAll(ntriples.NewQuadsDecoder(r, opts))
	case FormatTurtle:
		return decodeAll(turtle.NewDecoder(r, opts))
	case FormatTriG:
		return decodeAll(turtle.NewTriGDecoder(r, opts))
	}
	panic("no parser for " + format)
}

// written is what a writer turns quads into: the same quads, with blank
// node labels that are not valid in a document encoded by appendBlank.
func written(quads []rdf.Quad) []string {
	label := func(t rdf.Term) rdf.Term {
		if t.IsBlank() {
			return rdf.Blank(strings.TrimPrefix(string(appendBlank(nil, t.Value)), "_:"))
		}
		return t
	}
	out := make([]string, len(quads))
	for i, q := range quads {
		out[i] = rdf.Quad{S: label(q.S), P: q.P, O: label(q.O), G: label(q.G)}.String()
	}
	return out
}

func quadStrings(quads []rdf.Quad) []string {
	out := make([]string, len(quads))
	for i, q := range quads {
		out[i] = q.String()
	}
	return out
}

// checkRoundTrip writes quads in a format, parses the output back and
// reports any difference. Turtle and TriG keep the order of the quads, so
// the comparison is exact, line by line.
func checkRoundTrip(t *testing.T, name, format string, opts WriterOptions, quads []rdf.Quad) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewQuadWriter(&buf, format, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range quads {
		if err := w.WriteQuad(q); err != nil {
			t.Fatalf("%s: %s: WriteQuad(%s): %v", name, format, q, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	back, err := parse(format, buf.Bytes(), "")
	if err != nil {
		t.Errorf("%s: parsing the %s written back: %v\n%s", name, format, err, buf.String())
		return
	}
	want, got := written(quads), quadStrings(back)
	if !slices.Equal(want, got) {
		t.Errorf("%s: %s round trip differs:\n%s\ndocument:\n%s", name, format, lineDiff(want, got), buf.String())
	}
}

func lineDiff(want, got []string) string {
	var b strings.Builder
	for i := 0; i < max(len(want), len(got)); i++ {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			fmt.Fprintf(&b, "quad %d:\n  got  %s\n  want %s\n", i+1, g, w)
			if b.Len() > 2000 {
				b.WriteString("...\n")
				break
			}
		}
	}
	return b.String()
}

func defaultGraph(quads []rdf.Quad) []rdf.Quad {
	var out []rdf.Quad
	for _, q := range quads {
		if q.G.IsZero() {
			out = append(out, q)
		}
	}
	return out
}

func TestRoundTripSample(t *testing.T) {
	quads := sampleQuads()
	prefixes := WriterOptions{Prefixes: map[string]string{"": ex, "xsd": rdf.XSDNS, "o": "http://other.example/"}}
	based := WriterOptions{Base: ex + "doc", Prefixes: map[string]string{"xsd": rdf.XSDNS}}
	for _, opts := range []WriterOptions{{}, prefixes, based} {
		checkRoundTrip(t, "sample", FormatNQuads, opts, quads)
		checkRoundTrip(t, "sample", FormatTriG, opts, quads)
		checkRoundTrip(t, "sample", FormatNTriples, opts, defaultGraph(quads))
		checkRoundTrip(t, "sample", FormatTurtle, opts, defaultGraph(quads))
	}
}

// TestRoundTripW3C parses the documents of the W3C Turtle, TriG, N-Triples
// and N-Quads suites, writes what parses in every format that can hold it,
// with the document's own prefixes, and parses that back.
func TestRoundTripW3C(t *testing.T) {
	root := filepath.Join(suiteRoot(t), "rdf", "rdf11")
	formats := map[string]string{".ttl": FormatTurtle, ".trig": FormatTriG, ".nt": FormatNTriples, ".nq": FormatNQuads}
	docs := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		format, ok := formats[filepath.Ext(path)]
		if !ok || strings.Contains(filepath.Base(path), "manifest") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		base := "https://w3c.github.io/rdf-tests/rdf/rdf11/" + filepath.ToSlash(rel)
		quads, err := parse(format, data, base)
		if err != nil || len(quads) == 0 {
			return nil // a negative syntax test, or nothing to write
		}
		docs++
		checkDocument(t, rel, quads, documentPrefixes(format, data, base))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if docs < 100 {
		t.Errorf("only %d documents of the suites parsed", docs)
	}
	t.Logf("round-tripped %d documents", docs)
}

// documentPrefixes returns the prefixes a Turtle or TriG document declares.
func documentPrefixes(format string, data []byte, base string) map[string]string {
	var dec *turtle.Decoder
	switch format {
	case FormatTurtle:
		dec = turtle.NewDecoder(bytes.NewReader(data), ingest.Options{Base: base})
	case FormatTriG:
		dec = turtle.NewTriGDecoder(bytes.NewReader(data), ingest.Options{Base: base})
	default:
		return nil
	}
	defer dec.Close()
	for {
		if _, err := dec.Decode(); err != nil {
			break
		}
	}
	return dec.Prefixes()
}

func checkDocument(t *testing.T, name string, quads []rdf.Quad, prefixes map[string]string) {
	t.Helper()
	named := slices.ContainsFunc(quads, func(q rdf.Quad) bool { return !q.G.IsZero() })
	for p := range prefixes {
		if !validPrefixName(p) || prefixes[p] == "" {
			delete(prefixes, p)
		}
	}
	opts := WriterOptions{Prefixes: prefixes}
	checkRoundTrip(t, name, FormatNQuads, opts, quads)
	checkRoundTrip(t, name, FormatTriG, opts, quads)
	if !named {
		checkRoundTrip(t, name, FormatTurtle, opts, quads)
		checkRoundTrip(t, name, FormatNTriples, opts, quads)
	}
}

// TestRoundTripRealData does the same for the vocabularies kplane is
// meant to hold.
func TestRoundTripRealData(t *testing.T) {
	shared := filepath.Dir(suiteRoot(t))
	files, _ := filepath.Glob(filepath.Join(shared, "realdata", "w3c-ns", "*.ttl"))
	more, _ := filepath.Glob(filepath.Join(shared, "realdata", "dprod", "ontology", "*", "*.ttl"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Skip("no Turtle files in realdata")
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		base := "file://" + filepath.ToSlash(path)
		quads, err := parse(FormatTurtle, data, base)
		if err != nil {
			t.Logf("%s does not parse (%v); skipped", path, err)
			continue
		}
		checkDocument(t, filepath.Base(path), quads, documentPrefixes(FormatTurtle, data, base))
	}
}
