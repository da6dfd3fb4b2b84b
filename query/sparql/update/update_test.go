package update_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/parser"
	"github.com/kplane/kplane/query/sparql/update"
)

const prologue = "PREFIX e: <http://e/>\n"

func openStore(t testing.TB, opts *graph.Options) *graph.Store {
	t.Helper()
	if opts == nil {
		// Small memtables: an in-memory store opens in milliseconds.
		opts = &graph.Options{InMemory: true, NoSync: true, MemTableSize: 8 << 20}
	}
	s, err := graph.Open("", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// exec parses and executes a request (with the e: prefix declared).
func exec(t testing.TB, s *graph.Store, src string, opts update.Options) (update.Stats, error) {
	t.Helper()
	u, err := parser.ParseUpdate(prologue+src, "http://base/")
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return update.Execute(context.Background(), s, u, opts)
}

func mustExec(t testing.TB, s *graph.Store, src string) update.Stats {
	t.Helper()
	st, err := exec(t, s, src, update.Options{})
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return st
}

// dump lists the store's quads (not the metadata graph) in N-Quads, sorted,
// with the prefix http://e/ shortened to e: for legible comparisons.
func dump(t testing.TB, s *graph.Store) []string {
	t.Helper()
	quads, err := storeQuads(s)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, q := range quads {
		out = append(out, strings.ReplaceAll(q.String(), "<http://e/", "<e:"))
	}
	slices.Sort(out)
	return out
}

func expectDump(t *testing.T, s *graph.Store, want ...string) {
	t.Helper()
	got := dump(t, s)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("store holds:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Later operations see what earlier ones of the same request did, in the
// default graph, in named graphs and through WITH and USING.
func TestLaterOperationsSeeEarlierOnes(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { e:a e:p e:b }`)
	st := mustExec(t, s, `
		INSERT DATA { e:b e:p e:c . GRAPH e:g { e:x e:p e:y } } ;
		INSERT { ?x e:q ?z } WHERE { ?x e:p ?y . ?y e:p ?z } ;
		DELETE DATA { e:a e:p e:b } ;
		INSERT { GRAPH e:h { ?s e:r ?o } } WHERE { ?s e:p ?o } ;
		WITH e:g INSERT { ?s e:w ?o } WHERE { ?s e:p ?o } ;
		INSERT { GRAPH e:u { ?s e:v ?o } } USING e:h WHERE { ?s e:r ?o } ;
		INSERT { ?g e:has ?n } WHERE { SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g }`)
	expectDump(t, s,
		`<e:a> <e:q> <e:c> .`,
		`<e:b> <e:p> <e:c> .`,
		`<e:b> <e:r> <e:c> <e:h> .`,
		`<e:b> <e:v> <e:c> <e:u> .`,
		`<e:x> <e:p> <e:y> <e:g> .`,
		`<e:x> <e:w> <e:y> <e:g> .`,
		`<e:g> <e:has> "2"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
		`<e:h> <e:has> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
		`<e:u> <e:has> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
	)
	if st.Operations != 7 || st.Deleted != 1 || st.Inserted != 9 {
		t.Errorf("stats %+v, want 7 operations, 9 inserted, 1 deleted", st)
	}
}

// A cleared or dropped graph is empty for the rest of the request, and
// what is inserted afterwards is all it holds.
func TestClearThenReadInTheSameRequest(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { e:a e:p 1 . e:b e:p 2 . GRAPH e:g { e:a e:p 3 } }`)
	mustExec(t, s, `
		CLEAR DEFAULT ;
		INSERT DATA { e:c e:p 4 } ;
		INSERT { GRAPH e:g { ?s e:seen ?o } } WHERE { ?s e:p ?o } ;
		DELETE { GRAPH e:g { ?s e:p ?o } } WHERE { GRAPH e:g { ?s e:p ?o } } ;
		COPY e:g TO e:copy ;
		MOVE e:copy TO DEFAULT`)
	expectDump(t, s,
		`<e:c> <e:seen> "4"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
		`<e:c> <e:seen> "4"^^<http://www.w3.org/2001/XMLSchema#integer> <e:g> .`,
	)
	snap := s.Snapshot()
	defer snap.Release()
	if _, ok := snap.Graph(rdf.IRI("http://e/copy")); ok {
		t.Error("MOVE left its source graph")
	}
}

// A failing operation undoes the whole request, including what earlier
// operations did.
func TestRequestIsAtomic(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { e:a e:p 1 . GRAPH e:g { e:a e:p 2 } }`)
	before := dump(t, s)
	for _, src := range []string{
		`DELETE DATA { e:a e:p 1 } ; DROP GRAPH e:g ; CREATE GRAPH e:h ; CREATE GRAPH e:h`,
		`CLEAR ALL ; DROP GRAPH e:missing`,
		`INSERT DATA { e:b e:p 3 } ; COPY e:missing TO DEFAULT`,
		`DROP ALL ; INSERT DATA { GRAPH <https://kplane.dev/graphs> { e:x e:p 1 } }`,
	} {
		if _, err := exec(t, s, src, update.Options{}); err == nil {
			t.Errorf("%s: succeeded", src)
		}
		if got := dump(t, s); !slices.Equal(got, before) {
			t.Errorf("%s: failed but changed the store:\n%s", src, strings.Join(got, "\n"))
		}
	}
	// SILENT turns the same failures into no-ops.
	mustExec(t, s, `DROP SILENT GRAPH e:missing ; CREATE SILENT GRAPH e:g ; COPY SILENT e:missing TO DEFAULT ; LOAD SILENT <file:///nonexistent.ttl>`)
	if got := dump(t, s); !slices.Equal(got, before) {
		t.Errorf("SILENT no-ops changed the store:\n%s", strings.Join(got, "\n"))
	}
}

// Authorize is asked once for every graph written, before writing; a
// refusal aborts the request.
func TestAuthorize(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { e:a e:p 1 . GRAPH e:g1 { e:a e:p 1 } }`)
	var asked []string
	allowAllBut := func(denied string) update.Options {
		asked = nil
		return update.Options{Authorize: func(g rdf.Term) error {
			name := "default"
			if !g.IsZero() {
				name = g.Value
			}
			asked = append(asked, name)
			if name == denied {
				return errors.New("domain mismatch")
			}
			return nil
		}}
	}
	src := `INSERT { GRAPH e:g2 { ?s ?p ?o } } WHERE { ?s ?p ?o } ;
		DELETE WHERE { ?s ?p ?o } ;
		INSERT DATA { GRAPH e:g2 { e:b e:p 2 } } ;
		CLEAR GRAPH e:g1`
	_, err := exec(t, s, src, allowAllBut("http://e/g1"))
	if err == nil || !strings.Contains(err.Error(), "domain mismatch") {
		t.Fatalf("refused request: err = %v", err)
	}
	if want := []string{"http://e/g2", "default", "http://e/g1"}; !slices.Equal(asked, want) {
		t.Errorf("asked for %v, want %v", asked, want)
	}
	expectDump(t, s,
		`<e:a> <e:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
		`<e:a> <e:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <e:g1> .`,
	)
	if _, err := exec(t, s, src, allowAllBut("nobody")); err != nil {
		t.Fatal(err)
	}
	expectDump(t, s,
		`<e:a> <e:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <e:g2> .`,
		`<e:b> <e:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <e:g2> .`,
	)
}

// Blank nodes of INSERT DATA and templates are new nodes: fresh per
// request (INSERT DATA) and per solution (templates), never one of the
// store's nodes, even one loaded under the same label.
func TestBlankNodesAreFresh(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { _:b e:p 1 . _:b e:p 2 }`)
	mustExec(t, s, `INSERT DATA { _:b e:p 3 }`)
	mustExec(t, s, `INSERT { _:n e:of ?o } WHERE { ?s e:p ?o }`)
	quads, err := storeQuads(s)
	if err != nil {
		t.Fatal(err)
	}
	subjects := map[string][]string{}
	for _, q := range quads {
		if !q.S.IsBlank() {
			t.Fatalf("subject %s is not a blank node", q.S)
		}
		if q.S.Value == "b" {
			t.Errorf("blank node kept the request's label: %s", q)
		}
		subjects[q.P.Value] = append(subjects[q.P.Value], q.S.Value)
	}
	p := subjects["http://e/p"]
	if len(p) != 3 || (p[0] == p[2]) == (p[1] == p[2]) && p[0] != p[1] {
		t.Errorf("e:p subjects %v: want 1 and 2 on one node, 3 on another", p)
	}
	distinct := map[string]bool{}
	for _, n := range subjects["http://e/of"] {
		if slices.Contains(p, n) {
			t.Errorf("template blank node %s is a node of the store", n)
		}
		distinct[n] = true
	}
	if len(subjects["http://e/of"]) != 3 || len(distinct) != 3 {
		t.Errorf("template blank nodes %v: want 3 distinct nodes", subjects["http://e/of"])
	}
	// The store's blank nodes in solutions name the store's nodes.
	mustExec(t, s, `DELETE { ?s e:p ?o } WHERE { ?s e:p ?o FILTER(?o = 1) }`)
	snap := s.Snapshot()
	defer snap.Release()
	if n, err := snap.Count(context.Background(), graph.Pattern{P: graph.TermID(rdf.IRI("http://e/p"))}); err != nil || n != 2 {
		t.Errorf("after deleting one e:p quad of a blank node, %d are left (err %v), want 2", n, err)
	}
}

// Template quads with unbound variables or invalid terms are skipped, the
// others of the same solution kept.
func TestTemplateSkipsInvalidQuads(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { e:a e:p "lit" . e:b e:p e:c }`)
	mustExec(t, s, `INSERT { ?o e:q ?s . ?s ?o e:x . ?s e:r ?unbound . GRAPH ?o { ?s e:in ?o } . ?s e:ok ?o }
		WHERE { ?s e:p ?o }`)
	expectDump(t, s,
		`<e:a> <e:p> "lit" .`,
		`<e:b> <e:p> <e:c> .`,
		`<e:c> <e:q> <e:b> .`,
		`<e:b> <e:c> <e:x> .`,
		`<e:b> <e:in> <e:c> <e:c> .`,
		`<e:a> <e:ok> "lit" .`,
		`<e:b> <e:ok> <e:c> .`,
	)
}

// ADD, COPY and MOVE: same-graph no-ops, DEFAULT as either end, and the
// destination replaced (COPY, MOVE) or added to (ADD).
func TestTransfer(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { e:d e:p 0 . GRAPH e:g { e:a e:p 1 } GRAPH e:h { e:b e:p 2 } }`)
	mustExec(t, s, `COPY e:g TO e:g ; MOVE e:g TO GRAPH e:g ; ADD DEFAULT TO DEFAULT ; MOVE DEFAULT TO DEFAULT`)
	expectDump(t, s,
		`<e:d> <e:p> "0"^^<http://www.w3.org/2001/XMLSchema#integer> .`,
		`<e:a> <e:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <e:g> .`,
		`<e:b> <e:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <e:h> .`,
	)
	mustExec(t, s, `ADD e:g TO e:h ; COPY e:h TO DEFAULT ; MOVE DEFAULT TO e:m`)
	expectDump(t, s,
		`<e:a> <e:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <e:g> .`,
		`<e:a> <e:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <e:h> .`,
		`<e:b> <e:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <e:h> .`,
		`<e:a> <e:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <e:m> .`,
		`<e:b> <e:p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <e:m> .`,
	)
}

// Templates that write wherever GRAPH ?g matched leave the metadata graph
// out; naming it in a template is refused.
func TestTemplatesLeaveTheMetadataGraphAlone(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { e:a e:p 1 . GRAPH e:g { e:a e:p 1 } GRAPH e:h { e:b e:p 2 } }`)
	mustExec(t, s, `DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }`)
	expectDump(t, s, `<e:a> <e:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .`)
	snap := s.Snapshot()
	defer snap.Release()
	n, err := snap.Count(context.Background(), graph.Pattern{Graph: graph.InGraph(graph.TermID(rdf.IRI(graph.MetadataGraph)))})
	if err != nil || n == 0 {
		t.Errorf("metadata graph holds %d quads (err %v)", n, err)
	}
	_, err = exec(t, s, `INSERT { GRAPH <`+graph.MetadataGraph+`> { ?s e:q ?o } } WHERE { ?s e:p ?o }`, update.Options{})
	if !errors.Is(err, update.ErrMetadataGraph) {
		t.Errorf("writing the metadata graph by name: err = %v, want ErrMetadataGraph", err)
	}
}

// DROP ALL and CLEAR NAMED leave the metadata graph to the store.
func TestDropAllKeepsTheMetadataGraph(t *testing.T) {
	s := openStore(t, nil)
	mustExec(t, s, `INSERT DATA { e:a e:p 1 . GRAPH e:g { e:a e:p 1 } }`)
	st := mustExec(t, s, `DROP ALL`)
	if st.Deleted != 2 {
		t.Errorf("DROP ALL deleted %d quads, want 2", st.Deleted)
	}
	expectDump(t, s)
	snap := s.Snapshot()
	defer snap.Release()
	if _, ok := snap.Graph(rdf.IRI(graph.MetadataGraph)); !ok {
		t.Error("DROP ALL dropped the metadata graph")
	}
	for _, gi := range snap.Graphs() {
		if gi.Name.Value != graph.MetadataGraph {
			t.Errorf("graph left: %s", gi.Name)
		}
	}
}

func TestLoad(t *testing.T) {
	s := openStore(t, nil)
	doc := filepath.Join(t.TempDir(), "doc.ttl")
	if err := os.WriteFile(doc, []byte("<http://e/a> <http://e/p> _:x . _:x <http://e/p> <rel> .\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	iri := "file://" + filepath.ToSlash(doc)
	if _, err := exec(t, s, `LOAD <`+iri+`>`, update.Options{}); !errors.Is(err, update.ErrLoadNotAllowed) {
		t.Errorf("LOAD without AllowLoad: err = %v", err)
	}
	if _, err := exec(t, s, `LOAD <http://example.org/doc.ttl>`, update.Options{AllowLoad: true}); err == nil {
		t.Error("LOAD of a remote document succeeded")
	}
	if _, err := exec(t, s, `LOAD <`+iri+`> INTO GRAPH e:g ; LOAD <`+iri+`>`, update.Options{AllowLoad: true}); err != nil {
		t.Fatal(err)
	}
	quads, err := storeQuads(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(quads) != 4 {
		t.Fatalf("loaded %d quads, want 4: %v", len(quads), quads)
	}
	blanks := map[string]bool{}
	for _, q := range quads {
		if q.O.IsBlank() {
			blanks[q.O.Value] = true
		}
		if q.O.IsIRI() && strings.HasSuffix(q.O.Value, "rel") && q.O.Value != "file://"+filepath.ToSlash(filepath.Dir(doc))+"/rel" {
			t.Errorf("relative IRI resolved to %s", q.O)
		}
	}
	if len(blanks) != 2 || blanks["x"] {
		t.Errorf("blank nodes of two loads: %v, want two fresh nodes", blanks)
	}
}

// A request bigger than one transaction fails clearly and changes
// nothing.
func TestTooBigRequest(t *testing.T) {
	s := openStore(t, &graph.Options{InMemory: true, NoSync: true, MemTableSize: 8 << 20})
	// Long literals are stored in the dictionary: 1,000 of 2 KB each are
	// more than the 1.2 MB one transaction of this store holds.
	var b strings.Builder
	b.WriteString("INSERT DATA {\n")
	long := strings.Repeat("x", 2048)
	for i := range 1000 {
		fmt.Fprintf(&b, "e:s e:p \"%d %s\" .\n", i, long)
	}
	b.WriteString("}")
	_, err := exec(t, s, b.String(), update.Options{})
	if !errors.Is(err, graph.ErrTxnTooBig) {
		t.Fatalf("err = %v, want graph.ErrTxnTooBig", err)
	}
	if !strings.Contains(err.Error(), "split the request") || !strings.Contains(err.Error(), "operation 1 (line 2)") {
		t.Errorf("error %q does not say what to do", err)
	}
	if got := dump(t, s); len(got) != 0 {
		t.Errorf("a failed request left %d quads", len(got))
	}
}

// A WHERE clause that reads what the request wrote sees all of it, however
// many transactions the copy into the scratch store takes.
func TestReadYourWritesOfManyQuads(t *testing.T) {
	// Memtables big enough for the request's 0.7 MB in one transaction.
	s := openStore(t, &graph.Options{InMemory: true, NoSync: true, MemTableSize: 16 << 20})
	var b strings.Builder
	b.WriteString("INSERT DATA {\n")
	// Long literals make the copy take several transactions without many
	// quads: a big transaction of the store costs time quadratic in its
	// size.
	pad := strings.Repeat("p", 2000)
	for i := range 300 {
		fmt.Fprintf(&b, "e:s%d e:p \"%d %s\" .\n", i%100, i, pad)
	}
	b.WriteString("} ;\nINSERT { ?s e:q ?o } WHERE { ?s e:p ?o } ;\nDELETE WHERE { ?s e:p ?o }")
	st, err := exec(t, s, b.String(), update.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Inserted != 600 || st.Deleted != 300 {
		t.Errorf("stats %+v, want 600 inserted and 300 deleted", st)
	}
	snap := s.Snapshot()
	defer snap.Release()
	for p, want := range map[string]int64{"http://e/p": 0, "http://e/q": 300} {
		n, err := snap.Count(context.Background(), graph.Pattern{P: graph.TermID(rdf.IRI(p))})
		if err != nil || n != want {
			t.Errorf("%d quads with %s (err %v), want %d", n, p, err, want)
		}
	}
}

func TestEmptyAndCancelledRequests(t *testing.T) {
	s := openStore(t, nil)
	st, err := exec(t, s, "", update.Options{})
	if err != nil || st != (update.Stats{}) {
		t.Errorf("empty request: %+v, %v", st, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	u, err := parser.ParseUpdate(prologue+`INSERT DATA { e:a e:p 1 }`, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := update.Execute(ctx, s, u, update.Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled request: err = %v", err)
	}
	expectDump(t, s)
}
