package rules

import (
	"strings"
	"testing"
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
