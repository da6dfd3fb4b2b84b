package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"connectrpc.com/connect"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

// loadRequest is a graph load over any API.
type loadRequest struct {
	graph, format, base, owner string
	replace                    bool
	body                       io.Reader
	source                     string // recorded as the graph's source
}

// checkGraphName checks that name is a graph clients may write.
func checkGraphName(name string) (rdf.Term, error) {
	if name == "" {
		return rdf.Term{}, badRequestf("no graph named: give the graph's IRI")
	}
	if !rdf.IsAbsoluteIRI(name) {
		return rdf.Term{}, badRequestf("graph name %q is not an absolute IRI", name)
	}
	if name == graph.MetadataGraph {
		return rdf.Term{}, statusError{http.StatusForbidden, connect.CodePermissionDenied,
			fmt.Errorf("%w: %s is maintained by the store", ErrForbidden, name)}
	}
	return rdf.IRI(name), nil
}

// loadGraph authorizes and runs a load. The load is atomic: on any error,
// nothing changes. It reports the graph after the load and the number of
// quads read.
func (s *Server) loadGraph(ctx context.Context, req loadRequest) (graph.GraphInfo, int64, error) {
	name, err := checkGraphName(req.graph)
	if err != nil {
		return graph.GraphInfo{}, 0, err
	}
	sn := s.cfg.Store.Snapshot()
	gi, exists := sn.Graph(name)
	sn.Release()
	owner, err := authorizeGraphWrite(ctx, req.graph, exists, gi.Owner, req.owner)
	if err != nil {
		return graph.GraphInfo{}, 0, err
	}
	f, ok := ingest.LookupFormat(req.format)
	if !ok {
		return graph.GraphInfo{}, 0, statusError{http.StatusUnsupportedMediaType, connect.CodeInvalidArgument,
			fmt.Errorf("unknown RDF format %q (known: %s)", req.format, strings.Join(ingest.FormatNames(), ", "))}
	}
	base := req.base
	if base == "" {
		base = req.graph
	}
	dec, err := f.NewDecoder(req.body, ingest.Options{File: req.graph, Base: base})
	if err != nil {
		return graph.GraphInfo{}, 0, badRequest{err}
	}
	defer dec.Close()
	// The check above fails fast; the same check runs again in the commit,
	// where no concurrent change of owner can slip in between.
	loader, err := s.cfg.Store.NewLoader(ctx, graph.LoadOptions{
		Graph: name, Replace: req.replace, Owner: owner, Source: req.source, Format: f.Name,
		Check: func(current graph.GraphInfo, exists bool) error {
			_, err := authorizeGraphWrite(ctx, req.graph, exists, current.Owner, req.owner)
			return err
		},
	})
	if err != nil {
		return graph.GraphInfo{}, 0, err
	}
	loader.NewDocument()
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			break
		}
		if err == nil {
			err = loader.Add(q)
		}
		if err != nil {
			loader.Abort()
			var se *rdf.SyntaxError
			var mbe *http.MaxBytesError
			if ctx.Err() == nil && !errors.As(err, &mbe) && (errors.As(err, &se) || !isTransportError(err)) {
				err = badRequest{err}
			}
			return graph.GraphInfo{}, 0, fmt.Errorf("load %s: %w", req.graph, err)
		}
	}
	if _, err := loader.Commit(); err != nil {
		return graph.GraphInfo{}, 0, fmt.Errorf("load %s: %w", req.graph, err)
	}
	read := loader.Quads()
	s.written(ctx)
	sn = s.cfg.Store.Snapshot()
	gi, _ = sn.Graph(name)
	sn.Release()
	s.log.Info("graph loaded", "graph", req.graph, "owner", gi.Owner, "quads", gi.Quads, "replace", req.replace)
	return gi, read, nil
}

// transportError marks failures to read the request body, which are not
// the client's syntax errors.
type transportError struct{ err error }

func (e transportError) Error() string { return e.err.Error() }
func (e transportError) Unwrap() error { return e.err }

func isTransportError(err error) bool {
	var te transportError
	return errors.As(err, &te)
}

// dropGraph authorizes and drops a graph, returning the quads it held.
func (s *Server) dropGraph(ctx context.Context, graphName string) (int64, error) {
	name, err := checkGraphName(graphName)
	if err != nil {
		return 0, err
	}
	sn := s.cfg.Store.Snapshot()
	gi, exists := sn.Graph(name)
	sn.Release()
	if !exists {
		if _, err := authorizeRead(ctx); err != nil {
			return 0, err
		}
		return 0, fmt.Errorf("drop %s: %w", graphName, graph.ErrGraphNotFound)
	}
	if _, err := authorizeGraphWrite(ctx, graphName, true, gi.Owner, ""); err != nil {
		return 0, err
	}
	err = s.cfg.Store.Update(ctx, func(tx *graph.Txn) error {
		// Again inside the transaction, where the owner cannot change.
		current, exists := tx.Graph(name)
		if _, err := authorizeGraphWrite(ctx, graphName, exists, current.Owner, ""); err != nil {
			return err
		}
		return tx.DropGraph(name)
	})
	if err != nil {
		return 0, err
	}
	s.written(ctx)
	s.log.Info("graph dropped", "graph", graphName, "quads", gi.Quads)
	return gi.Quads, nil
}

// exportGraph calls fn with the quads of a graph in batches of up to n.
func (s *Server) exportGraph(ctx context.Context, graphName string, n int, fn func([]rdf.Quad) error) error {
	if _, err := authorizeRead(ctx); err != nil {
		return err
	}
	if !rdf.IsAbsoluteIRI(graphName) {
		return badRequestf("graph name %q is not an absolute IRI", graphName)
	}
	sn := s.cfg.Store.Snapshot()
	defer sn.Release()
	name := rdf.IRI(graphName)
	if _, ok := sn.Graph(name); !ok {
		return fmt.Errorf("export %s: %w", graphName, graph.ErrGraphNotFound)
	}
	return exportSelector(ctx, sn, graph.InGraph(graph.TermID(name)), n, fn)
}

func exportSelector(ctx context.Context, sn *graph.Snapshot, sel graph.GraphSelector, n int, fn func([]rdf.Quad) error) error {
	it := sn.Scan(ctx, graph.Pattern{Graph: sel})
	defer it.Close()
	batch := make([]rdf.Quad, 0, n)
	for it.Next() {
		q, err := sn.Quad(it.Quad())
		if err != nil {
			return err
		}
		batch = append(batch, q)
		if len(batch) == n {
			if err := fn(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}
