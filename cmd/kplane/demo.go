package main

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/ingest/importer"
)

func (a *app) demoCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "demo [--dir testdata/demo]",
		Short: "Load the demo enterprise into the store and show what it holds",
		Long: `Load the demo enterprise (testdata/demo: seven business domains with their glossaries,
conceptual models, data products, logical models and data contracts) into the store:
each RDF file becomes a named graph, and each ODCS contract and the glossary CSV are
imported as "kplane import" does, each its own graph, all owned by their domain (the
folder they are in) and replaced if they were loaded before. Then print the store's
statistics and what to try next.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(s *graph.Store) error {
				loaded, err := importer.LoadDemo(cmd.Context(), s, dir)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "loaded the demo enterprise (%d RDF files and %d contracts and glossaries from %s) into %s\n\n",
					loaded.RDFFiles, loaded.Imported, dir, a.dataDir)
				sn := s.Snapshot()
				defer sn.Release()
				if err := a.printStats(s, sn, 10); err != nil {
					return err
				}
				data := ""
				if a.dataDir != "kplane-data" {
					data = " --data " + a.dataDir
				}
				fmt.Fprintf(a.stdout, `
Try next:
  kplane%[1]s about Customer --explain     the products about customers, whatever each domain calls them
  kplane%[1]s about Kunde                  the same, asked in German
  kplane%[1]s lineage --downstream --transitive customer-master
  kplane%[1]s graphs                       the graphs, their owners and sources
`, data)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&dir, "dir", filepath.Join("testdata", "demo"), "folder of the demo enterprise")
	return cmd
}
