// Package synth generates synthetic data catalogs for benchmarks: business
// domains with SKOS glossaries (broader/narrower trees mapped to an
// enterprise glossary with exactMatch, broadMatch, closeMatch and related
// links), OWL conceptual models with subclasses and equivalent classes,
// and DPROD data products whose datasets conform to SHACL logical models
// whose entities and attributes point at glossary concepts. The output is
// deterministic for a given Config.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// Base is the namespace of every generated IRI.
const Base = "https://synth.kplane.dev/"

// Config sizes a catalog. Zero fields take the defaults of DefaultConfig.
type Config struct {
	// Domains is the number of business domains.
	Domains int
	// Products is the number of data products, spread over the domains.
	Products int
	// Concepts is the number of glossary concepts: a tenth in the
	// enterprise glossary, the rest spread over the domain glossaries.
	Concepts int
	// AttributesPerEntity is the number of property shapes of each node
	// shape of a logical model.
	AttributesPerEntity int
	// Seed makes the catalog reproducible.
	Seed uint64
}

// DefaultConfig is a catalog of about five million triples.
func DefaultConfig() Config {
	return Config{Domains: 10, Products: 10000, Concepts: 100000, AttributesPerEntity: 10, Seed: 1}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Domains <= 0 {
		c.Domains = d.Domains
	}
	if c.Products <= 0 {
		c.Products = d.Products
	}
	if c.Concepts <= 0 {
		c.Concepts = d.Concepts
	}
	if c.AttributesPerEntity <= 0 {
		c.AttributesPerEntity = d.AttributesPerEntity
	}
	return c
}

// Shape of the generated glossaries and models.
const (
	branching        = 5 // children per concept in every glossary tree
	entitiesPerModel = 4
	retiredEvery     = 20 // one product in 20 is retired
	classEvery       = 4  // one domain concept in 4 is also modelled as an OWL class
)

// layout derives the sizes of the parts from a Config.
type layout struct {
	cfg               Config
	enterprise        int // concepts in the enterprise glossary
	perDomain         int // concepts in each domain glossary
	productsPerDomain int
}

func newLayout(cfg Config) layout {
	cfg = cfg.withDefaults()
	l := layout{cfg: cfg}
	l.enterprise = max(cfg.Concepts/10, 1)
	l.perDomain = max((cfg.Concepts-l.enterprise)/cfg.Domains, 1)
	l.productsPerDomain = max(cfg.Products/cfg.Domains, 1)
	return l
}

// EnterpriseConcept returns the IRI of the i-th enterprise concept. The
// enterprise glossary is a tree in breadth-first order: concept 0 is the
// root and concept i has parent (i-1)/5.
func EnterpriseConcept(i int) rdf.Term {
	return rdf.IRI(Base + "enterprise/concept/E" + strconv.Itoa(i))
}

// DomainConcept returns the IRI of the i-th concept of domain d; each
// domain glossary is a tree laid out like the enterprise one.
func DomainConcept(d, i int) rdf.Term {
	return rdf.IRI(Base + "d" + strconv.Itoa(d) + "/concept/C" + strconv.Itoa(i))
}

// DeepConcepts returns n enterprise concepts on the third level below the
// root. Each has a closure several levels deep: its enterprise subtree,
// the domain concepts that broadMatch a member and their subtrees, and the
// classes that model those and their subclasses. Benchmarks ask about
// them.
func DeepConcepts(cfg Config, n int) []rdf.Term {
	l := newLayout(cfg)
	first := 1 + branching + branching*branching // the first concept on level 3
	var out []rdf.Term
	for i := first; i < l.enterprise && len(out) < n; i++ {
		out = append(out, EnterpriseConcept(i))
	}
	return out
}

// Generate writes the catalog as N-Triples.
func Generate(w io.Writer, cfg Config) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var b strings.Builder
	err := GenerateQuads(func(q rdf.Quad) error {
		b.Reset()
		rdf.AppendNTriples(&b, q.S)
		b.WriteByte(' ')
		rdf.AppendNTriples(&b, q.P)
		b.WriteByte(' ')
		rdf.AppendNTriples(&b, q.O)
		b.WriteString(" .\n")
		_, err := bw.WriteString(b.String())
		return err
	}, cfg)
	if err != nil {
		return err
	}
	return bw.Flush()
}

// GenerateQuads calls fn with every triple of the catalog (as quads in the
// default graph), stopping at the first error fn returns.
func GenerateQuads(fn func(rdf.Quad) error, cfg Config) error {
	l := newLayout(cfg)
	g := &generator{
		l:   l,
		rng: rand.New(rand.NewPCG(l.cfg.Seed, l.cfg.Seed^0x9e3779b97f4a7c15)),
		fn:  fn,
	}
	g.enterpriseGlossary()
	for d := 0; d < l.cfg.Domains && g.err == nil; d++ {
		g.domainGlossary(d)
		g.domainModel(d)
	}
	for d := 0; d < l.cfg.Domains && g.err == nil; d++ {
		g.products(d)
	}
	return g.err
}

// Terms the generator uses often.
var (
	tType        = rdf.IRI(rdf.RDFType)
	tPrefLabel   = rdf.IRI(ontology.SKOSPrefLabel)
	tAltLabel    = rdf.IRI(ontology.SKOSAltLabel)
	tDefinition  = rdf.IRI(ontology.SKOSDefinition)
	tInScheme    = rdf.IRI(ontology.SKOSInScheme)
	tBroader     = rdf.IRI(ontology.SKOSBroader)
	tNarrower    = rdf.IRI(ontology.SKOSNarrower)
	tExactMatch  = rdf.IRI(ontology.SKOSExactMatch)
	tBroadMatch  = rdf.IRI(ontology.SKOSBroadMatch)
	tCloseMatch  = rdf.IRI(ontology.SKOSCloseMatch)
	tRelated     = rdf.IRI(ontology.SKOSRelated)
	tConcept     = rdf.IRI(ontology.SKOSConcept)
	tScheme      = rdf.IRI(ontology.SKOSConceptScheme)
	tLabel       = rdf.IRI(ontology.RDFSLabel)
	tSubClassOf  = rdf.IRI(ontology.RDFSSubClassOf)
	tEquivalent  = rdf.IRI(ontology.OWLEquivalentClass)
	tIsDefinedBy = rdf.IRI(ontology.RDFSIsDefinedBy)
	tClass       = rdf.IRI(ontology.OWLClass)
	tOntology    = rdf.IRI(ontology.OWLOntology)
	tTitle       = rdf.IRI(ontology.DCTermsTitle)
	tDescription = rdf.IRI(ontology.DCTermsDescription)
	tSubject     = rdf.IRI(ontology.DCTermsSubject)
	tConformsTo  = rdf.IRI(ontology.DCTermsConformsTo)
	tFormat      = rdf.IRI(ontology.DCTermsFormat)
	tStandard    = rdf.IRI(ontology.DCTermsStandard)
	tTheme       = rdf.IRI(ontology.DCATTheme)
	tKeyword     = rdf.IRI(ontology.DCATKeyword)
	tDataset     = rdf.IRI(ontology.DCATDataset)
	tDistrib     = rdf.IRI(ontology.DCATDistribution)
	tService     = rdf.IRI(ontology.DCATDataService)
	tEndpoint    = rdf.IRI(ontology.DCATEndpointURL)
	tProduct     = rdf.IRI(ontology.DPRODDataProduct)
	tOutputPort  = rdf.IRI(ontology.DPRODOutputPort)
	tInputPort   = rdf.IRI(ontology.DPRODInputPort)
	tAccessOf    = rdf.IRI(ontology.DPRODIsAccessServiceOf)
	tDistOf      = rdf.IRI(ontology.DPRODIsDistributionOf)
	tStatus      = rdf.IRI(ontology.DPRODLifecycleStatus)
	tDomain      = rdf.IRI(ontology.DPRODDomain)
	tOwner       = rdf.IRI(ontology.DPRODDataProductOwner)
	tSensitivity = rdf.IRI(ontology.DPRODInformationSensitivityClassificationProp)
	tDerived     = rdf.IRI(ontology.PROVWasDerivedFrom)
	tNodeShape   = rdf.IRI(ontology.SHNodeShape)
	tPropShape   = rdf.IRI(ontology.SHPropertyShape)
	tProperty    = rdf.IRI(ontology.SHProperty)
	tPath        = rdf.IRI(ontology.SHPath)
	tName        = rdf.IRI(ontology.SHName)
	tDatatype    = rdf.IRI(ontology.SHDatatype)
	tMinCount    = rdf.IRI(ontology.SHMinCount)
	tTargetClass = rdf.IRI(ontology.SHTargetClass)
	tClassific   = rdf.IRI(ontology.KplaneClassificationProp)
	tRetired     = rdf.IRI(ontology.KplaneRetired)
	tConsume     = rdf.IRI(ontology.DPRODConsume)
	tOne         = rdf.Literal("1", rdf.XSDInteger)
)

var (
	classifications = []rdf.Term{
		rdf.IRI(ontology.KplanePublic), rdf.IRI(ontology.KplaneInternal),
		rdf.IRI(ontology.KplaneConfidential), rdf.IRI(ontology.KplanePII),
	}
	datatypes = []rdf.Term{rdf.IRI(rdf.XSDString), rdf.IRI(rdf.XSDDecimal), rdf.IRI(rdf.XSDDate), rdf.IRI(rdf.XSDInteger)}
	formats   = []rdf.Term{
		rdf.IRI("https://www.iana.org/assignments/media-types/application/json"),
		rdf.IRI("https://www.iana.org/assignments/media-types/text/csv"),
		rdf.IRI("https://www.iana.org/assignments/media-types/application/vnd.apache.parquet"),
	}
	words = strings.Fields(`account address agreement asset balance batch booking branch
		budget campaign card carrier case channel claim client contract cost coverage credit
		customer delivery deposit discount duty employee event exposure fee forecast holder
		incident invoice item journal ledger lead limit loan margin member order party payment
		pipeline plan policy premium price product promotion rate receipt refund region risk
		route sale schedule segment service shipment site stock store supplier survey tariff
		tax ticket transaction transfer unit vehicle visit warehouse`)
)

type generator struct {
	l   layout
	rng *rand.Rand
	fn  func(rdf.Quad) error
	err error
}

func (g *generator) emit(s, p, o rdf.Term) {
	if g.err == nil {
		g.err = g.fn(rdf.Quad{S: s, P: p, O: o})
	}
}

// name makes a deterministic two- or three-word label for index i of a
// namespace, so that labels repeat across glossaries as real ones do.
func (g *generator) name(i, salt int) string {
	n := len(words)
	a := words[(i*7+salt)%n]
	b := words[(i/n*13+salt*3+i)%n]
	s := strings.ToUpper(a[:1]) + a[1:] + " " + b
	if i >= n*n/4 {
		s += " " + strconv.Itoa(i)
	}
	return s
}

func parent(i int) int { return (i - 1) / branching }

func (g *generator) enterpriseGlossary() {
	scheme := rdf.IRI(Base + "enterprise/glossary")
	g.emit(scheme, tType, tScheme)
	g.emit(scheme, tPrefLabel, rdf.LangLiteral("Enterprise Glossary", "en"))
	for i := 0; i < g.l.enterprise && g.err == nil; i++ {
		c := EnterpriseConcept(i)
		g.emit(c, tType, tConcept)
		g.emit(c, tInScheme, scheme)
		g.emit(c, tPrefLabel, rdf.LangLiteral(g.name(i, 0), "en"))
		g.emit(c, tPrefLabel, rdf.LangLiteral(g.name(i, 1), "de"))
		g.emit(c, tDefinition, rdf.LangLiteral("The enterprise meaning of "+g.name(i, 0)+".", "en"))
		if i > 0 {
			p := EnterpriseConcept(parent(i))
			g.emit(c, tBroader, p)
			g.emit(p, tNarrower, c)
		}
	}
}

// domainGlossary writes domain d's glossary. The top of its tree is mapped
// to the enterprise glossary with exactMatch; deeper concepts sometimes
// broadMatch an enterprise concept; some are close matches or related to
// concepts of the next domain (related links must never be followed).
func (g *generator) domainGlossary(d int) {
	scheme := rdf.IRI(Base + "d" + strconv.Itoa(d) + "/glossary")
	g.emit(scheme, tType, tScheme)
	g.emit(scheme, tPrefLabel, rdf.LangLiteral("Glossary of domain "+strconv.Itoa(d), "en"))
	next := (d + 1) % g.l.cfg.Domains
	for i := 0; i < g.l.perDomain && g.err == nil; i++ {
		c := DomainConcept(d, i)
		g.emit(c, tType, tConcept)
		g.emit(c, tInScheme, scheme)
		g.emit(c, tPrefLabel, rdf.LangLiteral(g.name(i, d+2), "en"))
		if i%3 == 0 {
			g.emit(c, tAltLabel, rdf.LangLiteral(g.name(i+1, d+5), "en"))
		}
		g.emit(c, tDefinition, rdf.LangLiteral("What domain "+strconv.Itoa(d)+" means by "+g.name(i, d+2)+".", "en"))
		if i > 0 {
			p := DomainConcept(d, parent(i))
			g.emit(c, tBroader, p)
			if i%2 == 0 { // some glossaries state both directions
				g.emit(p, tNarrower, c)
			}
		}
		// Domain concepts mirror the enterprise tree at the top: the
		// i-th concept of a domain means the i-th enterprise concept.
		switch {
		case i < 1+branching+branching*branching && i < g.l.enterprise:
			g.emit(c, tExactMatch, EnterpriseConcept(i))
		case i%17 == 0:
			g.emit(c, tBroadMatch, EnterpriseConcept(g.rng.IntN(min(g.l.enterprise, 1+branching+branching*branching*branching))))
		}
		if i%53 == 0 {
			g.emit(c, tCloseMatch, DomainConcept(next, g.rng.IntN(g.l.perDomain)))
		}
		if i%11 == 0 {
			g.emit(c, tRelated, DomainConcept(next, g.rng.IntN(g.l.perDomain)))
		}
	}
}

// domainModel writes domain d's OWL model: a class for some concepts,
// subclass of the class of the nearest modelled ancestor, sometimes
// equivalent to the class of the same concept in the next domain.
func (g *generator) domainModel(d int) {
	model := rdf.IRI(Base + "d" + strconv.Itoa(d) + "/model")
	g.emit(model, tType, tOntology)
	g.emit(model, tLabel, rdf.LangLiteral("Conceptual model of domain "+strconv.Itoa(d), "en"))
	class := func(d, i int) rdf.Term {
		return rdf.IRI(Base + "d" + strconv.Itoa(d) + "/model/K" + strconv.Itoa(i))
	}
	for i := 0; i < g.l.perDomain && g.err == nil; i += classEvery {
		k := class(d, i)
		g.emit(k, tType, tClass)
		g.emit(k, tLabel, rdf.LangLiteral(g.name(i, d+2), "en"))
		g.emit(k, tSubject, DomainConcept(d, i))
		g.emit(k, tIsDefinedBy, model)
		// Nearest ancestor whose index is a multiple of classEvery.
		for a := i; a > 0; {
			a = parent(a)
			if a%classEvery == 0 {
				g.emit(k, tSubClassOf, class(d, a))
				break
			}
		}
		if i%(classEvery*31) == 0 && g.l.cfg.Domains > 1 {
			g.emit(k, tEquivalent, class((d+1)%g.l.cfg.Domains, i))
		}
	}
}

// concept picks a concept for a meaning link: mostly from the product's
// own domain, sometimes from another one.
func (g *generator) concept(d int) rdf.Term {
	if g.rng.IntN(10) < 3 {
		d = g.rng.IntN(g.l.cfg.Domains)
	}
	return DomainConcept(d, g.rng.IntN(g.l.perDomain))
}

func (g *generator) products(d int) {
	ds := "d" + strconv.Itoa(d)
	domain := rdf.IRI(Base + "domain/" + ds)
	g.emit(domain, tType, rdf.IRI(ontology.KplaneDomain))
	g.emit(domain, tLabel, rdf.LangLiteral("Domain "+strconv.Itoa(d), "en"))
	owner := rdf.IRI(Base + "person/owner-" + ds)
	for i := 0; i < g.l.productsPerDomain && g.err == nil; i++ {
		id := ds + "-p" + strconv.Itoa(i)
		p := rdf.IRI(Base + ds + "/product/" + id)
		port := rdf.IRI(Base + ds + "/port/" + id)
		dist := rdf.Blank("dist-" + id)
		dset := rdf.IRI(Base + ds + "/dataset/" + id)
		model := rdf.IRI(Base + ds + "/logical-model/" + id)
		title := g.name(i, d+7) + " product"

		g.emit(p, tType, tProduct)
		g.emit(p, tTitle, rdf.String(title))
		g.emit(p, tDescription, rdf.String("Synthetic data product "+id+" about "+strings.ToLower(title)+"."))
		status := tConsume
		if i%retiredEvery == retiredEvery-1 {
			status = tRetired
		}
		g.emit(p, tStatus, status)
		g.emit(p, tOwner, owner)
		g.emit(p, tDomain, domain)
		g.emit(p, tTheme, g.concept(d))
		g.emit(p, tKeyword, rdf.String(words[g.rng.IntN(len(words))]))
		g.emit(p, tOutputPort, port)
		// Lineage: read one or two earlier products of this or another
		// domain.
		for k := g.rng.IntN(3); k > 0 && i > 0; k-- {
			ud := d
			if g.rng.IntN(4) == 0 {
				ud = g.rng.IntN(d + 1)
			}
			up := "d" + strconv.Itoa(ud) + "-p" + strconv.Itoa(g.rng.IntN(i))
			g.emit(p, tInputPort, rdf.IRI(Base+"d"+strconv.Itoa(ud)+"/port/"+up))
			g.emit(dset, tDerived, rdf.IRI(Base+"d"+strconv.Itoa(ud)+"/dataset/"+up))
		}

		g.emit(port, tType, tService)
		g.emit(port, tTitle, rdf.String(title+" API"))
		g.emit(port, tEndpoint, rdf.IRI("https://api.synth.kplane.dev/"+ds+"/"+id))
		g.emit(port, tAccessOf, dist)
		g.emit(dist, tType, tDistrib)
		g.emit(dist, tFormat, formats[g.rng.IntN(len(formats))])
		g.emit(dist, tDistOf, dset)
		g.emit(dset, tType, tDataset)
		g.emit(dset, tTitle, rdf.String(title+" records"))
		g.emit(dset, tConformsTo, model)
		g.emit(dset, tSensitivity, classifications[g.rng.IntN(len(classifications))])

		g.emit(model, tType, tOntology)
		g.emit(model, tType, tStandard)
		g.emit(model, tLabel, rdf.LangLiteral(title+" logical model", "en"))
		for e := 0; e < entitiesPerModel && g.err == nil; e++ {
			g.entity(d, model, id, e)
		}
	}
}

// entity writes one node shape of a logical model and its property shapes.
func (g *generator) entity(d int, model rdf.Term, id string, e int) {
	ename := "E" + strconv.Itoa(e)
	shape := rdf.IRI(model.Value + "#" + ename)
	subject := g.concept(d)
	g.emit(shape, tType, tNodeShape)
	g.emit(shape, tLabel, rdf.LangLiteral("Entity "+ename+" of "+id, "en"))
	g.emit(shape, tDescription, rdf.LangLiteral("One row per "+strings.ToLower(g.name(e, d))+".", "en"))
	g.emit(shape, tTargetClass, rdf.IRI(Base+"d"+strconv.Itoa(d)+"/model/"+ename))
	g.emit(shape, tSubject, subject)
	g.emit(shape, tIsDefinedBy, model)
	for a := 0; a < g.l.cfg.AttributesPerEntity && g.err == nil; a++ {
		prop := rdf.IRI(shape.Value + "-a" + strconv.Itoa(a))
		g.emit(shape, tProperty, prop)
		g.emit(prop, tType, tPropShape)
		g.emit(prop, tPath, rdf.IRI(Base+"d"+strconv.Itoa(d)+"/model/attr"+strconv.Itoa(a)))
		g.emit(prop, tName, rdf.String(fmt.Sprintf("%s_%d", words[(a*5+e)%len(words)], a)))
		g.emit(prop, tDatatype, datatypes[a%len(datatypes)])
		g.emit(prop, tMinCount, tOne)
		g.emit(prop, tClassific, classifications[(a+e)%len(classifications)])
		if a%2 == 0 {
			g.emit(prop, tSubject, g.concept(d))
		}
		g.emit(prop, tIsDefinedBy, model)
	}
}
