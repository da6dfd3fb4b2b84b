package graphql

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	gql "github.com/graphql-go/graphql"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
	"github.com/kplane/kplane/query/sparql/eval"
)

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// queryType declares the entry points.
func (b *builder) queryType() *gql.Object {
	searchEdge := gql.Fields{
		"score": &gql.Field{Type: gql.NewNonNull(gql.Float), Description: "Relevance: higher is better.",
			Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*edge).item.(*searchItem).score, nil }},
		"snippet": &gql.Field{Type: gql.String, Description: "The text that matched.",
			Resolve: func(p gql.ResolveParams) (any, error) {
				return nonEmpty(p.Source.(*edge).item.(*searchItem).snippet), nil
			}},
	}
	searchConn := b.connectionOf("SearchHit", func() gql.Output { return b.node }, searchEdge, nil)
	searchFilter := gql.NewInputObject(gql.InputObjectConfig{
		Name:        "SearchFilter",
		Description: "Restricts search results. All given conditions must hold.",
		Fields: gql.InputObjectConfigFieldMap{
			"kinds":  &gql.InputObjectFieldConfig{Type: gql.NewList(gql.NewNonNull(b.kind)), Description: "Keep only resources shown as these types."},
			"domain": &gql.InputObjectFieldConfig{Type: gql.String, Description: "Keep only resources of this domain (dprod:domain or kplane:ownerDomain)."},
		},
	})
	sparqlResult := b.sparqlType()
	nodeArg := func(desc string) gql.FieldConfigArgument {
		return gql.FieldConfigArgument{"iri": {Type: gql.NewNonNull(gql.String), Description: desc}}
	}
	allOf := func(class string) func(p gql.ResolveParams) ([]rdf.Term, error) {
		return func(p gql.ResolveParams) ([]rdf.Term, error) {
			req := res(p)
			return req.r.Subjects(req.ctx, idType, graph.TermID(rdf.IRI(class)))
		}
	}
	return gql.NewObject(gql.ObjectConfig{
		Name:        "Query",
		Description: "The knowledge plane: data products, their datasets and logical models, the business glossaries that say what they mean, and the domains and people that own them.",
		Fields: gql.Fields{
			"search": &gql.Field{
				Type:        gql.NewNonNull(searchConn),
				Description: "Full-text search over names, labels and descriptions of every resource, best match first.",
				Args: func() gql.FieldConfigArgument {
					a := pageArgs()
					a["text"] = &gql.ArgumentConfig{Type: gql.NewNonNull(gql.String), Description: "Words to look for."}
					a["filter"] = &gql.ArgumentConfig{Type: searchFilter, Description: "Which results to keep."}
					return a
				}(),
				Resolve: b.resolveSearch,
			},
			"productsAbout": b.aboutField(false),
			"concept": {
				Type:        b.types["Concept"],
				Description: "A glossary concept, by IRI or by one of its labels (any language; when several concepts have the label, the first by IRI).",
				Args: gql.FieldConfigArgument{
					"iri":   {Type: gql.String, Description: "The concept's IRI."},
					"label": {Type: gql.String, Description: "A label of the concept: prefLabel, altLabel or rdfs:label, compared case-insensitively."},
				},
				Resolve: func(p gql.ResolveParams) (any, error) {
					cs, err := b.conceptsByArgs(p)
					if err != nil || len(cs) == 0 {
						return nil, err
					}
					return cs[0], nil
				},
			},
			"concepts": {
				Type:        gql.NewNonNull(gql.NewList(gql.NewNonNull(b.types["Concept"]))),
				Description: "Every concept and class with this label, ordered by IRI.",
				Args:        gql.FieldConfigArgument{"label": {Type: gql.NewNonNull(gql.String), Description: "The label, compared case-insensitively."}},
				Resolve: func(p gql.ResolveParams) (any, error) {
					return b.conceptsByArgs(p)
				},
			},
			"product": {
				Type:        b.types["DataProduct"],
				Description: "A data product by IRI; null when there is no such product.",
				Args:        nodeArg("The product's IRI."),
				Resolve:     typedNode("DataProduct"),
			},
			"products": {
				Type:        gql.NewNonNull(b.connection("DataProduct")),
				Description: "All data products, ordered by IRI.",
				Args:        b.productArgs(),
				Resolve: func(p gql.ResolveParams) (any, error) {
					ts, err := allOf(ontology.DPRODDataProduct)(p)
					if err != nil {
						return nil, err
					}
					kept, err := filterProducts(res(p), ts, parseProductFilter(p.Args["filter"]))
					if err != nil {
						return nil, err
					}
					return paginate(p, nodes(kept, "DataProduct"), b.opts)
				},
			},
			"domains": {
				Type:        gql.NewNonNull(b.connection("Domain")),
				Description: "The business domains, ordered by IRI.",
				Args:        pageArgs(),
				Resolve: func(p gql.ResolveParams) (any, error) {
					ts, err := allOf(ontology.KplaneDomain)(p)
					if err != nil {
						return nil, err
					}
					return paginate(p, nodes(ts, "Domain"), b.opts)
				},
			},
			"graphs": {
				Type:        gql.NewNonNull(b.connection("Graph")),
				Description: "The named graphs of the store, with where their content came from, ordered by name.",
				Args:        pageArgs(),
				Resolve: func(p gql.ResolveParams) (any, error) {
					var ts []rdf.Term
					for _, g := range res(p).r.Snapshot().Graphs() {
						ts = append(ts, g.Name)
					}
					slices.SortFunc(ts, compareTerms)
					return paginate(p, nodes(ts, "Graph"), b.opts)
				},
			},
			"resource": {
				Type:        b.node,
				Description: "Any resource by IRI, shown as its most specific type (DataProduct, Concept, …, or Resource); null when the store says nothing about it.",
				Args:        nodeArg("The resource's IRI, or _:label for a blank node read from this API."),
				Resolve:     typedNode(""),
			},
			"sparql": {
				Type:        gql.NewNonNull(sparqlResult),
				Description: "Runs a read-only SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the union of all graphs, within the request's time limit and a row limit.",
				Args: gql.FieldConfigArgument{
					"query": {Type: gql.NewNonNull(gql.String), Description: "The SPARQL query."},
					"limit": {Type: gql.Int, Description: "Most rows or triples returned (default and maximum: the server's SPARQL row limit)."},
				},
				Resolve: b.resolveSPARQL,
			},
		},
	})
}

// typedNode resolves a node by its iri argument, as kind ("" for its most
// specific type); null when the store has no statement about it (or, for
// a kind, when it is not of that kind).
func typedNode(kind string) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		s, _ := p.Args["iri"].(string)
		t := rdf.IRI(s)
		if label, ok := strings.CutPrefix(s, "_:"); ok {
			t = rdf.Blank(label)
		}
		n := newNode(t, kind)
		load := res(p).out.load(n.id)
		return thunk(func() (any, error) {
			st, err := load()
			if err != nil || len(st) == 0 {
				return nil, err
			}
			if c := classify(st); kind == "" {
				n.kind = c
			} else if c != kind {
				return nil, nil
			}
			return n, nil
		}), nil
	}
}

func (b *builder) conceptsByArgs(p gql.ResolveParams) ([]any, error) {
	req := res(p)
	if s, _ := p.Args["iri"].(string); s != "" {
		n := newNode(rdf.IRI(s), "Concept")
		st, err := req.out.getMany([]graph.ID{n.id})
		if err != nil || len(st[n.id]) == 0 {
			return nil, err
		}
		return []any{n}, nil
	}
	label, _ := p.Args["label"].(string)
	if strings.TrimSpace(label) == "" {
		return nil, errorf("concept needs an iri or a label")
	}
	snap := req.r.Snapshot()
	found, err := ontology.ConceptsByLabel(req.ctx, snap, label)
	if err != nil {
		return nil, err
	}
	var ts []rdf.Term
	for _, id := range found {
		t, err := snap.Term(id)
		if err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	slices.SortFunc(ts, compareTerms)
	return nodes(ts, "Concept"), nil
}

func (b *builder) resolveSearch(p gql.ResolveParams) (any, error) {
	req := res(p)
	text, _ := p.Args["text"].(string)
	if strings.TrimSpace(text) == "" {
		return nil, errorf("search needs a text")
	}
	offset, first, err := window(p.Args, req.opts)
	if err != nil {
		return nil, err
	}
	filter, _ := p.Args["filter"].(map[string]any)
	var kinds []string
	if l, ok := filter["kinds"].([]any); ok {
		for _, k := range l {
			if k, ok := k.(string); ok {
				kinds = append(kinds, k)
			}
		}
	}
	domain, _ := filter["domain"].(string)
	found, err := req.opts.Searcher.Search(req.ctx, req.r.Snapshot(), SearchQuery{Text: text, Kinds: kinds, Domain: domain, Limit: req.opts.MaxSearchResults})
	if err != nil {
		return nil, errorf("search %q: %w", text, err)
	}
	all := make([]graph.ID, len(found))
	for i, f := range found {
		all[i] = graph.TermID(f.Resource)
	}
	outs, err := req.out.getMany(all)
	if err != nil {
		return nil, err
	}
	domainID := graph.TermID(rdf.IRI(domain))
	var items []any
	for i, f := range found {
		st := outs[all[i]]
		kind := classify(st)
		if len(kinds) > 0 && !slices.Contains(kinds, kind) {
			continue
		}
		if domain != "" && !slices.ContainsFunc(st, func(s statement) bool {
			return s.O == domainID && (s.P == idDomain || s.P == idOwnerDomain)
		}) {
			continue
		}
		items = append(items, &searchItem{node: &node{term: f.Resource, id: all[i], kind: kind}, score: f.Score, snippet: f.Snippet})
	}
	return page(items, offset, first), nil
}

var idOwnerDomain = graph.TermID(rdf.IRI(ontology.KplaneOwnerDomain))

// resolver adapts the Searcher for discovery: a text that is no label of
// any concept is resolved to the concepts search finds for it.
func (req *request) resolver() ontology.Resolver {
	return ontology.ResolverFunc(func(ctx context.Context, snap *graph.Snapshot, text string) ([]rdf.Term, error) {
		found, err := req.opts.Searcher.Search(ctx, snap, SearchQuery{Text: text, Kinds: []string{"Concept", "Class"}, Limit: 20})
		if err != nil {
			return nil, err
		}
		all := make([]graph.ID, len(found))
		for i, f := range found {
			all[i] = graph.TermID(f.Resource)
		}
		outs, err := req.out.getMany(all)
		if err != nil {
			return nil, err
		}
		// Searchers may ignore Kinds; keep the five best concepts.
		var out []rdf.Term
		for i, f := range found {
			if k := classify(outs[all[i]]); (k == "Concept" || k == "Class") && len(out) < 5 {
				out = append(out, f.Resource)
			}
		}
		return out, nil
	})
}

// sparqlResult is the answer of the sparql field.
type sparqlResult struct {
	form      string
	vars      []string
	rows      [][]any
	boolean   bool
	triples   []any
	truncated bool
}

func (b *builder) sparqlType() *gql.Object {
	triple := gql.NewObject(gql.ObjectConfig{
		Name:        "Triple",
		Description: "A triple of a CONSTRUCT or DESCRIBE answer.",
		Fields: gql.Fields{
			"subject":   &gql.Field{Type: gql.NewNonNull(b.term), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(rdf.Quad).S, nil }},
			"predicate": &gql.Field{Type: gql.NewNonNull(b.term), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(rdf.Quad).P, nil }},
			"object":    &gql.Field{Type: gql.NewNonNull(b.term), Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(rdf.Quad).O, nil }},
		},
	})
	r := func(p gql.ResolveParams) *sparqlResult { return p.Source.(*sparqlResult) }
	return gql.NewObject(gql.ObjectConfig{
		Name:        "SparqlResult",
		Description: "The answer of a SPARQL query: rows for SELECT, a boolean for ASK, triples for CONSTRUCT and DESCRIBE.",
		Fields: gql.Fields{
			"form":      &gql.Field{Type: gql.NewNonNull(gql.String), Description: "SELECT, ASK, CONSTRUCT or DESCRIBE.", Resolve: func(p gql.ResolveParams) (any, error) { return r(p).form, nil }},
			"variables": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(gql.String))), Description: "The projected variables of a SELECT, in order.", Resolve: func(p gql.ResolveParams) (any, error) { return r(p).vars, nil }},
			"rows": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(gql.NewList(b.term)))), Description: "The solutions of a SELECT: one list per row, one term per variable (null when unbound).",
				Resolve: func(p gql.ResolveParams) (any, error) {
					out := make([]any, len(r(p).rows))
					for i, row := range r(p).rows {
						out[i] = row
					}
					return out, nil
				}},
			"boolean":   &gql.Field{Type: gql.Boolean, Description: "The answer of an ASK.", Resolve: func(p gql.ResolveParams) (any, error) { return r(p).boolean, nil }},
			"triples":   &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(triple))), Description: "The triples of a CONSTRUCT or DESCRIBE.", Resolve: func(p gql.ResolveParams) (any, error) { return r(p).triples, nil }},
			"truncated": &gql.Field{Type: gql.NewNonNull(gql.Boolean), Description: "Whether rows or triples were cut at the limit.", Resolve: func(p gql.ResolveParams) (any, error) { return r(p).truncated, nil }},
		},
	})
}

func (b *builder) resolveSPARQL(p gql.ResolveParams) (any, error) {
	req := res(p)
	text, _ := p.Args["query"].(string)
	limit := req.opts.MaxSPARQLRows
	if l, ok := p.Args["limit"].(int); ok {
		if l < 0 || l > req.opts.MaxSPARQLRows {
			return nil, errorf("limit must be between 0 and %d, got %d", req.opts.MaxSPARQLRows, l)
		}
		limit = l
	}
	q, err := eval.Prepare(text, eval.Options{UnionDefaultGraph: true, Timeout: req.opts.Timeout})
	if err != nil {
		return nil, err
	}
	r, err := q.Exec(req.ctx, req.r.Snapshot())
	if err != nil {
		return nil, sparqlError(err)
	}
	defer r.Close()
	out := &sparqlResult{vars: r.Vars, rows: [][]any{}, triples: []any{}}
	switch r.Form {
	case eval.Select:
		out.form = "SELECT"
		for r.Next() {
			if len(out.rows) == limit {
				out.truncated = true
				break
			}
			sol := r.Solution()
			row := make([]any, len(sol))
			for i, t := range sol {
				if t.Kind != rdf.KindNone {
					row[i] = t
				}
			}
			out.rows = append(out.rows, row)
		}
	case eval.Ask:
		out.form, out.boolean = "ASK", r.Boolean
	default:
		out.form = "CONSTRUCT"
		if r.Form == eval.Describe {
			out.form = "DESCRIBE"
		}
		for r.NextQuad() {
			if len(out.triples) == limit {
				out.truncated = true
				break
			}
			out.triples = append(out.triples, r.Quad())
		}
	}
	if err := r.Err(); err != nil {
		return nil, sparqlError(err)
	}
	return out, nil
}

func sparqlError(err error) error {
	if errors.Is(err, eval.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		return errorf("sparql: the query exceeded the request time limit: %w", err)
	}
	return err
}
