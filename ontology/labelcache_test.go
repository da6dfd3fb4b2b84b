package ontology_test

import (
	"context"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// The label index outlives a snapshot but never a change of the data.
func TestLabelIndexFollowsWrites(t *testing.T) {
	store, err := graph.Open("", &graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	add := func(concept, label string) {
		t.Helper()
		err := store.Update(ctx, func(tx *graph.Txn) error {
			g := rdf.IRI("http://example.org/glossary")
			c := rdf.IRI("http://example.org/" + concept)
			if _, err := tx.Insert(rdf.Quad{S: c, P: rdf.IRI(rdf.RDFType), O: rdf.IRI(ontology.SKOSConcept), G: g}); err != nil {
				return err
			}
			_, err := tx.Insert(rdf.Quad{S: c, P: rdf.IRI(ontology.SKOSPrefLabel), O: rdf.LangLiteral(label, "en"), G: g})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	count := func(label string) int {
		t.Helper()
		snap := store.Snapshot()
		defer snap.Release()
		ids, err := ontology.ConceptsByLabel(ctx, snap, label)
		if err != nil {
			t.Fatal(err)
		}
		return len(ids)
	}
	add("Customer", "Customer")
	if n := count("customer"); n != 1 {
		t.Fatalf("customer: %d concepts", n)
	}
	if n := count("Client"); n != 0 {
		t.Fatalf("client before it exists: %d concepts", n)
	}
	add("Client", "Client")
	if n := count("client"); n != 1 {
		t.Errorf("a label added after the index was built is not found: %d concepts", n)
	}
}
