package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest/importer"
	"github.com/kplane/kplane/query/graphql"
	"github.com/kplane/kplane/query/search"
	"github.com/kplane/kplane/query/server"
)

// serveOptions are the flags of kplane serve.
type serveOptions struct {
	addr          string
	demo          bool
	demoDir       string
	authFile      string
	anonymousRead bool
	queryTimeout  time.Duration
	maxQueries    int
	grace         time.Duration
	// ready, when set, receives the address served once the server
	// listens (tests use it with --addr 127.0.0.1:0).
	ready func(addr string)
}

func (a *app) serveCommand() *cobra.Command {
	var o serveOptions
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--demo] [--auth FILE] [--anonymous-read]",
		Short: "Serve the store: Connect/gRPC API, SPARQL protocol, GraphQL, metrics",
		Long: `Serve the store on one port: the Connect, gRPC and gRPC-Web services of
proto/kplane/v1, the SPARQL 1.1 Protocol at /sparql, the Graph Store Protocol at
/store, GraphQL at /graphql, health at /healthz and Prometheus metrics at /metrics.

--demo loads the demo enterprise (testdata/demo) when the store is empty.

--auth FILE makes every request carry "Authorization: Bearer SECRET" with a secret made
by "kplane token add"; readers may read, publishers may also write the graphs of their
domains, admins may do anything. --anonymous-read lets clients without a token read.
Without --auth every client may do everything, so the server listens on loopback only.

SIGINT or SIGTERM stops the server: requests in flight finish (up to --grace), then the
store closes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.serve(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	f.BoolVar(&o.demo, "demo", false, "load the demo enterprise into an empty store")
	f.StringVar(&o.demoDir, "demo-dir", filepath.Join("testdata", "demo"), "folder of the demo enterprise")
	f.StringVar(&o.authFile, "auth", "", "token file made by \"kplane token add\"; without it, everything is allowed on loopback")
	f.BoolVar(&o.anonymousRead, "anonymous-read", false, "with --auth, let clients without a token read")
	f.DurationVar(&o.queryTimeout, "query-timeout", server.DefaultQueryTimeout, "time limit of each query")
	f.IntVar(&o.maxQueries, "max-queries", 0, "queries run at once (0: twice the number of CPUs)")
	f.DurationVar(&o.grace, "grace", 30*time.Second, "how long shutdown waits for requests in flight")
	return cmd
}

// isLoopback reports whether addr's host is a loopback address or
// "localhost".
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

func (a *app) serve(ctx context.Context, o serveOptions) error {
	logger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var auth *server.Authenticator
	if o.authFile != "" {
		var err error
		if auth, err = server.LoadAuthenticator(o.authFile); err != nil {
			return err
		}
	} else {
		if !isLoopback(o.addr) {
			return fmt.Errorf("serve: refusing to listen on %s without --auth: every client could write; use a loopback address or --auth FILE", o.addr)
		}
		if o.anonymousRead {
			return errors.New("serve: --anonymous-read needs --auth")
		}
	}
	return a.withStore(func(s *graph.Store) error {
		if o.demo {
			sn := s.Snapshot()
			empty := len(userGraphs(sn.Graphs())) == 0
			sn.Release()
			if empty {
				fmt.Fprintf(a.stdout, "loading the demo enterprise from %s ...\n", o.demoDir)
				if _, err := importer.LoadDemo(ctx, s, o.demoDir); err != nil {
					return err
				}
			} else {
				fmt.Fprintf(a.stdout, "the store in %s is not empty: not loading the demo again\n", a.dataDir)
			}
		}
		ix, err := search.OpenStore(ctx, s)
		if err != nil {
			return err
		}
		defer ix.Close()
		gql, err := graphql.NewHandler(s, graphql.Options{Timeout: o.queryTimeout, Searcher: graphqlSearcher{ix}})
		if err != nil {
			return err
		}
		srv, err := server.New(server.Config{
			Store:                s,
			Auth:                 auth,
			AnonymousRead:        o.anonymousRead,
			Logger:               logger,
			QueryTimeout:         o.queryTimeout,
			MaxConcurrentQueries: o.maxQueries,
			GraphQL:              gql,
			Searcher:             indexSearcher{ix},
			PropertyFunctions:    search.PropertyFunctions(ix),
			OnWrite: func(ctx context.Context) {
				sn := s.Snapshot()
				defer sn.Release()
				if _, err := ix.Sync(ctx, sn); err != nil {
					logger.Warn("search index not brought up to date", "err", err)
				}
			},
		})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", o.addr)
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		a.printServing(ln.Addr().String(), o, auth)
		if o.ready != nil {
			o.ready(ln.Addr().String())
		}
		err = srv.Serve(ctx, ln, o.grace)
		fmt.Fprintln(a.stdout, "server stopped; closing the store")
		return err
	})
}

// userGraphs leaves out the graph the store maintains itself.
func userGraphs(gs []graph.GraphInfo) []graph.GraphInfo {
	var out []graph.GraphInfo
	for _, g := range gs {
		if g.Name != rdf.IRI(graph.MetadataGraph) {
			out = append(out, g)
		}
	}
	return out
}

// printServing tells the user where the server is and what to try.
func (a *app) printServing(addr string, o serveOptions, auth *server.Authenticator) {
	base := "http://" + addr
	w := a.stdout
	fmt.Fprintf(w, "kplane serving %s on %s\n", a.dataDir, base)
	switch {
	case auth == nil:
		fmt.Fprintln(w, "  no --auth: every client may read and write; listening on loopback only")
	case o.anonymousRead:
		fmt.Fprintf(w, "  auth: %d tokens; clients without a token may read\n", auth.Len())
	default:
		fmt.Fprintf(w, "  auth: %d tokens; every request needs Authorization: Bearer <secret>\n", auth.Len())
	}
	hdr := ""
	if auth != nil && !o.anonymousRead {
		hdr = ` -H "Authorization: Bearer $KPLANE_TOKEN"`
	}
	fmt.Fprintf(w, `
  SPARQL      %[1]s/sparql
  GraphQL     %[1]s/graphql
  Graphs      %[1]s/store?graph=IRI or ?default   (SPARQL Graph Store Protocol)
  Connect/gRPC/gRPC-Web  %[1]s/kplane.v1.*  (proto/kplane/v1)
  Health      %[1]s/healthz     Metrics  %[1]s/metrics

Try:
  curl%[2]s %[1]s/sparql --data-urlencode 'query=SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g' -H 'Accept: text/csv'
  curl%[2]s %[1]s/kplane.v1.DiscoveryService/ProductsAbout -H 'Content-Type: application/json' -d '{"label":"Customer"}'
  curl%[2]s %[1]s/graphql -H 'Content-Type: application/json' -d '{"query":"{ __schema { queryType { name } } }"}'
  grpcurl -plaintext -import-path proto -proto kplane/v1/discovery.proto -d '{"label":"Customer"}' %[3]s kplane.v1.DiscoveryService/ProductsAbout

Ctrl-C stops the server.
`, base, hdr, addr)
}

// indexSearcher serves the server's Search and Suggest from the full-text
// index.
type indexSearcher struct{ ix *search.Index }

func (s indexSearcher) Search(ctx context.Context, text string, limit int) ([]server.SearchHit, error) {
	res, err := s.ix.Search(ctx, search.Request{Text: text, Limit: limit})
	if err != nil {
		return nil, err
	}
	hits := make([]server.SearchHit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = server.SearchHit{Resource: rdf.IRI(h.IRI), Label: h.Label, Score: h.Score}
		if len(h.Matched) > 0 {
			hits[i].Snippet = h.Matched[0].Text
		}
	}
	return hits, nil
}

func (s indexSearcher) Suggest(ctx context.Context, prefix string, limit int) ([]server.SearchHit, error) {
	sug, err := s.ix.Suggest(ctx, prefix, search.SuggestOptions{Limit: limit})
	if err != nil {
		return nil, err
	}
	hits := make([]server.SearchHit, len(sug))
	for i, h := range sug {
		hits[i] = server.SearchHit{Resource: rdf.IRI(h.IRI), Label: h.Label, Score: h.Score}
	}
	return hits, nil
}

// graphqlSearcher serves GraphQL's search from the full-text index.
type graphqlSearcher struct{ ix *search.Index }

func (s graphqlSearcher) Search(ctx context.Context, _ *graph.Snapshot, q graphql.SearchQuery) ([]graphql.SearchResult, error) {
	res, err := s.ix.Search(ctx, search.Request{Text: q.Text, Limit: q.Limit})
	if err != nil {
		return nil, err
	}
	out := make([]graphql.SearchResult, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = graphql.SearchResult{Resource: rdf.IRI(h.IRI), Score: h.Score}
		if len(h.Matched) > 0 {
			out[i].Snippet = h.Matched[0].Text
		}
	}
	return out, nil
}
