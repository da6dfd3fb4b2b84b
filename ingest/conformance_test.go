package ingest_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	_ "github.com/kplane/kplane/ingest/ntriples"
	_ "github.com/kplane/kplane/ingest/turtle"
	"github.com/kplane/kplane/ingest/w3ctest"
)

// conformanceSuites are the RDF 1.1 syntax suites run here, with the
// format of their test documents and of their expected results.
var conformanceSuites = []struct {
	dir, format, resultFormat string
}{
	{"rdf-turtle", "turtle", "ntriples"},
	{"rdf-trig", "trig", "nquads"},
	{"rdf-n-triples", "ntriples", "ntriples"},
	{"rdf-n-quads", "nquads", "nquads"},
}

func TestW3CConformance(t *testing.T) {
	root := w3ctest.SkipIfAbsent(t)
	var summary []string
	for _, suite := range conformanceSuites {
		t.Run(suite.dir, func(t *testing.T) {
			m, err := w3ctest.Load(filepath.Join(root, "rdf", "rdf11", suite.dir, "manifest.ttl"))
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Entries) == 0 {
				t.Fatalf("%s: manifest lists no tests", m.Path)
			}
			var passed, failed, skipped int
			for _, e := range m.AllEntries() {
				var skip bool
				ok := t.Run(e.Name, func(t *testing.T) {
					if reason := runConformanceEntry(t, e, suite.format, suite.resultFormat); reason != "" {
						skip = true
						t.Skip(reason)
					}
				})
				switch {
				case skip:
					skipped++
				case ok:
					passed++
				default:
					failed++
				}
			}
			summary = append(summary, fmt.Sprintf("%s: %d passed, %d failed, %d skipped", suite.dir, passed, failed, skipped))
		})
	}
	for _, line := range summary {
		fmt.Println(line)
	}
}

// runConformanceEntry runs one test. It returns a reason to skip the test,
// or "" once it has run.
func runConformanceEntry(t *testing.T, e *w3ctest.Entry, format, resultFormat string) string {
	if e.Approval == "Withdrawn" || e.Approval == "Rejected" {
		return "test is " + e.Approval
	}
	if e.Action == "" {
		return "test has no action file"
	}
	switch {
	case strings.HasSuffix(e.Type, "PositiveSyntax"):
		if _, err := decodeFile(e.Action, e.ActionIRI, format); err != nil {
			t.Errorf("valid document rejected: %v", err)
		}
	case strings.HasSuffix(e.Type, "NegativeSyntax"), strings.HasSuffix(e.Type, "NegativeEval"):
		quads, err := decodeFile(e.Action, e.ActionIRI, format)
		if err == nil {
			t.Errorf("invalid document %s accepted; it gave %d quads", e.Action, len(quads))
			break
		}
		var syn *rdf.SyntaxError
		if !errors.As(err, &syn) {
			t.Errorf("error is %T, want *rdf.SyntaxError: %v", err, err)
		}
	case strings.HasSuffix(e.Type, "Eval"):
		got, err := decodeFile(e.Action, e.ActionIRI, format)
		if err != nil {
			t.Fatalf("valid document rejected: %v", err)
		}
		if e.Result == "" {
			t.Fatalf("evaluation test has no result file")
		}
		want, err := decodeFile(e.Result, e.ResultIRI, resultFormat)
		if err != nil {
			t.Fatalf("reading expected result: %v", err)
		}
		if !rdf.Isomorphic(got, want) {
			t.Errorf("%s: result not isomorphic to %s\ngot:\n%s\nwant:\n%s", e.Action, e.Result, formatQuads(got), formatQuads(want))
		}
	default:
		return "unknown test type " + e.Type
	}
	return ""
}

// decodeFile reads all the quads of the document at path.
func decodeFile(path, base, format string) ([]rdf.Quad, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec, err := ingest.NewDecoder(format, f, ingest.Options{File: path, Base: base})
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	var quads []rdf.Quad
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			return quads, nil
		}
		if err != nil {
			return quads, err
		}
		quads = append(quads, q)
	}
}

func formatQuads(qs []rdf.Quad) string {
	var b strings.Builder
	for _, q := range qs {
		b.WriteString(q.String())
		b.WriteByte('\n')
	}
	return b.String()
}
