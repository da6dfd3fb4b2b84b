package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"connectrpc.com/connect"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/results"
	"github.com/kplane/kplane/query/sparql/eval"
	"github.com/kplane/kplane/query/sparql/parser"
	"github.com/kplane/kplane/query/sparql/update"
)

// Updater runs SPARQL 1.1 Update requests. By default the server uses
// package query/sparql/update.
type Updater interface {
	// Update runs req atomically against store. Before it writes a graph
	// it must call req.Authorize with the graph's name (the zero term for
	// the default graph), and abort the whole update, changing nothing,
	// with the error Authorize returns.
	Update(ctx context.Context, store *graph.Store, req UpdateRequest) error
}

// UpdateRequest is a SPARQL Update request handed to an Updater.
type UpdateRequest struct {
	// Update is the text of the request; Base the base IRI.
	Update, Base string
	// Authorize checks that the client may write a graph.
	Authorize func(graphName rdf.Term) error
}

// isTimeout reports whether err is a query that ran out of time.
func isTimeout(err error) bool { return errors.Is(err, eval.ErrTimeout) }

// datasetRequest is a query with the dataset a protocol request gives it.
type datasetRequest struct {
	query, base          string
	defaultGraphs, named []string
	storedDefaultGraph   bool
}

// prepare parses the query and applies the request's dataset, which
// replaces the query's FROM and FROM NAMED clauses as the SPARQL protocol
// requires.
func (s *Server) prepare(req datasetRequest) (*eval.Query, error) {
	for _, g := range append(append([]string(nil), req.defaultGraphs...), req.named...) {
		if !rdf.IsAbsoluteIRI(g) {
			return nil, badRequestf("graph URI %q is not an absolute IRI", g)
		}
	}
	q, err := eval.Prepare(req.query, eval.Options{
		BaseIRI:           req.base,
		UnionDefaultGraph: !req.storedDefaultGraph,
		Timeout:           s.cfg.QueryTimeout,
		PropertyFunctions: s.cfg.PropertyFunctions,
	})
	if err != nil {
		return nil, badRequest{err}
	}
	if len(req.defaultGraphs) > 0 || len(req.named) > 0 {
		alg := *q.Algebra
		alg.From, alg.FromNamed = req.defaultGraphs, req.named
		q.Algebra = &alg
	}
	return q, nil
}

// graphWriteAuthorizer returns the check an Updater runs before it writes
// a graph: the default graph and unowned graphs belong to admins, owned
// graphs to the publishers of their domain; a graph the update creates is
// owned by nobody, so only admins may create graphs through updates.
func (s *Server) graphWriteAuthorizer(ctx context.Context) func(rdf.Term) error {
	return func(name rdf.Term) error {
		if name.Kind == rdf.KindIRI && name.Value == graph.MetadataGraph {
			return statusError{http.StatusForbidden, connect.CodePermissionDenied, fmt.Errorf("%w: %s is maintained by the store", ErrForbidden, name.Value)}
		}
		label := "the default graph"
		var (
			owner  string
			exists bool
		)
		if name.Kind != rdf.KindNone {
			label = name.String()
			sn := s.cfg.Store.Snapshot()
			gi, ok := sn.Graph(name)
			sn.Release()
			owner, exists = gi.Owner, ok
		}
		p, err := principalFrom(ctx)
		if err != nil {
			return err
		}
		if p.Role == RoleAdmin {
			return nil
		}
		if !exists {
			return fmt.Errorf("%w: %s may not create %s (updates create unowned graphs; load it with an owner instead)", ErrForbidden, p.Name, label)
		}
		_, err = authorizeGraphWrite(ctx, label, exists, owner, "")
		return err
	}
}

// serveSPARQL implements the SPARQL 1.1 Protocol: queries by GET with
// query=, by POST of a form or of application/sparql-query; updates by
// POST of a form with update= or of application/sparql-update. Results are
// negotiated with Accept, or chosen by the format= or output= parameter
// many clients send.
func (s *Server) serveSPARQL(w http.ResponseWriter, r *http.Request) {
	var (
		params           = r.URL.Query()
		queries, updates []string
	)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		queries = params["query"]
		if len(params["update"]) > 0 {
			s.httpError(w, r, statusError{http.StatusMethodNotAllowed, connect.CodeInvalidArgument, errors.New("updates must be sent with POST")})
			return
		}
	case http.MethodPost:
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxQueryBytes)
		switch ct {
		case "application/x-www-form-urlencoded":
			if err := r.ParseForm(); err != nil {
				s.httpError(w, r, badRequestf("read form: %w", err))
				return
			}
			params = r.Form
			queries, updates = r.PostForm["query"], r.PostForm["update"]
		case "application/sparql-query", "application/sparql-update":
			b, err := io.ReadAll(r.Body)
			if err != nil {
				s.httpError(w, r, badRequestf("read body: %w", err))
				return
			}
			if ct == "application/sparql-query" {
				queries = []string{string(b)}
			} else {
				updates = []string{string(b)}
			}
		default:
			s.httpError(w, r, statusError{http.StatusUnsupportedMediaType, connect.CodeInvalidArgument,
				fmt.Errorf("unsupported Content-Type %q: send application/x-www-form-urlencoded, application/sparql-query or application/sparql-update", ct)})
			return
		}
	default:
		w.Header().Set("Allow", "GET, HEAD, POST, OPTIONS")
		s.httpError(w, r, statusError{http.StatusMethodNotAllowed, connect.CodeUnimplemented, fmt.Errorf("method %s not allowed", r.Method)})
		return
	}
	switch {
	case len(queries)+len(updates) == 0:
		s.httpError(w, r, badRequestf("no query: send query= (or update= with POST)"))
	case len(queries)+len(updates) > 1:
		s.httpError(w, r, badRequestf("send exactly one query or update"))
	case len(updates) == 1:
		s.serveUpdate(w, r, updates[0], params.Get("base"))
	default:
		if _, err := authorizeRead(r.Context()); err != nil {
			s.httpError(w, r, err)
			return
		}
		s.heavy(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.serveQuery(w, r, datasetRequest{
				query:         queries[0],
				base:          params.Get("base"),
				defaultGraphs: params["default-graph-uri"],
				named:         params["named-graph-uri"],
			}, params)
		})).ServeHTTP(w, r)
	}
}

// serveQuery runs a query and writes its results.
func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request, req datasetRequest, params map[string][]string) {
	q, err := s.prepare(req)
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	graphResult := q.Form() == eval.Construct || q.Form() == eval.Describe
	format := requestedFormat(r, params, graphResult)
	sn := s.cfg.Store.Snapshot()
	defer sn.Release()
	res, err := q.Exec(r.Context(), sn)
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	defer res.Close()
	h := w.Header()
	h.Set("Vary", "Accept")
	h.Set("Cache-Control", "no-store")
	switch res.Form {
	case eval.Ask:
		h.Set("Content-Type", results.MediaType(format))
		if err := results.WriteBoolean(w, format, res.Boolean, results.WriterOptions{}); err != nil {
			s.log.Debug("write response", "err", err)
		}
	case eval.Select:
		more := res.Next()
		if !more && res.Err() != nil {
			s.httpError(w, r, res.Err())
			return
		}
		h.Set("Content-Type", results.MediaType(format))
		rw, err := results.NewWriter(w, format, results.WriterOptions{})
		if err != nil {
			s.httpError(w, r, err)
			return
		}
		err = rw.WriteHeader(res.Vars)
		for ; more && err == nil; more = res.Next() {
			err = rw.WriteSolution(res.Solution())
		}
		if err == nil {
			err = res.Err()
		}
		if cerr := rw.Close(); err == nil {
			err = cerr
		}
		s.abortOnError(w, r, err)
	default:
		more := res.NextQuad()
		if !more && res.Err() != nil {
			s.httpError(w, r, res.Err())
			return
		}
		h.Set("Content-Type", results.MediaType(format))
		qw, err := results.NewQuadWriter(w, format, results.WriterOptions{})
		if err != nil {
			s.httpError(w, r, err)
			return
		}
		for ; more && err == nil; more = res.NextQuad() {
			err = qw.WriteQuad(res.Quad())
		}
		if err == nil {
			err = res.Err()
		}
		if cerr := qw.Close(); err == nil {
			err = cerr
		}
		s.abortOnError(w, r, err)
	}
}

// abortOnError handles an error met after the response has started: the
// status is sent already, so the connection is cut to make the client see
// a truncated response rather than a complete-looking one.
func (s *Server) abortOnError(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil || r.Context().Err() != nil {
		return
	}
	s.log.Warn("query failed while streaming results", "path", r.URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}

// requestedFormat chooses the response format: a format=, output= or
// results= parameter that fits the query form wins; then the Accept
// header; when nothing acceptable fits, JSON for solutions and Turtle for
// graphs, which is what most clients can read anyway.
func requestedFormat(r *http.Request, params map[string][]string, graphResult bool) string {
	for _, key := range []string{"format", "output", "results"} {
		for _, v := range params[key] {
			if f, ok := formatForParam(v, graphResult); ok {
				return f
			}
		}
	}
	accept := r.Header.Get("Accept")
	if graphResult {
		if f, ok := results.QuadFormatForMediaType(accept); ok {
			return f
		}
		return results.FormatTurtle
	}
	if f, ok := results.FormatForMediaType(accept); ok {
		return f
	}
	return results.FormatJSON
}

// formatForParam maps the values clients send in format= and output= (a
// short name or a media type) to a format that fits the query form.
func formatForParam(v string, graphResult bool) (string, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if strings.Contains(v, "/") {
		if graphResult {
			return results.QuadFormatForMediaType(v)
		}
		return results.FormatForMediaType(v)
	}
	if graphResult {
		switch v {
		case "turtle", "ttl", "n3":
			return results.FormatTurtle, true
		case "nt", "ntriples", "n-triples":
			return results.FormatNTriples, true
		case "nq", "nquads", "n-quads":
			return results.FormatNQuads, true
		case "trig":
			return results.FormatTriG, true
		}
		return "", false
	}
	switch v {
	case "json", "srj":
		return results.FormatJSON, true
	case "xml", "srx":
		return results.FormatXML, true
	case "csv":
		return results.FormatCSV, true
	case "tsv":
		return results.FormatTSV, true
	case "text", "txt", "table":
		return results.FormatTable, true
	}
	return "", false
}

// serveUpdate runs a SPARQL Update request.
func (s *Server) serveUpdate(w http.ResponseWriter, r *http.Request, update, base string) {
	if err := s.runUpdate(r.Context(), update, base); err != nil {
		s.httpError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// runUpdate checks that the client may write at all, then runs the update
// with a per-graph authorization check.
func (s *Server) runUpdate(ctx context.Context, update, base string) error {
	p, err := principalFrom(ctx)
	if err != nil {
		return err
	}
	if p.Role == RoleReader {
		return fmt.Errorf("%w: %s is a reader and may not update", ErrForbidden, p.Name)
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	err = s.cfg.Updater.Update(ctx, s.cfg.Store, UpdateRequest{
		Update: update, Base: base, Authorize: s.graphWriteAuthorizer(ctx),
	})
	var se *rdf.SyntaxError
	if errors.As(err, &se) {
		return badRequest{err}
	}
	if err == nil {
		s.written(ctx)
	}
	return err
}

// engineUpdater runs updates with package query/sparql/update. LOAD is
// refused: it would read the server's own files.
type engineUpdater struct{}

// Update implements Updater.
func (engineUpdater) Update(ctx context.Context, store *graph.Store, req UpdateRequest) error {
	u, err := parser.ParseUpdate(req.Update, req.Base)
	if err != nil {
		return err
	}
	_, err = update.Execute(ctx, store, u, update.Options{BaseIRI: req.Base, Authorize: req.Authorize})
	switch {
	case errors.Is(err, update.ErrLoadNotAllowed):
		return statusError{http.StatusForbidden, connect.CodePermissionDenied, fmt.Errorf("%w: LOAD is not allowed over the network: load graphs with the graph store protocol or GraphService.LoadGraph", ErrForbidden)}
	case errors.Is(err, update.ErrMetadataGraph):
		return statusError{http.StatusForbidden, connect.CodePermissionDenied, fmt.Errorf("%w: %v", ErrForbidden, err)}
	}
	return err
}
