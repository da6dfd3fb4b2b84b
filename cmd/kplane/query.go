package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/results"
	"github.com/kplane/kplane/query/search"
	"github.com/kplane/kplane/query/sparql/eval"
)

func (a *app) queryCommand() *cobra.Command {
	var (
		base, format, file string
		explain, stored    bool
		timeout            time.Duration
	)
	cmd := &cobra.Command{
		Use:   "query [--base IRI] [--format json|xml|csv|tsv|ntriples|turtle|table] [--explain] [--file Q.rq | QUERY]",
		Short: "Run a SPARQL 1.1 query",
		Long: `Run a SPARQL 1.1 query against the store and print its results.

SELECT and ASK results print as json, xml, csv, tsv or an aligned table (the default on a
terminal; json otherwise); CONSTRUCT and DESCRIBE results as ntriples or turtle (the default).

The default graph of a query without FROM is the union of all graphs, since every document
lives in a graph of its own; --stored-default-graph queries the store's default graph alone.
GRAPH ?g ranges over the named graphs, including https://kplane.dev/graphs, which describes
the others (source, format, owner, load time, quad count, content hash).

--explain prints the plan with estimated and actual row counts instead of the results.
A syntax error exits non-zero with line:col: message.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := requestSource("query", file, args, a.stdin)
			if err != nil {
				return err
			}
			lazy := &lazySearch{}
			q, err := eval.Prepare(src, eval.Options{BaseIRI: base, UnionDefaultGraph: !stored, Timeout: timeout,
				PropertyFunctions: map[string]eval.PropertyFunction{search.SearchFunction: lazy}})
			if err != nil {
				return queryError(err)
			}
			return a.withStore(func(s *graph.Store) error {
				lazy.store = s
				defer lazy.close()
				sn := s.Snapshot()
				defer sn.Release()
				if explain {
					plan, err := q.Explain(cmd.Context(), sn, true)
					if err != nil {
						return err
					}
					fmt.Fprint(a.stdout, plan)
					return nil
				}
				res, err := q.Exec(cmd.Context(), sn)
				if err != nil {
					return err
				}
				defer res.Close()
				return a.writeResult(res, format)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&base, "base", "", "base IRI for relative IRIs in the query")
	f.StringVar(&format, "format", "", "output format: json, xml, csv, tsv, table (SELECT/ASK); ntriples, turtle (CONSTRUCT/DESCRIBE)")
	f.StringVar(&file, "file", "", "read the query from this file (- for standard input)")
	f.BoolVar(&explain, "explain", false, "print the query plan with estimated and actual row counts")
	f.BoolVar(&stored, "stored-default-graph", false, "use the store's default graph instead of the union of all graphs")
	f.DurationVar(&timeout, "timeout", 0, "stop the query after this long (e.g. 30s; 0: no limit)")
	return cmd
}

// lazySearch is kplane:search for "kplane query": it opens the store's
// search index (bringing it up to date) only when a query calls it, so
// that other queries do not pay for it.
type lazySearch struct {
	store *graph.Store
	ix    *search.Index
}

// Call opens the index if needed and runs the search.
func (l *lazySearch) Call(ctx context.Context, args []rdf.Term) ([][]rdf.Term, error) {
	if l.ix == nil {
		ix, err := search.OpenStore(ctx, l.store)
		if err != nil {
			return nil, fmt.Errorf("open the search index: %w", err)
		}
		l.ix = ix
	}
	return search.PropertyFunctions(l.ix)[search.SearchFunction].Call(ctx, args)
}

// Estimate needs no index.
func (l *lazySearch) Estimate(args []rdf.Term) float64 {
	return search.PropertyFunctions(nil)[search.SearchFunction].Estimate(args)
}

func (l *lazySearch) close() {
	if l.ix != nil {
		l.ix.Close()
		l.ix = nil
	}
}

// requestSource reads a query or update (what names it in errors) from
// --file, the argument, or standard input.
func requestSource(what, file string, args []string, stdin io.Reader) (string, error) {
	switch {
	case file != "" && len(args) > 0:
		return "", fmt.Errorf("give the %s either as an argument or with --file, not both", what)
	case file == "-":
		b, err := io.ReadAll(stdin)
		return string(b), err
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", what, err)
		}
		return string(b), nil
	case len(args) == 1:
		return args[0], nil
	}
	return "", fmt.Errorf("no %s: give it as an argument or with --file", what)
}

// queryError keeps syntax errors in the line:col: message form.
func queryError(err error) error {
	var se *rdf.SyntaxError
	if errors.As(err, &se) {
		return se
	}
	return err
}

func (a *app) writeResult(res *eval.Result, format string) error {
	switch res.Form {
	case eval.Select, eval.Ask:
		if format == "" {
			format = "json"
			if a.isTerminal() {
				format = "table"
			}
		}
		if res.Form == eval.Ask {
			return results.WriteBoolean(a.stdout, format, res.Boolean, results.WriterOptions{})
		}
		w, err := results.NewWriter(a.stdout, format, results.WriterOptions{})
		if err != nil {
			return err
		}
		if err := w.WriteHeader(res.Vars); err != nil {
			return err
		}
		for res.Next() {
			if err := w.WriteSolution(res.Solution()); err != nil {
				w.Close()
				return err
			}
		}
		if err := res.Err(); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	default:
		if format == "" {
			format = "turtle"
		}
		if format != "ntriples" && format != "turtle" && format != "nquads" {
			return fmt.Errorf("--format %s does not fit a %s query (ntriples or turtle)", format, strings.ToUpper(res.Form.String()))
		}
		w, err := results.NewQuadWriter(a.stdout, format, results.WriterOptions{})
		if err != nil {
			return err
		}
		for res.NextQuad() {
			if err := w.WriteQuad(res.Quad()); err != nil {
				w.Close()
				return err
			}
		}
		if err := res.Err(); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	}
}

func (a *app) isTerminal() bool {
	f, ok := a.stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
