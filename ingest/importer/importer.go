// Package importer brings the documents a data mesh describes itself with —
// ODCS data contracts, ODPS data product descriptors and business glossary
// spreadsheets — into the store, one named graph per document.
//
// Import tells each file's kind from its content, decodes and validates
// every file before it writes anything, and then replaces the documents'
// graphs in one atomic commit: every document of an import is imported or
// none is, and importing a document again never leaves two versions side
// by side. The graph is named after the document (the
// contract's, product's or concept scheme's IRI, as the importers suggest),
// owned by the document's domain, and remembers the file and the kind it
// came from.
//
// The orchestration lives here rather than in package ingest because the
// importers themselves (ingest/odcs, ingest/odps, ingest/glossary) register
// their formats with package ingest and so cannot be imported by it.
package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
	"github.com/kplane/kplane/ingest/glossary"
	"github.com/kplane/kplane/ingest/odcs"
	"github.com/kplane/kplane/ingest/odcs/rules"
	"github.com/kplane/kplane/ingest/odps"
	"github.com/kplane/kplane/ontology"
)

// Kind is the kind of a source document. Its value is also the format name
// the document's graph records (graph.GraphInfo.Format) and the name of the
// format the importer registers with package ingest.
type Kind string

// The kinds of documents Import reads.
const (
	ODCS        Kind = "odcs"         // an ODCS v3 data contract (YAML)
	ODPS        Kind = "odps"         // a data product descriptor, Bitol or Linux Foundation (YAML)
	GlossaryCSV Kind = "glossary-csv" // a business glossary spreadsheet (CSV)
)

// Request describes an import of one or more documents.
type Request struct {
	// Files are the paths of the documents.
	Files []string
	// Domain, when set, owns every graph written; otherwise each graph is
	// owned by its document's own domain: the domain field of a contract
	// or product as written, or the domain column of a glossary's first
	// row in lower case with words joined by '-' ("Customer Service" ->
	// customer-service), as domain names are written in contracts.
	Domain string
	// DryRun decodes and compares but writes nothing.
	DryRun bool
	// DomainBase and PersonBase, when set, turn domain and person names
	// that are not the rdfs:label of a resource in the store into IRIs
	// (the base followed by the name); see odcs.Options, odps.Options and
	// glossary.Options.
	DomainBase, PersonBase string
	// Check, when set, is called for every document in the commit that
	// makes the import visible, with the document's graph as it is then
	// (exists is false for a new graph), while no other write can happen:
	// an access check made here cannot be raced by a concurrent change of
	// owner. An error aborts the whole import.
	Check func(d *Document, current graph.GraphInfo, exists bool) error
}

// Result says what an import did, or with Request.DryRun would do.
type Result struct {
	Documents []Document
	DryRun    bool
}

// Document is what the import made of one file.
type Document struct {
	File string
	Kind Kind
	// Spec names the specification the document follows ("ODCS",
	// "Bitol ODPS", "Linux Foundation ODPS", "glossary CSV").
	Spec string
	// IRI names what the document describes: the contract, the product or
	// the (first) concept scheme.
	IRI string
	// Graph is the named graph the document goes into.
	Graph rdf.Term
	// Owner is the domain recorded as the graph's owner.
	Owner string
	// Quads is the number of distinct quads of the document; Before the
	// number the graph held before the import (0 when it was new, and
	// Existed false).
	Quads   int64
	Before  int64
	Existed bool
	// Glossary compares the glossary with the graph's previous content
	// (set for glossaries only).
	Glossary *glossary.Diff

	quads []rdf.Quad
	id    string // the contract's or product's own id
}

// DetectKind tells a document's kind from its content: a CSV file (by its
// .csv name or a header row with the term and scheme columns) is a
// glossary; a YAML mapping with "kind: DataContract" and an apiVersion is an
// ODCS contract; one with "kind: DataProduct" and an apiVersion, or with a
// top-level "product" key, is a data product descriptor.
func DetectKind(name string, data []byte) (Kind, error) {
	if strings.EqualFold(filepath.Ext(name), ".csv") || looksLikeGlossaryCSV(data) {
		return GlossaryCSV, nil
	}
	if kind, ok := detectFromTopLevelKeys(data); ok {
		return kind, nil
	}
	doc, err := rules.Parse(name, data)
	if err != nil {
		return "", err
	}
	m, ok := doc.Value.(map[string]any)
	if !ok {
		return "", fmt.Errorf("%s: not a data contract, data product descriptor or glossary: the document is a %s, not a YAML mapping", name, rules.TypeName(doc.Value))
	}
	kind, _ := m["kind"].(string)
	_, hasAPIVersion := m["apiVersion"]
	switch {
	case kind == "DataContract" && hasAPIVersion:
		return ODCS, nil
	case kind == "DataProduct" && hasAPIVersion:
		return ODPS, nil
	case m["product"] != nil:
		return ODPS, nil
	case kind == "DataContract" || kind == "DataProduct":
		return "", fmt.Errorf("%s: kind: %s without apiVersion: not an ODCS contract or Bitol ODPS product", name, kind)
	case kind != "":
		return "", fmt.Errorf("%s: kind: %s is not a data contract or data product (want DataContract or DataProduct, with apiVersion)", name, kind)
	}
	return "", fmt.Errorf("%s: not a data contract, data product descriptor or glossary: want kind: DataContract or kind: DataProduct with apiVersion (ODCS, Bitol ODPS), a product key (Linux Foundation ODPS), or a CSV file", name)
}

// detectFromTopLevelKeys tells the kind of a YAML document in block style
// from its top-level keys without parsing it: the lines that start with a
// key in the first column. It reports false when they do not decide, and
// DetectKind then parses the document (flow style, JSON, anchors, quoted
// keys...). Decoding parses every document anyway; this keeps a large
// import from parsing each one twice.
func detectFromTopLevelKeys(data []byte) (Kind, bool) {
	var kind string
	var apiVersion, product bool
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte("\n"))
		if len(line) == 0 || !isKeyStart(line[0]) {
			if len(line) > 0 && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && line[0] != '\r' {
				return "", false // not a plain block mapping
			}
			continue
		}
		key, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return "", false
		}
		value = bytes.TrimSpace(value)
		if i := bytes.Index(value, []byte(" #")); i >= 0 {
			value = bytes.TrimSpace(value[:i])
		}
		switch string(key) {
		case "kind":
			kind = string(value)
		case "apiVersion":
			apiVersion = true
		case "product":
			product = true
		}
	}
	switch {
	case kind == "DataContract" && apiVersion:
		return ODCS, true
	case kind == "DataProduct" && apiVersion:
		return ODPS, true
	case kind == "" && product:
		return ODPS, true
	}
	return "", false
}

// isKeyStart reports whether a line starting with c can be a plain
// top-level key.
func isKeyStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// looksLikeGlossaryCSV reports whether the first line is a CSV header with
// the glossary's required columns.
func looksLikeGlossaryCSV(data []byte) bool {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	line = bytes.TrimPrefix(bytes.TrimSpace(line), []byte("\ufeff"))
	cols := map[string]bool{}
	for _, c := range strings.Split(string(line), ",") {
		cols[strings.ToLower(strings.Trim(strings.TrimSpace(c), `"`))] = true
	}
	return cols["term"] && cols["scheme"]
}

// source is one file read and classified.
type source struct {
	path string
	data []byte
	kind Kind
}

// Import decodes and validates every file, then writes each document into
// its own named graph, replacing what the graph held. Nothing is written
// when any file is unreadable, of unknown kind or invalid: the error names
// every such file with the field path, line and column of each problem.
// All graphs are replaced in one atomic commit: a failure while writing
// (a full disk, a cancelled context, a refused Check) leaves the store as
// it was, and no reader ever sees some documents of an import without the
// others.
func Import(ctx context.Context, store *graph.Store, req Request) (Result, error) {
	if len(req.Files) == 0 {
		return Result{}, errors.New("import: no files given")
	}
	var (
		sources []source
		errs    []error
	)
	for _, path := range req.Files {
		data, err := os.ReadFile(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("import: %w", err))
			continue
		}
		kind, err := DetectKind(path, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sources = append(sources, source{path: path, data: data, kind: kind})
	}
	if len(errs) > 0 {
		return Result{}, errors.Join(errs...)
	}

	snap := store.Snapshot()
	defer snap.Release()
	docs, err := decodeAll(ctx, snap, sources, req)
	if err != nil {
		return Result{}, err
	}
	if err := checkDistinctGraphs(docs); err != nil {
		return Result{}, err
	}
	for i := range docs {
		if err := compareWithStore(ctx, snap, &docs[i]); err != nil {
			return Result{}, err
		}
	}
	res := Result{Documents: docs, DryRun: req.DryRun}
	if req.DryRun {
		return res, nil
	}
	snap.Release()
	if err := writeAll(ctx, store, res.Documents, req.Check); err != nil {
		return Result{}, err
	}
	return res, nil
}

// writeAll writes every document into its graph in one load, so that the
// import is atomic as a whole: each graph is replaced with the metadata
// of its own document, and all of them are linked in the same commit.
func writeAll(ctx context.Context, store *graph.Store, docs []Document, check func(*Document, graph.GraphInfo, bool) error) error {
	l, err := store.NewLoader(ctx, graph.LoadOptions{})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for i := range docs {
		d := &docs[i]
		opts := graph.GraphOptions{Replace: true, Source: d.File, Format: string(d.Kind), Owner: d.Owner}
		if check != nil {
			opts.Check = func(current graph.GraphInfo, exists bool) error {
				if err := check(d, current, exists); err != nil {
					return fmt.Errorf("import %s: %w", d.File, err)
				}
				return nil
			}
		}
		if err := l.SetGraph(d.Graph, opts); err != nil {
			l.Abort()
			return fmt.Errorf("import %s: %w", d.File, err)
		}
		// Each document its own blank node scope.
		l.NewDocument()
		for _, q := range d.quads {
			q.G = d.Graph
			if err := l.Add(q); err != nil {
				l.Abort()
				return fmt.Errorf("import %s: %w", d.File, err)
			}
		}
	}
	res, err := l.Commit()
	if err != nil {
		return fmt.Errorf("import of %d documents: %w", len(docs), err)
	}
	written := make(map[rdf.Term]int64, len(res.Graphs))
	for _, g := range res.Graphs {
		written[g.Name] = g.Quads
	}
	for i := range docs {
		docs[i].Quads = written[docs[i].Graph]
	}
	return nil
}

// decodeAll decodes the sources: contracts first, so that the data products
// imported with them reference the IRIs the contracts are given.
func decodeAll(ctx context.Context, snap *graph.Snapshot, sources []source, req Request) ([]Document, error) {
	docs := make([]Document, len(sources))
	errs := make([]error, len(sources))
	// Contracts and products are decoded by pure functions, several at a
	// time; glossaries look names up in the snapshot, one at a time.
	decode := func(kind Kind, fn func(src source) (Document, error)) {
		var wg sync.WaitGroup
		next := make(chan int)
		for range min(runtime.GOMAXPROCS(0), len(sources)) {
			wg.Go(func() {
				for i := range next {
					docs[i], errs[i] = fn(sources[i])
				}
			})
		}
		for i, src := range sources {
			if src.kind == kind {
				next <- i
			}
		}
		close(next)
		wg.Wait()
	}
	decode(ODCS, func(src source) (Document, error) { return decodeContract(src, req) })
	if slices.ContainsFunc(sources, func(s source) bool { return s.kind == ODPS }) {
		// Ports reference contracts by id: the contracts of this import
		// take precedence over those already stored.
		contracts, err := storedContracts(ctx, snap)
		if err != nil {
			return nil, err
		}
		for i, d := range docs {
			if sources[i].kind == ODCS && errs[i] == nil {
				contracts[d.id] = d.IRI
			}
		}
		decode(ODPS, func(src source) (Document, error) { return decodeProduct(src, req, contracts) })
	}
	for i, src := range sources {
		if src.kind == GlossaryCSV {
			docs[i], errs[i] = decodeGlossary(ctx, snap, src, req)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if req.Domain != "" {
		for i := range docs {
			docs[i].Owner = req.Domain
		}
	}
	return docs, nil
}

func decodeContract(src source, req Request) (Document, error) {
	doc, err := odcs.Decode(bytes.NewReader(src.data), odcs.Options{File: src.path, DomainBase: req.DomainBase})
	if err != nil {
		return Document{}, err
	}
	return Document{
		File: src.path, Kind: ODCS, Spec: "ODCS", IRI: doc.IRI, Graph: rdf.IRI(doc.IRI),
		Owner: doc.Domain, quads: doc.Quads, id: doc.ID,
	}, nil
}

func decodeProduct(src source, req Request, contracts map[string]string) (Document, error) {
	doc, err := odps.Decode(bytes.NewReader(src.data), odps.Options{File: src.path, Contracts: contracts, DomainBase: req.DomainBase})
	if err != nil {
		return Document{}, err
	}
	return Document{
		File: src.path, Kind: ODPS, Spec: doc.Spec.String(), IRI: doc.IRI, Graph: rdf.IRI(doc.IRI),
		Owner: doc.Domain, quads: doc.Quads, id: doc.ID,
	}, nil
}

// storedContracts maps the ids of the contracts already in the store to
// their IRIs.
func storedContracts(ctx context.Context, snap *graph.Snapshot) (map[string]string, error) {
	out := make(map[string]string)
	typ, contract := graph.TermID(rdf.IRI(rdf.RDFType)), graph.TermID(rdf.IRI(ontology.KplaneDataContract))
	identifier := graph.TermID(rdf.IRI(ontology.DCTermsIdentifier))
	it := snap.Scan(ctx, graph.Pattern{P: typ, O: contract, Graph: graph.AllGraphs})
	defer it.Close()
	for it.Next() {
		c := it.Quad().S
		ids := snap.Scan(ctx, graph.Pattern{S: c, P: identifier, Graph: graph.AllGraphs})
		for ids.Next() {
			id, err := snap.Term(ids.Quad().O)
			if err != nil {
				ids.Close()
				return nil, err
			}
			iri, err := snap.Term(c)
			if err != nil {
				ids.Close()
				return nil, err
			}
			if iri.Kind == rdf.KindIRI {
				out[id.Value] = iri.Value
			}
		}
		ids.Close()
		if err := ids.Err(); err != nil {
			return nil, fmt.Errorf("import: read stored contracts: %w", err)
		}
	}
	if err := it.Err(); err != nil {
		return nil, fmt.Errorf("import: read stored contracts: %w", err)
	}
	return out, nil
}

func decodeGlossary(ctx context.Context, snap *graph.Snapshot, src source, req Request) (Document, error) {
	domains, stewards := glossaryNames(src.data)
	agents := make(map[string]string)
	for _, name := range append(domains, stewards...) {
		iri, err := resourceLabelled(ctx, snap, name)
		if err != nil {
			return Document{}, err
		}
		if iri != "" {
			agents[name] = iri
		}
	}
	doc, err := glossary.Decode(bytes.NewReader(src.data), glossary.Options{
		File: src.path, Agents: agents, DomainBase: req.DomainBase, PersonBase: req.PersonBase,
	})
	if err != nil {
		return Document{}, err
	}
	if len(doc.Schemes) == 0 {
		return Document{}, fmt.Errorf("%s: the glossary has no rows", src.path)
	}
	d := Document{
		File: src.path, Kind: GlossaryCSV, Spec: "glossary CSV", IRI: doc.Schemes[0], Graph: rdf.IRI(doc.Schemes[0]),
		quads: doc.Quads,
	}
	if len(domains) > 0 {
		d.Owner = slug(domains[0])
	}
	return d, nil
}

// glossaryNames returns the distinct domain and steward names of a glossary
// CSV, in row order. Problems are left for glossary.Decode to report.
func glossaryNames(data []byte) (domains, stewards []string) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, nil
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	cell := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for {
		rec, err := r.Read()
		if err == io.EOF || err != nil && !errors.Is(err, csv.ErrFieldCount) {
			return domains, stewards
		}
		if d := cell(rec, "domain"); d != "" && !slices.Contains(domains, d) {
			domains = append(domains, d)
		}
		if s := cell(rec, "steward"); s != "" && !slices.Contains(stewards, s) {
			stewards = append(stewards, s)
		}
	}
}

// resourceLabelled returns the IRI of a resource whose rdfs:label is name
// (untagged or in English), the smallest when there are several; "" when
// there is none.
func resourceLabelled(ctx context.Context, snap *graph.Snapshot, name string) (string, error) {
	label := graph.TermID(rdf.IRI(ontology.RDFSLabel))
	var found []string
	for _, lit := range []rdf.Term{rdf.String(name), rdf.LangLiteral(name, "en")} {
		it := snap.Scan(ctx, graph.Pattern{P: label, O: graph.TermID(lit), Graph: graph.AllGraphs})
		for it.Next() {
			s := it.Quad().S
			if !s.IsIRI() {
				continue
			}
			t, err := snap.Term(s)
			if err != nil {
				it.Close()
				return "", err
			}
			found = append(found, t.Value)
		}
		it.Close()
		if err := it.Err(); err != nil {
			return "", fmt.Errorf("import: look up %q: %w", name, err)
		}
	}
	if len(found) == 0 {
		return "", nil
	}
	return slices.Min(found), nil
}

// slug writes a domain name the way domain names are written elsewhere:
// lower case, words joined by '-' ("Customer Service" -> customer-service).
func slug(name string) string {
	fields := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(fields, "-")
}

// checkDistinctGraphs refuses an import in which two documents would
// replace the same graph: the second would silently undo the first.
func checkDistinctGraphs(docs []Document) error {
	seen := make(map[rdf.Term]string)
	var errs []error
	for _, d := range docs {
		if prev, ok := seen[d.Graph]; ok {
			errs = append(errs, fmt.Errorf("import: %s and %s both describe %s; import them separately", prev, d.File, d.IRI))
			continue
		}
		seen[d.Graph] = d.File
	}
	return errors.Join(errs...)
}

// compareWithStore fills in what the document's graph holds now and, for
// glossaries, how the new version differs from it.
func compareWithStore(ctx context.Context, snap *graph.Snapshot, d *Document) error {
	d.Quads = int64(len(distinct(d.quads)))
	info, ok := snap.Graph(d.Graph)
	d.Existed, d.Before = ok, info.Quads
	if d.Kind != GlossaryCSV {
		return nil
	}
	var before []rdf.Quad
	if ok {
		it := snap.Scan(ctx, graph.Pattern{Graph: graph.InGraph(graph.TermID(d.Graph))})
		for it.Next() {
			q, err := snap.Quad(it.Quad())
			if err != nil {
				it.Close()
				return fmt.Errorf("import: read %s: %w", d.Graph.Value, err)
			}
			before = append(before, q)
		}
		it.Close()
		if err := it.Err(); err != nil {
			return fmt.Errorf("import: read %s: %w", d.Graph.Value, err)
		}
	}
	diff := glossary.Compare(nameBlanks(before), nameBlanks(d.quads))
	d.Glossary = &diff
	return nil
}

// nameBlanks relabels the blank nodes that have an rdfs:label (the
// stewards and domains a glossary could not resolve to IRIs) after that
// label, so that the same glossary read twice compares equal although its
// blank nodes are different nodes.
func nameBlanks(quads []rdf.Quad) []rdf.Quad {
	names := make(map[rdf.Term]rdf.Term)
	for _, q := range quads {
		if q.S.Kind == rdf.KindBlank && q.P.Value == ontology.RDFSLabel {
			names[q.S] = rdf.Blank("label:" + q.O.Value)
		}
	}
	if len(names) == 0 {
		return quads
	}
	out := make([]rdf.Quad, len(quads))
	for i, q := range quads {
		if n, ok := names[q.S]; ok {
			q.S = n
		}
		if n, ok := names[q.O]; ok {
			q.O = n
		}
		out[i] = q
	}
	return out
}

func distinct(quads []rdf.Quad) map[rdf.Quad]bool {
	set := make(map[rdf.Quad]bool, len(quads))
	for _, q := range quads {
		set[q] = true
	}
	return set
}
