package algebra

import (
	"strconv"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/parser"
)

// sexp is an S-expression under construction: an atom (when list is nil)
// or a list. A block item (an operator or a triple) starts a new line when
// its enclosing list does not fit on one line.
type sexp struct {
	atom  string
	list  []sexp
	block bool
}

func atom(s string) sexp { return sexp{atom: s} }

func list(items ...sexp) sexp {
	if items == nil {
		items = []sexp{}
	}
	return sexp{list: items}
}

// asBlock marks s as a block item.
func asBlock(s sexp) sexp {
	s.block = true
	return s
}

// width is the line length under which a list is printed on one line.
const width = 80

// flat renders s on one line.
func (s sexp) flat(b *strings.Builder) {
	if s.list == nil {
		b.WriteString(s.atom)
		return
	}
	b.WriteByte('(')
	for i, it := range s.list {
		if i > 0 {
			b.WriteByte(' ')
		}
		it.flat(b)
	}
	b.WriteByte(')')
}

func (s sexp) flatString() string {
	var b strings.Builder
	s.flat(&b)
	return b.String()
}

// pretty renders s at the given indentation (in spaces): a list that fits
// in the remaining width stays on one line; otherwise its non-block items
// before the first block item stay on the first line, and each item from
// the first block item on goes on a line of its own, indented by two more
// spaces.
func (s sexp) pretty(b *strings.Builder, indent int) {
	f := s.flatString()
	if s.list == nil || indent+len(f) <= width {
		b.WriteString(f)
		return
	}
	b.WriteByte('(')
	first, broken := true, false
	for _, it := range s.list {
		if it.block || broken {
			broken = true
			b.WriteByte('\n')
			b.WriteString(strings.Repeat(" ", indent+2))
			it.pretty(b, indent+2)
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		it.pretty(b, indent)
		first = false
	}
	b.WriteByte(')')
}

// Format prints an operator tree as an indented S-expression, for example
//
//	(project (?name)
//	  (filter (> ?age 30)
//	    (bgp (triple ?x <http://xmlns.com/foaf/0.1/name> ?name) …)))
func Format(op Operator) string {
	var b strings.Builder
	opList(op).pretty(&b, 0)
	return b.String()
}

// String formats op as an S-expression.
func (op *BGP) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *PathPattern) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Join) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *LeftJoin) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Filter) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Union) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Graph) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Extend) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Minus) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Table) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Service) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Group) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *OrderBy) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Project) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Distinct) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Reduced) String() string { return Format(op) }

// String formats op as an S-expression.
func (op *Slice) String() string { return Format(op) }

// String formats the query as its form applied to the operator tree.
func (q *Query) String() string {
	var head []sexp
	switch q.Form {
	case parser.Construct:
		tpl := []sexp{atom("template")}
		for _, t := range q.Template {
			tpl = append(tpl, tripleSexp(t))
		}
		head = []sexp{atom("construct"), list(tpl...)}
	case parser.Ask:
		head = []sexp{atom("ask")}
	case parser.Describe:
		d := []sexp{}
		for _, t := range q.Describe {
			d = append(d, termAtom(t))
		}
		head = []sexp{atom("describe"), list(d...)}
	default:
		head = []sexp{atom("select"), varList(q.Vars)}
	}
	var b strings.Builder
	list(append(head, opSexp(q.Op))...).pretty(&b, 0)
	return b.String()
}

func varList(vars []string) sexp {
	items := make([]sexp, len(vars))
	for i, v := range vars {
		items[i] = atom("?" + v)
	}
	return list(items...)
}

func termAtom(t Term) sexp {
	if t.IsVar() {
		return atom("?" + t.Var)
	}
	return atom(termString(t.Value))
}

// termString formats an RDF term as in N-Triples, except that numbers and
// booleans whose lexical form SPARQL can write bare are printed bare.
func termString(t rdf.Term) string {
	if t.IsLiteral() {
		switch t.Datatype {
		case rdf.XSDInteger, rdf.XSDDecimal, rdf.XSDDouble:
			if bareNumber(t.Value, t.Datatype) {
				return t.Value
			}
		case rdf.XSDBoolean:
			if t.Value == "true" || t.Value == "false" {
				return t.Value
			}
		}
	}
	return t.String()
}

// bareNumber reports whether lex, written bare in SPARQL, is read back as
// a literal of datatype dt (rules INTEGER, DECIMAL and DOUBLE).
func bareNumber(lex, dt string) bool {
	s := strings.TrimLeft(lex, "+-")
	if len(lex)-len(s) > 1 || s == "" {
		return false
	}
	digits := func(s string) (int, string) {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		return n, s[n:]
	}
	intPart, rest := digits(s)
	frac, hasDot := -1, false
	if strings.HasPrefix(rest, ".") {
		hasDot = true
		frac, rest = digits(rest[1:])
	}
	switch dt {
	case rdf.XSDInteger:
		return intPart > 0 && !hasDot && rest == ""
	case rdf.XSDDecimal:
		return hasDot && frac > 0 && rest == ""
	}
	if rest == "" || (rest[0] != 'e' && rest[0] != 'E') || intPart+max(frac, 0) == 0 {
		return false
	}
	exp := strings.TrimLeft(rest[1:], "+-")
	if len(rest[1:])-len(exp) > 1 {
		return false
	}
	n, tail := digits(exp)
	return n > 0 && tail == ""
}

func tripleSexp(t TriplePattern) sexp {
	return asBlock(list(atom("triple"), termAtom(t.S), termAtom(t.P), termAtom(t.O)))
}

// opSexp returns the S-expression of an operator, as a block item.
func opSexp(op Operator) sexp { return asBlock(opList(op)) }

func opList(op Operator) sexp {
	switch op := op.(type) {
	case *BGP:
		items := []sexp{atom("bgp")}
		for _, t := range op.Patterns {
			items = append(items, tripleSexp(t))
		}
		return list(items...)
	case *PathPattern:
		return list(atom("path"), termAtom(op.S), pathSexp(op.Path), termAtom(op.O))
	case *PropertyCall:
		return list(atom("propfunc"), termsSexp(op.Subject), atom("<"+op.IRI+">"), termsSexp(op.Object))
	case *Join:
		return list(atom("join"), opSexp(op.Left), opSexp(op.Right))
	case *LeftJoin:
		items := []sexp{atom("leftjoin"), opSexp(op.Left), opSexp(op.Right)}
		if op.Expr != nil {
			items = append(items, exprSexp(op.Expr))
		}
		return list(items...)
	case *Filter:
		var cond sexp
		if len(op.Exprs) == 1 {
			cond = exprSexp(op.Exprs[0])
		} else {
			items := []sexp{atom("exprlist")}
			for _, e := range op.Exprs {
				items = append(items, exprSexp(e))
			}
			cond = list(items...)
		}
		return list(atom("filter"), cond, opSexp(op.Input))
	case *Union:
		return list(atom("union"), opSexp(op.Left), opSexp(op.Right))
	case *Graph:
		return list(atom("graph"), termAtom(op.Name), opSexp(op.Input))
	case *Extend:
		return list(atom("extend"), list(list(atom("?"+op.Var), exprSexp(op.Expr))), opSexp(op.Input))
	case *Minus:
		return list(atom("minus"), opSexp(op.Left), opSexp(op.Right))
	case *Table:
		if IsUnit(op) {
			return list(atom("table"), atom("unit"))
		}
		items := []sexp{atom("table"), list(append([]sexp{atom("vars")}, varList(op.Vars).list...)...)}
		for _, row := range op.Rows {
			r := []sexp{atom("row")}
			for i, v := range row {
				if !v.IsZero() {
					r = append(r, list(atom("?"+op.Vars[i]), atom(termString(v))))
				}
			}
			items = append(items, list(r...))
		}
		return list(items...)
	case *Service:
		items := []sexp{atom("service")}
		if op.Silent {
			items = append(items, atom("silent"))
		}
		return list(append(items, termAtom(op.Name), opSexp(op.Input))...)
	case *Group:
		keys := []sexp{}
		for _, k := range op.Keys {
			if k.Var != "" {
				if v, ok := k.Expr.(*Var); ok && v.Name == k.Var {
					keys = append(keys, atom("?"+k.Var))
				} else {
					keys = append(keys, list(atom("?"+k.Var), exprSexp(k.Expr)))
				}
			} else {
				keys = append(keys, exprSexp(k.Expr))
			}
		}
		aggs := []sexp{}
		for _, a := range op.Aggregates {
			aggs = append(aggs, list(atom("?"+a.Var), aggregateSexp(a.Aggregate)))
		}
		return list(atom("group"), list(keys...), list(aggs...), opSexp(op.Input))
	case *OrderBy:
		conds := []sexp{}
		for _, c := range op.Conditions {
			if c.Desc {
				conds = append(conds, list(atom("desc"), exprSexp(c.Expr)))
			} else {
				conds = append(conds, exprSexp(c.Expr))
			}
		}
		return list(atom("order"), list(conds...), opSexp(op.Input))
	case *Project:
		return list(atom("project"), varList(op.Vars), opSexp(op.Input))
	case *Distinct:
		return list(atom("distinct"), opSexp(op.Input))
	case *Reduced:
		return list(atom("reduced"), opSexp(op.Input))
	case *Slice:
		off, lim := "_", "_"
		if op.Offset > 0 {
			off = strconv.FormatInt(op.Offset, 10)
		}
		if op.Limit >= 0 {
			lim = strconv.FormatInt(op.Limit, 10)
		}
		return list(atom("slice"), atom(off), atom(lim), opSexp(op.Input))
	}
	return atom("(unknown)")
}

func aggregateSexp(a Aggregate) sexp {
	items := []sexp{atom(strings.ToLower(a.Name))}
	if a.Distinct {
		items = append(items, atom("distinct"))
	}
	if a.Arg != nil {
		items = append(items, exprSexp(a.Arg))
	} else {
		items = append(items, atom("*"))
	}
	if a.Name == "GROUP_CONCAT" {
		items = append(items, list(atom("separator"), atom(rdf.String(a.Separator).String())))
	}
	return list(items...)
}

func pathSexp(p PathExpr) sexp {
	switch p := p.(type) {
	case Link:
		return atom(rdf.IRI(string(p)).String())
	case *Inverse:
		return list(atom("reverse"), pathSexp(p.Path))
	case *Sequence:
		return list(atom("seq"), pathSexp(p.Left), pathSexp(p.Right))
	case *Alternative:
		return list(atom("alt"), pathSexp(p.Left), pathSexp(p.Right))
	case *ZeroOrMore:
		return list(atom("path*"), pathSexp(p.Path))
	case *OneOrMore:
		return list(atom("path+"), pathSexp(p.Path))
	case *ZeroOrOne:
		return list(atom("path?"), pathSexp(p.Path))
	case *NegatedPropertySet:
		items := []sexp{atom("notoneof")}
		for _, iri := range p.IRIs {
			items = append(items, atom(rdf.IRI(iri).String()))
		}
		return list(items...)
	}
	return atom("(unknown)")
}

// String formats p as an S-expression.
func (p Link) String() string { return pathSexp(p).flatString() }

// String formats p as an S-expression.
func (p *Inverse) String() string { return pathSexp(p).flatString() }

// String formats p as an S-expression.
func (p *Sequence) String() string { return pathSexp(p).flatString() }

// String formats p as an S-expression.
func (p *Alternative) String() string { return pathSexp(p).flatString() }

// String formats p as an S-expression.
func (p *ZeroOrMore) String() string { return pathSexp(p).flatString() }

// String formats p as an S-expression.
func (p *OneOrMore) String() string { return pathSexp(p).flatString() }

// String formats p as an S-expression.
func (p *ZeroOrOne) String() string { return pathSexp(p).flatString() }

// String formats p as an S-expression.
func (p *NegatedPropertySet) String() string { return pathSexp(p).flatString() }

func exprSexp(e Expression) sexp {
	switch e := e.(type) {
	case *Var:
		return atom("?" + e.Name)
	case *Const:
		return atom(termString(e.Value))
	case *Call:
		items := []sexp{atom(strings.ToLower(e.Func))}
		if e.Func == "NOT IN" {
			items[0] = atom("notin")
		}
		for _, a := range e.Args {
			items = append(items, exprSexp(a))
		}
		return list(items...)
	case *FunctionCall:
		items := []sexp{atom(rdf.IRI(e.IRI).String())}
		if e.Distinct {
			items = append(items, atom("distinct"))
		}
		for _, a := range e.Args {
			items = append(items, exprSexp(a))
		}
		return list(items...)
	case *Exists:
		name := "exists"
		if e.Not {
			name = "notexists"
		}
		return list(atom(name), opSexp(e.Pattern))
	}
	return atom("(unknown)")
}

// String formats e as an S-expression.
func (e *Var) String() string { return exprSexp(e).flatString() }

// String formats e as an S-expression.
func (e *Const) String() string { return exprSexp(e).flatString() }

// String formats e as an S-expression.
func (e *Call) String() string { return exprSexp(e).flatString() }

// String formats e as an S-expression.
func (e *FunctionCall) String() string { return exprSexp(e).flatString() }

// String formats e as an S-expression.
func (e *Exists) String() string { return exprSexp(e).flatString() }
