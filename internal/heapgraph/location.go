package heapgraph

import (
	"bytes"
	"slices"
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
	for e, proto := range g.Edges(n) {
		if int(s.EdgeType(e)) != s.EdgeTypeIndex.Property || s.EdgeName(e) != "__proto__" {
			continue
		}
		for e2, ctor := range g.Edges(proto) {
			if int(s.NodeType[ctor]) == nt.Closure && s.NodeName[ctor] == own && s.EdgeName(e2) == "constructor" {
				return g.closureLocation(ctor)
			}
		}
	}
	return CodeLocation{}, false
}

func (g *Graph) closureLocation(c uint32) (CodeLocation, bool) {
	s := g.S
	// V8 writes locations in node order, so a binary search usually finds
	// it; other writers get a scan.
	i, found := slices.BinarySearch(s.LocationNode, c)
	if !found {
		i = slices.Index(s.LocationNode, c)
		if i < 0 {
			return CodeLocation{}, false
		}
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
