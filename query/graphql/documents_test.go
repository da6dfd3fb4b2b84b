package graphql

import (
	"strings"
	"testing"
)

// TestDocumentCache checks that a query text is parsed and validated once,
// that its errors are kept with it but every result gets its own copy, and
// that the least recently used texts make room for new ones.
func TestDocumentCache(t *testing.T) {
	s, err := NewServer(demoServer(t).store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const q = `{ products(first: 1) { totalCount } }`
	first := s.docs.get(&s.schema, q)
	if len(first.errs) > 0 || first.ast == nil {
		t.Fatalf("valid query: errors %v", first.errs)
	}
	if again := s.docs.get(&s.schema, q); again != first {
		t.Errorf("the same text was parsed again")
	}

	const invalid = `{ products(first: 1) { noSuchField } }`
	res := s.Do(t.Context(), Request{Query: invalid})
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "noSuchField") || !res.preExecution {
		t.Fatalf("invalid query: errors %v", res.Errors)
	}
	res.Errors = append(res.Errors[:1:1], res.Errors[0]) // a caller adding to its result
	res.Errors[0].Message = "changed by the caller"
	if again := s.Do(t.Context(), Request{Query: invalid}); len(again.Errors) != 1 || !strings.Contains(again.Errors[0].Message, "noSuchField") {
		t.Errorf("second answer to an invalid query: errors %v", again.Errors)
	}

	s.docs.max = 2
	a := s.docs.get(&s.schema, `{ a: products { totalCount } }`)
	b := s.docs.get(&s.schema, `{ b: products { totalCount } }`)
	s.docs.get(&s.schema, `{ a: products { totalCount } }`) // a is now more recent than b
	s.docs.get(&s.schema, `{ c: products { totalCount } }`)
	if s.docs.get(&s.schema, `{ a: products { totalCount } }`) != a {
		t.Errorf("the most recently used document was dropped")
	}
	if s.docs.get(&s.schema, `{ b: products { totalCount } }`) == b {
		t.Errorf("the least recently used document was kept beyond the limit")
	}
	if n := s.docs.order.Len(); n != 2 {
		t.Errorf("%d documents kept, want 2", n)
	}
}

// TestCostPlanVariables checks that the cost estimate of a cached
// document follows the variables of each request.
func TestCostPlanVariables(t *testing.T) {
	s, err := NewServer(demoServer(t).store, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const wide = `query($n: Int) { products(first: $n) { nodes { datasets { logicalModels { entities { attributes { concepts { narrower { narrower { label } } } } } } } } } }`
	for _, tc := range []struct {
		n        int
		tooLarge bool
	}{{100, true}, {1, false}, {100, true}, {2, false}} {
		_, errs := runErr(t, s, Request{Query: wide, Variables: map[string]any{"n": tc.n}})
		gotTooLarge := len(errs) == 1 && strings.Contains(errs[0]["message"].(string), "too large")
		if gotTooLarge != tc.tooLarge || !gotTooLarge && len(errs) > 0 {
			t.Errorf("first: %v: errors %v, want too large: %v", tc.n, errs, tc.tooLarge)
		}
	}
}

// TestCostPlanFragments checks that fragments cost what the same
// selections written out cost, wherever they are spread.
func TestCostPlanFragments(t *testing.T) {
	s := demoServer(t)
	inline := `{ products(first: 7) { nodes { label owner { label } datasets { label themes { label } } } }
  domains { nodes { products { nodes { label owner { label } datasets { label themes { label } } } } } } }`
	withFragments := `{ products(first: 7) { nodes { ...P } } domains { nodes { products { nodes { ...P } } } } }
fragment P on DataProduct { label ...O datasets { ...D } }
fragment O on DataProduct { owner { label } }
fragment D on Dataset { label themes { label } }`
	cost := func(q string) (float64, int) {
		t.Helper()
		doc := s.docs.get(&s.schema, q)
		if len(doc.errs) > 0 {
			t.Fatalf("%v", doc.errs)
		}
		plan := doc.cost("")
		e := costEval{opts: &s.opts}
		return e.values(plan.root), plan.depth
	}
	n1, d1 := cost(inline)
	n2, d2 := cost(withFragments)
	if n1 != n2 || d1 != d2 {
		t.Errorf("with fragments: %v values, depth %d; written out: %v values, depth %d", n2, d2, n1, d1)
	}
	// A product's selections return 27 values: label, owner and its
	// label, 3 datasets (the estimated size of short lists) with a label
	// and 3 themes each, each theme with a label. products(first: 7) and
	// its nodes return 7 + 7 values, and 7 × 27 below them; domains (20,
	// the default page size) and their nodes 20 + 20, their products and
	// nodes 400 + 400, and 400 × 27 below them.
	if want := 7 + 7 + 7*27 + 20 + 20 + 400 + 400 + 400*27.0; n1 != want {
		t.Errorf("estimate %v, want %v", n1, want)
	}
	if d1 != 7 { // domains nodes products nodes datasets themes label
		t.Errorf("depth %d, want 7", d1)
	}
}
