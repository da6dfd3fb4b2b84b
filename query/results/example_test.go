package results_test

import (
	"fmt"
	"os"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/results"
)

func ExampleNewWriter() {
	w, err := results.NewWriter(os.Stdout, results.FormatTSV, results.WriterOptions{})
	if err != nil {
		panic(err)
	}
	w.WriteHeader([]string{"s", "label"})
	w.WriteSolution(results.Solution{rdf.IRI("http://example.org/a"), rdf.LangLiteral("A", "en")})
	w.WriteSolution(results.Solution{rdf.Blank("b0"), {}})
	if err := w.Close(); err != nil {
		panic(err)
	}
	// Output:
	// ?s	?label
	// <http://example.org/a>	"A"@en
	// _:b0
}

func ExampleNewQuadWriter() {
	w, err := results.NewQuadWriter(os.Stdout, results.FormatTurtle, results.WriterOptions{
		Prefixes: map[string]string{"ex": "http://example.org/"},
	})
	if err != nil {
		panic(err)
	}
	s := rdf.IRI("http://example.org/alice")
	w.WriteQuad(rdf.Quad{S: s, P: rdf.IRI(rdf.RDFType), O: rdf.IRI("http://example.org/Person")})
	w.WriteQuad(rdf.Quad{S: s, P: rdf.IRI("http://example.org/age"), O: rdf.Literal("42", rdf.XSDInteger)})
	w.WriteQuad(rdf.Quad{S: s, P: rdf.IRI("http://example.org/nick"), O: rdf.String("Al")})
	w.WriteQuad(rdf.Quad{S: s, P: rdf.IRI("http://example.org/nick"), O: rdf.String("Ally")})
	if err := w.Close(); err != nil {
		panic(err)
	}
	// Output:
	// @prefix ex: <http://example.org/> .
	//
	// ex:alice a ex:Person ;
	//     ex:age 42 ;
	//     ex:nick "Al", "Ally" .
}

func ExampleFormatForMediaType() {
	format, ok := results.FormatForMediaType("application/sparql-results+json;q=0.8, text/csv")
	fmt.Println(format, ok, results.MediaType(format))
	// Output: csv true text/csv; charset=utf-8
}
