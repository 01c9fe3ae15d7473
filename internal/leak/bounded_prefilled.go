// Arrays made at their full length: an LRU or a ring kept in parallel
// arrays of a fixed size (lru.min's keyList and valList, made with
// new Array(max).fill(undefined)), a pool's slots. While it fills, what
// its slots hold grows at every snapshot like a leak, but the array's
// length does not: it can never hold more than it has slots. The heap
// shows that without the source: the array was there in the first
// snapshot with as many elements as in the last.

package leak

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/ui"
)

// prefilledNote is the note of a suspect that fills one Array of a
// steady length (with no more of them than it has elements), or that is
// the index of such Arrays.
func prefilledNote(s *Suspect, g *heapgraph.Graph, c *growingCollections) (string, bool) {
	h := s.Holder
	if h == nil || s.CountUnit != "" || len(c.held) < 2 {
		return "", false
	}
	if h.Kind == "Map" || h.Kind == "Set" {
		return prefilledIndexNote(s, g, c)
	}
	if h.Kind != "Array" {
		return "", false
	}
	for k, id := range c.ids {
		if id != h.ID {
			continue
		}
		slots, ok := c.prefilled(k)
		if !ok || s.Count[len(s.Count)-1] > slots {
			return "", false
		}
		what := "Array"
		if f := h.Field(); f != "" {
			what += " " + f
		}
		if heap := g.Stats.Total; len(s.RetainedSize) > 0 && outgrows(s.RetainedSize[len(s.RetainedSize)-1], int(s.Count[len(s.Count)-1]), int(slots), heap) {
			// Full, it would hold more than the heap holds now.
			s.outgrowBound(fmt.Sprintf("it fills an Array made at its full length of %s elements", ui.Count(slots)), "its length", "", int(slots), heap)
			return "", false
		}
		return fmt.Sprintf("%s grew (%s objects) but fills an Array made at its full length of %s elements, which did not change: it holds at most that many, not reported as a leak",
			what, joinCounts(s.Count), ui.Count(slots)), true
	}
	return "", false
}

// prefilled: collection k was there from the first snapshot, with the
// same elements (to 1%) and the same storage in every one: made at its
// length, not grown by pushes (V8 grows a pushed array's storage in
// steps). slots is its length.
func (c *growingCollections) prefilled(k int) (slots int64, ok bool) {
	n := len(c.held)
	if c.born(k) {
		return 0, false
	}
	for i := 1; i < n; i++ {
		if c.entries[i][k] != c.entries[0][k] {
			return 0, false
		}
	}
	if c.steady(k, n-1) {
		return c.held[n-1][k], true
	}
	// Made at its length with holes (new Array(500): a ring buffer written
	// by index) and filling them: its storage never changed, and in the
	// first snapshot it held under half of it, which a pushed array of 64
	// slots or more never does (V8 grows a pushed array's storage to half
	// again its length plus 16, so it is at least half full after every
	// step).
	capacity := c.entries[0][k] - arrayHeaderSlots
	if capacity >= minDomainEntries && 2*c.held[0][k] < capacity && c.held[n-1][k] <= capacity {
		return capacity, true
	}
	return 0, false
}

// arrayHeaderSlots: an Array's own object and its elements store's header,
// in the pointer-sized slots entryCount counts beside the elements.
const arrayHeaderSlots = 6

// prefilledIndexNote: a Map or Set kept beside Arrays made at their full
// length, by the same object or closure, whose keys are those Arrays'
// elements and no more than they have slots (lru.min's keyMap from key to
// slot, next to its keyList), is the index of those slots: it holds at
// most that many. A pool's busy Set beside its idle list holds other
// objects than the list: not an index.
func prefilledIndexNote(s *Suspect, g *heapgraph.Graph, c *growingCollections) (string, bool) {
	h := s.Holder
	path := s.RetainerPath
	var owner uint32
	for i := 1; i < len(path); i++ {
		if path[i].ID == h.ID {
			if v, ok := g.NodeByID(path[i-1].ID); ok {
				owner = v
			}
			break
		}
	}
	v, ok := g.NodeByID(h.ID)
	if owner == 0 || !ok || h.Entries <= 0 {
		return "", false
	}
	slots := int64(-1)
	var names []string
	for e, to := range g.Edges(owner) {
		if collectionKind(g, to) != "Array" {
			continue
		}
		k, found := slices.BinarySearch(c.ids, g.ID(to))
		if !found {
			continue
		}
		if n, ok := c.prefilled(k); ok && n >= int64(h.Entries) && keysIn(g, v, to) {
			slots = max(slots, n)
			if g.S.EdgeHasStringName(e) && len(names) < 3 {
				names = append(names, g.S.EdgeName(e))
			}
		}
	}
	if slots < 0 {
		return "", false
	}
	what := h.Kind
	if f := h.Field(); f != "" {
		what += " " + f
	}
	beside := ""
	if len(names) > 0 {
		beside = " (" + strings.Join(names, ", ") + ")"
	}
	return fmt.Sprintf("%s grew (%s objects) but indexes Arrays made at their full length of %s elements beside it%s, which did not change: it holds %s entries, at most that many, not reported as a leak",
		what, joinCounts(s.Count), ui.Count(slots), beside, ui.Count(int64(h.Entries))), true
}

// keysIn: nine in ten of the strings and objects collection m's table
// holds (up to 256 looked at) are elements of Array a.
func keysIn(g *heapgraph.Graph, m, a uint32) bool {
	s := g.S
	var keys []uint32
	for e := s.FirstEdge[m]; e < s.FirstEdge[m+1]; e++ {
		if int(s.EdgeType(e)) != s.EdgeTypeIndex.Internal || s.EdgeName(e) != "table" {
			continue
		}
		t := s.EdgeTo[e]
		for te := s.FirstEdge[t]; te < s.FirstEdge[t+1] && len(keys) < 256; te++ {
			switch u := s.EdgeTo[te]; int(s.NodeType[u]) {
			case s.NodeTypeIndex.String, s.NodeTypeIndex.ConcatenatedString, s.NodeTypeIndex.SlicedString, s.NodeTypeIndex.Object:
				keys = append(keys, u)
			}
		}
		break
	}
	if len(keys) == 0 {
		return false
	}
	// The Array's elements, sorted and looked up by binary search: one
	// slice for the few suspects that get here, never a map.
	const maxElements = 1 << 20
	var elems []uint32
	for e := s.FirstEdge[a]; e < s.FirstEdge[a+1] && len(elems) < maxElements; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Element {
			elems = append(elems, s.EdgeTo[e])
		}
	}
	slices.Sort(elems)
	in := 0
	for _, k := range keys {
		if _, ok := slices.BinarySearch(elems, k); ok {
			in++
		}
	}
	return 10*in >= 9*len(keys)
}
