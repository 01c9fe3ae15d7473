package heapgraph

import (
	"bytes"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

func TestAllocationStack(t *testing.T) {
	var buf bytes.Buffer
	if _, err := snapshottest.Write(&buf, snapshottest.Config{Nodes: 200, Seed: 2, Trace: true}); err != nil {
		t.Fatal(err)
	}
	s, err := heapsnapshot.Read(&buf, heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The generator's tree: 1 (function 0) with child 2 (function 1, line
	// 1), and 3 (function 1); ids 0 and 4 name no trace node.
	want := map[uint32]int{0: 0, 1: 1, 2: 2, 3: 1, 4: 0}
	seen := map[uint32]bool{}
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		id := s.NodeTraceNodeID[n]
		st := g.AllocationStack(n)
		if len(st) != want[id] {
			t.Fatalf("node %d (trace %d): %d frames, want %d", n, id, len(st), want[id])
		}
		if id == 2 && (st[0].Line != 1 || st[0].Column != 1 || st[1].Line != 0) {
			t.Fatalf("trace 2: %+v", st)
		}
		seen[id] = true
	}
	if !seen[2] {
		t.Fatal("no node with trace id 2")
	}
	g2, _ := Build(mustRead(t, snapshottest.Config{Nodes: 20, Seed: 1}), Options{})
	if g2.AllocationStack(1) != nil {
		t.Fatal("a stack without traces")
	}
}

func mustRead(t *testing.T, c snapshottest.Config) *heapsnapshot.Snapshot {
	var buf bytes.Buffer
	if _, err := snapshottest.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	s, err := heapsnapshot.Read(&buf, heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
