package parser

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

func TestSyntaxErrorPositions(t *testing.T) {
	tests := []struct {
		src  string
		line int
		col  int
		msg  string // substring of the message
	}{
		{"SELECT * WHERE {\n  ?s ?p ?o\n  ?s ?p ?o }", 3, 3, "expected '.' between triples or '}' to close group, found '?s'"},
		{"SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o > 1", 3, 16, "expected ')' to close the expression, found end of input"},
		{"SELECT * {\n  ?s ?p ?o UNION { }\n}", 2, 12, "expected '}' to close group, found 'UNION'"},
		{"PREFIX ex: <http://ex/>\nSELECT * { ex:a foo:b ?c }", 2, 17, "undeclared prefix 'foo:'"},
		{"SELECT ?x", 1, 10, "expected '{' to open a group pattern, found end of input"},
		{"SELECT (?x + 1) {}", 1, 15, "expected AS, found ')'"},
		{"SELECT * { ?s ?p \"abc }", 1, 18, "unterminated string literal"},
		{"SELECT * {\n ?s ?p ?o } LIMIT x", 2, 19, "expected an integer after LIMIT"},
		{"SELECT * { ?s ?p 'a\\qb' }", 1, 20, "invalid escape sequence"},
		{"SELECT (1 AS ?x) (2 AS ?x) {}", 1, 18, "already projected"},
		{"SELECT * { ?s ?p ?o BIND(1 AS ?o) }", 1, 21, "BIND assigns ?o, which is already in scope"},
		{"SELECT ?o { ?s ?p ?o } GROUP BY ?s", 1, 8, "?o is projected but is not a GROUP BY key"},
		{"SELECT * { ?s ?p ?o FILTER(COUNT(?s) > 1) }", 1, 28, "aggregate COUNT is not allowed here"},
		{"SELECT (SUM(MAX(?x)) AS ?y) { ?s ?p ?x }", 1, 13, "may not be nested"},
		{"SELECT * { _:a ?p ?v . { _:a ?q 1 } }", 1, 26, "blank node label _:a is used in more than one basic graph pattern"},
		{"SELECT * { VALUES (?a ?b) { (1) } }", 1, 29, "VALUES row has 1 values for 2 variables"},
		{"SELECT * { ?s ?p \\u005cU00000031 }", 1, 18, "unexpected character '\\\\'"},
		{"SELECT * { ?s ?p '\\uD800' }", 1, 19, "not a Unicode scalar value"},
		{"SELECT (STRLEN(?x, ?y) AS ?l) {}", 1, 9, "STRLEN takes 1 argument(s), found 2"},
		{"ASK { ?s ?p ?o } extra", 1, 18, "expected end of query, found 'extra'"},
	}
	for _, tc := range tests {
		_, err := ParseQuery(tc.src, "")
		var se *rdf.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("ParseQuery(%q) error = %v, want a *rdf.SyntaxError", tc.src, err)
			continue
		}
		if se.Line != tc.line || se.Col != tc.col || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("ParseQuery(%q) error = %q, want %d:%d: …%s…", tc.src, err, tc.line, tc.col, tc.msg)
		}
	}
}

func TestUpdateErrors(t *testing.T) {
	tests := []struct{ src, msg string }{
		{"DELETE DATA { ?s <p> <o> }", "variable ?s is not allowed in DELETE DATA"},
		{"DELETE DATA { _:a <p> <o> }", "blank nodes are not allowed in DELETE DATA"},
		{"DELETE WHERE { _:a <p> <o> }", "blank nodes are not allowed in DELETE WHERE"},
		{"DELETE { <s> <p> [] } WHERE { ?x <p> <o> }", "blank nodes are not allowed in a DELETE template"},
		{"INSERT DATA { GRAPH ?g { <s> <p> <o> } }", "expected an IRI"},
		{"CREATE GRAPH <g> LOAD <r>", "expected ';' or end of update, found 'LOAD'"},
		{"CLEAR GRAPH <g> ;;", "expected an update operation, found ';'"},
		{"INSERT DATA { _:b <p> 1 } ; INSERT DATA { _:b <p> 2 }", "used in more than one operation"},
		{"INSERT WHERE { ?s ?p ?o }", "expected '{' to open the quads"},
	}
	for _, tc := range tests {
		_, err := ParseUpdate(tc.src, "")
		var se *rdf.SyntaxError
		if !errors.As(err, &se) || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("ParseUpdate(%q) error = %v, want …%s…", tc.src, err, tc.msg)
		}
	}
}

// firstTriple parses a query and returns the first triple of its WHERE
// clause.
func firstTriple(t *testing.T, src string) TriplePattern {
	t.Helper()
	q, err := ParseQuery(src, "http://example.org/dir/base")
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", src, err)
	}
	tb, ok := q.Where.Elements[0].(*TriplesBlock)
	if !ok {
		t.Fatalf("ParseQuery(%q): first element is %T", src, q.Where.Elements[0])
	}
	return tb.Triples[0]
}

func TestLiterals(t *testing.T) {
	tests := []struct {
		obj  string
		want rdf.Term
	}{
		{`"abc"`, rdf.String("abc")},
		{`'a\tb\n\"\''`, rdf.String("a\tb\n\"'")},
		{`"""multi
line ""x"" """`, rdf.String("multi\nline \"\"x\"\" ")},
		{`'''it''s'''`, rdf.String("it''s")},
		{`"chat"@fr-BE`, rdf.LangLiteral("chat", "fr-BE")},
		{`"1"^^xsd:integer`, rdf.Literal("1", rdf.XSDInteger)},
		{`"x"^^<dt>`, rdf.Literal("x", "http://example.org/dir/dt")},
		{`42`, rdf.Literal("42", rdf.XSDInteger)},
		{`+42`, rdf.Literal("+42", rdf.XSDInteger)},
		{`-0.50`, rdf.Literal("-0.50", rdf.XSDDecimal)},
		{`.5`, rdf.Literal(".5", rdf.XSDDecimal)},
		{`1e10`, rdf.Literal("1e10", rdf.XSDDouble)},
		{`1.E-3`, rdf.Literal("1.E-3", rdf.XSDDouble)},
		{`-.5e+2`, rdf.Literal("-.5e+2", rdf.XSDDouble)},
		{`true`, rdf.Literal("true", rdf.XSDBoolean)},
		{`false`, rdf.Literal("false", rdf.XSDBoolean)},
		{`"\u00e9\U0001F600"`, rdf.String("é😀")},
		{`<\u0061bc>`, rdf.IRI("http://example.org/dir/abc")},
		{`<../up#frag>`, rdf.IRI("http://example.org/up#frag")},
		{`ex:a\.b\-c%20d`, rdf.IRI("http://ex/a.b-c%20d")},
		{`ex:1a:b.c`, rdf.IRI("http://ex/1a:b.c")},
		{`ex:`, rdf.IRI("http://ex/")},
		{`()`, rdf.IRI(rdf.RDFNil)},
		{`_:b1`, rdf.Blank("b1")},
	}
	for _, tc := range tests {
		src := "PREFIX ex: <http://ex/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nSELECT * { ?s ?p " + tc.obj + " . }"
		tp := firstTriple(t, src)
		if tp.Object.IsVar() || !tp.Object.Value.Equal(tc.want) || tp.Object.Value.Datatype != tc.want.Datatype {
			t.Errorf("object %s parsed as %#v, want %#v", tc.obj, tp.Object.Value, tc.want)
		}
	}
}

// TestIntegerThenDot checks that "1." ends a triple: DECIMAL needs a digit
// after the dot.
func TestIntegerThenDot(t *testing.T) {
	q, err := ParseQuery("SELECT * { ?s ?p 1. ?s ?q 2 }", "")
	if err != nil {
		t.Fatal(err)
	}
	tb := q.Where.Elements[0].(*TriplesBlock)
	if len(tb.Triples) != 2 || tb.Triples[0].Object.Value.Value != "1" {
		t.Fatalf("got %+v", tb.Triples)
	}
}

func TestBlankNodesAndCollections(t *testing.T) {
	q, err := ParseQuery("SELECT * { [ <p> ?o ; <q> (1 [ <r> 2 ]) ] <s> [] }", "")
	if err != nil {
		t.Fatal(err)
	}
	tb := q.Where.Elements[0].(*TriplesBlock)
	// [ <p> ?o ; <q> L ] <s> [] where L = (1 B) and B has <r> 2:
	// 2 triples for the property list, 4 for the list, 1 for B, 1 for <s>.
	if len(tb.Triples) != 8 {
		t.Fatalf("got %d triples: %+v", len(tb.Triples), tb.Triples)
	}
	labels := map[string]bool{}
	for _, tp := range tb.Triples {
		for _, term := range []Term{tp.Subject, tp.Object} {
			if term.Value.IsBlank() {
				if !strings.HasPrefix(term.Value.Value, "-") {
					t.Errorf("generated blank node label %q does not start with '-'", term.Value.Value)
				}
				labels[term.Value.Value] = true
			}
		}
	}
	// The outer node, two list nodes, the node in the list, the object of <s>.
	if len(labels) != 5 {
		t.Errorf("got %d distinct blank nodes, want 5: %v", len(labels), labels)
	}
}

func TestPathPrecedence(t *testing.T) {
	tp := firstTriple(t, "PREFIX : <http://ex/> SELECT * { ?s ^:a/:b*|!(:c|^:d)/(:e|:f)+ ?o }")
	want := &PathAlternative{Paths: []Path{
		&PathSequence{Paths: []Path{
			&PathInverse{Path: PathIRI("http://ex/a")},
			&PathMod{Path: PathIRI("http://ex/b"), Mod: '*'},
		}},
		&PathSequence{Paths: []Path{
			&PathNegated{Items: []NegatedItem{{IRI: "http://ex/c"}, {IRI: "http://ex/d", Inverse: true}}},
			&PathMod{Path: &PathAlternative{Paths: []Path{PathIRI("http://ex/e"), PathIRI("http://ex/f")}}, Mod: '+'},
		}},
	}}
	if !reflect.DeepEqual(tp.Path, want) {
		t.Errorf("path = %#v, want %#v", tp.Path, want)
	}
	// A lone IRI in a path position is a plain predicate, 'a' included.
	tp = firstTriple(t, "SELECT * { ?s a ?o }")
	if tp.Path != nil || tp.Predicate.Value != rdf.IRI(rdf.RDFType) {
		t.Errorf("'a' parsed as %+v", tp)
	}
}

func TestExpressionPrecedence(t *testing.T) {
	q, err := ParseQuery("SELECT * { FILTER(!?a || ?b && ?c = 1 + 2 * -?d) FILTER(?x -1 > 0) }", "")
	if err != nil {
		t.Fatal(err)
	}
	got := exprString(q.Where.Elements[0].(*Filter).Expr)
	want := "(|| (! ?a) (&& ?b (= ?c (+ 1 (* 2 (- ?d))))))"
	if got != want {
		t.Errorf("expression = %s, want %s", got, want)
	}
	got = exprString(q.Where.Elements[1].(*Filter).Expr)
	if want := "(> (- ?x 1) 0)"; got != want {
		t.Errorf("expression = %s, want %s", got, want)
	}
}

// exprString renders a parsed expression in prefix form for tests.
func exprString(e Expr) string {
	switch e := e.(type) {
	case *VarExpr:
		return "?" + e.Name
	case *ConstExpr:
		return e.Value.Value
	case *BinaryExpr:
		return "(" + e.Op + " " + exprString(e.X) + " " + exprString(e.Y) + ")"
	case *UnaryExpr:
		return "(" + e.Op + " " + exprString(e.X) + ")"
	}
	return "?"
}

func TestQueryStructure(t *testing.T) {
	src := `BASE <http://example.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT DISTINCT ?name (COUNT(DISTINCT ?f) AS ?n) (GROUP_CONCAT(?m; SEPARATOR=", ") AS ?all)
FROM <g1> FROM NAMED <g2>
WHERE { ?p foaf:name ?name OPTIONAL { ?p foaf:knows ?f } GRAPH ?g { ?p foaf:mbox ?m } }
GROUP BY ?name HAVING (COUNT(?f) > 1) ORDER BY DESC(?n) ?name OFFSET 5 LIMIT 10
VALUES ?name { "a" UNDEF }`
	q, err := ParseQuery(src, "")
	if err != nil {
		t.Fatal(err)
	}
	if q.Prologue.Base != "http://example.org/" || len(q.Prologue.Prefixes) != 1 {
		t.Errorf("prologue = %+v", q.Prologue)
	}
	if !q.Distinct || len(q.Projection) != 3 || q.Projection[1].Var != "n" {
		t.Errorf("projection = %+v", q.Projection)
	}
	agg, ok := q.Projection[2].Expr.(*AggregateExpr)
	if !ok || agg.Name != "GROUP_CONCAT" || agg.Separator != ", " || !agg.HasSeparator {
		t.Errorf("GROUP_CONCAT = %+v", q.Projection[2].Expr)
	}
	if want := []DatasetClause{{"http://example.org/g1", false}, {"http://example.org/g2", true}}; !reflect.DeepEqual(q.Dataset, want) {
		t.Errorf("dataset = %+v", q.Dataset)
	}
	if n := len(q.Where.Elements); n != 3 {
		t.Errorf("WHERE has %d elements, want 3", n)
	}
	if len(q.GroupBy) != 1 || len(q.Having) != 1 || len(q.OrderBy) != 2 || !q.OrderBy[0].Desc {
		t.Errorf("modifiers: group %+v having %+v order %+v", q.GroupBy, q.Having, q.OrderBy)
	}
	if q.Limit != 10 || q.Offset != 5 {
		t.Errorf("limit %d offset %d", q.Limit, q.Offset)
	}
	if q.Values == nil || len(q.Values.Rows) != 2 || !q.Values.Rows[1][0].IsZero() {
		t.Errorf("values = %+v", q.Values)
	}
}

func TestUpdateStructure(t *testing.T) {
	src := `PREFIX : <http://ex/>
INSERT DATA { :a :b 1 . GRAPH :g { :c :d "x" } } ;
WITH :g DELETE { ?s :p ?o } INSERT { ?s :q ?o } USING :u USING NAMED :n WHERE { ?s :p ?o } ;
BASE <http://other/> LOAD SILENT <doc> INTO GRAPH <g2> ;
CLEAR ALL ; DROP SILENT GRAPH :g ; CREATE GRAPH :h ; MOVE DEFAULT TO :m ; COPY GRAPH :m TO DEFAULT ;
DELETE WHERE { ?x :gone ?y } ;`
	u, err := ParseUpdate(src, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.Operations) != 9 {
		t.Fatalf("got %d operations", len(u.Operations))
	}
	ins := u.Operations[0].(*InsertData)
	if len(ins.Quads) != 2 || ins.Quads[1].Graph.Value != rdf.IRI("http://ex/g") {
		t.Errorf("INSERT DATA quads = %+v", ins.Quads)
	}
	mod := u.Operations[1].(*Modify)
	if mod.With != "http://ex/g" || !mod.HasDelete || !mod.HasInsert || len(mod.Using) != 2 || !mod.Using[1].Named {
		t.Errorf("modify = %+v", mod)
	}
	load := u.Operations[2].(*Load)
	if !load.Silent || load.IRI != "http://other/doc" || load.Into != "http://other/g2" {
		t.Errorf("load = %+v", load)
	}
	if c := u.Operations[3].(*Clear); c.Target.Kind != TargetAll {
		t.Errorf("clear = %+v", c)
	}
	if m := u.Operations[6].(*Transfer); m.Op != "MOVE" || m.From.Kind != TargetDefault || m.To.IRI != "http://ex/m" {
		t.Errorf("move = %+v", m)
	}
	if dw := u.Operations[8].(*DeleteWhere); len(dw.Quads) != 1 {
		t.Errorf("delete where = %+v", dw)
	}
	// The prologue accumulates: the BASE applies from the LOAD on.
	if got := u.Operations[1].Prologue().Base; got != "" {
		t.Errorf("base before BASE = %q", got)
	}
	if got := u.Operations[5].Prologue().Base; got != "http://other/" {
		t.Errorf("base after BASE = %q", got)
	}
	if _, ok := u.Operations[0].Prologue().Namespace(""); !ok {
		t.Error("prefix ':' not bound for the first operation")
	}
	if _, err := ParseUpdate("", ""); err != nil {
		t.Errorf("empty update: %v", err)
	}
}

func TestKeywordsCaseInsensitive(t *testing.T) {
	if _, err := ParseQuery("select distinct ?x where { ?x a ?t filter(regex(str(?t), 'x', 'i')) } order by asc(?x) limit 1", ""); err != nil {
		t.Error(err)
	}
	// 'a' is the one keyword that is case-sensitive.
	if _, err := ParseQuery("SELECT * { ?x A ?t }", ""); err == nil {
		t.Error("'A' accepted as rdf:type")
	}
}

// benchQuery is a BSBM-style query exercising most of the grammar.
const benchQuery = `PREFIX bsbm: <http://www4.wiwiss.fu-berlin.de/bizer/bsbm/v01/vocabulary/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT DISTINCT ?product ?label (AVG(?price) AS ?avg) (COUNT(*) AS ?offers)
WHERE {
  ?product rdfs:label ?label ;
           a bsbm:Product ;
           bsbm:productFeature/rdfs:label ?feature ;
           bsbm:productPropertyNumeric1 ?value1 .
  ?offer bsbm:product ?product ; bsbm:price ?price ; bsbm:validTo ?date .
  OPTIONAL { ?product bsbm:productPropertyTextual1 ?text FILTER(LANG(?text) = "en") }
  FILTER (?value1 > 136 && ?date > "2008-06-20T00:00:00"^^xsd:dateTime)
  FILTER NOT EXISTS { ?product bsbm:discontinued true }
  { ?product bsbm:type bsbm:A } UNION { ?product bsbm:type bsbm:B }
  BIND(STRLEN(?label) AS ?len)
}
GROUP BY ?product ?label
HAVING (COUNT(*) > 2)
ORDER BY DESC(?avg) ?label
LIMIT 10 OFFSET 5`

func BenchmarkParseQuery(b *testing.B) {
	b.SetBytes(int64(len(benchQuery)))
	for b.Loop() {
		if _, err := ParseQuery(benchQuery, ""); err != nil {
			b.Fatal(err)
		}
	}
}
