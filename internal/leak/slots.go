package leak

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// growingSlots is the fourth source of suspects: a slot (a property, a
// closure's variable, an internal field) of one object whose value is
// replaced by a bigger one at every snapshot. `s += line` and
// `buf = Buffer.concat([buf, chunk])` build a new string or Buffer each
// time, so the value has a new id in every snapshot: it is never "allocated
// after S1 and alive in S2", and it is not the same object growing either.
// What stays is the holder (same id) and the slot's name.
//
// Strings are never holders: one never changes what it holds, so the same
// string id holding another value means V8 gave a dead string's id to a
// new one allocated at its address.
//
// Only values that retain at least minSlotValue are recorded, and only
// where the holder is the value's immediate dominator and the value's
// parent on its shortest path (so the slot is what keeps it): a few
// entries per large value, never one per node. After the first snapshot
// only the slots seen before are kept, so the set only shrinks.
type growingSlots struct {
	keys     []slotKey  // tracked slots, sorted
	retained [][]uint64 // per snapshot, per slot: the value's retained size
	valueID  [][]uint32 // per snapshot, per slot: the value's id
	node     []uint32   // per slot: the value's node in the latest snapshot
	names    []string   // slot names (property, variable, internal field)
	nameID   map[string]uint32
	scratch  []slotValue // reused per snapshot
	// unconfirmed: with two snapshots, slots whose value was replaced by a
	// bigger one that does not hold the old one (a note, not a suspect).
	unconfirmed []unconfirmedSlot
	// edgeTypes names the edge types of the first snapshot (their numbers
	// come from the snapshot's meta).
	edgeTypes []string
	disabled  bool
}

// slotKey names a slot: the holder's id, the edge type and the edge's
// name (an index into names) or, for elements, its index.
type slotKey struct {
	holder   uint32
	edgeType uint8
	name     uint32
}

func (a slotKey) cmp(b slotKey) int {
	switch {
	case a.holder != b.holder:
		return cmp.Compare(a.holder, b.holder)
	case a.edgeType != b.edgeType:
		return cmp.Compare(uint32(a.edgeType), uint32(b.edgeType))
	}
	return cmp.Compare(a.name, b.name)
}

type slotValue struct {
	key      slotKey
	node, id uint32
	retained uint64
}

// minSlotValue: values smaller than this are not tracked. The slot must
// still grow by minCollectionGrowth over the series; a lower floor lets a
// value that is small at the first snapshot (taken soon after start) be
// followed. Few values retain this much: 47 of 2.7 million nodes in a
// 200 MB snapshot, 46 of 200,000 in a 20 MB one.
const minSlotValue = 16 << 10

// slotValueKind reports whether v can be the value of a growing slot:
// program data (strings, Buffers, arrays and other objects, functions),
// not V8's backing stores, code or bookkeeping. An Array's elements store
// is replaced by a bigger one whenever it grows, under the same Array:
// that is the growing-collections pass' business.
func slotValueKind(g *heapgraph.Graph, v uint32) bool {
	s := g.S
	nt := &s.NodeTypeIndex
	switch int(s.NodeType[v]) {
	case nt.String, nt.ConcatenatedString, nt.SlicedString:
		return true
	case nt.Object, nt.Closure:
		return !isSystemName(s.Strings.Bytes(s.NodeName[v]))
	}
	return false
}

// add records snapshot i's large slots (sh gives the shortest-path parents
// the shapes were computed from).
func (t *growingSlots) add(g *heapgraph.Graph, sh *shaper, i, n int) {
	if t.disabled {
		return
	}
	if i == 0 {
		t.retained = make([][]uint64, n)
		t.valueID = make([][]uint32, n)
		t.nameID = map[string]uint32{}
		t.edgeTypes = g.S.Meta.EdgeTypes
	} else if len(t.keys) == 0 {
		return
	}
	s := g.S
	vals := t.scratch[:0]
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		if g.RetainedSize(v) < minSlotValue || v == g.Root {
			continue
		}
		d := g.Dominator(v)
		if d == g.Root || d == v || !jsType(s.NodeType[d], &s.NodeTypeIndex) || g.Distance(d) <= 0 || stringType(g, d) {
			continue
		}
		p, e, start, ok := sh.parent(v)
		if !ok || start || p != d || !slotValueKind(g, v) {
			continue
		}
		if _, pe, top, ok := sh.parent(d); ok && !top && s.EdgeHasStringName(pe) && string(s.Strings.Bytes(s.EdgeNameOrIndex(pe))) == "_events" {
			// An emitter's listener list: node makes it anew as listeners
			// come and go (one listener is kept bare, two in an Array);
			// the listeners' pass tells of it.
			continue
		}
		k := slotKey{holder: s.NodeID[d], edgeType: s.EdgeType(e)}
		if s.EdgeHasStringName(e) {
			b := s.Strings.Bytes(s.EdgeNameOrIndex(e))
			id, ok := t.nameID[string(b)]
			if !ok {
				if i > 0 {
					continue // a name no tracked slot has
				}
				id = uint32(len(t.names))
				t.names = append(t.names, string(b))
				t.nameID[string(b)] = id
			}
			k.name = id
		} else {
			k.name = s.EdgeNameOrIndex(e)
		}
		vals = append(vals, slotValue{key: k, node: v, id: s.NodeID[v], retained: g.RetainedSize(v)})
	}
	slices.SortFunc(vals, func(a, b slotValue) int { return a.key.cmp(b.key) })
	t.scratch = vals[:0]
	if i == 0 {
		for j, sv := range vals {
			if j > 0 && vals[j-1].key == sv.key {
				continue // the same slot twice (should not happen)
			}
			t.keys = append(t.keys, sv.key)
			t.retained[0] = append(t.retained[0], sv.retained)
			t.valueID[0] = append(t.valueID[0], sv.id)
			t.node = append(t.node, sv.node)
		}
		return
	}
	// Keep the slots whose value is, again, a different and bigger one.
	keep := 0
	for k := range t.keys {
		j, found := slices.BinarySearchFunc(vals, t.keys[k], func(a slotValue, b slotKey) int { return a.key.cmp(b) })
		if !found {
			continue
		}
		sv := vals[j]
		if sv.id == t.valueID[i-1][k] || sv.retained <= t.retained[i-1][k] || generations(g, t.valueID[i-1][k], sv.node) {
			continue
		}
		t.keys[keep], t.node[keep] = t.keys[k], sv.node
		for x := 0; x < i; x++ {
			t.retained[x][keep], t.valueID[x][keep] = t.retained[x][k], t.valueID[x][k]
		}
		t.retained[i] = append(t.retained[i], sv.retained)
		t.valueID[i] = append(t.valueID[i], sv.id)
		keep++
	}
	t.keys, t.node = t.keys[:keep], t.node[:keep]
	for x := 0; x < i; x++ {
		t.retained[x], t.valueID[x] = t.retained[x][:keep], t.valueID[x][:keep]
	}
	if n == 2 && keep > 0 {
		t.keepContaining(g)
	}
	if keep == 0 {
		t.scratch = nil
	}
}

// generations reports whether a slot's new value now, replacing the one
// whose id was prevID, is a cache's new generation rather than a value
// rebuilt with more. A two-generation cache (hashlru, quick-lru, ylru)
// moves its full Map into another field as the old generation and starts
// a new one in the slot, so the slot holds a different, often bigger Map
// at every snapshot while the cache stays within twice its bound. Told by
// the previous value still alive apart from the new one (moved, not
// rebuilt), or by a sibling field of the holder holding a collection of
// the same class, as big, made since the previous value (the generation
// it moved there since). A rebuilt string, Buffer or array leaves its
// previous value dead, or inside the new one (a cons-string's left half).
func generations(g *heapgraph.Graph, prevID, now uint32) bool {
	s := g.S
	if stringType(g, now) {
		return false
	}
	if old, ok := g.NodeByID(prevID); ok && g.Distance(old) >= 0 && s.NodeType[old] == s.NodeType[now] && g.ClassName(old) == g.ClassName(now) &&
		!dominates(g, now, old) {
		// (Another type or class: an id V8 gave to something else.)
		return true
	}
	holder := g.Dominator(now)
	for e, u := range g.Edges(holder) {
		if u == now || s.NodeType[u] != s.NodeType[now] || s.NodeID[u] < prevID ||
			int(s.EdgeType(e)) == s.EdgeTypeIndex.Weak || g.ClassName(u) != g.ClassName(now) {
			continue
		}
		if g.RetainedSize(u) >= g.RetainedSize(now)/4 {
			return true
		}
	}
	return false
}

// keepContaining keeps, in the second of two snapshots, only the slots
// whose new value is the old string with more appended: a string built
// with += keeps the previous string as a piece of its cons-string tree.
// Two snapshots cannot tell a value that keeps growing from one rebuilt
// within a bound (a log trimmed to its last 256 KiB, caught once short and
// once long); appending to the whole previous string is the one case that
// still tells. A Buffer.concat copy keeps nothing of the old Buffer, so it
// needs three snapshots.
func (t *growingSlots) keepContaining(g *heapgraph.Graph) {
	type old struct{ id, k uint32 }
	olds := make([]old, len(t.keys))
	for k := range t.keys {
		olds[k] = old{t.valueID[0][k], uint32(k)}
	}
	slices.SortFunc(olds, func(a, b old) int { return cmp.Compare(a.id, b.id) })
	oldNode := make([]uint32, len(t.keys))
	found := make([]bool, len(t.keys))
	s := g.S
	lo, hi := olds[0].id, olds[len(olds)-1].id
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		id := s.NodeID[v]
		if id < lo || id > hi {
			continue
		}
		j, ok := slices.BinarySearchFunc(olds, id, func(a old, id uint32) int { return cmp.Compare(a.id, id) })
		if ok {
			oldNode[olds[j].k], found[olds[j].k] = v, true
		}
	}
	keep := 0
	for k := range t.keys {
		inside := false
		if found[k] && stringType(g, oldNode[k]) {
			for d, steps := oldNode[k], 0; steps < s.NodeCount; d, steps = g.Dominator(d), steps+1 {
				if d == t.node[k] {
					inside = true
					break
				}
				if d != oldNode[k] && int(s.NodeType[d]) != s.NodeTypeIndex.ConcatenatedString {
					break // held by a slice of a flattened copy, say
				}
				if d == g.Root || d == g.Dominator(d) {
					break
				}
			}
		}
		if !inside {
			if grew := t.retained[1][k] - t.retained[0][k]; t.retained[1][k] >= t.retained[0][k]+minCollectionGrowth {
				slot, kind := t.slotName(t.keys[k])
				holder := g.Dominator(t.node[k])
				t.unconfirmed = append(t.unconfirmed, unconfirmedSlot{grew: grew, text: fmt.Sprintf(
					"%s %s of %s @%d was replaced by a bigger %s (%s → %s): take a third snapshot to see whether it keeps growing (two cannot tell a leak from a value rebuilt within a bound)",
					kind, slot, g.ClassName(holder), g.ID(holder), g.ClassName(t.node[k]), kib(t.retained[0][k]), kib(t.retained[1][k]))})
			}
			continue
		}
		t.keys[keep], t.node[keep] = t.keys[k], t.node[k]
		for x := range t.retained {
			t.retained[x][keep], t.valueID[x][keep] = t.retained[x][k], t.valueID[x][k]
		}
		keep++
	}
	t.keys, t.node = t.keys[:keep], t.node[:keep]
	for x := range t.retained {
		t.retained[x], t.valueID[x] = t.retained[x][:keep], t.valueID[x][:keep]
	}
}

type unconfirmedSlot struct {
	grew uint64
	text string
}

// notes are the rebuilt slots two snapshots could not confirm, largest
// growth first (at most three).
func (t *growingSlots) notes() []string {
	u := t.unconfirmed
	slices.SortStableFunc(u, func(a, b unconfirmedSlot) int { return cmp.Compare(b.grew, a.grew) })
	var out []string
	for i := 0; i < len(u) && i < 3; i++ {
		out = append(out, u[i].text)
	}
	return out
}

// kib renders a size for a note (the report formats suspects' sizes).
func kib(b uint64) string {
	if b >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%.1f KiB", float64(b)/1024)
}

// suspects turns the slots that grew by minCollectionGrowth over the series
// into suspects (explained by ex), leaving out values that an existing
// suspect's path already runs through.
func (t *growingSlots) suspects(g *heapgraph.Graph, ex *explainer, first *idSet, have []Suspect) []Suspect {
	n := len(t.retained)
	if t.disabled || n < 2 || len(t.keys) == 0 || len(t.retained[n-1]) != len(t.keys) {
		return nil
	}
	onPath := map[uint32]bool{}
	for _, s := range have {
		for _, st := range s.RetainerPath {
			onPath[st.ID] = true
		}
	}
	above := dominatingGrowth(g, have, t.node)
	var out []Suspect
	for k, key := range t.keys {
		grew := int64(t.retained[n-1][k]) - int64(t.retained[0][k])
		if grew < minCollectionGrowth {
			continue
		}
		v := t.node[k]
		if onPath[g.ID(v)] || 2*above[v] >= grew {
			// The value holds another suspect's leaked objects, and
			// their growth is most of its own: a timer's Timeout,
			// replaced at every tick, that the heap's rules make the
			// dominator of a growing cache is that cache's leak.
			continue
		}
		holder := g.Dominator(v)
		s := Suspect{Count: make([]int64, n), RetainedSize: make([]uint64, n), rep: v, shape: noShape, CountUnit: "bytes"}
		for i := 0; i < n; i++ {
			s.RetainedSize[i] = t.retained[i][k]
			s.Count[i] = int64(t.retained[i][k])
		}
		s.GrowthBytes = int64(s.RetainedSize[n-1]) - int64(s.RetainedSize[0])
		s.GrowthCount = s.Count[n-1] - s.Count[0]
		if g.ID(v) > first.maxID {
			s.NewObjects = 1
		}
		ex.explain(&s)
		slot, kind := t.slotName(key)
		s.Holder = &Holder{Class: g.ClassName(holder), ID: key.holder, Kind: kind, Slot: slot}
		s.Pattern = slotPattern(g, v)
		if stringType(g, v) {
			s.Class, s.RootClass = "(string)", "(string)"
		}
		if kind == "variable" {
			// The function whose scope holds the variable is where it
			// is built up.
			if fn, ok := contextOwner(g, holder); ok {
				if l := ex.closureLocation(fn); l != nil {
					s.Location = l
				}
			}
		}
		s.Hint = hint(&s)
		out = append(out, s)
	}
	return out
}

// maxDominatorSteps bounds the walk up a leaked object's dominator chain
// (a linked list of a million entries is a chain that long).
const maxDominatorSteps = 1 << 16

// dominatingGrowth is, for each of the nodes values (the tracked slots'
// values), the growth of the suspects in have whose leaked object it
// dominates: freeing the value frees them, so that much of its own growth
// is theirs. Only the values are keys: the walks up the dominator chains
// mark nothing else.
func dominatingGrowth(g *heapgraph.Graph, have []Suspect, values []uint32) map[uint32]int64 {
	out := make(map[uint32]int64, len(values))
	for _, v := range values {
		out[v] = 0
	}
	for i := range have {
		s := &have[i]
		if s.GrowthBytes <= 0 || s.rep == g.Root {
			continue
		}
		for v, steps := s.rep, 0; steps < maxDominatorSteps; steps++ {
			d := g.Dominator(v)
			if d == v || d == g.Root {
				break
			}
			if grew, ok := out[d]; ok {
				out[d] = grew + s.GrowthBytes
			}
			v = d
		}
	}
	return out
}

// slotName renders a slot's name and kind: a property name, a closure's
// variable, an element index or V8's internal field name.
func (t *growingSlots) slotName(k slotKey) (name, kind string) {
	str := func() string {
		if int(k.name) < len(t.names) {
			return t.names[k.name]
		}
		return ""
	}
	et := ""
	if int(k.edgeType) < len(t.edgeTypes) {
		et = t.edgeTypes[k.edgeType]
	}
	switch et {
	case "context":
		return str(), "variable"
	case "property", "shortcut":
		return str(), "property"
	case "element", "hidden":
		return "[" + strconv.FormatUint(uint64(k.name), 10) + "]", "element"
	}
	return str(), "internal"
}

func stringType(g *heapgraph.Graph, v uint32) bool {
	nt := &g.S.NodeTypeIndex
	switch int(g.S.NodeType[v]) {
	case nt.String, nt.ConcatenatedString, nt.SlicedString:
		return true
	}
	return false
}

// slotPattern: a string or a Buffer rebuilt bigger is string-or-buffer, an
// array or Map rebuilt bigger (list = [...list, x]) a collection.
func slotPattern(g *heapgraph.Graph, v uint32) Pattern {
	s := g.S
	nt := &s.NodeTypeIndex
	switch int(s.NodeType[v]) {
	case nt.String, nt.ConcatenatedString, nt.SlicedString:
		return PatternStringBuffer
	case nt.Object:
		switch c := g.ClassName(v); {
		case isBufferClass(c) || c == "SharedArrayBuffer" || c == "DataView" ||
			(strings.HasSuffix(c, "Array") && c != "Array"): // typed arrays
			return PatternStringBuffer
		case c == "Array" || c == "Map" || c == "Set" || c == "Object":
			return PatternCollection
		}
	}
	return PatternOther
}

// contextOwner is a closure whose scope is the Context ctx, a named one
// if there is one (a module's functions share its scope with anonymous
// callbacks, and the named function is the likelier writer).
func contextOwner(g *heapgraph.Graph, ctx uint32) (uint32, bool) {
	s := g.S
	found, ok := uint32(0), false
	for r, e := range g.Retainers(ctx) {
		if int(s.NodeType[r]) == s.NodeTypeIndex.Closure && int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && s.EdgeName(e) == "context" {
			if s.NodeNameString(r) != "" {
				return r, true
			}
			if !ok {
				found, ok = r, true
			}
		}
	}
	return found, ok
}

// slotHint is the fix for a slot whose value is rebuilt bigger at every
// snapshot.
func slotHint(s *Suspect, h *Holder, per string) string {
	what := "value"
	switch {
	case s.Pattern == PatternStringBuffer && s.Class == "(string)":
		what = "string"
	case s.Pattern == PatternStringBuffer:
		what = s.Class
	}
	return fmt.Sprintf("%s %s is replaced by a bigger %s at every snapshot%s: it is rebuilt with everything it had plus more (s += line, Buffer.concat([buf, chunk]), [...list, x]) and never reset; cap it or flush it: stream it to a file or socket as it comes, or keep a bounded array of recent chunks and drop the oldest", h.Kind, h.Slot, what, per)
}
