package graph

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

func TestBlockValueRoundTrip(t *testing.T) {
	rng := newRand(3)
	for _, n := range []int{1, 2, 5, blockEntries} {
		entries := make([]rec, n)
		for i := range entries {
			// Few distinct bytes, so that neighbours share prefixes of
			// every length.
			for j := range entries[i] {
				entries[i][j] = byte(rng.next() % 3)
			}
		}
		slices.SortFunc(entries, compareRec)
		entries = slices.Compact(entries)
		val := appendBlockValue(nil, entries[:len(entries)-1])
		got, err := decodeBlock(nil, val, &entries[len(entries)-1])
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, entries) {
			t.Fatalf("%d entries: decoded %d different ones", len(entries), len(got))
		}
		if len(val) > 0 {
			if _, err := decodeBlock(nil, val[:len(val)-1], &entries[0]); err == nil {
				t.Errorf("a truncated block decoded without error")
			}
		}
	}
}

// packedModel is what a store should hold: per graph, the set of triples.
type packedModel map[ID]map[[3]ID]bool

func (m packedModel) add(g ID, spo [3]ID) bool {
	if m[g] == nil {
		m[g] = map[[3]ID]bool{}
	}
	had := m[g][spo]
	m[g][spo] = true
	return !had
}

// TestPackedInstancesAgreeWithModel loads graphs, changes them in
// transactions (deletes rewrite blocks, inserts go to unpacked instances)
// and checks every pattern shape, every graph selector, the order of the
// results, the per-instance statistics, the form of every instance's keys
// and garbage collection against a plain model. It runs with every loaded
// instance packed, with none, and with the big ones packed but not the
// small appends, so that union scans merge both forms.
func TestPackedInstancesAgreeWithModel(t *testing.T) {
	for _, tc := range []struct {
		name     string
		minQuads int64
	}{{"all packed", 1}, {"none packed", 1 << 40}, {"mixed", 1000}} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(old int64) { packMinQuads = old }(packMinQuads)
			packMinQuads = tc.minQuads
			testPackedInstancesAgreeWithModel(t)
		})
	}
}

func testPackedInstancesAgreeWithModel(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	rng := newRand(11)
	term := func(kind string, n uint64) rdf.Term {
		if kind == "o" && n%3 == 0 {
			return rdf.Literal(fmt.Sprint(n), rdf.XSDInteger) // inline id
		}
		return iri(fmt.Sprint(kind, n))
	}
	randomQuad := func(g rdf.Term) rdf.Quad {
		return rdf.Quad{S: term("s", rng.next()%60), P: term("p", rng.next()%5), O: term("o", rng.next()%40), G: g}
	}
	graphs := []rdf.Term{{}, iri("g1"), iri("g2")}
	model := packedModel{}
	encode := func(q rdf.Quad) (ID, [3]ID) {
		return TermID(q.G), [3]ID{TermID(q.S), TermID(q.P), TermID(q.O)}
	}

	// One load into all three graphs (big enough for many blocks), then
	// an append to g1 that overlaps it.
	var qs []rdf.Quad
	for range 6000 {
		q := randomQuad(graphs[rng.next()%3])
		qs = append(qs, q)
		g, spo := encode(q)
		model.add(g, spo)
	}
	load(t, s, LoadOptions{}, qs...)
	// Each graph got about 2000 quads in one chunk, so the instance's
	// size decided its form.
	sn := s.Snapshot()
	for _, g := range graphs {
		r := sn.state.cat.graphs[TermID(g)]
		ir := sn.state.cat.instances[r.Instances[0]]
		if want := ir.Quads >= packMinQuads; ir.Packed != want {
			t.Fatalf("graph %s: %d quads, packed %v, want %v (threshold %d)", g, ir.Quads, ir.Packed, want, packMinQuads)
		}
	}
	sn.Release()
	qs = qs[:0]
	for range 800 {
		qs = append(qs, randomQuad(rdf.Term{}))
	}
	res := load(t, s, LoadOptions{Graph: graphs[1]}, qs...)
	added := int64(0)
	for _, q := range qs {
		q.G = graphs[1]
		g, spo := encode(q)
		if model.add(g, spo) {
			added++
		}
	}
	if res.Quads != added {
		t.Errorf("append added %d quads, the model %d", res.Quads, added)
	}
	checkPacked(t, s, model, graphs, rng)

	for round := range 6 {
		err := s.Update(ctx, func(tx *Txn) error {
			for range 150 {
				q := randomQuad(graphs[rng.next()%3])
				g, spo := encode(q)
				if rng.next()%2 == 0 {
					ok, err := tx.Delete(q)
					if err != nil {
						return err
					}
					if ok != model[g][spo] {
						return fmt.Errorf("delete of %s reported %v", q, ok)
					}
					delete(model[g], spo)
				} else {
					ok, err := tx.Insert(q)
					if err != nil {
						return err
					}
					if ok != model.add(g, spo) {
						return fmt.Errorf("insert of %s reported %v", q, ok)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		checkPacked(t, s, model, graphs, rng)
	}

	// Replace one graph and drop another: the collector removes every
	// key of the instances that are gone.
	qs = qs[:0]
	delete(model, TermID(graphs[1]))
	delete(model, TermID(graphs[2]))
	for range 500 {
		q := randomQuad(graphs[1])
		qs = append(qs, rdf.Quad{S: q.S, P: q.P, O: q.O})
		g, spo := encode(q)
		model.add(g, spo)
	}
	load(t, s, LoadOptions{Graph: graphs[1], Replace: true}, qs...)
	if err := s.Update(ctx, func(tx *Txn) error { return tx.DropGraph(graphs[2]) }); err != nil {
		t.Fatal(err)
	}
	if err := s.CollectGarbage(ctx); err != nil {
		t.Fatal(err)
	}
	checkPacked(t, s, model, graphs[:2], rng)
	sn = s.Snapshot()
	defer sn.Release()
	checkNoDeadKeys(t, sn)
}

// checkPacked compares the store with the model.
func checkPacked(t *testing.T, s *Store, model packedModel, graphs []rdf.Term, rng *xorshift) {
	t.Helper()
	ctx := context.Background()
	sn := s.Snapshot()
	defer sn.Release()
	checkKeyForms(t, sn)

	type selector struct {
		name   string
		sel    GraphSelector
		graphs []ID
	}
	sels := []selector{{"all", AllGraphs, nil}, {"named", AllNamedGraphs, nil}}
	for _, g := range graphs {
		id := TermID(g)
		sels = append(sels, selector{"graph " + g.String(), InGraph(id), []ID{id}})
		sels[0].graphs = append(sels[0].graphs, id)
		if !id.IsZero() {
			sels[1].graphs = append(sels[1].graphs, id)
		}
	}
	// Patterns of every shape, bound to the terms of a random quad of the
	// model (or to terms that are in no quad).
	var all [][3]ID
	for _, g := range graphs {
		for spo := range model[TermID(g)] {
			all = append(all, spo)
		}
	}
	slices.SortFunc(all, func(a, b [3]ID) int { return bytes.Compare(a[0][:], b[0][:]) })
	for shape := range 8 {
		for range 4 {
			var from [3]ID
			if len(all) > 0 {
				from = all[rng.next()%uint64(len(all))]
			}
			if rng.next()%5 == 0 {
				from = [3]ID{TermID(iri("none")), TermID(iri("p1")), TermID(iri("none"))}
			}
			var pat Pattern
			if shape&1 != 0 {
				pat.S = from[0]
			}
			if shape&2 != 0 {
				pat.P = from[1]
			}
			if shape&4 != 0 {
				pat.O = from[2]
			}
			idx, _ := chooseIndex(pat.S, pat.P, pat.O, ID{}, true)
			ord, _ := indexOrder(idx)
			for _, sel := range sels {
				pat.Graph = sel.sel
				want := map[EncodedQuad]bool{}
				for _, g := range sel.graphs {
					for spo := range model[g] {
						if (pat.S.IsZero() || pat.S == spo[0]) && (pat.P.IsZero() || pat.P == spo[1]) && (pat.O.IsZero() || pat.O == spo[2]) {
							want[EncodedQuad{spo[0], spo[1], spo[2], g}] = true
						}
					}
				}
				it := sn.Scan(ctx, pat)
				var prev rec
				var prevG ID
				n := 0
				for it.Next() {
					q := it.Quad()
					if q.G == metadataGraphID {
						continue
					}
					if !want[q] {
						t.Fatalf("%s shape %d: unexpected or repeated %v", sel.name, shape, q)
					}
					delete(want, q)
					// Sorted by the index order within each graph part
					// of the result (the default graph comes first in
					// "all").
					cur := makeRec(&[3]ID{q.S, q.P, q.O}, ord)
					if n > 0 && (prevG.IsZero() == q.G.IsZero()) && compareRec(cur, prev) < 0 {
						t.Fatalf("%s shape %d: results out of order", sel.name, shape)
					}
					prev, prevG = cur, q.G
					n++
				}
				if err := it.Err(); err != nil {
					t.Fatal(err)
				}
				it.Close()
				if len(want) > 0 {
					t.Fatalf("%s shape %d: %d quads missing", sel.name, shape, len(want))
				}
			}
		}
	}

	// Per instance: quads, digest and predicate statistics are exact, and
	// a graph's instances are disjoint.
	for _, g := range graphs {
		r, ok := sn.state.cat.graphs[TermID(g)]
		if !ok {
			continue
		}
		seen := map[[3]ID]bool{}
		for _, inst := range r.Instances {
			ir := sn.state.cat.instances[inst]
			var quads int64
			var dig digest
			preds := map[ID]PredicateStats{}
			subj, obj := map[[2]ID]bool{}, map[[2]ID]bool{}
			c := newBlockCursor(sn.txn, append([]byte{idxGSPO}, inst[:]...), inst, TermID(g), ir.Packed)
			for ; c.valid; c.next() {
				spo := c.cur.spo(orderSPO)
				if seen[spo] {
					t.Fatalf("graph %s: two instances hold %v", g, spo)
				}
				seen[spo] = true
				quads++
				dig.add(tripleDigest(&spo))
				ps := preds[spo[1]]
				ps.Quads++
				if !subj[[2]ID{spo[0], spo[1]}] {
					subj[[2]ID{spo[0], spo[1]}] = true
					ps.DistinctSubjects++
				}
				if !obj[[2]ID{spo[1], spo[2]}] {
					obj[[2]ID{spo[1], spo[2]}] = true
					ps.DistinctObjects++
				}
				preds[spo[1]] = ps
			}
			c.close()
			if c.err != nil {
				t.Fatal(c.err)
			}
			if quads != ir.Quads || dig != ir.Digest {
				t.Fatalf("graph %s instance %s: %d quads digest %s, the record says %d, %s", g, inst, quads, dig, ir.Quads, ir.Digest)
			}
			if TermID(g) == metadataGraphID {
				continue
			}
			got := sn.state.preds[inst]
			if len(got) != len(preds) {
				t.Fatalf("graph %s: statistics for %d predicates, recount %d", g, len(got), len(preds))
			}
			for p, ps := range preds {
				if got[p] != ps {
					t.Fatalf("graph %s predicate %s: statistics %+v, recount %+v", g, p, got[p], ps)
				}
			}
		}
		if len(seen) != len(model[TermID(g)]) {
			t.Fatalf("graph %s: %d quads, model %d", g, len(seen), len(model[TermID(g)]))
		}
	}
}

// checkKeyForms checks that every live instance's keys have the form its
// record says: a packed instance is in the graph-first indexes only; an
// unpacked one has one entry per key, and one graph-last key per quad and
// graph-last index if it belongs to a named graph.
func checkKeyForms(t *testing.T, sn *Snapshot) {
	t.Helper()
	blocks := map[ID]int64{}    // graph-first keys holding more than one entry
	graphLast := map[ID]int64{} // graph-last keys
	it := sn.txn.NewIterator(badgerKeysOnly())
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		k := item.Key()
		if k[0] < idxGSPO || k[0] > idxOSPG {
			continue
		}
		inst, _ := parseKey(k)
		if _, graphFirst := indexOrder(k[0]); !graphFirst {
			graphLast[inst]++
		} else if item.ValueSize() > 0 {
			blocks[inst]++
		}
	}
	for inst, ir := range sn.state.cat.instances {
		if ir.State != instanceLive {
			continue
		}
		switch {
		case ir.Packed && graphLast[inst] != 0:
			t.Fatalf("packed instance %s has %d graph-last keys", inst, graphLast[inst])
		case !ir.Packed && blocks[inst] != 0:
			t.Fatalf("unpacked instance %s has %d blocks", inst, blocks[inst])
		case !ir.Packed && ir.Named && graphLast[inst] != 3*ir.Quads:
			t.Fatalf("unpacked named instance %s: %d graph-last keys for %d quads", inst, graphLast[inst], ir.Quads)
		case !ir.Named && graphLast[inst] != 0:
			t.Fatalf("default-graph instance %s has %d graph-last keys", inst, graphLast[inst])
		}
	}
}

func TestSortRecs(t *testing.T) {
	rng := newRand(5)
	for _, n := range []int{0, 1, 47, 48, 49, 1000, 20000} {
		recs := make([]rec, n)
		for i := range recs {
			// A shared tag byte, a few shared ids and random bytes: every
			// path of the radix sort.
			recs[i][0] = 0x10
			recs[i][1] = byte(rng.next() % 4)
			for j := 2; j < len(recs[i]); j++ {
				recs[i][j] = byte(rng.next())
			}
			if i%3 == 0 && i > 0 {
				recs[i] = recs[i-1] // duplicates
			}
			if i%5 == 0 {
				copy(recs[i][16:], make([]byte, 20))
			}
		}
		want := slices.Clone(recs)
		slices.SortFunc(want, func(a, b rec) int { return bytes.Compare(a[:], b[:]) })
		sortRecs(recs, make([]rec, n))
		if !slices.Equal(recs, want) {
			t.Fatalf("%d records: not sorted like bytes.Compare", n)
		}
	}
}
