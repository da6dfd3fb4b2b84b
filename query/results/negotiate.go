package results

import (
	"strconv"
	"strings"
)

// Media types of the result formats: the SPARQL 1.1 ones and plain text
// for the table.
const (
	MediaTypeJSON  = "application/sparql-results+json"
	MediaTypeXML   = "application/sparql-results+xml"
	MediaTypeCSV   = "text/csv"
	MediaTypeTSV   = "text/tab-separated-values"
	MediaTypeTable = "text/plain"
)

// offer is a format a negotiation can choose and the media types that
// select it, preferred first.
type offer struct {
	format     string
	mediaTypes []string
}

// resultOffers are the result formats in the server's order of preference,
// which breaks ties between equally acceptable formats.
var resultOffers = []offer{
	{FormatJSON, []string{MediaTypeJSON, "application/json"}},
	{FormatXML, []string{MediaTypeXML, "application/xml", "text/xml"}},
	{FormatCSV, []string{MediaTypeCSV}},
	{FormatTSV, []string{MediaTypeTSV}},
	{FormatTable, []string{MediaTypeTable}},
}

// Media types of the graph formats.
const (
	MediaTypeNTriples = "application/n-triples"
	MediaTypeNQuads   = "application/n-quads"
	MediaTypeTurtle   = "text/turtle"
	MediaTypeTriG     = "application/trig"
)

var graphOffers = []offer{
	{FormatTurtle, []string{MediaTypeTurtle, "application/x-turtle"}},
	{FormatNTriples, []string{MediaTypeNTriples, "text/plain"}},
	{FormatTriG, []string{MediaTypeTriG}},
	{FormatNQuads, []string{MediaTypeNQuads}},
}

// FormatForMediaType chooses the result format to answer a request with,
// given its Accept header. It follows RFC 9110: each media range may carry
// a q-value (default 1, q=0 means "not acceptable"), and a format's quality
// is that of the most specific range matching one of its media types
// (type/subtype before type/* before */*). The format with the highest
// quality wins; ties go to the range listed first, then to the server's
// preference (json, xml, csv, tsv, table). An empty header accepts
// anything and yields json. It reports false when no format is acceptable.
func FormatForMediaType(accept string) (string, bool) {
	return negotiate(accept, resultOffers)
}

// QuadFormatForMediaType is FormatForMediaType for graph results (CONSTRUCT,
// DESCRIBE and exports). It chooses among turtle, ntriples, trig and nquads,
// preferring them in that order.
func QuadFormatForMediaType(accept string) (string, bool) {
	return negotiate(accept, graphOffers)
}

// MediaType returns the Content-Type to send with output in the named
// result or graph format, or "" for an unknown format.
func MediaType(format string) string {
	switch strings.ToLower(format) {
	case FormatJSON:
		return MediaTypeJSON
	case FormatXML:
		return MediaTypeXML
	case FormatCSV:
		return MediaTypeCSV + "; charset=utf-8"
	case FormatTSV:
		return MediaTypeTSV + "; charset=utf-8"
	case FormatTable:
		return MediaTypeTable + "; charset=utf-8"
	case FormatNTriples:
		return MediaTypeNTriples
	case FormatNQuads:
		return MediaTypeNQuads
	case FormatTurtle:
		return MediaTypeTurtle
	case FormatTriG:
		return MediaTypeTriG
	}
	return ""
}

// mediaRange is one element of an Accept header.
type mediaRange struct {
	typ, subtype string
	q            float64
	pos          int
}

// specificity ranks how closely r names a media type: 2 for type/subtype,
// 1 for type/*, 0 for */*.
func (r mediaRange) specificity() int {
	switch {
	case r.typ == "*":
		return 0
	case r.subtype == "*":
		return 1
	}
	return 2
}

func (r mediaRange) matches(typ, subtype string) bool {
	return (r.typ == "*" || r.typ == typ) && (r.subtype == "*" || r.subtype == subtype)
}

// parseAccept parses an Accept header, skipping malformed elements.
func parseAccept(accept string) []mediaRange {
	var ranges []mediaRange
	for pos, elem := range strings.Split(accept, ",") {
		params := strings.Split(elem, ";")
		typ, subtype, ok := strings.Cut(strings.ToLower(strings.TrimSpace(params[0])), "/")
		if !ok || typ == "" || subtype == "" || (typ == "*" && subtype != "*") {
			continue
		}
		r := mediaRange{typ: typ, subtype: subtype, q: 1, pos: pos}
		for _, p := range params[1:] {
			name, value, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(name), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
				if err != nil || q < 0 || q > 1 {
					q = 0 // An invalid weight makes the range unusable.
				}
				r.q = q
				// Parameters after q are accept-extensions, not
				// media type parameters.
				break
			}
		}
		ranges = append(ranges, r)
	}
	return ranges
}

// quality returns the weight the Accept ranges give o: for each of its
// media types the most specific matching range decides, and the best of
// its media types counts. pos is where the deciding range stands in the
// header; ok is false if o is not acceptable.
func (o offer) quality(ranges []mediaRange) (q float64, pos int, ok bool) {
	for _, mt := range o.mediaTypes {
		typ, subtype, _ := strings.Cut(mt, "/")
		var match *mediaRange
		for i := range ranges {
			r := &ranges[i]
			if r.matches(typ, subtype) && (match == nil || r.specificity() > match.specificity()) {
				match = r
			}
		}
		if match == nil || match.q == 0 {
			continue
		}
		if !ok || match.q > q || (match.q == q && match.pos < pos) {
			q, pos, ok = match.q, match.pos, true
		}
	}
	return q, pos, ok
}

func negotiate(accept string, offers []offer) (string, bool) {
	if strings.TrimSpace(accept) == "" {
		return offers[0].format, true
	}
	ranges := parseAccept(accept)
	best, bestQ, bestPos := "", 0.0, 0
	for _, o := range offers {
		q, pos, ok := o.quality(ranges)
		if !ok {
			continue
		}
		if best == "" || q > bestQ || (q == bestQ && pos < bestPos) {
			best, bestQ, bestPos = o.format, q, pos
		}
	}
	return best, best != ""
}
