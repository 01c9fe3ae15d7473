// Package heapgraph analyses a parsed heap snapshot the way Chrome DevTools'
// Memory panel does for Node.js (JSHeapSnapshot): retainers, distances from
// the roots, the dominator tree, retained sizes, DevTools' class names and
// the per-class Summary aggregates. It also finds and formats retaining
// paths.
//
// Everything is stored in flat per-node or per-edge slices indexed by node
// ordinal (0 = the synthetic root) or edge ordinal; there is no Go object or
// map entry per heap node, so multi-gigabyte snapshots fit in memory.
//
// The rules (which edges count for distances and dominators, how shallow
// sizes of arrays are folded into their owners, how classes are named) follow
// front_end/entrypoints/heap_snapshot_worker/HeapSnapshot.ts; the golden test
// in this package proves equality with DevTools' numbers on real snapshots.
package heapgraph

import (
	"errors"
	"fmt"
	"iter"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// Distance values with a special meaning, as in DevTools.
const (
	// NoDistance is the distance of a node that no BFS from the roots reaches
	// (DevTools' "noDistance").
	NoDistance int32 = -5
	// BaseSystemDistance is added to the distance of nodes that are only
	// reachable through the GC roots, not from a user root such as the global
	// object; DevTools shows such distances as-is (100000001, ...).
	BaseSystemDistance int32 = 100000000
)

// NoEdge marks the first step of a path, which has no incoming edge.
const NoEdge = ^uint32(0)

// Options tune Build.
type Options struct {
	// Phase, when set, is called with the name of each analysis phase as it
	// starts ("retainers", "dominators", ...), e.g. to label a progress bar.
	// It may be called from several goroutines.
	Phase func(name string)
}

// Graph is the analysed snapshot. It is read-only after Build and safe for
// concurrent use.
type Graph struct {
	S *heapsnapshot.Snapshot

	// Root is the ordinal of the synthetic root (always 0 for V8 snapshots).
	Root uint32

	// Retainers in CSR layout, built on first use (Retainers,
	// RetainerCount, ShortestPaths) because the analysis itself does not
	// need them and they cost 8 bytes per edge: the retainers of node n are
	// retainerNode[firstRetainer[n]:firstRetainer[n+1]] (source node
	// ordinals) with the edge ordinals in retainerEdge at the same positions.
	retOnce       sync.Once
	firstRetainer []uint32
	retainerNode  []uint32
	retainerEdge  []uint32

	// Dominator tree children in CSR layout: the nodes immediately dominated
	// by n are Dominated[FirstDominated[n]:FirstDominated[n+1]].
	FirstDominated []uint32
	Dominated      []uint32

	dominator []uint32
	retained  []uint64 // nil when retained32 holds the retained sizes
	// retained32 holds them instead when every one fits in 32 bits (heaps
	// under 4 GiB), which saves 4 bytes a node.
	retained32 []uint32
	distance   []int32
	class      []uint32 // index into Classes; nil when class16 holds them
	class16    []uint16 // the same when there are at most 65,536 classes (nearly always)

	detachedness []uint8 // nil when the snapshot has no detachedness field and no "Detached " native node

	// Names of concatenated strings already flattened (see consStringName):
	// only strings something asked to name, at most consNameCap.
	consMu    sync.Mutex
	consNames map[uint32]string

	// Classes is DevTools' class table: one entry per distinct class key
	// (class name, plus the constructor's source location for objects).
	Classes []Class

	// Stats are DevTools' statistics (the pie chart of the Summary view).
	Stats Statistics

	summary []ClassSummary // Summary's rows when they came with the parts, else nil

	ids     sync.Once
	idOrder []uint32 // node ordinals sorted by id, built on first NodeByID

	locLookups atomic.Int64
	locOnce    sync.Once
	locOrder   []uint32 // location indexes sorted by node, built by LocationIndex

	ephemerons ephemeronTable
	weakOnce   sync.Once
	weak       weakPairs // WeakMap entries as key and value, built on first use
}

// Class is one entry of the class table.
type Class struct {
	Name string
	// HasLocation is set for object classes split by the source location of
	// their constructor (DevTools does this so that two classes with the same
	// name from different files are not merged).
	HasLocation          bool
	Script, Line, Column uint32
}

// Statistics is the heap breakdown DevTools shows next to the Summary.
type Statistics struct {
	Total       uint64 // retained size of the root (everything reachable) + the snapshot's extra native bytes
	V8Heap      uint64 // Total - Native
	Native      uint64 // native (embedder) objects + the snapshot's extra native bytes (Chrome)
	TypedArrays uint64 // backing stores of ArrayBuffers (part of Native)
	Code        uint64
	Strings     uint64
	JSArrays    uint64 // Array objects and their uniquely owned elements
	System      uint64 // hidden (system) objects
}

// Build analyses s. Like DevTools, it rewrites two things in s in place so
// every later reader sees the numbers and names DevTools shows: NodeSelfSize
// becomes DevTools' shallow size (internal arrays and hidden objects owned
// by exactly one object give their size to it), and native nodes found
// detached get the name "Detached <name>" (new strings are appended to
// s.Strings); NodeDetachedness, when present, holds the propagated DOM
// states afterwards, or is dropped when every state is unknown
// (DetachednessUnknown). Calling Build again on the same snapshot gives the same result.
// Two goroutines share the work.
func Build(s *heapsnapshot.Snapshot, opts Options) (g *Graph, err error) {
	if s == nil || s.NodeCount == 0 {
		return nil, errors.New("heap snapshot has no nodes")
	}
	if len(s.FirstEdge) != s.NodeCount+1 || len(s.EdgeTo) != s.EdgeCount ||
		len(s.NodeSelfSize) != s.NodeCount || len(s.NodeType) != s.NodeCount ||
		len(s.NodeName) != s.NodeCount || len(s.NodeID) != s.NodeCount ||
		len(s.EdgeTypeAndName) != s.EdgeCount {
		return nil, errors.New("heap snapshot arrays are inconsistent")
	}
	if s.FirstEdge[0] != 0 || int(s.FirstEdge[s.NodeCount]) != s.EdgeCount {
		return nil, errors.New("heap snapshot edge index is inconsistent")
	}
	for i := 0; i < s.NodeCount; i++ {
		if s.FirstEdge[i] > s.FirstEdge[i+1] {
			return nil, fmt.Errorf("heap snapshot edge index decreases at node %d", i)
		}
	}
	for i, t := range s.EdgeTo {
		if int(t) >= s.NodeCount {
			return nil, fmt.Errorf("edge %d points to node %d, beyond the %d nodes", i, t, s.NodeCount)
		}
	}
	// Bugs in the analysis must surface as an error, not kill the process.
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("heap graph analysis failed: %v", r)
		}
	}()
	phase := func(n string) {
		if opts.Phase != nil {
			opts.Phase(n)
		}
	}
	g = &Graph{S: s, Root: 0}
	a := newAnalysis(g)
	// Parsing leaves garbage behind; collecting it now lets the analysis
	// reuse those pages instead of growing the process.
	a.collect()

	// Renaming detached nodes rewrites names and the string table, which
	// both chains below read, so it comes first (it is quick).
	phase("flags")
	a.propagateDOMState()
	a.findUserRoots()

	// Two chains share the work, like DevTools' two workers: flags,
	// dominators, retained sizes and class names on this goroutine;
	// shallow sizes, half of the essential edges, statistics and (after
	// the dominators) distances on the other. The dominators and retained
	// sizes need the adjusted shallow sizes, so they wait for them.
	var wg sync.WaitGroup
	var panicB any
	shallowReady := make(chan struct{})
	essHalf := make(chan func(), 1)    // the other chain's half of the essential edges, or nil
	essHalfDone := make(chan struct{}) // closed when it is done
	closeShallow := sync.OnceFunc(func() { close(shallowReady) })
	closeHalf := sync.OnceFunc(func() { close(essHalfDone) })
	noHalf := sync.OnceFunc(func() { close(essHalf) })
	domDone := make(chan struct{})
	closeDom := sync.OnceFunc(func() { close(domDone) })
	// These let the other chain end if this one panics.
	defer closeDom()
	defer noHalf()
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			if r := recover(); r != nil {
				panicB = r
				// Unblock this chain so it can finish and report.
				closeShallow()
				closeHalf()
			}
		}()
		phase("shallow sizes")
		a.calculateShallowSizes()
		a.collect()
		closeShallow()
		if half := <-essHalf; half != nil {
			half()
		}
		closeHalf()
		phase("statistics")
		a.calculateStatistics()
		// The distances wait for the dominators, whose arrays are the peak
		// of memory use, and for the retained sizes, which free the DFS
		// order, so that theirs (4 bytes per node, and the BFS queue) do
		// not add to either; they then overlap the class names.
		<-domDone
		phase("distances")
		a.calculateDistances()
	}()
	a.markPageObjects()
	// The other chain takes half of the essential edges once it has the
	// shallow sizes (about when the page objects are done here).
	a.computeEssentialEdges(func(half func()) { essHalf <- half }, func() { <-essHalfDone })
	noHalf()
	a.pageObject = nil // only the essential edges needed it
	// The dominators also wait for the shallow sizes, whose temporary
	// (4 bytes a node) must be gone before their own arrays come.
	<-shallowReady
	phase("dominators")
	a.dominators()
	a.collect()
	if panicB == nil {
		phase("retained sizes")
		a.retainedSizes()
		a.collect()
		closeDom()
		phase("class names")
		a.calculateClasses()
	}
	wg.Wait()
	if panicB != nil {
		panic(panicB)
	}
	// The dominator tree's children come last, once the temporaries of
	// the distances and class names are gone, so as not to add to them.
	a.collect()
	a.buildDominated()
	// Chrome's extra native bytes have no node, but DevTools counts them
	// in the total and the native size (so percentages are of that total).
	g.Stats.Native += s.ExtraNativeBytes
	g.Stats.Total = g.RetainedSize(g.Root) + s.ExtraNativeBytes
	g.Stats.V8Heap = g.Stats.Total - g.Stats.Native
	a.release()
	return g, nil
}

// collectMinNodes: below this many nodes the garbage of a phase is too
// small to be worth a collection.
const collectMinNodes = 200000

// collect runs the garbage collector at a phase boundary, so the next
// phase's big arrays reuse the memory of the temporaries just dropped
// instead of growing the heap to the collector's next goal (twice the live
// heap by default). Our arrays hold no pointers, so a collection costs
// little.
func (a *analysis) collect() {
	if a.s.NodeCount >= collectMinNodes {
		runtime.GC()
	}
}

// collectAndRelease is collect, and also returns the free pages to the
// system (they are resident until then).
func (a *analysis) collectAndRelease() {
	if a.s.NodeCount >= collectMinNodes {
		debug.FreeOSMemory()
	}
}

// NodeCount is the number of nodes.
func (g *Graph) NodeCount() int { return g.S.NodeCount }

// Distance is DevTools' distance of node n: the number of edges from a user
// root (the global object; user roots have distance 1), BaseSystemDistance+k
// for nodes reachable only from the GC roots, NoDistance when unreachable.
func (g *Graph) Distance(n uint32) int32 { return g.distance[n] }

// Dominator is the immediate dominator of n (the root dominates itself).
func (g *Graph) Dominator(n uint32) uint32 { return g.dominator[n] }

// RetainedSize is the size freed if n were collected: its shallow size plus
// the shallow sizes of all nodes it dominates.
func (g *Graph) RetainedSize(n uint32) uint64 {
	if g.retained32 != nil {
		return uint64(g.retained32[n])
	}
	return g.retained[n]
}

// ShallowSize is n's own size as DevTools shows it (see Build).
func (g *Graph) ShallowSize(n uint32) uint64 { return uint64(g.S.NodeSelfSize[n]) }

// ClassIndex is n's index into Classes.
func (g *Graph) ClassIndex(n uint32) uint32 {
	if g.class16 != nil {
		return uint32(g.class16[n])
	}
	return g.class[n]
}

// ClassName is DevTools' class name of n ("Function", "(string)", "Foo", ...).
func (g *Graph) ClassName(n uint32) string { return g.Classes[g.ClassIndex(n)].Name }

// ID is n's snapshot object id (shown as @ID).
func (g *Graph) ID(n uint32) uint32 { return g.S.NodeID[n] }

// TypeName is n's V8 node type ("object", "closure", "string", ...).
func (g *Graph) TypeName(n uint32) string { return g.S.NodeTypeName(n) }

// EdgeRange returns the half-open range of edge ordinals leaving n.
func (g *Graph) EdgeRange(n uint32) (lo, hi uint32) { return g.S.FirstEdge[n], g.S.FirstEdge[n+1] }

// Edges iterates n's outgoing edges as (edge ordinal, target node).
func (g *Graph) Edges(n uint32) iter.Seq2[uint32, uint32] {
	return func(yield func(uint32, uint32) bool) {
		lo, hi := g.EdgeRange(n)
		for e := lo; e < hi; e++ {
			if !yield(e, g.S.EdgeTo[e]) {
				return
			}
		}
	}
}

// Prototype is n's prototype object (its "__proto__" property edge).
func (g *Graph) Prototype(n uint32) (uint32, bool) {
	s := g.S
	for e, to := range g.Edges(n) {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Property && s.EdgeName(e) == "__proto__" {
			return to, true
		}
	}
	return 0, false
}

// Retainers iterates the edges pointing at n as (source node, edge ordinal),
// in DevTools' order. The first call builds the retainer index.
func (g *Graph) Retainers(n uint32) iter.Seq2[uint32, uint32] {
	g.retOnce.Do(g.buildRetainers)
	return func(yield func(uint32, uint32) bool) {
		for i := g.firstRetainer[n]; i < g.firstRetainer[n+1]; i++ {
			if !yield(g.retainerNode[i], g.retainerEdge[i]) {
				return
			}
		}
	}
}

// RetainerCount is the number of edges pointing at n. The first call
// builds the retainer index.
func (g *Graph) RetainerCount(n uint32) int {
	g.retOnce.Do(g.buildRetainers)
	return int(g.firstRetainer[n+1] - g.firstRetainer[n])
}

// IsOddball reports whether n is one of V8's oddballs: undefined, null,
// true or false. Node 24 and later name them by their value; earlier
// versions call them all "system / Oddball".
func (g *Graph) IsOddball(n uint32) bool {
	if int(g.S.NodeType[n]) != g.S.NodeTypeIndex.Hidden {
		return false
	}
	switch g.S.NodeNameString(n) {
	case "system / Oddball", "undefined", "null", "true", "false":
		return true
	}
	return false
}

// IsWeakEdge reports whether edge e is weak (never retains its target).
func (g *Graph) IsWeakEdge(e uint32) bool { return int(g.S.EdgeType(e)) == g.S.EdgeTypeIndex.Weak }

// DominatorChain returns n, its dominator, its dominator's dominator, ...
// ending at the root.
func (g *Graph) DominatorChain(n uint32) []uint32 {
	chain := []uint32{n}
	for n != g.Root && len(chain) <= g.S.NodeCount {
		d := g.dominator[n]
		if d == n {
			break
		}
		chain = append(chain, d)
		n = d
	}
	return chain
}
