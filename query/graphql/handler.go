package graphql

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"sync"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/location"

	"github.com/kplane/kplane/graph"
)

// Request is one GraphQL request, as sent in a GraphQL-over-HTTP body.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// Server executes GraphQL requests against a store.
type Server struct {
	store  *graph.Store
	schema gql.Schema
	opts   Options

	shareMu sync.Mutex
	shared  *sharedSnapshot

	// docs keeps the parsed and validated documents of recent query
	// texts.
	docs documentCache
}

// NewServer builds the schema from the vocabularies in store and returns a
// server for it.
func NewServer(store *graph.Store, opts Options) (*Server, error) {
	snap := store.Snapshot()
	defer snap.Release()
	schema, err := NewSchema(snap, opts)
	if err != nil {
		return nil, fmt.Errorf("graphql: build schema: %w", err)
	}
	return &Server{store: store, schema: schema, opts: opts.withDefaults(), docs: documentCache{max: maxCachedDocuments}}, nil
}

// Schema returns the server's schema.
func (s *Server) Schema() gql.Schema { return s.schema }

// Result is the response to a request: data, errors as the GraphQL
// specification lays them out, and whether the request failed before
// execution (a syntax, validation or cost error), which GraphQL over HTTP
// answers with status 400 for application/graphql-response+json.
type Result struct {
	*gql.Result
	preExecution bool
}

// Do executes req on a snapshot of the store's current state, within the
// request time limit. Requests share the snapshot, and what was read from
// it, until the store changes.
func (s *Server) Do(ctx context.Context, req Request) *Result {
	ctx, cancel := s.opts.timeoutContext(ctx)
	defer cancel()
	shared, release := s.acquire()
	defer release()
	var r reader = cachingReader{snapshotReader{shared.snap}, shared.cache}
	if s.opts.newReader != nil {
		r = s.opts.newReader(r)
	}
	return s.execute(ctx, r, req)
}

func (s *Server) execute(ctx context.Context, r reader, req Request) *Result {
	fail := func(errs []gqlerrors.FormattedError) *Result {
		return &Result{Result: &gql.Result{Errors: errs}, preExecution: true}
	}
	doc := s.docs.get(&s.schema, req.Query)
	if len(doc.errs) > 0 {
		return fail(doc.errors())
	}
	if plan := doc.cost(req.OperationName); plan != nil {
		if err := plan.check(req.Variables, &s.opts); err != nil {
			return fail([]gqlerrors.FormattedError{newError(err.Error(), "QUERY_TOO_COMPLEX")})
		}
	}
	rq := newRequest(ctx, r, &s.opts)
	res := gql.Execute(gql.ExecuteParams{
		Schema:        s.schema,
		AST:           doc.ast,
		OperationName: req.OperationName,
		Args:          req.Variables,
		Context:       context.WithValue(ctx, requestKey{}, rq),
	})
	if ctx.Err() != nil {
		e := newError(fmt.Sprintf("request exceeded the time limit of %v; ask for less", s.opts.Timeout), "TIMEOUT")
		res.Errors = append(res.Errors, e)
	}
	return &Result{Result: res}
}

// NewHandler returns the HTTP handler of the GraphQL API, to be mounted at
// /graphql. It follows GraphQL over HTTP: POST with an application/json
// body {query, operationName, variables}, or GET with those as URL
// parameters (queries only); the response is application/graphql-response+json
// when the client accepts it (status 400 for requests that fail before
// execution), else application/json (status 200 whenever the request
// was well-formed). Introspection is on.
func NewHandler(store *graph.Store, opts Options) (http.Handler, error) {
	s, err := NewServer(store, opts)
	if err != nil {
		return nil, err
	}
	return s, nil
}

const (
	mediaGraphQLResponse = "application/graphql-response+json"
	mediaJSON            = "application/json"
)

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	respType := responseType(r.Header.Get("Accept"))
	if respType == "" {
		httpError(w, http.StatusNotAcceptable, mediaJSON, "the response is "+mediaGraphQLResponse+" or "+mediaJSON)
		return
	}
	var req Request
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		if v := q.Get("variables"); v != "" {
			if err := json.Unmarshal([]byte(v), &req.Variables); err != nil {
				httpError(w, http.StatusBadRequest, respType, "variables is not a JSON object: "+err.Error())
				return
			}
		}
	case http.MethodPost:
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct != mediaJSON {
			httpError(w, http.StatusUnsupportedMediaType, respType, "send the request as "+mediaJSON)
			return
		}
		body := http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		dec := json.NewDecoder(body)
		dec.UseNumber()
		if err := dec.Decode(&req); err != nil {
			httpError(w, http.StatusBadRequest, respType, "the body is not a GraphQL request: "+err.Error())
			return
		}
		req.Variables = normalizeNumbers(req.Variables).(map[string]any)
	default:
		w.Header().Set("Allow", "GET, POST")
		httpError(w, http.StatusMethodNotAllowed, respType, "use GET or POST")
		return
	}
	if strings.TrimSpace(req.Query) == "" {
		httpError(w, http.StatusBadRequest, respType, "the request has no query")
		return
	}
	res := s.Do(r.Context(), req)
	status := http.StatusOK
	if res.preExecution && respType == mediaGraphQLResponse {
		status = http.StatusBadRequest
	}
	if res.preExecution {
		writeJSON(w, status, respType, map[string]any{"errors": res.Errors})
		return
	}
	writeJSON(w, status, respType, res.Result)
}

// normalizeNumbers turns the json.Numbers of decoded variables into int
// where they are integral, float64 otherwise, as graphql-go expects.
func normalizeNumbers(v any) any {
	switch v := v.(type) {
	case nil:
		return map[string]any(nil)
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return int(i)
		}
		f, _ := v.Float64()
		return f
	case map[string]any:
		for k, x := range v {
			v[k] = normalizeNumbers(x)
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = normalizeNumbers(x)
		}
		return v
	}
	return v
}

// responseType picks the response media type from an Accept header; ""
// when the client accepts neither.
func responseType(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON
	}
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch mt {
		case mediaGraphQLResponse:
			return mediaGraphQLResponse
		case mediaJSON, "*/*", "application/*":
			return mediaJSON
		}
	}
	return ""
}

func httpError(w http.ResponseWriter, status int, mediaType, msg string) {
	writeJSON(w, status, mediaType, map[string]any{"errors": []gqlerrors.FormattedError{newError(msg, "BAD_REQUEST")}})
}

// newError returns an error of the request as a whole, with a code an
// agent can act on.
func newError(msg, code string) gqlerrors.FormattedError {
	e := gqlerrors.NewFormattedError(msg)
	e.Locations = []location.SourceLocation{}
	e.Extensions = map[string]any{"code": code}
	return e
}

func writeJSON(w http.ResponseWriter, status int, mediaType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(map[string]any{"errors": []map[string]string{{"message": "encode response: " + err.Error()}}})
	}
	w.Header().Set("Content-Type", mediaType+"; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
