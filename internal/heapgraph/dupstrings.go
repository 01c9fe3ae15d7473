package heapgraph

import (
	"slices"
	"unicode/utf8"
)

// DupString is one text the heap holds in several string objects: the
// copies beyond one are memory a program could save by keeping one (a
// Map of interned values, parsing once).
type DupString struct {
	Text string `json:"text"` // the text as the snapshot names it
	// Truncated: the text is V8's prefix of longer strings (V8 keeps
	// their first 1024 characters), so the copies share that prefix and
	// may differ after it.
	Truncated bool   `json:"truncated,omitempty"`
	Count     int    `json:"count"`  // copies (string objects reachable from the roots)
	Bytes     uint64 `json:"bytes"`  // the copies' shallow sizes together
	Wasted    uint64 `json:"wasted"` // Bytes less the largest copy
	ID        uint32 `json:"id"`     // snapshot id of one copy, for `inspect` and `paths`
}

// v8StringLimit is V8's heap_snapshot_string_limit: a string's name in the
// snapshot is its first 1024 characters.
const v8StringLimit = 1024

// DuplicateStrings returns the texts held in more than one copy whose
// copies waste at least minWasted bytes, most wasted first, at most limit
// of them (0: no limit). V8 writes each distinct name once in the
// snapshot's string table, so equal text is an equal name index: the work
// is three counters per string-table entry, never a map per node.
func (g *Graph) DuplicateStrings(minWasted uint64, limit int) []DupString {
	s := g.S
	str := s.NodeTypeIndex.String
	if str < 0 {
		return nil
	}
	n := s.Strings.Len()
	count := make([]uint32, n)
	largest := make([]uint32, n)
	bytes := make([]uint64, n)
	for v, t := range s.NodeType {
		if int(t) != str || g.distance[v] == NoDistance {
			continue
		}
		i := s.NodeName[v]
		if int(i) >= n {
			continue
		}
		sz := s.NodeSelfSize[v]
		count[i]++
		bytes[i] += uint64(sz)
		largest[i] = max(largest[i], sz)
	}
	var out []DupString
	for i := range n {
		if count[i] < 2 {
			continue
		}
		w := bytes[i] - uint64(largest[i])
		if w < minWasted || w == 0 {
			continue
		}
		out = append(out, DupString{Count: int(count[i]), Bytes: bytes[i], Wasted: w, ID: uint32(i)})
	}
	slices.SortFunc(out, func(a, b DupString) int {
		switch {
		case a.Wasted != b.Wasted:
			if a.Wasted > b.Wasted {
				return -1
			}
			return 1
		case a.Count != b.Count:
			return b.Count - a.Count
		}
		return int(a.ID) - int(b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	out = slices.Clip(out)
	// largest now maps a string index to 1 + its position in out.
	clear(largest)
	for k := range out {
		idx := out[k].ID // the string index until the ids are found
		largest[idx] = uint32(k + 1)
		out[k].Text = s.Strings.Get(idx)
		out[k].Truncated = utf8.RuneCountInString(out[k].Text) >= v8StringLimit
		out[k].ID = 0
	}
	// One copy's id each: the largest, so `paths` shows the one that
	// costs most. In the same pass, scripts' sources cut at 1024
	// characters (node's own modules, all starting with one licence
	// header), which are different texts, not copies.
	best := make([]uint32, len(out))
	sources := make([]int, len(out))
	for v, t := range s.NodeType {
		if int(t) == s.NodeTypeIndex.Code {
			for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
				to := s.EdgeTo[e]
				if int(s.NodeType[to]) == str && int(s.NodeName[to]) < n && largest[s.NodeName[to]] != 0 && s.EdgeName(e) == "source" {
					sources[largest[s.NodeName[to]]-1]++
				}
			}
			continue
		}
		if int(t) != str || g.distance[v] == NoDistance {
			continue
		}
		i := s.NodeName[v]
		if int(i) >= n || largest[i] == 0 {
			continue
		}
		k := largest[i] - 1
		if out[k].ID == 0 || s.NodeSelfSize[v] > best[k] {
			out[k].ID, best[k] = s.NodeID[v], s.NodeSelfSize[v]
		}
	}
	kept := out[:0]
	for k, d := range out {
		if !d.Truncated || sources[k] < d.Count {
			kept = append(kept, d)
		}
	}
	return kept
}
