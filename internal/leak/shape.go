package leak

import (
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// A shape is the folded form of a node's shortest retaining path: the
// sequence of (edge label, node type, node name) steps from the root, with
// array indices, numbers inside names and dictionary keys folded, and runs
// of the same step folded into one (a timer list 800 Timeouts long has the
// same shape as one 3 long). Objects leaked by the same code share a shape
// even though every one of them has its own path.
//
// Shapes form a trie shared by all snapshots of a series, so the same shape
// has the same id in every snapshot. Memory grows with the number of
// distinct shapes, never with the number of nodes: per node the analysis
// keeps only a uint32 shape id.

const (
	rootShape = 0           // the empty path (the synthetic root)
	noShape   = ^uint32(0)  // unreachable node
	unknown   = noShape - 1 // not computed yet
)

type stepKey struct {
	edgeType, label, nodeType, name uint32
}

type shapeKey struct{ parent, step uint32 }

type shapeTrie struct {
	parent []uint32 // per shape
	step   []uint32 // per shape: index into steps
	depth  []uint32 // folded steps kept
	tail   []uint32 // the same shape without its first step

	steps []stepKey
	index map[shapeKey]uint32
	stepI map[stepKey]uint32

	strs    []string
	strByID map[string]uint32
}

func newShapeTrie() *shapeTrie {
	t := &shapeTrie{index: map[shapeKey]uint32{}, stepI: map[stepKey]uint32{}, strByID: map[string]uint32{}}
	t.parent = append(t.parent, rootShape)
	t.step = append(t.step, ^uint32(0))
	t.depth = append(t.depth, 0)
	t.tail = append(t.tail, rootShape)
	t.str("")
	return t
}

func (t *shapeTrie) str(s string) uint32 {
	if id, ok := t.strByID[s]; ok {
		return id
	}
	id := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.strByID[s] = id
	return id
}

// maxShapeSteps bounds a shape to the last steps of the path (after runs are
// folded). The start of a path is the least stable part: V8 often reaches
// the same module state through handle scopes in one snapshot and through a
// stack frame in the next, while the last steps (Map.table → CacheEntry,
// _events.response → listener) are what identify the leak.
const maxShapeSteps = 3

// child returns the shape parent+step, folding a repeated step into its run
// and keeping only the last maxShapeSteps steps.
func (t *shapeTrie) child(parent uint32, step stepKey) uint32 {
	si, ok := t.stepI[step]
	if !ok {
		si = uint32(len(t.steps))
		t.steps = append(t.steps, step)
		t.stepI[step] = si
	}
	if t.step[parent] == si {
		return parent
	}
	if t.depth[parent] >= maxShapeSteps {
		parent = t.tail[parent]
	}
	return t.raw(parent, si)
}

func (t *shapeTrie) nodeOnly(si uint32) uint32 {
	k := t.steps[si]
	k.edgeType, k.label = noLabel, noLabel
	id, ok := t.stepI[k]
	if !ok {
		id = uint32(len(t.steps))
		t.steps = append(t.steps, k)
		t.stepI[k] = id
	}
	return id
}

// noLabel is the trie string id of "", interned first.
const noLabel = 0

// raw appends step si to parent without folding or truncation.
func (t *shapeTrie) raw(parent, si uint32) uint32 {
	if parent == rootShape {
		// The first step of a (truncated) shape keeps only the node: how
		// the path reached it is exactly the unstable part.
		si = t.nodeOnly(si)
	}
	k := shapeKey{parent, si}
	if id, ok := t.index[k]; ok {
		return id
	}
	tail := uint32(rootShape)
	if parent != rootShape {
		tail = t.raw(t.tail[parent], si)
	}
	id := uint32(len(t.parent))
	t.parent = append(t.parent, parent)
	t.step = append(t.step, si)
	t.depth = append(t.depth, t.depth[parent]+1)
	t.tail = append(t.tail, tail)
	t.index[k] = id
	return id
}

func (t *shapeTrie) len() int { return len(t.parent) }

// shaper computes the shape of every node of one snapshot.
type shaper struct {
	g     *heapgraph.Graph
	s     *heapsnapshot.Snapshot
	trie  *shapeTrie
	shape []uint32

	// Per string index of this snapshot: the trie string id of the folded
	// label / node name (unknown until first used).
	label []uint32
	name  []uint32
	// Per node type: trie string id of the type name.
	typeName []uint32
	edgeName []uint32 // per edge type
	// dict marks holders whose property names are data (dictionary mode):
	// 0 unknown, 1 no, 2 yes.
	dict []uint8

	objPropsName uint32 // string index of "(object properties)", or ^0
	propsEdge    uint32 // string index of "properties", or ^0
	folded       uint32 // trie string id of "[]"
	keyLabel     uint32 // trie string id of "[key]"

	// Shortest-path tree (see bfs): parent node and edge per node.
	parentNode, parentEdge []uint32
	order                  []uint32
}

func newShaper(g *heapgraph.Graph, trie *shapeTrie) *shaper {
	s := g.S
	sh := &shaper{g: g, s: s, trie: trie, objPropsName: ^uint32(0), propsEdge: ^uint32(0)}
	sh.shape = make([]uint32, s.NodeCount)
	for i := range sh.shape {
		sh.shape[i] = unknown
	}
	n := s.Strings.Len()
	sh.label = make([]uint32, n)
	sh.name = make([]uint32, n)
	for i := 0; i < n; i++ {
		sh.label[i] = unknown
		sh.name[i] = unknown
		switch string(s.Strings.Bytes(uint32(i))) {
		case "(object properties)":
			sh.objPropsName = uint32(i)
		case "properties":
			sh.propsEdge = uint32(i)
		}
	}
	for _, tn := range s.Meta.NodeTypes {
		sh.typeName = append(sh.typeName, trie.str(tn))
	}
	for _, en := range s.Meta.EdgeTypes {
		sh.edgeName = append(sh.edgeName, trie.str(en))
	}
	sh.dict = make([]uint8, s.NodeCount)
	sh.folded = trie.str("[]")
	sh.keyLabel = trie.str("[key]")
	return sh
}

// foldDigits replaces every run of decimal digits by '#', so generated keys
// and names ("user:1234", "sess-17") fold into one.
func foldDigits(b []byte) string {
	out := make([]byte, 0, len(b))
	inRun := false
	for _, c := range b {
		if c >= '0' && c <= '9' {
			if !inRun {
				out = append(out, '#')
			}
			inRun = true
			continue
		}
		inRun = false
		out = append(out, c)
	}
	return string(out)
}

// isDict reports whether v keeps its properties in a dictionary: such an
// object's property names are data (ids, keys), not code, so they fold.
func (sh *shaper) isDict(v uint32) bool {
	switch sh.dict[v] {
	case 1:
		return false
	case 2:
		return true
	}
	s := sh.s
	yes := false
	if sh.objPropsName != ^uint32(0) && sh.propsEdge != ^uint32(0) && sh.g.Distance(v) != 1 {
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && s.EdgeNameOrIndex(e) == sh.propsEdge &&
				s.NodeName[s.EdgeTo[e]] == sh.objPropsName {
				yes = true
				break
			}
		}
	}
	if yes {
		sh.dict[v] = 2
	} else {
		sh.dict[v] = 1
	}
	return yes
}

func (sh *shaper) nodeName(v uint32) uint32 {
	s := sh.s
	t := int(s.NodeType[v])
	nt := s.NodeTypeIndex
	switch t {
	case nt.String, nt.ConcatenatedString, nt.SlicedString, nt.Number, nt.BigInt, nt.Symbol:
		// The name is the value: data, not shape.
		return sh.folded
	}
	ni := s.NodeName[v]
	if int(ni) >= len(sh.name) {
		return sh.folded
	}
	if sh.name[ni] == unknown {
		sh.name[ni] = sh.trie.str(foldDigits(s.Strings.Bytes(ni)))
	}
	return sh.name[ni]
}

func (sh *shaper) stepOf(from, e, to uint32) stepKey {
	s := sh.s
	k := stepKey{nodeType: sh.typeName[s.NodeType[to]], name: sh.nodeName(to)}
	if e == heapgraph.NoEdge {
		k.edgeType = sh.folded
		k.label = sh.folded
		return k
	}
	et := int(s.EdgeType(e))
	k.edgeType = sh.edgeName[et]
	switch {
	case !s.EdgeHasStringName(e):
		k.label = sh.folded
	case et == s.EdgeTypeIndex.Property && sh.isDict(from):
		k.label = sh.keyLabel
	default:
		ni := s.EdgeNameOrIndex(e)
		if int(ni) >= len(sh.label) {
			k.label = sh.folded
			break
		}
		if sh.label[ni] == unknown {
			sh.label[ni] = sh.trie.str(foldDigits(s.Strings.Bytes(ni)))
		}
		k.label = sh.label[ni]
	}
	return k
}

// volatileRoots are GC sub-roots whose contents change from one snapshot to
// the next for reasons unrelated to the program: handles of whatever code
// was running when the snapshot was taken, the canonical handles of an
// optimizing compile in flight (V8 14's "(Identity map)": node 26 reached a
// leaking array through it in about one snapshot in five), the string
// table, the debugger's and code flusher's bookkeeping. A path through them
// is used only when nothing else reaches a node, or every snapshot would
// group differently.
var volatileRoots = map[string]bool{
	"(Handle scope)": true, "(Strong roots)": true, "(Internalized strings)": true,
	"(Extensions)": true, "(Bootstrapper)": true, "(Relocatable)": true,
	"(Identity map)": true, "(Write barrier)": true, "(Code flusher)": true,
	"(Debugger)": true, "(Thread manager)": true,
}

// bfs computes every node's shortest-path parent in three tiers: from the
// user roots (global objects) as DevTools does, then from the stable GC
// roots, then from the volatile ones. Weak edges never retain.
func (sh *shaper) bfs() {
	g, s := sh.g, sh.s
	n := s.NodeCount
	sh.parentNode = make([]uint32, n)
	sh.parentEdge = make([]uint32, n)
	for i := range sh.parentNode {
		sh.parentNode[i] = unknown
	}
	root := g.Root
	sh.parentNode[root] = root
	weak := s.EdgeTypeIndex.Weak
	queue := make([]uint32, 0, 1024)
	sh.order = make([]uint32, 0, n)
	var volatile []uint32
	isVolatile := func(v uint32) bool {
		return int(s.NodeType[v]) == s.NodeTypeIndex.Synthetic && volatileRoots[s.NodeNameString(v)]
	}
	// run goes breadth first from queue. A volatile root met on the way
	// waits for tier 3: with no user roots (a snapshot taken at the heap
	// limit can have none), tier 1 starts at "(GC roots)" itself, and a
	// table a Map is growing, held by "(Handle scope)" as well as by the
	// Map, must still be reached through the Map.
	run := func() {
		for i := 0; i < len(queue); i++ {
			sh.order = append(sh.order, queue[i])
			v := queue[i]
			for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
				if int(s.EdgeType(e)) == weak {
					continue
				}
				to := s.EdgeTo[e]
				if sh.parentNode[to] != unknown {
					continue
				}
				sh.parentNode[to], sh.parentEdge[to] = v, e
				if isVolatile(to) {
					volatile = append(volatile, to)
				} else {
					queue = append(queue, to)
				}
			}
		}
		queue = queue[:0]
	}
	// Tier 1: user roots.
	for e := s.FirstEdge[root]; e < s.FirstEdge[root+1]; e++ {
		to := s.EdgeTo[e]
		if g.Distance(to) == 1 && sh.parentNode[to] == unknown {
			sh.parentNode[to], sh.parentEdge[to] = root, heapgraph.NoEdge
			queue = append(queue, to)
		}
	}
	run()
	// Tier 2: the other children of the root ((GC roots) and its stable
	// sub-roots; run holds the volatile ones back).
	for e := s.FirstEdge[root]; e < s.FirstEdge[root+1]; e++ {
		to := s.EdgeTo[e]
		if sh.parentNode[to] != unknown {
			continue
		}
		sh.parentNode[to], sh.parentEdge[to] = root, heapgraph.NoEdge
		queue = append(queue, to)
	}
	run()
	// Tier 3: what only the volatile roots reach.
	queue = append(queue, volatile...)
	run()
}

// parent is v's parent on its shortest retaining path (see bfs). start is
// set for the root's children; ok is false for the root and unreachable
// nodes.
func (sh *shaper) parent(v uint32) (p, e uint32, start, ok bool) {
	if sh.parentNode == nil {
		sh.bfs()
	}
	p = sh.parentNode[v]
	if p == unknown || v == sh.g.Root {
		return 0, 0, false, false
	}
	if p == sh.g.Root {
		return p, heapgraph.NoEdge, true, true
	}
	return p, sh.parentEdge[v], false, true
}

// of returns the shape of v, computing it (and its unknown ancestors') with
// an explicit stack: paths can be thousands of steps long.
func (sh *shaper) of(v uint32) uint32 {
	if s := sh.shape[v]; s != unknown {
		return s
	}
	orig := v
	type frame struct{ v, p, e uint32 }
	var stack []frame
	base := noShape
	for {
		if v == sh.g.Root {
			base = rootShape
			break
		}
		p, e, start, ok := sh.parent(v)
		if !ok {
			sh.shape[v] = noShape
			base = noShape
			break
		}
		stack = append(stack, frame{v, p, e})
		if start {
			base = rootShape
			break
		}
		if s := sh.shape[p]; s != unknown {
			base = s
			break
		}
		v = p
	}
	for i := len(stack) - 1; i >= 0; i-- {
		f := stack[i]
		if base == noShape {
			sh.shape[f.v] = noShape
			continue
		}
		base = sh.trie.child(base, sh.stepOf(f.p, f.e, f.v))
		sh.shape[f.v] = base
	}
	return sh.shape[orig]
}

// all computes every node's shape in BFS order, so a parent's shape is
// always known before its children's; a small direct-mapped cache in front
// of the trie's maps catches the common case of many siblings taking the
// same step (the elements of one array, the entries of one Map).
func (sh *shaper) all() []uint32 {
	if sh.parentNode == nil {
		sh.bfs()
	}
	type slot struct {
		parent uint32
		k      stepKey
		shape  uint32
		ok     bool
	}
	cache := make([]slot, 1<<14)
	root := sh.g.Root
	sh.shape[root] = rootShape
	for _, v := range sh.order {
		if v == root {
			continue
		}
		p := sh.parentNode[v]
		base := uint32(rootShape)
		e := heapgraph.NoEdge
		if p != root {
			base = sh.shape[p]
			e = sh.parentEdge[v]
		}
		if base == noShape || base == unknown {
			sh.shape[v] = noShape
			continue
		}
		k := sh.stepOf(p, e, v)
		h := (base*0x9E3779B1 ^ k.label*0x85EBCA6B ^ k.name*0xC2B2AE35 ^ k.edgeType ^ k.nodeType<<7) >> 18
		c := &cache[h&(1<<14-1)]
		if c.ok && c.parent == base && c.k == k {
			sh.shape[v] = c.shape
			continue
		}
		out := sh.trie.child(base, k)
		*c = slot{parent: base, k: k, shape: out, ok: true}
		sh.shape[v] = out
	}
	for v := range sh.shape {
		if sh.shape[v] == unknown {
			sh.shape[v] = noShape // unreachable
		}
	}
	sh.order = nil
	return sh.shape
}

// loosen maps every shape to a canonical shape that ignores the edge name
// of its last step, so objects reached the same way except for the final
// edge count as one group: the two halves of node's doubly linked timer
// lists (one reached along _idleNext, the other along _idlePrev).
func (t *shapeTrie) loosen() []uint32 {
	out := make([]uint32, len(t.parent))
	seen := make(map[shapeKey]uint32, len(t.parent)/4)
	for id := range t.parent {
		if id == rootShape {
			continue
		}
		k := t.steps[t.step[id]]
		k.label = noLabel
		si, ok := t.stepI[k]
		if !ok {
			si = uint32(len(t.steps))
			t.steps = append(t.steps, k)
			t.stepI[k] = si
		}
		key := shapeKey{t.parent[id], si}
		if c, ok := seen[key]; ok {
			out[id] = c
		} else {
			seen[key] = uint32(id)
			out[id] = uint32(id)
		}
	}
	return out
}

// describe renders a shape for debugging.
func (t *shapeTrie) describe(s uint32) string {
	var parts []string
	for s != rootShape && s < uint32(len(t.parent)) {
		k := t.steps[t.step[s]]
		parts = append(parts, t.strs[k.edgeType]+":"+t.strs[k.label]+" "+t.strs[k.nodeType]+":"+t.strs[k.name])
		s = t.parent[s]
	}
	slices.Reverse(parts)
	return strings.Join(parts, " → ")
}
