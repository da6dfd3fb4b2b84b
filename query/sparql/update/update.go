// Package update executes SPARQL 1.1 Update requests against the store.
//
// A request (several operations separated by ';') is one atomic change: it
// runs inside a single graph.Store.Update transaction, so either every
// operation takes effect or, on any error, none does, and readers never see
// a request half done.
//
// Operations later in a request see the effects of earlier ones, but a
// graph.Txn cannot be read: the snapshot the request started from does not
// contain its own pending writes. The executor therefore keeps, next to
// the transaction, an in-memory delta of what the request changed so far:
// per graph, the quads added, the quads removed, and whether the graph's
// earlier content was cleared. Reading a graph as the request sees it
// means reading the snapshot through that delta. That is how ADD, MOVE and
// COPY read their source graph.
//
// The WHERE clause of DELETE/INSERT and DELETE WHERE is evaluated by the
// query engine (package eval), which reads a graph.Snapshot. When no
// earlier operation of the request changed a graph the clause can read,
// it is evaluated on the request's snapshot directly: the common case of a
// request with one operation costs nothing extra. Otherwise the graphs the
// clause can read are copied, as the request sees them, into a scratch
// in-memory store, and the clause is evaluated there. Term ids are a
// function of the terms (and the store's blank node labels map back to
// their node), so the solutions found in the scratch store name the same
// nodes as in the real one. The copy costs time proportional to the graphs
// read; it is only paid by requests that read what they have just written.
//
// Blank nodes of INSERT DATA and of INSERT templates are fresh nodes: they
// are given random labels in the store's own label form, which the store
// maps to new nodes that no document label can reach.
//
// The metadata graph (graph.MetadataGraph) is the store's: writing it by
// name is an error, CLEAR and DROP of NAMED or ALL leave it out, and
// template quads whose GRAPH variable is bound to it are skipped. A WHERE
// clause evaluated in a scratch store reads the scratch store's
// description of the graphs there: names, quad counts and content hashes
// as the request sees them, but not the sources, owners and times.
package update

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/parser"
)

// Options configure the execution of an update request.
type Options struct {
	// BaseIRI is the base of IRI() in expressions when the request sets
	// none; relative IRIs of the request text are resolved by the parser.
	BaseIRI string
	// AllowLoad permits LOAD, and only from local files (file: IRIs).
	// Without it, LOAD fails (or, with SILENT, does nothing).
	AllowLoad bool
	// Authorize, when set, is called once for every graph the request
	// would write (the zero term for the default graph) before it is
	// written. An error refuses the request: nothing changes.
	Authorize func(graph rdf.Term) error
}

// Stats report what a request changed.
type Stats struct {
	// Operations is the number of operations executed.
	Operations int
	// Inserted counts the quads added (quads already present do not
	// count).
	Inserted int64
	// Deleted counts the quads removed, including the content of cleared
	// and dropped graphs.
	Deleted int64
}

var (
	// ErrLoadNotAllowed is returned for LOAD when Options.AllowLoad is not
	// set.
	ErrLoadNotAllowed = errors.New("LOAD is not allowed here")
	// ErrMetadataGraph is returned for a write to the graph the store
	// maintains itself (graph.MetadataGraph).
	ErrMetadataGraph = errors.New("the metadata graph <" + graph.MetadataGraph + "> is maintained by the store and cannot be changed")
)

// Execute runs an update request as one atomic transaction and reports
// what it changed. On error nothing changes. A request larger than one
// store transaction holds fails with an error wrapping graph.ErrTxnTooBig.
func Execute(ctx context.Context, store *graph.Store, u *parser.Update, opts Options) (Stats, error) {
	var st Stats
	if len(u.Operations) == 0 {
		return st, ctx.Err() // an empty request: no transaction to commit
	}
	err := store.Update(ctx, func(tx *graph.Txn) error {
		st = Stats{}
		// Writers are serialised, so this snapshot is exactly the state
		// the transaction starts from.
		snap := store.Snapshot()
		defer snap.Release()
		x := &executor{
			ctx:        ctx,
			tx:         tx,
			snap:       snap,
			opts:       opts,
			stats:      &st,
			delta:      map[graph.ID]*graphDelta{},
			authorized: map[graph.ID]error{},
			dataBlanks: map[string]rdf.Term{},
		}
		for i, op := range u.Operations {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := x.operation(op); err != nil {
				pos := op.Position()
				return fmt.Errorf("operation %d (line %d): %w", i+1, pos.Line, err)
			}
			st.Operations++
		}
		return nil
	})
	if errors.Is(err, graph.ErrTxnTooBig) {
		return Stats{}, fmt.Errorf("sparql update: %w, or split the request into smaller ones", err)
	}
	if err != nil {
		return Stats{}, fmt.Errorf("sparql update: %w", err)
	}
	return st, nil
}

// executor is the state of one request.
type executor struct {
	ctx   context.Context
	tx    *graph.Txn
	snap  *graph.Snapshot
	opts  Options
	stats *Stats

	// delta records what the request changed, per graph (zero id: the
	// default graph); see the package comment.
	delta map[graph.ID]*graphDelta
	// authorized caches the answer of Options.Authorize per graph.
	authorized map[graph.ID]error
	// dataBlanks maps the blank node labels of INSERT DATA to fresh nodes;
	// their scope is the whole request.
	dataBlanks map[string]rdf.Term
}

func (x *executor) operation(op parser.Operation) error {
	switch op := op.(type) {
	case *parser.InsertData:
		return x.insertData(op)
	case *parser.DeleteData:
		return x.deleteData(op)
	case *parser.DeleteWhere:
		return x.deleteWhere(op)
	case *parser.Modify:
		return x.modify(op)
	case *parser.Clear:
		return x.clear(op.Target, op.Silent, false)
	case *parser.Drop:
		return x.clear(op.Target, op.Silent, true)
	case *parser.Create:
		return x.create(op)
	case *parser.Transfer:
		return x.transfer(op)
	case *parser.Load:
		return x.load(op)
	}
	return fmt.Errorf("unsupported operation %T", op)
}

// graphTerm returns the term naming a graph: the zero term for "" (the
// default graph).
func graphTerm(iri string) rdf.Term {
	if iri == "" {
		return rdf.Term{}
	}
	return rdf.IRI(iri)
}

func graphName(g rdf.Term) string {
	if g.IsZero() {
		return "the default graph"
	}
	return g.String()
}

// authorize asks Options.Authorize, once per graph, whether the request may
// write g, and refuses the metadata graph.
func (x *executor) authorize(g rdf.Term) error {
	id := graph.TermID(g)
	if err, ok := x.authorized[id]; ok {
		return err
	}
	var err error
	switch {
	case g.IsIRI() && g.Value == graph.MetadataGraph:
		err = ErrMetadataGraph
	case x.opts.Authorize != nil:
		if aerr := x.opts.Authorize(g); aerr != nil {
			err = fmt.Errorf("writing %s is not allowed: %w", graphName(g), aerr)
		}
	}
	x.authorized[id] = err
	return err
}

// exists reports whether a graph exists as the request sees it; the
// default graph always does.
func (x *executor) exists(g rdf.Term) bool {
	if g.IsZero() {
		return true
	}
	_, ok := x.tx.Graph(g)
	return ok
}

// insert adds a quad through the transaction and the delta.
func (x *executor) insert(q rdf.Quad) error {
	if err := x.authorize(q.G); err != nil {
		return err
	}
	added, err := x.tx.Insert(q)
	if err != nil {
		return fmt.Errorf("insert %s: %w", abbreviate(q), err)
	}
	if added {
		x.stats.Inserted++
		x.deltaOf(q.G).insert(q)
	}
	return nil
}

// remove deletes a quad through the transaction and the delta.
func (x *executor) remove(q rdf.Quad) error {
	if err := x.authorize(q.G); err != nil {
		return err
	}
	if !x.exists(q.G) {
		return nil
	}
	gone, err := x.tx.Delete(q)
	if err != nil {
		return fmt.Errorf("delete %s: %w", abbreviate(q), err)
	}
	if gone {
		x.stats.Deleted++
		x.deltaOf(q.G).remove(q)
	}
	return nil
}

// freshBlank returns a blank node no document and no other request can
// name: a random label in the store's own form ("b" and 30 hex digits),
// which the store maps to a node of its own.
func freshBlank() rdf.Term {
	var b [15]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("sparql update: no randomness: " + err.Error())
	}
	return rdf.Blank("b" + hex.EncodeToString(b[:]))
}

// dataQuad turns a quad of INSERT DATA or DELETE DATA into an RDF quad,
// replacing blank nodes with fresh ones (consistently within the request).
func (x *executor) dataQuad(qp parser.QuadPattern) rdf.Quad {
	conv := func(t parser.Term) rdf.Term {
		v := t.Value
		if v.IsBlank() {
			fresh, ok := x.dataBlanks[v.Value]
			if !ok {
				fresh = freshBlank()
				x.dataBlanks[v.Value] = fresh
			}
			return fresh
		}
		return v
	}
	return rdf.Quad{S: conv(qp.Subject), P: conv(qp.Predicate), O: conv(qp.Object), G: qp.Graph.Value}
}

func (x *executor) insertData(op *parser.InsertData) error {
	for _, qp := range op.Quads {
		if err := x.insert(x.dataQuad(qp)); err != nil {
			return err
		}
	}
	return nil
}

func (x *executor) deleteData(op *parser.DeleteData) error {
	for _, qp := range op.Quads {
		if err := x.remove(x.dataQuad(qp)); err != nil {
			return err
		}
	}
	return nil
}

// targets returns the graphs a CLEAR or DROP target names. NAMED and ALL
// cover the named graphs as the request sees them, without the metadata
// graph.
func (x *executor) targets(t parser.GraphTarget) []rdf.Term {
	switch t.Kind {
	case parser.TargetGraph:
		return []rdf.Term{rdf.IRI(t.IRI)}
	case parser.TargetDefault:
		return []rdf.Term{{}}
	}
	var out []rdf.Term
	if t.Kind == parser.TargetAll {
		out = append(out, rdf.Term{})
	}
	for _, g := range x.namedGraphs() {
		if g.Value != graph.MetadataGraph {
			out = append(out, g)
		}
	}
	return out
}

// clear runs CLEAR (drop false) or DROP (drop true).
func (x *executor) clear(t parser.GraphTarget, silent, drop bool) error {
	for _, g := range x.targets(t) {
		if !x.exists(g) {
			if silent {
				continue
			}
			return fmt.Errorf("%s: %w", graphName(g), graph.ErrGraphNotFound)
		}
		if err := x.clearGraph(g, drop); err != nil {
			return err
		}
	}
	return nil
}

// clearGraph empties an existing graph and, with drop, removes it.
// Dropping the default graph empties it.
func (x *executor) clearGraph(g rdf.Term, drop bool) error {
	if err := x.authorize(g); err != nil {
		return err
	}
	if info, ok := x.tx.Graph(g); ok {
		x.stats.Deleted += info.Quads
	}
	var err error
	if drop {
		err = x.tx.DropGraph(g)
	} else {
		err = x.tx.ClearGraph(g)
	}
	if err != nil {
		return err
	}
	x.deltaOf(g).clear()
	return nil
}

func (x *executor) create(op *parser.Create) error {
	g := rdf.IRI(op.Graph)
	if x.exists(g) {
		if op.Silent {
			return nil
		}
		return fmt.Errorf("%s: %w", graphName(g), graph.ErrGraphExists)
	}
	if err := x.authorize(g); err != nil {
		return err
	}
	if err := x.tx.CreateGraph(g); err != nil {
		return err
	}
	x.deltaOf(g)
	return nil
}

// transfer runs ADD, MOVE and COPY.
func (x *executor) transfer(op *parser.Transfer) error {
	from, to := targetTerm(op.From), targetTerm(op.To)
	if !x.exists(from) {
		if op.Silent {
			return nil
		}
		return fmt.Errorf("%s %s: %w", op.Op, graphName(from), graph.ErrGraphNotFound)
	}
	if from == to {
		return nil // the same graph: nothing to do (section 3.2.3-3.2.5)
	}
	quads, err := x.graphQuads(from)
	if err != nil {
		return err
	}
	if err := x.authorize(to); err != nil {
		return err
	}
	if op.Op != "ADD" && x.exists(to) {
		if err := x.clearGraph(to, false); err != nil {
			return err
		}
	}
	if !x.exists(to) {
		if err := x.tx.CreateGraph(to); err != nil {
			return err
		}
		x.deltaOf(to)
	}
	for _, q := range quads {
		q.G = to
		if err := x.insert(q); err != nil {
			return err
		}
	}
	if op.Op == "MOVE" {
		return x.clearGraph(from, true)
	}
	return nil
}

func targetTerm(t parser.GraphTarget) rdf.Term {
	if t.Kind == parser.TargetDefault {
		return rdf.Term{}
	}
	return rdf.IRI(t.IRI)
}

// isFileIRI reports whether iri names a local file.
func isFileIRI(iri string) bool { return strings.HasPrefix(strings.ToLower(iri), "file:") }

// abbreviate formats a quad for an error message, cut short if long.
func abbreviate(q rdf.Quad) string {
	const max = 160
	s := q.String()
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
