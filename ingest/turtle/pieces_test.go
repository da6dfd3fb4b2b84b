package turtle_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/turtle"
	"github.com/kplane/kplane/ingest/w3ctest"
)

// decodeLines reads every quad of d, returning them as N-Quads lines.
func decodeLines(d *turtle.Decoder) ([]string, error) {
	var lines []string
	for {
		q, err := d.Decode()
		if err == io.EOF {
			return lines, nil
		}
		if err != nil {
			return lines, err
		}
		lines = append(lines, q.String())
	}
}

// TestW3CDocumentsInPieces decodes every Turtle and TriG document of the
// W3C suites whole and through readers that return one or a few bytes at a
// time: the results, errors included, must be the same whatever the read
// boundaries.
func TestW3CDocumentsInPieces(t *testing.T) {
	root := w3ctest.SkipIfAbsent(t)
	var files []string
	for _, pat := range []string{"rdf/rdf11/rdf-turtle/*.ttl", "rdf/rdf11/rdf-trig/*.trig"} {
		m, err := filepath.Glob(filepath.Join(root, pat))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 500 {
		t.Fatalf("found only %d test documents under %s", len(files), root)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		newDec := turtle.NewDecoder
		if strings.HasSuffix(path, ".trig") {
			newDec = turtle.NewTriGDecoder
		}
		opts := ingest.Options{File: path, Base: "http://example/base/" + filepath.Base(path)}
		want, wantErr := decodeLines(newDec(strings.NewReader(string(data)), opts))
		for _, r := range []io.Reader{
			iotest.OneByteReader(strings.NewReader(string(data))),
			iotest.HalfReader(strings.NewReader(string(data))),
			iotest.DataErrReader(strings.NewReader(string(data))),
		} {
			got, gotErr := decodeLines(newDec(r, opts))
			if strings.Join(got, "\n") != strings.Join(want, "\n") || errString(gotErr) != errString(wantErr) {
				t.Errorf("%s: decoding in pieces (%T) differs:\n%s\nerror %v\nwhole:\n%s\nerror %v",
					path, r, strings.Join(got, "\n"), gotErr, strings.Join(want, "\n"), wantErr)
			}
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
