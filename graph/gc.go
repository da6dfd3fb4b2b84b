package graph

import (
	"context"
	"fmt"
	"time"

	badger "github.com/dgraph-io/badger/v4"
)

// Garbage collection deletes the keys of instances that are no longer part of
// any graph: replaced or dropped graphs, and loads that failed or were cut
// short by a crash. Those keys are invisible to readers already (the
// catalog does not point at them), so collecting them is only about space,
// and it can stop at any point and resume after a restart.

// abandonPending marks the instances of loads that never committed as
// garbage. It runs at Open, when no load can be under way.
func (s *Store) abandonPending() error {
	st := s.current()
	var pending []ID
	for inst, r := range st.cat.instances {
		if r.State == instancePending {
			pending = append(pending, inst)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	cat := st.cat.clone()
	err := s.db.Update(func(txn *badger.Txn) error {
		for _, inst := range pending {
			r := *cat.instances[inst]
			r.State = instanceGarbage
			cat.instances[inst] = &r
			if err := txn.Set(instanceKey(inst), marshalRecord(&r)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("roll back unfinished loads: %w", err)
	}
	s.logger.Info("rolled back unfinished loads", "instances", len(pending))
	s.publish(&state{cat: cat, preds: st.preds})
	return nil
}

func (s *Store) wakeCollector() {
	select {
	case s.gcWake <- struct{}{}:
	default:
	}
}

func (s *Store) collectLoop(ctx context.Context) {
	defer close(s.gcDone)
	s.wakeCollector()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.gcWake:
		case <-time.After(time.Minute):
		}
		if err := s.CollectGarbage(ctx); err != nil && ctx.Err() == nil {
			s.logger.Warn("garbage collection", "err", err)
		}
	}
}

// CollectGarbage deletes the keys of every garbage instance now. It returns
// early, without harm, when ctx ends.
func (s *Store) CollectGarbage(ctx context.Context) error {
	for {
		st := s.current()
		var inst ID
		found := false
		for id, r := range st.cat.instances {
			if r.State == instanceGarbage {
				inst, found = id, true
				break
			}
		}
		if !found {
			return nil
		}
		if err := s.collectInstance(ctx, inst); err != nil {
			return err
		}
	}
}

// gcBatch is how many quads one collection step deletes while holding the
// write lock, so that writers wait at most for one step.
const gcBatch = 20000

func (s *Store) collectInstance(ctx context.Context, inst ID) error {
	ir := s.current().cat.instances[inst]
	if ir == nil {
		// Another collector (the background one, or a concurrent
		// CollectGarbage) has finished it meanwhile.
		return nil
	}
	prefix := make([]byte, 17)
	prefix[0] = idxGSPO
	copy(prefix[1:], inst[:])
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var done bool
		var err error
		if ir.Packed {
			done, err = s.collectPackedStep(inst)
		} else {
			done, err = s.collectStep(inst, ir.Named, prefix)
		}
		if err != nil {
			return fmt.Errorf("collect instance %s: %w", inst, err)
		}
		if done {
			break
		}
	}
	// The keys are gone: forget the instance.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	st := s.current()
	err := s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Delete(instanceKey(inst)); err != nil {
			return err
		}
		statsPrefix := append([]byte{prefixStats}, inst[:]...)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: statsPrefix})
		var keys [][]byte
		for it.Seek(statsPrefix); it.ValidForPrefix(statsPrefix); it.Next() {
			keys = append(keys, it.Item().KeyCopy(nil))
		}
		it.Close()
		for _, k := range keys {
			if err := txn.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("collect instance %s: %w", inst, err)
	}
	cat := st.cat.clone()
	delete(cat.instances, inst)
	s.publish(&state{cat: cat, preds: st.preds.withInstance(inst, nil)})
	return nil
}

// collectStep deletes up to gcBatch quads of an instance; done reports
// that none are left.
func (s *Store) collectStep(inst ID, named bool, prefix []byte) (done bool, err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	keys, err := s.keysWithPrefix(prefix, gcBatch)
	if err != nil || len(keys) == 0 {
		return err == nil, err
	}
	// The graph-first SPO key goes last, in a batch of its own: the next
	// step finds the quads through it, so a crash between the two batches
	// only means the step is done again.
	var key [keyLen]byte
	for pass := 0; pass < 2; pass++ {
		wb := s.db.NewWriteBatch()
		for _, k := range keys {
			g, spo := parseKey(k)
			for _, idx := range indexesFor(named) {
				if (idx == idxGSPO) != (pass == 1) {
					continue
				}
				putKey(key[:], idx, g, &spo)
				if err := wb.Delete(append([]byte(nil), key[:]...)); err != nil {
					wb.Cancel()
					return false, err
				}
			}
		}
		if err := wb.Flush(); err != nil {
			return false, err
		}
	}
	return false, nil
}

// collectPackedStep deletes up to gcBatch blocks of a packed instance;
// done reports that none are left. Blocks hold no other instance's
// entries, so they go as they are, the GSPO index last like in collectStep.
func (s *Store) collectPackedStep(inst ID) (done bool, err error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	for _, idx := range []byte{idxGPOS, idxGOSP, idxGSPO} {
		prefix := append([]byte{idx}, inst[:]...)
		keys, err := s.keysWithPrefix(prefix, gcBatch)
		if err != nil {
			return false, err
		}
		if len(keys) == 0 {
			continue
		}
		wb := s.db.NewWriteBatch()
		for _, k := range keys {
			if err := wb.Delete(k); err != nil {
				wb.Cancel()
				return false, err
			}
		}
		return false, wb.Flush()
	}
	return true, nil
}

// keysWithPrefix returns copies of up to max keys that start with prefix,
// in order.
func (s *Store) keysWithPrefix(prefix []byte, max int) ([][]byte, error) {
	var keys [][]byte
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
		defer it.Close()
		for it.Seek(prefix); it.ValidForPrefix(prefix) && len(keys) < max; it.Next() {
			keys = append(keys, it.Item().KeyCopy(nil))
		}
		return nil
	})
	return keys, err
}
