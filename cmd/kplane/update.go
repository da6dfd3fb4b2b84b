package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/parser"
	"github.com/kplane/kplane/query/sparql/update"
)

func (a *app) updateCommand() *cobra.Command {
	var (
		base, file string
		parseOnly  bool
	)
	cmd := &cobra.Command{
		Use:   "update [--base IRI] [--parse-only] [--file U.ru | UPDATE]",
		Short: "Run a SPARQL 1.1 Update request",
		Long: `Run a SPARQL 1.1 Update request against the store: INSERT DATA, DELETE DATA,
DELETE/INSERT ... WHERE, DELETE WHERE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE and COPY.

The whole request — every operation separated by ';' — is one atomic change: on any error
nothing changes. LOAD reads local files only (file: IRIs). The graph
https://kplane.dev/graphs, which describes the others, is maintained by the store and
cannot be written.

--parse-only checks the syntax and changes nothing (the store is not opened): it exits 0
for a valid request. A syntax error exits non-zero with line:col: message.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := requestSource("update", file, args, a.stdin)
			if err != nil {
				return err
			}
			u, err := parser.ParseUpdate(src, base)
			if err != nil {
				var se *rdf.SyntaxError
				if errors.As(err, &se) {
					return se
				}
				return err
			}
			if parseOnly {
				return nil
			}
			return a.withStore(func(s *graph.Store) error {
				start := time.Now()
				st, err := update.Execute(cmd.Context(), s, u, update.Options{BaseIRI: base, AllowLoad: true})
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%d operations: %d quads inserted, %d quads deleted in %s\n",
					st.Operations, st.Inserted, st.Deleted, time.Since(start).Round(time.Millisecond))
				if st.Deleted == 0 {
					return nil
				}
				// Cleared and dropped graphs are garbage now: reclaim the
				// space while the user waits anyway, as load does.
				return s.CollectGarbage(cmd.Context())
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&base, "base", "", "base IRI for relative IRIs in the request")
	f.StringVar(&file, "file", "", "read the request from this file (- for standard input)")
	f.BoolVar(&parseOnly, "parse-only", false, "check the syntax only; change nothing")
	return cmd
}
