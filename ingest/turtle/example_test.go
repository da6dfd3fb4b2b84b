package turtle_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/turtle"
)

func ExampleNewDecoder() {
	const doc = `@prefix dcat: <http://www.w3.org/ns/dcat#> .
<orders> a dcat:Dataset ; dcat:keyword "sales", "orders"@en .`
	d := turtle.NewDecoder(strings.NewReader(doc), ingest.Options{Base: "https://data.example/"})
	defer d.Close()
	for {
		q, err := d.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(q)
	}
	fmt.Println(d.Prefixes()["dcat"])
	// Output:
	// <https://data.example/orders> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://www.w3.org/ns/dcat#Dataset> .
	// <https://data.example/orders> <http://www.w3.org/ns/dcat#keyword> "sales" .
	// <https://data.example/orders> <http://www.w3.org/ns/dcat#keyword> "orders"@en .
	// http://www.w3.org/ns/dcat#
}
