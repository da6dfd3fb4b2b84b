package expr

import (
	"math"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
)

// EBV returns the effective boolean value of t (section 17.2.2): the value
// of a boolean, false for the empty string and for zero or NaN, and a type
// error for every other term. A boolean or numeric literal with an invalid
// lexical form is false.
func EBV(t rdf.Term) (bool, error) {
	if t.Kind != rdf.KindLiteral {
		if t.IsZero() {
			return false, errUnbound
		}
		return false, errorf("EBV", "no effective boolean value for "+t.Kind.String())
	}
	switch t.Datatype {
	case rdf.XSDBoolean:
		v, ok := parseBoolean(t.Value)
		return ok && v, nil
	case rdf.XSDString, rdf.RDFLangString:
		// RDF 1.1 made simple literals xsd:string; SPARQL 1.0's "plain
		// literal" also covered language-tagged strings.
		return t.Value != "", nil
	}
	if !isNumericDatatype(t.Datatype) {
		return false, errorf("EBV", "no effective boolean value for datatype <"+t.Datatype+">")
	}
	n, ok := parseNumber(t)
	if !ok {
		return false, nil
	}
	switch n.kind {
	case kindFloat, kindDouble:
		return n.f != 0 && !math.IsNaN(n.f), nil
	case kindDecimal:
		return n.rat.Sign() != 0, nil
	}
	if n.big != nil {
		return n.big.Sign() != 0, nil
	}
	return n.i != 0, nil
}

// evalOr implements || with the truth table of section 17.2: an error on
// one side is masked by true on the other.
func evalOr(args []algebra.Expression, b Binding, env *Env) (rdf.Term, error) {
	var firstErr error
	for _, a := range args {
		v, err := EvalBool(a, b, env)
		if err != nil {
			if !IsExprError(err) {
				return rdf.Term{}, err
			}
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if v {
			return termTrue, nil
		}
	}
	if firstErr != nil {
		return rdf.Term{}, firstErr
	}
	return termFalse, nil
}

// evalAnd implements && with the truth table of section 17.2: an error on
// one side is masked by false on the other.
func evalAnd(args []algebra.Expression, b Binding, env *Env) (rdf.Term, error) {
	var firstErr error
	for _, a := range args {
		v, err := EvalBool(a, b, env)
		if err != nil {
			if !IsExprError(err) {
				return rdf.Term{}, err
			}
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if !v {
			return termFalse, nil
		}
	}
	if firstErr != nil {
		return rdf.Term{}, firstErr
	}
	return termTrue, nil
}

// evalIf implements IF(cond, then, else): only the chosen branch is
// evaluated; an error in the condition is the result.
func evalIf(args []algebra.Expression, b Binding, env *Env) (rdf.Term, error) {
	if len(args) != 3 {
		return rdf.Term{}, errorf("IF", "takes three arguments")
	}
	v, err := EvalBool(args[0], b, env)
	if err != nil {
		return rdf.Term{}, err
	}
	if v {
		return Eval(args[1], b, env)
	}
	return Eval(args[2], b, env)
}

// evalCoalesce returns the value of the first argument that evaluates
// without error.
func evalCoalesce(args []algebra.Expression, b Binding, env *Env) (rdf.Term, error) {
	for _, a := range args {
		t, err := Eval(a, b, env)
		if err == nil {
			return t, nil
		}
		if !IsExprError(err) {
			return rdf.Term{}, err
		}
	}
	return rdf.Term{}, errorf("COALESCE", "no argument has a value")
}

// evalBound implements BOUND(?v).
func evalBound(args []algebra.Expression, b Binding) (rdf.Term, error) {
	if len(args) != 1 {
		return rdf.Term{}, errorf("BOUND", "takes one argument")
	}
	v, ok := args[0].(*algebra.Var)
	if !ok {
		return rdf.Term{}, errorf("BOUND", "argument is not a variable")
	}
	if b == nil {
		return termFalse, nil
	}
	t, ok := b.Get(v.Name)
	return Bool(ok && !t.IsZero()), nil
}

// evalIn implements IN and NOT IN (section 17.4.1.9 and 17.4.1.10): the
// tested value is compared with = to each member in turn; a match decides,
// and otherwise an error in any comparison is the result.
func evalIn(args []algebra.Expression, b Binding, env *Env, not bool) (rdf.Term, error) {
	op := "IN"
	if not {
		op = "NOT IN"
	}
	if len(args) == 0 {
		return rdf.Term{}, errorf(op, "missing operand")
	}
	x, err := Eval(args[0], b, env)
	if err != nil {
		return rdf.Term{}, err
	}
	var firstErr error
	for _, a := range args[1:] {
		y, err := Eval(a, b, env)
		if err == nil {
			var eq bool
			eq, err = Equal(x, y)
			if err == nil && eq {
				return Bool(!not), nil
			}
		}
		if err != nil {
			if !IsExprError(err) {
				return rdf.Term{}, err
			}
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	if firstErr != nil {
		return rdf.Term{}, firstErr
	}
	return Bool(not), nil
}
