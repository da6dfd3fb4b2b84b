package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSearchSuggestReindex(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(t.TempDir(), "glossary.ttl")
	os.WriteFile(doc, []byte(`@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix dprod: <https://ekgf.github.io/dprod/> .
@prefix ex: <http://example.org/> .
ex:Customer a skos:Concept ; skos:prefLabel "Customer"@en, "Kunde"@de ; skos:altLabel "Client"@en .
ex:crm a dprod:DataProduct ; dct:title "CRM Extract" ; dcat:theme ex:Customer .
`), 0o644)
	mustRun(t, dir, "", "load", "--graph", "http://example.org/g", doc)

	var hits []searchHitJSON
	out := mustRun(t, dir, "", "search", "--format", "json", "kunde")
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatalf("search json: %v\n%s", err, out)
	}
	if len(hits) != 2 || hits[0].IRI != "http://example.org/crm" || hits[0].Type != "product" {
		t.Fatalf("search kunde: %+v", hits)
	}
	if len(hits[0].Matched) == 0 || hits[0].Matched[0].Field != "concept" || !strings.Contains(hits[0].Matched[0].Via, "theme Customer") {
		t.Errorf("search kunde: matched %+v", hits[0].Matched)
	}
	out = mustRun(t, dir, "", "search", "--type", "concept", "client")
	if !strings.Contains(out, "http://example.org/Customer") || strings.Contains(out, "http://example.org/crm") {
		t.Errorf("search --type concept client:\n%s", out)
	}
	if out := mustRun(t, dir, "", "suggest", "crm"); !strings.Contains(out, "CRM Extract") {
		t.Errorf("suggest crm: %q", out)
	}
	if out := mustRun(t, dir, "", "reindex"); !strings.Contains(out, "indexed 2 resources") {
		t.Errorf("reindex: %q", out)
	}
}
