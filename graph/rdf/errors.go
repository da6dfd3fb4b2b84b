package rdf

import "fmt"

// SyntaxError reports malformed input in an RDF document or a query: where it
// is and what was expected there. Line and Col are 1-based; Col counts
// characters (runes), not bytes. File may be empty (stdin, a string).
type SyntaxError struct {
	File string
	Line int
	Col  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}
