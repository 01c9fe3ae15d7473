package heapgraph

import "strings"

// Name is the node's name as DevTools displays it: concatenated strings are
// flattened (up to about 1024 characters), plain objects are named after
// their properties ("{id, user, …, body}"), everything else uses the raw
// name from the snapshot.
func (g *Graph) Name(n uint32) string {
	s := g.S
	t := int(s.NodeType[n])
	switch {
	case t == s.NodeTypeIndex.ConcatenatedString:
		return g.consStringName(n)
	case t == s.NodeTypeIndex.Object && string(s.Strings.Bytes(s.NodeName[n])) == "Object":
		return g.plainObjectName(n)
	}
	return s.NodeNameString(n)
}

func (g *Graph) consStringName(n uint32) string {
	s := g.S
	var b strings.Builder
	stack := []uint32{n}
	cons := s.NodeTypeIndex.ConcatenatedString
	internal := s.EdgeTypeIndex.Internal
	for len(stack) > 0 && utf16Len(b.String()) < 1024 && len(stack) <= s.NodeCount {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if int(s.NodeType[v]) != cons {
			b.Write(s.Strings.Bytes(s.NodeName[v]))
			continue
		}
		var first, second uint32
		var hasFirst, hasSecond bool
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1] && (!hasFirst || !hasSecond); e++ {
			if int(s.EdgeType[e]) != internal {
				continue
			}
			switch string(s.Strings.Bytes(s.EdgeNameOrIndex[e])) {
			case "first":
				first, hasFirst = s.EdgeTo[e], true
			case "second":
				second, hasSecond = s.EdgeTo[e], true
			}
		}
		// DevTools falls back to node 0 (the root, named "") when a part is
		// missing; the root contributes nothing, and neither do we.
		if hasSecond {
			stack = append(stack, second)
		}
		if hasFirst {
			stack = append(stack, first)
		}
	}
	return b.String()
}

func (g *Graph) plainObjectName(n uint32) string {
	s := g.S
	prop := s.EdgeTypeIndex.Property
	start, end := "{", "}"
	startLen, endLen := 1, 1
	lo, hi := int64(s.FirstEdge[n]), int64(s.FirstEdge[n+1])-1
	fromEnd := false
	for lo <= hi {
		e := uint32(lo)
		if fromEnd {
			e = uint32(hi)
		}
		name := s.Strings.Get(s.EdgeNameOrIndex[e])
		if int(s.EdgeType[e]) != prop || name == "__proto__" {
			if fromEnd {
				hi--
			} else {
				lo++
			}
			continue
		}
		f := formatPropertyName(name)
		fl := utf16Len(f)
		if startLen > 1 && startLen+endLen+fl > maxPlainObjectNameLength {
			break
		}
		if fromEnd {
			hi--
			if endLen > 1 {
				end = ", " + end
				endLen += 2
			}
			end = f + end
			endLen += fl
		} else {
			lo++
			if startLen > 1 {
				start += ", "
				startLen += 2
			}
			start += f
			startLen += fl
		}
		fromEnd = !fromEnd
	}
	if lo <= hi {
		start += ", …"
	}
	if endLen > 1 {
		start += ", "
	}
	return start + end
}
