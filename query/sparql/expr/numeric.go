package expr

import (
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// numKind is a numeric type of the XPath promotion order: an operation on
// two numbers is done in the larger kind of the two.
type numKind uint8

const (
	kindInteger numKind = iota
	kindDecimal
	kindFloat
	kindDouble
)

// number is the value of a numeric literal. An integer is held in i, or in
// big when it does not fit in an int64; a decimal in rat (always finite:
// every decimal this package produces has a terminating expansion); a
// float or double in f (a float is a float64 holding a float32 value).
type number struct {
	kind numKind
	i    int64
	big  *big.Int
	rat  *big.Rat
	f    float64
}

// integerRanges are the bounds of the types derived from xsd:integer; a
// nil bound is unbounded.
var integerRanges = map[string][2]*big.Int{
	rdf.XSDNonNegativeInteger: {big.NewInt(0), nil},
	rdf.XSDPositiveInteger:    {big.NewInt(1), nil},
	rdf.XSDNonPositiveInteger: {nil, big.NewInt(0)},
	rdf.XSDNegativeInteger:    {nil, big.NewInt(-1)},
	rdf.XSDLong:               {big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)},
	rdf.XSDInt:                {big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)},
	rdf.XSDShort:              {big.NewInt(math.MinInt16), big.NewInt(math.MaxInt16)},
	rdf.XSDByte:               {big.NewInt(math.MinInt8), big.NewInt(math.MaxInt8)},
	rdf.XSDUnsignedLong:       {big.NewInt(0), new(big.Int).SetUint64(math.MaxUint64)},
	rdf.XSDUnsignedInt:        {big.NewInt(0), big.NewInt(math.MaxUint32)},
	rdf.XSDUnsignedShort:      {big.NewInt(0), big.NewInt(math.MaxUint16)},
	rdf.XSDUnsignedByte:       {big.NewInt(0), big.NewInt(math.MaxUint8)},
}

// isNumericDatatype reports whether dt is one of the numeric datatypes.
func isNumericDatatype(dt string) bool {
	switch dt {
	case rdf.XSDInteger, rdf.XSDDecimal, rdf.XSDFloat, rdf.XSDDouble:
		return true
	}
	_, ok := integerRanges[dt]
	return ok
}

// parseNumber returns the value of a numeric literal, and false for
// anything else, including a numeric literal whose lexical form is not in
// its datatype's lexical space or whose value is out of its range.
func parseNumber(t rdf.Term) (number, bool) {
	if t.Kind != rdf.KindLiteral {
		return number{}, false
	}
	switch t.Datatype {
	case rdf.XSDInteger:
		return parseInteger(t.Value)
	case rdf.XSDDecimal:
		return parseDecimal(t.Value)
	case rdf.XSDDouble:
		f, ok := parseFloatLexical(t.Value, 64)
		return number{kind: kindDouble, f: f}, ok
	case rdf.XSDFloat:
		f, ok := parseFloatLexical(t.Value, 32)
		return number{kind: kindFloat, f: f}, ok
	case rdf.XSDString, rdf.RDFLangString:
		return number{}, false
	}
	bounds, ok := integerRanges[t.Datatype]
	if !ok {
		return number{}, false
	}
	n, ok := parseInteger(t.Value)
	if !ok || !inRange(n, bounds) {
		return number{}, false
	}
	return n, true
}

// inRange reports whether the integer n lies within bounds.
func inRange(n number, bounds [2]*big.Int) bool {
	v := n.bigInt()
	return (bounds[0] == nil || v.Cmp(bounds[0]) >= 0) && (bounds[1] == nil || v.Cmp(bounds[1]) <= 0)
}

// isIntegerLexical reports whether s matches [+-]?[0-9]+.
func isIntegerLexical(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDecimalLexical reports whether s matches [+-]?([0-9]+(.[0-9]*)?|.[0-9]+).
func isDecimalLexical(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	digits, dot := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return digits > 0
}

// parseInteger parses the lexical form of xsd:integer.
func parseInteger(s string) (number, bool) {
	if !isIntegerLexical(s) {
		return number{}, false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return number{kind: kindInteger, i: i}, true
	}
	v, ok := new(big.Int).SetString(s, 10)
	return number{kind: kindInteger, big: v}, ok
}

// parseDecimal parses the lexical form of xsd:decimal.
func parseDecimal(s string) (number, bool) {
	if !isDecimalLexical(s) {
		return number{}, false
	}
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	r, ok := new(big.Rat).SetString(s)
	return number{kind: kindDecimal, rat: r}, ok
}

// parseFloatLexical parses the lexical form of xsd:float (bitSize 32) or
// xsd:double (64): a decimal with an optional exponent, INF, +INF, -INF
// or NaN. A value beyond the range of the type is infinite, as XSD says.
func parseFloatLexical(s string, bitSize int) (float64, bool) {
	switch s {
	case "INF", "+INF":
		return math.Inf(1), true
	case "-INF":
		return math.Inf(-1), true
	case "NaN":
		return math.NaN(), true
	}
	mant, exp := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp = s[:i], s[i+1:]
		if !isIntegerLexical(exp) {
			return 0, false
		}
	}
	if !isDecimalLexical(mant) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, bitSize)
	if err != nil {
		// ParseFloat reports overflow with ±Inf, which is the XSD value.
		if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
			return 0, false
		}
	}
	return f, true
}

// bigInt returns an integer's value as a big.Int (a new one for a small
// integer).
func (n number) bigInt() *big.Int {
	if n.big != nil {
		return n.big
	}
	return big.NewInt(n.i)
}

// toRat returns an integer or decimal as a big.Rat.
func (n number) toRat() *big.Rat {
	switch {
	case n.kind == kindDecimal:
		return n.rat
	case n.big != nil:
		return new(big.Rat).SetInt(n.big)
	}
	return new(big.Rat).SetInt64(n.i)
}

// toFloat returns the value as a float64.
func (n number) toFloat() float64 {
	switch n.kind {
	case kindFloat, kindDouble:
		return n.f
	case kindDecimal:
		f, _ := n.rat.Float64()
		return f
	}
	if n.big != nil {
		f, _ := new(big.Float).SetInt(n.big).Float64()
		return f
	}
	return float64(n.i)
}

// convert returns n as a number of kind k, which is not smaller than
// n.kind.
func (n number) convert(k numKind) number {
	if n.kind == k {
		return n
	}
	switch k {
	case kindDecimal:
		return number{kind: kindDecimal, rat: n.toRat()}
	case kindFloat:
		return number{kind: kindFloat, f: float64(float32(n.toFloat()))}
	case kindDouble:
		return number{kind: kindDouble, f: n.toFloat()}
	}
	return n
}

// sign returns -1, 0 or +1 (0 for NaN).
func (n number) sign() int {
	switch n.kind {
	case kindFloat, kindDouble:
		switch {
		case n.f > 0:
			return 1
		case n.f < 0:
			return -1
		}
		return 0
	case kindDecimal:
		return n.rat.Sign()
	}
	if n.big != nil {
		return n.big.Sign()
	}
	switch {
	case n.i > 0:
		return 1
	case n.i < 0:
		return -1
	}
	return 0
}

// compareNumbers compares two numbers after promotion. ok is false when
// either is NaN: NaN is unordered.
func compareNumbers(a, b number) (c int, ok bool) {
	k := max(a.kind, b.kind)
	switch k {
	case kindInteger:
		if a.big == nil && b.big == nil {
			switch {
			case a.i < b.i:
				return -1, true
			case a.i > b.i:
				return 1, true
			}
			return 0, true
		}
		return a.bigInt().Cmp(b.bigInt()), true
	case kindDecimal:
		return a.toRat().Cmp(b.toRat()), true
	}
	x, y := a.convert(k).f, b.convert(k).f
	switch {
	case math.IsNaN(x) || math.IsNaN(y):
		return 0, false
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

// term returns the literal for n in the canonical form of its type.
func (n number) term() rdf.Term {
	switch n.kind {
	case kindDecimal:
		return rdf.Literal(formatDecimal(n.rat), rdf.XSDDecimal)
	case kindFloat:
		return rdf.Literal(formatFloat(n.f, 32), rdf.XSDFloat)
	case kindDouble:
		return rdf.Literal(formatFloat(n.f, 64), rdf.XSDDouble)
	}
	if n.big != nil {
		return rdf.Literal(n.big.String(), rdf.XSDInteger)
	}
	return rdf.Literal(strconv.FormatInt(n.i, 10), rdf.XSDInteger)
}

// integerNumber returns the integer v, small if it fits in an int64.
func integerNumber(v *big.Int) number {
	if v.IsInt64() {
		return number{kind: kindInteger, i: v.Int64()}
	}
	return number{kind: kindInteger, big: v}
}

// divisionDigits is the number of fractional digits a decimal quotient
// without a terminating expansion is rounded to. XPath leaves the
// precision to the implementation but asks for at least 18 digits.
const divisionDigits = 24

// formatDecimal writes r in the canonical form of xsd:decimal: no
// exponent, no leading zeros, at least one digit on either side of the
// point, no trailing zeros after the first fractional digit.
func formatDecimal(r *big.Rat) string {
	if r.IsInt() {
		return r.Num().String() + ".0"
	}
	digits, exact := terminatingDigits(r.Denom())
	if !exact {
		digits = divisionDigits
	}
	s := r.FloatString(digits)
	s = strings.TrimRight(s, "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	if s == "-0.0" {
		s = "0.0"
	}
	return s
}

// terminatingDigits returns the number of fractional digits of p/d when d
// is of the form 2^a·5^b, and false otherwise.
func terminatingDigits(d *big.Int) (int, bool) {
	if d.IsUint64() {
		u := d.Uint64()
		twos := bits.TrailingZeros64(u)
		u >>= twos
		fives := 0
		for u%5 == 0 {
			u /= 5
			fives++
		}
		return max(twos, fives), u == 1
	}
	v := new(big.Int).Set(d)
	twos := int(v.TrailingZeroBits())
	v.Rsh(v, uint(twos))
	five, m := big.NewInt(5), new(big.Int)
	fives := 0
	for {
		q, r := new(big.Int).QuoRem(v, five, m)
		if r.Sign() != 0 {
			break
		}
		v = q
		fives++
	}
	return max(twos, fives), v.IsInt64() && v.Int64() == 1
}

// formatFloat writes f in the canonical form of xsd:double (bitSize 64)
// or xsd:float (32): a mantissa with one digit before the point and at
// least one after it, then "E" and the exponent: "1.5E0", "-1.0E-3".
func formatFloat(f float64, bitSize int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0E0"
		}
		return "0.0E0"
	}
	s := strconv.FormatFloat(f, 'E', -1, bitSize)
	i := strings.IndexByte(s, 'E')
	mant, exp := s[:i], s[i+1:]
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// numericArg returns the value of a numeric argument of op.
func numericArg(op string, t rdf.Term) (number, error) {
	n, ok := parseNumber(t)
	if !ok {
		if t.IsZero() {
			return number{}, errUnbound
		}
		return number{}, errorf(op, "not a number: "+t.String())
	}
	return n, nil
}

// unaryArith implements unary + and -.
func unaryArith(op string, t rdf.Term) (rdf.Term, error) {
	n, err := numericArg(op, t)
	if err != nil {
		return rdf.Term{}, err
	}
	if op == "+" {
		return n.term(), nil
	}
	return negate(n).term(), nil
}

func negate(n number) number {
	switch n.kind {
	case kindFloat, kindDouble:
		n.f = -n.f
	case kindDecimal:
		n.rat = new(big.Rat).Neg(n.rat)
	default:
		if n.big == nil && n.i != math.MinInt64 {
			n.i = -n.i
		} else {
			n = integerNumber(new(big.Int).Neg(n.bigInt()))
		}
	}
	return n
}

// arith implements the binary operators + - * / (op:numeric-add and the
// others of XPath): both operands are promoted to the larger type, and
// integer division yields a decimal.
func arith(op string, x, y rdf.Term) (rdf.Term, error) {
	a, err := numericArg(op, x)
	if err != nil {
		return rdf.Term{}, err
	}
	b, err := numericArg(op, y)
	if err != nil {
		return rdf.Term{}, err
	}
	n, err := arithNumbers(op, a, b)
	if err != nil {
		return rdf.Term{}, err
	}
	return n.term(), nil
}

// arithNumbers computes a op b.
func arithNumbers(op string, a, b number) (number, error) {
	k := max(a.kind, b.kind)
	if op == "/" && k == kindInteger {
		k = kindDecimal
	}
	a, b = a.convert(k), b.convert(k)
	switch k {
	case kindInteger:
		if a.big == nil && b.big == nil {
			if v, ok := smallArith(op, a.i, b.i); ok {
				return number{kind: kindInteger, i: v}, nil
			}
		}
		x, y, z := a.bigInt(), b.bigInt(), new(big.Int)
		switch op {
		case "+":
			z.Add(x, y)
		case "-":
			z.Sub(x, y)
		case "*":
			z.Mul(x, y)
		}
		return integerNumber(z), nil
	case kindDecimal:
		z := new(big.Rat)
		switch op {
		case "+":
			z.Add(a.rat, b.rat)
		case "-":
			z.Sub(a.rat, b.rat)
		case "*":
			z.Mul(a.rat, b.rat)
		case "/":
			if b.rat.Sign() == 0 {
				return number{}, errorf(op, "division by zero")
			}
			z.Quo(a.rat, b.rat)
			z = roundDecimalQuotient(z)
		}
		return number{kind: kindDecimal, rat: z}, nil
	}
	var f float64
	switch op {
	case "+":
		f = a.f + b.f
	case "-":
		f = a.f - b.f
	case "*":
		f = a.f * b.f
	case "/":
		f = a.f / b.f
	}
	if k == kindFloat {
		f = float64(float32(f))
	}
	return number{kind: k, f: f}, nil
}

// smallArith computes a op b for + - * on int64, reporting false on
// overflow.
func smallArith(op string, a, b int64) (int64, bool) {
	switch op {
	case "+":
		c := a + b
		return c, (c > a) == (b > 0)
	case "-":
		c := a - b
		return c, (c < a) == (b > 0)
	case "*":
		if a == 0 || b == 0 {
			return 0, true
		}
		c := a * b
		return c, c/b == a && !(a == -1 && b == math.MinInt64) && !(b == -1 && a == math.MinInt64)
	}
	return 0, false
}

// roundDecimalQuotient rounds a quotient without a terminating decimal
// expansion to divisionDigits fractional digits, so that every decimal
// value has an exact canonical form.
func roundDecimalQuotient(z *big.Rat) *big.Rat {
	if _, exact := terminatingDigits(z.Denom()); exact {
		return z
	}
	r, _ := new(big.Rat).SetString(z.FloatString(divisionDigits))
	return r
}

// fnRounding implements ABS, ROUND, CEIL and FLOOR, which keep the type of
// their argument. ROUND rounds halves towards positive infinity, as
// fn:round does.
func fnRounding(op string, t rdf.Term) (rdf.Term, error) {
	n, err := numericArg(op, t)
	if err != nil {
		return rdf.Term{}, err
	}
	switch n.kind {
	case kindInteger:
		if op == "ABS" && n.sign() < 0 {
			n = negate(n)
		}
		return n.term(), nil
	case kindDecimal:
		r := n.rat
		switch op {
		case "ABS":
			r = new(big.Rat).Abs(r)
		case "FLOOR":
			r = new(big.Rat).SetInt(floorRat(r))
		case "CEIL":
			r = new(big.Rat).SetInt(new(big.Int).Neg(floorRat(new(big.Rat).Neg(r))))
		case "ROUND":
			half := new(big.Rat).Add(r, big.NewRat(1, 2))
			r = new(big.Rat).SetInt(floorRat(half))
		}
		return number{kind: kindDecimal, rat: r}.term(), nil
	}
	f := n.f
	switch op {
	case "ABS":
		f = math.Abs(f)
	case "FLOOR":
		f = math.Floor(f)
	case "CEIL":
		f = math.Ceil(f)
	case "ROUND":
		f = roundHalfUp(f)
	}
	n.f = f
	return n.term(), nil
}

// roundHalfUp rounds f to the nearest integer, halves towards positive
// infinity, keeping the sign of a zero result (fn:round(-0.4) is -0).
func roundHalfUp(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) || f == 0 {
		return f
	}
	r := math.Floor(f)
	if f-r >= 0.5 {
		r++
	}
	if r == 0 && f < 0 {
		return math.Copysign(0, -1)
	}
	return r
}

// floorRat returns the largest integer not greater than r.
func floorRat(r *big.Rat) *big.Int {
	// Div is Euclidean division, which for the positive denominator of a
	// Rat is floor division.
	return new(big.Int).Div(r.Num(), r.Denom())
}

// fnRand implements RAND: a double in [0, 1).
func fnRand() rdf.Term {
	return number{kind: kindDouble, f: rand.Float64()}.term()
}
