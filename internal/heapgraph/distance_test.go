package heapgraph

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

// fifoDistances is the distances' BFS as DevTools runs it: strictly first
// in, first out, with no reordering within a level.
func fifoDistances(a *analysis) []int32 {
	s, root := a.s, a.g.Root
	dist := make([]int32, s.NodeCount)
	for i := range dist {
		dist[i] = NoDistance
	}
	f := newDistanceFilter(a)
	bfs := func(queue []uint32) {
		for i := 0; i < len(queue); i++ {
			v := queue[i]
			for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
				to := s.EdgeTo[e]
				if dist[to] != NoDistance || int(s.EdgeType(e)) == s.EdgeTypeIndex.Weak || !f.allow(v, e) {
					continue
				}
				dist[to] = dist[v] + 1
				queue = append(queue, to)
			}
		}
	}
	var queue []uint32
	for e := s.FirstEdge[root]; e < s.FirstEdge[root+1]; e++ {
		if to := s.EdgeTo[e]; a.isUserRoot(to) {
			dist[to] = 1
			queue = append(queue, to)
		}
	}
	users := len(queue)
	bfs(queue)
	dist[root] = 0
	if users > 0 {
		dist[root] = BaseSystemDistance
	}
	bfs([]uint32{root})
	return dist
}

// TestDistancesInNodeOrder: visiting dense levels in node order gives every
// node the distance a first-in-first-out BFS gives, WeakMap entries (whose
// first edge is skipped) included: on the golden snapshots (the weak ones
// hold hundreds of entries), generated ones, and the snapshot named by
// LEAKHOUND_SNAPSHOT.
func TestDistancesInNodeOrder(t *testing.T) {
	check := func(name string, s *heapsnapshot.Snapshot) {
		t.Helper()
		g, err := Build(s, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		a := newAnalysis(g)
		want := fifoDistances(a)
		for n, d := range g.distance {
			if d != want[n] {
				t.Fatalf("%s: node %d @%d: distance %d, first-in-first-out %d", name, n, g.ID(uint32(n)), d, want[n])
			}
		}
	}
	for _, name := range goldenNames(t) {
		check(name, loadGolden(t, goldenDir+"/"+name+".heapsnapshot.gz"))
	}
	for seed := uint64(1); seed <= 4; seed++ {
		var buf bytes.Buffer
		if _, err := snapshottest.Write(&buf, snapshottest.Config{Nodes: 30000, Seed: seed, AvgEdges: int(seed) + 1}); err != nil {
			t.Fatal(err)
		}
		s, err := heapsnapshot.Read(&buf, heapsnapshot.Options{})
		if err != nil {
			t.Fatal(err)
		}
		check("generated", s)
	}
	if path := os.Getenv("LEAKHOUND_SNAPSHOT"); path != "" {
		s, err := heapsnapshot.Open(path, heapsnapshot.Options{})
		if err != nil {
			t.Fatal(err)
		}
		check(path, s)
	}
}

// TestInNodeOrder: a dense level comes out sorted, a sparse one as it was,
// and the marks are clear after either.
func TestInNodeOrder(t *testing.T) {
	mark := make([]uint64, 4)
	level := []uint32{70, 3, 64, 5, 127}
	for _, v := range level {
		setBit(mark, v)
	}
	inNodeOrder(level, mark, 3, 127)
	if want := []uint32{3, 5, 64, 70, 127}; !slices.Equal(level, want) {
		t.Fatalf("dense level %v, want %v", level, want)
	}
	sparse := []uint32{255, 0}
	for _, v := range sparse {
		setBit(mark, v)
	}
	inNodeOrder(sparse, mark, 0, 255) // 4 words for 2 nodes: dense enough
	if want := []uint32{0, 255}; !slices.Equal(sparse, want) {
		t.Fatalf("level %v, want %v", sparse, want)
	}
	big := make([]uint64, 1000)
	one := []uint32{63000, 5}
	for _, v := range one {
		setBit(big, v)
	}
	inNodeOrder(one, big, 5, 63000) // 985 words for 2 nodes: left as it is
	if want := []uint32{63000, 5}; !slices.Equal(one, want) {
		t.Fatalf("sparse level %v, want %v", one, want)
	}
	for _, m := range [][]uint64{mark, big} {
		for w, x := range m {
			if x != 0 {
				t.Fatalf("mark word %d left %x", w, x)
			}
		}
	}
}
