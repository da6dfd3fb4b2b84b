package server

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestReleaseWhenIdle checks that the server releases memory once it has
// been idle for Config.IdleRelease, not while busy, and again after the
// next request.
func TestReleaseWhenIdle(t *testing.T) {
	ts := startServer(t, Config{IdleRelease: 100 * time.Millisecond})
	releases := func() int { return strings.Count(ts.logs.String(), "idle: released memory") }
	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for releases() < n {
			if time.Now().After(deadline) {
				t.Fatalf("%d releases after 5s, want %d", releases(), n)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(1)
	time.Sleep(300 * time.Millisecond)
	if n := releases(); n != 1 {
		t.Fatalf("%d releases without a request in between, want 1", n)
	}
	resp, err := http.Get(ts.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitFor(2)
}
