package ontology

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

var (
	idTheme           = iriID(DCATTheme)
	idSubject         = iriID(DCTermsSubject)
	idType            = iriID(rdf.RDFType)
	idDataProduct     = iriID(DPRODDataProduct)
	idOutputPort      = iriID(DPRODOutputPort)
	idInputPort       = iriID(DPRODInputPort)
	idAccessService   = iriID(DPRODIsAccessServiceOf)
	idDistributionOf  = iriID(DPRODIsDistributionOf)
	idConformsTo      = iriID(DCTermsConformsTo)
	idIsDefinedBy     = iriID(RDFSIsDefinedBy)
	idSHProperty      = iriID(SHProperty)
	idNodeShape       = iriID(SHNodeShape)
	idPropertyShape   = iriID(SHPropertyShape)
	idLifecycleStatus = iriID(DPRODLifecycleStatus)
	idRetired         = iriID(KplaneRetired)
	idPrefLabel       = iriID(SKOSPrefLabel)
	idAltLabel        = iriID(SKOSAltLabel)
	idRDFSLabel       = iriID(RDFSLabel)
	idTitle           = iriID(DCTermsTitle)
	idSHName          = iriID(SHName)
	idSKOSConcept     = iriID(SKOSConcept)
	idOWLClass        = iriID(OWLClass)
	idRDFSClass       = iriID(rdf.RDFSNS + "Class")
)

// AboutQuery asks which data products are about a concept.
type AboutQuery struct {
	// Concept is the concept or class asked about. When it is zero, Label
	// is resolved to concepts instead.
	Concept rdf.Term
	// Label is a name of the concept: matched exactly, after Unicode
	// normalisation and case folding, against the skos:prefLabel,
	// skos:altLabel and rdfs:label of concepts and classes; failing that,
	// handed to Resolver.
	Label string
	// IncludeRetired keeps retired products (lifecycle status
	// kplane:Retired) in the answer.
	IncludeRetired bool
	// ExactOnly leaves out the hits that need a skos:closeMatch.
	ExactOnly bool
	// Limit caps the number of hits; zero means no cap.
	Limit int
	// Resolver resolves a Label that is no label of any concept, typically
	// through full-text search. Nil leaves such a label unresolved.
	Resolver Resolver
}

// Node is a resource named in an explanation.
type Node struct {
	Term  rdf.Term
	Label string
}

// String returns the label, or the IRI when there is none.
func (n Node) String() string {
	if n.Label != "" {
		return n.Label
	}
	if n.Term.Kind == rdf.KindIRI {
		return "<" + n.Term.Value + ">"
	}
	return n.Term.String()
}

// Step is one link of an explanation: the statement "From Relation To"
// holds in the store (possibly stated through the inverse property).
type Step struct {
	From     Node
	Relation Relation
	To       Node
}

// Explanation is the path from a product to the concept asked about.
type Explanation []Step

// String renders the path on one line, e.g. "Invoices → outputs Invoice
// headers → conforms to Invoices logical model → defines Invoice → defines
// bill_to_client_id → represents Client → exactMatch Customer".
func (e Explanation) String() string {
	if len(e) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(e[0].From.String())
	for _, s := range e {
		b.WriteString(" → ")
		b.WriteString(s.Relation.String())
		b.WriteByte(' ')
		b.WriteString(s.To.String())
	}
	return b.String()
}

// Hit is one product about the concept asked about.
type Hit struct {
	Product rdf.Term
	Label   string
	// Score orders hits: every exact-meaning hit scores above 0.5, every
	// hit through a close match at most 0.5, and shorter paths score
	// higher than longer ones.
	Score float64
	// Close is set when the best path crosses a skos:closeMatch.
	Close bool
	// Retired is set for products whose lifecycle status is kplane:Retired.
	Retired     bool
	Explanation Explanation
}

// About finds the data products that are about a concept. A product is
// about X when one of its meaning links points at a member of X's meaning
// closure (see MeaningClosure): its dcat:theme or dct:subject, or the
// dct:subject of an entity or attribute of a logical model (SHACL shapes,
// or shapes imported from an ODCS contract) that one of its output datasets
// conforms to. Input ports do not count: a product is not about what it
// merely consumes. Each product is reported once, with its best path.
//
// About caches what it reads, and its answers, per store state
// (graph.Snapshot.Version), so repeated calls on snapshots of unchanged
// data get faster.
func About(ctx context.Context, snap *graph.Snapshot, q AboutQuery) ([]Hit, Resolution, error) {
	sc := cacheFor(snap)
	res, err := sc.resolve(ctx, snap, q)
	if err != nil || len(res.Concepts) == 0 {
		return nil, res, err
	}
	roots := make([]graph.ID, len(res.Concepts))
	for i, c := range res.Concepts {
		roots[i] = graph.TermID(c.Term)
	}
	key := answerKey(roots, q)
	if hits, ok := sc.answer(key); ok {
		return hits, res, nil
	}
	hits, err := sc.about(ctx, snap, roots, q)
	if err != nil {
		return nil, res, err
	}
	sc.putAnswer(key, hits)
	return cloneHits(hits), res, nil
}

// about answers q for the resolved roots.
func (sc *stateCache) about(ctx context.Context, snap *graph.Snapshot, roots []graph.ID, q AboutQuery) ([]Hit, error) {
	cl, err := sc.closure(ctx, snap, roots, !q.ExactOnly)
	if err != nil {
		return nil, err
	}
	cands, err := sc.candidates(ctx, snap, cl, q.IncludeRetired)
	if err != nil {
		return nil, err
	}
	// Order by score, then by product IRI; decode labels only for the
	// hits returned. The sort moves small keys, not candidates.
	type sortKey struct {
		score float64
		iri   string
		i     int
	}
	keys := make([]sortKey, len(cands))
	for i, c := range cands {
		t, err := sc.term(snap, c.product)
		if err != nil {
			return nil, err
		}
		keys[i] = sortKey{c.score(), t.Value, i}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.iri, b.iri)
	})
	if q.Limit > 0 && len(keys) > q.Limit {
		keys = keys[:q.Limit]
	}
	hits := make([]Hit, 0, len(keys))
	for _, k := range keys {
		h, err := sc.hit(ctx, snap, cl, cands[k.i])
		if err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, nil
}

// answerKey identifies the answer to q once its concepts are resolved:
// the roots and the options that change the hits.
func answerKey(roots []graph.ID, q AboutQuery) string {
	var b strings.Builder
	b.Grow(len(roots)*len(graph.ID{}) + 16)
	for _, r := range roots {
		b.Write(r[:])
	}
	fmt.Fprintf(&b, "|%t|%t|%d", q.IncludeRetired, q.ExactOnly, max(q.Limit, 0))
	return b.String()
}

// cloneHits copies hits and their explanations, so that a caller may
// change what it gets without changing the cached answer.
func cloneHits(hits []Hit) []Hit {
	out := slices.Clone(hits)
	for i := range out {
		out[i].Explanation = slices.Clone(out[i].Explanation)
	}
	return out
}

// hop is a step of the path from a product to a node carrying a meaning
// link, read "from rel to".
type hop struct {
	from, to graph.ID
	rel      Relation
}

// target is one way a node carrying a meaning link leads to a product:
// hops go from the product to the node.
type target struct {
	product graph.ID
	hops    []hop
	// shape is set when the node is an entity or attribute of a model
	// rather than the product or its dataset.
	shape bool
	// retired is set when the product is retired.
	retired bool
}

// candidate is the best path found so far to one product.
type candidate struct {
	product graph.ID
	target  target
	link    link
	member  Member
	retired bool
}

func (c candidate) length() int { return len(c.target.hops) + 1 + c.member.Depth }

func (c candidate) score() float64 {
	s := 0.5 / float64(1+c.length())
	if c.member.Close {
		return s
	}
	return 0.5 + s
}

func better(a, b candidate) bool {
	if a.member.Close != b.member.Close {
		return !a.member.Close
	}
	return a.length() < b.length()
}

// candidates walks the meaning links of every member of the closure to the
// products they belong to and keeps the best path per product.
func (sc *stateCache) candidates(ctx context.Context, snap *graph.Snapshot, cl *Closure, includeRetired bool) ([]candidate, error) {
	best := make(map[graph.ID]int)
	var out []candidate
	for _, m := range cl.Members {
		e, err := sc.edgesOf(ctx, snap, m.ID)
		if err != nil {
			return nil, err
		}
		for _, l := range e.links {
			targets, err := sc.targetsOf(ctx, snap, l.s)
			if err != nil {
				return nil, err
			}
			for _, t := range targets {
				if t.retired && !includeRetired {
					continue
				}
				c := candidate{product: t.product, target: t, link: l, member: m, retired: t.retired}
				if i, ok := best[t.product]; ok {
					if better(c, out[i]) {
						out[i] = c
					}
					continue
				}
				best[t.product] = len(out)
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// productInfo is what discovery needs to know about a resource that might
// be a product.
type productInfo struct {
	isProduct bool
	retired   bool
}

// The product side of the catalog (which resources are products, which are
// retired, which products publish a dataset, which datasets conform to a
// model) is looked up through the indexes from the nodes a query reaches,
// never read in full: a query touches a few hundred of the catalog's
// products, and reading all of them would make the first query on every
// store state pay for the whole catalog. Each answer is cached per store
// state.

// product reports whether p is a data product, and whether it is retired.
func (sc *stateCache) product(ctx context.Context, snap *graph.Snapshot, p graph.ID) (productInfo, error) {
	f, err := sc.facts(ctx, snap, p)
	if err != nil {
		return productInfo{}, err
	}
	return f.product, nil
}

// nodeFacts are what discovery needs to know about a node from the
// statements it is the subject of: whether it is a product (and retired),
// the models it is defined by, and the literals a display label may be
// taken from. They come from one scan, so that a node reached by a query
// costs one index seek, whatever is asked about it.
type nodeFacts struct {
	product   productInfo
	definedBy []graph.ID
	labels    []labelCandidate
	// shape is set for SHACL node and property shapes (entities and
	// attributes of logical models).
	shape bool
}

// labelCandidate is a literal that may be a node's display label, with
// the rank of the property it is the value of (see labelRank).
type labelCandidate struct {
	rank int
	lit  graph.ID
}

// facts reads (once per store state) the nodeFacts of n.
func (sc *stateCache) facts(ctx context.Context, snap *graph.Snapshot, n graph.ID) (*nodeFacts, error) {
	if f, ok := sc.nodeFacts.get(n); ok {
		return f, nil
	}
	f := &nodeFacts{}
	if n.IsZero() || n.IsLiteral() {
		return f, nil
	}
	it := snap.Scan(ctx, graph.Pattern{S: n, Graph: graph.AllGraphs})
	defer it.Close()
	for it.Next() {
		q := it.Quad()
		switch {
		case q.P == idType && q.O == idDataProduct:
			f.product.isProduct = true
		case q.P == idLifecycleStatus && q.O == idRetired:
			f.product.retired = true
		case q.P == idType && (q.O == idNodeShape || q.O == idPropertyShape):
			f.shape = true
		case q.P == idIsDefinedBy:
			f.definedBy = appendNew(f.definedBy, q.O)
		case q.O.IsLiteral():
			if r := labelRank(q.P); r != 0 {
				f.labels = append(f.labels, labelCandidate{r, q.O})
			}
		}
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("ontology: read %s: %w", n, err)
	}
	// Only products have a lifecycle status that matters.
	f.product.retired = f.product.retired && f.product.isProduct
	sc.nodeFacts.put(n, f)
	return f, nil
}

// producersOf returns the products that publish dataset d, following the
// DPROD modelling backwards: distribution dprod:isDistributionOf d, port
// dprod:isAccessServiceOf distribution, product dprod:outputPort port.
func (sc *stateCache) producersOf(ctx context.Context, snap *graph.Snapshot, d graph.ID) ([]graph.ID, error) {
	if ps, ok := sc.producers.get(d); ok {
		return ps, nil
	}
	var out []graph.ID
	if !d.IsLiteral() && !d.IsZero() {
		dists, err := subjects(ctx, snap, idDistributionOf, d)
		if err != nil {
			return nil, fmt.Errorf("ontology: read producers of %s: %w", d, err)
		}
		for _, dist := range dists {
			ports, err := subjects(ctx, snap, idAccessService, dist)
			if err != nil {
				return nil, fmt.Errorf("ontology: read producers of %s: %w", d, err)
			}
			for _, port := range ports {
				prods, err := subjects(ctx, snap, idOutputPort, port)
				if err != nil {
					return nil, fmt.Errorf("ontology: read producers of %s: %w", d, err)
				}
				for _, p := range prods {
					out = appendNew(out, p)
				}
			}
		}
	}
	sc.producers.put(d, out)
	return out, nil
}

// conformersOf returns the datasets that conform to model m.
func (sc *stateCache) conformersOf(ctx context.Context, snap *graph.Snapshot, m graph.ID) ([]graph.ID, error) {
	if ds, ok := sc.conformers.get(m); ok {
		return ds, nil
	}
	ds, err := subjects(ctx, snap, idConformsTo, m)
	if err != nil {
		return nil, fmt.Errorf("ontology: read datasets conforming to %s: %w", m, err)
	}
	sc.conformers.put(m, ds)
	return ds, nil
}

func appendNew(ids []graph.ID, id graph.ID) []graph.ID {
	if slices.Contains(ids, id) {
		return ids
	}
	return append(ids, id)
}

// targetsOf finds the products a node carrying a meaning link belongs to:
// the node itself when it is a product; the products that output it when it
// is a dataset; and when it is a model element, the products whose output
// datasets conform to its model (its own rdfs:isDefinedBy, or when it has
// none, that of the node shape that lists it as sh:property).
func (sc *stateCache) targetsOf(ctx context.Context, snap *graph.Snapshot, n graph.ID) ([]target, error) {
	if t, ok := sc.targets.get(n); ok {
		return t, nil
	}
	var out []target
	info, err := sc.product(ctx, snap, n)
	if err != nil {
		return nil, err
	}
	if info.isProduct {
		out = append(out, target{product: n})
	}
	nf, err := sc.facts(ctx, snap, n)
	if err != nil {
		return nil, err
	}
	// A dataset with a theme of its own. Shapes, the most common
	// carriers of meaning links, are not datasets: looking for their
	// publishers would cost a seek each for nothing.
	if !nf.shape {
		prods, err := sc.producersOf(ctx, snap, n)
		if err != nil {
			return nil, err
		}
		for _, p := range prods {
			out = append(out, target{product: p, hops: []hop{{p, n, RelOutputs}}})
		}
	}
	// A model element: its model, or its entity's model.
	type via struct{ model, entity graph.ID }
	var models []via
	direct := nf.definedBy
	for _, m := range direct {
		models = append(models, via{model: m})
	}
	var parents []graph.ID
	if len(direct) == 0 {
		if parents, err = subjects(ctx, snap, idSHProperty, n); err != nil {
			return nil, err
		}
	}
	for _, ent := range parents {
		ef, err := sc.facts(ctx, snap, ent)
		if err != nil {
			return nil, err
		}
		for _, m := range ef.definedBy {
			if !slices.Contains(direct, m) {
				models = append(models, via{model: m, entity: ent})
			}
		}
	}
	for _, v := range models {
		datasets, err := sc.conformersOf(ctx, snap, v.model)
		if err != nil {
			return nil, err
		}
		for _, d := range datasets {
			prods, err := sc.producersOf(ctx, snap, d)
			if err != nil {
				return nil, err
			}
			for _, p := range prods {
				hops := []hop{{p, d, RelOutputs}, {d, v.model, RelConformsTo}}
				if v.entity.IsZero() {
					hops = append(hops, hop{v.model, n, RelDefines})
				} else {
					hops = append(hops, hop{v.model, v.entity, RelDefines}, hop{v.entity, n, RelDefines})
				}
				out = append(out, target{product: p, hops: hops, shape: true})
			}
		}
	}
	for i, t := range out {
		info, err := sc.product(ctx, snap, t.product)
		if err != nil {
			return nil, err
		}
		out[i].retired = info.retired
	}
	sc.targets.put(n, out)
	return out, nil
}

// hit decodes a candidate into a Hit with its explanation.
func (sc *stateCache) hit(ctx context.Context, snap *graph.Snapshot, cl *Closure, c candidate) (Hit, error) {
	var steps []hop
	steps = append(steps, c.target.hops...)
	linkFrom := c.link.s
	rel := RelSubject
	switch {
	case c.target.shape:
		rel = RelRepresents
	case c.link.theme:
		rel = RelTheme
	}
	steps = append(steps, hop{linkFrom, c.member.ID, rel})
	for _, m := range cl.Path(c.member.ID) {
		if m.Pred.IsZero() {
			break
		}
		steps = append(steps, hop{m.ID, m.Pred, m.Rel})
	}
	product, err := sc.node(ctx, snap, c.product)
	if err != nil {
		return Hit{}, err
	}
	h := Hit{Product: product.Term, Label: product.Label, Score: c.score(), Close: c.member.Close, Retired: c.retired}
	h.Explanation = make(Explanation, 0, len(steps))
	for _, s := range steps {
		from, err := sc.node(ctx, snap, s.from)
		if err != nil {
			return Hit{}, err
		}
		to, err := sc.node(ctx, snap, s.to)
		if err != nil {
			return Hit{}, err
		}
		h.Explanation = append(h.Explanation, Step{From: from, Relation: s.rel, To: to})
	}
	return h, nil
}

// node returns id decoded, with its display label (see label); both are
// cached per store state.
func (sc *stateCache) node(ctx context.Context, snap *graph.Snapshot, id graph.ID) (Node, error) {
	if n, ok := sc.nodes.get(id); ok {
		return n, nil
	}
	t, err := sc.term(snap, id)
	if err != nil {
		return Node{}, err
	}
	l, err := sc.label(ctx, snap, id)
	if err != nil {
		return Node{}, err
	}
	n := Node{Term: t, Label: l}
	sc.nodes.put(id, n)
	return n, nil
}

// term decodes id once per store state. The store's own term cache is
// shared with every reader and cleared when full; discovery decodes the
// same few thousand nodes on every call, so it keeps them itself.
func (sc *stateCache) term(snap *graph.Snapshot, id graph.ID) (rdf.Term, error) {
	if t, ok := sc.terms.get(id); ok {
		return t, nil
	}
	t, err := snap.Term(id)
	if err != nil {
		return rdf.Term{}, fmt.Errorf("ontology: decode %s: %w", id, err)
	}
	sc.terms.put(id, t)
	return t, nil
}

// labelRank orders the properties a display label is taken from.
func labelRank(p graph.ID) int {
	switch p {
	case idPrefLabel:
		return 1
	case idTitle:
		return 2
	case idSHName: // the attribute's name says more than its business name
		return 3
	case idRDFSLabel:
		return 4
	}
	return 0
}

// label returns a display label for a resource: its skos:prefLabel,
// dct:title, sh:name or rdfs:label, preferring English or untagged text;
// "" when it has none. Callers cache it through node.
func (sc *stateCache) label(ctx context.Context, snap *graph.Snapshot, id graph.ID) (string, error) {
	if id.IsLiteral() || id.IsZero() {
		return "", nil
	}
	f, err := sc.facts(ctx, snap, id)
	if err != nil {
		return "", err
	}
	bestRank, bestLang := 0, 0
	var best string
	for _, c := range f.labels {
		if bestRank != 0 && c.rank > bestRank {
			continue
		}
		t, err := snap.Term(c.lit)
		if err != nil {
			return "", fmt.Errorf("ontology: read label of %s: %w", id, err)
		}
		lang := langPreference(t.Lang)
		if bestRank == 0 || c.rank < bestRank || lang < bestLang || (lang == bestLang && t.Value < best) {
			best, bestRank, bestLang = t.Value, c.rank, lang
		}
	}
	return best, nil
}

// langPreference ranks language tags for display: English first, then no
// tag, then any other.
func langPreference(lang string) int {
	switch {
	case lang == "en" || strings.HasPrefix(lang, "en-"):
		return 0
	case lang == "":
		return 1
	}
	return 2
}

// exists reports whether the triple s p o is in any graph.
func exists(ctx context.Context, snap *graph.Snapshot, s, p, o graph.ID) (bool, error) {
	it := snap.Scan(ctx, graph.Pattern{S: s, P: p, O: o, Graph: graph.AllGraphs})
	defer it.Close()
	found := it.Next()
	return found, it.Err()
}

// objects returns the distinct objects of s p ? in all graphs.
func objects(ctx context.Context, snap *graph.Snapshot, s, p graph.ID) ([]graph.ID, error) {
	it := snap.Scan(ctx, graph.Pattern{S: s, P: p, Graph: graph.AllGraphs})
	defer it.Close()
	var out []graph.ID
	for it.Next() {
		if o := it.Quad().O; !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out, it.Err()
}

// subjects returns the distinct subjects of ? p o in all graphs.
func subjects(ctx context.Context, snap *graph.Snapshot, p, o graph.ID) ([]graph.ID, error) {
	it := snap.Scan(ctx, graph.Pattern{P: p, O: o, Graph: graph.AllGraphs})
	defer it.Close()
	var out []graph.ID
	for it.Next() {
		if s := it.Quad().S; !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, it.Err()
}

var errNoConcept = errors.New("ontology: query names no concept and no label")
