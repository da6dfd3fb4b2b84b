package eval_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/eval"
)

// prefixFunction is a property function for tests: ("prefix" n) finds the
// n first resources ex:r0, ex:r1, ... whose name starts with prefix
// (here: all of them), with their number as a second result.
type prefixFunction struct {
	calls *int
	args  *[][]rdf.Term
}

func (f prefixFunction) Call(ctx context.Context, args []rdf.Term) ([][]rdf.Term, error) {
	*f.calls++
	*f.args = append(*f.args, args)
	n := 3
	if len(args) > 1 {
		fmt.Sscan(args[1].Value, &n)
	}
	var out [][]rdf.Term
	for i := range n {
		out = append(out, []rdf.Term{iri(fmt.Sprintf("%s%d", args[0].Value, i)), rdf.Literal(fmt.Sprint(i), rdf.XSDInteger)})
	}
	return out, nil
}

func (f prefixFunction) Estimate([]rdf.Term) float64 { return 3 }

func TestPropertyFunction(t *testing.T) {
	var quads []rdf.Quad
	for i := range 50 {
		quads = append(quads, rdf.Quad{S: iri(fmt.Sprintf("r%d", i)), P: iri("colour"), O: rdf.String([]string{"red", "blue"}[i%2])})
	}
	s := newStore(t, quads...)
	var calls int
	var args [][]rdf.Term
	opts := eval.Options{PropertyFunctions: map[string]eval.PropertyFunction{
		ex + "find": prefixFunction{calls: &calls, args: &args},
	}}
	tests := []struct {
		name, query string
		want        []string
		calls       int
	}{
		{
			name:  "joined with a pattern, run once",
			query: `PREFIX e: <http://example.org/> SELECT ?r ?n { ?r e:colour "red" . (?r ?n) e:find ("r" 5) }`,
			want:  []string{`r=<http://example.org/r0> n="0"^^<http://www.w3.org/2001/XMLSchema#integer>`, `r=<http://example.org/r2> n="2"^^<http://www.w3.org/2001/XMLSchema#integer>`, `r=<http://example.org/r4> n="4"^^<http://www.w3.org/2001/XMLSchema#integer>`},
			calls: 1,
		},
		{
			name:  "single subject and object",
			query: `PREFIX e: <http://example.org/> SELECT ?r { ?r e:find "r" }`,
			want:  []string{`r=<http://example.org/r0>`, `r=<http://example.org/r1>`, `r=<http://example.org/r2>`},
			calls: 1,
		},
		{
			name:  "constant subject",
			query: `PREFIX e: <http://example.org/> SELECT ?n { (e:r1 ?n) e:find "r" }`,
			want:  []string{`n="1"^^<http://www.w3.org/2001/XMLSchema#integer>`},
			calls: 1,
		},
		{
			name:  "argument from the query, once per value",
			query: `PREFIX e: <http://example.org/> SELECT ?r { VALUES ?p { "r" "r" "x" } ?r e:find (?p 1) }`,
			want:  []string{`r=<http://example.org/r0>`, `r=<http://example.org/r0>`, `r=<http://example.org/x0>`},
			calls: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			calls, args = 0, nil
			got := selectStrings(t, s, tc.query, opts)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if calls != tc.calls {
				t.Errorf("%d calls (%v), want %d", calls, args, tc.calls)
			}
		})
	}

	// Without the function, the predicate is an ordinary one.
	if got := selectStrings(t, s, `PREFIX e: <http://example.org/> SELECT ?r { ?r e:find "r" }`, eval.Options{}); len(got) != 0 {
		t.Errorf("without the function: %v", got)
	}

	// An argument that nothing binds is an error.
	q, err := eval.Prepare(`PREFIX e: <http://example.org/> SELECT ?r { ?r e:find ?p }`, opts)
	if err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	defer snap.Release()
	if _, _, err := q.Solutions(context.Background(), snap); err == nil || !strings.Contains(err.Error(), "not bound") {
		t.Errorf("unbound argument: err = %v", err)
	}

	// EXPLAIN shows the call.
	q, err = eval.Prepare(`PREFIX e: <http://example.org/> SELECT ?r { ?r e:colour "red" . (?r ?n) e:find ("r" 5) }`, opts)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := q.Explain(context.Background(), snap, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "PropertyFunction (propfunc (?r ?n) <http://example.org/find> (\"r\" 5))") {
		t.Errorf("plan:\n%s", plan)
	}
}
