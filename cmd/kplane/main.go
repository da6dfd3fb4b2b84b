// Command kplane is the knowledge plane of a data mesh: an embedded RDF
// quad store with ingest, query and discovery.
//
// Run "kplane --help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/ontology"
	// The RDF syntaxes kplane reads.
	_ "github.com/kplane/kplane/ingest/jsonld"
	_ "github.com/kplane/kplane/ingest/ntriples"
	_ "github.com/kplane/kplane/ingest/rdfxml"
	_ "github.com/kplane/kplane/ingest/turtle"
)

// defaultMemoryLimit caps the Go heap when GOMEMLIMIT is not set, so that
// an embedded kplane stays laptop-sized during large loads.
const defaultMemoryLimit = 1 << 30

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCommand(os.Stdin, os.Stdout, os.Stderr)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "kplane:", oneLine(err))
		os.Exit(1)
	}
}

// app holds what every command shares.
type app struct {
	dataDir string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	// resolver resolves the text of "kplane about" that is no label of any
	// concept (full-text search); nil leaves such text unresolved.
	resolver ontology.Resolver
}

func newRootCommand(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "kplane",
		Short: "kplane — the knowledge plane of a data mesh",
		Long: `kplane keeps a data mesh's shared semantics — business glossaries (SKOS), domain
models (OWL/RDFS), data product descriptions (DPROD/DCAT) and their logical models —
in an embedded RDF quad store, and answers what exists and what it means.

The store lives in --data (default $KPLANE_DATA, else ./kplane-data).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	defaultDir := os.Getenv("KPLANE_DATA")
	if defaultDir == "" {
		defaultDir = "kplane-data"
	}
	root.PersistentFlags().StringVar(&a.dataDir, "data", defaultDir, "store directory")
	root.AddCommand(
		a.loadCommand(),
		a.graphsCommand(),
		a.dropCommand(),
		a.exportCommand(),
		a.statsCommand(),
		a.demoCommand(),
		a.queryCommand(),
		a.searchCommand(), a.suggestCommand(), a.reindexCommand(),
		a.updateCommand(),
		a.importCommand(),
		a.aboutCommand(),
		a.lineageCommand(),
		a.serveCommand(),
		a.tokenCommand(),
		a.benchCommand(),
	)
	return root
}

// openStore opens the store named by --data.
func (a *app) openStore() (*graph.Store, error) {
	logger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return graph.Open(a.dataDir, &graph.Options{Logger: logger})
}

// withStore runs fn with the store open and closes it afterwards, keeping
// the first error.
func (a *app) withStore(fn func(*graph.Store) error) (err error) {
	s, err := a.openStore()
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return fn(s)
}

// oneLine keeps the error on one line, as scripts expect.
func oneLine(err error) string {
	msg := err.Error()
	for i := 0; i < len(msg); i++ {
		if msg[i] == '\n' {
			return msg[:i]
		}
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	return msg
}
