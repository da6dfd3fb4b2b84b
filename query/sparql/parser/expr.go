package parser

import (
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// arity gives the number of arguments a built-in function accepts. max < 0
// means any number (rule ExpressionList).
type arity struct{ min, max int }

// builtins lists the functions of rule BuiltInCall, by upper-case name.
// EXISTS, NOT EXISTS and the aggregates are parsed separately.
var builtins = map[string]arity{
	"STR": {1, 1}, "LANG": {1, 1}, "LANGMATCHES": {2, 2}, "DATATYPE": {1, 1},
	"BOUND": {1, 1}, "IRI": {1, 1}, "URI": {1, 1}, "BNODE": {0, 1},
	"RAND": {0, 0}, "ABS": {1, 1}, "CEIL": {1, 1}, "FLOOR": {1, 1}, "ROUND": {1, 1},
	"CONCAT": {0, -1}, "SUBSTR": {2, 3}, "STRLEN": {1, 1}, "REPLACE": {3, 4},
	"UCASE": {1, 1}, "LCASE": {1, 1}, "ENCODE_FOR_URI": {1, 1}, "CONTAINS": {2, 2},
	"STRSTARTS": {2, 2}, "STRENDS": {2, 2}, "STRBEFORE": {2, 2}, "STRAFTER": {2, 2},
	"YEAR": {1, 1}, "MONTH": {1, 1}, "DAY": {1, 1}, "HOURS": {1, 1}, "MINUTES": {1, 1},
	"SECONDS": {1, 1}, "TIMEZONE": {1, 1}, "TZ": {1, 1}, "NOW": {0, 0},
	"UUID": {0, 0}, "STRUUID": {0, 0}, "MD5": {1, 1}, "SHA1": {1, 1},
	"SHA256": {1, 1}, "SHA384": {1, 1}, "SHA512": {1, 1}, "COALESCE": {0, -1},
	"IF": {3, 3}, "STRLANG": {2, 2}, "STRDT": {2, 2}, "SAMETERM": {2, 2},
	"ISIRI": {1, 1}, "ISURI": {1, 1}, "ISBLANK": {1, 1}, "ISLITERAL": {1, 1},
	"ISNUMERIC": {1, 1}, "REGEX": {2, 3},
}

// aggregates lists the aggregate function names (rule Aggregate).
var aggregates = map[string]bool{
	"COUNT": true, "SUM": true, "MIN": true, "MAX": true, "AVG": true,
	"SAMPLE": true, "GROUP_CONCAT": true,
}

// startsCall reports whether the next tokens are a BuiltInCall or a
// FunctionCall (the forms allowed in Constraint).
func (p *parser) startsCall() bool {
	t := p.peek()
	if t.kind == tokKeyword {
		name := strings.ToUpper(t.text)
		if _, ok := builtins[name]; ok || aggregates[name] || name == "EXISTS" || name == "NOT" {
			return true
		}
		return false
	}
	return isIRIToken(t) && p.peek2().isPunct("(")
}

// constraint parses rule Constraint: a bracketted expression, a built-in
// call or a function call.
func (p *parser) constraint() (Expr, error) {
	if p.peek().isPunct("(") {
		return p.bracketted()
	}
	if !p.startsCall() {
		return nil, p.unexpected("'(' or a function call")
	}
	return p.primary()
}

// bracketted parses '(' Expression ')'.
func (p *parser) bracketted() (Expr, error) {
	if _, err := p.expectPunct("(", ""); err != nil {
		return nil, err
	}
	e, err := p.expression()
	if err != nil {
		return nil, err
	}
	if _, err := p.expectPunct(")", "to close the expression"); err != nil {
		return nil, err
	}
	return e, nil
}

// expression parses rule Expression.
func (p *parser) expression() (Expr, error) {
	x, err := p.andExpr()
	if err != nil {
		return nil, err
	}
	for p.peek().isPunct("||") {
		t, _ := p.next()
		y, err := p.andExpr()
		if err != nil {
			return nil, err
		}
		x = &BinaryExpr{Op: "||", X: x, Y: y, Pos: t.pos()}
	}
	return x, nil
}

func (p *parser) andExpr() (Expr, error) {
	x, err := p.relational()
	if err != nil {
		return nil, err
	}
	for p.peek().isPunct("&&") {
		t, _ := p.next()
		y, err := p.relational()
		if err != nil {
			return nil, err
		}
		x = &BinaryExpr{Op: "&&", X: x, Y: y, Pos: t.pos()}
	}
	return x, nil
}

func (p *parser) relational() (Expr, error) {
	x, err := p.additive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	switch {
	case t.kind == tokPunct && (t.text == "=" || t.text == "!=" || t.text == "<" || t.text == ">" || t.text == "<=" || t.text == ">="):
		p.next()
		y, err := p.additive()
		if err != nil {
			return nil, err
		}
		return &BinaryExpr{Op: t.text, X: x, Y: y, Pos: t.pos()}, nil
	case t.isKeyword("IN"):
		p.next()
		list, err := p.expressionList()
		if err != nil {
			return nil, err
		}
		return &InExpr{X: x, List: list, Pos: t.pos()}, nil
	case t.isKeyword("NOT") && p.peek2().isKeyword("IN"):
		p.next()
		p.next()
		list, err := p.expressionList()
		if err != nil {
			return nil, err
		}
		return &InExpr{X: x, List: list, Not: true, Pos: t.pos()}, nil
	}
	return x, nil
}

// expressionList parses rule ExpressionList: NIL or a parenthesised,
// comma-separated list.
func (p *parser) expressionList() ([]Expr, error) {
	if _, err := p.expectPunct("(", ""); err != nil {
		return nil, err
	}
	list := []Expr{}
	if p.acceptPunct(")") {
		return list, nil
	}
	for {
		e, err := p.expression()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
		if !p.acceptPunct(",") {
			break
		}
	}
	if _, err := p.expectPunct(")", "to close the argument list"); err != nil {
		return nil, err
	}
	return list, nil
}

func (p *parser) additive() (Expr, error) {
	x, err := p.multiplicative()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if !t.isPunct("+") && !t.isPunct("-") {
			return x, nil
		}
		// "?a -1" lexes in the grammar as ?a followed by the signed
		// literal -1, which rule AdditiveExpression reads as a
		// subtraction; treating the sign as the operator is equivalent.
		p.next()
		y, err := p.multiplicative()
		if err != nil {
			return nil, err
		}
		x = &BinaryExpr{Op: t.text, X: x, Y: y, Pos: t.pos()}
	}
}

func (p *parser) multiplicative() (Expr, error) {
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if !t.isPunct("*") && !t.isPunct("/") {
			return x, nil
		}
		p.next()
		y, err := p.unary()
		if err != nil {
			return nil, err
		}
		x = &BinaryExpr{Op: t.text, X: x, Y: y, Pos: t.pos()}
	}
}

func (p *parser) unary() (Expr, error) {
	t := p.peek()
	switch {
	case t.isPunct("!"):
		p.next()
		x, err := p.primary()
		if err != nil {
			return nil, err
		}
		return &UnaryExpr{Op: "!", X: x, Pos: t.pos()}, nil
	case t.isPunct("+") || t.isPunct("-"):
		if nt := p.peek2(); isNumberToken(nt) && nt.off == t.end {
			// A signed numeric literal.
			v, err := p.literal()
			if err != nil {
				return nil, err
			}
			return &ConstExpr{Value: v, Pos: t.pos()}, nil
		}
		p.next()
		x, err := p.primary()
		if err != nil {
			return nil, err
		}
		return &UnaryExpr{Op: t.text, X: x, Pos: t.pos()}, nil
	}
	return p.primary()
}

// primary parses rule PrimaryExpression.
func (p *parser) primary() (Expr, error) {
	t := p.peek()
	switch {
	case t.isPunct("("):
		return p.bracketted()
	case t.kind == tokVar:
		p.next()
		return &VarExpr{Name: t.text, Pos: t.pos()}, nil
	case t.kind == tokString, isNumberToken(t), t.isKeyword("true"), t.isKeyword("false"):
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		return &ConstExpr{Value: v, Pos: t.pos()}, nil
	case isIRIToken(t):
		iri, err := p.iri()
		if err != nil {
			return nil, err
		}
		if !p.peek().isPunct("(") {
			return &ConstExpr{Value: rdf.IRI(iri), Pos: t.pos()}, nil
		}
		call := &CallExpr{IRI: iri, Pos: t.pos()}
		// ArgList: NIL | '(' 'DISTINCT'? Expression (',' Expression)* ')'
		p.next()
		if p.acceptPunct(")") {
			return call, nil
		}
		call.Distinct = p.acceptKeyword("DISTINCT")
		for {
			e, err := p.expression()
			if err != nil {
				return nil, err
			}
			call.Args = append(call.Args, e)
			if !p.acceptPunct(",") {
				break
			}
		}
		if _, err := p.expectPunct(")", "to close the argument list"); err != nil {
			return nil, err
		}
		return call, nil
	case t.kind == tokKeyword:
		return p.builtinCall()
	}
	if _, err := p.peekN(0); err != nil {
		return nil, err
	}
	return nil, p.unexpected("an expression")
}

// builtinCall parses a BuiltInCall, an aggregate or [NOT] EXISTS.
func (p *parser) builtinCall() (Expr, error) {
	t, _ := p.next()
	name := strings.ToUpper(t.text)
	switch {
	case name == "EXISTS":
		g, err := p.groupGraphPattern()
		if err != nil {
			return nil, err
		}
		return &ExistsExpr{Group: g, Pos: t.pos()}, nil
	case name == "NOT":
		if _, err := p.expectKeyword("EXISTS"); err != nil {
			return nil, err
		}
		g, err := p.groupGraphPattern()
		if err != nil {
			return nil, err
		}
		return &ExistsExpr{Not: true, Group: g, Pos: t.pos()}, nil
	case aggregates[name]:
		return p.aggregate(t, name)
	}
	ar, ok := builtins[name]
	if !ok {
		return nil, p.errorAt(t, "expected an expression, found %s", t.describe())
	}
	if !p.peek().isPunct("(") {
		return nil, p.unexpected("'(' after " + name)
	}
	call := &CallExpr{Name: name, Pos: t.pos()}
	if name == "BOUND" {
		p.next()
		vt := p.peek()
		if vt.kind != tokVar {
			return nil, p.unexpected("a variable in BOUND")
		}
		p.next()
		call.Args = []Expr{&VarExpr{Name: vt.text, Pos: vt.pos()}}
		if _, err := p.expectPunct(")", "to close BOUND"); err != nil {
			return nil, err
		}
		return call, nil
	}
	args, err := p.expressionList()
	if err != nil {
		return nil, err
	}
	if len(args) < ar.min || (ar.max >= 0 && len(args) > ar.max) {
		if ar.min == ar.max {
			return nil, p.errorAt(t, "%s takes %d argument(s), found %d", name, ar.min, len(args))
		}
		return nil, p.errorAt(t, "%s takes %d to %d arguments, found %d", name, ar.min, ar.max, len(args))
	}
	call.Args = args
	return call, nil
}

// aggregate parses rule Aggregate after its name.
func (p *parser) aggregate(t token, name string) (Expr, error) {
	if _, err := p.expectPunct("(", "after "+name); err != nil {
		return nil, err
	}
	agg := &AggregateExpr{Name: name, Pos: t.pos()}
	agg.Distinct = p.acceptKeyword("DISTINCT")
	if name == "COUNT" && p.acceptPunct("*") {
		// COUNT(*) has no argument.
	} else {
		e, err := p.expression()
		if err != nil {
			return nil, err
		}
		agg.Arg = e
	}
	if name == "GROUP_CONCAT" && p.acceptPunct(";") {
		if _, err := p.expectKeyword("SEPARATOR"); err != nil {
			return nil, err
		}
		if _, err := p.expectPunct("=", "after SEPARATOR"); err != nil {
			return nil, err
		}
		st := p.peek()
		if st.kind != tokString {
			return nil, p.unexpected("a string after SEPARATOR =")
		}
		p.next()
		agg.Separator, agg.HasSeparator = st.text, true
	}
	if _, err := p.expectPunct(")", "to close "+name); err != nil {
		return nil, err
	}
	return agg, nil
}
