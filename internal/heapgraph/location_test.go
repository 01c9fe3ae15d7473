package heapgraph

import (
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

// TestLocationIndex: V8 writes locations out of node order (and a writer
// may list a node twice); the lookup finds a node's first location, as a
// scan does, for every node.
func TestLocationIndex(t *testing.T) {
	s := mustRead(t, snapshottest.Config{Nodes: 3000, Seed: 9})
	if slices.IsSorted(s.LocationNode) {
		t.Fatal("the generated locations are sorted; the test needs them out of order")
	}
	g, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The first lookups scan, the later ones use the sorted index.
	for n := uint32(0); int(n) < s.NodeCount; n++ {
		want := slices.Index(s.LocationNode, n)
		got, ok := g.LocationIndex(n)
		if ok != (want >= 0) || ok && got != want {
			t.Fatalf("node %d: LocationIndex = %d, %v; want %d", n, got, ok, want)
		}
	}
	if g.locOrder == nil {
		t.Fatal("the index was never built")
	}
}
