package expr

import (
	"strconv"
	"strings"

	"github.com/kplane/kplane/graph/rdf"
)

// dateTime is the value of an xsd:dateTime, xsd:date or xsd:time literal
// as written: the fields in local time and the timezone, if any. A date
// has a zero time; a time has the date 1972-12-31, the reference date XSD
// compares times on.
type dateTime struct {
	year                 int64
	month, day           int
	hour, minute, second int    // hour 24 only as 24:00:00, the end of the day
	frac                 string // fractional second digits, without trailing zeros
	tzMinutes            int    // offset from UTC
	hasTZ                bool
	tzLex                string // the timezone as written: "Z", "-08:00" or ""
}

// parseDateTime parses the lexical form of xsd:dateTime:
// -?yyyy-mm-ddThh:mm:ss(.s+)?(Z|(+|-)hh:mm)?
func parseDateTime(s string) (dateTime, bool) {
	d, rest, ok := parseDatePart(s)
	if !ok || rest == "" || rest[0] != 'T' {
		return dateTime{}, false
	}
	rest, ok = parseTimePart(&d, rest[1:])
	if !ok {
		return dateTime{}, false
	}
	return d, parseTimezone(&d, rest)
}

// parseDate parses the lexical form of xsd:date: -?yyyy-mm-dd with an
// optional timezone.
func parseDate(s string) (dateTime, bool) {
	d, rest, ok := parseDatePart(s)
	if !ok {
		return dateTime{}, false
	}
	return d, parseTimezone(&d, rest)
}

// parseTime parses the lexical form of xsd:time: hh:mm:ss(.s+)? with an
// optional timezone.
func parseTime(s string) (dateTime, bool) {
	d := dateTime{year: 1972, month: 12, day: 31}
	rest, ok := parseTimePart(&d, s)
	if !ok {
		return dateTime{}, false
	}
	return d, parseTimezone(&d, rest)
}

// digits parses exactly n decimal digits at the start of s.
func digits(s string, n int) (int, bool) {
	if len(s) < n {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func parseDatePart(s string) (dateTime, string, bool) {
	var d dateTime
	neg := false
	if s != "" && s[0] == '-' {
		neg, s = true, s[1:]
	}
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	// Four digits at least; more only without a leading zero.
	if n < 4 || n > 4 && s[0] == '0' || n > 15 {
		return d, "", false
	}
	y, _ := strconv.ParseInt(s[:n], 10, 64)
	if neg {
		y = -y
	}
	d.year, s = y, s[n:]
	if len(s) < 6 || s[0] != '-' || s[3] != '-' {
		return d, "", false
	}
	var ok1, ok2 bool
	d.month, ok1 = digits(s[1:], 2)
	d.day, ok2 = digits(s[4:], 2)
	if !ok1 || !ok2 || d.month < 1 || d.month > 12 || d.day < 1 || d.day > daysIn(d.year, d.month) {
		return d, "", false
	}
	return d, s[6:], true
}

func parseTimePart(d *dateTime, s string) (string, bool) {
	if len(s) < 8 || s[2] != ':' || s[5] != ':' {
		return "", false
	}
	var ok1, ok2, ok3 bool
	d.hour, ok1 = digits(s, 2)
	d.minute, ok2 = digits(s[3:], 2)
	d.second, ok3 = digits(s[6:], 2)
	if !ok1 || !ok2 || !ok3 || d.minute > 59 || d.second > 59 || d.hour > 24 {
		return "", false
	}
	s = s[8:]
	if s != "" && s[0] == '.' {
		n := 1
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		if n == 1 {
			return "", false
		}
		d.frac = strings.TrimRight(s[1:n], "0")
		s = s[n:]
	}
	if d.hour == 24 && (d.minute != 0 || d.second != 0 || d.frac != "") {
		return "", false
	}
	return s, true
}

func parseTimezone(d *dateTime, s string) bool {
	switch {
	case s == "":
		return true
	case s == "Z":
		d.hasTZ, d.tzLex = true, s
		return true
	case len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':':
		h, ok1 := digits(s[1:], 2)
		m, ok2 := digits(s[4:], 2)
		if !ok1 || !ok2 || m > 59 || h > 14 || h == 14 && m != 0 {
			return false
		}
		d.tzMinutes = h*60 + m
		if s[0] == '-' {
			d.tzMinutes = -d.tzMinutes
		}
		d.hasTZ, d.tzLex = true, s
		return true
	}
	return false
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int64, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days from 1970-01-01 to y-m-d in the
// proleptic Gregorian calendar.
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// instant returns the seconds since 1970-01-01T00:00:00Z that d denotes,
// taking a value without a timezone as UTC.
func (d dateTime) instant() int64 {
	secs := daysFromCivil(d.year, d.month, d.day)*86400 + int64(d.hour)*3600 + int64(d.minute)*60 + int64(d.second)
	return secs - int64(d.tzMinutes)*60
}

// compareInstants compares two instants given as seconds and fractional
// digits.
func compareInstants(s1 int64, f1 string, s2 int64, f2 string) int {
	switch {
	case s1 < s2:
		return -1
	case s1 > s2:
		return 1
	}
	return strings.Compare(f1, f2)
}

// maxTZSeconds is the largest timezone offset, 14 hours.
const maxTZSeconds = 14 * 3600

// compareDateTimes orders two date/time values as XSD does (section
// 3.2.7.4 of XML Schema Part 2): when one has a timezone and the other not,
// the order is known only if it holds whatever the missing timezone; ok is
// false when it is indeterminate.
func compareDateTimes(a, b dateTime) (c int, ok bool) {
	if a.hasTZ == b.hasTZ {
		return compareInstants(a.instant(), a.frac, b.instant(), b.frac), true
	}
	flip := 1
	if !a.hasTZ {
		a, b, flip = b, a, -1
	}
	// a has a timezone, b has none: b stands for any instant within 14
	// hours of its value read as UTC.
	p, q := a.instant(), b.instant()
	if compareInstants(p, a.frac, q-maxTZSeconds, b.frac) < 0 {
		return -flip, true
	}
	if compareInstants(p, a.frac, q+maxTZSeconds, b.frac) > 0 {
		return flip, true
	}
	return 0, false
}

// dateTimeArg parses an argument that must be an xsd:dateTime, or, when
// dateOK, an xsd:date.
func dateTimeArg(op string, t rdf.Term, dateOK bool) (dateTime, error) {
	if t.Kind == rdf.KindLiteral {
		switch {
		case t.Datatype == rdf.XSDDateTime:
			if d, ok := parseDateTime(t.Value); ok {
				return d, nil
			}
		case t.Datatype == rdf.XSDDate && dateOK:
			if d, ok := parseDate(t.Value); ok {
				return d, nil
			}
		}
	}
	if t.IsZero() {
		return dateTime{}, errUnbound
	}
	return dateTime{}, errorf(op, "not an xsd:dateTime: "+t.String())
}

// fnDateTimeField implements YEAR, MONTH, DAY, HOURS, MINUTES and SECONDS.
// The fields are those of the value as written, in its own timezone.
func fnDateTimeField(op string, t rdf.Term) (rdf.Term, error) {
	d, err := dateTimeArg(op, t, op == "YEAR" || op == "MONTH" || op == "DAY")
	if err != nil {
		return rdf.Term{}, err
	}
	var v int64
	switch op {
	case "YEAR":
		v = d.year
	case "MONTH":
		v = int64(d.month)
	case "DAY":
		v = int64(d.day)
	case "HOURS":
		v = int64(d.hour)
	case "MINUTES":
		v = int64(d.minute)
	case "SECONDS":
		s := strconv.Itoa(d.second)
		if d.frac != "" {
			return rdf.Literal(s+"."+d.frac, rdf.XSDDecimal), nil
		}
		return rdf.Literal(s+".0", rdf.XSDDecimal), nil
	}
	return rdf.Literal(strconv.FormatInt(v, 10), rdf.XSDInteger), nil
}

// fnTimezone implements TIMEZONE: the timezone as an xsd:dayTimeDuration;
// an error when there is none.
func fnTimezone(t rdf.Term) (rdf.Term, error) {
	d, err := dateTimeArg("TIMEZONE", t, true)
	if err != nil {
		return rdf.Term{}, err
	}
	if !d.hasTZ {
		return rdf.Term{}, errorf("TIMEZONE", "no timezone in "+t.String())
	}
	return rdf.Literal(formatDayTimeDuration(d.tzMinutes), rdf.XSDDayTimeDuration), nil
}

// formatDayTimeDuration writes a number of minutes in the canonical form of
// xsd:dayTimeDuration: "PT0S", "-PT8H", "PT5H30M".
func formatDayTimeDuration(minutes int) string {
	if minutes == 0 {
		return "PT0S"
	}
	var b strings.Builder
	if minutes < 0 {
		b.WriteByte('-')
		minutes = -minutes
	}
	b.WriteString("PT")
	if h := minutes / 60; h > 0 {
		b.WriteString(strconv.Itoa(h))
		b.WriteByte('H')
	}
	if m := minutes % 60; m > 0 {
		b.WriteString(strconv.Itoa(m))
		b.WriteByte('M')
	}
	return b.String()
}

// fnTZ implements TZ: the timezone as written, or "" when there is none.
func fnTZ(t rdf.Term) (rdf.Term, error) {
	d, err := dateTimeArg("TZ", t, true)
	if err != nil {
		return rdf.Term{}, err
	}
	return rdf.String(d.tzLex), nil
}

// nowLayout is the layout of NOW()'s xsd:dateTime: fractional seconds
// without trailing zeros, "Z" for UTC.
const nowLayout = "2006-01-02T15:04:05.999999999Z07:00"

// fnNow implements NOW.
func fnNow(env *Env) rdf.Term {
	return rdf.Literal(env.now().Format(nowLayout), rdf.XSDDateTime)
}
