package odps

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest/odcs/rules"
	"github.com/kplane/kplane/ontology"
)

// languageKey is an ISO 639-1 code, the key of a details block.
var languageKey = regexp.MustCompile(`^[a-z]{2}$`)

// lfStatuses maps Linux Foundation ODPS product statuses to DPROD
// lifecycle statuses.
var lfStatuses = map[string]string{
	"announcement": ontology.DPRODIdeation,
	"draft":        ontology.DPRODDesign,
	"development":  ontology.DPRODBuild,
	"testing":      ontology.DPRODBuild,
	"acceptance":   ontology.DPRODDeploy,
	"production":   ontology.DPRODConsume,
	"sunset":       ontology.DPRODConsume,
	"retired":      ontology.KplaneRetired,
}

// lfDetails checks one language block of product.details. Only the fields
// the mapping relies on are checked: the published v4.1 examples break the
// schema's enumerations (visibility: internal) and its templates hold
// placeholders, so enumerated values that are unknown are ignored rather
// than rejected.
var lfDetails = rules.Object{
	Fields: map[string]rules.Rule{
		"name": rules.String, "productID": rules.String, "status": rules.String, "visibility": rules.String,
		"type": rules.String, "description": rules.String, "valueProposition": rules.String,
		"productVersion": rules.String, "tags": rules.Array{Items: rules.String},
		"categories": rules.Array{Items: rules.String},
	},
	Required: []string{"name", "productID"},
}

// lfRule is the Linux Foundation ODPS v4.1 descriptor, restricted to what
// the mapping reads. version may be a number: the published examples write
// version: 4.1.
var lfRule = rules.Object{
	Fields: map[string]rules.Rule{
		"schema":  rules.String,
		"version": rules.Scalar,
		"product": rules.Object{
			Fields: map[string]rules.Rule{
				"details": rules.RuleFunc(func(c *rules.Checker, path string, v any) {
					m, ok := v.(map[string]any)
					if !ok {
						rules.ObjectT.Check(c, path, v)
						return
					}
					if len(m) == 0 {
						c.Reportf(path, "needs at least one language block (en, de, ...)")
					}
					for _, k := range sortedKeys(m) {
						if !languageKey.MatchString(k) {
							c.Reportf(rules.Key(path, k), "is not a two-letter ISO 639-1 language code")
							continue
						}
						lfDetails.Check(c, rules.Key(path, k), m[k])
					}
				}),
				"contract": rules.Object{
					Fields: map[string]rules.Rule{
						"id": rules.Scalar, "type": rules.String, "contractVersion": rules.Scalar, "contractURL": rules.String,
					},
				},
				"dataAccess": rules.ObjectT,
			},
			Required: []string{"details"},
		},
	},
	Required: []string{"product"},
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// scalar renders a scalar YAML value as text.
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return strings.TrimSpace(v)
	default:
		if n, ok := rules.Number(v); ok {
			return strconv.FormatFloat(n, 'f', -1, 64)
		}
	}
	return ""
}

// langText returns the text of a multilingual field ({en: ..., de: ...})
// as language-tagged values, or a single untagged value for plain strings.
func langText(v any) map[string]string {
	switch v := v.(type) {
	case string:
		return map[string]string{"": v}
	case map[string]any:
		out := map[string]string{}
		for k, x := range v {
			if s, ok := x.(string); ok && languageKey.MatchString(k) {
				out[k] = s
			}
		}
		return out
	}
	return nil
}

func decodeLF(m map[string]any, opts *Options) *Document {
	product := obj(m, "product")
	details := obj(product, "details")
	langs := sortedKeys(details)
	// The English block, when present, names the product; otherwise the
	// first language in alphabetical order.
	primary := langs[0]
	if slices.Contains(langs, "en") {
		primary = "en"
	}
	head := obj(details, primary)
	base := opts.ProductBase
	if base == "" {
		base = DefaultProductBase
	}
	id := str(head, "productID")
	iri := base + segment(id)
	doc := &Document{Spec: LinuxFoundation, IRI: iri, ID: id, Name: str(head, "name")}
	b := &builder{}
	p := rdf.IRI(iri)
	b.add(p, rdf.RDFType, rdf.IRI(ontology.DPRODDataProduct))
	b.str(p, ontology.DCTermsIdentifier, id)
	for _, lang := range langs {
		d := obj(details, lang)
		b.lang(p, ontology.DCTermsTitle, str(d, "name"), lang)
		b.lang(p, ontology.DCTermsDescription, strings.TrimSpace(str(d, "description")), lang)
		b.lang(p, ontology.DPRODPurpose, strings.TrimSpace(str(d, "valueProposition")), lang)
		for _, t := range append(strs(d, "tags"), strs(d, "categories")...) {
			b.lang(p, ontology.DCATKeyword, t, lang)
		}
	}
	b.str(p, ontology.DCATVersion, str(head, "productVersion"))
	if st, ok := lfStatuses[strings.ToLower(str(head, "status"))]; ok {
		b.add(p, ontology.DPRODLifecycleStatus, rdf.IRI(st))
	}

	var contract string
	if c := obj(product, "contract"); c != nil {
		if cid := scalar(c["id"]); cid != "" {
			contract = opts.contractIRI(cid)
		} else if u := str(c, "contractURL"); rdf.IsAbsoluteIRI(u) {
			contract = u
		}
	}
	if contract != "" {
		doc.Contracts = append(doc.Contracts, contract)
	}
	// Each access method of product.dataAccess is an output port; a product
	// with a contract but no access method still gets one port, so that its
	// dataset and the contract it conforms to are reachable the DPROD way.
	access := obj(product, "dataAccess")
	names := sortedKeys(access)
	if len(names) == 0 && contract != "" {
		names = []string{"default"}
	}
	for _, name := range names {
		a, _ := access[name].(map[string]any)
		portIRI := iri + "/output-port/" + segment(name)
		var title, description string
		for lang, t := range langText(a["name"]) {
			if lang == "" || lang == primary {
				title = t
			}
		}
		for lang, t := range langText(a["description"]) {
			if lang == "" || lang == primary {
				description = t
			}
		}
		port := b.port(p, ontology.DPRODOutputPort, portIRI, title, description, "", contract)
		if u := str(a, "accessURL"); rdf.IsAbsoluteIRI(u) && !strings.ContainsAny(u, " <>\"") {
			b.add(port, ontology.DCATEndpointURL, rdf.IRI(u))
		}
	}
	doc.Quads = b.quads
	return doc
}
