package heapgraph

import (
	"bytes"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

// FuzzBuild feeds arbitrary snapshots that the parser accepts to the
// analysis and to every query: none may fail or panic, whatever the graph
// looks like (cycles, self edges, orphans, weak-only retainers...).
func FuzzBuild(f *testing.F) {
	for i, n := range []int{1, 2, 5, 30, 200} {
		var buf bytes.Buffer
		if _, err := snapshottest.Write(&buf, snapshottest.Config{Nodes: n, Seed: uint64(i + 1), Legacy: i%2 == 1}); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte(tinySnapshot))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := heapsnapshot.Read(bytes.NewReader(data), heapsnapshot.Options{Size: int64(len(data))})
		if err != nil {
			return
		}
		g, err := Build(s, Options{})
		if err != nil {
			t.Fatalf("Build failed on a snapshot the parser accepted: %v", err)
		}
		g.Summary()
		for n := uint32(0); n < uint32(g.NodeCount()) && n < 50; n++ {
			for _, p := range g.ShortestPaths(n, 3) {
				g.FormatPath(p)
			}
			g.Name(n)
			g.Label(n)
			g.DominatorChain(n)
			if m, ok := g.NodeByID(g.ID(n)); !ok || g.ID(m) != g.ID(n) {
				t.Fatalf("NodeByID(%d) = %d, %v", g.ID(n), m, ok)
			}
		}
	})
}

// tinySnapshot is a hand-written graph: root -> (GC roots) -> a <-> b, a
// weak-only orphan c and a self-referencing d.
const tinySnapshot = `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],
"location_fields":["object_index","script_id","line","column"]},"node_count":6,"edge_count":7,"trace_function_count":0},
"nodes":[9,0,1,0,2,0,0, 9,1,3,0,1,0,0, 3,2,5,10,2,0,0, 3,3,7,20,1,0,0, 3,4,9,30,0,0,0, 3,4,11,40,1,0,0],
"edges":[5,5,14, 1,0,7, 1,1,14, 2,6,21, 2,6,14, 6,7,28, 2,6,35],
"trace_function_infos":[],"trace_tree":[],"samples":[],"locations":[14,1,2,3],
"strings":["","(GC roots)","Object","Foo","Bar","global","next","w"]}`
