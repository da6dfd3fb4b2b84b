package algebra

import (
	"strings"
	"testing"

	"github.com/kplane/kplane/query/sparql/parser"
)

// squash collapses white space so that S-expressions compare regardless of
// line breaks.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func translate(t *testing.T, src string) *Query {
	t.Helper()
	q, err := parser.ParseQuery("PREFIX : <http://ex/>\n"+src, "")
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", src, err)
	}
	a, err := Translate(q)
	if err != nil {
		t.Fatalf("Translate(%q): %v", src, err)
	}
	return a
}

// TestTranslateGroupPatterns checks the examples of section 18.2.3 and
// other group graph pattern rules of section 18.2.2.6.
func TestTranslateGroupPatterns(t *testing.T) {
	tests := []struct{ where, want string }{
		{`{ ?s ?p ?o }`, `(bgp (triple ?s ?p ?o))`},
		{`{ }`, `(table unit)`},
		{`{ ?s :p1 ?v1 OPTIONAL { ?s :p2 ?v2 } }`,
			`(leftjoin (bgp (triple ?s <http://ex/p1> ?v1)) (bgp (triple ?s <http://ex/p2> ?v2)))`},
		{`{ ?s :p1 ?v1 OPTIONAL { ?s :p2 ?v2 } OPTIONAL { ?s :p3 ?v3 } }`,
			`(leftjoin (leftjoin (bgp (triple ?s <http://ex/p1> ?v1)) (bgp (triple ?s <http://ex/p2> ?v2))) (bgp (triple ?s <http://ex/p3> ?v3)))`},
		{`{ ?s :p1 ?v1 OPTIONAL { ?s :p2 ?v2 FILTER(?v1 < 3) } }`,
			`(leftjoin (bgp (triple ?s <http://ex/p1> ?v1)) (bgp (triple ?s <http://ex/p2> ?v2)) (< ?v1 3))`},
		{`{ { ?s :p1 ?v1 } UNION { ?s :p2 ?v2 } UNION { ?s :p3 ?v3 } }`,
			`(union (union (bgp (triple ?s <http://ex/p1> ?v1)) (bgp (triple ?s <http://ex/p2> ?v2))) (bgp (triple ?s <http://ex/p3> ?v3)))`},
		{`{ ?s :p1 ?v1 FILTER (?v1 < 3) OPTIONAL { ?s :p3 ?v3 } }`,
			`(filter (< ?v1 3) (leftjoin (bgp (triple ?s <http://ex/p1> ?v1)) (bgp (triple ?s <http://ex/p3> ?v3))))`},
		// Filters anywhere in the group apply to the whole group, and do
		// not split the basic graph pattern.
		{`{ ?s :p ?o FILTER(?o > 1) ?s :q ?z FILTER(?z != 2) }`,
			`(filter (exprlist (> ?o 1) (!= ?z 2)) (bgp (triple ?s <http://ex/p> ?o) (triple ?s <http://ex/q> ?z)))`},
		// BIND ends the basic graph pattern before it.
		{`{ ?s :p ?o BIND(?o + 1 AS ?x) ?s :q ?x }`,
			`(join (extend ((?x (+ ?o 1))) (bgp (triple ?s <http://ex/p> ?o))) (bgp (triple ?s <http://ex/q> ?x)))`},
		{`{ ?s :p ?o MINUS { ?s :q ?o } }`,
			`(minus (bgp (triple ?s <http://ex/p> ?o)) (bgp (triple ?s <http://ex/q> ?o)))`},
		{`{ ?s :p ?o GRAPH ?g { ?s :q ?z } }`,
			`(join (bgp (triple ?s <http://ex/p> ?o)) (graph ?g (bgp (triple ?s <http://ex/q> ?z))))`},
		{`{ VALUES (?x ?y) { (1 UNDEF) (UNDEF "a") } ?x :p ?y }`,
			`(join (table (vars ?x ?y) (row (?x 1)) (row (?y "a"))) (bgp (triple ?x <http://ex/p> ?y)))`},
		{`{ ?s :p ?o FILTER NOT EXISTS { ?s :q [] } }`,
			`(filter (notexists (bgp (triple ?s <http://ex/q> ?_:-b1))) (bgp (triple ?s <http://ex/p> ?o)))`},
		{`{ _:a :p ?o }`, `(bgp (triple ?_:a <http://ex/p> ?o))`},
		{`{ SERVICE SILENT <http://remote/> { ?s ?p ?o } }`,
			`(service silent <http://remote/> (bgp (triple ?s ?p ?o)))`},
		{`{ ?s :p ?o { SELECT ?s { ?s :q 1 } LIMIT 2 } }`,
			`(join (bgp (triple ?s <http://ex/p> ?o)) (slice _ 2 (project (?s) (bgp (triple ?s <http://ex/q> 1)))))`},
		{`{ FILTER(?x IN (1, 2) && ?y NOT IN () && :f(?x, "s") && REGEX(?y, "a", "i")) }`,
			`(filter (&& (&& (&& (in ?x 1 2) (notin ?y)) (<http://ex/f> ?x "s")) (regex ?y "a" "i")) (table unit))`},
	}
	for _, tc := range tests {
		a := translate(t, "ASK "+tc.where)
		if got := squash(Format(a.Op)); got != tc.want {
			t.Errorf("%s\n got: %s\nwant: %s", tc.where, got, tc.want)
		}
	}
}

// TestTranslatePaths checks sections 18.2.2.3 and 18.2.2.4.
func TestTranslatePaths(t *testing.T) {
	tests := []struct{ where, want string }{
		{`{ ?s :p/:q/:r ?o }`,
			// p/q/r is seq(seq(p, q), r): the outer sequence's variable comes first.
			`(bgp (triple ?s <http://ex/p> ?.1) (triple ?.1 <http://ex/q> ?.0) (triple ?.0 <http://ex/r> ?o))`},
		{`{ ?s ^:p ?o }`, `(bgp (triple ?o <http://ex/p> ?s))`},
		{`{ ?s :p* ?o }`, `(path ?s (path* <http://ex/p>) ?o)`},
		{`{ ?s :a ?x . ?x :p+/:q ?o . ?o :b ?z }`,
			`(join (join (bgp (triple ?s <http://ex/a> ?x)) (path ?x (path+ <http://ex/p>) ?.0)) (bgp (triple ?.0 <http://ex/q> ?o) (triple ?o <http://ex/b> ?z)))`},
		{`{ ?s :p|:q ?o }`, `(path ?s (alt <http://ex/p> <http://ex/q>) ?o)`},
		{`{ ?s (:p) ?o }`, `(bgp (triple ?s <http://ex/p> ?o))`},
		{`{ ?s ^(:p/:q) ?o }`, `(path ?s (reverse (seq <http://ex/p> <http://ex/q>)) ?o)`},
		{`{ ?s :p? ?o }`, `(path ?s (path? <http://ex/p>) ?o)`},
		{`{ ?s !:p ?o }`, `(path ?s (notoneof <http://ex/p>) ?o)`},
		{`{ ?s !(^:p|^a) ?o }`,
			`(path ?s (reverse (notoneof <http://ex/p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>)) ?o)`},
		{`{ ?s !(:p|^:q) ?o }`,
			`(path ?s (alt (notoneof <http://ex/p>) (reverse (notoneof <http://ex/q>))) ?o)`},
	}
	for _, tc := range tests {
		a := translate(t, "ASK "+tc.where)
		if got := squash(Format(a.Op)); got != tc.want {
			t.Errorf("%s\n got: %s\nwant: %s", tc.where, got, tc.want)
		}
	}
}

// TestTranslateModifiers checks sections 18.2.4 and 18.2.5: grouping,
// aggregation, HAVING, VALUES, SELECT expressions, ORDER BY, projection,
// DISTINCT and slicing, in that order.
func TestTranslateModifiers(t *testing.T) {
	tests := []struct{ query, want string }{
		{`SELECT ?s (SUM(?v) AS ?total) { ?s :p ?v } GROUP BY ?s HAVING (AVG(?v) > 2) ORDER BY DESC(?total) LIMIT 3`,
			`(slice _ 3 (project (?s ?total) (order ((desc ?total)) (extend ((?total ?.0)) (filter (> ?.1 2) (group (?s) ((?.0 (sum ?v)) (?.1 (avg ?v))) (bgp (triple ?s <http://ex/p> ?v))))))))`},
		{`SELECT (COUNT(*) AS ?n) (GROUP_CONCAT(DISTINCT ?o; SEPARATOR="|") AS ?all) { ?s ?p ?o }`,
			`(project (?n ?all) (extend ((?all ?.1)) (extend ((?n ?.0)) (group () ((?.0 (count *)) (?.1 (group_concat distinct ?o (separator "|")))) (bgp (triple ?s ?p ?o))))))`},
		{`SELECT ?k (MAX(?o) AS ?m) { ?s ?p ?o } GROUP BY (STRLEN(?o) AS ?k) (?s)`,
			`(project (?k ?m) (extend ((?m ?.0)) (group ((?k (strlen ?o)) ?s) ((?.0 (max ?o))) (bgp (triple ?s ?p ?o)))))`},
		{`SELECT DISTINCT ?s (?o * 2 AS ?d) { ?s :p ?o } ORDER BY ?d OFFSET 4`,
			`(slice 4 _ (distinct (project (?s ?d) (order (?d) (extend ((?d (* ?o 2))) (bgp (triple ?s <http://ex/p> ?o)))))))`},
		{`SELECT REDUCED * { ?s :p ?o } VALUES ?o { :a }`,
			`(reduced (project (?s ?o) (join (bgp (triple ?s <http://ex/p> ?o)) (table (vars ?o) (row (?o <http://ex/a>))))))`},
	}
	for _, tc := range tests {
		a := translate(t, tc.query)
		if got := squash(Format(a.Op)); got != tc.want {
			t.Errorf("%s\n got: %s\nwant: %s", tc.query, got, tc.want)
		}
	}
}

func TestQueryForms(t *testing.T) {
	a := translate(t, `SELECT * { ?s :p ?o OPTIONAL { ?o :q ?z } _:b :r ?w }`)
	if got, want := strings.Join(a.Vars, " "), "s o z w"; got != want {
		t.Errorf("SELECT * projects %q, want %q (blank node variables excluded)", got, want)
	}
	a = translate(t, `CONSTRUCT { ?s :q [ :r ?o ] } FROM <http://g/> FROM NAMED <http://n/> WHERE { ?s :p ?o }`)
	// The nested node's triple comes first; both use the same blank node.
	if a.Form != parser.Construct || len(a.Template) != 2 || !a.Template[0].S.Value.IsBlank() || a.Template[0].S != a.Template[1].O {
		t.Errorf("CONSTRUCT template = %+v", a.Template)
	}
	if len(a.From) != 1 || len(a.FromNamed) != 1 {
		t.Errorf("dataset = %v %v", a.From, a.FromNamed)
	}
	a = translate(t, `CONSTRUCT WHERE { ?s :p ?o }`)
	if len(a.Template) != 1 || a.Template[0].O.Var != "o" {
		t.Errorf("CONSTRUCT WHERE template = %+v", a.Template)
	}
	a = translate(t, `DESCRIBE * { ?x :p ?y }`)
	if len(a.Describe) != 2 {
		t.Errorf("DESCRIBE * = %+v", a.Describe)
	}
	a = translate(t, `DESCRIBE <http://ex/thing>`)
	if len(a.Describe) != 1 || !IsUnit(a.Op) {
		t.Errorf("DESCRIBE <iri> = %+v, op %s", a.Describe, a.Op)
	}
	want := `(select (?s) (project (?s) (bgp (triple ?s ?p ?o))))`
	if got := squash(translate(t, `SELECT ?s { ?s ?p ?o }`).String()); got != want {
		t.Errorf("Query.String() = %s, want %s", got, want)
	}
}

func TestFormatIndents(t *testing.T) {
	a := translate(t, `SELECT ?name ?mbox { ?x <http://xmlns.com/foaf/0.1/name> ?name . ?x <http://xmlns.com/foaf/0.1/mbox> ?mbox FILTER(?name != "Alice") }`)
	want := `(project (?name ?mbox)
  (filter (!= ?name "Alice")
    (bgp
      (triple ?x <http://xmlns.com/foaf/0.1/name> ?name)
      (triple ?x <http://xmlns.com/foaf/0.1/mbox> ?mbox))))`
	if got := Format(a.Op); got != want {
		t.Errorf("Format =\n%s\nwant\n%s", got, want)
	}
}

func TestIsFreshVar(t *testing.T) {
	for name, want := range map[string]bool{"x": false, "_x": false, "_:b": true, ".0": true, "": false} {
		if got := IsFreshVar(name); got != want {
			t.Errorf("IsFreshVar(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestTranslatePattern(t *testing.T) {
	u, err := parser.ParseUpdate(`DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isIRI(?o)) }`, "")
	if err != nil {
		t.Fatal(err)
	}
	op, err := TranslatePattern(u.Operations[0].(*parser.Modify).Where)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := squash(Format(op)), `(filter (isiri ?o) (bgp (triple ?s ?p ?o)))`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func BenchmarkTranslate(b *testing.B) {
	q, err := parser.ParseQuery(`PREFIX : <http://ex/>
SELECT ?s (COUNT(?o) AS ?n) { ?s :p/:q* ?o ; :r ?x OPTIONAL { ?x :t ?y FILTER(?y > 1) }
  { ?s :u ?v } UNION { ?s :w ?v } MINUS { ?s :z [] } BIND(?v + 1 AS ?v1) }
GROUP BY ?s HAVING (COUNT(?o) > 1) ORDER BY ?n LIMIT 5`, "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Translate(q); err != nil {
			b.Fatal(err)
		}
	}
}
