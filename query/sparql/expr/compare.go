package expr

import (
	"math"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// valueClass is a family of literals whose values compare with each other.
// The order of the constants is the order of the families in ORDER BY.
type valueClass uint8

const (
	classNumeric valueClass = iota
	classBoolean
	classDateTime
	classDate
	classTime
	classString     // simple literals and xsd:string
	classLangString // rdf:langString
	classOther      // unknown datatypes and ill-typed literals
)

// value is the parsed value of a literal.
type value struct {
	class valueClass
	num   number
	b     bool
	dt    dateTime
}

// parseValue classifies a literal and parses its value. A literal of a
// known datatype with an invalid lexical form is classOther: it has no
// value to compare.
func parseValue(t rdf.Term) value {
	switch t.Datatype {
	case rdf.XSDString:
		return value{class: classString}
	case rdf.RDFLangString:
		return value{class: classLangString}
	case rdf.XSDBoolean:
		if b, ok := parseBoolean(t.Value); ok {
			return value{class: classBoolean, b: b}
		}
	case rdf.XSDDateTime:
		if d, ok := parseDateTime(t.Value); ok {
			return value{class: classDateTime, dt: d}
		}
	case rdf.XSDDate:
		if d, ok := parseDate(t.Value); ok {
			return value{class: classDate, dt: d}
		}
	case rdf.XSDTime:
		if d, ok := parseTime(t.Value); ok {
			return value{class: classTime, dt: d}
		}
	default:
		if n, ok := parseNumber(t); ok {
			return value{class: classNumeric, num: n}
		}
	}
	return value{class: classOther}
}

// parseBoolean parses the lexical form of xsd:boolean.
func parseBoolean(s string) (v, ok bool) {
	switch s {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// compareSameClass compares the values of two literals of the same class,
// which is neither classLangString nor classOther. ok is false when they
// are unordered: NaN, or date/times whose order depends on a missing
// timezone.
func compareSameClass(a, b rdf.Term, va, vb *value) (c int, ok bool) {
	switch va.class {
	case classNumeric:
		return compareNumbers(va.num, vb.num)
	case classBoolean:
		switch {
		case va.b == vb.b:
			return 0, true
		case vb.b:
			return -1, true
		}
		return 1, true
	case classDateTime, classDate, classTime:
		return compareDateTimes(va.dt, vb.dt)
	case classString:
		return strings.Compare(a.Value, b.Value), true
	}
	return 0, false
}

// compareIntegers is the fast path of the comparisons for the most common
// case, two valid xsd:integer literals; ok is false for anything else.
func compareIntegers(a, b rdf.Term) (c int, ok bool) {
	if a.Datatype != rdf.XSDInteger || b.Datatype != rdf.XSDInteger {
		return 0, false
	}
	x, ok1 := parseInteger(a.Value)
	y, ok2 := parseInteger(b.Value)
	if !ok1 || !ok2 {
		return 0, false
	}
	return compareNumbers(x, y)
}

// Equal implements = (RDFterm-equal, section 17.4.1.7, extended with value
// equality for the datatypes the operator table of section 17.3 knows).
// Terms that are not both literals are equal when they are the same term.
// Literals of known datatypes compare by value: 1 = 1.0 is true, NaN =
// NaN false, and literals of different known types (a number and a
// string, a string and a language-tagged string) are known to differ.
// Literals of an unknown datatype, or ill-typed ones, are equal to
// themselves; against any other literal (but a language-tagged one) the
// answer is unknown and Equal returns an error. So is a comparison of
// date/times that depends on a missing timezone.
func Equal(a, b rdf.Term) (bool, error) {
	if a.IsZero() || b.IsZero() {
		return false, errUnbound
	}
	if a.Kind != rdf.KindLiteral || b.Kind != rdf.KindLiteral {
		return a.Equal(b), nil
	}
	if a.Datatype == rdf.XSDString && b.Datatype == rdf.XSDString {
		return a.Value == b.Value, nil
	}
	if c, ok := compareIntegers(a, b); ok {
		return c == 0, nil
	}
	va, vb := parseValue(a), parseValue(b)
	switch {
	case va.class == classLangString || vb.class == classLangString:
		return a.Equal(b), nil
	case va.class == classOther || vb.class == classOther:
		if a.Equal(b) {
			return true, nil
		}
		return false, errorf("=", "cannot compare "+a.String()+" with "+b.String())
	case va.class != vb.class:
		return false, nil
	}
	c, ok := compareSameClass(a, b, &va, &vb)
	if !ok {
		if va.class == classNumeric {
			return false, nil // NaN equals nothing
		}
		return false, errorf("=", "indeterminate comparison of "+a.String()+" with "+b.String())
	}
	return c == 0, nil
}

// Compare implements the ordering of < and > (section 17.3): numbers by
// value after promotion, strings by code point, booleans with false <
// true, date/times as XSD orders them. Anything else, NaN, and date/times
// whose order depends on a missing timezone are errors.
func Compare(a, b rdf.Term) (int, error) {
	c, ordered, err := compareOrdered(a, b)
	if err == nil && !ordered {
		return 0, errorf("<", "unordered values "+a.String()+" and "+b.String())
	}
	return c, err
}

// compareOrdered is Compare reporting NaN as unordered rather than as an
// error, which the operators need: NaN < 1 is false, not an error.
func compareOrdered(a, b rdf.Term) (c int, ordered bool, err error) {
	if a.IsZero() || b.IsZero() {
		return 0, false, errUnbound
	}
	if a.Kind == rdf.KindLiteral && b.Kind == rdf.KindLiteral {
		if a.Datatype == rdf.XSDString && b.Datatype == rdf.XSDString {
			return strings.Compare(a.Value, b.Value), true, nil
		}
		if c, ok := compareIntegers(a, b); ok {
			return c, true, nil
		}
		va, vb := parseValue(a), parseValue(b)
		if va.class == vb.class && va.class != classLangString && va.class != classOther {
			c, ok := compareSameClass(a, b, &va, &vb)
			if ok {
				return c, true, nil
			}
			if va.class == classNumeric {
				return 0, false, nil
			}
			return 0, false, errorf("<", "indeterminate comparison of "+a.String()+" with "+b.String())
		}
	}
	return 0, false, errorf("<", "cannot compare "+a.String()+" with "+b.String())
}

// compareOp evaluates one of the operators = != < > <= >=.
func compareOp(op string, a, b rdf.Term) (rdf.Term, error) {
	switch op {
	case "=":
		eq, err := Equal(a, b)
		if err != nil {
			return rdf.Term{}, err
		}
		return Bool(eq), nil
	case "!=":
		eq, err := Equal(a, b)
		if err != nil {
			return rdf.Term{}, err
		}
		return Bool(!eq), nil
	}
	c, ordered, err := compareOrdered(a, b)
	if err != nil {
		return rdf.Term{}, err
	}
	if !ordered {
		return termFalse, nil
	}
	switch op {
	case "<":
		return Bool(c < 0), nil
	case ">":
		return Bool(c > 0), nil
	case "<=":
		return Bool(c <= 0), nil
	}
	return Bool(c >= 0), nil
}

// kindRank orders the kinds of term for ORDER BY (section 15.1).
func kindRank(k rdf.Kind) int {
	switch k {
	case rdf.KindBlank:
		return 1
	case rdf.KindIRI:
		return 2
	case rdf.KindLiteral:
		return 3
	}
	return 0
}

// OrderCompare is the total order of ORDER BY (section 15.1): unbound
// (the zero Term) before blank nodes before IRIs before literals. Blank
// nodes and IRIs compare by label and by IRI. Literals are grouped by
// family — numbers, booleans, dateTimes, dates, times, strings,
// language-tagged strings, others — and ordered by value within the
// family (NaN first among numbers; date/times without a timezone as if in
// UTC). Distinct terms of equal value, like 1 and 1.0, are ordered by
// datatype IRI, then lexical form, then language tag, so that OrderCompare
// returns 0 only for the same term.
func OrderCompare(a, b rdf.Term) int {
	if ra, rb := kindRank(a.Kind), kindRank(b.Kind); ra != rb {
		return ra - rb
	}
	if a.Kind != rdf.KindLiteral {
		return strings.Compare(a.Value, b.Value)
	}
	if a.Datatype == rdf.XSDString && b.Datatype == rdf.XSDString {
		return strings.Compare(a.Value, b.Value)
	}
	va, vb := parseValue(a), parseValue(b)
	if va.class != vb.class {
		return int(va.class) - int(vb.class)
	}
	c := 0
	switch va.class {
	case classNumeric:
		nanA, nanB := va.num.isNaN(), vb.num.isNaN()
		switch {
		case nanA && nanB:
		case nanA:
			c = -1
		case nanB:
			c = 1
		default:
			c, _ = compareNumbers(va.num, vb.num)
		}
	case classDateTime, classDate, classTime:
		c = compareInstants(va.dt.instant(), va.dt.frac, vb.dt.instant(), vb.dt.frac)
	case classLangString:
		c = strings.Compare(a.Value, b.Value)
		if c == 0 {
			c = strings.Compare(strings.ToLower(a.Lang), strings.ToLower(b.Lang))
		}
	case classOther:
		// Unknown datatypes: by datatype first so that the literals of
		// one datatype stay together.
		c = strings.Compare(a.Datatype, b.Datatype)
	default:
		c, _ = compareSameClass(a, b, &va, &vb)
	}
	if c != 0 {
		return c
	}
	if c = strings.Compare(a.Datatype, b.Datatype); c != 0 {
		return c
	}
	if c = strings.Compare(a.Value, b.Value); c != 0 {
		return c
	}
	return strings.Compare(strings.ToLower(a.Lang), strings.ToLower(b.Lang))
}

// isNaN reports whether n is a float or double NaN.
func (n number) isNaN() bool {
	return (n.kind == kindFloat || n.kind == kindDouble) && math.IsNaN(n.f)
}
