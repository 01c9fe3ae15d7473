package heapgraph

// PathsIgnoring returns up to max shortest retaining paths to n that use
// none of the edges for which ignored returns true: DevTools' "ignore this
// retainer". It searches backwards from n over retainers (weak edges never
// retain), so it only visits what lies between n and the roots, at most
// maxVisit nodes (0 = no bound); paths from a user root (the global object)
// come before paths that only the GC roots hold. Unlike ShortestPaths it
// does not follow precomputed distances, which the ignored edges may have
// set.
func (g *Graph) PathsIgnoring(n uint32, max int, ignored func(e uint32) bool, maxVisit int) []Path {
	s := g.S
	if max <= 0 || int(n) >= s.NodeCount || n == g.Root {
		return nil
	}
	visited := make([]uint64, (s.NodeCount+63)/64)
	// The BFS queue doubles as the parent table: entry k was reached from
	// entry parent[k] over edge[k] (toward n). No per-node map.
	queue := []uint32{n}
	parent := []int32{-1}
	edge := []uint32{NoEdge}
	setBit(visited, n)
	var user, system []int // queue entries that hang off the root
	for k := 0; k < len(queue) && len(user) < max; k++ {
		v := queue[k]
		if v != n && g.distance[v] != NoDistance && g.isPathStart(v) {
			if g.distance[v] == 1 {
				user = append(user, k)
			} else if len(system) < max {
				system = append(system, k)
			}
			continue
		}
		if maxVisit > 0 && len(queue) >= maxVisit {
			continue
		}
		for u, e := range g.Retainers(v) {
			if u == g.Root || getBit(visited, u) || g.IsWeakEdge(e) || ignored(e) {
				continue
			}
			setBit(visited, u)
			queue = append(queue, u)
			parent = append(parent, int32(k))
			edge = append(edge, e)
		}
	}
	var out []Path
	seen := map[string]bool{}
	for _, k := range append(user, system...) {
		if len(out) >= max {
			break
		}
		// Entry j was reached from parent[j] over edge[j], which leads from
		// queue[j] toward n: walking parents from the path start gives the
		// path in order, each step entered over the previous entry's edge.
		p := Path{{Edge: NoEdge, Node: queue[k]}}
		for j := int32(k); parent[j] >= 0; j = parent[j] {
			p = append(p, Step{Edge: edge[j], Node: queue[parent[j]]})
		}
		if t := g.FormatPath(p); !seen[t] {
			seen[t] = true
			out = append(out, p)
		}
	}
	return out
}
