package ingest

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// LoadRequest describes a load of one or more documents into a store.
type LoadRequest struct {
	// Files are paths; "-" reads standard input. A ".gz" ending is read
	// through gzip.
	Files []string
	// Format names the syntax for every file; "" guesses from each name.
	Format string
	// Base is the base IRI; "" uses each file's own location (a file: IRI).
	Base string
	// Graph, Replace and Owner are as in graph.LoadOptions.
	Graph   rdf.Term
	Replace bool
	Owner   string
	// Stdin is read for "-" (os.Stdin when nil).
	Stdin io.Reader
	// Progress, when set, is called now and then with the quads read so
	// far and the bytes read of the current file.
	Progress func(quads int64, bytes int64)
}

// Load parses every file and commits them as one atomic load: on any error
// (a syntax error in the last file included) nothing changes.
func Load(ctx context.Context, store *graph.Store, req LoadRequest) (graph.LoadResult, error) {
	if len(req.Files) == 0 {
		return graph.LoadResult{}, errors.New("load: no files given")
	}
	source := strings.Join(req.Files, " ")
	format := req.Format
	if format == "" && len(req.Files) == 1 {
		if f, ok := FormatForPath(req.Files[0]); ok {
			format = f.Name
		}
	}
	loader, err := store.NewLoader(ctx, graph.LoadOptions{
		Graph: req.Graph, Replace: req.Replace, Owner: req.Owner,
		Source: source, Format: format,
	})
	if err != nil {
		return graph.LoadResult{}, err
	}
	for _, path := range req.Files {
		loader.NewDocument()
		if err := loadFile(ctx, loader, path, req); err != nil {
			loader.Abort()
			return graph.LoadResult{}, err
		}
	}
	res, err := loader.Commit()
	if err != nil {
		return graph.LoadResult{}, fmt.Errorf("load %s: %w", source, err)
	}
	return res, nil
}

func loadFile(ctx context.Context, loader *graph.Loader, path string, req LoadRequest) error {
	format := req.Format
	if format == "" {
		f, ok := FormatForPath(path)
		if !ok {
			return fmt.Errorf("load %s: cannot tell the format from the file name; use --format (%s)", path, strings.Join(FormatNames(), ", "))
		}
		format = f.Name
	}
	var r io.Reader
	name := path
	if path == "-" {
		r = req.Stdin
		if r == nil {
			r = os.Stdin
		}
		name = ""
	} else {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("load %s: %w", path, err)
		}
		defer f.Close()
		r = f
	}
	counter := &countingReader{r: r}
	r = bufio.NewReaderSize(counter, 1<<16)
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("load %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	base := req.Base
	if base == "" && path != "-" {
		base = fileIRI(path)
	}
	dec, err := NewDecoder(format, r, Options{File: name, Base: base})
	if err != nil {
		return fmt.Errorf("load %s: %w", path, err)
	}
	defer dec.Close()
	n := 0
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var se *rdf.SyntaxError
			if errors.As(err, &se) && se.File != "" {
				return err // already names the file, line and column
			}
			return fmt.Errorf("load %s: %w", displayName(path), err)
		}
		if err := loader.Add(q); err != nil {
			return fmt.Errorf("load %s: quad %d: %w", displayName(path), n+1, err)
		}
		n++
		if n&16383 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if req.Progress != nil {
				req.Progress(loader.Quads(), counter.n)
			}
		}
	}
}

func displayName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}

// fileIRI makes the file: IRI of a path, the natural base of a document
// that uses relative IRIs.
func fileIRI(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	return "file://" + filepath.ToSlash(abs)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
