package importer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest/odcs/rules"
	"github.com/kplane/kplane/ingest/w3ctest"
	"github.com/kplane/kplane/ontology"
)

const demo = "https://demo.kplane.dev/"

var demoDir = filepath.Join("..", "..", "testdata", "demo")

func openStore(t testing.TB) *graph.Store {
	t.Helper()
	s, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// demoDocuments lists the demo's contracts and its glossary CSV.
func demoDocuments(t testing.TB) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(demoDir, "*", "contracts", "*.odcs.yaml"))
	csvs, _ := filepath.Glob(filepath.Join(demoDir, "*", "*.csv"))
	if len(files) != 17 || len(csvs) != 1 {
		t.Fatalf("found %d demo contracts and %d CSV glossaries, the demo README says 17 and 1", len(files), len(csvs))
	}
	return append(files, csvs...)
}

// storeState is what a test compares to see that nothing changed.
type storeState struct {
	quads  int64
	graphs map[string]string // graph -> content hash
}

func state(s *graph.Store) storeState {
	snap := s.Snapshot()
	defer snap.Release()
	st := storeState{quads: snap.Stats().Quads, graphs: map[string]string{}}
	for _, g := range snap.Graphs() {
		if g.Name.Value != graph.MetadataGraph {
			st.graphs[g.Name.Value] = g.ContentHash
		}
	}
	return st
}

func (a storeState) equal(b storeState) bool {
	if a.quads != b.quads || len(a.graphs) != len(b.graphs) {
		return false
	}
	for g, h := range a.graphs {
		if b.graphs[g] != h {
			return false
		}
	}
	return true
}

func TestDetectKind(t *testing.T) {
	for _, tc := range []struct {
		name, content string
		want          Kind
		err           string
	}{
		{"c.yaml", "apiVersion: v3.1.0\nkind: DataContract\nid: x\n", ODCS, ""},
		{"p.yaml", "apiVersion: v1.0.0\nkind: DataProduct\nid: x\n", ODPS, ""},
		{"p.yml", "schema: https://opendataproducts.org/v4.1/schema/odps.yaml\nversion: 4.1\nproduct:\n  details: {}\n", ODPS, ""},
		{"g.csv", "anything", GlossaryCSV, ""},
		{"g.txt", "term,definition,scheme\nA,b,https://example.com/s\n", GlossaryCSV, ""},
		{"k.yaml", "apiVersion: v1\nkind: Deployment\n", "", "kind: Deployment is not a data contract"},
		{"x.yaml", "name: hello\n", "", "not a data contract, data product descriptor or glossary"},
		{"n.yaml", "kind: DataContract\nid: x\n", "", "kind: DataContract without apiVersion"},
		{"q.yaml", "'apiVersion': v3.1.0\n\"kind\": DataContract\n", ODCS, ""},
		{"j.json", `{"apiVersion": "v3.1.0", "kind": "DataContract"}`, ODCS, ""},
		{"l.yaml", "- a\n- b\n", "", "not a YAML mapping"},
		{"bad.yaml", "a: [b\n", "", "bad.yaml:"},
	} {
		got, err := DetectKind(tc.name, []byte(tc.content))
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("DetectKind(%s) = %q, %v; want %q", tc.name, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("DetectKind(%s) = %q, %v; want an error containing %q", tc.name, got, err, tc.err)
		}
	}
}

// TestImportDemo imports every demo contract and the glossary CSV, checks
// the graphs written, and imports them again: the graphs are replaced, not
// added to.
func TestImportDemo(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	files := demoDocuments(t)
	res, err := Import(ctx, s, Request{Files: files, DomainBase: demo + "domain/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Documents) != len(files) {
		t.Fatalf("%d documents for %d files", len(res.Documents), len(files))
	}
	snap := s.Snapshot()
	for i, d := range res.Documents {
		if d.File != files[i] {
			t.Errorf("document %d is %s, want %s (the order of the files)", i, d.File, files[i])
		}
		folder := filepath.Base(filepath.Dir(d.File))
		if folder == "contracts" {
			folder = filepath.Base(filepath.Dir(filepath.Dir(d.File)))
		}
		wantKind, wantGraph := ODCS, demo+folder+"/contract/"+strings.TrimSuffix(filepath.Base(d.File), ".odcs.yaml")
		if strings.HasSuffix(d.File, ".csv") {
			wantKind, wantGraph = GlossaryCSV, demo+"customer-service/service-desk-terms"
		}
		if d.Kind != wantKind || d.Graph != rdf.IRI(wantGraph) || d.IRI != wantGraph || d.Owner != folder || d.Existed || d.Quads == 0 {
			t.Errorf("%s: %+v; want kind %s, graph %s, owner %s, new", d.File, d, wantKind, wantGraph, folder)
		}
		info, ok := snap.Graph(d.Graph)
		if !ok || info.Owner != folder || info.Format != string(wantKind) || info.Source != d.File || info.Quads != d.Quads {
			t.Errorf("%s: graph %+v (found %v)", d.File, info, ok)
		}
	}
	// The glossary's domain and steward are the resources of those names
	// when the store has them; here it does not, so DomainBase names the
	// domain and the steward is a blank node with the name.
	ownerDomain := graph.TermID(rdf.IRI(ontology.KplaneOwnerDomain))
	scheme := graph.TermID(rdf.IRI(demo + "customer-service/service-desk-terms"))
	if n, _ := snap.Count(ctx, graph.Pattern{S: scheme, P: ownerDomain, O: graph.TermID(rdf.IRI(demo + "domain/customer-service")), Graph: graph.AllGraphs}); n != 1 {
		t.Errorf("the glossary scheme is not owned by %sdomain/customer-service", demo)
	}
	snap.Release()

	before := state(s)
	res2, err := Import(ctx, s, Request{Files: files, DomainBase: demo + "domain/"})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range res2.Documents {
		if !d.Existed || d.Before != res.Documents[i].Quads || d.Quads != d.Before {
			t.Errorf("re-import of %s: existed %v, %d quads before, %d after", d.File, d.Existed, d.Before, d.Quads)
		}
		if d.Glossary != nil && !d.Glossary.Empty() {
			t.Errorf("re-import of %s: glossary differs from itself: %+v", d.File, d.Glossary)
		}
	}
	if after := state(s); !after.equal(before) {
		t.Errorf("re-import changed the store: %d quads in %d graphs, before %d in %d", after.quads, len(after.graphs), before.quads, len(before.graphs))
	}
}

// TestImportResolvesStewardsFromTheStore checks that the glossary's domain
// and steward names become the resources that carry them as labels.
func TestImportResolvesStewardsFromTheStore(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	aisha, cs := rdf.IRI(demo+"person/aisha-rahman"), rdf.IRI(demo+"domain/customer-service")
	err := s.Update(ctx, func(tx *graph.Txn) error {
		for _, q := range []rdf.Quad{
			{S: aisha, P: rdf.IRI(ontology.RDFSLabel), O: rdf.String("Aisha Rahman")},
			{S: cs, P: rdf.IRI(ontology.RDFSLabel), O: rdf.LangLiteral("Customer Service", "en")},
		} {
			if _, err := tx.Insert(q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Import(ctx, s, Request{Files: []string{filepath.Join(demoDir, "customer-service", "glossary.csv")}}); err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	defer snap.Release()
	steward := graph.TermID(rdf.IRI(ontology.KplaneSteward))
	if n, _ := snap.Count(ctx, graph.Pattern{P: steward, O: graph.TermID(aisha), Graph: graph.AllGraphs}); n != 8 {
		t.Errorf("%d concepts have steward %s, want the 8 rows of the CSV", n, aisha.Value)
	}
	ownerDomain := graph.TermID(rdf.IRI(ontology.KplaneOwnerDomain))
	if n, _ := snap.Count(ctx, graph.Pattern{P: ownerDomain, O: graph.TermID(cs), Graph: graph.AllGraphs}); n != 1 {
		t.Errorf("the scheme is not owned by %s", cs.Value)
	}
}

// TestImportRealData imports every published example of the three
// specifications that the importers accept. The Linux Foundation examples
// include fragments (pricing plans, SLA and data quality blocks included by
// reference) and one file that is not valid YAML as published.
func TestImportRealData(t *testing.T) {
	root := realdata(t)
	notAccepted := map[string]string{
		"odps-lf/source/examples/DQ/dataquality.yml":                   "not a data contract, data product descriptor or glossary",
		"odps-lf/source/examples/Pricing/pricing-checkout.yml":         "not a data contract, data product descriptor or glossary",
		"odps-lf/source/examples/Pricing/pricing-neutral.yml":          "not a data contract, data product descriptor or glossary",
		"odps-lf/source/examples/Pricing/pricing-stripe.yml":           "not a data contract, data product descriptor or glossary",
		"odps-lf/source/examples/Refs/pricing.yml":                     "not a data contract, data product descriptor or glossary",
		"odps-lf/source/examples/SLA/sla.yml":                          "not a data contract, data product descriptor or glossary",
		"odps-lf/source/examples/DataContract/datacontract-inline.yml": "datacontract-inline.yml:26:9:",
	}
	var files []string
	for _, pattern := range []string{"odcs/docs/examples/*/*.yaml", "odps-bitol/docs/examples/*.yaml", "odps-lf/source/examples/*/*.yml"} {
		m, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(pattern)))
		if len(m) == 0 {
			t.Fatalf("no examples match %s", pattern)
		}
		files = append(files, m...)
	}
	s := openStore(t)
	ctx := context.Background()
	kinds := map[string]int{}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		rel = filepath.ToSlash(rel)
		before := state(s)
		res, err := Import(ctx, s, Request{Files: []string{f}})
		if want, ok := notAccepted[rel]; ok {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %v, want one containing %q", rel, err, want)
			}
			if !state(s).equal(before) {
				t.Errorf("%s: the refused import changed the store", rel)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		d := res.Documents[0]
		kinds[d.Spec]++
		snap := s.Snapshot()
		info, ok := snap.Graph(d.Graph)
		snap.Release()
		// Several examples share an id, so a graph may be replaced: it
		// holds exactly the last document's quads.
		if !ok || info.Quads != d.Quads || d.Quads == 0 || info.Format != string(d.Kind) {
			t.Errorf("%s: graph %s: %+v, document %d quads", rel, d.Graph.Value, info, d.Quads)
		}
	}
	t.Logf("imported %v", kinds)
	if kinds["ODCS"] != 18 || kinds["Bitol ODPS"] != 2 || kinds["Linux Foundation ODPS"] != 15 {
		t.Errorf("imported %v; want 18 ODCS, 2 Bitol ODPS and 15 Linux Foundation ODPS examples", kinds)
	}
}

// realdata finds the shared real data, or skips.
func realdata(t testing.TB) string { return w3ctest.Realdata(t) }

// TestBrokenContractChangesNothing imports the demo, then a batch of valid
// documents with one broken contract among them: the import fails naming
// the file, the field path and the position, and no graph changes — not
// even those of the valid documents of the batch.
func TestBrokenContractChangesNothing(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	files := demoDocuments(t)
	if _, err := Import(ctx, s, Request{Files: files}); err != nil {
		t.Fatal(err)
	}
	before := state(s)

	src := filepath.Join(demoDir, "finance", "contracts", "client-ledger.odcs.yaml")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	// Break the first property's logical type, and change the
	// contract's name so that a successful import would show.
	text := strings.Replace(string(data), "name: Client Receivables Ledger", "name: Changed", 1)
	loc := regexp.MustCompile(`(?m)^(\s+)logicalType: \w+`).FindStringIndex(text)
	if loc == nil {
		t.Fatal("no logicalType in the contract")
	}
	line := strings.Count(text[:loc[0]], "\n") + 1
	text = text[:loc[0]] + regexp.MustCompile(`logicalType: \w+`).ReplaceAllString(text[loc[0]:loc[1]], "logicalType: text") + text[loc[1]:]
	broken := filepath.Join(t.TempDir(), "client-ledger.odcs.yaml")
	if err := os.WriteFile(broken, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	changed := filepath.Join(t.TempDir(), "general-ledger.odcs.yaml")
	gl, _ := os.ReadFile(filepath.Join(demoDir, "finance", "contracts", "general-ledger.odcs.yaml"))
	os.WriteFile(changed, []byte(strings.Replace(string(gl), "version: ", "version: 9", 1)), 0o644)

	_, err = Import(ctx, s, Request{Files: []string{changed, broken}})
	var re *rules.Error
	if !errors.As(err, &re) {
		t.Fatalf("import of a broken contract: %v, want a *rules.Error", err)
	}
	if re.File != broken || len(re.Violations) == 0 {
		t.Fatalf("error %v names %s, want %s", err, re.File, broken)
	}
	v := re.Violations[0]
	if !regexp.MustCompile(`^schema\[\d+\]\.properties\[\d+\]\.logicalType$`).MatchString(v.Path) || v.Line != line || v.Col == 0 {
		t.Errorf("violation %+v; want the path of a property's logicalType on line %d with a column", v, line)
	}
	if msg := err.Error(); !strings.Contains(msg, broken+":") || !strings.Contains(msg, v.Path) {
		t.Errorf("error message %q does not name the file and the field path", msg)
	}
	if after := state(s); !after.equal(before) {
		t.Error("a failed import changed the store")
	}
}

// TestGlossaryDryRun changes the glossary CSV and asks what importing it
// would do: the differences are reported and nothing changes.
func TestGlossaryDryRun(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	src := filepath.Join(demoDir, "customer-service", "glossary.csv")
	if _, err := Import(ctx, s, Request{Files: []string{src}}); err != nil {
		t.Fatal(err)
	}
	before := state(s)
	data, _ := os.ReadFile(src)
	text := strings.Replace(string(data), "FCR;One-touch Resolution", "FCR;Single-touch Resolution", 1)
	text += "Hold Time,The time a caller waits on hold.,,,,https://demo.kplane.dev/customer-service/service-desk-terms,Customer Service,Aisha Rahman\n"
	if text == string(data) {
		t.Fatal("the edit changed nothing")
	}
	edited := filepath.Join(t.TempDir(), "glossary.csv")
	os.WriteFile(edited, []byte(text), 0o644)

	res, err := Import(ctx, s, Request{Files: []string{edited}, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	d := res.Documents[0]
	if !res.DryRun || d.Glossary == nil || !d.Existed {
		t.Fatalf("dry run result: %+v", res)
	}
	g := d.Glossary
	scheme := demo + "customer-service/service-desk-terms/"
	if !slices.Equal(g.AddedConcepts, []string{scheme + "HoldTime"}) || len(g.RemovedConcepts) != 0 {
		t.Errorf("concepts added %v, removed %v; want HoldTime added", g.AddedConcepts, g.RemovedConcepts)
	}
	var added, removed []string
	for _, l := range g.AddedLabels {
		added = append(added, strings.TrimPrefix(l.Concept, scheme)+" "+l.Label.Value)
	}
	for _, l := range g.RemovedLabels {
		removed = append(removed, strings.TrimPrefix(l.Concept, scheme)+" "+l.Label.Value)
	}
	if !slices.Equal(added, []string{"FirstContactResolution Single-touch Resolution", "HoldTime Hold Time"}) ||
		!slices.Equal(removed, []string{"FirstContactResolution One-touch Resolution"}) {
		t.Errorf("labels added %q, removed %q", added, removed)
	}
	if after := state(s); !after.equal(before) {
		t.Error("a dry run changed the store")
	}
}

// TestProductsReferenceContractIRIs checks that the ports of a data
// product point at the IRI a contract declares, whether the contract is
// imported in the same command or was imported before.
func TestProductsReferenceContractIRIs(t *testing.T) {
	product := `apiVersion: v1.0.0
kind: DataProduct
id: receivables
name: Receivables
status: active
domain: finance
outputPorts:
  - name: ledger
    version: 1.0.0
    contractId: client-ledger
`
	path := filepath.Join(t.TempDir(), "receivables.odps.yaml")
	os.WriteFile(path, []byte(product), 0o644)
	contract := filepath.Join(demoDir, "finance", "contracts", "client-ledger.odcs.yaml")
	want := graph.TermID(rdf.IRI(demo + "finance/contract/client-ledger"))
	conformsTo := graph.TermID(rdf.IRI(ontology.DCTermsConformsTo))
	ctx := context.Background()
	for _, files := range [][]string{{path, contract}, {path}} {
		s := openStore(t)
		if len(files) == 1 {
			if _, err := Import(ctx, s, Request{Files: []string{contract}}); err != nil {
				t.Fatal(err)
			}
		}
		res, err := Import(ctx, s, Request{Files: files})
		if err != nil {
			t.Fatal(err)
		}
		if res.Documents[0].Kind != ODPS || res.Documents[0].Owner != "finance" {
			t.Errorf("first document: %+v", res.Documents[0])
		}
		snap := s.Snapshot()
		n, err := snap.Count(ctx, graph.Pattern{P: conformsTo, O: want, Graph: graph.InGraph(graph.TermID(res.Documents[0].Graph))})
		snap.Release()
		if err != nil || n != 1 {
			t.Errorf("files %v: %d datasets conform to the contract's canonical IRI (%v)", files, n, err)
		}
	}
}

func TestDuplicateDocumentsRefused(t *testing.T) {
	s := openStore(t)
	f := filepath.Join(demoDir, "sales", "contracts", "sales-orders.odcs.yaml")
	copy := filepath.Join(t.TempDir(), "copy.odcs.yaml")
	data, _ := os.ReadFile(f)
	os.WriteFile(copy, data, 0o644)
	_, err := Import(context.Background(), s, Request{Files: []string{f, copy}})
	if err == nil || !strings.Contains(err.Error(), "both describe") {
		t.Errorf("two documents for one graph: %v", err)
	}
	if len(state(s).graphs) != 0 {
		t.Error("a refused import wrote graphs")
	}
}

func TestDomainOverride(t *testing.T) {
	s := openStore(t)
	res, err := Import(context.Background(), s, Request{Files: []string{filepath.Join(demoDir, "sales", "contracts", "sales-orders.odcs.yaml")}, Domain: "retail"})
	if err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	defer snap.Release()
	if info, _ := snap.Graph(res.Documents[0].Graph); info.Owner != "retail" {
		t.Errorf("owner %q, want the --domain given", info.Owner)
	}
}

// graphInfos is every graph record a reader sees, timestamps included.
func graphInfos(s *graph.Store) string {
	snap := s.Snapshot()
	defer snap.Release()
	var b strings.Builder
	for _, g := range snap.Graphs() {
		fmt.Fprintf(&b, "%+v\n", g)
	}
	return b.String()
}

// TestFailedCommitChangesNothing imports documents whose seventh is
// refused in the commit, after every document is decoded, validated and
// written: nothing changes, not the graphs the import would replace nor
// those it would create. Ten documents are linked in one store
// transaction, seventy in the way of large imports; both must be atomic.
func TestFailedCommitChangesNothing(t *testing.T) {
	for _, n := range []int{10, 70} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := openStore(t)
			ctx := context.Background()
			demoFiles := demoDocuments(t)
			if _, err := Import(ctx, s, Request{Files: demoFiles}); err != nil {
				t.Fatal(err)
			}
			before, beforeInfos := state(s), graphInfos(s)

			// Some replace demo contracts with new versions, the others
			// are new.
			dir := t.TempDir()
			var files []string
			replaced := min(n/2, len(demoFiles)-1) // not the glossary
			for i, f := range demoFiles[:replaced] {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				changed := filepath.Join(dir, fmt.Sprintf("changed-%d-%s", i, filepath.Base(f)))
				if err := os.WriteFile(changed, []byte(strings.Replace(string(data), "version: ", "version: 9", 1)), 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, changed)
			}
			files = append(files, contractVariants(t, t.TempDir(), n-len(files))...)
			refused := files[6]
			checked := map[string]bool{}
			_, err := Import(ctx, s, Request{Files: files, Check: func(d *Document, current graph.GraphInfo, exists bool) error {
				checked[d.File] = true
				if exists != strings.HasPrefix(filepath.Base(d.File), "changed-") {
					t.Errorf("%s checked as exists=%v", d.File, exists)
				}
				if d.File == refused {
					return errors.New("not yours")
				}
				return nil
			}})
			if err == nil || !strings.Contains(err.Error(), "not yours") || !strings.Contains(err.Error(), refused) {
				t.Fatalf("import with a refused document: %v; want the refusal naming %s", err, refused)
			}
			if !checked[refused] {
				t.Errorf("%s not checked", refused)
			}
			if after := state(s); !after.equal(before) {
				t.Errorf("a failed import changed the store: %d quads in %d graphs, before %d in %d", after.quads, len(after.graphs), before.quads, len(before.graphs))
			}
			if after := graphInfos(s); after != beforeInfos {
				t.Errorf("a failed import changed graph records:\n%s\nwant\n%s", after, beforeInfos)
			}

			// Without the refusal every document is imported, each graph
			// with its own source, format and owner...
			res, err := Import(ctx, s, Request{Files: files})
			if err != nil {
				t.Fatal(err)
			}
			snap := s.Snapshot()
			for i, d := range res.Documents {
				info, ok := snap.Graph(d.Graph)
				if !ok || info.Source != files[i] || info.Format != string(ODCS) || info.Owner == "" || info.Owner != d.Owner || info.Quads != d.Quads || d.Quads == 0 {
					t.Errorf("%s: graph %+v (found %v), document %+v", d.File, info, ok, d)
				}
				if d.Existed != (i < replaced) {
					t.Errorf("%s: existed %v", d.File, d.Existed)
				}
			}
			snap.Release()
			imported := state(s)
			if len(imported.graphs) != len(before.graphs)+n-replaced {
				t.Errorf("%d graphs after importing %d new documents into %d graphs", len(imported.graphs), n-replaced, len(before.graphs))
			}

			// ...and importing them again replaces every graph: same
			// content, the owner given.
			res, err = Import(ctx, s, Request{Files: files, Domain: "retail"})
			if err != nil {
				t.Fatal(err)
			}
			snap = s.Snapshot()
			defer snap.Release()
			for _, d := range res.Documents {
				if info, _ := snap.Graph(d.Graph); !d.Existed || d.Before != d.Quads || info.Owner != "retail" || info.Quads != d.Quads {
					t.Errorf("re-import of %s: existed %v, %d quads before, %d after, graph %+v", d.File, d.Existed, d.Before, d.Quads, info)
				}
			}
			if again := state(s); !again.equal(imported) {
				t.Errorf("re-import changed the content: %d quads in %d graphs, before %d in %d", again.quads, len(again.graphs), imported.quads, len(imported.graphs))
			}
		})
	}
}
