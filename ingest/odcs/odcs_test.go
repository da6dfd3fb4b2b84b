package odcs

import (
	"errors"
	"github.com/kplane/kplane/ingest/schematest"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/odcs/rules"
	"github.com/kplane/kplane/ingest/turtle"
	"github.com/kplane/kplane/ontology"
)

func TestImportExamplesAndDemo(t *testing.T) {
	root := schematest.Realdata(t)
	examples, _ := filepath.Glob(filepath.Join(root, "odcs", "docs", "examples", "*", "*.yaml"))
	demo, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "demo", "*", "contracts", "*.odcs.yaml"))
	if len(examples) == 0 || len(demo) == 0 {
		t.Fatalf("found %d examples and %d demo contracts", len(examples), len(demo))
	}
	total := 0
	for _, f := range append(examples, demo...) {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Decode(r, Options{File: f})
		r.Close()
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(doc.Quads) == 0 {
			t.Errorf("%s: no quads", f)
		}
		total += len(doc.Quads)
	}
	t.Logf("imported %d ODCS examples and %d demo contracts: %d quads", len(examples), len(demo), total)
}

const fixture = `apiVersion: v3.1.0
kind: DataContract
id: orders
name: Orders
version: 1.0.0
status: active
domain: sales
authoritativeDefinitions:
  - type: canonical
    url: https://example.com/contract/orders
description:
  purpose: One row per order.
schema:
  - name: order
    businessName: Order
    authoritativeDefinitions:
      - type: businessDefinition
        url: https://example.com/concept/Order
    properties:
      - name: order_id
        logicalType: string
        required: true
        primaryKey: true
        classification: internal
        logicalTypeOptions:
          pattern: "^O[0-9]+$"
      - name: customer_id
        businessName: Customer number
        logicalType: integer
        classification: PII
        authoritativeDefinitions:
          - type: businessDefinition
            url: https://example.com/concept/Customer
        quality:
          - type: sql
            query: SELECT COUNT(*) FROM orders WHERE customer_id IS NULL
            mustBeLessThan: 5
            dimension: completeness
servers:
  - server: wh
    type: postgres
    host: db.example.com
    port: 5432
    database: sales
    schema: public
team:
  name: Sales Data
  members:
    - username: ann@example.com
      name: Ann
      role: Data Product Owner
slaProperties:
  - property: latency
    value: 4
    unit: h
`

// has reports whether quads hold the triple s p o.
func has(quads []rdf.Quad, s rdf.Term, p string, o rdf.Term) bool {
	for _, q := range quads {
		if q.S == s && q.P.Value == p && q.O == o {
			return true
		}
	}
	return false
}

// object returns the single object of s p, or the zero term.
func object(quads []rdf.Quad, s rdf.Term, p string) rdf.Term {
	for _, q := range quads {
		if q.S == s && q.P.Value == p {
			return q.O
		}
	}
	return rdf.Term{}
}

func TestMapping(t *testing.T) {
	doc, err := Decode(strings.NewReader(fixture), Options{File: "orders.odcs.yaml", DomainBase: "https://example.com/domain/"})
	if err != nil {
		t.Fatal(err)
	}
	c := rdf.IRI("https://example.com/contract/orders")
	if doc.IRI != c.Value || doc.ID != "orders" || doc.Domain != "sales" {
		t.Errorf("identity = %q %q %q", doc.IRI, doc.ID, doc.Domain)
	}
	order := rdf.IRI("https://example.com/contract/orders#order")
	orderID := rdf.IRI("https://example.com/contract/orders#order-order_id")
	customer := rdf.IRI("https://example.com/contract/orders#order-customer_id")
	xsdTrue := rdf.Literal("true", rdf.XSDBoolean)
	one := rdf.Literal("1", rdf.XSDInteger)
	want := []struct {
		s rdf.Term
		p string
		o rdf.Term
	}{
		{c, rdf.RDFType, rdf.IRI(ontology.KplaneDataContract)},
		{c, rdf.RDFType, rdf.IRI(ontology.DCTermsStandard)},
		{c, ontology.DCTermsIdentifier, rdf.String("orders")},
		{c, ontology.DCTermsDescription, rdf.String("One row per order.")},
		{c, ontology.KplaneOwnerDomain, rdf.IRI("https://example.com/domain/sales")},
		{order, rdf.RDFType, rdf.IRI(ontology.SHNodeShape)},
		{order, ontology.RDFSIsDefinedBy, c},
		{order, ontology.RDFSLabel, rdf.String("Order")},
		{order, ontology.DCTermsSubject, rdf.IRI("https://example.com/concept/Order")},
		{order, ontology.SHProperty, orderID},
		{order, ontology.SHProperty, customer},
		{orderID, rdf.RDFType, rdf.IRI(ontology.SHPropertyShape)},
		{orderID, ontology.SHName, rdf.String("order_id")},
		{orderID, ontology.SHDatatype, rdf.IRI(rdf.XSDString)},
		{orderID, ontology.SHMinCount, one},
		{orderID, ontology.SHMaxCount, one},
		{orderID, ontology.SHPattern, rdf.String("^O[0-9]+$")},
		{orderID, ontology.KplaneIsKey, xsdTrue},
		{orderID, ontology.KplaneClassificationProp, rdf.IRI(ontology.KplaneInternal)},
		{orderID, ontology.RDFSIsDefinedBy, c},
		{customer, ontology.SHDatatype, rdf.IRI(rdf.XSDInteger)},
		{customer, ontology.RDFSLabel, rdf.String("Customer number")},
		{customer, ontology.KplaneClassificationProp, rdf.IRI(ontology.KplanePII)},
		{customer, ontology.DCTermsSubject, rdf.IRI("https://example.com/concept/Customer")},
	}
	for _, w := range want {
		if !has(doc.Quads, w.s, w.p, w.o) {
			t.Errorf("missing %s <%s> %s", w.s, w.p, w.o)
		}
	}
	if has(doc.Quads, customer, ontology.SHMinCount, one) {
		t.Error("optional customer_id has sh:minCount 1")
	}
	if has(doc.Quads, customer, ontology.KplaneIsKey, xsdTrue) {
		t.Error("customer_id is marked as key")
	}
	if !object(doc.Quads, orderID, ontology.SHPath).IsIRI() {
		t.Error("order_id has no IRI sh:path")
	}
	// The quality rule, server, team and SLA survive as nodes.
	rule := object(doc.Quads, customer, ontology.KplaneQualityRuleProp)
	if !rule.IsBlank() || !strings.HasPrefix(rule.Value, "-") {
		t.Fatalf("quality rule node = %v, want a generated blank node", rule)
	}
	for p, o := range map[string]rdf.Term{
		ontology.KplaneRuleType:  rdf.String("sql"),
		ontology.KplaneOperator:  rdf.String("mustBeLessThan"),
		ontology.KplaneThreshold: rdf.Literal("5", rdf.XSDInteger),
		ontology.KplaneDimension: rdf.String("completeness"),
	} {
		if !has(doc.Quads, rule, p, o) {
			t.Errorf("quality rule lacks <%s> %s", p, o)
		}
	}
	server := object(doc.Quads, c, ontology.KplaneServerProp)
	if !has(doc.Quads, server, ontology.KplaneServerType, rdf.String("postgres")) {
		t.Error("server type missing")
	}
	team := object(doc.Quads, c, ontology.PROVWasAttributedTo)
	if !has(doc.Quads, team, ontology.RDFSLabel, rdf.String("Sales Data")) {
		t.Error("team label missing")
	}
	sla := object(doc.Quads, c, ontology.KplaneServiceLevelProp)
	if !has(doc.Quads, sla, ontology.RDFValue, rdf.Literal("4", rdf.XSDInteger)) || !has(doc.Quads, sla, ontology.KplaneUnit, rdf.String("h")) {
		t.Error("SLA value or unit missing")
	}
}

func TestMintedIRI(t *testing.T) {
	src := strings.Replace(fixture, "  - type: canonical\n    url: https://example.com/contract/orders\n", "  - type: guide\n    url: https://example.com/guide\n", 1)
	doc, err := Decode(strings.NewReader(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "urn:odcs:contract:orders"; doc.IRI != want {
		t.Errorf("IRI = %q, want %q", doc.IRI, want)
	}
	if got := ContractIRI("https://example.com/c/", "a b"); got != "https://example.com/c/a%20b" {
		t.Errorf("ContractIRI = %q", got)
	}
	if !has(doc.Quads, rdf.IRI(doc.IRI), ontology.RDFSSeeAlso, rdf.IRI("https://example.com/guide")) {
		t.Error("non-canonical definition not kept as rdfs:seeAlso")
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, from, to string
		want           []string // fragments the error must contain
	}{
		{"bad logical type", "logicalType: integer", "logicalType: strin",
			[]string{`bad.odcs.yaml:29:22: schema[0].properties[1].logicalType: "strin" is not one of string, date`}},
		{"missing status", "status: active\n", "",
			[]string{`bad.odcs.yaml:1:1: missing required field "status"`}},
		{"wrong type", "required: true", "required: maybe",
			[]string{`schema[0].properties[0].required: "maybe" has type string, want boolean`}},
		{"unknown field", "    businessName: Order\n", "    businesName: Order\n",
			[]string{`schema[0].businesName: unknown field`}},
		{"bad kind", "kind: DataContract", "kind: Contract",
			[]string{`kind: "Contract" is not one of DataContract`}},
		{"server lacks database", "    database: sales\n", "",
			[]string{`servers[0]: missing required field "database"`}},
		{"two operators", "            mustBeLessThan: 5\n", "            mustBeLessThan: 5\n            mustBe: 0\n",
			[]string{`schema[0].properties[1].quality[0]: has 2 operators (mustBe, mustBeLessThan), want exactly one`}},
		{"several at once", "id: orders", "id: [orders]",
			[]string{`id: the value has type array, want string`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := strings.Replace(fixture, tt.from, tt.to, 1)
			if src == fixture {
				t.Fatalf("fixture does not contain %q", tt.from)
			}
			_, err := Decode(strings.NewReader(src), Options{File: "bad.odcs.yaml"})
			var re *rules.Error
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *rules.Error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := Decode(strings.NewReader("apiVersion: v3.1.0\nkind: [DataContract\n"), Options{File: "broken.yaml"})
	var se *rdf.SyntaxError
	if !errors.As(err, &se) || se.File != "broken.yaml" || se.Line == 0 {
		t.Fatalf("err = %#v, want *rdf.SyntaxError with file and line", err)
	}
}

// TestKplaneTermsDefined checks that every kplane: term the importer emits
// for the examples and the demo contracts is defined in ontology/kplane.ttl
// with a label and a comment.
func TestKplaneTermsDefined(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "ontology", "kplane.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := turtle.NewDecoder(f, ingest.Options{File: "kplane.ttl", Base: ontology.KplaneNS})
	defined := map[string]map[string]bool{}
	for {
		q, err := dec.Decode()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if defined[q.S.Value] == nil {
			defined[q.S.Value] = map[string]bool{}
		}
		defined[q.S.Value][q.P.Value] = true
	}
	root := schematest.Realdata(t)
	files, _ := filepath.Glob(filepath.Join(root, "odcs", "docs", "examples", "*", "*.yaml"))
	demo, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "demo", "*", "contracts", "*.odcs.yaml"))
	used := map[string]bool{}
	for _, path := range append(files, demo...) {
		r, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Decode(r, Options{File: path, DomainBase: "https://example.com/domain/"})
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range doc.Quads {
			for _, term := range []rdf.Term{q.P, q.O} {
				if term.IsIRI() && strings.HasPrefix(term.Value, ontology.KplaneNS) {
					used[term.Value] = true
				}
			}
		}
	}
	for iri := range used {
		if !defined[iri][ontology.RDFSLabel] || !defined[iri][ontology.RDFSComment] {
			t.Errorf("%s is used but not defined with rdfs:label and rdfs:comment in kplane.ttl", iri)
		}
	}
	t.Logf("%d kplane terms used, all defined", len(used))
}
