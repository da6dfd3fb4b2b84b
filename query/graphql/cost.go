package graphql

import (
	"fmt"
	"strings"

	"github.com/graphql-go/graphql/language/ast"
)

// costError reports a query over the limits; it is returned before
// anything is executed.
type costError struct{ msg string }

func (e *costError) Error() string { return e.msg }

// checkCost measures the depth and the estimated number of values of the
// operation and rejects it when either is over the limits. Introspection
// fields (__schema, __type) are free: clients send deep introspection
// queries, and they do not read the store.
func checkCost(doc *ast.Document, operationName string, vars map[string]any, o *Options) error {
	frags := make(map[string]*ast.FragmentDefinition)
	var op *ast.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.FragmentDefinition:
			frags[d.Name.Value] = d
		case *ast.OperationDefinition:
			if op == nil && (operationName == "" || d.Name != nil && d.Name.Value == operationName) {
				op = d
			}
		}
	}
	if op == nil {
		return nil // the executor reports the missing operation
	}
	c := coster{frags: frags, vars: vars, opts: o}
	nodes, depth := c.selection(op.SelectionSet, 1, 0)
	if depth > o.MaxDepth {
		return &costError{fmt.Sprintf("query is too deep: %d levels, the limit is %d", depth, o.MaxDepth)}
	}
	if nodes > float64(o.MaxNodes) {
		return &costError{fmt.Sprintf("query is too large: it may return about %.0f values, the limit is %d; ask for smaller pages (first) or fewer nested lists", nodes, o.MaxNodes)}
	}
	return nil
}

type coster struct {
	frags map[string]*ast.FragmentDefinition
	vars  map[string]any
	opts  *Options
	seen  []string // fragments being expanded, against cycles
}

// selection returns the estimated values of a selection set repeated
// mult times, and its depth below level.
func (c *coster) selection(set *ast.SelectionSet, mult float64, level int) (float64, int) {
	if set == nil {
		return 0, level
	}
	total, depth := 0.0, level
	for _, s := range set.Selections {
		var n float64
		var d int
		switch s := s.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name.Value, "__") {
				continue
			}
			m := mult * c.listSize(s)
			n, d = c.selection(s.SelectionSet, m, level+1)
			n += m
		case *ast.InlineFragment:
			n, d = c.selection(s.SelectionSet, mult, level)
		case *ast.FragmentSpread:
			name := s.Name.Value
			f, ok := c.frags[name]
			if !ok || containsString(c.seen, name) {
				continue
			}
			c.seen = append(c.seen, name)
			n, d = c.selection(f.SelectionSet, mult, level)
			c.seen = c.seen[:len(c.seen)-1]
		}
		total += n
		depth = max(depth, d)
	}
	return total, depth
}

// listFields are the fields returning lists without paging.
var listFields = map[string]bool{
	"themes": true, "outputPorts": true, "inputPorts": true, "datasets": true, "logicalModels": true,
	"upstream": true, "downstream": true, "producers": true, "consumers": true, "derivedFrom": true,
	"glossaries": true, "memberOf": true, "members": true,
	"altLabels": true, "broader": true, "narrower": true, "related": true, "exactMatch": true,
	"closeMatch": true, "broadMatch": true, "narrowMatch": true, "mappings": true, "topConcepts": true,
	"superClasses": true, "subClasses": true, "equivalentClasses": true, "range": true,
	"entities": true, "attributes": true, "concepts": true, "labels": true, "types": true,
	"explanation": true, "keywords": true, "lineage": true,
}

// listSize estimates how many values a field returns per parent.
func (c *coster) listSize(f *ast.Field) float64 {
	for _, a := range f.Arguments {
		if a.Name.Value != "first" {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			var n int
			fmt.Sscan(v.Value, &n)
			return float64(n)
		case *ast.Variable:
			if n, ok := c.vars[v.Name.Value].(float64); ok {
				return n
			}
			if n, ok := c.vars[v.Name.Value].(int); ok {
				return float64(n)
			}
		}
		return float64(c.opts.DefaultPageSize)
	}
	switch f.Name.Value {
	case "edges", "nodes":
		return 1 // counted by the connection's first
	case "search", "productsAbout", "products", "domains", "graphs", "concepts", "outgoing", "incoming":
		if f.SelectionSet != nil && hasField(f.SelectionSet, "edges", "nodes") {
			return float64(c.opts.DefaultPageSize)
		}
	case "rows", "triples":
		return float64(c.opts.MaxSPARQLRows)
	}
	if listFields[f.Name.Value] {
		return float64(c.opts.EstimatedListSize)
	}
	return 1
}

func hasField(set *ast.SelectionSet, names ...string) bool {
	for _, s := range set.Selections {
		if f, ok := s.(*ast.Field); ok && containsString(names, f.Name.Value) {
			return true
		}
	}
	return false
}

func containsString(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
