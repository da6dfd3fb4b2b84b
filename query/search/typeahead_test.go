package search

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
)

// testTypeahead builds a type-ahead index of a few documents analysed as
// the index analyses them.
func testTypeahead(t *testing.T) (*typeahead, func(iri, kind, label string, retired bool, names ...string) suggestDoc) {
	t.Helper()
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	whole, word, err := suggestAnalyzers(m)
	if err != nil {
		t.Fatal(err)
	}
	doc := func(iri, kind, label string, retired bool, names ...string) suggestDoc {
		return newSuggestDoc(iri, kind, label, retired, names, nil, whole, word)
	}
	return newTypeahead(), doc
}

func suggestIRIs(t *testing.T, ta *typeahead, whole, word string, opts SuggestOptions) []string {
	t.Helper()
	got, err := ta.suggest(context.Background(), whole, word, opts, max(opts.Limit, 1))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range got {
		out = append(out, s.IRI)
	}
	return out
}

func TestTypeaheadRanking(t *testing.T) {
	ta, doc := testTypeahead(t)
	ta.reset([]suggestDoc{
		doc("attr", TypeAttribute, "customer_id", false, "customer_id"),
		doc("concept-long", TypeConcept, "Customer Account", false, "Customer Account"),
		doc("concept", TypeConcept, "Customer", false, "Customer"),
		doc("product", TypeProduct, "Key Customer Accounts", false, "Key Customer Accounts"),
		doc("retired", TypeProduct, "Customer Extract", true, "Customer Extract"),
		doc("other", TypeProduct, "Orders", false, "Orders"),
	})
	// Label completions (3) above word completions (1); products (4)
	// above concepts (2); ties by type, then shorter labels first.
	want := []string{"product", "concept", "concept-long", "attr"}
	if got := suggestIRIs(t, ta, "cust", "cust", SuggestOptions{Limit: 10}); !slices.Equal(got, want) {
		t.Errorf("cust: %v, want %v", got, want)
	}
	if got := suggestIRIs(t, ta, "cust", "cust", SuggestOptions{Limit: 2}); !slices.Equal(got, want[:2]) {
		t.Errorf("cust, limit 2: %v, want %v", got, want[:2])
	}
	if got := suggestIRIs(t, ta, "cust", "cust", SuggestOptions{Limit: 10, IncludeRetired: true}); !slices.Contains(got, "retired") {
		t.Errorf("cust with retired: %v", got)
	}
	if got := suggestIRIs(t, ta, "cust", "cust", SuggestOptions{Limit: 10, Types: []string{"Product"}}); !slices.Equal(got, []string{"product"}) {
		t.Errorf("cust, products: %v", got)
	}
	// Compounds: the joined words of a label complete too.
	if got := suggestIRIs(t, ta, "customeracc", "customeracc", SuggestOptions{Limit: 10}); !slices.Equal(got, []string{"product", "concept-long"}) {
		t.Errorf("customeracc: %v", got)
	}
	if got := suggestIRIs(t, ta, "zzz", "zzz", SuggestOptions{Limit: 10}); len(got) != 0 {
		t.Errorf("zzz: %v", got)
	}
}

func TestTypeaheadOverlay(t *testing.T) {
	ta, doc := testTypeahead(t)
	ta.reset([]suggestDoc{
		doc("a", TypeConcept, "Alpha", false, "Alpha"),
		doc("b", TypeConcept, "Beta", false, "Beta"),
	})
	renamed := doc("a", TypeConcept, "Gamma", false, "Gamma")
	ta.update(map[string]*suggestDoc{"a": &renamed, "b": nil})
	if got := suggestIRIs(t, ta, "al", "al", SuggestOptions{Limit: 10}); len(got) != 0 {
		t.Errorf("al after rename: %v", got)
	}
	if got := suggestIRIs(t, ta, "be", "be", SuggestOptions{Limit: 10}); len(got) != 0 {
		t.Errorf("be after delete: %v", got)
	}
	if got := suggestIRIs(t, ta, "ga", "ga", SuggestOptions{Limit: 10}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("ga after rename: %v", got)
	}
	// Enough changes merge the overlay into the base, with the same
	// answers.
	changes := map[string]*suggestDoc{}
	for i := range overlayLimit(0) + 1 {
		d := doc(fmt.Sprintf("n%d", i), TypeDataset, fmt.Sprintf("Delta %d", i), false, fmt.Sprintf("Delta %d", i))
		changes[d.iri] = &d
	}
	ta.update(changes)
	if len(ta.overlay) != 0 {
		t.Fatalf("overlay of %d documents not merged", len(ta.overlay))
	}
	if got := suggestIRIs(t, ta, "ga", "ga", SuggestOptions{Limit: 10}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("ga after merge: %v", got)
	}
	if got := suggestIRIs(t, ta, "be", "be", SuggestOptions{Limit: 10}); len(got) != 0 {
		t.Errorf("be after merge: %v", got)
	}
	if got := suggestIRIs(t, ta, "delta 1", "", SuggestOptions{Limit: 3}); !slices.Equal(got, []string{"n1", "n10", "n11"}) {
		t.Errorf("delta 1 after merge: %v", got)
	}
}

func TestTypeaheadFile(t *testing.T) {
	ta, doc := testTypeahead(t)
	ta.reset([]suggestDoc{
		doc("a", TypeConcept, "Alpha", false, "Alpha"),
		doc("b", TypeProduct, "Alpha Beta", true, "Alpha Beta"),
	})
	d := doc("c", TypeDataset, "Alpine", false, "Alpine")
	ta.update(map[string]*suggestDoc{"c": &d})
	path := t.TempDir() + "/" + typeaheadFile
	if err := ta.save(path, []byte("state 1")); err != nil {
		t.Fatal(err)
	}
	opts := SuggestOptions{Limit: 10, IncludeRetired: true}
	want := suggestIRIs(t, ta, "al", "al", opts)
	if len(want) != 3 {
		t.Fatalf("al before saving: %v", want)
	}

	base, ok, err := readTypeahead(path, []byte("state 1"))
	if err != nil || !ok {
		t.Fatalf("read: ok %v, %v", ok, err)
	}
	read := newTypeahead()
	read.setBase(base)
	if got := suggestIRIs(t, read, "al", "al", opts); !slices.Equal(got, want) {
		t.Errorf("al after reading: %v, want %v", got, want)
	}
	if got := suggestIRIs(t, read, "al", "al", SuggestOptions{Limit: 10}); slices.Contains(got, "b") {
		t.Errorf("retired flag lost: %v", got)
	}

	// A file of another index state, or damaged, is not used.
	if _, ok, err := readTypeahead(path, []byte("state 2")); ok || err != nil {
		t.Errorf("read with another state: ok %v, %v", ok, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{len(data) - 1, len(data) / 2, 3} {
		if err := os.WriteFile(path, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := readTypeahead(path, []byte("state 1")); ok || err != nil {
			t.Errorf("read of %d of %d bytes: ok %v, %v", n, len(data), ok, err)
		}
	}
	if _, ok, err := readTypeahead(path+".absent", nil); ok || err != nil {
		t.Errorf("read of no file: ok %v, %v", ok, err)
	}
}
