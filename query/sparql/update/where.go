package update

import (
	"fmt"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/results"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/eval"
	"github.com/kplane/kplane/query/sparql/parser"
)

// deleteWhere runs DELETE WHERE { quads }: the quads are both the pattern
// and the template (section 3.1.3.3).
func (x *executor) deleteWhere(op *parser.DeleteWhere) error {
	return x.modify(&parser.Modify{
		OpHeader:  op.OpHeader,
		Delete:    op.Quads,
		HasDelete: true,
		Where:     quadsPattern(op.Quads),
	})
}

// quadsPattern turns quad patterns into the group graph pattern they stand
// for: the default graph's triples, and a GRAPH block per run of triples
// in the same graph.
func quadsPattern(quads []parser.QuadPattern) *parser.GroupPattern {
	gp := &parser.GroupPattern{}
	var def []parser.TriplePattern
	var cur *parser.Graph
	for _, q := range quads {
		if q.Graph.IsZero() {
			def = append(def, q.TriplePattern)
			continue
		}
		if cur == nil || cur.Name != q.Graph {
			cur = &parser.Graph{Name: q.Graph, Group: &parser.GroupPattern{Elements: []parser.Pattern{&parser.TriplesBlock{}}}}
			gp.Elements = append(gp.Elements, cur)
		}
		tb := cur.Group.Elements[0].(*parser.TriplesBlock)
		tb.Triples = append(tb.Triples, q.TriplePattern)
	}
	if len(def) > 0 {
		gp.Elements = append([]parser.Pattern{&parser.TriplesBlock{Triples: def}}, gp.Elements...)
	}
	return gp
}

// modify runs DELETE/INSERT (section 3.1.3): the WHERE clause is evaluated
// once, then the DELETE template is instantiated with every solution and
// removed, then the INSERT template instantiated and added.
func (x *executor) modify(op *parser.Modify) error {
	var from, fromNamed []string
	for _, u := range op.Using {
		if u.Named {
			fromNamed = append(fromNamed, u.IRI)
		} else {
			from = append(from, u.IRI)
		}
	}
	if len(op.Using) == 0 && op.With != "" {
		// WITH replaces the default graph only; the named graphs stay
		// those of the store (section 3.1.3).
		from = []string{op.With}
		for _, g := range x.namedGraphs() {
			fromNamed = append(fromNamed, g.Value)
		}
		fromNamed = append(fromNamed, graph.MetadataGraph)
	}
	// Quads of the templates outside GRAPH go to the WITH graph, if any.
	with := graphTerm(op.With)
	vars := templateVars(op.Delete, op.Insert)
	slot := make(map[string]int, len(vars))
	for i, v := range vars {
		slot[v] = i
	}
	base := op.Prologue().Base
	if base == "" {
		base = x.opts.BaseIRI
	}
	var dels, ins []rdf.Quad
	err := x.solutions(op.Where, base, vars, from, fromNamed, func(sol results.Solution) {
		dels = instantiate(dels, op.Delete, slot, sol, with, nil)
		// Blank nodes of the INSERT template are fresh for each solution.
		ins = instantiate(ins, op.Insert, slot, sol, with, map[string]rdf.Term{})
	})
	if err != nil {
		return err
	}
	for _, q := range dels {
		if err := x.remove(q); err != nil {
			return err
		}
	}
	for _, q := range ins {
		if err := x.insert(q); err != nil {
			return err
		}
	}
	return nil
}

// templateVars lists the variables of the templates, each once.
func templateVars(templates ...[]parser.QuadPattern) []string {
	var vars []string
	seen := map[string]bool{}
	for _, tpl := range templates {
		for _, q := range tpl {
			for _, t := range []parser.Term{q.Subject, q.Predicate, q.Object, q.Graph} {
				if t.IsVar() && !seen[t.Var] {
					seen[t.Var] = true
					vars = append(vars, t.Var)
				}
			}
		}
	}
	return vars
}

// instantiate appends the quads of a template for one solution. Quads with
// an unbound variable, or with a term where RDF allows none (a literal
// subject, a non-IRI predicate or graph name), are left out (section
// 3.1.3), as are quads whose graph variable is bound to the metadata
// graph. blanks maps the template's blank node labels to fresh nodes; it
// is nil for DELETE templates, which have none.
func instantiate(out []rdf.Quad, tpl []parser.QuadPattern, slot map[string]int, sol results.Solution, with rdf.Term, blanks map[string]rdf.Term) []rdf.Quad {
	value := func(t parser.Term) (rdf.Term, bool) {
		switch {
		case t.IsVar():
			v := sol[slot[t.Var]]
			return v, !v.IsZero()
		case t.Value.IsBlank() && blanks != nil:
			b, ok := blanks[t.Value.Value]
			if !ok {
				b = freshBlank()
				blanks[t.Value.Value] = b
			}
			return b, true
		}
		return t.Value, true
	}
	for _, qp := range tpl {
		s, okS := value(qp.Subject)
		p, okP := value(qp.Predicate)
		o, okO := value(qp.Object)
		g, okG := with, true
		if !qp.Graph.IsZero() {
			g, okG = value(qp.Graph)
			// GRAPH ?g ranges over the metadata graph too, which the
			// store maintains: a template writing wherever ?g is leaves
			// it out rather than fail. Naming it outright is an error.
			if qp.Graph.IsVar() && g.IsIRI() && g.Value == graph.MetadataGraph {
				continue
			}
		}
		if !okS || !okP || !okO || !okG {
			continue
		}
		if !s.IsIRI() && !s.IsBlank() || !p.IsIRI() || !g.IsZero() && !g.IsIRI() {
			continue
		}
		out = append(out, rdf.Quad{S: s, P: p, O: o, G: g})
	}
	return out
}

// solutions evaluates a WHERE clause over the dataset given by from and
// fromNamed (both empty: the default graph and all named graphs), as the
// request sees the store, and calls fn with every solution (the values of
// vars, in order).
func (x *executor) solutions(where *parser.GroupPattern, base string, vars, from, fromNamed []string, fn func(results.Solution)) error {
	op, err := algebra.TranslatePattern(where)
	if err != nil {
		return fmt.Errorf("translate WHERE: %w", err)
	}
	snap := x.snap
	if readable, changed := x.readable(from, fromNamed); changed {
		scratch, err := x.scratchStore(readable)
		if err != nil {
			return err
		}
		defer scratch.Close()
		snap = scratch.Snapshot()
		defer snap.Release()
	}
	q := eval.PatternQuery(op, vars, from, fromNamed, eval.Options{BaseIRI: base})
	res, err := q.Exec(x.ctx, snap)
	if err != nil {
		return fmt.Errorf("evaluate WHERE: %w", err)
	}
	defer res.Close()
	for res.Next() {
		fn(res.Solution())
	}
	if err := res.Err(); err != nil {
		return fmt.Errorf("evaluate WHERE: %w", err)
	}
	return nil
}

// readable returns the graphs a WHERE clause over the dataset can read,
// and whether the request has changed any of them so far.
func (x *executor) readable(from, fromNamed []string) ([]rdf.Term, bool) {
	if len(x.delta) == 0 {
		return nil, false
	}
	if len(from) == 0 && len(fromNamed) == 0 {
		return append([]rdf.Term{{}}, x.namedGraphs()...), true
	}
	if !x.changedAny(from) && !x.changedAny(fromNamed) {
		return nil, false
	}
	var out []rdf.Term
	seen := map[graph.ID]bool{}
	for _, g := range append(append([]string(nil), from...), fromNamed...) {
		t := rdf.IRI(g)
		if id := graph.TermID(t); !seen[id] {
			seen[id] = true
			out = append(out, t)
		}
	}
	return out, true
}
