package server

import (
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/results"
)

// customersQuery selects the two customers of the fixture.
const customersQuery = `PREFIX ex: <http://example.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?s ?label WHERE { ?s a ex:Customer ; rdfs:label ?label } ORDER BY ?s`

// do sends a request and returns the response with its body read.
func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func newRequest(t *testing.T, method, url, contentType, body string, header ...string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// The SPARQL protocol as common clients use it: the methods, parameters
// and Accept headers of SPARQLWrapper (rdflib), Apache Jena and YASGUI.
func TestSPARQLProtocolClients(t *testing.T) {
	ts := startServer(t, Config{})
	get := func(params url.Values) string { return ts.url + "/sparql?" + params.Encode() }
	form := func(params url.Values) string { return params.Encode() }
	q := url.Values{"query": {customersQuery}}
	cases := []struct {
		name   string
		req    *http.Request
		format string // the format the response must be in
		reader func(io.Reader) (*results.Result, error)
	}{
		{"SPARQLWrapper JSON (GET)", newRequest(t, "GET", get(url.Values{"query": {customersQuery}, "format": {"json"}, "output": {"json"}, "results": {"json"}}), "", "",
			"Accept", "application/sparql-results+json,application/json,text/javascript,application/javascript"), results.FormatJSON, results.ReadJSON},
		{"SPARQLWrapper XML (GET)", newRequest(t, "GET", get(q), "", "", "Accept", "application/sparql-results+xml"), results.FormatXML, results.ReadXML},
		{"SPARQLWrapper CSV (POST form)", newRequest(t, "POST", ts.url+"/sparql", "application/x-www-form-urlencoded", form(q), "Accept", "text/csv"), results.FormatCSV, results.ReadCSV},
		{"Jena (GET)", newRequest(t, "GET", get(q), "", "",
			"Accept", "application/sparql-results+json, application/sparql-results+xml;q=0.9, text/tab-separated-values;q=0.7, text/csv;q=0.5, application/json;q=0.2, application/xml;q=0.2, */*;q=0.1"), results.FormatJSON, results.ReadJSON},
		{"Jena TSV preferred", newRequest(t, "GET", get(q), "", "", "Accept", "text/tab-separated-values, application/sparql-results+json;q=0.5"), results.FormatTSV, results.ReadTSV},
		{"YASGUI (POST form)", newRequest(t, "POST", ts.url+"/sparql", "application/x-www-form-urlencoded; charset=UTF-8", form(q),
			"Accept", "application/sparql-results+json,*/*;q=0.9", "X-Requested-With", "XMLHttpRequest", "Origin", "http://yasgui.example"), results.FormatJSON, results.ReadJSON},
		{"direct POST", newRequest(t, "POST", ts.url+"/sparql", "application/sparql-query", customersQuery, "Accept", "application/sparql-results+xml"), results.FormatXML, results.ReadXML},
		{"output=tsv overrides Accept", newRequest(t, "GET", get(url.Values{"query": {customersQuery}, "output": {"tsv"}}), "", "", "Accept", "application/sparql-results+json"), results.FormatTSV, results.ReadTSV},
		{"no Accept", newRequest(t, "GET", get(q), "", ""), results.FormatJSON, results.ReadJSON},
	}
	want := []results.Solution{
		{rdf.IRI("http://example.org/alice"), rdf.LangLiteral("Alice", "en")},
		{rdf.IRI("http://example.org/bob"), rdf.String("Bob")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := do(t, c.req)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if ct, want := resp.Header.Get("Content-Type"), results.MediaType(c.format); ct != want {
				t.Errorf("Content-Type %q, want %q", ct, want)
			}
			res, err := c.reader(strings.NewReader(body))
			if err != nil {
				t.Fatalf("%v in %s", err, body)
			}
			got := res.Solutions
			if c.format == results.FormatCSV { // CSV has no types
				want := []results.Solution{
					{rdf.IRI("http://example.org/alice"), rdf.String("Alice")},
					{rdf.IRI("http://example.org/bob"), rdf.String("Bob")},
				}
				if !slices.EqualFunc(got, want, slices.Equal) {
					t.Errorf("solutions %v, want %v", got, want)
				}
				return
			}
			if !slices.Equal(res.Vars, []string{"s", "label"}) || !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("vars %v solutions %v, want %v", res.Vars, got, want)
			}
			if c.req.Header.Get("Origin") != "" && resp.Header.Get("Access-Control-Allow-Origin") != "*" {
				t.Errorf("no CORS header for a browser request")
			}
		})
	}
}

func TestSPARQLGraphResults(t *testing.T) {
	ts := startServer(t, Config{})
	construct := url.Values{"query": {`CONSTRUCT WHERE { <http://example.org/inv1> ?p ?o }`}}.Encode()
	for _, c := range []struct{ accept, mediaType string }{
		{"application/turtle,text/turtle", results.MediaTypeTurtle},                                              // SPARQLWrapper TURTLE
		{"text/turtle,application/n-triples;q=0.9,application/rdf+xml;q=0.7,*/*;q=0.5", results.MediaTypeTurtle}, // Jena
		{"application/n-triples,*/*;q=0.9", results.MediaTypeNTriples},                                           // YASGUI
		{"application/rdf+xml", results.MediaTypeTurtle},                                                         // not offered: Turtle
	} {
		resp, body := do(t, newRequest(t, "GET", ts.url+"/sparql?"+construct, "", "", "Accept", c.accept))
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.mediaType {
			t.Errorf("Accept %s: status %d, Content-Type %s", c.accept, resp.StatusCode, resp.Header.Get("Content-Type"))
			continue
		}
		dec, err := ingestDecoder(c.mediaType, body)
		if err != nil {
			t.Fatal(err)
		}
		if len(dec) != 4 {
			t.Errorf("Accept %s: %d triples in %s", c.accept, len(dec), body)
		}
	}
}

func TestSPARQLDataset(t *testing.T) {
	ts := startServer(t, Config{})
	count := func(params url.Values) string {
		resp, body := do(t, newRequest(t, "GET", ts.url+"/sparql?"+params.Encode(), "", "", "Accept", "text/csv"))
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		return strings.TrimSpace(body)
	}
	q := `SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }`
	if got := count(url.Values{"query": {q}, "default-graph-uri": {financeGraph}}); got != "n\r\n4" {
		t.Errorf("default-graph-uri finance: %q", got)
	}
	if got := count(url.Values{"query": {q}, "default-graph-uri": {financeGraph, salesGraph}}); got != "n\r\n12" {
		t.Errorf("default-graph-uri finance and sales: %q", got)
	}
	gq := `SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g`
	if got := count(url.Values{"query": {gq}, "named-graph-uri": {salesGraph}}); got != "g\r\n"+salesGraph {
		t.Errorf("named-graph-uri sales: %q", got)
	}
}

func TestSPARQLErrors(t *testing.T) {
	ts := startServer(t, Config{MaxQueryBytes: 1024})
	for _, c := range []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"syntax error", newRequest(t, "GET", ts.url+"/sparql?query=SELECT+%3Fx+WHERE+%7B", "", ""), 400},
		{"no query", newRequest(t, "GET", ts.url+"/sparql", "", ""), 400},
		{"two queries", newRequest(t, "GET", ts.url+"/sparql?query=ASK{}&query=ASK{}", "", ""), 400},
		{"update by GET", newRequest(t, "GET", ts.url+"/sparql?update=CLEAR+ALL", "", ""), 405},
		{"wrong content type", newRequest(t, "POST", ts.url+"/sparql", "text/plain", "ASK {}"), 415},
		{"too large", newRequest(t, "POST", ts.url+"/sparql", "application/sparql-query", "ASK {}"+strings.Repeat(" ", 2048)), 413},
		{"bad graph URI", newRequest(t, "GET", ts.url+"/sparql?query=ASK{}&default-graph-uri=relative", "", ""), 400},
		{"PUT", newRequest(t, "PUT", ts.url+"/sparql", "", ""), 405},
	} {
		resp, body := do(t, c.req)
		if resp.StatusCode != c.status {
			t.Errorf("%s: status %d, want %d: %s", c.name, resp.StatusCode, c.status, body)
		}
	}
	// CORS preflight of a browser client.
	resp, _ := do(t, newRequest(t, "OPTIONS", ts.url+"/sparql", "", "", "Origin", "http://yasgui.example",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,authorization"))
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		resp.Header.Get("Access-Control-Allow-Headers") != "content-type,authorization" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestGraphStoreProtocol(t *testing.T) {
	ts := startServer(t, Config{})
	const g = "http://example.org/graph/gsp"
	target := ts.url + "/store?" + url.Values{"graph": {g}, "owner": {"sales"}}.Encode()
	resp, body := do(t, newRequest(t, "PUT", target, "text/turtle", `<http://example.org/x> <http://example.org/y> "1" .`))
	if resp.StatusCode != 201 {
		t.Fatalf("PUT: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, newRequest(t, "POST", target, "application/n-triples", "<http://example.org/x> <http://example.org/y> \"2\" .\n"))
	if resp.StatusCode != 204 {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, newRequest(t, "GET", target, "", "", "Accept", "application/n-triples"))
	if resp.StatusCode != 200 || strings.Count(body, "\n") != 2 || resp.Header.Get("Content-Type") != results.MediaTypeNTriples {
		t.Errorf("GET: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, newRequest(t, "PUT", target, "application/x-unknown", "x"))
	if resp.StatusCode != 415 {
		t.Errorf("PUT of an unknown syntax: %d %s", resp.StatusCode, body)
	}
	resp, _ = do(t, newRequest(t, "DELETE", target, "", ""))
	if resp.StatusCode != 204 {
		t.Errorf("DELETE: %d", resp.StatusCode)
	}
	resp, _ = do(t, newRequest(t, "GET", target, "", ""))
	if resp.StatusCode != 404 {
		t.Errorf("GET after DELETE: %d", resp.StatusCode)
	}
}

func TestGraphStoreProtocolDefaultGraph(t *testing.T) {
	ts := startServer(t, Config{})
	target := ts.url + "/store?default"
	resp, body := do(t, newRequest(t, "PUT", target, "text/turtle", `<http://example.org/a> <http://example.org/p> "1", "2" .`))
	if resp.StatusCode != 204 {
		t.Fatalf("PUT ?default: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, newRequest(t, "POST", target, "application/n-triples", "<http://example.org/a> <http://example.org/p> \"3\" .\n"))
	if resp.StatusCode != 204 {
		t.Fatalf("POST ?default: %d %s", resp.StatusCode, body)
	}
	resp, body = do(t, newRequest(t, "GET", target, "", "", "Accept", "application/n-triples"))
	if resp.StatusCode != 200 || strings.Count(body, "\n") != 3 {
		t.Errorf("GET ?default: %d %q", resp.StatusCode, body)
	}
	// PUT replaces.
	do(t, newRequest(t, "PUT", target, "application/n-triples", "<http://example.org/b> <http://example.org/p> \"9\" .\n"))
	if _, body = do(t, newRequest(t, "GET", target, "", "", "Accept", "application/n-triples")); strings.Count(body, "\n") != 1 || !strings.Contains(body, `"9"`) {
		t.Errorf("after PUT: %q", body)
	}
	// A body that names a graph is refused and changes nothing.
	resp, _ = do(t, newRequest(t, "PUT", target, "application/n-quads", "<http://example.org/c> <http://example.org/p> \"x\" <http://example.org/g> .\n"))
	if resp.StatusCode != 400 {
		t.Errorf("PUT of quads: %d", resp.StatusCode)
	}
	resp, _ = do(t, newRequest(t, "DELETE", target, "", ""))
	if resp.StatusCode != 204 {
		t.Errorf("DELETE ?default: %d", resp.StatusCode)
	}
	if _, body = do(t, newRequest(t, "GET", target, "", "", "Accept", "application/n-triples")); strings.TrimSpace(body) != "" {
		t.Errorf("after DELETE: %q", body)
	}
}
