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

// consStringName flattens a concatenated string as DevTools does: its
// pieces' leaves in order, stopping once the name reaches 1024 UTF-16
// units. A string built with += is a chain of pieces thousands deep on the
// `first` side, and paths through it name every piece, so the chain is
// walked once, bottom up (a piece's name is its first piece's name plus
// what its second adds), and the names are remembered.
func (g *Graph) consStringName(n uint32) string {
	s := g.S
	cons := s.NodeTypeIndex.ConcatenatedString
	var chain []uint32
	base := ""
	for v := n; ; {
		if name, ok := g.consMemo(v); ok {
			base = name
			break
		}
		if int(s.NodeType[v]) != cons {
			base = string(s.Strings.Bytes(s.NodeName[v]))
			break
		}
		chain = append(chain, v)
		first, ok := g.consPiece(v, "first")
		// DevTools falls back to node 0 (the root, named "") when a part
		// is missing; the root contributes nothing, and neither do we.
		if !ok || len(chain) > s.NodeCount {
			break
		}
		v = first
	}
	name := base
	for i := len(chain) - 1; i >= 0; i-- {
		if second, ok := g.consPiece(chain[i], "second"); ok {
			name = g.appendLeaves(name, second)
		}
		g.rememberCons(chain[i], name)
	}
	return name
}

// consPiece is the `first` or `second` internal edge's target of cons
// string v.
func (g *Graph) consPiece(v uint32, piece string) (uint32, bool) {
	s := g.S
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && string(s.Strings.Bytes(s.EdgeNameOrIndex(e))) == piece {
			return s.EdgeTo[e], true
		}
	}
	return 0, false
}

// appendLeaves appends the leaves of root (a piece) to prefix in order,
// until the result reaches 1024 UTF-16 units.
func (g *Graph) appendLeaves(prefix string, root uint32) string {
	s := g.S
	units := utf16Len(prefix)
	if units >= 1024 {
		return prefix
	}
	var b strings.Builder
	b.WriteString(prefix)
	cons := s.NodeTypeIndex.ConcatenatedString
	stack := []uint32{root}
	for len(stack) > 0 && units < 1024 && len(stack) <= s.NodeCount {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if int(s.NodeType[v]) != cons {
			leaf := s.Strings.Bytes(s.NodeName[v])
			b.Write(leaf)
			units += utf16Len(string(leaf))
			continue
		}
		if second, ok := g.consPiece(v, "second"); ok {
			stack = append(stack, second)
		}
		if first, ok := g.consPiece(v, "first"); ok {
			stack = append(stack, first)
		}
	}
	return b.String()
}

// consNameCap bounds the remembered names; past it they are forgotten.
const consNameCap = 1 << 16

func (g *Graph) consMemo(v uint32) (string, bool) {
	g.consMu.Lock()
	defer g.consMu.Unlock()
	name, ok := g.consNames[v]
	return name, ok
}

func (g *Graph) rememberCons(v uint32, name string) {
	g.consMu.Lock()
	defer g.consMu.Unlock()
	if g.consNames == nil || len(g.consNames) >= consNameCap {
		g.consNames = map[uint32]string{}
	}
	g.consNames[v] = name
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
		name := s.Strings.Get(s.EdgeNameOrIndex(e))
		if int(s.EdgeType(e)) != prop || name == "__proto__" {
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
