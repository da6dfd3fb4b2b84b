package importer

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

// demoGraphBase names the graphs the demo loads: one per file.
const demoGraphBase = "https://demo.kplane.dev/graph/"

// DemoLoad says what LoadDemo loaded.
type DemoLoad struct{ RDFFiles, Imported int }

// LoadDemo loads the demo enterprise in dir (testdata/demo) into s,
// replacing what an earlier load of it left: each RDF file becomes a named
// graph and each contract and glossary is imported, all owned by their
// domain (the folder they are in), and the kplane vocabulary is loaded
// beside them. kplane demo, kplane serve --demo and the tests over the demo
// use it.
func LoadDemo(ctx context.Context, s *graph.Store, dir string) (DemoLoad, error) {
	files, docs, err := demoFiles(dir)
	if err != nil {
		return DemoLoad{}, err
	}
	if len(files) == 0 {
		return DemoLoad{}, fmt.Errorf("demo: no RDF files under %s (run from the repository root or pass --dir)", dir)
	}
	for _, f := range files {
		owner, rel := demoOwner(dir, f)
		name := demoGraphBase + strings.TrimSuffix(rel, filepath.Ext(rel))
		_, err := ingest.Load(ctx, s, ingest.LoadRequest{
			Files: []string{f}, Graph: rdf.IRI(name), Replace: true, Owner: owner,
		})
		if err != nil {
			return DemoLoad{}, err
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
			return DemoLoad{}, err
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
		res, err := Import(ctx, s, Request{
			Files: byOwner[owner], Domain: owner, DomainBase: demoDomainBase,
		})
		if err != nil {
			return DemoLoad{}, err
		}
		imported += len(res.Documents)
	}
	if err := s.CollectGarbage(ctx); err != nil {
		return DemoLoad{}, err
	}
	return DemoLoad{len(files), imported}, nil
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
