package search_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest/importer"
	"github.com/kplane/kplane/query/search"
	"github.com/kplane/kplane/query/sparql/eval"
)

const sparqlPrefixes = `PREFIX kplane: <https://kplane.dev/ns#>
PREFIX dprod: <https://ekgf.github.io/dprod/>
PREFIX person: <https://demo.kplane.dev/person/>
`

// sparqlDemo loads the demo enterprise and indexes it.
func sparqlDemo(t *testing.T) (*graph.Store, *search.Index) {
	t.Helper()
	ctx := context.Background()
	store, err := graph.Open("", &graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	if _, err := importer.LoadDemo(ctx, store, filepath.Join("..", "..", "testdata", "demo")); err != nil {
		t.Fatal(err)
	}
	ix, err := search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return store, ix
}

// runSPARQL runs a SELECT query with kplane:search backed by ix.
func runSPARQL(t *testing.T, store *graph.Store, ix *search.Index, src string) ([]string, [][]rdf.Term, error) {
	t.Helper()
	q, err := eval.Prepare(sparqlPrefixes+src, eval.Options{UnionDefaultGraph: true, PropertyFunctions: search.PropertyFunctions(ix)})
	if err != nil {
		t.Fatal(err)
	}
	snap := store.Snapshot()
	defer snap.Release()
	vars, sols, err := q.Solutions(context.Background(), snap)
	rows := make([][]rdf.Term, len(sols))
	for i, s := range sols {
		rows[i] = s
	}
	return vars, rows, err
}

// TestSPARQLSearch combines kplane:search with graph patterns: the
// products the search finds, restricted to one owner's, with the scores
// of the search.
func TestSPARQLSearch(t *testing.T) {
	store, ix := sparqlDemo(t)
	ctx := context.Background()

	// What the search alone finds, and which products have the owner.
	res, err := ix.Search(ctx, search.Request{Text: "customer", Types: []string{"product"}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	_, owned, err := runSPARQL(t, store, ix, `SELECT ?p { ?p dprod:dataProductOwner person:maya-okafor }`)
	if err != nil {
		t.Fatal(err)
	}
	isOwned := map[string]bool{}
	for _, r := range owned {
		isOwned[r[0].Value] = true
	}
	want := map[string]float64{}
	for _, h := range res.Hits {
		if isOwned[h.IRI] {
			want[h.IRI] = h.Score
		}
	}
	if len(want) == 0 || len(want) == len(res.Hits) {
		t.Fatalf("the demo data no longer tests the join: %d hits, %d of them owned by maya-okafor", len(res.Hits), len(want))
	}

	vars, rows, err := runSPARQL(t, store, ix, `SELECT ?p ?score ?label {
		(?p ?score ?label) kplane:search ("customer" "product" 50) .
		?p dprod:dataProductOwner person:maya-okafor .
	} ORDER BY DESC(?score)`)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(vars, " ") != "p score label" {
		t.Fatalf("vars %v", vars)
	}
	if len(rows) != len(want) {
		t.Errorf("%d solutions, want %d: %v", len(rows), len(want), rows)
	}
	last := 0.0
	for i, r := range rows {
		score, ok := want[r[0].Value]
		if !ok {
			t.Errorf("%s: not a hit owned by maya-okafor", r[0])
			continue
		}
		if r[1].Datatype != rdf.XSDDouble {
			t.Errorf("%s: score %s is not an xsd:double", r[0], r[1])
		}
		got, err := strconv.ParseFloat(r[1].Value, 64)
		if err != nil || got != score {
			t.Errorf("%s: score %s, want %g", r[0], r[1], score)
		}
		if i > 0 && got > last {
			t.Errorf("not ordered by score: %g after %g", got, last)
		}
		last = got
		if r[2].IsZero() {
			t.Errorf("%s: no label", r[0])
		}
	}
	if _, ok := want["https://demo.kplane.dev/sales/product/customer-master"]; !ok {
		t.Errorf("Customer Master is not among the hits: %v", want)
	}

	// The single-term forms: subject only, text only.
	_, rows, err = runSPARQL(t, store, ix, `SELECT ?p { ?p kplane:search "customer master" }`)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		found = found || r[0].Value == "https://demo.kplane.dev/sales/product/customer-master"
	}
	if !found {
		t.Errorf("?p kplane:search \"customer master\" does not find Customer Master: %v", rows)
	}

	// A limit bounds the hits.
	_, rows, err = runSPARQL(t, store, ix, `SELECT ?p ?s { (?p ?s) kplane:search ("customer" 2) }`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Errorf("limit 2: %d solutions", len(rows))
	}

	// The text may come from the rest of the query.
	_, rows, err = runSPARQL(t, store, ix, `SELECT ?p { VALUES ?text { "customer" } ?p kplane:search ?text }`)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Error("a text bound by VALUES finds nothing")
	}
}

// TestSPARQLSearchUnavailable checks that kplane:search without an index
// fails with an error that says so.
func TestSPARQLSearchUnavailable(t *testing.T) {
	store, err := graph.Open("", &graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, _, err = runSPARQL(t, store, nil, `SELECT ?p { ?p kplane:search "customer" }`)
	if err == nil || !strings.Contains(err.Error(), "search is not available") {
		t.Fatalf("err = %v, want search is not available", err)
	}
}

// TestSPARQLSearchBadArguments checks the argument errors.
func TestSPARQLSearchBadArguments(t *testing.T) {
	store, ix := sparqlDemo(t)
	for _, q := range []string{
		`SELECT ?p { ?p kplane:search ("customer" "product" 10 20) }`,
		`SELECT ?p { ?p kplane:search ("customer" 0) }`,
		`SELECT ?p { ?p kplane:search ?unbound }`,
	} {
		if _, _, err := runSPARQL(t, store, ix, q); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
}
