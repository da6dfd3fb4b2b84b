package graph

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"time"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/kplane/kplane/graph/rdf"
)

var (
	// ErrGraphExists is returned when creating a graph that exists.
	ErrGraphExists = errors.New("graph already exists")
	// ErrGraphNotFound is returned for an operation on a missing graph.
	ErrGraphNotFound = errors.New("graph does not exist")
	// ErrTxnTooBig is returned when a transaction grows beyond what one
	// Badger transaction holds; use a Loader for bulk changes.
	ErrTxnTooBig = errors.New("transaction too big: use a bulk load for changes of this size")
)

// Txn is an atomic change of the store: all of it is committed or none.
// A Txn is not safe for concurrent use.
type Txn struct {
	s      *Store
	btx    *badger.Txn
	cat    *catalog
	preds  predicateTable
	copied map[ID]bool // instances whose predicate map is already a private copy
	now    time.Time
	dirty  map[ID]bool // instances whose record or statistics changed
	graphs map[ID]bool // graphs whose record changed

	// The statistics need to know whether any key with a given prefix
	// exists. An iterator on the update transaction would sort all its
	// pending writes at every call, so the transaction answers from the
	// committed state it started from (one reused read iterator) and its
	// own changes to the two indexes involved, kept here.
	read        *badger.Txn
	readIt      *badger.Iterator
	added       map[[keyLen]byte]struct{} // GSPO and GPOS keys this txn added
	removed     map[[keyLen]byte]struct{} // committed GSPO and GPOS keys it deleted
	addedPrefix map[[statPrefixLen]byte]int

	// packedDeletes holds the quads deleted from packed instances; their
	// blocks are rewritten at commit (rewritePacked), and until then
	// exists and noKeyWithPrefix see them gone through removed.
	packedDeletes map[ID][][3]ID
}

// statPrefixLen is the length of an index prefix of index byte, instance
// and two ids: the unit of the distinct-subject and distinct-object counts.
const statPrefixLen = 1 + 3*16

// Update runs fn in a write transaction and commits it if fn returns nil.
// Writers are serialised; readers are never blocked.
func (s *Store) Update(ctx context.Context, fn func(*Txn) error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return s.updateLocked(ctx, fn)
}

// updateLocked is Update for a caller that holds the write lock.
func (s *Store) updateLocked(ctx context.Context, fn func(*Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	st := s.current()
	tx := &Txn{
		s:           s,
		btx:         s.db.NewTransaction(true),
		cat:         st.cat.clone(),
		preds:       maps.Clone(st.preds),
		copied:      map[ID]bool{},
		now:         time.Now().UTC(),
		dirty:       map[ID]bool{},
		graphs:      map[ID]bool{},
		read:        s.db.NewTransaction(false),
		added:       map[[keyLen]byte]struct{}{},
		removed:     map[[keyLen]byte]struct{}{},
		addedPrefix: map[[statPrefixLen]byte]int{},

		packedDeletes: map[ID][][3]ID{},
	}
	defer tx.btx.Discard()
	defer tx.read.Discard()
	defer func() {
		if tx.readIt != nil {
			tx.readIt.Close()
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := tx.describeGraphs(st.cat); err != nil {
		return err
	}
	if err := tx.rewritePacked(); err != nil {
		return err
	}
	if err := tx.writeRecords(); err != nil {
		return err
	}
	if err := tx.btx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.publish(&state{cat: tx.cat, preds: tx.preds})
	if tx.hasGarbage() {
		s.wakeCollector()
	}
	return nil
}

func (tx *Txn) set(k, v []byte) error {
	if err := tx.btx.Set(k, v); err != nil {
		if errors.Is(err, badger.ErrTxnTooBig) {
			return ErrTxnTooBig
		}
		return err
	}
	return nil
}

func (tx *Txn) del(k []byte) error {
	if err := tx.btx.Delete(k); err != nil {
		if errors.Is(err, badger.ErrTxnTooBig) {
			return ErrTxnTooBig
		}
		return err
	}
	return nil
}

// encodeQuad checks that q is a valid RDF quad and encodes it, returning the
// dictionary entries its hashed terms need.
func encodeQuad(q rdf.Quad) (spo [3]ID, g ID, entries map[ID][]byte, err error) {
	if q.S.Kind != rdf.KindIRI && q.S.Kind != rdf.KindBlank {
		return spo, g, nil, fmt.Errorf("subject must be an IRI or blank node: %s", q.S)
	}
	if q.P.Kind != rdf.KindIRI {
		return spo, g, nil, fmt.Errorf("predicate must be an IRI: %s", q.P)
	}
	if q.O.Kind == rdf.KindNone {
		return spo, g, nil, fmt.Errorf("object missing")
	}
	if q.G.Kind == rdf.KindLiteral {
		return spo, g, nil, fmt.Errorf("graph name must be an IRI or blank node: %s", q.G)
	}
	terms := [4]rdf.Term{q.S, q.P, q.O, q.G}
	var ids [4]ID
	for i, t := range terms {
		id, entry, err := encodeTerm(t)
		if err != nil {
			return spo, g, nil, err
		}
		ids[i] = id
		if entry != nil {
			if entries == nil {
				entries = map[ID][]byte{}
			}
			entries[id] = entry
		}
	}
	return [3]ID{ids[0], ids[1], ids[2]}, ids[3], entries, nil
}

// Insert adds a quad; it reports whether the quad was new. A missing named
// graph is created.
func (tx *Txn) Insert(q rdf.Quad) (bool, error) {
	spo, g, entries, err := encodeQuad(q)
	if err != nil {
		return false, err
	}
	r := tx.graph(g, q.G)
	for _, inst := range r.Instances {
		found, err := tx.exists(inst, &spo)
		if err != nil || found {
			return false, err
		}
	}
	// Packed instances are never added to (see blocks.go): the graph
	// gets an unpacked instance for its changes.
	if len(r.Instances) == 0 || tx.cat.instances[r.Instances[0]].Packed {
		r = tx.addInstance(g, r)
	}
	inst := r.Instances[0]
	ir := tx.instance(inst)
	newS, newO, err := tx.firstUses(g, inst, &spo)
	if err != nil {
		return false, err
	}
	for id, entry := range entries {
		if err := tx.set(dictKey(id), entry); err != nil {
			return false, err
		}
	}
	var key [keyLen]byte
	for _, idx := range ir.indexes() {
		putKey(key[:], idx, inst, &spo)
		if err := tx.set(append([]byte(nil), key[:]...), nil); err != nil {
			return false, err
		}
		tx.noteAdded(key)
	}
	ir.Quads++
	ir.Digest.add(tripleDigest(&spo))
	ps := tx.predStats(inst, spo[1])
	ps.Quads++
	if newS {
		ps.DistinctSubjects++
	}
	if newO {
		ps.DistinctObjects++
	}
	tx.setPredStats(inst, spo[1], ps)
	tx.touchGraph(g)
	return true, nil
}

// Delete removes a quad; it reports whether the quad was there.
func (tx *Txn) Delete(q rdf.Quad) (bool, error) {
	spo, g, _, err := encodeQuad(q)
	if err != nil {
		return false, err
	}
	return tx.DeleteEncoded(spo, g)
}

// DeleteEncoded removes the quad (spo) from graph g (zero: the default graph).
func (tx *Txn) DeleteEncoded(spo [3]ID, g ID) (bool, error) {
	r, ok := tx.cat.graphs[g]
	if !ok {
		return false, nil
	}
	for _, inst := range r.Instances {
		found, err := tx.exists(inst, &spo)
		if err != nil {
			return false, err
		}
		if !found {
			continue
		}
		ir := tx.instance(inst)
		var key [keyLen]byte
		if ir.Packed {
			tx.packedDeletes[inst] = append(tx.packedDeletes[inst], spo)
		}
		for _, idx := range ir.indexes() {
			putKey(key[:], idx, inst, &spo)
			if !ir.Packed {
				if err := tx.del(append([]byte(nil), key[:]...)); err != nil {
					return false, err
				}
			}
			tx.noteRemoved(key)
		}
		goneS, goneO, err := tx.firstUses(g, inst, &spo)
		if err != nil {
			return false, err
		}
		ir.Quads--
		ir.Digest.sub(tripleDigest(&spo))
		ps := tx.predStats(inst, spo[1])
		ps.Quads--
		if goneS {
			ps.DistinctSubjects--
		}
		if goneO {
			ps.DistinctObjects--
		}
		tx.setPredStats(inst, spo[1], ps)
		tx.touchGraph(g)
		return true, nil
	}
	return false, nil
}

// CreateGraph creates an empty named graph.
func (tx *Txn) CreateGraph(name rdf.Term) error {
	if name.Kind != rdf.KindIRI && name.Kind != rdf.KindBlank {
		return fmt.Errorf("create graph: name must be an IRI: %s", name)
	}
	g := TermID(name)
	if _, ok := tx.cat.graphs[g]; ok {
		return fmt.Errorf("create graph %s: %w", name, ErrGraphExists)
	}
	if entry := dictEntry(name); entry != nil {
		if err := tx.set(dictKey(g), entry); err != nil {
			return err
		}
	}
	tx.graph(g, name)
	return nil
}

// DropGraph removes a named graph and its content; dropping the default
// graph empties it. The space is reclaimed in the background.
func (tx *Txn) DropGraph(name rdf.Term) error {
	g := TermID(name)
	r, ok := tx.cat.graphs[g]
	if !ok {
		if g.IsZero() {
			return nil
		}
		return fmt.Errorf("drop graph %s: %w", name, ErrGraphNotFound)
	}
	tx.retire(r.Instances)
	if g.IsZero() {
		nr := *r
		nr.Instances = nil
		nr.ModifiedAt = tx.now
		tx.cat.graphs[g] = &nr
	} else {
		delete(tx.cat.graphs, g)
	}
	tx.graphs[g] = true
	return nil
}

// ClearGraph removes every quad of a graph but keeps the graph.
func (tx *Txn) ClearGraph(name rdf.Term) error {
	g := TermID(name)
	r, ok := tx.cat.graphs[g]
	if !ok {
		if g.IsZero() {
			return nil
		}
		return fmt.Errorf("clear graph %s: %w", name, ErrGraphNotFound)
	}
	tx.retire(r.Instances)
	nr := *r
	nr.Instances = nil
	nr.ModifiedAt = tx.now
	tx.cat.graphs[g] = &nr
	tx.graphs[g] = true
	return nil
}

// SetOwner records which domain owns a graph ("" for none).
func (tx *Txn) SetOwner(name rdf.Term, owner string) error {
	g := TermID(name)
	r, ok := tx.cat.graphs[g]
	if !ok {
		return fmt.Errorf("set owner of %s: %w", name, ErrGraphNotFound)
	}
	nr := *r
	nr.Owner = owner
	tx.cat.graphs[g] = &nr
	tx.graphs[g] = true
	return nil
}

// Graph returns what the transaction sees of a graph.
func (tx *Txn) Graph(name rdf.Term) (GraphInfo, bool) {
	g := TermID(name)
	if _, ok := tx.cat.graphs[g]; !ok {
		return GraphInfo{}, g.IsZero()
	}
	return tx.cat.info(g), true
}

func indexesFor(named bool) []byte {
	if named {
		return []byte{idxGSPO, idxGPOS, idxGOSP, idxSPOG, idxPOSG, idxOSPG}
	}
	return []byte{idxGSPO, idxGPOS, idxGOSP}
}

func dictEntry(t rdf.Term) []byte {
	_, entry, _ := encodeTerm(t)
	return entry
}

// graph returns the record of g, creating it (empty) if needed.
func (tx *Txn) graph(g ID, name rdf.Term) *graphRecord {
	if r, ok := tx.cat.graphs[g]; ok {
		return r
	}
	r := &graphRecord{Name: name, LoadedAt: tx.now, ModifiedAt: tx.now}
	tx.cat.graphs[g] = r
	tx.graphs[g] = true
	return r
}

// addInstance gives a graph its first (empty, live) instance.
func (tx *Txn) addInstance(g ID, r *graphRecord) *graphRecord {
	inst := newInstanceID()
	tx.cat.instances[inst] = &instanceRecord{Graph: g, Named: inUnionIndexes(g), State: instanceLive}
	tx.dirty[inst] = true
	nr := *r
	nr.Instances = append([]ID{inst}, r.Instances...)
	tx.cat.graphs[g] = &nr
	tx.graphs[g] = true
	return &nr
}

// instance returns a private, changeable copy of an instance record.
func (tx *Txn) instance(inst ID) *instanceRecord {
	r := tx.cat.instances[inst]
	if !tx.dirty[inst] {
		c := *r
		r = &c
		tx.cat.instances[inst] = r
		tx.dirty[inst] = true
	}
	return r
}

func (tx *Txn) retire(insts []ID) {
	for _, inst := range insts {
		tx.instance(inst).State = instanceGarbage
		delete(tx.preds, inst)
	}
}

func (tx *Txn) hasGarbage() bool {
	for inst := range tx.dirty {
		if tx.cat.instances[inst].State == instanceGarbage {
			return true
		}
	}
	return false
}

func (tx *Txn) touchGraph(g ID) {
	r := tx.cat.graphs[g]
	nr := *r
	nr.ModifiedAt = tx.now
	tx.cat.graphs[g] = &nr
	tx.graphs[g] = true
}

func (tx *Txn) predStats(inst, p ID) PredicateStats { return tx.preds[inst][p] }

func (tx *Txn) setPredStats(inst, p ID, ps PredicateStats) {
	if !tx.copied[inst] {
		tx.preds[inst] = maps.Clone(tx.preds[inst])
		if tx.preds[inst] == nil {
			tx.preds[inst] = map[ID]PredicateStats{}
		}
		tx.copied[inst] = true
	}
	if ps.isZero() {
		delete(tx.preds[inst], p)
	} else {
		tx.preds[inst][p] = ps
	}
	tx.dirty[inst] = true
}

// rewritePacked rewrites the blocks of packed instances that lost quads.
func (tx *Txn) rewritePacked() error {
	for inst, quads := range tx.packedDeletes {
		err := dropQuads(tx.reader(), inst, indexesFor(false), quads, tx.set, tx.del)
		if err != nil {
			return fmt.Errorf("rewrite blocks of instance %s: %w", inst, err)
		}
	}
	return nil
}

// reader returns the iterator over the committed state the transaction
// started from.
func (tx *Txn) reader() *badger.Iterator {
	if tx.readIt == nil {
		tx.readIt = tx.read.NewIterator(badger.IteratorOptions{PrefetchValues: false})
	}
	return tx.readIt
}

// exists reports whether instance inst holds the triple.
func (tx *Txn) exists(inst ID, spo *[3]ID) (bool, error) {
	var key [keyLen]byte
	putKey(key[:], idxGSPO, inst, spo)
	if tx.cat.instances[inst].Packed {
		// Packed blocks change only at commit: the committed state and
		// the quads deleted so far say it all.
		if _, gone := tx.removed[key]; gone {
			return false, nil
		}
		return blockHolds(tx.reader(), key[:])
	}
	_, err := tx.btx.Get(key[:])
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// firstUses reports whether the instance holds no other quad with the
// subject and predicate of spo, and none with its predicate and object:
// whether the quad counts for the distinct subjects and objects of its
// predicate. The metadata graph keeps no distinct counts: nothing plans
// joins over it, and its few triples are rewritten at every change, so the
// deleted versions under the same prefixes would make every check slower.
func (tx *Txn) firstUses(g, inst ID, spo *[3]ID) (subject, object bool, err error) {
	if g == metadataGraphID {
		return false, false, nil
	}
	if subject, err = tx.noKeyWithPrefix(idxGSPO, inst, spo[0], spo[1]); err != nil {
		return false, false, err
	}
	object, err = tx.noKeyWithPrefix(idxGPOS, inst, spo[1], spo[2])
	return subject, object, err
}

// noKeyWithPrefix reports whether the instance has no key in a graph-first
// index starting with a and b, the transaction's own changes included.
// Only GSPO and GPOS are asked.
func (tx *Txn) noKeyWithPrefix(idx byte, inst, a, b ID) (bool, error) {
	var prefix [statPrefixLen]byte
	prefix[0] = idx
	copy(prefix[1:], inst[:])
	copy(prefix[17:], a[:])
	copy(prefix[33:], b[:])
	if tx.addedPrefix[prefix] > 0 {
		return false, nil
	}
	// Packed instances are read block by block; the cursor reads
	// unpacked keys just as well.
	c := &blockCursor{it: tx.reader()}
	var key [keyLen]byte
	copy(key[:17], prefix[:17])
	for c.seek(prefix[:]); c.valid; c.next() {
		copy(key[17:], c.cur[:])
		if _, gone := tx.removed[key]; !gone {
			return false, nil
		}
	}
	return true, c.err
}

// noteAdded and noteRemoved keep the transaction's own changes to the GSPO
// and GPOS indexes for noKeyWithPrefix.
func (tx *Txn) noteAdded(key [keyLen]byte) {
	if key[0] != idxGSPO && key[0] != idxGPOS {
		return
	}
	if _, ok := tx.removed[key]; ok {
		delete(tx.removed, key) // a committed key, back again
		return
	}
	tx.added[key] = struct{}{}
	tx.addedPrefix[[statPrefixLen]byte(key[:statPrefixLen])]++
}

func (tx *Txn) noteRemoved(key [keyLen]byte) {
	if key[0] != idxGSPO && key[0] != idxGPOS {
		return
	}
	if _, ok := tx.added[key]; ok {
		delete(tx.added, key)
		tx.addedPrefix[[statPrefixLen]byte(key[:statPrefixLen])]--
		return
	}
	tx.removed[key] = struct{}{}
}

// writeRecords persists the changed catalog and statistics records.
func (tx *Txn) writeRecords() error {
	for g := range tx.graphs {
		r, ok := tx.cat.graphs[g]
		if !ok {
			if err := tx.del(graphKey(g)); err != nil {
				return err
			}
			continue
		}
		if err := tx.set(graphKey(g), marshalRecord(r)); err != nil {
			return err
		}
	}
	for inst := range tx.dirty {
		r := tx.cat.instances[inst]
		if err := tx.set(instanceKey(inst), marshalRecord(r)); err != nil {
			return err
		}
		if !tx.copied[inst] {
			continue
		}
		old := tx.s.current().preds[inst]
		for p, ps := range tx.preds[inst] {
			if old[p] != ps {
				if err := tx.set(statsKey(inst, p), encodeStats(ps)); err != nil {
					return err
				}
			}
		}
		for p := range old {
			if _, ok := tx.preds[inst][p]; !ok {
				if err := tx.del(statsKey(inst, p)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
