// Where one snapshot's suspects come from: accumulation points down the
// dominator tree, objects of one class held by one path shape, and huge
// objects, as points to explain.

package leak

import (
	"github.com/leakhound/leakhound/internal/heapgraph"
)

// point is a single-snapshot suspect before it is explained.
type point struct {
	holder   uint32 // the node whose children accumulate (or the huge object)
	rep      uint32 // a representative entry: the largest
	count    int64
	retained uint64
	list     bool   // the entries are a linked list from head to rep
	head     uint32 // list: its first node
}

// accumulationPoints finds the holders where memory spreads over many
// similar children. Only nodes retaining minSize or more are looked at, so
// the work beyond one pass over the nodes is bounded by their children.
func accumulationPoints(g *heapgraph.Graph, minSize uint64) []point {
	s := g.S
	nt := &s.NodeTypeIndex
	byClass := map[uint32]*childStat{}
	var out []point
	for v := uint32(0); v < uint32(g.NodeCount()); v++ {
		r := g.RetainedSize(v)
		if r < minSize || v == g.Root || int(s.NodeType[v]) == nt.Synthetic {
			continue
		}
		if g.Distance(v) == heapgraph.NoDistance {
			continue
		}
		big, bigSize := childrenByClass(g, v, byClass, 1<<20)
		if bigSize*2 >= r {
			// One child holds most of it: the memory is further down,
			// unless v heads a linked list of its own kind (each node
			// dominates the next: a promise's reactions, a list of
			// the program's).
			if s.NodeName[big] == s.NodeName[v] && s.NodeType[big] == s.NodeType[v] &&
				s.NodeName[g.Dominator(v)] != s.NodeName[v] {
				if n, tail := chainLength(g, v); n >= minAccumulationEntries {
					// The tail's path runs along the list, so the
					// classifier sees the run and its owner.
					out = append(out, point{holder: g.Dominator(v), rep: tail, head: v, count: n, retained: r, list: true})
				}
			}
			continue
		}
		var best *childStat
		for _, st := range byClass {
			if best == nil || st.retained > best.retained {
				best = st
			}
		}
		if best == nil || best.count < minAccumulationEntries || best.retained*5 < r*2 || best.repSize*2 >= best.retained {
			// Spread over children that are not alike (a module's
			// variables, the global object), or one of the alike ones
			// holds most: each big one is looked at on its own.
			continue
		}
		if s.NodeNameString(v) == "system / Context" && heldAsVariable(g, v, best.rep) {
			// A scope's own variables (a bundle's require_x thunks, one
			// per module): as many as the code declares, never more.
			continue
		}
		out = append(out, point{holder: v, rep: best.rep, count: best.count, retained: r})
	}
	// Keep the outermost point of nested ones (a Map of Buckets each
	// holding a Map): the outer holder is where the program keeps them.
	set := map[uint32]bool{}
	for _, p := range out {
		set[p.holder] = true
	}
	kept := out[:0]
	for _, p := range out {
		if !dominatedByAny(g, p.holder, set) {
			kept = append(kept, p)
		}
	}
	return kept
}

// childStat sums a node's dominated children of one class.
type childStat struct {
	count    int64
	retained uint64
	rep      uint32 // the largest
	repSize  uint64
}

// childrenByClass sums v's dominated children by class into stats
// (cleared first; past limit children only the largest is still looked
// for: enough to tell) and returns the largest child.
func childrenByClass(g *heapgraph.Graph, v uint32, stats map[uint32]*childStat, limit int) (big uint32, bigSize uint64) {
	clear(stats)
	kids := 0
	for j := g.FirstDominated[v]; j < g.FirstDominated[v+1]; j++ {
		c := g.Dominated[j]
		if c == v {
			continue
		}
		kids++
		rc := g.RetainedSize(c)
		if rc > bigSize {
			big, bigSize = c, rc
		}
		if kids > limit {
			continue
		}
		st := stats[g.ClassIndex(c)]
		if st == nil {
			st = &childStat{}
			stats[g.ClassIndex(c)] = st
		}
		st.count++
		st.retained += rc
		if rc > st.repSize || st.count == 1 {
			st.rep, st.repSize = c, rc
		}
	}
	return big, bigSize
}

// chainLength follows v's children of v's own kind, each the largest
// child of the one before, and counts them; tail is the last.
func chainLength(g *heapgraph.Graph, v uint32) (n int64, tail uint32) {
	s := g.S
	n = 1
	for n < int64(g.NodeCount()) {
		var next uint32
		found := false
		for j := g.FirstDominated[v]; j < g.FirstDominated[v+1]; j++ {
			c := g.Dominated[j]
			if c != v && s.NodeName[c] == s.NodeName[v] && s.NodeType[c] == s.NodeType[v] {
				next, found = c, true
				break
			}
		}
		if !found {
			return n, v
		}
		v = next
		n++
	}
	return n, v
}

// dominatedByAny: a strict dominator of v is in set.
func dominatedByAny(g *heapgraph.Graph, v uint32, set map[uint32]bool) bool {
	for k := 0; k < g.NodeCount(); k++ {
		d := g.Dominator(v)
		if d == v || v == g.Root {
			return false
		}
		if set[d] {
			return true
		}
		v = d
	}
	return false
}

// classGroups finds many objects of one program class held the same way
// (one loose path shape) that no accumulation point already covers.
func classGroups(g *heapgraph.Graph, x *explainer, shapes, loose []uint32, nshapes int, minSize uint64, points map[uint32]bool) []point {
	a := aggregate(g, shapes, nshapes)
	m := a.merge(loose)
	rep := make([]uint32, len(loose))
	for i := range rep {
		rep[i] = noShape
	}
	for v, sh := range shapes {
		if sh >= uint32(len(loose)) || !x.userObject(uint32(v)) {
			continue
		}
		l := loose[sh]
		if rep[l] == noShape || g.RetainedSize(uint32(v)) > g.RetainedSize(rep[l]) {
			rep[l] = uint32(v)
		}
	}
	var out []point
	for l, r := range rep {
		if r == noShape || int64(m.count[l]) < minAccumulationEntries || m.retained[l] < minSize {
			continue
		}
		if dominatedByAny(g, r, points) {
			continue
		}
		out = append(out, point{holder: g.Dominator(r), rep: r, count: int64(m.count[l]), retained: m.retained[l]})
	}
	return out
}

// hugeObjects finds objects that hold at least min bytes themselves (a
// string, a Buffer's backing store, an array's elements), named by the
// object the program sees (the Buffer, the Array).
func hugeObjects(g *heapgraph.Graph, min uint64) []point {
	s := g.S
	nt := &s.NodeTypeIndex
	var out []point
	seen := map[uint32]bool{}
	for v := uint32(0); v < uint32(g.NodeCount()); v++ {
		if uint64(s.NodeSelfSize[v]) < min || v == g.Root || g.Distance(v) == heapgraph.NoDistance {
			continue
		}
		o := v
		for k := 0; k < 4; k++ {
			t := int(s.NodeType[o])
			if t != nt.Array && t != nt.Hidden && t != nt.Native {
				break
			}
			d := g.Dominator(o)
			if d == g.Root || d == o {
				break
			}
			o = d
		}
		if s.NodeNameString(o) == "ArrayBuffer" {
			// The Buffer (a Uint8Array) over it is what the program
			// holds.
			if d := g.Dominator(o); d != g.Root && isBufferClass(s.NodeNameString(d)) {
				o = d
			}
		}
		if !dataType(s.NodeType[o], nt) || seen[o] {
			// V8's and node's own (code, the roots' tables).
			continue
		}
		seen[o] = true
		out = append(out, point{holder: o, rep: o, count: 1, retained: g.RetainedSize(o)})
	}
	return out
}

// heldAsVariable: the scope ctx holds c in one of its own variables.
func heldAsVariable(g *heapgraph.Graph, ctx, c uint32) bool {
	for e, to := range g.Edges(ctx) {
		if to == c && g.S.EdgeTypeName(e) == "context" {
			return true
		}
	}
	return false
}
