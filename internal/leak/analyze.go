// Package leak names memory leaks from a series of heap snapshots of one
// process: what was allocated after the first snapshot and is still alive
// in the last (memlab's baseline/target/final method), grouped by the folded
// shape of its retaining path, ranked by the retained size each group adds,
// and tagged with a pattern (event-listener, timer, unbounded-collection,
// closure, promise, ...) with a fix hint. It also computes DevTools'
// Comparison view between two snapshots (Diff).
//
// Snapshot ids are stable only within one process, so every analysis first
// checks that the snapshots can come from the same process.
package leak

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// Loader loads and analyses snapshot i of the series. Analyze calls it once
// per snapshot, in order, and drops every graph but the last as soon as it
// has what it needs, so only one full graph is alive at a time.
type Loader func(i int) (*heapgraph.Graph, error)

// Options tune Analyze.
type Options struct {
	// Names labels the snapshots in the report (file names); optional.
	Names []string
	// MaxSuspects caps the report (0 = 20).
	MaxSuspects int
	// Phase, if set, is told what is happening ("snapshot 2/3: shapes").
	Phase func(string)
	// Work is the work done (requests, iterations) before each snapshot,
	// cumulative; optional. Growth is compared per unit of work, so a
	// longer interval may grow more; without it the intervals count alike.
	Work []float64
	// Sources, if set, reads the program's scripts for Suspect.AddedAt.
	Sources Sources

	noShapes bool // tests: only the class-level growth of 4+ snapshots
}

// ErrNotSameProcess is wrapped by errors about snapshots that cannot come
// from one process.
var ErrNotSameProcess = errors.New("snapshots are not from the same process")

// ErrOrder is wrapped by errors about a series that is not oldest first, or
// that holds the same snapshot twice.
var ErrOrder = errors.New("snapshots are not in order")

// agg is what one snapshot contributes, per shape.
type agg struct {
	count    []uint32 // nodes with the shape
	retained []uint64 // retained size of those not dominated by another of the shape
}

func (a *agg) at(s uint32) (uint32, uint64) {
	if int(s) < len(a.count) {
		return a.count[s], a.retained[s]
	}
	return 0, 0
}

// merge adds up the shapes that loose maps to one canonical shape.
func (a *agg) merge(loose []uint32) agg {
	out := agg{count: make([]uint32, len(loose)), retained: make([]uint64, len(loose))}
	for s := range a.count {
		if s < len(loose) {
			out.count[loose[s]] += a.count[s]
			out.retained[loose[s]] += a.retained[s]
		}
	}
	return out
}

// group is a candidate suspect in the last snapshot.
type group struct {
	shape       uint32
	roots       int
	rep         uint32 // representative leak root: the largest
	repRetained uint64
	born        int // leak roots of the shape allocated after S1 (roots leaves out those after S2)
}

// Analyze runs the leak analysis on n >= 2 snapshots of one process.
func Analyze(n int, load Loader, opts Options) (*Report, error) {
	if n < 2 {
		return nil, errors.New("need at least two snapshots of the same process")
	}
	phase := func(f string, a ...any) {
		if opts.Phase != nil {
			opts.Phase(fmt.Sprintf(f, a...))
		}
	}
	trie := newShapeTrie()
	classes := classGrowth{}
	aggs := make([]agg, n)
	rep := &Report{Snapshots: make([]SnapshotInfo, n)}
	var first, second idSet
	var last *heapgraph.Graph
	var lastShaper *shaper
	var lastShapes []uint32
	var colls growingCollections
	slots := growingSlots{disabled: opts.noShapes}
	var prevNewest uint32
	var same []string // notes on snapshots that look identical
	for i := 0; i < n; i++ {
		phase("snapshot %d/%d: loading", i+1, n)
		g, err := load(i)
		if err != nil {
			return nil, err
		}
		name := fmt.Sprintf("S%d", i+1)
		if i < len(opts.Names) {
			name = opts.Names[i]
		}
		rep.Snapshots[i] = SnapshotInfo{Name: name, Nodes: g.NodeCount(), TotalSize: g.Stats.Total}
		newest := maxJSID(g)
		if i == 0 {
			first = newIDSet(g)
			colls.first(g, n)
		} else {
			if err := first.sameProcess(g, rep.Snapshots[0].Name, name); err != nil {
				return nil, err
			}
			prev := rep.Snapshots[i-1]
			switch {
			case newest < prevNewest:
				// V8 hands out ids from a counter that only grows.
				return nil, fmt.Errorf("%w: %s is older than %s (its newest object id is lower); give the snapshots oldest first", ErrOrder, name, prev.Name)
			case newest == prevNewest && rep.Snapshots[i].Nodes == prev.Nodes && rep.Snapshots[i].TotalSize == prev.TotalSize:
				same = append(same, fmt.Sprintf("%s and %s look like the same snapshot (same objects, same size): take snapshots some time apart while the program works", prev.Name, name))
			}
			if i == 1 && n >= 3 {
				second = newIDSet(g)
			}
		}
		phase("snapshot %d/%d: retaining path shapes", i+1, n)
		sh := newShaper(g, trie)
		shapes := sh.all()
		aggs[i] = aggregate(g, shapes, trie.len())
		if n >= 4 {
			classes.add(g, i, n)
		}
		colls.add(g, i)
		phase("snapshot %d/%d: growing slots", i+1, n)
		slots.add(g, sh, i, n)
		prevNewest = newest
		if i == n-1 {
			last, lastShaper, lastShapes = g, sh, shapes
		}
	}
	phase("ranking suspects")
	cand := candidates(last, &first, &second, n >= 3)
	loose := trie.loosen()
	for i := range aggs {
		aggs[i] = aggs[i].merge(loose)
	}
	groups := leakRoots(last, lastShaper, lastShapes, loose, cand)
	if n >= 3 {
		// The candidates leave out what was allocated after S2 (it may
		// be in flight), but "new objects" counts every object allocated
		// after S1 that is alive in the last snapshot.
		born := candidates(last, &first, nil, false)
		all := map[uint32]int{}
		for _, gr := range leakRoots(last, lastShaper, lastShapes, loose, born) {
			all[gr.shape] = gr.roots
		}
		// Objects of a group's shape that are not leak roots among those
		// born after S1 are new too: a Session whose re-armed heartbeat
		// Timeout (newer than S2) now dominates it.
		ofShape := make(map[uint32]int, len(groups))
		for _, gr := range groups {
			ofShape[gr.shape] = 0
		}
		for v, sh := range lastShapes {
			if int(sh) >= len(loose) || !isSet(born, uint32(v)) {
				continue
			}
			if c, ok := ofShape[loose[sh]]; ok {
				ofShape[loose[sh]] = c + 1
			}
		}
		for _, gr := range groups {
			gr.born = max(gr.roots, all[gr.shape], ofShape[gr.shape])
		}
	}
	max := opts.MaxSuspects
	if max <= 0 {
		max = 20
	}
	var sus, steps []Suspect
	for _, gr := range groups {
		s, ok, step := evaluate(gr, aggs)
		if step {
			steps = append(steps, s)
		}
		if !ok {
			continue
		}
		if !opts.noShapes {
			sus = append(sus, s)
		}
	}
	byGrowth := func(sus []Suspect) {
		sort.SliceStable(sus, func(i, j int) bool {
			if sus[i].GrowthBytes != sus[j].GrowthBytes {
				return sus[i].GrowthBytes > sus[j].GrowthBytes
			}
			return sus[i].GrowthCount > sus[j].GrowthCount
		})
	}
	byGrowth(sus)
	ex := newExplainer(last, lastShaper)
	ex.scripts = opts.Sources != nil
	ex.maps, _ = opts.Sources.(SourceMaps)
	ex.src = opts.Sources
	// Explain more than will be shown: merging below folds some away.
	if len(sus) > 4*max {
		sus = sus[:4*max]
	}
	for i := range sus {
		ex.explain(&sus[i])
	}
	// node's own closures (its stdio streams set up on first use, node 24)
	// with no code of the program or a library on their path: node's
	// bookkeeping, not a leak the program can fix.
	sus = slices.DeleteFunc(sus, ex.nodeOwnClosures)
	sus = slices.DeleteFunc(sus, ex.nodeOwnState)
	sus = slices.DeleteFunc(sus, runningNow)
	sus = mergeSuspects(sus, ex, cand, lastShapes, loose)
	byGrowth(sus)
	if len(sus) > 2*max {
		sus = sus[:2*max]
	}
	if !opts.noShapes {
		more := colls.suspects(last, sus)
		for i := range more {
			ex.explain(&more[i])
		}
		more = slices.DeleteFunc(more, func(m Suspect) bool {
			return heldLikeSuspect(m, sus) || runningNow(m) || ex.foldInside(&m, sus, lastShapes, loose)
		})
		sus = append(sus, more...)
		byGrowth(sus)
		if len(sus) > max {
			sus = sus[:max]
		}
	}
	if n >= 4 {
		// After explaining, so classes a path suspect already names are
		// left out.
		more := classes.suspects(last, cand, sus)
		for i := range more {
			ex.explain(&more[i])
		}
		sus = append(sus, more...)
		sus = mergeSuspects(sus, ex, cand, lastShapes, loose)
		byGrowth(sus)
	}
	if more := slots.suspects(last, ex, &first, sus); len(more) > 0 {
		// Last, so a value replaced each time is never merged with
		// another slot of the same holder: each slot is its own leak.
		sus = append(sus, more...)
		byGrowth(sus)
	}
	// One-time steps: the largest few groups that grew and stopped are
	// explained for their notes.
	byGrowth(steps)
	if len(steps) > maxStepNotes {
		steps = steps[:maxStepNotes]
	}
	for i := range steps {
		ex.explain(&steps[i])
	}
	names := make([]string, n)
	for i := range names {
		names[i] = rep.Snapshots[i].Name
	}
	heap := make([]uint64, n)
	for i := range heap {
		heap[i] = rep.Snapshots[i].TotalSize
	}
	var rotated []string
	sus = slices.DeleteFunc(sus, func(s Suspect) bool {
		note, ok := ex.rotatedGeneration(&s)
		if ok {
			rotated = append(rotated, note)
		}
		return ok
	})
	sus, stepNotes, slowing := sieve(sus, steps, opts.Work, names, heap, opts.Sources)
	stepNotes = append(stepNotes, rotated...)
	rep.slowing = slowing
	if len(sus) > max {
		sus = sus[:max]
	}
	for i := range sus {
		s := &sus[i]
		sourceFacts{holder: s.Holder, class: s.Class, path: s.RetainerPath, scripts: s.scripts, pattern: s.Pattern,
			chain: s.chain, keyed: s.keyed(), texts: s.texts != nil && s.keyed(), label: s.labelName(), field: s.jsonField(), port: s.portKeys(), registered: registeredCallback(s), held: s.heldCallback, listenerPackage: s.listenerPackage, madeBy: s.madeBy, valueScript: s.valueScript,
			added: &s.AddedAt, loc: &s.Location, hint: &s.Hint, relabel: &s.Pattern, per: countRange(s), files: ex.programFiles, bulk: s.Bulk, wholes: s.Wholes, retained: s.RetainedSize[len(s.RetainedSize)-1]}.fill(opts.Sources, true)
	}
	// How many collections share a holder's path shape, per snapshot (or,
	// for the values of one Map, how many values it has): a group of
	// collections each within its bound is still filling when their
	// number does not grow.
	holders := func(s *Suspect) []int64 {
		if hc := colls.valuesOf(last, s); hc != nil {
			return hc
		}
		v, ok := last.NodeByID(s.Holder.ID)
		if !ok {
			return nil
		}
		sh := lastShapes[v]
		if sh == noShape || sh == unknown || int(sh) >= len(loose) {
			return nil
		}
		out := make([]int64, n)
		for i := range aggs {
			c, _ := aggs[i].at(loose[sh])
			out[i] = int64(c)
		}
		return out
	}
	sus, boundedNotes := sieveBounded(sus, opts.Sources, ex.programFiles, rep.Snapshots[len(rep.Snapshots)-1].TotalSize, holders, func(owner uint32, name string) bool {
		return undefinedField(last, owner, name)
	})
	// Bounds the heap shows without the source: a fixed set of keys, an
	// Array made at its full length.
	sus, heldNotes := sieveNotes(sus, func(s *Suspect) (string, bool) {
		if note, ok := nodeBufferNote(s); ok {
			return note, true
		}
		if note, ok := domainNote(s, last, &colls); ok {
			return note, true
		}
		return prefilledNote(s, last, &colls)
	})
	boundedNotes = append(boundedNotes, heldNotes...)
	rep.bounded = len(boundedNotes)
	for i := range sus {
		sus[i].Rank = i + 1
	}
	if last.S.Traces != nil {
		// Every object allocated after S1, not only the candidates (those
		// of the first interval): tracking starts at S1, and V8 (node 22)
		// can miss allocations of code compiled before that.
		born := cand
		if n >= 3 {
			born = candidates(last, &first, nil, false)
		}
		allocationStacks(last, sus, born, lastShapes, loose, ex.maps)
	}
	rep.Suspects = sus
	if rep.Suspects == nil {
		rep.Suspects = []Suspect{}
	}
	rep.Leak = len(sus) > 0
	if n == 2 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("with two snapshots a one-off allocation looks like growth, so only shapes that gained %d or more objects are reported; take three or more snapshots to see what keeps growing", minTwoSnapshotGrowth))
	}
	rep.Notes = append(rep.Notes, slots.notes()...)
	rep.Notes = append(rep.Notes, boundedNotes...)
	rep.Notes = append(rep.Notes, stepNotes...)
	if w := workOf(opts.Work, n); !evenWork(w) {
		rep.Notes = append(rep.Notes, fmt.Sprintf("the intervals between snapshots did unequal work (%v units): growth is compared per unit of work", w))
	}
	rep.Notes = append(rep.Notes, same...)
	if prevNewest <= first.maxID && len(same) == 0 {
		// V8's ids only grow, so a later snapshot of a live process nearly
		// always holds something newer than an earlier one.
		rep.Notes = append(rep.Notes, fmt.Sprintf("no object in %s is newer than %s: are the snapshots in order, oldest first?",
			rep.Snapshots[n-1].Name, rep.Snapshots[0].Name))
	}
	return rep, nil
}

// aggregate counts, per shape, the nodes and the retained size of the
// outermost ones (a node dominated by another node of its shape, like the
// 2nd..nth element of a linked list, adds no retained size of its own).
func aggregate(g *heapgraph.Graph, shapes []uint32, nshapes int) agg {
	a := agg{count: make([]uint32, nshapes), retained: make([]uint64, nshapes)}
	for _, s := range shapes {
		if s < uint32(nshapes) {
			a.count[s]++
		}
	}
	open := make([]uint32, nshapes) // ancestors of the current DFS node per shape
	walkDominators(g, func(v uint32, enter bool) {
		s := shapes[v]
		if s >= uint32(nshapes) {
			return
		}
		if enter {
			if open[s] == 0 {
				a.retained[s] += g.RetainedSize(v)
			}
			open[s]++
		} else {
			open[s]--
		}
	})
	return a
}

// walkDominators visits the dominator tree depth first from the root,
// calling fn on entering and on leaving every node.
func walkDominators(g *heapgraph.Graph, fn func(v uint32, enter bool)) {
	type frame struct{ v, next uint32 }
	stack := []frame{{g.Root, g.FirstDominated[g.Root]}}
	fn(g.Root, true)
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < g.FirstDominated[top.v+1] {
			c := g.Dominated[top.next]
			top.next++
			if c == top.v {
				continue
			}
			fn(c, true)
			stack = append(stack, frame{c, g.FirstDominated[c]})
			continue
		}
		fn(top.v, false)
		stack = stack[:len(stack)-1]
	}
}

// candidates marks the nodes of the last snapshot allocated after the first
// snapshot and, with 3+ snapshots, already alive in the second: memlab's
// baseline / target / final. Objects born just before the last snapshot
// (requests in flight) are thereby not candidates.
//
// V8 hands out object ids from a counter that only grows, the first time a
// snapshot (or allocation tracking) sees an object, so "allocated after S1"
// is exactly "id above S1's largest id", and an object alive in the last
// snapshot that was allocated before S2 was alive in S2. Two comparisons
// per node instead of a search.
func candidates(g *heapgraph.Graph, first, second *idSet, useSecond bool) []uint64 {
	n := g.NodeCount()
	bits := make([]uint64, (n+63)/64)
	s := g.S
	for v := 0; v < n; v++ {
		if !jsType(s.NodeType[v], &s.NodeTypeIndex) && !detachedDOM(g, uint32(v)) {
			continue
		}
		id := s.NodeID[v]
		if id <= first.maxID || (useSecond && id > second.maxID) {
			continue
		}
		bits[v>>6] |= 1 << (v & 63)
	}
	return bits
}

// detachedDOM: a DOM node that is in no document (heapgraph propagates
// Chrome's detachedness). Blink merges an element's JS wrapper into its
// native node, so a leaked element is a native node, not a JS object; its
// id comes from the same growing counter as the JS objects'. Node.js marks
// its per-realm binding data detached too (DevTools shows "Detached Node /
// BindingData"): that is no DOM.
func detachedDOM(g *heapgraph.Graph, v uint32) bool {
	return g.Detachedness(v) == heapgraph.DetachednessDetached &&
		!bytes.HasPrefix(g.S.Strings.Bytes(g.S.NodeName[v]), detachedNodePrefix)
}

var detachedNodePrefix = []byte("Detached Node / ")

func maxJSID(g *heapgraph.Graph) uint32 {
	s := g.S
	var m uint32
	for v := 0; v < s.NodeCount; v++ {
		if jsType(s.NodeType[v], &s.NodeTypeIndex) && s.NodeID[v] > m {
			m = s.NodeID[v]
		}
	}
	return m
}

func isSet(b []uint64, v uint32) bool { return b[v>>6]&(1<<(v&63)) != 0 }

// leakRoots finds the outermost leaked objects and groups them by shape. A
// leak root is a candidate of a data type (not code or V8 internals) that
// no other significant candidate dominates: the listener closure, not the
// RequestContext inside it; the Map entry, not its fields.
func leakRoots(g *heapgraph.Graph, shp *shaper, shapes, loose []uint32, cand []uint64) []*group {
	s := g.S
	nt := &s.NodeTypeIndex
	byShape := map[uint32]*group{}
	var order []*group
	// covered[depth] says whether a significant candidate is above.
	var covered []bool
	walkDominators(g, func(v uint32, enter bool) {
		if !enter {
			covered = covered[:len(covered)-1]
			return
		}
		above := len(covered) > 0 && covered[len(covered)-1]
		isCand := v != g.Root && isSet(cand, v)
		dom := isCand && detachedDOM(g, v)
		sig := dom || isCand && significant(s.NodeType[v], nt) && !isSystemName(s.Strings.Bytes(s.NodeName[v]))
		covered = append(covered, above || sig)
		if !isCand || above || !dataType(s.NodeType[v], nt) && !dom {
			return
		}
		d := g.Dominator(v)
		if heldByCode(g, shp, v, d, sig) {
			return
		}
		if !sig && d != g.Root && isSet(cand, d) {
			// a piece of a larger new structure (a string inside a new
			// array): its top is the root, not it.
			return
		}
		if !sig && stringPiece(g, shp, v, d) {
			// a piece (first/second/parent) of a concatenated or
			// sliced string: one string with it, never a list or a
			// collection of its own.
			return
		}
		if !sig && heldByV8(g, shp, v) {
			// a string in a hidden class's transition tree (a property
			// named after each SQL statement): V8's bookkeeping, which the
			// program cannot release, never the leak itself.
			return
		}
		if !sig && underNew(g, shp, cand, v) {
			// a string shared by a new object and, say, a dictionary's
			// keys: it leaks with that object.
			return
		}
		sh := shapes[v]
		if sh == noShape || sh == unknown || int(sh) >= len(loose) {
			return
		}
		sh = loose[sh]
		gr := byShape[sh]
		if gr == nil {
			gr = &group{shape: sh}
			byShape[sh] = gr
			order = append(order, gr)
		}
		gr.roots++
		if r := g.RetainedSize(v); r > gr.repRetained || gr.roots == 1 {
			gr.rep, gr.repRetained = v, r
		}
	})
	return order
}

// heldByCode: JIT bookkeeping, not program data. Allocation-site
// boilerplates and constants hang off compiled code and feedback, and new
// ones appear whenever a function warms up (also the functions a watching
// leakhound calls in the target now and then), so they look like growth.
// A constant string can be shared (no code dominates it); if its retaining
// path still starts at code, it is one too. So is an object the dominator
// tree hangs from a GC root because an optimizing compile in flight holds
// it too (canonical handles under "(Strong roots)" or "(Handle scope)",
// node 24+): code is a few steps above it on the path through stable
// roots (an allocation site's boilerplate object, the array in one of its
// fields).
func heldByCode(g *heapgraph.Graph, shp *shaper, v, dom uint32, sig bool) bool {
	s := g.S
	if int(s.NodeType[dom]) == s.NodeTypeIndex.Code {
		return true
	}
	steps := 1
	if dom == g.Root || int(s.NodeType[dom]) == s.NodeTypeIndex.Synthetic {
		steps = 3
	} else if sig {
		return false
	}
	for ; steps > 0; steps-- {
		p, _, start, ok := shp.parent(v)
		if !ok {
			return false
		}
		if int(s.NodeType[p]) == s.NodeTypeIndex.Code {
			return true
		}
		if start {
			return false
		}
		v = p
	}
	return false
}

// heldByV8: v's parent on its shortest path is a hidden class or one of its
// descriptor or transition arrays.
func heldByV8(g *heapgraph.Graph, shp *shaper, v uint32) bool {
	p, _, _, ok := shp.parent(v)
	if !ok {
		return false
	}
	s := g.S
	if t := int(s.NodeType[p]); t == s.NodeTypeIndex.ObjectShape {
		return true
	}
	switch string(s.Strings.Bytes(s.NodeName[p])) {
	case "system / Map", "system / DescriptorArray", "system / TransitionArray", "system / PrototypeInfo":
		return true
	}
	return false
}

// stringPiece: v is a string that a concatenated or sliced string holds
// (its dominator or its parent on the shortest path is one).
func stringPiece(g *heapgraph.Graph, shp *shaper, v, dom uint32) bool {
	s := g.S
	nt := &s.NodeTypeIndex
	str := func(u uint32) bool {
		t := int(s.NodeType[u])
		return t == nt.ConcatenatedString || t == nt.SlicedString
	}
	switch int(s.NodeType[v]) {
	case nt.String, nt.ConcatenatedString, nt.SlicedString:
	default:
		return false
	}
	if str(dom) {
		return true
	}
	p, _, _, ok := shp.parent(v)
	return ok && str(p)
}

// underNew reports whether a significant new object lies on v's path within
// a few steps.
func underNew(g *heapgraph.Graph, shp *shaper, cand []uint64, v uint32) bool {
	s := g.S
	for k := 0; k < 8; k++ {
		p, _, start, ok := shp.parent(v)
		if !ok || start {
			return false
		}
		if isSet(cand, p) && significant(s.NodeType[p], &s.NodeTypeIndex) && !isSystemName(s.Strings.Bytes(s.NodeName[p])) {
			return true
		}
		v = p
	}
	return false
}

// minTwoSnapshotGrowth is the fewest new objects of one shape that make a
// suspect when there are only two snapshots.
const minTwoSnapshotGrowth = 10

// A group that gains at most tinySteps objects at every interval, and
// fewer than minTinyGrowth bytes in all, is not a suspect: one line added
// to a log per snapshot taken, one handler per reload. That is the work of
// taking snapshots, not of the workload between them, and a CI gate must
// not fail on it. A slow leak of a few objects a round (5 overrides kept
// per round) still counts, and so does one of big objects (its bytes).
const (
	tinySteps     = 2
	minTinyGrowth = 16 << 10
)

// tiny reports whether growth of counts by bytes is too small to call.
func tiny(counts []int64, bytes int64) bool {
	if bytes >= minTinyGrowth {
		return false
	}
	for i := 1; i < len(counts); i++ {
		if counts[i]-counts[i-1] > tinySteps {
			return false
		}
	}
	return true
}

// evaluate applies the growth rules to a group: a leak keeps growing. With
// three or more snapshots the count must grow at every step (a one-off
// allocation between S1 and S2 is not a leak); with two it must grow. step
// says that a group that is no suspect grew by enough, then stopped, to be
// worth a note.
func evaluate(gr *group, aggs []agg) (s Suspect, ok, step bool) {
	n := len(aggs)
	s = Suspect{Count: make([]int64, n), RetainedSize: make([]uint64, n), NewObjects: max(gr.roots, gr.born)}
	for i := range aggs {
		c, r := aggs[i].at(gr.shape)
		s.Count[i], s.RetainedSize[i] = int64(c), r
	}
	s.GrowthCount = s.Count[n-1] - s.Count[0]
	s.GrowthBytes = int64(s.RetainedSize[n-1]) - int64(s.RetainedSize[0])
	for i := 1; i < n; i++ {
		if s.Count[i] <= s.Count[i-1] {
			step = n >= 3 && s.GrowthCount >= minTwoSnapshotGrowth && s.GrowthBytes >= minCollectionGrowth
			s.rep, s.shape = gr.rep, gr.shape
			return s, false, step
		}
	}
	if s.GrowthBytes <= 0 {
		return s, false, false
	}
	if n == 2 && s.GrowthCount < minTwoSnapshotGrowth {
		// Two snapshots cannot tell a leak from a one-off allocation
		// (a stream created on first use, a module loaded late): only
		// a repeated allocation is worth reporting.
		return s, false, false
	}
	if tiny(s.Count, s.GrowthBytes) {
		return s, false, false
	}
	if n >= 3 && churn(s.Count, s.NewObjects) {
		return s, false, false
	}
	s.rep = gr.rep
	s.shape = gr.shape
	return s, true, false
}

// churn: most of the first snapshot's objects of a group are gone by the
// last (those alive then are mostly newer than the first), and the group
// grew by under a quarter of what the first held: a population that turns
// over (connections and waits under a load that rises a little), not one
// that accumulates. A leak keeps what it had: its first snapshot's
// objects are all still there.
func churn(counts []int64, newer int) bool {
	first, last := counts[0], counts[len(counts)-1]
	kept := last - int64(newer) // alive in the last, from before the first
	return 2*kept < first && 4*(last-first) < first
}

// heldLikeSuspect: the growing collection m, once explained, has the
// holder a suspect of have already has (an emitter's listener array is
// that emitter's listeners): the same leak, already counted.
func heldLikeSuspect(m Suspect, have []Suspect) bool {
	if m.Holder == nil {
		return false
	}
	for _, s := range have {
		if h := s.Holder; h != nil && h.ID == m.Holder.ID && h.Kind == m.Holder.Kind {
			return true
		}
		// Another value of the same Map (each carrier's list of
		// events): the suspect of the objects in them already counts
		// them all.
		if h := s.Holder; h != nil && h.ValueOf != "" && h.ValueOf == m.Holder.ValueOf && h.OwnerID == m.Holder.OwnerID && h.Kind == m.Holder.Kind {
			return true
		}
		// The same field of another object of the same class (each
		// Room's members Set), holding the class a path suspect
		// counts (or whose path leads to: the subscribers that keep
		// its QuoteContexts): that suspect's count is over all of them.
		// Or of another of one package's objects that has no class of
		// its own (each tenant's express Router, a function with a
		// stack).
		if h := s.Holder; h != nil && !s.collection && h.Name == m.Holder.Name && h.Kind == m.Holder.Kind && (s.Class == m.Class || s.RootClass == m.Class) &&
			(h.Owner != "" && h.Owner == m.Holder.Owner || h.Owner == "" && m.Holder.Owner == "" && h.Package != "" && h.Package == m.Holder.Package) {
			return true
		}
	}
	return false
}
