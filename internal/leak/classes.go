package leak

import (
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// classGrowth is the second source of candidates with 4+ snapshots: user
// classes whose object count grows at every snapshot. It catches leaks
// whose retaining paths are too unstable to share a shape. Memory is one
// entry per class name, never per object.
type classGrowth struct {
	stats map[string]*classStat
}

type classStat struct {
	count    []int64
	retained []uint64
}

func (c *classGrowth) add(g *heapgraph.Graph, i, n int) {
	if c.stats == nil {
		c.stats = map[string]*classStat{}
	}
	for _, row := range g.Summary() {
		st := c.stats[row.Name]
		if st == nil {
			st = &classStat{count: make([]int64, n), retained: make([]uint64, n)}
			c.stats[row.Name] = st
		}
		st.count[i] += int64(row.Count)
		st.retained[i] += row.Retained
	}
}

// suspects returns a suspect per growing user class that no shape suspect
// already explains; the representative is its largest new object.
func (c *classGrowth) suspects(g *heapgraph.Graph, cand []uint64, have []Suspect) []Suspect {
	covered := map[string]bool{}
	for _, s := range have {
		covered[s.Class] = true
		covered[s.RootClass] = true
	}
	want := map[string]*classStat{}
	for name, st := range c.stats {
		if covered[name] || !userClassName(name) {
			continue
		}
		n := len(st.count)
		grows := st.retained[n-1] > st.retained[0]
		for i := 1; i < n && grows; i++ {
			grows = st.count[i] > st.count[i-1]
		}
		if grows {
			want[name] = st
		}
	}
	if len(want) == 0 {
		return nil
	}
	// One pass over the last snapshot for representatives.
	ex := &explainer{g: g}
	rep := map[string]uint32{}
	newCount := map[string]int{}
	inside := map[string]int{} // new objects within an object of a covered class
	for v := uint32(1); v < uint32(g.NodeCount()); v++ {
		if !isSet(cand, v) || !ex.userObject(v) {
			continue
		}
		name := g.ClassName(v)
		if want[name] == nil {
			continue
		}
		newCount[name]++
		if withinCovered(g, v, covered) {
			inside[name]++
		}
		if r, ok := rep[name]; !ok || g.RetainedSize(v) > g.RetainedSize(r) {
			rep[name] = v
		}
	}
	var out []Suspect
	for name, st := range want {
		r, ok := rep[name]
		if !ok {
			continue // nothing of it is new and alive: churn, not a leak
		}
		if 2*inside[name] >= newCount[name] {
			// Mostly parts of objects a suspect already names (the
			// Buffer of each leaked connection): they grow with it.
			continue
		}
		n := len(st.count)
		out = append(out, Suspect{
			Count: st.count, RetainedSize: st.retained, NewObjects: newCount[name],
			GrowthCount: st.count[n-1] - st.count[0],
			GrowthBytes: int64(st.retained[n-1]) - int64(st.retained[0]),
			rep:         r,
			shape:       noShape,
			byClass:     true,
		})
	}
	return out
}

func userClassName(name string) bool {
	if name == "" || strings.HasPrefix(name, "(") || strings.HasPrefix(name, "{") || strings.HasPrefix(name, "system /") {
		return false
	}
	return !genericClasses[name]
}

// withinCovered: one of v's nearest dominators is of a class a suspect
// already names.
func withinCovered(g *heapgraph.Graph, v uint32, covered map[string]bool) bool {
	for k := 0; k < 3; k++ {
		d := g.Dominator(v)
		if d == v || d == g.Root {
			return false
		}
		if name := g.ClassName(d); covered[name] && userClassName(name) {
			return true
		}
		v = d
	}
	return false
}
