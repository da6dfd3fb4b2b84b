package graphql

import (
	"context"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// standardDescriptions are short descriptions of the standard terms the
// schema is built from, used only where the store holds no description of
// its own (the store usually holds kplane.ttl but not the W3C, DCAT or
// DPROD vocabularies).
var standardDescriptions = map[string]string{
	ontology.DPRODDataProduct:                              "A data product: data packaged by a domain for others to use, with an owner, a lifecycle status, and output ports that give access to its datasets.",
	ontology.DPRODOutputPort:                               "A port through which the data product makes its data available to consumers.",
	ontology.DPRODInputPort:                                "A port through which the data product reads data: usually the output port of an upstream product.",
	ontology.DPRODLifecycleStatus:                          "Where the data product is in its life: Ideation, Design, Build, Deploy, Consume (in use), or Retired.",
	ontology.DPRODDataProductOwner:                         "The person or team accountable for the data product.",
	ontology.DPRODDomain:                                   "The business domain the data product belongs to.",
	ontology.DPRODPurpose:                                  "Why the data product exists: the business need it serves.",
	ontology.DPRODIsAccessServiceOf:                        "The distribution a port (data service) gives access to.",
	ontology.DPRODIsDistributionOf:                         "The dataset a distribution is a form of.",
	ontology.DPRODInformationSensitivityClassificationProp: "How sensitive the data of the dataset is, which decides who may see it.",
	ontology.DCATDataset:                                   "A collection of data published by a data product, described by a logical model.",
	ontology.DCATDataService:                               "A data service: an API, table or other endpoint through which data is accessed.",
	ontology.DCATTheme:                                     "A glossary concept the resource is about.",
	ontology.DCATKeyword:                                   "A keyword or tag describing the resource.",
	ontology.DCATEndpointURL:                               "The root location or primary endpoint of the service.",
	ontology.DCATEndpointDescription:                       "A description of the service's interface, such as an OpenAPI document.",
	ontology.DCTermsTitle:                                  "The name given to the resource.",
	ontology.DCTermsDescription:                            "An account of the resource in prose.",
	ontology.DCTermsSubject:                                "The glossary concept the element represents.",
	ontology.DCTermsConformsTo:                             "The logical model (SHACL shapes or data contract) the dataset conforms to.",
	ontology.PROVWasDerivedFrom:                            "A dataset this dataset was derived from (lineage).",
	ontology.SKOSConcept:                                   "A unit of meaning in a business glossary: a business term with its definition and its relations to other terms.",
	ontology.SKOSConceptScheme:                             "A business glossary: a set of concepts maintained together.",
	ontology.SKOSPrefLabel:                                 "The preferred name of the concept in a given language.",
	ontology.SKOSAltLabel:                                  "An alternative name (synonym) of the concept.",
	ontology.SKOSDefinition:                                "What the concept means.",
	ontology.SKOSInScheme:                                  "The glossary the concept belongs to.",
	ontology.SKOSHasTopConcept:                             "A concept at the top of the glossary's hierarchy.",
	ontology.SKOSBroader:                                   "A more general concept in the same glossary.",
	ontology.SKOSNarrower:                                  "A more specific concept in the same glossary.",
	ontology.SKOSRelated:                                   "An associated concept that does not mean the same thing (a Lead is related to, but not a kind of, Customer).",
	ontology.SKOSExactMatch:                                "A concept of another glossary with the same meaning.",
	ontology.SKOSCloseMatch:                                "A concept of another glossary with a similar, but not identical, meaning.",
	ontology.SKOSBroadMatch:                                "A more general concept in another glossary.",
	ontology.SKOSNarrowMatch:                               "A more specific concept in another glossary.",
	ontology.SHNodeShape:                                   "An entity of a logical model: a SHACL node shape, one row type of a dataset.",
	ontology.SHPropertyShape:                               "An attribute of an entity: a SHACL property shape, one column of a dataset.",
	ontology.SHProperty:                                    "The attributes (property shapes) of the entity.",
	ontology.SHName:                                        "The attribute's name, as in the dataset.",
	ontology.SHPath:                                        "The property the attribute holds values of.",
	ontology.SHDatatype:                                    "The datatype of the attribute's values.",
	ontology.SHMinCount:                                    "The least number of values the attribute must have (1: required).",
	ontology.SHMaxCount:                                    "The most values the attribute may have.",
	ontology.SHTargetClass:                                 "The class of the things the entity describes.",
	ontology.RDFSIsDefinedBy:                               "The model that defines the element.",
	ontology.RDFSSubClassOf:                                "A more general class.",
	ontology.OWLClass:                                      "A class of a conceptual model (OWL).",
	ontology.OWLEquivalentClass:                            "A class with exactly the same members.",
	ontology.ORGMemberOf:                                   "The team or organisation the agent is a member of.",
	ontology.PROVPerson:                                    "A person or team accountable for data.",
	ontology.RDFSLabel:                                     "A human-readable name.",
	ontology.RDFSComment:                                   "A description in prose.",
	ontology.RDFSDomain:                                    "The class of the resources the property describes.",
	ontology.RDFSRange:                                     "The class or datatype of the property's values.",
	foafMbox:                                               "The agent's e-mail address.",
}

// descriptions reads the meaning of vocabulary terms from the store: the
// rdfs:comment, skos:definition or dcterms:description of each term, in
// English where there is a choice.
type descriptions struct {
	snap  *graph.Snapshot
	cache map[string]string
}

var descriptionPreds = ids(ontology.RDFSComment, ontology.SKOSDefinition, ontology.DCTermsDescription)

// of returns the description of the term iri: the store's, else the
// standard one, else fallback; followed by the IRI, so an agent can look
// the term up.
func (d *descriptions) of(iri, fallback string) string {
	text, ok := d.cache[iri]
	if !ok {
		text = d.read(iri)
		d.cache[iri] = text
	}
	if text == "" {
		text = standardDescriptions[iri]
	}
	if text == "" {
		text = fallback
	}
	if iri == "" {
		return text
	}
	if text == "" {
		return "RDF: <" + iri + ">"
	}
	return strings.TrimSpace(text) + " (RDF: <" + iri + ">)"
}

func (d *descriptions) read(iri string) string {
	if d.snap == nil {
		return ""
	}
	st, err := snapshotReader{d.snap}.scan(context.Background(), graph.Pattern{S: graph.TermID(rdf.IRI(iri)), Graph: graph.AllGraphs}, false)
	if err != nil {
		return ""
	}
	for _, p := range descriptionPreds {
		if v, ok := pickLiteral(st, p, "en"); ok {
			return v
		}
	}
	return ""
}
