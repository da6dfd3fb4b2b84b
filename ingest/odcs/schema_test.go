package odcs

import (
	"path/filepath"
	"testing"

	"github.com/kplane/kplane/ingest/schematest"
)

func TestValidateAgreesWithJSONSchema(t *testing.T) {
	root := schematest.Realdata(t)
	files, _ := filepath.Glob(filepath.Join(root, "odcs", "docs", "examples", "*", "*.yaml"))
	demo, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "demo", "*", "contracts", "*.odcs.yaml"))
	files = append(files, demo...)
	if len(files) == 0 {
		t.Fatal("no ODCS examples found")
	}
	schematest.CheckAgreement(t, filepath.Join(root, "odcs", "schema", "odcs-json-schema-v3.1.0.json"), files, Validate, 50)
}
