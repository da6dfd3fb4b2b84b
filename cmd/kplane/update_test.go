package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

func TestUpdateParseOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	mustRun(t, dir, "", "update", "--parse-only", `INSERT DATA { <http://e/s> <http://e/p> "o" }`)
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("--parse-only touched the store directory (stat: %v)", err)
	}
	_, err := run(t, dir, "", "update", "--parse-only", "INSERT DATA {\n  <http://e/s> <http://e/p> }")
	if err == nil {
		t.Fatal("--parse-only accepted a triple without object")
	}
	if !regexp.MustCompile(`^2:\d+: `).MatchString(err.Error()) {
		t.Errorf("syntax error %q is not line:col: message on line 2", err)
	}
	if _, err := run(t, dir, "", "update", "--parse-only", "INSERT DATA { <http://e/s> <http://e/p> ?o }"); err == nil {
		t.Error("--parse-only accepted a variable in INSERT DATA")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("--parse-only of invalid requests touched the store directory (stat: %v)", err)
	}
}

func TestUpdateChangesTheStore(t *testing.T) {
	dir := t.TempDir()
	out := mustRun(t, dir, "", "update", `PREFIX e: <http://e/>
		INSERT DATA { e:a e:p 1 . GRAPH e:g { e:a e:p 2 } } ;
		DELETE { ?s e:p ?o } INSERT { ?s e:q ?o } WHERE { ?s e:p ?o }`)
	if !strings.Contains(out, "2 operations: 3 quads inserted, 1 quads deleted") {
		t.Errorf("unexpected summary %q", out)
	}
	ru := filepath.Join(t.TempDir(), "u.ru")
	if err := os.WriteFile(ru, []byte("DROP GRAPH <http://e/g>"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustRun(t, dir, "", "update", "--file", ru)
	mustRun(t, dir, "INSERT DATA { <r> <http://e/p> <x> }", "update", "--base", "http://base/", "--file", "-")

	// A failing request changes nothing.
	if _, err := run(t, dir, "", "update", `INSERT DATA { <http://e/z> <http://e/p> 3 } ; CREATE GRAPH <http://e/h> ; CREATE GRAPH <http://e/h>`); err == nil {
		t.Error("creating a graph twice succeeded")
	}

	s, err := graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snap := s.Snapshot()
	defer snap.Release()
	var got []string
	it := snap.Scan(context.Background(), graph.Pattern{Graph: graph.DefaultGraph})
	for it.Next() {
		q, err := snap.Quad(it.Quad())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, q.String())
	}
	it.Close()
	want := []string{
		`<http://base/r> <http://e/p> <http://base/x> .`,
		`<http://e/a> <http://e/q> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("default graph:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, g := range []string{"http://e/g", "http://e/h"} {
		if _, ok := snap.Graph(rdf.IRI(g)); ok {
			t.Errorf("graph %s exists", g)
		}
	}
}
