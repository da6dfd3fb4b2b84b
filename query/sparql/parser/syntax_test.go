package parser_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kplane/kplane/ingest/w3ctest"
	"github.com/kplane/kplane/query/sparql/parser"
)

// syntaxTestTypes maps the manifest types of the W3C syntax tests to
// whether the test is positive and whether it is an update.
var syntaxTestTypes = map[string]struct{ positive, update bool }{
	"PositiveSyntaxTest":         {true, false},
	"NegativeSyntaxTest":         {false, false},
	"PositiveSyntaxTest11":       {true, false},
	"NegativeSyntaxTest11":       {false, false},
	"PositiveUpdateSyntaxTest11": {true, true},
	"NegativeUpdateSyntaxTest11": {false, true},
}

// suiteManifests are the top-level manifests of the SPARQL suites, relative
// to the suite root.
var suiteManifests = []string{
	"sparql/sparql10/manifest.ttl",
	"sparql/sparql10/manifest-syntax.ttl",
	"sparql/sparql11/manifest-all.ttl",
}

// loadEntries loads the SPARQL manifests and returns their entries, each
// once, with the folder (relative to the suite root) of its manifest.
func loadEntries(t *testing.T) (entries []*w3ctest.Entry, folder func(*w3ctest.Entry) string) {
	root := w3ctest.SkipIfAbsent(t)
	seen := map[string]bool{}
	for _, m := range suiteManifests {
		path := filepath.Join(root, filepath.FromSlash(m))
		if _, err := os.Stat(path); err != nil {
			continue
		}
		man, err := w3ctest.Load(path)
		if err != nil {
			t.Fatalf("loading %s: %v", m, err)
		}
		for _, e := range man.AllEntries() {
			key := e.Manifest.Path + "#" + e.IRI + e.Node.String()
			if seen[key] {
				continue
			}
			seen[key] = true
			entries = append(entries, e)
		}
	}
	folder = func(e *w3ctest.Entry) string {
		rel, err := filepath.Rel(root, filepath.Dir(e.Manifest.Path))
		if err != nil {
			return filepath.Dir(e.Manifest.Path)
		}
		return filepath.ToSlash(rel)
	}
	return entries, folder
}

// TestW3CSyntax runs every positive and negative syntax test of the SPARQL
// 1.0 and 1.1 suites: positive tests must parse, negative ones must fail
// with a *rdf.SyntaxError.
func TestW3CSyntax(t *testing.T) {
	entries, folder := loadEntries(t)
	type counts struct{ passed, failed, skipped int }
	perFolder := map[string]*counts{}
	total := 0
	for _, e := range entries {
		kind, ok := syntaxTestTypes[e.Type]
		if !ok {
			continue
		}
		f := folder(e)
		c := perFolder[f]
		if c == nil {
			c = &counts{}
			perFolder[f] = c
		}
		total++
		if e.Approval == "Withdrawn" || e.Action == "" {
			c.skipped++
			continue
		}
		src, err := os.ReadFile(e.Action)
		if err != nil {
			t.Errorf("%s %s: %v", f, e.Name, err)
			c.failed++
			continue
		}
		update := kind.update || strings.HasSuffix(e.Action, ".ru")
		if update {
			_, err = parser.ParseUpdate(string(src), e.ActionIRI)
		} else {
			_, err = parser.ParseQuery(string(src), e.ActionIRI)
		}
		switch {
		case kind.positive && err != nil:
			c.failed++
			t.Errorf("%s %s (%s): valid input rejected: %v", f, e.Name, filepath.Base(e.Action), err)
		case !kind.positive && err == nil:
			c.failed++
			t.Errorf("%s %s (%s): invalid input accepted:\n%s", f, e.Name, filepath.Base(e.Action), src)
		default:
			c.passed++
		}
	}
	if total == 0 {
		t.Fatal("no syntax tests found in the manifests")
	}
	folders := make([]string, 0, len(perFolder))
	for f := range perFolder {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	for _, f := range folders {
		c := perFolder[f]
		t.Logf("sparql syntax (%s): %d passed, %d failed, %d skipped", f, c.passed, c.failed, c.skipped)
	}
}
