package rdf

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

var (
	isoP = IRI("http://ex/p")
	isoQ = IRI("http://ex/q")
	isoG = IRI("http://ex/g")
)

func q(s, p, o Term) Quad     { return Quad{S: s, P: p, O: o} }
func qg(s, p, o, g Term) Quad { return Quad{S: s, P: p, O: o, G: g} }

func TestIsomorphic(t *testing.T) {
	a, b, c := Blank("a"), Blank("b"), Blank("c")
	x, y, z := Blank("x"), Blank("y"), Blank("z")
	s, o := IRI("http://ex/s"), IRI("http://ex/o")
	tests := []struct {
		name string
		a, b []Quad
		want bool
	}{
		{"empty", nil, nil, true},
		{"ground equal", []Quad{q(s, isoP, o)}, []Quad{q(s, isoP, o)}, true},
		{"ground differ", []Quad{q(s, isoP, o)}, []Quad{q(s, isoQ, o)}, false},
		{"duplicates ignored", []Quad{q(s, isoP, o), q(s, isoP, o), q(a, isoP, o), q(a, isoP, o)}, []Quad{q(x, isoP, o), q(s, isoP, o)}, true},
		{"relabelled", []Quad{q(a, isoP, b), q(b, isoQ, o)}, []Quad{q(y, isoP, x), q(x, isoQ, o)}, true},
		{"blank vs IRI", []Quad{q(a, isoP, o)}, []Quad{q(s, isoP, o)}, false},
		{"one node vs two", []Quad{q(a, isoP, o), q(a, isoQ, o)}, []Quad{q(x, isoP, o), q(y, isoQ, o)}, false},
		{"two nodes vs one", []Quad{q(a, isoP, o), q(b, isoQ, o)}, []Quad{q(x, isoP, o), q(x, isoQ, o)}, false},
		{"language tag case", []Quad{q(s, isoP, LangLiteral("x", "en-US"))}, []Quad{q(s, isoP, LangLiteral("x", "en-us"))}, true},
		{"lexical form exact", []Quad{q(s, isoP, Literal("01", XSDInteger))}, []Quad{q(s, isoP, Literal("1", XSDInteger))}, false},
		{"datatype exact", []Quad{q(s, isoP, Literal("1", XSDInteger))}, []Quad{q(s, isoP, Literal("1", XSDDecimal))}, false},
		{"graph names", []Quad{qg(s, isoP, o, a), qg(a, isoP, o, isoG)}, []Quad{qg(s, isoP, o, x), qg(x, isoP, o, isoG)}, true},
		{"graph name vs default", []Quad{qg(s, isoP, o, isoG)}, []Quad{q(s, isoP, o)}, false},
		{"blank graph mismatch", []Quad{qg(s, isoP, o, a), qg(s, isoQ, o, a)}, []Quad{qg(s, isoP, o, x), qg(s, isoQ, o, y)}, false},
		// Every node looks alike locally: a 3-cycle against a 3-cycle
		// with reversed edges (isomorphic) and against a self loop plus a
		// 2-cycle (not).
		{"cycles", []Quad{q(a, isoP, b), q(b, isoP, c), q(c, isoP, a)}, []Quad{q(x, isoP, z), q(z, isoP, y), q(y, isoP, x)}, true},
		{"cycle vs loop", []Quad{q(a, isoP, b), q(b, isoP, c), q(c, isoP, a)}, []Quad{q(x, isoP, x), q(y, isoP, z), q(z, isoP, y)}, false},
	}
	for _, tt := range tests {
		if got := Isomorphic(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Isomorphic = %v, want %v", tt.name, got, tt.want)
		}
		if got := Isomorphic(tt.b, tt.a); got != tt.want {
			t.Errorf("%s (swapped): Isomorphic = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// cycles returns n disjoint directed cycles of length k over blank nodes,
// the labels shuffled by r. Colour refinement cannot tell any of the nodes
// apart, so matching needs the backtracking search.
func cycles(r *rand.Rand, n, k int) []Quad {
	labels := r.Perm(n * k)
	var qs []Quad
	for c := range n {
		for i := range k {
			from := Blank(fmt.Sprint("n", labels[c*k+i]))
			to := Blank(fmt.Sprint("n", labels[c*k+(i+1)%k]))
			qs = append(qs, q(from, isoP, to))
		}
	}
	r.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
	return qs
}

func TestIsomorphicSymmetricGraphs(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	if !Isomorphic(cycles(r, 20, 5), cycles(r, 20, 5)) {
		t.Error("20 5-cycles not isomorphic to a relabelling of themselves")
	}
	// 100 nodes in 5-cycles against the same nodes in 4-cycles... of
	// different count, so sizes match: 20×5 vs 25×4.
	if Isomorphic(cycles(r, 20, 5), cycles(r, 25, 4)) {
		t.Error("5-cycles isomorphic to 4-cycles")
	}
}

// chain returns a long RDF list of blank nodes holding the values, as
// Turtle collections produce.
func chain(vals []Term, prefix string) []Quad {
	var qs []Quad
	first, rest := IRI(RDFFirst), IRI(RDFRest)
	for i, v := range vals {
		cell := Blank(fmt.Sprint(prefix, i))
		qs = append(qs, q(cell, first, v))
		next := IRI(RDFNil)
		if i+1 < len(vals) {
			next = Blank(fmt.Sprint(prefix, i+1))
		}
		qs = append(qs, q(cell, rest, next))
	}
	return qs
}

func TestIsomorphicLists(t *testing.T) {
	vals := make([]Term, 300)
	for i := range vals {
		vals[i] = String("same") // identical members: only position tells cells apart
	}
	a, b := chain(vals, "a"), chain(vals, "b")
	if !Isomorphic(a, b) {
		t.Error("equal lists not isomorphic")
	}
	vals[150] = String("other")
	if Isomorphic(a, chain(vals, "b")) {
		t.Error("lists differing in one member isomorphic")
	}
}

func BenchmarkIsomorphicCycles(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	x, y := cycles(r, 50, 4), cycles(r, 50, 4)
	for b.Loop() {
		if !Isomorphic(x, y) {
			b.Fatal("not isomorphic")
		}
	}
}
