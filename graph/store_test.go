package graph

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

const ex = "http://example.org/"

func iri(s string) rdf.Term { return rdf.IRI(ex + s) }

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir(), &Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// quads returns the sorted N-Quads lines matching a pattern.
func quads(t *testing.T, s *Store, pat Pattern) []string {
	t.Helper()
	sn := s.Snapshot()
	defer sn.Release()
	it := sn.Scan(context.Background(), pat)
	defer it.Close()
	var out []string
	for it.Next() {
		if it.Quad().G == metadataGraphID {
			continue // described in TestMetadataGraphFollowsChanges
		}
		q, err := sn.Quad(it.Quad())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, q.String())
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func load(t *testing.T, s *Store, opts LoadOptions, qs ...rdf.Quad) LoadResult {
	t.Helper()
	l, err := s.NewLoader(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if err := l.Add(q); err != nil {
			t.Fatal(err)
		}
	}
	res, err := l.Commit()
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestTermIDRoundTrip(t *testing.T) {
	terms := []rdf.Term{
		iri("a"),
		rdf.String("short"),
		rdf.String("a string that is longer than fifteen bytes"),
		rdf.String(""),
		rdf.LangLiteral("chat", "fr"),
		rdf.Literal("42", rdf.XSDInteger),
		rdf.Literal("-7", rdf.XSDInteger),
		rdf.Literal("007", rdf.XSDInteger), // not canonical: hashed, kept as written
		rdf.Literal("1.5", rdf.XSDDecimal),
		rdf.Literal("-0.25", rdf.XSDDecimal),
		rdf.Literal("1.50", rdf.XSDDecimal),
		rdf.Literal("1.5E3", rdf.XSDDouble),
		rdf.Literal("1e3", rdf.XSDDouble),
		rdf.Literal("true", rdf.XSDBoolean),
		rdf.Literal("1", rdf.XSDBoolean),
		rdf.Literal("2024-02-29T10:20:30.5Z", rdf.XSDDateTime),
		rdf.Literal("2024-02-29T10:20:30+05:30", rdf.XSDDateTime),
		rdf.Literal("1999-12-31", rdf.XSDDate),
		rdf.Literal("x", "http://example.org/dt"),
	}
	for _, term := range terms {
		id, entry, err := encodeTerm(term)
		if err != nil {
			t.Fatal(err)
		}
		var got rdf.Term
		if id.inline() {
			got, _ = decodeInline(id)
		} else {
			got, err = decodeEntry(id, entry)
			if err != nil {
				t.Fatal(err)
			}
		}
		if !got.Equal(term) {
			t.Errorf("round trip of %s gave %s", term, got)
		}
	}
}

func TestInlineNumbersSortByValue(t *testing.T) {
	ints := []string{"-100", "-2", "0", "3", "1000"}
	for i := 1; i < len(ints); i++ {
		a := TermID(rdf.Literal(ints[i-1], rdf.XSDInteger))
		b := TermID(rdf.Literal(ints[i], rdf.XSDInteger))
		if compareID(a, b) >= 0 {
			t.Errorf("integer %s does not sort before %s", ints[i-1], ints[i])
		}
	}
	decs := []string{"-10.5", "-0.25", "0.0", "0.125", "3.0", "1000.75"}
	for i := 1; i < len(decs); i++ {
		a := TermID(rdf.Literal(decs[i-1], rdf.XSDDecimal))
		b := TermID(rdf.Literal(decs[i], rdf.XSDDecimal))
		if !a.inline() || !b.inline() || compareID(a, b) >= 0 {
			t.Errorf("decimal %s does not sort inline before %s", decs[i-1], decs[i])
		}
	}
	dts := []string{"1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z", "2000-01-01T00:30:00+00:00"}
	_ = dts
	a := TermID(rdf.Literal("2000-01-01T01:00:00+02:00", rdf.XSDDateTime)) // 23:00Z the day before
	b := TermID(rdf.Literal("2000-01-01T00:00:00Z", rdf.XSDDateTime))
	if compareID(a, b) >= 0 {
		t.Errorf("dateTime with zone does not sort by instant")
	}
}

func TestInsertScanDelete(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	g := iri("g")
	err := s.Update(ctx, func(tx *Txn) error {
		for _, q := range []rdf.Quad{
			{S: iri("a"), P: iri("p"), O: iri("b")},
			{S: iri("a"), P: iri("p"), O: rdf.String("x")},
			{S: iri("b"), P: iri("q"), O: iri("a"), G: g},
			{S: iri("a"), P: iri("p"), O: iri("b"), G: g},
		} {
			if ok, err := tx.Insert(q); err != nil || !ok {
				return fmt.Errorf("insert %s: %v %v", q, ok, err)
			}
		}
		if ok, err := tx.Insert(rdf.Quad{S: iri("a"), P: iri("p"), O: iri("b")}); err != nil || ok {
			return fmt.Errorf("duplicate insert reported new: %v %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := quads(t, s, Pattern{S: TermID(iri("a")), Graph: DefaultGraph}); len(got) != 2 {
		t.Errorf("default graph S=a: %v", got)
	}
	if got := quads(t, s, Pattern{O: TermID(iri("a")), Graph: AllNamedGraphs}); len(got) != 1 || got[0] != "<http://example.org/b> <http://example.org/q> <http://example.org/a> <http://example.org/g> ." {
		t.Errorf("named graphs O=a: %v", got)
	}
	if got := quads(t, s, Pattern{P: TermID(iri("p")), Graph: AllGraphs}); len(got) != 3 {
		t.Errorf("all graphs P=p: %v", got)
	}
	sn := s.Snapshot()
	st := sn.Stats()
	ps := st.Predicates[TermID(iri("p"))]
	if st.GraphQuads[ID{}]+st.GraphQuads[TermID(g)] != 4 || ps.Quads != 3 || ps.DistinctSubjects != 2 || ps.DistinctObjects != 3 {
		t.Errorf("stats: %+v %+v", st, ps)
	}
	info, ok := sn.Graph(g)
	if !ok || info.Quads != 2 {
		t.Errorf("graph info: %+v", info)
	}
	sn.Release()

	err = s.Update(ctx, func(tx *Txn) error {
		ok, err := tx.Delete(rdf.Quad{S: iri("a"), P: iri("p"), O: iri("b")})
		if err != nil || !ok {
			return fmt.Errorf("delete: %v %v", ok, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := quads(t, s, Pattern{Graph: DefaultGraph}); len(got) != 1 {
		t.Errorf("after delete: %v", got)
	}
	ps = s.Snapshot().Stats().Predicates[TermID(iri("p"))]
	if ps.Quads != 2 || ps.DistinctSubjects != 2 || ps.DistinctObjects != 2 {
		t.Errorf("stats after delete: %+v", ps)
	}
}

func TestSnapshotIsolation(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	before := s.Snapshot()
	defer before.Release()
	load(t, s, LoadOptions{Graph: iri("g"), Replace: true}, rdf.Quad{S: iri("a"), P: iri("p"), O: iri("b")})
	if n, _ := before.Count(ctx, Pattern{Graph: InGraph(TermID(iri("g")))}); n != 0 {
		t.Errorf("old snapshot sees %d quads of a later load", n)
	}
	after := s.Snapshot()
	defer after.Release()
	if n, _ := after.Count(ctx, Pattern{Graph: InGraph(TermID(iri("g")))}); n != 1 {
		t.Errorf("new snapshot sees %d quads, want 1", n)
	}
}

func TestLoadReplaceAppendAndBlankScopes(t *testing.T) {
	s := openTemp(t)
	g := iri("g")
	res := load(t, s, LoadOptions{Graph: g, Replace: true, Source: "one.ttl", Format: "turtle", Owner: "Sales"},
		rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.Blank("x")},
		rdf.Quad{S: rdf.Blank("x"), P: iri("q"), O: rdf.String("v")},
		rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.Blank("x")}, // duplicate in the input
	)
	if res.Quads != 2 || len(res.Graphs) != 1 || res.Graphs[0].Owner != "Sales" || res.Graphs[0].Source != "one.ttl" {
		t.Fatalf("first load: %+v", res)
	}
	hash1 := res.Graphs[0].ContentHash
	// Appending the same document adds new blank nodes: separate loads
	// keep their blank nodes apart.
	res = load(t, s, LoadOptions{Graph: g},
		rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.Blank("x")},
		rdf.Quad{S: iri("c"), P: iri("p"), O: iri("d")},
	)
	if got := quads(t, s, Pattern{Graph: InGraph(TermID(g))}); len(got) != 4 {
		t.Errorf("after append: %d quads %v", len(got), got)
	}
	// Appending a quad the graph has is a no-op for that quad.
	res = load(t, s, LoadOptions{Graph: g}, rdf.Quad{S: iri("c"), P: iri("p"), O: iri("d")})
	if res.Quads != 0 {
		t.Errorf("append of an existing quad added %d", res.Quads)
	}
	sn := s.Snapshot()
	info, _ := sn.Graph(g)
	sn.Release()
	if info.Quads != 4 {
		t.Errorf("graph has %d quads, want 4", info.Quads)
	}
	// Replace: the graph holds exactly the new content, hashes agree with
	// the first load of the same content.
	res = load(t, s, LoadOptions{Graph: g, Replace: true},
		rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.Blank("y")},
		rdf.Quad{S: rdf.Blank("y"), P: iri("q"), O: rdf.String("v")},
	)
	if got := quads(t, s, Pattern{Graph: AllNamedGraphs}); len(got) != 2 {
		t.Errorf("after replace: %v", got)
	}
	if res.Graphs[0].ContentHash != hash1 {
		t.Errorf("same content, different hash: %s vs %s", res.Graphs[0].ContentHash, hash1)
	}
	if res.Graphs[0].Owner != "Sales" {
		t.Errorf("replace lost the owner: %+v", res.Graphs[0])
	}
	if err := s.CollectGarbage(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Only the live instance's keys remain.
	sn = s.Snapshot()
	defer sn.Release()
	n := 0
	for range sn.state.cat.instances {
		n++
	}
	if n != 2 {
		t.Errorf("%d instances after garbage collection, want 2 (the graph's and the metadata graph's)", n)
	}
}

func TestFailedLoadChangesNothing(t *testing.T) {
	s := openTemp(t)
	g := iri("g")
	load(t, s, LoadOptions{Graph: g, Replace: true}, rdf.Quad{S: iri("a"), P: iri("p"), O: iri("b")})
	want := quads(t, s, Pattern{Graph: AllGraphs})

	l, err := s.NewLoader(context.Background(), LoadOptions{Graph: g, Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		if err := l.Add(rdf.Quad{S: iri(fmt.Sprint("s", i)), P: iri("p"), O: iri("o")}); err != nil {
			t.Fatal(err)
		}
	}
	// A bad quad (as a parser error would) stops the load.
	if err := l.Add(rdf.Quad{S: rdf.String("literal subject"), P: iri("p"), O: iri("o")}); err == nil {
		t.Fatal("literal subject accepted")
	}
	l.Abort()
	if got := quads(t, s, Pattern{Graph: AllGraphs}); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("aborted load changed the store: %v", got)
	}

	// A load whose context ends before commit changes nothing either.
	ctx, cancel := context.WithCancel(context.Background())
	l, _ = s.NewLoader(ctx, LoadOptions{Graph: g, Replace: true})
	l.Add(rdf.Quad{S: iri("z"), P: iri("p"), O: iri("o")})
	cancel()
	if _, err := l.Commit(); !errors.Is(err, context.Canceled) {
		t.Errorf("commit after cancel: %v", err)
	}
	if got := quads(t, s, Pattern{Graph: AllGraphs}); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("cancelled load changed the store: %v", got)
	}
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	load(t, s, LoadOptions{Graph: iri("g"), Replace: true, Owner: "Finance"}, rdf.Quad{S: iri("a"), P: iri("p"), O: rdf.LangLiteral("x", "EN")})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := quads(t, s, Pattern{Graph: AllGraphs})
	if len(got) != 1 || got[0] != `<http://example.org/a> <http://example.org/p> "x"@en <http://example.org/g> .` {
		t.Errorf("after reopen: %v", got)
	}
	sn := s.Snapshot()
	defer sn.Release()
	gs := sn.Graphs()
	if len(gs) != 2 || gs[0].Owner != "Finance" || gs[0].Quads != 1 || gs[1].Name.Value != MetadataGraph {
		t.Errorf("graphs after reopen: %+v", gs)
	}
}

func TestDropAndClear(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	load(t, s, LoadOptions{Graph: iri("g"), Replace: true}, rdf.Quad{S: iri("a"), P: iri("p"), O: iri("b")})
	load(t, s, LoadOptions{}, rdf.Quad{S: iri("a"), P: iri("p"), O: iri("c")})
	if err := s.Update(ctx, func(tx *Txn) error { return tx.DropGraph(iri("g")) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, func(tx *Txn) error { return tx.DropGraph(iri("g")) }); !errors.Is(err, ErrGraphNotFound) {
		t.Errorf("second drop: %v", err)
	}
	if got := quads(t, s, Pattern{Graph: AllGraphs}); len(got) != 1 {
		t.Errorf("after drop: %v", got)
	}
	if err := s.Update(ctx, func(tx *Txn) error { return tx.ClearGraph(rdf.Term{}) }); err != nil {
		t.Fatal(err)
	}
	if got := quads(t, s, Pattern{Graph: AllGraphs}); len(got) != 0 {
		t.Errorf("after clear: %v", got)
	}
	if st := s.Snapshot().Stats(); st.Quads != st.GraphQuads[metadataGraphID] {
		t.Errorf("stats after clear: %+v", st)
	}
}

func TestMetadataGraphFollowsChanges(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	g := iri("g")
	load(t, s, LoadOptions{Graph: g, Replace: true, Source: "a.ttl", Format: "turtle", Owner: "sales"},
		rdf.Quad{S: iri("a"), P: iri("p"), O: iri("b")})
	meta := func() map[string]string {
		out := map[string]string{}
		sn := s.Snapshot()
		defer sn.Release()
		it := sn.Match(ctx, g, rdf.Term{}, rdf.Term{}, InGraph(TermID(rdf.IRI(MetadataGraph))))
		defer it.Close()
		for it.Next() {
			q, err := sn.Quad(it.Quad())
			if err != nil {
				t.Fatal(err)
			}
			if _, dup := out[q.P.Value]; dup {
				t.Errorf("two values for %s", q.P.Value)
			}
			out[q.P.Value] = q.O.Value
		}
		return out
	}
	m := meta()
	sn := s.Snapshot()
	info, _ := sn.Graph(g)
	sn.Release()
	if m[kplaneQuadCount] != "1" || m[kplaneOwner] != "sales" || m[kplaneSource] != "a.ttl" || m[kplaneFormat] != "turtle" || m[kplaneHash] != info.ContentHash || m[rdf.RDFType] != kplaneNamedGraph {
		t.Errorf("metadata after load: %v", m)
	}
	err := s.Update(ctx, func(tx *Txn) error {
		_, err := tx.Insert(rdf.Quad{S: iri("c"), P: iri("p"), O: iri("d"), G: g})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if m := meta(); m[kplaneQuadCount] != "2" || m[kplaneOwner] != "sales" {
		t.Errorf("metadata after insert: %v", m)
	}
	if err := s.Update(ctx, func(tx *Txn) error { return tx.DropGraph(g) }); err != nil {
		t.Fatal(err)
	}
	if m := meta(); len(m) != 0 {
		t.Errorf("metadata of a dropped graph: %v", m)
	}
}

// Statistics stay exact through inserts and deletes mixed in one
// transaction (deleting and re-adding the same quad included): they must
// equal a recount from the data.
func TestStatisticsStayExact(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	rng := newRand(7)
	g := iri("g")
	for round := range 20 {
		err := s.Update(ctx, func(tx *Txn) error {
			for range 40 {
				q := rdf.Quad{S: iri(fmt.Sprint("s", rng.next()%5)), P: iri(fmt.Sprint("p", rng.next()%3)), O: iri(fmt.Sprint("o", rng.next()%4))}
				if round%2 == 1 {
					q.G = g
				}
				var err error
				if rng.next()%3 == 0 {
					_, err = tx.Delete(q)
				} else {
					_, err = tx.Insert(q)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sn := s.Snapshot()
		want := map[ID]PredicateStats{}
		for _, sel := range []GraphSelector{DefaultGraph, InGraph(TermID(g))} {
			subj, obj := map[[2]ID]bool{}, map[[2]ID]bool{}
			it := sn.Scan(ctx, Pattern{Graph: sel})
			for it.Next() {
				q := it.Quad()
				ps := want[q.P]
				ps.Quads++
				if !subj[[2]ID{q.S, q.P}] {
					subj[[2]ID{q.S, q.P}] = true
					ps.DistinctSubjects++
				}
				if !obj[[2]ID{q.P, q.O}] {
					obj[[2]ID{q.P, q.O}] = true
					ps.DistinctObjects++
				}
				want[q.P] = ps
			}
			it.Close()
		}
		got := sn.Stats().Predicates
		for p, ps := range want {
			if got[p] != ps {
				t.Fatalf("round %d: predicate %s: stats %+v, recount %+v", round, p, got[p], ps)
			}
		}
		sn.Release()
	}
}

// xorshift is a tiny deterministic generator, so that failures reproduce.
type xorshift struct{ x uint64 }

func newRand(seed uint64) *xorshift { return &xorshift{seed} }

func (r *xorshift) next() uint64 {
	r.x ^= r.x << 13
	r.x ^= r.x >> 7
	r.x ^= r.x << 17
	return r.x
}

// A load's Check runs at commit with the graph as it is then, and a
// refusal leaves the graph unchanged.
func TestLoadCheckAtCommit(t *testing.T) {
	s := openTemp(t)
	g := iri("g")
	load(t, s, LoadOptions{Graph: g, Replace: true, Owner: "sales"}, rdf.Quad{S: iri("a"), P: iri("p"), O: iri("b")})
	refuse := func(current GraphInfo, exists bool) error {
		if exists && current.Owner != "sales" {
			return errors.New("not yours")
		}
		return nil
	}
	l, err := s.NewLoader(context.Background(), LoadOptions{Graph: g, Replace: true, Check: refuse})
	if err != nil {
		t.Fatal(err)
	}
	l.Add(rdf.Quad{S: iri("x"), P: iri("p"), O: iri("y")})
	// The owner changes while the load is under way.
	if err := s.Update(context.Background(), func(tx *Txn) error { return tx.SetOwner(g, "finance") }); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Commit(); err == nil || !strings.Contains(err.Error(), "not yours") {
		t.Fatalf("commit: %v", err)
	}
	if got := quads(t, s, Pattern{Graph: InGraph(TermID(g))}); len(got) != 1 || !strings.Contains(got[0], "example.org/a>") {
		t.Errorf("refused load changed the graph: %v", got)
	}
}

func TestSnapshotVersion(t *testing.T) {
	s := openTemp(t)
	a, b := s.Snapshot(), s.Snapshot()
	defer a.Release()
	defer b.Release()
	if a.Version() != b.Version() {
		t.Errorf("snapshots of unchanged data differ in version: %d, %d", a.Version(), b.Version())
	}
	if err := s.Update(context.Background(), func(tx *Txn) error {
		_, err := tx.Insert(rdf.Quad{S: iri("a"), P: iri("p"), O: iri("b")})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	c := s.Snapshot()
	defer c.Release()
	if c.Version() == a.Version() {
		t.Error("a write did not change the version")
	}
}
