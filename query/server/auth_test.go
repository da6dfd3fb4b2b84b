package server

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"github.com/kplane/kplane/graph/rdf"
	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
)

// tokens creates an auth file with an admin, a reader, and publishers of
// sales and of finance, and returns it with the secrets by name.
func tokens(t *testing.T) (string, map[string]string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "auth.json")
	secrets := map[string]string{}
	for _, tok := range []struct {
		name    string
		role    Role
		domains []string
	}{
		{"root", RoleAdmin, nil},
		{"viewer", RoleReader, nil},
		{"sales-pub", RolePublisher, []string{"Sales"}},
		{"finance-pub", RolePublisher, []string{"finance"}},
	} {
		secret, err := AddToken(file, tok.name, tok.role, tok.domains)
		if err != nil {
			t.Fatal(err)
		}
		secrets[tok.name] = secret
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range secrets {
		if strings.Contains(string(b), s) {
			t.Fatalf("the auth file holds the secret of %s", name)
		}
	}
	return file, secrets
}

func TestAddTokenChecks(t *testing.T) {
	file := filepath.Join(t.TempDir(), "auth.json")
	if _, err := AddToken(file, "p", RolePublisher, nil); err == nil {
		t.Error("publisher without a domain accepted")
	}
	if _, err := AddToken(file, "r", RoleReader, []string{"x"}); err == nil {
		t.Error("reader with a domain accepted")
	}
	if _, err := AddToken(file, "a", "owner", nil); err == nil {
		t.Error("unknown role accepted")
	}
	s1, err := AddToken(file, "a", RoleAdmin, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AddToken(file, "a", RoleAdmin, nil); err == nil {
		t.Error("duplicate name accepted")
	}
	s2, _ := AddToken(file, "b", RoleAdmin, nil)
	if s1 == s2 || !strings.HasPrefix(s1, secretPrefix) {
		t.Errorf("secrets %q and %q", s1, s2)
	}
	auth, err := LoadAuthenticator(file)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := auth.Authenticate(s2); !ok || p.Name != "b" {
		t.Errorf("Authenticate(b's secret) = %v, %v", p, ok)
	}
	if _, ok := auth.Authenticate(s1 + "x"); ok {
		t.Error("a wrong secret authenticates")
	}
}

func TestAuthentication(t *testing.T) {
	file, secrets := tokens(t)
	auth, err := LoadAuthenticator(file)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, Config{Auth: auth})
	ctx := context.Background()
	q := ts.url + "/sparql?" + url.Values{"query": {"ASK {}"}}.Encode()
	for _, c := range []struct {
		name, header string
		status       int
	}{
		{"no token", "", 401},
		{"wrong token", "Bearer kp_wrong", 401},
		{"basic auth", "Basic dXNlcjpwYXNz", 401},
		{"reader", "Bearer " + secrets["viewer"], 200},
		{"publisher", "Bearer " + secrets["sales-pub"], 200},
	} {
		req := newRequest(t, "GET", q, "", "")
		if c.header != "" {
			req.Header.Set("Authorization", c.header)
		}
		resp, body := do(t, req)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, resp.StatusCode, c.status, body)
		}
		if c.status == 401 && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", c.name)
		}
	}
	_, err = ts.clients("").graph.ListGraphs(ctx, connect.NewRequest(&kplanev1.ListGraphsRequest{}))
	if connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("ListGraphs without a token: %v", err)
	}
	if _, err := ts.clients("").health.Check(ctx, connect.NewRequest(&kplanev1.CheckRequest{})); err != nil {
		t.Errorf("health needs no token: %v", err)
	}
	if resp, _ := do(t, newRequest(t, "GET", ts.url+"/healthz", "", "")); resp.StatusCode != 200 {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	_, err = loadChunks(ctx, ts.clients(secrets["viewer"]), &kplanev1.LoadGraphRequest{Graph: "http://example.org/graph/r", Format: "turtle"}, "<a> <b> <c> .", 100)
	if connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("reader's load: %v", err)
	}
	for name, secret := range secrets {
		if strings.Contains(ts.logs.String(), secret) {
			t.Errorf("the log shows the secret of %s", name)
		}
	}
}

func TestAnonymousRead(t *testing.T) {
	file, secrets := tokens(t)
	auth, _ := LoadAuthenticator(file)
	ts := startServer(t, Config{Auth: auth, AnonymousRead: true})
	ctx := context.Background()
	if _, rows := queryRows(t, ts.clients(""), `SELECT * WHERE { ?s a <http://example.org/Invoice> }`); len(rows) != 1 {
		t.Errorf("anonymous query: %v", rows)
	}
	_, err := ts.clients("").graph.DropGraph(ctx, connect.NewRequest(&kplanev1.DropGraphRequest{Graph: salesGraph}))
	if connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("anonymous drop: %v", err)
	}
	resp, _ := do(t, newRequest(t, "GET", ts.url+"/sparql?query=ASK{}", "", "", "Authorization", "Bearer nope"))
	if resp.StatusCode != 401 {
		t.Errorf("a wrong token with anonymous read: %d", resp.StatusCode)
	}
	if _, err := ts.clients(secrets["root"]).graph.DropGraph(ctx, connect.NewRequest(&kplanev1.DropGraphRequest{Graph: salesGraph})); err != nil {
		t.Errorf("admin drop: %v", err)
	}
}

// A publisher of Sales cannot change a Finance graph over any write path,
// and can change its own.
func TestPublisherWritesOnlyItsDomain(t *testing.T) {
	file, secrets := tokens(t)
	auth, _ := LoadAuthenticator(file)
	ts := startServer(t, Config{Auth: auth})
	ctx := context.Background()
	sales := ts.clients(secrets["sales-pub"])
	token := "Bearer " + secrets["sales-pub"]
	financeHash := func() string {
		sn := ts.store.Snapshot()
		defer sn.Release()
		gi, ok := sn.Graph(rdf.IRI(financeGraph))
		if !ok {
			return "dropped"
		}
		return gi.ContentHash + "/" + gi.Owner
	}
	before := financeHash()
	const triple = "<http://example.org/x> <http://example.org/y> <http://example.org/z> ."

	// Graph RPCs.
	for _, req := range []*kplanev1.LoadGraphRequest{
		{Graph: financeGraph, Format: "ntriples", Replace: true},
		{Graph: financeGraph, Format: "ntriples"},
		{Graph: financeGraph, Format: "ntriples", Owner: "sales"},
		{Graph: "http://example.org/graph/new", Format: "ntriples", Owner: "finance"},
	} {
		if _, err := loadChunks(ctx, sales, req, triple, 100); connect.CodeOf(err) != connect.CodePermissionDenied {
			t.Errorf("LoadGraph %v: %v", req, err)
		}
	}
	if _, err := sales.graph.DropGraph(ctx, connect.NewRequest(&kplanev1.DropGraphRequest{Graph: financeGraph})); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("DropGraph: %v", err)
	}
	// SPARQL Update over the protocol and over RPC.
	for _, u := range []string{
		"DROP GRAPH <" + financeGraph + ">",
		"INSERT DATA { GRAPH <" + financeGraph + "> { " + triple + " } }",
		"DELETE WHERE { GRAPH <" + financeGraph + "> { ?s ?p ?o } }",
		"COPY <" + salesGraph + "> TO <" + financeGraph + ">",
		"INSERT DATA { " + triple + " }", // the default graph belongs to admins
		"INSERT DATA { GRAPH <http://example.org/graph/brand-new> { " + triple + " } }",
	} {
		resp, body := do(t, newRequest(t, "POST", ts.url+"/sparql", "application/x-www-form-urlencoded", url.Values{"update": {u}}.Encode(), "Authorization", token))
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("protocol update %q: %d %s", u, resp.StatusCode, body)
		}
		resp, body = do(t, newRequest(t, "POST", ts.url+"/sparql", "application/sparql-update", u, "Authorization", token))
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("direct update %q: %d %s", u, resp.StatusCode, body)
		}
		if _, err := sales.query.Update(ctx, connect.NewRequest(&kplanev1.UpdateRequest{Update: u})); connect.CodeOf(err) != connect.CodePermissionDenied {
			t.Errorf("Update RPC %q: %v", u, err)
		}
	}
	// Graph store protocol.
	gsp := ts.url + "/store?" + url.Values{"graph": {financeGraph}}.Encode()
	for _, m := range []string{"PUT", "POST", "DELETE"} {
		resp, body := do(t, newRequest(t, m, gsp, "application/n-triples", triple, "Authorization", token))
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("graph store %s: %d %s", m, resp.StatusCode, body)
		}
	}
	// Imports: a Finance contract, and anything for domain finance.
	contract, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo", "finance", "contracts", "client-ledger.odcs.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := &kplanev1.ImportDocument{Name: "client-ledger.odcs.yaml", Content: contract}
	for _, req := range []*kplanev1.ImportRequest{
		{Documents: []*kplanev1.ImportDocument{doc}},
		{Documents: []*kplanev1.ImportDocument{doc}, DryRun: true},
		{Documents: []*kplanev1.ImportDocument{doc}, Domain: "finance"},
	} {
		if _, err := sales.imports.Import(ctx, connect.NewRequest(req)); connect.CodeOf(err) != connect.CodePermissionDenied {
			t.Errorf("Import %v: %v", req.GetDomain(), err)
		}
	}
	if after := financeHash(); after != before {
		t.Fatalf("the finance graph changed: %s → %s", before, after)
	}

	// The publisher writes its own domain on every path.
	if _, err := loadChunks(ctx, sales, &kplanev1.LoadGraphRequest{Graph: salesGraph, Format: "ntriples", Replace: true}, triple, 10); err != nil {
		t.Errorf("LoadGraph of its own graph: %v", err)
	}
	resp, err := loadChunks(ctx, sales, &kplanev1.LoadGraphRequest{Graph: "http://example.org/graph/new", Format: "ntriples"}, triple, 10)
	if err != nil || resp.GetGraph().GetOwner() != "Sales" {
		t.Errorf("new graph: %v, %v", resp, err)
	}
	r, body := do(t, newRequest(t, "POST", ts.url+"/sparql", "application/sparql-update", "INSERT DATA { GRAPH <"+salesGraph+"> { <http://example.org/x> <http://example.org/y> 1 } }", "Authorization", token))
	if r.StatusCode != http.StatusNoContent {
		t.Errorf("update of its own graph: %d %s", r.StatusCode, body)
	}
	r, body = do(t, newRequest(t, "PUT", ts.url+"/store?graph="+url.QueryEscape(salesGraph), "application/n-triples", triple, "Authorization", token))
	if r.StatusCode != http.StatusNoContent {
		t.Errorf("graph store PUT of its own graph: %d %s", r.StatusCode, body)
	}
	if _, err := sales.graph.DropGraph(ctx, connect.NewRequest(&kplanev1.DropGraphRequest{Graph: salesGraph})); err != nil {
		t.Errorf("DropGraph of its own graph: %v", err)
	}
	// The Finance publisher imports the Finance contract.
	imp, err := ts.clients(secrets["finance-pub"]).imports.Import(ctx, connect.NewRequest(&kplanev1.ImportRequest{Documents: []*kplanev1.ImportDocument{doc}}))
	if err != nil {
		t.Fatalf("finance import: %v", err)
	}
	if d := imp.Msg.GetDocuments(); len(d) != 1 || d[0].GetKind() != "odcs" || d[0].GetQuads() == 0 || d[0].GetName() != "client-ledger.odcs.yaml" {
		t.Errorf("finance import: %v", d)
	}
}

func TestImportErrorsNameTheDocument(t *testing.T) {
	ts := startServer(t, Config{})
	_, err := ts.clients("").imports.Import(context.Background(), connect.NewRequest(&kplanev1.ImportRequest{Documents: []*kplanev1.ImportDocument{
		{Name: "../../etc/bad.odcs.yaml", Content: []byte("apiVersion: v3.0.0\nkind: DataContract\nid: [unclosed\n")},
	}}))
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Fatalf("invalid document: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "bad.odcs.yaml") || strings.Contains(msg, "kplane-import-") || strings.Contains(msg, "etc") {
		t.Errorf("error %q should name the document, and neither the staging folder nor the client's path", msg)
	}
}
