package graphql

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// statement is one statement about a resource, read from any graph, with
// its predicate and other end decoded.
type statement struct {
	P, O  graph.ID // predicate and object (or subject, for incoming statements)
	Pred  rdf.Term
	Other rdf.Term
}

// reader is the access one request has to the store. Every method takes a
// whole batch of resources, so the number of calls a query makes grows with
// its depth, not with the number of nodes it touches; the test of batching
// counts these calls.
type reader interface {
	// Out returns, for each subject, the statements it is the subject of,
	// in all graphs, without duplicates, ordered by predicate and object.
	Out(ctx context.Context, subjects []graph.ID) (map[graph.ID][]statement, error)
	// In returns, for each object, the statements with predicate p (any
	// predicate when p is zero) that point at it; statement.O and Other
	// are then the subject.
	In(ctx context.Context, objects []graph.ID, p graph.ID) (map[graph.ID][]statement, error)
	// Subjects returns the distinct subjects of the statements "? p o"
	// (o zero: any object), decoded, ordered by IRI.
	Subjects(ctx context.Context, p, o graph.ID) ([]rdf.Term, error)
	// Snapshot is the snapshot read, for the packages that take one
	// (discovery, lineage, SPARQL).
	Snapshot() *graph.Snapshot
}

// snapshotReader reads one snapshot.
type snapshotReader struct{ snap *graph.Snapshot }

func (r snapshotReader) Snapshot() *graph.Snapshot { return r.snap }

func (r snapshotReader) Out(ctx context.Context, subjects []graph.ID) (map[graph.ID][]statement, error) {
	subjects = slices.DeleteFunc(slices.Clone(subjects), func(s graph.ID) bool { return s.IsZero() || s.IsLiteral() })
	slices.SortFunc(subjects, func(a, b graph.ID) int { return bytes.Compare(a[:], b[:]) })
	subjects = slices.Compact(subjects)
	found := make([][]statement, len(subjects))
	// Each subject is one seek in the store; large batches are spread
	// over the processors (a read-only snapshot allows concurrent
	// iterators).
	workers := min(runtime.GOMAXPROCS(0), len(subjects)/minParallelBatch)
	if workers < 2 {
		workers = 1
	}
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(subjects); i += workers {
				st, err := r.scan(ctx, graph.Pattern{S: subjects[i], Graph: graph.AllGraphs}, false)
				if err != nil {
					errs[w] = fmt.Errorf("graphql: read statements about %s: %w", subjects[i], err)
					return
				}
				found[i] = st
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out := make(map[graph.ID][]statement, len(subjects))
	for i, s := range subjects {
		out[s] = found[i]
	}
	return out, nil
}

// minParallelBatch is the smallest batch per worker worth a goroutine.
const minParallelBatch = 32

func (r snapshotReader) In(ctx context.Context, objects []graph.ID, p graph.ID) (map[graph.ID][]statement, error) {
	out := make(map[graph.ID][]statement, len(objects))
	for _, o := range objects {
		if _, done := out[o]; done || o.IsZero() {
			continue
		}
		st, err := r.scan(ctx, graph.Pattern{P: p, O: o, Graph: graph.AllGraphs}, true)
		if err != nil {
			return nil, fmt.Errorf("graphql: read statements pointing at %s: %w", o, err)
		}
		out[o] = st
	}
	return out, nil
}

// scan reads the statements matching pat; incoming selects the subject as
// the other end instead of the object.
func (r snapshotReader) scan(ctx context.Context, pat graph.Pattern, incoming bool) ([]statement, error) {
	it := r.snap.Scan(ctx, pat)
	defer it.Close()
	var st []statement
	seen := make(map[[2]graph.ID]bool)
	for it.Next() {
		q := it.Quad()
		other := q.O
		if incoming {
			other = q.S
		}
		key := [2]graph.ID{q.P, other}
		if seen[key] {
			continue // the same statement in another graph
		}
		seen[key] = true
		pred, err := r.snap.Term(q.P)
		if err != nil {
			return nil, err
		}
		t, err := r.snap.Term(other)
		if err != nil {
			return nil, err
		}
		st = append(st, statement{P: q.P, O: other, Pred: pred, Other: t})
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(st, func(a, b statement) int {
		if c := strings.Compare(a.Pred.Value, b.Pred.Value); c != 0 {
			return c
		}
		return compareTerms(a.Other, b.Other)
	})
	return st, nil
}

func (r snapshotReader) Subjects(ctx context.Context, p, o graph.ID) ([]rdf.Term, error) {
	st, err := r.scan(ctx, graph.Pattern{P: p, O: o, Graph: graph.AllGraphs}, true)
	if err != nil {
		return nil, fmt.Errorf("graphql: read subjects: %w", err)
	}
	var out []rdf.Term
	for _, s := range st {
		out = append(out, s.Other)
	}
	slices.SortFunc(out, compareTerms)
	return slices.CompactFunc(out, func(a, b rdf.Term) bool { return a == b }), nil
}

// compareTerms orders terms by kind, then value, datatype and language:
// the stable order of every list the API returns.
func compareTerms(a, b rdf.Term) int {
	if a.Kind != b.Kind {
		return int(a.Kind) - int(b.Kind)
	}
	if c := strings.Compare(a.Value, b.Value); c != 0 {
		return c
	}
	if c := strings.Compare(a.Datatype, b.Datatype); c != 0 {
		return c
	}
	return strings.Compare(a.Lang, b.Lang)
}

// countingReader counts the calls made to the reader it wraps.
type countingReader struct {
	reader
	calls atomic.Int64
}

func (c *countingReader) Out(ctx context.Context, ids []graph.ID) (map[graph.ID][]statement, error) {
	c.calls.Add(1)
	return c.reader.Out(ctx, ids)
}

func (c *countingReader) In(ctx context.Context, ids []graph.ID, p graph.ID) (map[graph.ID][]statement, error) {
	c.calls.Add(1)
	return c.reader.In(ctx, ids, p)
}

func (c *countingReader) Subjects(ctx context.Context, p, o graph.ID) ([]rdf.Term, error) {
	c.calls.Add(1)
	return c.reader.Subjects(ctx, p, o)
}
