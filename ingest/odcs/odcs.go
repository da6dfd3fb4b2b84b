// Package odcs imports Open Data Contract Standard (ODCS) v3.1 data
// contracts, written in YAML, as RDF.
//
// Decode validates a contract against the ODCS v3.1 rules (see Validate) and
// maps it onto standard vocabularies, in the same shape style as the SHACL
// logical models kplane already holds, so one query serves both:
//
//   - the contract is a kplane:DataContract and a dcterms:Standard, named by
//     its authoritativeDefinitions entry of type "canonical" or, failing
//     that, by an IRI minted from its id (ContractIRI);
//   - each schema object is a sh:NodeShape and each of its properties a
//     sh:PropertyShape (sh:name, sh:datatype from the logical type,
//     sh:minCount 1 when required, kplane:isKey for primary keys,
//     kplane:classification, rdfs:label from the business name), all
//     rdfs:isDefinedBy the contract;
//   - authoritativeDefinitions of type "businessDefinition" become
//     dcterms:subject links to the business concept;
//   - quality rules, servers, the team, SLA properties, support channels and
//     custom properties are kept with kplane: terms where no standard term
//     fits.
//
// The package also registers the format "odcs" with package ingest, so
// ingest.Load can read contracts like any RDF file.
package odcs

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/odcs/rules"
)

// DefaultContractBase is the prefix of contract IRIs minted from ids when
// Options.ContractBase is empty.
const DefaultContractBase = "urn:odcs:contract:"

// Options control how a contract is read and named.
type Options struct {
	// File names the document in errors.
	File string
	// ContractBase is the prefix of the IRI minted for a contract without a
	// canonical authoritative definition; DefaultContractBase when empty.
	ContractBase string
	// DomainBase, when set, turns the contract's domain name into the IRI
	// DomainBase+domain, linked with kplane:ownerDomain (for the demo:
	// https://demo.kplane.dev/domain/). The name itself is always kept as
	// kplane:domainName.
	DomainBase string
}

// Document is an imported contract.
type Document struct {
	Contract *Contract
	// IRI names the contract in the graph; it is also the suggested name of
	// the graph to load the quads into.
	IRI    string
	ID     string // the contract's id
	Domain string // the contract's domain name, possibly empty
	// Quads are the contract as RDF, all in the default graph.
	Quads []rdf.Quad
}

// ContractIRI mints the IRI of the contract with the given id: base (or
// DefaultContractBase when base is empty) followed by the id, escaped as an
// IRI path segment. The ODPS importer uses it to resolve the contract ids
// its ports reference to the IRIs this package gives the contracts.
func ContractIRI(base, id string) string {
	if base == "" {
		base = DefaultContractBase
	}
	return base + url.PathEscape(id)
}

// CanonicalIRI returns the IRI a contract names itself with: the URL of its
// top-level authoritative definition of type "canonical", or the IRI minted
// from its id under base.
func (c *Contract) CanonicalIRI(base string) string {
	for _, d := range c.AuthoritativeDefinitions {
		if strings.EqualFold(d.Type, "canonical") && rdf.IsAbsoluteIRI(d.URL) {
			return d.URL
		}
	}
	return ContractIRI(base, c.ID)
}

// Decode reads one ODCS contract, validates it and maps it to RDF. A YAML
// syntax error is an *rdf.SyntaxError; a contract that breaks the ODCS rules
// yields a *rules.Error listing every violation by field path, line and
// column.
func Decode(r io.Reader, opts Options) (*Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("odcs: reading %s: %w", opts.File, err)
	}
	doc, err := rules.Parse(opts.File, data)
	if err != nil {
		return nil, err
	}
	if err := Validate(doc); err != nil {
		return nil, err
	}
	c, err := contractOf(doc.Value.(map[string]any))
	if err != nil {
		return nil, fmt.Errorf("odcs: %s: %w", opts.File, err)
	}
	m := &mapper{opts: opts, c: c}
	iri := c.CanonicalIRI(opts.ContractBase)
	m.contract(rdf.IRI(iri))
	return &Document{Contract: c, IRI: iri, ID: c.ID, Domain: c.Domain, Quads: m.quads}, nil
}

func init() {
	ingest.Register(ingest.Format{
		Name:       "odcs",
		MediaTypes: []string{"application/vnd.odcs+yaml"},
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			doc, err := Decode(r, Options{File: opts.File})
			if err != nil {
				return nil, err
			}
			return ingest.QuadsDecoder(doc.Quads), nil
		},
	})
}
