package eval

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/optimize"
)

// PropertyFunction computes the solutions of a triple pattern whose
// predicate names it, in the manner of Jena's property functions (such as
// text:query): instead of being matched against the data, the pattern
//
//	subject <function> object .
//
// calls the function with the values of its object, and the function
// returns the values of its subject. Either side may be a single term or a
// collection, whose members are then the arguments or results:
//
//	?s kplane:search "text" .
//	(?s ?score ?label) kplane:search ("text" "type" 20) .
//
// The object's members are the arguments: constants, or variables bound
// by the rest of the query before the call (the optimizer places the call
// after the patterns that bind them; a call whose arguments stay unbound
// fails). The subject's members receive the results: each result binds
// the subject's variables, or is dropped when it differs from a constant
// or an already bound value. The call is a pattern like any other: it
// joins with the rest of its group, and the optimizer orders it by its
// Estimate. A call is made once per distinct argument list during one
// execution of a query, however many solutions reach it.
type PropertyFunction interface {
	// Call returns the results for the arguments args (the object's
	// values), each a list of terms aligned with the subject's members: a
	// zero term leaves its variable unbound. ctx ends with the query.
	Call(ctx context.Context, args []rdf.Term) ([][]rdf.Term, error)
	// Estimate returns the expected number of results of a call with
	// these arguments; a zero term is an argument known only when the
	// query runs.
	Estimate(args []rdf.Term) float64
}

// extractCalls rewrites the triple patterns of op whose predicate is a
// property function of funcs into PropertyCalls joined with the rest of
// their BGP. A side written as a collection becomes the list of its
// members, and the rdf:first/rdf:rest patterns of the collection are
// removed.
func extractCalls(op algebra.Operator, funcs map[string]PropertyFunction) algebra.Operator {
	if len(funcs) == 0 {
		return op
	}
	return optimize.MapOperator(op, func(op algebra.Operator) algebra.Operator {
		bgp, ok := op.(*algebra.BGP)
		if !ok {
			return op
		}
		return splitBGP(bgp, funcs)
	})
}

// splitBGP separates the property function calls of one BGP.
func splitBGP(bgp *algebra.BGP, funcs map[string]PropertyFunction) algebra.Operator {
	isCall := func(tp algebra.TriplePattern) bool {
		if tp.P.IsVar() || !tp.P.Value.IsIRI() {
			return false
		}
		_, ok := funcs[tp.P.Value.Value]
		return ok
	}
	if !slices.ContainsFunc(bgp.Patterns, isCall) {
		return bgp
	}
	used := make([]bool, len(bgp.Patterns))
	var calls []algebra.Operator
	for i, tp := range bgp.Patterns {
		if !isCall(tp) {
			continue
		}
		used[i] = true
		calls = append(calls, &algebra.PropertyCall{
			Subject: collection(bgp.Patterns, used, tp.S),
			IRI:     tp.P.Value.Value,
			Object:  collection(bgp.Patterns, used, tp.O),
		})
	}
	var rest []algebra.TriplePattern
	for i, tp := range bgp.Patterns {
		if !used[i] {
			rest = append(rest, tp)
		}
	}
	var out algebra.Operator
	if len(rest) > 0 {
		out = &algebra.BGP{Patterns: rest}
	}
	for _, c := range calls {
		if out == nil {
			out = c
		} else {
			out = &algebra.Join{Left: out, Right: c}
		}
	}
	return out
}

// collection returns the members of the collection whose head is t, if t
// is the blank node of a well-formed collection of pats (marking its
// patterns used), else t alone.
func collection(pats []algebra.TriplePattern, used []bool, t algebra.Term) []algebra.Term {
	if !t.IsVar() || !algebra.IsFreshVar(t.Var) || !strings.HasPrefix(t.Var, "_:") {
		return []algebra.Term{t}
	}
	find := func(node, pred string) int {
		for i, tp := range pats {
			if !used[i] && tp.S.IsVar() && tp.S.Var == node && !tp.P.IsVar() && tp.P.Value == rdf.IRI(pred) {
				return i
			}
		}
		return -1
	}
	var members []algebra.Term
	var links []int
	node := t.Var
	for {
		f, r := find(node, rdf.RDFFirst), find(node, rdf.RDFRest)
		if f < 0 || r < 0 {
			return []algebra.Term{t}
		}
		members = append(members, pats[f].O)
		links = append(links, f, r)
		next := pats[r].O
		if !next.IsVar() && next.Value == rdf.IRI(rdf.RDFNil) {
			break
		}
		if !next.IsVar() || !strings.HasPrefix(next.Var, "_:") {
			return []algebra.Term{t}
		}
		node = next.Var
	}
	for _, i := range links {
		used[i] = true
	}
	return members
}

// callKey identifies one call's results: the operator and its arguments.
type callKey struct {
	op   *algebra.PropertyCall
	args string
}

// propertyCall evaluates a property function call against in: it calls
// the function (once per distinct argument list) and binds the subject's
// members to each result.
func (ev *evaluator) propertyCall(op *algebra.PropertyCall, in row, yield func(row) bool) bool {
	fn, ok := ev.opts.PropertyFunctions[op.IRI]
	if !ok {
		ev.fail(fmt.Errorf("sparql: <%s>: no such property function", op.IRI))
		return false
	}
	args := make([]rdf.Term, len(op.Object))
	var key strings.Builder
	for i, t := range op.Object {
		id, _ := ev.patternTerm(t, in)
		if id.IsZero() {
			ev.fail(fmt.Errorf("sparql: <%s>: argument %d (%s) is not bound when the function is called", op.IRI, i+1, t))
			return false
		}
		v, err := ev.term(id)
		if err != nil {
			ev.fail(err)
			return false
		}
		args[i] = v
		key.Write(id[:])
	}
	ck := callKey{op, key.String()}
	results, ok := ev.calls[ck]
	if !ok {
		res, err := fn.Call(ev.ctx, args)
		if err != nil {
			ev.fail(fmt.Errorf("sparql: <%s>: %w", op.IRI, err))
			return false
		}
		results = make([][]graph.ID, len(res))
		for i, terms := range res {
			ids := make([]graph.ID, len(op.Subject))
			for j := range min(len(terms), len(ids)) {
				if !terms[j].IsZero() {
					ids[j] = ev.encode(terms[j])
				}
			}
			results[i] = ids
		}
		ev.calls[ck] = results
	}
results:
	for _, ids := range results {
		if !ev.tick() {
			return false
		}
		out := in
		for j, t := range op.Subject {
			id := ids[j]
			if !t.IsVar() {
				if id != ev.constID(t.Value) {
					continue results
				}
				continue
			}
			s := ev.slot(t.Var)
			if id.IsZero() {
				continue
			}
			if !out[s].IsZero() {
				if out[s] != id {
					continue results
				}
				continue
			}
			if &out[0] == &in[0] {
				out = slices.Clone(in)
			}
			out[s] = id
		}
		if !yield(out) {
			return false
		}
	}
	return true
}

// estimateCall estimates a call's results for the optimizer.
func (ev *evaluator) estimateCall(op *algebra.PropertyCall, bound map[string]bool) float64 {
	fn, ok := ev.opts.PropertyFunctions[op.IRI]
	if !ok {
		return 1
	}
	args := make([]rdf.Term, len(op.Object))
	for i, t := range op.Object {
		if !t.IsVar() {
			args[i] = t.Value
		}
	}
	return fn.Estimate(args)
}
