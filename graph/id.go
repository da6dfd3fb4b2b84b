package graph

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/zeebo/xxh3"

	"github.com/kplane/kplane/graph/rdf"
)

// ID is the fixed-size encoding of one RDF term: a tag byte and 15 bytes of
// payload. Terms that fit are stored inline (short strings, numbers, dates,
// booleans): decoding them needs no lookup, and the numeric and temporal
// encodings sort by value, so range filters can run on ids. Everything else
// (IRIs, long strings, language-tagged and other typed literals) is a 120-bit
// hash of the term, and the dictionary maps the id back to the term. Ids are
// derived from the term alone, so writers need no central counter.
//
// The zero ID is "no term": an unbound pattern position or the default graph.
type ID [16]byte

// Tags. Their order is the order ids sort in: terms of one inline numeric or
// temporal type sort together and by value.
const (
	tagNone         byte = 0x00
	tagInstance     byte = 0x01 // a stored copy of a graph (see catalog.go); never a term
	tagIRI          byte = 0x10
	tagBlank        byte = 0x18
	tagStringInline byte = 0x20
	tagString       byte = 0x21
	tagLangString   byte = 0x28
	tagTyped        byte = 0x30
	tagBoolean      byte = 0x40
	tagInteger      byte = 0x41
	tagDecimal      byte = 0x42
	tagDouble       byte = 0x43
	tagFloat        byte = 0x44
	tagDateTime     byte = 0x48
	tagDate         byte = 0x49
)

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id == ID{} }

// Tag returns the id's tag byte, which says how the term is encoded.
func (id ID) Tag() byte { return id[0] }

// IsBlank reports whether id is a blank node.
func (id ID) IsBlank() bool { return id[0] == tagBlank }

// IsIRI reports whether id is an IRI.
func (id ID) IsIRI() bool { return id[0] == tagIRI }

// IsLiteral reports whether id is a literal.
func (id ID) IsLiteral() bool { return id[0] >= tagStringInline }

// inline reports whether the term is fully contained in the id.
func (id ID) inline() bool {
	switch id[0] {
	case tagIRI, tagString, tagLangString, tagTyped:
		return false
	}
	return true
}

func (id ID) String() string { return hex.EncodeToString(id[:]) }

// hashID makes the id of a term that does not fit inline. The tag is part of
// the hashed bytes so that an IRI and a string with the same text differ.
func hashID(tag byte, parts ...string) ID {
	var buf [512]byte
	b := append(buf[:0], tag)
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	sum := xxh3.Hash128(b).Bytes()
	var id ID
	id[0] = tag
	copy(id[1:], sum[:15])
	return id
}

// blankLabelPrefix starts the labels of blank nodes read from the store; the
// rest of the label is the id's payload in hex, so a label maps back to its
// id.
const blankLabelPrefix = "b"

// BlankLabel is the label under which the store shows a blank node id.
func blankLabel(id ID) string {
	return blankLabelPrefix + hex.EncodeToString(id[1:])
}

// blankIDFromLabel maps a blank node label to an id: the store's own labels
// map back to their node, any other label to a node derived from the label.
// Loads never come here: they scope labels to their document (see Load).
func blankIDFromLabel(label string) ID {
	if len(label) == len(blankLabelPrefix)+30 && strings.HasPrefix(label, blankLabelPrefix) {
		var id ID
		if _, err := hex.Decode(id[1:], []byte(label[len(blankLabelPrefix):])); err == nil {
			id[0] = tagBlank
			return id
		}
	}
	id := hashID(tagBlank, label)
	return id
}

// encodeTerm returns the id of t and, when the id is a hash, the dictionary
// entry (the bytes that decodeEntry needs to rebuild t). Blank nodes are
// mapped with blankIDFromLabel.
func encodeTerm(t rdf.Term) (ID, []byte, error) {
	id, hashed, err := termID(t)
	if err != nil || !hashed {
		return id, nil, err
	}
	return id, entryFor(t), nil
}

// termID computes the id of t; hashed reports that it needs a dictionary
// entry. It does not allocate for IRIs and short literals.
func termID(t rdf.Term) (id ID, hashed bool, err error) {
	switch t.Kind {
	case rdf.KindIRI:
		return hashID(tagIRI, t.Value), true, nil
	case rdf.KindBlank:
		return blankIDFromLabel(t.Value), false, nil
	case rdf.KindLiteral:
		id := encodeLiteral(t)
		return id, !id.inline(), nil
	case rdf.KindNone:
		return ID{}, false, nil
	}
	return ID{}, false, fmt.Errorf("graph: cannot encode term of kind %d", t.Kind)
}

// entryFor returns the dictionary entry of a hashed term.
func entryFor(t rdf.Term) []byte {
	switch {
	case t.Kind == rdf.KindIRI:
		return []byte(t.Value)
	case t.Lang != "":
		return []byte(strings.ToLower(t.Lang) + "\x00" + t.Value)
	case t.Datatype == rdf.XSDString || t.Datatype == "":
		return []byte(t.Value)
	}
	return []byte(t.Datatype + "\x00" + t.Value)
}

func encodeLiteral(t rdf.Term) ID {
	var id ID
	lex := t.Value
	if t.Lang != "" {
		lang := strings.ToLower(t.Lang)
		return hashID(tagLangString, lang, lex)
	}
	switch t.Datatype {
	case rdf.XSDString, "":
		if len(lex) <= 15 && strings.IndexByte(lex, 0) < 0 {
			id[0] = tagStringInline
			copy(id[1:], lex)
			return id
		}
		return hashID(tagString, lex)
	case rdf.XSDBoolean:
		if lex == "true" || lex == "false" {
			id[0] = tagBoolean
			if lex == "true" {
				id[1] = 1
			}
			return id
		}
	case rdf.XSDInteger:
		if v, err := strconv.ParseInt(lex, 10, 64); err == nil && strconv.FormatInt(v, 10) == lex {
			id[0] = tagInteger
			binary.BigEndian.PutUint64(id[1:], uint64(v)^(1<<63))
			return id
		}
	case rdf.XSDDecimal:
		if payload, ok := encodeDecimal(lex); ok {
			id[0] = tagDecimal
			copy(id[1:], payload[:])
			return id
		}
	case rdf.XSDDouble, rdf.XSDFloat:
		bits := 64
		tag := tagDouble
		if t.Datatype == rdf.XSDFloat {
			bits, tag = 32, tagFloat
		}
		if v, err := strconv.ParseFloat(lex, bits); err == nil && formatXSDFloat(v, bits) == lex {
			id[0] = tag
			binary.BigEndian.PutUint64(id[1:], sortableFloat(v))
			return id
		}
	case rdf.XSDDateTime:
		if v, ok := parseDateTime(lex, true); ok && v.format(true) == lex {
			id[0] = tagDateTime
			v.put(id[1:])
			return id
		}
	case rdf.XSDDate:
		if v, ok := parseDateTime(lex, false); ok && v.format(false) == lex {
			id[0] = tagDate
			v.put(id[1:])
			return id
		}
	}
	return hashID(tagTyped, t.Datatype, lex)
}

// decodeInline rebuilds a term whose id holds it entirely.
func decodeInline(id ID) (rdf.Term, bool) {
	switch id[0] {
	case tagNone:
		return rdf.Term{}, true
	case tagBlank:
		return rdf.Blank(blankLabel(id)), true
	case tagStringInline:
		n := 15
		for n > 0 && id[n] == 0 {
			n--
		}
		return rdf.String(string(id[1 : 1+n])), true
	case tagBoolean:
		if id[1] == 1 {
			return rdf.Literal("true", rdf.XSDBoolean), true
		}
		return rdf.Literal("false", rdf.XSDBoolean), true
	case tagInteger:
		v := int64(binary.BigEndian.Uint64(id[1:]) ^ (1 << 63))
		return rdf.Literal(strconv.FormatInt(v, 10), rdf.XSDInteger), true
	case tagDecimal:
		return rdf.Literal(decodeDecimal(id[1:]), rdf.XSDDecimal), true
	case tagDouble:
		return rdf.Literal(formatXSDFloat(unsortableFloat(binary.BigEndian.Uint64(id[1:])), 64), rdf.XSDDouble), true
	case tagFloat:
		return rdf.Literal(formatXSDFloat(unsortableFloat(binary.BigEndian.Uint64(id[1:])), 32), rdf.XSDFloat), true
	case tagDateTime:
		return rdf.Literal(getDateTime(id[1:]).format(true), rdf.XSDDateTime), true
	case tagDate:
		return rdf.Literal(getDateTime(id[1:]).format(false), rdf.XSDDate), true
	}
	return rdf.Term{}, false
}

// decodeEntry rebuilds a hashed term from its dictionary entry.
func decodeEntry(id ID, entry []byte) (rdf.Term, error) {
	switch id[0] {
	case tagIRI:
		return rdf.IRI(string(entry)), nil
	case tagString:
		return rdf.String(string(entry)), nil
	case tagLangString, tagTyped:
		s := string(entry)
		i := strings.IndexByte(s, 0)
		if i < 0 {
			return rdf.Term{}, fmt.Errorf("graph: corrupt dictionary entry for %s", id)
		}
		if id[0] == tagLangString {
			return rdf.LangLiteral(s[i+1:], s[:i]), nil
		}
		return rdf.Literal(s[i+1:], s[:i]), nil
	}
	return rdf.Term{}, fmt.Errorf("graph: id %s has no dictionary entry", id)
}

// sortableFloat maps a float to bits whose unsigned order is the numeric
// order (negative numbers have all bits flipped, positive ones the sign bit).
func sortableFloat(v float64) uint64 {
	b := math.Float64bits(v)
	if b&(1<<63) != 0 {
		return ^b
	}
	return b | 1<<63
}

func unsortableFloat(b uint64) float64 {
	if b&(1<<63) != 0 {
		return math.Float64frombits(b &^ (1 << 63))
	}
	return math.Float64frombits(^b)
}

// formatXSDFloat writes the XSD canonical form of a double or float:
// a mantissa with one digit before the point and at least one after, then
// "E" and the exponent ("1.5E3", "1.0E0", "-2.5E-3"), or INF, -INF, NaN.
func formatXSDFloat(v float64, bits int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "INF"
	case math.IsInf(v, -1):
		return "-INF"
	}
	s := strconv.FormatFloat(v, 'E', -1, bits) // e.g. 1.5E+03, 1E+00
	mant, exp, _ := strings.Cut(s, "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	e, _ := strconv.Atoi(exp)
	return mant + "E" + strconv.Itoa(e)
}

// Decimals are stored inline as a fixed-point number with 18 fractional
// digits in 120 bits, two's complement with the sign bit flipped so that
// byte order is numeric order. That covers magnitudes below about 6.6e17.
const decimalScale = 18

var (
	decimalFactor = new(big.Int).Exp(big.NewInt(10), big.NewInt(decimalScale), nil)
	decimalLimit  = new(big.Int).Lsh(big.NewInt(1), 119)
)

// encodeDecimal encodes lex if it is a decimal in the form decodeDecimal
// writes back (so the lexical form survives) and small enough.
func encodeDecimal(lex string) ([15]byte, bool) {
	var out [15]byte
	if !isCanonicalDecimal(lex) {
		return out, false
	}
	r, ok := new(big.Rat).SetString(lex)
	if !ok {
		return out, false
	}
	scaled := new(big.Int).Mul(r.Num(), decimalFactor)
	if new(big.Int).Rem(scaled, r.Denom()).Sign() != 0 {
		return out, false
	}
	scaled.Quo(scaled, r.Denom())
	if scaled.CmpAbs(decimalLimit) >= 0 {
		return out, false
	}
	// Offset by 2^119 so that the value is non-negative and sorts unsigned.
	scaled.Add(scaled, decimalLimit)
	scaled.FillBytes(out[:])
	return out, true
}

func decodeDecimal(p []byte) string {
	v := new(big.Int).SetBytes(p[:15])
	v.Sub(v, decimalLimit)
	neg := v.Sign() < 0
	v.Abs(v)
	q, r := new(big.Int).QuoRem(v, decimalFactor, new(big.Int))
	frac := fmt.Sprintf("%0*s", decimalScale, r.String())
	frac = strings.TrimRight(frac, "0")
	if frac == "" {
		frac = "0"
	}
	s := q.String() + "." + frac
	if neg {
		s = "-" + s
	}
	return s
}

// isCanonicalDecimal accepts the form decodeDecimal produces: an optional
// minus, digits without leading zeros, a point, and fractional digits
// without trailing zeros (or a single 0); "-0.0" is not canonical.
func isCanonicalDecimal(s string) bool {
	if strings.HasPrefix(s, "-") {
		s = s[1:]
		if s == "0.0" {
			return false
		}
	}
	ip, fp, ok := strings.Cut(s, ".")
	if !ok || ip == "" || fp == "" || !allDigits(ip) || !allDigits(fp) {
		return false
	}
	if len(ip) > 1 && ip[0] == '0' {
		return false
	}
	if len(fp) > 1 && fp[len(fp)-1] == '0' || len(fp) > decimalScale {
		return false
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dateTimeValue is an xsd:dateTime or xsd:date in the form the inline
// encoding keeps: seconds since the Unix epoch of the local time shifted to
// UTC (or of the local time itself without a time zone), nanoseconds, and
// the zone offset in minutes (noZone when absent).
type dateTimeValue struct {
	secs  int64
	nanos uint32
	zone  int16
}

const noZone = math.MaxInt16

func (v dateTimeValue) put(p []byte) {
	binary.BigEndian.PutUint64(p, uint64(v.secs)^(1<<63))
	binary.BigEndian.PutUint32(p[8:], v.nanos)
	binary.BigEndian.PutUint16(p[12:], uint16(v.zone))
}

func getDateTime(p []byte) dateTimeValue {
	return dateTimeValue{
		secs:  int64(binary.BigEndian.Uint64(p) ^ (1 << 63)),
		nanos: binary.BigEndian.Uint32(p[8:]),
		zone:  int16(binary.BigEndian.Uint16(p[12:])),
	}
}

// parseDateTime reads the xsd:dateTime (withTime) or xsd:date lexical form
// for years 0001–9999. Only values whose formatting gives back the same
// string are stored inline, so this parser may be strict.
func parseDateTime(s string, withTime bool) (dateTimeValue, bool) {
	var v dateTimeValue
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return v, false
	}
	year, ok1 := atoiN(s[0:4])
	month, ok2 := atoiN(s[5:7])
	day, ok3 := atoiN(s[8:10])
	if !ok1 || !ok2 || !ok3 || year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return v, false
	}
	rest := s[10:]
	hour, minute, sec := 0, 0, 0
	var nanos int
	if withTime {
		if len(rest) < 9 || rest[0] != 'T' || rest[3] != ':' || rest[6] != ':' {
			return v, false
		}
		var ok bool
		if hour, ok = atoiN(rest[1:3]); !ok || hour > 23 {
			return v, false
		}
		if minute, ok = atoiN(rest[4:6]); !ok || minute > 59 {
			return v, false
		}
		if sec, ok = atoiN(rest[7:9]); !ok || sec > 59 {
			return v, false
		}
		rest = rest[9:]
		if len(rest) > 0 && rest[0] == '.' {
			i := 1
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			frac := rest[1:i]
			if frac == "" || len(frac) > 9 {
				return v, false
			}
			n, _ := atoiN(frac)
			for k := len(frac); k < 9; k++ {
				n *= 10
			}
			nanos = n
			rest = rest[i:]
		}
	}
	v.zone = noZone
	switch {
	case rest == "":
	case rest == "Z":
		v.zone = 0
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, ok1 := atoiN(rest[1:3])
		m, ok2 := atoiN(rest[4:6])
		if !ok1 || !ok2 || h > 14 || m > 59 {
			return v, false
		}
		z := h*60 + m
		if rest[0] == '-' {
			z = -z
		}
		v.zone = int16(z)
	default:
		return v, false
	}
	days := daysFromCivil(year, month, day)
	v.secs = days*86400 + int64(hour*3600+minute*60+sec)
	if v.zone != noZone {
		v.secs -= int64(v.zone) * 60
	}
	v.nanos = uint32(nanos)
	return v, true
}

func (v dateTimeValue) format(withTime bool) string {
	secs := v.secs
	if v.zone != noZone {
		secs += int64(v.zone) * 60
	}
	days := secs / 86400
	rem := secs % 86400
	if rem < 0 {
		rem += 86400
		days--
	}
	y, m, d := civilFromDays(days)
	var b strings.Builder
	fmt.Fprintf(&b, "%04d-%02d-%02d", y, m, d)
	if withTime {
		fmt.Fprintf(&b, "T%02d:%02d:%02d", rem/3600, rem/60%60, rem%60)
		if v.nanos != 0 {
			frac := strings.TrimRight(fmt.Sprintf("%09d", v.nanos), "0")
			b.WriteString("." + frac)
		}
	}
	switch {
	case v.zone == noZone:
	case v.zone == 0:
		b.WriteString("Z")
	default:
		z := int(v.zone)
		sign := byte('+')
		if z < 0 {
			sign, z = '-', -z
		}
		fmt.Fprintf(&b, "%c%02d:%02d", sign, z/60, z%60)
	}
	return b.String()
}

func atoiN(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil and civilFromDays convert between proleptic Gregorian dates
// and days since 1970-01-01 (Howard Hinnant's well-known algorithms).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func civilFromDays(z int64) (int, int, int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return int(y), int(m), int(d)
}

// hashBytes is the 128-bit hash the digests use.
func hashBytes(b []byte) digest {
	h := xxh3.Hash128(b)
	return digest{Hi: h.Hi, Lo: h.Lo}
}

// TermID returns the id of a term. Ids depend on the term alone, so this
// needs no store; a hashed term whose id is not in a store simply matches
// nothing there. Blank node labels other than the store's own are mapped
// to a node derived from the label.
func TermID(t rdf.Term) ID {
	id, _, _ := encodeTerm(t)
	return id
}
