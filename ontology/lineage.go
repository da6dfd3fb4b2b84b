package ontology

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// Direction says which way lineage is followed.
type Direction uint8

// Lineage directions.
const (
	// Upstream follows what a product is built from.
	Upstream Direction = iota + 1
	// Downstream follows what is built from a product.
	Downstream
)

func (d Direction) String() string {
	switch d {
	case Upstream:
		return "upstream"
	case Downstream:
		return "downstream"
	}
	return fmt.Sprintf("Direction(%d)", d)
}

// LinkKind says how two nodes of the lineage graph are connected.
type LinkKind uint8

// Kinds of lineage links.
const (
	// ViaPort: the downstream product's dprod:inputPort is the upstream
	// product's dprod:outputPort.
	ViaPort LinkKind = iota + 1
	// ViaDerivation: a dataset (or product) of the downstream side
	// prov:wasDerivedFrom one of the upstream side.
	ViaDerivation
)

func (k LinkKind) String() string {
	switch k {
	case ViaPort:
		return "port"
	case ViaDerivation:
		return "wasDerivedFrom"
	}
	return fmt.Sprintf("LinkKind(%d)", k)
}

// LineageLink is one statement behind a lineage edge. For ViaPort, Upstream
// and Downstream are both the shared port; for ViaDerivation, Downstream
// prov:wasDerivedFrom Upstream.
type LineageLink struct {
	Kind                 LinkKind
	Upstream, Downstream Node
}

// LineageEdge says that Downstream is built from Upstream. Both are data
// products, or a dataset when no product publishes it.
type LineageEdge struct {
	Upstream, Downstream Node
	// Via lists every port and derivation that connects the two.
	Via []LineageLink
	// Depth is the distance from the product asked about of the edge's far
	// end: 1 for direct neighbours.
	Depth int
}

var (
	idWasDerivedFrom = iriID(PROVWasDerivedFrom)
)

// rawLink is a LineageLink as ids, seen from the node it was found from.
type rawLink struct {
	other    graph.ID // the neighbour
	kind     LinkKind
	up, down graph.ID // the port, or the datasets of the derivation
}

// Lineage returns the lineage edges of a product in one direction: its
// direct neighbours, or with transitive everything reachable, each edge
// once. Edges come sorted by depth, then by the labels of their ends.
func Lineage(ctx context.Context, snap *graph.Snapshot, product rdf.Term, dir Direction, transitive bool) ([]LineageEdge, error) {
	if dir != Upstream && dir != Downstream {
		return nil, fmt.Errorf("ontology: lineage: invalid direction %d", dir)
	}
	if product.Kind != rdf.KindIRI && product.Kind != rdf.KindBlank {
		return nil, fmt.Errorf("ontology: lineage: %s is not a resource", product)
	}
	sc := cacheFor(snap)
	start := graph.TermID(product)
	depth := map[graph.ID]int{start: 0}
	queue := []graph.ID{start}
	type pair struct{ up, down graph.ID }
	edges := make(map[pair]*LineageEdge)
	var order []pair
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		links, err := sc.lineageLinks(ctx, snap, n, dir)
		if err != nil {
			return nil, err
		}
		for _, l := range links {
			d, seen := depth[l.other]
			if !seen {
				d = depth[n] + 1
				depth[l.other] = d
				if transitive {
					queue = append(queue, l.other)
				}
			}
			p := pair{l.other, n}
			if dir == Downstream {
				p = pair{n, l.other}
			}
			e, ok := edges[p]
			if !ok {
				up, err := sc.node(ctx, snap, p.up)
				if err != nil {
					return nil, err
				}
				down, err := sc.node(ctx, snap, p.down)
				if err != nil {
					return nil, err
				}
				e = &LineageEdge{Upstream: up, Downstream: down, Depth: max(depth[n], d)}
				edges[p] = e
				order = append(order, p)
			}
			up, err := sc.node(ctx, snap, l.up)
			if err != nil {
				return nil, err
			}
			down, err := sc.node(ctx, snap, l.down)
			if err != nil {
				return nil, err
			}
			ll := LineageLink{Kind: l.kind, Upstream: up, Downstream: down}
			if !slices.Contains(e.Via, ll) {
				e.Via = append(e.Via, ll)
			}
		}
	}
	out := make([]LineageEdge, 0, len(order))
	for _, p := range order {
		out = append(out, *edges[p])
	}
	slices.SortStableFunc(out, func(a, b LineageEdge) int {
		return cmp.Or(
			cmp.Compare(a.Depth, b.Depth),
			strings.Compare(a.Upstream.String(), b.Upstream.String()),
			strings.Compare(a.Downstream.String(), b.Downstream.String()),
		)
	})
	return out, nil
}

// lineageLinks finds the direct lineage neighbours of a node (a product, or
// a dataset no product publishes).
func (sc *stateCache) lineageLinks(ctx context.Context, snap *graph.Snapshot, n graph.ID, dir Direction) ([]rawLink, error) {
	var out []rawLink
	// Ports: upstream products publish through an output port what n reads
	// through an input port.
	myPorts, theirPorts := idInputPort, idOutputPort
	if dir == Downstream {
		myPorts, theirPorts = idOutputPort, idInputPort
	}
	ports, err := objects(ctx, snap, n, myPorts)
	if err != nil {
		return nil, err
	}
	for _, port := range ports {
		others, err := subjects(ctx, snap, theirPorts, port)
		if err != nil {
			return nil, err
		}
		for _, o := range others {
			if o != n {
				out = append(out, rawLink{other: o, kind: ViaPort, up: port, down: port})
			}
		}
	}
	// Derivations between n or its datasets and other datasets or
	// products.
	sources, err := sc.outputDatasets(ctx, snap, n)
	if err != nil {
		return nil, err
	}
	sources = append([]graph.ID{n}, sources...)
	for _, src := range sources {
		var related []graph.ID
		if dir == Upstream {
			related, err = objects(ctx, snap, src, idWasDerivedFrom)
		} else {
			related, err = subjects(ctx, snap, idWasDerivedFrom, src)
		}
		if err != nil {
			return nil, err
		}
		for _, r := range related {
			owners, err := sc.ownersOf(ctx, snap, r)
			if err != nil {
				return nil, err
			}
			for _, o := range owners {
				if o == n {
					continue
				}
				l := rawLink{other: o, kind: ViaDerivation, up: r, down: src}
				if dir == Downstream {
					l.up, l.down = src, r
				}
				out = append(out, l)
			}
		}
	}
	return out, nil
}

// ownersOf returns the products that stand for r in lineage: r itself when
// it is a product, the products that publish it when it is such a dataset,
// and r itself otherwise.
func (sc *stateCache) ownersOf(ctx context.Context, snap *graph.Snapshot, r graph.ID) ([]graph.ID, error) {
	info, err := sc.product(ctx, snap, r)
	if err != nil {
		return nil, err
	}
	if info.isProduct {
		return []graph.ID{r}, nil
	}
	prods, err := sc.producersOf(ctx, snap, r)
	if err != nil || len(prods) > 0 {
		return prods, err
	}
	return []graph.ID{r}, nil
}

// outputDatasets returns the datasets a product publishes: product
// dprod:outputPort port, port dprod:isAccessServiceOf distribution,
// distribution dprod:isDistributionOf dataset.
func (sc *stateCache) outputDatasets(ctx context.Context, snap *graph.Snapshot, p graph.ID) ([]graph.ID, error) {
	var out []graph.ID
	ports, err := objects(ctx, snap, p, idOutputPort)
	if err != nil {
		return nil, err
	}
	for _, port := range ports {
		dists, err := objects(ctx, snap, port, idAccessService)
		if err != nil {
			return nil, err
		}
		for _, dist := range dists {
			ds, err := objects(ctx, snap, dist, idDistributionOf)
			if err != nil {
				return nil, err
			}
			for _, d := range ds {
				if !slices.Contains(out, d) {
					out = append(out, d)
				}
			}
		}
	}
	return out, nil
}
