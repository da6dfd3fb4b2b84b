package graph

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/kplane/kplane/graph/rdf"
)

// LoadOptions say where a bulk load goes.
type LoadOptions struct {
	// Graph is the target graph. When it is set, every quad goes into it
	// (a quad that names another graph is an error). When it is zero,
	// quads go into the graphs they name, triples into the default graph.
	Graph rdf.Term
	// Replace makes the load replace Graph's content instead of adding to
	// it. It requires Graph (graphs declared with Loader.SetGraph have a
	// Replace of their own).
	Replace bool
	// Source and Format describe where the content comes from; they are
	// recorded in the metadata of every graph the load writes, except
	// those declared with Loader.SetGraph, which have their own.
	Source, Format string
	// Owner, when set, records the domain that owns the graphs written
	// (but those declared with Loader.SetGraph).
	Owner string
	// Check, when set, is called for every graph the load writes, with the
	// graph as it is (exists is false for a new graph), in the commit that
	// links the load, while no other write can happen: an access check
	// made here cannot be raced by a concurrent change of owner. An error
	// aborts the load.
	Check func(current GraphInfo, exists bool) error
}

// GraphOptions say how a load writes one of its graphs, for loads that
// write several graphs with different metadata (Loader.SetGraph): each
// document of an import into a graph of its own, owned by its own domain.
// They take the place of the load's options for that graph.
type GraphOptions struct {
	// Replace makes the load replace the graph's content instead of
	// adding to it.
	Replace bool
	// Source and Format are recorded in the graph's metadata.
	Source, Format string
	// Owner, when set, records the domain that owns the graph; when empty
	// the graph keeps the owner it has.
	Owner string
	// Check, when set, is the graph's access check, called as
	// LoadOptions.Check is; when nil, LoadOptions.Check is called.
	Check func(current GraphInfo, exists bool) error
}

// A Loader writes a large amount of quads atomically: nothing of it is
// visible until Commit returns, and then all of it is. It is meant for
// loads of any size: quads are sorted in memory-bounded runs (spilled to
// disk beyond a budget) and written to fresh instances, which Commit links
// into their graphs in one small transaction.
//
// One load can write many graphs, each with its own options (SetGraph):
// they all change in the same commit, so an import of many documents is
// atomic as a whole. A Loader is not safe for concurrent use.
type Loader struct {
	s    *Store
	ctx  context.Context
	opts LoadOptions

	salt    [16]byte // scopes blank node labels to this load
	doc     uint64   // and to one document within it
	targets map[ID]*target
	order   []*target
	// registered reports that the pending records of the targets are
	// stored (Commit writes them before the first key of the load).
	registered bool
	// meta is the new instance of the metadata graph, when the load links
	// so many graphs that their descriptions are written as an instance
	// (see linkMany).
	meta    *target
	dict    map[ID][]byte // dictionary entries of the current chunk
	dictRun []*dictRun
	chunked int // quads in the current chunk
	spill   *spiller
	sorting chan error // the background sort (sortChunk), if one runs
	sortTmp [3][]rec   // the background sort's scratch space, per order
	total   int64
	err     error
	done    bool
}

// target is one graph the load writes, through one new instance.
type target struct {
	g     ID
	name  rdf.Term
	inst  ID
	named bool
	opts  GraphOptions
	chunk [][3]ID
	spare [][3]ID  // a chunk the background sort is done with, for reuse
	runs  [3][]run // sorted runs per order (SPO, POS, OSP)
	// sorted counts the quads of the SPO runs: the instance's size, but
	// for quads added in more than one chunk. It decides packed.
	sorted int64
	// packed reports that the instance is written in blocks and not in
	// the graph-last indexes (see packMinQuads).
	packed bool
	quads  int64 // after the load: distinct quads in the instance
	dig    digest
	preds  map[ID]PredicateStats

	objects map[ID]int64 // distinct objects per predicate, from the POS stream

	prevPO   [32]byte // for counting distinct objects in POS order
	poPrimed bool
}

// packMinQuads is the size from which a loaded instance is packed: written
// in blocks (blocks.go) and left out of the graph-last indexes. Patterns
// over all named graphs read each live packed instance through a cursor of
// its own, so packing pays for big graphs only: an import of a thousand
// small documents, a graph each, must not cost every union scan a thousand
// cursors. Smaller instances are written as transactions write them. A
// variable so that tests can take either way.
var packMinQuads int64 = 50000

// chunkQuads is how many quads are sorted at a time; memBudget how many
// bytes of sorted runs stay in memory before runs go to disk. Variables so
// that tests can force many runs and spilling.
var (
	chunkQuads = 1 << 19
	memBudget  = 128 << 20
)

// testHook, when set by tests, is told when a load reaches a phase
// ("written": all keys are in Badger, not yet linked).
var testHook func(phase string)

// NewLoader starts a bulk load.
func (s *Store) NewLoader(ctx context.Context, opts LoadOptions) (*Loader, error) {
	if opts.Replace && opts.Graph.IsZero() {
		return nil, errors.New("load: replace needs a target graph")
	}
	if opts.Graph.Kind == rdf.KindLiteral {
		return nil, fmt.Errorf("load: graph name must be an IRI: %s", opts.Graph)
	}
	l := &Loader{s: s, ctx: ctx, opts: opts, targets: map[ID]*target{}, dict: map[ID][]byte{}}
	if _, err := rand.Read(l.salt[:]); err != nil {
		return nil, err
	}
	l.spill = &spiller{dir: s.tempDir(), budget: memBudget}
	if !opts.Graph.IsZero() {
		if _, err := l.target(TermID(opts.Graph), opts.Graph); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// SetGraph declares a graph the load writes, named by an IRI, and how:
// quads that name the graph (Quad.G) go into it, and opts replace the
// load's options for it.
// It may be called before or after the graph's quads are added; a graph
// declared without quads is created empty, or emptied by Replace. When
// LoadOptions.Graph is set, only that graph can be declared.
func (l *Loader) SetGraph(name rdf.Term, opts GraphOptions) error {
	if l.err != nil {
		return l.err
	}
	if l.done {
		return errors.New("load: already committed or aborted")
	}
	if name.Kind != rdf.KindIRI {
		// A blank node would name a different graph in every document.
		return fmt.Errorf("load: graph name must be an IRI: %s", name)
	}
	if !l.opts.Graph.IsZero() && name != l.opts.Graph {
		return fmt.Errorf("load: graph %s declared but the load goes into graph %s", name, l.opts.Graph)
	}
	t, err := l.target(TermID(name), name)
	if err != nil {
		return l.fail(err)
	}
	t.opts = opts
	return nil
}

// NewDocument starts a new blank node scope: the same label in two
// documents of one load names two different nodes.
func (l *Loader) NewDocument() { l.doc++ }

// Quads returns the number of quads added so far (duplicates included).
func (l *Loader) Quads() int64 { return l.total }

// Add adds a quad to the load.
func (l *Loader) Add(q rdf.Quad) error {
	if l.err != nil {
		return l.err
	}
	if l.done {
		return errors.New("load: already committed or aborted")
	}
	if q.S.Kind != rdf.KindIRI && q.S.Kind != rdf.KindBlank {
		return fmt.Errorf("subject must be an IRI or blank node: %s", q.S)
	}
	if q.P.Kind != rdf.KindIRI {
		return fmt.Errorf("predicate must be an IRI: %s", q.P)
	}
	if q.O.IsZero() {
		return errors.New("object missing")
	}
	gname := q.G
	if !l.opts.Graph.IsZero() {
		if !q.G.IsZero() {
			return fmt.Errorf("the data names graph %s but the load goes into graph %s", q.G, l.opts.Graph)
		}
		gname = l.opts.Graph
	}
	var spo [3]ID
	for i, t := range [3]rdf.Term{q.S, q.P, q.O} {
		spo[i] = l.encode(t)
	}
	g := l.encode(gname)
	t, err := l.target(g, gname)
	if err != nil {
		return l.fail(err)
	}
	t.chunk = append(t.chunk, spo)
	l.total++
	l.chunked++
	if l.chunked >= chunkQuads {
		if err := l.sortChunk(); err != nil {
			return l.fail(err)
		}
	}
	return nil
}

func (l *Loader) fail(err error) error {
	l.err = err
	return err
}

// encode maps a term to its id, scoping blank nodes to the document and
// collecting the dictionary entries of hashed terms.
func (l *Loader) encode(t rdf.Term) ID {
	if t.Kind == rdf.KindBlank {
		return hashID(tagBlank, string(l.salt[:]), strconv.FormatUint(l.doc, 10), t.Value)
	}
	id, hashed, _ := termID(t)
	if hashed {
		if _, ok := l.dict[id]; !ok {
			l.dict[id] = entryFor(t)
		}
	}
	return id
}

// target returns the load's target for graph g, creating it, with a new
// instance and the load's options, on first use.
func (l *Loader) target(g ID, name rdf.Term) (*target, error) {
	if t, ok := l.targets[g]; ok {
		return t, nil
	}
	if g == metadataGraphID {
		return nil, fmt.Errorf("load: the metadata graph <%s> is maintained by the store", MetadataGraph)
	}
	t := &target{g: g, name: name, inst: newInstanceID(), named: inUnionIndexes(g), opts: GraphOptions{
		Replace: l.opts.Replace, Source: l.opts.Source, Format: l.opts.Format, Owner: l.opts.Owner,
	}}
	if entry := dictEntry(name); entry != nil {
		l.dict[g] = entry
	}
	l.targets[g] = t
	l.order = append(l.order, t)
	return t, nil
}

// register stores a pending record for every instance the load writes,
// before the first of their keys: the records make a crash recoverable, as
// Open collects the instances of loads that never committed. Registering
// them all at once costs one batch instead of a commit per graph.
func (l *Loader) register() error {
	insts := l.instances()
	if len(insts) == 0 {
		return nil
	}
	l.s.writeMu.Lock()
	defer l.s.writeMu.Unlock()
	wb := l.s.db.NewWriteBatch()
	recs := make([]*instanceRecord, len(insts))
	for i, t := range insts {
		// Packed is decided (commit): GC reads the instance's keys in
		// the form they will be written.
		recs[i] = &instanceRecord{Graph: t.g, Named: t.named, Packed: t.packed, State: instancePending}
		if err := wb.Set(instanceKey(t.inst), marshalRecord(recs[i])); err != nil {
			wb.Cancel()
			return fmt.Errorf("load: register instances: %w", err)
		}
	}
	if err := wb.Flush(); err != nil {
		return fmt.Errorf("load: register instances: %w", err)
	}
	l.registered = true
	st := l.s.current()
	cat := st.cat.clone()
	for i, t := range insts {
		cat.instances[t.inst] = recs[i]
	}
	l.s.publish(&state{cat: cat, preds: st.preds})
	return nil
}

// instances returns the targets of the load, the metadata graph's new
// instance included when there is one.
func (l *Loader) instances() []*target {
	if l.meta == nil {
		return l.order
	}
	return append(slices.Clip(l.order), l.meta)
}

// sortChunk hands the buffered quads to a background sort that turns them
// into sorted runs, so that parsing the next chunk overlaps with sorting
// this one. Only one sort runs at a time: it waits for the previous one.
func (l *Loader) sortChunk() error {
	if err := l.waitSort(); err != nil {
		return err
	}
	var jobs []sortJob
	for _, t := range l.order {
		if len(t.chunk) == 0 {
			continue
		}
		jobs = append(jobs, sortJob{t, t.chunk})
		if t.spare == nil {
			// The load filled a chunk: the next one is as large, so
			// growing it step by step would only copy.
			t.spare = make([][3]ID, 0, len(t.chunk))
		}
		t.chunk, t.spare = t.spare[:0], nil
	}
	dict := l.dict
	l.dict = map[ID][]byte{}
	l.chunked = 0
	done := make(chan error, 1)
	l.sorting = done
	go func() { done <- l.sortJobs(jobs, dict) }()
	return nil
}

// sortJob is one target's chunk of quads to sort.
type sortJob struct {
	t     *target
	chunk [][3]ID
}

// waitSort waits for the background sort, if one is under way.
func (l *Loader) waitSort() error {
	if l.sorting == nil {
		return nil
	}
	err := <-l.sorting
	l.sorting = nil
	return err
}

// sortJobs sorts chunks in the three orders (concurrently) and adds the
// runs to their targets; it also turns the chunk's dictionary entries
// into a run. It runs in the background: it alone touches the targets'
// runs, their spare chunks and the spiller until waitSort returns.
func (l *Loader) sortJobs(jobs []sortJob, dict map[ID][]byte) error {
	for _, j := range jobs {
		var sorted [3][]rec
		var wg sync.WaitGroup
		for oi, ord := range [3]order{orderSPO, orderPOS, orderOSP} {
			if cap(l.sortTmp[oi]) < len(j.chunk) {
				l.sortTmp[oi] = make([]rec, len(j.chunk))
			}
			tmp := l.sortTmp[oi][:len(j.chunk)]
			wg.Go(func() { sorted[oi] = sortedRecs(j.chunk, ord, tmp) })
		}
		wg.Wait()
		j.t.sorted += int64(len(sorted[0]))
		for oi, recs := range sorted {
			r, err := l.spill.quadRun(recs)
			if err != nil {
				return err
			}
			j.t.runs[oi] = append(j.t.runs[oi], r)
		}
		j.t.spare = j.chunk
	}
	if len(dict) > 0 {
		r, err := l.spill.dictRun(dict)
		if err != nil {
			return err
		}
		l.dictRun = append(l.dictRun, r)
	}
	return nil
}

// Abort gives the load up; nothing of it becomes visible.
func (l *Loader) Abort() {
	if l.done {
		return
	}
	l.done = true
	l.waitSort()
	l.spill.cleanup()
	l.retireAll()
}

// retireAll marks the load's instances as garbage.
func (l *Loader) retireAll() {
	if !l.registered {
		return // nothing of the load is stored
	}
	l.s.writeMu.Lock()
	defer l.s.writeMu.Unlock()
	st := l.s.current()
	cat := st.cat.clone()
	wb := l.s.db.NewWriteBatch()
	err := func() error {
		for _, t := range l.instances() {
			r := &instanceRecord{Graph: t.g, Named: t.named, Packed: t.packed, State: instanceGarbage}
			cat.instances[t.inst] = r
			if err := wb.Set(instanceKey(t.inst), marshalRecord(r)); err != nil {
				wb.Cancel()
				return err
			}
		}
		return wb.Flush()
	}()
	if err != nil {
		// The records stay pending; the next Open rolls them back.
		l.s.logger.Warn("abort load", "err", err)
		return
	}
	l.s.publish(&state{cat: cat, preds: st.preds})
	l.s.wakeCollector()
}

// LoadResult says what a committed load changed.
type LoadResult struct {
	// Quads is the number of quads the load added (after removing
	// duplicates, and in appends the quads the graphs already had).
	Quads int64
	// Graphs describes every graph the load wrote, after the load.
	Graphs []GraphInfo
	// Elapsed is the time spent in Commit.
	Elapsed time.Duration
}

// Commit writes the load and makes it visible atomically. On error nothing
// of the load is visible and the store is as it was.
func (l *Loader) Commit() (LoadResult, error) {
	start := time.Now()
	if l.done {
		return LoadResult{}, errors.New("load: already committed or aborted")
	}
	res, err := l.commit()
	l.done = true
	l.waitSort() // after an error in commit, a sort may still run
	l.spill.cleanup()
	if err != nil {
		l.retireAll()
		return LoadResult{}, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func (l *Loader) commit() (LoadResult, error) {
	if l.err != nil {
		return LoadResult{}, l.err
	}
	if err := l.sortChunk(); err != nil {
		return LoadResult{}, err
	}
	if err := l.waitSort(); err != nil {
		return LoadResult{}, err
	}
	l.sortTmp = [3][]rec{} // free for the write
	if err := l.ctx.Err(); err != nil {
		return LoadResult{}, err
	}
	slices.SortFunc(l.order, func(a, b *target) int { return compareID(a.inst, b.inst) })
	for _, t := range l.order {
		t.packed = t.sorted >= packMinQuads
	}
	if len(l.order) > linkInTxnGraphs {
		// The metadata graph's instance is never packed: it holds a few
		// quads per graph, and every transaction that changes a graph
		// rewrites some of them (Txn.describeGraphs), which on an
		// unpacked instance are plain key deletions. It is not a union
		// graph, so it is in the graph-first indexes only either way.
		l.meta = &target{g: metadataGraphID, name: rdf.IRI(MetadataGraph), inst: newInstanceID()}
	}
	if err := l.register(); err != nil {
		return LoadResult{}, err
	}
	if err := l.write(); err != nil {
		return LoadResult{}, fmt.Errorf("load: write: %w", err)
	}
	if testHook != nil {
		testHook("written")
	}
	if l.meta != nil {
		return l.linkMany()
	}
	return l.link()
}

// write puts the sorted runs into Badger: dictionary entries and every index
// of every target instance. The instances are still pending, so readers do
// not see any of it.
func (l *Loader) write() error {
	// The store's size matters only for loads big enough for the stream
	// writer; summing the statistics of every graph is not free.
	useStream := l.total >= streamThreshold && !l.s.db.Opts().InMemory &&
		useStreamSink(l.total, l.s.current().summary().Quads)
	var out sink
	if useStream {
		// Badger refuses other writes while a stream writer works: hold
		// the write lock so that the store's writers wait instead.
		l.s.writeMu.Lock()
		defer l.s.writeMu.Unlock()
		sw, err := newStreamSink(l.s.db)
		if err != nil {
			return err
		}
		out = sw
	} else {
		out = newBatchSink(l.s.db)
	}
	if err := l.writeAll(out); err != nil {
		out.abort()
		return err
	}
	return out.close()
}

// sortChunk turns the target's buffered quads into one sorted run per
// index order, in the caller's goroutine. It serves the metadata graph's
// instance (linkMany); the load's own targets are sorted in the
// background (sortJobs).
func (t *target) sortChunk(sp *spiller) error {
	if len(t.chunk) == 0 {
		return nil
	}
	tmp := make([]rec, len(t.chunk))
	for oi, ord := range [3]order{orderSPO, orderPOS, orderOSP} {
		recs := sortedRecs(t.chunk, ord, tmp)
		if oi == 0 {
			t.sorted += int64(len(recs))
		}
		r, err := sp.quadRun(recs)
		if err != nil {
			return err
		}
		t.runs[oi] = append(t.runs[oi], r)
	}
	t.chunk = t.chunk[:0]
	return nil
}

// sortedRecs returns the records of quads in order ord, sorted and
// distinct, using tmp (at least as long as quads) as scratch space.
func sortedRecs(quads [][3]ID, ord order, tmp []rec) []rec {
	recs := make([]rec, len(quads))
	for i := range quads {
		recs[i] = makeRec(&quads[i], ord)
	}
	sortRecs(recs, tmp)
	return slices.Compact(recs)
}

func (l *Loader) writeAll(out sink) error {
	return l.writeTargets(out, l.dictRun, l.order)
}

// writeTargets writes the dictionary entries of dict and the index keys of
// the targets' instances, computing the targets' statistics on the way.
// The targets are sorted by instance.
//
// The dictionary and each index are written through a lane of their own,
// concurrently when the stream writer takes them: the instances are
// pending, so no reader sees a quad before its terms. Packed targets are
// written in blocks to the graph-first indexes only (see blocks.go); the
// others one entry to a key, and those of named graphs also to the
// graph-last indexes.
func (l *Loader) writeTargets(out sink, dict []*dictRun, targets []*target) error {
	for _, t := range targets {
		t.resetStats()
	}
	union := slices.ContainsFunc(targets, func(t *target) bool { return t.named && !t.packed })
	// A write batch takes one lock per key, so lanes in goroutines only
	// contend for it (a re-import of 1,000 contracts took 5-10% more
	// CPU): with the batch sink the lanes run one after another.
	var wg sync.WaitGroup
	spawn := wg.Go
	if _, ok := out.(*streamSink); !ok {
		spawn = func(f func()) { f() }
	}
	errs := make([]error, 7)
	spawn(func() {
		lane := out.lane()
		err := mergeDict(dict, func(id ID, entry []byte) error {
			return lane.add(prefixDict, dictKey(id), entry)
		})
		errs[6] = errors.Join(err, lane.flush())
	})
	for oi := range 3 {
		spawn(func() {
			lane := out.lane()
			errs[oi] = errors.Join(l.writeIndex(oi, lane, targets), lane.flush())
		})
		if union {
			spawn(func() {
				lane := out.lane()
				errs[3+oi] = errors.Join(l.writeUnionIndex(oi, lane, targets), lane.flush())
			})
		}
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, t := range targets {
		t.mergeObjects()
	}
	return nil
}

// writeIndex writes one graph-first index (0: GSPO, 1: GPOS, 2: GOSP) of
// the target instances, collecting statistics on the way.
func (l *Loader) writeIndex(oi int, lane sinkLane, targets []*target) error {
	idx := idxGSPO + byte(oi)
	for _, t := range targets {
		var st statCollector
		st.t = t
		size := 1 // one entry to a key, as transactions write them
		if t.packed {
			size = blockEntries
		}
		w := newBlockWriter(lane, idx, t.inst, size)
		err := mergeRuns(l.ctx, t.runs[oi], nil, func(r *rec, _ ID) error {
			switch oi {
			case 0:
				spo := r.spo(orderSPO)
				st.addSPO(&spo)
			case 1:
				t.countObject(r)
			}
			return w.add(r)
		})
		if err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
	}
	return nil
}

// writeUnionIndex writes the graph-last twin (0: SPOG, 1: POSG, 2: OSPG) of
// the instances of the unpacked named targets: one stream over all of
// them, merged by triple then instance.
func (l *Loader) writeUnionIndex(oi int, lane sinkLane, targets []*target) error {
	var runs []run
	var insts []ID
	for _, t := range targets {
		if !t.named || t.packed {
			continue
		}
		for _, r := range t.runs[oi] {
			runs = append(runs, r)
			insts = append(insts, t.inst)
		}
	}
	last := idxSPOG + byte(oi)
	ord := [3]order{orderSPO, orderPOS, orderOSP}[oi]
	var key [keyLen]byte
	return mergeRuns(l.ctx, runs, insts, func(r *rec, inst ID) error {
		spo := r.spo(ord)
		putKey(key[:], last, inst, &spo)
		return lane.add(last, key[:], nil)
	})
}

// statCollector computes an instance's statistics from its SPO-sorted
// stream: quads, digest, and per predicate the quads and distinct subjects
// (distinct objects come from the POS stream, see countObject).
type statCollector struct {
	t      *target
	prevS  ID
	prevP  ID
	primed bool
}

// resetStats clears the statistics before they are collected again. The
// SPO stream (statCollector) and the POS stream (countObject) fill
// separate fields, so that they can be read concurrently; mergeObjects
// joins them.
func (t *target) resetStats() {
	t.quads = 0
	t.dig = digest{}
	t.preds = map[ID]PredicateStats{}
	t.objects = map[ID]int64{}
	t.prevPO = [32]byte{}
	t.poPrimed = false
}

// mergeObjects moves the distinct object counts into the statistics.
func (t *target) mergeObjects() {
	for p, n := range t.objects {
		ps := t.preds[p]
		ps.DistinctObjects = n
		t.preds[p] = ps
	}
	t.objects = nil
}

func (c *statCollector) addSPO(spo *[3]ID) {
	t := c.t
	t.quads++
	t.dig.add(tripleDigest(spo))
	ps := t.preds[spo[1]]
	ps.Quads++
	if !c.primed || spo[0] != c.prevS || spo[1] != c.prevP {
		ps.DistinctSubjects++
	}
	t.preds[spo[1]] = ps
	c.prevS, c.prevP, c.primed = spo[0], spo[1], true
}

// countObject counts distinct objects per predicate from the POS-sorted
// entries: each change of (P, O) is one.
func (t *target) countObject(pos *rec) {
	po := [32]byte(pos[:32])
	if !t.poPrimed || po != t.prevPO {
		t.objects[ID(pos[:16])]++
	}
	t.prevPO, t.poPrimed = po, true
}

// link makes the written instances part of their graphs, in one
// transaction. Appends first drop from the new instance what the graph
// already holds, so that a graph's instances stay disjoint.
func (l *Loader) link() (LoadResult, error) {
	s := l.s
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	st := s.current()
	if err := l.removeDuplicates(st.cat); err != nil {
		return LoadResult{}, err
	}
	var res LoadResult
	err := s.updateLocked(l.ctx, func(tx *Txn) error {
		if err := l.check(tx.cat); err != nil {
			return err
		}
		for _, t := range l.order {
			tx.cat.instances[t.inst] = t.liveRecord()
			tx.dirty[t.inst] = true
			tx.preds[t.inst] = t.preds
			tx.copied[t.inst] = true
			gr, retired := t.linked(tx.cat.graphs[t.g], tx.now)
			tx.retire(retired)
			tx.cat.graphs[t.g] = gr
			tx.graphs[t.g] = true
			res.Quads += t.quads
		}
		return nil
	})
	if err != nil {
		return LoadResult{}, fmt.Errorf("load: commit: %w", err)
	}
	cat := s.current().cat
	for _, t := range l.order {
		res.Graphs = append(res.Graphs, cat.info(t.g))
	}
	return res, nil
}

// removeDuplicates drops from the instances of appended graphs the quads
// those graphs already hold. The caller holds the write lock.
func (l *Loader) removeDuplicates(cat *catalog) error {
	for _, t := range l.order {
		if r, ok := cat.graphs[t.g]; ok && !t.opts.Replace && len(r.Instances) > 0 {
			if err := l.removeExisting(t, r.Instances); err != nil {
				return fmt.Errorf("load: remove duplicates: %w", err)
			}
		}
	}
	return l.ctx.Err()
}

// check runs the access check of every graph the load writes against the
// catalog the load is linked into.
func (l *Loader) check(cat *catalog) error {
	for _, t := range l.order {
		check := t.opts.Check
		if check == nil {
			check = l.opts.Check
		}
		if check == nil {
			continue
		}
		_, exists := cat.graphs[t.g]
		var current GraphInfo
		if exists {
			current = cat.info(t.g)
		}
		if err := check(current, exists); err != nil {
			return err
		}
	}
	return nil
}

// liveRecord is the record of t's instance once linked.
func (t *target) liveRecord() *instanceRecord {
	return &instanceRecord{Graph: t.g, Named: t.named, Packed: t.packed, State: instanceLive, Quads: t.quads, Digest: t.dig}
}

// linked returns the record of t's graph once the load is linked at time
// now, given its current record (nil for a new graph), and the instances
// the load replaces.
func (t *target) linked(old *graphRecord, now time.Time) (gr *graphRecord, retired []ID) {
	gr = &graphRecord{Name: t.name}
	if old != nil {
		c := *old
		gr = &c
	}
	if t.opts.Replace {
		retired = gr.Instances
		gr.Instances = []ID{t.inst}
	} else {
		gr.Instances = append(slices.Clone(gr.Instances), t.inst)
	}
	gr.Source, gr.Format = t.opts.Source, t.opts.Format
	gr.LoadedAt, gr.ModifiedAt = now, now
	if t.opts.Owner != "" {
		gr.Owner = t.opts.Owner
	}
	return gr, retired
}

// removeExisting deletes from t's instance the quads that the graph's
// existing instances already hold, and recomputes t's statistics if any
// were removed. The caller holds the write lock.
func (l *Loader) removeExisting(t *target, existing []ID) error {
	cat := l.s.current().cat
	var dups [][3]ID
	err := l.s.db.View(func(txn *badger.Txn) error {
		prefix := append([]byte{idxGSPO}, t.inst[:]...)
		c := newBlockCursor(txn, prefix, t.inst, t.g, true)
		defer c.close()
		look := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false})
		defer look.Close()
		var key [keyLen]byte
		n := 0
		for ; c.valid; c.next() {
			if n++; n&4095 == 0 {
				if err := l.ctx.Err(); err != nil {
					return err
				}
			}
			spo := c.cur.spo(orderSPO)
			for _, inst := range existing {
				putKey(key[:], idxGSPO, inst, &spo)
				found, err := instanceHolds(txn, look, cat.instances[inst].Packed, key[:])
				if err != nil {
					return err
				}
				if found {
					dups = append(dups, spo)
					break
				}
			}
		}
		return c.err
	})
	if err != nil || len(dups) == 0 {
		return err
	}
	wb := l.s.db.NewWriteBatch()
	err = l.s.db.View(func(txn *badger.Txn) error {
		// dropQuads serves unpacked graph-first indexes too (one-entry
		// blocks); the graph-last keys of an unpacked named instance are
		// deleted one by one.
		it := txn.NewIterator(badger.IteratorOptions{PrefetchValues: false})
		defer it.Close()
		if err := dropQuads(it, t.inst, indexesFor(false), dups, wb.Set, wb.Delete); err != nil {
			return err
		}
		if t.packed || !t.named {
			return nil
		}
		var key [keyLen]byte
		for i := range dups {
			for _, idx := range []byte{idxSPOG, idxPOSG, idxOSPG} {
				putKey(key[:], idx, t.inst, &dups[i])
				if err := wb.Delete(append([]byte(nil), key[:]...)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		wb.Cancel()
		return err
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	return l.recount(t)
}

// instanceHolds reports whether an instance holds the quad of key, a
// graph-first index key: a packed instance through the iterator look, an
// unpacked one by a point read.
func instanceHolds(txn *badger.Txn, look *badger.Iterator, packed bool, key []byte) (bool, error) {
	if packed {
		return blockHolds(look, key)
	}
	_, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// dropQuads removes quads from the packed graph-first indexes idxs of an
// instance, reading through it and writing through put and del.
func dropQuads(it *badger.Iterator, inst ID, idxs []byte, quads [][3]ID, put func(k, v []byte) error, del func(k []byte) error) error {
	entries := make([]rec, len(quads))
	for _, idx := range idxs {
		ord, _ := indexOrder(idx)
		for i := range quads {
			entries[i] = makeRec(&quads[i], ord)
		}
		slices.SortFunc(entries, compareRec)
		base := append([]byte{idx}, inst[:]...)
		if err := dropEntries(it, base, entries, put, del); err != nil {
			return err
		}
	}
	return nil
}

// recount recomputes an instance's statistics by scanning it.
func (l *Loader) recount(t *target) error {
	return l.s.db.View(func(txn *badger.Txn) error {
		t.resetStats()
		st := statCollector{t: t}
		for oi, idx := range []byte{idxGSPO, idxGPOS} {
			prefix := append([]byte{idx}, t.inst[:]...)
			c := newBlockCursor(txn, prefix, t.inst, t.g, true)
			for ; c.valid; c.next() {
				if oi == 0 {
					spo := c.cur.spo(orderSPO)
					st.addSPO(&spo)
				} else {
					t.countObject(&c.cur)
				}
			}
			c.close()
			if c.err != nil {
				return c.err
			}
		}
		t.mergeObjects()
		return nil
	})
}

func compareID(a, b ID) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
