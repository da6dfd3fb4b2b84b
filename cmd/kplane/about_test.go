package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
	"github.com/kplane/kplane/query/sparql/eval"
)

const demoIRI = "https://demo.kplane.dev/"

var demoDir = filepath.Join("..", "..", "testdata", "demo")

// aboutCustomer is the demo README's table of the products about
// "Customer"; the retired ones are marked.
var aboutCustomer = map[string]bool{
	"sales/product/customer-master":           false,
	"sales/product/sales-orders":              false,
	"sales/product/key-accounts":              false,
	"sales/product/legacy-customer-extract":   true,
	"marketing/product/campaign-response":     false,
	"marketing/product/customer-segments":     false,
	"finance/product/invoices":                false,
	"finance/product/client-ledger":           false,
	"finance/product/client-credit-risk":      false,
	"customer-service/product/service-cases":  false,
	"customer-service/product/complaints":     false,
	"banking/product/account-holders":         false,
	"banking/product/card-transactions":       false,
	"banking/product/kyc-screening-legacy":    true,
	"insurance/product/policyholders":         false,
	"insurance/product/policies-in-force":     false,
	"insurance/product/cross-sell-candidates": false,
}

func expectedAboutCustomer(retired bool) []string {
	var out []string
	for p, r := range aboutCustomer {
		if retired || !r {
			out = append(out, demoIRI+p)
		}
	}
	slices.Sort(out)
	return out
}

func aboutJSON(t *testing.T, dir string, args ...string) []hitJSON {
	t.Helper()
	out := mustRun(t, dir, "", append([]string{"about", "--format", "json"}, args...)...)
	var hits []hitJSON
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("about %v: %v\n%s", args, err, out)
	}
	return hits
}

func hitProducts(hits []hitJSON) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Product)
	}
	slices.Sort(out)
	return out
}

// TestSemanticLayerOverDemo loads the demo once and asks it what the demo
// README says it answers.
func TestSemanticLayerOverDemo(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, dir, "", "demo", "--dir", demoDir)

	t.Run("PhraseResolvedThroughSearch", func(t *testing.T) {
		// "customers" is no label; search resolves it to concepts, and the
		// answer says so.
		out := mustRun(t, dir, "", "about", "customers")
		if !strings.Contains(out, "(search: ") || !strings.Contains(out, "customer-service/concept/Customer") {
			t.Errorf("about customers: %s", out)
		}
		if !strings.Contains(out, demoIRI+"sales/product/key-accounts") {
			t.Errorf("about customers misses the customer products: %s", out)
		}
	})

	t.Run("AboutCustomer", func(t *testing.T) {
		for _, retired := range []bool{false, true} {
			args := []string{"Customer"}
			if retired {
				args = append(args, "--include-retired")
			}
			hits := aboutJSON(t, dir, args...)
			if got, want := hitProducts(hits), expectedAboutCustomer(retired); !slices.Equal(got, want) {
				t.Errorf("about Customer (retired %v):\n got %q\nwant %q", retired, got, want)
			}
			for i, h := range hits {
				if i > 0 && h.Score > hits[i-1].Score {
					t.Errorf("hits not sorted best first: %v after %v", h.Score, hits[i-1].Score)
				}
				if h.Retired != aboutCustomer[strings.TrimPrefix(h.Product, demoIRI)] {
					t.Errorf("%s: retired %v", h.Product, h.Retired)
				}
				checkExplanation(t, h)
			}
		}
	})

	t.Run("SynonymsAndLanguages", func(t *testing.T) {
		want := hitProducts(aboutJSON(t, dir, "Customer"))
		for _, label := range []string{"Client", "Kunde", "account holder", demoIRI + "enterprise/concept/Customer"} {
			if got := hitProducts(aboutJSON(t, dir, label)); !slices.Equal(got, want) {
				t.Errorf("about %q:\n got %q\nwant %q (as for Customer)", label, got, want)
			}
		}
		// Narrower concepts have narrower answers.
		got := hitProducts(aboutJSON(t, dir, demoIRI+"insurance/concept/Policyholder"))
		if want := []string{demoIRI + "insurance/product/policies-in-force", demoIRI + "insurance/product/policyholders"}; !slices.Equal(got, want) {
			t.Errorf("about Policyholder: %q, want %q", got, want)
		}
	})

	t.Run("UnknownLabel", func(t *testing.T) {
		// Neither a label nor anything search can find.
		_, err := run(t, dir, "", "about", "zqxjv wkpfh")
		if err == nil || err.Error() != `no concept has the label "zqxjv wkpfh"` {
			t.Errorf("about a phrase that is no label: %v", err)
		}
	})

	t.Run("ExplainTable", func(t *testing.T) {
		out := mustRun(t, dir, "", "about", "Kunde", "--explain")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if !strings.HasPrefix(lines[0], "15 products about Kunde") {
			t.Errorf("first line %q", lines[0])
		}
		want := "Client Credit Risk → theme Client → exactMatch Customer"
		if !strings.Contains(out, "↳ "+want) {
			t.Errorf("no explanation %q in\n%s", want, out)
		}
		if n := strings.Count(out, "↳ "); n != 15 {
			t.Errorf("%d explanations for 15 products", n)
		}
	})

	t.Run("Lineage", func(t *testing.T) {
		var edges []lineageEdgeJSON
		out := mustRun(t, dir, "", "lineage", "--downstream", "--transitive", "--format", "json", "sales/product/customer-master")
		if err := json.Unmarshal([]byte(out), &edges); err != nil {
			t.Fatal(err)
		}
		downstream := map[string]bool{}
		for _, e := range edges {
			if e.Direction != "downstream" || len(e.Via) == 0 {
				t.Errorf("edge %+v", e)
			}
			downstream[strings.TrimPrefix(e.Downstream, demoIRI)] = true
		}
		for _, p := range []string{"sales/product/sales-orders", "finance/product/client-credit-risk", "logistics/product/customs-duty-ledger", "logistics/product/carrier-performance"} {
			if !downstream[p] {
				t.Errorf("%s is not transitively downstream of customer-master", p)
			}
		}
		for _, p := range []string{"marketing/product/lead-scoring", "sales/product/legacy-customer-extract", "banking/product/account-holders"} {
			if downstream[p] {
				t.Errorf("%s is downstream of customer-master", p)
			}
		}
		// Direct neighbours, both directions, by title.
		out = mustRun(t, dir, "", "lineage", "--format", "json", "Customer Master")
		edges = nil
		if err := json.Unmarshal([]byte(out), &edges); err != nil {
			t.Fatal(err)
		}
		var up, down []string
		for _, e := range edges {
			if e.Depth != 1 {
				t.Errorf("direct lineage has an edge of depth %d", e.Depth)
			}
			if e.Direction == "upstream" {
				up = append(up, strings.TrimPrefix(e.Upstream, demoIRI))
			} else {
				down = append(down, strings.TrimPrefix(e.Downstream, demoIRI))
			}
		}
		slices.Sort(down)
		if !slices.Equal(up, []string{"sales/product/legacy-customer-extract"}) ||
			!slices.Equal(down, []string{"customer-service/product/service-cases", "insurance/product/cross-sell-candidates",
				"marketing/product/customer-segments", "sales/product/key-accounts", "sales/product/sales-orders"}) {
			t.Errorf("lineage of Customer Master: upstream %q, downstream %q", up, down)
		}
		table := mustRun(t, dir, "", "lineage", "--upstream", "customer-master")
		if !strings.Contains(table, "Legacy CRM Customer Extract") || strings.Contains(table, "downstream") {
			t.Errorf("upstream table:\n%s", table)
		}
		if _, err := run(t, dir, "", "lineage", "no-such-product"); err == nil || !strings.Contains(err.Error(), "no data product is named") {
			t.Errorf("lineage of an unknown product: %v", err)
		}
	})

	t.Run("SPARQLAgreement", func(t *testing.T) {
		sparqlAgreement(t, dir)
	})
}

// checkExplanation checks that an explanation is a connected path from the
// product to a concept.
func checkExplanation(t *testing.T, h hitJSON) {
	t.Helper()
	e := h.Explanation
	if len(e) == 0 || e[0].From != h.Product {
		t.Errorf("%s: explanation %+v does not start at the product", h.Product, e)
		return
	}
	for i := 1; i < len(e); i++ {
		if e[i].From != e[i-1].To {
			t.Errorf("%s: explanation broken at step %d: %+v", h.Product, i, e)
		}
	}
	if last := e[len(e)-1].To; !strings.Contains(last, "/concept/") && !strings.Contains(last, "/model/") {
		t.Errorf("%s: explanation ends at %s, not a concept", h.Product, last)
	}
	if h.Label == "" || h.Score <= 0.5 || h.Close {
		t.Errorf("%s: label %q, score %v, close %v", h.Product, h.Label, h.Score, h.Close)
	}
}

// meaningPath is the meaning closure as a SPARQL 1.1 property path: the
// equivalences both ways, and the specialisations downwards.
const meaningPath = `(skos:exactMatch|^skos:exactMatch|owl:equivalentClass|^owl:equivalentClass|owl:sameAs|^owl:sameAs|` +
	`skos:narrower|^skos:broader|skos:narrowMatch|^skos:broadMatch|^rdfs:subClassOf)*`

const sparqlPrefixes = `PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX dprod: <https://ekgf.github.io/dprod/>
PREFIX kplane: <https://kplane.dev/ns#>
`

// sparqlAgreement checks that ontology.About agrees with the same
// definition written in SPARQL: the meaning closure, and the products
// whose themes or output datasets' models reach into it.
func sparqlAgreement(t *testing.T, dir string) {
	store, err := graph.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	snap := store.Snapshot()
	defer snap.Release()
	ctx := context.Background()

	selectIRIs := func(src string) []string {
		t.Helper()
		q, err := eval.Prepare(sparqlPrefixes+src, eval.Options{UnionDefaultGraph: true})
		if err != nil {
			t.Fatalf("prepare: %v\n%s", err, src)
		}
		res, err := q.Exec(ctx, snap)
		if err != nil {
			t.Fatalf("exec: %v\n%s", err, src)
		}
		defer res.Close()
		var out []string
		for res.Next() {
			if s := res.Solution(); len(s) > 0 && s[0].Kind == rdf.KindIRI {
				out = append(out, s[0].Value)
			}
		}
		if err := res.Err(); err != nil {
			t.Fatalf("exec: %v\n%s", err, src)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}

	for _, concept := range []string{"enterprise/concept/Customer", "finance/concept/Client", "insurance/concept/Policyholder",
		"logistics/concept/CustomsDuty", "finance/concept/Tax", "sales/concept/Promotion"} {
		c := rdf.IRI(demoIRI + concept)
		cl, err := ontology.MeaningClosure(ctx, snap, []graph.ID{graph.TermID(c)}, false)
		if err != nil {
			t.Fatal(err)
		}
		var members []string
		for _, m := range cl.Members {
			term, err := snap.Term(m.ID)
			if err != nil {
				t.Fatal(err)
			}
			members = append(members, term.Value)
		}
		slices.Sort(members)
		want := selectIRIs("SELECT DISTINCT ?x WHERE { <" + c.Value + "> " + meaningPath + " ?x }")
		if !slices.Equal(members, want) {
			t.Errorf("closure of %s:\n Go     %q\n SPARQL %q", concept, members, want)
		}

		hits, _, err := ontology.About(ctx, snap, ontology.AboutQuery{Concept: c, IncludeRetired: true, ExactOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hits {
			got = append(got, h.Product.Value)
		}
		slices.Sort(got)
		want = selectIRIs(`SELECT DISTINCT ?p WHERE {
  <` + c.Value + `> ` + meaningPath + ` ?x .
  ?p a dprod:DataProduct .
  {
    ?p dcat:theme|dct:subject ?x
  } UNION {
    ?p dprod:outputPort/dprod:isAccessServiceOf/dprod:isDistributionOf ?d .
    { ?d dcat:theme|dct:subject ?x }
    UNION { ?d dct:conformsTo ?m . ?e rdfs:isDefinedBy ?m ; dct:subject ?x }
    UNION { ?d dct:conformsTo ?m . ?n rdfs:isDefinedBy ?m ; sh:property ?e . ?e dct:subject ?x . FILTER NOT EXISTS { ?e rdfs:isDefinedBy ?any } }
  }
}`)
		if !slices.Equal(got, want) {
			t.Errorf("products about %s:\n Go     %q\n SPARQL %q", concept, got, want)
		}
		if concept == "enterprise/concept/Customer" && len(got) != 17 {
			t.Errorf("about Customer: %d products, the README says 17", len(got))
		}
	}
}

// TestImportCommand imports the demo's contracts and glossary with the
// command, imports them again, refuses a broken contract and dry-runs a
// changed glossary.
func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	contracts, _ := filepath.Glob(filepath.Join(demoDir, "*", "contracts", "*.odcs.yaml"))
	csv := filepath.Join(demoDir, "customer-service", "glossary.csv")
	files := append(contracts, csv)
	out := mustRun(t, dir, "", append([]string{"import"}, files...)...)
	if n := strings.Count(out, "new graph with"); n != len(files) {
		t.Errorf("%d new graphs for %d files:\n%s", n, len(files), out)
	}
	graphsOf := func() map[string]graphJSON {
		m := map[string]graphJSON{}
		for _, g := range graphsJSON(t, dir) {
			m[g.Graph] = g
		}
		return m
	}
	first := graphsOf()
	ledger := first[demoIRI+"finance/contract/client-ledger"]
	if ledger.Owner != "finance" || ledger.Format != "odcs" || ledger.Quads == 0 || !strings.HasSuffix(ledger.Source, "client-ledger.odcs.yaml") {
		t.Errorf("client-ledger graph: %+v", ledger)
	}
	terms := first[demoIRI+"customer-service/service-desk-terms"]
	if terms.Owner != "customer-service" || terms.Format != "glossary-csv" || terms.Quads == 0 {
		t.Errorf("glossary graph: %+v", terms)
	}

	// Again: every graph is replaced by the same content.
	out = mustRun(t, dir, "", append([]string{"import", "--domain", "mesh"}, files...)...)
	if n := strings.Count(out, "replaced"); n != len(files) {
		t.Errorf("%d replaced graphs for %d files:\n%s", n, len(files), out)
	}
	for name, g := range graphsOf() {
		if name == graph.MetadataGraph {
			continue
		}
		if f := first[name]; f.Quads != g.Quads || f.ContentHash != g.ContentHash || g.Owner != "mesh" {
			t.Errorf("re-import of %s: %d quads (hash %s, owner %s), before %d (%s)", name, g.Quads, g.ContentHash, g.Owner, f.Quads, f.ContentHash)
		}
	}
	before := mustRun(t, dir, "", "export")

	// A broken contract, imported with a valid one: nothing changes.
	data, _ := os.ReadFile(contracts[0])
	broken := filepath.Join(t.TempDir(), "broken.odcs.yaml")
	os.WriteFile(broken, []byte(strings.Replace(string(data), "status: active", "status: [active]", 1)), 0o644)
	_, err := run(t, dir, "", "import", csv, broken)
	if err == nil || !regexp.MustCompile(regexp.QuoteMeta(broken)+`:\d+:\d+: status: `).MatchString(oneLine(err)) {
		t.Errorf("import of a broken contract: %v; want file:line:col: status: ...", err)
	}
	// Every problem is listed on standard error; the error is the first.
	twice := filepath.Join(t.TempDir(), "twice.odcs.yaml")
	os.WriteFile(twice, []byte(strings.Replace(strings.Replace(string(data), "status: active", "status: [active]", 1), "version: ", "version: [1] #", 1)), 0o644)
	var stdout, stderr strings.Builder
	root := newRootCommand(strings.NewReader(""), &stdout, &stderr)
	root.SetArgs([]string{"--data", dir, "import", twice})
	err = root.ExecuteContext(context.Background())
	if err == nil || !strings.Contains(err.Error(), "(and 1 more problem, listed above)") || strings.Count(stderr.String(), twice+":") != 2 {
		t.Errorf("import of a contract with two problems: %v; stderr:\n%s", err, stderr.String())
	}
	if _, err := run(t, dir, "", "import", filepath.Join(demoDir, "README.md")); err == nil || !strings.Contains(err.Error(), "README.md") {
		t.Errorf("import of a README: %v", err)
	}

	// A dry run of a changed glossary reports the change and changes nothing.
	gl, _ := os.ReadFile(csv)
	changed := filepath.Join(t.TempDir(), "glossary.csv")
	os.WriteFile(changed, append(gl, []byte("Hold Time,Time on hold.,On-hold Time,,,https://demo.kplane.dev/customer-service/service-desk-terms,Customer Service,Aisha Rahman\n")...), 0o644)
	out = mustRun(t, dir, "", "import", "--dry-run", changed)
	for _, want := range []string{
		"+ concept https://demo.kplane.dev/customer-service/service-desk-terms/HoldTime",
		`+ label   https://demo.kplane.dev/customer-service/service-desk-terms/HoldTime skos:altLabel "On-hold Time"@en`,
		"would replace", "dry run: nothing was changed",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	if after := mustRun(t, dir, "", "export"); after != before {
		t.Error("a failed import or a dry run changed the store")
	}
}
