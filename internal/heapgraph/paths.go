package heapgraph

import "sort"

// Step is one hop of a retaining path: the edge taken from the previous
// step's node (NoEdge for the first step) and the node reached.
type Step struct {
	Edge uint32
	Node uint32
}

// Path is a retaining path from a root to a node; the synthetic root itself
// is left out, so the first step is a child of it ("(GC roots)" or a global
// object).
type Path []Step

// ShortestPaths returns up to max shortest retaining paths to n, weak edges
// excluded. Paths follow DevTools' distances, so each has exactly the
// node's distance in hops. The paths differ as close to n as possible: the
// first path through each distinct retainer of n comes before variations
// further up. Nodes that no root reaches have no path.
func (g *Graph) ShortestPaths(n uint32, max int) []Path {
	if max <= 0 || int(n) >= g.S.NodeCount || n == g.Root || g.distance[n] == NoDistance {
		return nil
	}
	var out []Path
	seen := map[string]bool{}
	add := func(rev []Step) bool {
		p := make(Path, len(rev))
		for i := range rev {
			p[i] = rev[len(rev)-1-i]
		}
		p[0].Edge = NoEdge
		// Two paths that read the same (they differ only in a slot the
		// text hides, such as which stack root) are one path to a
		// person: keep the first, in the text and in JSON alike.
		k := g.FormatPath(p)
		if seen[k] {
			return false
		}
		seen[k] = true
		out = append(out, p)
		return true
	}
	// rev holds the path from n upward: rev[i].Edge leads from
	// rev[i+1].Node to rev[i].Node; the last step is the path start.
	var first []Step
	if !g.complete(n, &first) {
		return nil
	}
	add(first)
	// Then the alternatives, diverging from the first path as close to n
	// as possible: other retainers of n, then of n's retainer, and so on.
	// Alternatives that read like a path already found are dropped, so a
	// node with a million retainers could be tried a million times: the
	// tries are bounded.
	tries := 0
	for j := 0; j+1 < len(first) && len(out) < max && tries < maxPathTries; j++ {
		v := first[j].Node
		for _, c := range g.pathRetainers(v) {
			if len(out) >= max || tries >= maxPathTries {
				break
			}
			if c.Edge == first[j].Edge && c.Node == first[j+1].Node {
				continue
			}
			tries++
			rev := append([]Step(nil), first[:j]...)
			rev = append(rev, Step{Edge: c.Edge, Node: v})
			if g.complete(c.Node, &rev) {
				add(rev)
			}
		}
	}
	return out
}

// maxPathTries bounds the alternative paths ShortestPaths builds.
const maxPathTries = 64

// isPathStart: nodes at distance 1 (user roots) or the first distance of
// the system BFS hang directly off the synthetic root.
func (g *Graph) isPathStart(v uint32) bool {
	d := g.distance[v]
	return d == g.distance[g.Root]+1 || d == 1
}

// pathRetainers are the retainers one step closer to the roots over a
// non-weak edge; they always exist for a node with a distance.
func (g *Graph) pathRetainers(v uint32) []Step {
	d := g.distance[v]
	var out []Step
	for u, e := range g.Retainers(v) {
		if u == g.Root || g.IsWeakEdge(e) || g.distance[u] != d-1 {
			continue
		}
		out = append(out, Step{Edge: e, Node: u})
	}
	// People read property and element references more easily than V8
	// internals, so those come first.
	sort.SliceStable(out, func(i, j int) bool { return g.edgeRank(out[i].Edge) < g.edgeRank(out[j].Edge) })
	return out
}

// bestPathRetainer is pathRetainers(v)[0] without building and sorting the
// list: complete takes only the first at every level.
func (g *Graph) bestPathRetainer(v uint32) (Step, bool) {
	d := g.distance[v]
	best, rank, ok := Step{}, 1<<30, false
	for u, e := range g.Retainers(v) {
		if u == g.Root || g.IsWeakEdge(e) || g.distance[u] != d-1 {
			continue
		}
		// Strictly better only: the first of equal rank wins, as in the
		// stable sort of pathRetainers.
		if r := g.edgeRank(e); r < rank {
			best, rank, ok = Step{Edge: e, Node: u}, r, true
		}
	}
	return best, ok
}

func (g *Graph) edgeRank(e uint32) int {
	et := g.S.EdgeTypeIndex
	switch int(g.S.EdgeType(e)) {
	case et.Property:
		return 0
	case et.Element:
		return 1
	case et.Context:
		return 2
	case et.Shortcut:
		return 3
	case et.Internal:
		return 4
	}
	return 5
}

// complete extends rev from v up to a path start, taking the first
// suitable retainer at every level.
func (g *Graph) complete(v uint32, rev *[]Step) bool {
	if len(*rev) == 0 {
		// The first step of the path is n itself.
		if g.isPathStart(v) {
			*rev = append(*rev, Step{Edge: NoEdge, Node: v})
			return true
		}
		r, ok := g.bestPathRetainer(v)
		if !ok {
			return false
		}
		*rev = append(*rev, Step{Edge: r.Edge, Node: v})
		v = r.Node
	}
	for steps := 0; steps <= g.S.NodeCount; steps++ {
		if g.isPathStart(v) {
			*rev = append(*rev, Step{Edge: NoEdge, Node: v})
			return true
		}
		r, ok := g.bestPathRetainer(v)
		if !ok {
			return false
		}
		*rev = append(*rev, Step{Edge: r.Edge, Node: v})
		v = r.Node
	}
	return false
}
