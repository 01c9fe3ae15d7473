package web

import (
	"errors"
	"slices"
	"sync"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
)

// snap is one snapshot of the input and what was computed for it. Only
// graphs in memory have g; the rest are loaded when a page asks.
type snap struct {
	g    *heapgraph.Graph
	err  error // loading it on demand failed: not tried again
	used int   // LRU clock

	once    sync.Once
	classes []heapgraph.ClassSummary // the Summary rows, computed once

	byClassMu sync.Mutex
	byClass   *classIndex

	dupOnce sync.Once
	dups    []heapgraph.DupString

	// The single-snapshot leak analysis (leaks ONE), run on first ask in
	// the background: it walks the whole graph.
	oneOnce sync.Once
	oneDone chan struct{}
	one     *leak.SingleReport

	// Sorted lists of the last few nodes asked about (children in the
	// dominator tree, retainers, references), so paging through a node
	// with a million of them sorts once. Bounded: a few entries, not one
	// per node.
	listMu sync.Mutex
	lists  []sortedList
}

type sortedList struct {
	node uint32
	kind string
	list []heapgraph.Step
}

const maxLists = 8

// sorted returns the list of kind for node n, made by build on first use.
func (sn *snap) sorted(n uint32, kind string, build func() []heapgraph.Step) []heapgraph.Step {
	sn.listMu.Lock()
	for i, l := range sn.lists {
		if l.node == n && l.kind == kind {
			// Move to the front: the oldest is dropped first.
			copy(sn.lists[1:i+1], sn.lists[:i])
			sn.lists[0] = l
			sn.listMu.Unlock()
			return l.list
		}
	}
	sn.listMu.Unlock()
	list := build()
	if len(list) < 1000 {
		return list // cheap to sort again
	}
	sn.listMu.Lock()
	defer sn.listMu.Unlock()
	sn.lists = append([]sortedList{{n, kind, list}}, sn.lists...)
	if len(sn.lists) > maxLists {
		sn.lists = sn.lists[:maxLists]
	}
	return list
}

// accumulation returns the single-snapshot report of sn, or errBusy while
// it is computed.
func (sn *snap) accumulation(name string, top int, src leak.Sources) (*leak.SingleReport, error) {
	sn.oneOnce.Do(func() {
		sn.oneDone = make(chan struct{})
		go func() {
			defer close(sn.oneDone)
			sn.one = leak.AnalyzeOne(sn.g, leak.SingleOptions{Name: name, MaxSuspects: top, Sources: src})
		}()
	})
	select {
	case <-sn.oneDone:
		return sn.one, nil
	default:
		return nil, errBusy
	}
}

// warm computes in the background what the first clicks need (the id
// and retainer indexes, the Summary rows, the duplicated strings), so the
// page is ready as soon as the graph is built and the first views are
// still quick.
func (sn *snap) warm() {
	go func() {
		g := sn.g
		g.NodeByID(g.ID(g.Root))
		g.RetainerCount(g.Root)
		// The biggest classes are the ones people open first.
		for k, c := range sn.summary() {
			if k >= 10 {
				break
			}
			sn.objectsOf(c.Class)
		}
		sn.dupStrings()
	}()
}

// errBusy: the graph is being loaded; the page shows progress and retries.
var errBusy = errors.New("loading")

// install makes g snapshot i's graph, dropping the least recently used
// ones beyond MaxGraphs. Called with s.mu held.
func (s *Server) install(i int, g *heapgraph.Graph) {
	s.clock++
	sn := &snap{g: g, used: s.clock}
	s.snaps[i] = sn
	sn.warm()
	s.evict(i, s.cfg.MaxGraphs)
}

// evict drops the least recently used graphs but keep until at most limit
// remain.
func (s *Server) evict(keep, limit int) {
	for {
		n, lru := 0, -1
		for j, sn := range s.snaps {
			if sn.g == nil {
				continue
			}
			n++
			if j != keep && (lru < 0 || sn.used < s.snaps[lru].used) {
				lru = j
			}
		}
		if n <= limit || lru < 0 {
			return
		}
		s.snaps[lru] = &snap{}
	}
}

// graph returns snapshot i, or errBusy while it (or the input) loads; a
// snapshot not in memory starts loading.
func (s *Server) graph(i int) (*snap, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= len(s.snaps) {
		return nil, errNotFound
	}
	if sn := s.snaps[i]; sn.g != nil {
		s.clock++
		sn.used = s.clock
		return sn, nil
	} else if sn.err != nil {
		return nil, sn.err
	}
	if s.status.Error != "" && !s.status.Ready {
		return nil, errors.New(s.status.Error)
	}
	if s.loading {
		return nil, errBusy
	}
	// Load it in the background; make room first so at most MaxGraphs+1
	// graphs are ever alive.
	s.loading = true
	s.status.Loading = true
	s.evict(-1, s.cfg.MaxGraphs-1)
	ctx := s.ctx
	go func() {
		g, err := s.cfg.Load(ctx, i, s.observe)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.loading = false
		s.status.Loading = false
		if err != nil {
			s.status.Label = "error: " + err.Error()
			s.snaps[i] = &snap{err: err}
			return
		}
		s.status.Label = "ready"
		s.install(i, g)
	}()
	return nil, errBusy
}

// summary returns the Summary rows of sn, computed on first use.
func (sn *snap) summary() []heapgraph.ClassSummary {
	sn.once.Do(func() { sn.classes = sn.g.Summary() })
	return sn.classes
}

// classIndex lists the objects of every class (those with a shallow size,
// as the Summary counts them) in one CSR array: objects of class c are
// nodes[first[c]:first[c+1]]. 4 bytes per node, no per-class slices. Each
// class's run is sorted by retained size the first time it is asked for.
type classIndex struct {
	first  []uint32
	nodes  []uint32
	sorted []bool
}

func (sn *snap) objectsOf(c uint32) []uint32 {
	sn.byClassMu.Lock()
	defer sn.byClassMu.Unlock()
	g := sn.g
	if sn.byClass == nil {
		nc := len(g.Classes)
		first := make([]uint32, nc+1)
		self := g.S.NodeSelfSize
		for v, sz := range self {
			if sz != 0 {
				first[g.ClassIndex(uint32(v))+1]++
			}
		}
		for k := 1; k <= nc; k++ {
			first[k] += first[k-1]
		}
		nodes := make([]uint32, first[nc])
		fill := slices.Clone(first[:nc])
		for v, sz := range self {
			if sz != 0 {
				k := g.ClassIndex(uint32(v))
				nodes[fill[k]] = uint32(v)
				fill[k]++
			}
		}
		sn.byClass = &classIndex{first: first, nodes: nodes, sorted: make([]bool, nc)}
	}
	ix := sn.byClass
	if int(c) >= len(ix.sorted) {
		return nil
	}
	run := ix.nodes[ix.first[c]:ix.first[c+1]]
	if !ix.sorted[c] {
		sortNodes(g, run, "retained")
		ix.sorted[c] = true
	}
	return run
}

// sortNodes orders nodes by key, largest first (distance: closest first),
// then by id so pages are stable.
func sortNodes(g *heapgraph.Graph, nodes []uint32, key string) {
	var cmp func(a, b uint32) int
	three := func(x, y uint64) int {
		switch {
		case x > y:
			return -1
		case x < y:
			return 1
		}
		return 0
	}
	switch key {
	case "shallow":
		cmp = func(a, b uint32) int { return three(g.ShallowSize(a), g.ShallowSize(b)) }
	case "distance":
		cmp = func(a, b uint32) int { return -three(uint64(uint32(g.Distance(a))), uint64(uint32(g.Distance(b)))) }
	case "id":
		cmp = func(a, b uint32) int { return -three(uint64(g.ID(a)), uint64(g.ID(b))) }
	default:
		cmp = func(a, b uint32) int { return three(g.RetainedSize(a), g.RetainedSize(b)) }
	}
	slices.SortStableFunc(nodes, func(a, b uint32) int {
		if c := cmp(a, b); c != 0 {
			return c
		}
		return -three(uint64(g.ID(a)), uint64(g.ID(b)))
	})
}

// dupStrings returns the duplicated strings of sn, computed on first use.
func (sn *snap) dupStrings() []heapgraph.DupString {
	sn.dupOnce.Do(func() { sn.dups = sn.g.DuplicateStrings(0, 10000) })
	return sn.dups
}
