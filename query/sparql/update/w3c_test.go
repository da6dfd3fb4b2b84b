package update_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	_ "github.com/kplane/kplane/ingest/ntriples"
	_ "github.com/kplane/kplane/ingest/rdfxml"
	_ "github.com/kplane/kplane/ingest/turtle"
	"github.com/kplane/kplane/ingest/w3ctest"
	"github.com/kplane/kplane/query/sparql/parser"
	"github.com/kplane/kplane/query/sparql/update"
)

// knownFailures lists the W3C update tests (folder/name) expected to fail,
// each with the reason. The test fails on any other failure, and when a
// listed test passes, so that the list stays accurate.
var knownFailures = map[string]string{}

// TestW3CUpdate runs the update evaluation and update syntax tests of the
// SPARQL 1.1 suite.
func TestW3CUpdate(t *testing.T) {
	root := w3ctest.SkipIfAbsent(t)
	sparqlDir := filepath.Join(root, "sparql")
	man, err := w3ctest.Load(filepath.Join(sparqlDir, "sparql11", "manifest-sparql11-update.ttl"))
	if err != nil {
		t.Fatalf("load manifest: %v", err)
	}
	store, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true, MemTableSize: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	type tally struct{ passed, failed, skipped int }
	counts := map[string]*tally{}
	var folders []string
	var total tally
	for _, e := range man.AllEntries() {
		folder, _ := filepath.Rel(sparqlDir, filepath.Dir(e.Manifest.Path))
		folder = filepath.ToSlash(folder)
		var run func() error
		switch e.Type {
		case "UpdateEvaluationTest":
			run = func() error { return runEvaluation(store, e) }
		case "PositiveUpdateSyntaxTest11", "NegativeUpdateSyntaxTest11":
			run = func() error { return runSyntax(e) }
		case "PositiveSyntaxTest11", "NegativeSyntaxTest11":
			// Some update folders type their syntax tests as query
			// syntax tests; the request file tells them apart.
			if !strings.HasSuffix(e.Action, ".ru") {
				continue
			}
			run = func() error { return runSyntax(e) }
		default:
			continue // protocol and query tests belong elsewhere
		}
		c := counts[folder]
		if c == nil {
			c = &tally{}
			counts[folder] = c
			folders = append(folders, folder)
		}
		if e.Approval == "Withdrawn" {
			c.skipped++
			total.skipped++
			continue
		}
		key := folder + "/" + e.Name
		err := run()
		known, isKnown := knownFailures[key]
		switch {
		case err == nil && isKnown:
			t.Errorf("%s: passes but is listed as a known failure (%s); remove it from knownFailures", key, known)
		case err != nil && !isKnown:
			t.Errorf("%s: %v", key, err)
		}
		if err == nil {
			c.passed++
			total.passed++
		} else {
			c.failed++
			total.failed++
		}
	}
	sort.Strings(folders)
	for _, f := range folders {
		c := counts[f]
		t.Logf("%s: %d passed, %d failed, %d skipped", f, c.passed, c.failed, c.skipped)
	}
	t.Logf("total: %d passed, %d failed, %d skipped", total.passed, total.failed, total.skipped)
	if total.passed == 0 {
		t.Error("no test ran")
	}
}

// runSyntax checks that a positive syntax test parses and a negative one
// does not.
func runSyntax(e *w3ctest.Entry) error {
	if e.Action == "" {
		return fmt.Errorf("no local file for the action %s", e.ActionIRI)
	}
	src, err := os.ReadFile(e.Action)
	if err != nil {
		return err
	}
	_, err = parser.ParseUpdate(string(src), e.ActionIRI)
	positive := strings.HasPrefix(e.Type, "Positive")
	if positive && err != nil {
		return fmt.Errorf("valid update rejected: %v", err)
	}
	if !positive && err == nil {
		return fmt.Errorf("invalid update accepted:\n%s", src)
	}
	return nil
}

// dataset is the state of a graph store in a test: the default graph's
// file and the named graphs' files.
type dataset struct {
	data  []w3ctest.File
	named []w3ctest.NamedFile
}

// readDataset reads the ut:data and ut:graphData of an action or result
// node.
func readDataset(m *w3ctest.Manifest, node rdf.Term) (dataset, error) {
	var ds dataset
	for _, d := range m.Objects(node, w3ctest.UT+"data") {
		r, err := m.File(d)
		if err != nil {
			return ds, err
		}
		ds.data = append(ds.data, r)
	}
	for _, gd := range m.Objects(node, w3ctest.UT+"graphData") {
		g, ok := m.Object(gd, w3ctest.UT+"graph")
		if !ok {
			return ds, errors.New("ut:graphData without ut:graph")
		}
		r, err := m.File(g)
		if err != nil {
			return ds, err
		}
		name := r.IRI
		if l, ok := m.Object(gd, rdf.RDFSNS+"label"); ok {
			name = l.Value
		}
		ds.named = append(ds.named, w3ctest.NamedFile{Name: name, File: r})
	}
	return ds, nil
}

// runEvaluation runs one update evaluation test and returns why it
// failed.
func runEvaluation(store *graph.Store, e *w3ctest.Entry) error {
	m := e.Manifest
	action, ok := e.Prop(w3ctest.MF + "action")
	if !ok {
		return errors.New("no mf:action")
	}
	req, ok := m.Object(action, w3ctest.UT+"request")
	if !ok {
		return errors.New("no ut:request")
	}
	reqRef, err := m.File(req)
	if err != nil {
		return err
	}
	before, err := readDataset(m, action)
	if err != nil {
		return err
	}
	result, ok := e.Prop(w3ctest.MF + "result")
	if !ok {
		return errors.New("no mf:result")
	}
	after, err := readDataset(m, result)
	if err != nil {
		return err
	}
	wantSuccess := true
	if r, ok := m.Object(result, w3ctest.UT+"result"); ok && r.Value != w3ctest.UT+"success" {
		wantSuccess = false
	}

	if err := w3ctest.LoadDataset(store, before.data, before.named); err != nil {
		return fmt.Errorf("load data: %w", err)
	}
	src, err := os.ReadFile(reqRef.Path)
	if err != nil {
		return err
	}
	u, err := parser.ParseUpdate(string(src), reqRef.IRI)
	if err != nil {
		return fmt.Errorf("parse: %w", err)
	}
	_, err = update.Execute(context.Background(), store, u, update.Options{BaseIRI: reqRef.IRI})
	switch {
	case err != nil && wantSuccess:
		return fmt.Errorf("execute: %w", err)
	case err == nil && !wantSuccess:
		return errors.New("succeeded, but the test expects a failure")
	}

	want, err := datasetQuads(after)
	if err != nil {
		return fmt.Errorf("read expected data: %w", err)
	}
	got, err := storeQuads(store)
	if err != nil {
		return err
	}
	if !rdf.Isomorphic(got, want) {
		return fmt.Errorf("dataset differs:\ngot:\n%s\nwant:\n%s", quadsString(got), quadsString(want))
	}
	return nil
}

// datasetQuads reads a dataset's files as quads; blank nodes of different
// files are kept apart.
func datasetQuads(ds dataset) ([]rdf.Quad, error) {
	var out []rdf.Quad
	doc := 0
	add := func(f w3ctest.File, g rdf.Term) error {
		quads, err := w3ctest.ReadQuads(f)
		if err != nil {
			return err
		}
		doc++
		for _, q := range quads {
			q.S, q.O = scoped(q.S, doc), scoped(q.O, doc)
			q.G = g
			out = append(out, normalize(q))
		}
		return nil
	}
	for _, f := range ds.data {
		if err := add(f, rdf.Term{}); err != nil {
			return nil, err
		}
	}
	for _, n := range ds.named {
		if err := add(n.File, rdf.IRI(n.Name)); err != nil {
			return nil, err
		}
	}
	return dedupe(out), nil
}

func scoped(t rdf.Term, doc int) rdf.Term {
	if t.IsBlank() {
		t.Value = fmt.Sprintf("d%d-%s", doc, t.Value)
	}
	return t
}

func normalize(q rdf.Quad) rdf.Quad {
	q.O.Lang = strings.ToLower(q.O.Lang)
	return q
}

func dedupe(qs []rdf.Quad) []rdf.Quad {
	seen := map[rdf.Quad]bool{}
	out := qs[:0]
	for _, q := range qs {
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return out
}

// storeQuads reads the whole dataset of the store, without the metadata
// graph.
func storeQuads(store *graph.Store) ([]rdf.Quad, error) {
	snap := store.Snapshot()
	defer snap.Release()
	metadata := graph.TermID(rdf.IRI(graph.MetadataGraph))
	it := snap.Scan(context.Background(), graph.Pattern{Graph: graph.AllGraphs})
	defer it.Close()
	var out []rdf.Quad
	for it.Next() {
		eq := it.Quad()
		if eq.G == metadata {
			continue
		}
		q, err := snap.Quad(eq)
		if err != nil {
			return nil, err
		}
		out = append(out, normalize(q))
	}
	return out, it.Err()
}

func quadsString(qs []rdf.Quad) string {
	lines := make([]string, len(qs))
	for i, q := range qs {
		lines[i] = q.String()
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
