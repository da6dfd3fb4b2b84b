package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"connectrpc.com/connect"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/query/results"
)

type graphInfo = graph.GraphInfo

// serveGraphStore implements the SPARQL 1.1 Graph Store HTTP Protocol at
// /store: ?graph=IRI names a graph, ?default the default graph. GET and
// HEAD export, PUT replaces, POST adds, DELETE drops (empties the default
// graph). Named graphs load through the atomic loader whatever their size;
// the default graph, which has no owner and only admins may write, is
// written in one transaction.
func (s *Server) serveGraphStore(w http.ResponseWriter, r *http.Request) {
	params := r.URL.Query()
	name := params.Get("graph")
	_, isDefault := params["default"]
	if (name == "") == !isDefault {
		s.httpError(w, r, badRequestf("name one graph: ?graph=IRI or ?default"))
		return
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.serveGraphExport(w, r, name, isDefault)
	case http.MethodPut, http.MethodPost:
		if isDefault {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxLoadBytes)
			if err := s.writeDefaultGraph(r, r.Method == http.MethodPut); err != nil {
				s.httpError(w, r, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		sn := s.cfg.Store.Snapshot()
		_, existed := sn.Graph(rdf.IRI(name))
		sn.Release()
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxLoadBytes)
		_, _, err := s.loadGraph(r.Context(), loadRequest{
			graph: name, format: mt, owner: params.Get("owner"),
			replace: r.Method == http.MethodPut, body: r.Body, source: "graph store protocol",
		})
		if err != nil {
			s.httpError(w, r, err)
			return
		}
		if existed {
			w.WriteHeader(http.StatusNoContent)
		} else {
			w.WriteHeader(http.StatusCreated)
		}
	case http.MethodDelete:
		if isDefault {
			err := s.graphWriteAuthorizer(r.Context())(rdf.Term{})
			if err == nil {
				err = s.cfg.Store.Update(r.Context(), func(tx *graph.Txn) error { return tx.ClearGraph(rdf.Term{}) })
			}
			if err != nil {
				s.httpError(w, r, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if _, err := s.dropGraph(r.Context(), name); err != nil {
			s.httpError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT, POST, DELETE, OPTIONS")
		s.httpError(w, r, statusError{http.StatusMethodNotAllowed, connect.CodeUnimplemented, fmt.Errorf("method %s not allowed", r.Method)})
	}
}

// serveGraphExport writes a graph's triples in the negotiated syntax.
func (s *Server) serveGraphExport(w http.ResponseWriter, r *http.Request, name string, isDefault bool) {
	if _, err := authorizeRead(r.Context()); err != nil {
		s.httpError(w, r, err)
		return
	}
	format, ok := results.QuadFormatForMediaType(r.Header.Get("Accept"))
	if !ok || format == results.FormatNQuads || format == results.FormatTriG {
		format = results.FormatTurtle
	}
	sn := s.cfg.Store.Snapshot()
	defer sn.Release()
	sel := graph.DefaultGraph
	if !isDefault {
		if !rdf.IsAbsoluteIRI(name) {
			s.httpError(w, r, badRequestf("graph name %q is not an absolute IRI", name))
			return
		}
		if _, ok := sn.Graph(rdf.IRI(name)); !ok {
			s.httpError(w, r, fmt.Errorf("%s: %w", name, graph.ErrGraphNotFound))
			return
		}
		sel = graph.InGraph(graph.TermID(rdf.IRI(name)))
	}
	w.Header().Set("Content-Type", results.MediaType(format))
	w.Header().Set("Vary", "Accept")
	if r.Method == http.MethodHead {
		return
	}
	qw, err := results.NewQuadWriter(w, format, results.WriterOptions{})
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	err = exportSelector(r.Context(), sn, sel, exportBatch, func(batch []rdf.Quad) error {
		for _, q := range batch {
			q.G = rdf.Term{}
			if err := qw.WriteQuad(q); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := qw.Close(); err == nil {
		err = cerr
	}
	s.abortOnError(w, r, err)
}

// writeDefaultGraph replaces (PUT) or adds to (POST) the default graph with
// the request's triples, in one transaction.
func (s *Server) writeDefaultGraph(r *http.Request, replace bool) error {
	if err := s.graphWriteAuthorizer(r.Context())(rdf.Term{}); err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	f, ok := ingest.LookupFormat(mt)
	if !ok {
		return statusError{http.StatusUnsupportedMediaType, connect.CodeInvalidArgument, fmt.Errorf("unsupported RDF media type %q", mt)}
	}
	dec, err := f.NewDecoder(r.Body, ingest.Options{File: "request body"})
	if err != nil {
		return badRequestf("%v", err)
	}
	defer dec.Close()
	var quads []rdf.Quad
	for {
		q, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return badRequestf("%v", err)
		}
		if !q.G.IsZero() {
			return badRequestf("the body names graph %s; the default graph takes triples", q.G)
		}
		quads = append(quads, q)
	}
	return s.cfg.Store.Update(r.Context(), func(tx *graph.Txn) error {
		if replace {
			if err := tx.ClearGraph(rdf.Term{}); err != nil {
				return err
			}
		}
		for _, q := range quads {
			if _, err := tx.Insert(q); err != nil {
				return err
			}
		}
		return nil
	})
}
