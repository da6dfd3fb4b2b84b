package algebra

// PropertyCall is a triple pattern whose predicate is a property function
// (an extension such as kplane:search): its solutions are computed by the
// function rather than matched against the data. Subject and Object are
// the pattern's subject and object, each a single term or, when written as
// a collection in the query ("(?s ?score) kplane:search ("text" 10)"), the
// collection's members.
//
// The translation never produces it: the evaluator rewrites the triple
// patterns whose predicate names a property function it knows into
// PropertyCalls, see eval.Options.PropertyFunctions.
type PropertyCall struct {
	Subject []Term
	IRI     string
	Object  []Term
}

func (*PropertyCall) operator() {}

// String formats op as an S-expression.
func (op *PropertyCall) String() string { return Format(op) }

// termsSexp formats the terms of a property call's side: a single term as
// itself, several as a list.
func termsSexp(ts []Term) sexp {
	if len(ts) == 1 {
		return termAtom(ts[0])
	}
	items := make([]sexp, len(ts))
	for i, t := range ts {
		items[i] = termAtom(t)
	}
	return list(items...)
}
