package search

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// Types of the resources the index holds.
const (
	TypeProduct   = "product"
	TypeDataset   = "dataset"
	TypeConcept   = "concept"
	TypeScheme    = "scheme"
	TypeClass     = "class"
	TypeProperty  = "property"
	TypeEntity    = "entity"
	TypeAttribute = "attribute"
	TypeDomain    = "domain"
	TypeOwner     = "owner"
)

// Types lists every resource type, in the order a resource with several
// rdf:types is classified: the first that applies wins.
var Types = []string{TypeProduct, TypeDataset, TypeConcept, TypeScheme, TypeEntity, TypeAttribute, TypeClass, TypeProperty, TypeDomain, TypeOwner}

func iri(s string) graph.ID { return graph.TermID(rdf.IRI(s)) }

const (
	foafName              = "http://xmlns.com/foaf/0.1/name"
	foafPerson            = "http://xmlns.com/foaf/0.1/Person"
	owlObjectProperty     = "http://www.w3.org/2002/07/owl#ObjectProperty"
	owlDatatypeProperty   = "http://www.w3.org/2002/07/owl#DatatypeProperty"
	rdfProperty           = rdf.RDFNS + "Property"
	rdfsClass             = rdf.RDFSNS + "Class"
	metadataGraphName     = graph.MetadataGraph
	defaultGraphKey       = "" // key of the default graph in the hash record
	maxMeaningDepth       = 8  // hops followed from a linked concept
	maxLabelsPerField     = 150
	maxValuesPerFacetList = 50
)

// classes maps rdf:type objects to resource types.
var classes = map[graph.ID]string{
	iri(ontology.DPRODDataProduct):      TypeProduct,
	iri(ontology.DCATDataset):           TypeDataset,
	iri(ontology.SKOSConcept):           TypeConcept,
	iri(ontology.SKOSConceptScheme):     TypeScheme,
	iri(ontology.SHNodeShape):           TypeEntity,
	iri(ontology.SHPropertyShape):       TypeAttribute,
	iri(ontology.OWLClass):              TypeClass,
	iri(rdfsClass):                      TypeClass,
	iri(owlObjectProperty):              TypeProperty,
	iri(owlDatatypeProperty):            TypeProperty,
	iri(rdfProperty):                    TypeProperty,
	iri(ontology.KplaneDomain):          TypeDomain,
	iri(ontology.PROVPerson):            TypeOwner,
	iri(foafPerson):                     TypeOwner,
	iri(ontology.ORGOrganizationalUnit): TypeOwner,
}

var (
	idType          = iri(rdf.RDFType)
	idPrefLabel     = iri(ontology.SKOSPrefLabel)
	idAltLabel      = iri(ontology.SKOSAltLabel)
	idHiddenLabel   = iri(ontology.SKOSHiddenLabel)
	idNotation      = iri(ontology.SKOSNotation)
	idDefinition    = iri(ontology.SKOSDefinition)
	idScopeNote     = iri(ontology.SKOSScopeNote)
	idNote          = iri(ontology.SKOSNote)
	idInScheme      = iri(ontology.SKOSInScheme)
	idRDFSLabel     = iri(ontology.RDFSLabel)
	idComment       = iri(ontology.RDFSComment)
	idTitle         = iri(ontology.DCTermsTitle)
	idDescription   = iri(ontology.DCTermsDescription)
	idIdentifier    = iri(ontology.DCTermsIdentifier)
	idSubject       = iri(ontology.DCTermsSubject)
	idConformsTo    = iri(ontology.DCTermsConformsTo)
	idTheme         = iri(ontology.DCATTheme)
	idKeyword       = iri(ontology.DCATKeyword)
	idPurpose       = iri(ontology.DPRODPurpose)
	idLifecycle     = iri(ontology.DPRODLifecycleStatus)
	idProductOwner  = iri(ontology.DPRODDataProductOwner)
	idProductDomain = iri(ontology.DPRODDomain)
	idOutputPort    = iri(ontology.DPRODOutputPort)
	idAccessService = iri(ontology.DPRODIsAccessServiceOf)
	idDistribution  = iri(ontology.DPRODIsDistributionOf)
	idOwnerDomain   = iri(ontology.KplaneOwnerDomain)
	idOwnerTeam     = iri(ontology.KplaneOwnerTeam)
	idSteward       = iri(ontology.KplaneSteward)
	idIsDefinedBy   = iri(ontology.RDFSIsDefinedBy)
	idSHProperty    = iri(ontology.SHProperty)
	idSHName        = iri(ontology.SHName)
	idSHDescription = iri(ontology.SHDescription)
	idFOAFName      = iri(foafName)

	idExactMatch  = iri(ontology.SKOSExactMatch)
	idEquivalent  = iri(ontology.OWLEquivalentClass)
	idSameAs      = iri(ontology.OWLSameAs)
	idBroader     = iri(ontology.SKOSBroader)
	idNarrower    = iri(ontology.SKOSNarrower)
	idBroadMatch  = iri(ontology.SKOSBroadMatch)
	idNarrowMatch = iri(ontology.SKOSNarrowMatch)
	idSubClassOf  = iri(ontology.RDFSSubClassOf)
	idCloseMatch  = iri(ontology.SKOSCloseMatch)

	idMetadataGraph = iri(metadataGraphName)
)

// edge is one statement about a subject: predicate, object and the graph
// that states it.
type edge struct{ p, o, g graph.ID }

// document is what the index stores about one resource.
type document struct {
	id    rdf.Term
	kind  string
	label string

	name, syn, text     []string
	concept, conceptVia []string
	broader, broaderVia []string

	domain, scheme, owner, lifecycle, lang []string

	graphs map[graph.ID]bool // graphs the document drew on
	deps   map[graph.ID]bool // resources whose statements it drew on
}

// fields renders the document for Bleve.
func (d *document) fields(graphKey func(graph.ID) string) map[string]any {
	m := map[string]any{
		fieldType:  d.kind,
		fieldLabel: d.label,
		// Lists no search reads are stored as one value each: a value
		// costs a document read some 300 ns, and a product has dozens.
		fieldConceptBy:     joinStored(d.conceptVia),
		fieldBroaderBy:     joinStored(d.broaderVia),
		fieldBroaderStored: joinStored(d.broader),
		fieldDomain:        d.domain,
		fieldScheme:        d.scheme,
		fieldOwner:         d.owner,
		fieldLifecycle:     d.lifecycle,
		fieldLang:          d.lang,
	}
	values := map[string][]string{
		fieldName: d.name, fieldSyn: d.syn, fieldConcept: d.concept,
		fieldBroader: d.broader, fieldText: d.text,
	}
	for f, v := range values {
		m[f] = v
		if hasWords(f) {
			m[f+suffixWord] = v
		}
	}
	graphs := make([]string, 0, len(d.graphs))
	for g := range d.graphs {
		graphs = append(graphs, graphKey(g))
	}
	m[fieldGraphs] = graphs
	deps := make([]string, 0, len(d.deps))
	for id := range d.deps {
		deps = append(deps, id.String())
	}
	m[fieldDeps] = deps
	return m
}

// storedSeparator joins the values of a list stored as one value.
const storedSeparator = "\x1f"

func joinStored(values []string) string { return strings.Join(values, storedSeparator) }

// addText appends s to *list unless an equal text (ignoring case) is there.
func addText(list *[]string, s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(*list) >= maxLabelsPerField {
		return false
	}
	for _, x := range *list {
		if strings.EqualFold(x, s) {
			return false
		}
	}
	*list = append(*list, s)
	return true
}

func addValue(list *[]string, s string) {
	if s != "" && len(*list) < maxValuesPerFacetList && !slices.Contains(*list, s) {
		*list = append(*list, s)
	}
}

// link is a product's (or dataset's, or model element's) meaning link to
// a concept, with a short description of where it is stated.
type link struct {
	concept graph.ID
	via     string
}

// member is a concept reached from a linked concept, with the path that
// reaches it.
type member struct {
	id    graph.ID
	path  string // e.g. " exactMatch Customer"
	broad bool   // broader or close, not equivalent
	close bool   // reached through skos:closeMatch: not expanded further
}

// meaningEntry is a cached meaning: its members and the graphs of the
// statements that connect them.
type meaningEntry struct {
	members []member
	graphs  []graph.ID
}

// productLink is one way a product publishes a dataset.
type productLink struct {
	product, port, dist graph.ID
	graphs              [3]graph.ID
}

// builder builds documents from one snapshot, caching what it reads.
type builder struct {
	ctx  context.Context
	snap *graph.Snapshot

	edges    map[graph.ID][]edge
	meanings map[graph.ID]meaningEntry
	labels   map[graph.ID]string

	catalogRead bool
	producers   map[graph.ID][]productLink // dataset -> products
	outputs     map[graph.ID][]graph.ID    // product -> datasets
	conformers  map[graph.ID][]graph.ID    // model -> datasets
}

func newBuilder(ctx context.Context, snap *graph.Snapshot) *builder {
	return &builder{
		ctx: ctx, snap: snap,
		edges:    make(map[graph.ID][]edge),
		meanings: make(map[graph.ID]meaningEntry),
		labels:   make(map[graph.ID]string),
	}
}

// read returns the statements about s in every graph but the metadata
// graph.
func (b *builder) read(s graph.ID) ([]edge, error) {
	if e, ok := b.edges[s]; ok {
		return e, nil
	}
	var out []edge
	it := b.snap.Scan(b.ctx, graph.Pattern{S: s, Graph: graph.AllGraphs})
	for it.Next() {
		q := it.Quad()
		if q.G == idMetadataGraph {
			continue
		}
		out = append(out, edge{q.P, q.O, q.G})
	}
	it.Close()
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("search: read statements about %s: %w", s, err)
	}
	if len(b.edges) > 200000 {
		clear(b.edges) // bound memory on very large rebuilds
	}
	b.edges[s] = out
	return out, nil
}

// track reads s for document d, recording the dependency.
func (b *builder) track(d *document, s graph.ID) ([]edge, error) {
	e, err := b.read(s)
	if err != nil {
		return nil, err
	}
	d.deps[s] = true
	for _, x := range e {
		d.graphs[x.g] = true
	}
	return e, nil
}

func objectsOf(e []edge, p graph.ID) []graph.ID {
	var out []graph.ID
	for _, x := range e {
		if x.p == p && !slices.Contains(out, x.o) {
			out = append(out, x.o)
		}
	}
	return out
}

// subjectsOf returns the subjects of "? p o" outside the metadata graph,
// with the graphs that state them.
func (b *builder) subjectsOf(p, o graph.ID) ([]edge, error) {
	var out []edge
	it := b.snap.Scan(b.ctx, graph.Pattern{P: p, O: o, Graph: graph.AllGraphs})
	for it.Next() {
		q := it.Quad()
		if q.G != idMetadataGraph {
			out = append(out, edge{p, q.S, q.G})
		}
	}
	it.Close()
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("search: read subjects of %s: %w", o, err)
	}
	return out, nil
}

func (b *builder) term(id graph.ID) (rdf.Term, error) {
	t, err := b.snap.Term(id)
	if err != nil {
		return rdf.Term{}, fmt.Errorf("search: decode term %s: %w", id, err)
	}
	return t, nil
}

// readCatalog reads which datasets each product publishes and which
// datasets conform to each model: a few statements per product, read in
// full once per builder.
func (b *builder) readCatalog() error {
	if b.catalogRead {
		return nil
	}
	b.producers = make(map[graph.ID][]productLink)
	b.outputs = make(map[graph.ID][]graph.ID)
	b.conformers = make(map[graph.ID][]graph.ID)
	type hop struct{ from, g graph.ID }
	ports := make(map[graph.ID][]hop) // port -> products
	dists := make(map[graph.ID][]hop) // distribution -> ports
	scan := func(p graph.ID, fn func(q graph.EncodedQuad)) error {
		it := b.snap.Scan(b.ctx, graph.Pattern{P: p, Graph: graph.AllGraphs})
		defer it.Close()
		for it.Next() {
			if q := it.Quad(); q.G != idMetadataGraph {
				fn(q)
			}
		}
		return it.Err()
	}
	err := scan(idOutputPort, func(q graph.EncodedQuad) { ports[q.O] = append(ports[q.O], hop{q.S, q.G}) })
	if err == nil {
		err = scan(idAccessService, func(q graph.EncodedQuad) { dists[q.O] = append(dists[q.O], hop{q.S, q.G}) })
	}
	if err == nil {
		err = scan(idDistribution, func(q graph.EncodedQuad) {
			for _, port := range dists[q.S] {
				for _, prod := range ports[port.from] {
					b.producers[q.O] = append(b.producers[q.O], productLink{
						product: prod.from, port: port.from, dist: q.S,
						graphs: [3]graph.ID{prod.g, port.g, q.G},
					})
					if !slices.Contains(b.outputs[prod.from], q.O) {
						b.outputs[prod.from] = append(b.outputs[prod.from], q.O)
					}
				}
			}
		})
	}
	if err == nil {
		err = scan(idConformsTo, func(q graph.EncodedQuad) {
			if !slices.Contains(b.conformers[q.O], q.S) {
				b.conformers[q.O] = append(b.conformers[q.O], q.S)
			}
		})
	}
	if err != nil {
		return fmt.Errorf("search: read product catalog: %w", err)
	}
	b.catalogRead = true
	return nil
}

// classify returns the resource type of s from its rdf:types, "" when it
// is nothing the index holds.
func classify(e []edge) string {
	best := -1
	for _, x := range e {
		if x.p != idType {
			continue
		}
		if k, ok := classes[x.o]; ok {
			if i := slices.Index(Types, k); best < 0 || i < best {
				best = i
			}
		}
	}
	if best < 0 {
		for _, x := range e {
			// Owners are often only named by what they own.
			if x.p == idFOAFName {
				return TypeOwner
			}
		}
		return ""
	}
	return Types[best]
}

// build returns the document of resource id, or nil when the index holds
// nothing about it.
func (b *builder) build(id graph.ID) (*document, error) {
	if !id.IsIRI() {
		return nil, nil
	}
	e, err := b.read(id)
	if err != nil || len(e) == 0 {
		return nil, err
	}
	kind := classify(e)
	if kind == "" {
		return nil, nil
	}
	t, err := b.term(id)
	if err != nil {
		return nil, err
	}
	d := &document{id: t, kind: kind, graphs: make(map[graph.ID]bool), deps: make(map[graph.ID]bool)}
	if _, err := b.track(d, id); err != nil {
		return nil, err
	}
	if err := b.describe(d, e); err != nil {
		return nil, err
	}
	var links []link
	switch kind {
	case TypeProduct:
		links, err = b.product(d, id, e)
	case TypeDataset:
		links, err = b.dataset(d, id, e, "")
	case TypeConcept, TypeClass, TypeProperty:
		links = []link{{concept: id}}
		for _, s := range objectsOf(e, idInScheme) {
			addValue(&d.scheme, b.iriValue(s))
			se, err := b.track(d, s)
			if err != nil {
				return nil, err
			}
			for _, dom := range objectsOf(se, idOwnerDomain) {
				addValue(&d.domain, b.iriValue(dom))
			}
		}
		if err := b.definedByDomain(d, e); err != nil {
			return nil, err
		}
	case TypeEntity, TypeAttribute:
		links, err = b.modelElement(d, id, e)
	case TypeDomain:
		for _, o := range objectsOf(e, idOwnerTeam) {
			addValue(&d.owner, b.iriValue(o))
		}
		addValue(&d.domain, t.Value)
	}
	if err != nil {
		return nil, err
	}
	if err := b.addMeaning(d, id, links); err != nil {
		return nil, err
	}
	if d.label == "" {
		d.label = localName(t.Value)
	}
	return d, nil
}

// describe fills labels, texts, languages, domain and owner from the
// resource's own statements.
func (b *builder) describe(d *document, e []edge) error {
	type ranked struct {
		text      string
		rank, lng int
	}
	var best ranked
	langs := map[string]bool{}
	for _, x := range e {
		if !x.o.IsLiteral() {
			switch x.p {
			case idProductDomain, idOwnerDomain:
				addValue(&d.domain, b.iriValue(x.o))
			case idProductOwner, idSteward:
				addValue(&d.owner, b.iriValue(x.o))
			case idLifecycle:
				addValue(&d.lifecycle, strings.ToLower(localName(b.iriValue(x.o))))
			}
			continue
		}
		rank := labelRank(d.kind, x.p)
		textual := rank > 0 || x.p == idAltLabel || x.p == idHiddenLabel || x.p == idKeyword ||
			x.p == idNotation || isDescription(x.p) || x.p == idIdentifier
		if !textual {
			continue
		}
		lit, err := b.term(x.o)
		if err != nil {
			return err
		}
		lang := primaryLang(lit.Lang)
		if lang != "" {
			langs[lang] = true
		}
		english := lang == "" || lang == "en"
		switch {
		case isDescription(x.p):
			addText(&d.text, lit.Value)
		case rank > 0 && english:
			addText(&d.name, lit.Value)
		case x.p == idIdentifier && d.kind != TypeEntity:
			// Identifiers of products and contracts are codes, not names.
		default:
			addText(&d.syn, lit.Value)
		}
		if rank > 0 {
			r := ranked{lit.Value, rank, langPreference(lang)}
			if best.rank == 0 || r.rank < best.rank || (r.rank == best.rank && (r.lng < best.lng || r.lng == best.lng && r.text < best.text)) {
				best = r
			}
		}
	}
	d.label = best.text
	for l := range langs {
		d.lang = append(d.lang, l)
	}
	slices.Sort(d.lang)
	return nil
}

// labelRank orders the properties a display label is taken from; zero for
// properties that give no primary label.
func labelRank(kind string, p graph.ID) int {
	switch p {
	case idPrefLabel:
		return 1
	case idTitle:
		return 2
	case idSHName:
		return 3
	case idRDFSLabel:
		if kind == TypeEntity { // an entity's business name is its best name
			return 2
		}
		return 4
	case idFOAFName:
		return 4
	}
	return 0
}

func isDescription(p graph.ID) bool {
	switch p {
	case idDefinition, idScopeNote, idNote, idDescription, idComment, idPurpose, idSHDescription:
		return true
	}
	return false
}

func primaryLang(tag string) string {
	tag = strings.ToLower(tag)
	if i := strings.IndexByte(tag, '-'); i > 0 {
		tag = tag[:i]
	}
	return tag
}

func langPreference(lang string) int {
	switch lang {
	case "en":
		return 0
	case "":
		return 1
	}
	return 2
}

// iriValue returns the IRI of id, or "" for anything else.
func (b *builder) iriValue(id graph.ID) string {
	if !id.IsIRI() {
		return ""
	}
	t, err := b.snap.Term(id)
	if err != nil {
		return ""
	}
	return t.Value
}

func localName(iri string) string {
	if i := strings.LastIndexAny(iri, "/#"); i >= 0 && i < len(iri)-1 {
		return iri[i+1:]
	}
	return iri
}

// product collects a product's meaning links: its own dcat:theme and
// dct:subject, and those of its output datasets and of the entities and
// attributes of the models they conform to.
func (b *builder) product(d *document, id graph.ID, e []edge) ([]link, error) {
	links := themes(e, "")
	if err := b.readCatalog(); err != nil {
		return nil, err
	}
	for _, ds := range b.outputs[id] {
		for _, pl := range b.producers[ds] {
			if pl.product != id {
				continue
			}
			for _, n := range []graph.ID{pl.port, pl.dist} {
				if _, err := b.track(d, n); err != nil {
					return nil, err
				}
			}
			for _, g := range pl.graphs {
				d.graphs[g] = true
			}
		}
		l, err := b.dataset(d, ds, nil, "dataset ")
		if err != nil {
			return nil, err
		}
		links = append(links, l...)
	}
	return links, nil
}

// themes returns the dcat:theme and dct:subject links in e.
func themes(e []edge, prefix string) []link {
	var out []link
	for _, x := range e {
		switch x.p {
		case idTheme:
			out = append(out, link{x.o, prefix + "theme"})
		case idSubject:
			out = append(out, link{x.o, prefix + "subject"})
		}
	}
	return out
}

// dataset collects a dataset's meaning links; e is nil when the dataset is
// read for a product's document. A dataset's own document also takes the
// domain, owner and lifecycle of the products that publish it.
func (b *builder) dataset(d *document, id graph.ID, e []edge, prefix string) ([]link, error) {
	own := e != nil
	e, err := b.track(d, id)
	if err != nil {
		return nil, err
	}
	if !own {
		for _, x := range e {
			if x.p == idTitle && x.o.IsLiteral() {
				if t, err := b.term(x.o); err == nil {
					addText(&d.text, t.Value)
				}
			}
		}
	}
	links := themes(e, prefix)
	if own {
		if err := b.readCatalog(); err != nil {
			return nil, err
		}
		for _, pl := range b.producers[id] {
			pe, err := b.track(d, pl.product)
			if err != nil {
				return nil, err
			}
			for _, n := range []graph.ID{pl.port, pl.dist} {
				if _, err := b.track(d, n); err != nil {
					return nil, err
				}
			}
			for _, x := range pe {
				switch x.p {
				case idProductDomain:
					addValue(&d.domain, b.iriValue(x.o))
				case idProductOwner:
					addValue(&d.owner, b.iriValue(x.o))
				case idLifecycle:
					addValue(&d.lifecycle, strings.ToLower(localName(b.iriValue(x.o))))
				}
			}
		}
	}
	for _, model := range objectsOf(e, idConformsTo) {
		l, err := b.modelLinks(d, model)
		if err != nil {
			return nil, err
		}
		links = append(links, l...)
	}
	return links, nil
}

// modelLinks returns the dct:subject links of the entities and attributes
// of a logical model (SHACL shapes, or those an ODCS contract maps to).
func (b *builder) modelLinks(d *document, model graph.ID) ([]link, error) {
	if _, err := b.track(d, model); err != nil {
		return nil, err
	}
	shapes, err := b.subjectsOf(idIsDefinedBy, model)
	if err != nil {
		return nil, err
	}
	var links []link
	seen := map[graph.ID]bool{}
	var visit func(shape graph.ID, g graph.ID) error
	visit = func(shape graph.ID, g graph.ID) error {
		if seen[shape] {
			return nil
		}
		seen[shape] = true
		d.graphs[g] = true
		se, err := b.track(d, shape)
		if err != nil {
			return err
		}
		kind := "entity "
		if classify(se) == TypeAttribute {
			kind = "attribute "
		}
		subjects := objectsOf(se, idSubject)
		if len(subjects) > 0 {
			label, err := b.label(shape)
			if err != nil {
				return err
			}
			for _, c := range subjects {
				links = append(links, link{c, kind + label + " represents"})
			}
		}
		// Property shapes that do not name their model belong to it
		// through their node shape.
		for _, x := range se {
			if x.p == idSHProperty {
				if err := visit(x.o, x.g); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, s := range shapes {
		if err := visit(s.o, s.g); err != nil {
			return nil, err
		}
	}
	return links, nil
}

// modelElement describes an entity or attribute: its own meaning links,
// and the domain of its model.
func (b *builder) modelElement(d *document, id graph.ID, e []edge) ([]link, error) {
	links := themes(e, "")
	for i := range links {
		links[i].via = "represents"
	}
	models := objectsOf(e, idIsDefinedBy)
	if len(models) == 0 {
		parents, err := b.subjectsOf(idSHProperty, id)
		if err != nil {
			return nil, err
		}
		for _, p := range parents {
			d.deps[p.o] = true
			d.graphs[p.g] = true
			pe, err := b.track(d, p.o)
			if err != nil {
				return nil, err
			}
			models = append(models, objectsOf(pe, idIsDefinedBy)...)
		}
	}
	if err := b.readCatalog(); err != nil {
		return nil, err
	}
	for _, m := range models {
		me, err := b.track(d, m)
		if err != nil {
			return nil, err
		}
		for _, dom := range objectsOf(me, idOwnerDomain) {
			addValue(&d.domain, b.iriValue(dom))
		}
		if len(d.domain) > 0 {
			continue
		}
		// No owner stated on the model: the domains of the products
		// publishing data that conforms to it.
		for _, ds := range b.conformers[m] {
			for _, pl := range b.producers[ds] {
				pe, err := b.track(d, pl.product)
				if err != nil {
					return nil, err
				}
				for _, dom := range objectsOf(pe, idProductDomain) {
					addValue(&d.domain, b.iriValue(dom))
				}
			}
		}
	}
	return links, nil
}

// definedByDomain adds the owner domain of the model (rdfs:isDefinedBy)
// a class or property belongs to.
func (b *builder) definedByDomain(d *document, e []edge) error {
	for _, m := range objectsOf(e, idIsDefinedBy) {
		me, err := b.track(d, m)
		if err != nil {
			return err
		}
		for _, dom := range objectsOf(me, idOwnerDomain) {
			addValue(&d.domain, b.iriValue(dom))
		}
	}
	return nil
}

// addMeaning indexes the labels of the linked concepts and of what they
// mean: equivalent concepts in the concept field, broader and close ones in
// the broader field, each with a description of the link that reaches it.
// self is the resource itself: a concept's own labels are already indexed.
func (b *builder) addMeaning(d *document, self graph.ID, links []link) error {
	for _, l := range links {
		if l.concept.IsLiteral() || l.concept.IsZero() {
			continue
		}
		members, err := b.meaning(d, l.concept)
		if err != nil {
			return err
		}
		for _, m := range members {
			if m.id == self {
				continue
			}
			me, err := b.track(d, m.id)
			if err != nil {
				return err
			}
			if d.kind == TypeProduct || d.kind == TypeDataset || d.kind == TypeEntity || d.kind == TypeAttribute {
				for _, s := range objectsOf(me, idInScheme) {
					addValue(&d.scheme, b.iriValue(s))
				}
			}
			first, err := b.label(l.concept)
			if err != nil {
				return err
			}
			via := strings.TrimSpace(l.via + " " + first + m.path)
			for _, x := range me {
				if !x.o.IsLiteral() {
					continue
				}
				switch x.p {
				case idPrefLabel, idAltLabel, idHiddenLabel, idRDFSLabel:
				default:
					continue
				}
				lit, err := b.term(x.o)
				if err != nil {
					return err
				}
				if m.broad {
					if addText(&d.broader, lit.Value) {
						d.broaderVia = append(d.broaderVia, via)
					}
				} else if addText(&d.concept, lit.Value) {
					d.conceptVia = append(d.conceptVia, via)
				}
			}
		}
	}
	return nil
}

// meaning returns c and the concepts it means (equivalents, both ways,
// transitively), then the broader ones it is a kind of and the close
// matches of the equivalents. The statements read are recorded in d.
func (b *builder) meaning(d *document, c graph.ID) ([]member, error) {
	if m, ok := b.meanings[c]; ok {
		for _, x := range m.members {
			d.deps[x.id] = true
		}
		for _, g := range m.graphs {
			d.graphs[g] = true
		}
		return m.members, nil
	}
	var graphs []graph.ID // of the statements read, for later documents
	note := func(g graph.ID) {
		d.graphs[g] = true
		if !slices.Contains(graphs, g) {
			graphs = append(graphs, g)
		}
	}
	out := []member{{id: c}}
	index := map[graph.ID]bool{c: true}
	add := func(from member, to graph.ID, rel string, broad, close bool) {
		if index[to] || to.IsLiteral() || to.IsZero() || strings.Count(from.path, " ") >= 2*maxMeaningDepth {
			return
		}
		index[to] = true
		label, err := b.label(to)
		if err != nil || label == "" {
			label = "<" + b.iriValue(to) + ">"
		}
		out = append(out, member{id: to, path: from.path + " " + rel + " " + label, broad: broad || from.broad, close: close})
	}
	// Statements made from the other end: "X exactMatch c", "B narrower c".
	inverse := []struct {
		p   graph.ID
		rel string
		up  bool
	}{
		{idExactMatch, "exactMatch", false},
		{idEquivalent, "equivalentClass", false},
		{idSameAs, "sameAs", false},
		{idNarrower, "broader", true},
		{idNarrowMatch, "broadMatch", true},
	}
	for i := 0; i < len(out); i++ {
		m := out[i]
		// Close matches are followed one hop, broader concepts one level:
		// a product about Policyholder is found by "customer", not by
		// every ancestor up to the top of the glossary.
		if m.close || m.broad {
			continue
		}
		e, err := b.track(d, m.id)
		if err != nil {
			return nil, err
		}
		for _, x := range e {
			note(x.g)
		}
		for _, x := range e {
			switch x.p {
			case idExactMatch:
				add(m, x.o, "exactMatch", false, false)
			case idEquivalent:
				add(m, x.o, "equivalentClass", false, false)
			case idSameAs:
				add(m, x.o, "sameAs", false, false)
			case idBroader:
				add(m, x.o, "broader", true, false)
			case idBroadMatch:
				add(m, x.o, "broadMatch", true, false)
			case idSubClassOf:
				add(m, x.o, "subClassOf", true, false)
			}
		}
		for _, inv := range inverse {
			subs, err := b.subjectsOf(inv.p, m.id)
			if err != nil {
				return nil, err
			}
			for _, s := range subs {
				note(s.g)
				add(m, s.o, inv.rel, inv.up, false)
			}
		}
		if !m.broad {
			for _, x := range e {
				if x.p == idCloseMatch {
					add(m, x.o, "closeMatch", true, true)
				}
			}
			subs, err := b.subjectsOf(idCloseMatch, m.id)
			if err != nil {
				return nil, err
			}
			for _, s := range subs {
				note(s.g)
				add(m, s.o, "closeMatch", true, true)
			}
		}
	}
	b.meanings[c] = meaningEntry{out, graphs}
	return out, nil
}

// label returns the display label of a resource: skos:prefLabel,
// dct:title, sh:name or rdfs:label, English or untagged first.
func (b *builder) label(id graph.ID) (string, error) {
	if l, ok := b.labels[id]; ok {
		return l, nil
	}
	e, err := b.read(id)
	if err != nil {
		return "", err
	}
	var best string
	bestRank, bestLang := 0, 0
	for _, x := range e {
		r := labelRank("", x.p)
		if r == 0 || !x.o.IsLiteral() {
			continue
		}
		t, err := b.term(x.o)
		if err != nil {
			return "", err
		}
		lang := langPreference(primaryLang(t.Lang))
		if bestRank == 0 || r < bestRank || (r == bestRank && (lang < bestLang || lang == bestLang && t.Value < best)) {
			best, bestRank, bestLang = t.Value, r, lang
		}
	}
	b.labels[id] = best
	return best, nil
}
