package heapgraph

import "slices"

// DupString is one text held by several string objects.
type DupString struct {
	Name   uint32 // string-table index of the text (the nodes' name)
	Count  int    // string objects with this text
	Size   uint64 // their shallow sizes, summed
	Wasted uint64 // Size less one copy's share: what deduplicating would free
	First  uint32 // one of the objects (the first in node order)
}

// DuplicatedStrings lists texts held by two or more string objects,
// most bytes wasted first, at most max of them (0 = all). V8 names a string
// node by its text through the snapshot's string table, which stores each
// text once, so equal texts are equal name indexes: one counter per
// string-table entry, never one per node. V8 writes at most the first 1024
// characters of a string, so longer texts compare by that prefix.
func (g *Graph) DuplicatedStrings(max int) []DupString {
	s := g.S
	strType := uint8(s.NodeTypeIndex.String)
	count := make([]uint32, s.Strings.Len())
	size := make([]uint64, s.Strings.Len())
	for v := 0; v < s.NodeCount; v++ {
		if s.NodeType[v] != strType || g.distance[v] == NoDistance {
			continue
		}
		i := s.NodeName[v]
		if int(i) >= len(count) {
			continue
		}
		count[i]++
		size[i] += uint64(s.NodeSelfSize[v])
	}
	var out []DupString
	for i, c := range count {
		if c < 2 {
			continue
		}
		out = append(out, DupString{Name: uint32(i), Count: int(c), Size: size[i], Wasted: size[i] - size[i]/uint64(c)})
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
		return int(a.Name) - int(b.Name)
	})
	if max > 0 && len(out) > max {
		out = out[:max]
	}
	out = slices.Clip(out)
	// One more pass finds an example object of each listed text.
	want := make(map[uint32]int, len(out)) // one entry per listed text, not per node
	for k, d := range out {
		want[d.Name] = k
	}
	for v := 0; v < s.NodeCount && len(want) > 0; v++ {
		if s.NodeType[v] != strType || g.distance[v] == NoDistance {
			continue
		}
		if k, ok := want[s.NodeName[v]]; ok {
			out[k].First = uint32(v)
			delete(want, s.NodeName[v])
		}
	}
	return out
}
