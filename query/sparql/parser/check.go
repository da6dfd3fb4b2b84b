package parser

import (
	"github.com/kplane/kplane/graph/rdf"
)

// checker enforces the static rules of the grammar that a context-free
// parse cannot: section 18.2.1 (variable scope of BIND and SELECT
// expressions), section 11 (aggregates and grouping) and the note to rule
// BLANK_NODE_LABEL that a label may not be used in two basic graph
// patterns of one query.
type checker struct {
	p *parser
	// bnodeBGP maps a written blank node label to the basic graph pattern
	// that first used it.
	bnodeBGP map[string]int
	bgps     int
}

func (p *parser) checkQuery(q *Query) error {
	c := &checker{p: p, bnodeBGP: map[string]int{}}
	return c.query(q)
}

// query checks a query or subquery.
func (c *checker) query(q *Query) error {
	if q.Where != nil {
		if err := c.group(q.Where); err != nil {
			return err
		}
	}
	grouped := len(q.GroupBy) > 0
	for _, g := range q.GroupBy {
		if a := findAggregate(g.Expr); a != nil {
			return c.p.errorPos(a.Pos, "aggregate %s is not allowed in GROUP BY", a.Name)
		}
		if err := c.expr(g.Expr, false); err != nil {
			return err
		}
	}
	for _, pr := range q.Projection {
		if pr.Expr != nil {
			if err := c.expr(pr.Expr, true); err != nil {
				return err
			}
			if findAggregate(pr.Expr) != nil {
				grouped = true
			}
		}
	}
	for _, e := range q.Having {
		if err := c.expr(e, true); err != nil {
			return err
		}
		grouped = true
	}
	for _, o := range q.OrderBy {
		if err := c.expr(o.Expr, true); err != nil {
			return err
		}
		if findAggregate(o.Expr) != nil {
			grouped = true
		}
	}

	// SELECT expressions may not bind a variable that is in scope in the
	// WHERE clause or bound earlier in the SELECT list (section 18.2.1).
	scope := map[string]bool{}
	if q.Where != nil {
		InScope(q.Where, scope)
	}
	projected := map[string]bool{}
	for _, pr := range q.Projection {
		if pr.Expr != nil {
			if scope[pr.Var] {
				return c.p.errorPos(pr.Pos, "SELECT expression binds ?%s, which is already in scope in the WHERE clause", pr.Var)
			}
			if projected[pr.Var] {
				return c.p.errorPos(pr.Pos, "SELECT expression binds ?%s, which is already projected", pr.Var)
			}
		}
		projected[pr.Var] = true
	}

	if grouped {
		if q.Star && q.Form == Select {
			return c.p.errorPos(q.Pos, "SELECT * is not allowed in a grouped query")
		}
		keys := map[string]bool{}
		for _, g := range q.GroupBy {
			if g.Var != "" {
				keys[g.Var] = true
			} else if v, ok := g.Expr.(*VarExpr); ok {
				keys[v.Name] = true
			}
		}
		for _, pr := range q.Projection {
			if pr.Expr == nil {
				if !keys[pr.Var] {
					return c.p.errorPos(pr.Pos, "?%s is projected but is not a GROUP BY key of the grouped query", pr.Var)
				}
				continue
			}
			if v, pos := ungroupedVar(pr.Expr, keys); v != "" {
				return c.p.errorPos(pos, "?%s is used outside an aggregate but is not a GROUP BY key of the grouped query", v)
			}
			keys[pr.Var] = true
		}
	}
	return nil
}

// group checks a group graph pattern and the patterns nested in it.
func (c *checker) group(g *GroupPattern) error {
	if g.SubQuery != nil {
		return c.query(g.SubQuery)
	}
	scope := map[string]bool{}
	bgp := -1 // the basic graph pattern being collected, across FILTERs
	for _, el := range g.Elements {
		switch el := el.(type) {
		case *TriplesBlock:
			if bgp < 0 {
				c.bgps++
				bgp = c.bgps
			}
			for _, t := range el.Triples {
				for _, term := range []Term{t.Subject, t.Predicate, t.Object} {
					if err := c.blank(term, bgp, el.Pos); err != nil {
						return err
					}
				}
			}
		case *Filter:
			if err := c.expr(el.Expr, false); err != nil {
				return err
			}
		case *Bind:
			bgp = -1
			if err := c.expr(el.Expr, false); err != nil {
				return err
			}
			if scope[el.Var] {
				return c.p.errorPos(el.Pos, "BIND assigns ?%s, which is already in scope in this group", el.Var)
			}
		default:
			bgp = -1
			for _, sub := range subGroups(el) {
				if err := c.group(sub); err != nil {
					return err
				}
			}
		}
		inScopeElement(el, scope)
	}
	return nil
}

// blank records a written blank node label of basic graph pattern bgp.
func (c *checker) blank(t Term, bgp int, pos Pos) error {
	if !t.Value.IsBlank() || isGeneratedLabel(t.Value.Value) {
		return nil
	}
	if first, ok := c.bnodeBGP[t.Value.Value]; ok && first != bgp {
		return c.p.errorPos(pos, "blank node label _:%s is used in more than one basic graph pattern", t.Value.Value)
	}
	c.bnodeBGP[t.Value.Value] = bgp
	return nil
}

// isGeneratedLabel reports whether a blank node label was made by the
// parser rather than written in the query.
func isGeneratedLabel(label string) bool { return len(label) > 0 && label[0] == '-' }

// expr checks the patterns inside EXISTS and the placement of aggregates:
// allowAgg says whether the expression may contain aggregates (SELECT,
// HAVING and ORDER BY may; nested aggregates are never allowed).
func (c *checker) expr(e Expr, allowAgg bool) error {
	var err error
	walkExpr(e, func(x Expr) bool {
		if err != nil {
			return false
		}
		switch x := x.(type) {
		case *AggregateExpr:
			if !allowAgg {
				err = c.p.errorPos(x.Pos, "aggregate %s is not allowed here", x.Name)
				return false
			}
			if x.Arg != nil {
				if inner := findAggregate(x.Arg); inner != nil {
					err = c.p.errorPos(inner.Pos, "aggregate %s may not be nested in aggregate %s", inner.Name, x.Name)
					return false
				}
				err = c.expr(x.Arg, false)
			}
			return false
		case *ExistsExpr:
			err = c.group(x.Group)
			return false
		}
		return true
	})
	return err
}

// walkExpr calls fn for e and, while fn returns true, for its operands.
func walkExpr(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	switch e := e.(type) {
	case *BinaryExpr:
		walkExpr(e.X, fn)
		walkExpr(e.Y, fn)
	case *UnaryExpr:
		walkExpr(e.X, fn)
	case *CallExpr:
		for _, a := range e.Args {
			walkExpr(a, fn)
		}
	case *InExpr:
		walkExpr(e.X, fn)
		for _, a := range e.List {
			walkExpr(a, fn)
		}
	case *AggregateExpr:
		walkExpr(e.Arg, fn)
	}
}

// findAggregate returns the first aggregate in e, or nil.
func findAggregate(e Expr) *AggregateExpr {
	var found *AggregateExpr
	walkExpr(e, func(x Expr) bool {
		if a, ok := x.(*AggregateExpr); ok && found == nil {
			found = a
		}
		return found == nil
	})
	return found
}

// ungroupedVar returns a variable of e used outside any aggregate that is
// not in keys.
func ungroupedVar(e Expr, keys map[string]bool) (string, Pos) {
	var name string
	var pos Pos
	walkExpr(e, func(x Expr) bool {
		if name != "" {
			return false
		}
		switch x := x.(type) {
		case *AggregateExpr, *ExistsExpr:
			return false
		case *VarExpr:
			if !keys[x.Name] {
				name, pos = x.Name, x.Pos
			}
		}
		return true
	})
	return name, pos
}

// subGroups returns the group patterns directly inside a pattern element.
func subGroups(el Pattern) []*GroupPattern {
	switch el := el.(type) {
	case *GroupPattern:
		return []*GroupPattern{el}
	case *Optional:
		return []*GroupPattern{el.Group}
	case *Minus:
		return []*GroupPattern{el.Group}
	case *Union:
		return el.Groups
	case *Graph:
		return []*GroupPattern{el.Group}
	case *Service:
		return []*GroupPattern{el.Group}
	}
	return nil
}

// InScope adds to vars the variables in scope in g, as defined by section
// 18.2.1: variables of triple patterns and paths, GRAPH and SERVICE names,
// BIND and VALUES variables, the projection of subqueries, and those of
// nested groups, OPTIONAL and UNION — but not those only in MINUS or
// FILTER.
func InScope(g *GroupPattern, vars map[string]bool) {
	if g.SubQuery != nil {
		q := g.SubQuery
		if q.Star {
			if q.Where != nil {
				InScope(q.Where, vars)
			}
		} else {
			for _, pr := range q.Projection {
				vars[pr.Var] = true
			}
		}
		return
	}
	for _, el := range g.Elements {
		inScopeElement(el, vars)
	}
}

func inScopeElement(el Pattern, vars map[string]bool) {
	switch el := el.(type) {
	case *TriplesBlock:
		for _, t := range el.Triples {
			for _, term := range []Term{t.Subject, t.Predicate, t.Object} {
				if term.IsVar() {
					vars[term.Var] = true
				}
			}
		}
	case *Bind:
		vars[el.Var] = true
	case *InlineValues:
		for _, v := range el.Values.Vars {
			vars[v] = true
		}
	case *Graph:
		if el.Name.IsVar() {
			vars[el.Name.Var] = true
		}
		InScope(el.Group, vars)
	case *Service:
		if el.Name.IsVar() {
			vars[el.Name.Var] = true
		}
		InScope(el.Group, vars)
	case *Minus, *Filter:
	default:
		for _, sub := range subGroups(el) {
			InScope(sub, vars)
		}
	}
}

// hasBlank reports whether any triple in ts has a blank node.
func hasBlank(ts []TriplePattern) (rdf.Term, bool) {
	for _, t := range ts {
		for _, term := range []Term{t.Subject, t.Predicate, t.Object} {
			if term.Value.IsBlank() {
				return term.Value, true
			}
		}
	}
	return rdf.Term{}, false
}
