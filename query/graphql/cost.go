package graphql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/graphql-go/graphql/language/ast"
)

// costError reports a query over the limits; it is returned before
// anything is executed.
type costError struct{ msg string }

func (e *costError) Error() string { return e.msg }

// A costPlan is the cost estimate of one operation, worked out from the
// document once: its depth, and the shape of its selections with the size
// of each list, which may depend on variables. Checking a request against
// the limits then only multiplies sizes. Introspection fields (__schema,
// __type) are free: clients send deep introspection queries, and they do
// not read the store.
type costPlan struct {
	depth int
	root  *costSet
}

// costSet is a selection set, with its inline fragments merged in. The
// sets of named fragments are shared by every spread of them, so a
// document that spreads a fragment many times does not make the plan
// larger.
type costSet struct {
	fields   []costField
	spreads  []*costSet
	fragment bool // the set of a named fragment
}

// costField is a field returning size values per parent, each with the
// selections below.
type costField struct {
	size listSize
	sub  *costSet // nil for a leaf
}

// listSize is how many values a field is estimated to return per parent:
// n, or the page size a variable gives, or one of the limits of Options.
type listSize struct {
	kind     sizeKind
	n        float64
	variable string
}

type sizeKind uint8

const (
	sizeFixed     sizeKind = iota // n
	sizeVariable                  // the variable's value, else the default page size
	sizePage                      // Options.DefaultPageSize
	sizeRows                      // Options.MaxSPARQLRows
	sizeShortList                 // Options.EstimatedListSize
)

// planCost makes the cost plan of the operation named operationName (the
// first operation when it is ""); nil when there is no such operation,
// which the executor reports.
func planCost(doc *ast.Document, operationName string) *costPlan {
	if doc == nil {
		return nil
	}
	p := costPlanner{frags: make(map[string]*ast.FragmentDefinition), sets: make(map[string]*costSet)}
	var op *ast.OperationDefinition
	for _, d := range doc.Definitions {
		switch d := d.(type) {
		case *ast.FragmentDefinition:
			p.frags[d.Name.Value] = d
		case *ast.OperationDefinition:
			if op == nil && (operationName == "" || d.Name != nil && d.Name.Value == operationName) {
				op = d
			}
		}
	}
	if op == nil {
		return nil
	}
	root := &costSet{}
	p.add(root, op.SelectionSet)
	return &costPlan{root: root, depth: depthOf(root, make(map[*costSet]int))}
}

type costPlanner struct {
	frags map[string]*ast.FragmentDefinition
	sets  map[string]*costSet // planned fragments; nil while being planned
}

// add adds the selections of sel to set.
func (p *costPlanner) add(set *costSet, sel *ast.SelectionSet) {
	if sel == nil {
		return
	}
	for _, s := range sel.Selections {
		switch s := s.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name.Value, "__") {
				continue
			}
			f := costField{size: listSizeOf(s)}
			if s.SelectionSet != nil {
				f.sub = &costSet{}
				p.add(f.sub, s.SelectionSet)
			}
			set.fields = append(set.fields, f)
		case *ast.InlineFragment:
			p.add(set, s.SelectionSet)
		case *ast.FragmentSpread:
			if fs := p.fragment(s.Name.Value); fs != nil {
				set.spreads = append(set.spreads, fs)
			}
		}
	}
}

// fragment returns the set of the fragment called name; nil when there is
// no such fragment or it spreads itself (which validation rejects).
func (p *costPlanner) fragment(name string) *costSet {
	if fs, ok := p.sets[name]; ok {
		return fs
	}
	f, ok := p.frags[name]
	if !ok {
		return nil
	}
	p.sets[name] = nil
	fs := &costSet{fragment: true}
	p.add(fs, f.SelectionSet)
	p.sets[name] = fs
	return fs
}

// depthOf returns how many levels of fields set has.
func depthOf(set *costSet, memo map[*costSet]int) int {
	if d, ok := memo[set]; ok {
		return d
	}
	d := 0
	for _, f := range set.fields {
		fd := 1
		if f.sub != nil {
			fd += depthOf(f.sub, memo)
		}
		d = max(d, fd)
	}
	for _, fs := range set.spreads {
		d = max(d, depthOf(fs, memo))
	}
	if set.fragment {
		memo[set] = d
	}
	return d
}

// check rejects a request with vars whose operation is over the limits.
func (c *costPlan) check(vars map[string]any, o *Options) error {
	if c.depth > o.MaxDepth {
		return &costError{fmt.Sprintf("query is too deep: %d levels, the limit is %d", c.depth, o.MaxDepth)}
	}
	e := costEval{vars: vars, opts: o}
	if nodes := e.values(c.root); nodes > float64(o.MaxNodes) {
		return &costError{fmt.Sprintf("query is too large: it may return about %.0f values, the limit is %d; ask for smaller pages (first) or fewer nested lists", nodes, o.MaxNodes)}
	}
	return nil
}

type costEval struct {
	vars map[string]any
	opts *Options
	memo map[*costSet]float64 // values of fragments
}

// values returns the estimated number of values set returns for one
// parent: each field's size, times one plus what its own selections
// return.
func (e *costEval) values(set *costSet) float64 {
	if v, ok := e.memo[set]; ok {
		return v
	}
	total := 0.0
	for _, f := range set.fields {
		n := e.size(f.size)
		if f.sub != nil {
			n *= 1 + e.values(f.sub)
		}
		total += n
	}
	for _, fs := range set.spreads {
		total += e.values(fs)
	}
	if set.fragment {
		if e.memo == nil {
			e.memo = make(map[*costSet]float64)
		}
		e.memo[set] = total
	}
	return total
}

func (e *costEval) size(s listSize) float64 {
	switch s.kind {
	case sizeVariable:
		switch n := e.vars[s.variable].(type) {
		case float64:
			return n
		case int:
			return float64(n)
		}
		return float64(e.opts.DefaultPageSize)
	case sizePage:
		return float64(e.opts.DefaultPageSize)
	case sizeRows:
		return float64(e.opts.MaxSPARQLRows)
	case sizeShortList:
		return float64(e.opts.EstimatedListSize)
	}
	return s.n
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

// listSizeOf estimates how many values a field returns per parent.
func listSizeOf(f *ast.Field) listSize {
	for _, a := range f.Arguments {
		if a.Name.Value != "first" {
			continue
		}
		switch v := a.Value.(type) {
		case *ast.IntValue:
			n, _ := strconv.ParseFloat(v.Value, 64)
			return listSize{n: n}
		case *ast.Variable:
			return listSize{kind: sizeVariable, variable: v.Name.Value}
		}
		return listSize{kind: sizePage}
	}
	switch f.Name.Value {
	case "edges", "nodes":
		return listSize{n: 1} // counted by the connection's first
	case "search", "productsAbout", "products", "domains", "graphs", "concepts", "outgoing", "incoming":
		if f.SelectionSet != nil && hasField(f.SelectionSet, "edges", "nodes") {
			return listSize{kind: sizePage}
		}
	case "rows", "triples":
		return listSize{kind: sizeRows}
	}
	if listFields[f.Name.Value] {
		return listSize{kind: sizeShortList}
	}
	return listSize{n: 1}
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
