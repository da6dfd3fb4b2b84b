package search_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
	"github.com/kplane/kplane/query/search"
)

var (
	enterpriseGlossary = rdf.IRI(demo + "graph/enterprise/glossary.ttl")
	salesProducts      = rdf.IRI(demo + "graph/sales/products.ttl")
	customerConcept    = rdf.IRI(demo + "enterprise/concept/Customer")
)

// addLabel gives the enterprise Customer concept one more altLabel.
func addLabel(ctx context.Context, store *graph.Store, label string) error {
	return store.Update(ctx, func(tx *graph.Txn) error {
		_, err := tx.Insert(rdf.Quad{S: customerConcept, P: rdf.IRI(ontology.SKOSAltLabel), O: rdf.LangLiteral(label, "en"), G: enterpriseGlossary})
		return err
	})
}

func syncIndex(t *testing.T, ix *search.Index, store *graph.Store) search.SyncStats {
	t.Helper()
	snap := store.Snapshot()
	defer snap.Release()
	st, err := ix.Sync(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSyncFollowsStore(t *testing.T) {
	ctx := context.Background()
	store := openDemo(t, "")
	defer store.Close()
	ix, err := search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if st := syncIndex(t, ix, store); st.Graphs != 0 || st.Indexed != 0 {
		t.Errorf("sync without changes: %+v", st)
	}

	// A new synonym in the glossary reaches the products about the concept.
	if err := addLabel(ctx, store, "Patron"); err != nil {
		t.Fatal(err)
	}
	st := syncIndex(t, ix, store)
	if st.Graphs != 1 {
		t.Errorf("changed graphs %d, want 1", st.Graphs)
	}
	res := find(t, ix, search.Request{Text: "patron", Limit: 50})
	for _, want := range []string{"enterprise/concept/Customer", "sales/product/customer-master", "finance/product/invoices"} {
		if rank(res.Hits, demo+want) < 0 {
			t.Errorf("patron: %s not found after sync", want)
		}
	}

	// Dropping a graph removes what it described.
	if err := store.Update(ctx, func(tx *graph.Txn) error { return tx.DropGraph(salesProducts) }); err != nil {
		t.Fatal(err)
	}
	syncIndex(t, ix, store)
	res = find(t, ix, search.Request{Text: "customer master", Types: []string{"product"}, Limit: 50})
	if rank(res.Hits, demo+"sales/product/customer-master") >= 0 {
		t.Error("customer-master still found after its graph was dropped")
	}
	// And reloading it brings it back, with its concept labels.
	loadFile(t, store, demoRoot+"/sales/products.ttl")
	syncIndex(t, ix, store)
	res = find(t, ix, search.Request{Text: "patron", Limit: 50})
	if rank(res.Hits, demo+"sales/product/customer-master") < 0 {
		t.Error("customer-master not found after reload")
	}

	// A rebuild gives the same answers.
	snap := store.Snapshot()
	st, err = ix.Rebuild(ctx, snap)
	snap.Release()
	if err != nil {
		t.Fatal(err)
	}
	if st.Indexed == 0 {
		t.Error("rebuild indexed nothing")
	}
	res2 := find(t, ix, search.Request{Text: "patron", Limit: 50})
	if len(res2.Hits) != len(res.Hits) {
		t.Errorf("after rebuild %d hits, before %d", len(res2.Hits), len(res.Hits))
	}
}

// TestCrashHelper is the child process of TestCrashBetweenCommitAndIndex;
// it does nothing in a normal run.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv("KPLANE_SEARCH_CRASH_DIR")
	if dir == "" {
		t.Skip("helper process for the crash test")
	}
	store, err := graph.Open(dir, nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	if err := addLabel(context.Background(), store, "Zyzzogeton"); err != nil {
		fmt.Println("error", err)
		os.Exit(2)
	}
	fmt.Println("committed")
	time.Sleep(time.Minute) // killed here, before the index hears of it
	os.Exit(3)
}

// TestCrashBetweenCommitAndIndex kills a process after the store commits
// and before the index is updated: after the restart, search must reflect
// the commit.
func TestCrashBetweenCommitAndIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := openDemo(t, dir)
	ix, err := search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	store.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$")
	cmd.Env = append(os.Environ(), "KPLANE_SEARCH_CRASH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	committed := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "error") {
			t.Fatal(line)
		}
		if line == "committed" {
			committed = true
			break
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if !committed {
		t.Fatal("helper did not commit")
	}

	store, err = graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ix, err = search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	res := find(t, ix, search.Request{Text: "zyzzogeton", Limit: 50})
	for _, want := range []string{"enterprise/concept/Customer", "sales/product/customer-master"} {
		if rank(res.Hits, demo+want) < 0 {
			t.Errorf("zyzzogeton: %s not found after restart", want)
		}
	}
	// Type-ahead, read from the file saved before the crash, follows too.
	if got := suggests(t, ix, "zyzzo", search.SuggestOptions{}); !slices.Contains(got, "enterprise/concept/Customer") {
		t.Errorf("suggest zyzzo after restart: %v", got)
	}
}

func suggests(t *testing.T, ix *search.Index, prefix string, opts search.SuggestOptions) []string {
	t.Helper()
	got, err := ix.Suggest(context.Background(), prefix, opts)
	if err != nil {
		t.Fatal(err)
	}
	var iris []string
	for _, s := range got {
		iris = append(iris, strings.TrimPrefix(s.IRI, demo))
	}
	return iris
}

// TestSuggestFollowsStore checks that type-ahead, which keeps its own
// structure beside Bleve, sees what every Sync changes.
func TestSuggestFollowsStore(t *testing.T) {
	ctx := context.Background()
	store := openDemo(t, "")
	defer store.Close()
	ix, err := search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	const concept = "enterprise/concept/Customer"
	if got := suggests(t, ix, "zyzzo", search.SuggestOptions{}); len(got) != 0 {
		t.Fatalf("zyzzo before the label exists: %v", got)
	}
	if err := addLabel(ctx, store, "Zyzzogeton"); err != nil {
		t.Fatal(err)
	}
	syncIndex(t, ix, store)
	if got := suggests(t, ix, "zyzzo", search.SuggestOptions{}); !slices.Contains(got, concept) {
		t.Errorf("zyzzo after sync: %v, want %s", got, concept)
	}
	if got := suggests(t, ix, "customer mas", search.SuggestOptions{}); !slices.Contains(got, "sales/product/customer-master") {
		t.Fatalf("customer mas: %v", got)
	}
	if err := store.Update(ctx, func(tx *graph.Txn) error { return tx.DropGraph(salesProducts) }); err != nil {
		t.Fatal(err)
	}
	syncIndex(t, ix, store)
	if got := suggests(t, ix, "customer mas", search.SuggestOptions{}); slices.Contains(got, "sales/product/customer-master") {
		t.Errorf("customer mas after its graph was dropped: %v", got)
	}
}

// TestRebuildOnDisk rebuilds an index on disk (the offline builder, then
// a swap), and checks that the rebuilt index answers as the one Sync
// wrote, records the graphs it reflects and, reopened, serves type-ahead
// from its stored fields.
func TestRebuildOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := openDemo(t, dir)
	defer store.Close()
	ix, err := search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"customer", "client", "policy holder", "custmer"}
	before := map[string][]string{}
	for _, text := range texts {
		for _, h := range find(t, ix, search.Request{Text: text, Limit: 20}).Hits {
			before[text] = append(before[text], h.IRI)
		}
	}
	suggestBefore := suggests(t, ix, "cust", search.SuggestOptions{Limit: 20})

	snap := store.Snapshot()
	st, err := ix.Rebuild(ctx, snap)
	snap.Release()
	if err != nil {
		t.Fatal(err)
	}
	if st.Indexed == 0 {
		t.Fatal("rebuild indexed nothing")
	}
	check := func(when string) {
		t.Helper()
		for _, text := range texts {
			res := find(t, ix, search.Request{Text: text, Limit: 20})
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.IRI)
			}
			// Scores may tie differently at the cut: the first ten of
			// each must be among the twenty of the other.
			if !within(got[:min(10, len(got))], before[text]) || !within(before[text][:min(10, len(before[text]))], got) {
				t.Errorf("%s: %q gives %v, before %v", when, text, got, before[text])
			}
		}
		if got := suggests(t, ix, "cust", search.SuggestOptions{Limit: 20}); !slices.Equal(got, suggestBefore) {
			t.Errorf("%s: suggest cust gives %v, before %v", when, got, suggestBefore)
		}
	}
	check("after rebuild")
	if _, err := os.Stat(dir + "/" + search.DirName + ".rebuild"); !os.IsNotExist(err) {
		t.Errorf("build directory left behind: %v", err)
	}
	if st := syncIndex(t, ix, store); st.Graphs != 0 {
		t.Errorf("sync after rebuild found %d changed graphs", st.Graphs)
	}
	ix.Close()

	// Reopened, type-ahead comes from the file saved beside the index,
	// or, without it, from the index's stored fields.
	typeahead := filepath.Join(dir, search.DirName, "typeahead.bin")
	if _, err := os.Stat(typeahead); err != nil {
		t.Errorf("type-ahead index not saved: %v", err)
	}
	ix, err = search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	check("reopened")
	ix.Close()
	if err := os.Remove(typeahead); err != nil {
		t.Fatal(err)
	}
	ix, err = search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	check("reopened without the type-ahead file")
}

// within reports whether every element of a is in b.
func within(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func TestRebuildEmptyOnDisk(t *testing.T) {
	ctx := context.Background()
	store, err := graph.Open(t.TempDir(), &graph.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ix, err := search.OpenStore(ctx, store)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	snap := store.Snapshot()
	st, err := ix.Rebuild(ctx, snap)
	snap.Release()
	if err != nil || st.Indexed != 0 {
		t.Fatalf("rebuild of an empty store: %+v, %v", st, err)
	}
	if res := find(t, ix, search.Request{Limit: 10}); res.Total != 0 {
		t.Errorf("empty index lists %d resources", res.Total)
	}
	// It is usable: a Sync fills it.
	loadFile(t, store, filepath.Join(demoRoot, "enterprise", "glossary.ttl"))
	syncIndex(t, ix, store)
	if got := suggests(t, ix, "kund", search.SuggestOptions{}); !slices.Contains(got, "enterprise/concept/Customer") {
		t.Errorf("kund after sync: %v", got)
	}
}
