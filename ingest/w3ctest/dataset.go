package w3ctest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

// File is a file of the suite with the IRI it is published under, which is
// its base IRI.
type File struct{ Path, IRI string }

// NamedFile is the content of a named graph of a test's dataset.
type NamedFile struct {
	Name string // the graph's name
	File File
}

// File maps an IRI of the manifest to the local file it names.
func (m *Manifest) File(t rdf.Term) (File, error) {
	if !t.IsIRI() {
		return File{}, fmt.Errorf("%s is not an IRI", t)
	}
	p, ok := m.LocalPath(t.Value)
	if !ok {
		return File{}, fmt.Errorf("no local file for %s", t.Value)
	}
	return File{p, t.Value}, nil
}

// ReadQuads parses a file of the suite in the format its name implies
// (the format's package must be imported).
func ReadQuads(f File) ([]rdf.Quad, error) {
	format, ok := ingest.FormatForPath(f.Path)
	if !ok {
		return nil, fmt.Errorf("%s: unknown format", f.Path)
	}
	fh, err := os.Open(f.Path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	dec, err := ingest.NewDecoder(format.Name, fh, ingest.Options{File: f.Path, Base: f.IRI})
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	var out []rdf.Quad
	for {
		q, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, q)
	}
}

// LoadDataset replaces the store's content with a test's dataset: the
// files of the default graph (their blank nodes kept apart) and the named
// graphs.
func LoadDataset(store *graph.Store, defaultGraph []File, named []NamedFile) error {
	snap := store.Snapshot()
	graphs := snap.Graphs()
	snap.Release()
	err := store.Update(context.Background(), func(tx *graph.Txn) error {
		for _, g := range graphs {
			if err := tx.DropGraph(g.Name); err != nil {
				return err
			}
		}
		return tx.ClearGraph(rdf.Term{})
	})
	if err != nil {
		return err
	}
	if err := loadFiles(store, defaultGraph, rdf.Term{}); err != nil {
		return err
	}
	for _, n := range named {
		if err := loadFiles(store, []File{n.File}, rdf.IRI(n.Name)); err != nil {
			return err
		}
	}
	return nil
}

func loadFiles(store *graph.Store, files []File, g rdf.Term) error {
	if len(files) == 0 {
		return nil
	}
	l, err := store.NewLoader(context.Background(), graph.LoadOptions{Graph: g, Replace: !g.IsZero()})
	if err != nil {
		return err
	}
	for _, f := range files {
		l.NewDocument()
		quads, err := ReadQuads(f)
		if err != nil {
			l.Abort()
			return err
		}
		for _, q := range quads {
			if err := l.Add(q); err != nil {
				l.Abort()
				return err
			}
		}
	}
	_, err = l.Commit()
	return err
}
