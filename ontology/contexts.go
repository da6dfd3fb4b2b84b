package ontology

import (
	"embed"
	"path"
)

// kplane ships the JSON-LD contexts of the vocabularies its users write, so
// that their documents load offline: a data catalog must not depend on a
// web server being up to read its own data.
//
//go:embed contexts/*.jsonld
var contextFiles embed.FS

// contextURLs maps the published URL of each context to the file kplane
// ships for it. kplane's DPROD context is written from the DPROD ontology's
// terms (every class and property of https://ekgf.github.io/dprod/, and the
// DCAT and Dublin Core terms the DPROD examples use); the published one was
// not available to copy, and the two may differ for terms outside DPROD.
var contextURLs = map[string]string{
	"https://ekgf.github.io/dprod/dprod.jsonld": "dprod.jsonld",
}

// JSONLDContext returns the context document kplane ships for url.
func JSONLDContext(url string) ([]byte, bool) {
	name, ok := contextURLs[url]
	if !ok {
		return nil, false
	}
	b, err := contextFiles.ReadFile(path.Join("contexts", name))
	return b, err == nil
}
