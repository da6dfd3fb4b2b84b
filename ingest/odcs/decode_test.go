package odcs

import (
	"strings"
	"testing"

	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ontology"
)

// slaValue decodes a contract whose only SLA property has the given YAML
// value and returns the rdf:value it was mapped to.
func slaValue(t *testing.T, yamlValue string) rdf.Term {
	t.Helper()
	src := "apiVersion: v3.1.0\nkind: DataContract\nid: c\nversion: '1'\nstatus: active\n" +
		"slaProperties:\n  - property: latency\n    value: " + yamlValue + "\n"
	doc, err := Decode(strings.NewReader(src), Options{File: "sla.odcs.yaml"})
	if err != nil {
		t.Fatalf("value %s: %v", yamlValue, err)
	}
	for _, q := range doc.Quads {
		if q.P.Value == ontology.RDFValue {
			return q.O
		}
	}
	return rdf.Term{}
}

func TestNumberLiterals(t *testing.T) {
	for _, tt := range []struct {
		yaml string
		want rdf.Term
	}{
		{"4", rdf.Literal("4", rdf.XSDInteger)},
		{"-17", rdf.Literal("-17", rdf.XSDInteger)},
		{"12345678901234567890", rdf.Literal("12345678901234567890", rdf.XSDInteger)},
		{"2.5", rdf.Literal("2.5", rdf.XSDDecimal)},
		// The JSON form of 1.0 is 1, and contracts have always been read
		// through their JSON form.
		{"1.0", rdf.Literal("1", rdf.XSDInteger)},
		{"1.0e-7", rdf.Literal("1e-7", rdf.XSDDouble)},
		{"1.0e+21", rdf.Literal("1e+21", rdf.XSDDouble)},
		{".inf", rdf.Literal("INF", rdf.XSDDouble)},
		{"-.inf", rdf.Literal("-INF", rdf.XSDDouble)},
		{"true", rdf.Literal("true", rdf.XSDBoolean)},
		{"'4'", rdf.String("4")},
	} {
		if got := slaValue(t, tt.yaml); got != tt.want {
			t.Errorf("value %s mapped to %v, want %v", tt.yaml, got, tt.want)
		}
	}
}

func TestCollectionValues(t *testing.T) {
	src := "apiVersion: v3.1.0\nkind: DataContract\nid: c\nversion: '1'\nstatus: active\n" +
		"customProperties:\n" +
		"  - property: limits\n    value: {max: 2.5, min: 1, tags: [a, b]}\n" +
		"  - property: range\n    value: [1, .inf]\n"
	doc, err := Decode(strings.NewReader(src), Options{File: "c.odcs.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range doc.Quads {
		if q.P.Value == ontology.RDFValue {
			if q.O.Datatype != rdf.RDFJSON {
				t.Errorf("collection mapped to %v, want an rdf:JSON literal", q.O)
			}
			got = append(got, q.O.Value)
		}
	}
	want := []string{`{"max":2.5,"min":1,"tags":["a","b"]}`, `[1,"INF"]`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("values = %q, want %q", got, want)
	}
}

func TestContractOf(t *testing.T) {
	src := "apiVersion: v3.1.0\nkind: DataContract\nid: c\nversion: '1'\nstatus: active\n" +
		"description:\n  Purpose: written with a capital\n  usage: daily\n" +
		"team:\n  - username: ann\n    role: owner\n" +
		"servers:\n  - server: s\n    type: postgres\n    host: h\n    port: 5432\n    database: d\n    schema: p\n    roles: [{role: r}]\n" +
		"schema:\n  - name: t\n    properties:\n      - name: id\n        primaryKey: true\n        primaryKeyPosition: 2.0\n" +
		"        quality:\n          - metric: nullValues\n            mustBeBetween: [0, 3]\n" +
		"      - name: tags\n        logicalType: array\n        items:\n          logicalType: string\n"
	doc, err := Decode(strings.NewReader(src), Options{File: "c.odcs.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	c := doc.Contract
	if c.Description == nil || c.Description.Purpose != "written with a capital" || c.Description.Usage != "daily" {
		t.Errorf("description = %+v", c.Description)
	}
	if c.Team == nil || len(c.Team.Members) != 1 || c.Team.Members[0].Username != "ann" || c.Team.Members[0].Role != "owner" {
		t.Errorf("team = %+v, want the deprecated member list read as members", c.Team)
	}
	if len(c.Servers) != 1 {
		t.Fatalf("servers = %+v", c.Servers)
	}
	conn := c.Servers[0].Connection
	if len(conn) != 4 || conn["host"] != "h" || conn["port"] != uint64(5432) && conn["port"] != int64(5432) {
		t.Errorf("connection = %#v, want host, port, database and schema only", conn)
	}
	props := c.Schema[0].Properties
	if p := props[0].PrimaryKeyPosition; p == nil || *p != 2 {
		t.Errorf("primaryKeyPosition = %v, want 2", p)
	}
	if q := props[0].Quality; len(q) != 1 || q[0].Operator != "mustBeBetween" || len(q[0].Threshold.([]any)) != 2 {
		t.Errorf("quality = %+v", q)
	}
	if props[1].Items == nil || props[1].Items.LogicalType != "string" {
		t.Errorf("items = %+v", props[1].Items)
	}
}
