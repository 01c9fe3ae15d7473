package leak

import (
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// slotMeta is the meta of the hand-written snapshots below: V8's node and
// edge types.
const slotMeta = `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},`

// TestStringHolderIsNoSlot: V8 can give a new object the id of a dead one
// that lived at the same address (a large string freed and another
// allocated in its place). A string never changes what it holds, so the
// same string id holding a different, bigger "first" is such a reuse, not
// a slot rebuilt bigger (TestRebuiltButBoundedIsNoLeak failed about once
// in twenty runs on a busy machine, with a concatenated string as the
// holder).
func TestStringHolderIsNoSlot(t *testing.T) {
	strs := `"strings":["","global","log","first","second","aaaa","b","cccc"]}`
	// global.log is the cons string @100 (first: @200, 100 KB) in both;
	// in the second, @100's first is a new cons @300 holding @200 and a new
	// 100 KB string @400.
	s1 := slotMeta + `"node_count":5,"edge_count":4},
"nodes":[9,0,1,0,1, 3,1,3,32,1, 10,5,100,32,2, 2,5,200,100000,0, 2,6,201,20,0],
"edges":[1,1,5, 2,2,10, 3,3,15, 3,4,20],` + strs
	s2 := slotMeta + `"node_count":7,"edge_count":6},
"nodes":[9,0,1,0,1, 3,1,3,32,1, 10,5,100,32,2, 10,5,300,32,2, 2,5,200,100000,0, 2,7,400,100000,0, 2,6,201,20,0],
"edges":[1,1,5, 2,2,10, 3,3,15, 3,4,30, 3,3,20, 3,4,25],` + strs
	gs := []*heapgraph.Graph{graphOf(t, s1), graphOf(t, s2)}
	rep, err := Analyze(2, func(i int) (*heapgraph.Graph, error) { return gs[i], nil }, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Suspects {
		if s.Holder != nil && s.Holder.Slot == "first" {
			t.Errorf("suspect %s %s held by the %s slot of %s @%d", s.Pattern, s.Class, s.Holder.Slot, s.Holder.Class, s.Holder.ID)
		}
	}
}
