package search_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/kplane/kplane/query/search"
)

func find(t *testing.T, ix *search.Index, r search.Request) *search.Result {
	t.Helper()
	res, err := ix.Search(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func rank(hits []search.Hit, iri string) int {
	return slices.IndexFunc(hits, func(h search.Hit) bool { return h.IRI == iri })
}

// aboutCustomer are the non-retired demo products about Customer (README,
// "Expected answers").
var aboutCustomer = []string{
	"sales/product/customer-master", "sales/product/sales-orders", "sales/product/key-accounts",
	"marketing/product/campaign-response", "marketing/product/customer-segments",
	"finance/product/invoices", "finance/product/client-ledger", "finance/product/client-credit-risk",
	"customer-service/product/service-cases", "customer-service/product/complaints",
	"banking/product/account-holders", "banking/product/card-transactions",
	"insurance/product/policyholders", "insurance/product/policies-in-force",
	"insurance/product/cross-sell-candidates",
}

func TestMeaningBeatsSpelling(t *testing.T) {
	_, ix := demoIndex(t)
	res := find(t, ix, search.Request{Text: "customer", Types: []string{"product"}, Limit: 100})
	found := 0
	worst := -1
	for _, p := range aboutCustomer {
		if r := rank(res.Hits, demo+p); r >= 0 {
			found++
			worst = max(worst, r)
		}
	}
	if found < 13 {
		t.Errorf("customer: %d of %d customer products found", found, len(aboutCustomer))
	}
	for _, customs := range []string{"logistics/product/customs-duty-ledger", "logistics/product/customs-declarations"} {
		if r := rank(res.Hits, demo+customs); r >= 0 && r < worst {
			t.Errorf("customer: %s ranks %d, above customer products (worst %d)", customs, r, worst)
		}
	}
	if res.Hits[0].IRI != demo+"sales/product/customer-master" {
		t.Errorf("customer: first hit %s, want customer-master", res.Hits[0].IRI)
	}
}

func TestSynonymsAndLanguages(t *testing.T) {
	_, ix := demoIndex(t)
	for _, tc := range []struct {
		text, want, field, via string
	}{
		// Finance calls a customer a client; Banking an account holder.
		{"client", "banking/product/account-holders", "concept", "Account Holder exactMatch Customer"},
		{"client", "finance/product/invoices", "concept", "bill_to_client_id"},
		{"Kunde", "sales/product/customer-master", "concept", "theme Customer"},
		{"Käufer", "enterprise/concept/Customer", "syn", ""},
		{"kaufer", "enterprise/concept/Customer", "syn", ""},
		{"Acheteur", "enterprise/concept/Customer", "syn", ""},
		{"account holder", "finance/product/client-credit-risk", "concept", "exactMatch Account Holder"},
	} {
		res := find(t, ix, search.Request{Text: tc.text, Limit: 50})
		r := rank(res.Hits, demo+tc.want)
		if r < 0 {
			t.Errorf("%q: %s not found", tc.text, tc.want)
			continue
		}
		h := res.Hits[r]
		ok := slices.ContainsFunc(h.Matched, func(m search.Match) bool {
			return m.Field == tc.field && strings.Contains(m.Via, tc.via)
		})
		if !ok {
			t.Errorf("%q: %s matched %+v, want field %s via %q", tc.text, tc.want, h.Matched, tc.field, tc.via)
		}
	}
}

func TestTolerance(t *testing.T) {
	_, ix := demoIndex(t)
	for _, tc := range []struct{ text, want string }{
		{"custmer", "sales/product/customer-master"},         // typo
		{"cutsomer mastr", "sales/product/customer-master"},  // two typos
		{"customers", "sales/product/customer-master"},       // plural
		{"policy holder", "insurance/product/policyholders"}, // spaced compound
		{"policyholders", "insurance/product/policyholders"},
		{"accountholder", "banking/product/account-holders"}, // joined compound
		{"cross sell", "insurance/product/cross-sell-candidates"},
		{"CUSTOMER MASTER", "sales/product/customer-master"},
	} {
		res := find(t, ix, search.Request{Text: tc.text, Limit: 5})
		if rank(res.Hits, demo+tc.want) < 0 {
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Label)
			}
			t.Errorf("%q: %s not in the top 5 %q", tc.text, tc.want, got)
		}
	}
	// A correctly spelt word is not also fuzzed into another one.
	res := find(t, ix, search.Request{Text: "customer", Limit: 200})
	for _, h := range res.Hits {
		if strings.Contains(h.IRI, "customs") {
			t.Errorf("customer: matched %s (%+v)", h.IRI, h.Matched)
		}
	}
}

func TestRetiredLeftOut(t *testing.T) {
	_, ix := demoIndex(t)
	const legacy = demo + "sales/product/legacy-customer-extract"
	res := find(t, ix, search.Request{Text: "legacy customer extract", Limit: 50})
	if rank(res.Hits, legacy) >= 0 {
		t.Errorf("retired product found without IncludeRetired")
	}
	res = find(t, ix, search.Request{Text: "legacy customer extract", Limit: 50, IncludeRetired: true})
	if r := rank(res.Hits, legacy); r < 0 || res.Hits[r].Lifecycle != "retired" {
		t.Errorf("retired product not found with IncludeRetired (rank %d)", r)
	}
	res = find(t, ix, search.Request{Lifecycles: []string{"retired"}, Types: []string{"product"}, Limit: 50})
	if res.Total != 4 {
		t.Errorf("retired products: %d, want 4", res.Total)
	}
}

func TestFiltersFacetsAndPages(t *testing.T) {
	_, ix := demoIndex(t)
	res := find(t, ix, search.Request{Text: "customer", Domains: []string{"finance"}, Facets: true, Limit: 100})
	if res.Total == 0 {
		t.Fatal("no finance hits for customer")
	}
	for _, h := range res.Hits {
		if !slices.Contains(h.Domains, demo+"domain/finance") {
			t.Errorf("domain filter: %s has domains %v", h.IRI, h.Domains)
		}
	}
	all := find(t, ix, search.Request{Types: []string{"product"}, Facets: true, Limit: 100})
	if all.Total != 30 {
		t.Errorf("products (retired left out): %d, want 30", all.Total)
	}
	counts := map[string]int{}
	for _, f := range all.Facets["lifecycle"] {
		counts[f.Value] = f.Count
	}
	if counts["consume"] != 27 || counts["deploy"] != 2 || counts["build"] != 1 {
		t.Errorf("lifecycle facet %v, want consume 27, deploy 2, build 1", all.Facets["lifecycle"])
	}
	de := find(t, ix, search.Request{Languages: []string{"de"}, Types: []string{"concept"}, Limit: 100})
	if de.Total == 0 || rank(de.Hits, demo+"enterprise/concept/Customer") < 0 {
		t.Errorf("language filter de: %d hits, Customer missing", de.Total)
	}
	// Pages follow each other without gaps or repeats.
	whole := find(t, ix, search.Request{Text: "customer", Limit: 40})
	var paged []string
	cursor := ""
	for range 20 {
		page := find(t, ix, search.Request{Text: "customer", Limit: 7, Cursor: cursor})
		for _, h := range page.Hits {
			paged = append(paged, h.IRI)
		}
		if cursor = page.Next; cursor == "" || len(paged) >= 40 {
			break
		}
	}
	for i, h := range whole.Hits {
		if i >= len(paged) || paged[i] != h.IRI {
			t.Fatalf("page order differs at %d", i)
		}
	}
}

func TestPhraseAndHighlight(t *testing.T) {
	_, ix := demoIndex(t)
	res := find(t, ix, search.Request{Text: `"customer number"`, Limit: 100, Highlight: true})
	if res.Total == 0 {
		t.Fatal(`no hits for "customer number"`)
	}
	marked := false
	for _, h := range res.Hits {
		for _, frags := range h.Snippets {
			for _, f := range frags {
				marked = marked || strings.Contains(f, "<mark>")
			}
		}
	}
	if !marked {
		t.Error("no highlighted snippet")
	}
	// The words apart do not match the phrase.
	res = find(t, ix, search.Request{Text: `"number customer"`, Limit: 100})
	if res.Total != 0 {
		t.Errorf(`"number customer": %d hits, want 0`, res.Total)
	}
}

func TestSuggest(t *testing.T) {
	_, ix := demoIndex(t)
	for _, tc := range []struct{ prefix, want string }{
		{"cust", "sales/product/customer-master"},
		{"Customer M", "sales/product/customer-master"},
		{"polic", "insurance/product/policyholders"},
		{"kund", "enterprise/concept/Customer"},
		{"holder", "banking/product/account-holders"},
	} {
		got, err := ix.Suggest(context.Background(), tc.prefix, search.SuggestOptions{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(got, func(s search.Suggestion) bool { return s.IRI == demo+tc.want }) {
			t.Errorf("suggest %q: %s missing from %v", tc.prefix, tc.want, got)
		}
	}
}
