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

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/ui"
)

// sievePrefilled turns the suspects that fill one Array of a steady length
// (with no more of them than it has elements) into notes.
func sievePrefilled(sus []Suspect, g *heapgraph.Graph, c *growingCollections) (kept []Suspect, notes []string) {
	for _, s := range sus {
		if note, ok := prefilledNote(&s, g, c); ok {
			notes = append(notes, note)
			continue
		}
		kept = append(kept, s)
	}
	return kept, notes
}

func prefilledNote(s *Suspect, g *heapgraph.Graph, c *growingCollections) (string, bool) {
	h := s.Holder
	if h == nil || h.Kind != "Array" || s.CountUnit != "" || len(c.held) < 2 {
		return "", false
	}
	n := len(c.held)
	for k, id := range c.ids {
		if id != h.ID {
			continue
		}
		// There from the first snapshot, with the same elements (to 1%)
		// and the same storage in every one: made at its length, not
		// grown by pushes (V8 grows a pushed array's storage in steps).
		if c.born(k) || !c.steady(k, n-1) {
			return "", false
		}
		for i := 1; i < n; i++ {
			if c.entries[i][k] != c.entries[0][k] {
				return "", false
			}
		}
		slots := c.held[n-1][k]
		if s.Count[len(s.Count)-1] > slots {
			return "", false
		}
		what := "Array"
		if f := h.Field(); f != "" {
			what += " " + f
		}
		return fmt.Sprintf("%s grew (%s objects) but fills an Array made at its full length of %s elements, which did not change: it holds at most that many, not reported as a leak",
			what, joinCounts(s.Count), ui.Count(slots)), true
	}
	return "", false
}
