package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kplane/kplane/graph/rdf"
)

// bothLinks runs a test once with each way of linking a load: one store
// transaction that also updates the metadata graph (few graphs), and
// linkMany (many graphs), forced here with a threshold below the test's
// graph count; and each of them with the loaded instances unpacked (the
// tests' graphs are small) and packed (packMinQuads lowered).
func bothLinks(t *testing.T, test func(t *testing.T)) {
	many := func(t *testing.T) {
		saved := linkInTxnGraphs
		linkInTxnGraphs = 2
		t.Cleanup(func() { linkInTxnGraphs = saved })
		test(t)
	}
	packed := func(test func(t *testing.T)) func(t *testing.T) {
		return func(t *testing.T) {
			saved := packMinQuads
			packMinQuads = 1
			t.Cleanup(func() { packMinQuads = saved })
			test(t)
		}
	}
	t.Run("txn", test)
	t.Run("many", many)
	t.Run("txn-packed", packed(test))
	t.Run("many-packed", packed(many))
}

// image is everything a reader can see of the store: the record of every
// named graph (timestamps included) and every quad, those of the metadata
// graph included.
func image(t *testing.T, s *Store) string {
	t.Helper()
	sn := s.Snapshot()
	defer sn.Release()
	var b strings.Builder
	for _, gi := range sn.Graphs() {
		fmt.Fprintf(&b, "%+v\n", gi)
	}
	var lines []string
	var errs []error
	for _, sel := range []GraphSelector{AllGraphs, InGraph(metadataGraphID)} {
		it := sn.Scan(context.Background(), Pattern{Graph: sel})
		for it.Next() {
			q, err := sn.Quad(it.Quad())
			if err != nil {
				errs = append(errs, fmt.Errorf("%+v: %w", it.Quad(), err))
				continue
			}
			lines = append(lines, q.String())
		}
		errs = append(errs, it.Err())
		it.Close()
	}
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	slices.Sort(lines)
	b.WriteString(strings.Join(lines, "\n"))
	return b.String()
}

// graphQuads returns the quads of graph i of a multi-graph load: three
// triples, one with a blank node, different in every generation.
func graphQuads(gen, i int) []rdf.Quad {
	g := iri(fmt.Sprint("g", i))
	s := iri(fmt.Sprint("s", i))
	return []rdf.Quad{
		{S: s, P: iri("p"), O: rdf.String(fmt.Sprintf("gen %d", gen)), G: g},
		{S: s, P: iri("q"), O: rdf.Blank("b"), G: g},
		{S: rdf.Blank("b"), P: iri("p"), O: rdf.Literal(fmt.Sprint(i), rdf.XSDInteger), G: g},
	}
}

// startMany starts a load of graphs 0..n-1 of generation gen, each with
// its own options; check, when set, is graph i's access check.
func startMany(t *testing.T, ctx context.Context, s *Store, gen, n int, check func(i int, current GraphInfo, exists bool) error) *Loader {
	t.Helper()
	l, err := s.NewLoader(ctx, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		opts := GraphOptions{Replace: true, Source: fmt.Sprintf("doc%d.yaml", i), Format: "odcs", Owner: fmt.Sprint("domain", i)}
		if check != nil {
			opts.Check = func(current GraphInfo, exists bool) error { return check(i, current, exists) }
		}
		if err := l.SetGraph(iri(fmt.Sprint("g", i)), opts); err != nil {
			t.Fatal(err)
		}
		l.NewDocument()
		for _, q := range graphQuads(gen, i) {
			if err := l.Add(q); err != nil {
				t.Fatal(err)
			}
		}
	}
	return l
}

// A load of ten graphs fails in its commit, after every graph is written:
// the store is exactly as before, whichever way the load is linked. Then
// it succeeds: every graph is replaced, with its own metadata, and the
// metadata graph describes every graph as it is.
func TestMultiGraphLoadIsAtomic(t *testing.T) {
	bothLinks(t, func(t *testing.T) {
		dir := t.TempDir()
		s, err := Open(dir, &Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { s.Close() }()
		ctx := context.Background()
		const n = 10
		// The first six graphs exist, owned by "old".
		for i := range 6 {
			qs := graphQuads(1, i)
			for j := range qs {
				qs[j].G = rdf.Term{}
			}
			load(t, s, LoadOptions{Graph: iri(fmt.Sprint("g", i)), Replace: true, Owner: "old", Source: "old.ttl"}, qs...)
		}
		before := image(t, s)

		// The seventh graph's access check refuses.
		var checked []int
		l := startMany(t, ctx, s, 2, n, func(i int, current GraphInfo, exists bool) error {
			checked = append(checked, i)
			if exists != (i < 6) || exists && current.Owner != "old" {
				t.Errorf("graph %d checked as exists=%v owner %q", i, exists, current.Owner)
			}
			if i == 6 {
				return errors.New("graph 6 refused")
			}
			return nil
		})
		if _, err := l.Commit(); err == nil || !strings.Contains(err.Error(), "graph 6 refused") {
			t.Fatalf("commit with a refused graph: %v", err)
		}
		if !slices.Contains(checked, 6) {
			t.Errorf("graphs checked: %v", checked)
		}
		if after := image(t, s); after != before {
			t.Fatalf("a refused load changed the store:\n%s\nwant\n%s", after, before)
		}

		// The context ends once every key is written, before the link.
		cctx, cancel := context.WithCancel(ctx)
		l = startMany(t, cctx, s, 2, n, nil)
		testHook = func(phase string) {
			if phase == "written" {
				cancel()
			}
		}
		_, err = l.Commit()
		testHook = nil
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("commit cancelled after writing: %v", err)
		}
		if after := image(t, s); after != before {
			t.Fatalf("a cancelled load changed the store:\n%s\nwant\n%s", after, before)
		}

		// The same load, committed.
		res, err := startMany(t, ctx, s, 2, n, nil).Commit()
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Graphs) != n || res.Quads != 3*n {
			t.Fatalf("result: %d graphs, %d quads; want %d, %d", len(res.Graphs), res.Quads, n, 3*n)
		}
		checkMany(t, s, 2, n)

		// What was committed survives a restart, and the replaced content
		// is collected.
		committed := image(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if s, err = Open(dir, &Options{NoSync: true}); err != nil {
			t.Fatal(err)
		}
		if got := image(t, s); got != committed {
			t.Fatalf("after reopening:\n%s\nwant\n%s", got, committed)
		}
		waitCollected(t, s)
		checkMany(t, s, 2, n)
	})
}

// waitCollected waits until the store's collector has deleted every
// instance that is not part of a graph: those of the replaced content, of
// failed loads and of loads cut short. (Calling CollectGarbage here would
// race with the collector, which deletes the same instances.)
func waitCollected(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		cat := s.current().cat
		live := 0
		for _, r := range cat.graphs {
			live += len(r.Instances)
		}
		if len(cat.instances) == live {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d instances after collection, %d of them in graphs", len(cat.instances), live)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkMany checks the store after a committed startMany load of
// generation gen: the content, metadata and statistics of every graph.
func checkMany(t *testing.T, s *Store, gen, n int) {
	t.Helper()
	ctx := context.Background()
	sn := s.Snapshot()
	defer sn.Release()
	var described []string
	for i := range n {
		g := iri(fmt.Sprint("g", i))
		info, ok := sn.Graph(g)
		if !ok {
			t.Fatalf("graph %d missing", i)
		}
		if info.Owner != fmt.Sprint("domain", i) || info.Source != fmt.Sprintf("doc%d.yaml", i) || info.Format != "odcs" || info.Quads != 3 {
			t.Errorf("graph %d: %+v", i, info)
		}
		got := quads(t, s, Pattern{Graph: InGraph(TermID(g))})
		var want []rdf.Quad
		for _, q := range graphQuads(gen, i) {
			q.G = rdf.Term{}
			want = append(want, q)
		}
		var have []rdf.Quad
		it := sn.Scan(ctx, Pattern{Graph: InGraph(TermID(g))})
		for it.Next() {
			q, err := sn.Quad(it.Quad())
			if err != nil {
				t.Fatal(err)
			}
			q.G = rdf.Term{}
			have = append(have, q)
		}
		it.Close()
		if !rdf.Isomorphic(have, want) {
			t.Errorf("graph %d holds %v", i, got)
		}
	}
	for _, info := range sn.Graphs() {
		if info.Name.Value == MetadataGraph {
			continue
		}
		for _, q := range describe(info) {
			described = append(described, q.String())
		}
	}
	var meta []string
	it := sn.Scan(ctx, Pattern{Graph: InGraph(metadataGraphID)})
	for it.Next() {
		q, err := sn.Quad(it.Quad())
		if err != nil {
			t.Fatal(err)
		}
		meta = append(meta, q.String())
	}
	it.Close()
	slices.Sort(described)
	slices.Sort(meta)
	if !slices.Equal(meta, described) {
		t.Errorf("metadata graph:\n%s\nwant\n%s", strings.Join(meta, "\n"), strings.Join(described, "\n"))
	}

	// Statistics equal a recount of every graph.
	want := map[ID]PredicateStats{}
	var total int64
	for _, info := range sn.Graphs() {
		g := TermID(info.Name)
		subj, obj := map[[2]ID]bool{}, map[[2]ID]bool{}
		it := sn.Scan(ctx, Pattern{Graph: InGraph(g)})
		for it.Next() {
			q := it.Quad()
			total++
			ps := want[q.P]
			ps.Quads++
			if g != metadataGraphID && !subj[[2]ID{q.S, q.P}] {
				subj[[2]ID{q.S, q.P}] = true
				ps.DistinctSubjects++
			}
			if g != metadataGraphID && !obj[[2]ID{q.P, q.O}] {
				obj[[2]ID{q.P, q.O}] = true
				ps.DistinctObjects++
			}
			want[q.P] = ps
		}
		it.Close()
	}
	st := sn.Stats()
	if st.Quads != total {
		t.Errorf("statistics count %d quads, the graphs hold %d", st.Quads, total)
	}
	for p, ps := range want {
		if st.Predicates[p] != ps {
			t.Errorf("predicate %s: statistics %+v, recount %+v", p, st.Predicates[p], ps)
		}
	}
}

// A graph appended to by a multi-graph load keeps what it had, without
// duplicates, and keeps its owner when the load names none.
func TestMultiGraphLoadAppends(t *testing.T) {
	bothLinks(t, func(t *testing.T) {
		s := openTemp(t)
		a, b, c := iri("a"), iri("b"), iri("c")
		load(t, s, LoadOptions{Graph: a, Replace: true, Owner: "sales"},
			rdf.Quad{S: iri("x"), P: iri("p"), O: iri("1")}, rdf.Quad{S: iri("x"), P: iri("p"), O: iri("2")})
		l, err := s.NewLoader(context.Background(), LoadOptions{Source: "all.nq"})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []rdf.Term{a, b, c} {
			if err := l.SetGraph(g, GraphOptions{Source: "all.nq", Format: "nquads"}); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []rdf.Quad{
			{S: iri("x"), P: iri("p"), O: iri("2"), G: a},
			{S: iri("x"), P: iri("p"), O: iri("3"), G: a},
			{S: iri("y"), P: iri("p"), O: iri("1"), G: b},
		} {
			if err := l.Add(q); err != nil {
				t.Fatal(err)
			}
		}
		res, err := l.Commit()
		if err != nil {
			t.Fatal(err)
		}
		if res.Quads != 2 {
			t.Errorf("load reports %d quads added, want 2 (one new in a, one in b)", res.Quads)
		}
		sn := s.Snapshot()
		defer sn.Release()
		for _, w := range []struct {
			g     rdf.Term
			quads int64
			owner string
		}{{a, 3, "sales"}, {b, 1, ""}, {c, 0, ""}} {
			info, ok := sn.Graph(w.g)
			if !ok || info.Quads != w.quads || info.Owner != w.owner || info.Format != "nquads" {
				t.Errorf("graph %s: %+v (exists %v); want %d quads, owner %q", w.g, info, ok, w.quads, w.owner)
			}
		}
		if got := quads(t, s, Pattern{Graph: InGraph(TermID(a))}); len(got) != 3 {
			t.Errorf("graph a: %v", got)
		}
	})
}

func TestSetGraphRefusals(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	l, err := s.NewLoader(ctx, LoadOptions{Graph: iri("g")})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.SetGraph(iri("other"), GraphOptions{}); err == nil {
		t.Error("a load into one graph accepted another")
	}
	if err := l.SetGraph(iri("g"), GraphOptions{Owner: "sales"}); err != nil {
		t.Errorf("declaring the load's own graph: %v", err)
	}
	l.Abort()

	l, _ = s.NewLoader(ctx, LoadOptions{})
	for _, name := range []rdf.Term{rdf.String("g"), rdf.Blank("g")} {
		if err := l.SetGraph(name, GraphOptions{}); err == nil {
			t.Errorf("graph name %s accepted", name)
		}
	}
	if err := l.SetGraph(rdf.IRI(MetadataGraph), GraphOptions{}); err == nil {
		t.Error("a load into the metadata graph accepted")
	}
	l.Abort()
	if err := l.SetGraph(iri("g"), GraphOptions{}); err == nil {
		t.Error("SetGraph after Abort accepted")
	}
}

// copyFiles copies the files of a store's directory as they are, as a
// crash of the process would leave them (the writes are in the page
// cache, which the copy reads).
func copyFiles(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		return copySparse(path, filepath.Join(to, rel))
	})
	if err != nil {
		t.Fatal(err)
	}
}

// copySparse copies a file leaving holes where it has blocks of zeros:
// Badger preallocates its value log and memtable files, mostly empty.
func copySparse(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	f, err := os.Create(to)
	if err != nil {
		return err
	}
	const block = 1 << 16
	var zero [block]byte
	for off := 0; off < len(data); off += block {
		b := data[off:min(off+block, len(data))]
		if bytes.Equal(b, zero[:len(b)]) {
			continue
		}
		if _, err := f.WriteAt(b, int64(off)); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Truncate(int64(len(data))); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// crashOpts opens the stores of TestMultiGraphLoadCrashImages: small
// memtables keep the files to copy small.
var crashOpts = &Options{NoSync: true, MemTableSize: 8 << 20}

// A load of many graphs that stops after writing every key, before the
// transaction that links it, leaves the store as it was; once committed,
// all of it is there. The store's files are copied at both points and
// opened as after a crash. The loaded instances are unpacked, then packed.
func TestMultiGraphLoadCrashImages(t *testing.T) {
	t.Run("unpacked", testMultiGraphLoadCrashImages)
	t.Run("packed", func(t *testing.T) {
		saved := packMinQuads
		packMinQuads = 1
		t.Cleanup(func() { packMinQuads = saved })
		testMultiGraphLoadCrashImages(t)
	})
}

func testMultiGraphLoadCrashImages(t *testing.T) {
	saved := linkInTxnGraphs
	linkInTxnGraphs = 2
	t.Cleanup(func() { linkInTxnGraphs = saved })
	dir := t.TempDir()
	s, err := Open(dir, crashOpts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 10
	if _, err := startMany(t, ctx, s, 1, n, nil).Commit(); err != nil {
		t.Fatal(err)
	}
	before := image(t, s)
	written := filepath.Join(t.TempDir(), "written")
	testHook = func(phase string) {
		if phase == "written" {
			copyFiles(t, dir, written)
		}
	}
	_, err = startMany(t, ctx, s, 2, n, nil).Commit()
	testHook = nil
	if err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join(t.TempDir(), "committed")
	copyFiles(t, dir, committed)
	after := image(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ dir, want string }{{written, before}, {committed, after}} {
		s, err := Open(c.dir, crashOpts)
		if err != nil {
			t.Fatal(err)
		}
		if got := image(t, s); got != c.want {
			t.Errorf("store copied to %s holds\n%s\nwant\n%s", filepath.Base(c.dir), got, c.want)
		}
		waitCollected(t, s)
		if got := image(t, s); got != c.want {
			t.Errorf("store copied to %s, after collection, holds\n%s\nwant\n%s", filepath.Base(c.dir), got, c.want)
		}
		s.Close()
	}
}
