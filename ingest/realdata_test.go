package ingest_test

import (
	"context"
	"github.com/kplane/kplane/ingest/w3ctest"

	"bytes"
	"fmt"
	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kplane/kplane/ingest"
	_ "github.com/kplane/kplane/ingest/jsonld"
	_ "github.com/kplane/kplane/ingest/ntriples"
	_ "github.com/kplane/kplane/ingest/rdfxml"
	_ "github.com/kplane/kplane/ingest/turtle"
)

// realdataDir returns the shared real-world data, or skips.
func realdataDir(t *testing.T) string { return w3ctest.Realdata(t) }

// rdfExtensions are the file endings of RDF documents in the real data;
// a file with one of them must parse once a format claims the ending.
var rdfExtensions = []string{".rdf", ".owl", ".ttl", ".nt", ".nq", ".trig", ".jsonld", ".json-ld", ".xml"}

// folderStats counts what one top-level folder of the real data gave.
type folderStats struct {
	files, triples int
	invalid        int // documents invalid as published
}

// invalidAsPublished lists the real documents that are not valid as
// published, with the error they must be refused with.
var invalidAsPublished = map[string]string{
	// A missing comma near line 13.
	"dprod/examples/dprod-example.json": "13:7",
	// Nodes with both "id" (the alias of "@id" in DPROD's context) and "@id".
	"dprod/examples/equity-trade/example.jsonld":   "colliding keywords",
	"dprod/examples/sba-pool-rates/example.jsonld": "colliding keywords",
}

// TestRealDataParses reads every RDF document of the shared real data
// through the format registry, and loads it into a store, each document
// into a graph of its own: all must parse and load, but for the documents
// that are invalid as published, which must be refused.
func TestRealDataParses(t *testing.T) {
	root := realdataDir(t)
	store, err := graph.Open("", &graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	stats := map[string]*folderStats{}
	missingFormat := map[string]int{}
	err = filepath.WalkDir(root, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		ext := strings.ToLower(filepath.Ext(path))
		if !containsString(rdfExtensions, ext) {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		folder := strings.SplitN(filepath.ToSlash(rel), "/", 2)[0]
		f, ok := ingest.FormatForPath(path)
		if !ok {
			missingFormat[ext]++
			return nil
		}
		if f.Name == "rdfxml" && ext == ".xml" && !hasRDFNamespace(t, path) {
			t.Logf("%s: not RDF/XML (no RDF namespace), skipped", rel)
			return nil
		}
		st := stats[folder]
		if st == nil {
			st = &folderStats{}
			stats[folder] = st
		}
		n, err := decodeRealFile(f, path)
		if reason, ok := invalidAsPublished[filepath.ToSlash(rel)]; ok {
			if err == nil || !strings.Contains(err.Error(), reason) {
				t.Errorf("%s: err = %v, want %q", rel, err, reason)
			}
			st.invalid++
			return nil
		}
		switch {
		case err != nil:
			t.Errorf("%s: %v", rel, err)
		default:
			st.files++
			st.triples += n
			loaded, err := ingest.Load(context.Background(), store, ingest.LoadRequest{
				Files: []string{path}, Graph: rdf.IRI("urn:kplane:test:" + filepath.ToSlash(rel)), Replace: true,
			})
			if err != nil {
				t.Errorf("load %s: %v", rel, err)
			} else if loaded.Quads > int64(n) || loaded.Quads == 0 {
				t.Errorf("load %s: %d quads stored of %d parsed", rel, loaded.Quads, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for ext, n := range missingFormat {
		t.Logf("%d %s files skipped: no format registered for %s", n, ext, ext)
	}
	if len(stats) == 0 {
		t.Fatal("no RDF files found under " + root)
	}
	folders := make([]string, 0, len(stats))
	for name := range stats {
		folders = append(folders, name)
	}
	sort.Strings(folders)
	for _, name := range folders {
		st := stats[name]
		fmt.Printf("realdata %s: %d files, %d triples", name, st.files, st.triples)
		if st.invalid > 0 {
			fmt.Printf(", %d invalid as published (refused)", st.invalid)
		}
		fmt.Println()
	}
}

// decodeRealFile decodes the file at path to the end and counts its quads.
func decodeRealFile(f ingest.Format, path string) (int, error) {
	r, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, err
	}
	base := (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
	d, err := f.NewDecoder(r, ingest.Options{File: path, Base: base})
	if err != nil {
		return 0, err
	}
	defer d.Close()
	n := 0
	for {
		_, err := d.Decode()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// hasRDFNamespace reports whether the XML file at path mentions the RDF namespace
// in its first kilobytes; XML catalogs and the like do not.
func hasRDFNamespace(t *testing.T, path string) bool {
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head := make([]byte, 8192)
	n, _ := io.ReadFull(r, head)
	return bytes.Contains(head[:n], []byte("http://www.w3.org/1999/02/22-rdf-syntax-ns#"))
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
