// Package odps imports data product descriptors as DPROD data products.
//
// Two unrelated specifications share the name ODPS, and Decode reads both,
// telling them apart by their top-level fields:
//
//   - the Bitol Open Data Product Standard v1.0 (apiVersion, kind:
//     DataProduct), whose input and output ports reference ODCS contracts by
//     id;
//   - the Linux Foundation Open Data Product Specification v4.1 (schema,
//     version, product.details keyed by language), whose product may
//     reference one data contract.
//
// A product becomes a dprod:DataProduct with its title, description and
// purpose (per language for the Linux Foundation spec), lifecycle status
// (DPROD's status IRIs; retired maps to kplane:Retired), domain and owner.
// Each port is a dcat:DataService reached through dprod:inputPort or
// dprod:outputPort; it gives access (dprod:isAccessServiceOf) to a
// distribution of a dataset that dcterms:conformsTo the IRI of the ODCS
// contract the port references, resolved exactly as package odcs names
// contracts.
package odps

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/odcs"
	"github.com/kplane/kplane/ingest/odcs/rules"
	"github.com/kplane/kplane/ontology"
)

// Spec identifies which of the two ODPS specifications a document follows.
type Spec int

// The specifications Decode recognises.
const (
	Bitol           Spec = iota + 1 // Bitol Open Data Product Standard
	LinuxFoundation                 // Linux Foundation Open Data Product Specification
)

// String names the specification.
func (s Spec) String() string {
	switch s {
	case Bitol:
		return "Bitol ODPS"
	case LinuxFoundation:
		return "Linux Foundation ODPS"
	}
	return "unknown ODPS"
}

// DefaultProductBase is the prefix of product IRIs minted from ids when
// Options.ProductBase is empty.
const DefaultProductBase = "urn:odps:product:"

// Options control how a descriptor is read and named.
type Options struct {
	// File names the document in errors.
	File string
	// ProductBase is the prefix of the IRI minted for a product without a
	// canonical authoritative definition; DefaultProductBase when empty.
	ProductBase string
	// Contracts maps ODCS contract ids to the IRIs the contracts were given
	// (odcs.Document.ID to odcs.Document.IRI), so that ports point at the
	// canonical IRI a contract declares. Ids not in the map are minted with
	// odcs.ContractIRI(ContractBase, id), as package odcs does for contracts
	// without a canonical IRI.
	Contracts    map[string]string
	ContractBase string
	// DomainBase, when set, turns a domain name into the IRI
	// DomainBase+name, linked with dprod:domain. The name itself is always
	// kept as kplane:domainName.
	DomainBase string
}

// Document is an imported data product descriptor.
type Document struct {
	Spec Spec
	// IRI names the product; it is also the suggested name of the graph to
	// load the quads into.
	IRI    string
	ID     string
	Name   string
	Domain string
	// Contracts are the IRIs of the ODCS contracts the product's ports
	// reference.
	Contracts []string
	Quads     []rdf.Quad
}

// contractIRI resolves a contract id referenced by a port.
func (o *Options) contractIRI(id string) string {
	if iri, ok := o.Contracts[id]; ok {
		return iri
	}
	return odcs.ContractIRI(o.ContractBase, id)
}

// Detect tells which specification a parsed document follows, or returns 0.
func Detect(v any) Spec {
	m, ok := v.(map[string]any)
	if !ok {
		return 0
	}
	if _, ok := m["apiVersion"]; ok {
		return Bitol
	}
	if _, ok := m["kind"]; ok {
		return Bitol
	}
	if _, ok := m["product"]; ok {
		return LinuxFoundation
	}
	return 0
}

// Decode reads one descriptor of either specification, validates it and
// maps it to RDF. A YAML syntax error is an *rdf.SyntaxError; a descriptor
// that breaks the rules yields a *rules.Error naming each field path.
func Decode(r io.Reader, opts Options) (*Document, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("odps: reading %s: %w", opts.File, err)
	}
	doc, err := rules.Parse(opts.File, data)
	if err != nil {
		return nil, err
	}
	switch Detect(doc.Value) {
	case Bitol:
		if err := rules.Check(doc, bitolRule); err != nil {
			return nil, err
		}
		return decodeBitol(doc.Value.(map[string]any), &opts), nil
	case LinuxFoundation:
		if err := rules.Check(doc, lfRule); err != nil {
			return nil, err
		}
		return decodeLF(doc.Value.(map[string]any), &opts), nil
	}
	return nil, &rules.Error{File: opts.File, Violations: []rules.Violation{{
		Msg: "not a data product descriptor: want apiVersion and kind (Bitol ODPS) or product (Linux Foundation ODPS)",
	}}}
}

// builder accumulates the quads of one product.
type builder struct {
	quads  []rdf.Quad
	blanks int
}

func (b *builder) add(s rdf.Term, p string, o rdf.Term) {
	b.quads = append(b.quads, rdf.Quad{S: s, P: rdf.IRI(p), O: o})
}

func (b *builder) str(s rdf.Term, p, v string) {
	if v != "" {
		b.add(s, p, rdf.String(v))
	}
}

func (b *builder) lang(s rdf.Term, p, v, lang string) {
	if v != "" {
		b.add(s, p, rdf.LangLiteral(v, lang))
	}
}

func (b *builder) iriOrString(s rdf.Term, p, v string) {
	if v == "" {
		return
	}
	if rdf.IsAbsoluteIRI(v) && !strings.ContainsAny(v, " <>\"{}|\\^`") {
		b.add(s, p, rdf.IRI(v))
		return
	}
	b.add(s, p, rdf.String(v))
}

// blank returns a fresh generated blank node; the leading '-' keeps it
// apart from any label a document could use.
func (b *builder) blank() rdf.Term {
	b.blanks++
	return rdf.Blank("-g" + strconv.Itoa(b.blanks))
}

// port adds a port of the product: a data service giving access to a
// distribution of a dataset that conforms to the referenced contract.
func (b *builder) port(product rdf.Term, dir string, iri string, title, description, version, contract string) rdf.Term {
	port := rdf.IRI(iri)
	b.add(product, dir, port)
	b.add(port, rdf.RDFType, rdf.IRI(ontology.DCATDataService))
	b.str(port, ontology.DCTermsTitle, title)
	b.str(port, ontology.DCTermsDescription, description)
	b.str(port, ontology.DCATVersion, version)
	dist := b.blank()
	b.add(port, ontology.DPRODIsAccessServiceOf, dist)
	b.add(dist, rdf.RDFType, rdf.IRI(ontology.DCATDistribution))
	dataset := rdf.IRI(iri + "/dataset")
	b.add(dist, ontology.DPRODIsDistributionOf, dataset)
	b.add(dataset, rdf.RDFType, rdf.IRI(ontology.DCATDataset))
	b.str(dataset, ontology.DCTermsTitle, title)
	if contract != "" {
		b.add(dataset, ontology.DCTermsConformsTo, rdf.IRI(contract))
	}
	return port
}

// domain links the product to its domain.
func (b *builder) domain(product rdf.Term, name string, opts *Options) {
	if name == "" {
		return
	}
	b.str(product, ontology.KplaneDomainName, name)
	if opts.DomainBase != "" {
		b.add(product, ontology.DPRODDomain, rdf.IRI(opts.DomainBase+url.PathEscape(name)))
	}
}

// segment escapes a name for use as one IRI path segment.
func segment(s string) string { return url.PathEscape(s) }

func init() {
	ingest.Register(ingest.Format{
		Name:       "odps",
		MediaTypes: []string{"application/vnd.odps+yaml"},
		NewDecoder: func(r io.Reader, opts ingest.Options) (ingest.Decoder, error) {
			doc, err := Decode(r, Options{File: opts.File})
			if err != nil {
				return nil, err
			}
			return ingest.QuadsDecoder(doc.Quads), nil
		},
	})
}
