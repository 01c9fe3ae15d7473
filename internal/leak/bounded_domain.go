// Collections keyed by a fixed set: a lock per account, a balance per
// account in a replica, a stats entry per route. While traffic reaches
// more of the set, such a Map grows at every snapshot like a leak; it can
// never hold more keys than the set has. The set is in the heap: another
// collection, there since the first snapshot and not growing, whose keys
// include every key of the growing one (the account table).

package leak

import (
	"fmt"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/ui"
)

// domainSample is how many keys of a growing collection are looked up in
// the candidate key sets: enough that a chance match is impossible.
const domainSample = 256

// domainNote is the note of a suspect that is one collection whose
// string keys all belong to a stable collection's keys, with no more
// entries than that one has.
func domainNote(s *Suspect, g *heapgraph.Graph, c *growingCollections) (string, bool) {
	h := s.Holder
	if h == nil || (h.Kind != "Map" && h.Kind != "Set" && h.Kind != "dictionary") || s.CountUnit != "" && s.CountUnit != "entries" || len(c.held) == 0 {
		return "", false
	}
	v, ok := g.NodeByID(h.ID)
	if !ok {
		return "", false
	}
	sample := map[string]bool{}
	collectionKeys(g, v, h.Kind, func(k string) bool {
		sample[k] = false
		return len(sample) < domainSample
	})
	entries := int64(entriesOf(g, v, h.Kind))
	if len(sample) == 0 || entries == 0 || s.Count[len(s.Count)-1] > entries {
		// Keys that are no strings (small integers show no edge), or
		// more objects than entries: nothing to compare.
		return "", false
	}
	n := len(c.held)
	for k := range c.ids {
		d := c.node[k]
		last := c.held[n-1][k]
		if c.ids[k] == h.ID || c.born(k) || last < entries || !c.steady(k, n-1) {
			continue // itself, new, too small or not steady
		}
		kind := collectionKind(g, d)
		if kind != "Map" && kind != "Set" && kind != "dictionary" {
			continue
		}
		for key := range sample {
			sample[key] = false
		}
		found := 0
		collectionKeys(g, d, kind, func(key string) bool {
			if seen, ok := sample[key]; ok && !seen {
				sample[key] = true
				found++
			}
			return found < len(sample)
		})
		if found < len(sample) {
			continue
		}
		what := h.Kind + " " + h.Field()
		return fmt.Sprintf("%s grew (%s %s) but its keys are among the %s keys of %s, which did not grow: it fills up to that fixed set and holds %s, not reported as a leak",
			what, joinCounts(s.Count), unitWord(s.CountUnit), ui.Count(last), collectionName(g, d, kind), ui.Count(entries)), true
	}
	return "", false
}

// collectionKeys calls f with the string keys of collection v (a Map's or
// Set's strings, a dictionary's property names) until f returns false. A
// Map's string values come too: a key set they are not in then fails to
// match, which only keeps the suspect.
func collectionKeys(g *heapgraph.Graph, v uint32, kind string, f func(string) bool) {
	s := g.S
	if kind == "dictionary" {
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Property && !f(s.EdgeName(e)) {
				return
			}
		}
		return
	}
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) != s.EdgeTypeIndex.Internal || s.EdgeName(e) != "table" {
			continue
		}
		t := s.EdgeTo[e]
		for te := s.FirstEdge[t]; te < s.FirstEdge[t+1]; te++ {
			if u := s.EdgeTo[te]; int(s.NodeType[u]) == s.NodeTypeIndex.String && !f(s.NodeNameString(u)) {
				return
			}
		}
		return
	}
}

// collectionName names collection v by what keeps it: "Map Ledger.accounts"
// (an object's property), "Map accounts" (a variable), "Map @123".
func collectionName(g *heapgraph.Graph, v uint32, kind string) string {
	s := g.S
	for from, e := range g.Retainers(v) {
		switch int(s.EdgeType(e)) {
		case s.EdgeTypeIndex.Property:
			if int(s.NodeType[from]) == s.NodeTypeIndex.Object {
				return fmt.Sprintf("%s %s.%s", kind, g.ClassName(from), s.EdgeName(e))
			}
		case s.EdgeTypeIndex.Context:
			return fmt.Sprintf("%s %s", kind, s.EdgeName(e))
		}
	}
	return fmt.Sprintf("%s @%d", kind, g.ID(v))
}
