package eval_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/eval"
	"github.com/kplane/kplane/query/sparql/optimize"
)

// TestScanOrder checks the assumption merge joins rest on: a scan of a
// pattern comes sorted on the position optimize.ScanOrder names.
func TestScanOrder(t *testing.T) {
	var quads []rdf.Quad
	for i := range 6 {
		for j := range 6 {
			quads = append(quads, rdf.Quad{S: iri(fmt.Sprint("s", (i*5)%6)), P: iri(fmt.Sprint("p", (j*5)%6)), O: iri(fmt.Sprint("o", (i+j)%6))})
		}
	}
	s := newStore(t, quads...)
	snap := s.Snapshot()
	defer snap.Release()
	const sBound, pBound, oBound = 1, 2, 4
	for mask := range 7 {
		pat := graph.Pattern{Graph: graph.DefaultGraph}
		if mask&sBound != 0 {
			pat.S = graph.TermID(quads[0].S)
		}
		if mask&pBound != 0 {
			pat.P = graph.TermID(quads[0].P)
		}
		if mask&oBound != 0 {
			pat.O = graph.TermID(quads[0].O)
		}
		pos := optimize.ScanOrder(mask&sBound != 0, mask&pBound != 0, mask&oBound != 0)
		it := snap.Scan(context.Background(), pat)
		var prev graph.ID
		n := 0
		for it.Next() {
			q := it.Quad()
			id := [3]graph.ID{q.S, q.P, q.O}[pos]
			if n > 0 && bytes.Compare(id[:], prev[:]) < 0 {
				t.Errorf("bound %03b: scan not sorted on position %d", mask, pos)
				break
			}
			prev = id
			n++
		}
		it.Close()
		if n == 0 {
			t.Errorf("bound %03b: no quads", mask)
		}
	}
}

// TestMergeJoin runs a query whose plan starts with a merge join (a large
// pattern reached from a large start) and checks its solutions against
// the data.
func TestMergeJoin(t *testing.T) {
	const (
		students = 22000 // 3 courses each: 66,000 takesCourse quads
		courses  = 5000
		teachers = 1000
	)
	var quads []rdf.Quad
	takes := map[[2]int]bool{}
	for i := range students {
		for k := range 3 {
			c := (i*7 + k*1013) % courses
			takes[[2]int{i, c}] = true
			quads = append(quads, rdf.Quad{S: iri(fmt.Sprint("s", i)), P: iri("takesCourse"), O: iri(fmt.Sprint("c", c))})
		}
		if i%3 == 0 {
			quads = append(quads, rdf.Quad{S: iri(fmt.Sprint("s", i)), P: iri("advisor"), O: iri(fmt.Sprint("t", i%teachers))})
		}
	}
	for c := range courses {
		quads = append(quads, rdf.Quad{S: iri(fmt.Sprint("t", c%teachers)), P: iri("teacherOf"), O: iri(fmt.Sprint("c", c))})
	}
	want := map[string]bool{}
	for i := 0; i < students; i += 3 {
		t0 := i % teachers
		for c := t0; c < courses; c += teachers {
			if takes[[2]int{i, c}] {
				want[fmt.Sprintf("s%d t%d c%d", i, t0, c)] = true
			}
		}
	}
	if len(want) == 0 {
		t.Fatal("the data has no answer")
	}
	s := newStore(t, quads...)
	q, err := eval.Prepare(`PREFIX e: <http://example.org/>
		SELECT ?x ?y ?z { ?x e:advisor ?y . ?y e:teacherOf ?z . ?x e:takesCourse ?z }`, eval.Options{})
	if err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	defer snap.Release()
	plan, err := q.Explain(context.Background(), snap, true)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains([]byte(plan), []byte("(merge join on ?z)")) {
		t.Errorf("the plan does not merge:\n%s", plan)
	}
	_, sols, err := q.Solutions(context.Background(), snap)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, sol := range sols {
		local := func(t rdf.Term) string { return t.Value[len(ex):] }
		got[fmt.Sprintf("%s %s %s", local(sol[0]), local(sol[1]), local(sol[2]))] = true
	}
	if len(sols) != len(want) || len(got) != len(want) {
		t.Errorf("%d solutions (%d distinct), want %d", len(sols), len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing %s", k)
			break
		}
	}
}
