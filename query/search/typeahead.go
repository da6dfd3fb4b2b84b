package search

import (
	"bufio"
	"cmp"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Suggest does not query Bleve: a prefix of two letters expands to words
// that hundreds of thousands of documents carry, and Bleve scores every
// one of them to find the best ten. The type-ahead index below keeps, in
// memory, the label terms in order with the documents that carry them,
// the documents ranked once and for all (products, then concepts, then
// the rest; shorter labels first), so that the best completions of a
// prefix are the first entries of a few lists.
//
// It has two parts: a base, built in one go (from a rebuild's documents,
// or from the stored fields of the index when it is opened), and the
// documents changed since (the overlay), which every Sync updates and
// which take precedence over the base. When the overlay grows large, the
// two are merged into a new base.

// Weights of a suggestion's score: a completed label above a completed
// word, products above concepts above the rest.
const (
	weightLabel   = 3
	weightWord    = 1
	weightProduct = 4
	weightConcept = 2
)

// typeWeight is the part of a suggestion's score its type gives.
func typeWeight(kind string) float64 {
	switch kind {
	case TypeProduct:
		return weightProduct
	case TypeConcept:
		return weightConcept
	}
	return 0
}

// suggestDoc is a document as type-ahead sees it.
type suggestDoc struct {
	iri, kind, label string
	retired          bool
	// labels are the whole labels and words the word completions, both
	// folded as the analyzers fold them; kept for overlay documents only.
	labels, words []string
}

// compareDocs orders documents by static rank: type, then shorter label,
// then label and IRI.
func compareDocs(d, e *suggestDoc) int {
	if c := cmp.Compare(typeWeight(e.kind), typeWeight(d.kind)); c != 0 {
		return c
	}
	if c := cmp.Compare(len(d.label), len(e.label)); c != 0 {
		return c
	}
	if c := strings.Compare(d.label, e.label); c != 0 {
		return c
	}
	return strings.Compare(d.iri, e.iri)
}

// termTable maps sorted terms to the documents carrying them: the
// documents of terms[i] are docs[starts[i]:starts[i+1]], in ascending
// slot order, which is rank order.
type termTable struct {
	terms  []string
	starts []int32
	docs   []int32
}

// rangeOf returns the indexes of the terms that begin with prefix.
func (t *termTable) rangeOf(prefix string) (lo, hi int) {
	lo, _ = slices.BinarySearch(t.terms, prefix)
	hi = lo + prefixCount(t.terms[lo:], prefix)
	return lo, hi
}

// prefixCount returns how many of terms, sorted and none before prefix,
// begin with prefix.
func prefixCount(terms []string, prefix string) int {
	n, _ := slices.BinarySearchFunc(terms, prefix, func(term, prefix string) int {
		if strings.HasPrefix(term, prefix) {
			return -1
		}
		return strings.Compare(term, prefix)
	})
	return n
}

// suggestBase is the immutable part of the type-ahead index.
type suggestBase struct {
	docs []suggestDoc // in rank order: a document's slot is its index
	// bucketStart[k] is the first slot of type weight bucket k
	// (products, concepts, the rest), bucketStart[3] = len(docs).
	bucketStart   [4]int32
	labels, words termTable
}

func bucketOf(kind string) int {
	switch kind {
	case TypeProduct:
		return 0
	case TypeConcept:
		return 1
	}
	return 2
}

// newSuggestBase builds a base of docs, whose labels and words are set.
func newSuggestBase(docs []suggestDoc) *suggestBase {
	slices.SortFunc(docs, func(a, b suggestDoc) int { return compareDocs(&a, &b) })
	b := &suggestBase{docs: docs}
	b.setBuckets()
	b.labels = buildTable(docs, func(d *suggestDoc) []string { return d.labels })
	b.words = buildTable(docs, func(d *suggestDoc) []string { return d.words })
	for i := range b.docs {
		b.docs[i].labels, b.docs[i].words = nil, nil
	}
	return b
}

// setBuckets finds where each type weight bucket begins in docs.
func (b *suggestBase) setBuckets() {
	for i := range b.bucketStart {
		b.bucketStart[i] = int32(len(b.docs))
	}
	for i := len(b.docs) - 1; i >= 0; i-- {
		b.bucketStart[bucketOf(b.docs[i].kind)] = int32(i)
	}
	for k := 2; k >= 0; k-- {
		b.bucketStart[k] = min(b.bucketStart[k], b.bucketStart[k+1])
	}
}

func buildTable(docs []suggestDoc, terms func(*suggestDoc) []string) termTable {
	type posting struct {
		term string
		slot int32
	}
	var ps []posting
	for i := range docs {
		for _, t := range terms(&docs[i]) {
			ps = append(ps, posting{t, int32(i)})
		}
	}
	slices.SortFunc(ps, func(a, b posting) int {
		if c := strings.Compare(a.term, b.term); c != 0 {
			return c
		}
		return cmp.Compare(a.slot, b.slot)
	})
	var t termTable
	for i, p := range ps {
		if i > 0 && p.term == ps[i-1].term && p.slot == ps[i-1].slot {
			continue
		}
		if len(t.terms) == 0 || t.terms[len(t.terms)-1] != p.term {
			t.terms = append(t.terms, p.term)
			t.starts = append(t.starts, int32(len(t.docs)))
		}
		t.docs = append(t.docs, p.slot)
	}
	t.starts = append(t.starts, int32(len(t.docs)))
	return t
}

// entries returns every document of the base with its terms, for merging
// with an overlay; docs in skip are left out.
func (b *suggestBase) entries(skip map[string]*suggestDoc) []suggestDoc {
	out := make([]suggestDoc, 0, len(b.docs))
	index := make([]int32, len(b.docs)) // slot → index in out, -1 if skipped
	for i := range b.docs {
		if _, ok := skip[b.docs[i].iri]; ok {
			index[i] = -1
			continue
		}
		index[i] = int32(len(out))
		out = append(out, b.docs[i])
	}
	invert := func(t *termTable, add func(d *suggestDoc, term string)) {
		for i, term := range t.terms {
			for _, slot := range t.docs[t.starts[i]:t.starts[i+1]] {
				if j := index[slot]; j >= 0 {
					add(&out[j], term)
				}
			}
		}
	}
	invert(&b.labels, func(d *suggestDoc, term string) { d.labels = append(d.labels, term) })
	invert(&b.words, func(d *suggestDoc, term string) { d.words = append(d.words, term) })
	return out
}

// typeahead is the type-ahead index of an Index.
type typeahead struct {
	mu      sync.RWMutex
	base    *suggestBase
	overlay map[string]*suggestDoc // IRI → document (nil: deleted) changed since base
	loading chan struct{}          // closed when base is ready
	gen     int                    // incremented when the content is replaced, to drop stale loads
	err     error                  // of the last load
	cancel  context.CancelFunc     // stops the load under way
	saved   bool                   // the content is what was last saved or read
}

// overlayLimit is the size the overlay may reach, relative to the base,
// before the two are merged.
func overlayLimit(base int) int { return max(1024, base/8) }

func newTypeahead() *typeahead {
	ready := make(chan struct{})
	close(ready)
	return &typeahead{base: newSuggestBase(nil), overlay: map[string]*suggestDoc{}, loading: ready}
}

// reset replaces the whole content with docs.
func (ta *typeahead) reset(docs []suggestDoc) {
	base := newSuggestBase(docs)
	ready := make(chan struct{})
	close(ready)
	ta.mu.Lock()
	ta.base, ta.overlay, ta.loading, ta.err = base, map[string]*suggestDoc{}, ready, nil
	ta.gen++
	ta.saved = false
	ta.mu.Unlock()
}

// setBase replaces the whole content with a base read from disk.
func (ta *typeahead) setBase(base *suggestBase) {
	ta.mu.Lock()
	ta.base, ta.overlay, ta.err = base, map[string]*suggestDoc{}, nil
	ta.gen++
	ta.saved = true
	ta.mu.Unlock()
}

// load fills the base, in the background, from the stored fields of idx
// as they are now; changes applied meanwhile go to the overlay, which
// takes precedence.
func (ta *typeahead) load(idx bleve.Index) error {
	r, err := readerOf(idx)
	if err != nil {
		return err
	}
	wholeA, wordA, err := suggestAnalyzers(idx.Mapping())
	if err != nil {
		r.Close()
		return err
	}
	ready := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	ta.mu.Lock()
	ta.gen++
	gen := ta.gen
	ta.loading = ready
	ta.cancel = cancel
	ta.saved = false
	ta.mu.Unlock()
	go func() {
		defer close(ready)
		defer cancel()
		docs, err := storedSuggestDocs(ctx, r, wholeA, wordA)
		r.Close()
		var base *suggestBase
		if err == nil {
			base = newSuggestBase(docs)
		}
		ta.mu.Lock()
		defer ta.mu.Unlock()
		if ta.gen != gen {
			return // reset since
		}
		ta.err = err
		if err == nil {
			ta.base = base
		}
	}()
	return nil
}

// close stops a load under way and waits for it to end: the index it
// reads is about to be closed.
func (ta *typeahead) close() {
	ta.mu.Lock()
	cancel, loading := ta.cancel, ta.loading
	ta.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	<-loading
}

// update records changed documents (nil for a deleted one), merging the
// overlay into the base when it has grown large.
func (ta *typeahead) update(changes map[string]*suggestDoc) {
	if len(changes) == 0 {
		return
	}
	ta.mu.Lock()
	defer ta.mu.Unlock()
	ta.saved = false
	for iri, d := range changes {
		ta.overlay[iri] = d
	}
	if isClosed(ta.loading) && len(ta.overlay) > overlayLimit(len(ta.base.docs)) {
		ta.mergeLocked()
	}
}

// mergeLocked merges the overlay into a new base; ta.mu is held and no
// load is under way.
func (ta *typeahead) mergeLocked() {
	docs := ta.base.entries(ta.overlay)
	for _, d := range ta.overlay {
		if d != nil {
			docs = append(docs, *d)
		}
	}
	ta.base = newSuggestBase(docs)
	ta.overlay = map[string]*suggestDoc{}
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// suggestCandidate is a document that completes the prefix.
type suggestCandidate struct {
	doc   *suggestDoc
	score float64
}

// suggest returns the best completions: label or word prefix matches
// scored by weightLabel or weightWord plus the type weight, ties in rank
// order.
func (ta *typeahead) suggest(ctx context.Context, whole, word string, opts SuggestOptions, limit int) ([]Suggestion, error) {
	ta.mu.RLock()
	loading := ta.loading
	ta.mu.RUnlock()
	select {
	case <-loading:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ta.mu.RLock()
	defer ta.mu.RUnlock()
	if ta.err != nil {
		return nil, fmt.Errorf("search: load type-ahead index: %w", ta.err)
	}
	types := map[string]bool{}
	for _, t := range opts.Types {
		types[strings.ToLower(t)] = true
	}
	accept := func(d *suggestDoc) bool {
		return (len(types) == 0 || types[d.kind]) && (opts.IncludeRetired || !d.retired)
	}
	best := map[string]suggestCandidate{}
	offer := func(d *suggestDoc, score float64) {
		if c, ok := best[d.iri]; !ok || score > c.score {
			best[d.iri] = suggestCandidate{d, score}
		}
	}
	base := ta.base
	search := func(t *termTable, prefix string, weight float64) {
		lo, hi := t.rangeOf(prefix)
		if lo == hi {
			return
		}
		for k := range 3 {
			from, to := base.bucketStart[k], base.bucketStart[k+1]
			if from == to {
				continue
			}
			base.firstInRange(t, lo, hi, from, to, limit, func(slot int32) bool {
				d := &base.docs[slot]
				if _, changed := ta.overlay[d.iri]; changed || !accept(d) {
					return false
				}
				offer(d, weight+typeWeight(d.kind))
				return true
			})
		}
	}
	search(&base.labels, whole, weightLabel)
	if word != "" {
		search(&base.words, word, weightWord)
	}
	for _, d := range ta.overlay {
		if d == nil || !accept(d) {
			continue
		}
		if slices.ContainsFunc(d.labels, func(l string) bool { return strings.HasPrefix(l, whole) }) {
			offer(d, weightLabel+typeWeight(d.kind))
		} else if word != "" && slices.ContainsFunc(d.words, func(w string) bool { return strings.HasPrefix(w, word) }) {
			offer(d, weightWord+typeWeight(d.kind))
		}
	}
	cands := make([]suggestCandidate, 0, len(best))
	for _, c := range best {
		cands = append(cands, c)
	}
	slices.SortFunc(cands, func(a, b suggestCandidate) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return compareDocs(a.doc, b.doc)
	})
	out := make([]Suggestion, 0, min(limit, len(cands)))
	for _, c := range cands[:min(limit, len(cands))] {
		out = append(out, Suggestion{IRI: c.doc.iri, Type: c.doc.kind, Label: c.doc.label, Score: c.score})
	}
	return out, nil
}

// firstInRange visits, in slot order and without repeats, the slots in
// [from, to) of the terms lo..hi-1 of t, until take has accepted limit of
// them.
func (b *suggestBase) firstInRange(t *termTable, lo, hi int, from, to int32, limit int, take func(slot int32) bool) {
	h := make(runHeap, 0, hi-lo)
	for i := lo; i < hi; i++ {
		run := t.docs[t.starts[i]:t.starts[i+1]]
		j, _ := slices.BinarySearch(run, from)
		if j < len(run) && run[j] < to {
			h = append(h, run[j:])
		}
	}
	heap.Init(&h)
	last := int32(-1)
	for taken := 0; taken < limit && len(h) > 0; {
		slot := h[0][0]
		if slot >= to {
			break
		}
		if h[0] = h[0][1:]; len(h[0]) == 0 {
			heap.Pop(&h)
		} else {
			heap.Fix(&h, 0)
		}
		if slot == last {
			continue
		}
		last = slot
		if take(slot) {
			taken++
		}
	}
}

// runHeap orders runs of slots by their first slot.
type runHeap [][]int32

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i][0] < h[j][0] }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.([]int32)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// suggestAnalyzers returns the analyzers of whole labels and of words.
func suggestAnalyzers(m mapping.IndexMapping) (whole, word analysis.Analyzer, err error) {
	whole, word = m.AnalyzerNamed(analyzerWhole), m.AnalyzerNamed(analyzerWord)
	if whole == nil || word == nil {
		return nil, nil, fmt.Errorf("search: type-ahead analyzers %s and %s missing", analyzerWhole, analyzerWord)
	}
	return whole, word, nil
}

// newSuggestDoc returns the type-ahead view of a document: its whole
// labels (names and synonyms) and the words of its names, analysed as the
// suggest and name word fields are.
func newSuggestDoc(iri, kind, label string, retired bool, names, syns []string, whole, word analysis.Analyzer) suggestDoc {
	d := suggestDoc{iri: iri, kind: kind, label: label, retired: retired}
	add := func(list *[]string, a analysis.Analyzer, text string) {
		for _, t := range a.Analyze([]byte(text)) {
			if s := string(t.Term); s != "" && !slices.Contains(*list, s) {
				*list = append(*list, s)
			}
		}
	}
	for _, s := range names {
		add(&d.labels, whole, s)
		add(&d.words, word, s)
	}
	for _, s := range syns {
		add(&d.labels, whole, s)
	}
	return d
}

// suggestDocOf returns the type-ahead view of a built document.
func suggestDocOf(d *document, whole, word analysis.Analyzer) suggestDoc {
	return newSuggestDoc(d.id.Value, d.kind, d.label, slices.Contains(d.lifecycle, "retired"), d.name, d.syn, whole, word)
}

// readerOf opens a reader on the index as it is now.
func readerOf(idx bleve.Index) (index.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: open index reader: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: open index reader: %w", err)
	}
	return r, nil
}

// storedSuggestDocs reads the type-ahead view of every document of r from
// its stored fields.
func storedSuggestDocs(ctx context.Context, r index.IndexReader, whole, word analysis.Analyzer) ([]suggestDoc, error) {
	ids, err := r.DocIDReaderAll()
	if err != nil {
		return nil, fmt.Errorf("search: list documents: %w", err)
	}
	defer ids.Close()
	var docs []suggestDoc
	for n := 0; ; n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		internal, err := ids.Next()
		if err != nil {
			return nil, fmt.Errorf("search: list documents: %w", err)
		}
		if internal == nil {
			break
		}
		id, err := r.ExternalID(internal)
		if err != nil {
			return nil, fmt.Errorf("search: list documents: %w", err)
		}
		doc, err := r.Document(id)
		if err != nil {
			return nil, fmt.Errorf("search: read document %s: %w", id, err)
		}
		if doc == nil {
			continue
		}
		var kind, label string
		var retired bool
		var names, syns []string
		doc.VisitFields(func(f index.Field) {
			v := string(f.Value())
			switch f.Name() {
			case fieldType:
				kind = v
			case fieldLabel:
				label = v
			case fieldLifecycle:
				retired = retired || v == "retired"
			case fieldName:
				names = append(names, v)
			case fieldSyn:
				syns = append(syns, v)
			}
		})
		docs = append(docs, newSuggestDoc(id, kind, label, retired, names, syns, whole, word))
	}
	return docs, nil
}

// The type-ahead index is saved beside the Bleve index when the index is
// closed or rebuilt, so that opening does not read every stored document
// again. The file records the graph hashes of the index it reflects and is
// used only when they match those of the index it is opened with.
const (
	typeaheadFile  = "typeahead.bin"
	typeaheadMagic = "kplane-typeahead-2\n"
)

// save writes the type-ahead index, merged, to path for an index whose
// recorded state is stamp. It does nothing while a load is under way or
// after one failed.
func (ta *typeahead) save(path string, stamp []byte) error {
	ta.mu.Lock()
	defer ta.mu.Unlock()
	if ta.saved || !isClosed(ta.loading) || ta.err != nil {
		return nil
	}
	if len(ta.overlay) > 0 {
		ta.mergeLocked()
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("search: save type-ahead index: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var buf []byte
	str := func(s string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(s)))
		w.Write(buf)
		w.WriteString(s)
	}
	num := func(n uint64) {
		buf = binary.AppendUvarint(buf[:0], n)
		w.Write(buf)
	}
	w.WriteString(typeaheadMagic)
	str(string(stamp))
	b := ta.base
	num(uint64(len(b.docs)))
	for i := range b.docs {
		d := &b.docs[i]
		str(d.iri)
		str(d.kind)
		str(d.label)
		if d.retired {
			num(1)
		} else {
			num(0)
		}
	}
	for _, t := range []*termTable{&b.labels, &b.words} {
		num(uint64(len(t.terms)))
		num(uint64(len(t.docs)))
		for i, term := range t.terms {
			str(term)
			run := t.docs[t.starts[i]:t.starts[i+1]]
			num(uint64(len(run)))
			prev := int32(0)
			for _, slot := range run {
				num(uint64(slot - prev)) // ascending: small deltas
				prev = slot
			}
		}
	}
	err = w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("search: save type-ahead index: %w", err)
	}
	ta.saved = true
	return nil
}

// indexStamp identifies the recorded state of idx: its version and the
// graph hashes it reflects.
func indexStamp(idx bleve.Index) ([]byte, error) {
	v, err := idx.GetInternal(keyVersion)
	if err != nil {
		return nil, fmt.Errorf("search: read index version: %w", err)
	}
	h, err := idx.GetInternal(keyHashes)
	if err != nil {
		return nil, fmt.Errorf("search: read recorded graph hashes: %w", err)
	}
	return slices.Concat(v, []byte("\n"), h), nil
}

// open fills the type-ahead index of idx, kept in dir ("" in memory): from
// the file saved there when it matches idx, else from the stored fields
// in the background.
func (ta *typeahead) open(idx bleve.Index, dir string) error {
	if n, err := idx.DocCount(); err != nil || n == 0 {
		return err
	}
	if dir != "" {
		stamp, err := indexStamp(idx)
		if err != nil {
			return err
		}
		base, ok, err := readTypeahead(filepath.Join(dir, typeaheadFile), stamp)
		if err != nil {
			return err
		}
		if ok {
			ta.setBase(base)
			return nil
		}
	}
	return ta.load(idx)
}

// saveTo saves the type-ahead index of idx in dir, if it changed.
func (ta *typeahead) saveTo(idx bleve.Index, dir string) error {
	if dir == "" {
		return nil
	}
	stamp, err := indexStamp(idx)
	if err != nil {
		return err
	}
	return ta.save(filepath.Join(dir, typeaheadFile), stamp)
}

// readTypeahead reads a base saved by save, provided it was saved for an
// index whose recorded state is stamp; ok is false otherwise.
func readTypeahead(path string, stamp []byte) (base *suggestBase, ok bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("search: read type-ahead index: %w", err)
	}
	// The strings of the base are slices of one copy of the file: no
	// allocation per document.
	rest, found := strings.CutPrefix(string(data), typeaheadMagic)
	if !found {
		return nil, false, nil
	}
	bad := false
	num := func() uint64 {
		var n uint64
		for i := 0; i < len(rest) && i < binary.MaxVarintLen64; i++ {
			c := rest[i]
			n |= uint64(c&0x7f) << (7 * i)
			if c < 0x80 {
				rest = rest[i+1:]
				return n
			}
		}
		bad = true
		return 0
	}
	str := func() string {
		n := num()
		if bad || n > uint64(len(rest)) {
			bad = true
			return ""
		}
		s := rest[:n]
		rest = rest[n:]
		return s
	}
	if str() != string(stamp) || bad {
		return nil, false, nil
	}
	n := num()
	if bad || n > uint64(len(rest)) {
		return nil, false, nil
	}
	b := &suggestBase{docs: make([]suggestDoc, n)}
	for i := range b.docs {
		d := &b.docs[i]
		d.iri, d.kind, d.label, d.retired = str(), str(), str(), num() == 1
	}
	for _, t := range []*termTable{&b.labels, &b.words} {
		nt, nd := num(), num()
		if bad || nt > uint64(len(rest)) || nd > uint64(len(rest)) {
			return nil, false, nil
		}
		t.terms = make([]string, 0, nt)
		t.starts = make([]int32, 0, nt+1)
		t.docs = make([]int32, 0, nd)
		for range nt {
			t.terms = append(t.terms, str())
			t.starts = append(t.starts, int32(len(t.docs)))
			count := num()
			if bad || count > uint64(len(rest)) {
				return nil, false, nil
			}
			slot := uint64(0)
			for range count {
				if slot += num(); slot >= n {
					bad = true
				}
				t.docs = append(t.docs, int32(slot))
			}
		}
		t.starts = append(t.starts, int32(len(t.docs)))
	}
	if bad || len(rest) != 0 {
		return nil, false, nil
	}
	b.setBuckets()
	return b, true, nil
}
