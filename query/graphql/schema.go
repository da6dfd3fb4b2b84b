package graphql

import (
	"context"
	"errors"
	"maps"
	"slices"

	gql "github.com/graphql-go/graphql"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// builder assembles the schema. Object types refer to each other by name
// through field thunks, so the order they are declared in does not matter.
type builder struct {
	desc  *descriptions
	opts  *Options
	types map[string]*gql.Object
	conns map[string]*gql.Object
	node  *gql.Interface

	pageInfo *gql.Object
	term     *gql.Object
	status   *gql.Enum
	class    *gql.Enum
	kind     *gql.Enum
	filter   *gql.InputObject
}

// NewSchema builds the GraphQL schema of the semantic layer. The
// descriptions of types and fields are read from the vocabularies in snap
// (rdfs:comment of properties and classes, skos:definition of concepts),
// falling back to short built-in descriptions of the standard terms; snap
// may be nil. The schema does not keep snap.
func NewSchema(snap *graph.Snapshot, opts Options) (gql.Schema, error) {
	o := opts.withDefaults()
	b := &builder{
		desc:  &descriptions{snap: snap, cache: make(map[string]string)},
		opts:  &o,
		types: make(map[string]*gql.Object),
		conns: make(map[string]*gql.Object),
	}
	return b.build()
}

// res returns the request of a resolver.
func res(p gql.ResolveParams) *request { return requestFrom(p.Context) }

func src(p gql.ResolveParams) *node {
	n, _ := p.Source.(*node)
	return n
}

// thunk is the deferred result graphql-go batches on.
type thunk = func() (any, error)

// withOut resolves from the statements about the source node, batched.
func withOut(fn func(n *node, st []statement) (any, error)) gql.FieldResolveFn {
	return func(p gql.ResolveParams) (any, error) {
		n := src(p)
		if n == nil {
			return nil, nil
		}
		req := res(p)
		if st, ok := req.statements(n); ok {
			return fn(n, st)
		}
		load := req.out.load(n.id)
		return thunk(func() (any, error) {
			st, err := load()
			if err != nil {
				return nil, err
			}
			n.st, n.loaded = st, true
			return fn(n, st)
		}), nil
	}
}

// withPath resolves from the resources reached along a path, batched.
func withPath(pa path, fn func(p gql.ResolveParams, rs []ref) (any, error)) gql.FieldResolveFn {
	key := pa.id()
	return func(p gql.ResolveParams) (any, error) {
		n := src(p)
		if n == nil {
			return nil, nil
		}
		// An earlier request may have walked the path from n: then
		// the field resolves at once, and so do the fields of what it
		// reaches, whose statements the walk kept.
		req := res(p)
		if rs, ok := req.shared.walkedFrom(key, n.id); ok {
			return fn(p, rs)
		}
		b := req.follow(pa, key)
		if rs, ok := b.cached(n.id); ok {
			return fn(p, rs)
		}
		load := b.load(n.id)
		return thunk(func() (any, error) {
			ts, err := load()
			if err != nil {
				return nil, err
			}
			return fn(p, ts)
		}), nil
	}
}

func (b *builder) obj(name string) *gql.Object { return b.types[name] }

// lit is a field holding the best literal of a property.
func (b *builder) lit(pred, fallback string) *gql.Field {
	p := graph.TermID(rdf.IRI(pred))
	return &gql.Field{
		Type:        gql.String,
		Description: b.desc.of(pred, fallback),
		Resolve: withOut(func(_ *node, st []statement) (any, error) {
			if v := bestLiteral(st, p, "en"); v != nil {
				return v, nil
			}
			return nil, nil
		}),
	}
}

// lits is a field holding every literal of a property.
func (b *builder) lits(pred, fallback string) *gql.Field {
	p := graph.TermID(rdf.IRI(pred))
	return &gql.Field{
		Type:        gql.NewNonNull(gql.NewList(gql.NewNonNull(gql.String))),
		Description: b.desc.of(pred, fallback),
		Resolve:     withOut(func(_ *node, st []statement) (any, error) { return literals(st, p), nil }),
	}
}

// ref is a field holding one resource reached along pa.
func (b *builder) ref(kind, descIRI, fallback string, pa path) *gql.Field {
	return &gql.Field{
		Type:        b.obj(kind),
		Description: b.desc.of(descIRI, fallback),
		Resolve: withPath(pa, func(_ gql.ResolveParams, rs []ref) (any, error) {
			if len(rs) == 0 {
				return nil, nil
			}
			n := rs[0].node(kind)
			return &n, nil
		}),
	}
}

// refs is a field holding the resources reached along pa: a short list,
// such as the ports of a product.
func (b *builder) refs(kind, descIRI, fallback string, pa path) *gql.Field {
	return &gql.Field{
		Type:        gql.NewNonNull(gql.NewList(gql.NewNonNull(b.obj(kind)))),
		Description: b.desc.of(descIRI, fallback),
		Resolve: withPath(pa, func(_ gql.ResolveParams, rs []ref) (any, error) {
			return refNodes(rs, kind), nil
		}),
	}
}

// conn is a paginated field holding the resources reached along pa: a
// list that can grow, such as the products of a domain.
func (b *builder) conn(kind, descIRI, fallback string, pa path) *gql.Field {
	return &gql.Field{
		Type:        b.connection(kind),
		Description: b.desc.of(descIRI, fallback),
		Args:        pageArgs(),
		Resolve: withPath(pa, func(p gql.ResolveParams, rs []ref) (any, error) {
			return paginate(p, refNodes(rs, kind), b.opts)
		}),
	}
}

// common are the fields every resource type has.
func (b *builder) common(f gql.Fields) gql.Fields {
	f["iri"] = &gql.Field{
		Type:        gql.NewNonNull(gql.String),
		Description: "The resource's IRI (\"_:label\" for a blank node).",
		Resolve:     func(p gql.ResolveParams) (any, error) { return src(p).iriValue(), nil },
	}
	f["label"] = &gql.Field{
		Type:        gql.String,
		Description: "A display name: the skos:prefLabel, dcterms:title, sh:name or rdfs:label, in English where there is a choice.",
		Resolve: withOut(func(_ *node, st []statement) (any, error) {
			if l := bestLabel(st); l != nil && *l != "" {
				return l, nil
			}
			return nil, nil
		}),
	}
	f["types"] = &gql.Field{
		Type:        gql.NewNonNull(gql.NewList(gql.NewNonNull(gql.String))),
		Description: "The IRIs of the resource's rdf:types.",
		Resolve: withOut(func(_ *node, st []statement) (any, error) {
			var out []string
			for _, t := range objectsOf(st, idType) {
				out = append(out, t.Value)
			}
			return out, nil
		}),
	}
	f["resource"] = &gql.Field{
		Type:        gql.NewNonNull(b.obj("Resource")),
		Description: "The same resource seen generically: every statement about it and pointing at it.",
		Resolve:     func(p gql.ResolveParams) (any, error) { return newNode(src(p).term, "Resource"), nil },
	}
	return f
}

// object declares an object type implementing Node.
func (b *builder) object(name, classIRI, fallback string, fields func() gql.Fields) {
	b.types[name] = gql.NewObject(gql.ObjectConfig{
		Name:        name,
		Description: b.desc.of(classIRI, fallback),
		Interfaces:  []*gql.Interface{b.node},
		Fields:      gql.FieldsThunk(func() gql.Fields { return b.common(fields()) }),
		IsTypeOf: func(p gql.IsTypeOfParams) bool {
			n, ok := p.Value.(*node)
			return ok && n.kind == name
		},
	})
}

func (b *builder) build() (gql.Schema, error) {
	b.node = gql.NewInterface(gql.InterfaceConfig{
		Name:        "Node",
		Description: "Any resource of the knowledge graph, identified by its IRI.",
		Fields: gql.FieldsThunk(func() gql.Fields {
			return gql.Fields{
				"iri":      &gql.Field{Type: gql.NewNonNull(gql.String), Description: "The resource's IRI (\"_:label\" for a blank node)."},
				"label":    &gql.Field{Type: gql.String, Description: "A display name."},
				"types":    &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(gql.String))), Description: "The IRIs of the resource's rdf:types."},
				"resource": &gql.Field{Type: gql.NewNonNull(b.types["Resource"]), Description: "The resource seen generically: every statement about it and pointing at it."},
			}
		}),
		ResolveType: func(p gql.ResolveTypeParams) *gql.Object {
			n, ok := p.Value.(*node)
			if !ok {
				return nil
			}
			if n.kind == "" {
				n.kind = "Resource"
				if req := requestFrom(p.Context); req != nil {
					if st, err := req.out.load(n.id)(); err == nil {
						n.kind = classify(st)
					}
				}
			}
			return b.types[n.kind]
		},
	})
	b.scalars()
	b.declareTypes()
	query := b.queryType()
	var all []gql.Type
	for _, name := range slices.Sorted(maps.Keys(b.types)) {
		all = append(all, b.types[name])
	}
	return gql.NewSchema(gql.SchemaConfig{Query: query, Types: all})
}

var errDeadline = errors.New("graphql: request time limit exceeded")

// timeoutContext bounds a request by Options.Timeout.
func (o *Options) timeoutContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if o.Timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, o.Timeout, errDeadline)
}
