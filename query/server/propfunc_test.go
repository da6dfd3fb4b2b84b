package server

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/results"
	"github.com/kplane/kplane/query/sparql/eval"
)

// customerFinder is a property function for tests: it finds ex:alice and
// ex:bob, whatever the text.
type customerFinder struct{}

func (customerFinder) Call(ctx context.Context, args []rdf.Term) ([][]rdf.Term, error) {
	return [][]rdf.Term{{rdf.IRI("http://example.org/alice")}, {rdf.IRI("http://example.org/bob")}}, nil
}

func (customerFinder) Estimate([]rdf.Term) float64 { return 2 }

// TestPropertyFunctions checks that queries over /sparql and over Connect
// reach Config.PropertyFunctions, joined with the data.
func TestPropertyFunctions(t *testing.T) {
	ts := startServer(t, Config{PropertyFunctions: map[string]eval.PropertyFunction{"http://example.org/find": customerFinder{}}})
	const q = `PREFIX ex: <http://example.org/> SELECT ?c { ?c ex:find "x" . ?c ex:age 42 }`
	_, body := do(t, newRequest(t, "GET", ts.url+"/sparql?"+url.Values{"query": {q}}.Encode(), "", "", "Accept", "application/sparql-results+json"))
	res, err := results.ReadJSON(strings.NewReader(body))
	if err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if len(res.Solutions) != 1 || res.Solutions[0][0].Value != "http://example.org/alice" {
		t.Errorf("/sparql: %s", body)
	}
	_, rows := queryRows(t, ts.clients(""), q)
	if len(rows) != 1 || rows[0][0].Value != "http://example.org/alice" {
		t.Errorf("Connect query: %v", rows)
	}
}
