package leak

import (
	"slices"
	"strings"
	"testing"
)

// TestVolatileRootHeldBack: a snapshot written at the heap limit can have
// no user roots, so the paths start at "(GC roots)" itself. A Map growing
// its table when the snapshot was written holds the new table, and so does
// "(Handle scope)", one step closer. The path to the entries must still go
// through the Map (node 22 named the holder "(synthetic)" in about one
// `run --near-heap-limit` in five before volatile roots were held back
// there too).
func TestVolatileRootHeldBack(t *testing.T) {
	const snap = `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":7,"edge_count":7},
"nodes":[9,0,1,0,1, 9,1,3,0,2, 9,2,5,0,1, 9,3,7,0,1, 3,4,9,32,1, 1,0,11,1000,1, 3,5,13,40,0],
"edges":[1,1,5, 1,1,10, 1,2,15, 1,1,25, 1,1,20, 3,6,25, 1,1,30],
"strings":["","(GC roots)","(Handle scope)","(Stack roots)","Map","Order","table"]}`
	g := graphOf(t, snap)
	const handleScope, mapNode, order = 2, 4, 6
	x := newExplainer(g, newShaper(g, newShapeTrie()))
	p := x.path(order)
	var through []uint32
	for _, st := range p {
		through = append(through, st.Node)
	}
	if len(p) == 0 || !slices.Contains(through, mapNode) || slices.Contains(through, handleScope) {
		t.Errorf("path %q (nodes %v), want one through the Map, not (Handle scope)", g.FormatPath(p), through)
	}
}

// TestNodeOwnClosures: a closure suspect of node's own functions with no
// code of the program on its path is node's bookkeeping; one of the
// program's functions is not.
func TestNodeOwnClosures(t *testing.T) {
	g, err := loadGraph("../../testdata/golden/casestudy.heapsnapshot.gz")
	if err != nil {
		t.Fatal(err)
	}
	x := newExplainer(g, newShaper(g, newShapeTrie()))
	var internal, program uint32
	for v := uint32(0); v < uint32(g.NodeCount()); v++ {
		if g.TypeName(v) != "closure" {
			continue
		}
		switch sc := g.ScriptName(v); {
		case internal == 0 && strings.HasPrefix(sc, "node:"):
			internal = v
		case program == 0 && programScript(sc):
			program = v
		}
	}
	if internal == 0 || program == 0 {
		t.Fatalf("closures: node's %d, the program's %d", internal, program)
	}
	if !x.nodeOwnClosures(Suspect{Pattern: PatternClosure, rep: internal}) {
		t.Error("node's own closure kept")
	}
	if x.nodeOwnClosures(Suspect{Pattern: PatternClosure, rep: program}) {
		t.Error("the program's closure dropped")
	}
	if x.nodeOwnClosures(Suspect{Pattern: PatternClosure, rep: internal, scripts: []string{"/srv/app.js"}}) {
		t.Error("node's closure on a path through the program dropped")
	}
}
