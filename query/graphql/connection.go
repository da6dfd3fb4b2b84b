package graphql

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	gql "github.com/graphql-go/graphql"
)

// A connection is one page of a list, in the shape of the Relay cursor
// connection specification. Lists are in a stable order (by IRI, or by
// score and then IRI), and a cursor is the item's position in that order,
// so paging through a snapshot neither skips nor repeats items.
type connection struct {
	items  []any // the page
	extra  any   // what connection-level extra fields resolve from
	offset int   // position of items[0] in the whole list
	total  int
	more   bool
}

// edge is one item of a page and its position in the whole list, from
// which its cursor is made when asked for.
type edge struct {
	pos  int
	item any
}

// nodeOf returns the node an item of a list shows: the product of a
// discovery hit, the resource of a search hit, else the item itself.
func nodeOf(item any) any {
	switch it := item.(type) {
	case *hitItem:
		return it.product
	case *searchItem:
		return it.node
	}
	return item
}

const cursorPrefix = "kp:"

func encodeCursor(pos int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(pos)))
}

func decodeCursor(c string) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil && strings.HasPrefix(string(b), cursorPrefix) {
		if n, err := strconv.Atoi(string(b[len(cursorPrefix):])); err == nil && n >= 0 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("invalid cursor %q: use a cursor returned by this API", c)
}

func pageArgs() gql.FieldConfigArgument {
	return gql.FieldConfigArgument{
		"first": {Type: gql.Int, Description: "Number of items wanted (default 20, at most the server's page limit)."},
		"after": {Type: gql.String, Description: "Cursor of the item after which the page starts (endCursor of the previous page)."},
	}
}

// window returns the offset and size of the page the arguments ask for.
func window(args map[string]any, opts *Options) (offset, first int, err error) {
	first = opts.DefaultPageSize
	if v, ok := args["first"].(int); ok {
		if v < 0 || v > opts.MaxPageSize {
			return 0, 0, fmt.Errorf("first must be between 0 and %d, got %d", opts.MaxPageSize, v)
		}
		first = v
	}
	if c, ok := args["after"].(string); ok && c != "" {
		pos, err := decodeCursor(c)
		if err != nil {
			return 0, 0, err
		}
		offset = pos + 1
	}
	return offset, first, nil
}

// paginate cuts the page the arguments ask for out of the whole list.
func paginate(p gql.ResolveParams, all []any, opts *Options) (*connection, error) {
	offset, first, err := window(p.Args, opts)
	if err != nil {
		return nil, err
	}
	return page(all, offset, first), nil
}

func page(all []any, offset, first int) *connection {
	start := min(offset, len(all))
	end := min(start+first, len(all))
	return &connection{items: all[start:end], offset: start, total: len(all), more: end < len(all)}
}

func (c *connection) edges() []any {
	out := make([]any, len(c.items))
	edges := make([]edge, len(c.items))
	for i, it := range c.items {
		edges[i] = edge{pos: c.offset + i, item: it}
		out[i] = &edges[i]
	}
	return out
}

// connection returns the connection type of lists of kind, declaring it
// on first use.
func (b *builder) connection(kind string) *gql.Object {
	return b.connectionOf(kind, func() gql.Output { return b.types[kind] }, nil, nil)
}

// connectionOf declares a connection type whose nodes have type node and
// whose edges have extra fields besides cursor and node.
func (b *builder) connectionOf(name string, nodeType func() gql.Output, extra, connExtra gql.Fields) *gql.Object {
	if c, ok := b.conns[name]; ok {
		return c
	}
	edgeType := gql.NewObject(gql.ObjectConfig{
		Name:        name + "Edge",
		Description: "One item of a " + name + " list, with its cursor.",
		Fields: gql.FieldsThunk(func() gql.Fields {
			f := gql.Fields{
				"cursor": &gql.Field{Type: gql.NewNonNull(gql.String), Description: "Opaque position of the item; pass it as `after` to continue after it.",
					Resolve: func(p gql.ResolveParams) (any, error) { return encodeCursor(p.Source.(*edge).pos), nil }},
				"node": &gql.Field{Type: gql.NewNonNull(nodeType()), Description: "The item.",
					Resolve: func(p gql.ResolveParams) (any, error) { return nodeOf(p.Source.(*edge).item), nil }},
			}
			for k, v := range extra {
				f[k] = v
			}
			return f
		}),
	})
	c := gql.NewObject(gql.ObjectConfig{
		Name:        name + "Connection",
		Description: "A page of a list of " + name + " items (Relay cursor connection).",
		Fields: gql.FieldsThunk(func() gql.Fields {
			f := gql.Fields{
				"edges": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(edgeType))), Description: "The items of the page with their cursors.",
					Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*connection).edges(), nil }},
				"nodes": &gql.Field{Type: gql.NewNonNull(gql.NewList(gql.NewNonNull(nodeType()))), Description: "The items of the page.",
					Resolve: func(p gql.ResolveParams) (any, error) {
						c := p.Source.(*connection)
						out := make([]any, len(c.items))
						for i, it := range c.items {
							out[i] = nodeOf(it)
						}
						return out, nil
					}},
				"pageInfo": &gql.Field{Type: gql.NewNonNull(b.pageInfo), Description: "Where this page is in the list.",
					Resolve: func(p gql.ResolveParams) (any, error) {
						c := p.Source.(*connection)
						info := map[string]any{"hasNextPage": c.more, "hasPreviousPage": c.offset > 0}
						if len(c.items) > 0 {
							info["startCursor"] = encodeCursor(c.offset)
							info["endCursor"] = encodeCursor(c.offset + len(c.items) - 1)
						}
						return info, nil
					}},
				"totalCount": &gql.Field{Type: gql.NewNonNull(gql.Int), Description: "The number of items in the whole list.",
					Resolve: func(p gql.ResolveParams) (any, error) { return p.Source.(*connection).total, nil }},
			}
			for k, v := range connExtra {
				f[k] = v
			}
			return f
		}),
	})
	b.conns[name] = c
	return c
}
