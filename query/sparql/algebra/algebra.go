// Package algebra is the SPARQL 1.1 algebra of the Recommendation's
// section 18: the operators a query is translated into before it is
// optimised and evaluated, and Translate, which turns a parsed query into
// them following section 18.2.
//
// The operators form a closed set of structs implementing Operator; the
// expressions a closed set implementing Expression. Every node prints as an
// S-expression (Format), in the style of the Recommendation's examples, for
// EXPLAIN output and tests.
//
// Variables introduced by the translation are never projectable and cannot
// clash with a query's variables, because their names start with a
// character a SPARQL variable name cannot start with: blank nodes of
// patterns become variables named "_:" followed by the label (see
// BlankVar), and the fresh variables of property path sequences and
// aggregates are named "." followed by a number.
package algebra

import (
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/parser"
)

// Term is a position of a triple pattern: a variable or an RDF term.
type Term = parser.Term

// BlankVar returns the name of the variable that stands for the blank node
// label in a pattern (section 18.2.1: blank nodes in patterns act as
// non-distinguished variables).
func BlankVar(label string) string { return "_:" + label }

// IsFreshVar reports whether a variable name was introduced by the
// translation (a blank node, a path step or an aggregate) rather than
// written in the query. Such variables are never projected.
func IsFreshVar(name string) bool {
	return name != "" && (name[0] == '.' || name[0] == '_' && len(name) > 1 && name[1] == ':')
}

// Operator is a node of the algebra: one of *BGP, *PathPattern, *Join,
// *LeftJoin, *Filter, *Union, *Graph, *Extend, *Minus, *Table, *Service,
// *Group, *OrderBy, *Project, *Distinct, *Reduced, *Slice, or the
// evaluator's *PropertyCall.
type Operator interface {
	// String formats the operator tree as an S-expression (see Format).
	String() string
	operator()
}

// TriplePattern is a triple pattern (section 18.1.3).
type TriplePattern struct {
	S, P, O Term
}

// BGP is a basic graph pattern (section 18.1.4): a set of triple patterns
// matched together. An empty BGP matches once with no bindings.
type BGP struct {
	Patterns []TriplePattern
}

// PathPattern is Path(X, path, Y) of section 18.1.7: a property path
// between two terms that could not be reduced to triple patterns.
type PathPattern struct {
	S    Term
	Path PathExpr
	O    Term
}

// Join is Join(Left, Right) (section 18.5).
type Join struct {
	Left, Right Operator
}

// LeftJoin is LeftJoin(Left, Right, Expr) (section 18.5): OPTIONAL. Expr
// is the filter of the optional part; nil means true.
type LeftJoin struct {
	Left, Right Operator
	Expr        Expression
}

// Filter is Filter(expr, Input) (section 18.5). Exprs is the conjunction
// of the group's FILTER expressions, in order.
type Filter struct {
	Exprs []Expression
	Input Operator
}

// Union is Union(Left, Right) (section 18.5).
type Union struct {
	Left, Right Operator
}

// Graph is Graph(Name, Input) (section 18.5): evaluate Input in the named
// graph Name, a variable or an IRI.
type Graph struct {
	Name  Term
	Input Operator
}

// Extend is Extend(Input, Var, Expr) (section 18.5): BIND and SELECT
// expressions.
type Extend struct {
	Input Operator
	Var   string
	Expr  Expression
}

// Minus is Minus(Left, Right) (section 18.5).
type Minus struct {
	Left, Right Operator
}

// Table is inline data (VALUES, section 18.2.2.6 and 18.2.4.3), and the
// empty pattern Z of section 18.2.2.6 when it has no variables and one
// empty row (see Unit). An undefined value is the zero rdf.Term.
type Table struct {
	Vars []string
	Rows [][]rdf.Term
}

// Service is a SERVICE pattern of SPARQL 1.1 Federated Query; it is parsed
// and translated but left to the evaluator to refuse or execute.
type Service struct {
	Silent bool
	Name   Term
	Input  Operator
}

// Group is the grouping and aggregation of section 18.2.4.1: it stands for
// AggregateJoin(Aggregation(…, Group(Keys, Input)), …). It partitions the
// solutions of Input by the values of Keys (one group of everything when
// Keys is empty) and yields one solution per group binding each
// Aggregates[i].Var to the aggregate's value over the group, and each key
// that has a Var (GROUP BY ?x or GROUP BY (expr AS ?x)) to the key value.
type Group struct {
	Keys       []GroupKey
	Aggregates []AggregateBinding
	Input      Operator
}

// GroupKey is one GROUP BY expression; Var is the variable it binds, or ""
// for an expression without AS.
type GroupKey struct {
	Var  string
	Expr Expression
}

// AggregateBinding is one aggregate of a grouped query bound to the fresh
// variable that replaced it in the SELECT, HAVING and ORDER BY expressions.
type AggregateBinding struct {
	Var       string
	Aggregate Aggregate
}

// Aggregate is a set function of section 18.5.1: Name is COUNT, SUM, MIN,
// MAX, AVG, SAMPLE or GROUP_CONCAT; Arg is nil for COUNT(*); Separator is
// GROUP_CONCAT's separator (a single space by default).
type Aggregate struct {
	Name      string
	Distinct  bool
	Arg       Expression
	Separator string
}

// OrderBy is OrderBy(Input, Conditions) (section 18.5).
type OrderBy struct {
	Conditions []OrderCondition
	Input      Operator
}

// OrderCondition is one ORDER BY key.
type OrderCondition struct {
	Expr Expression
	Desc bool
}

// Project is Project(Input, Vars) (section 18.5).
type Project struct {
	Vars  []string
	Input Operator
}

// Distinct is Distinct(Input) (section 18.5).
type Distinct struct {
	Input Operator
}

// Reduced is Reduced(Input) (section 18.5).
type Reduced struct {
	Input Operator
}

// Slice is Slice(Input, Offset, Limit) (section 18.5); Limit is -1 for no
// limit, Offset 0 for none.
type Slice struct {
	Offset, Limit int64
	Input         Operator
}

func (*BGP) operator()         {}
func (*PathPattern) operator() {}
func (*Join) operator()        {}
func (*LeftJoin) operator()    {}
func (*Filter) operator()      {}
func (*Union) operator()       {}
func (*Graph) operator()       {}
func (*Extend) operator()      {}
func (*Minus) operator()       {}
func (*Table) operator()       {}
func (*Service) operator()     {}
func (*Group) operator()       {}
func (*OrderBy) operator()     {}
func (*Project) operator()     {}
func (*Distinct) operator()    {}
func (*Reduced) operator()     {}
func (*Slice) operator()       {}

// Unit returns the empty pattern Z: a table with one solution that binds
// nothing, the identity of Join.
func Unit() *Table { return &Table{Rows: [][]rdf.Term{{}}} }

// IsUnit reports whether op is the empty pattern Z.
func IsUnit(op Operator) bool {
	t, ok := op.(*Table)
	return ok && len(t.Vars) == 0 && len(t.Rows) == 1
}

// PathExpr is a property path expression of section 18.1.7: one of Link,
// *Inverse, *Sequence, *Alternative, *ZeroOrMore, *OneOrMore, *ZeroOrOne,
// *NegatedPropertySet.
type PathExpr interface {
	String() string
	pathExpr()
}

// Link is link(iri): one step along the predicate IRI.
type Link string

// Inverse is inv(path).
type Inverse struct{ Path PathExpr }

// Sequence is seq(Left, Right).
type Sequence struct{ Left, Right PathExpr }

// Alternative is alt(Left, Right).
type Alternative struct{ Left, Right PathExpr }

// ZeroOrMore is ZeroOrMorePath(path): path*.
type ZeroOrMore struct{ Path PathExpr }

// OneOrMore is OneOrMorePath(path): path+.
type OneOrMore struct{ Path PathExpr }

// ZeroOrOne is ZeroOrOnePath(path): path?.
type ZeroOrOne struct{ Path PathExpr }

// NegatedPropertySet is NPS({iri, ...}): one step along any predicate not
// in IRIs. Inverse members of a negated set are translated to
// inv(NPS(...)) (section 18.2.2.3).
type NegatedPropertySet struct{ IRIs []string }

func (Link) pathExpr()                {}
func (*Inverse) pathExpr()            {}
func (*Sequence) pathExpr()           {}
func (*Alternative) pathExpr()        {}
func (*ZeroOrMore) pathExpr()         {}
func (*OneOrMore) pathExpr()          {}
func (*ZeroOrOne) pathExpr()          {}
func (*NegatedPropertySet) pathExpr() {}

// Expression is an expression of section 17 after translation: one of
// *Var, *Const, *Call, *FunctionCall, *Exists. Aggregates do not appear:
// translation replaces them by the variables of Group.Aggregates.
type Expression interface {
	String() string
	expression()
}

// Var is a variable in an expression.
type Var struct{ Name string }

// Const is an RDF term in an expression.
type Const struct{ Value rdf.Term }

// Call applies an operator or a built-in function. Func is the operator
// ("||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "!";
// "+" and "-" with one argument are the unary forms), "IN" or "NOT IN"
// (Args[0] is the tested value, the rest the list), or the upper-case name
// of a built-in function of rule BuiltInCall, e.g. "STRLEN".
type Call struct {
	Func string
	Args []Expression
}

// FunctionCall calls a function named by an IRI: an XSD cast or an
// extension function.
type FunctionCall struct {
	IRI      string
	Args     []Expression
	Distinct bool
}

// Exists is EXISTS or NOT EXISTS with its translated pattern (section
// 18.2.2.6: the pattern is translated like any group).
type Exists struct {
	Not     bool
	Pattern Operator
}

func (*Var) expression()          {}
func (*Const) expression()        {}
func (*Call) expression()         {}
func (*FunctionCall) expression() {}
func (*Exists) expression()       {}

// Query is a translated query: the algebra expression of its WHERE clause
// and solution modifiers, and what the query form does with the solutions.
type Query struct {
	Form parser.Form
	Op   Operator

	// Vars are the projected variables of a SELECT query, in order.
	Vars []string
	// Template is the CONSTRUCT template; its blank nodes stay blank
	// nodes (a fresh one per solution).
	Template []TriplePattern
	// Describe lists the resources of a DESCRIBE query (variables or
	// IRIs); with DESCRIBE * it holds the in-scope variables.
	Describe []Term

	// From and FromNamed are the dataset clauses.
	From, FromNamed []string
}
