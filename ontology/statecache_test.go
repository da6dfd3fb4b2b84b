package ontology_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// aboutStore is a small catalog: products themed with a concept or with a
// narrower one.
func aboutStore(t *testing.T) *graph.Store {
	t.Helper()
	store, err := graph.Open("", &graph.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	addProduct(t, store, "p1", "Customer")
	addProduct(t, store, "p2", "KeyAccount")
	err = store.Update(context.Background(), func(tx *graph.Txn) error {
		for _, q := range []rdf.Quad{
			{S: ex("Customer"), P: rdf.IRI(rdf.RDFType), O: rdf.IRI(ontology.SKOSConcept)},
			{S: ex("Customer"), P: rdf.IRI(ontology.SKOSPrefLabel), O: rdf.LangLiteral("Customer", "en")},
			{S: ex("KeyAccount"), P: rdf.IRI(rdf.RDFType), O: rdf.IRI(ontology.SKOSConcept)},
			{S: ex("KeyAccount"), P: rdf.IRI(ontology.SKOSBroader), O: ex("Customer")},
		} {
			if _, err := tx.Insert(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return store
}

func ex(name string) rdf.Term { return rdf.IRI("http://example.org/" + name) }

func addProduct(t *testing.T, store *graph.Store, name, theme string) {
	t.Helper()
	err := store.Update(context.Background(), func(tx *graph.Txn) error {
		for _, q := range []rdf.Quad{
			{S: ex(name), P: rdf.IRI(rdf.RDFType), O: rdf.IRI(ontology.DPRODDataProduct)},
			{S: ex(name), P: rdf.IRI(ontology.DCTermsTitle), O: rdf.String("Product " + name)},
			{S: ex(name), P: rdf.IRI(ontology.DCATTheme), O: ex(theme)},
		} {
			if _, err := tx.Insert(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func askCustomer(t *testing.T, snap *graph.Snapshot) []ontology.Hit {
	t.Helper()
	hits, _, err := ontology.About(context.Background(), snap, ontology.AboutQuery{Concept: ex("Customer")})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func hitProducts(hits []ontology.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Product.Value)
	}
	slices.Sort(out)
	return out
}

// Discovery's caches are shared by the snapshots of one store state, and
// a snapshot taken before a write keeps seeing the data it was taken on,
// whatever later snapshots cached.
func TestAboutCacheFollowsStoreState(t *testing.T) {
	store := aboutStore(t)
	before := store.Snapshot()
	defer before.Release()
	want := []string{ex("p1").Value, ex("p2").Value}
	if got := hitProducts(askCustomer(t, before)); !slices.Equal(got, want) {
		t.Fatalf("before the write: %v, want %v", got, want)
	}
	same := store.Snapshot()
	if same.Version() != before.Version() {
		t.Fatalf("two snapshots of unchanged data have versions %d and %d", before.Version(), same.Version())
	}
	if got := hitProducts(askCustomer(t, same)); !slices.Equal(got, want) {
		t.Errorf("second snapshot of the same state: %v, want %v", got, want)
	}
	same.Release()

	addProduct(t, store, "p3", "KeyAccount")
	after := store.Snapshot()
	defer after.Release()
	wantAfter := []string{ex("p1").Value, ex("p2").Value, ex("p3").Value}
	if got := hitProducts(askCustomer(t, after)); !slices.Equal(got, wantAfter) {
		t.Errorf("after the write: %v, want %v", got, wantAfter)
	}
	// The old snapshot, asked again after the newer state was cached.
	if got := hitProducts(askCustomer(t, before)); !slices.Equal(got, want) {
		t.Errorf("snapshot taken before the write, asked after it: %v, want %v", got, want)
	}
}

// Answers are cached; what a caller does with its copy does not change
// what the next caller gets.
func TestAboutAnswersAreCopies(t *testing.T) {
	store := aboutStore(t)
	snap := store.Snapshot()
	defer snap.Release()
	var wantText string
	var wantProduct rdf.Term
	// The first call computes and caches the answer; the later ones
	// read it from the cache. Each caller spoils its copy.
	for i := range 3 {
		hits := askCustomer(t, snap)
		if len(hits) != 2 || len(hits[1].Explanation) == 0 {
			t.Fatalf("call %d: want two hits with explanations, got %+v", i, hits)
		}
		if i == 0 {
			wantText, wantProduct = hits[1].Explanation.String(), hits[0].Product
		} else if hits[0].Product != wantProduct || hits[1].Explanation.String() != wantText {
			t.Fatalf("call %d: cached answer changed by a caller: %+v", i, hits)
		}
		hits[0].Product = ex("changed")
		hits[1].Explanation[0].Relation = ontology.RelNone
	}
}
