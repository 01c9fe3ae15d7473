package heapgraph

import (
	"slices"
	"sort"
)

// ClassSummary is one row of DevTools' Summary view.
type ClassSummary struct {
	Class   uint32 // index into Graph.Classes
	Name    string
	Count   int    // objects with a non-zero shallow size
	Shallow uint64 // sum of their shallow sizes
	// Retained is DevTools' "maxRet": the sum of the retained sizes of the
	// class's objects that are not dominated by another object of the same
	// class, i.e. what freeing every object of the class would free.
	Retained uint64
	Distance int32 // the smallest distance of the class's objects
}

// Summary aggregates nodes per class exactly like DevTools' Summary view
// (aggregatesWithFilter without a filter). Nodes of zero shallow size are
// left out, as DevTools does. Rows are sorted by retained size, largest
// first, then by name.
func (g *Graph) Summary() []ClassSummary {
	if g.summary != nil {
		return slices.Clone(g.summary) // saved with the graph (FromParts)
	}
	rows := make([]ClassSummary, len(g.Classes))
	seen := make([]bool, len(g.Classes))
	for i := range rows {
		rows[i].Class = uint32(i)
		rows[i].Name = g.Classes[i].Name
	}
	self := g.S.NodeSelfSize
	// The counts and the retained sizes fill different fields of the rows:
	// the two walks run on two cores.
	both(splits(uint32(len(self))), func() {
		for v, sz := range self {
			if sz == 0 {
				continue
			}
			c := g.ClassIndex(uint32(v))
			r := &rows[c]
			d := g.distance[v]
			if !seen[c] {
				seen[c] = true
				r.Distance = d
			} else if d < r.Distance {
				r.Distance = d
			}
			r.Count++
			r.Shallow += uint64(sz)
		}
	}, func() { g.addMaxRetained(rows) })
	out := rows[:0]
	for i, r := range rows {
		if seen[i] {
			out = append(out, r)
		}
	}
	out = slices.Clip(out)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Retained != out[j].Retained {
			return out[i].Retained > out[j].Retained
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// addMaxRetained walks the dominator tree depth first, counting for each
// class how many of its objects are on the current root path; an object
// adds its retained size only when no dominator above it has its class.
func (g *Graph) addMaxRetained(rows []ClassSummary) {
	open := make([]int32, len(rows))
	self := g.S.NodeSelfSize
	type frame struct {
		node uint32
		next uint32 // next child index in Dominated
		mark bool   // this node incremented open[class]
	}
	stack := []frame{{node: g.Root, next: g.FirstDominated[g.Root]}}
	enter := func(f *frame) {
		v := f.node
		if self[v] == 0 {
			return
		}
		c := g.ClassIndex(v)
		if open[c] == 0 {
			rows[c].Retained += g.RetainedSize(v)
		}
		open[c]++
		f.mark = true
	}
	enter(&stack[0])
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next < g.FirstDominated[top.node+1] {
			child := g.Dominated[top.next]
			top.next++
			stack = append(stack, frame{node: child, next: g.FirstDominated[child]})
			enter(&stack[len(stack)-1])
			continue
		}
		if top.mark {
			open[g.ClassIndex(top.node)]--
		}
		stack = stack[:len(stack)-1]
	}
}
