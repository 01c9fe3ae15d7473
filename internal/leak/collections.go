package leak

import (
	"slices"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// growingCollections is the third source of suspects: collections (Map,
// Set, Array, dictionary objects) that exist in every snapshot under the
// same id and keep growing. Numbers pushed into an existing array or smi
// entries added to an existing Map allocate no new object, only a larger
// backing store, so the new-object analysis cannot see them. Nor can it see
// the entries of a collection created after the first snapshot: that
// collection is itself the one new object on their path. So with three or
// more snapshots the collections born before the second are tracked too,
// counted as empty in the first. Memory is a few words per collection,
// never per node.
type growingCollections struct {
	ids      []uint32   // collections of the first two snapshots, sorted by id
	firstMax uint32     // the highest id of the first snapshot: above it, born later
	retained [][]uint64 // per snapshot, per collection (0 = gone)
	entries  [][]int64  // per snapshot, per collection: slots of capacity
	held     [][]int64  // per snapshot, per collection: entries it holds by reference
	node     []uint32   // per collection: its node in the latest snapshot added
}

// minCollectionGrowth: growth below this is noise (a module list, a lazily
// filled cache of node's own); the threshold is per collection.
const minCollectionGrowth = 64 << 10

// minCollectionSlots: a collection must also gain this many slots of its
// own storage. Without it, a small array whose one element comes to
// dominate a lot (node's execution_async_resources while a timer's
// callback runs: the Timeout is off its list, so the array retains the
// whole program) looks like a growing collection. What a few entries
// retain is the new-object analysis' business, not this one's.
const minCollectionSlots = 64

func collectionKind(g *heapgraph.Graph, v uint32) string {
	s := g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Object {
		return ""
	}
	// Byte comparisons: this runs on every object of the first snapshot.
	switch n := s.Strings.Bytes(s.NodeName[v]); string(n) {
	case "Map", "Set", "Array":
		return string(n)
	}
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && string(s.Strings.Bytes(s.EdgeNameOrIndex(e))) == "properties" &&
			string(s.Strings.Bytes(s.NodeName[s.EdgeTo[e]])) == "(object properties)" {
			return "dictionary"
		}
	}
	return ""
}

// entryCount measures a collection in pointer-sized slots: its own shallow
// size and its backing stores' (table, elements, properties). Unlike edge
// counts this also sees numbers stored inline (a double array, a Map of
// small integers), where no edge shows an entry.
func entryCount(g *heapgraph.Graph, v uint32) int64 {
	s := g.S
	n := int64(s.NodeSelfSize[v])
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal {
			switch string(s.Strings.Bytes(s.EdgeNameOrIndex(e))) {
			case "table", "elements", "properties":
				n += int64(s.NodeSelfSize[s.EdgeTo[e]])
			}
		}
	}
	return n / 8
}

func (c *growingCollections) first(g *heapgraph.Graph, n int) {
	c.ids = c.collect(g, 0)
	c.firstMax = maxJSID(g)
	c.retained = make([][]uint64, n)
	c.entries = make([][]int64, n)
	c.held = make([][]int64, n)
}

// collect returns the ids above min of g's collections, sorted.
func (c *growingCollections) collect(g *heapgraph.Graph, min uint32) []uint32 {
	s := g.S
	var ids []uint32
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		if s.NodeID[v] > min && v != g.Root && g.Distance(v) > 1 && collectionKind(g, v) != "" {
			ids = append(ids, s.NodeID[v])
		}
	}
	slices.Sort(ids)
	return ids
}

// born: collection k did not exist in the first snapshot.
func (c *growingCollections) born(k int) bool { return c.ids[k] > c.firstMax }

// heldEntries is what a collection holds by reference: a Map's or Set's
// entries, an Array's elements, a dictionary's properties. Capacity
// (entryCount) grows in V8's steps and can jump once for good (a hash table
// doubling under churn while the entries stay the same); what it holds
// grows with a leak. Numbers stored inline have no reference: 0.
func heldEntries(g *heapgraph.Graph, v uint32) int64 {
	switch kind := collectionKind(g, v); kind {
	case "dictionary":
		s := g.S
		var n int64
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Property {
				n++
			}
		}
		return n
	case "":
		return 0
	default:
		return int64(entriesOf(g, v, kind))
	}
}

// add measures the tracked collections in snapshot i: one pass over the
// nodes with a binary search in the (sorted) tracked ids, so no per-node
// id index is built.
func (c *growingCollections) add(g *heapgraph.Graph, i int) {
	if c.retained == nil {
		return
	}
	if i == 1 && len(c.retained) >= 3 {
		// V8's ids only grow, so the new ones sort after the first
		// snapshot's; they were empty (absent) there.
		more := c.collect(g, c.firstMax)
		c.ids = append(c.ids, more...)
		c.retained[0] = append(c.retained[0], make([]uint64, len(more))...)
		c.entries[0] = append(c.entries[0], make([]int64, len(more))...)
		c.held[0] = append(c.held[0], make([]int64, len(more))...)
	}
	c.retained[i] = make([]uint64, len(c.ids))
	c.entries[i] = make([]int64, len(c.ids))
	c.held[i] = make([]int64, len(c.ids))
	c.node = make([]uint32, len(c.ids))
	if len(c.ids) == 0 {
		return
	}
	s := g.S
	lo, hi := c.ids[0], c.ids[len(c.ids)-1]
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		id := s.NodeID[v]
		if id < lo || id > hi || int(s.NodeType[v]) != s.NodeTypeIndex.Object {
			continue
		}
		k, ok := slices.BinarySearch(c.ids, id)
		if !ok || g.Distance(v) <= 0 {
			continue
		}
		c.retained[i][k] = g.RetainedSize(v)
		c.entries[i][k] = entryCount(g, v)
		c.held[i][k] = heldEntries(g, v)
		c.node[k] = v
	}
	if i > 0 {
		c.compact(i)
	}
}

// compact drops the collections that are gone or shrank by snapshot i:
// they can no longer qualify, and most of a heap's small arrays churn, so
// this keeps the per-collection arrays small for the later snapshots. A
// large collection whose entries stay the same is kept whatever its
// retained size does (its strings come to be shared): it may be the fixed
// set of keys another one fills up to (see domainNote).
func (c *growingCollections) compact(i int) {
	keep := 0
	for k := range c.ids {
		r, p := c.retained[i][k], c.retained[i-1][k]
		if r == 0 || (r < p || c.entries[i][k] < c.entries[i-1][k]) && !c.steady(k, i) {
			continue
		}
		c.ids[keep], c.node[keep] = c.ids[k], c.node[k]
		for j := 0; j <= i; j++ {
			c.retained[j][keep], c.entries[j][keep], c.held[j][keep] = c.retained[j][k], c.entries[j][k], c.held[j][k]
		}
		keep++
	}
	c.ids, c.node = c.ids[:keep:keep], c.node[:keep:keep]
	for j := 0; j <= i; j++ {
		c.retained[j] = slices.Clip(c.retained[j][:keep])
		c.entries[j] = slices.Clip(c.entries[j][:keep])
		c.held[j] = slices.Clip(c.held[j][:keep])
	}
}

// suspects returns the collections whose retained size never shrinks and
// grew by at least minCollectionGrowth bytes, with their entries (what
// they hold by reference) as Count; sieve then keeps those whose entries
// grew at every interval and makes the others (capacity that jumped once,
// entries that stopped) notes. A collection of inline numbers shows no
// entries: its capacity, in slots, is all there is to count. A collection
// inside another growing one, or that a path suspect already goes through,
// is left to that one: its growth is already counted.
func (c *growingCollections) suspects(g *heapgraph.Graph, have []Suspect) []Suspect {
	n := len(c.retained)
	if n < 2 || len(c.ids) == 0 {
		return nil
	}
	onPath := map[uint32]bool{}
	for _, s := range have {
		for _, st := range s.RetainerPath {
			onPath[st.ID] = true
		}
		if s.Holder != nil {
			onPath[s.Holder.ID] = true
		}
	}
	var grow []int
	for k := range c.ids {
		// Never shrinks and grows overall: a hash table's or an array's
		// capacity grows in jumps, so it can stand still between snapshots.
		ok := c.retained[0][k] > 0 && c.retained[n-1][k] >= c.retained[0][k]+minCollectionGrowth
		if c.born(k) {
			// It must keep growing after it appeared: a collection
			// created once and filled once is a one-time step.
			ok = c.retained[1][k] > 0 && c.retained[n-1][k] >= c.retained[1][k]+minCollectionGrowth &&
				(c.held[n-1][k] > c.held[1][k] || c.entries[n-1][k] >= c.entries[1][k]+minCollectionSlots)
		}
		grew := 0
		for i := 1; i < n && ok; i++ {
			ok = c.retained[i][k] >= c.retained[i-1][k] && c.entries[i][k] >= c.entries[i-1][k]
			if c.retained[i][k] > c.retained[i-1][k] {
				grew++
			}
		}
		ok = ok && grew > 0
		if c.visible(k) {
			ok = ok && (c.held[n-1][k] > c.held[0][k] || c.entries[n-1][k] >= c.entries[0][k]+minCollectionSlots)
		} else {
			ok = ok && c.entries[n-1][k] >= c.entries[0][k]+minCollectionSlots
		}
		if ok && !onPath[c.ids[k]] {
			grow = append(grow, k)
		}
	}
	if len(grow) == 0 {
		return nil
	}
	growing := map[uint32]bool{} // node ordinals in the last snapshot
	for _, k := range grow {
		growing[c.node[k]] = true
	}
	var out []Suspect
	for _, k := range grow {
		v := c.node[k]
		nested := false
		for d, steps := g.Dominator(v), 0; d != g.Root && steps < 1<<16; d, steps = g.Dominator(d), steps+1 {
			if growing[d] {
				nested = true
				break
			}
			if d == g.Dominator(d) {
				break
			}
		}
		if nested {
			continue
		}
		s := Suspect{Count: make([]int64, n), RetainedSize: make([]uint64, n), rep: v, collection: true, shape: noShape, CountUnit: "entries"}
		s.capacityOnly = !c.visible(k)
		s.capacity = make([]int64, n)
		for i := 0; i < n; i++ {
			s.capacity[i] = c.entries[i][k]
			s.Count[i] = c.held[i][k]
			if s.capacityOnly {
				s.Count[i], s.CountUnit = c.entries[i][k], "slots"
			}
			s.RetainedSize[i] = c.retained[i][k]
		}
		s.GrowthCount = s.Count[n-1] - s.Count[0]
		s.GrowthBytes = int64(s.RetainedSize[n-1]) - int64(s.RetainedSize[0])
		out = append(out, s)
	}
	return out
}

// steady: collection k holds as many entries by reference in snapshot i as
// in the first (within 1%), and at least minDomainEntries.
func (c *growingCollections) steady(k, i int) bool {
	h, f := c.held[i][k], c.held[0][k]
	return f >= minDomainEntries && h >= f-f/100 && h <= f+f/100
}

// minDomainEntries: smaller collections are not worth keeping as a key set.
const minDomainEntries = 64

// visible: collection k holds something by reference in some snapshot.
func (c *growingCollections) visible(k int) bool {
	for i := range c.held {
		if c.held[i][k] > 0 {
			return true
		}
	}
	return false
}

// valuesOf is, per snapshot, how many entries the Map or dictionary had
// whose values hold the suspect's holder (a feed per account, or the items
// Array of an object per account), when that collection is tracked: how
// many such holders there are. nil otherwise.
func (c *growingCollections) valuesOf(g *heapgraph.Graph, s *Suspect) []int64 {
	h := s.Holder
	if h == nil || len(c.held) == 0 {
		return nil
	}
	path := s.RetainerPath
	for i := len(path) - 1; i >= 1; i-- {
		if path[i].ID != h.ID {
			continue
		}
		// Up over the storage (a Map's table) and the value holding the
		// holder, if it is not the value itself, to the collection.
		for j := i - 1; j >= 0 && j >= i-3; j-- {
			v, ok := g.NodeByID(path[j].ID)
			if !ok {
				return nil
			}
			if kind := collectionKind(g, v); kind != "Map" && kind != "dictionary" {
				continue
			}
			k, found := slices.BinarySearch(c.ids, path[j].ID)
			if !found {
				return nil
			}
			out := make([]int64, len(c.held))
			for n := range c.held {
				if k < len(c.held[n]) {
					out[n] = c.held[n][k]
				}
			}
			return out
		}
		return nil
	}
	return nil
}
