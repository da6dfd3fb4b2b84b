package expr

import (
	"strings"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/query/sparql/algebra"
)

// Aggregator computes one set function (section 18.5.1) over the
// solutions of a group. The evaluator evaluates the aggregate's argument
// for each solution of the group and passes the value, or the error it
// gave, to Add; Result then returns the aggregate's value, or an error
// that leaves the aggregate's variable unbound.
//
// For COUNT(*) (Aggregate.Arg nil) Add is called once per solution and its
// arguments are ignored, except with DISTINCT: then the caller passes a
// term identifying the solution (see SolutionKey) so that duplicates are
// counted once.
//
// Errors are treated as follows: COUNT, SAMPLE, MIN and MAX skip the
// values whose evaluation failed; SUM, AVG and GROUP_CONCAT fail, as
// any error in the operations they are defined by makes them fail.
type Aggregator interface {
	Add(t rdf.Term, err error)
	Result() (rdf.Term, error)
}

// NewAggregator returns an Aggregator for a, empty. env is the evaluation
// context (unused by the standard aggregates, kept for extension ones).
func NewAggregator(a algebra.Aggregate, env *Env) (Aggregator, error) {
	var agg Aggregator
	switch strings.ToUpper(a.Name) {
	case "COUNT":
		agg = &countAggregator{all: a.Arg == nil}
	case "SUM":
		agg = &sumAggregator{}
	case "AVG":
		agg = &sumAggregator{average: true}
	case "MIN":
		agg = &extremeAggregator{sign: -1, name: "MIN"}
	case "MAX":
		agg = &extremeAggregator{sign: 1, name: "MAX"}
	case "SAMPLE":
		agg = &sampleAggregator{}
	case "GROUP_CONCAT":
		agg = &concatAggregator{separator: a.Separator}
	default:
		return nil, errorf(a.Name, "unknown aggregate")
	}
	if a.Distinct {
		agg = &distinctAggregator{inner: agg, seen: make(map[rdf.Term]struct{})}
	}
	return agg, nil
}

// SolutionKey returns a term that identifies the values of vars in b, for
// COUNT(DISTINCT *): two solutions have the same key exactly when they
// bind the same variables to the same terms.
func SolutionKey(vars []string, b Binding) rdf.Term {
	var s strings.Builder
	for _, v := range vars {
		if t, ok := b.Get(v); ok && !t.IsZero() {
			rdf.AppendNTriples(&s, t)
		}
		s.WriteByte(0) // cannot occur in N-Triples output
	}
	return rdf.String(s.String())
}

// distinctAggregator passes each distinct term to inner once. Terms are
// distinct as RDF terms (1 and 01 are distinct), language tags ignoring
// case.
type distinctAggregator struct {
	inner Aggregator
	seen  map[rdf.Term]struct{}
}

func (d *distinctAggregator) Add(t rdf.Term, err error) {
	if err != nil {
		d.inner.Add(t, err)
		return
	}
	key := t
	key.Lang = strings.ToLower(key.Lang)
	if _, ok := d.seen[key]; ok {
		return
	}
	d.seen[key] = struct{}{}
	d.inner.Add(t, nil)
}

func (d *distinctAggregator) Result() (rdf.Term, error) { return d.inner.Result() }

// countAggregator implements COUNT.
type countAggregator struct {
	all bool // COUNT(*)
	n   int64
}

func (c *countAggregator) Add(t rdf.Term, err error) {
	if c.all || err == nil && !t.IsZero() {
		c.n++
	}
}

func (c *countAggregator) Result() (rdf.Term, error) {
	return number{kind: kindInteger, i: c.n}.term(), nil
}

// sumAggregator implements SUM and AVG with op:numeric-add, and AVG's
// final op:numeric-divide. The sum of nothing is 0, and so is the
// average.
type sumAggregator struct {
	average bool
	sum     number
	n       int64
	err     error
}

func (s *sumAggregator) Add(t rdf.Term, err error) {
	if s.err != nil {
		return
	}
	if err != nil {
		s.err = err
		return
	}
	x, err := numericArg(s.name(), t)
	if err != nil {
		s.err = err
		return
	}
	if s.n == 0 {
		s.sum = x
	} else {
		s.sum, s.err = arithNumbers("+", s.sum, x)
	}
	s.n++
}

func (s *sumAggregator) name() string {
	if s.average {
		return "AVG"
	}
	return "SUM"
}

func (s *sumAggregator) Result() (rdf.Term, error) {
	if s.err != nil {
		return rdf.Term{}, s.err
	}
	if s.n == 0 {
		return number{kind: kindInteger}.term(), nil
	}
	if !s.average {
		return s.sum.term(), nil
	}
	avg, err := arithNumbers("/", s.sum, number{kind: kindInteger, i: s.n})
	if err != nil {
		return rdf.Term{}, err
	}
	return avg.term(), nil
}

// extremeAggregator implements MIN (sign -1) and MAX (sign +1) with the
// order of ORDER BY.
type extremeAggregator struct {
	sign int
	name string
	best rdf.Term
	has  bool
}

func (e *extremeAggregator) Add(t rdf.Term, err error) {
	if err != nil || t.IsZero() {
		return
	}
	if !e.has || OrderCompare(t, e.best)*e.sign > 0 {
		e.best, e.has = t, true
	}
}

func (e *extremeAggregator) Result() (rdf.Term, error) {
	if !e.has {
		return rdf.Term{}, errorf(e.name, "empty group")
	}
	return e.best, nil
}

// sampleAggregator implements SAMPLE: the first value.
type sampleAggregator struct {
	value rdf.Term
}

func (s *sampleAggregator) Add(t rdf.Term, err error) {
	if err == nil && s.value.IsZero() {
		s.value = t
	}
}

func (s *sampleAggregator) Result() (rdf.Term, error) {
	if s.value.IsZero() {
		return rdf.Term{}, errorf("SAMPLE", "empty group")
	}
	return s.value, nil
}

// concatAggregator implements GROUP_CONCAT: the string forms (as STR
// gives them) of the values, joined by the separator, as a simple literal.
type concatAggregator struct {
	separator string
	b         strings.Builder
	n         int
	err       error
}

func (c *concatAggregator) Add(t rdf.Term, err error) {
	if c.err != nil {
		return
	}
	if err != nil {
		c.err = err
		return
	}
	if t.Kind != rdf.KindLiteral && t.Kind != rdf.KindIRI {
		c.err = errorf("GROUP_CONCAT", "no string form for "+t.String())
		return
	}
	if c.n > 0 {
		c.b.WriteString(c.separator)
	}
	c.b.WriteString(t.Value)
	c.n++
}

func (c *concatAggregator) Result() (rdf.Term, error) {
	if c.err != nil {
		return rdf.Term{}, c.err
	}
	return rdf.String(c.b.String()), nil
}
