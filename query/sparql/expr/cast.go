package expr

import (
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// isCastTarget reports whether iri names a datatype Cast converts to.
func isCastTarget(iri string) bool {
	switch iri {
	case rdf.XSDString, rdf.XSDBoolean, rdf.XSDInteger, rdf.XSDDecimal, rdf.XSDFloat, rdf.XSDDouble,
		rdf.XSDDateTime, rdf.XSDDate:
		return true
	}
	_, ok := integerRanges[iri]
	return ok
}

// Cast converts t to the XSD datatype target, as the constructor function
// xsd:T(t) does (section 17.5 and XPath's casting rules): targets are
// xsd:string, boolean, integer and the types derived from it, decimal,
// float, double, dateTime and date. Strings are cast through the target's
// lexical space (so "1.5" cannot become an integer), numbers to integers
// truncate, numbers to booleans are false for zero and NaN, booleans to
// numbers are 1 and 0; an IRI can only become a string. The result is in
// canonical form. Every impossible cast is an expression error.
func Cast(t rdf.Term, target string) (rdf.Term, error) {
	op := "cast to <" + target + ">"
	switch t.Kind {
	case rdf.KindNone:
		return rdf.Term{}, errUnbound
	case rdf.KindIRI:
		if target == rdf.XSDString {
			return rdf.String(t.Value), nil
		}
		return rdf.Term{}, errorf(op, "cannot cast an IRI")
	case rdf.KindBlank:
		return rdf.Term{}, errorf(op, "cannot cast a blank node")
	}
	if !isCastTarget(target) {
		return rdf.Term{}, errorf(op, "unsupported target datatype")
	}
	switch t.Datatype {
	case rdf.XSDString:
		return castString(op, strings.Trim(t.Value, " \t\n\r"), target)
	case rdf.RDFLangString:
		return rdf.Term{}, errorf(op, "cannot cast a language-tagged string")
	}
	v := parseValue(t)
	switch v.class {
	case classNumeric:
		return castNumber(op, v.num, target)
	case classBoolean:
		return castBoolean(op, v.b, target)
	case classDateTime, classDate:
		return castDateTime(op, t, v, target)
	case classOther:
		if target == rdf.XSDString && !isKnownDatatype(t.Datatype) {
			return rdf.String(t.Value), nil
		}
		return rdf.Term{}, errorf(op, "cannot cast "+t.String())
	}
	if target == rdf.XSDString {
		return rdf.String(t.Value), nil
	}
	return rdf.Term{}, errorf(op, "cannot cast "+t.String())
}

// isKnownDatatype reports whether dt is a datatype whose lexical space
// this package checks; a literal of such a type that failed the check is
// ill-typed and has no value to cast.
func isKnownDatatype(dt string) bool {
	switch dt {
	case rdf.XSDBoolean, rdf.XSDDateTime, rdf.XSDDate, rdf.XSDTime:
		return true
	}
	return isNumericDatatype(dt)
}

// castString casts the (whitespace-trimmed) string s.
func castString(op, s, target string) (rdf.Term, error) {
	bad := func() (rdf.Term, error) {
		return rdf.Term{}, errorf(op, "invalid lexical form "+strconvQuote(s))
	}
	switch target {
	case rdf.XSDString:
		return rdf.String(s), nil
	case rdf.XSDBoolean:
		b, ok := parseBoolean(s)
		if !ok {
			return bad()
		}
		return castBoolean(op, b, target)
	case rdf.XSDDecimal:
		n, ok := parseDecimal(s)
		if !ok {
			return bad()
		}
		return n.term(), nil
	case rdf.XSDFloat, rdf.XSDDouble:
		bitSize := 64
		kind := kindDouble
		if target == rdf.XSDFloat {
			bitSize, kind = 32, kindFloat
		}
		f, ok := parseFloatLexical(s, bitSize)
		if !ok {
			return bad()
		}
		return number{kind: kind, f: f}.term(), nil
	case rdf.XSDDateTime:
		if _, ok := parseDateTime(s); !ok {
			return bad()
		}
		return rdf.Literal(s, rdf.XSDDateTime), nil
	case rdf.XSDDate:
		if _, ok := parseDate(s); !ok {
			return bad()
		}
		return rdf.Literal(s, rdf.XSDDate), nil
	}
	// xsd:integer or a type derived from it.
	n, ok := parseInteger(s)
	if !ok {
		return bad()
	}
	return integerResult(op, n, target)
}

// integerResult returns the integer n as a literal of target, checking the
// range of a derived type.
func integerResult(op string, n number, target string) (rdf.Term, error) {
	t := n.term()
	if target == rdf.XSDInteger {
		return t, nil
	}
	if bounds, ok := integerRanges[target]; ok && !inRange(n, bounds) {
		return rdf.Term{}, errorf(op, t.Value+" is out of range")
	}
	t.Datatype = target
	return t, nil
}

// castNumber casts a numeric value.
func castNumber(op string, n number, target string) (rdf.Term, error) {
	switch target {
	case rdf.XSDString:
		return rdf.String(xpathNumberString(n)), nil
	case rdf.XSDBoolean:
		return Bool(n.sign() != 0), nil
	case rdf.XSDDecimal:
		if n.kind == kindFloat || n.kind == kindDouble {
			if math.IsNaN(n.f) || math.IsInf(n.f, 0) {
				return rdf.Term{}, errorf(op, "cannot cast "+formatFloat(n.f, 64))
			}
			// The shortest decimal that reads back as the same float,
			// not the float's exact binary expansion.
			bitSize := 64
			if n.kind == kindFloat {
				bitSize = 32
			}
			r, _ := new(big.Rat).SetString(strconv.FormatFloat(n.f, 'f', -1, bitSize))
			return number{kind: kindDecimal, rat: r}.term(), nil
		}
		return n.convert(kindDecimal).term(), nil
	case rdf.XSDFloat:
		return n.convert(kindFloat).term(), nil
	case rdf.XSDDouble:
		if n.kind == kindFloat {
			return number{kind: kindDouble, f: n.f}.term(), nil
		}
		return n.convert(kindDouble).term(), nil
	case rdf.XSDDateTime, rdf.XSDDate:
		return rdf.Term{}, errorf(op, "cannot cast a number")
	}
	// To xsd:integer or a derived type: truncate towards zero.
	var i number
	switch n.kind {
	case kindInteger:
		i = n
	case kindDecimal:
		i = integerNumber(new(big.Int).Quo(n.rat.Num(), n.rat.Denom()))
	default:
		if math.IsNaN(n.f) || math.IsInf(n.f, 0) {
			return rdf.Term{}, errorf(op, "cannot cast "+formatFloat(n.f, 64))
		}
		f := math.Trunc(n.f)
		if f >= -(1<<63) && f < 1<<63 {
			i = number{kind: kindInteger, i: int64(f)}
		} else {
			v, _ := new(big.Float).SetFloat64(f).Int(nil)
			i = integerNumber(v)
		}
	}
	return integerResult(op, i, target)
}

// xpathNumberString is the string a number casts to in XPath: integers
// and decimals without exponent or trailing ".0", floats and doubles in
// plain notation between 1e-6 and 1e6 and in canonical scientific
// notation outside.
func xpathNumberString(n number) string {
	switch n.kind {
	case kindInteger:
		return n.term().Value
	case kindDecimal:
		return strings.TrimSuffix(formatDecimal(n.rat), ".0")
	}
	bitSize := 64
	if n.kind == kindFloat {
		bitSize = 32
	}
	abs := math.Abs(n.f)
	switch {
	case math.IsNaN(n.f) || math.IsInf(n.f, 0):
		return formatFloat(n.f, bitSize)
	case n.f == 0:
		if math.Signbit(n.f) {
			return "-0"
		}
		return "0"
	case abs >= 1e-6 && abs < 1e6:
		return strconv.FormatFloat(n.f, 'f', -1, bitSize)
	}
	return formatFloat(n.f, bitSize)
}

// castBoolean casts a boolean value.
func castBoolean(op string, b bool, target string) (rdf.Term, error) {
	one := 0
	if b {
		one = 1
	}
	switch target {
	case rdf.XSDString:
		return rdf.String(strconv.FormatBool(b)), nil
	case rdf.XSDBoolean:
		return Bool(b), nil
	case rdf.XSDDecimal:
		return rdf.Literal(strconv.Itoa(one)+".0", rdf.XSDDecimal), nil
	case rdf.XSDFloat, rdf.XSDDouble:
		return rdf.Literal(strconv.Itoa(one)+".0E0", target), nil
	case rdf.XSDDateTime, rdf.XSDDate:
		return rdf.Term{}, errorf(op, "cannot cast a boolean")
	}
	return integerResult(op, number{kind: kindInteger, i: int64(one)}, target)
}

// castDateTime casts an xsd:dateTime or xsd:date value.
func castDateTime(op string, t rdf.Term, v value, target string) (rdf.Term, error) {
	switch target {
	case rdf.XSDString:
		return rdf.String(t.Value), nil
	case t.Datatype:
		return t, nil
	case rdf.XSDDateTime:
		// A date becomes the dateTime at the start of the day, in the
		// same timezone.
		n := dateEnd(t.Value)
		return rdf.Literal(t.Value[:n]+"T00:00:00"+t.Value[n:], rdf.XSDDateTime), nil
	case rdf.XSDDate:
		// A dateTime keeps its date and timezone.
		date := t.Value[:strings.IndexByte(t.Value, 'T')]
		return rdf.Literal(date+v.dt.tzLex, rdf.XSDDate), nil
	}
	return rdf.Term{}, errorf(op, "cannot cast "+t.String())
}

// dateEnd returns the length of the year-month-day part of a valid
// xsd:date lexical form.
func dateEnd(s string) int {
	i := 0
	if s[0] == '-' {
		i = 1
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i + 6 // "-mm-dd"
}
