// Package search is full-text discovery over the knowledge graph: a Bleve
// index of the resources people look for in a data catalog (data products,
// datasets, concepts, classes and properties, entities and attributes of
// logical models, domains, owners, concept schemes), kept beside the store
// and following it.
//
// A product is indexed with the labels and synonyms, in every language, of
// the concepts it is about (its dcat:theme and dct:subject, those of its
// output datasets, and the dct:subject of the entities and attributes of
// the logical models those datasets conform to), and of the concepts they
// mean (skos:exactMatch, owl:equivalentClass, owl:sameAs, transitively) or
// are a kind of (the concepts one level broader, and close matches, ranked
// lower), so that a search for "client" finds the products about Customer
// and says through which link.
//
// The store is the truth. The index records the content hash of every
// graph it reflects; Sync reindexes the resources whose documents drew on
// a graph that changed, appeared or disappeared since, so calling it after
// every commit, and once when the index is opened, keeps search exact even
// after a crash between a commit and the index update.
package search

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/kplane/kplane/graph"
	"github.com/kplane/kplane/graph/rdf"
)

// DirName is the name of the index directory inside the store's directory.
const DirName = "search"

// Keys of the index's internal records.
var (
	keyHashes  = []byte("kplane.graph-hashes")
	keyVersion = []byte("kplane.version")
)

// indexVersion changes whenever the mapping or the documents change shape;
// an index of another version is rebuilt.
const indexVersion = "2"

// batchSize bounds the documents written per Bleve batch.
const batchSize = 4000

// Index is a full-text index of one store. Its methods are safe for
// concurrent use; Sync and Rebuild are serialised.
type Index struct {
	dir string // "" for an index in memory

	syncMu sync.Mutex // serialises Sync and Rebuild

	mu  sync.RWMutex // guards idx, which Rebuild replaces
	idx bleve.Index

	suggest *typeahead // the labels of idx, for Suggest

	sets setCache // of the filters of the current snapshot
}

// Open opens the index in dir, creating it when absent; dir "" keeps the
// index in memory. An index that cannot be opened (damaged by a crash, or
// of another version) is rebuilt empty: the next Sync fills it from the
// store.
func Open(dir string) (*Index, error) {
	idx, err := openBleve(dir)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, idx: idx, suggest: newTypeahead()}
	if err := ix.suggest.open(idx, dir); err != nil {
		idx.Close()
		return nil, err
	}
	return ix, nil
}

// OpenStore opens the index beside a store (in <store dir>/search, or in
// memory for a store in memory) and brings it up to date with the store's
// current content, repairing whatever an interrupted update left.
func OpenStore(ctx context.Context, store *graph.Store) (*Index, error) {
	dir := ""
	if store.Dir() != "" {
		dir = filepath.Join(store.Dir(), DirName)
	}
	ix, err := Open(dir)
	if err != nil {
		return nil, err
	}
	snap := store.Snapshot()
	defer snap.Release()
	if _, err := ix.Sync(ctx, snap); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

func openBleve(dir string) (bleve.Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search: index mapping: %w", err)
	}
	version, err := mappingVersion(m)
	if err != nil {
		return nil, err
	}
	if dir == "" {
		// Scorch, as on disk: ranking reads its document numbers.
		idx, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
		if err != nil {
			return nil, fmt.Errorf("search: create index in memory: %w", err)
		}
		return idx, initVersion(idx, version)
	}
	idx, err := bleve.Open(dir)
	if err == nil {
		v, verr := idx.GetInternal(keyVersion)
		if verr == nil && string(v) == version {
			return idx, nil
		}
		idx.Close()
	}
	if err != nil && !errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		// Damaged: the store is the truth, so start again.
		if rerr := os.RemoveAll(dir); rerr != nil {
			return nil, fmt.Errorf("search: remove damaged index %s: %w", dir, rerr)
		}
	} else if err == nil {
		if rerr := os.RemoveAll(dir); rerr != nil {
			return nil, fmt.Errorf("search: remove outdated index %s: %w", dir, rerr)
		}
	}
	idx, err = bleve.New(dir, m)
	if err != nil {
		return nil, fmt.Errorf("search: create index %s: %w", dir, err)
	}
	return idx, initVersion(idx, version)
}

// mappingVersion identifies the documents' shape and the mapping: an index
// written with another mapping is rebuilt rather than misread.
func mappingVersion(m *mapping.IndexMappingImpl) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("search: encode index mapping: %w", err)
	}
	sum := sha256.Sum256(b)
	return indexVersion + "-" + hex.EncodeToString(sum[:8]), nil
}

func initVersion(idx bleve.Index, version string) error {
	if err := idx.SetInternal(keyVersion, []byte(version)); err != nil {
		idx.Close()
		return fmt.Errorf("search: write index version: %w", err)
	}
	return nil
}

// Close closes the index, saving its type-ahead index.
func (ix *Index) Close() error {
	ix.suggest.close()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx == nil {
		return nil
	}
	err := ix.suggest.saveTo(ix.idx, ix.dir)
	if cerr := ix.idx.Close(); err == nil {
		err = cerr
	}
	ix.idx = nil
	return err
}

// bleveIndex returns the current Bleve index under the read lock; release
// must be called when done.
func (ix *Index) bleveIndex() (idx bleve.Index, release func(), err error) {
	ix.mu.RLock()
	if ix.idx == nil {
		ix.mu.RUnlock()
		return nil, nil, errors.New("search: index is closed")
	}
	return ix.idx, ix.mu.RUnlock, nil
}

// snapshot returns a reader of idx's current snapshot, which searches
// read whole; it must be closed.
func snapshot(idx bleve.Index) (index.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// SyncStats says what a Sync did.
type SyncStats struct {
	// Graphs is the number of graphs whose content changed, appeared or
	// disappeared since the last Sync.
	Graphs int
	// Indexed and Deleted count the documents written and removed.
	Indexed, Deleted int
	Took             time.Duration
}

// Sync brings the index up to date with snap: it reindexes exactly the
// resources whose documents draw, or drew, on a graph whose content hash
// differs from the one recorded at the last Sync. The new hashes are
// recorded with the last batch of documents, so an interrupted Sync is
// completed by the next one.
func (ix *Index) Sync(ctx context.Context, snap *graph.Snapshot) (SyncStats, error) {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	return ix.sync(ctx, snap)
}

// Rebuild empties the index and indexes the whole of snap again.
//
// An index on disk is built beside the current one, which keeps serving
// searches meanwhile, by Bleve's offline builder: documents are written
// in large segments merged once at the end, rather than through the
// online index's batches, persister and background merges, so the
// rebuilt index is also a single segment, the fastest to search. It then
// replaces the current one. An index in memory is emptied and filled by
// Sync.
func (ix *Index) Rebuild(ctx context.Context, snap *graph.Snapshot) (SyncStats, error) {
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	if ix.dir != "" {
		return ix.rebuildOffline(ctx, snap)
	}
	ix.mu.Lock()
	if ix.idx == nil {
		ix.mu.Unlock()
		return SyncStats{}, errors.New("search: index is closed")
	}
	ix.suggest.close()
	err := ix.idx.Close()
	if err == nil {
		ix.idx, err = openBleve(ix.dir)
	}
	if err == nil {
		ix.suggest.reset(nil)
	}
	ix.mu.Unlock()
	if err != nil {
		return SyncStats{}, fmt.Errorf("search: rebuild: %w", err)
	}
	return ix.sync(ctx, snap)
}

// Offline build settings: documents per segment, and segments merged at
// a time. Larger segments mean fewer merge passes.
const (
	builderBatchSize = 10000
	builderMergeMax  = 20
)

// rebuildOffline builds the index of snap in a new directory and swaps it
// in. A crash leaves either the old index or none (which the next Open
// creates empty and the next Sync fills); the build directory of an
// interrupted rebuild is removed by the next one.
func (ix *Index) rebuildOffline(ctx context.Context, snap *graph.Snapshot) (SyncStats, error) {
	start := time.Now()
	var stats SyncStats
	m, err := newMapping()
	if err != nil {
		return stats, fmt.Errorf("search: index mapping: %w", err)
	}
	version, err := mappingVersion(m)
	if err != nil {
		return stats, err
	}
	tmp := ix.dir + ".rebuild"
	if err := os.RemoveAll(tmp); err != nil {
		return stats, fmt.Errorf("search: rebuild: remove %s: %w", tmp, err)
	}
	builder, err := bleve.NewBuilder(tmp, m, map[string]any{
		"batchSize":       builderBatchSize,
		"mergeMax":        builderMergeMax,
		"buildPathPrefix": tmp, // removed with it, even after a crash
	})
	if err != nil {
		return stats, fmt.Errorf("search: rebuild: create builder in %s: %w", tmp, err)
	}
	current, keys := graphKeys(snap)
	changed := make([]string, 0, len(current))
	for k := range current {
		changed = append(changed, k)
	}
	stats.Graphs = len(changed)
	affected := make(map[graph.ID]string)
	if err := addGraphResources(ctx, snap, changed, keys, affected); err != nil {
		builder.Close()
		os.RemoveAll(tmp)
		return stats, err
	}

	// Building documents (reading the store) and indexing them (analysis,
	// segments) run side by side.
	whole, word, err := suggestAnalyzers(m)
	if err != nil {
		builder.Close()
		os.RemoveAll(tmp)
		return stats, err
	}
	type built struct {
		id     string
		fields map[string]any
	}
	docs := make(chan built, 256)
	var suggestDocs []suggestDoc
	buildErr := make(chan error, 1)
	go func() {
		defer close(docs)
		b := newBuilder(ctx, snap)
		graphKey := func(g graph.ID) string { return keys[g] }
		for _, id := range sortedIDs(affected) {
			if err := ctx.Err(); err != nil {
				buildErr <- err
				return
			}
			doc, err := b.build(id)
			if err != nil {
				buildErr <- err
				return
			}
			if doc == nil {
				continue
			}
			suggestDocs = append(suggestDocs, suggestDocOf(doc, whole, word))
			docs <- built{doc.id.Value, doc.fields(graphKey)}
		}
		buildErr <- nil
	}()
	var indexErr error
	for d := range docs {
		if indexErr != nil {
			continue // drain
		}
		if indexErr = builder.Index(d.id, d.fields); indexErr != nil {
			indexErr = fmt.Errorf("search: index %s: %w", d.id, indexErr)
		} else {
			stats.Indexed++
		}
	}
	err = cmp.Or(<-buildErr, indexErr)
	var idx bleve.Index
	if err == nil && stats.Indexed == 0 {
		// The builder cannot write an index of no documents.
		if err = os.RemoveAll(tmp); err == nil {
			idx, err = openBleve(tmp)
		}
	} else {
		if cerr := builder.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("search: rebuild: write index: %w", cerr)
		}
		if err == nil {
			idx, err = bleve.Open(tmp)
		}
	}
	if err == nil {
		err = recordState(idx, version, current)
		if err != nil {
			idx.Close()
		}
	}
	if err != nil {
		os.RemoveAll(tmp)
		return SyncStats{}, fmt.Errorf("search: rebuild: %w", err)
	}

	ix.suggest.close() // a load from the old index
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.idx != nil {
		ix.idx.Close()
		ix.idx = nil
	}
	err = os.RemoveAll(ix.dir)
	if err == nil {
		idx.Close()
		err = os.Rename(tmp, ix.dir)
	}
	if err == nil {
		ix.idx, err = bleve.Open(ix.dir)
	}
	if err != nil {
		// Leave a usable index: an empty one that the next Sync fills.
		if idx, oerr := openBleve(ix.dir); oerr == nil {
			ix.idx = idx
			ix.suggest.reset(nil)
		}
		return SyncStats{}, fmt.Errorf("search: rebuild: replace index %s: %w", ix.dir, err)
	}
	ix.suggest.reset(suggestDocs)
	if err := ix.suggest.saveTo(ix.idx, ix.dir); err != nil {
		return stats, fmt.Errorf("search: rebuild: %w", err)
	}
	stats.Took = time.Since(start)
	return stats, nil
}

// recordState writes the index version and the graph hashes it reflects.
func recordState(idx bleve.Index, version string, hashes map[string]string) error {
	enc, err := json.Marshal(hashes)
	if err != nil {
		return err
	}
	b := idx.NewBatch()
	b.SetInternal(keyVersion, []byte(version))
	b.SetInternal(keyHashes, enc)
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("record index state: %w", err)
	}
	return nil
}

// sortedIDs returns the keys of m in order, so that documents are built
// and indexed in the same order every time.
func sortedIDs(m map[graph.ID]string) []graph.ID {
	ids := make([]graph.ID, 0, len(m))
	for id := range m {
		if id.IsIRI() {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b graph.ID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// graphKeys returns the content hash of every graph of snap, keyed by the
// graph name in N-Triples syntax ("" for the default graph), and the key of
// each graph id.
func graphKeys(snap *graph.Snapshot) (map[string]string, map[graph.ID]string) {
	hashes := make(map[string]string)
	keys := map[graph.ID]string{{}: defaultGraphKey}
	if info, ok := snap.Graph(rdf.Term{}); ok && info.Quads > 0 {
		hashes[defaultGraphKey] = info.ContentHash
	}
	for _, g := range snap.Graphs() {
		if g.Name.Value == metadataGraphName {
			continue
		}
		k := g.Name.String()
		hashes[k] = g.ContentHash
		keys[graph.TermID(g.Name)] = k
	}
	return hashes, keys
}

// addGraphResources adds to affected every subject and non-literal object
// of the graphs named by changed that snap holds.
func addGraphResources(ctx context.Context, snap *graph.Snapshot, changed []string, keys map[graph.ID]string, affected map[graph.ID]string) error {
	byKey := make(map[string]graph.ID, len(keys))
	for id, k := range keys {
		byKey[k] = id
	}
	for _, k := range changed {
		g, ok := byKey[k]
		if !ok {
			continue // gone
		}
		sel := graph.InGraph(g)
		if k == defaultGraphKey {
			sel = graph.DefaultGraph
		}
		it := snap.Scan(ctx, graph.Pattern{Graph: sel})
		for it.Next() {
			q := it.Quad()
			if _, ok := affected[q.S]; !ok {
				affected[q.S] = ""
			}
			if _, ok := affected[q.O]; !ok && !q.O.IsLiteral() {
				affected[q.O] = ""
			}
		}
		it.Close()
		if err := it.Err(); err != nil {
			return fmt.Errorf("search: read changed graph %s: %w", k, err)
		}
	}
	return nil
}

func (ix *Index) sync(ctx context.Context, snap *graph.Snapshot) (SyncStats, error) {
	start := time.Now()
	var stats SyncStats
	idx, release, err := ix.bleveIndex()
	if err != nil {
		return stats, err
	}
	defer release()

	recorded := map[string]string{}
	if b, err := idx.GetInternal(keyHashes); err != nil {
		return stats, fmt.Errorf("search: read recorded graph hashes: %w", err)
	} else if len(b) > 0 {
		if err := json.Unmarshal(b, &recorded); err != nil {
			return stats, fmt.Errorf("search: decode recorded graph hashes: %w", err)
		}
	}
	current, keys := graphKeys(snap)
	var changed []string
	for k, h := range current {
		if recorded[k] != h {
			changed = append(changed, k)
		}
	}
	for k := range recorded {
		if _, ok := current[k]; !ok {
			changed = append(changed, k)
		}
	}
	stats.Graphs = len(changed)
	if len(changed) == 0 {
		return stats, nil
	}

	// The resources to reindex: those whose documents drew on a changed
	// graph, every subject and object of the changed graphs as they are
	// now, and the documents that drew on any of those.
	// affected maps each resource to its IRI when known from the index,
	// so that a document can be deleted even when the store no longer
	// knows the term.
	affected := make(map[graph.ID]string)
	count, err := idx.DocCount()
	if err != nil {
		return stats, fmt.Errorf("search: count documents: %w", err)
	}
	if count > 0 {
		for _, k := range changed {
			docs, err := docIDs(ctx, idx, []string{k}, fieldGraphs)
			if err != nil {
				return stats, err
			}
			for _, d := range docs {
				affected[graph.TermID(rdf.IRI(d))] = d
			}
		}
	}
	if err := addGraphResources(ctx, snap, changed, keys, affected); err != nil {
		return stats, err
	}
	if count > 0 {
		var deps []string
		for id := range affected {
			deps = append(deps, id.String())
		}
		docs, err := docIDs(ctx, idx, deps, fieldDeps)
		if err != nil {
			return stats, err
		}
		for _, d := range docs {
			affected[graph.TermID(rdf.IRI(d))] = d
		}
	}

	whole, word, err := suggestAnalyzers(idx.Mapping())
	if err != nil {
		return stats, err
	}
	b := newBuilder(ctx, snap)
	graphKey := func(g graph.ID) string { return keys[g] }
	batch := idx.NewBatch()
	// The type-ahead index follows each batch once it is written.
	pending := make(map[string]*suggestDoc)
	write := func() error {
		if err := idx.Batch(batch); err != nil {
			return fmt.Errorf("search: write index batch: %w", err)
		}
		batch.Reset()
		ix.suggest.update(pending)
		pending = make(map[string]*suggestDoc)
		return nil
	}
	for _, id := range sortedIDs(affected) {
		name := affected[id]
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		doc, err := b.build(id)
		if err != nil {
			return stats, err
		}
		if doc == nil {
			if name == "" {
				t, err := snap.Term(id)
				if err != nil {
					continue // never indexed: nothing to delete
				}
				name = t.Value
			}
			batch.Delete(name)
			pending[name] = nil
			stats.Deleted++
		} else {
			if err := batch.Index(doc.id.Value, doc.fields(graphKey)); err != nil {
				return stats, fmt.Errorf("search: index %s: %w", doc.id.Value, err)
			}
			sd := suggestDocOf(doc, whole, word)
			pending[doc.id.Value] = &sd
			stats.Indexed++
		}
		if batch.Size() >= batchSize {
			if err := write(); err != nil {
				return stats, err
			}
		}
	}
	enc, err := json.Marshal(current)
	if err != nil {
		return stats, err
	}
	batch.SetInternal(keyHashes, enc)
	if err := write(); err != nil {
		return stats, err
	}
	stats.Took = time.Since(start)
	return stats, nil
}

// docIDs returns the ids of the documents with any of terms in field.
func docIDs(ctx context.Context, idx bleve.Index, terms []string, field string) ([]string, error) {
	var out []string
	const chunk = 512
	for len(terms) > 0 {
		n := min(chunk, len(terms))
		qs := make([]query.Query, n)
		for i, t := range terms[:n] {
			tq := bleve.NewTermQuery(t)
			tq.SetField(field)
			qs[i] = tq
		}
		terms = terms[n:]
		q := bleve.NewDisjunctionQuery(qs...)
		var after []string
		for {
			req := bleve.NewSearchRequestOptions(q, 5000, 0, false)
			req.Score = "none"
			req.SortBy([]string{"_id"})
			if after != nil {
				req.SearchAfter = after
			}
			res, err := idx.SearchInContext(ctx, req)
			if err != nil {
				return nil, fmt.Errorf("search: find documents by %s: %w", field, err)
			}
			for _, h := range res.Hits {
				out = append(out, h.ID)
			}
			if len(res.Hits) < 5000 {
				break
			}
			after = []string{res.Hits[len(res.Hits)-1].ID}
		}
	}
	return out, nil
}
