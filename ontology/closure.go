package ontology

import (
	"context"
	"fmt"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// Relation names the link one step of an explanation follows. A step
// {From, Relation, To} always reads as a statement that holds in the store,
// possibly through the inverse property: a step "Key Account broader Sales
// Customer" may come from sales:Customer skos:narrower sales:KeyAccount.
type Relation uint8

// Relations between concepts and classes, followed when expanding a meaning.
const (
	RelNone Relation = iota
	// RelExactMatch: skos:exactMatch, in either direction.
	RelExactMatch
	// RelEquivalentClass: owl:equivalentClass, in either direction.
	RelEquivalentClass
	// RelSameAs: owl:sameAs, in either direction.
	RelSameAs
	// RelBroader: From is narrower than To (skos:broader, or skos:narrower
	// stated the other way).
	RelBroader
	// RelBroadMatch: From is narrower than To across schemes
	// (skos:broadMatch, or skos:narrowMatch stated the other way).
	RelBroadMatch
	// RelSubClassOf: From is a subclass of To (rdfs:subClassOf).
	RelSubClassOf
	// RelCloseMatch: skos:closeMatch, in either direction; followed one hop
	// at most, and hits through it rank below every exact-meaning hit.
	RelCloseMatch

	// RelTheme: a product (or its output dataset) has To as dcat:theme.
	RelTheme
	// RelSubject: a product (or its output dataset) has To as dct:subject.
	RelSubject
	// RelOutputs: a product publishes To through one of its output ports.
	RelOutputs
	// RelConformsTo: a dataset conforms to To, a logical model or contract.
	RelConformsTo
	// RelDefines: a logical model defines To, an entity (node shape) or an
	// attribute (property shape).
	RelDefines
	// RelRepresents: an entity or attribute represents To (dct:subject).
	RelRepresents
)

var relationNames = [...]string{
	RelNone:            "none",
	RelExactMatch:      "exactMatch",
	RelEquivalentClass: "equivalentClass",
	RelSameAs:          "sameAs",
	RelBroader:         "broader",
	RelBroadMatch:      "broadMatch",
	RelSubClassOf:      "subClassOf",
	RelCloseMatch:      "closeMatch",
	RelTheme:           "theme",
	RelSubject:         "subject",
	RelOutputs:         "outputs",
	RelConformsTo:      "conforms to",
	RelDefines:         "defines",
	RelRepresents:      "represents",
}

func (r Relation) String() string {
	if int(r) < len(relationNames) {
		return relationNames[r]
	}
	return fmt.Sprintf("Relation(%d)", r)
}

// Ids of the properties the closure follows. Ids depend on the term alone,
// so they can be computed once.
var (
	idExactMatch      = iriID(SKOSExactMatch)
	idEquivalentClass = iriID(OWLEquivalentClass)
	idSameAs          = iriID(OWLSameAs)
	idBroader         = iriID(SKOSBroader)
	idNarrower        = iriID(SKOSNarrower)
	idBroadMatch      = iriID(SKOSBroadMatch)
	idNarrowMatch     = iriID(SKOSNarrowMatch)
	idSubClassOf      = iriID(RDFSSubClassOf)
	idCloseMatch      = iriID(SKOSCloseMatch)
)

func iriID(iri string) graph.ID { return graph.TermID(rdf.IRI(iri)) }

// Member is one element of a meaning closure: a concept or class that means
// the root, or is a kind of it, or (when Close) is a close match of one.
type Member struct {
	ID graph.ID
	// Pred is the member the BFS reached this one from (zero for a root);
	// Rel is the relation from this member to Pred, read as a statement
	// "ID Rel Pred".
	Pred graph.ID
	Rel  Relation
	// Depth is the number of hops from the nearest root.
	Depth int
	// Close is set when the path crosses a skos:closeMatch.
	Close bool
}

// Closure is the meaning closure of one or more concepts: everything that
// means them or is a kind of them, with the predecessor edges of a
// breadth-first search so that each member's shortest path back to a root
// can be explained.
type Closure struct {
	// Members in breadth-first order: roots first, close matches last.
	Members []Member
	index   map[graph.ID]int
}

// Lookup returns the member with the given id.
func (c *Closure) Lookup(id graph.ID) (Member, bool) {
	i, ok := c.index[id]
	if !ok {
		return Member{}, false
	}
	return c.Members[i], true
}

// Contains reports whether id is in the closure.
func (c *Closure) Contains(id graph.ID) bool {
	_, ok := c.index[id]
	return ok
}

// Path returns the members on the shortest path from member id back to
// its root, id first; nil when id is not a member.
func (c *Closure) Path(id graph.ID) []Member {
	var out []Member
	for {
		m, ok := c.Lookup(id)
		if !ok {
			return out
		}
		out = append(out, m)
		if m.Pred.IsZero() {
			return out
		}
		id = m.Pred
	}
}

func (c *Closure) add(m Member) bool {
	if _, ok := c.index[m.ID]; ok {
		return false
	}
	c.index[m.ID] = len(c.Members)
	c.Members = append(c.Members, m)
	return true
}

// meaningEdge is one edge of the meaning graph as seen from a node: the
// neighbour and the relation read from the neighbour to the node ("Other
// Rel node"), which is the direction explanations walk.
type meaningEdge struct {
	other graph.ID
	rel   Relation
}

// nodeEdges are the edges of one node that expansion follows: down (the
// node's equivalents and its narrower things) and close (its close
// matches). Link holds the incoming dcat:theme and dct:subject statements,
// which discovery needs for every member anyway.
type nodeEdges struct {
	down  []meaningEdge
	close []meaningEdge
	links []link
}

// link is an incoming meaning link: subject s says dcat:theme (theme) or
// dct:subject (!theme) of the node.
type link struct {
	s     graph.ID
	theme bool
}

// edgesOf reads the meaning edges of a node with two prefix scans, one over
// the statements about it and one over the statements that point at it, in
// every graph. The result is cached per store state.
func (sc *stateCache) edgesOf(ctx context.Context, snap *graph.Snapshot, n graph.ID) (*nodeEdges, error) {
	if e, ok := sc.edges.get(n); ok {
		return e, nil
	}
	e := &nodeEdges{}
	seen := make(map[meaningEdge]bool)
	addDown := func(other graph.ID, rel Relation) {
		me := meaningEdge{other, rel}
		if other != n && !seen[me] {
			seen[me] = true
			e.down = append(e.down, me)
		}
	}
	addClose := func(other graph.ID) {
		me := meaningEdge{other, RelCloseMatch}
		if other != n && !seen[me] {
			seen[me] = true
			e.close = append(e.close, me)
		}
	}
	// Outgoing: n p o.
	it := snap.Scan(ctx, graph.Pattern{S: n, Graph: graph.AllGraphs})
	for it.Next() {
		q := it.Quad()
		if q.O.IsLiteral() {
			continue
		}
		switch q.P {
		case idExactMatch:
			addDown(q.O, RelExactMatch)
		case idEquivalentClass:
			addDown(q.O, RelEquivalentClass)
		case idSameAs:
			addDown(q.O, RelSameAs)
		case idNarrower: // n narrower o: o broader n
			addDown(q.O, RelBroader)
		case idNarrowMatch: // n narrowMatch o: o broadMatch n
			addDown(q.O, RelBroadMatch)
		case idCloseMatch:
			addClose(q.O)
		}
	}
	it.Close()
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("ontology: read edges of %s: %w", n, err)
	}
	// Incoming: s p n.
	it = snap.Scan(ctx, graph.Pattern{O: n, Graph: graph.AllGraphs})
	seenLink := make(map[link]bool)
	for it.Next() {
		q := it.Quad()
		switch q.P {
		case idExactMatch:
			addDown(q.S, RelExactMatch)
		case idEquivalentClass:
			addDown(q.S, RelEquivalentClass)
		case idSameAs:
			addDown(q.S, RelSameAs)
		case idBroader:
			addDown(q.S, RelBroader)
		case idBroadMatch:
			addDown(q.S, RelBroadMatch)
		case idSubClassOf:
			addDown(q.S, RelSubClassOf)
		case idCloseMatch:
			addClose(q.S)
		case idTheme, idSubject:
			l := link{s: q.S, theme: q.P == idTheme}
			if !seenLink[l] {
				seenLink[l] = true
				e.links = append(e.links, l)
			}
		}
	}
	it.Close()
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("ontology: read edges of %s: %w", n, err)
	}
	sc.edges.put(n, e)
	return e, nil
}

// MeaningClosure expands roots to everything that means them or is a kind
// of them: equivalents (skos:exactMatch, owl:equivalentClass, owl:sameAs,
// both directions, transitively) and narrower things (skos:narrower and
// inverse skos:broader, skos:narrowMatch and inverse skos:broadMatch,
// inverse rdfs:subClassOf, transitively). When withClose is set, the close
// matches (skos:closeMatch, either direction) of those members are added,
// one hop and no further, marked Close. Related concepts and broader ones
// are never followed.
func MeaningClosure(ctx context.Context, snap *graph.Snapshot, roots []graph.ID, withClose bool) (*Closure, error) {
	return cacheFor(snap).closure(ctx, snap, roots, withClose)
}

func (sc *stateCache) closure(ctx context.Context, snap *graph.Snapshot, roots []graph.ID, withClose bool) (*Closure, error) {
	c := &Closure{index: make(map[graph.ID]int)}
	for _, r := range roots {
		if !r.IsZero() && !r.IsLiteral() {
			c.add(Member{ID: r})
		}
	}
	for i := 0; i < len(c.Members); i++ {
		m := c.Members[i]
		e, err := sc.edgesOf(ctx, snap, m.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range e.down {
			c.add(Member{ID: d.other, Pred: m.ID, Rel: d.rel, Depth: m.Depth + 1})
		}
	}
	if !withClose {
		return c, nil
	}
	exact := len(c.Members)
	for i := 0; i < exact; i++ {
		m := c.Members[i]
		e, err := sc.edgesOf(ctx, snap, m.ID)
		if err != nil {
			return nil, err
		}
		for _, d := range e.close {
			c.add(Member{ID: d.other, Pred: m.ID, Rel: RelCloseMatch, Depth: m.Depth + 1, Close: true})
		}
	}
	// The close members' own links are needed by discovery; reading their
	// edges now keeps all store reads in one place.
	for i := exact; i < len(c.Members); i++ {
		if _, err := sc.edgesOf(ctx, snap, c.Members[i].ID); err != nil {
			return nil, err
		}
	}
	return c, nil
}
