package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/importer"
)

// demoGraphBase names the graphs the demo loads: one per file.
const demoGraphBase = "https://demo.kplane.dev/graph/"

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
				loaded, err := loadDemo(cmd.Context(), s, dir)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "loaded the demo enterprise (%d RDF files and %d contracts and glossaries from %s) into %s\n\n",
					loaded.rdfFiles, loaded.imported, dir, a.dataDir)
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

// demoLoad says what loadDemo loaded.
type demoLoad struct{ rdfFiles, imported int }

// loadDemo loads the demo enterprise in dir into s, replacing what an
// earlier load of it left: each RDF file becomes a named graph and each
// contract and glossary is imported, all owned by their domain (the folder
// they are in). Both kplane demo and kplane serve --demo use it.
func loadDemo(ctx context.Context, s *graph.Store, dir string) (demoLoad, error) {
	files, docs, err := demoFiles(dir)
	if err != nil {
		return demoLoad{}, err
	}
	if len(files) == 0 {
		return demoLoad{}, fmt.Errorf("demo: no RDF files under %s (run from the repository root or pass --dir)", dir)
	}
	for _, f := range files {
		owner, rel := demoOwner(dir, f)
		name := demoGraphBase + strings.TrimSuffix(rel, filepath.Ext(rel))
		_, err := ingest.Load(ctx, s, ingest.LoadRequest{
			Files: []string{f}, Graph: rdf.IRI(name), Replace: true, Owner: owner,
		})
		if err != nil {
			return demoLoad{}, err
		}
	}
	// The kplane vocabulary the demo uses, when the demo is the
	// repository's own.
	vocab := filepath.Join(dir, "..", "..", "ontology", "kplane.ttl")
	if _, err := os.Stat(vocab); err == nil {
		_, err := ingest.Load(ctx, s, ingest.LoadRequest{
			Files: []string{vocab}, Graph: rdf.IRI(kplaneVocabularyGraph), Replace: true,
		})
		if err != nil {
			return demoLoad{}, err
		}
	}
	// Contracts and glossaries go through the importer, one
	// import per domain so that each is owned by its folder.
	byOwner := map[string][]string{}
	var owners []string
	for _, f := range docs {
		owner, _ := demoOwner(dir, f)
		if byOwner[owner] == nil {
			owners = append(owners, owner)
		}
		byOwner[owner] = append(byOwner[owner], f)
	}
	imported := 0
	for _, owner := range owners {
		res, err := importer.Import(ctx, s, importer.Request{
			Files: byOwner[owner], Domain: owner, DomainBase: demoDomainBase,
		})
		if err != nil {
			return demoLoad{}, err
		}
		imported += len(res.Documents)
	}
	if err := s.CollectGarbage(ctx); err != nil {
		return demoLoad{}, err
	}
	return demoLoad{len(files), imported}, nil
}

// kplaneVocabularyGraph names the graph of the kplane vocabulary
// (ontology/kplane.ttl) the demo loads.
const kplaneVocabularyGraph = "https://kplane.dev/ns"

// demoDomainBase is the prefix of the demo's domain IRIs.
const demoDomainBase = "https://demo.kplane.dev/domain/"

// demoOwner returns the domain a demo file belongs to (its top folder) and
// its path relative to dir, with slashes.
func demoOwner(dir, path string) (owner, rel string) {
	rel, _ = filepath.Rel(dir, path)
	rel = filepath.ToSlash(rel)
	owner, _, _ = strings.Cut(rel, "/")
	return owner, rel
}

// demoFiles lists, in a stable order, the RDF documents under dir and the
// documents for the importer: ODCS contracts (*.odcs.yaml) and glossary
// spreadsheets (*.csv).
func demoFiles(dir string) (rdfFiles, docs []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		name := strings.ToLower(d.Name())
		switch {
		case strings.HasSuffix(name, ".odcs.yaml") || strings.HasSuffix(name, ".csv"):
			docs = append(docs, path)
		default:
			if _, ok := ingest.FormatForPath(path); ok {
				rdfFiles = append(rdfFiles, path)
			}
		}
		return nil
	})
	if os.IsNotExist(err) {
		return nil, nil, fmt.Errorf("demo: %s not found (run from the repository root or pass --dir)", dir)
	}
	return rdfFiles, docs, err
}
