// Package graphql serves the knowledge plane's semantic layer as a GraphQL
// API for applications and AI agents.
//
// The schema is built at start from the vocabularies in the store: every
// type and field is described with the rdfs:comment (or skos:definition)
// of the class or property it stands for, followed by that term's IRI, so
// that introspection teaches a client what things mean. Where the store
// holds no description of a standard term (DPROD, DCAT, SKOS and SHACL are
// usually not loaded), a short built-in one is used.
//
// Types: DataProduct, Port, Dataset, Domain, Owner, Concept, ConceptScheme,
// Class, Property, LogicalModel, Entity, Attribute and Graph, all
// implementing the Node interface (iri, label, types, resource), and the
// generic Resource, which shows every statement about a resource and
// pointing at it. Entry points: search, productsAbout, concept, concepts,
// product, products, domains, graphs, resource and sparql.
//
// Lists that can grow are Relay cursor connections (edges, nodes,
// pageInfo, totalCount) in a stable order. Resolvers return thunks, which
// graphql-go resolves level by level; every read of a level is batched
// into one call per kind of read, so a query makes a number of store calls
// that depends on its shape, not on the number of nodes it returns.
// Requests share a snapshot while the store does not change, with what
// earlier requests read from it (statements and the results of path
// walks), so repeated requests resolve most fields at once, without
// thunks. The parsed and validated documents of recent query texts are
// kept, so a request with a known text is neither parsed nor validated
// again.
//
// Queries are checked before execution against a depth limit and an
// estimate of the number of values they may return, and each request runs
// within a time limit.
//
// NewHandler serves the API over HTTP following GraphQL over HTTP.
package graphql
