package ntriples_test

import (
	"fmt"
	"io"
	"log"
	"os"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/ntriples"
)

func ExampleNewQuadsDecoder() {
	const doc = `# two statements
<http://example.org/alice> <http://xmlns.com/foaf/0.1/name> "Alice"@en .
_:b1 <http://xmlns.com/foaf/0.1/age> "42"^^<http://www.w3.org/2001/XMLSchema#integer> <http://example.org/g> .
`
	d := ntriples.NewQuadsDecoder(strings.NewReader(doc), ingest.Options{File: "people.nq"})
	defer d.Close()
	for {
		q, err := d.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s %q %s graph=%q\n", q.S.Value, q.O.Value, q.O.Datatype, q.G.Value)
	}
	// Output:
	// http://example.org/alice "Alice" http://www.w3.org/1999/02/22-rdf-syntax-ns#langString graph=""
	// b1 "42" http://www.w3.org/2001/XMLSchema#integer graph="http://example.org/g"
}

func ExampleNewDecoder_syntaxError() {
	d := ntriples.NewDecoder(strings.NewReader("<http://example.org/s> <p> <http://example.org/o> .\n"), ingest.Options{File: "bad.nt"})
	_, err := d.Decode()
	fmt.Println(err)
	// Output:
	// bad.nt:1:24: relative IRI <p> not allowed: IRIs must be absolute (have a scheme)
}

func ExampleEncoder() {
	e := ntriples.NewEncoder(os.Stdout)
	e.Encode(rdf.Quad{
		S: rdf.IRI("http://example.org/s"),
		P: rdf.IRI("http://example.org/p"),
		O: rdf.String("two\nlines"),
	})
	e.Encode(rdf.Quad{
		S: rdf.Blank("b1"),
		P: rdf.IRI("http://example.org/p"),
		O: rdf.LangLiteral("chat", "fr"),
		G: rdf.IRI("http://example.org/g"),
	})
	if err := e.Flush(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// <http://example.org/s> <http://example.org/p> "two\nlines" .
	// _:b1 <http://example.org/p> "chat"@fr <http://example.org/g> .
}
