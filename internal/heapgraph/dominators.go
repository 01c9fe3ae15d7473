package heapgraph

import "github.com/leakhound/leakhound/internal/heapsnapshot"

// analysis holds the temporaries of Build; they are dropped at the end so
// only the results stay in memory.
type analysis struct {
	g *Graph
	s *heapsnapshot.Snapshot

	pageObject []uint64 // bit per node: reachable from a user root (DevTools' pageObject flag)
	essential  []uint64 // bit per edge: counts for dominators
	hasUser    bool     // the root has at least one user root (non-synthetic child)
	dfsOrder   []uint32 // node ordinals in dominator-DFS order (root first)
}

func newAnalysis(g *Graph) *analysis {
	a := &analysis{g: g, s: g.S}
	a.g.ephemerons = buildEphemeronTable(&g.S.Strings)
	return a
}

func (a *analysis) release() {
	a.pageObject, a.essential = nil, nil
}

func getBit(b []uint64, i uint32) bool { return b[i>>6]&(1<<(i&63)) != 0 }
func setBit(b []uint64, i uint32)      { b[i>>6] |= 1 << (i & 63) }

func (a *analysis) isType(n uint32, t int) bool { return int(a.s.NodeType[n]) == t }

// isUserRoot: for JS snapshots every non-synthetic child of the root is a
// user root (the global objects), plus the "(Document DOM trees)" node.
func (a *analysis) isUserRoot(n uint32) bool {
	return !a.isType(n, a.s.NodeTypeIndex.Synthetic) || a.isDocumentDOMTreesRoot(n)
}

func (a *analysis) isDocumentDOMTreesRoot(n uint32) bool {
	return a.isType(n, a.s.NodeTypeIndex.Synthetic) && string(a.s.Strings.Bytes(a.s.NodeName[n])) == "(Document DOM trees)"
}

// buildRetainers inverts the edge list into CSR, keeping for each target the
// retainers in the order DevTools has them (it fills each slot range from
// the end while walking edges forward).
func (a *analysis) buildRetainers() {
	s, g := a.s, a.g
	n := s.NodeCount
	first := make([]uint32, n+1)
	for _, t := range s.EdgeTo {
		first[t]++
	}
	var sum uint32
	for i := 0; i < n; i++ {
		c := first[i]
		first[i] = sum
		sum += c
	}
	first[n] = sum
	// fill[i] counts down inside node i's slot range, like DevTools.
	nodes := make([]uint32, s.EdgeCount)
	edges := make([]uint32, s.EdgeCount)
	next := make([]uint32, n)
	for i := 0; i < n; i++ {
		next[i] = first[i+1] - first[i]
	}
	for src := 0; src < n; src++ {
		for e := s.FirstEdge[src]; e < s.FirstEdge[src+1]; e++ {
			t := s.EdgeTo[e]
			next[t]--
			slot := first[t] + next[t]
			nodes[slot] = uint32(src)
			edges[slot] = e
		}
	}
	g.FirstRetainer, g.RetainerNode, g.RetainerEdge = first, nodes, edges
}

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
		t := int(s.EdgeType[e])
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
			if getBit(flags, to) || int(s.EdgeType[e]) == weak {
				continue
			}
			setBit(flags, to)
			stack = append(stack, to)
		}
	}
	a.pageObject = flags
	for e := s.FirstEdge[root]; e < s.FirstEdge[root+1]; e++ {
		if a.isUserRoot(s.EdgeTo[e]) {
			a.hasUser = true
			break
		}
	}
}

// computeEssentialEdges marks the edges that count for dominators
// (DevTools' computeIsEssentialEdge).
func (a *analysis) computeEssentialEdges() {
	s := a.s
	ess := make([]uint64, (s.EdgeCount+63)/64)
	et := s.EdgeTypeIndex
	root := a.g.Root
	eph := &a.g.ephemerons
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		vPage := getBit(a.pageObject, v)
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			t := int(s.EdgeType[e])
			// A WeakMap value is retained by its key and its table together;
			// DevTools keeps only the key's edge.
			if t == et.Internal {
				if m, ok := eph.lookup(s.EdgeNameOrIndex[e]); ok && m.table == uint64(s.NodeID[v]) {
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
				if getBit(a.pageObject, to) && !vPage {
					continue
				}
			}
			setBit(ess, e)
		}
	}
	a.essential = ess
}

// dominators is the Lengauer–Tarjan algorithm ("simple" eval/link) exactly
// as DevTools runs it, including its DFS order and its treatment of nodes
// not reachable from the root: nodes with only inessential retainers are
// DFS roots hanging off the root, and remaining cycles are attached to the
// root one node at a time. Vertices are numbered from 1; 0 means none.
func (a *analysis) dominators() {
	s, g := a.s, a.g
	nodeCount := uint32(s.NodeCount)
	size := nodeCount + 1
	parent := make([]uint32, size)
	ancestor := make([]uint32, size)
	vertex := make([]uint32, size)
	label := make([]uint32, size)
	semi := make([]uint32, size)
	work := make([]uint32, size) // next edge per vertex in the DFS, later the compression stack
	ess := a.essential
	firstEdge := s.FirstEdge
	edgeTo := s.EdgeTo
	var n uint32

	dfs := func(root uint32) {
		work[root-1] = firstEdge[root-1]
		v := root
		for v != 0 {
			if semi[v] == 0 {
				n++
				semi[v] = n
				vertex[n] = v
				label[v] = v
			}
			vNext := parent[v]
			vo := v - 1
			end := firstEdge[vo+1]
			for ; work[vo] < end; work[vo]++ {
				e := work[vo]
				if !getBit(ess, e) {
					continue
				}
				wo := edgeTo[e]
				w := wo + 1
				if semi[w] == 0 {
					parent[w] = v
					work[wo] = firstEdge[wo]
					vNext = w
					break
				}
			}
			v = vNext
		}
	}

	r := g.Root + 1
	dfs(r)
	if n < nodeCount {
		for v := uint32(1); v <= nodeCount; v++ {
			if semi[v] == 0 && a.hasOnlyWeakRetainers(v-1) {
				parent[v] = r
				dfs(v)
			}
		}
	}
	if n < nodeCount {
		for v := uint32(1); v <= nodeCount; v++ {
			if semi[v] == 0 {
				parent[v] = r
				n++
				semi[v] = n
				vertex[n] = v
				label[v] = v
			}
		}
	}

	stack := work // the DFS is over
	compress := func(v uint32) {
		sp := 0
		for ancestor[ancestor[v]] != 0 {
			sp++
			stack[sp] = v
			v = ancestor[v]
		}
		for sp > 0 {
			w := stack[sp]
			sp--
			if semi[label[ancestor[w]]] < semi[label[w]] {
				label[w] = label[ancestor[w]]
			}
			ancestor[w] = ancestor[ancestor[w]]
		}
	}
	eval := func(v uint32) uint32 {
		if ancestor[v] == 0 {
			return v
		}
		compress(v)
		return label[v]
	}

	// Buckets as singly linked lists: each vertex is in at most one bucket.
	// The order inside a bucket does not change the result.
	bucketHead := make([]uint32, size)
	bucketNext := make([]uint32, size)
	dom := make([]uint32, size)
	firstRet, retNode, retEdge := g.FirstRetainer, g.RetainerNode, g.RetainerEdge

	for i := n; i >= 2; i-- {
		w := vertex[i]
		wo := w - 1
		orphan := true
		for ri := firstRet[wo]; ri < firstRet[wo+1]; ri++ {
			if !getBit(ess, retEdge[ri]) {
				continue
			}
			orphan = false
			u := eval(retNode[ri] + 1)
			if semi[u] < semi[w] {
				semi[w] = semi[u]
			}
		}
		if orphan {
			semi[w] = semi[r]
		}
		b := vertex[semi[w]]
		bucketNext[w] = bucketHead[b]
		bucketHead[b] = w
		p := parent[w]
		ancestor[w] = p // link
		for v := bucketHead[p]; v != 0; v = bucketNext[v] {
			u := eval(v)
			if semi[u] < semi[v] {
				dom[v] = u
			} else {
				dom[v] = p
			}
		}
		bucketHead[p] = 0
	}
	dom[0], dom[r] = r, r
	for i := uint32(2); i <= n; i++ {
		w := vertex[i]
		if dom[w] != vertex[semi[w]] {
			dom[w] = dom[dom[w]]
		}
	}

	// Reuse dom's memory for the ordinal-indexed result.
	for o := uint32(0); o < nodeCount; o++ {
		dom[o] = dom[o+1] - 1
	}
	g.dominator = dom[:nodeCount:nodeCount]
	// Keep the DFS order for the retained-size pass (vertex is reused).
	order := vertex
	for i := uint32(1); i <= n; i++ {
		order[i] = vertex[i] - 1
	}
	a.dfsOrder = order[1 : n+1]
}

func (a *analysis) hasOnlyWeakRetainers(o uint32) bool {
	g := a.g
	for ri := g.FirstRetainer[o]; ri < g.FirstRetainer[o+1]; ri++ {
		if getBit(a.essential, g.RetainerEdge[ri]) {
			return false
		}
	}
	return true
}

// retainedSizes sums shallow sizes up the dominator tree in reverse DFS
// order, as DevTools does.
func (a *analysis) retainedSizes() {
	s, g := a.s, a.g
	ret := make([]uint64, s.NodeCount)
	for i, v := range s.NodeSelfSize {
		ret[i] = uint64(v)
	}
	order := a.dfsOrder
	for i := len(order) - 1; i >= 1; i-- {
		o := order[i]
		ret[g.dominator[o]] += ret[o]
	}
	g.retained = ret
	a.dfsOrder = nil
}

// buildDominated builds the dominator tree's children lists (CSR).
func (a *analysis) buildDominated() {
	g := a.g
	n := len(g.dominator)
	first := make([]uint32, n+1)
	for o, d := range g.dominator {
		if uint32(o) != g.Root {
			first[d]++
		}
	}
	var sum uint32
	for i := 0; i < n; i++ {
		c := first[i]
		first[i] = sum
		sum += c
	}
	first[n] = sum
	dominated := make([]uint32, sum)
	fill := make([]uint32, n)
	copy(fill, first[:n])
	for o, d := range g.dominator {
		if uint32(o) == g.Root {
			continue
		}
		dominated[fill[d]] = uint32(o)
		fill[d]++
	}
	g.FirstDominated, g.Dominated = first, dominated
}
