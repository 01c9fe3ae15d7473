package leak

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// TestChromeDetachedDOM runs the series analysis on two snapshots Chromium
// wrote of testdata/browser/leaky.html in one inspector session
// (scripts/golden/make-chrome.sh): a list view whose redraws remove rows
// from the document but keep them in a Map. The detached rows themselves
// (native nodes: Blink merges an element's JS wrapper into it) must be the
// suspect, with the Map as the holder, and not the listener closures that
// hang below them.
func TestChromeDetachedDOM(t *testing.T) {
	rep := analyzeFiles(t, []string{
		"../../testdata/browser/leaky-1.heapsnapshot.gz",
		"../../testdata/golden/chrome-leaky.heapsnapshot.gz",
	})
	if len(rep.Suspects) == 0 {
		t.Fatal("no suspect")
	}
	s := rep.Suspects[0]
	t.Logf("%s %s %v %v holder %+v\n  path %s\n  code %+v\n  fix: %s", s.Pattern, s.Class, s.Count, s.RetainedSize, s.Holder, s.PathText, s.Location, s.Hint)
	if s.Pattern != PatternDetachedDOM || s.Class != "Detached <li>" || s.RootClass != "Detached <li>" {
		t.Errorf("top suspect: %s %s (root class %s), want detached-dom Detached <li>", s.Pattern, s.Class, s.RootClass)
	}
	// 60 rows kept after the first 3 redraws, 120 after 6 (20 rows each,
	// the last 20 in the document); each row retains its <div>, text and
	// listener.
	if len(s.Count) != 2 || s.Count[0] != 60 || s.Count[1] != 120 || s.NewObjects != 40 {
		t.Errorf("count %v, new %d; want 60 → 120, 40 new", s.Count, s.NewObjects)
	}
	if s.GrowthBytes < 120*60 {
		t.Errorf("growth %d bytes: less than the rows' own elements", s.GrowthBytes)
	}
	if s.Holder == nil || s.Holder.Class != "Map" {
		t.Errorf("holder %+v, want the Map", s.Holder)
	}
	if !strings.Contains(s.PathText, "rowCache → Map → Detached <li>") {
		t.Errorf("path %q does not go through the page's rowCache Map", s.PathText)
	}
	if s.Location == nil || !strings.HasSuffix(s.Location.Script, "/leaky.html") || s.Location.Line != 23 {
		t.Errorf("code %+v, want the row's listener in leaky.html:23", s.Location)
	}
	if !strings.Contains(s.Hint, "detached <li> elements (60 → 120)") || !strings.Contains(s.Hint, "Map @") {
		t.Errorf("hint %q", s.Hint)
	}
	for _, o := range rep.Suspects[1:] {
		if o.Pattern == PatternClosure {
			t.Errorf("the rows' listener closures are a suspect of their own: %+v", o)
		}
	}
}

// A WeakMap value is reached from the WeakMap's table by an internal edge
// named after the pair (here as Chromium wrote it for a WeakMap keyed by
// elements): it is a collection entry, so the WeakMap is the holder, not
// whatever array-like object lies further up the path.
func TestWeakMapEntryEdge(t *testing.T) {
	x := &explainer{}
	in := rawStep{edgeType: "internal", edgeName: "7 / part of key (HTMLElement @67215) -> value (Object @67217) pair in WeakMap (table @59999)"}
	if !x.intoCollection(0, in) {
		t.Errorf("%q is not a collection entry", in.edgeName)
	}
	for _, name := range []string{"table", "elements", "part of key"} {
		if x.intoCollection(0, rawStep{edgeType: "internal", edgeName: name}) {
			t.Errorf("%q is a collection entry", name)
		}
	}
}

// TestDOMListenerOnWindow: a listener added to window for every row, whose
// closure keeps the row after it left the document. The graph is how
// Chromium writes it: window → listener vector (InternalNode) →
// EventListener → V8EventListener → the function → its context → the
// element. The suspect is an event-listener leak on the window, naming the
// removed element, with removeEventListener as the fix.
func TestDOMListenerOnWindow(t *testing.T) {
	const snap = `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","detachedness"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic"],"string","number","number","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":8,"edge_count":7},
"nodes":[9,0,1,0,1,0, 8,1,3,100,1,1, 8,2,5,20,1,0, 8,3,7,20,1,0, 8,4,9,20,1,0, 5,0,11,32,1,0, 3,5,13,24,1,0, 8,6,15,104,0,2],
"edges":[5,7,6, 1,1,12, 1,1,18, 1,1,24, 1,1,30, 0,8,36, 0,9,42],
"strings":["","Window / http://127.0.0.1","InternalNode","EventListener","V8EventListener","system / Context","<li class=\"row\">","global","context","row"]}`
	g := graphOf(t, snap)
	const closure, li = 5, 7
	if g.ClassName(li) != "Detached <li>" || g.Detachedness(4) != heapgraph.DetachednessAttached {
		t.Fatalf("DOM state: %q, listener %d", g.ClassName(li), g.Detachedness(4))
	}
	x := newExplainer(g, newShaper(g, newShapeTrie()))
	sus := Suspect{rep: closure, Count: []int64{80, 200}, RetainedSize: []uint64{1, 2}}
	x.explain(&sus)
	if sus.Pattern != PatternEventListener || sus.Class != "Detached <li>" {
		t.Errorf("suspect %s %s, want event-listener Detached <li>", sus.Pattern, sus.Class)
	}
	if h := sus.Holder; h == nil || h.Kind != "listeners" || h.ID != 3 {
		t.Errorf("holder %+v, want the window @3", sus.Holder)
	}
	if !strings.Contains(sus.Hint, "removeEventListener") || !strings.Contains(sus.Hint, "removed <li> elements") {
		t.Errorf("hint %q", sus.Hint)
	}
}

// TestComponentKeepsElement: a cache of the program's components (Row),
// each holding the element it rendered after the element left the page.
// The suspect is the cache, and the fix says that removed DOM comes along.
func TestComponentKeepsElement(t *testing.T) {
	const snap = `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","detachedness"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic"],"string","number","number","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":6,"edge_count":5},
"nodes":[9,0,1,0,1,0, 3,1,3,100,1,0, 3,2,5,40,1,0, 1,0,7,64,1,0, 3,3,9,24,1,0, 8,4,11,104,0,2],
"edges":[5,5,6, 2,6,12, 3,7,18, 1,1,24, 2,8,30],
"strings":["","Window","Map","Row","<li>","global","cache","table","el"]}`
	g := graphOf(t, snap)
	x := newExplainer(g, newShaper(g, newShapeTrie()))
	sus := Suspect{rep: 4, Count: []int64{60, 120}, RetainedSize: []uint64{1, 2}}
	x.explain(&sus)
	if sus.Pattern != PatternCollection || sus.Class != "Row" || sus.Holder == nil || sus.Holder.Kind != "Map" {
		t.Errorf("suspect %s %s holder %+v, want unbounded-collection Row in a Map", sus.Pattern, sus.Class, sus.Holder)
	}
	if !strings.HasSuffix(sus.Hint, "; each keeps a removed DOM element (Detached <li>) alive") {
		t.Errorf("hint %q", sus.Hint)
	}
}

// Node.js marks its per-realm binding data detached (DevTools: "Detached
// Node / BindingData"): not DOM, so never a detached-dom leak root.
func TestNodeBindingDataIsNotDOM(t *testing.T) {
	g, err := loadGraph("../../testdata/golden/casestudy.heapsnapshot.gz")
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for v := uint32(0); v < uint32(g.NodeCount()); v++ {
		if g.Detachedness(v) == heapgraph.DetachednessDetached {
			marked++
		}
		if detachedDOM(g, v) {
			t.Fatalf("%s @%d counts as detached DOM", g.S.NodeNameString(v), g.ID(v))
		}
	}
	if marked == 0 {
		t.Fatal("node marked nothing detached: the test checks nothing")
	}
}
