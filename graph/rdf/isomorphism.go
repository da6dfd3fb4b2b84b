package rdf

import (
	"hash/maphash"
	"strings"
)

// Isomorphic reports whether the datasets a and b are the same up to a
// renaming of blank nodes, graph names included. Both are read as sets:
// duplicate quads do not count. Literals compare by lexical form and
// datatype exactly and by language tag case-insensitively.
//
// Blank nodes are first told apart by iteratively hashing their
// neighbourhoods (colour refinement); when that leaves nodes that cannot be
// told apart, candidate pairings are tried with backtracking, refining
// again after each choice.
func Isomorphic(a, b []Quad) bool {
	ga, gb := newIsoGraph(a), newIsoGraph(b)
	if len(ga.ground) != len(gb.ground) || len(ga.quads) != len(gb.quads) || len(ga.blanks) != len(gb.blanks) {
		return false
	}
	for q := range ga.ground {
		if _, ok := gb.ground[q]; !ok {
			return false
		}
	}
	if len(ga.quads) == 0 {
		return true
	}
	seed := maphash.MakeSeed()
	ga.hashTerms(seed)
	gb.hashTerms(seed)
	s := isoSearch{a: ga, b: gb}
	return s.match(make([]uint64, len(ga.blanks)), make([]uint64, len(gb.blanks)))
}

// isoGraph is one side of an isomorphism test.
type isoGraph struct {
	ground map[Quad]struct{} // quads without blank nodes
	quads  []isoQuad         // quads with blank nodes
	set    map[Quad]struct{} // the same, for the final check
	blanks []string          // blank node labels by index
}

// isoQuad is a quad with at least one blank node. For each position,
// blank[i] is the node's index, or -1 if term[i] is not a blank node.
type isoQuad struct {
	term  [4]Term
	hash  [4]uint64
	blank [4]int32
}

// normalize folds the language tag so that map keys compare the way
// Term.Equal does.
func normalize(t Term) Term {
	if t.Lang != "" {
		t.Lang = strings.ToLower(t.Lang)
	}
	return t
}

func newIsoGraph(qs []Quad) *isoGraph {
	g := &isoGraph{ground: map[Quad]struct{}{}, set: map[Quad]struct{}{}}
	index := map[string]int32{}
	for _, q := range qs {
		q = Quad{normalize(q.S), normalize(q.P), normalize(q.O), normalize(q.G)}
		if !q.S.IsBlank() && !q.P.IsBlank() && !q.O.IsBlank() && !q.G.IsBlank() {
			g.ground[q] = struct{}{}
			continue
		}
		if _, dup := g.set[q]; dup {
			continue
		}
		g.set[q] = struct{}{}
		iq := isoQuad{term: [4]Term{q.S, q.P, q.O, q.G}}
		for i, t := range iq.term {
			iq.blank[i] = -1
			if t.IsBlank() {
				n, ok := index[t.Value]
				if !ok {
					n = int32(len(g.blanks))
					index[t.Value] = n
					g.blanks = append(g.blanks, t.Value)
				}
				iq.blank[i] = n
			}
		}
		g.quads = append(g.quads, iq)
	}
	return g
}

func (g *isoGraph) hashTerms(seed maphash.Seed) {
	var h maphash.Hash
	h.SetSeed(seed)
	for i := range g.quads {
		q := &g.quads[i]
		for j, t := range q.term {
			if q.blank[j] >= 0 {
				continue
			}
			h.Reset()
			h.WriteByte(byte(t.Kind))
			h.WriteString(t.Value)
			h.WriteByte(0)
			h.WriteString(t.Datatype)
			h.WriteByte(0)
			h.WriteString(t.Lang)
			q.hash[j] = h.Sum64()
		}
	}
}

// mix is a 64-bit finaliser (from SplitMix64) used to combine hashes.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// refine computes one round of colour refinement: each node's new colour
// combines its old colour with the multiset of the signatures of the quads
// it occurs in, seen from its position.
func (g *isoGraph) refine(cur, next []uint64) {
	for i := range next {
		next[i] = 0
	}
	for k := range g.quads {
		q := &g.quads[k]
		for i, self := range q.blank {
			if self < 0 {
				continue
			}
			sig := uint64(i + 1)
			for j, n := range q.blank {
				var v uint64
				switch {
				case n < 0:
					v = q.hash[j]
				case n == self:
					v = 0x9e3779b97f4a7c15
				default:
					v = cur[n]
				}
				sig = mix(sig ^ mix(v+uint64(j)))
			}
			next[self] += mix(sig) // commutative: the quads' order does not matter
		}
	}
	for i := range next {
		next[i] = mix(cur[i] ^ mix(next[i]))
	}
}

func distinct(h []uint64) int {
	seen := make(map[uint64]struct{}, len(h))
	for _, v := range h {
		seen[v] = struct{}{}
	}
	return len(seen)
}

type isoSearch struct {
	a, b *isoGraph
}

// stabilize refines the colourings of both graphs until the number of
// colours stops growing and reports whether the two colourings still agree
// as multisets.
func (s *isoSearch) stabilize(ha, hb []uint64) ([]uint64, []uint64, bool) {
	na, nb := distinct(ha), distinct(hb)
	ta, tb := make([]uint64, len(ha)), make([]uint64, len(hb))
	for {
		s.a.refine(ha, ta)
		s.b.refine(hb, tb)
		ha, ta = ta, ha
		hb, tb = tb, hb
		if !sameMultiset(ha, hb) {
			return ha, hb, false
		}
		ma, mb := distinct(ha), distinct(hb)
		if ma == na && mb == nb {
			return ha, hb, true
		}
		na, nb = ma, mb
	}
}

func sameMultiset(x, y []uint64) bool {
	if len(x) != len(y) {
		return false
	}
	count := make(map[uint64]int, len(x))
	for _, v := range x {
		count[v]++
	}
	for _, v := range y {
		count[v]--
		if count[v] < 0 {
			return false
		}
	}
	return true
}

// match looks for a bijection between the blank nodes of a and b that
// respects the colourings ha and hb and maps a's quads onto b's.
func (s *isoSearch) match(ha, hb []uint64) bool {
	ha, hb, ok := s.stabilize(ha, hb)
	if !ok {
		return false
	}
	// Group b's nodes by colour and find the smallest class of more than
	// one node.
	classB := map[uint64][]int32{}
	for i, h := range hb {
		classB[h] = append(classB[h], int32(i))
	}
	var pick uint64
	best := 0
	for h, ns := range classB {
		if len(ns) > 1 && (best == 0 || len(ns) < best) {
			pick, best = h, len(ns)
		}
	}
	if best == 0 {
		// Every colour names one node: the bijection is forced.
		m := make([]int32, len(ha))
		for i, h := range ha {
			m[i] = classB[h][0]
		}
		return s.check(m)
	}
	x := -1
	for i, h := range ha {
		if h == pick {
			x = i
			break
		}
	}
	mark := mix(pick ^ 0x632be59bd9b4e019)
	for _, y := range classB[pick] {
		ca := append([]uint64(nil), ha...)
		cb := append([]uint64(nil), hb...)
		ca[x], cb[y] = mark, mark
		if s.match(ca, cb) {
			return true
		}
	}
	return false
}

// check reports whether mapping a's blank nodes by m turns a's quads into
// b's.
func (s *isoSearch) check(m []int32) bool {
	for _, q := range s.a.quads {
		t := q.term
		for i, n := range q.blank {
			if n >= 0 {
				t[i] = Blank(s.b.blanks[m[n]])
			}
		}
		if _, ok := s.b.set[Quad{t[0], t[1], t[2], t[3]}]; !ok {
			return false
		}
	}
	return true
}
