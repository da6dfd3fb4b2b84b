package w3ctest

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRoot(t *testing.T) {
	tmp := t.TempDir()
	suites := filepath.Join(tmp, "shared", "w3c-rdf-tests")
	if err := os.MkdirAll(suites, 0o755); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(tmp, "main", "ingest", "x")
	if err := os.MkdirAll(repo, 0o755); err != nil {
		t.Fatal(err)
	}

	t.Setenv(EnvVar, "")
	t.Chdir(repo)
	got, err := Root()
	if err != nil || !sameFile(got, suites) {
		t.Errorf("Root() from %s = %q, %v; want %q", repo, got, err, suites)
	}

	t.Setenv(EnvVar, tmp)
	if got, err := Root(); err != nil || !sameFile(got, tmp) {
		t.Errorf("Root() with $%s=%s = %q, %v", EnvVar, tmp, got, err)
	}
	t.Setenv(EnvVar, filepath.Join(tmp, "missing"))
	if got, err := Root(); err == nil {
		t.Errorf("Root() with a missing $%s = %q, want an error", EnvVar, got)
	}

	t.Setenv(EnvVar, "")
	t.Chdir(tmp + "/..")
	if _, err := os.Stat(filepath.Join(filepath.Dir(tmp), "shared", "w3c-rdf-tests")); err != nil {
		if got, err := Root(); err == nil {
			t.Errorf("Root() outside any tree with suites = %q, want an error", got)
		}
	}
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func TestLoad(t *testing.T) {
	root := t.TempDir()
	t.Setenv(EnvVar, root)
	writeFile(t, filepath.Join(root, "suite", "manifest.ttl"), `
@prefix mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdft: <http://www.w3.org/ns/rdftest#> .
@prefix qt: <http://www.w3.org/2001/sw/DataAccess/tests/test-query#> .
<> a mf:Manifest ; rdfs:label "Top" ;
   mf:include ( <sub/manifest.ttl> ) ;
   mf:entries ( <#t1> <#t2> ) .
<#t1> a rdft:TestTurtleEval ; mf:name "t1" ; rdfs:comment "first" ;
   rdft:approval rdft:Approved ; mf:action <t1.ttl> ; mf:result <t1.nt> .
<#t2> a mf:QueryEvaluationTest ; mf:name "t2" ;
   mf:action [ qt:query <q.rq> ; qt:data <d.ttl> ] ;
   mf:result <r.srx> ; mf:feature ( "a" "b" ) .
`)
	writeFile(t, filepath.Join(root, "suite", "sub", "manifest.ttl"), `
@prefix mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#> .
@prefix rdft: <http://www.w3.org/ns/rdftest#> .
<> a mf:Manifest ; mf:entries ( <#s1> ) .
<#s1> a rdft:TestTurtleNegativeSyntax ; mf:name "s1" ; mf:action <../data/bad.ttl> .
`)
	m, err := Load(filepath.Join(root, "suite", "manifest.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Label != "Top" || m.IRI != PublishedRoot+"suite/manifest.ttl" {
		t.Errorf("manifest label %q, IRI %q", m.Label, m.IRI)
	}
	if len(m.Entries) != 2 || len(m.Includes) != 1 || len(m.AllEntries()) != 3 {
		t.Fatalf("%d entries, %d includes, %d in all; want 2, 1, 3", len(m.Entries), len(m.Includes), len(m.AllEntries()))
	}

	t1 := m.Entries[0]
	if t1.Node != rdf.IRI(PublishedRoot+"suite/manifest.ttl#t1") || t1.Manifest != m || len(t1.Props[MF+"action"]) != 1 {
		t.Errorf("entry t1: node %v, manifest %p, props %v", t1.Node, t1.Manifest, t1.Props)
	}
	want := Entry{
		IRI:       PublishedRoot + "suite/manifest.ttl#t1",
		Name:      "t1",
		Type:      "TestTurtleEval",
		TypeIRI:   RDFT + "TestTurtleEval",
		Comment:   "first",
		Approval:  "Approved",
		Action:    filepath.Join(root, "suite", "t1.ttl"),
		ActionIRI: PublishedRoot + "suite/t1.ttl",
		Result:    filepath.Join(root, "suite", "t1.nt"),
		ResultIRI: PublishedRoot + "suite/t1.nt",
	}
	got := *t1
	got.Manifest, got.Node, got.Props = nil, rdf.Term{}, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entry t1 =\n%+v\nwant\n%+v", got, want)
	}

	// A SPARQL-style entry: the action is a blank node.
	t2 := m.Entries[1]
	if t2.Action != "" || t2.ActionIRI != "" {
		t.Errorf("t2 action = %q %q, want none", t2.Action, t2.ActionIRI)
	}
	action, ok := t2.Prop(MF + "action")
	if !ok || !action.IsBlank() {
		t.Fatalf("t2 mf:action = %v", action)
	}
	query, _ := m.Object(action, QT+"query")
	if p, ok := m.LocalPath(query.Value); !ok || p != filepath.Join(root, "suite", "q.rq") {
		t.Errorf("LocalPath(%s) = %q, %v", query, p, ok)
	}
	feature, _ := t2.Prop(MF + "feature")
	items, err := m.List(feature)
	if err != nil || len(items) != 2 || items[0] != rdf.String("a") || items[1] != rdf.String("b") {
		t.Errorf("List(mf:feature) = %v, %v", items, err)
	}

	s1 := m.Includes[0].Entries[0]
	if s1.Name != "s1" || s1.Action != filepath.Join(root, "suite", "data", "bad.ttl") || s1.Manifest != m.Includes[0] {
		t.Errorf("included entry: name %q, action %q", s1.Name, s1.Action)
	}
	if len(m.Graph) == 0 {
		t.Error("Graph is empty")
	}
}

func TestLoadAssumedTestBase(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvVar, t.TempDir()) // the manifest lies outside the suite root
	writeFile(t, filepath.Join(dir, "manifest.ttl"), `
@prefix mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#> .
<> a mf:Manifest ; mf:assumedTestBase <http://tests.example/x/> ; mf:entries ( <#a> ) .
<#a> mf:name "a" ; mf:action <a.ttl> .
`)
	m, err := Load(filepath.Join(dir, "manifest.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	e := m.Entries[0]
	if e.ActionIRI != "http://tests.example/x/a.ttl" || e.Action != filepath.Join(dir, "a.ttl") || e.IRI != "http://tests.example/x/manifest.ttl#a" {
		t.Errorf("entry: IRI %q, action %q (%q)", e.IRI, e.ActionIRI, e.Action)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(EnvVar, dir)
	writeFile(t, filepath.Join(dir, "loop.ttl"), `
@prefix mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#> .
<> mf:include ( <loop.ttl> ) .`)
	writeFile(t, filepath.Join(dir, "bad.ttl"), `<> <p> .`)
	writeFile(t, filepath.Join(dir, "badlist.ttl"), `
@prefix mf: <http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#> .
<> mf:entries <#notalist> .`)
	for _, name := range []string{"loop.ttl", "bad.ttl", "badlist.ttl", "missing.ttl"} {
		if _, err := Load(filepath.Join(dir, name)); err == nil {
			t.Errorf("Load(%s) succeeded, want an error", name)
		}
	}
}

func TestLoadW3CSuites(t *testing.T) {
	root := SkipIfAbsent(t)
	m, err := Load(filepath.Join(root, "rdf", "rdf11", "manifest.ttl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Includes) != 6 {
		t.Fatalf("rdf11 manifest includes %d manifests, want 6", len(m.Includes))
	}
	var turtle *Manifest
	for _, inc := range m.Includes {
		if filepath.Base(filepath.Dir(inc.Path)) == "rdf-turtle" {
			turtle = inc
		}
	}
	if turtle == nil {
		t.Fatal("no rdf-turtle manifest among the includes")
	}
	var e *Entry
	for _, x := range turtle.Entries {
		if x.Name == "IRI_subject" {
			e = x
		}
	}
	if e == nil {
		t.Fatal("no IRI_subject test")
	}
	const pub = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/"
	if e.Type != "TestTurtleEval" || e.Approval != "Approved" || e.ActionIRI != pub+"IRI_subject.ttl" ||
		e.ResultIRI != pub+"IRI_spo.nt" || e.IRI != pub+"manifest.ttl#IRI_subject" {
		t.Errorf("IRI_subject: %+v", e)
	}
	all := m.AllEntries()
	if len(all) < 1000 {
		t.Errorf("only %d entries in the RDF 1.1 suites", len(all))
	}
	for _, e := range all {
		if e.Action == "" {
			continue
		}
		if _, err := os.Stat(e.Action); err != nil {
			t.Errorf("%s: action: %v", e.Name, err)
		}
	}
}
