package heapgraph

import (
	"math/rand"
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// TestDominatorsMatchReference compares the memory-lean semi-NCA
// with a plain transcription of DevTools' version (below) on random graphs
// full of what real snapshots rarely have: nodes no essential edge reaches,
// unreachable cycles, self-loops, duplicate edges, long chains, hubs.
func TestDominatorsMatchReference(t *testing.T) {
	for seed := int64(0); seed < 400; seed++ {
		rng := rand.New(rand.NewSource(seed))
		n := 2 + rng.Intn(60)
		if seed%50 == 0 {
			n = 2000 + rng.Intn(2000)
		}
		s := &heapsnapshot.Snapshot{NodeCount: n}
		s.FirstEdge = make([]uint32, n+1)
		for v := 0; v < n; v++ {
			deg := rng.Intn(4)
			if rng.Intn(10) == 0 {
				deg += rng.Intn(12)
			}
			if seed%5 == 0 && (v == 0 || v == n/3) {
				// A hub: vertices found past its 254th edge take the DFS
				// trail's escape.
				deg += 300 + rng.Intn(700)
			}
			for k := 0; k < deg; k++ {
				to := rng.Intn(n)
				if rng.Intn(3) == 0 && v+1 < n {
					to = v + 1 // chains
				}
				s.EdgeTo = append(s.EdgeTo, uint32(to))
			}
			s.FirstEdge[v+1] = uint32(len(s.EdgeTo))
		}
		s.EdgeCount = len(s.EdgeTo)
		ess := make([]uint64, (s.EdgeCount+63)/64)
		keep := rng.Float64()
		for e := range s.EdgeTo {
			if rng.Float64() < keep {
				setBit(ess, uint32(e))
			}
		}
		g := &Graph{S: s}
		g.buildRetainers()
		ref := &analysis{g: g, s: s, essential: ess}
		wantDom, wantOrder := ref.refDominators()
		wantDom = slices.Clone(wantDom)
		wantOrder = slices.Clone(wantOrder)
		// Both widths of the predecessor index (3 bytes a number, and 4),
		// each built on one core and split over two.
		for _, max24 := range []uint32{pred24Max, 0} {
			for _, split := range []uint32{splitMin, 0} {
				oldMax, oldMin := pred24Max, splitMin
				pred24Max, splitMin = max24, split
				a := &analysis{g: g, s: s, essential: ess}
				a.dominators()
				pred24Max, splitMin = oldMax, oldMin
				if !slices.Equal(g.dominator, wantDom) {
					t.Fatalf("seed %d (%d nodes, pred24Max %d, splitMin %d): dominators differ\n got %v\nwant %v", seed, n, max24, split, g.dominator, wantDom)
				}
				if !slices.Equal(a.dfsOrder, wantOrder) {
					t.Fatalf("seed %d (pred24Max %d, splitMin %d): DFS order differs", seed, max24, split)
				}
			}
		}
	}
}

// refDominators is the straightforward Lengauer–Tarjan the package used
// before it was made lean (one array per quantity, over the full retainer
// index), kept as the reference.
func (a *analysis) refDominators() ([]uint32, []uint32) {
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
			if semi[v] == 0 && a.refHasOnlyWeakRetainers(v-1) {
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
	firstRet, retNode, retEdge := g.firstRetainer, g.retainerNode, g.retainerEdge

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
	resDom := dom[:nodeCount:nodeCount]
	// Keep the DFS order for the retained-size pass (vertex is reused).
	order := vertex
	for i := uint32(1); i <= n; i++ {
		order[i] = vertex[i] - 1
	}
	return resDom, order[1 : n+1]
}
func (a *analysis) refHasOnlyWeakRetainers(o uint32) bool {
	g := a.g
	for ri := g.firstRetainer[o]; ri < g.firstRetainer[o+1]; ri++ {
		if getBit(a.essential, g.retainerEdge[ri]) {
			return false
		}
	}
	return true
}

// TestDFSTrailReplay: the trail rebuilds the DFS's number -> ordinal map
// from the parents, through both escapes: a vertex found more than 253
// edges past its parent's previous discovery, and one found by the scan
// for unvisited nodes.
func TestDFSTrailReplay(t *testing.T) {
	// The root's edges: to 1, to 1 again 400 times, to 2, to 3 (found one
	// edge later). Node 2's: to 1 twice (one predecessor numbered above
	// 1's vertex, counted once). Node 4 has no retainer: a DFS root found
	// by the scan.
	const n = 5
	s := &heapsnapshot.Snapshot{NodeCount: n, FirstEdge: make([]uint32, n+1)}
	s.EdgeTo = append(s.EdgeTo, 1)
	for range 400 {
		s.EdgeTo = append(s.EdgeTo, 1)
	}
	s.EdgeTo = append(s.EdgeTo, 2, 3)
	for v := 1; v <= n; v++ {
		s.FirstEdge[v] = uint32(len(s.EdgeTo))
		if v == 2 {
			s.EdgeTo = append(s.EdgeTo, 1, 1)
		}
	}
	s.EdgeCount = len(s.EdgeTo)
	ess := make([]uint64, (s.EdgeCount+63)/64)
	hasRet := make([]uint64, (n+63)/64)
	for e, to := range s.EdgeTo {
		setBit(ess, uint32(e))
		setBit(hasRet, to)
	}
	number, parent := make([]uint32, n+1), make([]uint32, n+1)
	upper, lower := make([]uint32, n+2), make([]uint32, n+1)
	trail := newDFSTrail(n)
	if got := dominatorDFS(s, 0, ess, hasRet, number, parent, upper, lower, trail); got != n {
		t.Fatalf("%d vertices, want %d", got, n)
	}
	vertex := make([]uint32, n+1)
	for o := range uint32(n) {
		vertex[number[o]] = o
	}
	// The DFS counted every essential edge once, by its ends' numbers, but
	// for an edge that repeats the one before it.
	wantUpper, wantLower := make([]uint32, n+2), make([]uint32, n+1)
	for o := range uint32(n) {
		for e := s.FirstEdge[o]; e < s.FirstEdge[o+1]; e++ {
			if e > s.FirstEdge[o] && s.EdgeTo[e] == s.EdgeTo[e-1] {
				continue
			}
			if u, t := number[o], number[s.EdgeTo[e]]; u > t {
				wantUpper[t]++
			} else if wantLower[t] == 0 || u < wantLower[t] {
				wantLower[t] = u
			}
		}
	}
	if wantUpper[number[1]] != 1 {
		t.Fatalf("the test graph has no repeated predecessor numbered above")
	}
	if !slices.Equal(upper, wantUpper) || !slices.Equal(lower, wantLower) {
		t.Fatalf("predecessors above %v below %v, want %v %v", upper, lower, wantUpper, wantLower)
	}
	if !slices.Equal(trail.over, []uint32{401, 4}) || !slices.Equal(trail.b[2:], []byte{0, trailEdge, 1, trailOrdinal}) {
		t.Fatalf("trail %v, escapes %v", trail.b, trail.over)
	}
	re := make([]uint32, n+1)
	re[1] = vertex[1]
	trail.replay(s, re, parent, make([]uint32, n+1), n)
	if !slices.Equal(re, vertex) {
		t.Fatalf("replayed %v, the DFS's %v", re, vertex)
	}
}
