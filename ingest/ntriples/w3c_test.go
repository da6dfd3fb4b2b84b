package ntriples

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kplane/kplane/ingest"
)

// syntaxTest is one entry of an N-Triples or N-Quads syntax manifest.
type syntaxTest struct {
	name     string
	positive bool
	action   string // file name, relative to the manifest
}

var (
	manifestEntry  = regexp.MustCompile(`^<#([^>]+)>\s+(?:rdf:type|a)\s+rdft:TestN(?:Triples|Quads)(Positive|Negative)Syntax`)
	manifestAction = regexp.MustCompile(`^\s*mf:action\s+<([^>]+)>`)
)

// readSyntaxManifest reads the syntax tests of a manifest.ttl. The suites'
// manifests put each entry's type on its first line and its action on a
// line of its own, which is all this needs; the full manifest reader is
// package ingest/w3ctest.
func readSyntaxManifest(t *testing.T, path string) []syntaxTest {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tests []syntaxTest
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := manifestEntry.FindStringSubmatch(sc.Text()); m != nil {
			tests = append(tests, syntaxTest{name: m[1], positive: m[2] == "Positive"})
		} else if m := manifestAction.FindStringSubmatch(sc.Text()); m != nil && len(tests) > 0 {
			tests[len(tests)-1].action = m[1]
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return tests
}

func TestW3CSyntax(t *testing.T) {
	root := w3cDir(t)
	suites := []struct {
		dir, ext string
		quads    bool
		min      int // tests the suite is known to hold, to catch a misread manifest
	}{
		{"rdf/rdf11/rdf-n-triples", ".nt", false, 70},
		{"rdf/rdf11/rdf-n-quads", ".nq", true, 87},
	}
	for _, suite := range suites {
		t.Run(filepath.Base(suite.dir), func(t *testing.T) {
			dir := filepath.Join(root, suite.dir)
			tests := readSyntaxManifest(t, filepath.Join(dir, "manifest.ttl"))
			if len(tests) < suite.min {
				t.Fatalf("manifest lists %d syntax tests, want at least %d", len(tests), suite.min)
			}
			listed := map[string]bool{}
			for _, tc := range tests {
				if tc.action == "" {
					t.Errorf("%s: no mf:action in manifest", tc.name)
					continue
				}
				listed[tc.action] = true
				if strings.Contains(tc.action, "bad") == tc.positive {
					t.Errorf("%s: manifest says positive=%v for file %s", tc.name, tc.positive, tc.action)
				}
				t.Run(tc.name, func(t *testing.T) {
					path := filepath.Join(dir, tc.action)
					n, err := decodeFile(path, suite.quads)
					switch {
					case tc.positive && err != nil:
						t.Errorf("positive syntax test failed: %v", err)
					case !tc.positive && err == nil:
						t.Errorf("negative syntax test parsed (%d statements)", n)
					case !tc.positive:
						t.Logf("rejected as expected: %v", err)
					}
				})
			}
			// Files the manifest does not list (literal_true.nt and
			// literal_false.nt are there for the Turtle suite) must still
			// parse, unless their names mark them as bad.
			files, err := filepath.Glob(filepath.Join(dir, "*"+suite.ext))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				name := filepath.Base(f)
				if listed[name] {
					continue
				}
				t.Run("unlisted/"+name, func(t *testing.T) {
					n, err := decodeFile(f, suite.quads)
					if bad := strings.Contains(name, "bad"); bad && err == nil {
						t.Errorf("bad file parsed (%d statements)", n)
					} else if !bad && err != nil {
						t.Errorf("file failed to parse: %v", err)
					}
				})
			}
		})
	}
}

// decodeFile decodes a whole file through the registered format and
// returns the number of statements.
func decodeFile(path string, quads bool) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	format := "ntriples"
	if quads {
		format = "nquads"
	}
	d, err := ingest.NewDecoder(format, f, ingest.Options{File: filepath.Base(path)})
	if err != nil {
		return 0, err
	}
	defer d.Close()
	n := 0
	for {
		_, err := d.Decode()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

var manifestResult = regexp.MustCompile(`^\s*mf:result\s+<([^>]+\.n[tq])>`)

// TestW3CResultFiles decodes the expected results of the Turtle, TriG and
// RDF/XML evaluation tests: several hundred N-Triples and N-Quads
// documents written by others, which the other parsers' conformance tests
// read through this package.
func TestW3CResultFiles(t *testing.T) {
	root := w3cDir(t)
	total := 0
	for _, suite := range []string{"rdf-turtle", "rdf-trig", "rdf-xml"} {
		dir := filepath.Join(root, "rdf", "rdf11", suite)
		data, err := os.ReadFile(filepath.Join(dir, "manifest.ttl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			m := manifestResult.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			total++
			if _, err := decodeFile(filepath.Join(dir, m[1]), strings.HasSuffix(m[1], ".nq")); err != nil {
				t.Errorf("%s/%s: %v", suite, m[1], err)
			}
		}
	}
	if total < 300 {
		t.Errorf("found only %d result files; is the manifest format still understood?", total)
	}
	t.Logf("decoded %d result files", total)
}
