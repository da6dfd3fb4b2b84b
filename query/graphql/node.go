package graphql

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// node is a resource a resolver returns: a term of the store and, when the
// field that returned it says so, the GraphQL type it is shown as.
//
// A node belongs to one request, whose resolvers run one at a time, so it
// can keep the statements about it once they are read: the fields of a
// node then resolve without looking them up again.
type node struct {
	term rdf.Term
	id   graph.ID
	kind string // GraphQL object type name; "" when it must be classified

	st     []statement // the statements about the node, when loaded
	loaded bool
}

func newNode(t rdf.Term, kind string) *node {
	return &node{term: t, id: graph.TermID(t), kind: kind}
}

// statements returns the statements about n if the request has read them
// already.
func (req *request) statements(n *node) ([]statement, bool) {
	if n.loaded {
		return n.st, true
	}
	st, ok := req.out.cached(n.id)
	if ok {
		n.st, n.loaded = st, true
	}
	return st, ok
}

// iri is the identifier the API shows: the IRI, or "_:label" for a blank
// node.
func (n *node) iri() string {
	if n.term.Kind == rdf.KindBlank {
		return "_:" + n.term.Value
	}
	return n.term.Value
}

// iriValue is iri as the iri field returns it: a *string, which
// graphql-go serializes without formatting.
func (n *node) iriValue() *string {
	if n.term.Kind == rdf.KindBlank {
		s := n.iri()
		return &s
	}
	return &n.term.Value
}

// ref is a resource reached along a path, with its id, so that making a
// node of it needs no hashing, and once the walk is done the statements
// about it, so that the node's fields resolve without a read.
type ref struct {
	id     graph.ID
	term   rdf.Term
	st     []statement
	loaded bool // st is set
}

// hop is one step of a path through the graph: along pred, or against it.
type hop struct {
	pred    graph.ID
	inverse bool
}

func fwd(iri string) hop { return hop{pred: graph.TermID(rdf.IRI(iri))} }
func inv(iri string) hop { return hop{pred: graph.TermID(rdf.IRI(iri)), inverse: true} }

// path is the set of resources reached from a node by any of several
// chains of hops, optionally only those of one rdf:type.
type path struct {
	chains [][]hop
	// ofType keeps only the resources with one of these rdf:types.
	ofType []graph.ID
}

func chain(h ...hop) []hop { return h }

// pathKey identifies a path: paths with the same chains and type filter
// have the same key, so fields that follow the same path share its
// results.
type pathKey int32

// pathKeys numbers the paths of every schema made.
var pathKeys struct {
	mu     sync.Mutex
	byText map[string]pathKey
}

// id returns the path's key.
func (p path) id() pathKey {
	text := p.key()
	pathKeys.mu.Lock()
	defer pathKeys.mu.Unlock()
	k, ok := pathKeys.byText[text]
	if !ok {
		if pathKeys.byText == nil {
			pathKeys.byText = make(map[string]pathKey)
		}
		k = pathKey(len(pathKeys.byText) + 1)
		pathKeys.byText[text] = k
	}
	return k
}

// key returns a text that identifies the path.
func (p path) key() string {
	var b strings.Builder
	for _, c := range p.chains {
		for _, h := range c {
			if h.inverse {
				b.WriteByte('^')
			}
			b.WriteString(h.pred.String())
			b.WriteByte('/')
		}
		b.WriteByte('|')
	}
	for _, t := range p.ofType {
		b.WriteString(t.String())
		b.WriteByte(',')
	}
	return b.String()
}

// follow returns the batcher of the resources reached along p, whose key
// is k.
func (req *request) follow(p path, k pathKey) *batcher[[]ref] {
	req.mu.Lock()
	defer req.mu.Unlock()
	if b, ok := req.paths[k]; ok {
		return b
	}
	b := newBatcher(func(ids []graph.ID) (map[graph.ID][]ref, error) { return req.walkShared(ids, p, k) }, req.shared.walkFunc(k))
	req.paths[k] = b
	return b
}

// walkShared returns the resources reached along p from every start node,
// each with the statements about it. It walks only from the start nodes
// that no earlier request sharing the snapshot walked p from (the cache of
// path results), and reads the statements of every resource it reaches in
// one call: the type filter needs them, and the fields of the next level
// then resolve at once, in this request and in later ones that find the
// walk cached.
func (req *request) walkShared(starts []graph.ID, p path, key pathKey) (map[graph.ID][]ref, error) {
	out, missing := req.shared.walked(key, starts)
	if len(missing) == 0 {
		return out, nil
	}
	reached, err := req.walk(missing, p)
	if err != nil {
		return nil, err
	}
	var all []graph.ID
	for _, rs := range reached {
		for _, r := range rs {
			all = append(all, r.id)
		}
	}
	outs, err := req.out.getMany(all)
	if err != nil {
		return nil, err
	}
	for s, rs := range reached {
		kept := rs[:0]
		for _, r := range rs {
			r.st, r.loaded = outs[r.id], true
			if len(p.ofType) == 0 || hasAnyType(r.st, p.ofType) {
				kept = append(kept, r)
			}
		}
		slices.SortFunc(kept, func(a, b ref) int { return compareTerms(a.term, b.term) })
		kept = slices.CompactFunc(kept, func(a, b ref) bool { return a.id == b.id })
		reached[s] = kept
		out[s] = kept
	}
	req.shared.addWalked(key, reached)
	return out, nil
}

// walk follows p from every start node, one batched read per hop and
// chain: the number of store calls does not depend on len(starts). The
// resources reached are neither filtered by type nor sorted.
func (req *request) walk(starts []graph.ID, p path) (map[graph.ID][]ref, error) {
	result := make(map[graph.ID][]ref, len(starts))
	for _, c := range p.chains {
		// reach maps each start node to the nodes reached so far.
		reach := make(map[graph.ID][]ref, len(starts))
		for _, s := range starts {
			reach[s] = []ref{{id: s}}
		}
		frontier := starts
		for _, h := range c {
			var stmts map[graph.ID][]statement
			var err error
			if h.inverse {
				stmts, err = req.incoming(h.pred).getMany(frontier)
			} else {
				stmts, err = req.out.getMany(frontier)
			}
			if err != nil {
				return nil, err
			}
			next := make(map[graph.ID]bool)
			for _, s := range starts {
				var to []ref
				for _, from := range reach[s] {
					for _, st := range stmts[from.id] {
						if st.P == h.pred && st.Other.Kind != rdf.KindLiteral {
							to = append(to, ref{id: st.O, term: st.Other})
							next[st.O] = true
						}
					}
				}
				reach[s] = to
			}
			frontier = make([]graph.ID, 0, len(next))
			for id := range next {
				frontier = append(frontier, id)
			}
		}
		for _, s := range starts {
			result[s] = append(result[s], reach[s]...)
		}
	}
	return result, nil
}

var idType = graph.TermID(rdf.IRI(rdf.RDFType))

func hasAnyType(st []statement, types []graph.ID) bool {
	for _, s := range st {
		if s.P == idType && slices.Contains(types, s.O) {
			return true
		}
	}
	return false
}

func ids(iris ...string) []graph.ID {
	out := make([]graph.ID, len(iris))
	for i, s := range iris {
		out[i] = graph.TermID(rdf.IRI(s))
	}
	return out
}

// classes maps rdf:types to the GraphQL type a resource is shown as, most
// specific first: sales:Customer is both a skos:Concept and an owl:Class
// and is shown as a Concept.
var classes = []struct {
	kind  string
	types []graph.ID
}{
	{"DataProduct", ids(ontology.DPRODDataProduct)},
	{"Dataset", ids(ontology.DCATDataset)},
	{"Port", ids(ontology.DCATDataService)},
	{"Domain", ids(ontology.KplaneDomain)},
	{"Graph", ids(ontology.KplaneNamedGraph)},
	{"LogicalModel", ids(ontology.KplaneDataContract, ontology.DCTermsStandard)},
	{"Entity", ids(ontology.SHNodeShape)},
	{"Attribute", ids(ontology.SHPropertyShape)},
	{"ConceptScheme", ids(ontology.SKOSConceptScheme)},
	{"Concept", ids(ontology.SKOSConcept)},
	{"Owner", ids(ontology.PROVPerson, ontology.PROVOrganization, ontology.ORGOrganizationalUnit,
		ontology.ORGOrganization, ontology.ORGFormalOrganization, foafPerson, ontology.PROVAgent)},
	{"Class", ids(ontology.OWLClass, rdf.RDFSNS+"Class")},
	{"Property", ids(rdf.RDFNS+"Property", owlNS+"ObjectProperty", owlNS+"DatatypeProperty", owlNS+"AnnotationProperty")},
}

const (
	owlNS      = "http://www.w3.org/2002/07/owl#"
	foafNS     = "http://xmlns.com/foaf/0.1/"
	foafPerson = foafNS + "Person"
	foafName   = foafNS + "name"
	foafMbox   = foafNS + "mbox"
)

// classify returns the GraphQL type for a resource with these statements.
func classify(st []statement) string {
	for _, c := range classes {
		if hasAnyType(st, c.types) {
			return c.kind
		}
	}
	return "Resource"
}

// Label properties, best first.
var labelPreds = ids(ontology.SKOSPrefLabel, ontology.DCTermsTitle, ontology.SHName, ontology.RDFSLabel, foafName)

// pickLabel returns the display label among statements: the best label
// property, in English, then without a language tag, then any other.
func pickLabel(st []statement) string {
	if v := bestLabel(st); v != nil {
		return *v
	}
	return ""
}

// bestLabel is pickLabel returning a pointer into st; nil when there is no
// label.
func bestLabel(st []statement) *string {
	for _, p := range labelPreds {
		if v := bestLiteral(st, p, "en"); v != nil {
			return v
		}
	}
	return nil
}

// pickLiteral returns the value of p, preferring language lang (or its
// subtags), then no tag, then the smallest other value, so the choice is
// stable.
func pickLiteral(st []statement, p graph.ID, lang string) (string, bool) {
	if v := bestLiteral(st, p, lang); v != nil {
		return *v, true
	}
	return "", false
}

// bestLiteral is pickLiteral returning a pointer to the value in st (nil
// when there is none), which resolvers return as is: graphql-go's String
// serializes a *string by dereferencing it, but any other value by
// formatting it with fmt.
//
// Statements are ordered by predicate and then object (reader.Out), so
// the first literal of a rank is the smallest of that rank: the search
// ends at the first literal in lang, or with the statements of p.
func bestLiteral(st []statement, p graph.ID, lang string) *string {
	var best *string
	rank := 4
	inP := false
	for i := range st {
		s := &st[i]
		if s.P != p {
			if inP {
				break
			}
			continue
		}
		inP = true
		if s.Other.Kind != rdf.KindLiteral {
			continue
		}
		r := 3
		switch l := s.Other.Lang; {
		case lang != "" && hasLangPrefix(l, lang):
			r = 1
		case l == "":
			r = 2
		}
		if r < rank {
			best, rank = &s.Other.Value, r
			if r == 1 {
				break
			}
		}
	}
	return best
}

// hasLangPrefix reports whether language tag l is lang or one of its
// subtags (en-GB for en).
func hasLangPrefix(l, lang string) bool {
	return strings.HasPrefix(l, lang) && (len(l) == len(lang) || l[len(lang)] == '-')
}

// literals returns the distinct values of p (in any language), sorted.
func literals(st []statement, p graph.ID) []string {
	var out []string
	for _, s := range st {
		if s.P == p && s.Other.Kind == rdf.KindLiteral && !slices.Contains(out, s.Other.Value) {
			out = append(out, s.Other.Value)
		}
	}
	slices.Sort(out)
	return out
}

// objectsOf returns the resources (not literals) that are values of p.
func objectsOf(st []statement, p graph.ID) []rdf.Term {
	var out []rdf.Term
	for _, s := range st {
		if s.P == p && s.Other.Kind != rdf.KindLiteral {
			out = append(out, s.Other)
		}
	}
	return out
}

func firstObject(st []statement, p graph.ID) (rdf.Term, bool) {
	for _, s := range st {
		if s.P == p && s.Other.Kind != rdf.KindLiteral {
			return s.Other, true
		}
	}
	return rdf.Term{}, false
}

// untypedNode resolves to the node t shown as its most specific type. The
// statements needed to classify it are loaded in the batch of its level,
// so the Node interface's ResolveType finds them read.
func untypedNode(req *request, t rdf.Term) any {
	if t.Kind == rdf.KindLiteral || t.Kind == rdf.KindNone {
		return nil
	}
	n := newNode(t, "")
	load := req.out.load(n.id)
	return thunk(func() (any, error) {
		st, err := load()
		if err != nil {
			return nil, err
		}
		n.kind = classify(st)
		return n, nil
	})
}

// refNodes wraps resources as nodes of one GraphQL type.
func refNodes(rs []ref, kind string) []any {
	out := make([]any, len(rs))
	nodes := make([]node, len(rs))
	for i, r := range rs {
		nodes[i] = r.node(kind)
		out[i] = &nodes[i]
	}
	return out
}

// node returns the node of the resource, shown as kind.
func (r ref) node(kind string) node {
	return node{term: r.term, id: r.id, kind: kind, st: r.st, loaded: r.loaded}
}

// nodes wraps terms as nodes of one GraphQL type.
func nodes(ts []rdf.Term, kind string) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = newNode(t, kind)
	}
	return out
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
