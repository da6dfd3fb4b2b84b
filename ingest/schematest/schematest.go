// Package schematest checks that a hand-written validator agrees with an
// official JSON Schema: on real documents and on broken variants of them
// (a required field removed, a value of the wrong type or outside its
// enumeration), both must say valid or invalid alike. The ODCS and ODPS
// importers use it in their tests, as net/http's handlers use httptest.
package schematest

import (
	"encoding/json"
	"fmt"
	"github.com/kplane/kplane/ingest/w3ctest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/kplane/kplane/ingest/odcs/rules"
)

// Realdata returns the shared real-world material folder, or skips.
func Realdata(t testing.TB) string { return w3ctest.Realdata(t) }

// compileSchema compiles a JSON Schema file.
func compileSchema(t testing.TB, path string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(path)
	if err != nil {
		t.Fatalf("compiling %s: %v", path, err)
	}
	return s
}

// toJSONValue converts a decoded YAML value into the values the JSON Schema
// validator expects.
func toJSONValue(t testing.TB, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// mutation changes a document in place and returns the function that
// undoes the change.
type mutation struct {
	desc  string
	apply func() (undo func())
}

// mutations lists, for every node of a document, the breakages the
// agreement test tries: unknown fields, missing fields, values of the wrong
// type, strings outside any enumeration.
func mutations(path string, v any) []mutation {
	var out []mutation
	switch v := v.(type) {
	case map[string]any:
		out = append(out, mutation{path + ": add unknown field", func() func() {
			v["zzUnknownField"] = "x"
			return func() { delete(v, "zzUnknownField") }
		}})
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			old := v[k]
			out = append(out, mutation{rules.Key(path, k) + ": delete", func() func() {
				delete(v, k)
				return func() { v[k] = old }
			}})
			for _, bad := range replacements(old) {
				out = append(out, mutation{fmt.Sprintf("%s: set to %#v", rules.Key(path, k), bad), func() func() {
					v[k] = bad
					return func() { v[k] = old }
				}})
			}
			out = append(out, mutations(rules.Key(path, k), old)...)
		}
	case []any:
		for i, item := range v {
			for _, bad := range replacements(item) {
				out = append(out, mutation{fmt.Sprintf("%s: set to %#v", rules.Index(path, i), bad), func() func() {
					v[i] = bad
					return func() { v[i] = item }
				}})
			}
			out = append(out, mutations(rules.Index(path, i), item)...)
		}
	}
	return out
}

// replacements are wrong-typed or out-of-enumeration stand-ins for v.
func replacements(v any) []any {
	switch v.(type) {
	case string:
		return []any{uint64(7), "zz-not-an-enum-value"}
	case bool:
		return []any{"yes"}
	case map[string]any:
		return []any{"a string"}
	case []any:
		return []any{"a string"}
	case nil:
		return []any{[]any{}}
	default:
		return []any{"a string", true}
	}
}

// agree checks a document with both the Go rules and the JSON Schema and
// reports whether the verdicts match.
func agree(t *testing.T, schema *jsonschema.Schema, rule func(*rules.Document) error, file string, v any) (goErr, schemaErr error) {
	doc := &rules.Document{File: file, Value: v}
	goErr = rule(doc)
	schemaErr = schema.Validate(toJSONValue(t, v))
	return goErr, schemaErr
}

// CheckAgreement validates every file and a sample of its broken variants
// with both validators. maxPerFile bounds the run time.
func CheckAgreement(t *testing.T, schemaPath string, files []string, rule func(*rules.Document) error, maxPerFile int) {
	schema := compileSchema(t, schemaPath)
	var valid, invalid, disagreements int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		goErr, schemaErr := agree(t, schema, rule, f, v)
		if (goErr == nil) != (schemaErr == nil) {
			t.Errorf("%s: Go rules say %v, JSON Schema says %v", f, goErr, schemaErr)
		}
		ms := mutations("", v)
		step := 1
		if len(ms) > maxPerFile {
			step = (len(ms) + maxPerFile - 1) / maxPerFile
		}
		for i := 0; i < len(ms); i += step {
			m := ms[i]
			undo := m.apply()
			goErr, schemaErr := agree(t, schema, rule, f, v)
			undo()
			if goErr == nil {
				valid++
			} else {
				invalid++
			}
			if (goErr == nil) != (schemaErr == nil) {
				disagreements++
				if disagreements <= 20 {
					t.Errorf("%s: %s: Go rules say %v; JSON Schema says %v", filepath.Base(f), m.desc, goErr, schemaErr)
				}
			}
		}
	}
	t.Logf("%d files; %d variants: %d valid, %d invalid by both; %d disagreements", len(files), valid+invalid, valid, invalid, disagreements)
}
