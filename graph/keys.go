package graph

// Key layout. Every quad is stored as index entries, one per index
// permutation, so that any quad pattern is one ordered prefix scan. The
// graph position of an entry holds the *instance* the quad belongs to (see
// catalog.go), not the graph's IRI: that indirection is what lets a load of
// any size replace a graph atomically. Instances written by transactions
// and small loads have one key per entry (empty value); instances written
// by big loads are packed, many entries to a key (blocks.go).
//
//	index key   [index byte][4 × 16-byte ids in the index's order] → packed entries
//	dictionary  [prefixDict][id]                → term bytes (hashed terms only)
//	instance    [prefixInstance][instance id]   → instance record (JSON)
//	graph       [prefixGraph][graph term id]    → graph record (JSON)
//	statistics  [prefixStats][instance][pred]   → three uvarints
//	store meta  [prefixMeta]name                → value
//
// The default graph's instances are in the three graph-first indexes only;
// named graphs' unpacked instances are in all six, the graph-last ones
// serving patterns over all named graphs (GRAPH ?g), which read packed
// instances through their graph-first indexes.
const (
	idxGSPO byte = 1
	idxGPOS byte = 2
	idxGOSP byte = 3
	idxSPOG byte = 4
	idxPOSG byte = 5
	idxOSPG byte = 6

	prefixDict     byte = 0x10
	prefixInstance byte = 0x20
	prefixGraph    byte = 0x21
	prefixStats    byte = 0x22
	prefixMeta     byte = 0x30
	prefixScratch  byte = 0xF0 // see newStreamSink
)

const keyLen = 1 + 4*16

// order is a permutation of the components s, p, o (0, 1, 2).
type order [3]int

var (
	orderSPO = order{0, 1, 2}
	orderPOS = order{1, 2, 0}
	orderOSP = order{2, 0, 1}
)

// indexOrder returns the component order of an index and whether the graph
// comes first.
func indexOrder(idx byte) (order, bool) {
	switch idx {
	case idxGSPO:
		return orderSPO, true
	case idxGPOS:
		return orderPOS, true
	case idxGOSP:
		return orderOSP, true
	case idxSPOG:
		return orderSPO, false
	case idxPOSG:
		return orderPOS, false
	case idxOSPG:
		return orderOSP, false
	}
	panic("graph: unknown index")
}

// putKey writes the index key of quad (s, p, o in spo) in instance g.
func putKey(dst []byte, idx byte, g ID, spo *[3]ID) {
	ord, graphFirst := indexOrder(idx)
	dst[0] = idx
	off := 1
	if graphFirst {
		copy(dst[1:], g[:])
		off = 17
	}
	for _, c := range ord {
		copy(dst[off:], spo[c][:])
		off += 16
	}
	if !graphFirst {
		copy(dst[off:], g[:])
	}
}

// parseKey reads an index key back into instance and s, p, o.
func parseKey(key []byte) (g ID, spo [3]ID) {
	ord, graphFirst := indexOrder(key[0])
	off := 1
	if graphFirst {
		copy(g[:], key[1:17])
		off = 17
	}
	for _, c := range ord {
		copy(spo[c][:], key[off:off+16])
		off += 16
	}
	if !graphFirst {
		copy(g[:], key[off:off+16])
	}
	return g, spo
}

// chooseIndex picks the index whose key starts with the bound positions of a
// pattern, and returns the scan prefix. g is the instance for graph-first
// indexes, or zero to scan the graph-last indexes (all named graphs).
func chooseIndex(s, p, o ID, g ID, graphFirst bool) (byte, []byte) {
	bs, bp, bo := !s.IsZero(), !p.IsZero(), !o.IsZero()
	var ord order
	var idx byte
	switch {
	case bs && bp, bs && !bo:
		ord, idx = orderSPO, idxSPOG
	case bs && bo:
		ord, idx = orderOSP, idxOSPG
	case bp:
		ord, idx = orderPOS, idxPOSG
	case bo:
		ord, idx = orderOSP, idxOSPG
	default:
		ord, idx = orderSPO, idxSPOG
	}
	prefix := make([]byte, 1, keyLen)
	if graphFirst {
		idx -= 3 // the graph-first twin of the same order
		prefix = append(prefix, g[:]...)
	}
	prefix[0] = idx
	spo := [3]ID{s, p, o}
	for _, c := range ord {
		if spo[c].IsZero() {
			break
		}
		prefix = append(prefix, spo[c][:]...)
	}
	return idx, prefix
}

func dictKey(id ID) []byte {
	k := make([]byte, 17)
	k[0] = prefixDict
	copy(k[1:], id[:])
	return k
}

func instanceKey(inst ID) []byte {
	k := make([]byte, 17)
	k[0] = prefixInstance
	copy(k[1:], inst[:])
	return k
}

func graphKey(g ID) []byte {
	k := make([]byte, 17)
	k[0] = prefixGraph
	copy(k[1:], g[:])
	return k
}

func statsKey(inst, pred ID) []byte {
	k := make([]byte, 33)
	k[0] = prefixStats
	copy(k[1:], inst[:])
	copy(k[17:], pred[:])
	return k
}
