package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

func (a *app) graphsCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graphs [--format table|json]",
		Short: "List the named graphs and their metadata",
		Long: `List the named graphs and their metadata: source, format, owner domain, load time,
quad count and content hash. Queries see the same metadata in the graph
https://kplane.dev/graphs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(s *graph.Store) error {
				sn := s.Snapshot()
				defer sn.Release()
				// The metadata graph describes the others; it is not listed.
				var gs []graph.GraphInfo
				for _, g := range sn.Graphs() {
					if g.Name.Value != graph.MetadataGraph {
						gs = append(gs, g)
					}
				}
				switch format {
				case "json":
					out := make([]graphJSON, 0, len(gs))
					for _, g := range gs {
						out = append(out, toGraphJSON(g))
					}
					enc := json.NewEncoder(a.stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(out)
				case "table", "":
					tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
					fmt.Fprintln(tw, "GRAPH\tQUADS\tOWNER\tFORMAT\tLOADED\tSOURCE")
					for _, g := range gs {
						fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", g.Name.Value, g.Quads, dash(g.Owner), dash(g.Format), g.LoadedAt.Local().Format(time.DateTime), dash(g.Source))
					}
					return tw.Flush()
				}
				return fmt.Errorf("unknown --format %q (table or json)", format)
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

type graphJSON struct {
	Graph       string    `json:"graph"`
	Quads       int64     `json:"quads"`
	Owner       string    `json:"owner,omitempty"`
	Source      string    `json:"source,omitempty"`
	Format      string    `json:"format,omitempty"`
	LoadedAt    time.Time `json:"loadedAt"`
	ModifiedAt  time.Time `json:"modifiedAt"`
	ContentHash string    `json:"contentHash"`
}

func toGraphJSON(g graph.GraphInfo) graphJSON {
	return graphJSON{Graph: g.Name.Value, Quads: g.Quads, Owner: g.Owner, Source: g.Source, Format: g.Format,
		LoadedAt: g.LoadedAt, ModifiedAt: g.ModifiedAt, ContentHash: g.ContentHash}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (a *app) dropCommand() *cobra.Command {
	var graphIRI string
	cmd := &cobra.Command{
		Use:   "drop --graph IRI",
		Short: "Remove a named graph and its content",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if graphIRI == "" {
				return fmt.Errorf("drop needs --graph IRI")
			}
			return a.withStore(func(s *graph.Store) error {
				err := s.Update(cmd.Context(), func(tx *graph.Txn) error { return tx.DropGraph(rdf.IRI(graphIRI)) })
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "dropped %s\n", graphIRI)
				return s.CollectGarbage(cmd.Context())
			})
		},
	}
	cmd.Flags().StringVar(&graphIRI, "graph", "", "named graph to drop")
	return cmd
}

func (a *app) statsCommand() *cobra.Command {
	var top int
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Show how much the store holds",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(s *graph.Store) error {
				sn := s.Snapshot()
				defer sn.Release()
				return a.printStats(s, sn, top)
			})
		},
	}
	cmd.Flags().IntVar(&top, "top", 10, "how many of the most used predicates to list")
	return cmd
}

func (a *app) printStats(s *graph.Store, sn *graph.Snapshot, top int) error {
	st := sn.Stats()
	fmt.Fprintf(a.stdout, "quads:          %d\n", st.Quads)
	fmt.Fprintf(a.stdout, "default graph:  %d quads\n", st.DefaultGraphQuads)
	fmt.Fprintf(a.stdout, "named graphs:   %d\n", st.Graphs)
	fmt.Fprintf(a.stdout, "predicates:     %d\n", len(st.Predicates))
	fmt.Fprintf(a.stdout, "disk:           %.1f MiB (%s)\n", float64(s.Size())/(1<<20), s.Dir())
	type row struct {
		p  graph.ID
		ps graph.PredicateStats
	}
	rows := make([]row, 0, len(st.Predicates))
	for p, ps := range st.Predicates {
		rows = append(rows, row{p, ps})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].ps.Quads != rows[j].ps.Quads {
			return rows[i].ps.Quads > rows[j].ps.Quads
		}
		return bytes.Compare(rows[i].p[:], rows[j].p[:]) < 0 // stable output
	})
	if len(rows) > top {
		rows = rows[:top]
	}
	if len(rows) == 0 {
		return nil
	}
	fmt.Fprintln(a.stdout)
	tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "QUADS\tSUBJECTS\tOBJECTS\t PREDICATE\t")
	for _, r := range rows {
		t, err := sn.Term(r.p)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t %s\t\n", r.ps.Quads, r.ps.DistinctSubjects, r.ps.DistinctObjects, t.Value)
	}
	return tw.Flush()
}
