package heapgraph

import "bytes"

// DOM link states, as in V8's detachedness field.
const (
	DetachednessUnknown  = 0
	DetachednessAttached = 1
	DetachednessDetached = 2
)

// propagateDOMState is DevTools' propagateDOMState: starting from native
// (embedder) nodes whose state V8 knows, attachedness flows to native
// children first, then detachedness to the rest, and detached native nodes
// are renamed "Detached <name>". Node.js marks some of its binding objects
// this way. JavaScript objects stop the propagation.
//
// Snapshots without the detachedness field (Chrome before 2021) name their
// detached nodes "Detached <name>" themselves; as in DevTools, those native
// nodes count as detached and nothing is propagated.
func (a *analysis) propagateDOMState() {
	s, g := a.s, a.g
	if s.NodeDetachedness == nil {
		if !s.DetachednessUnknown {
			a.detachedByName()
		}
		return
	}
	if bytes.Count(s.NodeDetachedness, []byte{0}) == len(s.NodeDetachedness) {
		// Node.js snapshots carry the field with every state unknown:
		// nothing propagates, and the array (a byte a node) is dropped
		// before the dominators' peak. Nothing is detached by name either,
		// as in DevTools for a snapshot with the field.
		s.NodeDetachedness, s.DetachednessUnknown = nil, true
		return
	}
	n := uint32(s.NodeCount)
	// The states are propagated in the snapshot's own array (1 byte a
	// node less): running this again on the result changes nothing, as
	// every node that got a state already has it.
	state := s.NodeDetachedness
	visited := make([]uint64, (n+63)/64)
	var attached, detached []uint32
	native := s.NodeTypeIndex.Native
	renamed := map[uint32]uint32{}
	prefix := []byte("Detached ")
	rename := func(v uint32) {
		old := s.NodeName[v]
		if nw, ok := renamed[old]; ok {
			s.NodeName[v] = nw
			return
		}
		b := s.Strings.Bytes(old)
		if bytes.HasPrefix(b, prefix) {
			return // already renamed by an earlier Build of this snapshot
		}
		st := &s.Strings
		if len(st.Offsets) == 0 {
			st.Offsets = append(st.Offsets, 0)
		}
		st.Data = append(st.Data, prefix...)
		st.Data = append(st.Data, b...)
		st.Offsets = append(st.Offsets, uint32(len(st.Data)))
		nw := uint32(st.Len() - 1)
		renamed[old] = nw
		s.NodeName[v] = nw
	}
	process := func(v uint32, newState uint8) {
		if getBit(visited, v) {
			return
		}
		setBit(visited, v)
		if int(s.NodeType[v]) != native {
			return
		}
		state[v] = newState
		switch newState {
		case DetachednessAttached:
			attached = append(attached, v)
		case DetachednessDetached:
			rename(v)
			detached = append(detached, v)
		}
	}
	et := s.EdgeTypeIndex
	propagate := func(v uint32, newState uint8) {
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			t := int(s.EdgeType(e))
			if t == et.Hidden || t == et.Weak {
				continue
			}
			process(s.EdgeTo[e], newState)
		}
	}
	for v := uint32(0); v < n; v++ {
		if st := state[v] & 3; st != DetachednessUnknown {
			process(v, st)
		}
	}
	for len(attached) > 0 {
		v := attached[len(attached)-1]
		attached = attached[:len(attached)-1]
		propagate(v, DetachednessAttached)
	}
	for len(detached) > 0 {
		v := detached[len(detached)-1]
		detached = detached[:len(detached)-1]
		if state[v] == DetachednessAttached {
			continue
		}
		propagate(v, DetachednessDetached)
	}
	g.detachedness = state
}

// detachedByName is DevTools' initDetachednessAndClassIndex for snapshots
// without the detachedness field. The state array is only allocated when
// such a node exists (never for Node.js).
func (a *analysis) detachedByName() {
	s, g := a.s, a.g
	prefix := []byte("Detached ")
	native := s.NodeTypeIndex.Native
	// One check per string, not per node.
	var named []uint64
	for i := 0; i < s.Strings.Len(); i++ {
		if bytes.HasPrefix(s.Strings.Bytes(uint32(i)), prefix) {
			if named == nil {
				named = make([]uint64, (s.Strings.Len()+63)/64)
			}
			setBit(named, uint32(i))
		}
	}
	if named == nil {
		return
	}
	for v := 0; v < s.NodeCount; v++ {
		if int(s.NodeType[v]) != native || int(s.NodeName[v]) >= s.Strings.Len() || !getBit(named, s.NodeName[v]) {
			continue
		}
		if g.detachedness == nil {
			g.detachedness = make([]uint8, s.NodeCount)
		}
		g.detachedness[v] = DetachednessDetached
	}
}

// Detachedness is n's DOM link state after propagation
// (DetachednessUnknown when the snapshot has no detachedness field).
func (g *Graph) Detachedness(n uint32) uint8 {
	if g.detachedness == nil {
		return DetachednessUnknown
	}
	return g.detachedness[n]
}
