package heapgraph

import (
	"bytes"
	"slices"
	"sort"
)

// CodeLocation is a source position of a function, 1-based as editors show
// it.
type CodeLocation struct {
	Function string `json:"function,omitempty"`
	Script   string `json:"script,omitempty"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
}

// Location is where n's code is: a closure's own function, or for an
// object the constructor its class is named after (n.__proto__.constructor).
// ok is false when the snapshot records no location for it.
func (g *Graph) Location(n uint32) (CodeLocation, bool) {
	s := g.S
	if int(n) >= s.NodeCount {
		return CodeLocation{}, false
	}
	nt := s.NodeTypeIndex
	if int(s.NodeType[n]) == nt.Closure {
		return g.closureLocation(n)
	}
	own := s.NodeName[n]
	if proto, ok := g.Prototype(n); ok {
		for e2, ctor := range g.Edges(proto) {
			if int(s.NodeType[ctor]) == nt.Closure && s.NodeName[ctor] == own && s.EdgeName(e2) == "constructor" {
				return g.closureLocation(ctor)
			}
		}
	}
	return CodeLocation{}, false
}

// LocationIndex returns the index in the snapshot's location columns of
// closure c's location (its first, for a node listed twice). V8 does not
// write locations in node order, so a lookup scans them; after a few
// dozen lookups (explaining leaks asks for many) the locations are sorted
// once into an index (4 bytes a location) for binary searches.
func (g *Graph) LocationIndex(c uint32) (int, bool) {
	nodes := g.S.LocationNode
	if g.locLookups.Add(1) <= locScanLookups {
		i := slices.Index(nodes, c)
		return i, i >= 0
	}
	g.locOnce.Do(func() {
		// Sorting node<<32|index sorts by node, then by index: stable.
		keys := make([]uint64, len(nodes))
		for i, n := range nodes {
			keys[i] = uint64(n)<<32 | uint64(i)
		}
		slices.Sort(keys)
		order := make([]uint32, len(keys))
		for k, key := range keys {
			order[k] = uint32(key)
		}
		g.locOrder = order
	})
	order := g.locOrder
	k := sort.Search(len(order), func(k int) bool { return nodes[order[k]] >= c })
	if k == len(order) || nodes[order[k]] != c {
		return 0, false
	}
	return int(order[k]), true
}

// locScanLookups is how many location lookups scan before the index is
// built.
const locScanLookups = 32

func (g *Graph) closureLocation(c uint32) (CodeLocation, bool) {
	s := g.S
	i, ok := g.LocationIndex(c)
	if !ok {
		return CodeLocation{}, false
	}
	l := CodeLocation{Function: s.NodeNameString(c), Line: int(s.LocationLine[i]) + 1, Column: int(s.LocationColumn[i]) + 1}
	if l.Function == "" {
		l.Function = "(anonymous)"
	}
	l.Script = g.ScriptName(c)
	return l, true
}

// ScriptName is the name of the script closure c was compiled from
// (closure → shared → script → its name), or "" when not recorded.
func (g *Graph) ScriptName(c uint32) string {
	s := g.S
	for e, sfi := range g.Edges(c) {
		if s.EdgeName(e) != "shared" {
			continue
		}
		for e2, sc := range g.Edges(sfi) {
			switch s.EdgeName(e2) {
			case "script_or_debug_info", "script":
				if b := s.Strings.Bytes(s.NodeName[sc]); len(b) > 0 && !bytes.HasPrefix(b, []byte("system / ")) {
					return string(b)
				}
				for e3, n := range g.Edges(sc) {
					if s.EdgeName(e3) == "name" && int(s.NodeType[n]) == s.NodeTypeIndex.String {
						return s.NodeNameString(n)
					}
				}
			}
		}
	}
	return ""
}
