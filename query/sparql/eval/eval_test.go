package eval_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/eval"
)

const ex = "http://example.org/"

func iri(s string) rdf.Term { return rdf.IRI(ex + s) }

// newStore returns an in-memory store holding quads.
func newStore(t *testing.T, quads ...rdf.Quad) *graph.Store {
	t.Helper()
	s, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	l, err := s.NewLoader(context.Background(), graph.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range quads {
		if err := l.Add(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := l.Commit(); err != nil {
		t.Fatal(err)
	}
	return s
}

// selectStrings runs a SELECT query and returns each solution as
// "var=term ..." strings, sorted.
func selectStrings(t *testing.T, s *graph.Store, src string, opts eval.Options) []string {
	t.Helper()
	q, err := eval.Prepare(src, opts)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	snap := s.Snapshot()
	defer snap.Release()
	vars, sols, err := q.Solutions(context.Background(), snap)
	if err != nil {
		t.Fatalf("exec: %v", err)
	}
	var out []string
	for _, sol := range sols {
		var parts []string
		for i, v := range vars {
			if !sol[i].IsZero() {
				parts = append(parts, v+"="+sol[i].String())
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	sort.Strings(out)
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDatasets(t *testing.T) {
	s := newStore(t,
		rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.String("default")},
		rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.String("both"), G: iri("g1")},
		rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.String("both"), G: iri("g2")},
		rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.String("only2"), G: iri("g2")},
	)
	q := `SELECT ?o WHERE { <http://example.org/a> <http://example.org/p> ?o }`
	tests := []struct {
		name string
		src  string
		opts eval.Options
		want []string
	}{
		{"default graph", q, eval.Options{}, []string{`o="default"`}},
		{"union default graph merges", q, eval.Options{UnionDefaultGraph: true},
			[]string{`o="both"`, `o="default"`, `o="only2"`}},
		{"FROM one graph", `SELECT ?o FROM <http://example.org/g1> WHERE { ?s ?p ?o }`, eval.Options{},
			[]string{`o="both"`}},
		{"FROM two graphs is a merge", `SELECT ?o FROM <http://example.org/g1> FROM <http://example.org/g2> WHERE { ?s ?p ?o }`, eval.Options{},
			[]string{`o="both"`, `o="only2"`}},
		{"FROM NAMED restricts GRAPH", `SELECT ?g ?o FROM NAMED <http://example.org/g1> WHERE { GRAPH ?g { ?s ?p ?o } }`, eval.Options{},
			[]string{`g=<http://example.org/g1> o="both"`}},
		{"FROM NAMED only: empty default graph", `SELECT ?o FROM NAMED <http://example.org/g1> WHERE { ?s ?p ?o }`, eval.Options{}, nil},
		{"GRAPH over all named graphs", `SELECT ?g WHERE { GRAPH ?g { ?s ?p "both" } }`, eval.Options{},
			[]string{`g=<http://example.org/g1>`, `g=<http://example.org/g2>`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := selectStrings(t, s, tc.src, tc.opts)
			if !equalStrings(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// chain returns a path of n+1 nodes n0 → n1 → … → nn along p.
func chain(n int) []rdf.Quad {
	var qs []rdf.Quad
	for i := 0; i < n; i++ {
		qs = append(qs, rdf.Quad{S: iri("n" + itoa(i)), P: iri("p"), O: iri("n" + itoa(i+1))})
	}
	return qs
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestPathsAndCycles(t *testing.T) {
	qs := chain(3)
	qs = append(qs, rdf.Quad{S: iri("n3"), P: iri("p"), O: iri("n0")}) // a cycle
	s := newStore(t, qs...)
	got := selectStrings(t, s, `SELECT ?x WHERE { <http://example.org/n0> <http://example.org/p>+ ?x }`, eval.Options{})
	want := []string{"x=<http://example.org/n0>", "x=<http://example.org/n1>", "x=<http://example.org/n2>", "x=<http://example.org/n3>"}
	if !equalStrings(got, want) {
		t.Errorf("p+ got %q, want %q", got, want)
	}
	// Zero-length paths of a term absent from the data.
	got = selectStrings(t, s, `SELECT ?x WHERE { <http://example.org/zz> <http://example.org/p>* ?x }`, eval.Options{})
	if !equalStrings(got, []string{"x=<http://example.org/zz>"}) {
		t.Errorf("p* from an absent node: %q", got)
	}
	// Both ends free: every node with itself and its successors.
	got = selectStrings(t, s, `SELECT ?x ?y WHERE { ?x <http://example.org/p>? ?y }`, eval.Options{})
	if len(got) != 8 {
		t.Errorf("p? with free ends: %d solutions, want 8: %q", len(got), got)
	}
	got = selectStrings(t, s, `SELECT ?x WHERE { ?x ^<http://example.org/p>/<http://example.org/p> ?x }`, eval.Options{})
	if len(got) != 4 {
		t.Errorf("inverse sequence: %q", got)
	}
}

func TestJoinStrategiesAgree(t *testing.T) {
	var qs []rdf.Quad
	for i := 0; i < 300; i++ {
		qs = append(qs, rdf.Quad{S: iri("s" + itoa(i)), P: rdf.IRI(rdf.RDFType), O: iri("C")})
		qs = append(qs, rdf.Quad{S: iri("s" + itoa(i)), P: iri("v"), O: rdf.Literal(itoa(i%7), rdf.XSDInteger)})
		if i%3 == 0 {
			qs = append(qs, rdf.Quad{S: iri("s" + itoa(i)), P: iri("w"), O: rdf.String("w")})
		}
	}
	s := newStore(t, qs...)
	// The same join as one BGP (index nested loop, switching to hash
	// probes), as a join of groups, and through a subquery (hash join).
	bgp := selectStrings(t, s, `PREFIX e: <http://example.org/> SELECT ?s ?v WHERE { ?s a e:C ; e:v ?v ; e:w "w" }`, eval.Options{})
	groups := selectStrings(t, s, `PREFIX e: <http://example.org/> SELECT ?s ?v WHERE { { ?s e:v ?v } { ?s e:w "w" } }`, eval.Options{})
	sub := selectStrings(t, s, `PREFIX e: <http://example.org/> SELECT ?s ?v WHERE { { SELECT ?s ?v { ?s e:v ?v } } ?s e:w "w" }`, eval.Options{})
	if len(bgp) != 100 || !equalStrings(bgp, groups) || !equalStrings(bgp, sub) {
		t.Errorf("join strategies disagree: %d, %d, %d solutions", len(bgp), len(groups), len(sub))
	}
	filtered := selectStrings(t, s, `PREFIX e: <http://example.org/> SELECT ?s WHERE { ?s a e:C ; e:v ?v ; e:w "w" FILTER(?v > 5) }`, eval.Options{})
	if len(filtered) != 14 {
		t.Errorf("pushed-down filter: %d solutions, want 14", len(filtered))
	}
}

func TestLimitStopsEarly(t *testing.T) {
	s := newStore(t, chain(1000)...)
	q, err := eval.Prepare(`SELECT * WHERE { ?a ?p ?b . ?c ?q ?d } LIMIT 3`, eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	defer snap.Release()
	start := time.Now()
	_, sols, err := q.Solutions(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if len(sols) != 3 {
		t.Fatalf("%d solutions, want 3", len(sols))
	}
	// The cross product has a million solutions; LIMIT must not compute them.
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("LIMIT 3 over a cross product took %v", d)
	}
}

func TestTimeout(t *testing.T) {
	s := newStore(t, chain(1000)...)
	q, err := eval.Prepare(`SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }`, eval.Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	defer snap.Release()
	start := time.Now()
	_, _, err = q.Solutions(context.Background(), snap)
	if !errors.Is(err, eval.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("stopped after %v", d)
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := eval.Prepare("SELECT ?x WHERE { ?x ", eval.Options{})
	var se *rdf.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want *rdf.SyntaxError", err, err)
	}
}

func TestConstructAndDescribe(t *testing.T) {
	s := newStore(t,
		rdf.Quad{S: iri("a"), P: iri("name"), O: rdf.String("A")},
		rdf.Quad{S: iri("a"), P: iri("addr"), O: rdf.Blank("x")},
		rdf.Quad{S: rdf.Blank("x"), P: iri("city"), O: rdf.String("Paris")},
		rdf.Quad{S: iri("b"), P: iri("name"), O: rdf.String("B")},
	)
	snap := s.Snapshot()
	defer snap.Release()
	q, err := eval.Prepare(`PREFIX e: <http://example.org/> CONSTRUCT { _:n e:label ?n . ?s e:p ?unbound } WHERE { ?s e:name ?n }`, eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	quads, err := q.Quads(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if len(quads) != 2 || quads[0].S == quads[1].S || !quads[0].S.IsBlank() {
		t.Errorf("CONSTRUCT: want two triples with distinct fresh blank nodes, got %v", quads)
	}
	q, err = eval.Prepare(`DESCRIBE <http://example.org/a>`, eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	quads, err = q.Quads(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	// The description follows the blank node to its city.
	if len(quads) != 3 {
		t.Errorf("DESCRIBE: %d triples, want 3: %v", len(quads), quads)
	}
}

func TestExplain(t *testing.T) {
	s := newStore(t, chain(10)...)
	q, err := eval.Prepare(`SELECT * WHERE { ?a <http://example.org/p> ?b . ?b <http://example.org/p> ?c FILTER(?a != ?c) }`, eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	defer snap.Release()
	plan, err := q.Explain(context.Background(), snap, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Project", "BGP", "Filter", "est", "rows 9"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan lacks %q:\n%s", want, plan)
		}
	}
}
