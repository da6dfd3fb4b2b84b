package eval

import (
	"context"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/expr"
	"github.com/kplane/kplane/query/sparql/optimize"
)

// metadataGraph is the id of the graph in which the store describes its
// named graphs: a named graph of the dataset when named explicitly, but
// not one GRAPH ?g ranges over, nor part of the union default graph.
var metadataGraph = graph.TermID(rdf.IRI(graph.MetadataGraph))

// row is a solution: the id bound to each variable slot, zero when the
// variable is unbound. Rows are never modified once passed on.
type row []graph.ID

// evaluator is the state of one execution of a query.
type evaluator struct {
	ctx  context.Context
	snap *graph.Snapshot
	opts Options

	slots map[string]int // variable name → slot
	names []string       // slot → variable name

	// local holds the terms computed by expressions (BIND, aggregates,
	// VALUES): they may be absent from the store's dictionary.
	local map[graph.ID]rdf.Term
	env   *expr.Env
	err   error
	steps int

	defaultScope *scope
	named        []graph.ID          // the graphs GRAPH ?g ranges over
	namedSet     map[graph.ID]bool   // the same as a set
	namedScopes  map[graph.ID]*scope // one scope per named graph
	hasDefault   bool                // the store's default graph has quads
	plan         *optimize.Plan      // decisions of the optimizer
	correlatable map[algebra.Operator]bool
	cache        map[cacheKey][]row // independent subtrees, evaluated once
	probes       map[probeKey]*probeTable
	lookups      map[probeKey]*lookupState
	merged       map[probeKey]bool // BGPs whose merge join ran (for EXPLAIN)
	bgpInfo      map[*algebra.BGP][]patternInfo
	calls        map[callKey][][]graph.ID // property function results

	analyze bool
	stats   map[algebra.Operator]*opStats
}

// cacheKey identifies an operator evaluated on its own in one scope.
type cacheKey struct {
	op algebra.Operator
	sc *scope
}

// opStats counts what an operator did, for EXPLAIN ANALYZE.
type opStats struct {
	calls int64
	rows  int64
}

// scope is the active graph of a pattern: the query's default graph or
// one named graph. subst marks evaluation inside EXISTS, where the outer
// solution is substituted into the whole pattern (section 18.6).
type scope struct {
	sel   graph.GraphSelector
	empty bool // no graph at all (FROM NAMED without FROM)
	// merge, when set, makes the scope the RDF merge of these named
	// graphs (several FROM clauses).
	merge map[graph.ID]bool
	// union makes the scope the merge of every graph.
	union bool
	subst bool
}

func (q *Query) newEvaluator(ctx context.Context, snap *graph.Snapshot) (*evaluator, error) {
	ev := &evaluator{
		ctx:          ctx,
		snap:         snap,
		opts:         q.opts,
		slots:        map[string]int{},
		local:        map[graph.ID]rdf.Term{},
		namedScopes:  map[graph.ID]*scope{},
		correlatable: map[algebra.Operator]bool{},
		cache:        map[cacheKey][]row{},
		probes:       map[probeKey]*probeTable{},
		lookups:      map[probeKey]*lookupState{},
		merged:       map[probeKey]bool{},
		bgpInfo:      map[*algebra.BGP][]patternInfo{},
		calls:        map[callKey][][]graph.ID{},
	}
	now := q.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	ev.env = &expr.Env{Now: now, BaseIRI: q.base, Exists: ev.exists, BNodes: expr.NewBNodeScope()}
	ev.collectVars(q.Algebra)
	ev.hasDefault = snap.Stats().DefaultGraphQuads > 0

	aq := q.Algebra
	explicitOnly := map[graph.ID]bool{}
	if len(aq.From) == 0 && len(aq.FromNamed) == 0 {
		ev.defaultScope = &scope{sel: graph.DefaultGraph}
		if q.opts.UnionDefaultGraph {
			ev.defaultScope = &scope{sel: graph.AllGraphs, union: true}
		}
		// GRAPH ?g ranges over the data's named graphs; the store's
		// metadata graph is only queried by name.
		for _, gi := range snap.Graphs() {
			id := graph.TermID(gi.Name)
			explicitOnly[id] = id == metadataGraph
			if id != metadataGraph {
				ev.named = append(ev.named, id)
			}
		}
	} else {
		switch len(aq.From) {
		case 0:
			ev.defaultScope = &scope{empty: true}
		case 1:
			ev.defaultScope = &scope{sel: graph.InGraph(graph.TermID(rdf.IRI(aq.From[0])))}
		default:
			m := map[graph.ID]bool{}
			for _, g := range aq.From {
				m[graph.TermID(rdf.IRI(g))] = true
			}
			ev.defaultScope = &scope{sel: graph.AllNamedGraphs, merge: m}
		}
		seen := map[graph.ID]bool{}
		for _, g := range aq.FromNamed {
			id := graph.TermID(rdf.IRI(g))
			if !seen[id] && snap.HasGraph(id) {
				seen[id] = true
				ev.named = append(ev.named, id)
			}
		}
	}
	ev.namedSet = map[graph.ID]bool{}
	for _, g := range ev.named {
		ev.namedSet[g] = true
	}
	for g := range explicitOnly {
		ev.namedSet[g] = true
	}
	return ev, nil
}

// collectVars gives every variable of the query a slot.
func (ev *evaluator) collectVars(q *algebra.Query) {
	add := func(v string) {
		if _, ok := ev.slots[v]; !ok && v != "" {
			ev.slots[v] = len(ev.names)
			ev.names = append(ev.names, v)
		}
	}
	addTerm := func(t algebra.Term) {
		if t.IsVar() {
			add(t.Var)
		}
	}
	var walkExpr func(e algebra.Expression)
	var walk func(op algebra.Operator)
	walkExpr = func(e algebra.Expression) {
		switch e := e.(type) {
		case *algebra.Var:
			add(e.Name)
		case *algebra.Call:
			for _, a := range e.Args {
				walkExpr(a)
			}
		case *algebra.FunctionCall:
			for _, a := range e.Args {
				walkExpr(a)
			}
		case *algebra.Exists:
			walk(e.Pattern)
		}
	}
	walk = func(op algebra.Operator) {
		switch op := op.(type) {
		case *algebra.BGP:
			for _, tp := range op.Patterns {
				addTerm(tp.S)
				addTerm(tp.P)
				addTerm(tp.O)
			}
		case *algebra.PathPattern:
			addTerm(op.S)
			addTerm(op.O)
		case *algebra.PropertyCall:
			for _, t := range op.Subject {
				addTerm(t)
			}
			for _, t := range op.Object {
				addTerm(t)
			}
		case *algebra.Join:
			walk(op.Left)
			walk(op.Right)
		case *algebra.LeftJoin:
			walk(op.Left)
			walk(op.Right)
			if op.Expr != nil {
				walkExpr(op.Expr)
			}
		case *algebra.Minus:
			walk(op.Left)
			walk(op.Right)
		case *algebra.Union:
			walk(op.Left)
			walk(op.Right)
		case *algebra.Filter:
			walk(op.Input)
			for _, e := range op.Exprs {
				walkExpr(e)
			}
		case *algebra.Graph:
			addTerm(op.Name)
			walk(op.Input)
		case *algebra.Service:
			addTerm(op.Name)
			walk(op.Input)
		case *algebra.Extend:
			walk(op.Input)
			add(op.Var)
			walkExpr(op.Expr)
		case *algebra.Table:
			for _, v := range op.Vars {
				add(v)
			}
		case *algebra.Group:
			walk(op.Input)
			for _, k := range op.Keys {
				add(k.Var)
				walkExpr(k.Expr)
			}
			for _, a := range op.Aggregates {
				add(a.Var)
				if a.Aggregate.Arg != nil {
					walkExpr(a.Aggregate.Arg)
				}
			}
		case *algebra.OrderBy:
			walk(op.Input)
			for _, c := range op.Conditions {
				walkExpr(c.Expr)
			}
		case *algebra.Project:
			walk(op.Input)
			for _, v := range op.Vars {
				add(v)
			}
		case *algebra.Distinct:
			walk(op.Input)
		case *algebra.Reduced:
			walk(op.Input)
		case *algebra.Slice:
			walk(op.Input)
		}
	}
	walk(q.Op)
	for _, v := range q.Vars {
		add(v)
	}
	for _, tp := range q.Template {
		addTerm(tp.S)
		addTerm(tp.P)
		addTerm(tp.O)
	}
	for _, t := range q.Describe {
		addTerm(t)
	}
}

// slot returns the slot of a variable, or -1 for a variable the query
// never binds.
func (ev *evaluator) slot(v string) int {
	if s, ok := ev.slots[v]; ok {
		return s
	}
	return -1
}

func (ev *evaluator) emptyRow() row { return make(row, len(ev.names)) }

// fail records the first error of the evaluation; every operator stops
// when it sees one.
func (ev *evaluator) fail(err error) {
	if ev.err == nil {
		ev.err = err
	}
}

// failure returns the error that stopped the evaluation, with a
// cancellation reported as its cause (ErrTimeout for the time limit).
func (ev *evaluator) failure() error {
	if ev.err == nil {
		if err := ev.ctx.Err(); err != nil {
			ev.err = context.Cause(ev.ctx)
		}
	}
	return ev.err
}

// tick is called in every loop that produces solutions; it stops the
// evaluation when the context ends.
func (ev *evaluator) tick() bool {
	if ev.err != nil {
		return false
	}
	ev.steps++
	if ev.steps&1023 == 0 {
		if ev.ctx.Err() != nil {
			ev.fail(context.Cause(ev.ctx))
			return false
		}
	}
	return true
}

// term decodes an id.
func (ev *evaluator) term(id graph.ID) (rdf.Term, error) {
	if t, ok := ev.local[id]; ok {
		return t, nil
	}
	return ev.snap.Term(id)
}

// encode returns the id of a term computed by the query and remembers
// the term so that it decodes even if the store has never seen it.
func (ev *evaluator) encode(t rdf.Term) graph.ID {
	id := graph.TermID(t)
	if _, ok := ev.local[id]; !ok {
		ev.local[id] = t
	}
	return id
}

// constID returns the id of a constant of the query.
func (ev *evaluator) constID(t rdf.Term) graph.ID {
	if t.IsZero() {
		return graph.ID{}
	}
	return ev.encode(t)
}

// binding presents a row to the expression evaluator.
type binding struct {
	ev *evaluator
	r  row
	sc *scope
}

// Get returns the value of variable v.
func (b *binding) Get(v string) (rdf.Term, bool) {
	s, ok := b.ev.slots[v]
	if !ok || b.r[s].IsZero() {
		return rdf.Term{}, false
	}
	t, err := b.ev.term(b.r[s])
	if err != nil {
		b.ev.fail(err)
		return rdf.Term{}, false
	}
	return t, true
}

// evalExpr evaluates an expression against a row. ok is false on an
// expression error (the caller applies the Recommendation's rule); other
// errors stop the evaluation.
func (ev *evaluator) evalExpr(e algebra.Expression, r row, sc *scope) (rdf.Term, bool) {
	v, err := expr.Eval(e, &binding{ev: ev, r: r, sc: sc}, ev.env)
	if err != nil {
		if !expr.IsExprError(err) {
			ev.fail(err)
		}
		return rdf.Term{}, false
	}
	return v, true
}

// test evaluates a filter expression: true only when its effective
// boolean value is true.
func (ev *evaluator) test(e algebra.Expression, r row, sc *scope) bool {
	v, ok := ev.evalExpr(e, r, sc)
	if !ok {
		return false
	}
	b, err := expr.EBV(v)
	return err == nil && b
}

// exists evaluates the pattern of EXISTS with the solution substituted.
func (ev *evaluator) exists(p algebra.Operator, b expr.Binding) (bool, error) {
	bb, ok := b.(*binding)
	if !ok {
		return false, errUnknownBinding
	}
	sc := *bb.sc
	sc.subst = true
	found := false
	ev.eval(p, bb.r, &sc, func(row) bool {
		found = true
		return false
	})
	if ev.err != nil {
		return false, ev.err
	}
	return found, nil
}

// merge returns the union of two compatible rows, and false when they
// bind a variable to different terms.
func merge(a, b row) (row, bool) {
	var out row
	for i, v := range b {
		if v.IsZero() {
			continue
		}
		if a[i].IsZero() {
			if out == nil {
				out = append(row(nil), a...)
			}
			out[i] = v
		} else if a[i] != v {
			return nil, false
		}
	}
	if out == nil {
		return a, true
	}
	return out, true
}

// compatible reports whether two rows agree on their shared variables,
// and whether they share any.
func compatible(a, b row) (ok, shared bool) {
	for i, v := range b {
		if v.IsZero() || a[i].IsZero() {
			continue
		}
		if a[i] != v {
			return false, true
		}
		shared = true
	}
	return true, shared
}

// optimize plans op with the snapshot's statistics.
func (ev *evaluator) optimize(op algebra.Operator) algebra.Operator {
	o := &optimize.Optimizer{
		Stats:        ev.snap.Stats(),
		Count:        ev.countPattern,
		PropertyCall: ev.estimateCall,
		Fold: func(e algebra.Expression) (rdf.Term, bool) {
			v, err := expr.Eval(e, &binding{ev: ev, r: ev.emptyRow(), sc: ev.defaultScope}, ev.env)
			return v, err == nil
		},
	}
	ev.plan = o.Optimize(op)
	return ev.plan.Op
}

// countLimit bounds the quads counted to estimate a pattern; beyond it the
// statistics' estimate is used.
const countLimit = 1000

// countPattern estimates the quads of the default graph that match a
// pattern with constants: it counts up to countLimit, then falls back to
// the statistics.
func (ev *evaluator) countPattern(s, p, o graph.ID) float64 {
	if s.IsZero() && p.IsZero() && o.IsZero() {
		return float64(ev.snap.Stats().Quads)
	}
	n := 0
	ev.match(ev.defaultScope, s, p, o, func(graph.EncodedQuad) bool {
		n++
		return n < countLimit
	})
	if n < countLimit {
		return float64(n)
	}
	st := ev.snap.Stats()
	est := float64(st.Quads)
	if !p.IsZero() {
		ps := st.Predicates[p]
		est = float64(ps.Quads)
		if !s.IsZero() && ps.DistinctSubjects > 0 {
			est /= float64(ps.DistinctSubjects)
		}
		if !o.IsZero() && ps.DistinctObjects > 0 {
			est /= float64(ps.DistinctObjects)
		}
	}
	return max(est, countLimit)
}

// isCorrelatable caches optimize.Correlatable.
func (ev *evaluator) isCorrelatable(op algebra.Operator) bool {
	c, ok := ev.correlatable[op]
	if !ok {
		c = optimize.Correlatable(op)
		ev.correlatable[op] = c
	}
	return c
}

// namedScope returns the scope of one named graph.
func (ev *evaluator) namedScope(g graph.ID, subst bool) *scope {
	if subst {
		return &scope{sel: graph.InGraph(g), subst: true}
	}
	sc, ok := ev.namedScopes[g]
	if !ok {
		sc = &scope{sel: graph.InGraph(g)}
		ev.namedScopes[g] = sc
	}
	return sc
}

// match calls fn for every quad of the scope matching the pattern (zero
// ids are wildcards); it returns false if fn stopped it or it failed. In
// a merged scope each triple is reported once, with the default graph.
func (ev *evaluator) match(sc *scope, s, p, o graph.ID, fn func(graph.EncodedQuad) bool) bool {
	if sc.empty || ev.err != nil {
		return ev.err == nil
	}
	if sc.merge == nil && !sc.union {
		it := ev.snap.Scan(ev.ctx, graph.Pattern{S: s, P: p, O: o, Graph: sc.sel})
		defer it.Close()
		for it.Next() {
			if !fn(it.Quad()) {
				return false
			}
		}
		if err := it.Err(); err != nil {
			ev.fail(err)
			return false
		}
		return true
	}
	if sc.union && ev.hasDefault {
		it := ev.snap.Scan(ev.ctx, graph.Pattern{S: s, P: p, O: o, Graph: graph.DefaultGraph})
		for it.Next() {
			if !fn(it.Quad()) {
				it.Close()
				return false
			}
		}
		it.Close()
		if err := it.Err(); err != nil {
			ev.fail(err)
			return false
		}
	}
	// The graph-last indexes put the copies of one triple in different
	// graphs next to each other: skipping repeats of the previous triple
	// is the merge.
	it := ev.snap.Scan(ev.ctx, graph.Pattern{S: s, P: p, O: o, Graph: graph.AllNamedGraphs})
	defer it.Close()
	var last graph.EncodedQuad
	first := true
	for it.Next() {
		q := it.Quad()
		if sc.merge != nil && !sc.merge[q.G] || sc.union && q.G == metadataGraph {
			continue
		}
		q.G = graph.ID{}
		if !first && q == last {
			continue
		}
		first, last = false, q
		if sc.union && ev.hasDefault && ev.inDefault(q) {
			continue
		}
		if !fn(q) {
			return false
		}
	}
	if err := it.Err(); err != nil {
		ev.fail(err)
		return false
	}
	return true
}

// inDefault reports whether the store's default graph holds a triple.
func (ev *evaluator) inDefault(q graph.EncodedQuad) bool {
	it := ev.snap.Scan(ev.ctx, graph.Pattern{S: q.S, P: q.P, O: q.O, Graph: graph.DefaultGraph})
	defer it.Close()
	return it.Next()
}
