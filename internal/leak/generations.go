// Rotating generations: a store that keeps two Maps, the current window's
// and the one before, and at each window moves current into previous and
// starts a new current (express-rate-limit's MemoryStore, hashlru,
// quick-lru). The Map that is previous in the last snapshot was current
// in the one before and filled all that window: it grows in place across
// snapshots, like a leak, yet nothing outlives two windows.

package leak

import (
	"fmt"
	"strings"
)

// rotatedGeneration: s's collection was born after the first snapshot,
// and its owner keeps, in another field, a smaller collection of the
// same class born later still: the newer generation it was rotated out
// for. note is
// what the report says of it instead of a suspect.
func (x *explainer) rotatedGeneration(s *Suspect) (note string, ok bool) {
	g := x.g
	h := s.Holder
	if h == nil || h.OwnerID == 0 || h.Name == "" || len(s.Count) < 3 || s.Count[0] != 0 {
		return "", false
	}
	switch h.Kind {
	case "Map", "Set", "dictionary", "Array":
	default:
		return "", false
	}
	owner, ok := g.NodeByID(h.OwnerID)
	coll, ok2 := g.NodeByID(h.ID)
	if !ok || !ok2 {
		return "", false
	}
	class := g.ClassName(coll)
	for e, u := range g.Edges(owner) {
		// (Smaller too: two indexes of one leak, made one after the
		// other, hold as much as each other.)
		if u == coll || int(g.S.EdgeType(e)) != g.S.EdgeTypeIndex.Property || g.ID(u) <= h.ID || g.ClassName(u) != class ||
			entryCount(g, u) >= entryCount(g, coll) {
			continue
		}
		field := h.Field()
		sibling := g.S.EdgeName(e)
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			sibling = field[:i+1] + sibling
		}
		return fmt.Sprintf("%s %s (%s) was made after the first snapshot and %s, made after it, holds the newer generation: a store that rotates its %ss (the current window's, then the one before) keeps at most two windows, so this one filled during its window and is let go at the next rotation; not reported as a leak",
			h.Kind, field, strings.TrimSuffix(strings.TrimPrefix(countRange(s), " ("), ")"), sibling, h.Kind), true
	}
	return "", false
}
