package optimize

import (
	"github.com/kplane/kplane/query/sparql/algebra"
)

// varSet is a set of variable names.
type varSet map[string]bool

func (s varSet) clone() varSet {
	out := make(varSet, len(s))
	for v := range s {
		out[v] = true
	}
	return out
}

func (s varSet) addAll(t varSet) {
	for v := range t {
		s[v] = true
	}
}

// subsetOf reports whether every member of s is in t.
func (s varSet) subsetOf(t varSet) bool {
	for v := range s {
		if !t[v] {
			return false
		}
	}
	return true
}

func intersect(a, b varSet) varSet {
	out := varSet{}
	for v := range a {
		if b[v] {
			out[v] = true
		}
	}
	return out
}

// patternVars returns the variables of a triple pattern.
func patternVars(tp algebra.TriplePattern) varSet {
	s := varSet{}
	for _, t := range []algebra.Term{tp.S, tp.P, tp.O} {
		if t.IsVar() {
			s[t.Var] = true
		}
	}
	return s
}

// ExprVars returns the variables an expression mentions outside EXISTS
// patterns, and whether it contains an EXISTS (whose pattern may see any
// variable of the solution it is evaluated against).
func ExprVars(e algebra.Expression) (vars map[string]bool, hasExists bool) {
	s := varSet{}
	var walk func(e algebra.Expression)
	walk = func(e algebra.Expression) {
		switch e := e.(type) {
		case *algebra.Var:
			s[e.Name] = true
		case *algebra.Call:
			for _, a := range e.Args {
				walk(a)
			}
		case *algebra.FunctionCall:
			for _, a := range e.Args {
				walk(a)
			}
		case *algebra.Exists:
			hasExists = true
		}
	}
	walk(e)
	return s, hasExists
}

// CertainVars returns the variables bound in every solution of op: the
// variables a filter may rely on when it is moved next to op, and the keys
// a hash join may use.
func CertainVars(op algebra.Operator) map[string]bool {
	return certain(op)
}

func certain(op algebra.Operator) varSet {
	switch op := op.(type) {
	case *algebra.BGP:
		s := varSet{}
		for _, tp := range op.Patterns {
			s.addAll(patternVars(tp))
		}
		return s
	case *algebra.PathPattern:
		s := varSet{}
		if op.S.IsVar() {
			s[op.S.Var] = true
		}
		if op.O.IsVar() {
			s[op.O.Var] = true
		}
		return s
	case *algebra.PropertyCall:
		// The first subject term is what the function finds; the others
		// (a score, a label) may be left unbound by some solutions.
		s := varSet{}
		if len(op.Subject) > 0 && op.Subject[0].IsVar() {
			s[op.Subject[0].Var] = true
		}
		return s
	case *algebra.Join:
		s := certain(op.Left)
		s.addAll(certain(op.Right))
		return s
	case *algebra.LeftJoin:
		return certain(op.Left)
	case *algebra.Minus:
		return certain(op.Left)
	case *algebra.Filter:
		return certain(op.Input)
	case *algebra.Union:
		return intersect(certain(op.Left), certain(op.Right))
	case *algebra.Graph:
		s := certain(op.Input)
		if op.Name.IsVar() {
			s[op.Name.Var] = true
		}
		return s
	case *algebra.Extend:
		return certain(op.Input)
	case *algebra.Table:
		s := varSet{}
		for i, v := range op.Vars {
			all := true
			for _, r := range op.Rows {
				if i >= len(r) || r[i].IsZero() {
					all = false
					break
				}
			}
			if all {
				s[v] = true
			}
		}
		return s
	case *algebra.Project:
		in := certain(op.Input)
		s := varSet{}
		for _, v := range op.Vars {
			if in[v] {
				s[v] = true
			}
		}
		return s
	case *algebra.Distinct:
		return certain(op.Input)
	case *algebra.Reduced:
		return certain(op.Input)
	case *algebra.Slice:
		return certain(op.Input)
	case *algebra.OrderBy:
		return certain(op.Input)
	}
	// Group, Service: nothing is certain.
	return varSet{}
}

// MaybeVars returns every variable that may be bound in a solution of op.
func MaybeVars(op algebra.Operator) map[string]bool {
	s := varSet{}
	maybe(op, s)
	return s
}

func maybe(op algebra.Operator, s varSet) {
	switch op := op.(type) {
	case *algebra.BGP:
		for _, tp := range op.Patterns {
			s.addAll(patternVars(tp))
		}
	case *algebra.PathPattern:
		if op.S.IsVar() {
			s[op.S.Var] = true
		}
		if op.O.IsVar() {
			s[op.O.Var] = true
		}
	case *algebra.PropertyCall:
		for _, t := range op.Subject {
			if t.IsVar() {
				s[t.Var] = true
			}
		}
	case *algebra.Join:
		maybe(op.Left, s)
		maybe(op.Right, s)
	case *algebra.LeftJoin:
		maybe(op.Left, s)
		maybe(op.Right, s)
	case *algebra.Union:
		maybe(op.Left, s)
		maybe(op.Right, s)
	case *algebra.Minus:
		maybe(op.Left, s)
	case *algebra.Filter:
		maybe(op.Input, s)
	case *algebra.Graph:
		if op.Name.IsVar() {
			s[op.Name.Var] = true
		}
		maybe(op.Input, s)
	case *algebra.Service:
		if op.Name.IsVar() {
			s[op.Name.Var] = true
		}
		maybe(op.Input, s)
	case *algebra.Extend:
		maybe(op.Input, s)
		s[op.Var] = true
	case *algebra.Table:
		for _, v := range op.Vars {
			s[v] = true
		}
	case *algebra.Group:
		for _, k := range op.Keys {
			if k.Var != "" {
				s[k.Var] = true
			}
		}
		for _, a := range op.Aggregates {
			s[a.Var] = true
		}
	case *algebra.Project:
		for _, v := range op.Vars {
			s[v] = true
		}
	case *algebra.Distinct:
		maybe(op.Input, s)
	case *algebra.Reduced:
		maybe(op.Input, s)
	case *algebra.Slice:
		maybe(op.Input, s)
	case *algebra.OrderBy:
		maybe(op.Input, s)
	}
}

// Correlatable reports whether op can be evaluated with the bindings of
// another solution substituted into it (an index nested-loop join) and
// give the same result as evaluating it alone and joining afterwards. That
// holds for operators whose every filter or expression only reads
// variables the operator binds itself in every solution; it fails for
// OPTIONAL, MINUS, grouping and subqueries, whose bottom-up evaluation
// must not see the outer bindings.
func Correlatable(op algebra.Operator) bool {
	switch op := op.(type) {
	case *algebra.BGP, *algebra.PathPattern, *algebra.Table, *algebra.PropertyCall:
		return true
	case *algebra.Join:
		return Correlatable(op.Left) && Correlatable(op.Right)
	case *algebra.Union:
		return Correlatable(op.Left) && Correlatable(op.Right)
	case *algebra.Graph:
		return Correlatable(op.Input)
	case *algebra.Extend:
		vs, ex := ExprVars(op.Expr)
		return !ex && Correlatable(op.Input) && varSet(vs).subsetOf(certain(op.Input))
	case *algebra.Filter:
		if !Correlatable(op.Input) {
			return false
		}
		in := certain(op.Input)
		for _, e := range op.Exprs {
			vs, ex := ExprVars(e)
			if ex || !varSet(vs).subsetOf(in) {
				return false
			}
		}
		return true
	}
	return false
}
