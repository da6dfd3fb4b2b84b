package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/ingest/importer"
)

func (a *app) importCommand() *cobra.Command {
	var (
		domain string
		dryRun bool
	)
	cmd := &cobra.Command{
		Use:   "import [--domain D] [--dry-run] FILE...",
		Short: "Import data contracts, data product descriptors and glossary spreadsheets",
		Long: `Import the documents a data mesh describes itself with:

  - ODCS v3 data contracts (YAML with kind: DataContract and apiVersion);
  - data product descriptors, Bitol ODPS (kind: DataProduct and apiVersion) or Linux
    Foundation ODPS (a top-level product key);
  - business glossaries kept as CSV (columns term, definition, synonyms, broader,
    related, scheme, domain, steward).

The kind of each file is told from its content. Each document becomes one named graph,
named after what it describes (the contract's, product's or concept scheme's IRI) and
owned by --domain, else by the document's own domain, and records the file it came
from; importing a document again replaces its graph. The import is atomic as a whole:
every document is imported, or none. Every file is decoded and validated before anything
is written: on an invalid file nothing changes, and the error names the file, the field
path and the line and column; a failure while writing changes nothing either. Product ports that reference contracts by id point at the
IRIs of the contracts imported with them or already in the store.

With --dry-run nothing is written; for each glossary the concepts and labels the import
would add or remove are listed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			return a.withStore(func(s *graph.Store) error {
				res, err := importer.Import(cmd.Context(), s, importer.Request{Files: files, Domain: domain, DryRun: dryRun})
				if err != nil {
					return a.listProblems(err)
				}
				a.printImport(res)
				if dryRun {
					return nil
				}
				return s.CollectGarbage(cmd.Context())
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&domain, "domain", "", "domain that owns the graphs written (default: each document's own domain)")
	f.BoolVar(&dryRun, "dry-run", false, "report what would change and change nothing")
	return cmd
}

// listProblems writes every problem of a failed import to standard error,
// one a line, and returns the first as the command's one-line error: all of
// them are needed to fix the files, and scripts read the last line.
func (a *app) listProblems(err error) error {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	if len(lines) == 1 {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(a.stderr, l)
	}
	more := "problems"
	if len(lines) == 2 {
		more = "problem"
	}
	return fmt.Errorf("%s (and %d more %s, listed above)", lines[0], len(lines)-1, more)
}

// printImport reports one line per document, and with a dry run the
// glossary changes under it.
func (a *app) printImport(res importer.Result) {
	for _, d := range res.Documents {
		var verb string
		switch {
		case d.Existed && res.DryRun:
			verb = fmt.Sprintf("would replace %d quads with", d.Before)
		case d.Existed:
			verb = fmt.Sprintf("replaced %d quads with", d.Before)
		case res.DryRun:
			verb = "would create a graph with"
		default:
			verb = "new graph with"
		}
		fmt.Fprintf(a.stdout, "%s: %s %s: %s %d quads, owner %s\n", d.File, d.Spec, d.Graph.Value, verb, d.Quads, dash(d.Owner))
		if !res.DryRun || d.Glossary == nil {
			continue
		}
		g := d.Glossary
		if g.Empty() {
			fmt.Fprintln(a.stdout, "  no changes")
			continue
		}
		for _, c := range g.AddedConcepts {
			fmt.Fprintf(a.stdout, "  + concept %s\n", c)
		}
		for _, c := range g.RemovedConcepts {
			fmt.Fprintf(a.stdout, "  - concept %s\n", c)
		}
		for _, l := range g.AddedLabels {
			fmt.Fprintf(a.stdout, "  + label   %s %s %s\n", l.Concept, shortPredicate(l.Predicate), l.Label)
		}
		for _, l := range g.RemovedLabels {
			fmt.Fprintf(a.stdout, "  - label   %s %s %s\n", l.Concept, shortPredicate(l.Predicate), l.Label)
		}
		if g.OtherAdded+g.OtherRemoved > 0 {
			fmt.Fprintf(a.stdout, "  %d other statements added, %d removed\n", g.OtherAdded, g.OtherRemoved)
		}
	}
	if res.DryRun {
		fmt.Fprintln(a.stdout, "dry run: nothing was changed")
	}
}

// shortPredicate writes a SKOS label property as skos:name.
func shortPredicate(iri string) string {
	if name, ok := strings.CutPrefix(iri, "http://www.w3.org/2004/02/skos/core#"); ok {
		return "skos:" + name
	}
	return "<" + iri + ">"
}
