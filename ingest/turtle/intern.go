package turtle

import "hash/maphash"

// internSlots is the size of an internCache; a power of two.
const internSlots = 1 << 10

// internCache maps token text to a string computed from it (an expanded
// or resolved IRI, an interned label). It is direct-mapped: each key has
// one slot and a newer key evicts an older one. That bounds its memory and
// keeps every operation O(len(key)), which a map that must now and then be
// cleared cannot; repeated IRIs in data are usually close together, which
// is what a small cache catches.
type internCache struct {
	seed  maphash.Seed
	slots []internEntry
}

type internEntry struct {
	key, val string
}

func newInternCache() *internCache {
	return &internCache{seed: maphash.MakeSeed(), slots: make([]internEntry, internSlots)}
}

// get returns the value cached for key and the slot that holds or would
// hold it.
func (c *internCache) get(key []byte) (val string, slot int, ok bool) {
	slot = int(maphash.Bytes(c.seed, key) & (internSlots - 1))
	e := &c.slots[slot]
	if e.key == string(key) && (e.key != "" || e.val != "") {
		return e.val, slot, true
	}
	return "", slot, false
}

// put caches val for key in slot, as returned by get.
func (c *internCache) put(slot int, key, val string) {
	c.slots[slot] = internEntry{key, val}
}

// reset empties the cache.
func (c *internCache) reset() {
	clear(c.slots)
}
