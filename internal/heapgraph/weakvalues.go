package heapgraph

// WeakMap values and their keys' holders. DevTools counts a WeakMap value
// as retained by its key alone, but when the key is only reachable from
// internal roots its dominator tree can hang the value from the root, so an
// object that keeps the key (a listener's closure over a request) retains
// a few bytes while the values its keys keep alive go to nobody. Retained
// sizes stay DevTools' own; WeakValuesRetained is the figure beside them.

// weakPairs lists every WeakMap/WeakSet entry of the snapshot as its key
// and value node (from the key's edge), built on first use: as many
// entries as the program's weak collections hold, never one per node.
type weakPairs struct {
	key, value []uint32
}

func (g *Graph) buildWeakPairs() {
	s := g.S
	eph := &g.ephemerons
	if eph.has == nil {
		// A graph re-opened from its index did not build the table.
		*eph = buildEphemeronTable(&s.Strings)
	}
	if eph.has == nil {
		return
	}
	internal := uint8(s.EdgeTypeIndex.Internal)
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			if s.EdgeType(e) != internal {
				continue
			}
			if m, ok := eph.lookup(s.EdgeNameOrIndex(e)); ok && m.table != uint64(s.NodeID[v]) {
				g.weak.key = append(g.weak.key, v)
				g.weak.value = append(g.weak.value, s.EdgeTo[e])
			}
		}
	}
}

// WeakValuesRetained is the retained size of the WeakMap and WeakSet
// values that live only because n keeps their keys alive and that n's
// DevTools retained size leaves out: values whose key is n or dominated by
// n, whose other retainers (the table's edge and weak edges aside) are all
// n or dominated by n, and that n does not already dominate. count is how
// many such values.
func (g *Graph) WeakValuesRetained(n uint32) (size uint64, count int) {
	if int(n) >= g.S.NodeCount {
		return 0, 0
	}
	g.weakOnce.Do(g.buildWeakPairs)
	if len(g.weak.key) == 0 {
		return 0, 0
	}
	s := g.S
	// under answers "n or dominated by n" by walking the dominator chain,
	// remembering answers: the chain above a key is shared by its siblings.
	memo := map[uint32]bool{}
	under := func(v uint32) bool {
		var walked []uint32
		ans := false
		for steps := 0; ; steps++ {
			if v == n {
				ans = true
				break
			}
			if b, ok := memo[v]; ok {
				ans = b
				break
			}
			d := g.dominator[v]
			if d == v || v == g.Root || steps > s.NodeCount {
				break
			}
			walked = append(walked, v)
			v = d
		}
		for _, w := range walked {
			memo[w] = ans
		}
		return ans
	}
	seen := map[uint32]bool{}
	for i, k := range g.weak.key {
		v := g.weak.value[i]
		if seen[v] || v == n || !under(k) || under(v) {
			continue
		}
		ok := true
		for r, e := range g.Retainers(v) {
			if g.IsWeakEdge(e) || under(r) {
				continue
			}
			if m, isEph := g.ephemerons.lookup(s.EdgeNameOrIndex(e)); isEph && m.table == uint64(s.NodeID[r]) {
				continue // the table's half of the entry: it holds v only with the key
			}
			ok = false
			break
		}
		if ok {
			seen[v] = true
			size += g.RetainedSize(v)
			count++
		}
	}
	return size, count
}
