package search_test

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/query/search"

	_ "github.com/kplane/kplane/ingest/odcs"
	_ "github.com/kplane/kplane/ingest/turtle"
)

const demo = "https://demo.kplane.dev/"

var demoRoot = filepath.Join("..", "..", "testdata", "demo")

// demoFiles lists the demo enterprise: every Turtle file and ODCS contract
// of testdata/demo and the kplane vocabulary.
func demoFiles(t testing.TB) []string {
	t.Helper()
	files := []string{filepath.Join("..", "..", "ontology", "kplane.ttl")}
	err := filepath.WalkDir(demoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(path, ".ttl") || strings.HasSuffix(path, ".odcs.yaml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// graphName names the graph a demo file is loaded into.
func graphName(path string) rdf.Term {
	rel, err := filepath.Rel(demoRoot, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return rdf.IRI("https://kplane.dev/ns")
	}
	return rdf.IRI(demo + "graph/" + filepath.ToSlash(rel))
}

// loadFile replaces the graph of one demo file with its content.
func loadFile(t testing.TB, store *graph.Store, path string) {
	t.Helper()
	f, ok := ingest.FormatForPath(path)
	if strings.HasSuffix(path, ".odcs.yaml") {
		f, ok = ingest.LookupFormat("odcs")
	}
	if !ok {
		t.Fatalf("no format for %s", path)
	}
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	abs, _ := filepath.Abs(path)
	dec, err := f.NewDecoder(r, ingest.Options{File: path, Base: "file://" + filepath.ToSlash(abs)})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	ctx := context.Background()
	l, err := store.NewLoader(ctx, graph.LoadOptions{Graph: graphName(path), Replace: true, Source: path, Format: f.Name})
	if err != nil {
		t.Fatal(err)
	}
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			l.Abort()
			t.Fatal(err)
		}
		if err := l.Add(q); err != nil {
			l.Abort()
			t.Fatal(err)
		}
	}
	if _, err := l.Commit(); err != nil {
		t.Fatal(err)
	}
}

// openDemo opens a store in dir ("" for memory) holding the demo.
func openDemo(t testing.TB, dir string) *graph.Store {
	t.Helper()
	store, err := graph.Open(dir, &graph.Options{InMemory: dir == "", NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range demoFiles(t) {
		loadFile(t, store, path)
	}
	return store
}

// shared is the demo store and its index, built once: the read-only tests
// share them.
var shared struct {
	once  sync.Once
	store *graph.Store
	index *search.Index
	err   error
}

func demoIndex(t testing.TB) (*graph.Store, *search.Index) {
	t.Helper()
	shared.once.Do(func() {
		shared.store = openDemo(t, "")
		shared.index, shared.err = search.OpenStore(context.Background(), shared.store)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.store, shared.index
}
