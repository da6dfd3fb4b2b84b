// Package eval evaluates SPARQL 1.1 queries over a snapshot of the store.
//
// A query is prepared once (parsed, translated to the algebra and checked)
// and executed against any snapshot. Execution optimises the algebra with
// the snapshot's statistics (package optimize) and evaluates it as a
// pipeline of operators that pass solutions on one at a time: a pipeline of
// basic graph patterns, joins, filters, projections and slices holds only
// the solutions in flight, and only ORDER BY, grouping, DISTINCT and the
// build side of hash joins keep solutions in memory.
//
// Solutions carry term ids (graph.ID), one slot per variable, so that joins
// compare fixed-size ids; terms are decoded only when an expression or the
// result needs them.
package eval

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/results"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/parser"
)

// Form is the form of a query: SELECT, CONSTRUCT, ASK or DESCRIBE.
type Form = parser.Form

// The query forms.
const (
	Select    = parser.Select
	Construct = parser.Construct
	Ask       = parser.Ask
	Describe  = parser.Describe
)

// Options configure the preparation and execution of a query.
type Options struct {
	// UnionDefaultGraph makes the default graph the union (RDF merge) of
	// the store's default graph and all its named graphs, for queries
	// without FROM clauses. The store's metadata graph
	// (graph.MetadataGraph) is never part of it, and GRAPH ?g does not
	// range over it either: it is queried by name.
	UnionDefaultGraph bool
	// Timeout bounds the execution of the query, including the reading of
	// its results; zero means no limit.
	Timeout time.Duration
	// BaseIRI resolves relative IRIs in the query text and in IRI().
	BaseIRI string
	// Now is the value of NOW(); the zero time means the time of Exec.
	Now time.Time
	// PropertyFunctions are the property functions the query may call,
	// keyed by predicate IRI: triple patterns with one of these
	// predicates are evaluated by the function (see PropertyFunction).
	PropertyFunctions map[string]PropertyFunction
}

// ErrTimeout is returned (wrapped) when a query exceeds Options.Timeout.
var ErrTimeout = errors.New("sparql: query time limit exceeded")

// Query is a prepared query. It is immutable and may be executed any
// number of times, concurrently.
type Query struct {
	// Algebra is the translated query, with the patterns that call
	// property functions (Options.PropertyFunctions) as
	// algebra.PropertyCall.
	Algebra *algebra.Query
	opts    Options
	base    string // the query's base IRI (BASE, else Options.BaseIRI)
}

// Prepare parses, translates and checks a query. Syntax errors are
// *rdf.SyntaxError.
func Prepare(src string, opts Options) (*Query, error) {
	pq, err := parser.ParseQuery(src, opts.BaseIRI)
	if err != nil {
		return nil, err
	}
	aq, err := algebra.Translate(pq)
	if err != nil {
		return nil, err
	}
	aq.Op = extractCalls(aq.Op, opts.PropertyFunctions)
	base := pq.Prologue.Base
	if base == "" {
		base = opts.BaseIRI
	}
	return &Query{Algebra: aq, opts: opts, base: base}, nil
}

// Form returns the query's form.
func (q *Query) Form() Form { return q.Algebra.Form }

// Result is the answer of a query. A SELECT result is read with Next and
// Solution; an ASK result is in Boolean; a CONSTRUCT or DESCRIBE result is
// read with NextQuad and Quad (the quads are triples: their graph is the
// default graph). Err reports the error that ended the iteration. Close
// must be called; it releases what the evaluation holds.
type Result struct {
	// Form is the query form.
	Form Form
	// Vars are the projected variables of a SELECT query.
	Vars []string
	// Boolean is the answer of an ASK query.
	Boolean bool

	ev     *evaluator
	next   func() (row, bool)
	stop   func()
	cancel context.CancelFunc
	slots  []int
	cur    row
	quads  func() (rdf.Quad, bool)
	qstop  func()
	quad   rdf.Quad
	err    error
	closed bool
}

// Exec evaluates the query against snap. The snapshot must stay valid
// until the result is closed.
func (q *Query) Exec(ctx context.Context, snap *graph.Snapshot) (*Result, error) {
	ctx, cancel := q.context(ctx)
	ev, err := q.newEvaluator(ctx, snap)
	if err != nil {
		cancel()
		return nil, err
	}
	plan := ev.optimize(q.Algebra.Op)
	res := &Result{Form: q.Algebra.Form, ev: ev, cancel: cancel}
	solutions := func(yield func(row) bool) {
		ev.eval(plan, ev.emptyRow(), ev.defaultScope, yield)
	}
	switch q.Algebra.Form {
	case Select:
		res.Vars = q.Algebra.Vars
		res.slots = make([]int, len(res.Vars))
		for i, v := range res.Vars {
			res.slots[i] = ev.slot(v)
		}
		res.next, res.stop = iter.Pull(iter.Seq[row](solutions))
	case Ask:
		solutions(func(row) bool {
			res.Boolean = true
			return false
		})
		if err := ev.failure(); err != nil {
			res.Close()
			return nil, err
		}
	case Construct:
		res.quads, res.qstop = iter.Pull(ev.construct(q.Algebra.Template, solutions))
	case Describe:
		res.quads, res.qstop = iter.Pull(ev.describe(q.Algebra.Describe, solutions))
	}
	return res, nil
}

// context derives the evaluation context, with the query's time limit.
func (q *Query) context(ctx context.Context) (context.Context, context.CancelFunc) {
	if q.opts.Timeout > 0 {
		return context.WithTimeoutCause(ctx, q.opts.Timeout, ErrTimeout)
	}
	return context.WithCancel(ctx)
}

// Next advances to the next solution of a SELECT result.
func (r *Result) Next() bool {
	if r.next == nil || r.err != nil || r.closed {
		return false
	}
	cur, ok := r.next()
	if !ok {
		r.err = r.ev.failure()
		return false
	}
	r.cur = cur
	return true
}

// Solution returns the current solution, aligned with Vars; unbound
// variables are zero terms.
func (r *Result) Solution() results.Solution {
	sol := make(results.Solution, len(r.slots))
	for i, s := range r.slots {
		if s < 0 || r.cur[s].IsZero() {
			continue
		}
		t, err := r.ev.term(r.cur[s])
		if err != nil {
			r.err = err
			continue
		}
		sol[i] = t
	}
	return sol
}

// NextQuad advances to the next triple of a CONSTRUCT or DESCRIBE result.
func (r *Result) NextQuad() bool {
	if r.quads == nil || r.err != nil || r.closed {
		return false
	}
	q, ok := r.quads()
	if !ok {
		r.err = r.ev.failure()
		return false
	}
	r.quad = q
	return true
}

// Quad returns the current triple of a graph result.
func (r *Result) Quad() rdf.Quad { return r.quad }

// Err returns the error that ended the iteration, if any.
func (r *Result) Err() error { return r.err }

// Close ends the evaluation and releases its resources; it is safe to call
// more than once.
func (r *Result) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	if r.stop != nil {
		r.stop()
	}
	if r.qstop != nil {
		r.qstop()
	}
	r.cancel()
	return nil
}

// Solutions evaluates a SELECT query and returns all its solutions; a
// convenience for tests and small queries.
func (q *Query) Solutions(ctx context.Context, snap *graph.Snapshot) (vars []string, sols []results.Solution, err error) {
	res, err := q.Exec(ctx, snap)
	if err != nil {
		return nil, nil, err
	}
	defer res.Close()
	if res.Form != Select {
		return nil, nil, fmt.Errorf("sparql: Solutions on a %s query", res.Form)
	}
	for res.Next() {
		sols = append(sols, res.Solution())
	}
	return res.Vars, sols, res.Err()
}

// Quads evaluates a CONSTRUCT or DESCRIBE query and returns its triples.
func (q *Query) Quads(ctx context.Context, snap *graph.Snapshot) ([]rdf.Quad, error) {
	res, err := q.Exec(ctx, snap)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	var out []rdf.Quad
	for res.NextQuad() {
		out = append(out, res.Quad())
	}
	return out, res.Err()
}
