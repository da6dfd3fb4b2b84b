package graphql

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/graphql-go/graphql/testutil"
)

// TestAgentSession runs the example session of
// testdata/agent-session.graphql, which the README quotes, over HTTP.
func TestAgentSession(t *testing.T) {
	s := demoServer(t)
	session, err := os.ReadFile("testdata/agent-session.graphql")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	post := func(op string, vars map[string]any) map[string]any {
		t.Helper()
		body, _ := json.Marshal(Request{Query: string(session), OperationName: op, Variables: vars})
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/graphql-response+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct {
			Data   map[string]any `json:"data"`
			Errors []any          `json:"errors"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || len(out.Errors) > 0 {
			t.Fatalf("%s: status %d, errors %v", op, resp.StatusCode, out.Errors)
		}
		return out.Data
	}

	// 1. The schema explains itself, with the ontology's own words.
	d := post("Discover", nil)
	entry := map[string]string{}
	for _, f := range list(get(d, "__schema", "queryType", "fields")) {
		entry[get(f, "name").(string)], _ = get(f, "description").(string)
	}
	for _, name := range []string{"search", "productsAbout", "concept", "product", "domains", "graphs", "resource", "sparql"} {
		if entry[name] == "" {
			t.Errorf("entry point %s missing or undescribed", name)
		}
	}
	if desc, _ := get(d, "__type", "description").(string); !strings.Contains(desc, "dprod/DataProduct") {
		t.Errorf("DataProduct description %q does not name its class", desc)
	}

	// 2. Products about Customer: the 15 in use, each explained.
	d = post("ProductsAboutCustomer", nil)
	if n := get(d, "productsAbout", "totalCount"); n != float64(15) {
		t.Errorf("productsAbout Customer: %v products, want 15", n)
	}
	var product string
	for _, e := range list(get(d, "productsAbout", "edges")) {
		if get(e, "explanationText") == "" || get(e, "node", "domain", "label") == nil {
			t.Errorf("unexplained or domainless answer: %v", e)
		}
		if strings.HasSuffix(get(e, "node", "iri").(string), "finance/product/invoices") {
			product = get(e, "node", "iri").(string)
			if text := get(e, "explanationText").(string); !strings.Contains(text, "Client") {
				t.Errorf("invoices explanation %q does not go through Client", text)
			}
		}
	}
	if product == "" {
		t.Fatal("finance/product/invoices is not among the products about Customer")
	}

	// 3. Follow Invoices to its owner and its logical model.
	d = post("FollowProduct", map[string]any{"iri": product})
	p := get(d, "product")
	if get(p, "owner", "label") == nil || get(p, "domain", "label") != "Finance" || get(p, "domain", "ownerTeam", "label") == nil {
		t.Errorf("owner or domain missing: %v", p)
	}
	found := false
	for _, ds := range list(get(p, "datasets")) {
		for _, m := range list(get(ds, "logicalModels")) {
			for _, e := range list(get(m, "entities")) {
				for _, a := range list(get(e, "attributes")) {
					if get(a, "name") == "bill_to_client_id" {
						found = true
						if get(a, "concepts", 0, "label") != "Client" {
							t.Errorf("bill_to_client_id represents %v, want Client", get(a, "concepts"))
						}
					}
				}
			}
		}
	}
	if !found {
		t.Errorf("attribute bill_to_client_id not reached from the product: %v", p)
	}
}

// TestDescriptionsFromOntology checks that field and type descriptions
// come from the store's vocabularies where it has them.
func TestDescriptionsFromOntology(t *testing.T) {
	s := demoServer(t)
	d := run(t, s, `{
	  domain: __type(name: "Domain") { description fields { name description } }
	  attr: __type(name: "Attribute") { fields { name description } }
	}`, nil)
	field := func(typ, name string) string {
		for _, f := range list(get(d, typ, "fields")) {
			if get(f, "name") == name {
				s, _ := get(f, "description").(string)
				return s
			}
		}
		return ""
	}
	// kplane.ttl is in the store: its rdfs:comments are used.
	if desc, _ := get(d, "domain", "description").(string); !strings.HasPrefix(desc, "A business area of the enterprise") {
		t.Errorf("Domain description %q is not kplane:Domain's comment", desc)
	}
	if desc := field("domain", "ownerTeam"); !strings.HasPrefix(desc, "The team accountable for a domain") || !strings.Contains(desc, "https://kplane.dev/ns#ownerTeam") {
		t.Errorf("Domain.ownerTeam description %q", desc)
	}
	if desc := field("attr", "isKey"); !strings.Contains(desc, "identifier of the entity") {
		t.Errorf("Attribute.isKey description %q is not kplane:isKey's comment", desc)
	}
	// DPROD is not in the store: the built-in description is used.
	if desc := field("attr", "concepts"); !strings.Contains(desc, "glossary concept") {
		t.Errorf("Attribute.concepts description %q", desc)
	}
}

func TestHTTP(t *testing.T) {
	srv := httptest.NewServer(demoServer(t))
	defer srv.Close()
	do := func(method, target, contentType, accept, body string) (int, string, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+target, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, resp.Header.Get("Content-Type"), out
	}
	const q = `{"query":"{ domains { totalCount } }"}`
	for _, tc := range []struct {
		name, method, target, ct, accept, body string
		status                                 int
		mediaType                              string
		wantData, wantErrors                   bool
	}{
		{"post json", "POST", "", "application/json", "application/json", q, 200, "application/json", true, false},
		{"post response+json", "POST", "", "application/json; charset=utf-8", "application/graphql-response+json", q, 200, "application/graphql-response+json", true, false},
		{"no accept", "POST", "", "application/json", "", q, 200, "application/json", true, false},
		{"get", "GET", "?query=" + url.QueryEscape("query($n: Int) { domains(first: $n) { totalCount } }") + "&variables=" + url.QueryEscape(`{"n": 2}`), "", "", "", 200, "application/json", true, false},
		{"syntax error, response+json", "POST", "", "application/json", "application/graphql-response+json", `{"query":"{ domains { "}`, 400, "application/graphql-response+json", false, true},
		{"syntax error, json", "POST", "", "application/json", "application/json", `{"query":"{ domains { "}`, 200, "application/json", false, true},
		{"unknown field", "POST", "", "application/json", "application/graphql-response+json", `{"query":"{ nothing }"}`, 400, "application/graphql-response+json", false, true},
		{"field error", "POST", "", "application/json", "application/graphql-response+json", `{"query":"{ products(after: \"x\") { totalCount } }"}`, 200, "application/graphql-response+json", true, true},
		{"bad body", "POST", "", "application/json", "", `{"query":`, 400, "application/json", false, true},
		{"no query", "POST", "", "application/json", "", `{}`, 400, "application/json", false, true},
		{"wrong content type", "POST", "", "text/plain", "", q, 415, "application/json", false, true},
		{"wrong method", "PUT", "", "application/json", "", q, 405, "application/json", false, true},
		{"not acceptable", "POST", "", "application/json", "text/html", q, 406, "application/json", false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, ct, out := do(tc.method, tc.target, tc.ct, tc.accept, tc.body)
			if status != tc.status || !strings.HasPrefix(ct, tc.mediaType) {
				t.Errorf("status %d, content type %q; want %d, %s (%v)", status, ct, tc.status, tc.mediaType, out)
			}
			if _, ok := out["data"]; ok != tc.wantData {
				t.Errorf("data present = %v, want %v: %v", ok, tc.wantData, out)
			}
			if errs, _ := out["errors"].([]any); (len(errs) > 0) != tc.wantErrors {
				t.Errorf("errors = %v, want errors %v", out["errors"], tc.wantErrors)
			}
		})
	}
}

func TestCostLimits(t *testing.T) {
	s := demoServer(t)
	deep := `{ product(iri: "x") { domain { ownerTeam { domains { ownerTeam { domains { ownerTeam { domains { ownerTeam { domains { ownerTeam { domains { label } } } } } } } } } } } } }`
	_, errs := runErr(t, s, Request{Query: deep})
	if len(errs) != 1 || !strings.Contains(errs[0]["message"].(string), "too deep") || get(errs[0], "extensions", "code") != "QUERY_TOO_COMPLEX" {
		t.Errorf("deep query: errors %v", errs)
	}
	wide := `{ products(first: 100) { nodes { datasets { logicalModels { entities { attributes { concepts { narrower { narrower { label } } } } } } } } } }`
	_, errs = runErr(t, s, Request{Query: wide})
	if len(errs) != 1 || !strings.Contains(errs[0]["message"].(string), "too large") {
		t.Errorf("wide query: errors %v", errs)
	}
	// The same shape with a small page passes.
	small := strings.Replace(wide, "first: 100", "first: 1", 1)
	if _, errs = runErr(t, s, Request{Query: small}); len(errs) > 0 {
		t.Errorf("small query: errors %v", errs)
	}
	// Introspection is not limited by depth.
	if _, errs = runErr(t, s, Request{Query: `{ __type(name: "Query") { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } }`}); len(errs) > 0 {
		t.Errorf("introspection: errors %v", errs)
	}
}

func TestTimeout(t *testing.T) {
	store := demoServer(t).store
	s, err := NewServer(store, Options{Timeout: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	res := s.Do(context.Background(), Request{Query: `{ products { totalCount } }`})
	if len(res.Errors) == 0 || !strings.Contains(res.Errors[len(res.Errors)-1].Message, "time limit") {
		t.Errorf("errors %v, want a time limit error", res.Errors)
	}
}

// TestFullIntrospection runs the introspection query GraphQL tools send,
// which is deeper than any limit on ordinary queries.
func TestFullIntrospection(t *testing.T) {
	d := run(t, demoServer(t), testutil.IntrospectionQuery, nil)
	names := map[string]bool{}
	for _, typ := range list(get(d, "__schema", "types")) {
		names[get(typ, "name").(string)] = true
	}
	for _, want := range []string{"DataProduct", "Dataset", "Port", "Domain", "Owner", "Concept", "ConceptScheme",
		"Class", "Property", "LogicalModel", "Entity", "Attribute", "Graph", "Resource", "Node", "PageInfo"} {
		if !names[want] {
			t.Errorf("type %s missing from the schema", want)
		}
	}
}

// TestConcurrentRequests runs requests in parallel on the shared snapshot
// (run with -race).
func TestConcurrentRequests(t *testing.T) {
	s := demoServer(t)
	const q = `{ productsAbout(text: "Customer", first: 5) { edges { node { label owner { label } datasets { logicalModels { entities { attributes { name } } } } } } } }`
	want, _ := json.Marshal(run(t, s, q, nil))
	done := make(chan string)
	for range 8 {
		go func() {
			res := s.Do(context.Background(), Request{Query: q})
			b, _ := json.Marshal(res.Data)
			done <- string(b)
		}()
	}
	for range 8 {
		if got := <-done; got != string(want) {
			t.Errorf("concurrent answer differs:\n%s\nwant\n%s", got, want)
		}
	}
}
