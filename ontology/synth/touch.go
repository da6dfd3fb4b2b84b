package synth

import (
	"context"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// Touch moves the store to a new state without changing its data: it adds
// a statement and removes it again. Benchmarks use it to measure what the
// first request after a write costs, when caches kept per store state
// (graph.Snapshot.Version) start empty.
func Touch(ctx context.Context, store *graph.Store) error {
	q := rdf.Quad{S: rdf.IRI(Base + "touch"), P: rdf.IRI(Base + "touched"), O: rdf.String("yes")}
	if err := store.Update(ctx, func(tx *graph.Txn) error { _, err := tx.Insert(q); return err }); err != nil {
		return err
	}
	return store.Update(ctx, func(tx *graph.Txn) error { _, err := tx.Delete(q); return err })
}
