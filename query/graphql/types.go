package graphql

import (
	"strings"

	gql "github.com/graphql-go/graphql"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// Lifecycle statuses as GraphQL enum values.
var statusValues = map[string]string{
	"IDEATION": ontology.DPRODIdeation,
	"DESIGN":   ontology.DPRODDesign,
	"BUILD":    ontology.DPRODBuild,
	"DEPLOY":   ontology.DPRODDeploy,
	"CONSUME":  ontology.DPRODConsume,
	"RETIRED":  ontology.KplaneRetired,
}

// Classifications as GraphQL enum values.
var classificationValues = map[string]string{
	"PUBLIC":       ontology.KplanePublic,
	"INTERNAL":     ontology.KplaneInternal,
	"CONFIDENTIAL": ontology.KplaneConfidential,
	"PII":          ontology.KplanePII,
}

// The enum values by IRI.
var (
	statusByIRI         = invert(statusValues)
	classificationByIRI = invert(classificationValues)
)

// invert maps the IRIs of enum values to the values. They are kept as
// interface values, which resolvers return without converting (and so
// allocating) them again.
func invert(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

// enumIn returns the enum value of the first value of p among st that is
// the IRI of one (in byIRI).
func enumIn(st []statement, p graph.ID, byIRI map[string]any) (any, bool) {
	for _, s := range st {
		if s.P == p && s.Other.Kind != rdf.KindLiteral {
			if v, ok := byIRI[s.Other.Value]; ok {
				return v, true
			}
		}
	}
	return nil, false
}

// scalars declares the value types: page info, RDF terms, enums, filters.
func (b *builder) scalars() {
	b.pageInfo = gql.NewObject(gql.ObjectConfig{
		Name:        "PageInfo",
		Description: "Where a page of a list is (Relay cursor connections).",
		Fields: gql.Fields{
			"hasNextPage":     &gql.Field{Type: gql.NewNonNull(gql.Boolean), Description: "Whether more items follow this page."},
			"hasPreviousPage": &gql.Field{Type: gql.NewNonNull(gql.Boolean), Description: "Whether items precede this page."},
			"startCursor":     &gql.Field{Type: gql.String, Description: "The cursor of the first item of the page."},
			"endCursor":       &gql.Field{Type: gql.String, Description: "The cursor of the last item of the page: pass it as `after` for the next page."},
		},
	})
	b.term = gql.NewObject(gql.ObjectConfig{
		Name:        "Term",
		Description: "An RDF term: an IRI, a blank node or a literal.",
		Fields: gql.Fields{
			"kind":     &gql.Field{Type: gql.NewNonNull(gql.String), Description: "IRI, BLANK or LITERAL.", Resolve: termField(func(t rdf.Term) any { return [...]string{"NONE", "IRI", "BLANK", "LITERAL"}[t.Kind] })},
			"value":    &gql.Field{Type: gql.NewNonNull(gql.String), Description: "The IRI, the blank node label, or the literal's lexical form.", Resolve: termField(func(t rdf.Term) any { return t.Value })},
			"datatype": &gql.Field{Type: gql.String, Description: "The literal's datatype IRI.", Resolve: termField(func(t rdf.Term) any { return nonEmpty(t.Datatype) })},
			"language": &gql.Field{Type: gql.String, Description: "The literal's language tag.", Resolve: termField(func(t rdf.Term) any { return nonEmpty(t.Lang) })},
		},
	})
	statuses := gql.EnumValueConfigMap{}
	for k, v := range statusValues {
		statuses[k] = &gql.EnumValueConfig{Value: k, Description: b.desc.of(v, "")}
	}
	b.status = gql.NewEnum(gql.EnumConfig{Name: "LifecycleStatus", Values: statuses,
		Description: b.desc.of(ontology.DPRODDataProductLifecycleStatus, "The lifecycle status of a data product.")})
	classifications := gql.EnumValueConfigMap{}
	for k, v := range classificationValues {
		classifications[k] = &gql.EnumValueConfig{Value: k, Description: b.desc.of(v, "")}
	}
	b.class = gql.NewEnum(gql.EnumConfig{Name: "Classification", Values: classifications,
		Description: b.desc.of(ontology.KplaneClassification, "The sensitivity of data.")})
	kinds := gql.EnumValueConfigMap{}
	for _, c := range classes {
		kinds[c.kind] = &gql.EnumValueConfig{Value: c.kind, Description: "Resources shown as " + c.kind + "."}
	}
	kinds["Resource"] = &gql.EnumValueConfig{Value: "Resource", Description: "Resources of no more specific type."}
	b.kind = gql.NewEnum(gql.EnumConfig{Name: "Kind", Values: kinds, Description: "The GraphQL type a resource is shown as."})
	b.filter = gql.NewInputObject(gql.InputObjectConfig{
		Name:        "ProductFilter",
		Description: "Restricts a list of data products. All given conditions must hold.",
		Fields: gql.InputObjectConfigFieldMap{
			"domain":         &gql.InputObjectFieldConfig{Type: gql.String, Description: "IRI of the domain the products belong to."},
			"owner":          &gql.InputObjectFieldConfig{Type: gql.String, Description: "IRI of the products' owner."},
			"status":         &gql.InputObjectFieldConfig{Type: gql.NewList(gql.NewNonNull(b.status)), Description: "Lifecycle statuses to keep."},
			"includeRetired": &gql.InputObjectFieldConfig{Type: gql.Boolean, DefaultValue: false, Description: "Keep retired products (default false)."},
		},
	})
}

func termField(fn func(rdf.Term) any) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		t, _ := p.Source.(rdf.Term)
		return fn(t), nil
	}
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var (
	idPrefLabel = graph.TermID(rdf.IRI(ontology.SKOSPrefLabel))
	idStatus    = graph.TermID(rdf.IRI(ontology.DPRODLifecycleStatus))
	idSensitive = graph.TermID(rdf.IRI(ontology.DPRODInformationSensitivityClassificationProp))
	idClassProp = graph.TermID(rdf.IRI(ontology.KplaneClassificationProp))
	idIsKey     = graph.TermID(rdf.IRI(ontology.KplaneIsKey))
	idMinCount  = graph.TermID(rdf.IRI(ontology.SHMinCount))
	idMaxCount  = graph.TermID(rdf.IRI(ontology.SHMaxCount))
	idDatatype  = graph.TermID(rdf.IRI(ontology.SHDatatype))
	idPath      = graph.TermID(rdf.IRI(ontology.SHPath))
	idEndpoint  = graph.TermID(rdf.IRI(ontology.DCATEndpointURL))
	idEndDesc   = graph.TermID(rdf.IRI(ontology.DCATEndpointDescription))
	idMbox      = graph.TermID(rdf.IRI(foafMbox))
	idDomain    = graph.TermID(rdf.IRI(ontology.DPRODDomain))
	idOwner     = graph.TermID(rdf.IRI(ontology.DPRODDataProductOwner))
)

// Paths shared by several fields.
var (
	productDatasets = chain(fwd(ontology.DPRODOutputPort), fwd(ontology.DPRODIsAccessServiceOf), fwd(ontology.DPRODIsDistributionOf))
	datasetProducts = chain(inv(ontology.DPRODIsDistributionOf), inv(ontology.DPRODIsAccessServiceOf), inv(ontology.DPRODOutputPort))
)

func one(h ...hop) path { return path{chains: [][]hop{h}} }

func (b *builder) statusField() *gql.Field {
	return &gql.Field{
		Type:        b.status,
		Description: b.desc.of(ontology.DPRODLifecycleStatus, ""),
		Resolve: withOut(func(_ *node, st []statement) (any, error) {
			if v, ok := enumIn(st, idStatus, statusByIRI); ok {
				return v, nil
			}
			return nil, nil
		}),
	}
}

func (b *builder) classificationField(pred graph.ID, iri string) *gql.Field {
	return &gql.Field{
		Type:        b.class,
		Description: b.desc.of(iri, ""),
		Resolve: withOut(func(_ *node, st []statement) (any, error) {
			if v, ok := enumIn(st, pred, classificationByIRI); ok {
				return v, nil
			}
			return nil, nil
		}),
	}
}

func (b *builder) iriField(pred graph.ID, iri, fallback string) *gql.Field {
	return &gql.Field{
		Type:        gql.String,
		Description: b.desc.of(iri, fallback),
		Resolve: withOut(func(_ *node, st []statement) (any, error) {
			if o, ok := firstObject(st, pred); ok {
				return o.Value, nil
			}
			for _, s := range st { // a literal URL
				if s.P == pred {
					return s.Other.Value, nil
				}
			}
			return nil, nil
		}),
	}
}

func (b *builder) intField(pred graph.ID, iri string) *gql.Field {
	return &gql.Field{
		Type:        gql.Int,
		Description: b.desc.of(iri, ""),
		Resolve: withOut(func(_ *node, st []statement) (any, error) {
			for _, s := range st {
				if s.P == pred && s.Other.Kind == rdf.KindLiteral {
					var n int
					for _, c := range s.Other.Value {
						if c < '0' || c > '9' {
							return nil, nil
						}
						n = n*10 + int(c-'0')
					}
					return n, nil
				}
			}
			return nil, nil
		}),
	}
}

// declareTypes declares the object types of the semantic layer.
func (b *builder) declareTypes() {
	b.object("DataProduct", ontology.DPRODDataProduct, "", func() gql.Fields {
		return gql.Fields{
			"title":       b.lit(ontology.DCTermsTitle, ""),
			"description": b.lit(ontology.DCTermsDescription, ""),
			"purpose":     b.lit(ontology.DPRODPurpose, ""),
			"status":      b.statusField(),
			"keywords":    b.lits(ontology.DCATKeyword, ""),
			"owner":       b.ref("Owner", ontology.DPRODDataProductOwner, "", one(fwd(ontology.DPRODDataProductOwner))),
			"domain":      b.ref("Domain", ontology.DPRODDomain, "", one(fwd(ontology.DPRODDomain))),
			"themes":      b.refs("Concept", ontology.DCATTheme, "", one(fwd(ontology.DCATTheme))),
			"outputPorts": b.refs("Port", ontology.DPRODOutputPort, "", one(fwd(ontology.DPRODOutputPort))),
			"inputPorts":  b.refs("Port", ontology.DPRODInputPort, "", one(fwd(ontology.DPRODInputPort))),
			"datasets": b.refs("Dataset", "", "The datasets the product publishes through its output ports (output port → distribution → dataset).",
				path{chains: [][]hop{productDatasets}}),
			"logicalModels": b.refs("LogicalModel", "", "The logical models (SHACL shapes or data contracts) the product's output datasets conform to.",
				path{chains: [][]hop{append(copyChain(productDatasets), fwd(ontology.DCTermsConformsTo))}}),
			"upstream": b.refs("DataProduct", "", "The products this product reads from directly: whose output port is one of its input ports.",
				one(fwd(ontology.DPRODInputPort), inv(ontology.DPRODOutputPort))),
			"downstream": b.refs("DataProduct", "", "The products that read from this product directly: whose input port is one of its output ports.",
				one(fwd(ontology.DPRODOutputPort), inv(ontology.DPRODInputPort))),
			"lineage": b.lineageField(),
		}
	})
	b.object("Port", ontology.DCATDataService, "", func() gql.Fields {
		return gql.Fields{
			"title":               b.lit(ontology.DCTermsTitle, ""),
			"endpointURL":         b.iriField(idEndpoint, ontology.DCATEndpointURL, ""),
			"endpointDescription": b.iriField(idEndDesc, ontology.DCATEndpointDescription, ""),
			"datasets":            b.refs("Dataset", ontology.DPRODIsAccessServiceOf, "", one(fwd(ontology.DPRODIsAccessServiceOf), fwd(ontology.DPRODIsDistributionOf))),
			"producers":           b.refs("DataProduct", "", "The products that publish data through this port (their output port).", one(inv(ontology.DPRODOutputPort))),
			"consumers":           b.refs("DataProduct", "", "The products that read from this port (their input port).", one(inv(ontology.DPRODInputPort))),
		}
	})
	b.object("Dataset", ontology.DCATDataset, "", func() gql.Fields {
		return gql.Fields{
			"title":         b.lit(ontology.DCTermsTitle, ""),
			"description":   b.lit(ontology.DCTermsDescription, ""),
			"sensitivity":   b.classificationField(idSensitive, ontology.DPRODInformationSensitivityClassificationProp),
			"logicalModels": b.refs("LogicalModel", ontology.DCTermsConformsTo, "", one(fwd(ontology.DCTermsConformsTo))),
			"derivedFrom":   b.refs("Dataset", ontology.PROVWasDerivedFrom, "", one(fwd(ontology.PROVWasDerivedFrom))),
			"products":      b.refs("DataProduct", "", "The products that publish this dataset.", path{chains: [][]hop{datasetProducts}}),
			"themes":        b.refs("Concept", ontology.DCATTheme, "", one(fwd(ontology.DCATTheme))),
		}
	})
	b.object("Domain", ontology.KplaneDomain, "", func() gql.Fields {
		return gql.Fields{
			"description": b.lit(ontology.DCTermsDescription, ""),
			"ownerTeam":   b.ref("Owner", ontology.KplaneOwnerTeam, "", one(fwd(ontology.KplaneOwnerTeam))),
			"products":    b.productConn("The data products of the domain.", one(inv(ontology.DPRODDomain))),
			"glossaries": b.refs("ConceptScheme", ontology.KplaneOwnerDomain, "The glossaries the domain owns.",
				path{chains: [][]hop{{inv(ontology.KplaneOwnerDomain)}}, ofType: ids(ontology.SKOSConceptScheme)}),
			"logicalModels": b.refs("LogicalModel", ontology.KplaneOwnerDomain, "The logical models the domain owns.",
				path{chains: [][]hop{{inv(ontology.KplaneOwnerDomain)}}, ofType: ids(ontology.KplaneDataContract, ontology.DCTermsStandard)}),
		}
	})
	b.object("Owner", ontology.PROVPerson, "", func() gql.Fields {
		return gql.Fields{
			"name":     b.lit(foafName, "The agent's name."),
			"email":    b.iriField(idMbox, foafMbox, ""),
			"memberOf": b.refs("Owner", ontology.ORGMemberOf, "", one(fwd(ontology.ORGMemberOf))),
			"members":  b.refs("Owner", "", "The people who are members of this team.", one(inv(ontology.ORGMemberOf))),
			"products": b.productConn("The data products this agent owns.", one(inv(ontology.DPRODDataProductOwner))),
			"domains":  b.refs("Domain", ontology.KplaneOwnerTeam, "The domains this team runs.", one(inv(ontology.KplaneOwnerTeam))),
		}
	})
	b.object("Concept", ontology.SKOSConcept, "", func() gql.Fields {
		return gql.Fields{
			"prefLabel": {
				Type:        gql.String,
				Description: b.desc.of(ontology.SKOSPrefLabel, ""),
				Args:        gql.FieldConfigArgument{"lang": {Type: gql.String, DefaultValue: "en", Description: "Language tag wanted."}},
				Resolve: func(p gql.ResolveParams) (any, error) {
					lang, _ := p.Args["lang"].(string)
					load := res(p).out.load(src(p).id)
					return thunk(func() (any, error) {
						st, err := load()
						if err != nil {
							return nil, err
						}
						if v := bestLiteral(st, idPrefLabel, strings.ToLower(lang)); v != nil {
							return v, nil
						}
						return nil, nil
					}), nil
				},
			},
			"altLabels":   b.lits(ontology.SKOSAltLabel, ""),
			"definition":  b.lit(ontology.SKOSDefinition, ""),
			"scheme":      b.ref("ConceptScheme", ontology.SKOSInScheme, "", one(fwd(ontology.SKOSInScheme))),
			"steward":     b.ref("Owner", ontology.KplaneSteward, "", one(fwd(ontology.KplaneSteward))),
			"broader":     b.refs("Concept", ontology.SKOSBroader, "", path{chains: [][]hop{{fwd(ontology.SKOSBroader)}, {inv(ontology.SKOSNarrower)}}}),
			"narrower":    b.refs("Concept", ontology.SKOSNarrower, "", path{chains: [][]hop{{fwd(ontology.SKOSNarrower)}, {inv(ontology.SKOSBroader)}}}),
			"related":     b.refs("Concept", ontology.SKOSRelated, "", path{chains: [][]hop{{fwd(ontology.SKOSRelated)}, {inv(ontology.SKOSRelated)}}}),
			"exactMatch":  b.refs("Concept", ontology.SKOSExactMatch, "", path{chains: [][]hop{{fwd(ontology.SKOSExactMatch)}, {inv(ontology.SKOSExactMatch)}}}),
			"closeMatch":  b.refs("Concept", ontology.SKOSCloseMatch, "", path{chains: [][]hop{{fwd(ontology.SKOSCloseMatch)}, {inv(ontology.SKOSCloseMatch)}}}),
			"broadMatch":  b.refs("Concept", ontology.SKOSBroadMatch, "", path{chains: [][]hop{{fwd(ontology.SKOSBroadMatch)}, {inv(ontology.SKOSNarrowMatch)}}}),
			"narrowMatch": b.refs("Concept", ontology.SKOSNarrowMatch, "", path{chains: [][]hop{{fwd(ontology.SKOSNarrowMatch)}, {inv(ontology.SKOSBroadMatch)}}}),
			"mappings":    b.mappingsField(),
			"products":    b.aboutField(true),
		}
	})
	b.object("ConceptScheme", ontology.SKOSConceptScheme, "", func() gql.Fields {
		return gql.Fields{
			"description": b.lit(ontology.DCTermsDescription, ""),
			"topConcepts": b.refs("Concept", ontology.SKOSHasTopConcept, "", path{chains: [][]hop{{fwd(ontology.SKOSHasTopConcept)}, {inv(ontology.SKOSTopConceptOf)}}}),
			"concepts":    b.conn("Concept", ontology.SKOSInScheme, "The concepts of the glossary, ordered by IRI.", one(inv(ontology.SKOSInScheme))),
			"ownerDomain": b.ref("Domain", ontology.KplaneOwnerDomain, "", one(fwd(ontology.KplaneOwnerDomain))),
		}
	})
	b.object("Class", ontology.OWLClass, "", func() gql.Fields {
		return gql.Fields{
			"comment":           b.lit(ontology.RDFSComment, ""),
			"superClasses":      b.refs("Class", ontology.RDFSSubClassOf, "", one(fwd(ontology.RDFSSubClassOf))),
			"subClasses":        b.refs("Class", "", "The classes that are rdfs:subClassOf this one.", one(inv(ontology.RDFSSubClassOf))),
			"equivalentClasses": b.refs("Class", ontology.OWLEquivalentClass, "", path{chains: [][]hop{{fwd(ontology.OWLEquivalentClass)}, {inv(ontology.OWLEquivalentClass)}}}),
		}
	})
	b.object("Property", rdf.RDFNS+"Property", "A property of a vocabulary or conceptual model.", func() gql.Fields {
		return gql.Fields{
			"comment": b.lit(ontology.RDFSComment, ""),
			"domain":  b.refs("Resource", ontology.RDFSDomain, "", one(fwd(ontology.RDFSDomain))),
			"range":   b.refs("Resource", ontology.RDFSRange, "", one(fwd(ontology.RDFSRange))),
		}
	})
	b.object("LogicalModel", ontology.DCTermsStandard, "A logical model: the SHACL shapes or ODCS data contract a dataset conforms to; its entities are tables, their attributes columns.", func() gql.Fields {
		return gql.Fields{
			"description": b.lit(ontology.DCTermsDescription, ""),
			"entities": b.refs("Entity", "", "The entities (SHACL node shapes) the model defines.",
				path{chains: [][]hop{{inv(ontology.RDFSIsDefinedBy)}}, ofType: ids(ontology.SHNodeShape)}),
			"datasets":    b.refs("Dataset", "", "The datasets that conform to the model.", one(inv(ontology.DCTermsConformsTo))),
			"ownerDomain": b.ref("Domain", ontology.KplaneOwnerDomain, "", one(fwd(ontology.KplaneOwnerDomain))),
		}
	})
	b.object("Entity", ontology.SHNodeShape, "", func() gql.Fields {
		return gql.Fields{
			"name":        b.lit(ontology.SHName, ""),
			"description": b.lit(ontology.DCTermsDescription, ""),
			"concepts":    b.refs("Concept", ontology.DCTermsSubject, "", one(fwd(ontology.DCTermsSubject))),
			"targetClass": b.ref("Class", ontology.SHTargetClass, "", one(fwd(ontology.SHTargetClass))),
			"attributes":  b.refs("Attribute", ontology.SHProperty, "", one(fwd(ontology.SHProperty))),
			"model":       b.ref("LogicalModel", ontology.RDFSIsDefinedBy, "", one(fwd(ontology.RDFSIsDefinedBy))),
		}
	})
	b.object("Attribute", ontology.SHPropertyShape, "", func() gql.Fields {
		return gql.Fields{
			"name":           b.lit(ontology.SHName, ""),
			"description":    b.lit(ontology.DCTermsDescription, ""),
			"datatype":       b.iriField(idDatatype, ontology.SHDatatype, ""),
			"path":           b.iriField(idPath, ontology.SHPath, ""),
			"isKey":          b.boolField(idIsKey, ontology.KplaneIsKey),
			"classification": b.classificationField(idClassProp, ontology.KplaneClassificationProp),
			"minCount":       b.intField(idMinCount, ontology.SHMinCount),
			"maxCount":       b.intField(idMaxCount, ontology.SHMaxCount),
			"concepts":       b.refs("Concept", ontology.DCTermsSubject, "", one(fwd(ontology.DCTermsSubject))),
			"entity":         b.ref("Entity", "", "The entity that has this attribute.", one(inv(ontology.SHProperty))),
		}
	})
	b.object("Graph", ontology.KplaneNamedGraph, "", func() gql.Fields { return b.graphFields() })
	b.object("Resource", "", "Any resource, seen generically: its types, labels and every statement about it or pointing at it.", func() gql.Fields {
		return gql.Fields{
			"labels":   b.lits(ontology.RDFSLabel, "All rdfs:label values."),
			"outgoing": b.statementsField(false),
			"incoming": b.statementsField(true),
		}
	})
}

func (b *builder) boolField(pred graph.ID, iri string) *gql.Field {
	return &gql.Field{
		Type:        gql.NewNonNull(gql.Boolean),
		Description: b.desc.of(iri, ""),
		Resolve: withOut(func(_ *node, st []statement) (any, error) {
			for _, s := range st {
				if s.P == pred && s.Other.Kind == rdf.KindLiteral {
					return s.Other.Value == "true" || s.Other.Value == "1", nil
				}
			}
			return false, nil
		}),
	}
}

// copyChain copies a chain so appending to it leaves the original alone.
func copyChain(c []hop) []hop { return append([]hop(nil), c...) }
