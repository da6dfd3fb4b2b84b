package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"log/slog"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	_ "github.com/kplane/kplane/ingest/ntriples"
	_ "github.com/kplane/kplane/ingest/turtle"
	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
	"github.com/kplane/kplane/proto/kplane/v1/kplanev1connect"
)

// The fixture: two graphs owned by two domains.
const (
	salesGraph   = "http://example.org/graph/sales"
	financeGraph = "http://example.org/graph/finance"
	salesTTL     = `@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
ex:alice a ex:Customer ; rdfs:label "Alice"@en ; ex:age 42 .
ex:bob a ex:Customer ; rdfs:label "Bob" .
ex:Customer a skos:Concept ; skos:prefLabel "Customer"@en ; skos:definition "Someone who buys."@en .
`
	financeTTL = `@prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:inv1 a ex:Invoice ; rdfs:label "Invoice 1" ; ex:amount 12.50 ; ex:billTo ex:alice .
`
)

// syncBuffer is a log sink tests can read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServer is a server running on a loopback port.
type testServer struct {
	url    string
	addr   string
	srv    *Server
	store  *graph.Store
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// loadFixture loads the two test graphs.
func loadFixture(t testing.TB, store *graph.Store) {
	t.Helper()
	for _, g := range []struct{ name, owner, doc string }{
		{salesGraph, "sales", salesTTL},
		{financeGraph, "finance", financeTTL},
	} {
		l, err := store.NewLoader(context.Background(), graph.LoadOptions{Graph: rdf.IRI(g.name), Owner: g.owner, Format: "turtle"})
		if err != nil {
			t.Fatal(err)
		}
		dec, err := ingest.NewDecoder("turtle", strings.NewReader(g.doc), ingest.Options{Base: g.name})
		if err != nil {
			t.Fatal(err)
		}
		for {
			q, err := dec.Decode()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Add(q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := l.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

// startServer serves a fresh store holding the fixture with cfg.
func startServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	store, err := graph.Open(t.TempDir(), &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	loadFixture(t, store)
	logs := &syncBuffer{}
	cfg.Store = store
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{
		url: "http://" + ln.Addr().String(), addr: ln.Addr().String(),
		srv: srv, store: store, logs: logs, cancel: cancel, done: make(chan error, 1),
	}
	go func() { ts.done <- srv.Serve(ctx, ln, 5*time.Second) }()
	t.Cleanup(func() {
		ts.stop(t)
		store.Close()
	})
	return ts
}

// stop shuts the server down and waits for Serve to return.
func (ts *testServer) stop(t testing.TB) {
	ts.cancel()
	select {
	case err, ok := <-ts.done:
		if ok && err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
		close(ts.done)
	case <-time.After(10 * time.Second):
		t.Error("server did not shut down in 10s")
	}
}

// bearer is a Connect client interceptor that sends a token.
type bearer string

func (b bearer) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if b != "" {
			req.Header().Set("Authorization", "Bearer "+string(b))
		}
		return next(ctx, req)
	}
}

func (b bearer) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		conn := next(ctx, spec)
		if b != "" {
			conn.RequestHeader().Set("Authorization", "Bearer "+string(b))
		}
		return conn
	}
}

func (b bearer) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return next
}

// clients are Connect clients of every service.
type clients struct {
	graph     kplanev1connect.GraphServiceClient
	query     kplanev1connect.QueryServiceClient
	discovery kplanev1connect.DiscoveryServiceClient
	imports   kplanev1connect.ImportServiceClient
	health    kplanev1connect.HealthServiceClient
}

// h2cClient speaks cleartext HTTP/2, as gRPC needs.
func h2cClient() *http.Client {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Client{Transport: &http.Transport{Protocols: &p}}
}

func (ts *testServer) clients(token string, opts ...connect.ClientOption) clients {
	hc := http.DefaultClient
	if len(opts) > 0 { // gRPC needs HTTP/2
		hc = h2cClient()
	}
	opts = append(opts, connect.WithInterceptors(bearer(token)))
	return clients{
		graph:     kplanev1connect.NewGraphServiceClient(hc, ts.url, opts...),
		query:     kplanev1connect.NewQueryServiceClient(hc, ts.url, opts...),
		discovery: kplanev1connect.NewDiscoveryServiceClient(hc, ts.url, opts...),
		imports:   kplanev1connect.NewImportServiceClient(hc, ts.url, opts...),
		health:    kplanev1connect.NewHealthServiceClient(hc, ts.url, opts...),
	}
}

// queryRows runs a SELECT over the Query RPC and returns the header
// variables and rows as RDF terms.
func queryRows(t *testing.T, c clients, q string) ([]string, [][]rdf.Term) {
	t.Helper()
	stream, err := c.query.Query(context.Background(), connect.NewRequest(&kplanev1.QueryRequest{Query: q}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var (
		vars []string
		rows [][]rdf.Term
	)
	for stream.Receive() {
		switch r := stream.Msg().GetResult().(type) {
		case *kplanev1.QueryResponse_Header:
			vars = r.Header.GetVars()
		case *kplanev1.QueryResponse_Rows:
			for _, row := range r.Rows.GetRows() {
				terms := make([]rdf.Term, len(row.GetValues()))
				for i, v := range row.GetValues() {
					terms[i] = TermFromProto(v)
				}
				rows = append(rows, terms)
			}
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	return vars, rows
}

// loadChunks loads doc over the LoadGraph client stream, in small chunks.
func loadChunks(ctx context.Context, c clients, first *kplanev1.LoadGraphRequest, doc string, chunk int) (*kplanev1.LoadGraphResponse, error) {
	stream := c.graph.LoadGraph(ctx)
	msg := first
	for len(doc) > 0 || msg != nil {
		if msg == nil {
			msg = &kplanev1.LoadGraphRequest{}
		}
		n := min(chunk, len(doc))
		msg.Data, doc = []byte(doc[:n]), doc[n:]
		if err := stream.Send(msg); err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		msg = nil
	}
	resp, err := stream.CloseAndReceive()
	if err != nil {
		return nil, err
	}
	return resp.Msg, nil
}

func TestConnectQueryTypedTerms(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.clients("")
	vars, rows := queryRows(t, c, `PREFIX ex: <http://example.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label ?age WHERE { ?s a ex:Customer ; rdfs:label ?label OPTIONAL { ?s ex:age ?age } } ORDER BY ?s`)
	if !slices.Equal(vars, []string{"s", "label", "age"}) {
		t.Fatalf("vars = %v", vars)
	}
	want := [][]rdf.Term{
		{rdf.IRI("http://example.org/alice"), rdf.LangLiteral("Alice", "en"), rdf.Literal("42", rdf.XSDInteger)},
		{rdf.IRI("http://example.org/bob"), rdf.String("Bob"), {}},
	}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows:\n got %v\nwant %v", rows, want)
	}

	// ASK and CONSTRUCT.
	stream, err := c.query.Query(context.Background(), connect.NewRequest(&kplanev1.QueryRequest{Query: `ASK { ?s <http://example.org/amount> ?a FILTER(?a = 12.5) }`}))
	if err != nil {
		t.Fatal(err)
	}
	var answers []bool
	for stream.Receive() {
		if b, ok := stream.Msg().GetResult().(*kplanev1.QueryResponse_Boolean); ok {
			answers = append(answers, b.Boolean)
		}
	}
	if err := stream.Err(); err != nil || !slices.Equal(answers, []bool{true}) {
		t.Errorf("ASK: %v, %v", answers, err)
	}
	stream, err = c.query.Query(context.Background(), connect.NewRequest(&kplanev1.QueryRequest{
		Query:            `CONSTRUCT { ?s a <http://example.org/Thing> } WHERE { ?s a ?t }`,
		DefaultGraphUris: []string{financeGraph},
	}))
	if err != nil {
		t.Fatal(err)
	}
	var quads []rdf.Quad
	for stream.Receive() {
		for _, q := range stream.Msg().GetQuads().GetQuads() {
			quads = append(quads, QuadFromProto(q))
		}
	}
	wantQuad := rdf.Quad{S: rdf.IRI("http://example.org/inv1"), P: rdf.IRI(rdf.RDFType), O: rdf.IRI("http://example.org/Thing")}
	if err := stream.Err(); err != nil || len(quads) != 1 || quads[0] != wantQuad {
		t.Errorf("CONSTRUCT over the finance graph: %v, %v", quads, err)
	}

	// A syntax error is InvalidArgument with the position.
	stream, err = c.query.Query(context.Background(), connect.NewRequest(&kplanev1.QueryRequest{Query: "SELECT ?x WHERE { ?x"}))
	if err == nil {
		for stream.Receive() {
		}
		err = stream.Err()
	}
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "1:") {
		t.Errorf("syntax error: %v (code %v)", err, connect.CodeOf(err))
	}
}

func TestConnectGraphLifecycle(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.clients("")
	ctx := context.Background()
	const g = "http://example.org/graph/new"
	doc := strings.Repeat("<http://example.org/s> <http://example.org/p> \"x\" .\n", 3) +
		"<http://example.org/s> <http://example.org/q> \"caf\u00e9\"@fr .\n"
	resp, err := loadChunks(ctx, c, &kplanev1.LoadGraphRequest{Graph: g, Format: "application/n-triples", Owner: "sales"}, doc, 7)
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetGraph().GetQuads() != 2 || resp.GetQuadsRead() != 4 || resp.GetGraph().GetOwner() != "sales" {
		t.Errorf("load response: %v", resp)
	}
	list, err := c.graph.ListGraphs(ctx, connect.NewRequest(&kplanev1.ListGraphsRequest{Owner: "sales"}))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, gi := range list.Msg.GetGraphs() {
		names = append(names, gi.GetName().GetIri())
	}
	if !slices.Equal(names, []string{g, salesGraph}) {
		t.Errorf("sales graphs: %v", names)
	}

	// Export streams the quads with typed terms.
	exp, err := c.graph.ExportGraph(ctx, connect.NewRequest(&kplanev1.ExportGraphRequest{Graph: g}))
	if err != nil {
		t.Fatal(err)
	}
	var got []rdf.Quad
	for exp.Receive() {
		for _, q := range exp.Msg().GetQuads() {
			got = append(got, QuadFromProto(q))
		}
	}
	if err := exp.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(got, rdf.Quad{S: rdf.IRI("http://example.org/s"), P: rdf.IRI("http://example.org/q"), O: rdf.LangLiteral("caf\u00e9", "fr"), G: rdf.IRI(g)}) || len(got) != 2 {
		t.Errorf("export: %v", got)
	}

	// A syntax error in the last chunk changes nothing.
	_, err = loadChunks(ctx, c, &kplanev1.LoadGraphRequest{Graph: g, Format: "ntriples", Replace: true}, "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n<oops", 16)
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("bad load: %v", err)
	}
	if _, rows := queryRows(t, c, `SELECT * WHERE { GRAPH <`+g+`> { ?s ?p ?o } }`); len(rows) != 2 {
		t.Errorf("after a failed replace the graph has %d quads, want 2", len(rows))
	}

	drop, err := c.graph.DropGraph(ctx, connect.NewRequest(&kplanev1.DropGraphRequest{Graph: g}))
	if err != nil || drop.Msg.GetQuads() != 2 {
		t.Fatalf("drop: %v, %v", drop, err)
	}
	_, err = c.graph.DropGraph(ctx, connect.NewRequest(&kplanev1.DropGraphRequest{Graph: g}))
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("second drop: %v", err)
	}
	_, err = c.graph.DropGraph(ctx, connect.NewRequest(&kplanev1.DropGraphRequest{Graph: graph.MetadataGraph}))
	if connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("dropping the metadata graph: %v", err)
	}
}

func TestDiscoveryRPCs(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.clients("")
	ctx := context.Background()
	search, err := c.discovery.Search(ctx, connect.NewRequest(&kplanev1.SearchRequest{Query: "invoice"}))
	if err != nil {
		t.Fatal(err)
	}
	if hits := search.Msg.GetHits(); len(hits) != 1 || hits[0].GetResource().GetIri() != "http://example.org/inv1" || hits[0].GetLabel() != "Invoice 1" {
		t.Errorf("search: %v", hits)
	}
	sug, err := c.discovery.Suggest(ctx, connect.NewRequest(&kplanev1.SuggestRequest{Prefix: "al"}))
	if err != nil {
		t.Fatal(err)
	}
	if s := sug.Msg.GetSuggestions(); len(s) != 1 || s[0].GetLabel() != "Alice" {
		t.Errorf("suggest: %v", s)
	}
	concept, err := c.discovery.GetConcept(ctx, connect.NewRequest(&kplanev1.GetConceptRequest{Concept: "http://example.org/Customer"}))
	if err != nil {
		t.Fatal(err)
	}
	d := concept.Msg.GetConcept()
	if d.GetResource().GetLabel() != "Customer" || len(d.GetProperties()) != 3 || len(d.GetGraphs()) != 1 || d.GetGraphs()[0].GetIri() != salesGraph {
		t.Errorf("concept: %v", d)
	}
	_, err = c.discovery.GetConcept(ctx, connect.NewRequest(&kplanev1.GetConceptRequest{Concept: "http://example.org/nothing"}))
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown concept: %v", err)
	}
	doms, err := c.discovery.ListDomains(ctx, connect.NewRequest(&kplanev1.ListDomainsRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, dm := range doms.Msg.GetDomains() {
		names = append(names, dm.GetName())
	}
	if !slices.Equal(names, []string{"finance", "sales"}) {
		t.Errorf("domains: %v", names)
	}
	about, err := c.discovery.ProductsAbout(ctx, connect.NewRequest(&kplanev1.ProductsAboutRequest{Label: "Customer"}))
	if err != nil {
		t.Fatal(err)
	}
	if cs := about.Msg.GetConcepts(); len(cs) != 1 || cs[0].GetTerm().GetIri() != "http://example.org/Customer" {
		t.Errorf("productsAbout resolved to %v", cs)
	}
	health, err := c.health.Check(ctx, connect.NewRequest(&kplanev1.CheckRequest{}))
	if err != nil || health.Msg.GetStatus() != kplanev1.ServingStatus_SERVING_STATUS_SERVING || health.Msg.GetGraphs() < 2 {
		t.Errorf("health: %v, %v", health, err)
	}
}

// The same services over the gRPC and gRPC-Web protocols (HTTP/2 without
// TLS for gRPC) on the same port.
func TestConnectClientProtocols(t *testing.T) {
	ts := startServer(t, Config{})
	for name, opt := range map[string]connect.ClientOption{"grpc": connect.WithGRPC(), "grpcweb": connect.WithGRPCWeb()} {
		t.Run(name, func(t *testing.T) {
			c := ts.clients("", opt)
			_, rows := queryRows(t, c, `SELECT ?s WHERE { ?s a <http://example.org/Invoice> }`)
			if len(rows) != 1 || rows[0][0] != rdf.IRI("http://example.org/inv1") {
				t.Errorf("rows: %v", rows)
			}
			resp, err := loadChunks(context.Background(), c, &kplanev1.LoadGraphRequest{Graph: "http://example.org/graph/" + name, Format: "turtle"}, "<a> <b> <c> .", 4)
			if err != nil || resp.GetGraph().GetQuads() != 1 {
				t.Errorf("load: %v, %v", resp, err)
			}
		})
	}
}

// ingestDecoder parses a graph response.
func ingestDecoder(mediaType, body string) ([]rdf.Quad, error) {
	f, ok := ingest.LookupFormat(mediaType)
	if !ok {
		return nil, errors.New("no parser for " + mediaType)
	}
	dec, err := f.NewDecoder(strings.NewReader(body), ingest.Options{Base: "http://example.org/"})
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	var quads []rdf.Quad
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			return quads, nil
		}
		if err != nil {
			return nil, err
		}
		quads = append(quads, q)
	}
}
