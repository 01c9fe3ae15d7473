package heapgraph

import (
	"math"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// analysis holds the temporaries of Build; they are dropped at the end so
// only the results stay in memory.
type analysis struct {
	g *Graph
	s *heapsnapshot.Snapshot

	pageObject []uint64 // bit per node: reachable from a user root (DevTools' pageObject flag)
	essential  []uint64 // bit per edge: counts for dominators
	hasRet     []uint64 // bit per node: has an essential retainer
	hasUser    bool     // the root has at least one user root (non-synthetic child)
	dfsOrder   []uint32 // node ordinals in dominator-DFS order (root first)
}

func newAnalysis(g *Graph) *analysis {
	a := &analysis{g: g, s: g.S}
	a.g.ephemerons = buildEphemeronTable(&g.S.Strings)
	return a
}

func (a *analysis) release() {
	a.pageObject, a.essential, a.hasRet = nil, nil, nil
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

// dominators computes the dominator tree DevTools computes, including its
// DFS order and its treatment of nodes not reachable from the root: nodes
// with only inessential retainers are DFS roots hanging off the root, and
// remaining cycles are attached to the root one node at a time.
// Semidominators come from Lengauer–Tarjan's ("simple" eval/link), the
// immediate dominators from them by semi-NCA (the nearest common ancestor
// of a vertex's parent and its semidominator), which measured 25-30 %
// faster than Lengauer–Tarjan's buckets on a 1 GB heap (bench/perf.md) and
// gives DevTools' tree on its golden snapshots and on random graphs full of
// unreachable cycles (dominators_test.go).
//
// It is the largest user of memory, so it works in DFS-number space
// (vertices numbered 1..n in DFS order, 0 meaning none) over a predecessor
// index holding only essential edges as numbers (3 or 4 bytes per
// essential edge instead of the 8 per edge of a retainer index), and it
// lets arrays share memory. The main loop visits vertices by decreasing
// number; those above the current one are linked into the forest, the
// others not yet:
//   - the parent array becomes the ancestor array (a vertex is linked
//     exactly when its number is >= linkedFrom, so no flag is needed);
//   - labels are only used for linked vertices, in the former
//     ordinal->number map, and hold a semidominator (the smallest on the
//     vertex's path in the forest), not the vertex that has it: semi-NCA
//     needs only the value, and each predecessor then costs one lookup
//     less;
//   - the semidominator of an unlinked vertex is still its own number, so
//     semidominators are only stored once computed, in the slots of the
//     predecessor index's offsets, which are read in the same order;
//   - dom holds the smallest lower predecessor until the vertex is
//     processed, then its parent, from which the number -> ordinal map,
//     dropped for the main loop, is rebuilt with the DFS's trail while
//     the other core finds the immediate dominators (into the ancestor
//     array, done with by then).
func (a *analysis) dominators() {
	s, g := a.s, a.g
	N := uint32(s.NodeCount)
	ess := a.essential
	firstEdge := s.FirstEdge
	edgeTo := s.EdgeTo

	// hasRet: the node has at least one essential retainer (marked with
	// the essential edges, while the other core computes the shallow
	// sizes; here otherwise).
	hasRet := a.hasRet
	if hasRet == nil {
		hasRet = make([]uint64, (N+63)/64)
		for e, t := range edgeTo {
			if getBit(ess, uint32(e)) {
				setBit(hasRet, t)
			}
		}
	}

	number := make([]uint32, N+1) // node ordinal -> DFS number (0: not visited)
	parent := make([]uint32, N+1) // DFS number -> parent's number
	// The number -> ordinal map is not kept through the predecessor index
	// and the main loop (the peak of memory use): it is rebuilt at the end
	// from the DFS's trail (a byte a node).
	trail := newDFSTrail(N)
	// The essential predecessors of each vertex, by number, are counted by
	// the DFS itself as it looks at each edge (see dominatorDFS).
	// A predecessor numbered below the vertex is not linked yet when the
	// vertex is processed, so it only offers its own number as a
	// semidominator candidate: of those only the smallest counts, and it is
	// kept in dom (free until the vertex is processed) instead of the
	// index, which then holds only the predecessors numbered above (about
	// two thirds of the edges of a V8 heap).
	first := make([]uint32, N+2) // the count of those numbered above
	dom := make([]uint32, N+1)   // below: the smallest lower predecessor (0: none)
	n := dominatorDFS(s, g.Root, ess, hasRet, number, parent, first, dom, trail)
	// The predecessor index is the largest array yet, and the free pages
	// left by the parse are scattered where it cannot go (1.9 GB of live
	// arrays and 150 MB of such pages before it on a 2.4 GB snapshot):
	// handing them back to the system keeps them out of the peak.
	a.collectAndRelease()
	const r = 1 // the root's number

	// The index of those predecessors numbered above, in number order.
	// first[t] becomes the end of t's range and counts down to its start
	// while filling; t's range ends where t+1's starts.
	pi := predInput{firstEdge: firstEdge, edgeTo: edgeTo, ess: ess, number: number}
	// Each vertex's range is written by one core only: the cores split the
	// vertices by node ordinal (each scans every edge but looks up only
	// the numbers of its own targets, the cache misses that cost), so
	// nothing is shared and the index is the same as one core's.
	N2 := N
	if splits(N) {
		N2 = N / 2
	}
	sum := countsToEnds(first[:n+1])
	first[n+1] = sum
	preds := newPredIndex(sum, n)
	both(N2 < N, func() { pi.fill(first, &preds, 0, N2) }, func() { pi.fill(first, &preds, N2, N) })

	// Labels of linked vertices, in number's memory; a vertex's label is
	// set when it is linked (to its own semidominator) and only read
	// after, so the array needs no clearing.
	lb := number
	semi := first // semidominators of linked vertices
	ancestor := parent
	linkedFrom := n + 1
	var stack []uint32
	// compress shortens v's path in the forest to its tree's root, leaving
	// in lb[v] the smallest semidominator on the path.
	compress := func(v uint32) {
		stack = stack[:0]
		for ancestor[v] >= linkedFrom {
			stack = append(stack, v)
			v = ancestor[v]
		}
		for k := len(stack) - 1; k >= 0; k-- {
			w := stack[k]
			if a := ancestor[w]; lb[a] < lb[w] {
				lb[w] = lb[a]
			}
			ancestor[w] = ancestor[ancestor[w]]
		}
	}
	end := first[n+1]
	for w := n; w >= 2; w-- {
		start := first[w]
		sw := w
		low := dom[w]
		if low != 0 {
			sw = low // lower than w: not linked, so it offers itself
		}
		// Every predecessor counted here is numbered above w, so linked:
		// it offers the smallest semidominator on its path.
		for k := start; k < end; k++ {
			u := preds.at(k)
			compress(u)
			if su := lb[u]; su < sw {
				sw = su
			}
		}
		if start == end && low == 0 { // no essential retainer
			sw = r
		}
		end = start
		semi[w] = sw
		dom[w] = ancestor[w] // the parent (w is not linked yet), for the pass below
		linkedFrom = w       // link w to its parent
		lb[w] = sw           // its label: the semidominator itself, not the vertex
	}
	preds, stack = predIndex{}, nil
	// Two passes, one a core: the number -> ordinal map again, from the
	// trail and the parents (in dom), in the predecessor index's memory
	// (lb is its scratch); and the immediate dominators, into the
	// ancestors' memory (the forest is done with). They share nothing
	// they write.
	a.collect()
	vertex := make([]uint32, N+1)
	vertex[1] = g.Root
	clear(lb) // the labels are done with
	idom := ancestor
	both(splits(N), func() { trail.replay(s, vertex, dom, lb, n) }, func() {
		// Semi-NCA: the immediate dominator of w is the nearest common
		// ancestor of its parent and its semidominator in the dominator
		// tree, found by walking up from the parent (numbers grow
		// downwards).
		idom[0], idom[r] = r, r
		for w := uint32(2); w <= n; w++ {
			d := dom[w]
			for d > semi[w] {
				d = idom[d]
			}
			idom[w] = d
		}
	})
	trail = nil
	// The result by node ordinal goes into lb's memory, free now.
	res := lb[:N:N]
	for w := uint32(1); w <= n; w++ {
		res[vertex[w]] = vertex[idom[w]]
	}
	g.dominator = res
	// Keep the DFS order (as ordinals) for the retained-size pass.
	a.dfsOrder = vertex[1 : n+1]
}

// predInput is what the predecessor index is built from.
type predInput struct {
	firstEdge, edgeTo []uint32
	ess               []uint64
	number            []uint32 // node ordinal -> DFS number
}

// fill places the predecessors counted by dominatorDFS, each vertex's from the
// end of its range (first[t] counts down to its start).
func (pi predInput) fill(first []uint32, preds *predIndex, lo, hi uint32) {
	firstEdge, edgeTo, ess, number := pi.firstEdge, pi.edgeTo, pi.ess, pi.number
	for o := 0; o+1 < len(firstEdge); o++ {
		u := number[o]
		for e := firstEdge[o]; e < firstEdge[o+1]; e++ {
			to := edgeTo[e]
			if to-lo >= hi-lo || !getBit(ess, e) || repeated(edgeTo, ess, e, firstEdge[o]) {
				continue
			}
			if t := number[to]; u > t {
				first[t]--
				preds.set(first[t], u)
			}
		}
	}
}

// pred24Max is the largest vertex number kept in 3 bytes in the
// predecessor index (a variable so that tests can exercise the 4-byte one).
var pred24Max uint32 = 1<<24 - 1

// predIndex holds the predecessor index's numbers in 3 bytes each while
// every vertex number fits (heaps under 16.7 M nodes), else in 4: it is
// the largest array of the dominators' main loop, the peak of Build.
type predIndex struct {
	w3 []byte
	w4 []uint32
}

func newPredIndex(size, maxNumber uint32) predIndex {
	if maxNumber <= pred24Max {
		return predIndex{w3: make([]byte, 3*int(size))}
	}
	return predIndex{w4: make([]uint32, size)}
}

func (p *predIndex) at(k uint32) uint32 {
	if p.w3 != nil {
		b := p.w3[3*int(k) : 3*int(k)+3]
		return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	}
	return p.w4[k]
}

func (p *predIndex) set(k, v uint32) {
	if p.w3 != nil {
		b := p.w3[3*int(k) : 3*int(k)+3]
		b[0], b[1], b[2] = byte(v), byte(v>>8), byte(v>>16)
		return
	}
	p.w4[k] = v
}

// dominatorDFS numbers the nodes in DevTools' dominator DFS order over the
// essential edges (number: ordinal -> number, parent: number -> parent's
// number), starting from root, then from every unvisited node without an
// essential retainer (hanging off the root), then attaching what is left
// (cycles) to the root one node at a time. It records in trail how it
// reached each vertex and returns the number of vertices. Its stack holds
// only the vertices on the current path (12 bytes each), so it needs no
// per-vertex cursor or number -> ordinal map (8 bytes a node): real heaps'
// paths are short (its capacity stayed at 256 on a 2.4 GB snapshot, 8,874
// on the TypeScript compiler's heap); only a chain of most of the heap costs
// more, and on one of 2 M objects the peak did not move (bench/perf.md).
//
// It also counts each vertex's essential predecessors for the main loop,
// by number (upper: how many are numbered above it; lower: the smallest
// numbered below it, 0 for none). Every essential edge is looked at with
// its target numbered: an edge found to an unvisited node is looked at
// again when the DFS comes back to it, and the edges of the nodes attached
// one at a time are counted at the end. That saves a pass over all edges.
// An edge that repeats the one before it is not counted (see repeated).
func dominatorDFS(s *heapsnapshot.Snapshot, root uint32, ess, hasRet []uint64, number, parent, upper, lower []uint32, trail *dfsTrail) uint32 {
	N := uint32(s.NodeCount)
	firstEdge, edgeTo := s.FirstEdge, s.EdgeTo
	var n uint32
	visit := func(o, p uint32) uint32 {
		n++
		number[o] = n
		parent[n] = p
		return n
	}
	// A path vertex: its number, the next edge to look at, its edges' end.
	type frame struct{ v, e, end uint32 }
	var stack []frame
	dfs := func(o, p uint32) {
		v := visit(o, p)
		if p != 0 {
			trail.ordinal(v, o)
		}
		stack = append(stack[:0], frame{v, firstEdge[o], firstEdge[o+1]})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			v, start, end := top.v, top.e, top.end
			e := start
			for ; e < end; e++ {
				// (The edge at start is the node's first or the one that
				// found the last vertex: never a repeated one.)
				if !getBit(ess, e) || repeated(edgeTo, ess, e, start) {
					continue
				}
				t := number[edgeTo[e]]
				if t == 0 {
					break
				}
				countPred(upper, lower, v, t)
			}
			if e == end {
				stack = stack[:len(stack)-1]
				continue
			}
			// Come back to this edge: it is counted then.
			top.e = e
			wo := edgeTo[e]
			w := visit(wo, v)
			trail.edge(w, e-start)
			stack = append(stack, frame{w, firstEdge[wo], firstEdge[wo+1]})
		}
	}
	const r = 1 // the root's number
	dfs(root, 0)
	if n < N {
		for o := uint32(0); o < N; o++ {
			if number[o] == 0 && !getBit(hasRet, o) {
				dfs(o, r)
			}
		}
	}
	if n < N {
		attached := n + 1
		for o := uint32(0); o < N; o++ {
			if number[o] == 0 {
				trail.ordinal(visit(o, r), o)
			}
		}
		for o := uint32(0); o < N; o++ {
			v := number[o]
			if v < attached {
				continue
			}
			for e := firstEdge[o]; e < firstEdge[o+1]; e++ {
				if !getBit(ess, e) || repeated(edgeTo, ess, e, firstEdge[o]) {
					continue
				}
				countPred(upper, lower, v, number[edgeTo[e]])
			}
		}
	}
	return n
}

// repeated reports whether essential edge e, of the node whose edges start
// at first, goes where the edge before it goes and that edge is essential
// too: the same predecessor again, counted once (a tenth of the edges of
// the TypeScript compiler's heap: arrays holding one value twice in a row,
// objects with two fields on one object).
func repeated(edgeTo []uint32, ess []uint64, e, first uint32) bool {
	return e > first && edgeTo[e] == edgeTo[e-1] && getBit(ess, e-1)
}

// countPred counts vertex u as an essential predecessor of vertex t (both
// DFS numbers): one more numbered above t, or the smallest below it.
func countPred(upper, lower []uint32, u, t uint32) {
	if u > t {
		upper[t]++
	} else if d := lower[t]; d == 0 || u < d {
		lower[t] = u
	}
}

// dfsTrail records how the DFS reached each vertex, so that the number ->
// ordinal map, dropped for the main loop (the peak of memory use), is
// rebuilt afterwards from the parents in one pass instead of a second DFS:
// per number, how many edges past the parent's previous discovery (or its
// first edge) the discovering edge is, in a byte, or an escape whose value
// is the next entry of over. A parent's children are found in edge order,
// so the steps are small: an array's elements are found one edge apart.
type dfsTrail struct {
	b    []byte // by number; b[1] (the root) is unused
	over []uint32
}

const (
	trailEdge    = 254 // the step is in over
	trailOrdinal = 255 // reached by the scan for unvisited nodes, not an edge: its ordinal is in over
)

func newDFSTrail(n uint32) *dfsTrail { return &dfsTrail{b: make([]byte, n+1)} }

func (t *dfsTrail) edge(w, k uint32) {
	if k < trailEdge {
		t.b[w] = byte(k)
		return
	}
	t.b[w] = trailEdge
	t.over = append(t.over, k)
}

func (t *dfsTrail) ordinal(w, o uint32) {
	t.b[w] = trailOrdinal
	t.over = append(t.over, o)
}

// replay fills vertex[2..n] from the trail, given vertex[1] and each
// vertex's parent number (always below its own, so already mapped); pos
// (n+1 zeros) is scratch: each parent's last discovering edge position.
func (t *dfsTrail) replay(s *heapsnapshot.Snapshot, vertex, parent, pos []uint32, n uint32) {
	firstEdge, edgeTo, over := s.FirstEdge, s.EdgeTo, t.over
	j := 0
	for w := uint32(2); w <= n; w++ {
		k := uint32(t.b[w])
		if k >= trailEdge {
			v := over[j]
			j++
			if k == trailOrdinal {
				vertex[w] = v
				continue
			}
			k = v
		}
		p := parent[w]
		k += pos[p]
		pos[p] = k
		vertex[w] = edgeTo[firstEdge[vertex[p]]+k]
	}
}

// retained32Limit is the largest total kept in 32-bit retained sizes (a
// variable so that tests can exercise the 64-bit path).
var retained32Limit uint64 = math.MaxUint32

// retainedSizes sums shallow sizes up the dominator tree in reverse DFS
// order, as DevTools does.
func (a *analysis) retainedSizes() {
	s, g := a.s, a.g
	// No retained size exceeds the sum of all shallow sizes: when that fits
	// in 32 bits, so do they all.
	var total uint64
	for _, v := range s.NodeSelfSize {
		total += uint64(v)
	}
	if total <= retained32Limit {
		g.retained32 = sumUp(make([]uint32, s.NodeCount), s.NodeSelfSize, g.dominator, a.dfsOrder)
	} else {
		g.retained = sumUp(make([]uint64, s.NodeCount), s.NodeSelfSize, g.dominator, a.dfsOrder)
	}
	a.dfsOrder = nil
}

// sumUp fills ret with the retained sizes: each node's shallow size plus
// those of the nodes it dominates, added up in reverse DFS order (a
// dominator comes before the nodes it dominates).
func sumUp[T uint32 | uint64](ret []T, self, dominator, order []uint32) []T {
	for i, v := range self {
		ret[i] = T(v)
	}
	for i := len(order) - 1; i >= 1; i-- {
		o := order[i]
		ret[dominator[o]] += ret[o]
	}
	return ret
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
	// first[d] becomes the end of d's range, then counts down to its start
	// while the children are placed from the last one (no cursor array).
	sum := countsToEnds(first[:n])
	first[n] = sum
	dominated := make([]uint32, sum)
	for o := n - 1; o >= 0; o-- {
		if uint32(o) == g.Root {
			continue
		}
		d := g.dominator[o]
		first[d]--
		dominated[first[d]] = uint32(o)
	}
	g.FirstDominated, g.Dominated = first, dominated
}
