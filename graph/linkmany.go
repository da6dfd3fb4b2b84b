package graph

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/kplane/kplane/graph/rdf"
)

// linkInTxnGraphs is the number of graphs up to which a load is linked by
// one store transaction (Txn), which also updates the descriptions of the
// graphs in the metadata graph quad by quad. That costs some sixty Badger
// keys per graph, so a load of a thousand graphs would not fit in one
// Badger transaction; loads of more graphs are linked by linkMany. A
// variable so that tests can take either way with few graphs.
var linkInTxnGraphs = 64

// linkMany links a load of many graphs atomically. Everything whose size
// grows with the data is written beforehand, under pending instances that
// no reader sees: the index keys (write), the predicate statistics of the
// new instances and a new instance of the metadata graph holding the
// description of every graph as it will be. The one transaction that makes
// the load visible then holds only the records of the graphs and instances
// it links or retires: a few hundred bytes per graph. On any error, and
// after a crash before that transaction, the store is as it was; Commit
// and Open collect the pending instances.
//
// Rewriting the metadata graph costs a few quads per graph of the store,
// which for a load of this many graphs is small next to the load itself.
func (l *Loader) linkMany() (LoadResult, error) {
	s := l.s
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	// Under the write lock nothing changes the catalog between the checks,
	// the metadata written from it, and the commit.
	st := s.current()
	if err := l.removeDuplicates(st.cat); err != nil {
		return LoadResult{}, err
	}
	if err := l.check(st.cat); err != nil {
		return LoadResult{}, fmt.Errorf("load: commit: %w", err)
	}

	now := time.Now().UTC()
	cat := st.cat.clone()
	preds := maps.Clone(st.preds)
	if preds == nil {
		preds = predicateTable{}
	}
	var retired []ID
	for _, t := range l.order {
		cat.instances[t.inst] = t.liveRecord()
		preds[t.inst] = t.preds
		gr, r := t.linked(cat.graphs[t.g], now)
		cat.graphs[t.g] = gr
		retired = append(retired, r...)
	}
	for _, inst := range retired {
		r := *cat.instances[inst]
		r.State = instanceGarbage
		cat.instances[inst] = &r
		delete(preds, inst)
	}

	// The new metadata graph describes the graphs as they are after the
	// load: it is computed from the catalog the commit publishes.
	meta := l.meta
	if err := l.describeInto(meta, cat); err != nil {
		return LoadResult{}, fmt.Errorf("load: describe graphs: %w", err)
	}
	out := newBatchSink(s.db)
	if err := l.writeMetadata(out, meta); err != nil {
		out.abort()
		return LoadResult{}, fmt.Errorf("load: write graph metadata: %w", err)
	}
	if err := out.close(); err != nil {
		return LoadResult{}, fmt.Errorf("load: write graph metadata: %w", err)
	}
	metaGraph := &graphRecord{Name: meta.name, LoadedAt: now}
	if old, ok := cat.graphs[metadataGraphID]; ok {
		c := *old
		metaGraph = &c
		for _, inst := range old.Instances {
			r := *cat.instances[inst]
			r.State = instanceGarbage
			cat.instances[inst] = &r
			delete(preds, inst)
			retired = append(retired, inst)
		}
	}
	metaGraph.Instances = []ID{meta.inst}
	metaGraph.ModifiedAt = now
	cat.graphs[metadataGraphID] = metaGraph
	cat.instances[meta.inst] = meta.liveRecord()
	preds[meta.inst] = meta.preds

	if err := l.ctx.Err(); err != nil {
		return LoadResult{}, err
	}
	if err := l.commitRecords(cat, retired); err != nil {
		return LoadResult{}, fmt.Errorf("load: commit: %w", err)
	}
	s.publish(&state{cat: cat, preds: preds})
	if len(retired) > 0 {
		s.wakeCollector()
	}
	res := LoadResult{Graphs: make([]GraphInfo, 0, len(l.order))}
	for _, t := range l.order {
		res.Quads += t.quads
		res.Graphs = append(res.Graphs, cat.info(t.g))
	}
	return res, nil
}

// describeInto fills meta, the new instance of the metadata graph, with the
// description of every named graph of cat, and collects the dictionary
// entries those quads need in l.dict.
func (l *Loader) describeInto(meta *target, cat *catalog) error {
	// The metadata graph's own name: the graph of every quad written.
	l.dict = map[ID][]byte{metadataGraphID: dictEntry(meta.name)}
	for g := range cat.graphs {
		if g.IsZero() || g == metadataGraphID {
			continue
		}
		for _, q := range describe(cat.info(g)) {
			q.G = rdf.Term{} // the instance is the graph
			spo, _, entries, err := encodeQuad(q)
			if err != nil {
				return err
			}
			for id, e := range entries {
				l.dict[id] = e
			}
			meta.chunk = append(meta.chunk, spo)
		}
	}
	return meta.sortChunk(l.spill)
}

// writeMetadata writes the new metadata instance and the predicate
// statistics of every instance of the load.
func (l *Loader) writeMetadata(out sink, meta *target) error {
	dict, err := l.spill.dictRun(l.dict)
	if err != nil {
		return err
	}
	l.dict = map[ID][]byte{}
	if err := l.writeTargets(out, []*dictRun{dict}, []*target{meta}); err != nil {
		return err
	}
	// The metadata graph keeps no distinct counts (see Txn.firstUses).
	for p, ps := range meta.preds {
		meta.preds[p] = PredicateStats{Quads: ps.Quads}
	}
	lane := out.lane()
	for _, t := range append(slices.Clip(l.order), meta) {
		for p, ps := range t.preds {
			if err := lane.add(prefixStats, statsKey(t.inst, p), encodeStats(ps)); err != nil {
				return err
			}
		}
	}
	return lane.flush()
}

// commitRecords writes, in one transaction, the records that link the
// load: the graphs it wrote and the metadata graph, its instances (live
// now) and the instances it retired.
func (l *Loader) commitRecords(cat *catalog, retired []ID) error {
	txn := l.s.db.NewTransaction(true)
	defer txn.Discard()
	set := func(k, v []byte) error {
		err := txn.Set(k, v)
		if errors.Is(err, badger.ErrTxnTooBig) {
			return fmt.Errorf("the records of %d graphs do not fit in one transaction; load fewer graphs at a time", len(l.order))
		}
		return err
	}
	for _, g := range append(l.graphIDs(), metadataGraphID) {
		if err := set(graphKey(g), marshalRecord(cat.graphs[g])); err != nil {
			return err
		}
	}
	for _, t := range l.instances() {
		if err := set(instanceKey(t.inst), marshalRecord(cat.instances[t.inst])); err != nil {
			return err
		}
	}
	for _, inst := range retired {
		if err := set(instanceKey(inst), marshalRecord(cat.instances[inst])); err != nil {
			return err
		}
	}
	return txn.Commit()
}

// graphIDs returns the ids of the graphs the load writes.
func (l *Loader) graphIDs() []ID {
	ids := make([]ID, len(l.order))
	for i, t := range l.order {
		ids[i] = t.g
	}
	return ids
}
