package heapgraph

// The retainer index: for each node, the nodes and edges that retain it
// (CSR), in the order DevTools lists them. The analysis does not need it;
// paths, the web UI and the index do.

// buildRetainers inverts the edge list into CSR, keeping for each target the
// retainers in the order DevTools has them (it fills each slot range from
// the end while walking edges forward). It runs on first use, after Build.
func (g *Graph) buildRetainers() {
	first := g.retainerEnds()
	nodes := make([]uint32, g.S.EdgeCount)
	edges := make([]uint32, g.S.EdgeCount)
	g.fillRetainers(first, 0, uint32(g.S.NodeCount), 0, nodes, edges)
	g.firstRetainer, g.retainerNode, g.retainerEdge = first, nodes, edges
}

// retainerEnds counts each node's retainers into where its slot range
// ends (NodeCount+1 entries); fillRetainers then counts each down to
// where the range starts, so no separate cursor array is needed.
func (g *Graph) retainerEnds() []uint32 {
	s := g.S
	n := s.NodeCount
	first := make([]uint32, n+1)
	for _, t := range s.EdgeTo {
		first[t]++
	}
	first[n] = countsToEnds(first[:n])
	return first
}

// fillRetainers places the retainers of targets [lo, hi), whose slots
// start at base, into nodes and edges (indexed from base), walking the
// edges forward and filling each target's range from its end down.
func (g *Graph) fillRetainers(first []uint32, lo, hi, base uint32, nodes, edges []uint32) {
	s := g.S
	for src := 0; src < s.NodeCount; src++ {
		for e := s.FirstEdge[src]; e < s.FirstEdge[src+1]; e++ {
			if t := s.EdgeTo[e]; t-lo < hi-lo {
				first[t]--
				nodes[first[t]-base] = uint32(src)
				edges[first[t]-base] = e
			}
		}
	}
}

// RetainerPieces gives the retainer index Parts would hold, without
// building it whole when g has not: piece gets RetainerNode and
// RetainerEdge in order, in pieces of whole targets' ranges, at most limit
// entries each unless one target alone has more (one pass over the edges
// a piece, in the order buildRetainers gives), then first gets
// FirstRetainer. The slices are only valid during the call.
func (g *Graph) RetainerPieces(limit int, first func([]uint32) error, piece func(nodes, edges []uint32) error) error {
	if g.firstRetainer != nil {
		if err := piece(g.retainerNode, g.retainerEdge); err != nil {
			return err
		}
		return first(g.firstRetainer)
	}
	n := uint32(g.S.NodeCount)
	ends := g.retainerEnds() // FirstRetainer once every piece is filled
	limit = max(limit, 1)
	var nodes, edges []uint32
	// Targets below lo are filled: their entries hold where their ranges
	// start; the others still hold where they end.
	for lo, base := uint32(0), uint32(0); lo < n; {
		// The piece's targets: as many as fit in limit entries, at least one.
		hi := lo + 1
		for hi < n && int(ends[hi]-base) <= limit {
			hi++
		}
		size := int(ends[hi-1] - base)
		if size > cap(nodes) {
			nodes, edges = make([]uint32, size), make([]uint32, size)
		}
		nodes, edges = nodes[:size], edges[:size]
		g.fillRetainers(ends, lo, hi, base, nodes, edges)
		if err := piece(nodes, edges); err != nil {
			return err
		}
		lo, base = hi, base+uint32(size)
	}
	return first(ends)
}

// countsToEnds turns counts into where each one's range ends in a CSR
// (a running sum, in place) and returns the total.
func countsToEnds(c []uint32) uint32 {
	var sum uint32
	for i, v := range c {
		sum += v
		c[i] = sum
	}
	return sum
}
