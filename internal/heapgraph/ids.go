package heapgraph

import "sort"

// NodeByID finds the node with snapshot id id. The first call builds a
// sorted index (4 bytes per node, radix sorted); later calls are a binary
// search.
func (g *Graph) NodeByID(id uint32) (uint32, bool) {
	g.ids.Do(g.buildIDIndex)
	ids := g.S.NodeID
	order := g.idOrder
	i := sort.Search(len(order), func(i int) bool { return ids[order[i]] >= id })
	if i < len(order) && ids[order[i]] == id {
		return order[i], true
	}
	return 0, false
}

func (g *Graph) buildIDIndex() {
	ids := g.S.NodeID
	n := len(ids)
	order := make([]uint32, n)
	sorted := true
	for i := range order {
		order[i] = uint32(i)
		if i > 0 && ids[i] < ids[i-1] {
			sorted = false
		}
	}
	if !sorted {
		// LSD radix sort by id, 8 bits per pass: linear time.
		tmp := make([]uint32, n)
		for shift := uint(0); shift < 32; shift += 8 {
			var count [257]int
			for _, o := range order {
				count[(ids[o]>>shift)&0xff+1]++
			}
			for b := 1; b < 257; b++ {
				count[b] += count[b-1]
			}
			for _, o := range order {
				b := (ids[o] >> shift) & 0xff
				tmp[count[b]] = o
				count[b]++
			}
			order, tmp = tmp, order
		}
	}
	g.idOrder = order
}
