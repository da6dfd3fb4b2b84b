package expr

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
	"github.com/kplane/kplane/query/sparql/parser"
)

// mapBinding is a solution held in a map.
type mapBinding map[string]rdf.Term

func (m mapBinding) Get(v string) (rdf.Term, bool) {
	t, ok := m[v]
	return t, ok
}

const prologue = "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX : <http://ex/>\n"

// parseExpr parses a SPARQL expression by wrapping it in a query.
func parseExpr(t testing.TB, src string) algebra.Expression {
	t.Helper()
	q, err := parser.ParseQuery(prologue+"SELECT (("+src+") AS ?result) {}", "")
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", src, err)
	}
	a, err := algebra.Translate(q)
	if err != nil {
		t.Fatalf("Translate(%q): %v", src, err)
	}
	var find func(op algebra.Operator) algebra.Expression
	find = func(op algebra.Operator) algebra.Expression {
		switch op := op.(type) {
		case *algebra.Extend:
			if op.Var == "result" {
				return op.Expr
			}
			return find(op.Input)
		case *algebra.Project:
			return find(op.Input)
		}
		return nil
	}
	e := find(a.Op)
	if e == nil {
		t.Fatalf("no expression found in %s", a.Op)
	}
	return e
}

// testBinding is the solution the table tests evaluate against.
var testBinding = mapBinding{
	"i":    rdf.Literal("1", rdf.XSDInteger),
	"two":  rdf.Literal("2", rdf.XSDInteger),
	"dec":  rdf.Literal("1.5", rdf.XSDDecimal),
	"dbl":  rdf.Literal("1.5E0", rdf.XSDDouble),
	"nan":  rdf.Literal("NaN", rdf.XSDDouble),
	"str":  rdf.String("abc"),
	"en":   rdf.LangLiteral("abc", "en"),
	"iri":  rdf.IRI("http://ex/a"),
	"bn":   rdf.Blank("b1"),
	"t":    rdf.Literal("true", rdf.XSDBoolean),
	"f":    rdf.Literal("false", rdf.XSDBoolean),
	"unk":  rdf.Literal("x", "http://ex/type"),
	"bad":  rdf.Literal("x", rdf.XSDInteger),
	"dt":   rdf.Literal("2010-12-21T15:38:02-08:00", rdf.XSDDateTime),
	"dtz":  rdf.Literal("2010-06-21T11:28:01Z", rdf.XSDDateTime),
	"dnz":  rdf.Literal("2011-02-01T01:02:03.250", rdf.XSDDateTime),
	"text": rdf.String("abcd"),
}

// exprCase is one table test: the expression and the expected result in
// N-Triples syntax, or "error".
type exprCase struct {
	expr, want string
}

func runCases(t *testing.T, cases []exprCase) {
	t.Helper()
	env := &Env{BaseIRI: "http://base/dir/", Now: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}
	for _, c := range cases {
		e := parseExpr(t, c.expr)
		got, err := Eval(e, testBinding, env)
		if c.want == "error" {
			if err == nil {
				t.Errorf("%s = %s, want an error", c.expr, got)
			} else if !IsExprError(err) {
				t.Errorf("%s: error %v is not an expression error", c.expr, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: unexpected error %v, want %s", c.expr, err, c.want)
			continue
		}
		if got.String() != c.want {
			t.Errorf("%s = %s, want %s", c.expr, got, c.want)
		}
	}
}

const (
	xsdTrue  = `"true"^^<http://www.w3.org/2001/XMLSchema#boolean>`
	xsdFalse = `"false"^^<http://www.w3.org/2001/XMLSchema#boolean>`
)

func integer(s string) string { return `"` + s + `"^^<http://www.w3.org/2001/XMLSchema#integer>` }
func decimal(s string) string { return `"` + s + `"^^<http://www.w3.org/2001/XMLSchema#decimal>` }
func double(s string) string  { return `"` + s + `"^^<http://www.w3.org/2001/XMLSchema#double>` }
func float(s string) string   { return `"` + s + `"^^<http://www.w3.org/2001/XMLSchema#float>` }

// TestLogic covers || && ! with the error truth tables of section 17.2,
// the effective boolean value, IF, COALESCE, BOUND, IN and NOT IN.
func TestLogic(t *testing.T) {
	runCases(t, []exprCase{
		{`true || false`, xsdTrue},
		{`false || false`, xsdFalse},
		{`?u || true`, xsdTrue},
		{`true || ?u`, xsdTrue},
		{`?u || false`, "error"},
		{`false || ?u`, "error"},
		{`?u || ?u`, "error"},
		{`?u && false`, xsdFalse},
		{`false && ?u`, xsdFalse},
		{`?u && true`, "error"},
		{`true && true`, xsdTrue},
		{`!?u`, "error"},
		{`!""`, xsdTrue},
		{`!"a"`, xsdFalse},
		{`!0`, xsdTrue},
		{`!0.0`, xsdTrue},
		{`!?nan`, xsdTrue},
		{`!?bad`, xsdTrue}, // ill-typed numeric: EBV false
		{`!?iri`, "error"},
		{`!?unk`, "error"},
		{`!"abc"@en`, xsdFalse},
		{`!"0"^^xsd:boolean`, xsdTrue},
		{`!"x"^^xsd:boolean`, xsdTrue},
		{`IF(true, 1, 1/0)`, integer("1")},
		{`IF(false, 1/0, 2)`, integer("2")},
		{`IF(1/0, false, true)`, "error"},
		{`IF(?u, 1, 2)`, "error"},
		{`COALESCE(?u, 1/0, ?str, 3)`, `"abc"`},
		{`COALESCE(?u)`, "error"},
		{`COALESCE()`, "error"},
		{`BOUND(?i)`, xsdTrue},
		{`BOUND(?u)`, xsdFalse},
		{`2 IN (1, 2)`, xsdTrue},
		{`2 IN (1, 3)`, xsdFalse},
		{`2 IN ()`, xsdFalse},
		{`2 IN (1/0, 2)`, xsdTrue},
		{`2 IN (1/0, 3)`, "error"},
		{`2 NOT IN (1/0, 2)`, xsdFalse},
		{`2 NOT IN (1, 3)`, xsdTrue},
		{`2 NOT IN ()`, xsdTrue},
		{`2 NOT IN (3, 1/0)`, "error"},
		{`2 IN (2.0)`, xsdTrue},
		{`?u IN (1)`, "error"},
	})
}

// TestComparison covers = != < > <= >= across the types of the operator
// table, and the open-world rules for unknown datatypes.
func TestComparison(t *testing.T) {
	runCases(t, []exprCase{
		{`1 = 1.0`, xsdTrue},
		{`1 = 1.0e0`, xsdTrue},
		{`"01"^^xsd:integer = 1`, xsdTrue},
		{`"1"^^xsd:byte = 1`, xsdTrue},
		{`1 < 1.5`, xsdTrue},
		{`2 > 1.5e0`, xsdTrue},
		{`1 <= 1`, xsdTrue},
		{`1 >= 2`, xsdFalse},
		{`1 != 2`, xsdTrue},
		{`?nan = ?nan`, xsdFalse},
		{`?nan != ?nan`, xsdTrue},
		{`?nan < 1`, xsdFalse},
		{`?nan > 1`, xsdFalse},
		{`"a" < "b"`, xsdTrue},
		{`"b" < "a"`, xsdFalse},
		{`"a" = "a"^^xsd:string`, xsdTrue},
		{`"abc" < "abd"`, xsdTrue},
		{`"a" < 1`, "error"},
		{`"a" = 1`, xsdFalse},
		{`"a" != 1`, xsdTrue},
		{`"abc"@en = "abc"@EN`, xsdTrue},
		{`"abc"@en = "abc"`, xsdFalse},
		{`"abc"@en != "abc"`, xsdTrue},
		{`"abc"@en < "abd"@en`, "error"},
		{`?unk = ?unk`, xsdTrue},
		{`?unk = "x"`, "error"},
		{`?unk != "x"`, "error"},
		{`?unk = "x"@en`, xsdFalse},
		{`?unk < ?unk`, "error"},
		{`?bad = 1`, "error"},
		{`?bad = ?bad`, xsdTrue},
		{`?iri = ?iri`, xsdTrue},
		{`?iri = <http://ex/b>`, xsdFalse},
		{`?iri != "http://ex/a"`, xsdTrue},
		{`?bn = ?bn`, xsdTrue},
		{`?iri < <http://ex/b>`, "error"},
		{`?u = 1`, "error"},
		{`false < true`, xsdTrue},
		{`true = "1"^^xsd:boolean`, xsdTrue},
		{`?dt = "2010-12-21T23:38:02Z"^^xsd:dateTime`, xsdTrue},
		{`?dt > ?dtz`, xsdTrue},
		{`?dtz < ?dnz`, xsdTrue},
		{`"2006-08-23T00:00:00"^^xsd:dateTime = "2006-08-23T00:00:00Z"^^xsd:dateTime`, "error"},
		{`"2006-08-23T00:00:00"^^xsd:dateTime > "2006-08-22T00:00:00Z"^^xsd:dateTime`, xsdTrue},
		{`"2006-08-23T00:00:00"^^xsd:dateTime < "2006-08-22T20:00:00Z"^^xsd:dateTime`, "error"},
		{`"2006-08-23"^^xsd:date > "2006-08-22"^^xsd:date`, xsdTrue},
		{`"2006-08-23"^^xsd:date = "2006-08-23T00:00:00"^^xsd:dateTime`, xsdFalse},
		{`"12:00:00"^^xsd:time < "13:00:00"^^xsd:time`, xsdTrue},
		{`sameTerm(1, 1.0)`, xsdFalse},
		{`sameTerm(?str, "abc")`, xsdTrue},
		{`sameTerm(?unk, ?unk)`, xsdTrue},
	})
}

// TestArithmetic covers XPath numeric type promotion, exact integers and
// decimals, division and unary operators.
func TestArithmetic(t *testing.T) {
	runCases(t, []exprCase{
		{`1 + 2`, integer("3")},
		{`1 - 2`, integer("-1")},
		{`2 * 3`, integer("6")},
		{`1 / 2`, decimal("0.5")},
		{`4 / 2`, decimal("2.0")},
		{`1 / 3`, decimal("0.333333333333333333333333")},
		{`1 / 3 * 3`, decimal("0.999999999999999999999999")},
		{`1.1 + 2.2`, decimal("3.3")},
		{`0.1 * 0.1`, decimal("0.01")},
		{`1 + 1.5`, decimal("2.5")},
		{`1 + 1.5e0`, double("2.5E0")},
		{`1 + "1.5"^^xsd:float`, float("2.5E0")},
		{`"1.5"^^xsd:float + 1.5e0`, double("3.0E0")},
		{`1 / 0`, "error"},
		{`1.0 / 0`, "error"},
		{`1 / 0.0e0`, double("INF")},
		{`-1 / 0.0e0`, double("-INF")},
		{`0 / 0.0e0`, double("NaN")},
		{`9223372036854775807 + 1`, integer("9223372036854775808")},
		{`-9223372036854775807 - 2`, integer("-9223372036854775809")},
		{`9223372036854775807 * 9223372036854775807`, integer("85070591730234615847396907784232501249")},
		{`99999999999999999999 - 99999999999999999998`, integer("1")},
		{`-(1)`, integer("-1")},
		{`-(-1.5)`, decimal("1.5")},
		{`+"1"`, "error"},
		{`-?str`, "error"},
		{`1 + "1"`, "error"},
		{`1 + ?u`, "error"},
		{`?bad + 1`, "error"},
		{`"1"^^xsd:int + "2"^^xsd:short`, integer("3")},
		{`"300"^^xsd:byte + 1`, "error"},
		{`1e300 * 1e300`, double("INF")},
		{`0.000001e0 * 1`, double("1.0E-6")},
	})
}

// TestNumericFunctions covers ABS, ROUND, CEIL, FLOOR, RAND and isNumeric.
func TestNumericFunctions(t *testing.T) {
	runCases(t, []exprCase{
		{`ABS(-2)`, integer("2")},
		{`ABS(-1.6)`, decimal("1.6")},
		{`ABS(-1.5e0)`, double("1.5E0")},
		{`ROUND(2.5)`, decimal("3.0")},
		{`ROUND(-2.5)`, decimal("-2.0")},
		{`ROUND(-1.6)`, decimal("-2.0")},
		{`ROUND(1.1)`, decimal("1.0")},
		{`ROUND(-2)`, integer("-2")},
		{`ROUND(2.5e0)`, double("3.0E0")},
		{`ROUND(-2.5e0)`, double("-2.0E0")},
		{`ROUND(-0.4e0)`, double("-0.0E0")},
		{`CEIL(1.1)`, decimal("2.0")},
		{`CEIL(-1.6)`, decimal("-1.0")},
		{`CEIL(-1)`, integer("-1")},
		{`CEIL(1.1e0)`, double("2.0E0")},
		{`FLOOR(-1.6)`, decimal("-2.0")},
		{`FLOOR(2.5)`, decimal("2.0")},
		{`FLOOR(1.5e0)`, double("1.0E0")},
		{`ABS("1")`, "error"},
		{`isNumeric(1)`, xsdTrue},
		{`isNumeric(1.5e0)`, xsdTrue},
		{`isNumeric("1")`, xsdFalse},
		{`isNumeric(?bad)`, xsdFalse},
		{`isNumeric("300"^^xsd:unsignedByte)`, xsdFalse},
		{`isNumeric("200"^^xsd:unsignedByte)`, xsdTrue},
		{`isNumeric("-1"^^xsd:nonNegativeInteger)`, xsdFalse},
		{`RAND() >= 0 && RAND() < 1`, xsdTrue},
		{`DATATYPE(RAND())`, "<" + rdf.XSDDouble + ">"},
	})
}

// TestTermFunctions covers the functions on RDF terms of section 17.4.2.
func TestTermFunctions(t *testing.T) {
	runCases(t, []exprCase{
		{`isIRI(?iri)`, xsdTrue},
		{`isURI(?str)`, xsdFalse},
		{`isBlank(?bn)`, xsdTrue},
		{`isLiteral(?str)`, xsdTrue},
		{`isLiteral(?u)`, "error"},
		{`STR(?iri)`, `"http://ex/a"`},
		{`STR(?en)`, `"abc"`},
		{`STR(1.50)`, `"1.50"`},
		{`STR(?bn)`, "error"},
		{`LANG(?en)`, `"en"`},
		{`LANG(?str)`, `""`},
		{`LANG(?iri)`, "error"},
		{`DATATYPE(?en)`, "<" + rdf.RDFLangString + ">"},
		{`DATATYPE(?str)`, "<" + rdf.XSDString + ">"},
		{`DATATYPE(1)`, "<" + rdf.XSDInteger + ">"},
		{`DATATYPE(?iri)`, "error"},
		{`IRI("x")`, "<http://base/dir/x>"},
		{`URI("http://ex/y")`, "<http://ex/y>"},
		{`IRI(?iri)`, "<http://ex/a>"},
		{`IRI(?en)`, "error"},
		{`IRI("a b")`, "error"},
		{`STRDT("123", xsd:integer)`, integer("123")},
		{`STRDT("123"^^xsd:string, xsd:integer)`, integer("123")},
		{`STRDT(?en, xsd:integer)`, "error"},
		{`STRDT("1", "x")`, "error"},
		{`STRLANG("abc", "en-GB")`, `"abc"@en-GB`},
		{`STRLANG("abc"^^xsd:string, "fr")`, `"abc"@fr`},
		{`STRLANG(?en, "fr")`, "error"},
		{`STRLANG("abc", "")`, "error"},
		{`STRLANG("abc", "not a tag")`, "error"},
		{`isBlank(BNODE())`, xsdTrue},
		{`sameTerm(BNODE(), BNODE())`, xsdFalse},
		{`isBlank(BNODE("x"))`, xsdTrue},
		{`BNODE(1)`, "error"},
		{`STRSTARTS(STR(UUID()), "urn:uuid:")`, xsdTrue},
		{`isIRI(UUID())`, xsdTrue},
		{`STRLEN(STRUUID())`, integer("36")},
		{`REGEX(STRUUID(), "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")`, xsdTrue},
		{`UUID() = UUID()`, xsdFalse},
	})
}

// TestBNodeScope checks that BNODE(str) is stable within a scope and
// differs across scopes.
func TestBNodeScope(t *testing.T) {
	e := parseExpr(t, `BNODE("x")`)
	env := &Env{BNodes: NewBNodeScope()}
	a, err := Eval(e, nil, env)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Eval(e, nil, env)
	if a != b {
		t.Errorf("BNODE(\"x\") twice in one scope: %s and %s", a, b)
	}
	other, _ := Eval(parseExpr(t, `BNODE("y")`), nil, env)
	if other == a {
		t.Errorf("BNODE(\"y\") = BNODE(\"x\") = %s", a)
	}
	env.BNodes.Reset()
	c, _ := Eval(e, nil, env)
	if c == a {
		t.Errorf("BNODE(\"x\") after Reset is the same node %s", a)
	}
	if strings.HasPrefix(a.Value, "b") {
		t.Errorf("generated label %q could collide with the store's labels", a.Value)
	}
}

// TestStringFunctions covers section 17.4.3 with its argument
// compatibility and result typing rules.
func TestStringFunctions(t *testing.T) {
	runCases(t, []exprCase{
		{`STRLEN("食べ物")`, integer("3")},
		{`STRLEN("😀x"@en)`, integer("2")},
		{`STRLEN(1)`, "error"},
		{`SUBSTR("foobar", 4)`, `"bar"`},
		{`SUBSTR("foobar", 4, 1)`, `"b"`},
		{`SUBSTR("bar"@en, 2)`, `"ar"@en`},
		{`SUBSTR("食べ物", 2)`, `"べ物"`},
		{`SUBSTR("😀ab", 2, 1)`, `"a"`},
		{`SUBSTR("12345", 1.5, 2.6)`, `"234"`},
		{`SUBSTR("12345", 0, 3)`, `"12"`},
		{`SUBSTR("12345", 5, -3)`, `""`},
		{`SUBSTR("12345", -3, 5)`, `"1"`},
		{`SUBSTR("12345", 0 / 0e0, 3)`, `""`},
		{`SUBSTR("12345", 1, 0 / 0e0)`, `""`},
		{`SUBSTR("12345", -42, 1 / 0e0)`, `"12345"`},
		{`SUBSTR("12345", -1 / 0e0, 1 / 0e0)`, `""`},
		{`SUBSTR("abc", "1")`, "error"},
		{`UCASE("foo")`, `"FOO"`},
		{`UCASE("bar"@en)`, `"BAR"@en`},
		{`LCASE("BAZ"^^xsd:string)`, `"baz"`},
		{`LCASE(?iri)`, "error"},
		{`STRSTARTS("foobar", "foo")`, xsdTrue},
		{`STRSTARTS("foobar"@en, "foo"@en)`, xsdTrue},
		{`STRSTARTS("foobar"@en, "foo")`, xsdTrue},
		{`STRSTARTS("foobar", "foo"@en)`, "error"},
		{`STRSTARTS("foobar"@en, "foo"@fr)`, "error"},
		{`STRENDS("foobar", "bar")`, xsdTrue},
		{`CONTAINS("foobar", "oba")`, xsdTrue},
		{`CONTAINS("foobar", "x")`, xsdFalse},
		{`CONTAINS("foobar", 1)`, "error"},
		{`STRBEFORE("abc", "b")`, `"a"`},
		{`STRBEFORE("abc"@en, "bc")`, `"a"@en`},
		{`STRBEFORE("abc"@en, "b"@cy)`, "error"},
		{`STRBEFORE("abc", "")`, `""`},
		{`STRBEFORE("abc"@en, "")`, `""@en`},
		{`STRBEFORE("abc"@en, "z")`, `""`},
		{`STRBEFORE("abc"^^xsd:string, "c"^^xsd:string)`, `"ab"`},
		{`STRAFTER("abc", "b")`, `"c"`},
		{`STRAFTER("abc"@en, "ab")`, `"c"@en`},
		{`STRAFTER("abc"@en, ""@en)`, `"abc"@en`},
		{`STRAFTER("abc"@en, "xyz")`, `""`},
		{`STRAFTER("abc", "b"@cy)`, "error"},
		{`ENCODE_FOR_URI("Los Angeles")`, `"Los%20Angeles"`},
		{`ENCODE_FOR_URI("100%"@en)`, `"100%25"`},
		{`ENCODE_FOR_URI("~a-b_c.d/é")`, `"~a-b_c.d%2F%C3%A9"`},
		{`CONCAT("foo", "bar")`, `"foobar"`},
		{`CONCAT("foo"@en, "bar"@en)`, `"foobar"@en`},
		{`CONCAT("foo"@en, "bar"@EN)`, `"foobar"@en`},
		{`CONCAT("foo"@en, "bar")`, `"foobar"`},
		{`CONCAT("foo"@en, "bar"@fr)`, `"foobar"`},
		{`CONCAT("foo"^^xsd:string, "bar")`, `"foobar"`},
		{`CONCAT()`, `""`},
		{`CONCAT("a", 1)`, "error"},
		{`langMatches("en-US", "en")`, xsdTrue},
		{`langMatches("EN", "en")`, xsdTrue},
		{`langMatches("en", "en-US")`, xsdFalse},
		{`langMatches("eng", "en")`, xsdFalse},
		{`langMatches("fr", "*")`, xsdTrue},
		{`langMatches("", "*")`, xsdFalse},
		{`langMatches(LANG(?en), "EN")`, xsdTrue},
		{`langMatches(?en, "en")`, "error"},
	})
}

// TestRegex covers REGEX and REPLACE with XPath flags and replacement
// syntax.
func TestRegex(t *testing.T) {
	runCases(t, []exprCase{
		{`REGEX("abc", "b")`, xsdTrue},
		{`REGEX("abc", "^b")`, xsdFalse},
		{`REGEX("ABC", "b", "i")`, xsdTrue},
		{`REGEX("abc"@en, "c$")`, xsdTrue},
		{`REGEX("a\nb", "a.b")`, xsdFalse},
		{`REGEX("a\rb", "a.b")`, xsdFalse},
		{`REGEX("a\nb", "a.b", "s")`, xsdTrue},
		{`REGEX("a\nb", "^b$")`, xsdFalse},
		{`REGEX("a\nb", "^b$", "m")`, xsdTrue},
		{`REGEX("abc", "a b c", "x")`, xsdTrue},
		{`REGEX("a b", "a[ ]b", "x")`, xsdTrue},
		{`REGEX("a.c", "a.c", "q")`, xsdTrue},
		{`REGEX("abc", "a.c", "q")`, xsdFalse},
		{`REGEX("A.C", "a.c", "qi")`, xsdTrue},
		{`REGEX("٣", "^\\d$")`, xsdTrue},
		{`REGEX("é", "^\\w$")`, xsdTrue},
		{`REGEX("!", "^\\w$")`, xsdFalse},
		{`REGEX("\f", "^\\s$")`, xsdFalse},
		{`REGEX("a", "^\\p{IsBasicLatin}$")`, xsdTrue},
		{`REGEX("é", "^\\p{Lu}$")`, xsdFalse},
		{`REGEX("xml:a", "^\\i\\c*$")`, xsdTrue},
		{`REGEX("abc", "b", "z")`, "error"},
		{`REGEX("abc", "(")`, "error"},
		{`REGEX("aa", "(a)\\1")`, "error"},
		{`REGEX("abc", "[a-z-[b]]")`, "error"},
		{`REGEX(1, "1")`, "error"},
		{`REGEX("abc", "b"@en)`, "error"},
		{`REPLACE("abcd", "b", "Z")`, `"aZcd"`},
		{`REPLACE("abab", "B", "Z", "i")`, `"aZaZ"`},
		{`REPLACE("abcd"@en, "b", "Z")`, `"aZcd"@en`},
		{`REPLACE("abcd", "(ab)|(a)", "[1=$1][2=$2]")`, `"[1=ab][2=]cd"`},
		{`REPLACE("abc", "(b)", "$1$1")`, `"abbc"`},
		{`REPLACE("abc", "(b)", "$12")`, `"ab2c"`},
		{`REPLACE("abc", "(b)", "$2")`, `"ac"`},
		{`REPLACE("abc", "b", "\\$\\\\")`, `"a$\\c"`},
		{`REPLACE("abc", "b", "$")`, "error"},
		{`REPLACE("abc", "b", "\\n")`, "error"},
		{`REPLACE("abc", "x*", "-")`, "error"},
		{`REPLACE("abc", "", "-")`, "error"},
		{`REPLACE("a.b.c", ".", "-", "q")`, `"a-b-c"`},
		{`REPLACE("AAA", "a", "b", "i")`, `"bbb"`},
	})
}

// TestRegexTranslation checks translateRegex directly on the cases where
// XPath and Go syntax differ.
func TestRegexTranslation(t *testing.T) {
	tests := []struct{ pattern, flags, want string }{
		{`a.b`, ``, `a[^\n\r]b`},
		{`a.b`, `s`, `a(?s:.)b`},
		{`[.]`, ``, `[.]`},
		{`\d\s`, ``, `[\p{Nd}][\t\n\r ]`},
		{`[\d]`, ``, `[\p{Nd}]`},
		{`a b # c`, `x`, `ab#c`},
		{`[ ]`, `x`, `[ ]`},
		{`a+`, `im`, `(?im)a+`},
		{`a.b`, `q`, `a\.b`},
	}
	for _, tt := range tests {
		got, err := translateRegex(tt.pattern, tt.flags)
		if err != nil || got != tt.want {
			t.Errorf("translateRegex(%q, %q) = %q, %v; want %q", tt.pattern, tt.flags, got, err, tt.want)
		}
	}
}

// TestDateTimeFunctions covers section 17.4.5.
func TestDateTimeFunctions(t *testing.T) {
	runCases(t, []exprCase{
		{`YEAR(?dt)`, integer("2010")},
		{`MONTH(?dt)`, integer("12")},
		{`DAY(?dt)`, integer("21")},
		{`HOURS(?dt)`, integer("15")},
		{`MINUTES(?dt)`, integer("38")},
		{`SECONDS(?dt)`, decimal("2.0")},
		{`SECONDS(?dnz)`, decimal("3.25")},
		{`YEAR("-0044-03-15T12:00:00"^^xsd:dateTime)`, integer("-44")},
		{`YEAR("12345-01-01T00:00:00Z"^^xsd:dateTime)`, integer("12345")},
		{`YEAR("2010-01-01"^^xsd:date)`, integer("2010")},
		{`HOURS("2010-01-01"^^xsd:date)`, "error"},
		{`YEAR("2010"^^xsd:dateTime)`, "error"},
		{`YEAR("2010-02-30T00:00:00"^^xsd:dateTime)`, "error"},
		{`YEAR("2010-01-01T00:00:00")`, "error"},
		{`TIMEZONE(?dt)`, `"-PT8H"^^<http://www.w3.org/2001/XMLSchema#dayTimeDuration>`},
		{`TIMEZONE(?dtz)`, `"PT0S"^^<http://www.w3.org/2001/XMLSchema#dayTimeDuration>`},
		{`TIMEZONE("2010-01-01T00:00:00+05:30"^^xsd:dateTime)`, `"PT5H30M"^^<http://www.w3.org/2001/XMLSchema#dayTimeDuration>`},
		{`TIMEZONE(?dnz)`, "error"},
		{`TZ(?dt)`, `"-08:00"`},
		{`TZ(?dtz)`, `"Z"`},
		{`TZ(?dnz)`, `""`},
		{`NOW()`, `"2024-05-06T07:08:09Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>`},
		{`NOW() = NOW()`, xsdTrue},
	})
}

// TestHashes covers section 17.4.6 with the digests of "abc".
func TestHashes(t *testing.T) {
	runCases(t, []exprCase{
		{`MD5("abc")`, `"900150983cd24fb0d6963f7d28e17f72"`},
		{`MD5("abc"^^xsd:string)`, `"900150983cd24fb0d6963f7d28e17f72"`},
		{`SHA1("abc")`, `"a9993e364706816aba3e25717850c26c9cd0d89d"`},
		{`SHA256("abc")`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},
		{`SHA384("abc")`, `"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"`},
		{`SHA512("abc")`, `"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"`},
		{`MD5("abc"@en)`, "error"},
		{`SHA1(1)`, "error"},
	})
}

// TestCasts covers the casting table of section 17.5 with the cases of
// the W3C cast tests.
func TestCasts(t *testing.T) {
	runCases(t, []exprCase{
		{`xsd:string(?iri)`, `"http://ex/a"`},
		{`xsd:string(1.0)`, `"1"`},
		{`xsd:string(1.25e0)`, `"1.25"`},
		{`xsd:string(1e7)`, `"1.0E7"`},
		{`xsd:string(0e0)`, `"0"`},
		{`xsd:string("0"^^xsd:boolean)`, `"false"`},
		{`xsd:string("01"^^xsd:integer)`, `"1"`},
		{`xsd:string(?dt)`, `"2010-12-21T15:38:02-08:00"`},
		{`xsd:string(?unk)`, `"x"`},
		{`xsd:string(?en)`, "error"},
		{`xsd:string(?bn)`, "error"},
		{`xsd:boolean("true")`, xsdTrue},
		{`xsd:boolean("0")`, xsdFalse},
		{`xsd:boolean("string")`, "error"},
		{`xsd:boolean(0)`, xsdFalse},
		{`xsd:boolean(-1)`, xsdTrue},
		{`xsd:boolean(0.0)`, xsdFalse},
		{`xsd:boolean(?nan)`, xsdFalse},
		{`xsd:boolean(1.25e0)`, xsdTrue},
		{`xsd:boolean(?iri)`, "error"},
		{`xsd:integer("13")`, integer("13")},
		{`xsd:integer(" +013 ")`, integer("13")},
		{`xsd:integer("1.5")`, "error"},
		{`xsd:integer("1E0")`, "error"},
		{`xsd:integer(true)`, integer("1")},
		{`xsd:integer(-1.9)`, integer("-1")},
		{`xsd:integer(2.9e0)`, integer("2")},
		{`xsd:integer(1e20)`, integer("100000000000000000000")},
		{`xsd:integer(?nan)`, "error"},
		{`xsd:integer(?dt)`, "error"},
		{`xsd:decimal("+33.3300")`, decimal("33.33")},
		{`xsd:decimal("13")`, decimal("13.0")},
		{`xsd:decimal("-10.2E3")`, "error"},
		{`xsd:decimal(1.1e0)`, decimal("1.1")},
		{`xsd:decimal(false)`, decimal("0.0")},
		{`xsd:decimal(?nan)`, "error"},
		{`xsd:decimal(1)`, decimal("1.0")},
		{`xsd:double("-10.2E3")`, double("-1.02E4")},
		{`xsd:double("+33.3300")`, double("3.333E1")},
		{`xsd:double("INF")`, double("INF")},
		{`xsd:double("1.5.0")`, "error"},
		{`xsd:double(true)`, double("1.0E0")},
		{`xsd:double(-1)`, double("-1.0E0")},
		{`xsd:double("1.1"^^xsd:float)`, double("1.100000023841858E0")},
		{`xsd:float("1.1")`, float("1.1E0")},
		{`xsd:float(1.1e0)`, float("1.1E0")},
		{`xsd:float(1e300)`, float("INF")},
		{`xsd:dateTime("2002-10-10T17:00:00Z")`, `"2002-10-10T17:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>`},
		{`xsd:dateTime("2002-10-10")`, "error"},
		{`xsd:dateTime("2002-10-10"^^xsd:date)`, `"2002-10-10T00:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>`},
		{`xsd:dateTime("-2002-10-10Z"^^xsd:date)`, `"-2002-10-10T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>`},
		{`xsd:date(?dt)`, `"2010-12-21-08:00"^^<http://www.w3.org/2001/XMLSchema#date>`},
		{`xsd:dateTime(1)`, "error"},
		{`xsd:int("2147483648")`, "error"},
		{`xsd:int("-5")`, `"-5"^^<http://www.w3.org/2001/XMLSchema#int>`},
		{`xsd:unsignedByte(255.5)`, `"255"^^<http://www.w3.org/2001/XMLSchema#unsignedByte>`},
		{`xsd:positiveInteger(0)`, "error"},
		{`xsd:integer(?u)`, "error"},
		{`<http://ex/fn>(1)`, "error"},
	})
}

// TestOrderCompare checks the ORDER BY order on a list given in order.
func TestOrderCompare(t *testing.T) {
	sorted := []rdf.Term{
		{},
		rdf.Blank("a"),
		rdf.Blank("b"),
		rdf.IRI("http://ex/a"),
		rdf.IRI("http://ex/b"),
		rdf.Literal("NaN", rdf.XSDDouble),
		rdf.Literal("-INF", rdf.XSDDouble),
		rdf.Literal("-1", rdf.XSDInteger),
		// Equal values: by datatype IRI, then lexical form.
		rdf.Literal("1.0", rdf.XSDDecimal),
		rdf.Literal("01", rdf.XSDInteger),
		rdf.Literal("1", rdf.XSDInteger),
		rdf.Literal("1.5E0", rdf.XSDDouble),
		rdf.Literal("2", rdf.XSDInteger),
		rdf.Literal("10", rdf.XSDInteger),
		rdf.Literal("false", rdf.XSDBoolean),
		rdf.Literal("true", rdf.XSDBoolean),
		rdf.Literal("2000-01-01T00:00:00Z", rdf.XSDDateTime),
		rdf.Literal("2000-01-01T02:00:00+01:00", rdf.XSDDateTime),
		rdf.Literal("2000-01-01T02:00:00", rdf.XSDDateTime),
		rdf.Literal("2000-01-01", rdf.XSDDate),
		rdf.String(""),
		rdf.String("B"),
		rdf.String("a"),
		rdf.String("ab"),
		rdf.LangLiteral("a", "en"),
		rdf.LangLiteral("a", "fr"),
		rdf.LangLiteral("b", "en"),
		rdf.Literal("x", "http://ex/t1"),
		rdf.Literal("a", "http://ex/t2"),
		rdf.Literal("x", rdf.XSDInteger), // ill-typed
	}
	for i, a := range sorted {
		for j, b := range sorted {
			got := OrderCompare(a, b)
			switch {
			case i < j && got >= 0, i > j && got <= 0, i == j && got != 0:
				t.Errorf("OrderCompare(%s, %s) = %d, want the sign of %d", a, b, got, i-j)
			}
		}
	}
}

// TestCompareAndEqual checks the exported Compare and Equal directly.
func TestCompareAndEqual(t *testing.T) {
	one, two := rdf.Literal("1", rdf.XSDInteger), rdf.Literal("2.0", rdf.XSDDecimal)
	if c, err := Compare(one, two); err != nil || c >= 0 {
		t.Errorf("Compare(1, 2.0) = %d, %v", c, err)
	}
	if _, err := Compare(rdf.Literal("NaN", rdf.XSDDouble), one); err == nil {
		t.Error("Compare(NaN, 1) did not fail")
	}
	if _, err := Compare(rdf.IRI("http://a"), rdf.IRI("http://b")); err == nil {
		t.Error("Compare(IRI, IRI) did not fail")
	}
	if eq, err := Equal(one, rdf.Literal("1.0e0", rdf.XSDDouble)); err != nil || !eq {
		t.Errorf("Equal(1, 1.0e0) = %v, %v", eq, err)
	}
	if _, err := Equal(rdf.Term{}, one); err == nil {
		t.Error("Equal(unbound, 1) did not fail")
	}
}

// TestExists checks that EXISTS calls Env.Exists and that its errors are
// passed through as non-expression errors.
func TestExists(t *testing.T) {
	q, err := parser.ParseQuery("SELECT * { FILTER(NOT EXISTS { ?s ?p ?o }) }", "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := algebra.Translate(q)
	if err != nil {
		t.Fatal(err)
	}
	var filter *algebra.Filter
	var walk func(op algebra.Operator)
	walk = func(op algebra.Operator) {
		switch op := op.(type) {
		case *algebra.Filter:
			filter = op
		case *algebra.Project:
			walk(op.Input)
		}
	}
	walk(a.Op)
	if filter == nil {
		t.Fatalf("no filter in %s", a.Op)
	}
	e := filter.Exprs[0]
	calls := 0
	env := &Env{Exists: func(p algebra.Operator, b Binding) (bool, error) {
		calls++
		return true, nil
	}}
	got, err := Eval(e, nil, env)
	if err != nil || got != termFalse || calls != 1 {
		t.Errorf("NOT EXISTS = %s, %v after %d calls; want false after 1", got, err, calls)
	}
	boom := errors.New("boom")
	env.Exists = func(algebra.Operator, Binding) (bool, error) { return false, boom }
	if _, err := Eval(e, nil, env); !errors.Is(err, boom) || IsExprError(err) {
		t.Errorf("EXISTS error = %v, want boom passed through", err)
	}
	// A fatal error is not masked by || either.
	or := &algebra.Call{Func: "||", Args: []algebra.Expression{e, &algebra.Const{Value: termTrue}}}
	if _, err := Eval(or, nil, env); !errors.Is(err, boom) {
		t.Errorf("EXISTS error inside || = %v, want boom", err)
	}
	if _, err := Eval(e, nil, &Env{}); !IsExprError(err) {
		t.Errorf("EXISTS without Env.Exists: %v, want an expression error", err)
	}
}
