package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

// demoGraphBase names the graphs the demo loads: one per file.
const demoGraphBase = "https://demo.kplane.dev/graph/"

func (a *app) demoCommand() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "demo [--dir testdata/demo]",
		Short: "Load the demo enterprise into the store and show what it holds",
		Long: `Load the demo enterprise (testdata/demo: five business domains with their glossaries,
conceptual models and data products) into the store: each RDF file becomes a named
graph owned by its domain (the folder it is in), replaced if it was loaded before.
Then print the store's statistics and graphs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			files, err := demoFiles(dir)
			if err != nil {
				return err
			}
			if len(files) == 0 {
				return fmt.Errorf("demo: no RDF files under %s (run from the repository root or pass --dir)", dir)
			}
			return a.withStore(func(s *graph.Store) error {
				for _, f := range files {
					rel, _ := filepath.Rel(dir, f)
					rel = filepath.ToSlash(rel)
					owner, _, _ := strings.Cut(rel, "/")
					name := demoGraphBase + strings.TrimSuffix(rel, filepath.Ext(rel))
					_, err := ingest.Load(cmd.Context(), s, ingest.LoadRequest{
						Files: []string{f}, Graph: rdf.IRI(name), Replace: true, Owner: owner,
					})
					if err != nil {
						return err
					}
				}
				if err := s.CollectGarbage(cmd.Context()); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "loaded the demo enterprise (%d files from %s) into %s\n\n", len(files), dir, a.dataDir)
				sn := s.Snapshot()
				defer sn.Release()
				return a.printStats(s, sn, 10)
			})
		},
	}
	cmd.Flags().StringVar(&dir, "dir", filepath.Join("testdata", "demo"), "folder of the demo enterprise")
	return cmd
}

// demoFiles lists the RDF documents under dir, in a stable order.
func demoFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if _, ok := ingest.FormatForPath(path); ok {
			files = append(files, path)
		}
		return nil
	})
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("demo: %s not found (run from the repository root or pass --dir)", dir)
	}
	return files, err
}
