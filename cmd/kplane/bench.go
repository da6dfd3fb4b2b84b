package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"text/tabwriter"
	"time"

	"connectrpc.com/connect"
	"github.com/spf13/cobra"

	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
	"github.com/kplane/kplane/proto/kplane/v1/kplanev1connect"
)

// benchOptions configure the load generator.
type benchOptions struct {
	url         string
	token       string
	duration    time.Duration
	concurrency int
}

// benchResult is what one scenario measured.
type benchResult struct {
	Name             string
	Requests, Errors int
	Elapsed          time.Duration
	P50, P99, Max    time.Duration
	FirstError       error
}

// Throughput is the rate of successful requests.
func (r benchResult) Throughput() float64 {
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

func (a *app) benchCommand() *cobra.Command {
	o := benchOptions{url: "http://127.0.0.1:8080", duration: 5 * time.Second, concurrency: 4}
	cmd := &cobra.Command{
		Use:   "bench [--url http://127.0.0.1:8080] [--duration 5s] [--concurrency 4]",
		Short: "Measure a local kplane server: throughput and latency of typical requests",
		Long: `Send typical requests to a kplane server on this machine (loopback only) for
--duration each, from --concurrency clients at once, and print the throughput and
the median and 99th percentile latency of each kind: SPARQL point lookups,
productsAbout, search and GraphQL. Run it against "kplane serve --demo".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := runBench(cmd.Context(), o)
			if err != nil {
				return err
			}
			printBench(a.stdout, res, o)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.url, "url", o.url, "server URL (loopback only)")
	f.StringVar(&o.token, "token", "", "bearer token, when the server runs with --auth (default $KPLANE_TOKEN)")
	f.DurationVar(&o.duration, "duration", o.duration, "how long to run each kind of request")
	f.IntVar(&o.concurrency, "concurrency", o.concurrency, "requests in flight at once")
	return cmd
}

// benchScenario is a kind of request; do sends one, choosing its
// parameters with rng.
type benchScenario struct {
	name string
	do   func(ctx context.Context, rng *rand.Rand) error
}

// runBench runs every scenario in turn against a loopback server.
func runBench(ctx context.Context, o benchOptions) ([]benchResult, error) {
	u, err := url.Parse(o.url)
	if err != nil || u.Scheme != "http" || !isLoopback(u.Host) {
		return nil, fmt.Errorf("bench: %q is not an http URL on loopback (host:port)", o.url)
	}
	if o.concurrency < 1 || o.duration <= 0 {
		return nil, errors.New("bench: --concurrency and --duration must be positive")
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.concurrency * 2}, Timeout: 30 * time.Second}
	header := func(h http.Header) {
		if o.token != "" {
			h.Set("Authorization", "Bearer "+o.token)
		}
	}
	discovery := kplanev1connect.NewDiscoveryServiceClient(hc, o.url)

	// The subjects to look up: every resource with a label.
	subjects, err := benchSubjects(ctx, hc, o.url, header)
	if err != nil {
		return nil, err
	}
	labels := []string{"Customer", "Invoice", "Order", "Product", "Payment", "Policy", "Kunde", "Client", "Shipment", "Account"}
	words := []string{"customer", "invoice", "order", "revenue", "ledger", "claim", "shipment", "policy", "payment", "marketing campaign"}

	post := func(ctx context.Context, path, contentType, accept string, body []byte) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.url+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Accept", accept)
		header(req.Header)
		return drain(hc.Do(req))
	}
	scenarios := []benchScenario{
		{"sparql point lookup", func(ctx context.Context, rng *rand.Rand) error {
			s := subjects[rng.IntN(len(subjects))]
			q := url.Values{"query": {"SELECT ?p ?o WHERE { <" + s + "> ?p ?o }"}}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.url+"/sparql?"+q.Encode(), nil)
			if err != nil {
				return err
			}
			req.Header.Set("Accept", "application/sparql-results+json")
			header(req.Header)
			return drain(hc.Do(req))
		}},
		{"productsAbout (Connect)", func(ctx context.Context, rng *rand.Rand) error {
			req := connect.NewRequest(&kplanev1.ProductsAboutRequest{Label: labels[rng.IntN(len(labels))]})
			header(req.Header())
			_, err := discovery.ProductsAbout(ctx, req)
			return err
		}},
		{"search (Connect)", func(ctx context.Context, rng *rand.Rand) error {
			req := connect.NewRequest(&kplanev1.SearchRequest{Query: words[rng.IntN(len(words))], Limit: 10})
			header(req.Header())
			_, err := discovery.Search(ctx, req)
			return err
		}},
		{"GraphQL productsAbout", func(ctx context.Context, rng *rand.Rand) error {
			body, _ := json.Marshal(map[string]any{
				"query":     `query($t: String!) { productsAbout(text: $t, first: 5) { totalCount edges { score node { iri label } } } }`,
				"variables": map[string]any{"t": labels[rng.IntN(len(labels))]},
			})
			return post(ctx, "/graphql", "application/json", "application/json", body)
		}},
	}
	var out []benchResult
	for _, sc := range scenarios {
		r, err := runScenario(ctx, sc, o)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// benchSubjects asks the server for IRIs to look up.
func benchSubjects(ctx context.Context, hc *http.Client, base string, header func(http.Header)) ([]string, error) {
	q := url.Values{"query": {`SELECT DISTINCT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>|<http://purl.org/dc/terms/title> ?l FILTER(isIRI(?s)) } LIMIT 2000`}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/sparql?"+q.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/sparql-results+json")
	header(req.Header)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("bench: listing subjects: %s: %s", resp.Status, b)
	}
	var doc struct {
		Results struct {
			Bindings []map[string]struct{ Value string } `json:"bindings"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, fmt.Errorf("bench: listing subjects: %w", err)
	}
	var subjects []string
	for _, b := range doc.Results.Bindings {
		subjects = append(subjects, b["s"].Value)
	}
	if len(subjects) == 0 {
		return nil, errors.New("bench: the store has no labelled resources (start the server with --demo)")
	}
	return subjects, nil
}

// drain reads and closes a response, failing on a status other than 200.
func drain(resp *http.Response, err error) error {
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	return nil
}

// runScenario runs one scenario from o.concurrency workers for o.duration.
// Requests started before the end run to completion: cutting them off
// would count as errors what are only the end of the measurement.
func runScenario(ctx context.Context, sc benchScenario, o benchOptions) (benchResult, error) {
	var (
		mu        sync.Mutex
		latencies []time.Duration
		res       = benchResult{Name: sc.name}
		wg        sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(o.duration)
	for w := range o.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 1))
			var local []time.Duration
			errs := 0
			var first error
			for ctx.Err() == nil && time.Now().Before(end) {
				t0 := time.Now()
				err := sc.do(ctx, rng)
				if ctx.Err() != nil {
					break // interrupted: not a measurement
				}
				local = append(local, time.Since(t0))
				if err != nil {
					errs++
					if first == nil {
						first = err
					}
				}
			}
			mu.Lock()
			latencies = append(latencies, local...)
			res.Errors += errs
			if res.FirstError == nil {
				res.FirstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = len(latencies)
	if len(latencies) == 0 {
		return res, fmt.Errorf("bench: %s: no request finished in %v", sc.name, o.duration)
	}
	slices.Sort(latencies)
	res.P50 = latencies[len(latencies)/2]
	res.P99 = latencies[min(len(latencies)-1, len(latencies)*99/100)]
	res.Max = latencies[len(latencies)-1]
	return res, nil
}

func printBench(w io.Writer, res []benchResult, o benchOptions) {
	fmt.Fprintf(w, "%s, %d clients, %v per kind\n\n", o.url, o.concurrency, o.duration)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "kind\trequests\terrors\treq/s\tp50\tp99\tmax\t")
	for _, r := range res {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%v\t%v\t%v\t\n", r.Name, r.Requests, r.Errors, r.Throughput(),
			r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond))
	}
	tw.Flush()
	for _, r := range res {
		if r.FirstError != nil {
			fmt.Fprintf(w, "%s: first error: %v\n", r.Name, r.FirstError)
		}
	}
}
