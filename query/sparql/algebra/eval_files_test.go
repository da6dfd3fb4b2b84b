package algebra_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/kplane/kplane/ingest/w3ctest"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/parser"
)

// TestW3CEvaluationQueriesTranslate parses and translates the query of
// every evaluation test of the SPARQL 1.0 and 1.1 suites, and parses the
// request of every update evaluation test and translates its WHERE
// clauses. All of them are valid.
func TestW3CEvaluationQueriesTranslate(t *testing.T) {
	root := w3ctest.SkipIfAbsent(t)
	seen := map[string]bool{}
	perFolder := map[string][2]int{}
	for _, m := range []string{"sparql/sparql10/manifest.ttl", "sparql/sparql11/manifest-all.ttl"} {
		path := filepath.Join(root, filepath.FromSlash(m))
		if _, err := os.Stat(path); err != nil {
			continue
		}
		man, err := w3ctest.Load(path)
		if err != nil {
			t.Fatalf("loading %s: %v", m, err)
		}
		for _, e := range man.AllEntries() {
			action, ok := e.Prop(w3ctest.MF + "action")
			if !ok || !action.IsBlank() || e.Approval == "Withdrawn" {
				continue
			}
			pred, update := w3ctest.QT+"query", false
			if e.Type == "UpdateEvaluationTest" {
				pred, update = w3ctest.UT+"request", true
			}
			qiri, ok := e.Manifest.Object(action, pred)
			if !ok {
				continue
			}
			file, ok := e.Manifest.LocalPath(qiri.Value)
			if !ok || seen[file] {
				continue
			}
			seen[file] = true
			folder, _ := filepath.Rel(root, filepath.Dir(file))
			counts := perFolder[folder]
			src, err := os.ReadFile(file)
			if err != nil {
				t.Errorf("%s: %v", e.Name, err)
				continue
			}
			err = translateFile(string(src), qiri.Value, update)
			if err != nil {
				counts[1]++
				t.Errorf("%s %s (%s): %v", folder, e.Name, filepath.Base(file), err)
			} else {
				counts[0]++
			}
			perFolder[folder] = counts
		}
	}
	if len(seen) == 0 {
		t.Fatal("no evaluation tests found in the manifests")
	}
	folders := make([]string, 0, len(perFolder))
	for f := range perFolder {
		folders = append(folders, f)
	}
	sort.Strings(folders)
	for _, f := range folders {
		t.Logf("sparql eval queries (%s): %d translated, %d failed", f, perFolder[f][0], perFolder[f][1])
	}
}

func translateFile(src, base string, update bool) error {
	if update {
		u, err := parser.ParseUpdate(src, base)
		if err != nil {
			return err
		}
		for _, op := range u.Operations {
			if m, ok := op.(*parser.Modify); ok {
				if _, err := algebra.TranslatePattern(m.Where); err != nil {
					return err
				}
			}
		}
		return nil
	}
	q, err := parser.ParseQuery(src, base)
	if err != nil {
		return err
	}
	a, err := algebra.Translate(q)
	if err != nil {
		return err
	}
	_ = a.String()
	return nil
}
