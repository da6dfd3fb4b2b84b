package parser

import (
	"github.com/kplane/kplane/graph/rdf"
)

// Pos is a position in the query text: 1-based line and column (in runes).
type Pos struct {
	Line, Col int
}

// Term is a position of a triple pattern or a template: a variable or an
// RDF term. Exactly one of Var and Value is set. Blank nodes written in the
// query ("_:x", "[]", collections) are RDF blank node terms here; labels the
// parser generates start with '-' so that they never equal a written label.
type Term struct {
	Var   string   // variable name without '?' or '$'
	Value rdf.Term // an IRI, a literal or a blank node when Var is empty
}

// Variable returns the Term for the variable name.
func Variable(name string) Term { return Term{Var: name} }

// Const returns the Term for the RDF term t.
func Const(t rdf.Term) Term { return Term{Value: t} }

// IsVar reports whether t is a variable.
func (t Term) IsVar() bool { return t.Var != "" }

// IsZero reports whether t is unset.
func (t Term) IsZero() bool { return t.Var == "" && t.Value.IsZero() }

// String formats t as in SPARQL: "?name" or N-Triples syntax.
func (t Term) String() string {
	if t.Var != "" {
		return "?" + t.Var
	}
	return t.Value.String()
}

// Form is the form of a query.
type Form uint8

// The four query forms (section 16).
const (
	Select Form = iota
	Construct
	Ask
	Describe
)

// String returns the form's keyword.
func (f Form) String() string {
	switch f {
	case Construct:
		return "CONSTRUCT"
	case Ask:
		return "ASK"
	case Describe:
		return "DESCRIBE"
	}
	return "SELECT"
}

// Prologue holds the BASE and PREFIX declarations in effect for a query or
// an update operation, in order of appearance.
type Prologue struct {
	Base     string            // final base IRI, "" if none
	Prefixes []PrefixDecl      // declarations in source order
	prefixes map[string]string // prefix → namespace IRI as currently declared
}

// Namespace returns the namespace IRI the prefix (without ':') is bound to.
func (p *Prologue) Namespace(prefix string) (string, bool) {
	ns, ok := p.prefixes[prefix]
	return ns, ok
}

// PrefixDecl is one PREFIX declaration.
type PrefixDecl struct {
	Prefix string // without the trailing ':'
	IRI    string // resolved namespace IRI
	Pos    Pos
}

// Query is a parsed SPARQL query (rule Query), or a subquery (rule
// SubSelect, where Prologue and Dataset are empty).
type Query struct {
	Prologue Prologue
	Form     Form
	Pos      Pos // position of the query form keyword

	// SELECT
	Distinct   bool
	Reduced    bool
	Star       bool         // SELECT * or DESCRIBE *
	Projection []Projection // SELECT list, in order; empty with Star

	// CONSTRUCT: the template, or nil with ConstructWhere, where the WHERE
	// clause's triples are the template (CONSTRUCT WHERE { ... }).
	Template       []TriplePattern
	ConstructWhere bool

	// DESCRIBE: the resources listed (variables or IRIs); empty with Star.
	DescribeTerms []Term

	Dataset []DatasetClause // FROM and FROM NAMED clauses
	Where   *GroupPattern   // nil only for DESCRIBE without WHERE

	GroupBy []GroupCondition
	Having  []Expr
	OrderBy []OrderCondition
	Limit   int64 // -1 when absent
	Offset  int64 // -1 when absent

	Values *ValuesBlock // trailing VALUES clause, or nil
}

// Projection is one item of a SELECT list: a variable, or an expression
// bound to a variable with (expr AS ?var).
type Projection struct {
	Var  string
	Expr Expr // nil for a plain variable
	Pos  Pos
}

// DatasetClause is FROM <iri> or FROM NAMED <iri>.
type DatasetClause struct {
	IRI   string
	Named bool
}

// GroupCondition is one GROUP BY key: an expression, optionally bound to a
// variable with (expr AS ?var). A plain variable is a *VarExpr.
type GroupCondition struct {
	Expr Expr
	Var  string
}

// OrderCondition is one ORDER BY key.
type OrderCondition struct {
	Expr Expr
	Desc bool
}

// ValuesBlock is inline data (VALUES, section 10.2). An undefined value
// (UNDEF) is the zero rdf.Term.
type ValuesBlock struct {
	Vars []string
	Rows [][]rdf.Term
	Pos  Pos
}

// TriplePattern is a triple pattern or a property path pattern. Predicate
// is set for a variable or an IRI predicate; Path is set instead when the
// predicate is a property path other than a single IRI.
type TriplePattern struct {
	Subject   Term
	Predicate Term
	Path      Path
	Object    Term
}

// Pattern is an element of a group graph pattern (rule
// GroupGraphPatternSub): one of *TriplesBlock, *Filter, *Optional, *Minus,
// *Union, *Graph, *Service, *Bind, *InlineValues, *GroupPattern.
type Pattern interface {
	patternNode()
}

// GroupPattern is a group graph pattern '{ ... }'. When SubQuery is set the
// group is a subquery and Elements is empty.
type GroupPattern struct {
	Elements []Pattern
	SubQuery *Query
	Pos      Pos
}

// TriplesBlock is a run of triple patterns (rule TriplesBlock).
type TriplesBlock struct {
	Triples []TriplePattern
	Pos     Pos
}

// Filter is FILTER(expr).
type Filter struct {
	Expr Expr
	Pos  Pos
}

// Optional is OPTIONAL { ... }.
type Optional struct {
	Group *GroupPattern
	Pos   Pos
}

// Minus is MINUS { ... }.
type Minus struct {
	Group *GroupPattern
	Pos   Pos
}

// Union is { ... } UNION { ... } [UNION ...], with two or more groups.
type Union struct {
	Groups []*GroupPattern
	Pos    Pos
}

// Graph is GRAPH name { ... }; Name is a variable or an IRI.
type Graph struct {
	Name  Term
	Group *GroupPattern
	Pos   Pos
}

// Service is SERVICE [SILENT] name { ... }.
type Service struct {
	Silent bool
	Name   Term
	Group  *GroupPattern
	Pos    Pos
}

// Bind is BIND(expr AS ?var).
type Bind struct {
	Expr Expr
	Var  string
	Pos  Pos
}

// InlineValues is a VALUES block inside a group.
type InlineValues struct {
	Values *ValuesBlock
}

func (*GroupPattern) patternNode() {}
func (*TriplesBlock) patternNode() {}
func (*Filter) patternNode()       {}
func (*Optional) patternNode()     {}
func (*Minus) patternNode()        {}
func (*Union) patternNode()        {}
func (*Graph) patternNode()        {}
func (*Service) patternNode()      {}
func (*Bind) patternNode()         {}
func (*InlineValues) patternNode() {}

// Path is a property path expression (section 9): one of PathIRI,
// *PathInverse, *PathSequence, *PathAlternative, *PathMod, *PathNegated.
type Path interface {
	pathNode()
}

// PathIRI is a single IRI step.
type PathIRI string

// PathInverse is ^path.
type PathInverse struct{ Path Path }

// PathSequence is path1 / path2 / ... (two or more).
type PathSequence struct{ Paths []Path }

// PathAlternative is path1 | path2 | ... (two or more).
type PathAlternative struct{ Paths []Path }

// PathMod is path?, path* or path+; Mod is '?', '*' or '+'.
type PathMod struct {
	Path Path
	Mod  byte
}

// PathNegated is a negated property set !(iri | ^iri | ...).
type PathNegated struct{ Items []NegatedItem }

// NegatedItem is one IRI of a negated property set, possibly inverse.
type NegatedItem struct {
	IRI     string
	Inverse bool
}

func (PathIRI) pathNode()          {}
func (*PathInverse) pathNode()     {}
func (*PathSequence) pathNode()    {}
func (*PathAlternative) pathNode() {}
func (*PathMod) pathNode()         {}
func (*PathNegated) pathNode()     {}

// Expr is an expression (section 17): one of *VarExpr, *ConstExpr,
// *BinaryExpr, *UnaryExpr, *CallExpr, *InExpr, *ExistsExpr, *AggregateExpr.
type Expr interface {
	exprNode()
}

// VarExpr is a variable in an expression.
type VarExpr struct {
	Name string
	Pos  Pos
}

// ConstExpr is an RDF term (IRI or literal) in an expression.
type ConstExpr struct {
	Value rdf.Term
	Pos   Pos
}

// BinaryExpr is a binary operator: "||", "&&", "=", "!=", "<", ">", "<=",
// ">=", "+", "-", "*", "/".
type BinaryExpr struct {
	Op   string
	X, Y Expr
	Pos  Pos
}

// UnaryExpr is "!", unary "+" or unary "-".
type UnaryExpr struct {
	Op  string
	X   Expr
	Pos Pos
}

// CallExpr is a call of a built-in function (Name is its upper-case name,
// e.g. "STRLEN", and IRI is empty) or of a function named by an IRI
// (extension functions and casts such as xsd:integer(?x); Name is empty).
// Distinct records the optional DISTINCT of an IRI call (rule ArgList).
type CallExpr struct {
	Name     string
	IRI      string
	Args     []Expr
	Distinct bool
	Pos      Pos
}

// InExpr is X [NOT] IN (list).
type InExpr struct {
	X    Expr
	List []Expr
	Not  bool
	Pos  Pos
}

// ExistsExpr is [NOT] EXISTS { ... }.
type ExistsExpr struct {
	Not   bool
	Group *GroupPattern
	Pos   Pos
}

// AggregateExpr is an aggregate call (rule Aggregate). Name is COUNT, SUM,
// MIN, MAX, AVG, SAMPLE or GROUP_CONCAT. Arg is nil for COUNT(*).
// Separator is GROUP_CONCAT's separator; HasSeparator says whether one was
// given (the default is a single space).
type AggregateExpr struct {
	Name         string
	Distinct     bool
	Arg          Expr
	Separator    string
	HasSeparator bool
	Pos          Pos
}

func (*VarExpr) exprNode()       {}
func (*ConstExpr) exprNode()     {}
func (*BinaryExpr) exprNode()    {}
func (*UnaryExpr) exprNode()     {}
func (*CallExpr) exprNode()      {}
func (*InExpr) exprNode()        {}
func (*ExistsExpr) exprNode()    {}
func (*AggregateExpr) exprNode() {}
