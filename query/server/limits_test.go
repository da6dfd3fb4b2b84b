package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
)

// crossJoin is a query that runs for a very long time on a few thousand
// triples.
const crossJoin = `SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }`

// loadBulk adds n triples to a graph of their own.
func loadBulk(t *testing.T, ts *testServer, n int) {
	t.Helper()
	var doc strings.Builder
	for i := range n {
		fmt.Fprintf(&doc, "<http://example.org/s%d> <http://example.org/p> \"%d\" .\n", i, i)
	}
	if _, err := loadChunks(context.Background(), ts.clients(""), &kplanev1.LoadGraphRequest{Graph: "http://example.org/graph/bulk", Format: "ntriples"}, doc.String(), 1<<16); err != nil {
		t.Fatal(err)
	}
}

func TestBusyServerRefuses(t *testing.T) {
	ts := startServer(t, Config{MaxConcurrentQueries: 1, QueueTimeout: 50 * time.Millisecond})
	release, err := ts.srv.acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	resp, body := do(t, newRequest(t, "GET", ts.url+"/sparql?query=ASK{}", "", ""))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("busy: %d %s", resp.StatusCode, body)
	}
	stream, err := ts.clients("").query.Query(context.Background(), connect.NewRequest(&kplanev1.QueryRequest{Query: "ASK {}"}))
	if err == nil {
		for stream.Receive() {
		}
		err = stream.Err()
	}
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Errorf("busy RPC: %v", err)
	}
	release()
	if resp, body := do(t, newRequest(t, "GET", ts.url+"/sparql?query=ASK{}", "", "")); resp.StatusCode != 200 {
		t.Errorf("after release: %d %s", resp.StatusCode, body)
	}
}

func TestQueryTimeout(t *testing.T) {
	ts := startServer(t, Config{QueryTimeout: 200 * time.Millisecond})
	loadBulk(t, ts, 2000)
	start := time.Now()
	resp, body := do(t, newRequest(t, "GET", ts.url+"/sparql?"+url.Values{"query": {crossJoin}}.Encode(), "", ""))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d: %s", resp.StatusCode, body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the query stopped after %v", d)
	}
}

// A client that goes away stops its query: the execution slot frees up.
func TestDisconnectCancelsQuery(t *testing.T) {
	ts := startServer(t, Config{})
	loadBulk(t, ts, 2000)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req := newRequest(t, "GET", ts.url+"/sparql?"+url.Values{"query": {crossJoin}}.Encode(), "", "").WithContext(ctx)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("the cross join answered in 200ms: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(ts.srv.slots) > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the query still runs 5s after its client left")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRequestSizeLimits(t *testing.T) {
	ts := startServer(t, Config{MaxLoadBytes: 1000})
	_, err := loadChunks(context.Background(), ts.clients(""), &kplanev1.LoadGraphRequest{Graph: "http://example.org/graph/big", Format: "ntriples"},
		strings.Repeat("<http://example.org/s> <http://example.org/p> \"o\" .\n", 40), 100)
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Errorf("oversized load: %v", err)
	}
	resp, body := do(t, newRequest(t, "PUT", ts.url+"/store?graph=http://example.org/graph/big", "application/n-triples",
		strings.Repeat("<http://example.org/s> <http://example.org/p> \"o\" .\n", 40)))
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized graph store PUT: %d %s", resp.StatusCode, body)
	}
}

// Shutdown lets requests in flight finish.
func TestGracefulShutdown(t *testing.T) {
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
	})
	ts := startServer(t, Config{GraphQL: slow})
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Get(ts.url + "/graphql")
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{resp.StatusCode, string(b), err}
	}()
	time.Sleep(100 * time.Millisecond)
	ts.cancel()
	r := <-done
	if r.err != nil || r.status != 200 || r.body != "finished" {
		t.Errorf("request in flight during shutdown: %d %q %v", r.status, r.body, r.err)
	}
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
		ts.done <- nil // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	if _, err := http.Get(ts.url + "/healthz"); err == nil {
		t.Error("the server still accepts requests after shutdown")
	}
}

func TestMetrics(t *testing.T) {
	ts := startServer(t, Config{})
	for range 3 {
		do(t, newRequest(t, "GET", ts.url+"/sparql?query=ASK{}", "", ""))
	}
	do(t, newRequest(t, "GET", ts.url+"/sparql", "", ""))
	queryRows(t, ts.clients(""), "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
	_, body := do(t, newRequest(t, "GET", ts.url+"/metrics", "", ""))
	for _, want := range []string{
		`kplane_http_requests_total{code="200",endpoint="/sparql"} 3`,
		`kplane_http_requests_total{code="400",endpoint="/sparql"} 1`,
		`kplane_http_requests_total{code="200",endpoint="/kplane.v1.QueryService/Query"} 1`,
		`kplane_http_request_duration_seconds_count{endpoint="/sparql"} 4`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	m := regexp.MustCompile(`(?m)^kplane_store_quads (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no kplane_store_quads")
	}
	sn := ts.store.Snapshot()
	want := sn.Stats().Quads
	sn.Release()
	if got, _ := strconv.ParseFloat(m[1], 64); int64(got) != want || want < 12 {
		t.Errorf("kplane_store_quads %s, want %d", m[1], want)
	}
}
