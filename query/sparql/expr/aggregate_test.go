package expr

import (
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
)

// aggInput is one value fed to an aggregator: a term or an error.
type aggInput struct {
	t   rdf.Term
	err error
}

func ints(vals ...string) []aggInput {
	in := make([]aggInput, len(vals))
	for i, v := range vals {
		in[i] = aggInput{t: rdf.Literal(v, rdf.XSDInteger)}
	}
	return in
}

func TestAggregates(t *testing.T) {
	failed := aggInput{err: errUnbound}
	dec := func(s string) aggInput { return aggInput{t: rdf.Literal(s, rdf.XSDDecimal)} }
	dbl := func(s string) aggInput { return aggInput{t: rdf.Literal(s, rdf.XSDDouble)} }
	str := func(s string) aggInput { return aggInput{t: rdf.String(s)} }
	tests := []struct {
		agg  algebra.Aggregate
		in   []aggInput
		want string // N-Triples, or "error"
	}{
		{algebra.Aggregate{Name: "COUNT"}, nil, integer("0")},
		{algebra.Aggregate{Name: "COUNT"}, []aggInput{failed, failed}, integer("2")},
		{algebra.Aggregate{Name: "COUNT", Arg: &algebra.Var{Name: "x"}}, append(ints("1", "2", "1"), failed), integer("3")},
		{algebra.Aggregate{Name: "COUNT", Distinct: true, Arg: &algebra.Var{Name: "x"}}, append(ints("1", "2", "1", "01"), failed), integer("3")},
		{algebra.Aggregate{Name: "SUM"}, nil, integer("0")},
		{algebra.Aggregate{Name: "SUM"}, ints("1", "2", "3"), integer("6")},
		{algebra.Aggregate{Name: "SUM"}, append(ints("1"), dec("2.5")), decimal("3.5")},
		{algebra.Aggregate{Name: "SUM"}, append(ints("1"), dbl("2.5E0")), double("3.5E0")},
		{algebra.Aggregate{Name: "SUM"}, append(ints("1"), str("2")), "error"},
		{algebra.Aggregate{Name: "SUM"}, append(ints("1"), failed), "error"},
		{algebra.Aggregate{Name: "SUM", Distinct: true}, ints("1", "2", "2"), integer("3")},
		{algebra.Aggregate{Name: "AVG"}, nil, integer("0")},
		{algebra.Aggregate{Name: "AVG"}, ints("1", "2", "3", "4"), decimal("2.5")},
		{algebra.Aggregate{Name: "AVG"}, ints("1", "2", "3"), decimal("2.0")},
		{algebra.Aggregate{Name: "AVG"}, []aggInput{dec("1.0"), dec("2.2"), dec("1.6")}, decimal("1.6")},
		{algebra.Aggregate{Name: "AVG"}, []aggInput{dbl("1.0E2"), dbl("2.0E-1")}, double("5.01E1")},
		{algebra.Aggregate{Name: "AVG"}, append(ints("1"), aggInput{t: rdf.Blank("b")}), "error"},
		{algebra.Aggregate{Name: "MIN"}, nil, "error"},
		{algebra.Aggregate{Name: "MIN"}, append(ints("3", "1", "2"), failed), integer("1")},
		{algebra.Aggregate{Name: "MIN"}, []aggInput{dec("2.2"), dbl("2.0E-1"), str("a")}, double("2.0E-1")},
		{algebra.Aggregate{Name: "MIN"}, append(ints("1"), aggInput{t: rdf.Blank("b")}), "_:b"},
		{algebra.Aggregate{Name: "MAX"}, append(ints("3", "1"), dec("2.2")), integer("3")},
		{algebra.Aggregate{Name: "MAX"}, append(ints("3"), str("a")), `"a"`},
		{algebra.Aggregate{Name: "SAMPLE"}, nil, "error"},
		{algebra.Aggregate{Name: "SAMPLE"}, append([]aggInput{failed}, ints("7", "8")...), integer("7")},
		{algebra.Aggregate{Name: "GROUP_CONCAT", Separator: " "}, nil, `""`},
		{algebra.Aggregate{Name: "GROUP_CONCAT", Separator: " "}, []aggInput{str("a"), {t: rdf.LangLiteral("b", "en")}, {t: rdf.Literal("1", rdf.XSDInteger)}}, `"a b 1"`},
		{algebra.Aggregate{Name: "GROUP_CONCAT", Separator: ":"}, []aggInput{str("a"), str("a")}, `"a:a"`},
		{algebra.Aggregate{Name: "GROUP_CONCAT", Separator: ":", Distinct: true}, []aggInput{str("a"), str("a"), str("b")}, `"a:b"`},
		{algebra.Aggregate{Name: "GROUP_CONCAT", Separator: " "}, []aggInput{str("a"), failed}, "error"},
	}
	for _, tt := range tests {
		agg, err := NewAggregator(tt.agg, nil)
		if err != nil {
			t.Fatalf("NewAggregator(%+v): %v", tt.agg, err)
		}
		for _, in := range tt.in {
			agg.Add(in.t, in.err)
		}
		got, err := agg.Result()
		name := tt.agg.Name
		if tt.agg.Distinct {
			name += " DISTINCT"
		}
		if tt.want == "error" {
			if err == nil {
				t.Errorf("%s over %v = %s, want an error", name, tt.in, got)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("%s over %v = %s, %v; want %s", name, tt.in, got, err, tt.want)
		}
	}
	if _, err := NewAggregator(algebra.Aggregate{Name: "MEDIAN"}, nil); err == nil {
		t.Error("NewAggregator(MEDIAN) did not fail")
	}
}

// TestCountDistinctStar checks COUNT(DISTINCT *) fed with SolutionKey.
func TestCountDistinctStar(t *testing.T) {
	agg, err := NewAggregator(algebra.Aggregate{Name: "COUNT", Distinct: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	vars := []string{"a", "b"}
	solutions := []mapBinding{
		{"a": rdf.String("x")},
		{"a": rdf.String("x")},
		{"b": rdf.String("x")},
		{"a": rdf.String("x"), "b": rdf.IRI("http://ex/")},
	}
	for _, s := range solutions {
		agg.Add(SolutionKey(vars, s), nil)
	}
	got, err := agg.Result()
	if err != nil || got.String() != integer("3") {
		t.Errorf("COUNT(DISTINCT *) = %s, %v; want 3", got, err)
	}
}
