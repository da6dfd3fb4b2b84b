package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// run executes one kplane command line against the store in dir.
func run(t *testing.T, dir, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	root := newRootCommand(strings.NewReader(stdin), &out, &errOut)
	root.SetArgs(append([]string{"--data", dir}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

func mustRun(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	out, err := run(t, dir, stdin, args...)
	if err != nil {
		t.Fatalf("kplane %s: %v", strings.Join(args, " "), err)
	}
	return out
}

func graphsJSON(t *testing.T, dir string) []graphJSON {
	t.Helper()
	var gs []graphJSON
	if err := json.Unmarshal([]byte(mustRun(t, dir, "", "graphs", "--format", "json")), &gs); err != nil {
		t.Fatal(err)
	}
	return gs
}

func TestLoadExportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(t.TempDir(), "doc.ttl")
	os.WriteFile(doc, []byte(`@prefix ex: <http://example.org/> .
ex:a ex:p ex:b, "chat"@fr, 42, 1.5, "x"^^ex:dt ;
     ex:q [ ex:r ( 1 2 ) ] .
`), 0o644)
	out := mustRun(t, dir, "", "load", "--graph", "http://example.org/g", "--owner", "Sales", doc)
	if !strings.Contains(out, "http://example.org/g: 11 quads") {
		t.Errorf("load output: %q", out)
	}
	gs := graphsJSON(t, dir)
	if len(gs) != 1 || gs[0].Owner != "Sales" || gs[0].Quads != 11 || gs[0].Format != "turtle" || gs[0].Source != doc {
		t.Fatalf("graphs: %+v", gs)
	}
	// Export the graph in each format and load it back into another graph:
	// the content hash (blank-node insensitive) must be the same.
	for _, format := range []string{"ntriples", "turtle", "nquads"} {
		exported := mustRun(t, dir, "", "export", "--graph", "http://example.org/g", "--format", format)
		ext := map[string]string{"ntriples": ".nt", "turtle": ".ttl", "nquads": ".nq"}[format]
		p := filepath.Join(t.TempDir(), "out"+ext)
		os.WriteFile(p, []byte(exported), 0o644)
		mustRun(t, dir, "", "load", "--graph", "http://example.org/copy", p)
		var orig, copy graphJSON
		for _, g := range graphsJSON(t, dir) {
			switch g.Graph {
			case "http://example.org/g":
				orig = g
			case "http://example.org/copy":
				copy = g
			}
		}
		if copy.Quads != orig.Quads || copy.ContentHash != orig.ContentHash {
			t.Errorf("%s round trip: %+v vs %+v", format, copy, orig)
		}
	}
	// The whole store as N-Quads, back into a fresh store.
	all := mustRun(t, dir, "", "export")
	dir2 := t.TempDir()
	mustRun(t, dir2, all, "load", "--format", "nquads", "-")
	if got, want := mustRun(t, dir2, "", "export", "--graph", "http://example.org/g"), mustRun(t, dir, "", "export", "--graph", "http://example.org/g"); len(got) != len(want) {
		t.Errorf("store round trip differs:\n%s\nvs\n%s", got, want)
	}
	mustRun(t, dir, "", "drop", "--graph", "http://example.org/copy")
	if gs := graphsJSON(t, dir); len(gs) != 1 {
		t.Errorf("after drop: %+v", gs)
	}
}

func TestErrorsAreOneLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.ttl")
	os.WriteFile(bad, []byte("@prefix ex: <http://example.org/> .\nex:a ex:p ex:b ;; ex:c .\nex:a ex:p\n"), 0o644)
	_, err := run(t, dir, "", "load", "--graph", "http://example.org/g", bad)
	if err == nil || !strings.Contains(err.Error(), "bad.ttl:2:24: expected object") || strings.Contains(oneLine(err), "\n") {
		t.Errorf("syntax error: %v", err)
	}
	if _, err := run(t, dir, "", "load", "--format", "yaml", bad); err == nil || !strings.Contains(err.Error(), "unknown --format") {
		t.Errorf("bad format: %v", err)
	}
	if _, err := run(t, dir, "", "drop", "--graph", "http://example.org/none"); err == nil {
		t.Error("dropping a missing graph succeeded")
	}
	if _, err := run(t, dir, "", "load", "--append", bad); err == nil {
		t.Error("--append without --graph accepted")
	}
}

func TestDemoLoadsTheEnterprise(t *testing.T) {
	dir := t.TempDir()
	out := mustRun(t, dir, "", "demo", "--dir", filepath.Join("..", "..", "testdata", "demo"))
	if !strings.Contains(out, "loaded the demo enterprise") || !strings.Contains(out, "named graphs:") ||
		!strings.Contains(out, "about Customer") {
		t.Fatalf("demo output: %q", out)
	}
	gs := graphsJSON(t, dir)
	owners := map[string]bool{}
	formats := map[string]int{}
	for _, g := range gs {
		if g.Quads == 0 {
			t.Errorf("empty demo graph %s", g.Graph)
		}
		owners[g.Owner] = true
		formats[g.Format]++
		if g.Format == "odcs" || g.Format == "glossary-csv" {
			// Imported documents are owned by their domain folder.
			if !strings.Contains(g.Source, string(filepath.Separator)+g.Owner+string(filepath.Separator)) {
				t.Errorf("graph %s from %s is owned by %q", g.Graph, g.Source, g.Owner)
			}
		}
	}
	for _, d := range []string{"sales", "finance", "marketing", "logistics", "customer-service", "banking", "insurance", "enterprise"} {
		if !owners[d] {
			t.Errorf("no graph owned by %s", d)
		}
	}
	// The README: 17 contracts, one CSV glossary, and the Turtle files.
	if formats["odcs"] != 17 || formats["glossary-csv"] != 1 || formats["turtle"] == 0 {
		t.Errorf("graphs by format: %v; want 17 odcs, 1 glossary-csv and the Turtle files", formats)
	}
	// Running it again replaces, not duplicates.
	// (The disk line is left out: Badger's size estimate moves.)
	stats := func() string {
		var kept []string
		for _, l := range strings.Split(mustRun(t, dir, "", "stats"), "\n") {
			if !strings.HasPrefix(l, "disk:") {
				kept = append(kept, l)
			}
		}
		return strings.Join(kept, "\n")
	}
	before := stats()
	mustRun(t, dir, "", "demo", "--dir", filepath.Join("..", "..", "testdata", "demo"))
	if after := stats(); after != before {
		t.Errorf("second demo run changed the stats:\n%s\nvs\n%s", after, before)
	}
}

func TestHelpIsComplete(t *testing.T) {
	root := newRootCommand(strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	for _, c := range root.Commands() {
		if c.Short == "" {
			t.Errorf("command %s has no summary", c.Name())
		}
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if f.Usage == "" {
				t.Errorf("flag --%s of %s has no help", f.Name, c.Name())
			}
		})
	}
}
