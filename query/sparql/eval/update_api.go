package eval

import "github.com/kplane/kplane/query/sparql/algebra"

// PatternQuery prepares the evaluation of a graph pattern on its own: the
// WHERE clause of a SPARQL Update operation (package sparql/update).
//
// op is the translated pattern (algebra.TranslatePattern) and vars the
// variables whose values the caller reads from each solution; variables the
// pattern does not bind are reported unbound. from and fromNamed give the
// dataset as FROM and FROM NAMED would: the USING and USING NAMED clauses,
// or the WITH graph as the only default graph. With neither, the dataset is
// the store's default graph (the union of all graphs if
// opts.UnionDefaultGraph is set) and its named graphs.
//
// The query is a SELECT query without solution modifiers: run it with Exec
// and read the solutions with Result.Next and Result.Solution.
func PatternQuery(op algebra.Operator, vars, from, fromNamed []string, opts Options) *Query {
	return &Query{
		Algebra: &algebra.Query{
			Form:      Select,
			Op:        op,
			Vars:      vars,
			From:      from,
			FromNamed: fromNamed,
		},
		opts: opts,
		base: opts.BaseIRI,
	}
}
