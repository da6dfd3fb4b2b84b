package eval

import (
	"bytes"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/expr"
	"github.com/kplane/kplane/query/sparql/optimize"
)

var errUnknownBinding = errors.New("sparql: EXISTS evaluated against a foreign binding")

// ErrService is returned for a SERVICE pattern without SILENT: kplane does
// not federate queries.
var ErrService = errors.New("sparql: SERVICE (federated query) is not supported")

// eval produces the solutions of op that are compatible with in, merged
// with in (Join({in}, op)), in scope sc, calling yield for each. It
// returns false when yield asked to stop or the evaluation failed.
//
// Operators that cannot take outer bindings (see optimize.Correlatable)
// are only ever called with an empty in, except inside EXISTS where the
// substitution is the semantics.
func (ev *evaluator) eval(op algebra.Operator, in row, sc *scope, yield func(row) bool) bool {
	if ev.err != nil {
		return false
	}
	if ev.analyze {
		st := ev.stats[op]
		if st == nil {
			st = &opStats{}
			ev.stats[op] = st
		}
		st.calls++
		inner := yield
		yield = func(r row) bool {
			st.rows++
			return inner(r)
		}
	}
	switch op := op.(type) {
	case *algebra.BGP:
		return ev.bgp(op, 0, in, sc, yield)
	case *algebra.PathPattern:
		return ev.pathPattern(op, in, sc, yield)
	case *algebra.PropertyCall:
		return ev.propertyCall(op, in, yield)
	case *algebra.Join:
		return ev.join(op, in, sc, yield)
	case *algebra.LeftJoin:
		return ev.leftJoin(op, in, sc, yield)
	case *algebra.Minus:
		return ev.minus(op, in, sc, yield)
	case *algebra.Union:
		return ev.eval(op.Left, in, sc, yield) && ev.eval(op.Right, in, sc, yield)
	case *algebra.Filter:
		return ev.eval(op.Input, in, sc, func(r row) bool {
			for _, e := range op.Exprs {
				if !ev.test(e, r, sc) {
					return ev.err == nil
				}
			}
			return yield(r)
		})
	case *algebra.Graph:
		return ev.graph(op, in, sc, yield)
	case *algebra.Extend:
		return ev.extend(op, in, sc, yield)
	case *algebra.Table:
		return ev.table(op, in, yield)
	case *algebra.Service:
		if !op.Silent {
			ev.fail(ErrService)
			return false
		}
		return yield(in)
	case *algebra.Group:
		return ev.group(op, in, sc, yield)
	case *algebra.OrderBy:
		return ev.orderBy(op, in, sc, yield)
	case *algebra.Project:
		return ev.project(op, in, sc, yield)
	case *algebra.Distinct:
		return ev.distinct(op.Input, in, sc, yield)
	case *algebra.Reduced:
		return ev.distinct(op.Input, in, sc, yield)
	case *algebra.Slice:
		return ev.slice(op, in, sc, yield)
	}
	ev.fail(fmt.Errorf("sparql: cannot evaluate %T", op))
	return false
}

// patternTerm resolves one position of a triple pattern against a row:
// the id it is bound to (zero when it is a free variable) and its slot
// (-1 for a constant).
func (ev *evaluator) patternTerm(t algebra.Term, r row) (graph.ID, int) {
	if t.IsVar() {
		s := ev.slot(t.Var)
		return r[s], s
	}
	return ev.constID(t.Value), -1
}

// bgp evaluates the triple patterns of a BGP in order as an index
// nested-loop join: each pattern is scanned with the variables bound so
// far substituted, or, when the optimizer said so, matched by probing a
// hash table built once from the pattern's constants.
func (ev *evaluator) bgp(op *algebra.BGP, i int, r row, sc *scope, yield func(row) bool) bool {
	if i == len(op.Patterns) {
		return yield(r)
	}
	if i == 0 && ev.plan.MergeJoins[op] && ev.canMerge(op, r, sc) {
		return ev.mergeJoin(op, r, sc, yield)
	}
	tp := op.Patterns[i]
	info := ev.patterns(op)[i]
	slots := info.slots
	var ids [3]graph.ID // the pattern with the row substituted
	for pos, s := range slots {
		if s < 0 {
			ids[pos] = info.consts[pos]
		} else {
			ids[pos] = r[s]
		}
	}
	s, p, o := ids[0], ids[1], ids[2]
	next := func(q graph.EncodedQuad) bool {
		if !ev.tick() {
			return false
		}
		out, ok := bindQuad(slots, q, r)
		if !ok {
			return true // a repeated variable, or a hashed match that differs
		}
		return ev.bgp(op, i+1, out, sc, yield)
	}
	if i > 0 {
		k := probeKey{op, i, sc}
		t := ev.probes[k]
		if t == nil && ev.shouldHash(k, tp) {
			if t = ev.probeTable(op, i, sc); t == nil {
				return false
			}
		}
		if t != nil && len(t.slots) > 0 {
			for _, q := range t.quads[t.key(r)] {
				if !next(q) {
					return false
				}
			}
			return true
		}
	}
	return ev.match(sc, s, p, o, next)
}

// bindQuad binds the variable slots of a pattern's positions (-1 for a
// constant) to the ids of q. It returns r itself when q binds nothing new,
// else a copy: r is never modified. ok is false when q does not fit what r
// binds already (a repeated variable, or a hashed or merged match that
// differs on a variable bound before).
func bindQuad(slots [3]int, q graph.EncodedQuad, r row) (out row, ok bool) {
	ids := [3]graph.ID{q.S, q.P, q.O}
	out = r
	for pos, slot := range slots {
		if slot < 0 {
			continue
		}
		if !out[slot].IsZero() {
			if out[slot] != ids[pos] {
				return nil, false
			}
			continue
		}
		if &out[0] == &r[0] {
			out = slices.Clone(r)
		}
		out[slot] = ids[pos]
	}
	return out, true
}

// bindInPlace is bindQuad for a row the caller owns and has not passed
// on: it binds q into out itself, and reports whether q fits.
func bindInPlace(slots [3]int, q graph.EncodedQuad, out row) bool {
	ids := [3]graph.ID{q.S, q.P, q.O}
	for pos, slot := range slots {
		if slot < 0 {
			continue
		}
		if !out[slot].IsZero() && out[slot] != ids[pos] {
			return false
		}
		out[slot] = ids[pos]
	}
	return true
}

// patternInfo is what evaluating a triple pattern needs of it: the
// variable slot of each position (-1 for a constant) and the ids of its
// constants.
type patternInfo struct {
	slots  [3]int
	consts [3]graph.ID
}

// patterns returns the patternInfo of each pattern of a BGP, computed
// once per query: encoding constants is too costly to repeat per solution.
func (ev *evaluator) patterns(op *algebra.BGP) []patternInfo {
	if infos, ok := ev.bgpInfo[op]; ok {
		return infos
	}
	infos := make([]patternInfo, len(op.Patterns))
	for i, tp := range op.Patterns {
		infos[i].slots, infos[i].consts = ev.patternSlots(tp)
	}
	ev.bgpInfo[op] = infos
	return infos
}

// patternSlots returns the variable slots of a pattern's positions, -1
// for constants, and the ids of its constants.
func (ev *evaluator) patternSlots(tp algebra.TriplePattern) (slots [3]int, consts [3]graph.ID) {
	for pos, t := range [3]algebra.Term{tp.S, tp.P, tp.O} {
		if t.IsVar() {
			slots[pos] = ev.slot(t.Var)
		} else {
			slots[pos] = -1
			consts[pos] = ev.constID(t.Value)
		}
	}
	return slots, consts
}

// canMerge reports whether the first two patterns of op, planned as a
// merge join, can be merged when evaluated against r in scope sc: the
// scope's quads must come as one sorted stream (not the union of the
// default graph with the named graphs, which are scanned one after the
// other), and r must bind none of their variables, which would change
// the index scanned and so the order.
func (ev *evaluator) canMerge(op *algebra.BGP, r row, sc *scope) bool {
	if sc.empty || sc.union && ev.hasDefault || len(op.Patterns) < 2 {
		return false
	}
	for _, info := range ev.patterns(op)[:2] {
		for _, s := range info.slots {
			if s >= 0 && !r[s].IsZero() {
				return false
			}
		}
	}
	return true
}

// errUnordered reports a scan that does not come in the order a merge
// join relies on (optimize.ScanOrder): a bug, never a property of data.
var errUnordered = errors.New("sparql: internal error: merge join input is not sorted on the join variable")

// mergeJoin evaluates op starting with a merge join of its first two
// patterns, whose scans both come sorted on the variable they share
// (optimize.MergeVar): the first is scanned, and for each run of its
// quads with one value of the variable the second's scan, pulled
// alongside, is advanced to the same value; the pairs of the two runs
// continue through the rest of the BGP. Neither side is held in memory
// beyond one run of the second.
func (ev *evaluator) mergeJoin(op *algebra.BGP, r row, sc *scope, yield func(row) bool) bool {
	a, b := op.Patterns[0], op.Patterns[1]
	v := optimize.MergeVar(a, b)
	va, vb := -1, -1
	infos := ev.patterns(op)
	aSlots, aConsts := infos[0].slots, infos[0].consts
	bSlots, bConsts := infos[1].slots, infos[1].consts
	for pos := range 3 {
		if aSlots[pos] == ev.slot(v) {
			va = pos
		}
		if bSlots[pos] == ev.slot(v) {
			vb = pos
		}
	}
	if ev.analyze {
		ev.merged[probeKey{op, 1, sc}] = true
	}
	key := func(q graph.EncodedQuad, pos int) graph.ID { return [3]graph.ID{q.S, q.P, q.O}[pos] }
	next, stop := iter.Pull(func(yield func(graph.EncodedQuad) bool) {
		ev.match(sc, bConsts[0], bConsts[1], bConsts[2], yield)
	})
	defer stop()
	head, more := next()
	var run []graph.EncodedQuad // the quads of b whose value is cur
	var cur graph.ID
	first := true
	return ev.match(sc, aConsts[0], aConsts[1], aConsts[2], func(qa graph.EncodedQuad) bool {
		if !ev.tick() {
			return false
		}
		x := key(qa, va)
		if first || x != cur {
			if !first && bytes.Compare(x[:], cur[:]) < 0 {
				ev.fail(errUnordered)
				return false
			}
			first, cur = false, x
			run = run[:0]
			for more {
				y := key(head, vb)
				c := bytes.Compare(y[:], x[:])
				if c > 0 {
					break
				}
				if c == 0 {
					run = append(run, head)
				}
				nextHead, ok := next()
				if ok {
					if z := key(nextHead, vb); bytes.Compare(z[:], y[:]) < 0 {
						ev.fail(errUnordered)
						return false
					}
				}
				head, more = nextHead, ok
			}
		}
		if len(run) == 0 {
			return true
		}
		for _, qb := range run {
			// One copy of r per pair, bound in place: the pairs are
			// many, and most fail the next pattern.
			out := slices.Clone(r)
			if !bindInPlace(aSlots, qa, out) || !bindInPlace(bSlots, qb, out) {
				continue
			}
			if !ev.bgp(op, 2, out, sc, yield) {
				return false
			}
		}
		return true
	})
}

// Adaptive hashing: a pattern looked up once per solution switches to a
// hash table as soon as the lookups made so far reach 1/lookupCost of
// the size of the table (checked at every power of two of lookups), so
// that the lookups wasted before the switch never cost more than building
// the table.
const (
	firstHashCheck = 64
	lookupCost     = 12
	maxProbeTable  = 4 << 20
)

// lookupState counts the lookups of one pattern.
type lookupState struct {
	lookups, nextCheck int
	never              bool // too large to hash
}

// shouldHash decides whether pattern k, about to be looked up again, is
// to be matched by probing a hash table from now on: when the optimizer
// planned it, or when the lookups have become many for its size.
func (ev *evaluator) shouldHash(k probeKey, tp algebra.TriplePattern) bool {
	if hash := ev.plan.HashPatterns[k.bgp]; hash != nil && hash[k.i] {
		return true
	}
	st := ev.lookups[k]
	if st == nil {
		st = &lookupState{nextCheck: firstHashCheck}
		ev.lookups[k] = st
	}
	st.lookups++
	if st.never || st.lookups < st.nextCheck {
		return false
	}
	st.nextCheck *= 2
	limit := st.lookups * lookupCost
	var consts [3]graph.ID
	for pos, t := range [3]algebra.Term{tp.S, tp.P, tp.O} {
		if !t.IsVar() {
			consts[pos] = ev.constID(t.Value)
		}
	}
	// The statistics bound the size of a pattern with only a constant
	// predicate; count only when they do not settle it.
	if consts[0].IsZero() && consts[2].IsZero() && !consts[1].IsZero() {
		if ps := ev.snap.PredicateStats(consts[1]); ps.Quads < int64(limit) {
			return true
		}
	}
	n := 0
	ev.match(k.sc, consts[0], consts[1], consts[2], func(graph.EncodedQuad) bool {
		n++
		return n < limit
	})
	if n >= maxProbeTable {
		st.never = true
	}
	return n < limit
}

// probeTable is the hash table of one triple pattern: the quads matching
// its constants, keyed by the ids of the positions holding variables that
// earlier patterns of the BGP bind.
type probeTable struct {
	slots []int // slot of each key position's variable (at most 2)
	quads map[[2]graph.ID][]graph.EncodedQuad
}

func (t *probeTable) key(r row) [2]graph.ID {
	var k [2]graph.ID
	for i, s := range t.slots {
		k[i] = r[s]
	}
	return k
}

type probeKey struct {
	bgp *algebra.BGP
	i   int
	sc  *scope
}

// probeTable builds (once per query and scope) the hash table of pattern
// i of op.
func (ev *evaluator) probeTable(op *algebra.BGP, i int, sc *scope) *probeTable {
	k := probeKey{op, i, sc}
	if t, ok := ev.probes[k]; ok {
		return t
	}
	earlier := map[string]bool{}
	for _, tp := range op.Patterns[:i] {
		for _, t := range []algebra.Term{tp.S, tp.P, tp.O} {
			if t.IsVar() {
				earlier[t.Var] = true
			}
		}
	}
	tp := op.Patterns[i]
	terms := [3]algebra.Term{tp.S, tp.P, tp.O}
	t := &probeTable{quads: map[[2]graph.ID][]graph.EncodedQuad{}}
	var positions []int
	var consts [3]graph.ID
	for pos, term := range terms {
		if term.IsVar() {
			if earlier[term.Var] && len(t.slots) < 2 && !slices.Contains(t.slots, ev.slot(term.Var)) {
				positions = append(positions, pos)
				t.slots = append(t.slots, ev.slot(term.Var))
			}
		} else {
			consts[pos] = ev.constID(term.Value)
		}
	}
	// Sizing the table up front saves rehashing it as it grows: the
	// statistics give the size of a pattern with only its predicate
	// constant.
	if consts[0].IsZero() && !consts[1].IsZero() && consts[2].IsZero() {
		n := min(ev.snap.PredicateStats(consts[1]).Quads, maxProbeTable)
		t.quads = make(map[[2]graph.ID][]graph.EncodedQuad, n)
	}
	ok := ev.match(sc, consts[0], consts[1], consts[2], func(q graph.EncodedQuad) bool {
		ids := [3]graph.ID{q.S, q.P, q.O}
		var k [2]graph.ID
		for i, pos := range positions {
			k[i] = ids[pos]
		}
		t.quads[k] = append(t.quads[k], q)
		return ev.tick()
	})
	if !ok {
		return nil
	}
	ev.probes[k] = t
	return t
}

// hashJoin reports whether a join builds a hash table on its right side.
func (ev *evaluator) hashJoin(op *algebra.Join, sc *scope) bool {
	if sc.subst {
		return false
	}
	return ev.plan.HashJoins[op] || !ev.isCorrelatable(op.Right)
}

// materialize evaluates op on its own (with in substituted when op is
// correlatable) and returns its solutions. Evaluations without outer
// bindings are cached for the whole query.
func (ev *evaluator) materialize(op algebra.Operator, in row, sc *scope) []row {
	if !ev.isCorrelatable(op) && !sc.subst || isEmptyRow(in) {
		key := cacheKey{op, sc}
		if rows, ok := ev.cache[key]; ok {
			return rows
		}
		var rows []row
		ev.eval(op, ev.emptyRow(), sc, func(r row) bool {
			rows = append(rows, r)
			return true
		})
		if ev.err == nil {
			ev.cache[key] = rows
		}
		return rows
	}
	var rows []row
	ev.eval(op, in, sc, func(r row) bool {
		rows = append(rows, r)
		return true
	})
	return rows
}

func isEmptyRow(r row) bool {
	for _, v := range r {
		if !v.IsZero() {
			return false
		}
	}
	return true
}

// join evaluates Join(l, r), as an index nested loop (the right side is
// evaluated once per left solution, with its bindings substituted) or as
// a hash join on the variables both sides certainly bind.
func (ev *evaluator) join(op *algebra.Join, in row, sc *scope, yield func(row) bool) bool {
	if !ev.hashJoin(op, sc) {
		return ev.eval(op.Left, in, sc, func(l row) bool {
			return ev.eval(op.Right, l, sc, yield)
		})
	}
	build := ev.materialize(op.Right, in, sc)
	if ev.err != nil {
		return false
	}
	var keys []int
	lc, rc := optimize.CertainVars(op.Left), optimize.CertainVars(op.Right)
	for v := range lc {
		if rc[v] {
			keys = append(keys, ev.slot(v))
		}
	}
	sort.Ints(keys)
	table := map[string][]row{}
	keyOf := func(r row) string {
		b := make([]byte, 0, 16*len(keys))
		for _, k := range keys {
			b = append(b, r[k][:]...)
		}
		return string(b)
	}
	for _, r := range build {
		k := keyOf(r)
		table[k] = append(table[k], r)
	}
	return ev.eval(op.Left, in, sc, func(l row) bool {
		for _, r := range table[keyOf(l)] {
			if !ev.tick() {
				return false
			}
			if m, ok := merge(l, r); ok {
				if !yield(m) {
					return false
				}
			}
		}
		return true
	})
}

// leftJoin evaluates LeftJoin(l, r, expr) (OPTIONAL).
func (ev *evaluator) leftJoin(op *algebra.LeftJoin, in row, sc *scope, yield func(row) bool) bool {
	correlated := sc.subst || ev.isCorrelatable(op.Right)
	var build []row
	if !correlated {
		build = ev.materialize(op.Right, in, sc)
		if ev.err != nil {
			return false
		}
	}
	return ev.eval(op.Left, in, sc, func(l row) bool {
		matched := false
		emit := func(m row) bool {
			if op.Expr != nil && !ev.test(op.Expr, m, sc) {
				return ev.err == nil
			}
			matched = true
			return yield(m)
		}
		if correlated {
			if !ev.eval(op.Right, l, sc, emit) {
				return false
			}
		} else {
			for _, r := range build {
				if !ev.tick() {
					return false
				}
				if m, ok := merge(l, r); ok && !emit(m) {
					return false
				}
			}
		}
		if !matched {
			return yield(l)
		}
		return true
	})
}

// minus evaluates Minus(l, r): the left solutions that no right solution
// is compatible with on at least one shared variable.
func (ev *evaluator) minus(op *algebra.Minus, in row, sc *scope, yield func(row) bool) bool {
	rights := ev.materialize(op.Right, ev.emptyRow(), sc)
	if ev.err != nil {
		return false
	}
	return ev.eval(op.Left, in, sc, func(l row) bool {
		for _, r := range rights {
			if !ev.tick() {
				return false
			}
			if ok, shared := compatible(l, r); ok && shared {
				return true
			}
		}
		return yield(l)
	})
}

// graph evaluates Graph(name, input).
func (ev *evaluator) graph(op *algebra.Graph, in row, sc *scope, yield func(row) bool) bool {
	if !op.Name.IsVar() {
		g := ev.constID(op.Name.Value)
		if !ev.namedSet[g] {
			return true
		}
		return ev.eval(op.Input, in, ev.namedScope(g, sc.subst), yield)
	}
	slot := ev.slot(op.Name.Var)
	graphs := ev.named
	if g := in[slot]; !g.IsZero() {
		if !ev.namedSet[g] {
			return true
		}
		graphs = []graph.ID{g}
	}
	inject := sc.subst || ev.isCorrelatable(op.Input)
	for _, g := range graphs {
		gsc := ev.namedScope(g, sc.subst)
		if inject {
			r := in
			if r[slot].IsZero() {
				r = slices.Clone(in)
				r[slot] = g
			}
			if !ev.eval(op.Input, r, gsc, yield) {
				return false
			}
			continue
		}
		ok := ev.eval(op.Input, in, gsc, func(r row) bool {
			if !r[slot].IsZero() {
				if r[slot] != g {
					return true
				}
				return yield(r)
			}
			r = slices.Clone(r)
			r[slot] = g
			return yield(r)
		})
		if !ok {
			return false
		}
	}
	return true
}

// extend evaluates Extend(input, var, expr) (BIND and SELECT
// expressions). An expression error leaves the variable unbound.
func (ev *evaluator) extend(op *algebra.Extend, in row, sc *scope, yield func(row) bool) bool {
	slot := ev.slot(op.Var)
	// BNODE(str) gives one blank node per string and solution: the
	// innermost Extend of a chain starts a new solution.
	_, chained := op.Input.(*algebra.Extend)
	return ev.eval(op.Input, in, sc, func(r row) bool {
		if !chained {
			ev.env.BNodes.Reset()
		}
		v, ok := ev.evalExpr(op.Expr, r, sc)
		if ev.err != nil {
			return false
		}
		if !ok {
			return yield(r)
		}
		id := ev.encode(v)
		if !r[slot].IsZero() {
			// Bound by outer bindings substituted into a correlated
			// evaluation: keep the solution only if they agree.
			if r[slot] != id {
				return true
			}
			return yield(r)
		}
		r = slices.Clone(r)
		r[slot] = id
		return yield(r)
	})
}

// table evaluates inline data.
func (ev *evaluator) table(op *algebra.Table, in row, yield func(row) bool) bool {
	slots := make([]int, len(op.Vars))
	for i, v := range op.Vars {
		slots[i] = ev.slot(v)
	}
rows:
	for _, vals := range op.Rows {
		r := in
		cloned := false
		for i, t := range vals {
			if t.IsZero() || i >= len(slots) {
				continue
			}
			id := ev.constID(t)
			s := slots[i]
			if !r[s].IsZero() {
				if r[s] != id {
					continue rows
				}
				continue
			}
			if !cloned {
				r, cloned = slices.Clone(r), true
			}
			r[s] = id
		}
		if !yield(r) {
			return false
		}
	}
	return true
}

// project evaluates Project(input, vars): the solutions keep only the
// projected variables (and the outer bindings they were evaluated with).
func (ev *evaluator) project(op *algebra.Project, in row, sc *scope, yield func(row) bool) bool {
	slots := make([]int, 0, len(op.Vars))
	for _, v := range op.Vars {
		if s := ev.slot(v); s >= 0 {
			slots = append(slots, s)
		}
	}
	return ev.eval(op.Input, in, sc, func(r row) bool {
		out := slices.Clone(in)
		for _, s := range slots {
			out[s] = r[s]
		}
		return yield(out)
	})
}

// distinct drops repeated solutions.
func (ev *evaluator) distinct(input algebra.Operator, in row, sc *scope, yield func(row) bool) bool {
	seen := map[string]struct{}{}
	buf := make([]byte, 0, 16*len(ev.names))
	return ev.eval(input, in, sc, func(r row) bool {
		buf = buf[:0]
		for _, id := range r {
			buf = append(buf, id[:]...)
		}
		if _, ok := seen[string(buf)]; ok {
			return true
		}
		seen[string(buf)] = struct{}{}
		return yield(r)
	})
}

// slice evaluates OFFSET and LIMIT; it stops its input once the limit is
// reached.
func (ev *evaluator) slice(op *algebra.Slice, in row, sc *scope, yield func(row) bool) bool {
	if op.Limit == 0 {
		return true
	}
	var n int64
	stopped := false
	ok := ev.eval(op.Input, in, sc, func(r row) bool {
		n++
		if n <= op.Offset {
			return true
		}
		if !yield(r) {
			stopped = true
			return false
		}
		if op.Limit >= 0 && n-op.Offset >= op.Limit {
			return false
		}
		return true
	})
	return ok || !stopped && ev.err == nil
}

// orderBy sorts the solutions of its input (stably, section 15.1).
func (ev *evaluator) orderBy(op *algebra.OrderBy, in row, sc *scope, yield func(row) bool) bool {
	type keyed struct {
		r    row
		keys []rdf.Term
	}
	var rows []keyed
	ok := ev.eval(op.Input, in, sc, func(r row) bool {
		k := make([]rdf.Term, len(op.Conditions))
		for i, c := range op.Conditions {
			k[i], _ = ev.evalExpr(c.Expr, r, sc)
		}
		rows = append(rows, keyed{r, k})
		return ev.err == nil
	})
	if !ok {
		return false
	}
	sort.SliceStable(rows, func(i, j int) bool {
		for k, c := range op.Conditions {
			cmp := expr.OrderCompare(rows[i].keys[k], rows[j].keys[k])
			if c.Desc {
				cmp = -cmp
			}
			if cmp != 0 {
				return cmp < 0
			}
		}
		return false
	})
	for _, kr := range rows {
		if !yield(kr.r) {
			return false
		}
	}
	return true
}

// group evaluates grouping and aggregation: it partitions its input by
// the key values and yields one solution per group.
func (ev *evaluator) group(op *algebra.Group, in row, sc *scope, yield func(row) bool) bool {
	type groupState struct {
		keys []rdf.Term
		aggs []expr.Aggregator
	}
	newGroup := func(keys []rdf.Term) *groupState {
		g := &groupState{keys: keys, aggs: make([]expr.Aggregator, len(op.Aggregates))}
		for i := range op.Aggregates {
			a, err := expr.NewAggregator(op.Aggregates[i].Aggregate, ev.env)
			if err != nil {
				ev.fail(err)
				return nil
			}
			g.aggs[i] = a
		}
		return g
	}
	groups := map[string]*groupState{}
	var order []*groupState
	var kb []byte
	ok := ev.eval(op.Input, in, sc, func(r row) bool {
		keys := make([]rdf.Term, len(op.Keys))
		kb = kb[:0]
		for i, k := range op.Keys {
			if v, ok := ev.evalExpr(k.Expr, r, sc); ok {
				keys[i] = v
				id := ev.encode(v)
				kb = append(kb, id[:]...)
			} else {
				kb = append(kb, make([]byte, 16)...)
			}
		}
		g := groups[string(kb)]
		if g == nil {
			if g = newGroup(keys); g == nil {
				return false
			}
			groups[string(kb)] = g
			order = append(order, g)
		}
		b := &binding{ev: ev, r: r, sc: sc}
		for i, a := range op.Aggregates {
			if a.Aggregate.Arg == nil {
				// COUNT(*): with DISTINCT the solution itself is the value.
				var key []byte
				if a.Aggregate.Distinct {
					for _, id := range r {
						key = append(key, id[:]...)
					}
				}
				g.aggs[i].Add(rdf.String(string(key)), nil)
				continue
			}
			v, err := expr.Eval(a.Aggregate.Arg, b, ev.env)
			if err != nil && !expr.IsExprError(err) {
				ev.fail(err)
				return false
			}
			g.aggs[i].Add(v, err)
		}
		return ev.err == nil
	})
	if !ok {
		return false
	}
	if len(order) == 0 && len(op.Keys) == 0 {
		g := newGroup(nil)
		if g == nil {
			return false
		}
		order = append(order, g)
	}
	for _, g := range order {
		out := slices.Clone(in)
		for i, k := range op.Keys {
			if k.Var != "" && !g.keys[i].IsZero() {
				out[ev.slot(k.Var)] = ev.encode(g.keys[i])
			}
		}
		for i, a := range op.Aggregates {
			v, err := g.aggs[i].Result()
			if err != nil {
				if !expr.IsExprError(err) {
					ev.fail(err)
					return false
				}
				continue
			}
			out[ev.slot(a.Var)] = ev.encode(v)
		}
		if !yield(out) {
			return false
		}
	}
	return true
}
