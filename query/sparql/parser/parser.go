// Package parser parses SPARQL 1.1 queries and updates into a syntax tree
// that keeps the structure of the text: prologue, query form, dataset
// clauses, the WHERE clause as nested group patterns, solution modifiers and
// VALUES. It is a hand-written lexer and recursive-descent parser following
// the grammar of the SPARQL 1.1 Query Language, section 19, and of SPARQL
// 1.1 Update, section 3. It also enforces the grammar's static rules: the
// scope of variables bound by BIND and SELECT expressions, where aggregates
// may appear, the projection rules of grouped queries, and blank node label
// scoping.
//
// Package algebra translates the tree into the SPARQL algebra.
package parser

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// ParseQuery parses a SPARQL 1.1 query. base is the IRI against which
// relative IRIs are resolved when the query has no BASE declaration; it may
// be empty. Errors are *rdf.SyntaxError; their columns count characters of
// the query after \u and \U escapes have been replaced (section 19.2).
func ParseQuery(src string, base string) (*Query, error) {
	p, err := newParser(src, base)
	if err != nil {
		return nil, err
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	if err := p.checkQuery(q); err != nil {
		return nil, err
	}
	return q, nil
}

// parser is the state of one parse.
type parser struct {
	lex      lexer
	buf      []token // lookahead tokens
	lexErr   error   // the first lexical error; the lexer stops there
	prologue *Prologue
	bnodes   int // counter for generated blank node labels
}

func newParser(src, base string) (*parser, error) {
	src, err := unescapeCodepoints(src, "")
	if err != nil {
		return nil, err
	}
	p := &parser{lex: lexer{src: src, line: 1, col: 1}}
	p.prologue = &Prologue{Base: base, prefixes: map[string]string{}}
	return p, nil
}

// peekN returns the token n places ahead (0 is the next token).
func (p *parser) peekN(n int) (token, error) {
	for len(p.buf) <= n {
		if p.lexErr != nil {
			return token{}, p.lexErr
		}
		t, err := p.lex.next()
		if err != nil {
			p.lexErr = err
			return t, err
		}
		p.buf = append(p.buf, t)
	}
	return p.buf[n], nil
}

// peek returns the next token without consuming it. On a lexical error it
// returns a punctuation token that matches nothing, so that the caller
// fails and reports the error through unexpected or next, which return it.
func (p *parser) peek() token {
	t, err := p.peekN(0)
	if err != nil {
		return token{kind: tokPunct, text: "\x00invalid", line: t.line, col: t.col}
	}
	return t
}

func (p *parser) peek2() token {
	if _, err := p.peekN(0); err != nil {
		return token{}
	}
	t, err := p.peekN(1)
	if err != nil {
		return token{kind: tokPunct, text: "\x00invalid"}
	}
	return t
}

// next consumes and returns the next token.
func (p *parser) next() (token, error) {
	t, err := p.peekN(0)
	if err != nil {
		return t, err
	}
	p.buf = p.buf[1:]
	return t, nil
}

func (t token) pos() Pos { return Pos{t.line, t.col} }

// errorAt returns a syntax error at token t.
func (p *parser) errorAt(t token, format string, args ...any) error {
	return &rdf.SyntaxError{File: p.lex.file, Line: t.line, Col: t.col, Msg: fmt.Sprintf(format, args...)}
}

// errorPos returns a syntax error at pos.
func (p *parser) errorPos(pos Pos, format string, args ...any) error {
	return &rdf.SyntaxError{File: p.lex.file, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf(format, args...)}
}

// unexpected reports that what was expected is not the next token.
func (p *parser) unexpected(what string) error {
	t, err := p.peekN(0)
	if err != nil {
		return err
	}
	return p.errorAt(t, "expected %s, found %s", what, t.describe())
}

func (t token) isPunct(s string) bool { return t.kind == tokPunct && t.text == s }

func (t token) isKeyword(s string) bool { return t.kind == tokKeyword && strings.EqualFold(t.text, s) }

// acceptPunct consumes the punctuation s if it is next.
func (p *parser) acceptPunct(s string) bool {
	if p.peek().isPunct(s) {
		p.next()
		return true
	}
	return false
}

// acceptKeyword consumes the keyword s if it is next.
func (p *parser) acceptKeyword(s string) bool {
	if p.peek().isKeyword(s) {
		p.next()
		return true
	}
	return false
}

// expectPunct consumes the punctuation s or fails, saying why it was
// expected.
func (p *parser) expectPunct(s, why string) (token, error) {
	t := p.peek()
	if !t.isPunct(s) {
		if why != "" {
			return t, p.unexpected(fmt.Sprintf("'%s' %s", s, why))
		}
		return t, p.unexpected(fmt.Sprintf("'%s'", s))
	}
	return p.next()
}

func (p *parser) expectKeyword(s string) (token, error) {
	t := p.peek()
	if !t.isKeyword(s) {
		return t, p.unexpected(s)
	}
	return p.next()
}

// isNIL reports whether the next two tokens are '(' ')' (the NIL token).
func (p *parser) isNIL() bool { return p.peek().isPunct("(") && p.peek2().isPunct(")") }

// isANON reports whether the next two tokens are '[' ']' (the ANON token).
func (p *parser) isANON() bool { return p.peek().isPunct("[") && p.peek2().isPunct("]") }

// freshBlank returns a blank node with a label no query can write.
func (p *parser) freshBlank() rdf.Term {
	p.bnodes++
	return rdf.Blank("-b" + strconv.Itoa(p.bnodes))
}

// prologueDecls parses BASE and PREFIX declarations into p.prologue.
func (p *parser) prologueDecls() error {
	for {
		t := p.peek()
		switch {
		case t.isKeyword("BASE"):
			p.next()
			it, err := p.next()
			if err != nil {
				return err
			}
			if it.kind != tokIRI {
				return p.errorAt(it, "expected an IRI after BASE, found %s", it.describe())
			}
			iri, err := p.resolve(it)
			if err != nil {
				return err
			}
			p.prologue.Base = iri
		case t.isKeyword("PREFIX"):
			p.next()
			nt, err := p.next()
			if err != nil {
				return err
			}
			if nt.kind != tokPName || nt.local != "" {
				return p.errorAt(nt, "expected a prefix name ending in ':' after PREFIX, found %s", nt.describe())
			}
			// The local part must be empty and directly followed by the
			// IRI; "ex:ex: <...>" lexes as a prefixed name with a local part.
			it, err := p.next()
			if err != nil {
				return err
			}
			if it.kind != tokIRI {
				return p.errorAt(it, "expected an IRI after PREFIX %s:, found %s", nt.text, it.describe())
			}
			iri, err := p.resolve(it)
			if err != nil {
				return err
			}
			p.prologue.prefixes[nt.text] = iri
			p.prologue.Prefixes = append(p.prologue.Prefixes, PrefixDecl{Prefix: nt.text, IRI: iri, Pos: nt.pos()})
		default:
			return nil
		}
	}
}

// resolve returns the absolute IRI of an IRIREF token.
func (p *parser) resolve(t token) (string, error) {
	if p.prologue.Base == "" || rdf.IsAbsoluteIRI(t.text) {
		return t.text, nil
	}
	iri, err := rdf.ResolveIRI(p.prologue.Base, t.text)
	if err != nil {
		return "", p.errorAt(t, "cannot resolve IRI <%s>: %v", t.text, err)
	}
	return iri, nil
}

// iriToken returns the IRI of an IRIREF or prefixed name token.
func (p *parser) iriToken(t token) (string, error) {
	switch t.kind {
	case tokIRI:
		return p.resolve(t)
	case tokPName:
		ns, ok := p.prologue.prefixes[t.text]
		if !ok {
			return "", p.errorAt(t, "undeclared prefix '%s:'", t.text)
		}
		return ns + t.local, nil
	}
	return "", p.errorAt(t, "expected an IRI, found %s", t.describe())
}

// iri parses an IRIREF or a prefixed name.
func (p *parser) iri() (string, error) {
	t := p.peek()
	if t.kind != tokIRI && t.kind != tokPName {
		return "", p.unexpected("an IRI")
	}
	p.next()
	return p.iriToken(t)
}

func isIRIToken(t token) bool { return t.kind == tokIRI || t.kind == tokPName }

// query parses rule Query.
func (p *parser) query() (*Query, error) {
	if err := p.prologueDecls(); err != nil {
		return nil, err
	}
	q := &Query{Limit: -1, Offset: -1}
	t := p.peek()
	q.Pos = t.pos()
	var err error
	switch {
	case t.isKeyword("SELECT"):
		err = p.selectQuery(q, false)
	case t.isKeyword("CONSTRUCT"):
		err = p.constructQuery(q)
	case t.isKeyword("DESCRIBE"):
		err = p.describeQuery(q)
	case t.isKeyword("ASK"):
		p.next()
		q.Form = Ask
		if err = p.datasetClauses(q); err == nil {
			err = p.whereClause(q)
		}
		if err == nil {
			err = p.solutionModifier(q)
		}
	default:
		return nil, p.unexpected("SELECT, CONSTRUCT, DESCRIBE or ASK")
	}
	if err != nil {
		return nil, err
	}
	if q.Values, err = p.valuesClause(); err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tokEOF {
		if _, err := p.peekN(0); err != nil {
			return nil, err
		}
		return nil, p.errorAt(t, "expected end of query, found %s", t.describe())
	}
	q.Prologue = *p.prologue
	return q, nil
}

// selectQuery parses SelectQuery, or SubSelect when sub is set.
func (p *parser) selectQuery(q *Query, sub bool) error {
	p.next() // SELECT
	q.Form = Select
	if p.acceptKeyword("DISTINCT") {
		q.Distinct = true
	} else if p.acceptKeyword("REDUCED") {
		q.Reduced = true
	}
	if p.acceptPunct("*") {
		q.Star = true
	} else {
		for {
			t := p.peek()
			if t.kind == tokVar {
				p.next()
				q.Projection = append(q.Projection, Projection{Var: t.text, Pos: t.pos()})
				continue
			}
			if t.isPunct("(") {
				p.next()
				e, err := p.expression()
				if err != nil {
					return err
				}
				if _, err := p.expectKeyword("AS"); err != nil {
					return err
				}
				vt := p.peek()
				if vt.kind != tokVar {
					return p.unexpected("a variable after AS")
				}
				p.next()
				if _, err := p.expectPunct(")", "to close the SELECT expression"); err != nil {
					return err
				}
				q.Projection = append(q.Projection, Projection{Var: vt.text, Expr: e, Pos: t.pos()})
				continue
			}
			break
		}
		if len(q.Projection) == 0 {
			return p.unexpected("'*', a variable or '(expression AS ?var)' in SELECT")
		}
	}
	if !sub {
		if err := p.datasetClauses(q); err != nil {
			return err
		}
	}
	if err := p.whereClause(q); err != nil {
		return err
	}
	return p.solutionModifier(q)
}

func (p *parser) constructQuery(q *Query) error {
	p.next() // CONSTRUCT
	q.Form = Construct
	if p.peek().isPunct("{") {
		p.next()
		tpl, err := p.triplesTemplate()
		if err != nil {
			return err
		}
		if _, err := p.expectPunct("}", "to close the CONSTRUCT template"); err != nil {
			return err
		}
		q.Template = tpl
		if tpl == nil {
			q.Template = []TriplePattern{}
		}
		if err := p.datasetClauses(q); err != nil {
			return err
		}
		if err := p.whereClause(q); err != nil {
			return err
		}
		return p.solutionModifier(q)
	}
	// CONSTRUCT WHERE { TriplesTemplate }: the template is the pattern.
	if err := p.datasetClauses(q); err != nil {
		return err
	}
	if _, err := p.expectKeyword("WHERE"); err != nil {
		return err
	}
	lb, err := p.expectPunct("{", "to open the CONSTRUCT WHERE pattern")
	if err != nil {
		return err
	}
	tpl, err := p.triplesTemplate()
	if err != nil {
		return err
	}
	if _, err := p.expectPunct("}", "to close the CONSTRUCT WHERE pattern (only triples are allowed there)"); err != nil {
		return err
	}
	q.ConstructWhere = true
	g := &GroupPattern{Pos: lb.pos()}
	if len(tpl) > 0 {
		g.Elements = []Pattern{&TriplesBlock{Triples: tpl, Pos: lb.pos()}}
	}
	q.Where = g
	return p.solutionModifier(q)
}

func (p *parser) describeQuery(q *Query) error {
	p.next() // DESCRIBE
	q.Form = Describe
	if p.acceptPunct("*") {
		q.Star = true
	} else {
		for {
			t := p.peek()
			if t.kind == tokVar {
				p.next()
				q.DescribeTerms = append(q.DescribeTerms, Variable(t.text))
				continue
			}
			if isIRIToken(t) {
				iri, err := p.iri()
				if err != nil {
					return err
				}
				q.DescribeTerms = append(q.DescribeTerms, Const(rdf.IRI(iri)))
				continue
			}
			break
		}
		if len(q.DescribeTerms) == 0 {
			return p.unexpected("'*', a variable or an IRI after DESCRIBE")
		}
	}
	if err := p.datasetClauses(q); err != nil {
		return err
	}
	if t := p.peek(); t.isKeyword("WHERE") || t.isPunct("{") {
		if err := p.whereClause(q); err != nil {
			return err
		}
	}
	return p.solutionModifier(q)
}

func (p *parser) datasetClauses(q *Query) error {
	for p.acceptKeyword("FROM") {
		named := p.acceptKeyword("NAMED")
		iri, err := p.iri()
		if err != nil {
			return err
		}
		q.Dataset = append(q.Dataset, DatasetClause{IRI: iri, Named: named})
	}
	return nil
}

// whereClause parses rule WhereClause: an optional WHERE and a group.
func (p *parser) whereClause(q *Query) error {
	p.acceptKeyword("WHERE")
	g, err := p.groupGraphPattern()
	if err != nil {
		return err
	}
	q.Where = g
	return nil
}

// solutionModifier parses GROUP BY, HAVING, ORDER BY, LIMIT and OFFSET.
func (p *parser) solutionModifier(q *Query) error {
	if p.peek().isKeyword("GROUP") {
		p.next()
		if _, err := p.expectKeyword("BY"); err != nil {
			return err
		}
		for {
			t := p.peek()
			var c GroupCondition
			switch {
			case t.kind == tokVar:
				p.next()
				c.Expr = &VarExpr{Name: t.text, Pos: t.pos()}
			case t.isPunct("("):
				p.next()
				e, err := p.expression()
				if err != nil {
					return err
				}
				c.Expr = e
				if p.acceptKeyword("AS") {
					vt := p.peek()
					if vt.kind != tokVar {
						return p.unexpected("a variable after AS")
					}
					p.next()
					c.Var = vt.text
				}
				if _, err := p.expectPunct(")", "to close the GROUP BY expression"); err != nil {
					return err
				}
			case p.startsCall():
				e, err := p.primary()
				if err != nil {
					return err
				}
				c.Expr = e
			default:
				if len(q.GroupBy) == 0 {
					return p.unexpected("a GROUP BY condition")
				}
			}
			if c.Expr == nil {
				break
			}
			q.GroupBy = append(q.GroupBy, c)
		}
	}
	if p.acceptKeyword("HAVING") {
		for {
			if !p.peek().isPunct("(") && !p.startsCall() {
				if len(q.Having) == 0 {
					return p.unexpected("a HAVING condition")
				}
				break
			}
			e, err := p.constraint()
			if err != nil {
				return err
			}
			q.Having = append(q.Having, e)
		}
	}
	if p.peek().isKeyword("ORDER") {
		p.next()
		if _, err := p.expectKeyword("BY"); err != nil {
			return err
		}
		for {
			t := p.peek()
			var c OrderCondition
			switch {
			case t.isKeyword("ASC") || t.isKeyword("DESC"):
				p.next()
				c.Desc = t.isKeyword("DESC")
				if !p.peek().isPunct("(") {
					return p.unexpected("'(' after " + strings.ToUpper(t.text))
				}
				e, err := p.bracketted()
				if err != nil {
					return err
				}
				c.Expr = e
			case t.kind == tokVar:
				p.next()
				c.Expr = &VarExpr{Name: t.text, Pos: t.pos()}
			case t.isPunct("(") || p.startsCall():
				e, err := p.constraint()
				if err != nil {
					return err
				}
				c.Expr = e
			default:
				if len(q.OrderBy) == 0 {
					return p.unexpected("an ORDER BY condition")
				}
			}
			if c.Expr == nil {
				break
			}
			q.OrderBy = append(q.OrderBy, c)
		}
	}
	for i := 0; i < 2; i++ {
		t := p.peek()
		var dst *int64
		switch {
		case t.isKeyword("LIMIT") && q.Limit < 0:
			dst = &q.Limit
		case t.isKeyword("OFFSET") && q.Offset < 0:
			dst = &q.Offset
		default:
			return nil
		}
		p.next()
		nt := p.peek()
		if nt.kind != tokInteger {
			return p.unexpected("an integer after " + strings.ToUpper(t.text))
		}
		p.next()
		n, err := strconv.ParseInt(nt.text, 10, 64)
		if err != nil {
			return p.errorAt(nt, "%s value %s out of range", strings.ToUpper(t.text), nt.text)
		}
		*dst = n
	}
	return nil
}

// valuesClause parses an optional trailing VALUES clause.
func (p *parser) valuesClause() (*ValuesBlock, error) {
	if !p.peek().isKeyword("VALUES") {
		return nil, nil
	}
	p.next()
	return p.dataBlock()
}

// dataBlock parses rule DataBlock.
func (p *parser) dataBlock() (*ValuesBlock, error) {
	t := p.peek()
	vb := &ValuesBlock{Pos: t.pos()}
	if t.kind == tokVar {
		p.next()
		vb.Vars = []string{t.text}
		if _, err := p.expectPunct("{", "to open the VALUES data"); err != nil {
			return nil, err
		}
		for !p.peek().isPunct("}") {
			v, err := p.dataBlockValue()
			if err != nil {
				return nil, err
			}
			vb.Rows = append(vb.Rows, []rdf.Term{v})
		}
		p.next()
		return vb, nil
	}
	if !t.isPunct("(") {
		return nil, p.unexpected("a variable or '(' after VALUES")
	}
	p.next()
	for {
		vt := p.peek()
		if vt.kind != tokVar {
			break
		}
		p.next()
		vb.Vars = append(vb.Vars, vt.text)
	}
	if _, err := p.expectPunct(")", "to close the VALUES variable list"); err != nil {
		return nil, err
	}
	if _, err := p.expectPunct("{", "to open the VALUES data"); err != nil {
		return nil, err
	}
	for {
		rt := p.peek()
		if rt.isPunct("}") {
			p.next()
			return vb, nil
		}
		if !rt.isPunct("(") {
			return nil, p.unexpected("'(' to start a VALUES row or '}'")
		}
		p.next()
		var row []rdf.Term
		for !p.peek().isPunct(")") {
			v, err := p.dataBlockValue()
			if err != nil {
				return nil, err
			}
			row = append(row, v)
		}
		p.next()
		if len(row) != len(vb.Vars) {
			return nil, p.errorAt(rt, "VALUES row has %d values for %d variables", len(row), len(vb.Vars))
		}
		if row == nil {
			row = []rdf.Term{}
		}
		vb.Rows = append(vb.Rows, row)
	}
}

// dataBlockValue parses rule DataBlockValue; UNDEF is the zero term.
func (p *parser) dataBlockValue() (rdf.Term, error) {
	t := p.peek()
	if t.isKeyword("UNDEF") {
		p.next()
		return rdf.Term{}, nil
	}
	switch {
	case isIRIToken(t):
		iri, err := p.iri()
		return rdf.IRI(iri), err
	case t.kind == tokString, t.kind == tokInteger, t.kind == tokDecimal, t.kind == tokDouble,
		t.isPunct("+"), t.isPunct("-"), t.isKeyword("true"), t.isKeyword("false"):
		return p.literal()
	}
	return rdf.Term{}, p.unexpected("an IRI, a literal or UNDEF in VALUES")
}

// literal parses RDFLiteral, NumericLiteral (with optional sign) or
// BooleanLiteral.
func (p *parser) literal() (rdf.Term, error) {
	t, err := p.next()
	if err != nil {
		return rdf.Term{}, err
	}
	switch {
	case t.kind == tokString:
		nt := p.peek()
		if nt.kind == tokLangTag {
			p.next()
			return rdf.LangLiteral(t.text, nt.text), nil
		}
		if nt.isPunct("^^") {
			p.next()
			dt, err := p.iri()
			if err != nil {
				return rdf.Term{}, err
			}
			return rdf.Literal(t.text, dt), nil
		}
		return rdf.String(t.text), nil
	case t.isKeyword("true"), t.isKeyword("false"):
		return rdf.Literal(strings.ToLower(t.text), rdf.XSDBoolean), nil
	case t.isPunct("+"), t.isPunct("-"):
		nt := p.peek()
		if !isNumberToken(nt) || nt.off != t.end {
			return rdf.Term{}, p.errorAt(t, "expected a number directly after '%s'", t.text)
		}
		p.next()
		return numberTerm(t.text+nt.text, nt.kind), nil
	case isNumberToken(t):
		return numberTerm(t.text, t.kind), nil
	}
	return rdf.Term{}, p.errorAt(t, "expected a literal, found %s", t.describe())
}

func isNumberToken(t token) bool {
	return t.kind == tokInteger || t.kind == tokDecimal || t.kind == tokDouble
}

// numberTerm returns the literal for a numeric token, keeping its lexical
// form as written.
func numberTerm(lex string, k tokenKind) rdf.Term {
	switch k {
	case tokDecimal:
		return rdf.Literal(lex, rdf.XSDDecimal)
	case tokDouble:
		return rdf.Literal(lex, rdf.XSDDouble)
	}
	return rdf.Literal(lex, rdf.XSDInteger)
}
