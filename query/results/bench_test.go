package results

import (
	"fmt"
	"io"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

// benchSolutions is a typical SELECT result: IRIs, a language-tagged name,
// a number and an unbound value.
func benchSolutions(n int) []Solution {
	sols := make([]Solution, n)
	for i := range sols {
		sols[i] = Solution{
			rdf.IRI(fmt.Sprintf("http://example.org/person/%d", i)),
			rdf.LangLiteral(fmt.Sprintf("Person \"%d\"", i), "en"),
			rdf.Literal(fmt.Sprint(i), rdf.XSDInteger),
			{},
		}
	}
	return sols
}

func BenchmarkWriter(b *testing.B) {
	sols := benchSolutions(1000)
	vars := []string{"s", "name", "age", "x"}
	for _, format := range []string{FormatJSON, FormatXML, FormatCSV, FormatTSV, FormatTable} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w, _ := NewWriter(io.Discard, format, WriterOptions{Prefixes: map[string]string{"p": "http://example.org/person/"}})
				w.WriteHeader(vars)
				for _, s := range sols {
					w.WriteSolution(s)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sols)), "ns/row")
		})
	}
}

func BenchmarkQuadWriter(b *testing.B) {
	quads := make([]rdf.Quad, 0, 1000)
	for i := range 250 {
		s := rdf.IRI(fmt.Sprintf("http://example.org/s/%d", i))
		quads = append(quads,
			rdf.Quad{S: s, P: rdf.IRI(rdf.RDFType), O: rdf.IRI("http://example.org/Thing")},
			rdf.Quad{S: s, P: rdf.IRI("http://example.org/name"), O: rdf.String(fmt.Sprintf("thing %d", i))},
			rdf.Quad{S: s, P: rdf.IRI("http://example.org/n"), O: rdf.Literal(fmt.Sprint(i), rdf.XSDInteger)},
			rdf.Quad{S: s, P: rdf.IRI("http://example.org/n"), O: rdf.Literal("1.5", rdf.XSDDecimal)},
		)
	}
	opts := WriterOptions{Prefixes: map[string]string{"ex": "http://example.org/", "s": "http://example.org/s/"}}
	for _, format := range []string{FormatNTriples, FormatNQuads, FormatTurtle, FormatTriG} {
		b.Run(format, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w, _ := NewQuadWriter(io.Discard, format, opts)
				for _, q := range quads {
					w.WriteQuad(q)
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(quads)), "ns/quad")
		})
	}
}
