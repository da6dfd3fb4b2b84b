package search

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/eval"
)

// SearchFunction is the IRI of kplane:search, the SPARQL property function
// that runs a full-text search of the catalog (see PropertyFunctions).
const SearchFunction = "https://kplane.dev/ns#search"

// ErrUnavailable is returned by kplane:search when the query runs without
// a search index.
var ErrUnavailable = errors.New("full-text search is not available here: no search index is open")

// sparqlDefaultLimit is the number of hits kplane:search returns without a
// limit argument: the most Search gives in one page, so that what the
// graph patterns then keep is not cut short by a small page.
const sparqlDefaultLimit = maxLimit

// PropertyFunctions returns the SPARQL property functions backed by ix,
// for eval.Options.PropertyFunctions: kplane:search. With a nil ix the
// function exists but fails with ErrUnavailable, so that a query using it
// says why instead of silently matching nothing.
//
// kplane:search finds catalog resources (data products, datasets,
// concepts, ...) by text, like Search with no filter but the default one
// that leaves retired products out, and binds them best first:
//
//	?s kplane:search "text" .
//	(?s ?score) kplane:search "text" .
//	(?s ?score ?label) kplane:search ("text" "type" 20) .
//
// The subject binds, in order, the resource's IRI, its score (xsd:double)
// and its label (left unbound when it has none). The object is the text,
// or a collection of the text, optionally a type filter (a type name such
// as "product" or "concept", as for "kplane search --type"), and
// optionally the maximum number of hits (an integer; default and at most
// 1000). The search runs once per query and text, and joins with the
// query's other patterns:
//
//	SELECT ?p ?score ?owner WHERE {
//	  (?p ?score) kplane:search ("customer" "product") .
//	  ?p dprod:dataProductOwner ?owner .
//	} ORDER BY DESC(?score)
func PropertyFunctions(ix *Index) map[string]eval.PropertyFunction {
	return map[string]eval.PropertyFunction{SearchFunction: searchFunction{ix}}
}

// searchFunction is kplane:search over one index.
type searchFunction struct{ ix *Index }

// searchArgs is a parsed argument list of kplane:search.
type searchArgs struct {
	text  string
	types []string
	limit int
}

// parseSearchArgs reads ("text" ["type"] [limit]).
func parseSearchArgs(args []rdf.Term) (searchArgs, error) {
	if len(args) == 0 || len(args) > 3 {
		return searchArgs{}, fmt.Errorf("takes (\"text\" [\"type\"] [limit]), got %d arguments", len(args))
	}
	if args[0].Kind != rdf.KindLiteral {
		return searchArgs{}, fmt.Errorf("the search text must be a literal, got %s", args[0])
	}
	a := searchArgs{text: args[0].Value, limit: sparqlDefaultLimit}
	for i, t := range args[1:] {
		switch {
		case t.Kind == rdf.KindLiteral && isInteger(t.Datatype):
			n, err := strconv.Atoi(t.Value)
			if err != nil || n <= 0 {
				return searchArgs{}, fmt.Errorf("the limit must be a positive integer, got %s", t)
			}
			a.limit = min(n, maxLimit)
		case i == 0 && (t.Kind == rdf.KindIRI || t.Kind == rdf.KindLiteral && !isInteger(t.Datatype)):
			a.types = []string{t.Value}
		default:
			return searchArgs{}, fmt.Errorf("argument %d: want a type or a limit, got %s", i+2, t)
		}
	}
	return a, nil
}

func isInteger(datatype string) bool {
	switch datatype {
	case rdf.XSDInteger, rdf.XSDInt, rdf.XSDLong, rdf.XSDShort, rdf.XSDByte,
		rdf.XSDNonNegativeInteger, rdf.XSDPositiveInteger, rdf.XSDUnsignedLong,
		rdf.XSDUnsignedInt, rdf.XSDUnsignedShort, rdf.XSDUnsignedByte:
		return true
	}
	return false
}

// Call runs the search.
func (f searchFunction) Call(ctx context.Context, args []rdf.Term) ([][]rdf.Term, error) {
	if f.ix == nil {
		return nil, ErrUnavailable
	}
	a, err := parseSearchArgs(args)
	if err != nil {
		return nil, err
	}
	res, err := f.ix.Search(ctx, Request{Text: a.text, Types: a.types, Limit: a.limit})
	if err != nil {
		return nil, err
	}
	out := make([][]rdf.Term, len(res.Hits))
	for i, h := range res.Hits {
		row := []rdf.Term{rdf.IRI(h.IRI), rdf.Literal(strconv.FormatFloat(h.Score, 'g', -1, 64), rdf.XSDDouble), {}}
		if h.Label != "" {
			row[2] = rdf.String(h.Label)
		}
		out[i] = row
	}
	return out, nil
}

// Estimate returns the limit: searches usually fill it.
func (f searchFunction) Estimate(args []rdf.Term) float64 {
	if a, err := parseSearchArgs(args); err == nil {
		return float64(a.limit)
	}
	return sparqlDefaultLimit
}
