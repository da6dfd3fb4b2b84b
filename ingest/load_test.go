package ingest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

func openStore(t *testing.T) *graph.Store {
	t.Helper()
	s, err := graph.Open(t.TempDir(), &graph.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func graphInfo(t *testing.T, s *graph.Store, name string) graph.GraphInfo {
	t.Helper()
	sn := s.Snapshot()
	defer sn.Release()
	info, ok := sn.Graph(rdf.IRI(name))
	if !ok {
		t.Fatalf("graph %s missing", name)
	}
	return info
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A syntax error on the last line of a large file leaves the graph as it
// was, and the error names the file, line and column.
func TestLoadSyntaxErrorAtTheEndChangesNothing(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	const g = "http://example.org/g"
	first := writeFile(t, "first.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\n")
	if _, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{first}, Graph: rdf.IRI(g), Replace: true}); err != nil {
		t.Fatal(err)
	}
	before := graphInfo(t, s, g)

	var b strings.Builder
	const lines = 300000
	for i := range lines {
		fmt.Fprintf(&b, "<http://example.org/s%d> <http://example.org/p> \"v%d\" .\n", i, i)
	}
	b.WriteString("<http://example.org/s> <http://example.org/p> \"unterminated .\n")
	big := writeFile(t, "big.nt", b.String())
	_, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{big}, Graph: rdf.IRI(g), Replace: true})
	var se *rdf.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("want a syntax error, got %v", err)
	}
	if se.File != big || se.Line != lines+1 || se.Col < 1 {
		t.Errorf("error position: %v", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("big.nt:%d:", lines+1)) {
		t.Errorf("error text %q lacks file:line", err)
	}
	after := graphInfo(t, s, g)
	if after.Quads != before.Quads || after.ContentHash != before.ContentHash {
		t.Errorf("failed load changed the graph: %+v -> %+v", before, after)
	}
	sn := s.Snapshot()
	defer sn.Release()
	if n, _ := sn.Count(ctx, graph.Pattern{Graph: graph.InGraph(graph.TermID(rdf.IRI(g)))}); n != 1 {
		t.Errorf("graph holds %d quads after the failed load, want 1", n)
	}
}

// Several files load as one: an error in the second keeps the first out.
func TestLoadSeveralFilesIsAtomic(t *testing.T) {
	s := openStore(t)
	good := writeFile(t, "good.nt", "<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n")
	bad := writeFile(t, "bad.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:p .\n")
	_, err := ingest.Load(context.Background(), s, ingest.LoadRequest{Files: []string{good, bad}})
	if err == nil || !strings.Contains(err.Error(), "bad.ttl:2:") {
		t.Fatalf("want an error at bad.ttl:2, got %v", err)
	}
	sn := s.Snapshot()
	defer sn.Release()
	if n, _ := sn.Count(context.Background(), graph.Pattern{Graph: graph.AllGraphs}); n != 0 {
		t.Errorf("%d quads of the failed load are visible", n)
	}
	if gs := sn.Graphs(); len(gs) != 0 {
		t.Errorf("graphs after the failed load: %+v", gs)
	}
}

func TestLoadGzipStdinAndFormats(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("@prefix ex: <http://example.org/> .\nex:a ex:p [ ex:q 1 ] .\n"))
	zw.Close()
	p := filepath.Join(t.TempDir(), "doc.ttl.gz")
	if err := os.WriteFile(p, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{p}, Graph: rdf.IRI("http://example.org/gz"), Replace: true})
	if err != nil || res.Quads != 2 {
		t.Fatalf("gzip turtle: %v %+v", err, res)
	}
	if res.Graphs[0].Format != "turtle" || res.Graphs[0].Source != p {
		t.Errorf("metadata: %+v", res.Graphs[0])
	}
	// Standard input needs --format.
	stdin := strings.NewReader("<http://example.org/x> <http://example.org/p> \"1\" <http://example.org/named> .\n")
	res, err = ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{"-"}, Format: "nquads", Stdin: stdin})
	if err != nil || res.Quads != 1 || res.Graphs[0].Name.Value != "http://example.org/named" {
		t.Fatalf("stdin nquads: %v %+v", err, res)
	}
	if _, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{"-"}, Stdin: strings.NewReader("")}); err == nil {
		t.Error("stdin without a format was accepted")
	}
	if _, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{writeFile(t, "x.unknown", "")}}); err == nil || !strings.Contains(err.Error(), "--format") {
		t.Errorf("unknown extension: %v", err)
	}
	// A document that names a graph cannot be loaded into --graph.
	trig := writeFile(t, "d.trig", "<http://example.org/g2> { <http://example.org/a> <http://example.org/p> <http://example.org/b> . }\n")
	if _, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{trig}, Graph: rdf.IRI("http://example.org/other")}); err == nil {
		t.Error("quads naming a graph were loaded into --graph")
	}
}

// Relative IRIs resolve against the file's location unless a base is given.
func TestLoadBase(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	p := writeFile(t, "rel.ttl", "<a> <http://example.org/p> <../b> .\n")
	if _, err := ingest.Load(ctx, s, ingest.LoadRequest{Files: []string{p}, Base: "http://example.org/x/y"}); err != nil {
		t.Fatal(err)
	}
	sn := s.Snapshot()
	defer sn.Release()
	it := sn.Match(ctx, rdf.Term{}, rdf.IRI("http://example.org/p"), rdf.Term{}, graph.DefaultGraph)
	defer it.Close()
	if !it.Next() {
		t.Fatal("no quad")
	}
	q, _ := sn.Quad(it.Quad())
	if q.S.Value != "http://example.org/x/a" || q.O.Value != "http://example.org/b" {
		t.Errorf("resolved to %s", q)
	}
}
