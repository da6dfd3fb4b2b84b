// Package ingest turns documents into quads and quads into the store.
//
// Each RDF syntax lives in its own package (ingest/ntriples, ingest/turtle,
// ingest/rdfxml, ingest/jsonld) behind one streaming interface, Decoder, and
// registers itself here, as image formats register with package image. A
// program that reads a syntax imports its package, usually for effect:
//
//	import _ "github.com/kplane/kplane/ingest/turtle"
package ingest

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/kplane/kplane/graph/rdf"
)

// Decoder reads the quads of one document in document order.
//
// Blank node labels are scoped to the document: the parser keeps the
// document's own labels apart from the ones it generates (for "[]" and
// collections), and the loader maps every label to a fresh store-wide node.
type Decoder interface {
	// Decode returns the next quad, or io.EOF after the last one. A syntax
	// error is returned as *rdf.SyntaxError; after an error the decoder
	// returns the same error again.
	Decode() (rdf.Quad, error)
	// Close releases what the decoder holds (goroutines, buffers). It does
	// not close the underlying reader.
	Close() error
}

// Options are what a parser needs besides the bytes.
type Options struct {
	// File names the document in errors ("" for stdin or a string).
	File string
	// Base is the IRI relative references resolve against; "" leaves
	// relative IRIs in the document an error unless it sets @base.
	Base string
}

// Format describes one RDF syntax.
type Format struct {
	// Name is the short name used on the command line (turtle, ntriples...).
	Name string
	// Extensions are the file name endings, with the dot, lower case.
	Extensions []string
	// MediaTypes are the IANA media types, preferred first.
	MediaTypes []string
	// Quads reports whether the syntax can name graphs (N-Quads, TriG,
	// JSON-LD).
	Quads bool
	// NewDecoder starts decoding r.
	NewDecoder func(r io.Reader, opts Options) (Decoder, error)
}

var (
	formatsMu sync.RWMutex
	formats   = map[string]Format{}
)

// Register makes a format available by name, extension and media type. It
// panics if the name is taken, as registering twice is a programming error.
func Register(f Format) {
	formatsMu.Lock()
	defer formatsMu.Unlock()
	if _, dup := formats[f.Name]; dup {
		panic("ingest: format registered twice: " + f.Name)
	}
	formats[f.Name] = f
}

// LookupFormat returns the format with the given name, or the one that uses
// the given media type (parameters such as charset are ignored).
func LookupFormat(nameOrMediaType string) (Format, bool) {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	key := strings.ToLower(strings.TrimSpace(nameOrMediaType))
	if f, ok := formats[key]; ok {
		return f, true
	}
	if i := strings.IndexByte(key, ';'); i >= 0 {
		key = strings.TrimSpace(key[:i])
	}
	for _, f := range formats {
		if slices.Contains(f.MediaTypes, key) {
			return f, true
		}
	}
	return Format{}, false
}

// FormatForPath guesses a format from a file name; a trailing ".gz" is
// ignored (the file is read through gzip).
func FormatForPath(path string) (Format, bool) {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(name, ".gz")
	ext := filepath.Ext(name)
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	for _, f := range formats {
		if slices.Contains(f.Extensions, ext) {
			return f, true
		}
	}
	return Format{}, false
}

// FormatNames lists the registered format names, sorted.
func FormatNames() []string {
	formatsMu.RLock()
	defer formatsMu.RUnlock()
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NewDecoder starts decoding r in the named format.
func NewDecoder(format string, r io.Reader, opts Options) (Decoder, error) {
	f, ok := LookupFormat(format)
	if !ok {
		return nil, fmt.Errorf("unknown RDF format %q (known: %s)", format, strings.Join(FormatNames(), ", "))
	}
	return f.NewDecoder(r, opts)
}

// QuadsDecoder returns a Decoder that hands out quads decoded in advance:
// for documents, such as data contracts, that must be validated as a whole
// before any of their quads is trusted.
func QuadsDecoder(quads []rdf.Quad) Decoder { return &quadsDecoder{quads} }

type quadsDecoder struct{ quads []rdf.Quad }

func (d *quadsDecoder) Decode() (rdf.Quad, error) {
	if len(d.quads) == 0 {
		return rdf.Quad{}, io.EOF
	}
	q := d.quads[0]
	d.quads = d.quads[1:]
	return q, nil
}

func (d *quadsDecoder) Close() error { return nil }
