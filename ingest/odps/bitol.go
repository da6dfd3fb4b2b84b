package odps

import (
	"strings"
	"time"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest/odcs/rules"
	"github.com/kplane/kplane/ontology"
)

// The Bitol ODPS v1.0 rules, restating its JSON Schema.
var (
	bitolTags = rules.Array{Items: rules.String}

	bitolDefinitions = rules.Array{Items: rules.Object{
		Fields:   map[string]rules.Rule{"type": rules.String, "url": rules.String, "description": rules.String},
		Required: []string{"type", "url"},
		Closed:   true,
	}}

	bitolCustomProperties = rules.Array{Items: rules.Object{
		Fields:   map[string]rules.Rule{"property": rules.String, "value": rules.Any, "description": rules.String},
		Required: []string{"property", "value"},
		Closed:   true,
	}}

	// bitolExtras are the fields every port, support channel, team and
	// member may carry.
	bitolExtras = map[string]rules.Rule{
		"tags": bitolTags, "customProperties": bitolCustomProperties, "authoritativeDefinitions": bitolDefinitions,
	}

	bitolRule = rules.Object{
		Fields: map[string]rules.Rule{
			"apiVersion": rules.Enum{"v0.9.0", "v1.0.0"}, "kind": rules.Enum{"DataProduct"},
			"id": rules.String, "name": rules.String, "version": rules.String, "status": rules.String,
			"domain": rules.String, "tenant": rules.String,
			"authoritativeDefinitions": bitolDefinitions,
			"description": rules.Object{
				Fields: map[string]rules.Rule{
					"purpose": rules.String, "limitations": rules.String, "usage": rules.String,
					"authoritativeDefinitions": bitolDefinitions, "customProperties": bitolCustomProperties,
				},
				Closed: true,
			},
			"customProperties": bitolCustomProperties, "tags": bitolTags,
			"inputPorts": rules.Array{Items: bitolObject(map[string]rules.Rule{
				"name": rules.String, "version": rules.String, "contractId": rules.String,
			}, "name", "version", "contractId")},
			"outputPorts": rules.Array{Items: bitolObject(map[string]rules.Rule{
				"name": rules.String, "description": rules.String, "type": rules.String, "version": rules.String,
				"contractId": rules.String,
				"sbom": rules.Array{Items: rules.Object{
					Fields: map[string]rules.Rule{"type": rules.String, "url": rules.String}, Required: []string{"url"}, Closed: true,
				}},
				"inputContracts": rules.Array{Items: rules.Object{
					Fields: map[string]rules.Rule{"id": rules.String, "version": rules.String}, Required: []string{"id", "version"}, Closed: true,
				}},
			}, "name", "version")},
			"managementPorts": rules.Array{Items: bitolObject(map[string]rules.Rule{
				"name": rules.String, "content": rules.String, "type": rules.String, "url": rules.String,
				"channel": rules.String, "description": rules.String,
			}, "name", "content")},
			"support": rules.Array{Items: bitolObject(map[string]rules.Rule{
				"channel": rules.String, "url": rules.String, "description": rules.String, "tool": rules.String,
				"scope": rules.String, "invitationUrl": rules.String,
			}, "channel", "url")},
			"team": bitolObject(map[string]rules.Rule{
				"name": rules.String, "description": rules.String,
				"members": rules.Array{Items: bitolObject(map[string]rules.Rule{
					"username": rules.String, "name": rules.String, "description": rules.String, "role": rules.String,
					"dateIn": rules.String, "dateOut": rules.String, "replacedByUsername": rules.String,
				}, "username")},
			}),
			"productCreatedTs": rules.String,
		},
		Required: []string{"apiVersion", "kind", "id", "status"},
		Closed:   true,
	}
)

// bitolObject is a closed object with the given fields plus tags, custom
// properties and authoritative definitions.
func bitolObject(fields map[string]rules.Rule, required ...string) rules.Object {
	for k, r := range bitolExtras {
		fields[k] = r
	}
	return rules.Object{Fields: fields, Required: required, Closed: true}
}

// bitolStatuses maps Bitol product statuses to DPROD lifecycle statuses.
var bitolStatuses = map[string]string{
	"proposed":    ontology.DPRODIdeation,
	"draft":       ontology.DPRODDesign,
	"development": ontology.DPRODBuild,
	"active":      ontology.DPRODConsume,
	"deprecated":  ontology.DPRODConsume,
	"retired":     ontology.KplaneRetired,
}

// field helpers over validated generic values.
func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }
func obj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}
func list(m map[string]any, k string) []map[string]any {
	var out []map[string]any
	items, _ := m[k].([]any)
	for _, it := range items {
		if o, ok := it.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}
func strs(m map[string]any, k string) []string {
	var out []string
	items, _ := m[k].([]any)
	for _, it := range items {
		if s, ok := it.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func decodeBitol(m map[string]any, opts *Options) *Document {
	base := opts.ProductBase
	if base == "" {
		base = DefaultProductBase
	}
	iri := base + segment(str(m, "id"))
	for _, d := range list(m, "authoritativeDefinitions") {
		if strings.EqualFold(str(d, "type"), "canonical") && rdf.IsAbsoluteIRI(str(d, "url")) {
			iri = str(d, "url")
		}
	}
	doc := &Document{Spec: Bitol, IRI: iri, ID: str(m, "id"), Name: str(m, "name"), Domain: str(m, "domain")}
	b := &builder{}
	p := rdf.IRI(iri)
	b.add(p, rdf.RDFType, rdf.IRI(ontology.DPRODDataProduct))
	b.str(p, ontology.DCTermsIdentifier, doc.ID)
	b.str(p, ontology.DCTermsTitle, doc.Name)
	b.str(p, ontology.DCATVersion, str(m, "version"))
	if st, ok := bitolStatuses[strings.ToLower(str(m, "status"))]; ok {
		b.add(p, ontology.DPRODLifecycleStatus, rdf.IRI(st))
	}
	b.str(p, ontology.KplaneTenant, str(m, "tenant"))
	b.domain(p, doc.Domain, opts)
	if d := obj(m, "description"); d != nil {
		b.str(p, ontology.DPRODPurpose, str(d, "purpose"))
		b.str(p, ontology.KplaneUsage, str(d, "usage"))
		b.str(p, ontology.KplaneLimitations, str(d, "limitations"))
	}
	for _, t := range strs(m, "tags") {
		b.str(p, ontology.DCATKeyword, t)
	}
	for _, d := range list(m, "authoritativeDefinitions") {
		if !strings.EqualFold(str(d, "type"), "canonical") {
			b.iriOrString(p, ontology.RDFSSeeAlso, str(d, "url"))
		}
	}
	if ts := str(m, "productCreatedTs"); ts != "" {
		if _, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			b.add(p, ontology.DCTermsCreated, rdf.Literal(ts, rdf.XSDDateTime))
		}
	}
	ports := func(key, dir, kind string) {
		for _, port := range list(m, key) {
			id := str(port, "contractId")
			var contract string
			if id != "" {
				contract = opts.contractIRI(id)
				doc.Contracts = append(doc.Contracts, contract)
			}
			portIRI := iri + "/" + kind + "/" + segment(str(port, "name")) + "/" + segment(str(port, "version"))
			b.port(p, dir, portIRI, str(port, "name"), str(port, "description"), str(port, "version"), contract)
		}
	}
	ports("inputPorts", ontology.DPRODInputPort, "input-port")
	ports("outputPorts", ontology.DPRODOutputPort, "output-port")
	for _, s := range list(m, "support") {
		n := b.blank()
		b.add(p, ontology.KplaneSupportChannel, n)
		b.str(n, ontology.RDFSLabel, str(s, "channel"))
		b.str(n, ontology.KplaneTool, str(s, "tool"))
		b.str(n, ontology.DCTermsDescription, str(s, "description"))
		b.iriOrString(n, ontology.RDFSSeeAlso, str(s, "url"))
	}
	if t := obj(m, "team"); t != nil {
		team := b.blank()
		b.add(p, ontology.PROVWasAttributedTo, team)
		b.add(team, rdf.RDFType, rdf.IRI(ontology.ORGOrganizationalUnit))
		b.str(team, ontology.RDFSLabel, str(t, "name"))
		b.str(team, ontology.DCTermsDescription, str(t, "description"))
		for _, mem := range list(t, "members") {
			person := b.blank()
			b.add(person, rdf.RDFType, rdf.IRI(ontology.PROVPerson))
			b.str(person, ontology.RDFSLabel, str(mem, "name"))
			b.str(person, ontology.DCTermsIdentifier, str(mem, "username"))
			b.add(person, ontology.ORGMemberOf, team)
			role := strings.ToLower(str(mem, "role"))
			if role == "owner" || strings.Contains(role, "product owner") {
				b.add(p, ontology.DPRODDataProductOwner, person)
			}
		}
	}
	doc.Quads = b.quads
	return doc
}
