package eval

import (
	"context"
	"fmt"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/optimize"
)

// Explain returns the plan the query runs with on snap: the optimised
// operator tree, one operator per line, with the estimated number of
// solutions of each. With analyze it also runs the query to the end and
// shows how many times each operator was evaluated and how many solutions
// it produced in all.
func (q *Query) Explain(ctx context.Context, snap *graph.Snapshot, analyze bool) (string, error) {
	ctx, cancel := q.context(ctx)
	defer cancel()
	ev, err := q.newEvaluator(ctx, snap)
	if err != nil {
		return "", err
	}
	op := ev.optimize(q.Algebra.Op)
	if analyze {
		ev.analyze = true
		ev.stats = map[algebra.Operator]*opStats{}
		ev.eval(op, ev.emptyRow(), ev.defaultScope, func(row) bool { return true })
		if err := ev.failure(); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", q.Algebra.Form)
	ev.explain(&b, op, 1)
	return b.String(), nil
}

func (ev *evaluator) explain(b *strings.Builder, op algebra.Operator, depth int) {
	indent := strings.Repeat("  ", depth)
	var kids []algebra.Operator
	var head string
	switch op := op.(type) {
	case *algebra.BGP:
		head = "BGP"
	case *algebra.PathPattern:
		head = fmt.Sprintf("Path %s %s %s", op.S, op.Path, op.O)
	case *algebra.PropertyCall:
		head = "PropertyFunction " + strings.TrimSpace(op.String())
	case *algebra.Join:
		how := "nested loop"
		if ev.plan.HashJoins[op] || !ev.isCorrelatable(op.Right) {
			how = "hash"
		}
		head = "Join (" + how + ")"
		kids = []algebra.Operator{op.Left, op.Right}
	case *algebra.LeftJoin:
		head = "LeftJoin"
		if op.Expr != nil {
			head += " " + op.Expr.String()
		}
		kids = []algebra.Operator{op.Left, op.Right}
	case *algebra.Minus:
		head = "Minus"
		kids = []algebra.Operator{op.Left, op.Right}
	case *algebra.Union:
		head = "Union"
		kids = []algebra.Operator{op.Left, op.Right}
	case *algebra.Filter:
		parts := make([]string, len(op.Exprs))
		for i, e := range op.Exprs {
			parts[i] = e.String()
		}
		head = "Filter " + strings.Join(parts, " ")
		kids = []algebra.Operator{op.Input}
	case *algebra.Graph:
		head = "Graph " + op.Name.String()
		kids = []algebra.Operator{op.Input}
	case *algebra.Service:
		head = "Service " + op.Name.String()
		kids = []algebra.Operator{op.Input}
	case *algebra.Extend:
		head = fmt.Sprintf("Extend ?%s = %s", op.Var, op.Expr)
		kids = []algebra.Operator{op.Input}
	case *algebra.Table:
		head = fmt.Sprintf("Table %v (%d rows)", op.Vars, len(op.Rows))
	case *algebra.Group:
		head = fmt.Sprintf("Group (%d keys, %d aggregates)", len(op.Keys), len(op.Aggregates))
		kids = []algebra.Operator{op.Input}
	case *algebra.OrderBy:
		head = "OrderBy"
		kids = []algebra.Operator{op.Input}
	case *algebra.Project:
		head = fmt.Sprintf("Project %v", op.Vars)
		kids = []algebra.Operator{op.Input}
	case *algebra.Distinct:
		head = "Distinct"
		kids = []algebra.Operator{op.Input}
	case *algebra.Reduced:
		head = "Reduced"
		kids = []algebra.Operator{op.Input}
	case *algebra.Slice:
		head = fmt.Sprintf("Slice offset=%d limit=%d", op.Offset, op.Limit)
		kids = []algebra.Operator{op.Input}
	default:
		head = fmt.Sprintf("%T", op)
	}
	fmt.Fprintf(b, "%s%s  [est %.4g", indent, head, ev.plan.Estimates[op])
	if ev.analyze {
		st := ev.stats[op]
		if st == nil {
			st = &opStats{}
		}
		fmt.Fprintf(b, ", calls %d, rows %d", st.calls, st.rows)
	}
	b.WriteString("]\n")
	if bgp, ok := op.(*algebra.BGP); ok {
		for i, tp := range bgp.Patterns {
			how := ""
			merge := i == 1 && ev.plan.MergeJoins[bgp]
			merged := merge && ev.merged[probeKey{bgp, 1, ev.defaultScope}]
			if merge && !ev.analyze {
				how = "  (merge join on ?" + optimize.MergeVar(bgp.Patterns[0], tp) + " planned)"
			} else if merged {
				how = "  (merge join on ?" + optimize.MergeVar(bgp.Patterns[0], tp) + ")"
			} else if _, ok := ev.probes[probeKey{bgp, i, ev.defaultScope}]; ok {
				how = "  (hash probe)"
			} else if h := ev.plan.HashPatterns[bgp]; h != nil && h[i] {
				how = "  (hash probe planned)"
			}
			fmt.Fprintf(b, "%s  %s %s %s%s\n", indent, tp.S, tp.P, tp.O, how)
		}
	}
	for _, k := range kids {
		ev.explain(b, k, depth+1)
	}
}
