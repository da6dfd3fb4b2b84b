package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

func (a *app) lineageCommand() *cobra.Command {
	var (
		upstream, downstream, transitive bool
		format                           string
	)
	cmd := &cobra.Command{
		Use:   "lineage [--upstream|--downstream] [--transitive] [--format table|json] PRODUCT",
		Short: "Show what a data product is built from and what is built from it",
		Long: `Show the lineage of a data product: the products it reads through its input ports or
whose datasets its datasets were derived from (--upstream), and the products built
from it (--downstream). Without either flag, both. --transitive follows the lineage
to the end instead of stopping at the direct neighbours.

PRODUCT is the product's IRI, the end of its IRI (customer-master, or
sales/product/customer-master), or its title.

--format json prints an array of edges with direction, upstream, downstream (IRIs
with their labels), depth and via (the ports and derivations behind the edge).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if upstream && downstream {
				return fmt.Errorf("--upstream and --downstream exclude each other; give neither for both")
			}
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown --format %q (table or json)", format)
			}
			dirs := []ontology.Direction{ontology.Upstream, ontology.Downstream}
			switch {
			case upstream:
				dirs = dirs[:1]
			case downstream:
				dirs = dirs[1:]
			}
			return a.withStore(func(s *graph.Store) error {
				snap := s.Snapshot()
				defer snap.Release()
				product, err := findProduct(cmd.Context(), snap, args[0])
				if err != nil {
					return err
				}
				var edges []lineageEdgeJSON
				for _, dir := range dirs {
					es, err := ontology.Lineage(cmd.Context(), snap, product, dir, transitive)
					if err != nil {
						return err
					}
					for _, e := range es {
						edges = append(edges, toLineageJSON(dir, e))
					}
				}
				if format == "json" {
					enc := json.NewEncoder(a.stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(edges)
				}
				return a.printLineage(product, edges)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&upstream, "upstream", false, "only what the product is built from")
	f.BoolVar(&downstream, "downstream", false, "only what is built from the product")
	f.BoolVar(&transitive, "transitive", false, "follow the lineage to the end, not one step")
	f.StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

// lineageEdgeJSON is one edge of "kplane lineage --format json".
type lineageEdgeJSON struct {
	Direction       string            `json:"direction"`
	Upstream        string            `json:"upstream"`
	UpstreamLabel   string            `json:"upstreamLabel,omitempty"`
	Downstream      string            `json:"downstream"`
	DownstreamLabel string            `json:"downstreamLabel,omitempty"`
	Depth           int               `json:"depth"`
	Via             []lineageLinkJSON `json:"via"`
}

// lineageLinkJSON is a port or derivation behind an edge.
type lineageLinkJSON struct {
	Kind       string `json:"kind"`
	Upstream   string `json:"upstream"`
	Downstream string `json:"downstream"`
}

func toLineageJSON(dir ontology.Direction, e ontology.LineageEdge) lineageEdgeJSON {
	j := lineageEdgeJSON{
		Direction: dir.String(),
		Upstream:  nodeName(e.Upstream), UpstreamLabel: e.Upstream.Label,
		Downstream: nodeName(e.Downstream), DownstreamLabel: e.Downstream.Label,
		Depth: e.Depth,
	}
	for _, v := range e.Via {
		j.Via = append(j.Via, lineageLinkJSON{Kind: v.Kind.String(), Upstream: nodeName(v.Upstream), Downstream: nodeName(v.Downstream)})
	}
	return j
}

func (a *app) printLineage(product rdf.Term, edges []lineageEdgeJSON) error {
	if len(edges) == 0 {
		fmt.Fprintf(a.stdout, "no lineage recorded for %s\n", product.Value)
		return nil
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "DIRECTION\tDEPTH\tUPSTREAM\t\tDOWNSTREAM\tVIA")
	for _, e := range edges {
		var via []string
		for _, v := range e.Via {
			via = append(via, v.Kind)
		}
		slices.Sort(via)
		via = slices.Compact(via)
		fmt.Fprintf(tw, "%s\t%d\t%s\t->\t%s\t%s\n", e.Direction, e.Depth, shortName(e.Upstream, e.UpstreamLabel), shortName(e.Downstream, e.DownstreamLabel), strings.Join(via, ", "))
	}
	return tw.Flush()
}

// shortName shows a product by label and the end of its IRI.
func shortName(iri, label string) string {
	if label == "" {
		return iri
	}
	return fmt.Sprintf("%s (%s)", label, tailOf(iri))
}

// tailOf returns the part of a product IRI that names it within its
// publisher: sales/product/customer-master for
// https://demo.kplane.dev/sales/product/customer-master.
func tailOf(iri string) string {
	rest := iri
	if _, after, ok := strings.Cut(iri, "://"); ok {
		rest = after
	}
	if _, path, ok := strings.Cut(rest, "/"); ok && path != "" {
		return path
	}
	return iri
}

// findProduct resolves the PRODUCT argument: an IRI as given; otherwise the
// data product whose IRI ends in "/"+name or whose title or label is name
// (compared as labels are). Several matches are an error that lists them.
func findProduct(ctx context.Context, snap *graph.Snapshot, name string) (rdf.Term, error) {
	if rdf.IsAbsoluteIRI(name) {
		return rdf.IRI(name), nil
	}
	typ := graph.TermID(rdf.IRI(rdf.RDFType))
	dataProduct := graph.TermID(rdf.IRI(ontology.DPRODDataProduct))
	titles := []graph.ID{graph.TermID(rdf.IRI(ontology.DCTermsTitle)), graph.TermID(rdf.IRI(ontology.RDFSLabel)), graph.TermID(rdf.IRI(ontology.SKOSPrefLabel))}
	want := ontology.NormalizeLabel(name)
	suffix := "/" + strings.Trim(name, "/")
	var found []string
	it := snap.Scan(ctx, graph.Pattern{P: typ, O: dataProduct, Graph: graph.AllGraphs})
	defer it.Close()
	for it.Next() {
		id := it.Quad().S
		t, err := snap.Term(id)
		if err != nil {
			return rdf.Term{}, err
		}
		if t.Kind != rdf.KindIRI || slices.Contains(found, t.Value) {
			continue
		}
		match := strings.HasSuffix(t.Value, suffix)
		for _, p := range titles {
			if match {
				break
			}
			ls := snap.Scan(ctx, graph.Pattern{S: id, P: p, Graph: graph.AllGraphs})
			for !match && ls.Next() {
				l, err := snap.Term(ls.Quad().O)
				if err != nil {
					ls.Close()
					return rdf.Term{}, err
				}
				match = l.Kind == rdf.KindLiteral && ontology.NormalizeLabel(l.Value) == want
			}
			ls.Close()
			if err := ls.Err(); err != nil {
				return rdf.Term{}, err
			}
		}
		if match {
			found = append(found, t.Value)
		}
	}
	if err := it.Err(); err != nil {
		return rdf.Term{}, err
	}
	switch len(found) {
	case 0:
		return rdf.Term{}, fmt.Errorf("no data product is named %q (give its IRI, the end of its IRI or its title)", name)
	case 1:
		return rdf.IRI(found[0]), nil
	}
	slices.Sort(found)
	return rdf.Term{}, fmt.Errorf("%q names %d data products: %s", name, len(found), strings.Join(found, ", "))
}
