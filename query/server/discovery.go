package server

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"connectrpc.com/connect"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
)

// Searcher answers full-text searches; package query/search provides one.
// Without it the server scans labels, which suffices for small stores.
type Searcher interface {
	// Search returns the resources matching text, best first.
	Search(ctx context.Context, text string, limit int) ([]SearchHit, error)
	// Suggest returns resources whose label begins with prefix.
	Suggest(ctx context.Context, prefix string, limit int) ([]SearchHit, error)
}

// SearchHit is a resource found by a Searcher.
type SearchHit struct {
	Resource rdf.Term
	Label    string
	Score    float64
	// Snippet is the text that matched.
	Snippet string
}

const defaultSearchLimit = 10

// discoveryService implements kplane.v1.DiscoveryService.
type discoveryService struct{ s *Server }

// searcher returns the configured Searcher or the label scan.
func (s *Server) searcher() Searcher {
	if s.cfg.Searcher != nil {
		return s.cfg.Searcher
	}
	return labelSearcher{s.cfg.Store}
}

// discover runs a discovery request with read access, in an execution
// slot, with the query time limit.
func (s *Server) discover(ctx context.Context, fn func(ctx context.Context, sn *graph.Snapshot) error) error {
	if _, err := authorizeRead(ctx); err != nil {
		return err
	}
	release, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
	defer cancel()
	sn := s.cfg.Store.Snapshot()
	defer sn.Release()
	return fn(ctx, sn)
}

func limitOr(n int32, def int) int {
	if n <= 0 {
		return def
	}
	return int(min(n, 1000))
}

// Search finds resources by text.
func (d *discoveryService) Search(ctx context.Context, req *connect.Request[kplanev1.SearchRequest]) (*connect.Response[kplanev1.SearchResponse], error) {
	resp := &kplanev1.SearchResponse{}
	err := d.s.discover(ctx, func(ctx context.Context, _ *graph.Snapshot) error {
		hits, err := d.s.searcher().Search(ctx, req.Msg.GetQuery(), limitOr(req.Msg.GetLimit(), defaultSearchLimit))
		for _, h := range hits {
			resp.Hits = append(resp.Hits, &kplanev1.SearchHit{
				Resource: termProto(h.Resource), Label: h.Label, Score: h.Score, Snippet: h.Snippet,
			})
		}
		return err
	})
	if err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(resp), nil
}

// Suggest completes a prefix.
func (d *discoveryService) Suggest(ctx context.Context, req *connect.Request[kplanev1.SuggestRequest]) (*connect.Response[kplanev1.SuggestResponse], error) {
	resp := &kplanev1.SuggestResponse{}
	err := d.s.discover(ctx, func(ctx context.Context, _ *graph.Snapshot) error {
		hits, err := d.s.searcher().Suggest(ctx, req.Msg.GetPrefix(), limitOr(req.Msg.GetLimit(), defaultSearchLimit))
		for _, h := range hits {
			resp.Suggestions = append(resp.Suggestions, &kplanev1.Resource{Term: termProto(h.Resource), Label: h.Label})
		}
		return err
	})
	if err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(resp), nil
}

// ProductsAbout finds the products about a concept.
func (d *discoveryService) ProductsAbout(ctx context.Context, req *connect.Request[kplanev1.ProductsAboutRequest]) (*connect.Response[kplanev1.ProductsAboutResponse], error) {
	m := req.Msg
	q := ontology.AboutQuery{
		Label: m.GetLabel(), IncludeRetired: m.GetIncludeRetired(), ExactOnly: m.GetExactOnly(), Limit: int(m.GetLimit()),
	}
	if c := m.GetConcept(); c != "" {
		if !rdf.IsAbsoluteIRI(c) {
			return nil, rpcError(badRequestf("concept %q is not an absolute IRI", c))
		}
		q.Concept = rdf.IRI(c)
	} else if strings.TrimSpace(q.Label) == "" {
		return nil, rpcError(badRequestf("name the concept: give its IRI or a label"))
	}
	q.Resolver = ontology.ResolverFunc(func(ctx context.Context, _ *graph.Snapshot, text string) ([]rdf.Term, error) {
		hits, err := d.s.searcher().Search(ctx, text, 5)
		terms := make([]rdf.Term, len(hits))
		for i, h := range hits {
			terms[i] = h.Resource
		}
		return terms, err
	})
	resp := &kplanev1.ProductsAboutResponse{}
	err := d.s.discover(ctx, func(ctx context.Context, sn *graph.Snapshot) error {
		hits, res, err := ontology.About(ctx, sn, q)
		if err != nil {
			return err
		}
		for _, c := range res.Concepts {
			resp.Concepts = append(resp.Concepts, nodeProto(c))
		}
		for _, h := range hits {
			ph := &kplanev1.ProductHit{
				Product: &kplanev1.Resource{Term: termProto(h.Product), Label: h.Label},
				Score:   h.Score, Close: h.Close, Retired: h.Retired,
				ExplanationText: h.Explanation.String(),
			}
			for _, st := range h.Explanation {
				ph.Explanation = append(ph.Explanation, &kplanev1.ExplanationStep{
					From: nodeProto(st.From), Relation: st.Relation.String(), To: nodeProto(st.To),
				})
			}
			resp.Products = append(resp.Products, ph)
		}
		return nil
	})
	if err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(resp), nil
}

func nodeProto(n ontology.Node) *kplanev1.Resource {
	return &kplanev1.Resource{Term: termProto(n.Term), Label: n.Label}
}

// GetConcept describes a concept.
func (d *discoveryService) GetConcept(ctx context.Context, req *connect.Request[kplanev1.GetConceptRequest]) (*connect.Response[kplanev1.GetConceptResponse], error) {
	resp := &kplanev1.GetConceptResponse{}
	err := d.s.discover(ctx, func(ctx context.Context, sn *graph.Snapshot) error {
		desc, err := describe(ctx, sn, req.Msg.GetConcept())
		resp.Concept = desc
		return err
	})
	if err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(resp), nil
}

// GetProduct describes a product and its lineage.
func (d *discoveryService) GetProduct(ctx context.Context, req *connect.Request[kplanev1.GetProductRequest]) (*connect.Response[kplanev1.GetProductResponse], error) {
	resp := &kplanev1.GetProductResponse{}
	err := d.s.discover(ctx, func(ctx context.Context, sn *graph.Snapshot) error {
		desc, err := describe(ctx, sn, req.Msg.GetProduct())
		if err != nil {
			return err
		}
		resp.Product = desc
		product := rdf.IRI(req.Msg.GetProduct())
		for _, dir := range []ontology.Direction{ontology.Upstream, ontology.Downstream} {
			edges, err := ontology.Lineage(ctx, sn, product, dir, true)
			if err != nil {
				return err
			}
			out := make([]*kplanev1.LineageEdge, len(edges))
			for i, e := range edges {
				out[i] = &kplanev1.LineageEdge{Upstream: nodeProto(e.Upstream), Downstream: nodeProto(e.Downstream), Depth: int32(e.Depth)}
			}
			if dir == ontology.Upstream {
				resp.Upstream = out
			} else {
				resp.Downstream = out
			}
		}
		return nil
	})
	if err != nil {
		return nil, rpcError(err)
	}
	return connect.NewResponse(resp), nil
}

// ListDomains lists the owners of graphs.
func (d *discoveryService) ListDomains(ctx context.Context, _ *connect.Request[kplanev1.ListDomainsRequest]) (*connect.Response[kplanev1.ListDomainsResponse], error) {
	if _, err := authorizeRead(ctx); err != nil {
		return nil, rpcError(err)
	}
	sn := d.s.cfg.Store.Snapshot()
	infos := sn.Graphs()
	sn.Release()
	byName := map[string]*kplanev1.Domain{}
	for _, gi := range infos {
		if gi.Owner == "" {
			continue
		}
		dom := byName[gi.Owner]
		if dom == nil {
			dom = &kplanev1.Domain{Name: gi.Owner}
			byName[gi.Owner] = dom
		}
		dom.Graphs++
		dom.Quads += gi.Quads
	}
	resp := &kplanev1.ListDomainsResponse{}
	for _, dom := range byName {
		resp.Domains = append(resp.Domains, dom)
	}
	slices.SortFunc(resp.Domains, func(a, b *kplanev1.Domain) int { return cmp.Compare(a.Name, b.Name) })
	return connect.NewResponse(resp), nil
}

// labelPredicates are read for a resource's label, best first.
var labelPredicates = []string{ontology.SKOSPrefLabel, ontology.RDFSLabel, ontology.DCTermsTitle, ontology.SKOSAltLabel}

// describe gathers every statement about a resource.
func describe(ctx context.Context, sn *graph.Snapshot, iri string) (*kplanev1.Description, error) {
	if !rdf.IsAbsoluteIRI(iri) {
		return nil, badRequestf("%q is not an absolute IRI", iri)
	}
	subject := rdf.IRI(iri)
	it := sn.Scan(ctx, graph.Pattern{S: graph.TermID(subject), Graph: graph.AllGraphs})
	defer it.Close()
	desc := &kplanev1.Description{}
	graphs := map[graph.ID]bool{}
	labels := map[string]string{} // predicate → best label
	for it.Next() {
		q, err := sn.Quad(it.Quad())
		if err != nil {
			return nil, err
		}
		if q.G.Value == graph.MetadataGraph {
			continue
		}
		prop := &kplanev1.Property{Predicate: termProto(q.P), Value: termProto(q.O)}
		if q.O.Kind == rdf.KindIRI {
			prop.ValueLabel, err = labelOf(ctx, sn, graph.TermID(q.O))
			if err != nil {
				return nil, err
			}
		}
		desc.Properties = append(desc.Properties, prop)
		if q.P.Value == rdf.RDFType {
			desc.Types = append(desc.Types, termProto(q.O))
		}
		if q.O.Kind == rdf.KindLiteral && slices.Contains(labelPredicates, q.P.Value) && betterLabel(q.O, labels[q.P.Value]) {
			labels[q.P.Value] = q.O.Value
		}
		if gid := it.Quad().G; !graphs[gid] {
			graphs[gid] = true
			desc.Graphs = append(desc.Graphs, termProto(q.G))
		}
	}
	if err := it.Err(); err != nil {
		return nil, err
	}
	if len(desc.Properties) == 0 {
		return nil, fmt.Errorf("%s: %w", iri, errNotFound)
	}
	res := &kplanev1.Resource{Term: termProto(subject)}
	for _, p := range labelPredicates {
		if l := labels[p]; l != "" {
			res.Label = l
			break
		}
	}
	desc.Resource = res
	return desc, nil
}

// betterLabel prefers English and untagged labels.
func betterLabel(t rdf.Term, current string) bool {
	return current == "" || t.Lang == "" || strings.HasPrefix(t.Lang, "en")
}

// labelOf returns a resource's label, or "".
func labelOf(ctx context.Context, sn *graph.Snapshot, id graph.ID) (string, error) {
	for _, p := range labelPredicates {
		it := sn.Scan(ctx, graph.Pattern{S: id, P: graph.TermID(rdf.IRI(p)), Graph: graph.AllGraphs})
		best := ""
		for it.Next() {
			t, err := sn.Term(it.Quad().O)
			if err != nil {
				it.Close()
				return "", err
			}
			if t.Kind == rdf.KindLiteral && betterLabel(t, best) {
				best = t.Value
			}
		}
		err := it.Err()
		it.Close()
		if err != nil || best != "" {
			return best, err
		}
	}
	return "", nil
}

// errNotFound reports a resource the store says nothing about.
var errNotFound = statusError{http.StatusNotFound, connect.CodeNotFound, fmt.Errorf("no statements about it")}
