package graphql

import (
	recent "container/list"
	"slices"
	"sync"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/graphql/language/source"
)

// document is a query text parsed and validated against the schema, with
// what its cost estimate needs. Nothing in it depends on the variables of a
// request or on the store, so requests with the same text share it; it is
// read-only once made (graphql-go reads the AST while executing and never
// changes it).
type document struct {
	ast *ast.Document
	// errs are the syntax or validation errors; the document cannot be
	// executed when there are any.
	errs []gqlerrors.FormattedError
	// costs are the cost estimates of the document's operations by name
	// ("" for the operation run when the request names none), made when
	// first needed.
	costMu sync.Mutex
	costs  map[string]*costPlan
}

// cost returns the cost plan of the operation named operationName, or nil
// when the document has no such operation.
func (d *document) cost(operationName string) *costPlan {
	d.costMu.Lock()
	defer d.costMu.Unlock()
	if p, ok := d.costs[operationName]; ok {
		return p
	}
	p := planCost(d.ast, operationName)
	if d.costs == nil {
		d.costs = make(map[string]*costPlan)
	}
	d.costs[operationName] = p
	return p
}

// Parsing and validating a query costs more than executing a simple one,
// and clients send the same few query texts again and again with different
// variables, so the server keeps the documents of recent texts.
const (
	// maxCachedDocuments is how many documents the server keeps.
	maxCachedDocuments = 256
	// maxCachedQueryBytes is the longest query text whose document is
	// kept: larger ones are rare, and would crowd out the others.
	maxCachedQueryBytes = 32 << 10
)

// documentCache keeps the documents of the query texts used most recently.
type documentCache struct {
	mu    sync.Mutex
	byKey map[string]*recent.Element // of *cachedDocument
	order recent.List                // most recently used first
	max   int
}

type cachedDocument struct {
	query string
	doc   *document
}

// get returns the document of query, parsing and validating it against
// schema unless it is cached.
func (c *documentCache) get(schema *gql.Schema, query string) *document {
	c.mu.Lock()
	if e, ok := c.byKey[query]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*cachedDocument).doc
	}
	c.mu.Unlock()
	// Parse outside the lock: two requests racing on a new text both
	// parse it, which is harmless, and other texts are not held up.
	doc := parseDocument(schema, query)
	if len(query) > maxCachedQueryBytes || c.max <= 0 {
		return doc
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[query]; ok { // another request was quicker
		c.order.MoveToFront(e)
		return e.Value.(*cachedDocument).doc
	}
	if c.byKey == nil {
		c.byKey = make(map[string]*recent.Element)
	}
	c.byKey[query] = c.order.PushFront(&cachedDocument{query, doc})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*cachedDocument).query)
	}
	return doc
}

// parseDocument parses and validates query.
func parseDocument(schema *gql.Schema, query string) *document {
	doc, err := parser.Parse(parser.ParseParams{Source: source.NewSource(&source.Source{Body: []byte(query), Name: "GraphQL request"})})
	if err != nil {
		return &document{errs: gqlerrors.FormatErrors(err)}
	}
	if v := gql.ValidateDocument(schema, doc, nil); !v.IsValid {
		return &document{errs: v.Errors}
	}
	return &document{ast: doc}
}

// errors returns a copy of the document's errors, for a result the caller
// may append to.
func (d *document) errors() []gqlerrors.FormattedError { return slices.Clone(d.errs) }
