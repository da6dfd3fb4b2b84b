package graphql

import (
	"context"
	"encoding/json"
	"github.com/kplane/kplane/ingest/importer"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	gql "github.com/graphql-go/graphql"

	"github.com/kplane/kplane/graph"

	_ "github.com/kplane/kplane/ingest/odcs"
	_ "github.com/kplane/kplane/ingest/turtle"
)

const demo = "https://demo.kplane.dev/"

// demoStore is the Larkspur demo enterprise (testdata/demo) with
// ontology/kplane.ttl, each file its own named graph, loaded once.
var demoStore struct {
	once   sync.Once
	store  *graph.Store
	server *Server
	err    error
}

// openDemo loads the demo enterprise as kplane demo does.
func openDemo() (*graph.Store, error) {
	store, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		return nil, err
	}
	if _, err := importer.LoadDemo(context.Background(), store, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		return nil, err
	}
	return store, nil
}

func demoServer(t testing.TB) *Server {
	t.Helper()
	demoStore.once.Do(func() {
		demoStore.store, demoStore.err = openDemo()
		if demoStore.err == nil {
			demoStore.server, demoStore.err = NewServer(demoStore.store, Options{})
		}
	})
	if demoStore.err != nil {
		t.Fatal(demoStore.err)
	}
	return demoStore.server
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoStore.store != nil {
		demoStore.store.Close()
	}
	if synthStore.store != nil {
		synthStore.store.Close()
	}
	if synthStore.dir != "" {
		os.RemoveAll(synthStore.dir)
	}
	os.Exit(code)
}

// run executes a query and returns its data as generic JSON, failing the
// test on any error.
func run(t testing.TB, s *Server, query string, vars map[string]any) map[string]any {
	t.Helper()
	data, errs := runErr(t, s, Request{Query: query, Variables: vars})
	if len(errs) > 0 {
		t.Fatalf("query failed: %v\n%s", errs, query)
	}
	return data
}

func runErr(t testing.TB, s *Server, req Request) (map[string]any, []map[string]any) {
	t.Helper()
	res := s.Do(context.Background(), req)
	b, err := json.Marshal(res.Result)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Data   map[string]any   `json:"data"`
		Errors []map[string]any `json:"errors"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out.Data, out.Errors
}

// get walks a path of keys and indexes through generic JSON.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func list(v any) []any { l, _ := v.([]any); return l }

// customerProducts are the products about Customer (testdata/demo/README.md).
var customerProducts = []string{
	"sales/product/customer-master", "sales/product/sales-orders", "sales/product/key-accounts",
	"sales/product/legacy-customer-extract", "marketing/product/campaign-response",
	"marketing/product/customer-segments", "finance/product/invoices", "finance/product/client-ledger",
	"finance/product/client-credit-risk", "customer-service/product/service-cases",
	"customer-service/product/complaints", "banking/product/account-holders",
	"banking/product/card-transactions", "banking/product/kyc-screening-legacy",
	"insurance/product/policyholders", "insurance/product/policies-in-force",
	"insurance/product/cross-sell-candidates",
}

var retiredCustomerProducts = []string{"sales/product/legacy-customer-extract", "banking/product/kyc-screening-legacy"}

func iris(t *testing.T, edges []any) []string {
	t.Helper()
	var out []string
	for _, e := range edges {
		iri, _ := get(e, "node", "iri").(string)
		out = append(out, strings.TrimPrefix(iri, demo))
	}
	slices.Sort(out)
	return out
}

func sorted(l []string) []string {
	l = slices.Clone(l)
	slices.Sort(l)
	return l
}

func without(l []string, drop []string) []string {
	return slices.DeleteFunc(slices.Clone(l), func(s string) bool { return slices.Contains(drop, s) })
}

const aboutQuery = `query($c: String, $t: String, $r: Boolean, $n: Boolean = true) {
  productsAbout(concept: $c, text: $t, includeNarrower: $n, first: 100, filter: {includeRetired: $r}) {
    totalCount
    resolution { method }
    edges { score explanationText explanation { relation from { iri } to { iri } } node { iri label status } }
  }
}`

func TestProductsAboutCustomer(t *testing.T) {
	s := demoServer(t)
	for _, tc := range []struct {
		name   string
		vars   map[string]any
		want   []string
		method string
	}{
		{"concept", map[string]any{"c": demo + "enterprise/concept/Customer", "r": true}, customerProducts, "term"},
		{"not retired", map[string]any{"c": demo + "enterprise/concept/Customer", "r": false}, without(customerProducts, retiredCustomerProducts), "term"},
		{"Kunde", map[string]any{"t": "Kunde", "r": true}, customerProducts, "label"},
		{"Client", map[string]any{"t": "client", "r": true}, customerProducts, "label"},
		{"Customer, equivalents only", map[string]any{"c": demo + "enterprise/concept/Customer", "r": true, "n": false},
			without(customerProducts, []string{"sales/product/key-accounts", "insurance/product/policyholders", "insurance/product/policies-in-force"}), "term"},
		{"Policyholder", map[string]any{"c": demo + "insurance/concept/Policyholder", "r": true},
			[]string{"insurance/product/policies-in-force", "insurance/product/policyholders"}, "term"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := run(t, s, aboutQuery, tc.vars)
			edges := list(get(d, "productsAbout", "edges"))
			if got := iris(t, edges); !slices.Equal(got, sorted(tc.want)) {
				t.Errorf("products:\n got %v\nwant %v", got, sorted(tc.want))
			}
			if n := get(d, "productsAbout", "totalCount"); n != float64(len(tc.want)) {
				t.Errorf("totalCount = %v, want %d", n, len(tc.want))
			}
			if m := get(d, "productsAbout", "resolution", "method"); m != tc.method {
				t.Errorf("resolution method = %v, want %s", m, tc.method)
			}
			last := 2.0
			for _, e := range edges {
				score := get(e, "score").(float64)
				if score > last {
					t.Errorf("scores not in descending order: %v after %v", score, last)
				}
				last = score
				steps := list(get(e, "explanation"))
				if len(steps) == 0 {
					t.Fatalf("%v has no explanation", get(e, "node", "iri"))
				}
				if from := get(steps[0], "from", "iri"); from != get(e, "node", "iri") {
					t.Errorf("explanation starts at %v, not at the product %v", from, get(e, "node", "iri"))
				}
				if get(e, "explanationText") == "" {
					t.Errorf("%v: empty explanation text", get(e, "node", "iri"))
				}
			}
		})
	}
}

func TestProductsAboutNeedsSubject(t *testing.T) {
	s := demoServer(t)
	_, errs := runErr(t, s, Request{Query: `{ productsAbout { totalCount } }`})
	if len(errs) == 0 || !strings.Contains(errs[0]["message"].(string), "concept IRI or a text") {
		t.Fatalf("errors = %v, want one asking for a concept or text", errs)
	}
}

func TestConcept(t *testing.T) {
	s := demoServer(t)
	d := run(t, s, `{
	  concept(iri: "`+demo+`enterprise/concept/Customer") {
	    iri label definition prefLabel(lang: "de")
	    narrower { iri }
	    related { iri }
	    mappings { relation concept { iri } }
	    products(first: 3) { totalCount edges { node { iri } } pageInfo { hasNextPage } }
	  }
	}`, nil)
	c := get(d, "concept")
	if get(c, "label") != "Customer" || get(c, "definition") == nil {
		t.Errorf("label %v, definition %v", get(c, "label"), get(c, "definition"))
	}
	if l := get(c, "prefLabel"); l != "Kunde" {
		t.Errorf("German prefLabel = %v, want Kunde", l)
	}
	var narrower []string
	for _, n := range list(get(c, "narrower")) {
		narrower = append(narrower, strings.TrimPrefix(get(n, "iri").(string), demo))
	}
	for _, want := range []string{"enterprise/concept/RetailCustomer", "enterprise/concept/BusinessCustomer"} {
		if !slices.Contains(narrower, want) {
			t.Errorf("narrower %v lacks %s", narrower, want)
		}
	}
	var exact []string
	for _, m := range list(get(c, "mappings")) {
		if get(m, "relation") == "exactMatch" {
			exact = append(exact, strings.TrimPrefix(get(m, "concept", "iri").(string), demo))
		}
	}
	if !slices.Contains(exact, "sales/concept/Customer") {
		t.Errorf("exactMatch mappings %v lack sales/concept/Customer (stated by the sales glossary)", exact)
	}
	if n := get(c, "products", "totalCount"); n != float64(15) {
		t.Errorf("products totalCount = %v, want 15 (not retired)", n)
	}
	if len(list(get(c, "products", "edges"))) != 3 || get(c, "products", "pageInfo", "hasNextPage") != true {
		t.Errorf("products page: %v", get(c, "products"))
	}
	// By label: several concepts are called Customer; the first by IRI.
	d = run(t, s, `{ concept(label: "kunde") { iri } concepts(label: "KUNDE") { iri } }`, nil)
	var all []string
	for _, c := range list(get(d, "concepts")) {
		all = append(all, strings.TrimPrefix(get(c, "iri").(string), demo))
	}
	for _, want := range []string{"enterprise/concept/Customer", "sales/concept/Customer"} {
		if !slices.Contains(all, want) {
			t.Errorf("concepts(label: KUNDE) = %v, lacks %s", all, want)
		}
	}
	if !slices.IsSorted(all) || len(all) == 0 || get(d, "concept", "iri") != demo+all[0] {
		t.Errorf("concept(label: kunde) = %v, want the first of %v", get(d, "concept", "iri"), all)
	}
}

func TestPagination(t *testing.T) {
	s := demoServer(t)
	all := run(t, s, `{ products(first: 100, filter: {includeRetired: true}) { totalCount nodes { iri } } }`, nil)
	want := list(get(all, "products", "nodes"))
	if len(want) != 34 || get(all, "products", "totalCount") != float64(34) {
		t.Fatalf("%d products, totalCount %v; want 34", len(want), get(all, "products", "totalCount"))
	}
	var got []any
	after := ""
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		d := run(t, s, `query($after: String) { products(first: 7, after: $after, filter: {includeRetired: true}) {
		  edges { cursor node { iri } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`, map[string]any{"after": after})
		for _, e := range list(get(d, "products", "edges")) {
			got = append(got, get(e, "node"))
		}
		if (get(d, "products", "pageInfo", "hasPreviousPage") == true) != (after != "") {
			t.Errorf("hasPreviousPage wrong on page %d", pages)
		}
		if get(d, "products", "pageInfo", "hasNextPage") != true {
			break
		}
		after = get(d, "products", "pageInfo", "endCursor").(string)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Errorf("pages joined:\n%s\nwant\n%s", gj, wj)
	}
	// Filters: the default leaves retired products out.
	d := run(t, s, `{ a: products { totalCount } b: products(filter: {status: [RETIRED]}) { totalCount }
	  c: products(filter: {domain: "`+demo+`domain/sales"}) { totalCount nodes { domain { iri } } } }`, nil)
	if get(d, "a", "totalCount") != float64(30) || get(d, "b", "totalCount") != float64(4) {
		t.Errorf("not retired %v (want 30), retired %v (want 4)", get(d, "a", "totalCount"), get(d, "b", "totalCount"))
	}
	for _, n := range list(get(d, "c", "nodes")) {
		if get(n, "domain", "iri") != demo+"domain/sales" {
			t.Errorf("domain filter kept %v", n)
		}
	}
	_, errs := runErr(t, s, Request{Query: `{ products(after: "bogus") { totalCount } }`})
	if len(errs) == 0 || !strings.Contains(errs[0]["message"].(string), "invalid cursor") {
		t.Errorf("bad cursor: errors %v", errs)
	}
	_, errs = runErr(t, s, Request{Query: `{ products(first: 1000) { totalCount } }`})
	if len(errs) == 0 || !strings.Contains(errs[0]["message"].(string), "first must be between") {
		t.Errorf("first too large: errors %v", errs)
	}
}

func TestResourceAndDomains(t *testing.T) {
	s := demoServer(t)
	d := run(t, s, `{
	  domains { totalCount nodes { label ownerTeam { label } products { totalCount } } }
	  p: resource(iri: "`+demo+`sales/product/customer-master") { __typename iri ... on DataProduct { title } }
	  c: resource(iri: "`+demo+`sales/concept/Customer") { __typename }
	  r: resource(iri: "`+demo+`org/larkspur-group") { __typename resource { outgoing(predicate: "http://www.w3.org/2000/01/rdf-schema#label") { nodes { value { value } } } incoming { totalCount } } }
	  none: resource(iri: "https://example.org/nothing") { iri }
	  graphs(first: 100) { totalCount nodes { iri source quads contentHash } }
	}`, nil)
	if get(d, "domains", "totalCount") != float64(7) {
		t.Errorf("domains: %v", get(d, "domains", "totalCount"))
	}
	total := 0.0
	for _, dom := range list(get(d, "domains", "nodes")) {
		if get(dom, "ownerTeam", "label") == nil {
			t.Errorf("domain %v has no owner team", get(dom, "label"))
		}
		total += get(dom, "products", "totalCount").(float64)
	}
	if total != 30 {
		t.Errorf("domains hold %v products not retired, want 30", total)
	}
	if get(d, "p", "__typename") != "DataProduct" || get(d, "p", "title") != "Customer Master" {
		t.Errorf("resource(product) = %v", get(d, "p"))
	}
	if get(d, "c", "__typename") != "Concept" {
		t.Errorf("sales:Customer is a %v, want Concept", get(d, "c", "__typename"))
	}
	if get(d, "r", "__typename") != "Owner" || get(d, "r", "resource", "outgoing", "nodes", 0, "value", "value") != "Larkspur Group" {
		t.Errorf("resource(org) = %v", get(d, "r"))
	}
	if get(d, "none") != nil {
		t.Errorf("unknown resource = %v, want null", get(d, "none"))
	}
	graphs := list(get(d, "graphs", "nodes"))
	snap := demoStore.store.Snapshot()
	defer snap.Release()
	if len(graphs) != len(snap.Graphs()) || get(d, "graphs", "totalCount") != float64(len(graphs)) {
		t.Errorf("%d graphs, the store has %d", len(graphs), len(snap.Graphs()))
	}
	for _, g := range graphs {
		if strings.HasPrefix(get(g, "iri").(string), demo) && (get(g, "quads").(float64) <= 0 || get(g, "contentHash") == nil) {
			t.Errorf("graph without metadata: %v", g)
		}
	}
}

func TestSearch(t *testing.T) {
	s := demoServer(t)
	d := run(t, s, `{ search(text: "customer master", filter: {kinds: [DataProduct]}) {
	  totalCount edges { score snippet node { __typename iri } } } }`, nil)
	edges := list(get(d, "search", "edges"))
	if len(edges) == 0 || get(edges[0], "node", "iri") != demo+"sales/product/customer-master" {
		t.Fatalf("search: %v", edges)
	}
	for _, e := range edges {
		if get(e, "node", "__typename") != "DataProduct" {
			t.Errorf("kind filter kept %v", e)
		}
	}
}

func TestSPARQL(t *testing.T) {
	s := demoServer(t)
	d := run(t, s, `{ sparql(query: "PREFIX dprod: <https://ekgf.github.io/dprod/> SELECT (COUNT(?p) AS ?n) WHERE { ?p a dprod:DataProduct }") {
	  form variables rows { value datatype } truncated } }`, nil)
	if get(d, "sparql", "form") != "SELECT" || get(d, "sparql", "rows", 0, 0, "value") != "34" {
		t.Errorf("sparql: %v", get(d, "sparql"))
	}
	d = run(t, s, `{ sparql(query: "SELECT ?s WHERE { ?s ?p ?o }", limit: 3) { rows { value } truncated } }`, nil)
	if len(list(get(d, "sparql", "rows"))) != 3 || get(d, "sparql", "truncated") != true {
		t.Errorf("limit: %v", get(d, "sparql"))
	}
	_, errs := runErr(t, s, Request{Query: `{ sparql(query: "INSERT DATA { <a:b> <a:c> <a:d> }") { form } }`})
	if len(errs) == 0 {
		t.Error("an update was accepted by the read-only sparql field")
	}
}

// TestDirectExecution runs the schema with graphql-go directly, through
// NewContext.
func TestDirectExecution(t *testing.T) {
	s := demoServer(t)
	snap := demoStore.store.Snapshot()
	defer snap.Release()
	res := gql.Do(gql.Params{
		Schema:        s.Schema(),
		RequestString: `{ product(iri: "` + demo + `sales/product/customer-master") { label owner { label } } }`,
		Context:       NewContext(context.Background(), snap, Options{}),
	})
	if len(res.Errors) > 0 {
		t.Fatal(res.Errors)
	}
	if got := get(res.Data, "product", "owner", "label"); got != "Maya Okafor" {
		t.Errorf("owner = %v, want Maya Okafor", got)
	}
}

func TestLineage(t *testing.T) {
	s := demoServer(t)
	d := run(t, s, `{ product(iri: "`+demo+`sales/product/customer-master") {
	  downstream { iri }
	  lineage(direction: DOWNSTREAM, transitive: true) { upstream { iri } downstream { iri ... on DataProduct { label } } depth via }
	} }`, nil)
	var direct, all []string
	for _, n := range list(get(d, "product", "downstream")) {
		direct = append(direct, strings.TrimPrefix(get(n, "iri").(string), demo))
	}
	for _, e := range list(get(d, "product", "lineage")) {
		all = append(all, strings.TrimPrefix(get(e, "downstream", "iri").(string), demo))
	}
	for _, want := range []string{"sales/product/sales-orders", "sales/product/key-accounts", "marketing/product/customer-segments",
		"customer-service/product/service-cases", "insurance/product/cross-sell-candidates"} {
		if !slices.Contains(direct, want) {
			t.Errorf("direct downstream %v lacks %s", direct, want)
		}
	}
	for _, want := range []string{"finance/product/client-credit-risk", "logistics/product/customs-duty-ledger"} {
		if !slices.Contains(all, want) {
			t.Errorf("transitive downstream %v lacks %s", all, want)
		}
	}
}
