package ontology_test

import (
	"context"
	"slices"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// TestAboutRules checks each rule of the meaning closure on a small
// hand-made catalog, spread over several named graphs: every concept Cn
// has a product Pn with theme Cn.
func TestAboutRules(t *testing.T) {
	const ex = "https://example.org/"
	c := func(n string) rdf.Term { return rdf.IRI(ex + "concept/" + n) }
	statements := [][3]string{
		{"X", ontology.SKOSExactMatch, "Eq1"},             // exact, forward
		{"Eq2", ontology.SKOSExactMatch, "Eq1"},           // exact, chained and backward
		{"Eq2", ontology.OWLSameAs, "Same"},               // sameAs
		{"Cls", ontology.OWLEquivalentClass, "X"},         // equivalentClass, backward
		{"X", ontology.SKOSNarrower, "N1"},                // narrower
		{"N2", ontology.SKOSBroader, "N1"},                // inverse broader, two levels down
		{"Sub", ontology.RDFSSubClassOf, "Cls"},           // subclass of an equivalent class
		{"Eq1", ontology.SKOSNarrowMatch, "NM"},           // narrowMatch
		{"BM", ontology.SKOSBroadMatch, "X"},              // inverse broadMatch
		{"X", ontology.SKOSBroader, "Up"},                 // going up: never
		{"X", ontology.SKOSBroadMatch, "UpMatch"},         // going up across schemes: never
		{"Super", ontology.SKOSNarrower, "X"},             // going up, stated downwards: never
		{"X", ontology.SKOSRelated, "Rel"},                // related: never
		{"X", ontology.SKOSRelatedMatch, "RelM"},          // relatedMatch: never
		{"N1", ontology.SKOSCloseMatch, "Close"},          // closeMatch: one hop
		{"Close", ontology.SKOSExactMatch, "CloseEq"},     // but no further
		{"Close", ontology.SKOSNarrower, "CloseNarrower"}, // nor down
	}
	all := map[string]bool{"X": true}
	for _, s := range statements {
		all[s[0]], all[s[2]] = true, true
	}
	store, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	err = store.Update(ctx, func(tx *graph.Txn) error {
		for i, s := range statements {
			g := rdf.IRI(ex + "graph/" + string(rune('a'+i%3)))
			if _, err := tx.Insert(rdf.Quad{S: c(s[0]), P: rdf.IRI(s[1]), O: c(s[2]), G: g}); err != nil {
				return err
			}
		}
		for n := range all {
			p := rdf.IRI(ex + "product/" + n)
			g := rdf.IRI(ex + "graph/products")
			for _, q := range []rdf.Quad{
				{S: p, P: rdf.IRI(rdf.RDFType), O: rdf.IRI(ontology.DPRODDataProduct), G: g},
				{S: p, P: rdf.IRI(ontology.DCATTheme), O: c(n), G: g},
				{S: p, P: rdf.IRI(ontology.DCTermsTitle), O: rdf.String("Product " + n), G: g},
			} {
				if _, err := tx.Insert(q); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	snap := store.Snapshot()
	defer snap.Release()
	hits, _, err := ontology.About(ctx, snap, ontology.AboutQuery{Concept: c("X")})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]ontology.Hit{}
	for _, h := range hits {
		got[h.Product.Value[len(ex+"product/"):]] = h
	}
	exact := []string{"X", "Eq1", "Eq2", "Same", "Cls", "N1", "N2", "Sub", "NM", "BM"}
	for _, n := range exact {
		h, ok := got[n]
		if !ok {
			t.Errorf("product with theme %s not found", n)
			continue
		}
		if h.Close {
			t.Errorf("%s: marked close", n)
		}
	}
	if h, ok := got["Close"]; !ok || !h.Close {
		t.Errorf("close match: found %v, hit %+v", ok, h)
	}
	for n := range got {
		if !slices.Contains(exact, n) && n != "Close" {
			t.Errorf("product with theme %s returned: %s", n, got[n].Explanation)
		}
	}
	// Shorter paths first: X itself, then its direct neighbours.
	if len(hits) == 0 || hits[0].Product.Value != ex+"product/X" {
		t.Errorf("first hit %v", hits)
	}
	if got["N2"].Score >= got["N1"].Score || got["N1"].Score >= got["X"].Score {
		t.Errorf("scores X %v, N1 %v, N2 %v: want decreasing with depth", got["X"].Score, got["N1"].Score, got["N2"].Score)
	}
	if e := got["Sub"].Explanation.String(); e != "Product Sub → theme <"+ex+"concept/Sub> → subClassOf <"+ex+"concept/Cls> → equivalentClass <"+ex+"concept/X>" {
		t.Errorf("explanation of Sub: %s", e)
	}
}
