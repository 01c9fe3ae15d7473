package heapgraph

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// Parts are the arrays of an analysed graph, so that a graph can be saved
// and re-opened without analysing the snapshot again (package heapindex).
type Parts struct {
	Dominator    []uint32 // per node
	Retained     []uint64 // per node, or nil when Retained32 holds them
	Retained32   []uint32 // per node when every retained size fits in 32 bits, else nil
	Distance     []int32  // per node
	Class        []uint32 // per node, index into Classes, or nil when Class16 holds them
	Class16      []uint16 // per node when there are at most 65,536 classes, else nil
	Detachedness []uint8  // per node, or nil

	FirstDominated []uint32 // NodeCount+1
	Dominated      []uint32 // NodeCount-1 (every node but the root)

	FirstRetainer []uint32 // NodeCount+1
	RetainerNode  []uint32 // per edge
	RetainerEdge  []uint32 // per edge
	IDOrder       []uint32 // per node: ordinals sorted by id

	Classes []Class
	Stats   Statistics
	// Summary is the Summary view's rows, which FromParts keeps so a
	// re-opened graph need not aggregate every node again.
	Summary []ClassSummary
}

// Parts returns g's arrays, building the retainer and id indexes first.
// The slices are g's own: the caller must not modify them.
func (g *Graph) Parts() Parts {
	g.retOnce.Do(g.buildRetainers)
	return g.PartsToSave()
}

// PartsToSave is Parts without building the retainer index (8 bytes an
// edge) when g has none: its three fields are then nil, and
// RetainerPieces gives the index in pieces instead, so that saving a
// graph does not hold it whole.
func (g *Graph) PartsToSave() Parts {
	g.ids.Do(g.buildIDIndex)
	return Parts{
		Dominator: g.dominator, Retained: g.retained, Retained32: g.retained32, Distance: g.distance, Class: g.class, Class16: g.class16,
		Detachedness: g.detachedness, FirstDominated: g.FirstDominated, Dominated: g.Dominated,
		FirstRetainer: g.firstRetainer, RetainerNode: g.retainerNode, RetainerEdge: g.retainerEdge,
		IDOrder: g.idOrder, Classes: g.Classes, Stats: g.Stats, Summary: g.Summary(),
	}
}

// FromParts re-assembles a graph of s from the parts Parts returned for an
// analysis of the same snapshot. Every length and every index is checked
// (in parallel), so parts that do not belong together give an error, never
// a graph that could index out of range later.
func FromParts(s *heapsnapshot.Snapshot, p Parts) (*Graph, error) {
	if s == nil || s.NodeCount == 0 {
		return nil, errors.New("heap snapshot has no nodes")
	}
	n, m := s.NodeCount, s.EdgeCount
	lens := []struct {
		name      string
		got, want int
	}{
		{"node types", len(s.NodeType), n}, {"node names", len(s.NodeName), n}, {"node ids", len(s.NodeID), n},
		{"self sizes", len(s.NodeSelfSize), n}, {"first edges", len(s.FirstEdge), n + 1},
		{"edge types and names", len(s.EdgeTypeAndName), m}, {"edge targets", len(s.EdgeTo), m},
		{"dominators", len(p.Dominator), n}, {"retained sizes", len(p.Retained) + len(p.Retained32), n}, {"distances", len(p.Distance), n},
		{"classes", len(p.Class) + len(p.Class16), n}, {"first dominated", len(p.FirstDominated), n + 1}, {"dominated", len(p.Dominated), n - 1},
		{"first retainers", len(p.FirstRetainer), n + 1}, {"retainer nodes", len(p.RetainerNode), m},
		{"retainer edges", len(p.RetainerEdge), m}, {"id order", len(p.IDOrder), n},
	}
	for _, l := range lens {
		if l.got != l.want {
			return nil, fmt.Errorf("%s: %d entries, want %d", l.name, l.got, l.want)
		}
	}
	if p.Retained != nil && p.Retained32 != nil {
		return nil, errors.New("retained sizes are given twice")
	}
	if p.Class != nil && p.Class16 != nil {
		return nil, errors.New("class ids are given twice")
	}
	if p.Detachedness != nil && len(p.Detachedness) != n {
		return nil, fmt.Errorf("detachedness: %d entries, want %d", len(p.Detachedness), n)
	}
	if s.NodeTraceNodeID != nil && len(s.NodeTraceNodeID) != n {
		return nil, fmt.Errorf("trace node ids: %d entries, want %d", len(s.NodeTraceNodeID), n)
	}
	if s.NodeDetachedness != nil && len(s.NodeDetachedness) != n {
		return nil, fmt.Errorf("node detachedness: %d entries, want %d", len(s.NodeDetachedness), n)
	}
	if len(p.Classes) == 0 {
		return nil, errors.New("no classes")
	}
	ln := len(s.LocationNode)
	if len(s.LocationScript) != ln || len(s.LocationLine) != ln || len(s.LocationColumn) != ln {
		return nil, errors.New("location columns differ in length")
	}
	if err := checkParts(s, &p); err != nil {
		return nil, err
	}
	for _, r := range p.Summary {
		if r.Class >= uint32(len(p.Classes)) || r.Name != p.Classes[r.Class].Name {
			return nil, fmt.Errorf("summary row %q does not match the class table", r.Name)
		}
	}
	g := &Graph{
		S: s, Root: 0,
		firstRetainer: p.FirstRetainer, retainerNode: p.RetainerNode, retainerEdge: p.RetainerEdge,
		FirstDominated: p.FirstDominated, Dominated: p.Dominated,
		dominator: p.Dominator, retained: p.Retained, retained32: p.Retained32, distance: p.Distance, class: p.Class, class16: p.Class16,
		detachedness: p.Detachedness, Classes: p.Classes, Stats: p.Stats, idOrder: p.IDOrder,
		summary: p.Summary,
	}
	// The lazily built indexes came with the parts.
	g.retOnce.Do(func() {})
	g.ids.Do(func() {})
	return g, nil
}

// belowCheck returns a check that a[lo:hi] holds only numbers below limit.
func belowCheck[T uint8 | uint16 | uint32](name string, a []T, limit uint32) func(lo, hi int) error {
	return func(lo, hi int) error {
		for i, v := range a[lo:hi] {
			if uint32(v) >= limit {
				return fmt.Errorf("%s[%d] = %d is out of range", name, lo+i, v)
			}
		}
		return nil
	}
}

// checkParts checks that every index in the arrays is in range and every
// CSR offset array rises to its end, splitting the work over the cores.
func checkParts(s *heapsnapshot.Snapshot, p *Parts) error {
	n, m := uint32(s.NodeCount), uint32(s.EdgeCount)
	nodeTypes, edgeTypes := len(s.Meta.NodeTypes), len(s.Meta.EdgeTypes)
	classes := uint32(len(p.Classes))
	type check = func(lo, hi int) error
	below := belowCheck[uint32]
	rising := func(name string, a []uint32, last uint32) check {
		return func(lo, hi int) error {
			if lo == 0 && a[0] != 0 || hi == len(a) && a[len(a)-1] != last {
				return fmt.Errorf("%s does not span its array", name)
			}
			for i := max(lo, 1); i < hi; i++ {
				if a[i] < a[i-1] {
					return fmt.Errorf("%s decreases at %d", name, i)
				}
			}
			return nil
		}
	}
	type job struct {
		size int
		run  check
	}
	jobs := []job{
		{int(n), belowCheck("node types", s.NodeType, uint32(nodeTypes))},
		{int(m), func(lo, hi int) error {
			for i, v := range s.EdgeTypeAndName[lo:hi] {
				if uint32(heapsnapshot.EdgeTypeOf(v)) >= uint32(edgeTypes) {
					return fmt.Errorf("edge types: entry %d is %d, want below %d", lo+i, heapsnapshot.EdgeTypeOf(v), edgeTypes)
				}
			}
			return nil
		}},
		// Looked up by binary search: sorted, and of real edges.
		{len(s.EdgeBigNames), func(lo, hi int) error {
			b := s.EdgeBigNames
			for i := lo; i < hi; i++ {
				if int(b[i].Edge) >= int(m) || i > 0 && b[i].Edge <= b[i-1].Edge {
					return fmt.Errorf("big edge names: entry %d is out of order or range", i)
				}
			}
			return nil
		}},
		{int(m), below("edge targets", s.EdgeTo, n)},
		{int(n) + 1, rising("first edges", s.FirstEdge, m)},
		{int(n), below("dominators", p.Dominator, n)},
		{len(p.Class), below("classes", p.Class, classes)},
		{len(p.Class16), belowCheck("classes", p.Class16, classes)},
		{int(n) + 1, rising("first dominated", p.FirstDominated, n-1)},
		{int(n) - 1, below("dominated", p.Dominated, n)},
		{int(n) + 1, rising("first retainers", p.FirstRetainer, m)},
		{int(m), below("retainer nodes", p.RetainerNode, n)},
		{int(m), below("retainer edges", p.RetainerEdge, m)},
		{int(n), below("id order", p.IDOrder, n)},
		{len(s.LocationNode), below("location nodes", s.LocationNode, n)},
	}
	// Names are only read through StringTable.Get, which tolerates any
	// index, but the table itself must be well formed.
	if len(s.Strings.Offsets) > 0 {
		jobs = append(jobs, job{len(s.Strings.Offsets), rising("string offsets", s.Strings.Offsets, uint32(len(s.Strings.Data)))})
	}
	const chunk = 1 << 20
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	work := make(chan func() error, 64)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				if err := f(); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		for lo := 0; lo < j.size; lo += chunk {
			hi := min(lo+chunk, j.size)
			run := j.run
			work <- func() error { return run(lo, hi) }
		}
	}
	close(work)
	wg.Wait()
	if first != nil {
		return fmt.Errorf("inconsistent index: %w", first)
	}
	// The dominator tree is walked depth first (Summary): every node but
	// the root must be listed once, under its own dominator, or a walk
	// could repeat subtrees.
	seen := make([]uint64, (n+63)/64)
	for d := uint32(0); d < n; d++ {
		for _, c := range p.Dominated[p.FirstDominated[d]:p.FirstDominated[d+1]] {
			if c == 0 || p.Dominator[c] != d || getBit(seen, c) {
				return fmt.Errorf("inconsistent index: node %d is not a dominator tree child of %d", c, d)
			}
			setBit(seen, c)
		}
	}
	return nil
}
