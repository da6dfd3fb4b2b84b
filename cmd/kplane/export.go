package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/results"
)

func (a *app) exportCommand() *cobra.Command {
	var graphIRI, format string
	cmd := &cobra.Command{
		Use:   "export [--graph IRI] [--format nquads|ntriples|turtle|trig]",
		Short: "Write the store's content to standard output",
		Long: `Write the store's content to standard output.

Without --graph, every quad of the store (default format nquads; default-graph triples
are written without a graph term), but for the store's own graph metadata
(https://kplane.dev/graphs), which the loading store writes anew. With --graph, that graph's triples (default format
ntriples), ready to load back with "kplane load --graph IRI". Loading the output back
gives the same content (blank nodes get fresh identities).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format == "" {
				format = "nquads"
				if graphIRI != "" {
					format = "ntriples"
				}
			}
			return a.withStore(func(s *graph.Store) error {
				sn := s.Snapshot()
				defer sn.Release()
				sel := graph.AllGraphs
				if graphIRI != "" {
					g := rdf.IRI(graphIRI)
					if _, ok := sn.Graph(g); !ok {
						return fmt.Errorf("export: %s: %w", graphIRI, graph.ErrGraphNotFound)
					}
					sel = graph.InGraph(graph.TermID(g))
				}
				w, err := results.NewQuadWriter(a.stdout, format, results.WriterOptions{})
				if err != nil {
					return err
				}
				// The metadata graph is left out: it describes this store's
				// graphs, and a store that loads the export writes its own.
				meta := graph.TermID(rdf.IRI(graph.MetadataGraph))
				it := sn.Scan(cmd.Context(), graph.Pattern{Graph: sel})
				defer it.Close()
				for it.Next() {
					if it.Quad().G == meta {
						continue
					}
					q, err := sn.Quad(it.Quad())
					if err != nil {
						w.Close()
						return err
					}
					if graphIRI != "" {
						q.G = rdf.Term{}
					}
					if err := w.WriteQuad(q); err != nil {
						w.Close()
						return err
					}
				}
				if err := it.Err(); err != nil {
					w.Close()
					return err
				}
				return w.Close()
			})
		},
	}
	cmd.Flags().StringVar(&graphIRI, "graph", "", "export only this named graph")
	cmd.Flags().StringVar(&format, "format", "", "output format: nquads, ntriples, turtle or trig")
	return cmd
}
