package turtle_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	knakk "github.com/knakk/rdf"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/turtle"
)

// TestAgreesWithKnakk reads the demo enterprise's hand-written Turtle with
// both kplane's parser and github.com/knakk/rdf, the project's reference
// RDF toolkit, and requires the same graphs. It is a second opinion on real
// documents beyond the W3C suites. knakk is right on these documents: they
// use absolute IRIs and keep labelled and anonymous blank nodes apart, which
// avoids its known faults (relative IRIs joined as strings, generated blank
// node labels that collide with the document's).
func TestAgreesWithKnakk(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "demo", "*", "*.ttl"))
	if len(files) == 0 {
		t.Fatal("no demo Turtle files")
	}
	for _, path := range files {
		ours := decodeOurs(t, path)
		theirs := decodeKnakk(t, path)
		if len(ours) == 0 || !rdf.Isomorphic(ours, theirs) {
			t.Errorf("%s: kplane read %d triples, knakk %d, and the graphs differ", path, len(ours), len(theirs))
		}
	}
}

func decodeOurs(t *testing.T, path string) []rdf.Quad {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := turtle.NewDecoder(f, ingest.Options{File: path})
	defer dec.Close()
	var qs []rdf.Quad
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			return qs
		}
		if err != nil {
			t.Fatalf("kplane: %v", err)
		}
		qs = append(qs, q)
	}
}

func decodeKnakk(t *testing.T, path string) []rdf.Quad {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	triples, err := knakk.NewTripleDecoder(f, knakk.Turtle).DecodeAll()
	if err != nil {
		t.Fatalf("knakk: %s: %v", path, err)
	}
	qs := make([]rdf.Quad, len(triples))
	for i, tr := range triples {
		qs[i] = rdf.Quad{S: fromKnakk(tr.Subj), P: fromKnakk(tr.Pred), O: fromKnakk(tr.Obj)}
	}
	return qs
}

func fromKnakk(term knakk.Term) rdf.Term {
	switch v := term.(type) {
	case knakk.IRI:
		return rdf.IRI(v.String())
	case knakk.Blank:
		return rdf.Blank(v.String())
	case knakk.Literal:
		if v.Lang() != "" {
			return rdf.LangLiteral(v.String(), v.Lang())
		}
		return rdf.Literal(v.String(), v.DataType.String())
	}
	return rdf.Term{}
}
