package ntriples

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns the directory shared/<sub> found by walking up from the
// package directory, or skips the test when there is none.
func sharedDir(tb testing.TB, sub string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		candidate := filepath.Join(dir, "shared", sub)
		if fi, err := os.Stat(candidate); err == nil && fi.IsDir() {
			return candidate
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skipf("shared/%s not found above the package directory", sub)
		}
		dir = parent
	}
}

// w3cDir returns the W3C RDF test suite: $KPLANE_W3C_TESTS if set, else
// shared/w3c-rdf-tests found by walking up. It skips the test when absent.
func w3cDir(tb testing.TB) string {
	tb.Helper()
	if dir := os.Getenv("KPLANE_W3C_TESTS"); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			tb.Skipf("KPLANE_W3C_TESTS=%s: %v", dir, err)
		}
		return dir
	}
	return sharedDir(tb, "w3c-rdf-tests")
}
