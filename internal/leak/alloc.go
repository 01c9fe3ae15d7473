// Allocation stacks: where the leaking objects were created, from the
// trace tree V8 writes when allocation tracking was on while they were
// allocated (`--allocation-stacks`). A snapshot alone only knows where
// functions are defined; the trace names the call path that allocated.

package leak

import (
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// Frame is one function of an allocation stack. V8 records functions, not
// the line inside one: Line and Column are where the function starts.
type Frame struct {
	Function string `json:"function"`
	Script   string `json:"script,omitempty"`
	Line     int    `json:"line,omitempty"` // 1-based; 0 unknown
	Column   int    `json:"column,omitempty"`
	// Own: the program's own code (not node's, not a node_modules
	// library's, not a V8 builtin).
	Own bool `json:"own"`
	// Depth is the frame's place in the call stack, 0 being the function
	// that allocated; Frames lists the program's own frames first.
	Depth int `json:"depth"`
	// Built is where the function is in the script node ran, when a
	// source map told Script, Line and Column in the original source.
	Built *Position `json:"built,omitempty"`
}

// AllocationStack is one call path that allocated leaking objects.
type AllocationStack struct {
	Count int    `json:"count"` // leaking objects it allocated
	Bytes uint64 `json:"bytes"` // their shallow size
	// Frames: the program's own frames innermost first, then node's,
	// the libraries' and V8's (Depth keeps the real order).
	Frames []Frame `json:"frames"`
}

const (
	maxAllocStacks  = 3
	maxOwnFrames    = 8
	maxOtherFrames  = 4
	maxAllocVisited = 1 << 21 // nodes looked at per suspect
	maxTraceNodes   = 4096    // distinct trace nodes whose stacks are read per suspect
)

// allocCounter tallies leaking objects per trace node: a map keyed by
// trace node, never by heap node (a trace tree has thousands of nodes).
type allocCounter struct {
	g      *heapgraph.Graph
	tr     *heapsnapshot.Traces
	counts map[uint32]*allocTally
	traced int
	// untraced: objects added that V8 kept no stack for (allocated before
	// tracking began, or traced and then dropped by V8, see Suspect).
	untraced int
	// maps tells built frames in their original source (source_maps.go).
	maps SourceMaps
}

type allocTally struct {
	count int
	bytes uint64
}

func newAllocCounter(g *heapgraph.Graph, maps SourceMaps) *allocCounter {
	if g.S.Traces == nil || g.S.NodeTraceNodeID == nil {
		return nil
	}
	return &allocCounter{g: g, tr: g.S.Traces, counts: map[uint32]*allocTally{}, maps: maps}
}

func (c *allocCounter) add(v uint32) {
	x, ok := c.tr.Lookup(c.g.S.NodeTraceNodeID[v])
	if !ok {
		c.untraced++
		return
	}
	c.traced++
	t := c.counts[x]
	if t == nil {
		t = &allocTally{}
		c.counts[x] = t
	}
	t.count++
	t.bytes += c.g.ShallowSize(v)
}

// untracedIfStacks is the untraced count when some object had a stack: a
// count of objects without one means nothing where none had one.
func (c *allocCounter) untracedIfStacks() int {
	if c.traced == 0 {
		return 0
	}
	return c.untraced
}

// frames returns the stack of trace node x, the allocating function first.
func (c *allocCounter) frames(x uint32) []Frame {
	locs := c.g.TraceFrames(x)
	out := make([]Frame, len(locs))
	for i, l := range locs {
		at, fn, built := Told(c.maps, Position{Script: l.Script, Line: l.Line, Column: l.Column}, l.Function)
		out[i] = Frame{Function: fn, Script: at.Script, Line: at.Line, Column: at.Column, Depth: i, Built: built, Own: programScript(at.Script)}
	}
	return out
}

// stacks aggregates the tally into the most common stacks. Stacks with the
// same own frames are one (they differ only inside node or a library).
func (c *allocCounter) stacks() []AllocationStack {
	if c == nil || len(c.counts) == 0 {
		return nil
	}
	type agg struct {
		AllocationStack
		best int // count of the trace node whose frames are shown
	}
	byKey := map[string]*agg{}
	var order []string
	xs := make([]uint32, 0, len(c.counts))
	for x := range c.counts {
		xs = append(xs, x)
	}
	// The most common trace nodes first (ties by index, a stable order
	// whatever the map's); a stack is read for at most maxTraceNodes of
	// them, so a hostile tree costs bounded time.
	slices.SortFunc(xs, func(a, b uint32) int {
		if ca, cb := c.counts[a].count, c.counts[b].count; ca != cb {
			return cb - ca
		}
		return int(int64(a) - int64(b))
	})
	if len(xs) > maxTraceNodes {
		xs = xs[:maxTraceNodes]
	}
	for _, x := range xs {
		t := c.counts[x]
		fr := c.frames(x)
		key := stackKey(fr)
		a := byKey[key]
		if a == nil {
			a = &agg{}
			byKey[key] = a
			order = append(order, key)
		}
		a.Count += t.count
		a.Bytes += t.bytes
		if t.count > a.best {
			a.best, a.Frames = t.count, fr
		}
	}
	out := make([]AllocationStack, 0, len(order))
	for _, k := range order {
		a := byKey[k]
		a.Frames = ownFirst(a.Frames)
		out = append(out, a.AllocationStack)
	}
	slices.SortStableFunc(out, func(a, b AllocationStack) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return int(int64(b.Bytes) - int64(a.Bytes))
	})
	if len(out) > maxAllocStacks {
		out = out[:maxAllocStacks]
	}
	return out
}

func stackKey(fr []Frame) string {
	own := false
	for _, f := range fr {
		own = own || f.Own
	}
	var b strings.Builder
	for _, f := range fr {
		if own && !f.Own {
			continue
		}
		b.WriteString(f.Function)
		b.WriteByte(0)
		b.WriteString(f.Script)
		b.WriteByte(0)
		b.WriteString(strconv.Itoa(f.Line))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(f.Column))
		b.WriteByte(0)
	}
	return b.String()
}

// ownFirst puts the program's own frames first, then the others, each in
// stack order, and keeps a few of each.
func ownFirst(fr []Frame) []Frame {
	var own, other []Frame
	for _, f := range fr {
		if f.Own {
			if len(own) < maxOwnFrames {
				own = append(own, f)
			}
		} else if len(other) < maxOtherFrames {
			other = append(other, f)
		}
	}
	return append(own, other...)
}

// allocationStacks fills each suspect's allocation stacks from the last
// snapshot's traces: the new objects of a path suspect's shape or of a
// growing class, or the new objects a collection or slot holds (the
// outermost ones below it).
func allocationStacks(g *heapgraph.Graph, sus []Suspect, cand []uint64, shapes, loose []uint32, maps SourceMaps) {
	if newAllocCounter(g, maps) == nil || len(sus) == 0 {
		return
	}
	nodeNew := func(v uint32) bool { return cand != nil && int(v>>6) < len(cand) && isSet(cand, v) }
	byShape := map[uint32][]int{}
	for i := range sus {
		s := &sus[i]
		if s.byClass {
			c, class := newAllocCounter(g, maps), g.ClassIndex(s.rep)
			for v := uint32(0); v < uint32(g.NodeCount()); v++ {
				if nodeNew(v) && g.ClassIndex(v) == class {
					c.add(v)
				}
			}
			s.AllocationStacks, s.AllocationTraced, s.AllocationUntraced = c.stacks(), c.traced, c.untracedIfStacks()
			continue
		}
		if s.collection || s.shape == noShape || s.shape >= uint32(len(loose)) {
			c := newAllocCounter(g, maps)
			below(g, s.rep, func(v uint32) bool {
				if !nodeNew(v) || !allocObject(g, v) {
					return true
				}
				c.add(v)
				return false // the outermost new object: what it holds came with it
			})
			s.AllocationStacks, s.AllocationTraced, s.AllocationUntraced = c.stacks(), c.traced, c.untracedIfStacks()
			continue
		}
		byShape[s.shape] = append(byShape[s.shape], i)
	}
	if len(byShape) == 0 {
		return
	}
	counters := map[int]*allocCounter{}
	for v, sh := range shapes {
		if int(sh) >= len(loose) || !nodeNew(uint32(v)) {
			continue
		}
		for _, i := range byShape[loose[sh]] {
			c := counters[i]
			if c == nil {
				c = newAllocCounter(g, maps)
				counters[i] = c
			}
			c.add(uint32(v))
		}
	}
	for i, c := range counters {
		sus[i].AllocationStacks, sus[i].AllocationTraced, sus[i].AllocationUntraced = c.stacks(), c.traced, c.untracedIfStacks()
	}
}

// allocObject: an object a program allocates by name (an instance, a
// closure, an array, a string), not V8's internal arrays and code.
func allocObject(g *heapgraph.Graph, v uint32) bool {
	nt := &g.S.NodeTypeIndex
	switch int(g.S.NodeType[v]) {
	case nt.Object, nt.Closure, nt.RegExp, nt.String, nt.ConcatenatedString, nt.SlicedString, nt.BigInt:
		return true
	}
	return false
}

// below walks the dominator subtree under root (root excluded), calling fn
// for each node; fn returning false skips that node's own subtree.
func below(g *heapgraph.Graph, root uint32, fn func(v uint32) bool) {
	if int(root)+1 >= len(g.FirstDominated) {
		return
	}
	stack := []uint32{root}
	visited := 0
	for len(stack) > 0 && visited < maxAllocVisited {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, c := range g.Dominated[g.FirstDominated[v]:g.FirstDominated[v+1]] {
			visited++
			if fn(c) {
				stack = append(stack, c)
			}
		}
	}
}

// singleAllocationStacks: for one snapshot, the stacks of the objects of
// class like rep's that holder keeps (no "new" there: all of them).
func singleAllocationStacks(g *heapgraph.Graph, holder, rep uint32, maps SourceMaps) (stacks []AllocationStack, traced, untraced int) {
	c := newAllocCounter(g, maps)
	if c == nil {
		return nil, 0, 0
	}
	class := g.ClassIndex(rep)
	below(g, holder, func(v uint32) bool {
		if g.ClassIndex(v) == class {
			c.add(v)
			return false
		}
		return true
	})
	return c.stacks(), c.traced, c.untracedIfStacks()
}
