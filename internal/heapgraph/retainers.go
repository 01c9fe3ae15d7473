package heapgraph

// The retainer index: for each node, the nodes and edges that retain it
// (CSR), in the order DevTools lists them. The analysis does not need it;
// paths, the web UI and the index do.

// buildRetainers inverts the edge list into CSR, keeping for each target the
// retainers in the order DevTools has them (it fills each slot range from
// the end while walking edges forward). It runs on first use, after Build.
func (g *Graph) buildRetainers() {
	s := g.S
	n := s.NodeCount
	// first[t] starts as the end of t's slot range and counts down to its
	// start while the slots are filled, so no separate cursor is needed.
	first := make([]uint32, n+1)
	for _, t := range s.EdgeTo {
		first[t]++
	}
	var sum uint32
	for i := 0; i < n; i++ {
		sum += first[i]
		first[i] = sum
	}
	first[n] = sum
	nodes := make([]uint32, s.EdgeCount)
	edges := make([]uint32, s.EdgeCount)
	for src := 0; src < n; src++ {
		for e := s.FirstEdge[src]; e < s.FirstEdge[src+1]; e++ {
			t := s.EdgeTo[e]
			first[t]--
			nodes[first[t]] = uint32(src)
			edges[first[t]] = e
		}
	}
	g.firstRetainer, g.retainerNode, g.retainerEdge = first, nodes, edges
}

// RetainerPieces gives the retainer index Parts would hold, without
// building it whole when g has not: first gets FirstRetainer, then piece
// gets RetainerNode and RetainerEdge in order, in pieces of whole targets'
// ranges, at most limit entries each unless one target alone has more. Each
// piece inverts the edges of a range of targets (one pass over the edges
// a piece), in the order buildRetainers gives. The slices are only valid
// during the call.
func (g *Graph) RetainerPieces(limit int, first func([]uint32) error, piece func(nodes, edges []uint32) error) error {
	if g.firstRetainer != nil {
		if err := first(g.firstRetainer); err != nil {
			return err
		}
		return piece(g.retainerNode, g.retainerEdge)
	}
	s := g.S
	n := s.NodeCount
	start := make([]uint32, n+1) // becomes FirstRetainer
	for _, t := range s.EdgeTo {
		start[t]++
	}
	var sum uint32
	for i := 0; i < n; i++ {
		c := start[i]
		start[i] = sum
		sum += c
	}
	start[n] = sum
	if err := first(start); err != nil {
		return err
	}
	// Once given, start serves as the cursors: target t's slots fill from
	// its range's end, start[t+1], down, walking the edges forward as
	// buildRetainers does, and start[t+1] ends where t's range starts.
	limit = max(limit, 1)
	var nodes, edges []uint32
	for lo, base := 0, uint32(0); lo < n; {
		// The piece's targets: as many as fit in limit entries, at least one.
		hi := lo + 1
		for hi < n && int(start[hi+1]-base) <= limit {
			hi++
		}
		size := int(start[hi] - base)
		if size > cap(nodes) {
			nodes, edges = make([]uint32, size), make([]uint32, size)
		}
		nodes, edges = nodes[:size], edges[:size]
		l, h := uint32(lo), uint32(hi)
		for src := 0; src < n; src++ {
			for e := s.FirstEdge[src]; e < s.FirstEdge[src+1]; e++ {
				if t := s.EdgeTo[e]; t-l < h-l {
					c := &start[t+1]
					*c--
					nodes[*c-base] = uint32(src)
					edges[*c-base] = e
				}
			}
		}
		if err := piece(nodes, edges); err != nil {
			return err
		}
		lo, base = hi, base+uint32(size)
	}
	return nil
}
