// Package expr evaluates SPARQL 1.1 expressions (section 17 of the
// Recommendation): the logical and comparison operators, arithmetic with
// XPath numeric type promotion, the built-in functions, XSD casts and the
// set functions (aggregates) of section 18.5.1.
//
// Values are RDF terms throughout: Eval takes the expression of the
// algebra and a solution and returns an rdf.Term. A SPARQL "type error"
// (an unbound variable, an argument of the wrong type, division of an
// integer by zero, ...) is returned as an *Error; callers treat it as the
// Recommendation says (a FILTER rejects the solution, BIND leaves the
// variable unbound). Any other error, such as one returned by Env.Exists,
// is not an expression error and must abort the query.
//
// Numbers follow XPath: xsd:integer (and its derived types) is exact at any
// size, xsd:decimal is an exact decimal, xsd:float and xsd:double are IEEE
// floats. Results are written in the XSD 1.0 canonical form ("1.0" for a
// whole decimal, "1.5E0" for a double), so callers comparing results with
// other engines must compare numbers by value, not by lexical form.
package expr

import (
	"errors"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
)

// Binding is a solution: the values of the variables in scope. Get reports
// false for an unbound variable.
type Binding interface {
	Get(v string) (rdf.Term, bool)
}

// Env is the context of an evaluation that does not change from one
// solution to the next.
type Env struct {
	// Now is the time NOW() returns; it should be fixed once per query so
	// that every call returns the same value. The zero Time means the
	// wall clock at the call.
	Now time.Time
	// BaseIRI resolves relative IRIs in IRI() and URI().
	BaseIRI string
	// Exists evaluates the pattern of EXISTS and NOT EXISTS with the
	// variables of b substituted (section 18.6). Its errors are returned
	// unchanged by Eval (they are not expression errors). A nil Exists
	// makes EXISTS an expression error.
	Exists func(p algebra.Operator, b Binding) (bool, error)
	// BNodes is the scope of BNODE(str): within one scope the same string
	// yields the same blank node. The Recommendation scopes it to one
	// solution, so the evaluator should use a fresh scope (or Reset it)
	// per solution. A nil BNodes gives a fresh blank node on every call.
	BNodes *BNodeScope
}

// now returns the time NOW() stands for.
func (env *Env) now() time.Time {
	if env == nil || env.Now.IsZero() {
		return time.Now()
	}
	return env.Now
}

// Error is an expression evaluation error: what the Recommendation calls a
// type error. Op names the operator or function that failed.
type Error struct {
	Op  string
	Msg string
}

func (e *Error) Error() string { return "sparql: " + e.Op + ": " + e.Msg }

// IsExprError reports whether err is (or wraps) an expression error, as
// opposed to an error that must abort the evaluation.
func IsExprError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}

func errorf(op, msg string) error { return &Error{Op: op, Msg: msg} }

// errUnbound is returned for every unbound variable; it is shared because
// unbound variables are the most frequent error of all (OPTIONAL).
var errUnbound = &Error{Op: "variable", Msg: "unbound"}

// Boolean results, shared so that returning them never allocates.
var (
	termTrue  = rdf.Literal("true", rdf.XSDBoolean)
	termFalse = rdf.Literal("false", rdf.XSDBoolean)
)

// Bool returns the xsd:boolean literal for v.
func Bool(v bool) rdf.Term {
	if v {
		return termTrue
	}
	return termFalse
}

// BNodeScope maps the strings given to BNODE(str) to blank nodes, so that
// within one solution the same string yields the same node.
type BNodeScope struct {
	labels map[string]rdf.Term
}

// NewBNodeScope returns an empty scope.
func NewBNodeScope() *BNodeScope { return &BNodeScope{} }

// Reset empties the scope for the next solution.
func (s *BNodeScope) Reset() { clear(s.labels) }

func (s *BNodeScope) get(key string) rdf.Term {
	if t, ok := s.labels[key]; ok {
		return t
	}
	if s.labels == nil {
		s.labels = make(map[string]rdf.Term)
	}
	t := NewBlank()
	s.labels[key] = t
	return t
}

// bnodeCounter numbers the blank nodes BNODE creates in this process.
var bnodeCounter atomic.Uint64

// bnodePrefix starts every label NewBlank creates. Blank nodes read from
// the store are labelled "b" followed by hex digits, so a label starting
// with 'q' can never denote one of them; the random part keeps labels of
// different processes apart.
var bnodePrefix = "q" + strconv.FormatUint(uint64(randomUint32()), 36) + "x"

// NewBlank returns a blank node distinct from every blank node of the store
// and from every other blank node NewBlank returned in this process.
func NewBlank() rdf.Term {
	return rdf.Blank(bnodePrefix + strconv.FormatUint(bnodeCounter.Add(1), 36))
}

// Eval evaluates e against the solution b (which may be nil: no variable
// bound). See the package documentation for the errors it returns.
func Eval(e algebra.Expression, b Binding, env *Env) (rdf.Term, error) {
	switch e := e.(type) {
	case *algebra.Var:
		if b == nil {
			return rdf.Term{}, errUnbound
		}
		t, ok := b.Get(e.Name)
		if !ok || t.IsZero() {
			return rdf.Term{}, errUnbound
		}
		return t, nil
	case *algebra.Const:
		return e.Value, nil
	case *algebra.Call:
		return evalCall(e, b, env)
	case *algebra.FunctionCall:
		return evalFunctionCall(e, b, env)
	case *algebra.Exists:
		if env == nil || env.Exists == nil {
			return rdf.Term{}, errorf("EXISTS", "not supported in this context")
		}
		ok, err := env.Exists(e.Pattern, b)
		if err != nil {
			return rdf.Term{}, err
		}
		return Bool(ok != e.Not), nil
	case nil:
		return rdf.Term{}, errorf("expression", "missing")
	}
	return rdf.Term{}, errorf("expression", "unknown expression type")
}

// EvalBool evaluates e and returns its effective boolean value, as FILTER
// needs it.
func EvalBool(e algebra.Expression, b Binding, env *Env) (bool, error) {
	t, err := Eval(e, b, env)
	if err != nil {
		return false, err
	}
	return EBV(t)
}

// maxInlineArgs is the number of arguments evalCall evaluates into an array
// on the stack; calls with more arguments allocate.
const maxInlineArgs = 4

// evalCall evaluates an operator or built-in function call. The special
// forms, whose arguments are not all evaluated first, come first.
func evalCall(c *algebra.Call, b Binding, env *Env) (rdf.Term, error) {
	switch c.Func {
	case "||":
		return evalOr(c.Args, b, env)
	case "&&":
		return evalAnd(c.Args, b, env)
	case "IF":
		return evalIf(c.Args, b, env)
	case "COALESCE":
		return evalCoalesce(c.Args, b, env)
	case "BOUND":
		return evalBound(c.Args, b)
	case "IN":
		return evalIn(c.Args, b, env, false)
	case "NOT IN":
		return evalIn(c.Args, b, env, true)
	}
	var buf [maxInlineArgs]rdf.Term
	args := buf[:0]
	for _, a := range c.Args {
		t, err := Eval(a, b, env)
		if err != nil {
			return rdf.Term{}, err
		}
		args = append(args, t)
	}
	return callBuiltin(c.Func, args, env)
}

// callBuiltin applies the operator or function name to evaluated
// arguments. The parser has checked the number of arguments; it is checked
// again here because algebra trees can be built by hand.
func callBuiltin(name string, args []rdf.Term, env *Env) (rdf.Term, error) {
	if want, ok := arity[name]; ok && (len(args) < want.min || want.max >= 0 && len(args) > want.max) {
		return rdf.Term{}, errorf(name, "wrong number of arguments: "+strconv.Itoa(len(args)))
	}
	switch name {
	// Operators.
	case "!":
		v, err := EBV(args[0])
		if err != nil {
			return rdf.Term{}, err
		}
		return Bool(!v), nil
	case "=", "!=", "<", ">", "<=", ">=":
		return compareOp(name, args[0], args[1])
	case "+", "-":
		if len(args) == 1 {
			return unaryArith(name, args[0])
		}
		return arith(name, args[0], args[1])
	case "*", "/":
		return arith(name, args[0], args[1])

	// Terms (17.4.2).
	case "SAMETERM":
		return Bool(args[0].Equal(args[1])), nil
	case "ISIRI", "ISURI":
		return Bool(args[0].IsIRI()), nil
	case "ISBLANK":
		return Bool(args[0].IsBlank()), nil
	case "ISLITERAL":
		return Bool(args[0].IsLiteral()), nil
	case "ISNUMERIC":
		_, ok := parseNumber(args[0])
		return Bool(ok), nil
	case "STR":
		return fnStr(args[0])
	case "LANG":
		return fnLang(args[0])
	case "DATATYPE":
		return fnDatatype(args[0])
	case "IRI", "URI":
		return fnIRI(name, args[0], env)
	case "BNODE":
		return fnBNode(args, env)
	case "STRDT":
		return fnStrDT(args[0], args[1])
	case "STRLANG":
		return fnStrLang(args[0], args[1])
	case "UUID":
		return rdf.IRI("urn:uuid:" + newUUID()), nil
	case "STRUUID":
		return rdf.String(newUUID()), nil

	// Strings (17.4.3).
	case "STRLEN":
		return fnStrlen(args[0])
	case "SUBSTR":
		return fnSubstr(args)
	case "UCASE":
		return fnCase(name, args[0], true)
	case "LCASE":
		return fnCase(name, args[0], false)
	case "STRSTARTS", "STRENDS", "CONTAINS":
		return fnStringTest(name, args[0], args[1])
	case "STRBEFORE":
		return fnStrBefore(args[0], args[1])
	case "STRAFTER":
		return fnStrAfter(args[0], args[1])
	case "ENCODE_FOR_URI":
		return fnEncodeForURI(args[0])
	case "CONCAT":
		return fnConcat(args)
	case "LANGMATCHES":
		return fnLangMatches(args[0], args[1])
	case "REGEX":
		return fnRegex(args)
	case "REPLACE":
		return fnReplace(args)

	// Numerics (17.4.4).
	case "ABS", "ROUND", "CEIL", "FLOOR":
		return fnRounding(name, args[0])
	case "RAND":
		return fnRand(), nil

	// Dates and times (17.4.5).
	case "NOW":
		return fnNow(env), nil
	case "YEAR", "MONTH", "DAY", "HOURS", "MINUTES", "SECONDS":
		return fnDateTimeField(name, args[0])
	case "TIMEZONE":
		return fnTimezone(args[0])
	case "TZ":
		return fnTZ(args[0])

	// Hashes (17.4.6).
	case "MD5", "SHA1", "SHA256", "SHA384", "SHA512":
		return fnHash(name, args[0])
	}
	return rdf.Term{}, errorf(name, "unknown function")
}

// arity is the number of arguments of each operator and function;
// max -1 means any number.
var arity = map[string]struct{ min, max int }{
	"!": {1, 1}, "=": {2, 2}, "!=": {2, 2}, "<": {2, 2}, ">": {2, 2}, "<=": {2, 2}, ">=": {2, 2},
	"+": {1, 2}, "-": {1, 2}, "*": {2, 2}, "/": {2, 2},
	"SAMETERM": {2, 2}, "ISIRI": {1, 1}, "ISURI": {1, 1}, "ISBLANK": {1, 1}, "ISLITERAL": {1, 1},
	"ISNUMERIC": {1, 1}, "STR": {1, 1}, "LANG": {1, 1}, "DATATYPE": {1, 1}, "IRI": {1, 1}, "URI": {1, 1},
	"BNODE": {0, 1}, "STRDT": {2, 2}, "STRLANG": {2, 2}, "UUID": {0, 0}, "STRUUID": {0, 0},
	"STRLEN": {1, 1}, "SUBSTR": {2, 3}, "UCASE": {1, 1}, "LCASE": {1, 1}, "STRSTARTS": {2, 2},
	"STRENDS": {2, 2}, "CONTAINS": {2, 2}, "STRBEFORE": {2, 2}, "STRAFTER": {2, 2},
	"ENCODE_FOR_URI": {1, 1}, "CONCAT": {0, -1}, "LANGMATCHES": {2, 2}, "REGEX": {2, 3}, "REPLACE": {3, 4},
	"ABS": {1, 1}, "ROUND": {1, 1}, "CEIL": {1, 1}, "FLOOR": {1, 1}, "RAND": {0, 0},
	"NOW": {0, 0}, "YEAR": {1, 1}, "MONTH": {1, 1}, "DAY": {1, 1}, "HOURS": {1, 1}, "MINUTES": {1, 1},
	"SECONDS": {1, 1}, "TIMEZONE": {1, 1}, "TZ": {1, 1},
	"MD5": {1, 1}, "SHA1": {1, 1}, "SHA256": {1, 1}, "SHA384": {1, 1}, "SHA512": {1, 1},
}

// evalFunctionCall evaluates a function named by an IRI: the XSD casts.
func evalFunctionCall(c *algebra.FunctionCall, b Binding, env *Env) (rdf.Term, error) {
	if !isCastTarget(c.IRI) {
		return rdf.Term{}, errorf("<"+c.IRI+">", "unknown function")
	}
	if len(c.Args) != 1 {
		return rdf.Term{}, errorf("<"+c.IRI+">", "a cast takes one argument")
	}
	t, err := Eval(c.Args[0], b, env)
	if err != nil {
		return rdf.Term{}, err
	}
	return Cast(t, c.IRI)
}
