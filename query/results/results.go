// Package results writes and reads what queries return: variable bindings
// and booleans in the SPARQL 1.1 result formats (JSON, XML, CSV, TSV) and a
// terminal table, and graphs in N-Triples, N-Quads, Turtle and TriG.
//
// Writers stream: a Writer or QuadWriter buffers its output and flushes it at
// Close, so a caller can write millions of rows without holding them. The
// table format is the exception, as it must see every row to size its
// columns.
//
// The readers (ReadJSON, ReadXML, ReadTSV, ReadCSV) load a whole result into
// a Result; they serve the conformance tests and clients of the server.
package results

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// Solution is one row of a SELECT result. Solution[i] is the value of the
// i-th variable of the header the row belongs to; the zero rdf.Term means the
// variable is unbound.
type Solution []rdf.Term

// Result is a whole query result as read back from one of the result
// formats: either a table of solutions (Boolean is nil) or the answer to an
// ASK query (Boolean is set, Vars and Solutions are empty).
type Result struct {
	// Vars are the variable names of the header, without "?".
	Vars []string
	// Solutions are the rows, each aligned with Vars.
	Solutions []Solution
	// Boolean is the answer of an ASK query, nil for a SELECT result.
	Boolean *bool
	// Links are the link references of the header (JSON "link", XML
	// <link href>), kept as written.
	Links []string
}

// Writer writes a SELECT result: the header once, then each solution.
// Output is buffered; Close flushes it and must be called even after an
// error. Close does not close the underlying io.Writer.
type Writer interface {
	// WriteHeader writes the variable names (without "?"). It must be
	// called once, before any solution.
	WriteHeader(vars []string) error
	// WriteSolution writes one row; its length must match the header.
	WriteSolution(s Solution) error
	// Close finishes the document and flushes it.
	Close() error
}

// WriterOptions configure writers. The zero value is valid.
type WriterOptions struct {
	// Prefixes maps prefix names (without ":") to namespace IRIs. Turtle
	// and TriG declare them up front and abbreviate IRIs with them; the
	// table format abbreviates with them. Other formats ignore them.
	Prefixes map[string]string
	// Base, when set, is declared by Turtle and TriG with @base, and IRIs
	// it can safely be factored out of are written relative to it.
	Base string
	// Links are link references written in the header of JSON and XML
	// results.
	Links []string
}

// Names of the result formats, as accepted by NewWriter and WriteBoolean.
const (
	FormatJSON  = "json"
	FormatXML   = "xml"
	FormatCSV   = "csv"
	FormatTSV   = "tsv"
	FormatTable = "table"
)

// Names of the graph formats, as accepted by NewQuadWriter.
const (
	FormatNTriples = "ntriples"
	FormatNQuads   = "nquads"
	FormatTurtle   = "turtle"
	FormatTriG     = "trig"
)

// errClosed is what a writer returns when used after Close.
var errClosed = errors.New("results: writer is closed")

// ErrUnknownFormat is returned (wrapped) for a format name no writer has.
var ErrUnknownFormat = errors.New("unknown format")

// NewWriter returns a Writer for the named result format: json, xml, csv,
// tsv or table.
func NewWriter(w io.Writer, format string, opts WriterOptions) (Writer, error) {
	switch strings.ToLower(format) {
	case FormatJSON:
		return newJSONWriter(w, opts), nil
	case FormatXML:
		return newXMLWriter(w, opts), nil
	case FormatCSV:
		return newCSVWriter(w), nil
	case FormatTSV:
		return newTSVWriter(w), nil
	case FormatTable:
		return newTableWriter(w, opts)
	}
	return nil, fmt.Errorf("results: %w %q (known: json, xml, csv, tsv, table)", ErrUnknownFormat, format)
}

// askVar names the single column CSV, TSV and the table use for the answer
// of an ASK query. The CSV and TSV specifications only cover SELECT results;
// this is the convention other SPARQL engines follow.
const askVar = "_askResult"

// WriteBoolean writes the answer of an ASK query in the named result format.
// JSON and XML use the form their specifications define; CSV, TSV and the
// table, which have none, write one column named "_askResult" holding an
// xsd:boolean literal.
func WriteBoolean(w io.Writer, format string, value bool, opts WriterOptions) error {
	switch strings.ToLower(format) {
	case FormatJSON:
		return writeJSONBoolean(w, value, opts)
	case FormatXML:
		return writeXMLBoolean(w, value, opts)
	}
	rw, err := NewWriter(w, format, opts)
	if err != nil {
		return err
	}
	lex := "false"
	if value {
		lex = "true"
	}
	err = rw.WriteHeader([]string{askVar})
	if err == nil {
		err = rw.WriteSolution(Solution{rdf.Literal(lex, rdf.XSDBoolean)})
	}
	if cerr := rw.Close(); err == nil {
		err = cerr
	}
	return err
}

// headerState tracks the calls every Writer must see in order, so that each
// implementation reports misuse the same way.
type headerState struct {
	vars   []string
	header bool
}

func (h *headerState) setHeader(vars []string) error {
	if h.header {
		return errors.New("results: WriteHeader called twice")
	}
	seen := make(map[string]bool, len(vars))
	for _, v := range vars {
		if !validVarName(v) {
			return fmt.Errorf("results: invalid variable name %q", v)
		}
		if seen[v] {
			return fmt.Errorf("results: duplicate variable %q", v)
		}
		seen[v] = true
	}
	h.vars = vars
	h.header = true
	return nil
}

func (h *headerState) checkSolution(s Solution) error {
	if !h.header {
		return errors.New("results: WriteSolution called before WriteHeader")
	}
	if len(s) != len(h.vars) {
		return fmt.Errorf("results: solution has %d values for %d variables", len(s), len(h.vars))
	}
	return nil
}

// varNamePattern is SPARQL's VARNAME production, restricted to what a
// regular expression can say simply: a letter, digit or underscore, or any
// character from the Unicode ranges the grammar allows beyond ASCII.
var varNamePattern = regexp.MustCompile(`^[\p{L}\p{N}_][\p{L}\p{N}\p{Mn}_\x{00B7}\x{203F}\x{2040}]*$`)

func validVarName(v string) bool { return varNamePattern.MatchString(v) }

// sortedPrefixes returns the prefix names of m in a stable order so that
// output does not depend on map iteration.
func sortedPrefixes(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for p := range m {
		names = append(names, p)
	}
	sort.Strings(names)
	return names
}
