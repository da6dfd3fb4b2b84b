package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/query/search"
)

// withIndex runs fn with the store and its search index open; opening the
// index brings it up to date with the store first.
func (a *app) withIndex(cmd *cobra.Command, fn func(*graph.Store, *search.Index) error) error {
	return a.withStore(func(s *graph.Store) error {
		ix, err := search.OpenStore(cmd.Context(), s)
		if err != nil {
			return err
		}
		defer ix.Close()
		return fn(s, ix)
	})
}

// searchHitJSON is one line of "kplane search --format json".
type searchHitJSON struct {
	IRI       string         `json:"iri"`
	Type      string         `json:"type"`
	Label     string         `json:"label"`
	Score     float64        `json:"score"`
	Domains   []string       `json:"domains,omitempty"`
	Lifecycle string         `json:"lifecycle,omitempty"`
	Matched   []search.Match `json:"matched"`
}

func (a *app) searchCommand() *cobra.Command {
	var (
		types, domains []string
		limit          int
		format         string
		retired        bool
	)
	cmd := &cobra.Command{
		Use:   "search [--type T] [--domain D] [--limit N] [--retired] [--format table|json] TEXT...",
		Short: "Find data products, concepts, datasets and model elements by meaning",
		Long: `Search the catalog: data products, datasets, concepts, concept schemes, classes,
properties, entities and attributes of logical models, domains and owners.

Products are found through the labels and synonyms, in every language, of the concepts
they are about, so "client" finds the products about Customer; each hit says which label
or link matched. Typos, plurals and spaced compounds are tolerated; "quoted phrases" must
match as written. Retired products are left out unless --retired is given.

Types: product, dataset, concept, scheme, class, property, entity, attribute, domain,
owner. --domain takes a domain IRI or its last segment (finance).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown --format %q (table or json)", format)
			}
			req := search.Request{Text: strings.Join(args, " "), Types: types, Domains: domains, Limit: limit, IncludeRetired: retired}
			return a.withIndex(cmd, func(_ *graph.Store, ix *search.Index) error {
				res, err := ix.Search(cmd.Context(), req)
				if err != nil {
					return err
				}
				if format == "json" {
					out := make([]searchHitJSON, 0, len(res.Hits))
					for _, h := range res.Hits {
						out = append(out, searchHitJSON{h.IRI, h.Type, h.Label, h.Score, h.Domains, h.Lifecycle, h.Matched})
					}
					enc := json.NewEncoder(a.stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(out)
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
				fmt.Fprintln(tw, "SCORE\tTYPE\tLABEL\tMATCHED\tIRI")
				for _, h := range res.Hits {
					fmt.Fprintf(tw, "%.3f\t%s\t%s\t%s\t%s\n", h.Score, h.Type, h.Label, dash(matchedText(h.Matched)), h.IRI)
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&types, "type", nil, "only resources of these types")
	f.StringSliceVar(&domains, "domain", nil, "only resources of these domains")
	f.IntVar(&limit, "limit", 10, "number of hits")
	f.BoolVar(&retired, "retired", false, "include retired products")
	f.StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

// matchedText summarises what matched: the first value, and the link that
// led to it when it is a concept's label.
func matchedText(ms []search.Match) string {
	if len(ms) == 0 {
		return ""
	}
	m := ms[0]
	if m.Via != "" {
		return fmt.Sprintf("%s (%s)", m.Text, m.Via)
	}
	if len(m.Text) > 60 {
		return m.Text[:57] + "..."
	}
	return m.Text
}

func (a *app) suggestCommand() *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "suggest [--limit N] PREFIX",
		Short: "Complete a name as one types",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withIndex(cmd, func(_ *graph.Store, ix *search.Index) error {
				got, err := ix.Suggest(cmd.Context(), args[0], search.SuggestOptions{Limit: limit})
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 2, 2, ' ', 0)
				for _, s := range got {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Label, s.Type, s.IRI)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 10, "number of suggestions")
	return cmd
}

func (a *app) reindexCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "reindex",
		Short: "Rebuild the search index from the store",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withStore(func(s *graph.Store) error {
				ix, err := search.Open(searchDir(s))
				if err != nil {
					return err
				}
				defer ix.Close()
				snap := s.Snapshot()
				defer snap.Release()
				st, err := ix.Rebuild(cmd.Context(), snap)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "indexed %d resources of %d graphs in %s\n", st.Indexed, st.Graphs, st.Took.Round(1e6))
				return nil
			})
		},
	}
}

// searchDir is where the store's search index lives.
func searchDir(s *graph.Store) string {
	if s.Dir() == "" {
		return ""
	}
	return s.Dir() + "/" + search.DirName
}
