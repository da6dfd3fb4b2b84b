package rdf

import "testing"

func TestResolveIRIRFC3986Examples(t *testing.T) {
	// RFC 3986 sections 5.4.1 and 5.4.2.
	const base = "http://a/b/c/d;p?q"
	tests := []struct{ ref, want string }{
		{"g:h", "g:h"},
		{"g", "http://a/b/c/g"},
		{"./g", "http://a/b/c/g"},
		{"g/", "http://a/b/c/g/"},
		{"/g", "http://a/g"},
		{"//g", "http://g"},
		{"?y", "http://a/b/c/d;p?y"},
		{"g?y", "http://a/b/c/g?y"},
		{"#s", "http://a/b/c/d;p?q#s"},
		{"g#s", "http://a/b/c/g#s"},
		{"g?y#s", "http://a/b/c/g?y#s"},
		{";x", "http://a/b/c/;x"},
		{"g;x", "http://a/b/c/g;x"},
		{"g;x?y#s", "http://a/b/c/g;x?y#s"},
		{"", "http://a/b/c/d;p?q"},
		{".", "http://a/b/c/"},
		{"./", "http://a/b/c/"},
		{"..", "http://a/b/"},
		{"../", "http://a/b/"},
		{"../g", "http://a/b/g"},
		{"../..", "http://a/"},
		{"../../", "http://a/"},
		{"../../g", "http://a/g"},

		{"../../../g", "http://a/g"},
		{"../../../../g", "http://a/g"},
		{"/./g", "http://a/g"},
		{"/../g", "http://a/g"},
		{"g.", "http://a/b/c/g."},
		{".g", "http://a/b/c/.g"},
		{"g..", "http://a/b/c/g.."},
		{"..g", "http://a/b/c/..g"},
		{"./../g", "http://a/b/g"},
		{"./g/.", "http://a/b/c/g/"},
		{"g/./h", "http://a/b/c/g/h"},
		{"g/../h", "http://a/b/c/h"},
		{"g;x=1/./y", "http://a/b/c/g;x=1/y"},
		{"g;x=1/../y", "http://a/b/c/y"},
		{"g?y/./x", "http://a/b/c/g?y/./x"},
		{"g?y/../x", "http://a/b/c/g?y/../x"},
		{"g#s/./x", "http://a/b/c/g#s/./x"},
		{"g#s/../x", "http://a/b/c/g#s/../x"},
		{"http:g", "http:g"}, // strict parser
	}
	for _, tt := range tests {
		got, err := ResolveIRI(base, tt.ref)
		if err != nil {
			t.Errorf("ResolveIRI(%q, %q): %v", base, tt.ref, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ResolveIRI(%q, %q) = %q, want %q", base, tt.ref, got, tt.want)
		}
	}
}

func TestResolveIRIOtherBases(t *testing.T) {
	tests := []struct{ base, ref, want string }{
		{"http://ex/a/b", "../d", "http://ex/d"},
		{"http://ex", "d", "http://ex/d"},        // base without path
		{"http://ex", "?q", "http://ex?q"},       // query only, empty base path
		{"http://ex/a?x#f", "", "http://ex/a?x"}, // empty ref drops the fragment
		{"http://ex/a?x", "#g", "http://ex/a?x#g"},
		{"http://ex/a/b?x", "?", "http://ex/a/b?"},   // empty query is kept
		{"http://ex/a/b", "#", "http://ex/a/b#"},     // empty fragment is kept
		{"http://ex/a/b", "//other", "http://other"}, // network-path reference
		{"http://ex/a/b", "//other/./x/../y", "http://other/y"},
		{"urn:ex:s", "t", "urn:t"},
		{"file:///a/bb/ccc/d", "../../../../x", "file:///x"},
		{"tag:x,2000:a/b", "c", "tag:x,2000:a/c"},
		{"http://例え.jp/パス/ファイル", "ほか?クエリ#断片", "http://例え.jp/パス/ほか?クエリ#断片"},
		{"http://ex/a%20b/c", "d%2Fe", "http://ex/a%20b/d%2Fe"}, // no decoding
		{"HTTP://EX/A", "b", "HTTP://EX/b"},                     // no case folding
		{"", "http://ex/a/./b/../c", "http://ex/a/c"},           // absolute ref, no base needed
	}
	for _, tt := range tests {
		got, err := ResolveIRI(tt.base, tt.ref)
		if err != nil {
			t.Errorf("ResolveIRI(%q, %q): %v", tt.base, tt.ref, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ResolveIRI(%q, %q) = %q, want %q", tt.base, tt.ref, got, tt.want)
		}
	}
}

func TestResolveIRIErrors(t *testing.T) {
	for _, tt := range []struct{ base, ref string }{
		{"", "rel"},
		{"", "#frag"},
		{"/relative/base", "x"},
	} {
		if got, err := ResolveIRI(tt.base, tt.ref); err == nil {
			t.Errorf("ResolveIRI(%q, %q) = %q, want an error", tt.base, tt.ref, got)
		}
	}
}

func TestIsAbsoluteIRI(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"http://ex/", true},
		{"urn:x", true},
		{"a+b-c.d:x", true},
		{"g:h", true},
		{"", false},
		{"rel/path", false},
		{"/abs/path", false},
		{"1a:x", false},
		{":x", false},
		{"#f:x", false},
		{"a/b:c", false},
	}
	for _, tt := range tests {
		if got := IsAbsoluteIRI(tt.s); got != tt.want {
			t.Errorf("IsAbsoluteIRI(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
