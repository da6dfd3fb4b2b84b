// Package w3ctest reads the manifests of the W3C RDF and SPARQL test
// suites, for the conformance tests of the parsers and the query engine.
//
// A manifest is a Turtle document listing test entries (mf:entries) and
// other manifests (mf:include). Load reads one, with the includes, and
// gives each entry's common properties as fields and every property in
// Entry.Props.
//
// Test documents are read from local files but must be parsed with the
// IRIs the suites publish them under, since the expected results contain
// those IRIs. Load therefore reads each manifest with its published IRI as
// the base (https://w3c.github.io/rdf-tests/ followed by the manifest's
// path in the suite, or the manifest's mf:assumedTestBase), and maps IRIs
// back to local files with Manifest.LocalPath.
package w3ctest

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest"
	"github.com/kplane/kplane/ingest/turtle"
)

// Namespaces of the manifest vocabularies.
const (
	MF    = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
	QT    = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
	UT    = "http://www.w3.org/2009/sparql/tests/test-update#"
	RDFT  = "http://www.w3.org/ns/rdftest#"
	DAWGT = "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#"
)

// PublishedRoot is the IRI the root of the suite is published under.
const PublishedRoot = "https://w3c.github.io/rdf-tests/"

// EnvVar names the environment variable that, when set, gives the
// directory of the test suites.
const EnvVar = "KPLANE_W3C_TESTS"

// Root returns the directory holding the W3C test suites: $KPLANE_W3C_TESTS
// if set, else the first shared/w3c-rdf-tests found in the working
// directory or one of its ancestors.
func Root() (string, error) { return SharedDir("w3c-rdf-tests", EnvVar) }

// SharedDir finds a folder of the shared material kept beside the
// repository (../shared/<name>: the W3C suites, real data, benchmark
// data): the directory named by the environment variable env if it is set,
// else the first shared/<name> in the working directory or one of its
// ancestors.
func SharedDir(name, env string) (string, error) {
	if dir := os.Getenv(env); dir != "" {
		if !isDir(dir) {
			return "", fmt.Errorf("$%s is %s, which is not a directory", env, dir)
		}
		return filepath.Abs(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	rel := filepath.Join("shared", name)
	for dir := filepath.Clean(wd); ; {
		if cand := filepath.Join(dir, rel); isDir(cand) {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("no %s in %s or its ancestors, and $%s is not set", rel, wd, env)
}

// Realdata returns the shared real-world material ($KPLANE_REALDATA, else
// ../shared/realdata), or skips the test when it is absent.
func Realdata(t testing.TB) string {
	t.Helper()
	dir, err := SharedDir("realdata", "KPLANE_REALDATA")
	if err != nil {
		t.Skipf("real data not available (set $KPLANE_REALDATA or put it in ../shared/realdata): %v", err)
	}
	return dir
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// SkipIfAbsent returns the suite directory, or skips the test if the
// suites cannot be found.
func SkipIfAbsent(t testing.TB) string {
	t.Helper()
	root, err := Root()
	if err != nil {
		t.Skipf("W3C test suites not available (set $%s or put them in ../shared/w3c-rdf-tests): %v", EnvVar, err)
	}
	return root
}

// Manifest is one manifest document.
type Manifest struct {
	// Path is the local file the manifest was read from.
	Path string
	// IRI is the manifest's published IRI, the base it was parsed with.
	IRI string
	// Label and Comment are its rdfs:label and rdfs:comment.
	Label, Comment string
	// Entries are the tests of mf:entries, in order.
	Entries []*Entry
	// Includes are the manifests of mf:include, loaded recursively.
	Includes []*Manifest
	// Graph is every triple of the manifest document.
	Graph []rdf.Quad

	dir, dirIRI string // local directory and its published IRI, with '/'
	root        string // suite root, "" if the manifest lies outside it
	index       map[rdf.Term]map[string][]rdf.Term
}

// Entry is one test of a manifest.
type Entry struct {
	// Manifest is the manifest that lists the entry.
	Manifest *Manifest
	// Node is the entry's subject in the manifest graph.
	Node rdf.Term
	// IRI is the entry's IRI ("" if it is a blank node).
	IRI string
	// Name is its mf:name.
	Name string
	// Type is the local name of its rdf:type (TestTurtleEval,
	// QueryEvaluationTest...), TypeIRI the full IRI.
	Type, TypeIRI string
	// Comment is its rdfs:comment.
	Comment string
	// Approval is the local name of its rdft:approval or dawgt:approval
	// (Approved, Proposed, Withdrawn...), "" if it has none.
	Approval string
	// Action and Result are the local files of mf:action and mf:result when
	// those are IRIs; ActionIRI and ResultIRI are the IRIs, which are the
	// base IRIs to parse the files with. SPARQL tests whose action is a
	// blank node leave these empty; read Props and Manifest.Objects.
	Action, ActionIRI string
	Result, ResultIRI string
	// Props holds every property of the entry, keyed by predicate IRI.
	Props map[string][]rdf.Term
}

// Prop returns the first value of the entry's property pred.
func (e *Entry) Prop(pred string) (rdf.Term, bool) {
	if vs := e.Props[pred]; len(vs) > 0 {
		return vs[0], true
	}
	return rdf.Term{}, false
}

// Load reads the manifest at path and, recursively, the manifests it
// includes.
func Load(path string) (*Manifest, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("w3ctest: %w", err)
	}
	root, _ := Root()
	iri := fileIRI(abs)
	if rel, ok := under(root, abs); ok {
		iri = PublishedRoot + rel
	}
	return load(abs, iri, root, map[string]bool{})
}

// under returns path relative to root, with '/' separators, if path lies
// inside root.
func under(root, path string) (string, bool) {
	if root == "" {
		return "", false
	}
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

func fileIRI(abs string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

func load(path, iri, root string, seen map[string]bool) (*Manifest, error) {
	if seen[path] {
		return nil, fmt.Errorf("w3ctest: %s includes itself", path)
	}
	seen[path] = true
	defer delete(seen, path)

	m, err := parse(path, iri, root)
	if err != nil {
		return nil, err
	}
	node := m.manifestNode()
	// A manifest may say where its tests are published; if that differs
	// from where we assumed, read it again with that base.
	if tb, ok := m.Object(node, MF+"assumedTestBase"); ok && tb.IsIRI() && tb.Value != m.dirIRI {
		if m, err = parse(path, tb.Value+filepath.Base(path), root); err != nil {
			return nil, err
		}
		node = m.manifestNode()
	}
	if v, ok := m.Object(node, rdf.RDFSNS+"label"); ok {
		m.Label = v.Value
	}
	if v, ok := m.Object(node, rdf.RDFSNS+"comment"); ok {
		m.Comment = v.Value
	}
	for _, head := range m.Objects(node, MF+"include") {
		incs, err := m.List(head)
		if err != nil {
			return nil, fmt.Errorf("w3ctest: %s: mf:include: %w", path, err)
		}
		for _, inc := range incs {
			local, ok := m.LocalPath(inc.Value)
			if !inc.IsIRI() || !ok {
				return nil, fmt.Errorf("w3ctest: %s: cannot find included manifest %s locally", path, inc)
			}
			sub, err := load(local, inc.Value, root, seen)
			if err != nil {
				return nil, err
			}
			m.Includes = append(m.Includes, sub)
		}
	}
	for _, head := range m.Objects(node, MF+"entries") {
		nodes, err := m.List(head)
		if err != nil {
			return nil, fmt.Errorf("w3ctest: %s: mf:entries: %w", path, err)
		}
		for _, n := range nodes {
			m.Entries = append(m.Entries, m.entry(n))
		}
	}
	return m, nil
}

// parse reads the manifest document at path with base IRI iri.
func parse(path, iri, root string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("w3ctest: %w", err)
	}
	defer f.Close()
	m := &Manifest{
		Path:   path,
		IRI:    iri,
		dir:    filepath.Dir(path),
		dirIRI: iri[:strings.LastIndexByte(iri, '/')+1],
		root:   root,
		index:  map[rdf.Term]map[string][]rdf.Term{},
	}
	dec := turtle.NewDecoder(f, ingest.Options{File: path, Base: iri})
	defer dec.Close()
	for {
		q, err := dec.Decode()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("w3ctest: %w", err)
		}
		m.Graph = append(m.Graph, q)
		props := m.index[q.S]
		if props == nil {
			props = map[string][]rdf.Term{}
			m.index[q.S] = props
		}
		props[q.P.Value] = append(props[q.P.Value], q.O)
	}
	return m, nil
}

// manifestNode returns the subject typed mf:Manifest, preferring the
// document itself (<>).
func (m *Manifest) manifestNode() rdf.Term {
	self := rdf.IRI(m.IRI)
	if _, ok := m.index[self]; ok {
		return self
	}
	for _, q := range m.Graph {
		if q.P.Value == rdf.RDFType && q.O.Value == MF+"Manifest" {
			return q.S
		}
	}
	return self
}

func (m *Manifest) entry(n rdf.Term) *Entry {
	e := &Entry{Manifest: m, Node: n, Props: m.index[n]}
	if e.Props == nil {
		e.Props = map[string][]rdf.Term{}
	}
	if n.IsIRI() {
		e.IRI = n.Value
	}
	if v, ok := e.Prop(MF + "name"); ok {
		e.Name = v.Value
	}
	if v, ok := e.Prop(rdf.RDFType); ok {
		e.TypeIRI = v.Value
		e.Type = localName(v.Value)
	}
	if v, ok := e.Prop(rdf.RDFSNS + "comment"); ok {
		e.Comment = v.Value
	}
	if v, ok := e.Prop(RDFT + "approval"); ok {
		e.Approval = localName(v.Value)
	} else if v, ok := e.Prop(DAWGT + "approval"); ok {
		e.Approval = localName(v.Value)
	}
	if v, ok := e.Prop(MF + "action"); ok && v.IsIRI() {
		e.ActionIRI = v.Value
		e.Action, _ = m.LocalPath(v.Value)
	}
	if v, ok := e.Prop(MF + "result"); ok && v.IsIRI() {
		e.ResultIRI = v.Value
		e.Result, _ = m.LocalPath(v.Value)
	}
	if e.Name == "" {
		e.Name = localName(e.IRI)
	}
	return e
}

// localName returns the part of an IRI after its last '#' or '/'.
func localName(iri string) string {
	return iri[strings.LastIndexAny(iri, "#/")+1:]
}

// AllEntries returns the entries of m and of the manifests it includes,
// depth first.
func (m *Manifest) AllEntries() []*Entry {
	all := append([]*Entry(nil), m.Entries...)
	for _, inc := range m.Includes {
		all = append(all, inc.AllEntries()...)
	}
	return all
}

// Objects returns the values of property pred of subject s in the
// manifest graph.
func (m *Manifest) Objects(s rdf.Term, pred string) []rdf.Term {
	return m.index[s][pred]
}

// Object returns the first value of property pred of subject s.
func (m *Manifest) Object(s rdf.Term, pred string) (rdf.Term, bool) {
	if vs := m.index[s][pred]; len(vs) > 0 {
		return vs[0], true
	}
	return rdf.Term{}, false
}

// List returns the members of the RDF list (rdf:first/rdf:rest) that
// starts at head.
func (m *Manifest) List(head rdf.Term) ([]rdf.Term, error) {
	var items []rdf.Term
	seen := map[rdf.Term]bool{}
	for n := head; !(n.IsIRI() && n.Value == rdf.RDFNil); {
		if seen[n] {
			return nil, fmt.Errorf("list at %s is circular", head)
		}
		seen[n] = true
		first, ok := m.Object(n, rdf.RDFFirst)
		if !ok {
			return nil, fmt.Errorf("list node %s has no rdf:first", n)
		}
		items = append(items, first)
		rest, ok := m.Object(n, rdf.RDFRest)
		if !ok {
			return nil, fmt.Errorf("list node %s has no rdf:rest", n)
		}
		n = rest
	}
	return items, nil
}

// LocalPath maps an IRI of a file of the suite (an action, a result, an
// included manifest) to the local file, reporting whether it could. IRIs
// under the manifest's directory, under the suite's published root, and
// file: IRIs are mapped.
func (m *Manifest) LocalPath(iri string) (string, bool) {
	if i := strings.IndexAny(iri, "#?"); i >= 0 {
		iri = iri[:i]
	}
	var dir, rel string
	switch {
	case strings.HasPrefix(iri, m.dirIRI):
		dir, rel = m.dir, iri[len(m.dirIRI):]
	case m.root != "" && strings.HasPrefix(iri, PublishedRoot):
		dir, rel = m.root, iri[len(PublishedRoot):]
	case strings.HasPrefix(iri, "file://"):
		u, err := url.Parse(iri)
		if err != nil {
			return "", false
		}
		return filepath.FromSlash(u.Path), true
	default:
		return "", false
	}
	if un, err := url.PathUnescape(rel); err == nil {
		rel = un
	}
	return filepath.Join(dir, filepath.FromSlash(rel)), true
}
