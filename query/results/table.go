package results

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rivo/uniseg"

	"github.com/kplane/kplane/graph/rdf"
)

// tableWriter writes solutions as an aligned text table for terminals:
//
//	| s      | label     |
//	|--------|-----------|
//	| ex:a   | "Alice"@en |
//
// Terms are shown in Turtle syntax, IRIs abbreviated with the given
// prefixes. Columns are padded by display width (East Asian wide
// characters count two cells, combining marks none), so the table must see
// every row before it writes anything: it holds the formatted rows until
// Close.
type tableWriter struct {
	headerState
	w        io.Writer
	prefixes *prefixMap
	rows     [][]string
	widths   []int
	closed   bool
}

func newTableWriter(w io.Writer, opts WriterOptions) (*tableWriter, error) {
	for p := range opts.Prefixes {
		if !validPrefixName(p) {
			return nil, fmt.Errorf("results: invalid prefix name %q", p)
		}
	}
	return &tableWriter{w: w, prefixes: newPrefixMap(opts.Prefixes)}, nil
}

func (tw *tableWriter) WriteHeader(vars []string) error {
	if err := tw.setHeader(vars); err != nil {
		return err
	}
	row := make([]string, len(vars))
	copy(row, vars)
	tw.add(row)
	return nil
}

func (tw *tableWriter) add(row []string) {
	if tw.widths == nil {
		tw.widths = make([]int, len(row))
	}
	for i, cell := range row {
		tw.widths[i] = max(tw.widths[i], uniseg.StringWidth(cell))
	}
	tw.rows = append(tw.rows, row)
}

func (tw *tableWriter) WriteSolution(s Solution) error {
	if tw.closed {
		return errClosed
	}
	if err := tw.checkSolution(s); err != nil {
		return err
	}
	row := make([]string, len(s))
	var b []byte
	for i, t := range s {
		b = appendDisplayTerm(b[:0], t, tw.prefixes)
		row[i] = string(b)
	}
	tw.add(row)
	return nil
}

// appendDisplayTerm appends t in compact Turtle syntax on one line.
func appendDisplayTerm(b []byte, t rdf.Term, pm *prefixMap) []byte {
	switch t.Kind {
	case rdf.KindIRI:
		if out, ok := pm.appendPrefixed(b, t.Value); ok {
			return out
		}
		return appendIRIRef(b, t.Value)
	case rdf.KindBlank:
		return appendBlank(b, t.Value)
	case rdf.KindLiteral:
		if numericShorthand(t) || booleanShorthand(t) {
			return append(b, t.Value...)
		}
		b = appendQuotedString(b, t.Value, false, true)
		switch {
		case t.Lang != "":
			b = append(b, '@')
			b = append(b, t.Lang...)
		case t.Datatype != "" && t.Datatype != rdf.XSDString:
			b = append(b, "^^"...)
			if out, ok := pm.appendPrefixed(b, t.Datatype); ok {
				return out
			}
			b = appendIRIRef(b, t.Datatype)
		}
	}
	return b
}

func (tw *tableWriter) Close() error {
	if tw.closed {
		return errClosed
	}
	tw.closed = true
	if !tw.header {
		return nil
	}
	bw := bufio.NewWriter(tw.w)
	var rule strings.Builder
	rule.WriteByte('|')
	for _, w := range tw.widths {
		rule.WriteString(strings.Repeat("-", w+2))
		rule.WriteByte('|')
	}
	rule.WriteByte('\n')
	for n, row := range tw.rows {
		bw.WriteByte('|')
		for i, cell := range row {
			bw.WriteByte(' ')
			bw.WriteString(cell)
			bw.WriteString(strings.Repeat(" ", tw.widths[i]-uniseg.StringWidth(cell)+1))
			bw.WriteByte('|')
		}
		bw.WriteByte('\n')
		if n == 0 {
			bw.WriteString(rule.String())
		}
	}
	return bw.Flush()
}
