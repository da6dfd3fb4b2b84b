package results

import "testing"

func TestFormatForMediaType(t *testing.T) {
	tests := []struct {
		accept, want string
	}{
		{"", FormatJSON},
		{"*/*", FormatJSON},
		{"application/sparql-results+xml", FormatXML},
		{"application/sparql-results+json", FormatJSON},
		{"application/json", FormatJSON},
		{"text/csv", FormatCSV},
		{"text/tab-separated-values; charset=utf-8", FormatTSV},
		{"text/plain", FormatTable},
		{"TEXT/CSV", FormatCSV},
		// q-values decide.
		{"application/sparql-results+json;q=0.5, application/sparql-results+xml", FormatXML},
		{"text/csv;q=0.9, text/tab-separated-values;q=0.95", FormatTSV},
		// Equal weights: the range listed first wins.
		{"application/sparql-results+xml, application/sparql-results+json", FormatXML},
		{"text/tab-separated-values, application/*", FormatTSV},
		{"application/*, text/*", FormatJSON},
		// The most specific range decides a type's weight.
		{"*/*;q=0.1, text/csv;q=0", FormatJSON},
		{"text/*;q=0.2, text/tab-separated-values;q=0.8, */*;q=0.1", FormatTSV},
		{"application/sparql-results+json;q=0, application/json;q=0.3, */*;q=0.1", FormatJSON},
		// A browser: HTML is not offered, */* takes the server's choice.
		{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", FormatXML},
		{"text/html, */*;q=0.8", FormatJSON},
		// Parameters after q are extensions; malformed ranges are ignored.
		{"text/csv;q=0.5;level=1, garbage, text/tab-separated-values;q=0.4", FormatCSV},
		{"text/csv;q=abc, text/tab-separated-values;q=0.1", FormatTSV},
	}
	for _, tt := range tests {
		got, ok := FormatForMediaType(tt.accept)
		if !ok || got != tt.want {
			t.Errorf("FormatForMediaType(%q) = %q, %v; want %q", tt.accept, got, ok, tt.want)
		}
	}
	for _, accept := range []string{"text/html", "image/*", "*/*;q=0", "application/sparql-results+json;q=0"} {
		if got, ok := FormatForMediaType(accept); ok {
			t.Errorf("FormatForMediaType(%q) = %q, want no format", accept, got)
		}
	}
}

func TestQuadFormatForMediaType(t *testing.T) {
	tests := []struct {
		accept, want string
	}{
		{"", FormatTurtle},
		{"application/n-triples", FormatNTriples},
		{"application/n-quads;q=0.9, application/trig", FormatTriG},
		{"text/plain", FormatNTriples},
		{"*/*", FormatTurtle},
	}
	for _, tt := range tests {
		got, ok := QuadFormatForMediaType(tt.accept)
		if !ok || got != tt.want {
			t.Errorf("QuadFormatForMediaType(%q) = %q, %v; want %q", tt.accept, got, ok, tt.want)
		}
	}
}

func TestMediaType(t *testing.T) {
	for _, format := range []string{FormatJSON, FormatXML, FormatCSV, FormatTSV, FormatTable} {
		mt := MediaType(format)
		if got, ok := FormatForMediaType(mt); !ok || got != format {
			t.Errorf("MediaType(%s) = %q, which negotiates to %q", format, mt, got)
		}
	}
	for _, format := range []string{FormatNTriples, FormatNQuads, FormatTurtle, FormatTriG} {
		mt := MediaType(format)
		if got, ok := QuadFormatForMediaType(mt); !ok || got != format {
			t.Errorf("MediaType(%s) = %q, which negotiates to %q", format, mt, got)
		}
	}
	if MediaType("yaml") != "" {
		t.Error("MediaType(yaml) is not empty")
	}
}
