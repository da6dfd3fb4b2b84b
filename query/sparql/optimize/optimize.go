// Package optimize rewrites SPARQL algebra before evaluation: it folds
// constant expressions, pushes filters down to the operators that bind
// their variables, orders the triple patterns of basic graph patterns by
// estimated cardinality, and chooses between index nested-loop, hash and
// merge joins.
//
// Every rewrite preserves the bottom-up semantics of section 18.5 of the
// SPARQL 1.1 Recommendation: a filter only moves next to an operator that
// binds all of the filter's variables in every solution, never into the
// right side of an OPTIONAL or a MINUS, and never across an EXISTS.
//
// The optimizer works from the store's statistics (per-predicate counts of
// quads, distinct subjects and distinct objects) and, optionally, from a
// counting function that measures how many quads match a pattern with
// constants; it never reads the data itself.
package optimize

import (
	"math"
	"slices"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
)

// Optimizer holds what the rewrites need to know about the data. The zero
// value is usable: without statistics every pattern looks alike and
// patterns keep their order except to avoid cross products.
type Optimizer struct {
	// Stats are the store's planner statistics; nil means unknown.
	Stats *graph.Stats
	// Count, if set, returns the number of quads of the queried dataset
	// that match a pattern whose zero ids are wildcards, or an estimate
	// when counting exactly would be expensive.
	Count func(s, p, o graph.ID) float64
	// Fold, if set, evaluates an expression whose arguments are all
	// constants; ok is false when it raises an error (which must then
	// happen at evaluation time, per solution).
	Fold func(e algebra.Expression) (v rdf.Term, ok bool)
	// PropertyCall, if set, estimates the solutions of a property
	// function call whose variables in bound are bound before it is
	// evaluated (see algebra.PropertyCall). Without it a call is
	// estimated at defaultCallEstimate when its object is bound and as
	// huge otherwise, so that it is placed after what binds its object.
	PropertyCall func(call *algebra.PropertyCall, bound map[string]bool) float64
}

// defaultCallEstimate is the estimate of a property function call without
// Optimizer.PropertyCall.
const defaultCallEstimate = 100

// unboundCallEstimate is the estimate of a property function call whose
// object variables are not bound: such a call cannot run (it needs its
// arguments), and this keeps it after the patterns that bind them.
const unboundCallEstimate = 1e12

// Plan is an optimised algebra expression with the optimizer's decisions.
type Plan struct {
	// Op is the rewritten operator tree.
	Op algebra.Operator
	// Estimates holds the estimated number of solutions of each operator
	// of Op, per evaluation: for operators evaluated once per solution of
	// a nested-loop join's left side, per such solution.
	Estimates map[algebra.Operator]float64
	// HashJoins holds the joins to evaluate by building a hash table on
	// the right side; the others run as index nested loops, substituting
	// each left solution into the right side.
	HashJoins map[*algebra.Join]bool
	// HashPatterns marks, for each BGP, the triple patterns to match by
	// probing a hash table built once from a scan of the pattern's
	// constants, keyed by the variables bound by the patterns before it,
	// rather than by one index lookup per solution: worth it when the
	// solutions reaching the pattern are many and the pattern is small.
	HashPatterns map[*algebra.BGP][]bool
	// MergeJoins holds the BGPs whose first two patterns are joined by
	// merging their index scans, which both come sorted on the variable
	// they share (see MergeVar), instead of looking up or hashing the
	// second pattern: two sequential scans and no table, worth it when
	// both patterns are large.
	MergeJoins map[*algebra.BGP]bool
}

// Probing thresholds: a pattern is hashed when at least minProbes
// solutions are expected to reach it and its scan is at most probeRatio
// times as long as the number of lookups it replaces (a lookup costs
// about that many scanned quads), within maxHashPattern quads.
const (
	minProbes      = 1024
	probeRatio     = 16
	maxHashPattern = 4 << 20
)

// seekCost is the cost of one index lookup relative to reading one
// solution from a scan, used to weigh nested-loop joins against hash joins.
const seekCost = 4

// Optimize rewrites op. The result is equivalent to op on every dataset.
func (o *Optimizer) Optimize(op algebra.Operator) *Plan {
	p := newPlan()
	op = o.fold(op)
	op = pushFilters(op)
	st := &planner{o: o, plan: p, counts: map[[3]graph.ID]float64{}}
	p.Op, _ = st.walk(op, varSet{})
	return p
}

func newPlan() *Plan {
	return &Plan{
		Estimates:    map[algebra.Operator]float64{},
		HashJoins:    map[*algebra.Join]bool{},
		HashPatterns: map[*algebra.BGP][]bool{},
		MergeJoins:   map[*algebra.BGP]bool{},
	}
}

// nondeterministic lists the functions that must not be folded: their
// value differs between calls or solutions.
var nondeterministic = map[string]bool{
	"RAND": true, "NOW": true, "UUID": true, "STRUUID": true, "BNODE": true,
}

// fold replaces constant subexpressions by their values throughout op.
func (o *Optimizer) fold(op algebra.Operator) algebra.Operator {
	if o.Fold == nil {
		return op
	}
	return mapOperator(op, func(op algebra.Operator) algebra.Operator {
		switch op := op.(type) {
		case *algebra.Filter:
			exprs := make([]algebra.Expression, len(op.Exprs))
			for i, e := range op.Exprs {
				exprs[i] = o.foldExpr(e)
			}
			return &algebra.Filter{Exprs: exprs, Input: op.Input}
		case *algebra.Extend:
			return &algebra.Extend{Input: op.Input, Var: op.Var, Expr: o.foldExpr(op.Expr)}
		case *algebra.LeftJoin:
			if op.Expr != nil {
				return &algebra.LeftJoin{Left: op.Left, Right: op.Right, Expr: o.foldExpr(op.Expr)}
			}
		}
		return op
	})
}

func (o *Optimizer) foldExpr(e algebra.Expression) algebra.Expression {
	var args []algebra.Expression
	switch e := e.(type) {
	case *algebra.Call:
		if nondeterministic[e.Func] {
			return e
		}
		args = e.Args
	case *algebra.FunctionCall:
		args = e.Args
	case *algebra.Exists:
		return &algebra.Exists{Not: e.Not, Pattern: o.fold(e.Pattern)}
	default:
		return e
	}
	folded := make([]algebra.Expression, len(args))
	allConst := true
	for i, a := range args {
		folded[i] = o.foldExpr(a)
		if _, ok := folded[i].(*algebra.Const); !ok {
			allConst = false
		}
	}
	var out algebra.Expression
	switch e := e.(type) {
	case *algebra.Call:
		out = &algebra.Call{Func: e.Func, Args: folded}
	case *algebra.FunctionCall:
		out = &algebra.FunctionCall{IRI: e.IRI, Args: folded, Distinct: e.Distinct}
	}
	if allConst {
		if v, ok := o.Fold(out); ok {
			return &algebra.Const{Value: v}
		}
	}
	return out
}

// MapOperator rebuilds op bottom-up, applying fn to every operator after
// its inputs have been rebuilt. It does not enter the patterns of EXISTS.
func MapOperator(op algebra.Operator, fn func(algebra.Operator) algebra.Operator) algebra.Operator {
	return mapOperator(op, fn)
}

func mapOperator(op algebra.Operator, fn func(algebra.Operator) algebra.Operator) algebra.Operator {
	m := func(x algebra.Operator) algebra.Operator { return mapOperator(x, fn) }
	switch op := op.(type) {
	case *algebra.Join:
		return fn(&algebra.Join{Left: m(op.Left), Right: m(op.Right)})
	case *algebra.LeftJoin:
		return fn(&algebra.LeftJoin{Left: m(op.Left), Right: m(op.Right), Expr: op.Expr})
	case *algebra.Minus:
		return fn(&algebra.Minus{Left: m(op.Left), Right: m(op.Right)})
	case *algebra.Union:
		return fn(&algebra.Union{Left: m(op.Left), Right: m(op.Right)})
	case *algebra.Filter:
		return fn(&algebra.Filter{Exprs: op.Exprs, Input: m(op.Input)})
	case *algebra.Graph:
		return fn(&algebra.Graph{Name: op.Name, Input: m(op.Input)})
	case *algebra.Service:
		return fn(&algebra.Service{Silent: op.Silent, Name: op.Name, Input: m(op.Input)})
	case *algebra.Extend:
		return fn(&algebra.Extend{Input: m(op.Input), Var: op.Var, Expr: op.Expr})
	case *algebra.Group:
		return fn(&algebra.Group{Keys: op.Keys, Aggregates: op.Aggregates, Input: m(op.Input)})
	case *algebra.OrderBy:
		return fn(&algebra.OrderBy{Conditions: op.Conditions, Input: m(op.Input)})
	case *algebra.Project:
		return fn(&algebra.Project{Vars: op.Vars, Input: m(op.Input)})
	case *algebra.Distinct:
		return fn(&algebra.Distinct{Input: m(op.Input)})
	case *algebra.Reduced:
		return fn(&algebra.Reduced{Input: m(op.Input)})
	case *algebra.Slice:
		return fn(&algebra.Slice{Offset: op.Offset, Limit: op.Limit, Input: m(op.Input)})
	}
	return fn(op)
}

// splitConjunction flattens && into its operands: FILTER(a && b) is
// FILTER(a) FILTER(b), and each part can move on its own.
func splitConjunction(e algebra.Expression, out []algebra.Expression) []algebra.Expression {
	if c, ok := e.(*algebra.Call); ok && c.Func == "&&" && len(c.Args) == 2 {
		out = splitConjunction(c.Args[0], out)
		return splitConjunction(c.Args[1], out)
	}
	return append(out, e)
}

// pushFilters moves every filter as close as possible to the operators
// that bind its variables.
func pushFilters(op algebra.Operator) algebra.Operator {
	return mapOperator(op, func(op algebra.Operator) algebra.Operator {
		f, ok := op.(*algebra.Filter)
		if !ok {
			return op
		}
		var exprs []algebra.Expression
		for _, e := range f.Exprs {
			exprs = splitConjunction(e, exprs)
		}
		return pushInto(f.Input, exprs)
	})
}

// movable reports whether e may be evaluated against the solutions of an
// operator that certainly binds vars instead of a larger solution: it
// must read no other variable and contain no EXISTS.
func movable(e algebra.Expression, vars varSet) bool {
	vs, ex := ExprVars(e)
	return !ex && varSet(vs).subsetOf(vars)
}

// pushInto returns Filter(exprs, input) with as many of exprs as possible
// moved into input.
func pushInto(input algebra.Operator, exprs []algebra.Expression) algebra.Operator {
	if len(exprs) == 0 {
		return input
	}
	var keep []algebra.Expression
	switch in := input.(type) {
	case *algebra.Filter:
		return pushInto(in.Input, append(slices.Clone(in.Exprs), exprs...))
	case *algebra.Join:
		lc, rc := certain(in.Left), certain(in.Right)
		var toL, toR []algebra.Expression
		for _, e := range exprs {
			switch {
			case movable(e, lc):
				toL = append(toL, e)
			case movable(e, rc):
				toR = append(toR, e)
			default:
				keep = append(keep, e)
			}
		}
		if toL != nil || toR != nil {
			input = &algebra.Join{Left: pushInto(in.Left, toL), Right: pushInto(in.Right, toR)}
		}
	case *algebra.LeftJoin:
		lc := certain(in.Left)
		var toL []algebra.Expression
		for _, e := range exprs {
			if movable(e, lc) {
				toL = append(toL, e)
			} else {
				keep = append(keep, e)
			}
		}
		if toL != nil {
			input = &algebra.LeftJoin{Left: pushInto(in.Left, toL), Right: in.Right, Expr: in.Expr}
		}
	case *algebra.Minus:
		lc := certain(in.Left)
		var toL []algebra.Expression
		for _, e := range exprs {
			if movable(e, lc) {
				toL = append(toL, e)
			} else {
				keep = append(keep, e)
			}
		}
		if toL != nil {
			input = &algebra.Minus{Left: pushInto(in.Left, toL), Right: in.Right}
		}
	case *algebra.Union:
		var both []algebra.Expression
		for _, e := range exprs {
			if _, ex := ExprVars(e); ex {
				keep = append(keep, e)
			} else {
				both = append(both, e)
			}
		}
		if both != nil {
			input = &algebra.Union{Left: pushInto(in.Left, both), Right: pushInto(in.Right, slices.Clone(both))}
		}
	case *algebra.Graph:
		ic := certain(in.Input)
		var down []algebra.Expression
		for _, e := range exprs {
			if movable(e, ic) {
				down = append(down, e)
			} else {
				keep = append(keep, e)
			}
		}
		if down != nil {
			input = &algebra.Graph{Name: in.Name, Input: pushInto(in.Input, down)}
		}
	case *algebra.Extend:
		ic := certain(in.Input)
		var down []algebra.Expression
		for _, e := range exprs {
			vs, _ := ExprVars(e)
			if !vs[in.Var] && movable(e, ic) {
				down = append(down, e)
			} else {
				keep = append(keep, e)
			}
		}
		if down != nil {
			input = &algebra.Extend{Input: pushInto(in.Input, down), Var: in.Var, Expr: in.Expr}
		}
	default:
		keep = exprs
	}
	if len(keep) == 0 {
		return input
	}
	return &algebra.Filter{Exprs: keep, Input: input}
}

// planner orders patterns and chooses join strategies, recording the
// estimates in plan.
type planner struct {
	o    *Optimizer
	plan *Plan
	// counts remembers the pattern counts asked of the Optimizer: the
	// search for a BGP's order asks for the same ones many times.
	counts map[[3]graph.ID]float64
}

// walk plans op for evaluation with the variables in bound already bound
// (by the left side of an enclosing nested-loop join) and returns the
// planned operator and its estimated number of solutions per evaluation.
func (pl *planner) walk(op algebra.Operator, bound varSet) (algebra.Operator, float64) {
	out, est := pl.walk1(op, bound)
	pl.plan.Estimates[out] = est
	return out, est
}

func (pl *planner) walk1(op algebra.Operator, bound varSet) (algebra.Operator, float64) {
	switch op := op.(type) {
	case *algebra.BGP:
		pats, est, hash, merge := pl.orderBGP(op.Patterns, bound)
		out := &algebra.BGP{Patterns: pats}
		pl.mark(out, hash, merge)
		return out, est
	case *algebra.PathPattern:
		return op, pl.pathEstimate(op, bound)
	case *algebra.PropertyCall:
		for _, t := range op.Object {
			if t.IsVar() && !bound[t.Var] {
				return op, unboundCallEstimate
			}
		}
		if pl.o.PropertyCall != nil {
			return op, pl.o.PropertyCall(op, bound)
		}
		return op, defaultCallEstimate
	case *algebra.Table:
		return op, float64(len(op.Rows))
	case *algebra.Filter:
		if bgp, ok := op.Input.(*algebra.BGP); ok && len(bgp.Patterns) > 1 {
			return pl.filteredBGP(bgp, op.Exprs, bound)
		}
		in, est := pl.walk(op.Input, bound)
		return &algebra.Filter{Exprs: op.Exprs, Input: in}, est * math.Pow(0.5, float64(len(op.Exprs)))
	case *algebra.Join:
		return pl.join(op, bound)
	case *algebra.LeftJoin:
		l, le := pl.walk(op.Left, bound)
		rb := bound
		if Correlatable(op.Right) {
			rb = bound.clone()
			rb.addAll(certain(l))
		} else {
			rb = varSet{}
		}
		r, re := pl.walk(op.Right, rb)
		if !Correlatable(op.Right) {
			re = 1
		}
		return &algebra.LeftJoin{Left: l, Right: r, Expr: op.Expr}, le * math.Max(1, re)
	case *algebra.Minus:
		l, le := pl.walk(op.Left, bound)
		r, _ := pl.walk(op.Right, varSet{})
		return &algebra.Minus{Left: l, Right: r}, le
	case *algebra.Union:
		l, le := pl.walk(op.Left, bound)
		r, re := pl.walk(op.Right, bound)
		return &algebra.Union{Left: l, Right: r}, le + re
	case *algebra.Graph:
		b := bound
		if op.Name.IsVar() {
			b = bound.clone()
			b[op.Name.Var] = true
		}
		in, est := pl.walk(op.Input, b)
		return &algebra.Graph{Name: op.Name, Input: in}, est
	case *algebra.Service:
		in, est := pl.walk(op.Input, varSet{})
		return &algebra.Service{Silent: op.Silent, Name: op.Name, Input: in}, est
	case *algebra.Extend:
		in, est := pl.walk(op.Input, bound)
		return &algebra.Extend{Input: in, Var: op.Var, Expr: op.Expr}, est
	case *algebra.Group:
		in, est := pl.walk(op.Input, varSet{})
		if len(op.Keys) == 0 {
			est = 1
		} else {
			est = math.Max(1, math.Sqrt(est))
		}
		return &algebra.Group{Keys: op.Keys, Aggregates: op.Aggregates, Input: in}, est
	case *algebra.OrderBy:
		in, est := pl.walk(op.Input, bound)
		return &algebra.OrderBy{Conditions: op.Conditions, Input: in}, est
	case *algebra.Project:
		// A projection is a subquery boundary (or the top): its input is
		// evaluated on its own.
		in, est := pl.walk(op.Input, varSet{})
		return &algebra.Project{Vars: op.Vars, Input: in}, est
	case *algebra.Distinct:
		in, est := pl.walk(op.Input, bound)
		return &algebra.Distinct{Input: in}, est
	case *algebra.Reduced:
		in, est := pl.walk(op.Input, bound)
		return &algebra.Reduced{Input: in}, est
	case *algebra.Slice:
		in, est := pl.walk(op.Input, bound)
		if op.Limit >= 0 {
			est = math.Min(est, float64(op.Limit))
		}
		return &algebra.Slice{Offset: op.Offset, Limit: op.Limit, Input: in}, est
	}
	return op, 1
}

// join plans Join(l, r): the side with fewer estimated solutions goes
// left when both can be correlated, and a hash join replaces the nested
// loop when the right side cannot take substituted bindings or when
// building it once is cheaper than one lookup per left solution.
func (pl *planner) join(op *algebra.Join, bound varSet) (algebra.Operator, float64) {
	left, right := op.Left, op.Right
	_, le := pl.estimate(left, bound)
	_, re := pl.estimate(right, bound)
	if Correlatable(left) && Correlatable(right) && re < le {
		left, right = right, left
		le, re = re, le
	}
	l, le := pl.walk(left, bound)
	if !Correlatable(right) {
		r, re := pl.walk(right, varSet{})
		j := &algebra.Join{Left: l, Right: r}
		pl.plan.HashJoins[j] = true
		return j, joinEstimate(le, re, certain(l), certain(r))
	}
	rb := bound.clone()
	rb.addAll(certain(l))
	_, perLeft := pl.estimate(right, rb)
	nestedCost := le * (seekCost + perLeft)
	hashCost := re + le
	if hashCost < nestedCost/2 {
		r, re := pl.walk(right, bound)
		j := &algebra.Join{Left: l, Right: r}
		pl.plan.HashJoins[j] = true
		return j, joinEstimate(le, re, certain(l), certain(r))
	}
	r, perLeft := pl.walk(right, rb)
	return &algebra.Join{Left: l, Right: r}, le * perLeft
}

// estimate plans op on a scratch plan and returns its estimate, leaving
// pl's plan untouched.
func (pl *planner) estimate(op algebra.Operator, bound varSet) (algebra.Operator, float64) {
	scratch := &planner{o: pl.o, plan: newPlan(), counts: pl.counts}
	return scratch.walk(op, bound)
}

// joinEstimate estimates the size of a join of independent inputs: a
// cross product without shared variables, else the larger side.
func joinEstimate(le, re float64, lv, rv varSet) float64 {
	if len(intersect(lv, rv)) == 0 {
		return le * re
	}
	return math.Max(le, re)
}

// filteredBGP orders a BGP and evaluates each filter right after the
// first prefix of patterns that binds all of the filter's variables, so
// that failing solutions are dropped before the remaining patterns are
// joined. The prefixes become a left-deep chain of nested-loop joins.
func (pl *planner) filteredBGP(bgp *algebra.BGP, exprs []algebra.Expression, bound varSet) (algebra.Operator, float64) {
	pats, _, _, _ := pl.orderBGP(bgp.Patterns, bound)
	// at[i] holds the filters to apply after pattern i.
	at := make([][]algebra.Expression, len(pats))
	var top []algebra.Expression
	for _, e := range exprs {
		vs, ex := ExprVars(e)
		if ex {
			top = append(top, e)
			continue
		}
		have := varSet{}
		placed := false
		for i, tp := range pats {
			have.addAll(patternVars(tp))
			if varSet(vs).subsetOf(have) {
				at[i] = append(at[i], e)
				placed = true
				break
			}
		}
		if !placed {
			top = append(top, e)
		}
	}
	var acc algebra.Operator
	var accEst float64
	start := 0
	have := bound.clone()
	for i := range pats {
		if at[i] == nil && i != len(pats)-1 {
			continue
		}
		seg, segEst, hash, merge := pl.orderBGP(pats[start:i+1], have)
		segBGP := &algebra.BGP{Patterns: seg}
		pl.mark(segBGP, hash, merge)
		var part algebra.Operator = segBGP
		pl.plan.Estimates[part] = segEst
		for _, tp := range seg {
			have.addAll(patternVars(tp))
		}
		if acc == nil {
			acc, accEst = part, segEst
		} else {
			acc = &algebra.Join{Left: acc, Right: part}
			accEst *= segEst
			pl.plan.Estimates[acc] = accEst
		}
		if at[i] != nil {
			acc = &algebra.Filter{Exprs: at[i], Input: acc}
			accEst *= math.Pow(0.5, float64(len(at[i])))
			pl.plan.Estimates[acc] = accEst
		}
		start = i + 1
	}
	if top != nil {
		acc = &algebra.Filter{Exprs: top, Input: acc}
		accEst *= math.Pow(0.5, float64(len(top)))
	}
	return acc, accEst
}

// mark records the hashed patterns of a BGP, if any, and whether its
// first two patterns are merge-joined.
func (pl *planner) mark(bgp *algebra.BGP, hash []bool, merge bool) {
	if merge {
		pl.plan.MergeJoins[bgp] = true
	}
	for _, h := range hash {
		if h {
			pl.plan.HashPatterns[bgp] = hash
			return
		}
	}
}

// orderBGP orders triple patterns and returns them with the estimated
// number of solutions, which patterns to match by hash probing, and
// whether the first two are merge-joined.
//
// The order is greedy (see greedy), except when a large pattern can be
// merge-joined with another one (see mergeStart).
func (pl *planner) orderBGP(pats []algebra.TriplePattern, bound varSet) ([]algebra.TriplePattern, float64, []bool, bool) {
	out, rows, hash := pl.greedy(pats, bound, nil)
	if len(bound) > 0 || len(pats) < 2 {
		return out, rows, hash, false
	}
	if a, b, ok := pl.mergeStart(pats, out[0]); ok {
		rest := make([]algebra.TriplePattern, 0, len(pats)-2)
		for k, tp := range pats {
			if k != a && k != b {
				rest = append(rest, tp)
			}
		}
		out, rows, hash = pl.greedy(rest, bound, []algebra.TriplePattern{pats[a], pats[b]})
		return out, rows, hash, true
	}
	return out, rows, hash, false
}

// A BGP starts with a merge join of a pattern that the greedy order does
// not start with when the pattern holds at least mergeMinQuads quads and
// the greedy order's first pattern at least mergeMinStart, and at least
// 1/probeRatio of the large pattern: then the solutions that would reach
// the large pattern are many too, and looking it up once for each (an
// index lookup costs about probeRatio quads read in order) would cost
// more than reading it whole.
const (
	mergeMinQuads = 64 << 10
	mergeMinStart = 4 << 10
)

// mergeStart chooses the two patterns to start a BGP with by a merge
// join, if any: the largest pattern, when it holds at least mergeMinQuads
// quads and the greedy order would reach it through other patterns
// starting with first, itself large enough (see mergeMinStart), together
// with a pattern it can be merged with. Reached through the solutions of
// a large start, such a pattern costs a hash table of all its quads or
// one index lookup per solution, and the estimates of those solutions
// multiply the errors of every pattern before; merged, it is read once,
// in order, with no table, and the patterns after it mostly check the
// solutions it makes. After a selective start, lookups stay few and the
// greedy order is kept.
func (pl *planner) mergeStart(pats []algebra.TriplePattern, first algebra.TriplePattern) (a, b int, ok bool) {
	size := func(tp algebra.TriplePattern) float64 {
		return pl.count(constID(tp.S), constID(tp.P), constID(tp.O))
	}
	a = -1
	for i, tp := range pats {
		if a < 0 || size(tp) > size(pats[a]) {
			a = i
		}
	}
	if pats[a] == first || size(pats[a]) < mergeMinQuads || size(first) < mergeMinStart || size(pats[a]) > probeRatio*size(first) {
		return 0, 0, false
	}
	// The partner binding more variables leaves more of the remaining
	// patterns to be checks; among equals, the larger one, which is read
	// in full either way.
	b = -1
	for j, tp := range pats {
		if j == a || MergeVar(pats[a], tp) == "" {
			continue
		}
		if b < 0 {
			b = j
			continue
		}
		nj, nb := len(patternVars(tp)), len(patternVars(pats[b]))
		if nj > nb || nj == nb && size(tp) > size(pats[b]) {
			b = j
		}
	}
	return a, b, b >= 0
}

// greedy orders triple patterns after the patterns of prefix, which keep
// their order: at each step the pattern with the fewest estimated matches
// per solution so far, among those sharing a variable with the patterns
// already placed (to avoid cross products). It returns the ordered
// patterns, the estimated number of solutions, and which patterns to
// match by hash probing (never the patterns of prefix).
func (pl *planner) greedy(pats []algebra.TriplePattern, bound varSet, prefix []algebra.TriplePattern) ([]algebra.TriplePattern, float64, []bool) {
	remaining := slices.Clone(pats)
	out := make([]algebra.TriplePattern, 0, len(prefix)+len(pats))
	hash := make([]bool, 0, len(prefix)+len(pats))
	have := bound.clone()
	local := varSet{} // bound by the patterns placed so far
	rows := 1.0
	for _, tp := range prefix {
		rows *= pl.patternCard(tp, have)
		out = append(out, tp)
		hash = append(hash, false)
		have.addAll(patternVars(tp))
		local.addAll(patternVars(tp))
	}
	for len(remaining) > 0 {
		best, bestCard, bestConnected := -1, 0.0, false
		for i, tp := range remaining {
			card := pl.patternCard(tp, have)
			connected := len(have) == 0 || len(intersect(patternVars(tp), have)) > 0 || len(patternVars(tp)) == 0
			if best < 0 || connected && !bestConnected || connected == bestConnected && card < bestCard {
				best, bestCard, bestConnected = i, card, connected
			}
		}
		tp := remaining[best]
		remaining = slices.Delete(remaining, best, best+1)
		out = append(out, tp)
		hash = append(hash, pl.worthHashing(tp, local, rows))
		have.addAll(patternVars(tp))
		local.addAll(patternVars(tp))
		rows *= bestCard
	}
	return out, rows, hash
}

// MergeVar returns the variable on which two triple patterns can be
// merge-joined when each is scanned with only its constants bound, or ""
// if they cannot: it must be the first position each pattern's index scan
// is sorted on after its constants (see ScanOrder), and occur once in each
// pattern.
func MergeVar(a, b algebra.TriplePattern) string {
	va, vb := sortVar(a), sortVar(b)
	if va == "" || va != vb {
		return ""
	}
	return va
}

// sortVar returns the variable a pattern's scan is sorted on first, if it
// occurs only once in the pattern.
func sortVar(tp algebra.TriplePattern) string {
	terms := [3]algebra.Term{tp.S, tp.P, tp.O}
	pos := ScanOrder(!tp.S.IsVar(), !tp.P.IsVar(), !tp.O.IsVar())
	if pos < 0 {
		return ""
	}
	v := terms[pos].Var
	n := 0
	for _, t := range terms {
		if t.IsVar() && t.Var == v {
			n++
		}
	}
	if n != 1 {
		return ""
	}
	return v
}

// ScanOrder returns the position (0 subject, 1 predicate, 2 object) on
// which the store's scan of a pattern with the given positions bound is
// sorted first among the unbound ones, or -1 when all are bound. It
// mirrors the store's choice of index (SPO, POS or OSP, graph/keys.go):
// the evaluator checks the order while merging and fails loudly should
// the two ever disagree.
func ScanOrder(s, p, o bool) int {
	switch {
	case s && p && o:
		return -1
	case s && p:
		return 2 // SPO
	case s && o:
		return 1 // OSP
	case s:
		return 1 // SPO
	case p && o:
		return 0 // POS
	case p:
		return 2 // POS
	case o:
		return 0 // OSP
	}
	return 0 // SPO
}

// worthHashing decides whether a pattern reached by about probes
// solutions, whose variables in local are bound by earlier patterns of
// the same BGP, is matched by probing a hash table of its constants'
// matches.
func (pl *planner) worthHashing(tp algebra.TriplePattern, local varSet, probes float64) bool {
	if probes < minProbes || len(intersect(patternVars(tp), local)) == 0 {
		return false
	}
	size := pl.count(constID(tp.S), constID(tp.P), constID(tp.O))
	return size <= maxHashPattern && size <= probes*probeRatio
}

func constID(t algebra.Term) graph.ID {
	if t.IsVar() {
		return graph.ID{}
	}
	return graph.TermID(t.Value)
}

// position describes one position of a triple pattern for estimation.
type position struct {
	id    graph.ID // constant
	bound bool     // a variable bound before the pattern is matched
}

func (pl *planner) position(t algebra.Term, bound varSet) position {
	if t.IsVar() {
		return position{bound: bound[t.Var]}
	}
	return position{id: graph.TermID(t.Value)}
}

// patternCard estimates the matches of a triple pattern per solution of
// the patterns before it, given the variables they bound.
func (pl *planner) patternCard(tp algebra.TriplePattern, bound varSet) float64 {
	s, p, o := pl.position(tp.S, bound), pl.position(tp.P, bound), pl.position(tp.O, bound)
	card := pl.count(s.id, p.id, o.id)
	st := pl.o.Stats
	var subjects, objects, preds float64 = 1, 1, 1
	if st != nil {
		if !p.id.IsZero() {
			ps := st.Predicates[p.id]
			subjects, objects = float64(ps.DistinctSubjects), float64(ps.DistinctObjects)
		} else {
			for _, ps := range st.Predicates {
				subjects += float64(ps.DistinctSubjects)
				objects += float64(ps.DistinctObjects)
			}
		}
		preds = float64(len(st.Predicates))
	}
	if s.bound {
		card /= math.Max(1, subjects)
	}
	if o.bound {
		card /= math.Max(1, objects)
	}
	if p.bound {
		card /= math.Max(1, preds)
	}
	fixed := (s.bound || !s.id.IsZero()) && (p.bound || !p.id.IsZero()) && (o.bound || !o.id.IsZero())
	if fixed {
		card = math.Min(card, 1)
	}
	// Repeated variables restrict further; constants make a pattern
	// cheaper to match than the same number of bound variables.
	return card
}

// count estimates the quads matching constant positions (zero ids are
// wildcards).
func (pl *planner) count(s, p, o graph.ID) float64 {
	if pl.o.Count != nil {
		k := [3]graph.ID{s, p, o}
		if n, ok := pl.counts[k]; ok {
			return n
		}
		n := pl.o.Count(s, p, o)
		if pl.counts != nil {
			pl.counts[k] = n
		}
		return n
	}
	st := pl.o.Stats
	if st == nil {
		n := 1000.0
		for _, id := range []graph.ID{s, p, o} {
			if !id.IsZero() {
				n /= 10
			}
		}
		return n
	}
	card := float64(st.Quads)
	var subjects, objects float64 = 1, 1
	if !p.IsZero() {
		ps := st.Predicates[p]
		card = float64(ps.Quads)
		subjects, objects = float64(ps.DistinctSubjects), float64(ps.DistinctObjects)
	} else {
		for _, ps := range st.Predicates {
			subjects += float64(ps.DistinctSubjects)
			objects += float64(ps.DistinctObjects)
		}
	}
	if !s.IsZero() {
		card /= math.Max(1, subjects)
	}
	if !o.IsZero() {
		card /= math.Max(1, objects)
	}
	return card
}

// pathEstimate guesses the size of a property path pattern: paths are
// estimated like their first link, and closures as a few steps of it.
func (pl *planner) pathEstimate(pp *algebra.PathPattern, bound varSet) float64 {
	s, o := pl.position(pp.S, bound), pl.position(pp.O, bound)
	base := 100.0
	if pl.o.Stats != nil {
		base = math.Max(1, float64(pl.o.Stats.Quads))
	}
	if s.bound || !s.id.IsZero() || o.bound || !o.id.IsZero() {
		return math.Min(base, 10)
	}
	return base
}
