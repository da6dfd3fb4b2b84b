package expr

import (
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

// BenchmarkEval measures expressions typical of FILTER and BIND, evaluated
// once per solution.
func BenchmarkEval(b *testing.B) {
	binding := mapBinding{
		"n": rdf.Literal("42", rdf.XSDInteger),
		"d": rdf.Literal("4.25", rdf.XSDDecimal),
		"s": rdf.String("knowledge plane"),
		"t": rdf.Literal("2010-12-21T15:38:02-08:00", rdf.XSDDateTime),
	}
	env := &Env{}
	for _, bench := range []struct{ name, expr string }{
		{"IntegerLess", `?n < 100`},
		{"IntegerEqual", `?n = 42`},
		{"AndBound", `BOUND(?n) && ?n >= 10`},
		{"IntegerAdd", `?n + 1`},
		{"DecimalMul", `?d * 2`},
		{"StrStarts", `STRSTARTS(?s, "know")`},
		{"Regex", `REGEX(?s, "pl.ne$", "i")`},
		{"DateTimeLess", `?t < "2011-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>`},
		{"Year", `YEAR(?t)`},
	} {
		e := parseExpr(b, bench.expr)
		b.Run(bench.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Eval(e, binding, env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
