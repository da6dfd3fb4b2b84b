// Package server is kplane's network face: one HTTP handler that serves the
// Connect, gRPC and gRPC-Web APIs of proto/kplane/v1, the SPARQL 1.1
// Protocol and Graph Store Protocol, GraphQL (when mounted), health checks
// and Prometheus metrics, with bearer-token access control by role and
// domain ownership.
//
// Requests are bounded: bodies have size limits, queries a time limit, and
// heavy requests (queries, discovery, GraphQL) share a fixed number of
// execution slots. A request's context ends when its client goes away, which
// stops the query it runs.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/proto/kplane/v1/kplanev1connect"
	"github.com/kplane/kplane/query/sparql/eval"
)

// Config configures a Server. Store is required; the zero value of every
// other field is usable.
type Config struct {
	// Store is the store served.
	Store *graph.Store
	// Auth checks bearer tokens. Nil disables access control: every
	// client may do everything (serve on loopback only).
	Auth *Authenticator
	// AnonymousRead lets clients without a token read.
	AnonymousRead bool
	// Logger receives one line per failed request and lifecycle events;
	// nil discards them. Secrets are never logged.
	Logger *slog.Logger
	// QueryTimeout bounds each query and discovery request (default 60s).
	QueryTimeout time.Duration
	// QueueTimeout is how long a heavy request waits for an execution slot
	// before it is refused with 503 (default 10s).
	QueueTimeout time.Duration
	// MaxConcurrentQueries is the number of execution slots for heavy
	// requests (default 2×GOMAXPROCS).
	MaxConcurrentQueries int
	// MaxQueryBytes caps the body of query and update requests (default
	// 1 MiB); MaxLoadBytes caps a graph load or import (default 512 MiB).
	MaxQueryBytes, MaxLoadBytes int64
	// GraphQL, when set, is mounted at /graphql.
	GraphQL http.Handler
	// Searcher, when set, answers Search and Suggest and resolves labels
	// for ProductsAbout; otherwise a scan of the labels does.
	Searcher Searcher
	// PropertyFunctions are the SPARQL property functions queries may
	// call (eval.Options.PropertyFunctions), e.g. kplane:search from
	// search.PropertyFunctions.
	PropertyFunctions map[string]eval.PropertyFunction
	// Updater runs SPARQL Update requests (default: package
	// query/sparql/update, without LOAD).
	Updater Updater
	// OnWrite, when set, is called after every write the server makes
	// (loads, drops, imports, updates), e.g. to bring a search index up
	// to date.
	OnWrite func(ctx context.Context)
	// IdleRelease is how long the server waits without requests before it
	// hands memory back to the operating system (graph.Store.ReleaseMemory);
	// zero means DefaultIdleRelease, a negative value never.
	IdleRelease time.Duration
	// Registry receives the server's metrics; nil uses a registry of the
	// server's own, served at /metrics either way.
	Registry *prometheus.Registry
}

// Server serves a store. Create it with New.
type Server struct {
	cfg      Config
	log      *slog.Logger
	mux      *http.ServeMux
	slots    chan struct{}
	metrics  *metrics
	activity activity
	handler  http.Handler
}

// Defaults of Config.
const (
	DefaultQueryTimeout  = 60 * time.Second
	DefaultQueueTimeout  = 10 * time.Second
	DefaultMaxQueryBytes = 1 << 20
	DefaultMaxLoadBytes  = 512 << 20
)

// New returns a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = DefaultQueryTimeout
	}
	if cfg.QueueTimeout <= 0 {
		cfg.QueueTimeout = DefaultQueueTimeout
	}
	if cfg.MaxConcurrentQueries <= 0 {
		cfg.MaxConcurrentQueries = 2 * runtime.GOMAXPROCS(0)
	}
	if cfg.MaxQueryBytes <= 0 {
		cfg.MaxQueryBytes = DefaultMaxQueryBytes
	}
	if cfg.MaxLoadBytes <= 0 {
		cfg.MaxLoadBytes = DefaultMaxLoadBytes
	}
	if cfg.Updater == nil {
		cfg.Updater = engineUpdater{}
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.IdleRelease == 0 {
		cfg.IdleRelease = DefaultIdleRelease
	}
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		mux:   http.NewServeMux(),
		slots: make(chan struct{}, cfg.MaxConcurrentQueries),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(cfg.Registry, cfg.Store, s.slots)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.routes()
	s.activity.last.Store(time.Now().UnixNano())
	s.handler = s.activity.track(s.metrics.instrument(s.withCORS(s.withAuth(s.mux))))
	return s, nil
}

// Handler returns the server's HTTP handler. It serves gRPC only over
// HTTP/2: serve it with Serve, or with an http.Server whose Protocols
// include unencrypted HTTP/2.
func (s *Server) Handler() http.Handler { return s.handler }

// routes mounts every endpoint.
func (s *Server) routes() {
	opts := []connect.HandlerOption{
		connect.WithReadMaxBytes(int(min(s.cfg.MaxLoadBytes, 64<<20))),
		connect.WithInterceptors(errorLogger{s.log}),
	}
	s.mux.Handle(kplanev1connect.NewGraphServiceHandler(&graphService{s}, opts...))
	s.mux.Handle(kplanev1connect.NewQueryServiceHandler(&queryService{s}, opts...))
	s.mux.Handle(kplanev1connect.NewDiscoveryServiceHandler(&discoveryService{s}, opts...))
	s.mux.Handle(kplanev1connect.NewImportServiceHandler(&importService{s}, opts...))
	s.mux.Handle(kplanev1connect.NewHealthServiceHandler(&healthService{s}, opts...))
	s.mux.HandleFunc("/sparql", s.serveSPARQL)
	s.mux.HandleFunc("/store", s.serveGraphStore)
	s.mux.HandleFunc("/rdf-graphs", s.serveGraphStore) // the name Fuseki and others use
	s.mux.HandleFunc("/healthz", s.serveHealth)
	s.mux.Handle("/metrics", promhttp.HandlerFor(s.cfg.Registry, promhttp.HandlerOpts{}))
	if s.cfg.GraphQL != nil {
		s.mux.Handle("/graphql", s.heavy(s.requireReadHTTP(s.cfg.GraphQL)))
	}
	s.mux.HandleFunc("/{$}", s.serveIndex)
}

// Serve serves on ln until ctx ends, then shuts down gracefully: it stops
// accepting connections and waits up to grace for requests in flight to
// finish before cutting them off. It serves HTTP/1.1 and cleartext HTTP/2
// (h2c, which gRPC clients use) on the same port.
func (s *Server) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	hs := &http.Server{
		Handler:           s.handler,
		Protocols:         &protocols,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	go s.releaseWhenIdle(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: waiting for requests in flight", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// written runs the OnWrite hook.
func (s *Server) written(ctx context.Context) {
	if s.cfg.OnWrite != nil {
		s.cfg.OnWrite(context.WithoutCancel(ctx))
	}
}

// withAuth records the request's principal in its context.
func (s *Server) withAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := s.authenticate(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), authKey{}, st)))
	})
}

// withCORS lets browser applications (YASGUI, web consoles, gRPC-Web and
// Connect clients) call the server from any origin. Credentials are
// bearer tokens, never cookies, so a wildcard origin gives nothing away.
func (s *Server) withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.Header.Get("Origin") != "" {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", "Content-Type, Grpc-Status, Grpc-Message, Grpc-Status-Details-Bin, Connect-Content-Encoding")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
				allow := r.Header.Get("Access-Control-Request-Headers")
				if allow == "" {
					allow = "Authorization, Content-Type, Accept, Connect-Protocol-Version, Connect-Timeout-Ms, Grpc-Timeout, X-Grpc-Web, X-User-Agent"
				}
				h.Set("Access-Control-Allow-Headers", allow)
				h.Set("Access-Control-Max-Age", "7200")
				h.Add("Vary", "Access-Control-Request-Headers")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// errBusy is returned when no execution slot frees up in time.
var errBusy = errors.New("server busy: too many queries running, retry later")

// acquire takes an execution slot for a heavy request, waiting up to the
// queue timeout. The returned function gives it back.
func (s *Server) acquire(ctx context.Context) (release func(), err error) {
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	default:
	}
	t := time.NewTimer(s.cfg.QueueTimeout)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return func() { <-s.slots }, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// heavy runs an HTTP handler in an execution slot, with the query time
// limit.
func (s *Server) heavy(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		release, err := s.acquire(r.Context())
		if err != nil {
			s.httpError(w, r, err)
			return
		}
		defer release()
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.QueryTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireReadHTTP refuses clients that may not read.
func (s *Server) requireReadHTTP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := authorizeRead(r.Context()); err != nil {
			s.httpError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// httpError answers a plain HTTP request with the status that fits err.
func (s *Server) httpError(w http.ResponseWriter, r *http.Request, err error) {
	status := httpStatus(err)
	if status >= 500 {
		s.log.Warn("request failed", "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kplane"`)
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	fmt.Fprintln(w, err)
}

// badRequest marks errors in what the client sent.
type badRequest struct{ err error }

func (e badRequest) Error() string { return e.err.Error() }
func (e badRequest) Unwrap() error { return e.err }

func badRequestf(format string, args ...any) error {
	return badRequest{fmt.Errorf(format, args...)}
}

// statusError carries an explicit HTTP status and RPC code.
type statusError struct {
	status int
	code   connect.Code
	err    error
}

func (e statusError) Error() string { return e.err.Error() }
func (e statusError) Unwrap() error { return e.err }

func httpStatus(err error) int {
	var se statusError
	var br badRequest
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &se):
		return se.status
	case errors.Is(err, ErrUnauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.As(err, &mbe), errors.Is(err, graph.ErrTxnTooBig):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &br):
		return http.StatusBadRequest
	case errors.Is(err, graph.ErrGraphNotFound):
		return http.StatusNotFound
	case errors.Is(err, errBusy):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return http.StatusServiceUnavailable
	case errors.Is(err, context.Canceled):
		return 499 // the client went away; nobody reads this
	}
	return http.StatusInternalServerError
}

// rpcError converts an error to a Connect error with the fitting code.
func rpcError(err error) error {
	if err == nil {
		return nil
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return err
	}
	var se statusError
	if errors.As(err, &se) {
		return connect.NewError(se.code, err)
	}
	var code connect.Code
	switch httpStatus(err) {
	case http.StatusUnauthorized:
		code = connect.CodeUnauthenticated
	case http.StatusForbidden:
		code = connect.CodePermissionDenied
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		code = connect.CodeInvalidArgument
	case http.StatusRequestEntityTooLarge:
		code = connect.CodeResourceExhausted
	case http.StatusNotFound:
		code = connect.CodeNotFound
	case http.StatusServiceUnavailable:
		if errors.Is(err, errBusy) {
			code = connect.CodeResourceExhausted
		} else {
			code = connect.CodeDeadlineExceeded
		}
	case 499:
		code = connect.CodeCanceled
	default:
		code = connect.CodeInternal
	}
	return connect.NewError(code, err)
}

// errorLogger logs server-side failures of RPCs (never their payloads).
type errorLogger struct{ log *slog.Logger }

func (l errorLogger) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		resp, err := next(ctx, req)
		l.logFailure(req.Spec().Procedure, err)
		return resp, err
	}
}

func (l errorLogger) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (l errorLogger) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		err := next(ctx, conn)
		l.logFailure(conn.Spec().Procedure, err)
		return err
	}
}

func (l errorLogger) logFailure(procedure string, err error) {
	if err == nil {
		return
	}
	switch connect.CodeOf(err) {
	case connect.CodeInternal, connect.CodeUnknown, connect.CodeDataLoss:
		l.log.Warn("rpc failed", "procedure", procedure, "err", err)
	}
}

// serveHealth answers liveness and readiness probes; it needs no token.
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	sn := s.cfg.Store.Snapshot()
	st := sn.Stats()
	sn.Release()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, "{\"status\":\"ok\",\"quads\":%d,\"graphs\":%d}\n", st.Quads, st.Graphs)
}

// serveIndex lists the endpoints, for people who open the server's address
// in a browser.
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var b strings.Builder
	b.WriteString("kplane\n\n")
	b.WriteString("  /sparql       SPARQL 1.1 Protocol (GET ?query=, POST form or application/sparql-query)\n")
	b.WriteString("  /store        SPARQL 1.1 Graph Store Protocol (?graph=IRI or ?default)\n")
	if s.cfg.GraphQL != nil {
		b.WriteString("  /graphql      GraphQL\n")
	}
	b.WriteString("  /healthz      health\n  /metrics      Prometheus metrics\n")
	b.WriteString("  /kplane.v1.*  Connect, gRPC and gRPC-Web services (proto/kplane/v1)\n")
	fmt.Fprint(w, b.String())
}
