package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	kplanev1 "github.com/kplane/kplane/proto/kplane/v1"
	"github.com/kplane/kplane/proto/kplane/v1/kplanev1connect"
	"github.com/kplane/kplane/query/server"
)

func TestTokenAdd(t *testing.T) {
	file := filepath.Join(t.TempDir(), "auth.json")
	out := mustRun(t, t.TempDir(), "", "token", "add", "--auth", file, "--name", "ci", "--role", "publisher", "--domain", "sales", "--domain", "marketing")
	secret := strings.TrimSpace(out)
	if strings.Contains(secret, "\n") || !strings.HasPrefix(secret, "kp_") {
		t.Fatalf("token add printed %q, want the secret alone", out)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), secret) {
		t.Error("the auth file holds the secret")
	}
	auth, err := server.LoadAuthenticator(file)
	if err != nil {
		t.Fatal(err)
	}
	p, ok := auth.Authenticate(secret)
	if !ok || p.Name != "ci" || p.Role != server.RolePublisher || strings.Join(p.Domains, ",") != "sales,marketing" {
		t.Errorf("Authenticate = %+v, %v", p, ok)
	}
	if _, err := run(t, t.TempDir(), "", "token", "add", "--auth", file, "--name", "x", "--role", "publisher"); err == nil {
		t.Error("a publisher without a domain was accepted")
	}
	if _, err := run(t, t.TempDir(), "", "token", "add", "--auth", file, "--name", "x", "--role", "owner"); err == nil {
		t.Error("an unknown role was accepted")
	}
}

func TestServeRefusesOpenNetworkWithoutAuth(t *testing.T) {
	a := &app{dataDir: t.TempDir(), stdout: io.Discard, stderr: io.Discard}
	err := a.serve(context.Background(), serveOptions{addr: "0.0.0.0:0"})
	if err == nil || !strings.Contains(err.Error(), "without --auth") {
		t.Errorf("serve on 0.0.0.0 without --auth: %v", err)
	}
}

// lockedBuffer is an output the server goroutine writes while the test
// reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// kplane serve --demo end to end: the demo loads into a fresh store, every
// kind of request of the load generator succeeds, and SIGINT (a cancelled
// context) stops the server and closes the store.
func TestServeDemo(t *testing.T) {
	demo := filepath.Join("..", "..", "testdata", "demo")
	if _, err := os.Stat(demo); err != nil {
		t.Skip("no demo enterprise:", err)
	}
	stdout := &lockedBuffer{}
	a := &app{dataDir: t.TempDir(), stdout: stdout, stderr: io.Discard}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- a.serve(ctx, serveOptions{
			addr: "127.0.0.1:0", demo: true, demoDir: demo,
			queryTimeout: 30 * time.Second, grace: 5 * time.Second,
			ready: func(addr string) { addrc <- addr },
		})
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("the server did not start in 60s")
	}
	base := "http://" + addr
	if out := stdout.String(); !strings.Contains(out, base+"/sparql") || !strings.Contains(out, "no --auth") {
		t.Errorf("the start message lacks the URLs or the auth warning:\n%s", out)
	}
	about, err := kplanev1connect.NewDiscoveryServiceClient(http.DefaultClient, base).
		ProductsAbout(ctx, connect.NewRequest(&kplanev1.ProductsAboutRequest{Label: "Customer"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(about.Msg.GetProducts()) < 3 {
		t.Errorf("products about Customer: %d", len(about.Msg.GetProducts()))
	}
	res, err := runBench(ctx, benchOptions{url: base, duration: 150 * time.Millisecond, concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 {
		t.Errorf("%d scenarios", len(res))
	}
	for _, r := range res {
		if r.Requests == 0 || r.Errors > 0 {
			t.Errorf("%s: %d requests, %d errors (first: %v)", r.Name, r.Requests, r.Errors, r.FirstError)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
	if !strings.Contains(stdout.String(), "closing the store") {
		t.Errorf("no shutdown message:\n%s", stdout.String())
	}
	if _, err := runBench(context.Background(), benchOptions{url: "http://example.org", duration: time.Millisecond, concurrency: 1}); err == nil {
		t.Error("bench accepted a remote URL")
	}
}
