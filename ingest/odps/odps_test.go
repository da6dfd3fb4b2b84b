package odps

import (
	"errors"
	"github.com/kplane/kplane/ingest/schematest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest/odcs"
	"github.com/kplane/kplane/ontology"
)

func has(quads []rdf.Quad, s rdf.Term, p string, o rdf.Term) bool {
	for _, q := range quads {
		if q.S == s && q.P.Value == p && q.O == o {
			return true
		}
	}
	return false
}

func objects(quads []rdf.Quad, s rdf.Term, p string) []rdf.Term {
	var out []rdf.Term
	for _, q := range quads {
		if q.S == s && q.P.Value == p {
			out = append(out, q.O)
		}
	}
	return out
}

// TestImportExamples imports every example of both specifications. The
// Linux Foundation folder also holds fragments (pricing plans, SLA and data
// quality blocks that products include by reference), which are not product
// descriptors and must be rejected as such, and one file that is not valid
// YAML as published.
func TestImportExamples(t *testing.T) {
	root := schematest.Realdata(t)
	bitol, _ := filepath.Glob(filepath.Join(root, "odps-bitol", "docs", "examples", "*.yaml"))
	lf, _ := filepath.Glob(filepath.Join(root, "odps-lf", "source", "examples", "*", "*.yml"))
	if len(bitol) == 0 || len(lf) == 0 {
		t.Fatalf("found %d Bitol and %d Linux Foundation examples", len(bitol), len(lf))
	}
	counts := map[string]int{}
	for _, f := range append(bitol, lf...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Decode(strings.NewReader(string(data)), Options{File: f})
		var se *rdf.SyntaxError
		switch {
		case errors.As(err, &se):
			counts["invalid YAML"]++
			t.Logf("not valid YAML as published: %v", err)
		case err != nil && strings.Contains(err.Error(), "not a data product descriptor"):
			counts["fragments"]++
		case err != nil:
			t.Errorf("%v", err)
		default:
			counts[doc.Spec.String()]++
			if !has(doc.Quads, rdf.IRI(doc.IRI), rdf.RDFType, rdf.IRI(ontology.DPRODDataProduct)) {
				t.Errorf("%s: no dprod:DataProduct", f)
			}
		}
	}
	t.Logf("imported %d Bitol and %d Linux Foundation product descriptors; rejected %d fragments and %d files of invalid YAML",
		counts["Bitol ODPS"], counts["Linux Foundation ODPS"], counts["fragments"], counts["invalid YAML"])
	if counts["Bitol ODPS"] != len(bitol) {
		t.Errorf("imported %d of %d Bitol examples", counts["Bitol ODPS"], len(bitol))
	}
	if counts["invalid YAML"] > 1 {
		t.Errorf("%d examples fail to parse, want at most the one known broken file", counts["invalid YAML"])
	}
}

const bitolFixture = `apiVersion: v1.0.0
kind: DataProduct
id: orders
name: Orders
status: retired
domain: sales
description:
  purpose: Every order.
inputPorts:
  - name: customers
    version: 1.0.0
    contractId: customers
outputPorts:
  - name: orders
    version: 2.0.0
    contractId: orders
team:
  name: Sales Data
  members:
    - username: ann
      name: Ann
      role: owner
`

func TestBitolMapping(t *testing.T) {
	opts := Options{
		File:        "orders.odps.yaml",
		ProductBase: "https://example.com/product/",
		DomainBase:  "https://example.com/domain/",
		// The orders contract declared a canonical IRI; customers did not.
		Contracts: map[string]string{"orders": "https://example.com/contract/orders"},
	}
	doc, err := Decode(strings.NewReader(bitolFixture), opts)
	if err != nil {
		t.Fatal(err)
	}
	p := rdf.IRI("https://example.com/product/orders")
	if doc.Spec != Bitol || doc.IRI != p.Value || doc.Domain != "sales" {
		t.Fatalf("identity = %v %q %q", doc.Spec, doc.IRI, doc.Domain)
	}
	for _, w := range []struct {
		p string
		o rdf.Term
	}{
		{rdf.RDFType, rdf.IRI(ontology.DPRODDataProduct)},
		{ontology.DCTermsTitle, rdf.String("Orders")},
		{ontology.DPRODPurpose, rdf.String("Every order.")},
		{ontology.DPRODLifecycleStatus, rdf.IRI(ontology.KplaneRetired)},
		{ontology.DPRODDomain, rdf.IRI("https://example.com/domain/sales")},
	} {
		if !has(doc.Quads, p, w.p, w.o) {
			t.Errorf("missing <%s> %s", w.p, w.o)
		}
	}
	conformsTo := func(dir string) []rdf.Term {
		var out []rdf.Term
		for _, port := range objects(doc.Quads, p, dir) {
			if !has(doc.Quads, port, rdf.RDFType, rdf.IRI(ontology.DCATDataService)) {
				t.Errorf("port %v is not a dcat:DataService", port)
			}
			for _, dist := range objects(doc.Quads, port, ontology.DPRODIsAccessServiceOf) {
				for _, ds := range objects(doc.Quads, dist, ontology.DPRODIsDistributionOf) {
					out = append(out, objects(doc.Quads, ds, ontology.DCTermsConformsTo)...)
				}
			}
		}
		return out
	}
	if got := conformsTo(ontology.DPRODOutputPort); len(got) != 1 || got[0].Value != "https://example.com/contract/orders" {
		t.Errorf("output dataset conforms to %v", got)
	}
	if got := conformsTo(ontology.DPRODInputPort); len(got) != 1 || got[0].Value != odcs.ContractIRI("", "customers") {
		t.Errorf("input dataset conforms to %v, want the IRI package odcs mints", got)
	}
	owners := objects(doc.Quads, p, ontology.DPRODDataProductOwner)
	if len(owners) != 1 || !has(doc.Quads, owners[0], ontology.RDFSLabel, rdf.String("Ann")) {
		t.Errorf("owners = %v", owners)
	}
}

const lfFixture = `schema: https://opendataproducts.org/v4.1/schema/odps.yaml
version: 4.1
product:
  contract:
    id: orders
    type: ODCS
  details:
    en:
      name: Orders
      productID: orders-001
      status: production
      valueProposition: Know every order.
    de:
      name: Bestellungen
      productID: orders-001
      status: production
  dataAccess:
    default:
      name:
        en: Orders API
      accessURL: https://api.example.com/orders
`

func TestLinuxFoundationMapping(t *testing.T) {
	doc, err := Decode(strings.NewReader(lfFixture), Options{File: "orders.yml"})
	if err != nil {
		t.Fatal(err)
	}
	p := rdf.IRI(DefaultProductBase + "orders-001")
	if doc.Spec != LinuxFoundation || doc.IRI != p.Value {
		t.Fatalf("identity = %v %q", doc.Spec, doc.IRI)
	}
	for _, w := range []struct {
		p string
		o rdf.Term
	}{
		{ontology.DCTermsTitle, rdf.LangLiteral("Orders", "en")},
		{ontology.DCTermsTitle, rdf.LangLiteral("Bestellungen", "de")},
		{ontology.DPRODPurpose, rdf.LangLiteral("Know every order.", "en")},
		{ontology.DPRODLifecycleStatus, rdf.IRI(ontology.DPRODConsume)},
	} {
		if !has(doc.Quads, p, w.p, w.o) {
			t.Errorf("missing <%s> %s", w.p, w.o)
		}
	}
	ports := objects(doc.Quads, p, ontology.DPRODOutputPort)
	if len(ports) != 1 || !has(doc.Quads, ports[0], ontology.DCATEndpointURL, rdf.IRI("https://api.example.com/orders")) {
		t.Errorf("output ports = %v", ports)
	}
	if len(doc.Contracts) != 1 || doc.Contracts[0] != odcs.ContractIRI("", "orders") {
		t.Errorf("contracts = %v", doc.Contracts)
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, src, from, to, want string
	}{
		{"bitol missing id", bitolFixture, "id: orders\n", "", `missing required field "id"`},
		{"bitol port without contract", bitolFixture, "    contractId: customers\n", "", `inputPorts[0]: missing required field "contractId"`},
		{"bitol bad kind", bitolFixture, "kind: DataProduct", "kind: Product", `kind: "Product" is not one of DataProduct`},
		{"bitol unknown field", bitolFixture, "domain: sales", "domian: sales", `domian: unknown field`},
		{"lf missing productID", lfFixture, "      productID: orders-001\n      status: production\n      valueProposition", "      status: production\n      valueProposition", `product.details.en: missing required field "productID"`},
		{"lf bad language", lfFixture, "    de:", "    deu:", `product.details.deu: is not a two-letter ISO 639-1 language code`},
		{"neither", "name: x\n", "", "", "not a data product descriptor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src
			if tt.from != "" {
				src = strings.Replace(tt.src, tt.from, tt.to, 1)
				if src == tt.src {
					t.Fatalf("fixture does not contain %q", tt.from)
				}
			}
			_, err := Decode(strings.NewReader(src), Options{File: "bad.yaml"})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "bad.yaml") {
				t.Errorf("err = %v, want it to name bad.yaml and contain %q", err, tt.want)
			}
		})
	}
}
