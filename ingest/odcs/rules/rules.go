// Package rules checks YAML descriptors (data contracts, data product
// descriptors) against structural rules written in Go: required fields,
// value types, enumerations, patterns and closed sets of field names.
//
// The rules mirror what a JSON Schema would say, but they are plain Go
// values, so a descriptor is checked without a schema engine and every
// violation names the field path (schema[2].properties[0].logicalType) and,
// when the YAML parser knows it, the line and column of the offending value.
//
// A document is parsed once with Parse into generic values (maps, slices,
// strings, numbers, booleans and nil, as github.com/goccy/go-yaml decodes
// them); Check walks those values with a Rule and collects every violation
// instead of stopping at the first.
package rules

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/kplane/kplane/graph/rdf"
)

// Document is a parsed YAML document: its generic value and the syntax tree
// the positions of violations are looked up in.
type Document struct {
	File  string // file name used in errors
	Value any    // the decoded root value
	Data  []byte // the source text
	tree  *ast.File
}

// Parse parses one YAML document. Syntax errors are returned as
// *rdf.SyntaxError with the file name and the parser's line and column.
func Parse(file string, data []byte) (*Document, error) {
	tree, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(file, err)
	}
	v, err := rootValue(tree)
	if err != nil {
		return nil, yamlError(file, err)
	}
	return &Document{File: file, Value: v, Data: data, tree: tree}, nil
}

// rootValue decodes the value of a parsed YAML stream from its syntax tree,
// so that the text is parsed only once. Like yaml.Unmarshal, it takes the
// first document that has a value (or is an explicit null).
func rootValue(tree *ast.File) (any, error) {
	for _, doc := range tree.Docs {
		if doc.Body == nil {
			continue
		}
		var v any
		if err := yaml.NodeToValue(doc.Body, &v); err != nil {
			return nil, err
		}
		if v != nil || doc.Body.Type() == ast.NullType {
			return v, nil
		}
	}
	return nil, nil
}

// Decode decodes the document into a typed value (a struct with yaml
// tags). Call it after Check has passed, so type mismatches are already
// reported by field path.
func (d *Document) Decode(v any) error {
	if err := yaml.Unmarshal(d.Data, v); err != nil {
		return yamlError(d.File, err)
	}
	return nil
}

// yamlError converts a go-yaml error into an *rdf.SyntaxError when the error
// carries a position.
func yamlError(file string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tok := ye.GetToken(); tok != nil && tok.Position != nil {
			return &rdf.SyntaxError{File: file, Line: tok.Position.Line, Col: tok.Position.Column, Msg: ye.GetMessage()}
		}
		return &rdf.SyntaxError{File: file, Msg: ye.GetMessage()}
	}
	return &rdf.SyntaxError{File: file, Msg: err.Error()}
}

// A Violation is one broken rule.
type Violation struct {
	Path string // field path, such as schema[2].properties[0].logicalType; empty for the root
	Line int    // 1-based line of the offending value, 0 when unknown
	Col  int    // 1-based column, 0 when unknown
	Msg  string
}

// Error is the error returned for a document that breaks one or more rules.
// It lists every violation.
type Error struct {
	File       string
	Violations []Violation
}

// Error formats the violations one per line as
// "file:line:col: path: message".
func (e *Error) Error() string {
	var b strings.Builder
	for i, v := range e.Violations {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.File)
		if v.Line > 0 {
			fmt.Fprintf(&b, ":%d:%d", v.Line, v.Col)
		}
		b.WriteString(": ")
		if v.Path != "" {
			b.WriteString(v.Path)
			b.WriteString(": ")
		}
		b.WriteString(v.Msg)
	}
	return b.String()
}

// Checker collects violations while a Rule walks a document.
type Checker struct {
	doc        *Document
	violations []Violation
}

// Check checks the document's root value against rule. It returns nil when
// the document satisfies the rule and an *Error otherwise.
func Check(doc *Document, rule Rule) error {
	c := &Checker{doc: doc}
	rule.Check(c, "", doc.Value)
	if len(c.violations) == 0 {
		return nil
	}
	return &Error{File: doc.File, Violations: c.violations}
}

// Reportf records a violation at path.
func (c *Checker) Reportf(path string, format string, args ...any) {
	line, col := c.position(path)
	c.violations = append(c.violations, Violation{Path: path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)})
}

// position finds the line and column of the value at path, or of the
// nearest enclosing value that exists (a missing field is reported at its
// parent).
func (c *Checker) position(path string) (line, col int) {
	if c.doc == nil || c.doc.tree == nil {
		return 0, 0
	}
	for {
		p, err := yaml.PathString(yamlPath(path))
		if err == nil {
			if n, err := p.FilterFile(c.doc.tree); err == nil && n != nil {
				// A mapping's own token is the ':' of its first entry;
				// its first key is where a reader looks.
				if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
					n = m.Values[0].Key
				}
				if tok := n.GetToken(); tok != nil && tok.Position != nil {
					return tok.Position.Line, tok.Position.Column
				}
			}
		}
		if path == "" {
			return 0, 0
		}
		path = parentPath(path)
	}
}

// yamlPath turns a field path into go-yaml's path syntax.
func yamlPath(path string) string {
	if path == "" {
		return "$"
	}
	var b strings.Builder
	b.WriteByte('$')
	for _, seg := range splitPath(path) {
		if strings.HasPrefix(seg, "[") {
			b.WriteString(seg)
			continue
		}
		b.WriteByte('.')
		if isPlainKey(seg) {
			b.WriteString(seg)
		} else {
			b.WriteString("'" + strings.ReplaceAll(seg, "'", "\\'") + "'")
		}
	}
	return b.String()
}

// isPlainKey reports whether a key is written bare in paths: a non-empty
// run of ASCII letters, digits, '_' and '-'. Any other key is quoted.
func isPlainKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// splitPath splits "a.b[2].c" into "a", "b", "[2]", "c". Keys holding dots
// or brackets are written quoted by Key and kept whole.
func splitPath(path string) []string {
	var segs []string
	for len(path) > 0 {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return append(segs, path)
			}
			segs = append(segs, path[:end+1])
			path = path[end+1:]
		case '"':
			s, err := strconv.QuotedPrefix(path)
			if err != nil {
				return append(segs, path)
			}
			u, _ := strconv.Unquote(s)
			segs = append(segs, u)
			path = path[len(s):]
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			segs = append(segs, path[:end])
			path = path[end:]
		}
	}
	return segs
}

// parentPath strips the last segment of a path.
func parentPath(path string) string {
	segs := splitPath(path)
	if len(segs) <= 1 {
		return ""
	}
	var p string
	for _, s := range segs[:len(segs)-1] {
		if strings.HasPrefix(s, "[") {
			p += s
		} else {
			p = Key(p, s)
		}
	}
	return p
}

// Key returns the path of field name inside the object at path.
func Key(path, name string) string {
	if !isPlainKey(name) {
		name = strconv.Quote(name)
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

// Index returns the path of element i of the array at path.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// A Rule checks one value found at a path.
type Rule interface {
	Check(c *Checker, path string, v any)
}

// RuleFunc adapts a function to Rule; use it for conditions that depend on
// several fields at once.
type RuleFunc func(c *Checker, path string, v any)

// Check calls f.
func (f RuleFunc) Check(c *Checker, path string, v any) { f(c, path, v) }

// TypeName names the JSON type of a decoded YAML value for messages.
func TypeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	default:
		if _, ok := Number(v); ok {
			if IsInteger(v) {
				return "integer"
			}
			return "number"
		}
		return fmt.Sprintf("%T", v)
	}
}

// Number converts a decoded YAML number to float64.
func Number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	case float32:
		return float64(n), true
	}
	return 0, false
}

// IsInteger reports whether v is a number with no fractional part, which is
// what JSON Schema's "integer" means.
func IsInteger(v any) bool {
	switch n := v.(type) {
	case int, int64, uint64:
		return true
	case float64:
		return !math.IsInf(n, 0) && n == math.Trunc(n)
	}
	return false
}

// Type is a rule on the JSON type of a value.
type Type string

// The JSON types a value can be required to have.
const (
	String  Type = "string"
	Integer Type = "integer"
	NumberT Type = "number"
	Boolean Type = "boolean"
	ObjectT Type = "object"
	ArrayT  Type = "array"
	Any     Type = "any"    // any value at all
	Scalar  Type = "scalar" // string, number, boolean or null
)

// Check reports a value of the wrong type.
func (t Type) Check(c *Checker, path string, v any) {
	if !t.matches(v) {
		c.Reportf(path, "%s has type %s, want %s", describe(v), TypeName(v), t)
	}
}

func (t Type) matches(v any) bool {
	switch t {
	case String:
		_, ok := v.(string)
		return ok
	case Integer:
		return IsInteger(v)
	case NumberT:
		_, ok := Number(v)
		return ok
	case Boolean:
		_, ok := v.(bool)
		return ok
	case ObjectT:
		_, ok := v.(map[string]any)
		return ok
	case ArrayT:
		_, ok := v.([]any)
		return ok
	case Scalar:
		switch v.(type) {
		case map[string]any, []any:
			return false
		}
		return true
	}
	return true
}

// describe renders a value briefly for messages.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		if len(v) > 40 {
			v = v[:37] + "..."
		}
		return strconv.Quote(v)
	case map[string]any:
		return "the value"
	case []any:
		return "the value"
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

// Enum requires a string that is one of a fixed set of values.
type Enum []string

// Check reports values that are not strings or not in the set.
func (e Enum) Check(c *Checker, path string, v any) {
	s, ok := v.(string)
	if !ok {
		String.Check(c, path, v)
		return
	}
	if !slices.Contains(e, s) {
		c.Reportf(path, "%q is not one of %s", s, strings.Join(e, ", "))
	}
}

// Pattern requires a string matching a regular expression.
type Pattern struct {
	Re   *regexp.Regexp
	What string // what the pattern describes, for messages
}

// Check reports values that are not strings or do not match.
func (p Pattern) Check(c *Checker, path string, v any) {
	s, ok := v.(string)
	if !ok {
		String.Check(c, path, v)
		return
	}
	if !p.Re.MatchString(s) {
		c.Reportf(path, "%q is not a valid %s", s, p.What)
	}
}

// Array requires an array whose elements all satisfy Items.
type Array struct {
	Items    Rule
	MinItems int
	MaxItems int // 0 means no limit
}

// Check reports a value that is not an array, has the wrong length, or
// has elements that break the item rule.
func (a Array) Check(c *Checker, path string, v any) {
	list, ok := v.([]any)
	if !ok {
		ArrayT.Check(c, path, v)
		return
	}
	if len(list) < a.MinItems {
		c.Reportf(path, "has %d items, want at least %d", len(list), a.MinItems)
	}
	if a.MaxItems > 0 && len(list) > a.MaxItems {
		c.Reportf(path, "has %d items, want at most %d", len(list), a.MaxItems)
	}
	if a.Items == nil {
		return
	}
	for i, item := range list {
		a.Items.Check(c, Index(path, i), item)
	}
}

// Object requires a mapping. Fields gives the rule of each known field,
// Required the fields that must be present; when Closed is set, fields not
// in Fields (nor added by Extend) are violations.
type Object struct {
	Fields   map[string]Rule
	Required []string
	Closed   bool
	// Extend, when set, returns further fields and required fields that
	// depend on the object's own values (the JSON Schema if/then), and may
	// report violations of its own.
	Extend func(c *Checker, path string, m map[string]any) (fields map[string]Rule, required []string)
}

// Check reports missing, unknown and malformed fields.
func (o Object) Check(c *Checker, path string, v any) {
	m, ok := v.(map[string]any)
	if !ok {
		ObjectT.Check(c, path, v)
		return
	}
	fields, required := o.Fields, o.Required
	if o.Extend != nil {
		more, moreRequired := o.Extend(c, path, m)
		if len(more) > 0 {
			fields = make(map[string]Rule, len(o.Fields)+len(more))
			for k, r := range o.Fields {
				fields[k] = r
			}
			for k, r := range more {
				fields[k] = r
			}
		}
		required = append(slices.Clip(required), moreRequired...)
	}
	var missing []string
	for _, name := range required {
		if _, ok := m[name]; !ok && !slices.Contains(missing, name) {
			missing = append(missing, name)
		}
	}
	for _, name := range missing {
		c.Reportf(path, "missing required field %q", name)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		rule, known := fields[k]
		if !known {
			if o.Closed {
				c.Reportf(Key(path, k), "unknown field")
			}
			continue
		}
		if rule != nil {
			rule.Check(c, Key(path, k), m[k])
		}
	}
}

// All requires a value to satisfy every rule.
type All []Rule

// Check applies every rule.
func (a All) Check(c *Checker, path string, v any) {
	for _, r := range a {
		r.Check(c, path, v)
	}
}

// Satisfies reports whether v satisfies rule, without recording anything.
func Satisfies(rule Rule, v any) bool {
	c := &Checker{}
	rule.Check(c, "", v)
	return len(c.violations) == 0
}
