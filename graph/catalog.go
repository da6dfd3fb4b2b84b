package graph

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math/bits"
	"time"

	"github.com/kplane/kplane/graph/rdf"
)

// The catalog records which graphs exist and where their quads are.
//
// A graph's quads live in one or more *instances*. An instance is a set of
// quads written under its own random id; it becomes part of a graph only when
// the catalog says so, in one small transaction. A load writes a new instance
// (as many Badger transactions as it takes), and only then links it to the
// graph: replacing the graph's instances, or appending to them. Until that
// moment no reader sees any of it; if the load fails or the process dies, the
// instance is garbage and is collected. Instances of one graph never hold the
// same quad twice (an append removes what the graph already has first).

// instanceState is where an instance is in its life.
type instanceState uint8

const (
	instancePending instanceState = iota + 1 // being written by a load
	instanceLive                             // part of its graph
	instanceGarbage                          // replaced or dropped: to be deleted
)

// instanceRecord is the stored record of one instance.
type instanceRecord struct {
	Graph ID   `json:"graph"`
	Named bool `json:"named"` // a named graph's: seen by patterns over all named graphs
	// Packed instances are written by loads of at least packMinQuads
	// quads: their graph-first indexes are packed in blocks (blocks.go),
	// and they are not in the graph-last indexes.
	Packed bool          `json:"packed,omitempty"`
	State  instanceState `json:"state"`
	Quads  int64         `json:"quads"`
	Digest digest        `json:"digest"`
}

// indexes returns the indexes that hold the instance's quads.
func (r *instanceRecord) indexes() []byte { return indexesFor(r.Named && !r.Packed) }

// graphRecord is the stored record of one graph.
type graphRecord struct {
	Name       rdf.Term  `json:"name"` // zero for the default graph
	Instances  []ID      `json:"instances"`
	Source     string    `json:"source,omitempty"`
	Format     string    `json:"format,omitempty"`
	Owner      string    `json:"owner,omitempty"`
	LoadedAt   time.Time `json:"loadedAt"`
	ModifiedAt time.Time `json:"modifiedAt"`
}

// catalog is an immutable view of all graph and instance records. Writers
// copy it, change the copy and publish it together with their commit.
type catalog struct {
	graphs    map[ID]*graphRecord
	instances map[ID]*instanceRecord
}

func newCatalog() *catalog {
	return &catalog{graphs: map[ID]*graphRecord{}, instances: map[ID]*instanceRecord{}}
}

// clone makes a copy whose maps can be changed; the records are shared and
// must be replaced, not modified, in the copy.
func (c *catalog) clone() *catalog {
	return &catalog{graphs: maps.Clone(c.graphs), instances: maps.Clone(c.instances)}
}

// liveGraph returns the graph an instance belongs to if it is live.
func (c *catalog) liveGraph(inst ID) (ID, bool) {
	r, ok := c.instances[inst]
	if !ok || r.State != instanceLive {
		return ID{}, false
	}
	return r.Graph, true
}

// info summarises a graph record for callers.
func (c *catalog) info(g ID) GraphInfo {
	r := c.graphs[g]
	gi := GraphInfo{
		Name:       r.Name,
		Source:     r.Source,
		Format:     r.Format,
		Owner:      r.Owner,
		LoadedAt:   r.LoadedAt,
		ModifiedAt: r.ModifiedAt,
	}
	var d digest
	for _, inst := range r.Instances {
		ir := c.instances[inst]
		gi.Quads += ir.Quads
		d.add(ir.Digest)
	}
	gi.ContentHash = d.String()
	return gi
}

// GraphInfo is what the store knows about a graph.
type GraphInfo struct {
	// Name is the graph's IRI (or blank node); zero for the default graph.
	Name rdf.Term
	// Source says where the content came from (a file path, "-" for stdin,
	// a URL), Format in which syntax.
	Source, Format string
	// Owner is the domain that owns the graph ("" when nobody does).
	Owner string
	// LoadedAt is when the content was last loaded as a whole, ModifiedAt
	// when it last changed in any way.
	LoadedAt, ModifiedAt time.Time
	// Quads is the number of quads in the graph.
	Quads int64
	// ContentHash identifies the content: equal sets of triples have equal
	// hashes, whatever their order and blank node labels (blank nodes hash
	// alike, so graphs that differ only in how blank nodes connect can
	// collide).
	ContentHash string
}

// digest is an order-independent hash of a set of triples: the sum modulo
// 2^128 of a hash of each triple. Sums can be updated one triple at a time
// and added across instances.
type digest struct{ Hi, Lo uint64 }

func (d *digest) add(e digest) {
	var c uint64
	d.Lo, c = bits.Add64(d.Lo, e.Lo, 0)
	d.Hi, _ = bits.Add64(d.Hi, e.Hi, c)
}

func (d *digest) sub(e digest) {
	var b uint64
	d.Lo, b = bits.Sub64(d.Lo, e.Lo, 0)
	d.Hi, _ = bits.Sub64(d.Hi, e.Hi, b)
}

func (d digest) String() string { return fmt.Sprintf("%016x%016x", d.Hi, d.Lo) }

// tripleDigest hashes one triple by its ids, with every blank node hashed
// alike so that reloading a document gives the same content hash.
func tripleDigest(spo *[3]ID) digest {
	var buf [48]byte
	for i, id := range spo {
		if id.IsBlank() {
			id = ID{tagBlank}
		}
		copy(buf[i*16:], id[:])
	}
	h := hashBytes(buf[:])
	return h
}

func newInstanceID() ID {
	var id ID
	id[0] = tagInstance
	if _, err := rand.Read(id[1:]); err != nil {
		panic("graph: no randomness: " + err.Error())
	}
	return id
}

// ID JSON form: hex, so that records stay readable in a dump.
func (id ID) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(id[:])), nil }

// UnmarshalText reads the hex form written by MarshalText.
func (id *ID) UnmarshalText(b []byte) error {
	if len(b) != 32 {
		return fmt.Errorf("graph: bad id %q", b)
	}
	_, err := hex.Decode(id[:], b)
	return err
}

func marshalRecord(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("graph: cannot encode record: " + err.Error())
	}
	return b
}
