package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kplane/kplane/query/results"
)

func TestQuery(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(t.TempDir(), "doc.ttl")
	os.WriteFile(doc, []byte(`@prefix ex: <http://example.org/> .
ex:a ex:name "Alice" ; ex:knows ex:b .
ex:b ex:name "Bob" .
`), 0o644)
	mustRun(t, dir, "", "load", "--graph", "http://example.org/people", "--owner", "hr", doc)

	// Queries see the union of the graphs by default.
	out := mustRun(t, dir, "", "query", "--format", "json", `SELECT ?n WHERE { ?p <http://example.org/name> ?n } ORDER BY ?n`)
	res, err := results.ReadJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Solutions) != 2 || res.Solutions[0][0].Value != "Alice" || res.Solutions[1][0].Value != "Bob" {
		t.Errorf("select: %s", out)
	}
	// The store's own default graph is empty.
	out = mustRun(t, dir, "", "query", "--stored-default-graph", "--format", "tsv", `SELECT * WHERE { ?s ?p ?o }`)
	if strings.Count(out, "\n") != 1 {
		t.Errorf("stored default graph: %q", out)
	}
	// Graph metadata is visible to queries.
	out = mustRun(t, dir, "", "query", "--format", "csv", `PREFIX kplane: <https://kplane.dev/ns#>
SELECT ?owner ?n WHERE { GRAPH <https://kplane.dev/graphs> { <http://example.org/people> kplane:owner ?owner ; kplane:quadCount ?n } }`)
	if !strings.Contains(out, "hr,3") {
		t.Errorf("metadata query: %q", out)
	}
	out = mustRun(t, dir, "", "query", `ASK { <http://example.org/a> <http://example.org/knows> <http://example.org/b> }`)
	if !strings.Contains(out, "true") {
		t.Errorf("ask: %q", out)
	}
	out = mustRun(t, dir, "", "query", "--format", "ntriples", `CONSTRUCT { ?b <http://example.org/knownBy> ?a } WHERE { ?a <http://example.org/knows> ?b }`)
	if strings.TrimSpace(out) != "<http://example.org/b> <http://example.org/knownBy> <http://example.org/a> ." {
		t.Errorf("construct: %q", out)
	}
	q := filepath.Join(t.TempDir(), "q.rq")
	os.WriteFile(q, []byte("SELECT ?x WHERE {\n  ?x ?y\n}"), 0o644)
	_, err = run(t, dir, "", "query", "--file", q)
	if err == nil || !strings.HasPrefix(err.Error(), "3:1:") {
		t.Errorf("syntax error: %v", err)
	}
	out = mustRun(t, dir, "", "query", "--explain", `SELECT * WHERE { ?a <http://example.org/knows> ?b . ?b <http://example.org/name> ?n }`)
	if !strings.Contains(out, "SELECT") || !strings.Contains(strings.ToLower(out), "est") {
		t.Errorf("explain: %q", out)
	}
}

// TestQuerySearch runs kplane:search inside a query, joined with a graph
// pattern: the search opens the store's index on demand.
func TestQuerySearch(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(t.TempDir(), "products.ttl")
	os.WriteFile(doc, []byte(`@prefix dct: <http://purl.org/dc/terms/> .
@prefix dprod: <https://ekgf.github.io/dprod/> .
@prefix ex: <http://example.org/> .
ex:crm a dprod:DataProduct ; dct:title "Customer Extract" ; dprod:dataProductOwner ex:maya .
ex:churn a dprod:DataProduct ; dct:title "Customer Churn" ; dprod:dataProductOwner ex:li .
ex:orders a dprod:DataProduct ; dct:title "Sales Orders" ; dprod:dataProductOwner ex:maya .
`), 0o644)
	mustRun(t, dir, "", "load", "--graph", "http://example.org/g", doc)
	out := mustRun(t, dir, "", "query", "--format", "json", `PREFIX kplane: <https://kplane.dev/ns#>
PREFIX dprod: <https://ekgf.github.io/dprod/>
SELECT ?p ?score WHERE { (?p ?score) kplane:search "customer" . ?p dprod:dataProductOwner <http://example.org/maya> }`)
	res, err := results.ReadJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Solutions) != 1 || res.Solutions[0][0].Value != "http://example.org/crm" || res.Solutions[0][1].Datatype != "http://www.w3.org/2001/XMLSchema#double" {
		t.Errorf("search joined with the owner: %s", out)
	}
}
