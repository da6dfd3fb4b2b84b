package eval

import (
	"iter"
	"strconv"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
)

// construct instantiates the CONSTRUCT template with each solution
// (section 16.2): template blank nodes become fresh blank nodes per
// solution, and triples with an unbound variable or an invalid term in
// some position are left out. The result is a set: repeated triples are
// reported once.
func (ev *evaluator) construct(tpl []algebra.TriplePattern, solutions iter.Seq[row]) iter.Seq[rdf.Quad] {
	return func(yield func(rdf.Quad) bool) {
		seen := map[[3]graph.ID]bool{}
		n := 0
		for r := range solutions {
			n++
			prefix := "c" + strconv.Itoa(n) + "_"
			for _, tp := range tpl {
				s, ok1 := ev.instantiate(tp.S, r, prefix)
				p, ok2 := ev.instantiate(tp.P, r, prefix)
				o, ok3 := ev.instantiate(tp.O, r, prefix)
				if !ok1 || !ok2 || !ok3 || s.IsLiteral() || !p.IsIRI() {
					continue
				}
				k := [3]graph.ID{graph.TermID(s), graph.TermID(p), graph.TermID(o)}
				if seen[k] {
					continue
				}
				seen[k] = true
				if !yield(rdf.Quad{S: s, P: p, O: o}) {
					return
				}
			}
		}
	}
}

// instantiate gives a template position its value in a solution.
func (ev *evaluator) instantiate(t algebra.Term, r row, bnodePrefix string) (rdf.Term, bool) {
	if t.IsVar() {
		s := ev.slot(t.Var)
		if s < 0 || r[s].IsZero() {
			return rdf.Term{}, false
		}
		v, err := ev.term(r[s])
		if err != nil {
			ev.fail(err)
			return rdf.Term{}, false
		}
		return v, true
	}
	if t.Value.IsBlank() {
		return rdf.Blank(bnodePrefix + t.Value.Value), true
	}
	return t.Value, true
}

// describe answers DESCRIBE with the concise bounded description of each
// resource: the triples of the default graph with the resource as
// subject, and recursively those of the blank nodes they lead to.
func (ev *evaluator) describe(terms []algebra.Term, solutions iter.Seq[row]) iter.Seq[rdf.Quad] {
	return func(yield func(rdf.Quad) bool) {
		var resources []graph.ID
		have := map[graph.ID]bool{}
		add := func(id graph.ID) {
			if !id.IsZero() && !id.IsLiteral() && !have[id] {
				have[id] = true
				resources = append(resources, id)
			}
		}
		for _, t := range terms {
			if !t.IsVar() {
				add(ev.constID(t.Value))
			}
		}
		hasVars := false
		for _, t := range terms {
			hasVars = hasVars || t.IsVar()
		}
		if hasVars {
			for r := range solutions {
				for _, t := range terms {
					if t.IsVar() {
						if s := ev.slot(t.Var); s >= 0 {
							add(r[s])
						}
					}
				}
			}
		}
		visited := map[graph.ID]bool{}
		for len(resources) > 0 && ev.err == nil {
			id := resources[0]
			resources = resources[1:]
			if visited[id] {
				continue
			}
			visited[id] = true
			var out []graph.EncodedQuad
			ev.match(ev.defaultScope, id, graph.ID{}, graph.ID{}, func(q graph.EncodedQuad) bool {
				out = append(out, q)
				return ev.tick()
			})
			for _, q := range out {
				if q.O.IsBlank() && !visited[q.O] {
					resources = append(resources, q.O)
				}
				t, err := ev.snap.Quad(graph.EncodedQuad{S: q.S, P: q.P, O: q.O})
				if err != nil {
					ev.fail(err)
					return
				}
				if !yield(t) {
					return
				}
			}
		}
	}
}
