package eval_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	_ "github.com/kplane/kplane/ingest/ntriples"
	_ "github.com/kplane/kplane/ingest/rdfxml"
	_ "github.com/kplane/kplane/ingest/turtle"
	"github.com/kplane/kplane/ingest/w3ctest"
	"github.com/kplane/kplane/query/results"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/eval"
	"github.com/kplane/kplane/query/sparql/expr"
)

// knownFailures lists the W3C query evaluation tests (by manifest folder
// and test name) that are expected to fail, each with the reason. The
// conformance test fails on any other failure, and also when a test
// listed here passes, so that the list stays accurate.
var knownFailures = map[string]string{}

// w3cQueryTimeLimit is the most any single W3C query may take.
const w3cQueryTimeLimit = time.Second

const rsNS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"

// TestW3CQueryEvaluation runs the query evaluation tests of the SPARQL 1.0
// and 1.1 suites.
func TestW3CQueryEvaluation(t *testing.T) {
	root := w3ctest.SkipIfAbsent(t)
	sparqlDir := filepath.Join(root, "sparql")
	var entries []*w3ctest.Entry
	for _, m := range []string{"sparql10/manifest-evaluation.ttl", "sparql11/manifest-all.ttl"} {
		man, err := w3ctest.Load(filepath.Join(sparqlDir, m))
		if err != nil {
			t.Fatalf("load manifest %s: %v", m, err)
		}
		entries = append(entries, man.AllEntries()...)
	}

	store, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()

	type tally struct{ passed, failed, skipped int }
	counts := map[string]*tally{}
	var folders []string
	var total tally
	for _, e := range entries {
		folder, _ := filepath.Rel(sparqlDir, filepath.Dir(e.Manifest.Path))
		folder = filepath.ToSlash(folder)
		reason := skipReason(folder, e)
		if reason == "-" {
			continue // not a query evaluation test (syntax tests belong to the parser)
		}
		c := counts[folder]
		if c == nil {
			c = &tally{}
			counts[folder] = c
			folders = append(folders, folder)
		}
		key := folder + "/" + e.Name
		if reason != "" {
			c.skipped++
			total.skipped++
			continue
		}
		err := runEntry(store, e)
		known, isKnown := knownFailures[key]
		switch {
		case err == nil && isKnown:
			t.Errorf("%s: passes but is listed as a known failure (%s); remove it from knownFailures", key, known)
			c.passed++
			total.passed++
		case err == nil:
			c.passed++
			total.passed++
		case isKnown:
			c.failed++
			total.failed++
		default:
			c.failed++
			total.failed++
			t.Errorf("%s: %v", key, err)
		}
	}
	sort.Strings(folders)
	for _, f := range folders {
		c := counts[f]
		t.Logf("%s: %d passed, %d failed, %d skipped", f, c.passed, c.failed, c.skipped)
	}
	t.Logf("total: %d passed, %d failed, %d skipped", total.passed, total.failed, total.skipped)
}

// skipReason says why an entry is not run: "" to run it, "-" for entries
// that are not query evaluation tests at all.
func skipReason(folder string, e *w3ctest.Entry) string {
	switch e.Type {
	case "QueryEvaluationTest", "CSVResultFormatTest":
	case "UpdateEvaluationTest":
		return "update (package sparql/update)"
	case "ProtocolTest", "GraphStoreProtocolTest":
		return "protocol"
	case "ServiceDescriptionTest":
		return "service description"
	default:
		return "-"
	}
	switch {
	case strings.HasSuffix(folder, "/entailment"):
		return "entailment regimes are not supported"
	case strings.HasSuffix(folder, "/service"):
		return "SERVICE (federation) is not supported"
	case e.Approval == "Withdrawn":
		return "withdrawn"
	}
	return ""
}

// runEntry runs one test and returns why it failed.
func runEntry(store *graph.Store, e *w3ctest.Entry) error {
	m := e.Manifest
	action, ok := e.Prop(w3ctest.MF + "action")
	if !ok {
		return errors.New("no mf:action")
	}
	var queryRef w3ctest.File
	var data, graphData []w3ctest.File
	if action.IsIRI() {
		r, err := m.File(action)
		if err != nil {
			return err
		}
		queryRef = r
	} else {
		qt, ok := m.Object(action, w3ctest.QT+"query")
		if !ok {
			return errors.New("no qt:query")
		}
		r, err := m.File(qt)
		if err != nil {
			return err
		}
		queryRef = r
		for _, d := range m.Objects(action, w3ctest.QT+"data") {
			r, err := m.File(d)
			if err != nil {
				return err
			}
			data = append(data, r)
		}
		for _, d := range m.Objects(action, w3ctest.QT+"graphData") {
			r, err := m.File(d)
			if err != nil {
				return err
			}
			graphData = append(graphData, r)
		}
	}
	src, err := os.ReadFile(queryRef.Path)
	if err != nil {
		return err
	}
	q, err := eval.Prepare(string(src), eval.Options{BaseIRI: queryRef.IRI})
	if err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	// Datasets named only by FROM and FROM NAMED are loaded as named
	// graphs named by their IRIs.
	have := map[string]bool{}
	for _, g := range graphData {
		have[g.IRI] = true
	}
	for _, iri := range append(append([]string(nil), q.Algebra.From...), q.Algebra.FromNamed...) {
		if have[iri] {
			continue
		}
		if p, ok := m.LocalPath(iri); ok {
			have[iri] = true
			graphData = append(graphData, w3ctest.File{Path: p, IRI: iri})
		}
	}
	named := make([]w3ctest.NamedFile, len(graphData))
	for i, g := range graphData {
		named[i] = w3ctest.NamedFile{Name: g.IRI, File: g}
	}
	if err := w3ctest.LoadDataset(store, data, named); err != nil {
		return fmt.Errorf("load data: %w", err)
	}

	resultTerm, ok := e.Prop(w3ctest.MF + "result")
	if !ok {
		return errors.New("no mf:result")
	}
	want, err := m.File(resultTerm)
	if err != nil {
		return err
	}

	snap := store.Snapshot()
	defer snap.Release()
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*w3cQueryTimeLimit)
	defer cancel()
	var got *results.Result
	var gotQuads []rdf.Quad
	switch q.Form() {
	case eval.Select:
		vars, sols, err := q.Solutions(ctx, snap)
		if err != nil {
			return fmt.Errorf("exec: %w", err)
		}
		got = &results.Result{Vars: vars, Solutions: sols}
	case eval.Ask:
		res, err := q.Exec(ctx, snap)
		if err != nil {
			return fmt.Errorf("exec: %w", err)
		}
		b := res.Boolean
		res.Close()
		got = &results.Result{Boolean: &b}
	default:
		gotQuads, err = q.Quads(ctx, snap)
		if err != nil {
			return fmt.Errorf("exec: %w", err)
		}
	}
	if d := time.Since(start); d > w3cQueryTimeLimit {
		return fmt.Errorf("query took %v (limit %v)", d, w3cQueryTimeLimit)
	}

	if gotQuads != nil || got == nil {
		wantQuads, err := readGraph(want)
		if err != nil {
			return err
		}
		if !rdf.Isomorphic(normalizeQuads(gotQuads), normalizeQuads(wantQuads)) {
			return fmt.Errorf("graph differs:\ngot:\n%s\nwant:\n%s", quadsString(gotQuads), quadsString(wantQuads))
		}
		return nil
	}
	var expected *results.Result
	lax := false
	if c, ok := e.Prop(w3ctest.MF + "resultCardinality"); ok && strings.HasSuffix(c.Value, "LaxCardinality") {
		lax = true
	}
	switch strings.ToLower(filepath.Ext(want.Path)) {
	case ".srx":
		expected, err = readResults(want.Path, results.ReadXML)
	case ".srj":
		expected, err = readResults(want.Path, results.ReadJSON)
	case ".tsv":
		expected, err = readResults(want.Path, results.ReadTSV)
	case ".csv":
		expected, err = readResults(want.Path, results.ReadCSV)
		if err == nil {
			// CSV loses types: compare what our result looks like once
			// written as CSV and read back.
			got, err = throughCSV(got)
		}
	default:
		quads, gerr := readGraph(want)
		if gerr != nil {
			return gerr
		}
		expected, err = resultSetFromGraph(quads)
	}
	if err != nil {
		return fmt.Errorf("read expected results: %w", err)
	}
	return compareResults(got, expected, orderKeys(q.Algebra), lax)
}

func readResults(path string, read func(io.Reader) (*results.Result, error)) (*results.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f)
}

func throughCSV(r *results.Result) (*results.Result, error) {
	var buf bytes.Buffer
	w, err := results.NewWriter(&buf, "csv", results.WriterOptions{})
	if err != nil {
		return nil, err
	}
	if err := w.WriteHeader(r.Vars); err != nil {
		return nil, err
	}
	for _, s := range r.Solutions {
		if err := w.WriteSolution(s); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return results.ReadCSV(&buf)
}

func readGraph(f w3ctest.File) ([]rdf.Quad, error) { return w3ctest.ReadQuads(f) }

// normalizeQuads lower-cases language tags (the store keeps them in lower
// case) so that graphs compare by RDF term equality.
func normalizeQuads(qs []rdf.Quad) []rdf.Quad {
	out := make([]rdf.Quad, len(qs))
	for i, q := range qs {
		q.S, q.P, q.O = normTerm(q.S), normTerm(q.P), normTerm(q.O)
		q.G = rdf.Term{}
		out[i] = q
	}
	return out
}

func normTerm(t rdf.Term) rdf.Term {
	t.Lang = strings.ToLower(t.Lang)
	return t
}

func quadsString(qs []rdf.Quad) string {
	lines := make([]string, len(qs))
	for i, q := range qs {
		lines[i] = q.String()
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// resultSetFromGraph reads a result set written in the result-set
// vocabulary of the DAWG tests.
func resultSetFromGraph(quads []rdf.Quad) (*results.Result, error) {
	idx := map[rdf.Term]map[string][]rdf.Term{}
	var set rdf.Term
	for _, q := range quads {
		if idx[q.S] == nil {
			idx[q.S] = map[string][]rdf.Term{}
		}
		idx[q.S][q.P.Value] = append(idx[q.S][q.P.Value], q.O)
		if q.P.Value == rdf.RDFType && q.O.Value == rsNS+"ResultSet" {
			set = q.S
		}
	}
	if set.IsZero() {
		return nil, errors.New("no rs:ResultSet in the expected results")
	}
	res := &results.Result{}
	if b := idx[set][rsNS+"boolean"]; len(b) > 0 {
		v := b[0].Value == "true"
		res.Boolean = &v
		return res, nil
	}
	pos := map[string]int{}
	for _, v := range idx[set][rsNS+"resultVariable"] {
		pos[v.Value] = len(res.Vars)
		res.Vars = append(res.Vars, v.Value)
	}
	type indexed struct {
		i   int
		sol results.Solution
	}
	var sols []indexed
	for _, sn := range idx[set][rsNS+"solution"] {
		sol := make(results.Solution, len(res.Vars))
		for _, b := range idx[sn][rsNS+"binding"] {
			vs, vals := idx[b][rsNS+"variable"], idx[b][rsNS+"value"]
			if len(vs) == 0 || len(vals) == 0 {
				continue
			}
			p, ok := pos[vs[0].Value]
			if !ok {
				p = len(res.Vars)
				pos[vs[0].Value] = p
				res.Vars = append(res.Vars, vs[0].Value)
				for i := range sols {
					sols[i].sol = append(sols[i].sol, rdf.Term{})
				}
				sol = append(sol, rdf.Term{})
			}
			sol[p] = vals[0]
		}
		i := len(sols)
		if ix := idx[sn][rsNS+"index"]; len(ix) > 0 {
			fmt.Sscan(ix[0].Value, &i)
		}
		sols = append(sols, indexed{i, sol})
	}
	sort.SliceStable(sols, func(a, b int) bool { return sols[a].i < sols[b].i })
	for _, s := range sols {
		for len(s.sol) < len(res.Vars) {
			s.sol = append(s.sol, rdf.Term{})
		}
		res.Solutions = append(res.Solutions, s.sol)
	}
	return res, nil
}

// orderKeys returns the variables of the query's ORDER BY when every
// condition is a plain variable, []string{} when some condition is an
// expression, and nil when the query has no ORDER BY.
func orderKeys(q *algebra.Query) []string {
	op := q.Op
	for {
		switch o := op.(type) {
		case *algebra.Slice:
			op = o.Input
			continue
		case *algebra.Distinct:
			op = o.Input
			continue
		case *algebra.Reduced:
			op = o.Input
			continue
		case *algebra.Project:
			op = o.Input
			continue
		case *algebra.OrderBy:
			keys := []string{}
			for _, c := range o.Conditions {
				v, ok := c.Expr.(*algebra.Var)
				if !ok {
					return []string{}
				}
				keys = append(keys, v.Name)
			}
			return keys
		}
		return nil
	}
}

// compareResults compares solution sequences: as multisets with blank
// nodes matched by a consistent bijection, and, under ORDER BY, also the
// sequence of the ORDER BY keys.
func compareResults(got, want *results.Result, keys []string, lax bool) error {
	if want.Boolean != nil || got.Boolean != nil {
		if want.Boolean == nil || got.Boolean == nil || *want.Boolean != *got.Boolean {
			return fmt.Errorf("boolean: got %v, want %v", boolString(got.Boolean), boolString(want.Boolean))
		}
		return nil
	}
	gm, wm := toMaps(got), toMaps(want)
	if lax {
		gm, wm = dedupe(gm), dedupe(wm)
	}
	if len(gm) != len(wm) || !matchAll(gm, wm) {
		return fmt.Errorf("solutions differ:\ngot (%d):\n%s\nwant (%d):\n%s", len(gm), mapsString(gm), len(wm), mapsString(wm))
	}
	if keys != nil {
		for i := range gm {
			if len(keys) == 0 {
				if !solutionMatch(gm[i], wm[i], map[string]string{}, map[string]string{}) {
					return fmt.Errorf("order differs at solution %d:\ngot:\n%s\nwant:\n%s", i, mapsString(gm), mapsString(wm))
				}
				continue
			}
			for _, k := range keys {
				a, b := gm[i][k], wm[i][k]
				if a.Kind != b.Kind || a.Kind != rdf.KindBlank && !sameTerm(a, b) {
					return fmt.Errorf("order differs at solution %d on ?%s:\ngot:\n%s\nwant:\n%s", i, k, mapsString(gm), mapsString(wm))
				}
			}
		}
	}
	return nil
}

func boolString(b *bool) string {
	if b == nil {
		return "<none>"
	}
	return fmt.Sprint(*b)
}

type solMap map[string]rdf.Term

func toMaps(r *results.Result) []solMap {
	out := make([]solMap, len(r.Solutions))
	for i, s := range r.Solutions {
		m := solMap{}
		for j, v := range r.Vars {
			if j < len(s) && !s[j].IsZero() {
				m[v] = s[j]
			}
		}
		out[i] = m
	}
	return out
}

func dedupe(ms []solMap) []solMap {
	seen := map[string]bool{}
	var out []solMap
	for _, m := range ms {
		k := solString(m)
		if !seen[k] {
			seen[k] = true
			out = append(out, m)
		}
	}
	return out
}

func solString(m solMap) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v.String())
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func mapsString(ms []solMap) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString("  " + solString(m) + "\n")
	}
	return b.String()
}

// sameTerm compares terms as results do: language tags without regard to
// case, and literals of one datatype by value when expr can compare them.
func sameTerm(a, b rdf.Term) bool {
	if a.Kind != b.Kind {
		return false
	}
	if a.Kind != rdf.KindLiteral {
		return a.Value == b.Value
	}
	if a.Datatype != b.Datatype || !strings.EqualFold(a.Lang, b.Lang) {
		return false
	}
	if a.Value == b.Value {
		return true
	}
	switch a.Datatype {
	case rdf.XSDString, rdf.RDFLangString:
		return false
	}
	eq, err := expr.Equal(a, b)
	return err == nil && eq
}

// solutionMatch matches two solutions, extending the blank node
// bijection fwd/back; it leaves the maps unchanged on failure.
func solutionMatch(a, b solMap, fwd, back map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	var added []string
	undo := func() {
		for _, k := range added {
			delete(back, fwd[k])
			delete(fwd, k)
		}
	}
	for k, x := range a {
		y, ok := b[k]
		if !ok {
			undo()
			return false
		}
		if x.Kind == rdf.KindBlank && y.Kind == rdf.KindBlank {
			if m, ok := fwd[x.Value]; ok {
				if m != y.Value {
					undo()
					return false
				}
				continue
			}
			if _, ok := back[y.Value]; ok {
				undo()
				return false
			}
			fwd[x.Value], back[y.Value] = y.Value, x.Value
			added = append(added, x.Value)
			continue
		}
		if !sameTerm(x, y) {
			undo()
			return false
		}
	}
	return true
}

// matchAll finds a one-to-one matching of got to want under one blank
// node bijection, by backtracking.
func matchAll(got, want []solMap) bool {
	used := make([]bool, len(want))
	if !hasBlank(got) && !hasBlank(want) {
		// Without blank nodes matching is an equivalence: greedy works.
	next:
		for _, g := range got {
			for j, w := range want {
				if !used[j] && solutionMatch(g, w, nil, nil) {
					used[j] = true
					continue next
				}
			}
			return false
		}
		return true
	}
	fwd, back := map[string]string{}, map[string]string{}
	var try func(i int) bool
	try = func(i int) bool {
		if i == len(got) {
			return true
		}
		for j := range want {
			if used[j] {
				continue
			}
			snapF, snapB := cloneMap(fwd), cloneMap(back)
			if solutionMatch(got[i], want[j], fwd, back) {
				used[j] = true
				if try(i + 1) {
					return true
				}
				used[j] = false
			}
			fwd, back = snapF, snapB
		}
		return false
	}
	return try(0)
}

func hasBlank(ms []solMap) bool {
	for _, m := range ms {
		for _, t := range m {
			if t.Kind == rdf.KindBlank {
				return true
			}
		}
	}
	return false
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
