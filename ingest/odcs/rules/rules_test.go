package rules

import (
	"reflect"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

func TestPathsAndPositions(t *testing.T) {
	src := "a:\n  b:\n    - x: 1\n    - \"odd.key\": true\n"
	doc, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rule := Object{Fields: map[string]Rule{
		"a": Object{Fields: map[string]Rule{
			"b": Array{Items: Object{Fields: map[string]Rule{"x": String}, Required: []string{"y"}}},
		}},
	}}
	err = Check(doc, rule)
	if err == nil {
		t.Fatal("no error")
	}
	got := err.Error()
	for _, want := range []string{
		`t.yaml:3:10: a.b[0].x: 1 has type integer, want string`,
		`t.yaml:3:7: a.b[0]: missing required field "y"`,
		`t.yaml:4:7: a.b[1]: missing required field "y"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("error\n%s\ndoes not contain\n%s", got, want)
		}
	}
	if k := Key("a", "odd.key"); k != `a."odd.key"` {
		t.Errorf("Key = %s", k)
	}
	if p := parentPath(`a."odd.key"[2]`); p != `a."odd.key"` {
		t.Errorf("parentPath = %s", p)
	}
}

// TestParseAgreesWithUnmarshal checks that the value Parse decodes from the
// syntax tree is the value yaml.Unmarshal decodes from the text.
func TestParseAgreesWithUnmarshal(t *testing.T) {
	for _, src := range []string{
		"",
		"# only a comment\n",
		"~\n",
		"a: 1\nb: [1, 2.5, -3, 0x1F, 1e3, .inf, -.inf]\nc: {d: yes, e: no, f: true, g: null, h: ''}\n",
		"a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n",
		"a: !!str 1\nb: !!int '2'\nc: !!float 3\nd: !!bool yes\ne: !!null x\n",
		"a: 2020-01-02\nb: 12345678901234567890\nc: -0.0\nd: 1_000\n",
		"a: |\n  line one\n  line two\nb: >\n  folded\n  text\n",
		"---\na: 1\n---\nb: 2\n",
		"---\n---\na: 1\n",
		"- 1\n- [2, 3]\n- {x: y}\n",
		"{\"json\": [1, 2.0, \"three\", null, true]}\n",
	} {
		doc, err := Parse("t.yaml", []byte(src))
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		var want any
		if err := yaml.Unmarshal([]byte(src), &want); err != nil {
			t.Errorf("Unmarshal(%q): %v", src, err)
			continue
		}
		if !reflect.DeepEqual(doc.Value, want) {
			t.Errorf("Parse(%q) = %#v, yaml.Unmarshal = %#v", src, doc.Value, want)
		}
	}
}

func TestIsPlainKey(t *testing.T) {
	for key, want := range map[string]bool{
		"name": true, "a_b-9": true, "": false, "odd.key": false, "a b": false, "ä": false, "x[0]": false,
	} {
		if got := isPlainKey(key); got != want {
			t.Errorf("isPlainKey(%q) = %v, want %v", key, got, want)
		}
	}
}
