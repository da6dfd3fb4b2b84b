package main

import (
	"context"

	"encoding/json"
	"fmt"
	"github.com/kplane/kplane/query/search"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

func (a *app) aboutCommand() *cobra.Command {
	var (
		explain, includeRetired bool
		format                  string
	)
	cmd := &cobra.Command{
		Use:   "about [--explain] [--include-retired] [--format table|json] CONCEPT",
		Short: "Find the data products about a business concept",
		Long: `Find the data products about a business concept, whatever each domain calls it.

CONCEPT is a concept's IRI, or one of its labels or synonyms in any language (compared
without regard to case: "Client", "Kunde" and "account holder" all work). The concept is
expanded to everything that means it or is a kind of it (exact matches, equivalent
classes, narrower concepts, across glossaries), and a product is about it when its theme,
or an entity or attribute of the logical model or contract of a dataset it publishes,
is in that expansion. Products are listed best first; --explain shows the path from each
product to the concept. Retired products are left out unless --include-retired.

--format json prints an array of objects with product, label, score, retired, close and
explanation (the path as a list of steps, each with from, relation and to).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("unknown --format %q (table or json)", format)
			}
			q := ontology.AboutQuery{IncludeRetired: includeRetired, Resolver: a.resolver}
			if x := strings.TrimSpace(args[0]); rdf.IsAbsoluteIRI(x) && !strings.ContainsAny(x, " \t") {
				q.Concept = rdf.IRI(x)
			} else {
				q.Label = x
			}
			return a.withStore(func(s *graph.Store) error {
				snap := s.Snapshot()
				defer snap.Release()
				if q.Resolver == nil {
					// A phrase that is no label is resolved through full-text
					// search; the index is opened only if it comes to that.
					r := &searchResolver{store: s}
					defer r.close()
					q.Resolver = r
				}
				hits, res, err := ontology.About(cmd.Context(), snap, q)
				if err != nil {
					return err
				}
				if res.Method == ontology.Unresolved {
					return fmt.Errorf("no concept has the label %q", args[0])
				}
				if format == "json" {
					return a.printHitsJSON(hits)
				}
				return a.printHits(res, hits, explain)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&explain, "explain", false, "show the path from each product to the concept")
	f.BoolVar(&includeRetired, "include-retired", false, "list retired products too")
	f.StringVar(&format, "format", "table", "output format: table or json")
	return cmd
}

// hitJSON is one product of "kplane about --format json". The field names
// are a contract with tools outside kplane.
type hitJSON struct {
	Product     string     `json:"product"`
	Label       string     `json:"label"`
	Score       float64    `json:"score"`
	Retired     bool       `json:"retired"`
	Close       bool       `json:"close"`
	Explanation []stepJSON `json:"explanation"`
}

// stepJSON is one step of an explanation: the statement "from relation to".
type stepJSON struct {
	From      string `json:"from"`
	FromLabel string `json:"fromLabel,omitempty"`
	Relation  string `json:"relation"`
	To        string `json:"to"`
	ToLabel   string `json:"toLabel,omitempty"`
}

func (a *app) printHitsJSON(hits []ontology.Hit) error {
	out := make([]hitJSON, 0, len(hits))
	for _, h := range hits {
		j := hitJSON{Product: h.Product.Value, Label: h.Label, Score: h.Score, Retired: h.Retired, Close: h.Close,
			Explanation: make([]stepJSON, 0, len(h.Explanation))}
		for _, s := range h.Explanation {
			j.Explanation = append(j.Explanation, stepJSON{
				From: nodeName(s.From), FromLabel: s.From.Label, Relation: s.Relation.String(),
				To: nodeName(s.To), ToLabel: s.To.Label,
			})
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// nodeName is a node's IRI, or its N-Triples form when it is a blank node
// or literal.
func nodeName(n ontology.Node) string {
	if n.Term.Kind == rdf.KindIRI {
		return n.Term.Value
	}
	return n.Term.String()
}

func (a *app) printHits(res ontology.Resolution, hits []ontology.Hit, explain bool) error {
	var concepts []string
	for _, c := range res.Concepts {
		concepts = append(concepts, tailOf(c.Term.Value))
	}
	noun := "products"
	if len(hits) == 1 {
		noun = "product"
	}
	fmt.Fprintf(a.stdout, "%d %s about %s (%s: %s)\n", len(hits), noun, res.Query, res.Method, strings.Join(concepts, ", "))
	if len(hits) == 0 {
		return nil
	}
	fmt.Fprintln(a.stdout)
	// Widths are computed by hand rather than with text/tabwriter, whose
	// columns would break at the explanation lines between rows.
	status := func(h ontology.Hit) string {
		switch {
		case h.Retired:
			return "retired"
		case h.Close:
			return "close match"
		}
		return "-"
	}
	wLabel, wStatus := len("PRODUCT"), len("STATUS")
	for _, h := range hits {
		wLabel = max(wLabel, utf8.RuneCountInString(dash(h.Label)))
		wStatus = max(wStatus, len(status(h)))
	}
	row := func(score, label, st, iri string) {
		fmt.Fprintf(a.stdout, "%-5s  %s  %-*s  %s\n", score, padRight(label, wLabel), wStatus, st, iri)
	}
	row("SCORE", "PRODUCT", "STATUS", "IRI")
	for _, h := range hits {
		row(fmt.Sprintf("%.3f", h.Score), dash(h.Label), status(h), h.Product.Value)
		if explain {
			fmt.Fprintf(a.stdout, "       ↳ %s\n", h.Explanation)
		}
	}
	return nil
}

// padRight pads s with spaces to n characters.
func padRight(s string, n int) string {
	if c := utf8.RuneCountInString(s); c < n {
		return s + strings.Repeat(" ", n-c)
	}
	return s
}

// searchResolver resolves a phrase to the concepts and classes full-text
// search ranks first, opening the index on first use.
type searchResolver struct {
	store *graph.Store
	ix    *search.Index
}

// resolveLimit is how many of the best-ranked concepts a phrase stands for.
const resolveLimit = 3

func (r *searchResolver) Resolve(ctx context.Context, _ *graph.Snapshot, text string) ([]rdf.Term, error) {
	if r.ix == nil {
		ix, err := search.OpenStore(ctx, r.store)
		if err != nil {
			return nil, err
		}
		r.ix = ix
	}
	res, err := r.ix.Search(ctx, search.Request{Text: text, Types: []string{search.TypeConcept, search.TypeClass}, Limit: resolveLimit})
	if err != nil {
		return nil, err
	}
	out := make([]rdf.Term, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, rdf.IRI(h.IRI))
	}
	return out, nil
}

func (r *searchResolver) close() {
	if r.ix != nil {
		r.ix.Close()
	}
}
