package expr

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/turtle"
	"github.com/kplane/kplane/ingest/w3ctest"
	"github.com/kplane/kplane/query/results"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/parser"
)

// TestW3CFunctions runs the W3C SPARQL 1.1 tests of the functions and
// casts folders whose queries are simple enough for the miniature
// evaluator below (basic graph patterns, FILTER, BIND, VALUES and
// projection): it checks this package against the expected results of the
// suite. The complete harness belongs to the evaluator.
func TestW3CFunctions(t *testing.T) {
	root := w3ctest.SkipIfAbsent(t)
	for _, dir := range []string{"sparql/sparql11/functions", "sparql/sparql11/cast", "sparql/sparql10/open-world", "sparql/sparql10/expr-builtin", "sparql/sparql10/expr-ops", "sparql/sparql10/expr-equals", "sparql/sparql10/type-promotion", "sparql/sparql10/boolean-effective-value", "sparql/sparql10/regex", "sparql/sparql10/cast"} {
		m, err := w3ctest.Load(filepath.Join(root, dir, "manifest.ttl"))
		if err != nil {
			t.Fatal(err)
		}
		passed, skipped := 0, 0
		for _, e := range m.AllEntries() {
			if e.Type != "QueryEvaluationTest" || e.Approval == "Withdrawn" {
				continue
			}
			ran := runW3CEntry(t, m, e)
			if ran {
				passed++
			} else {
				skipped++
			}
		}
		t.Logf("%s: %d tests run, %d skipped (beyond the miniature evaluator)", dir, passed, skipped)
		if passed == 0 {
			t.Errorf("%s: no test could be run", dir)
		}
	}
}

// runW3CEntry runs one test and reports whether it could be run.
func runW3CEntry(t *testing.T, m *w3ctest.Manifest, e *w3ctest.Entry) bool {
	action, ok := e.Prop(w3ctest.MF + "action")
	if !ok {
		return false
	}
	queryIRI, ok1 := m.Object(action, w3ctest.QT+"query")
	dataIRI, ok2 := m.Object(action, w3ctest.QT+"data")
	result, ok3 := e.Prop(w3ctest.MF + "result")
	if !ok1 || !ok3 {
		return false
	}
	queryPath, _ := m.LocalPath(queryIRI.Value)
	resultPath, _ := m.LocalPath(result.Value)
	if ext := filepath.Ext(resultPath); ext != ".srx" && ext != ".ttl" {
		return false
	}
	src, err := os.ReadFile(queryPath)
	if err != nil {
		t.Errorf("%s: %v", e.Name, err)
		return true
	}
	q, err := parser.ParseQuery(string(src), queryIRI.Value)
	if err != nil {
		t.Errorf("%s: %v", e.Name, err)
		return true
	}
	a, err := algebra.Translate(q)
	if err != nil {
		t.Errorf("%s: %v", e.Name, err)
		return true
	}
	var data []rdf.Quad
	if ok2 {
		dataPath, _ := m.LocalPath(dataIRI.Value)
		if data, err = readTurtle(dataPath, dataIRI.Value); err != nil {
			t.Errorf("%s: %v", e.Name, err)
			return true
		}
	}
	// IRI() resolves against the query's BASE, which the parser has
	// already resolved against the query's own IRI.
	base := queryIRI.Value
	if q.Prologue.Base != "" {
		base = q.Prologue.Base
	}
	ev := &miniEval{data: data, env: &Env{BaseIRI: base}}
	ev.env.Exists = func(algebra.Operator, Binding) (bool, error) { return false, errUnsupported }
	sols, err := ev.eval(a.Op, []mapBinding{{}})
	if errors.Is(err, errUnsupported) {
		return false
	}
	if err != nil {
		t.Errorf("%s: %v", e.Name, err)
		return true
	}
	want, err := readResult(resultPath, result.Value)
	if err != nil {
		t.Errorf("%s: %v", e.Name, err)
		return true
	}
	if a.Form == parser.Ask {
		if want.Boolean == nil || *want.Boolean != (len(sols) > 0) {
			t.Errorf("%s: ASK gave %v", e.Name, len(sols) > 0)
		}
		return true
	}
	if a.Form != parser.Select {
		return false
	}
	if !sameSolutions(sols, want) {
		t.Errorf("%s (%s): got %d solutions:\n%v\nwant:\n%v", e.Name, queryPath, len(sols), sols, want.Solutions)
	}
	return true
}

// readResult reads an expected result: SPARQL XML results, or a result
// set in RDF (the rs: vocabulary) written in Turtle.
func readResult(path, base string) (*results.Result, error) {
	if filepath.Ext(path) == ".srx" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return results.ReadXML(f)
	}
	quads, err := readTurtle(path, base)
	if err != nil {
		return nil, err
	}
	const rs = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
	props := map[rdf.Term]map[string][]rdf.Term{}
	var set rdf.Term
	for _, q := range quads {
		if props[q.S] == nil {
			props[q.S] = map[string][]rdf.Term{}
		}
		props[q.S][q.P.Value] = append(props[q.S][q.P.Value], q.O)
		if q.P.Value == rdf.RDFType && q.O.Value == rs+"ResultSet" {
			set = q.S
		}
	}
	res := &results.Result{}
	if b := props[set][rs+"boolean"]; len(b) > 0 {
		v := b[0].Value == "true"
		res.Boolean = &v
		return res, nil
	}
	for _, v := range props[set][rs+"resultVariable"] {
		res.Vars = append(res.Vars, v.Value)
	}
	for _, sol := range props[set][rs+"solution"] {
		row := make(results.Solution, len(res.Vars))
		for _, b := range props[sol][rs+"binding"] {
			name, val := props[b][rs+"variable"], props[b][rs+"value"]
			if len(name) == 0 || len(val) == 0 {
				continue
			}
			for i, v := range res.Vars {
				if v == name[0].Value {
					row[i] = val[0]
				}
			}
		}
		res.Solutions = append(res.Solutions, row)
	}
	return res, nil
}

func readTurtle(path, base string) ([]rdf.Quad, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d := turtle.NewDecoder(f, ingest.Options{File: path, Base: base})
	var quads []rdf.Quad
	for {
		q, err := d.Decode()
		if err == io.EOF {
			return quads, nil
		}
		if err != nil {
			return nil, err
		}
		quads = append(quads, q)
	}
}

var errUnsupported = errors.New("unsupported by the miniature evaluator")

// miniEval evaluates the few algebra operators the function tests use,
// naively.
type miniEval struct {
	data []rdf.Quad
	env  *Env
}

func (ev *miniEval) eval(op algebra.Operator, in []mapBinding) ([]mapBinding, error) {
	switch op := op.(type) {
	case *algebra.Table:
		var out []mapBinding
		for _, b := range in {
			for _, row := range op.Rows {
				nb := copyBinding(b)
				for i, v := range op.Vars {
					if !row[i].IsZero() {
						nb[v] = row[i]
					}
				}
				out = append(out, nb)
			}
		}
		return out, nil
	case *algebra.BGP:
		out := in
		for _, tp := range op.Patterns {
			var next []mapBinding
			for _, b := range out {
				for _, q := range ev.data {
					if nb, ok := matchPattern(tp, q, b); ok {
						next = append(next, nb)
					}
				}
			}
			out = next
		}
		return out, nil
	case *algebra.Join:
		l, err := ev.eval(op.Left, in)
		if err != nil {
			return nil, err
		}
		return ev.eval(op.Right, l)
	case *algebra.Extend:
		sols, err := ev.eval(op.Input, in)
		if err != nil {
			return nil, err
		}
		for _, b := range sols {
			ev.env.BNodes = NewBNodeScope()
			v, err := Eval(op.Expr, b, ev.env)
			if err == nil {
				b[op.Var] = v
			} else if !IsExprError(err) {
				return nil, err
			}
		}
		return sols, nil
	case *algebra.Filter:
		sols, err := ev.eval(op.Input, in)
		if err != nil {
			return nil, err
		}
		var out []mapBinding
		for _, b := range sols {
			keep := true
			for _, e := range op.Exprs {
				v, err := EvalBool(e, b, ev.env)
				if err != nil && !IsExprError(err) {
					return nil, err
				}
				keep = keep && err == nil && v
			}
			if keep {
				out = append(out, b)
			}
		}
		return out, nil
	case *algebra.OrderBy:
		return ev.eval(op.Input, in)
	case *algebra.Project:
		sols, err := ev.eval(op.Input, in)
		if err != nil {
			return nil, err
		}
		for i, b := range sols {
			nb := mapBinding{}
			for _, v := range op.Vars {
				if t, ok := b[v]; ok {
					nb[v] = t
				}
			}
			sols[i] = nb
		}
		return sols, nil
	}
	return nil, errUnsupported
}

func copyBinding(b mapBinding) mapBinding {
	nb := make(mapBinding, len(b)+2)
	for k, v := range b {
		nb[k] = v
	}
	return nb
}

func matchPattern(tp algebra.TriplePattern, q rdf.Quad, b mapBinding) (mapBinding, bool) {
	if !q.G.IsZero() {
		return nil, false
	}
	nb := copyBinding(b)
	vals := [3]rdf.Term{q.S, q.P, q.O}
	for i, pt := range [3]algebra.Term{tp.S, tp.P, tp.O} {
		if pt.Var == "" {
			if !pt.Value.Equal(vals[i]) {
				return nil, false
			}
			continue
		}
		if cur, ok := nb[pt.Var]; ok {
			if !cur.Equal(vals[i]) {
				return nil, false
			}
			continue
		}
		nb[pt.Var] = vals[i]
	}
	return nb, true
}

// sameSolutions compares solutions with the expected result as multisets,
// terms by value (see sameValue).
func sameSolutions(got []mapBinding, want *results.Result) bool {
	if len(got) != len(want.Solutions) {
		return false
	}
	used := make([]bool, len(want.Solutions))
next:
	for _, g := range got {
		for j, w := range want.Solutions {
			if used[j] || !solutionMatches(g, want.Vars, w) {
				continue
			}
			used[j] = true
			continue next
		}
		return false
	}
	return true
}

func solutionMatches(g mapBinding, vars []string, w results.Solution) bool {
	bound := 0
	for i, v := range vars {
		gt, ok := g[v]
		if i >= len(w) || w[i].IsZero() {
			if ok {
				return false
			}
			continue
		}
		bound++
		if !ok || !sameValue(gt, w[i]) {
			return false
		}
	}
	return bound == len(g)
}

// sameValue compares two result terms: blank nodes match any blank node,
// literals of the same datatype match when equal by value (the suite
// writes numbers in several forms).
func sameValue(a, b rdf.Term) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case rdf.KindBlank:
		return true
	case rdf.KindLiteral:
		if a.Datatype != b.Datatype {
			return false
		}
		if a.Equal(b) {
			return true
		}
		eq, err := Equal(a, b)
		return err == nil && eq
	}
	return a.Equal(b)
}
