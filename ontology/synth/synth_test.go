package synth

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

func small(seed uint64) Config {
	return Config{Domains: 3, Products: 60, Concepts: 600, AttributesPerEntity: 3, Seed: seed}
}

func TestGenerateIsDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	if err := Generate(&a, small(7)); err != nil {
		t.Fatal(err)
	}
	if err := Generate(&b, small(7)); err != nil {
		t.Fatal(err)
	}
	if err := Generate(&c, small(8)); err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(a.Bytes()) != sha256.Sum256(b.Bytes()) {
		t.Error("same seed, different output")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds, same output")
	}
	for i, line := range strings.Split(strings.TrimSuffix(a.String(), "\n"), "\n") {
		if !strings.HasSuffix(line, " .") || strings.Count(line, " ") < 3 {
			t.Fatalf("line %d is not an N-Triples statement: %q", i+1, line)
		}
	}
}

func TestGenerateQuadsShape(t *testing.T) {
	cfg := small(1)
	counts := map[string]int{}
	subjects := map[rdf.Term]bool{}
	n := 0
	err := GenerateQuads(func(q rdf.Quad) error {
		n++
		counts[q.P.Value]++
		if q.P.Value == rdf.RDFType {
			counts["type "+q.O.Value]++
		}
		subjects[q.S] = true
		if !q.G.IsZero() {
			t.Fatalf("quad in a named graph: %v", q)
		}
		return nil
	}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := counts["type https://ekgf.github.io/dprod/DataProduct"]; got != cfg.Products {
		t.Errorf("%d products, want %d", got, cfg.Products)
	}
	if got := counts["type http://www.w3.org/2004/02/skos/core#Concept"]; got < cfg.Concepts*9/10 || got > cfg.Concepts {
		t.Errorf("%d concepts, want about %d", got, cfg.Concepts)
	}
	for _, p := range []string{
		"http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.w3.org/2004/02/skos/core#broadMatch",
		"http://www.w3.org/2004/02/skos/core#closeMatch", "http://www.w3.org/2004/02/skos/core#related",
		"http://www.w3.org/2000/01/rdf-schema#subClassOf", "http://purl.org/dc/terms/subject",
		"https://ekgf.github.io/dprod/inputPort", "http://www.w3.org/ns/prov#wasDerivedFrom",
	} {
		if counts[p] == 0 {
			t.Errorf("no %s statements", p)
		}
	}
	for _, c := range DeepConcepts(cfg, 3) {
		if !subjects[c] {
			t.Errorf("deep concept %s is not generated", c)
		}
	}
	// An error from fn stops generation.
	calls := 0
	stop := bytes.ErrTooLarge
	if err := GenerateQuads(func(rdf.Quad) error { calls++; return stop }, cfg); err != stop || calls != 1 {
		t.Errorf("GenerateQuads after an error: %v, %d calls", err, calls)
	}
}

// TestFullSizeTripleCount checks the documented size of the default
// catalog (about five million triples) without storing it.
func TestFullSizeTripleCount(t *testing.T) {
	if testing.Short() {
		t.Skip("counts five million generated triples")
	}
	n := 0
	if err := GenerateQuads(func(rdf.Quad) error { n++; return nil }, DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	if n < 4_000_000 || n > 6_500_000 {
		t.Errorf("default catalog has %d triples, want about five million", n)
	}
	t.Logf("default catalog: %d triples", n)
}
