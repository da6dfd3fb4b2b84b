package ontology_test

import (
	"context"
	"github.com/kplane/kplane/ingest/importer"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"

	_ "github.com/kplane/kplane/ingest/odcs"
	_ "github.com/kplane/kplane/ingest/turtle"
)

const demo = "https://demo.kplane.dev/"

// demoStore holds the demo enterprise, loaded once for all tests as
// kplane demo loads it (importer.LoadDemo): every RDF file, the ODCS
// contracts and the glossary, each its own named graph, and the kplane
// vocabulary.
var demoStore struct {
	once      sync.Once
	store     *graph.Store
	contracts bool // the ODCS contracts were loaded
	err       error
}

func openDemo() (*graph.Store, bool, error) {
	store, err := graph.Open("", &graph.Options{InMemory: true, NoSync: true})
	if err != nil {
		return nil, false, err
	}
	if _, err := importer.LoadDemo(context.Background(), store, filepath.Join("..", "testdata", "demo")); err != nil {
		return nil, false, err
	}
	return store, true, nil
}

func loadDemo(t testing.TB) (*graph.Store, bool) {
	t.Helper()
	demoStore.once.Do(func() {
		demoStore.store, demoStore.contracts, demoStore.err = openDemo()
	})
	if demoStore.err != nil {
		t.Fatal(demoStore.err)
	}
	return demoStore.store, demoStore.contracts
}

// aboutCustomer lists the products about enterprise Customer (README,
// "Expected answers"). contract marks those whose only link to a customer
// concept is in an ODCS contract.
var aboutCustomer = []struct {
	product  string
	retired  bool
	contract bool
	via      string // a label the explanation must pass through
}{
	{"sales/product/customer-master", false, false, "Customer"},
	{"sales/product/sales-orders", false, true, "customer_number"},
	{"sales/product/key-accounts", false, false, "Key Account"},
	{"sales/product/legacy-customer-extract", true, false, "Customer"},
	{"marketing/product/campaign-response", false, false, "customer_number"},
	{"marketing/product/customer-segments", false, true, "customer_number"},
	{"finance/product/invoices", false, false, "Client"},
	{"finance/product/client-ledger", false, true, "Client"},
	{"finance/product/client-credit-risk", false, false, "Client"},
	{"customer-service/product/service-cases", false, true, "requester_customer_number"},
	{"customer-service/product/complaints", false, false, "customer_number"},
	{"banking/product/account-holders", false, false, "Account Holder"},
	{"banking/product/card-transactions", false, false, "account_holder_id"},
	{"banking/product/kyc-screening-legacy", true, false, "holder_id"},
	{"insurance/product/policyholders", false, false, "Policyholder"},
	{"insurance/product/policies-in-force", false, false, "policyholder_id"},
	{"insurance/product/cross-sell-candidates", false, false, "Customer"},
}

// expectedCustomer returns the IRIs expected for "about Customer" given
// what was loaded.
func expectedCustomer(contracts, retired bool) []string {
	var out []string
	for _, e := range aboutCustomer {
		if (e.contract && !contracts) || (e.retired && !retired) {
			continue
		}
		out = append(out, demo+e.product)
	}
	slices.Sort(out)
	return out
}

func products(hits []ontology.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Product.Value)
	}
	slices.Sort(out)
	return out
}

func about(t *testing.T, q ontology.AboutQuery) ([]ontology.Hit, ontology.Resolution) {
	t.Helper()
	store, _ := loadDemo(t)
	snap := store.Snapshot()
	defer snap.Release()
	hits, res, err := ontology.About(context.Background(), snap, q)
	if err != nil {
		t.Fatalf("About(%+v): %v", q, err)
	}
	return hits, res
}

func diff(t *testing.T, what string, got, want []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("%s: missing %s", what, strings.TrimPrefix(w, demo))
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("%s: unexpected %s", what, strings.TrimPrefix(g, demo))
		}
	}
}

func TestAboutCustomer(t *testing.T) {
	_, contracts := loadDemo(t)
	if !contracts {
		t.Log("no importer for ODCS contracts is registered: checking the answers Turtle alone gives")
	}
	customer := rdf.IRI(demo + "enterprise/concept/Customer")
	for _, retired := range []bool{false, true} {
		hits, res := about(t, ontology.AboutQuery{Concept: customer, IncludeRetired: retired})
		if res.Method != ontology.ByTerm || len(res.Concepts) != 1 || res.Concepts[0].Label != "Customer" {
			t.Errorf("resolution = %+v, want the Customer concept by term", res)
		}
		want := expectedCustomer(contracts, retired)
		diff(t, "about Customer", products(hits), want)
		if contracts && retired && len(hits) != 17 || contracts && !retired && len(hits) != 15 {
			t.Errorf("about Customer (retired %v): %d hits, README says %d", retired, len(hits), map[bool]int{false: 15, true: 17}[retired])
		}
		for _, h := range hits {
			checkExplanation(t, h, customer)
		}
	}
}

// checkExplanation checks that a hit's explanation is a connected path from
// the product to the concept, through exact-meaning relations only, with
// the expected element on the way and the right retired flag.
func checkExplanation(t *testing.T, h ontology.Hit, concept rdf.Term) {
	t.Helper()
	e := h.Explanation
	if len(e) == 0 {
		t.Errorf("%s: empty explanation", h.Product.Value)
		return
	}
	if e[0].From.Term != h.Product {
		t.Errorf("%s: explanation starts at %s", h.Product.Value, e[0].From)
	}
	if last := e[len(e)-1].To.Term; last != concept {
		t.Errorf("%s: explanation ends at %s, want %s", h.Product.Value, last, concept)
	}
	for i := 1; i < len(e); i++ {
		if e[i].From.Term != e[i-1].To.Term {
			t.Errorf("%s: explanation broken between steps %d and %d: %s", h.Product.Value, i-1, i, e)
		}
	}
	for _, s := range e {
		switch s.Relation {
		case ontology.RelCloseMatch:
			if !h.Close {
				t.Errorf("%s: closeMatch in the explanation of an exact hit: %s", h.Product.Value, e)
			}
		case ontology.RelNone:
			t.Errorf("%s: step without relation: %s", h.Product.Value, e)
		}
	}
	for _, x := range aboutCustomer {
		if demo+x.product != h.Product.Value {
			continue
		}
		if h.Retired != x.retired {
			t.Errorf("%s: Retired = %v, want %v", x.product, h.Retired, x.retired)
		}
		found := false
		for _, s := range e {
			if s.To.Label == x.via || s.From.Label == x.via {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: explanation does not pass through %q: %s", x.product, x.via, e)
		}
	}
	if h.Label == "" {
		t.Errorf("%s: no label", h.Product.Value)
	}
	if h.Close || h.Score <= 0.5 || h.Score > 1 {
		t.Errorf("%s: exact hit with Close %v, score %v", h.Product.Value, h.Close, h.Score)
	}
}

// TestAboutCustomerExplanations pins down a few explanations exactly.
func TestAboutCustomerExplanations(t *testing.T) {
	hits, _ := about(t, ontology.AboutQuery{Concept: rdf.IRI(demo + "enterprise/concept/Customer"), IncludeRetired: true})
	want := map[string]string{
		"finance/product/client-credit-risk": "Client Credit Risk → theme Client → exactMatch Customer",
		"sales/product/key-accounts":         "Key Account Portfolio → theme Key Account → broader Customer → exactMatch Customer",
		"insurance/product/policyholders":    "Policyholder Register → theme Policyholder → broadMatch Customer",
	}
	for _, h := range hits {
		w, ok := want[strings.TrimPrefix(h.Product.Value, demo)]
		if !ok {
			continue
		}
		delete(want, strings.TrimPrefix(h.Product.Value, demo))
		got := h.Explanation.String()
		// Product titles are the demo's; compare from the first arrow on
		// when the title differs, so that a retitled product only fails
		// on its path.
		if got != w && got[strings.Index(got, " → "):] != w[strings.Index(w, " → "):] {
			t.Errorf("%s:\n got %s\nwant %s", h.Product.Value, got, w)
		}
	}
	for p := range want {
		t.Errorf("%s: not found", p)
	}
	// An attribute path goes through the dataset, the model and the shape.
	for _, h := range hits {
		if h.Product.Value != demo+"banking/product/card-transactions" {
			continue
		}
		var rels []string
		for _, s := range h.Explanation {
			rels = append(rels, s.Relation.String())
		}
		got := strings.Join(rels, ",")
		if !strings.HasPrefix(got, "outputs,conforms to,defines,") || !strings.Contains(got, "represents") {
			t.Errorf("card-transactions: relations %s (%s)", got, h.Explanation)
		}
	}
}

func TestAboutCustomerTrapsExcluded(t *testing.T) {
	hits, _ := about(t, ontology.AboutQuery{Concept: rdf.IRI(demo + "enterprise/concept/Customer"), IncludeRetired: true})
	got := products(hits)
	for _, p := range []string{
		"logistics/product/customs-duty-ledger", "logistics/product/customs-declarations",
		"customer-service/product/satisfaction-survey", "marketing/product/lead-scoring",
		"marketing/product/qualified-prospects", "marketing/product/newsletter-subscribers",
		"sales/product/sales-pipeline", "logistics/product/shipments",
		"logistics/product/warehouse-capacity", "logistics/product/carrier-performance",
		"sales/product/promotion-performance", "finance/product/revenue-recognition",
		"finance/product/general-ledger", "finance/product/vat-returns",
		"customer-service/product/service-levels", "banking/product/deposit-balances",
		"insurance/product/claims",
	} {
		if slices.Contains(got, demo+p) {
			t.Errorf("about Customer includes %s", p)
		}
	}
}

// TestAboutByLabel checks that the words the domains use for a customer,
// in any language and any case, resolve to concepts with the same closure.
func TestAboutByLabel(t *testing.T) {
	_, contracts := loadDemo(t)
	want := expectedCustomer(contracts, false)
	for _, label := range []string{"Customer", "Client", "Kunde", "Account Holder", "  account HOLDER ", "ＫＵＮＤＥ"} {
		hits, res := about(t, ontology.AboutQuery{Label: label})
		if res.Method != ontology.ByLabel || len(res.Concepts) == 0 {
			t.Errorf("%q: resolution %+v", label, res)
			continue
		}
		diff(t, "about "+label, products(hits), want)
	}
}

func TestAboutPolicyholder(t *testing.T) {
	hits, _ := about(t, ontology.AboutQuery{Concept: rdf.IRI(demo + "insurance/concept/Policyholder"), IncludeRetired: true})
	diff(t, "about Policyholder", products(hits), []string{
		demo + "insurance/product/policies-in-force",
		demo + "insurance/product/policyholders",
	})
}

func TestAboutCustomsDuty(t *testing.T) {
	hits, _ := about(t, ontology.AboutQuery{Concept: rdf.IRI(demo + "logistics/concept/CustomsDuty"), IncludeRetired: true})
	diff(t, "about Customs Duty", products(hits), []string{
		demo + "logistics/product/customs-declarations",
		demo + "logistics/product/customs-duty-ledger",
	})
	hits, res := about(t, ontology.AboutQuery{Label: "tax"})
	if res.Method != ontology.ByLabel {
		t.Errorf("tax: resolution %+v", res)
	}
	diff(t, "about Tax", products(hits), []string{
		demo + "logistics/product/customs-declarations",
		demo + "logistics/product/customs-duty-ledger",
		demo + "finance/product/vat-returns",
	})
}

// TestAboutUnrelatedConcept: a product linked only to an unrelated concept
// is found for that concept and nothing else.
func TestAboutUnrelatedConcept(t *testing.T) {
	hits, _ := about(t, ontology.AboutQuery{Concept: rdf.IRI(demo + "logistics/concept/Warehouse")})
	diff(t, "about Warehouse", products(hits), []string{demo + "logistics/product/warehouse-capacity"})
}

// TestAboutRelatedAndCloseMatch: skos:related is never followed;
// skos:closeMatch is, one hop, ranked below the exact hits.
func TestAboutRelatedAndCloseMatch(t *testing.T) {
	// Lead is related to Customer, and the lead products are not about
	// Customer; conversely Customer products are not about Lead.
	hits, _ := about(t, ontology.AboutQuery{Concept: rdf.IRI(demo + "marketing/concept/Lead")})
	for _, p := range products(hits) {
		if !strings.HasPrefix(p, demo+"marketing/product/lead-scoring") && !strings.HasPrefix(p, demo+"marketing/product/qualified-prospects") {
			t.Errorf("about Lead includes %s", p)
		}
	}

	promotion := rdf.IRI(demo + "sales/concept/Promotion")
	hits, _ = about(t, ontology.AboutQuery{Concept: promotion})
	if len(hits) < 2 {
		t.Fatalf("about Promotion: %d hits, want promotion-performance and the campaign products", len(hits))
	}
	if hits[0].Product.Value != demo+"sales/product/promotion-performance" || hits[0].Close {
		t.Errorf("about Promotion: first hit %s (close %v)", hits[0].Product.Value, hits[0].Close)
	}
	sawCampaign := false
	for _, h := range hits[1:] {
		if !h.Close || h.Score > 0.5 || h.Score >= hits[0].Score {
			t.Errorf("about Promotion: %s close %v score %v after exact score %v", h.Product.Value, h.Close, h.Score, hits[0].Score)
		}
		if h.Product.Value == demo+"marketing/product/campaign-response" {
			sawCampaign = true
		}
		closeSteps := 0
		for _, s := range h.Explanation {
			if s.Relation == ontology.RelCloseMatch {
				closeSteps++
			}
		}
		if closeSteps != 1 {
			t.Errorf("%s: %d closeMatch steps: %s", h.Product.Value, closeSteps, h.Explanation)
		}
	}
	if !sawCampaign {
		t.Errorf("about Promotion misses campaign-response (closeMatch): %v", products(hits))
	}
	exact, _ := about(t, ontology.AboutQuery{Concept: promotion, ExactOnly: true})
	diff(t, "about Promotion, exact only", products(exact), []string{demo + "sales/product/promotion-performance"})
}

func TestAboutRetired(t *testing.T) {
	// Account Holder is an exact match of Customer, so its closure is
	// Customer's, with two retired products.
	party := rdf.IRI(demo + "banking/concept/AccountHolder")
	hits, _ := about(t, ontology.AboutQuery{Concept: party})
	if slices.Contains(products(hits), demo+"banking/product/kyc-screening-legacy") {
		t.Error("retired kyc-screening-legacy returned without IncludeRetired")
	}
	hits, _ = about(t, ontology.AboutQuery{Concept: party, IncludeRetired: true})
	found := false
	for _, h := range hits {
		if h.Product.Value == demo+"banking/product/kyc-screening-legacy" {
			found = true
			if !h.Retired {
				t.Error("kyc-screening-legacy not marked retired")
			}
		} else if h.Retired != (h.Product.Value == demo+"sales/product/legacy-customer-extract") {
			t.Errorf("%s: Retired = %v", h.Product.Value, h.Retired)
		}
	}
	if !found {
		t.Error("retired kyc-screening-legacy missing with IncludeRetired")
	}
}

func TestAboutLimitAndOrder(t *testing.T) {
	all, _ := about(t, ontology.AboutQuery{Concept: rdf.IRI(demo + "enterprise/concept/Customer")})
	for i := 1; i < len(all); i++ {
		if all[i].Score > all[i-1].Score {
			t.Errorf("hits not sorted by score: %v before %v", all[i-1].Score, all[i].Score)
		}
	}
	top, _ := about(t, ontology.AboutQuery{Concept: rdf.IRI(demo + "enterprise/concept/Customer"), Limit: 3})
	if len(top) != 3 {
		t.Fatalf("Limit 3: %d hits", len(top))
	}
	for i := range top {
		if top[i].Product != all[i].Product {
			t.Errorf("Limit 3: hit %d is %s, want %s", i, top[i].Product.Value, all[i].Product.Value)
		}
	}
	// Shorter paths score higher: the direct theme of Customer Master
	// beats an attribute of a model reached through a dataset.
	score := map[string]float64{}
	for _, h := range all {
		score[strings.TrimPrefix(h.Product.Value, demo)] = h.Score
	}
	if score["finance/product/client-credit-risk"] <= score["banking/product/card-transactions"] {
		t.Errorf("theme path scored %v, attribute path %v", score["finance/product/client-credit-risk"], score["banking/product/card-transactions"])
	}
}

func TestAboutResolver(t *testing.T) {
	store, _ := loadDemo(t)
	snap := store.Snapshot()
	defer snap.Release()
	ctx := context.Background()
	hits, res, err := ontology.About(ctx, snap, ontology.AboutQuery{Label: "people who buy from us"})
	if err != nil || res.Method != ontology.Unresolved || len(hits) != 0 {
		t.Errorf("unresolvable label without resolver: %d hits, %+v, %v", len(hits), res, err)
	}
	var asked string
	resolver := ontology.ResolverFunc(func(ctx context.Context, snap *graph.Snapshot, text string) ([]rdf.Term, error) {
		asked = text
		return []rdf.Term{rdf.IRI(demo + "insurance/concept/Policyholder")}, nil
	})
	hits, res, err = ontology.About(ctx, snap, ontology.AboutQuery{Label: "people who buy from us", Resolver: resolver})
	if err != nil {
		t.Fatal(err)
	}
	if asked != "people who buy from us" || res.Method != ontology.BySearch || len(res.Concepts) != 1 {
		t.Errorf("resolver asked %q, resolution %+v", asked, res)
	}
	if len(hits) != 2 {
		t.Errorf("resolved to Policyholder: %v", products(hits))
	}
	// A label of a concept never reaches the resolver.
	asked = ""
	if _, res, _ = ontology.About(ctx, snap, ontology.AboutQuery{Label: "Client", Resolver: resolver}); res.Method != ontology.ByLabel || asked != "" {
		t.Errorf("label Client: resolution %+v, resolver asked %q", res, asked)
	}
	// A shape's label is no concept's label.
	ids, err := ontology.ConceptsByLabel(ctx, snap, "Customer Master logical model")
	if err != nil || len(ids) != 0 {
		t.Errorf("logical model label resolved to %v, %v", ids, err)
	}
}

func TestMeaningClosure(t *testing.T) {
	store, _ := loadDemo(t)
	snap := store.Snapshot()
	defer snap.Release()
	id := func(s string) graph.ID { return graph.TermID(rdf.IRI(demo + s)) }
	cl, err := ontology.MeaningClosure(context.Background(), snap, []graph.ID{id("enterprise/concept/Customer")}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{
		"enterprise/concept/Customer", "enterprise/concept/RetailCustomer", "enterprise/concept/BusinessCustomer",
		"sales/concept/Customer", "sales/concept/KeyAccount", "finance/concept/Client",
		"banking/concept/AccountHolder", "customer-service/concept/Customer", "insurance/concept/Policyholder",
		"finance/model/Client", "banking/model/AccountHolder",
	} {
		if !cl.Contains(id(m)) {
			t.Errorf("closure of Customer misses %s", m)
		}
	}
	for _, m := range []string{
		"enterprise/concept/Party", "marketing/concept/Lead", "marketing/concept/Prospect",
		"marketing/concept/Subscriber", "logistics/concept/Consignee", "logistics/concept/CustomsDuty",
	} {
		if cl.Contains(id(m)) {
			t.Errorf("closure of Customer includes %s", m)
		}
	}
	// Every member's path leads back to the root.
	for _, m := range cl.Members {
		path := cl.Path(m.ID)
		if len(path) != m.Depth+1 || path[len(path)-1].ID != id("enterprise/concept/Customer") {
			t.Errorf("member %s: path of %d to %s, depth %d", m.ID, len(path), path[len(path)-1].ID, m.Depth)
		}
	}
}

func TestLineage(t *testing.T) {
	store, _ := loadDemo(t)
	snap := store.Snapshot()
	defer snap.Release()
	ctx := context.Background()
	names := func(edges []ontology.LineageEdge, dir ontology.Direction) []string {
		var out []string
		for _, e := range edges {
			n := e.Downstream
			if dir == ontology.Upstream {
				n = e.Upstream
			}
			out = append(out, n.Term.Value)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	p := func(s ...string) []string {
		for i := range s {
			s[i] = demo + s[i]
		}
		slices.Sort(s)
		return s
	}
	master := rdf.IRI(demo + "sales/product/customer-master")
	direct, err := ontology.Lineage(ctx, snap, master, ontology.Downstream, false)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "downstream of customer-master", names(direct, ontology.Downstream), p(
		"sales/product/sales-orders", "sales/product/key-accounts", "marketing/product/customer-segments",
		"customer-service/product/service-cases", "insurance/product/cross-sell-candidates"))
	for _, e := range direct {
		if e.Depth != 1 || e.Upstream.Term != master || len(e.Via) == 0 {
			t.Errorf("direct edge %+v", e)
		}
	}

	up, err := ontology.Lineage(ctx, snap, master, ontology.Upstream, false)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "upstream of customer-master", names(up, ontology.Upstream), p("sales/product/legacy-customer-extract"))
	if len(up) == 1 && (len(up[0].Via) != 1 || up[0].Via[0].Kind != ontology.ViaDerivation) {
		t.Errorf("legacy extract → customer master should be a derivation only: %+v", up[0].Via)
	}

	all, err := ontology.Lineage(ctx, snap, master, ontology.Downstream, true)
	if err != nil {
		t.Fatal(err)
	}
	got := names(all, ontology.Downstream)
	for _, w := range p("finance/product/client-credit-risk", "logistics/product/customs-duty-ledger",
		"finance/product/vat-returns", "logistics/product/carrier-performance", "customer-service/product/service-levels") {
		if !slices.Contains(got, w) {
			t.Errorf("transitively downstream of customer-master: missing %s", w)
		}
	}
	for _, w := range p("marketing/product/lead-scoring", "sales/product/legacy-customer-extract", "banking/product/account-holders", "sales/product/customer-master") {
		if slices.Contains(got, w) {
			t.Errorf("transitively downstream of customer-master: unexpected %s", w)
		}
	}
	for i := 1; i < len(all); i++ {
		if all[i].Depth < all[i-1].Depth {
			t.Errorf("edges not sorted by depth")
		}
	}

	// Upstream, transitively, of vat-returns: two branches.
	vatUp, err := ontology.Lineage(ctx, snap, rdf.IRI(demo+"finance/product/vat-returns"), ontology.Upstream, true)
	if err != nil {
		t.Fatal(err)
	}
	diff(t, "upstream of vat-returns", names(vatUp, ontology.Upstream), p(
		"finance/product/invoices", "logistics/product/customs-duty-ledger", "logistics/product/customs-declarations",
		"logistics/product/shipments", "sales/product/sales-orders", "sales/product/customer-master",
		"sales/product/legacy-customer-extract"))

	if _, err := ontology.Lineage(ctx, snap, master, 0, false); err == nil {
		t.Error("invalid direction accepted")
	}
}
