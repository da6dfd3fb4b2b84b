package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
)

func (a *app) loadCommand() *cobra.Command {
	var (
		graphIRI, base, format, owner string
		appendMode                    bool
	)
	cmd := &cobra.Command{
		Use:   "load [--graph IRI] [--append] [--base IRI] [--format F] [--owner DOMAIN] FILE...",
		Short: "Load RDF files into the store",
		Long: `Load RDF files into the store, atomically: either all files are loaded, or on any
error (a syntax error in the last line of the last file, a full disk, an interrupt) nothing
changes.

With --graph, the named graph is replaced by the files' content (--append adds to it
instead). Without --graph, the files are added to the default graph, and quads of TriG,
N-Quads or JSON-LD documents that name a graph go to that graph. Blank nodes of separate
loads (and separate files) stay distinct.

Formats: turtle, trig, ntriples, nquads, rdfxml, jsonld — guessed from the file name
(.ttl .trig .nt .nq .rdf .owl .jsonld, each optionally .gz) unless --format is given.
"-" reads standard input (then --format is needed).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			if appendMode && graphIRI == "" {
				return fmt.Errorf("--append needs --graph (without --graph, loads always add to the default graph)")
			}
			if format != "" {
				if _, ok := ingest.LookupFormat(format); !ok {
					return fmt.Errorf("unknown --format %q (known: %s)", format, strings.Join(ingest.FormatNames(), ", "))
				}
			}
			req := ingest.LoadRequest{Files: files, Format: format, Base: base, Owner: owner, Stdin: a.stdin}
			if graphIRI != "" {
				if !rdf.IsAbsoluteIRI(graphIRI) {
					return fmt.Errorf("--graph %q is not an absolute IRI", graphIRI)
				}
				req.Graph = rdf.IRI(graphIRI)
				req.Replace = !appendMode
			}
			bar := a.progressBar(files)
			if bar != nil {
				start := time.Now()
				req.Progress = func(quads, _ int64) {
					rate := float64(quads) / time.Since(start).Seconds()
					bar.Describe(fmt.Sprintf("%d triples, %.0f triples/s", quads, rate))
					bar.Add(0)
				}
			}
			start := time.Now()
			return a.withStore(func(s *graph.Store) error {
				res, err := ingest.Load(cmd.Context(), s, req)
				if bar != nil {
					bar.Finish()
					bar.Clear()
				}
				if err != nil {
					return err
				}
				elapsed := time.Since(start)
				for _, g := range res.Graphs {
					name := "default graph"
					if !g.Name.IsZero() {
						name = g.Name.Value
					}
					fmt.Fprintf(a.stdout, "%s: %d quads\n", name, g.Quads)
				}
				fmt.Fprintf(a.stdout, "loaded %d quads in %s (%.0f quads/s)\n", res.Quads, elapsed.Round(time.Millisecond), float64(res.Quads)/elapsed.Seconds())
				// Replaced content is garbage now: reclaim it while the
				// user waits anyway, rather than leave it to a later run.
				return s.CollectGarbage(cmd.Context())
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&graphIRI, "graph", "", "named graph to replace (or add to, with --append)")
	f.BoolVar(&appendMode, "append", false, "add to the --graph instead of replacing it")
	f.StringVar(&base, "base", "", "base IRI for relative IRIs (default: the file's location)")
	f.StringVar(&format, "format", "", "input format: turtle, trig, ntriples, nquads, rdfxml, jsonld")
	f.StringVar(&owner, "owner", "", "domain that owns the graphs written")
	return cmd
}

// progressBar returns a bar on a terminal, nil otherwise (scripts get no
// progress noise).
func (a *app) progressBar(files []string) *progressbar.ProgressBar {
	f, ok := a.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(a.stderr),
		progressbar.OptionSetDescription("loading "+strings.Join(files, " ")),
		progressbar.OptionSpinnerType(14),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}
