package glossary

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

func has(quads []rdf.Quad, s rdf.Term, p string, o rdf.Term) bool {
	for _, q := range quads {
		if q.S == s && q.P.Value == p && q.O == o {
			return true
		}
	}
	return false
}

func TestDemoGlossary(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "demo", "customer-service", "glossary.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := Decode(f, Options{
		File:       path,
		DomainBase: "https://demo.kplane.dev/domain/",
		PersonBase: "https://demo.kplane.dev/person/",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d concepts, %d quads", path, len(doc.Concepts), len(doc.Quads))
	if len(doc.Concepts) != 8 {
		t.Errorf("%d concepts, want 8", len(doc.Concepts))
	}
	scheme := rdf.IRI("https://demo.kplane.dev/customer-service/service-desk-terms")
	if len(doc.Schemes) != 1 || doc.Schemes[0] != scheme.Value {
		t.Errorf("schemes = %v", doc.Schemes)
	}
	vulnerable := rdf.IRI(scheme.Value + "/VulnerableCustomer")
	fcr := rdf.IRI(scheme.Value + "/FirstContactResolution")
	resolution := rdf.IRI(scheme.Value + "/CaseResolution")
	for _, w := range []struct {
		s rdf.Term
		p string
		o rdf.Term
	}{
		{scheme, rdf.RDFType, rdf.IRI(ontology.SKOSConceptScheme)},
		{scheme, ontology.KplaneOwnerDomain, rdf.IRI("https://demo.kplane.dev/domain/customer-service")},
		{vulnerable, rdf.RDFType, rdf.IRI(ontology.SKOSConcept)},
		{vulnerable, ontology.SKOSInScheme, scheme},
		{vulnerable, ontology.SKOSPrefLabel, rdf.LangLiteral("Vulnerable Customer", "en")},
		{vulnerable, ontology.SKOSAltLabel, rdf.LangLiteral("Customer in Vulnerable Circumstances", "en")},
		{vulnerable, ontology.SKOSBroader, rdf.IRI("https://demo.kplane.dev/customer-service/concept/Customer")},
		{vulnerable, ontology.KplaneSteward, rdf.IRI("https://demo.kplane.dev/person/aisha-rahman")},
		{fcr, ontology.SKOSAltLabel, rdf.LangLiteral("FCR", "en")},
		{fcr, ontology.SKOSAltLabel, rdf.LangLiteral("One-touch Resolution", "en")},
		{fcr, ontology.SKOSRelated, resolution},
		{fcr, ontology.SKOSTopConceptOf, scheme},
	} {
		if !has(doc.Quads, w.s, w.p, w.o) {
			t.Errorf("missing %s <%s> %s", w.s, w.p, w.o)
		}
	}
	if has(doc.Quads, vulnerable, ontology.SKOSTopConceptOf, scheme) {
		t.Error("a concept with a broader concept is a top concept")
	}
}

const header = "term,definition,synonyms,broader,related,scheme,domain,steward\n"

func TestBadInput(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"unknown reference", header + "A,def,,B,,https://ex.com/s,,\n", `g.csv:2:0: column "broader": "B" is neither an IRI nor the term of a row in this file`},
		{"bad scheme", header + "A,def,,,,not an iri,,\n", `g.csv:2:0: column "scheme": "not an iri" is not an absolute http(s) IRI`},
		{"empty term", header + "A,def,,,,https://ex.com/s,,\n,def,,,,https://ex.com/s,,\n", `g.csv:3:0: column "term": is empty`},
		{"duplicate term", header + "A,x,,,,https://ex.com/s,,\na,y,,,,https://ex.com/s,,\n", `g.csv:3:0: column "term": "a" is already defined on line 2`},
		{"missing column", "term,definition\nA,x\n", `g.csv:1:0: column "scheme": missing required column`},
		{"unknown column", "term,scheme,colour\nA,https://ex.com/s,red\n", `g.csv:1:0: column "colour": unknown column`},
		{"self reference", header + "A,x,,,A,https://ex.com/s,,\n", `column "related": "A" refers to the row itself`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(strings.NewReader(tt.csv), Options{File: "g.csv"})
			var se *rdf.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want *rdf.SyntaxError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRelatedTermsAndBlankAgents(t *testing.T) {
	src := header + "Alpha Term,first,,,Beta;https://ex.com/other,https://ex.com/s#,Ops,Kim Lee\n" +
		"Beta,second,B2,Alpha Term,,https://ex.com/s#,Ops,Kim Lee\n"
	doc, err := Decode(strings.NewReader(src), Options{Language: "de"})
	if err != nil {
		t.Fatal(err)
	}
	alpha, beta := rdf.IRI("https://ex.com/s#AlphaTerm"), rdf.IRI("https://ex.com/s#Beta")
	if !has(doc.Quads, alpha, ontology.SKOSRelated, beta) || !has(doc.Quads, alpha, ontology.SKOSRelated, rdf.IRI("https://ex.com/other")) {
		t.Error("related values not resolved")
	}
	if !has(doc.Quads, beta, ontology.SKOSBroader, alpha) || !has(doc.Quads, beta, ontology.SKOSAltLabel, rdf.LangLiteral("B2", "de")) {
		t.Error("broader or synonym missing")
	}
	// Unresolved names become one labelled blank node each.
	var stewards []rdf.Term
	for _, q := range doc.Quads {
		if q.P.Value == ontology.KplaneSteward {
			stewards = append(stewards, q.O)
		}
	}
	if len(stewards) != 2 || stewards[0] != stewards[1] || !stewards[0].IsBlank() ||
		!has(doc.Quads, stewards[0], ontology.RDFSLabel, rdf.String("Kim Lee")) {
		t.Errorf("stewards = %v", stewards)
	}
}

func TestCompare(t *testing.T) {
	before, err := Decode(strings.NewReader(header+
		"Alpha,x,A1,,,https://ex.com/s,,\nBeta,y,,,,https://ex.com/s,,\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	after, err := Decode(strings.NewReader(header+
		"Alpha,x,A2,,,https://ex.com/s,,\nGamma,z,,,,https://ex.com/s,,\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(before.Quads, after.Quads)
	if strings.Join(d.AddedConcepts, " ") != "https://ex.com/s/Gamma" || strings.Join(d.RemovedConcepts, " ") != "https://ex.com/s/Beta" {
		t.Errorf("concepts: added %v, removed %v", d.AddedConcepts, d.RemovedConcepts)
	}
	labels := func(ls []Label) string {
		var out []string
		for _, l := range ls {
			out = append(out, l.Concept+" "+l.Label.Value)
		}
		return strings.Join(out, "; ")
	}
	if got, want := labels(d.AddedLabels), "https://ex.com/s/Alpha A2; https://ex.com/s/Gamma Gamma"; got != want {
		t.Errorf("added labels = %q, want %q", got, want)
	}
	if got, want := labels(d.RemovedLabels), "https://ex.com/s/Alpha A1; https://ex.com/s/Beta Beta"; got != want {
		t.Errorf("removed labels = %q, want %q", got, want)
	}
	if d.Empty() {
		t.Error("diff is empty")
	}
	if same := Compare(before.Quads, before.Quads); !same.Empty() {
		t.Errorf("comparing a glossary with itself: %+v", same)
	}
}
