package rdfxml_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/ntriples"
	"github.com/kplane/kplane/ingest/rdfxml"
	"github.com/kplane/kplane/ingest/w3ctest"
)

// TestW3CRDFXML runs the W3C RDF 1.1 RDF/XML test suite: negative syntax
// tests must fail with a syntax error, evaluation tests must give a graph
// isomorphic to the expected N-Triples.
func TestW3CRDFXML(t *testing.T) {
	root := w3ctest.SkipIfAbsent(t)
	m, err := w3ctest.Load(filepath.Join(root, "rdf", "rdf11", "rdf-xml", "manifest.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) == 0 {
		t.Fatal("manifest lists no tests")
	}
	var passed, failed, skipped int
	for _, e := range m.Entries {
		var ran bool
		ok := t.Run(e.Name, func(t *testing.T) {
			switch e.Type {
			case "TestXMLNegativeSyntax":
				ran = true
				quads, err := decodeFile(e.Action, e.ActionIRI)
				if err == nil {
					t.Fatalf("parsed without error; got %d triples", len(quads))
				}
				var se *rdf.SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("error is %T, not *rdf.SyntaxError: %v", err, err)
				}
			case "TestXMLEval":
				ran = true
				got, err := decodeFile(e.Action, e.ActionIRI)
				if err != nil {
					t.Fatal(err)
				}
				want, err := readNTriples(e.Result)
				if err != nil {
					t.Fatalf("expected result: %v", err)
				}
				if !rdf.Isomorphic(got, want) {
					t.Errorf("graph not isomorphic to %s\ngot:\n%s\nwant:\n%s", e.Result, format(got), format(want))
				}
			default:
				t.Skipf("test type %s not supported", e.Type)
			}
		})
		switch {
		case !ran:
			skipped++
		case ok:
			passed++
		default:
			failed++
		}
	}
	fmt.Printf("rdf-xml: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
}

func decodeFile(path, base string) ([]rdf.Quad, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := rdfxml.NewDecoder(f, ingest.Options{File: path, Base: base})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return collect(d)
}

func readNTriples(path string) ([]rdf.Quad, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := ntriples.NewDecoder(f, ingest.Options{File: path})
	defer d.Close()
	return collect(d)
}

func collect(d ingest.Decoder) ([]rdf.Quad, error) {
	var quads []rdf.Quad
	for {
		q, err := d.Decode()
		if err == io.EOF {
			return quads, nil
		}
		if err != nil {
			return quads, err
		}
		quads = append(quads, q)
	}
}

func format(quads []rdf.Quad) string {
	var s string
	for _, q := range quads {
		s += q.String() + "\n"
	}
	return s
}
