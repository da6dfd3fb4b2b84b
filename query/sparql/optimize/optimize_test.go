package optimize

import (
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/parser"
)

func translate(t *testing.T, src string) algebra.Operator {
	t.Helper()
	pq, err := parser.ParseQuery(src, "")
	if err != nil {
		t.Fatal(err)
	}
	aq, err := algebra.Translate(pq)
	if err != nil {
		t.Fatal(err)
	}
	return aq.Op
}

const prefix = "PREFIX e: <http://example.org/> "

func TestFilterPushDown(t *testing.T) {
	tests := []struct {
		name, query string
		want        string // substring of the optimised algebra
		notWant     string
	}{
		{
			name:  "into the left of a join",
			query: prefix + `SELECT * { { ?a e:p ?b } { ?c e:q ?d } FILTER(?b > 1) }`,
			want:  "(join (filter (> ?b 1)",
		},
		{
			name:  "into the left of OPTIONAL, not its right",
			query: prefix + `SELECT * { ?a e:p ?b OPTIONAL { ?a e:q ?c } FILTER(?b > 1) }`,
			want:  "(leftjoin (filter (> ?b 1)",
		},
		{
			name:    "not when a variable is only bound by OPTIONAL",
			query:   prefix + `SELECT * { ?a e:p ?b OPTIONAL { ?a e:q ?c } FILTER(?c > 1) }`,
			want:    "(filter (> ?c 1) (leftjoin",
			notWant: "(leftjoin (filter",
		},
		{
			name:  "split between BGP patterns",
			query: prefix + `SELECT * { ?a e:p ?b . ?b e:q ?c . ?c e:r ?d FILTER(?b != ?a) }`,
			want:  "(filter (!= ?b ?a) (bgp",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := &Optimizer{}
			p := o.Optimize(translate(t, tc.query))
			got := algebra.Format(p.Op)
			flat := strings.Join(strings.Fields(got), " ")
			if !strings.Contains(flat, tc.want) {
				t.Errorf("optimised algebra lacks %q:\n%s", tc.want, got)
			}
			if tc.notWant != "" && strings.Contains(flat, tc.notWant) {
				t.Errorf("optimised algebra has %q:\n%s", tc.notWant, got)
			}
		})
	}
}

func TestBGPOrderByStatistics(t *testing.T) {
	big, small := graph.TermID(rdf.IRI("http://example.org/big")), graph.TermID(rdf.IRI("http://example.org/small"))
	st := &graph.Stats{
		Quads: 1_000_010,
		Predicates: map[graph.ID]graph.PredicateStats{
			big:   {Quads: 1_000_000, DistinctSubjects: 1_000_000, DistinctObjects: 10},
			small: {Quads: 10, DistinctSubjects: 10, DistinctObjects: 10},
		},
	}
	o := &Optimizer{Stats: st}
	p := o.Optimize(translate(t, prefix+`SELECT * { ?x e:big ?y . ?x e:small ?z }`))
	var bgp *algebra.BGP
	var find func(op algebra.Operator)
	find = func(op algebra.Operator) {
		switch op := op.(type) {
		case *algebra.BGP:
			bgp = op
		case *algebra.Project:
			find(op.Input)
		}
	}
	find(p.Op)
	if bgp == nil || len(bgp.Patterns) != 2 {
		t.Fatalf("no BGP in %s", algebra.Format(p.Op))
	}
	if got := bgp.Patterns[0].P.Value.Value; got != "http://example.org/small" {
		t.Errorf("first pattern has predicate %s, want the selective e:small", got)
	}
	if est := p.Estimates[bgp]; est < 1 || est > 100 {
		t.Errorf("estimate %v, want about 10", est)
	}
}

func TestCorrelatable(t *testing.T) {
	tests := []struct {
		query string
		want  bool
	}{
		{prefix + `SELECT * { ?a e:p ?b . ?b e:p+ ?c }`, true},
		{prefix + `SELECT * { ?a e:p ?b FILTER(?b > 2) }`, true},
		{prefix + `SELECT * { ?a e:p ?b FILTER(?zz > 2) }`, false},
		{prefix + `SELECT * { ?a e:p ?b OPTIONAL { ?b e:q ?c } }`, false},
		{prefix + `SELECT * { ?a e:p ?b MINUS { ?b e:q ?c } }`, false},
	}
	for _, tc := range tests {
		op := translate(t, tc.query).(*algebra.Project).Input
		if got := Correlatable(op); got != tc.want {
			t.Errorf("Correlatable(%s) = %v, want %v", algebra.Format(op), got, tc.want)
		}
	}
}

func TestMergeJoinChoice(t *testing.T) {
	// Pattern sizes by predicate, as a Count function would measure them.
	sizes := map[string]float64{"takes": 300_000, "teaches": 20_000, "advises": 40_000, "few": 5, "huge": 2_000_000}
	byID := map[graph.ID]float64{}
	for name, n := range sizes {
		byID[graph.TermID(rdf.IRI("http://example.org/"+name))] = n
	}
	o := &Optimizer{Count: func(s, p, o graph.ID) float64 {
		n := byID[p]
		if !s.IsZero() || !o.IsZero() {
			n = min(n, 3)
		}
		return n
	}}
	tests := []struct {
		name, query string
		merge       string // the first two patterns' predicates, "" for no merge
	}{
		{"large start reaching a large pattern", `SELECT * { ?x e:advises ?y . ?y e:teaches ?z . ?x e:takes ?z }`, "takes teaches"},
		{"selective start", `SELECT * { ?x e:advises ?y . ?y e:teaches ?z . ?x e:takes ?z . ?y e:few ?w }`, ""},
		{"pattern too large to read whole", `SELECT * { ?x e:teaches ?y . ?x e:huge ?z }`, ""},
		{"no shared sort variable", `SELECT * { ?x e:advises ?y . ?x e:takes ?z }`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := o.Optimize(translate(t, prefix+tc.query))
			bgp, ok := p.Op.(*algebra.Project).Input.(*algebra.BGP)
			if !ok {
				t.Fatalf("no BGP in %s", algebra.Format(p.Op))
			}
			got := ""
			if p.MergeJoins[bgp] {
				local := func(tp algebra.TriplePattern) string {
					return strings.TrimPrefix(tp.P.Value.Value, "http://example.org/")
				}
				got = local(bgp.Patterns[0]) + " " + local(bgp.Patterns[1])
			}
			if got != tc.merge {
				t.Errorf("merge %q, want %q in %s", got, tc.merge, algebra.Format(bgp))
			}
		})
	}
}
