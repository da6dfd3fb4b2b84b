package odps

import (
	"path/filepath"
	"testing"

	"github.com/kplane/kplane/ingest/odcs/rules"
	"github.com/kplane/kplane/ingest/schematest"
)

func TestBitolRulesAgreeWithJSONSchema(t *testing.T) {
	root := schematest.Realdata(t)
	files, _ := filepath.Glob(filepath.Join(root, "odps-bitol", "docs", "examples", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no Bitol ODPS examples found")
	}
	check := func(doc *rules.Document) error { return rules.Check(doc, bitolRule) }
	schematest.CheckAgreement(t, filepath.Join(root, "odps-bitol", "schema", "odps-json-schema-v1.0.0.json"), files, check, 400)
}
