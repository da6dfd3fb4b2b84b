package eval

import (
	"slices"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
)

// pathPattern evaluates Path(X, path, Y) (section 18.4, "Property Path
// Patterns").
func (ev *evaluator) pathPattern(op *algebra.PathPattern, in row, sc *scope, yield func(row) bool) bool {
	s, ss := ev.patternTerm(op.S, in)
	o, os := ev.patternTerm(op.O, in)
	sameVar := ss >= 0 && ss == os && s.IsZero()
	return ev.pathPairs(op.Path, s, o, sc, func(x, y graph.ID) bool {
		if !ev.tick() {
			return false
		}
		if sameVar && x != y {
			return true
		}
		r := in
		if (ss >= 0 && r[ss].IsZero()) || (os >= 0 && r[os].IsZero()) {
			r = slices.Clone(in)
			if ss >= 0 {
				r[ss] = x
			}
			if os >= 0 {
				r[os] = y
			}
		}
		return yield(r)
	})
}

// pathPairs calls fn for every pair (x, y) connected by path p in scope
// sc, with x = s when s is not zero and y = o when o is not zero. Links,
// inverses, sequences, alternatives and negated sets produce multisets
// (one pair per way of matching); the closures (*, +, ?) produce each
// pair once.
func (ev *evaluator) pathPairs(p algebra.PathExpr, s, o graph.ID, sc *scope, fn func(x, y graph.ID) bool) bool {
	switch p := p.(type) {
	case algebra.Link:
		pred := ev.constID(rdf.IRI(string(p)))
		return ev.match(sc, s, pred, o, func(q graph.EncodedQuad) bool { return fn(q.S, q.O) })
	case *algebra.Inverse:
		return ev.pathPairs(p.Path, o, s, sc, func(x, y graph.ID) bool { return fn(y, x) })
	case *algebra.Sequence:
		if s.IsZero() && !o.IsZero() {
			return ev.pathPairs(p.Right, graph.ID{}, o, sc, func(m, y graph.ID) bool {
				return ev.pathPairs(p.Left, s, m, sc, func(x, _ graph.ID) bool { return fn(x, y) })
			})
		}
		return ev.pathPairs(p.Left, s, graph.ID{}, sc, func(x, m graph.ID) bool {
			return ev.pathPairs(p.Right, m, o, sc, func(_, y graph.ID) bool { return fn(x, y) })
		})
	case *algebra.Alternative:
		return ev.pathPairs(p.Left, s, o, sc, fn) && ev.pathPairs(p.Right, s, o, sc, fn)
	case *algebra.NegatedPropertySet:
		excluded := make(map[graph.ID]bool, len(p.IRIs))
		for _, iri := range p.IRIs {
			excluded[ev.constID(rdf.IRI(iri))] = true
		}
		return ev.match(sc, s, graph.ID{}, o, func(q graph.EncodedQuad) bool {
			if excluded[q.P] {
				return true
			}
			return fn(q.S, q.O)
		})
	case *algebra.ZeroOrOne:
		seen := map[[2]graph.ID]bool{}
		emit := func(x, y graph.ID) bool {
			k := [2]graph.ID{x, y}
			if seen[k] {
				return true
			}
			seen[k] = true
			return fn(x, y)
		}
		if !ev.zeroLength(s, o, sc, emit) {
			return false
		}
		return ev.pathPairs(p.Path, s, o, sc, emit)
	case *algebra.ZeroOrMore:
		return ev.closure(p.Path, true, s, o, sc, fn)
	case *algebra.OneOrMore:
		return ev.closure(p.Path, false, s, o, sc, fn)
	}
	return true
}

// zeroLength produces the pairs of the zero-length path: every term with
// itself. A bound end is its own pair even when it is not in the graph;
// with both ends free, every subject and object of the graph.
func (ev *evaluator) zeroLength(s, o graph.ID, sc *scope, fn func(x, y graph.ID) bool) bool {
	switch {
	case !s.IsZero():
		if o.IsZero() || o == s {
			return fn(s, s)
		}
		return true
	case !o.IsZero():
		return fn(o, o)
	}
	for _, n := range ev.graphNodes(sc) {
		if !fn(n, n) {
			return false
		}
	}
	return true
}

// graphNodes lists the subjects and objects of the scope's graph.
func (ev *evaluator) graphNodes(sc *scope) []graph.ID {
	seen := map[graph.ID]bool{}
	var nodes []graph.ID
	ev.match(sc, graph.ID{}, graph.ID{}, graph.ID{}, func(q graph.EncodedQuad) bool {
		for _, n := range [2]graph.ID{q.S, q.O} {
			if !seen[n] {
				seen[n] = true
				nodes = append(nodes, n)
			}
		}
		return ev.tick()
	})
	return nodes
}

// closure evaluates path* (zero true) and path+ by breadth-first search
// from the bound end, visiting each node once so that cycles terminate.
func (ev *evaluator) closure(p algebra.PathExpr, zero bool, s, o graph.ID, sc *scope, fn func(x, y graph.ID) bool) bool {
	switch {
	case !s.IsZero():
		for _, y := range ev.reach(p, zero, s, true, sc) {
			if o.IsZero() || y == o {
				if !fn(s, y) {
					return false
				}
			}
		}
		return ev.err == nil
	case !o.IsZero():
		for _, x := range ev.reach(p, zero, o, false, sc) {
			if !fn(x, o) {
				return false
			}
		}
		return ev.err == nil
	}
	for _, n := range ev.graphNodes(sc) {
		for _, y := range ev.reach(p, zero, n, true, sc) {
			if !fn(n, y) {
				return false
			}
		}
	}
	return ev.err == nil
}

// reach returns the nodes reachable from start by one or more steps of p
// (forward) or of its inverse, and start itself when zero is set.
func (ev *evaluator) reach(p algebra.PathExpr, zero bool, start graph.ID, forward bool, sc *scope) []graph.ID {
	var out []graph.ID
	found := map[graph.ID]bool{}
	if zero {
		found[start] = true
		out = append(out, start)
	}
	expanded := map[graph.ID]bool{start: true}
	queue := []graph.ID{start}
	for len(queue) > 0 && ev.err == nil {
		n := queue[0]
		queue = queue[1:]
		step := func(x, y graph.ID) bool {
			next := y
			if !forward {
				next = x
			}
			if !found[next] {
				found[next] = true
				out = append(out, next)
			}
			if !expanded[next] {
				expanded[next] = true
				queue = append(queue, next)
			}
			return ev.tick()
		}
		if forward {
			ev.pathPairs(p, n, graph.ID{}, sc, step)
		} else {
			ev.pathPairs(p, graph.ID{}, n, sc, step)
		}
	}
	return out
}
