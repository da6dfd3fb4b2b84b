package algebra

import (
	"fmt"
	"strconv"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/parser"
)

// Translate converts a parsed query to the algebra, following section 18.2
// of the Recommendation: the WHERE clause (18.2.2), grouping and
// aggregation (18.2.4.1), HAVING (18.2.4.2), the trailing VALUES
// (18.2.4.3), SELECT expressions (18.2.4.4) and the solution modifiers
// (18.2.5).
func Translate(q *parser.Query) (*Query, error) {
	t := &translator{}
	op, vars, err := t.query(q)
	if err != nil {
		return nil, err
	}
	out := &Query{Form: q.Form, Op: op}
	switch q.Form {
	case parser.Select:
		out.Vars = vars
	case parser.Construct:
		tpl := q.Template
		if q.ConstructWhere && q.Where != nil && len(q.Where.Elements) == 1 {
			if tb, ok := q.Where.Elements[0].(*parser.TriplesBlock); ok {
				tpl = tb.Triples
			}
		}
		out.Template = make([]TriplePattern, len(tpl))
		for i, tp := range tpl {
			out.Template[i] = TriplePattern{tp.Subject, tp.Predicate, tp.Object}
		}
	case parser.Describe:
		if q.Star {
			for _, v := range vars {
				out.Describe = append(out.Describe, parser.Variable(v))
			}
		} else {
			out.Describe = q.DescribeTerms
		}
	}
	for _, d := range q.Dataset {
		if d.Named {
			out.FromNamed = append(out.FromNamed, d.IRI)
		} else {
			out.From = append(out.From, d.IRI)
		}
	}
	return out, nil
}

// TranslatePattern translates a group graph pattern on its own (section
// 18.2.2), for the WHERE clause of an update operation.
func TranslatePattern(g *parser.GroupPattern) (Operator, error) {
	t := &translator{}
	return t.group(g)
}

// translator holds the state of one translation: the counter for fresh
// variables.
type translator struct {
	fresh int
}

// freshVar returns a new variable name that no query can write.
func (t *translator) freshVar() string {
	name := "." + strconv.Itoa(t.fresh)
	t.fresh++
	return name
}

// query translates a query or subquery and returns the operator and the
// variables it projects (for SELECT *, the in-scope variables in order of
// appearance).
func (t *translator) query(q *parser.Query) (Operator, []string, error) {
	var op Operator = Unit()
	if q.Where != nil {
		var err error
		if op, err = t.group(q.Where); err != nil {
			return nil, nil, err
		}
	}

	// 18.2.4.1: grouping and aggregation. Aggregates in SELECT, HAVING
	// and ORDER BY are replaced by fresh variables bound by Group.
	agg := &aggregator{t: t}
	projExprs := make([]Expression, len(q.Projection))
	for i, pr := range q.Projection {
		if pr.Expr != nil {
			e, err := t.expr(pr.Expr, agg)
			if err != nil {
				return nil, nil, err
			}
			projExprs[i] = e
		}
	}
	having := make([]Expression, len(q.Having))
	for i, h := range q.Having {
		e, err := t.expr(h, agg)
		if err != nil {
			return nil, nil, err
		}
		having[i] = e
	}
	order := make([]OrderCondition, len(q.OrderBy))
	for i, o := range q.OrderBy {
		e, err := t.expr(o.Expr, agg)
		if err != nil {
			return nil, nil, err
		}
		order[i] = OrderCondition{Expr: e, Desc: o.Desc}
	}
	if len(q.GroupBy) > 0 || len(agg.bindings) > 0 || len(q.Having) > 0 {
		g := &Group{Aggregates: agg.bindings, Input: op}
		for _, k := range q.GroupBy {
			e, err := t.expr(k.Expr, nil)
			if err != nil {
				return nil, nil, err
			}
			key := GroupKey{Var: k.Var, Expr: e}
			if v, ok := e.(*Var); ok && key.Var == "" {
				key.Var = v.Name
			}
			g.Keys = append(g.Keys, key)
		}
		op = g
	}
	// 18.2.4.2: HAVING.
	if len(having) > 0 {
		op = &Filter{Exprs: having, Input: op}
	}
	// 18.2.4.3: the trailing VALUES joins with the pattern.
	if q.Values != nil {
		op = join(op, table(q.Values))
	}
	// 18.2.4.4: SELECT expressions, in order.
	var vars []string
	if q.Star {
		if q.Where != nil {
			vars = inScopeOrdered(q.Where)
		}
		if q.Values != nil {
			vars = appendNew(vars, q.Values.Vars...)
		}
	} else {
		for i, pr := range q.Projection {
			if projExprs[i] != nil {
				op = &Extend{Input: op, Var: pr.Var, Expr: projExprs[i]}
			}
			vars = append(vars, pr.Var)
		}
	}
	// 18.2.5: solution modifiers.
	if len(order) > 0 {
		op = &OrderBy{Conditions: order, Input: op}
	}
	if q.Form == parser.Select {
		op = &Project{Vars: vars, Input: op}
	}
	if q.Distinct {
		op = &Distinct{Input: op}
	} else if q.Reduced {
		op = &Reduced{Input: op}
	}
	if q.Limit >= 0 || q.Offset > 0 {
		off := q.Offset
		if off < 0 {
			off = 0
		}
		op = &Slice{Offset: off, Limit: q.Limit, Input: op}
	}
	return op, vars, nil
}

// aggregator collects the aggregates of a query as they are replaced by
// fresh variables.
type aggregator struct {
	t        *translator
	bindings []AggregateBinding
}

// group translates a group graph pattern (section 18.2.2.6).
func (t *translator) group(g *parser.GroupPattern) (Operator, error) {
	if g.SubQuery != nil {
		op, _, err := t.query(g.SubQuery)
		return op, err
	}
	var filters []Expression
	var acc Operator = Unit()
	// pending collects the triples of adjacent TriplesBlocks (FILTERs do
	// not separate them) so that they form one basic graph pattern.
	var pending []parser.TriplePattern
	flush := func() {
		if pending != nil {
			acc = join(acc, t.triples(pending))
			pending = nil
		}
	}
	for _, el := range g.Elements {
		switch el := el.(type) {
		case *parser.TriplesBlock:
			if pending == nil {
				pending = []parser.TriplePattern{}
			}
			pending = append(pending, el.Triples...)
			continue
		case *parser.Filter:
			e, err := t.expr(el.Expr, nil)
			if err != nil {
				return nil, err
			}
			filters = append(filters, e)
			continue
		}
		flush()
		switch el := el.(type) {
		case *parser.Optional:
			a, err := t.group(el.Group)
			if err != nil {
				return nil, err
			}
			// Only the OPTIONAL group's own FILTERs become the LeftJoin's
			// expression. A Filter that surfaced from a nested group
			// through the simplification of Join(Z, A) stays inside: in
			// 18.2.2.6 the group is translated before 18.2.2.8 simplifies.
			if f, ok := a.(*Filter); ok && hasOwnFilter(el.Group) {
				acc = &LeftJoin{Left: acc, Right: f.Input, Expr: conjunction(f.Exprs)}
			} else {
				acc = &LeftJoin{Left: acc, Right: a}
			}
		case *parser.Minus:
			a, err := t.group(el.Group)
			if err != nil {
				return nil, err
			}
			acc = &Minus{Left: acc, Right: a}
		case *parser.Bind:
			e, err := t.expr(el.Expr, nil)
			if err != nil {
				return nil, err
			}
			acc = &Extend{Input: acc, Var: el.Var, Expr: e}
		case *parser.Union:
			var u Operator
			for _, sub := range el.Groups {
				a, err := t.group(sub)
				if err != nil {
					return nil, err
				}
				if u == nil {
					u = a
				} else {
					u = &Union{Left: u, Right: a}
				}
			}
			acc = join(acc, u)
		case *parser.Graph:
			a, err := t.group(el.Group)
			if err != nil {
				return nil, err
			}
			acc = join(acc, &Graph{Name: patternTerm(el.Name), Input: a})
		case *parser.Service:
			a, err := t.group(el.Group)
			if err != nil {
				return nil, err
			}
			acc = join(acc, &Service{Silent: el.Silent, Name: el.Name, Input: a})
		case *parser.InlineValues:
			acc = join(acc, table(el.Values))
		case *parser.GroupPattern:
			a, err := t.group(el)
			if err != nil {
				return nil, err
			}
			acc = join(acc, a)
		default:
			return nil, fmt.Errorf("algebra: unknown pattern element %T", el)
		}
	}
	flush()
	if len(filters) > 0 {
		acc = &Filter{Exprs: filters, Input: acc}
	}
	return acc, nil
}

// hasOwnFilter reports whether a group (not a subquery) has FILTERs of its
// own, as opposed to ones inside nested groups.
func hasOwnFilter(g *parser.GroupPattern) bool {
	if g.SubQuery != nil {
		return false
	}
	for _, el := range g.Elements {
		if _, ok := el.(*parser.Filter); ok {
			return true
		}
	}
	return false
}

// join is Join(l, r) with the simplification of section 18.2.2.8: the
// empty pattern Z is the identity of Join.
func join(l, r Operator) Operator {
	if IsUnit(l) {
		return r
	}
	if IsUnit(r) {
		return l
	}
	return &Join{Left: l, Right: r}
}

// conjunction returns the && of exprs (one expression as itself).
func conjunction(exprs []Expression) Expression {
	e := exprs[0]
	for _, x := range exprs[1:] {
		e = &Call{Func: "&&", Args: []Expression{e, x}}
	}
	return e
}

// table translates a VALUES block.
func table(vb *parser.ValuesBlock) *Table {
	return &Table{Vars: vb.Vars, Rows: vb.Rows}
}

// patternTerm maps a blank node in a pattern to its variable (section
// 18.2.1); other terms are unchanged.
func patternTerm(term Term) Term {
	if term.Value.IsBlank() {
		return parser.Variable(BlankVar(term.Value.Value))
	}
	return term
}

// triples translates the triple and path patterns of one basic graph
// pattern (sections 18.2.2.3 to 18.2.2.5): simple paths become triple
// patterns, which are collected into BGPs; the other paths become
// PathPattern operators joined in order.
func (t *translator) triples(tps []parser.TriplePattern) Operator {
	var acc Operator = Unit()
	var bgp []TriplePattern
	emit := func(s Term, p PathExpr, o Term) {
		bgp = t.expandPath(bgp, s, p, o, &acc)
	}
	for _, tp := range tps {
		s, o := patternTerm(tp.Subject), patternTerm(tp.Object)
		if tp.Path == nil {
			bgp = append(bgp, TriplePattern{s, patternTerm(tp.Predicate), o})
			continue
		}
		emit(s, translatePath(tp.Path), o)
	}
	if len(bgp) > 0 || IsUnit(acc) {
		acc = join(acc, &BGP{Patterns: bgp})
	}
	return acc
}

// expandPath applies the rules of section 18.2.2.4 to X path Y: link and
// inverse link steps become triple patterns, sequences are split with a
// fresh variable, and any other path becomes a PathPattern. Triple
// patterns accumulate in bgp; when a PathPattern is emitted, the pending
// BGP is joined into acc before it.
func (t *translator) expandPath(bgp []TriplePattern, s Term, p PathExpr, o Term, acc *Operator) []TriplePattern {
	switch p := p.(type) {
	case Link:
		return append(bgp, TriplePattern{s, parser.Const(rdf.IRI(string(p))), o})
	case *Inverse:
		if l, ok := p.Path.(Link); ok {
			return append(bgp, TriplePattern{o, parser.Const(rdf.IRI(string(l))), s})
		}
	case *Sequence:
		v := parser.Variable(t.freshVar())
		bgp = t.expandPath(bgp, s, p.Left, v, acc)
		return t.expandPath(bgp, v, p.Right, o, acc)
	}
	if len(bgp) > 0 {
		*acc = join(*acc, &BGP{Patterns: bgp})
	}
	*acc = join(*acc, &PathPattern{S: s, Path: p, O: o})
	return nil
}

// translatePath translates a parsed path (section 18.2.2.3).
func translatePath(p parser.Path) PathExpr {
	switch p := p.(type) {
	case parser.PathIRI:
		return Link(p)
	case *parser.PathInverse:
		return &Inverse{Path: translatePath(p.Path)}
	case *parser.PathSequence:
		out := translatePath(p.Paths[0])
		for _, next := range p.Paths[1:] {
			out = &Sequence{Left: out, Right: translatePath(next)}
		}
		return out
	case *parser.PathAlternative:
		out := translatePath(p.Paths[0])
		for _, next := range p.Paths[1:] {
			out = &Alternative{Left: out, Right: translatePath(next)}
		}
		return out
	case *parser.PathMod:
		inner := translatePath(p.Path)
		switch p.Mod {
		case '*':
			return &ZeroOrMore{Path: inner}
		case '+':
			return &OneOrMore{Path: inner}
		default:
			return &ZeroOrOne{Path: inner}
		}
	case *parser.PathNegated:
		var fwd, inv []string
		for _, it := range p.Items {
			if it.Inverse {
				inv = append(inv, it.IRI)
			} else {
				fwd = append(fwd, it.IRI)
			}
		}
		switch {
		case len(inv) == 0:
			return &NegatedPropertySet{IRIs: fwd}
		case len(fwd) == 0:
			return &Inverse{Path: &NegatedPropertySet{IRIs: inv}}
		}
		return &Alternative{Left: &NegatedPropertySet{IRIs: fwd}, Right: &Inverse{Path: &NegatedPropertySet{IRIs: inv}}}
	}
	panic(fmt.Sprintf("algebra: unknown path %T", p))
}

// expr translates an expression. Aggregates are replaced by fresh
// variables recorded in agg; agg is nil where aggregates cannot occur.
func (t *translator) expr(e parser.Expr, agg *aggregator) (Expression, error) {
	switch e := e.(type) {
	case *parser.VarExpr:
		return &Var{Name: e.Name}, nil
	case *parser.ConstExpr:
		return &Const{Value: e.Value}, nil
	case *parser.BinaryExpr:
		x, err := t.expr(e.X, agg)
		if err != nil {
			return nil, err
		}
		y, err := t.expr(e.Y, agg)
		if err != nil {
			return nil, err
		}
		return &Call{Func: e.Op, Args: []Expression{x, y}}, nil
	case *parser.UnaryExpr:
		x, err := t.expr(e.X, agg)
		if err != nil {
			return nil, err
		}
		return &Call{Func: e.Op, Args: []Expression{x}}, nil
	case *parser.CallExpr:
		args, err := t.exprs(e.Args, agg)
		if err != nil {
			return nil, err
		}
		if e.IRI != "" {
			return &FunctionCall{IRI: e.IRI, Args: args, Distinct: e.Distinct}, nil
		}
		return &Call{Func: e.Name, Args: args}, nil
	case *parser.InExpr:
		args, err := t.exprs(append([]parser.Expr{e.X}, e.List...), agg)
		if err != nil {
			return nil, err
		}
		name := "IN"
		if e.Not {
			name = "NOT IN"
		}
		return &Call{Func: name, Args: args}, nil
	case *parser.ExistsExpr:
		op, err := t.group(e.Group)
		if err != nil {
			return nil, err
		}
		return &Exists{Not: e.Not, Pattern: op}, nil
	case *parser.AggregateExpr:
		if agg == nil {
			return nil, fmt.Errorf("algebra: %d:%d: aggregate %s outside SELECT, HAVING or ORDER BY", e.Pos.Line, e.Pos.Col, e.Name)
		}
		a := Aggregate{Name: e.Name, Distinct: e.Distinct, Separator: " "}
		if e.HasSeparator {
			a.Separator = e.Separator
		}
		if e.Arg != nil {
			arg, err := t.expr(e.Arg, nil)
			if err != nil {
				return nil, err
			}
			a.Arg = arg
		}
		v := t.freshVar()
		agg.bindings = append(agg.bindings, AggregateBinding{Var: v, Aggregate: a})
		return &Var{Name: v}, nil
	}
	return nil, fmt.Errorf("algebra: unknown expression %T", e)
}

func (t *translator) exprs(in []parser.Expr, agg *aggregator) ([]Expression, error) {
	out := make([]Expression, len(in))
	for i, e := range in {
		x, err := t.expr(e, agg)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// inScopeOrdered lists the variables in scope in g (section 18.2.1) in
// order of first appearance, without the variables of blank nodes.
func inScopeOrdered(g *parser.GroupPattern) []string {
	var out []string
	seen := map[string]bool{}
	add := func(names ...string) {
		for _, n := range names {
			if n != "" && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	var walk func(g *parser.GroupPattern)
	walk = func(g *parser.GroupPattern) {
		if sq := g.SubQuery; sq != nil {
			if sq.Star {
				if sq.Where != nil {
					walk(sq.Where)
				}
				if sq.Values != nil {
					add(sq.Values.Vars...)
				}
				return
			}
			for _, pr := range sq.Projection {
				add(pr.Var)
			}
			return
		}
		for _, el := range g.Elements {
			switch el := el.(type) {
			case *parser.TriplesBlock:
				for _, tp := range el.Triples {
					add(tp.Subject.Var, tp.Predicate.Var, tp.Object.Var)
				}
			case *parser.Bind:
				add(el.Var)
			case *parser.InlineValues:
				add(el.Values.Vars...)
			case *parser.Graph:
				add(el.Name.Var)
				walk(el.Group)
			case *parser.Service:
				add(el.Name.Var)
				walk(el.Group)
			case *parser.Optional:
				walk(el.Group)
			case *parser.Union:
				for _, sub := range el.Groups {
					walk(sub)
				}
			case *parser.GroupPattern:
				walk(el)
			}
		}
	}
	walk(g)
	return out
}

func appendNew(vars []string, more ...string) []string {
	for _, m := range more {
		found := false
		for _, v := range vars {
			if v == m {
				found = true
				break
			}
		}
		if !found {
			vars = append(vars, m)
		}
	}
	return vars
}
