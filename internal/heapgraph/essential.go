package heapgraph

import "sort"

// Which edges count for the dominators: DevTools' page objects and
// essential edges.

// markPageObjects is DevTools' markPageOwnedNodes: everything reachable over
// non-weak edges from the root's shortcut edges (the global objects) and
// from "(Document DOM trees)".
func (a *analysis) markPageObjects() {
	s := a.s
	n := uint32(s.NodeCount)
	flags := make([]uint64, (n+63)/64)
	stack := make([]uint32, 0, 1024)
	root := a.g.Root
	for e := s.FirstEdge[root]; e < s.FirstEdge[root+1]; e++ {
		t := int(s.EdgeType(e))
		to := s.EdgeTo[e]
		if t == s.EdgeTypeIndex.Element {
			if !a.isDocumentDOMTreesRoot(to) {
				continue
			}
		} else if t != s.EdgeTypeIndex.Shortcut {
			continue
		}
		stack = append(stack, to)
		setBit(flags, to)
	}
	weak := s.EdgeTypeIndex.Weak
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			to := s.EdgeTo[e]
			if getBit(flags, to) || int(s.EdgeType(e)) == weak {
				continue
			}
			setBit(flags, to)
			stack = append(stack, to)
		}
	}
	a.pageObject = flags
}

// findUserRoots sets hasUser: the root has a user root among its children.
func (a *analysis) findUserRoots() {
	s, root := a.s, a.g.Root
	for e := s.FirstEdge[root]; e < s.FirstEdge[root+1]; e++ {
		if a.isUserRoot(s.EdgeTo[e]) {
			a.hasUser = true
			break
		}
	}
}

// computeEssentialEdges marks the edges that count for dominators
// (DevTools' computeIsEssentialEdge), and the nodes they retain, on the
// calling goroutine or, when help is set, with the other core taking the
// second half of the edges (help hands it that half, wait waits for it).
func (a *analysis) computeEssentialEdges(help func(half func()), wait func()) {
	s := a.s
	E := uint32(s.EdgeCount)
	ess := make([]uint64, (E+63)/64)
	hasRet := make([]uint64, (s.NodeCount+63)/64)
	if help == nil || !splits(uint32(s.NodeCount)) {
		a.essentialEdges(ess, hasRet, 0, E)
	} else {
		// The halves meet at a word of the edge bitmap, so no word has two
		// writers; the nodes they retain go into a bitmap each, merged after.
		mid := E / 2 &^ 63
		hasRet2 := make([]uint64, len(hasRet))
		help(func() { a.essentialEdges(ess, hasRet2, mid, E) })
		a.essentialEdges(ess, hasRet, 0, mid)
		wait()
		for i, w := range hasRet2 {
			hasRet[i] |= w
		}
	}
	a.essential, a.hasRet = ess, hasRet
}

// essentialEdges marks the essential edges among edges [lo, hi) in ess and
// the nodes they retain in hasRet.
func (a *analysis) essentialEdges(ess, hasRet []uint64, lo, hi uint32) {
	s := a.s
	et := s.EdgeTypeIndex
	root := a.g.Root
	eph := &a.g.ephemerons
	firstEdge := s.FirstEdge
	// The node whose edges include lo.
	v := uint32(sort.Search(s.NodeCount, func(i int) bool { return firstEdge[i+1] > lo }))
	for ; v < uint32(s.NodeCount) && firstEdge[v] < hi; v++ {
		vPage := getBit(a.pageObject, v)
		for e, end := max(firstEdge[v], lo), min(firstEdge[v+1], hi); e < end; e++ {
			t := int(s.EdgeType(e))
			// A WeakMap value is retained by its key and its table together;
			// DevTools keeps only the key's edge.
			if t == et.Internal {
				if m, ok := eph.lookup(s.EdgeNameOrIndex(e)); ok && m.table == uint64(s.NodeID[v]) {
					continue
				}
			}
			if t == et.Weak {
				continue
			}
			to := s.EdgeTo[e]
			if to == v {
				continue
			}
			if v != root {
				if t == et.Shortcut {
					continue
				}
				// Edges from non-page objects into page objects (e.g. from the
				// debugger) must not change the page objects' dominators.
				// (Most edges leave a page object: its flag is tested first,
				// and the target's, a cache miss, only for the others.)
				if !vPage && getBit(a.pageObject, to) {
					continue
				}
			}
			setBit(ess, e)
			setBit(hasRet, to)
		}
	}
}
