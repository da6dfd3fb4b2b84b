package update

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/query/sparql/parser"
)

// load runs LOAD: only of local files (file: IRIs), and only when
// Options.AllowLoad is set. The document is read completely before
// anything is inserted, so that LOAD SILENT of a broken document changes
// nothing. SILENT hides failures to read the document, never a refused
// authorization or a transaction that grew too big.
func (x *executor) load(op *parser.Load) error {
	into := graphTerm(op.Into)
	quads, err := x.readDocument(op.IRI)
	if err != nil {
		if op.Silent {
			return nil
		}
		return err
	}
	if !into.IsZero() && !x.exists(into) {
		if err := x.authorize(into); err != nil {
			return err
		}
		if err := x.tx.CreateGraph(into); err != nil {
			return err
		}
		x.deltaOf(into)
	}
	for _, q := range quads {
		if q.G.IsZero() {
			q.G = into
		}
		if err := x.insert(q); err != nil {
			return err
		}
	}
	return nil
}

// readDocument parses the local file a file: IRI names, in the format its
// name suggests, with fresh blank nodes.
func (x *executor) readDocument(iri string) ([]rdf.Quad, error) {
	if !x.opts.AllowLoad {
		return nil, ErrLoadNotAllowed
	}
	if !isFileIRI(iri) {
		return nil, fmt.Errorf("LOAD <%s>: only local files (file: IRIs) can be loaded", iri)
	}
	u, err := url.Parse(iri)
	if err != nil {
		return nil, fmt.Errorf("LOAD <%s>: %w", iri, err)
	}
	path := filepath.FromSlash(u.Path)
	format, ok := ingest.FormatForPath(path)
	if !ok {
		return nil, fmt.Errorf("LOAD <%s>: cannot tell the RDF format from the file name", iri)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("LOAD: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("LOAD %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	dec, err := ingest.NewDecoder(format.Name, r, ingest.Options{File: path, Base: iri})
	if err != nil {
		return nil, fmt.Errorf("LOAD %s: %w", path, err)
	}
	defer dec.Close()
	blanks := map[string]rdf.Term{}
	fresh := func(t rdf.Term) rdf.Term {
		if !t.IsBlank() {
			return t
		}
		b, ok := blanks[t.Value]
		if !ok {
			b = freshBlank()
			blanks[t.Value] = b
		}
		return b
	}
	var quads []rdf.Quad
	for {
		q, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			return quads, nil
		}
		if err != nil {
			return nil, fmt.Errorf("LOAD: %w", err)
		}
		q.S, q.O, q.G = fresh(q.S), fresh(q.O), fresh(q.G)
		quads = append(quads, q)
	}
}
