// The keys of a leaking collection's newest entries: which requests,
// users or jobs stayed says which code path added them and never took
// them out ("r-3799", "tenant:42").

package leak

import (
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// maxEntryKeys is how many keys the holder line shows.
const maxEntryKeys = 3

// entryKeys are up to n keys of collection v's newest entries whose value
// is of one of classes (as the heap names them: c, not LRUCache): a Map's string keys (V8 keeps each entry's key
// in the slot before its value in the table, in insertion order), a
// dictionary's property names. Numbers kept inline are not in a
// snapshot, so a Map keyed by small integers gives none.
func entryKeys(g *heapgraph.Graph, v uint32, kind string, classes []string, n int) []string {
	s := g.S
	leaks := func(u uint32) bool { return slices.Contains(classes, g.ClassName(u)) }
	cls := classes[0]
	var keys []string
	switch kind {
	case "dictionary":
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Property && leaks(s.EdgeTo[e]) {
				keys = append(keys, s.EdgeName(e))
			}
		}
		return keys[max(0, len(keys)-n):] // in hash order: some, not the newest
	case "Map":
		if strings.HasPrefix(cls, "(") && strings.HasSuffix(cls, "string)") {
			// Strings as values: keys and values cannot be told apart
			// by class.
			return nil
		}
	default:
		return nil
	}
	t, ok := g.EdgeNamed(v, "table")
	if !ok {
		return nil
	}
	// The largest table indexes holding a leaking value: the newest.
	newest := newestSlots(g, t, leaks, n)
	for _, want := range newest {
		for e := s.FirstEdge[t]; e < s.FirstEdge[t+1]; e++ {
			if i, ok := tableIndex(g, e); ok && i == want-1 {
				switch u := s.EdgeTo[e]; int(s.NodeType[u]) {
				case s.NodeTypeIndex.String, s.NodeTypeIndex.ConcatenatedString, s.NodeTypeIndex.SlicedString:
					// A slice's text is not in the snapshot: only its
					// kind, "(sliced string)", is.
					if k := g.Name(u); !strings.HasPrefix(k, "(") || !strings.HasSuffix(k, ")") {
						keys = append(keys, k)
					}
				}
				break
			}
		}
	}
	return keys
}

// tableIndex is the slot a table's edge names: an element's index, or an
// internal edge named by a number.
func tableIndex(g *heapgraph.Graph, e uint32) (int, bool) {
	s := g.S
	switch int(s.EdgeType(e)) {
	case s.EdgeTypeIndex.Element:
		return int(s.EdgeNameOrIndex(e)), true
	case s.EdgeTypeIndex.Internal:
		i, err := strconv.Atoi(s.EdgeName(e))
		return i, err == nil
	}
	return 0, false
}

// newestSlots are the n largest indexes of Map table t's slots whose value
// is leaks', sorted: its newest entries (V8 keeps them in insertion
// order). Kept to n as they are read: no map or list over the whole
// table, which has three slots per entry of a Map that may hold millions.
func newestSlots(g *heapgraph.Graph, t uint32, leaks func(uint32) bool, n int) []int {
	s := g.S
	var newest []int
	for e := s.FirstEdge[t]; e < s.FirstEdge[t+1]; e++ {
		if i, ok := tableIndex(g, e); ok && leaks(s.EdgeTo[e]) {
			newest = append(newest, i)
			if len(newest) > 2*n {
				slices.Sort(newest)
				newest = slices.Delete(newest, 0, len(newest)-n)
			}
		}
	}
	slices.Sort(newest)
	return newest[max(0, len(newest)-n):]
}
