package graphql

import (
	"cmp"
	"slices"
	"strings"

	gql "github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// hitItem is one product of a discovery answer.
type hitItem struct {
	product *node
	hit     ontology.Hit
}

// searchItem is one resource found by search.
type searchItem struct {
	node    *node
	score   float64
	snippet string
}

// productFilter is the ProductFilter input, decoded.
type productFilter struct {
	domain, owner  graph.ID
	statuses       []string // enum values
	includeRetired bool
}

func parseProductFilter(v any) productFilter {
	m, _ := v.(map[string]any)
	var f productFilter
	if s, ok := m["domain"].(string); ok && s != "" {
		f.domain = graph.TermID(rdf.IRI(s))
	}
	if s, ok := m["owner"].(string); ok && s != "" {
		f.owner = graph.TermID(rdf.IRI(s))
	}
	if l, ok := m["status"].([]any); ok {
		for _, s := range l {
			if s, ok := s.(string); ok {
				f.statuses = append(f.statuses, s)
			}
		}
	}
	f.includeRetired, _ = m["includeRetired"].(bool)
	return f
}

// keep reports whether a product with statements st passes the filter.
func (f productFilter) keep(st []statement) bool {
	status := ""
	for _, s := range st { // the last status, as the filter always did
		if s.P == idStatus && s.Other.Kind != rdf.KindLiteral {
			if v, ok := statusByIRI[s.Other.Value]; ok {
				status = v.(string)
			}
		}
	}
	if status == "RETIRED" && !f.includeRetired && !slices.Contains(f.statuses, "RETIRED") {
		return false
	}
	if len(f.statuses) > 0 && !slices.Contains(f.statuses, status) {
		return false
	}
	has := func(p, o graph.ID) bool {
		return slices.ContainsFunc(st, func(s statement) bool { return s.P == p && s.O == o })
	}
	if !f.domain.IsZero() && !has(idDomain, f.domain) {
		return false
	}
	if !f.owner.IsZero() && !has(idOwner, f.owner) {
		return false
	}
	return true
}

// filterProducts keeps the products passing f, reading all their
// statements in one call.
func filterProducts(req *request, ts []rdf.Term, f productFilter) ([]rdf.Term, error) {
	rs := make([]ref, len(ts))
	for i, t := range ts {
		rs[i] = ref{id: graph.TermID(t), term: t}
	}
	kept, err := filterRefs(req, rs, f)
	if err != nil {
		return nil, err
	}
	out := make([]rdf.Term, len(kept))
	for i, r := range kept {
		out[i] = r.term
	}
	return out, nil
}

// idsDataProduct is the type filterRefs keeps.
var idsDataProduct = ids(ontology.DPRODDataProduct)

// filterRefs is filterProducts for resources whose ids are known.
func filterRefs(req *request, rs []ref, f productFilter) ([]ref, error) {
	all := make([]graph.ID, len(rs))
	for i, r := range rs {
		all[i] = r.id
	}
	outs, err := req.out.getMany(all)
	if err != nil {
		return nil, err
	}
	var kept []ref
	for _, r := range rs {
		if hasAnyType(outs[r.id], idsDataProduct) && f.keep(outs[r.id]) {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

func (b *builder) productArgs() gql.FieldConfigArgument {
	a := pageArgs()
	a["filter"] = &gql.ArgumentConfig{Type: b.filter, Description: "Which products to keep; by default all but retired ones."}
	return a
}

// productConn is a paginated, filtered list of the products along pa.
func (b *builder) productConn(desc string, pa path) *gql.Field {
	return &gql.Field{
		Type:        b.connection("DataProduct"),
		Description: desc,
		Args:        b.productArgs(),
		Resolve: withPath(pa, func(p gql.ResolveParams, rs []ref) (any, error) {
			kept, err := filterRefs(res(p), rs, parseProductFilter(p.Args["filter"]))
			if err != nil {
				return nil, err
			}
			return paginate(p, refNodes(kept, "DataProduct"), b.opts)
		}),
	}
}

// hitConnection is the connection type of discovery answers.
func (b *builder) hitConnection() *gql.Object {
	step := gql.NewObject(gql.ObjectConfig{
		Name:        "ExplanationStep",
		Description: "One link of the path that makes a product about a concept: \"from relation to\" holds in the knowledge graph.",
		Fields: gql.FieldsThunk(func() gql.Fields {
			return gql.Fields{
				"from": &gql.Field{Type: gql.NewNonNull(b.node), Description: "Where the link starts.",
					Resolve: func(p gql.ResolveParams) (any, error) {
						return untypedNode(res(p), p.Source.(ontology.Step).From.Term), nil
					}},
				"fromLabel": &gql.Field{Type: gql.String, Description: "Display name of from.",
					Resolve: func(p gql.ResolveParams) (any, error) { return nonEmpty(p.Source.(ontology.Step).From.Label), nil }},
				"relation": &gql.Field{Type: gql.NewNonNull(gql.String), Description: "The relation: outputs, conforms to, defines, represents, theme, subject, exactMatch, equivalentClass, sameAs, broader, broadMatch, subClassOf or closeMatch.",
					Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(ontology.Step).Relation.String(), nil }},
				"to": &gql.Field{Type: gql.NewNonNull(b.node), Description: "Where the link ends.",
					Resolve: func(p gql.ResolveParams) (any, error) {
						return untypedNode(res(p), p.Source.(ontology.Step).To.Term), nil
					}},
				"toLabel": &gql.Field{Type: gql.String, Description: "Display name of to.",
					Resolve: func(p gql.ResolveParams) (any, error) { return nonEmpty(p.Source.(ontology.Step).To.Label), nil }},
			}
		}),
	})
	hit := func(p gql.ResolveParams) ontology.Hit { return p.Source.(*edge).item.(*hitItem).hit }
	edgeFields := gql.Fields{
		"score": &gql.Field{Type: gql.NewNonNull(gql.Float), Description: "Ranks the answer: above 0.5 for an exact meaning, at most 0.5 through a close match; shorter paths score higher.",
			Resolve: func(p gql.ResolveParams) (any, error) { return hit(p).Score, nil }},
		"closeMatch": &gql.Field{Type: gql.NewNonNull(gql.Boolean), Description: "Whether the path crosses a skos:closeMatch (a similar, not identical, meaning).",
			Resolve: func(p gql.ResolveParams) (any, error) { return hit(p).Close, nil }},
		"retired": &gql.Field{Type: gql.NewNonNull(gql.Boolean), Description: "Whether the product is retired.",
			Resolve: func(p gql.ResolveParams) (any, error) { return hit(p).Retired, nil }},
		"explanation": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(step))), Description: "Why the product is about the concept: the path from the product to the concept asked about.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				var out []any
				for _, s := range hit(p).Explanation {
					out = append(out, s)
				}
				return out, nil
			}},
		"explanationText": &gql.Field{Type: gql.NewNonNull(gql.String), Description: "The explanation on one line, e.g. \"Invoices → outputs Invoice headers → … → exactMatch Customer\".",
			Resolve: func(p gql.ResolveParams) (any, error) { return hit(p).Explanation.String(), nil }},
	}
	resolution := gql.NewObject(gql.ObjectConfig{
		Name:        "Resolution",
		Description: "What the question was taken to mean.",
		Fields: gql.FieldsThunk(func() gql.Fields {
			r := func(p gql.ResolveParams) ontology.Resolution { return p.Source.(ontology.Resolution) }
			return gql.Fields{
				"query":  &gql.Field{Type: gql.NewNonNull(gql.String), Description: "The concept IRI or text asked about.", Resolve: func(p gql.ResolveParams) (any, error) { return r(p).Query, nil }},
				"method": &gql.Field{Type: gql.NewNonNull(gql.String), Description: "How concepts were found: term (the IRI given), label (an exact label), search (full-text search) or unresolved.", Resolve: func(p gql.ResolveParams) (any, error) { return r(p).Method.String(), nil }},
				"concepts": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(b.types["Concept"]))), Description: "The concepts the answer is about (before expansion).",
					Resolve: func(p gql.ResolveParams) (any, error) {
						var out []any
						for _, c := range r(p).Concepts {
							out = append(out, newNode(c.Term, "Concept"))
						}
						return out, nil
					}},
			}
		}),
	})
	connFields := gql.Fields{
		"resolution": &gql.Field{Type: resolution, Description: "What the question was taken to mean.",
			Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*connection).extra, nil }},
	}
	return b.connectionOf("ProductHit", func() gql.Output { return b.types["DataProduct"] }, edgeFields, connFields)
}

// aboutArgs are the arguments of productsAbout; onConcept leaves out the
// concept and text, which the source concept gives.
func (b *builder) aboutArgs(onConcept bool) gql.FieldConfigArgument {
	a := b.productArgs()
	a["includeNarrower"] = &gql.ArgumentConfig{Type: gql.Boolean, DefaultValue: true, Description: "Also count products about narrower concepts (Key Account for Customer). When false, only paths through equivalences count."}
	a["exactOnly"] = &gql.ArgumentConfig{Type: gql.Boolean, DefaultValue: false, Description: "Leave out answers that need a skos:closeMatch."}
	if !onConcept {
		a["concept"] = &gql.ArgumentConfig{Type: gql.String, Description: "IRI of the concept asked about."}
		a["text"] = &gql.ArgumentConfig{Type: gql.String, Description: "A name of the concept (any label, any language, e.g. \"Kunde\"); resolved by exact label, else by search. Ignored when concept is given."}
	}
	return a
}

// aboutField answers "which products are about this concept", with the
// path that explains each answer.
func (b *builder) aboutField(onConcept bool) *gql.Field {
	desc := "The data products about a concept, best first, each with the path that explains why: through its theme, or through a logical model whose entities or attributes represent the concept, following exact matches, equivalent classes and narrower concepts (not skos:related)."
	if onConcept {
		desc = "The data products about this concept, best first, each with the path that explains why (see Query.productsAbout)."
	}
	return &gql.Field{
		Type:        gql.NewNonNull(b.hitConnection()),
		Description: desc,
		Args:        b.aboutArgs(onConcept),
		Resolve: func(p gql.ResolveParams) (any, error) {
			req := res(p)
			q := ontology.AboutQuery{Resolver: req.resolver()}
			if onConcept {
				q.Concept = src(p).term
			} else if s, _ := p.Args["concept"].(string); s != "" {
				q.Concept = rdf.IRI(s)
			} else if s, _ := p.Args["text"].(string); strings.TrimSpace(s) != "" {
				q.Label = s
			} else {
				return nil, errorf("productsAbout needs a concept IRI or a text")
			}
			f := parseProductFilter(p.Args["filter"])
			q.IncludeRetired = f.includeRetired || slices.Contains(f.statuses, "RETIRED")
			q.ExactOnly, _ = p.Args["exactOnly"].(bool)
			narrower, _ := p.Args["includeNarrower"].(bool)
			offset, first, err := window(p.Args, req.opts)
			if err != nil {
				return nil, err
			}
			// Without filters that drop hits after discovery, and when the
			// total is not asked for, discovery can stop after the page:
			// it then builds the explanations of these hits only.
			limited := narrower && f.domain.IsZero() && f.owner.IsZero() && len(f.statuses) == 0 && !selects(p, "totalCount")
			if limited {
				q.Limit = offset + first + 1
			}
			hits, resolution, err := ontology.About(req.ctx, req.r.Snapshot(), q)
			if err != nil {
				return nil, err
			}
			if !narrower {
				hits = slices.DeleteFunc(hits, func(h ontology.Hit) bool {
					return slices.ContainsFunc(h.Explanation, func(s ontology.Step) bool {
						return s.Relation == ontology.RelBroader || s.Relation == ontology.RelBroadMatch || s.Relation == ontology.RelSubClassOf
					})
				})
			}
			terms := make([]rdf.Term, len(hits))
			for i, h := range hits {
				terms[i] = h.Product
			}
			kept, err := filterProducts(req, terms, f)
			if err != nil {
				return nil, err
			}
			keep := make(map[rdf.Term]bool, len(kept))
			for _, t := range kept {
				keep[t] = true
			}
			var items []any
			for _, h := range hits {
				if keep[h.Product] {
					items = append(items, &hitItem{product: newNode(h.Product, "DataProduct"), hit: h})
				}
			}
			c := page(items, offset, first)
			c.extra = resolution
			return c, nil
		},
	}
}

// selects reports whether the field being resolved selects a subfield
// of this name directly (fragments included).
func selects(p gql.ResolveParams, name string) bool {
	for _, f := range p.Info.FieldASTs {
		if f.SelectionSet != nil && selectionHas(f.SelectionSet, name, p.Info.Fragments, 0) {
			return true
		}
	}
	return false
}

func selectionHas(set *ast.SelectionSet, name string, frags map[string]ast.Definition, depth int) bool {
	if set == nil || depth > 10 {
		return false
	}
	for _, s := range set.Selections {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name.Value == name {
				return true
			}
		case *ast.InlineFragment:
			if selectionHas(s.SelectionSet, name, frags, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f, ok := frags[s.Name.Value].(*ast.FragmentDefinition); ok && selectionHas(f.SelectionSet, name, frags, depth+1) {
				return true
			}
		}
	}
	return false
}

// mappingsField lists every mapping of a concept to concepts of other
// glossaries, in both directions.
func (b *builder) mappingsField() *gql.Field {
	mapping := gql.NewObject(gql.ObjectConfig{
		Name:        "ConceptMapping",
		Description: "A link from a concept to a concept of another glossary (SKOS mapping properties), or an OWL equivalence.",
		Fields: gql.FieldsThunk(func() gql.Fields {
			return gql.Fields{
				"relation": &gql.Field{Type: gql.NewNonNull(gql.String), Description: "exactMatch, closeMatch, broadMatch, narrowMatch, relatedMatch, equivalentClass or sameAs, read from this concept to the other.",
					Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(conceptMapping).relation, nil }},
				"concept": &gql.Field{Type: gql.NewNonNull(b.types["Concept"]), Description: "The other concept.",
					Resolve: func(p gql.ResolveParams) (any, error) {
						return newNode(p.Source.(conceptMapping).other, "Concept"), nil
					}},
			}
		}),
	})
	return &gql.Field{
		Type:        gql.NewNonNull(gql.NewList(gql.NewNonNull(mapping))),
		Description: "Every mapping of this concept to other glossaries and models, stated in either direction.",
		Resolve: func(p gql.ResolveParams) (any, error) {
			req, n := res(p), src(p)
			out, in := req.out.load(n.id), req.incoming(graph.ID{}).load(n.id)
			return thunk(func() (any, error) {
				ost, err := out()
				if err != nil {
					return nil, err
				}
				ist, err := in()
				if err != nil {
					return nil, err
				}
				var ms []conceptMapping
				add := func(rel string, t rdf.Term) {
					m := conceptMapping{rel, t}
					if t.Kind != rdf.KindLiteral && !slices.Contains(ms, m) {
						ms = append(ms, m)
					}
				}
				for _, s := range ost {
					if rel, ok := mappingRelations[s.Pred.Value]; ok {
						add(rel, s.Other)
					}
				}
				for _, s := range ist {
					if rel, ok := inverseMappingRelations[s.Pred.Value]; ok {
						add(rel, s.Other)
					}
				}
				slices.SortFunc(ms, func(a, b conceptMapping) int {
					return cmp.Or(strings.Compare(a.relation, b.relation), compareTerms(a.other, b.other))
				})
				items := make([]any, len(ms))
				for i, m := range ms {
					items[i] = m
				}
				return items, nil
			}), nil
		},
	}
}

type conceptMapping struct {
	relation string
	other    rdf.Term
}

var mappingRelations = map[string]string{
	ontology.SKOSExactMatch:     "exactMatch",
	ontology.SKOSCloseMatch:     "closeMatch",
	ontology.SKOSBroadMatch:     "broadMatch",
	ontology.SKOSNarrowMatch:    "narrowMatch",
	ontology.SKOSRelatedMatch:   "relatedMatch",
	ontology.OWLEquivalentClass: "equivalentClass",
	ontology.OWLSameAs:          "sameAs",
}

// inverseMappingRelations reads a mapping stated by the other concept.
var inverseMappingRelations = map[string]string{
	ontology.SKOSExactMatch:     "exactMatch",
	ontology.SKOSCloseMatch:     "closeMatch",
	ontology.SKOSBroadMatch:     "narrowMatch",
	ontology.SKOSNarrowMatch:    "broadMatch",
	ontology.SKOSRelatedMatch:   "relatedMatch",
	ontology.OWLEquivalentClass: "equivalentClass",
	ontology.OWLSameAs:          "sameAs",
}

// graphFields are the fields of a named graph, from the store's metadata.
func (b *builder) graphFields() gql.Fields {
	info := func(p gql.ResolveParams) (graph.GraphInfo, bool) {
		return res(p).r.Snapshot().Graph(src(p).term)
	}
	str := func(desc, iri string, fn func(graph.GraphInfo) string) *gql.Field {
		return &gql.Field{Type: gql.String, Description: b.desc.of(iri, desc), Resolve: func(p gql.ResolveParams) (any, error) {
			if g, ok := info(p); ok {
				return nonEmpty(fn(g)), nil
			}
			return nil, nil
		}}
	}
	return gql.Fields{
		"source":      str("", ontology.KplaneSource, func(g graph.GraphInfo) string { return g.Source }),
		"format":      str("", ontology.KplaneFormat, func(g graph.GraphInfo) string { return g.Format }),
		"owner":       str("The domain that owns the graph.", "", func(g graph.GraphInfo) string { return g.Owner }),
		"loadedAt":    str("", ontology.KplaneLoadedAt, func(g graph.GraphInfo) string { return timeString(g.LoadedAt) }),
		"modifiedAt":  str("", ontology.KplaneModifiedAt, func(g graph.GraphInfo) string { return timeString(g.ModifiedAt) }),
		"contentHash": str("", ontology.KplaneContentHash, func(g graph.GraphInfo) string { return g.ContentHash }),
		"quads": &gql.Field{Type: gql.Float, Description: b.desc.of(ontology.KplaneQuadCount, ""), Resolve: func(p gql.ResolveParams) (any, error) {
			if g, ok := info(p); ok {
				return float64(g.Quads), nil
			}
			return nil, nil
		}},
	}
}

// statementsField lists the statements about a resource (or pointing at
// it), optionally with one predicate.
func (b *builder) statementsField(incoming bool) *gql.Field {
	if _, ok := b.conns["Statement"]; !ok {
		st := gql.NewObject(gql.ObjectConfig{
			Name:        "Statement",
			Description: "A statement (triple) about a resource: its predicate and the value at the other end.",
			Fields: gql.FieldsThunk(func() gql.Fields {
				s := func(p gql.ResolveParams) statement { return p.Source.(statement) }
				return gql.Fields{
					"predicate": &gql.Field{Type: gql.NewNonNull(gql.String), Description: "The predicate's IRI.", Resolve: func(p gql.ResolveParams) (any, error) { return s(p).Pred.Value, nil }},
					"value":     &gql.Field{Type: gql.NewNonNull(b.term), Description: "The term at the other end: the object of an outgoing statement, the subject of an incoming one.", Resolve: func(p gql.ResolveParams) (any, error) { return s(p).Other, nil }},
					"node": &gql.Field{Type: b.node, Description: "The other end as a resource; null for a literal.", Resolve: func(p gql.ResolveParams) (any, error) {
						return untypedNode(res(p), s(p).Other), nil
					}},
				}
			}),
		})
		b.types["Statement"] = st
		b.connectionOf("Statement", func() gql.Output { return st }, nil, nil)
	}
	args := pageArgs()
	args["predicate"] = &gql.ArgumentConfig{Type: gql.String, Description: "Only statements with this predicate IRI."}
	desc := "The statements about the resource, ordered by predicate and object."
	if incoming {
		desc = "The statements pointing at the resource, ordered by predicate and subject."
	}
	return &gql.Field{
		Type:        b.conns["Statement"],
		Description: desc,
		Args:        args,
		Resolve: func(p gql.ResolveParams) (any, error) {
			req, n := res(p), src(p)
			bt := req.out
			if incoming {
				bt = req.incoming(graph.ID{})
			}
			load := bt.load(n.id)
			pred, _ := p.Args["predicate"].(string)
			return thunk(func() (any, error) {
				st, err := load()
				if err != nil {
					return nil, err
				}
				var items []any
				for _, s := range st {
					if pred == "" || s.Pred.Value == pred {
						items = append(items, s)
					}
				}
				return paginate(p, items, b.opts)
			}), nil
		},
	}
}

// lineageField follows the lineage of a product with package ontology:
// ports shared between products and prov:wasDerivedFrom between their
// datasets.
func (b *builder) lineageField() *gql.Field {
	dir := gql.NewEnum(gql.EnumConfig{
		Name:        "LineageDirection",
		Description: "Which way lineage is followed.",
		Values: gql.EnumValueConfigMap{
			"UPSTREAM":   {Value: ontology.Upstream, Description: "What the product is built from."},
			"DOWNSTREAM": {Value: ontology.Downstream, Description: "What is built from the product."},
		},
	})
	edge := gql.NewObject(gql.ObjectConfig{
		Name:        "LineageEdge",
		Description: "Downstream is built from upstream: both are data products, or a dataset no product publishes.",
		Fields: gql.FieldsThunk(func() gql.Fields {
			e := func(p gql.ResolveParams) ontology.LineageEdge { return p.Source.(ontology.LineageEdge) }
			return gql.Fields{
				"upstream": &gql.Field{Type: gql.NewNonNull(b.node), Description: "What is read.",
					Resolve: func(p gql.ResolveParams) (any, error) { return untypedNode(res(p), e(p).Upstream.Term), nil }},
				"downstream": &gql.Field{Type: gql.NewNonNull(b.node), Description: "What reads it.",
					Resolve: func(p gql.ResolveParams) (any, error) { return untypedNode(res(p), e(p).Downstream.Term), nil }},
				"depth": &gql.Field{Type: gql.NewNonNull(gql.Int), Description: "Distance of the far end from the product asked about: 1 for direct neighbours.",
					Resolve: func(p gql.ResolveParams) (any, error) { return e(p).Depth, nil }},
				"via": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(gql.String))), Description: "How the two are linked: port (an input port that is the other's output port) or wasDerivedFrom (between their datasets).",
					Resolve: func(p gql.ResolveParams) (any, error) {
						var out []string
						for _, l := range e(p).Via {
							if k := l.Kind.String(); !slices.Contains(out, k) {
								out = append(out, k)
							}
						}
						return out, nil
					}},
			}
		}),
	})
	return &gql.Field{
		Type:        gql.NewNonNull(gql.NewList(gql.NewNonNull(edge))),
		Description: "The product's lineage: the products (or datasets) it is built from, or that are built from it, ordered by depth.",
		Args: gql.FieldConfigArgument{
			"direction":  {Type: dir, DefaultValue: ontology.Upstream, Description: "UPSTREAM (default) or DOWNSTREAM."},
			"transitive": {Type: gql.Boolean, DefaultValue: false, Description: "Follow lineage all the way, not just to direct neighbours."},
		},
		Resolve: func(p gql.ResolveParams) (any, error) {
			req := res(p)
			d, _ := p.Args["direction"].(ontology.Direction)
			transitive, _ := p.Args["transitive"].(bool)
			edges, err := ontology.Lineage(req.ctx, req.r.Snapshot(), src(p).term, d, transitive)
			if err != nil {
				return nil, err
			}
			out := make([]any, len(edges))
			for i, e := range edges {
				out[i] = e
			}
			return out, nil
		},
	}
}
