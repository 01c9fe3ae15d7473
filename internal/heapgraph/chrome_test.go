package heapgraph

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// TestChromeDetachedDOM checks the browser rules on a snapshot written by
// Chromium (testdata/browser/leaky.html after 6 redraws of 20 rows, 140 rows
// kept in a Map, 20 of them in the document; scripts/golden/make-chrome.sh).
// TestGolden already compares every node with DevTools; this says what
// those numbers mean for the detached rows.
func TestChromeDetachedDOM(t *testing.T) {
	s := loadGolden(t, filepath.Join(goldenDir, "chrome-leaky.heapsnapshot.gz"))
	if s.NodeDetachedness == nil {
		t.Fatal("a Chrome snapshot has a detachedness field")
	}
	raw := append([]uint8(nil), s.NodeDetachedness...)
	g, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	classes := map[string]int{}
	propagated := 0
	native := s.NodeTypeIndex.Native
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		name := g.S.NodeNameString(n)
		detached := strings.HasPrefix(name, "Detached ")
		if int(s.NodeType[n]) != native {
			if detached || g.Detachedness(n) != DetachednessUnknown {
				t.Fatalf("JS node %d %q: detachedness %d, only native nodes carry a DOM state", n, name, g.Detachedness(n))
			}
			continue
		}
		if detached != (g.Detachedness(n) == DetachednessDetached) {
			t.Fatalf("native %d %q: detachedness %d", n, name, g.Detachedness(n))
		}
		if detached {
			classes[g.ClassName(n)]++
			if raw[n] == DetachednessUnknown {
				propagated++ // an InternalNode or listener below a detached element
			}
		}
	}
	// Blink marks the elements; the rest of each row's subtree is detached
	// by propagation.
	if classes["Detached <li>"] != 120 || classes["Detached <div>"] != 120 {
		t.Errorf("detached rows: %v, want 120 <li> and 120 <div> (140 cached, 20 attached)", classes)
	}
	if propagated == 0 || classes["Detached EventListener"] == 0 {
		t.Errorf("nothing detached by propagation (classes %v)", classes)
	}

	// The rows are held by the page's rowCache Map: it retains them all.
	var row, cache uint32
	found := false
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if g.ClassName(n) == "Detached <li>" {
			row, found = n, true
			break
		}
	}
	if !found {
		t.Fatal("no detached row")
	}
	for d := g.Dominator(row); d != g.Root; d = g.Dominator(d) {
		if g.S.NodeNameString(d) == "Map" {
			cache = d
			break
		}
	}
	if cache == 0 || g.RetainedSize(cache) < 120*g.RetainedSize(row) {
		t.Errorf("the Map does not dominate the rows: dominator chain of %d ends without a Map retaining 120 rows", g.ID(row))
	}

	// propagateDOMState renames in the snapshot's own string table: a
	// second Build of the same snapshot must not prefix the names again.
	before := make([]uint8, g.NodeCount())
	for n := range before {
		before[n] = g.Detachedness(uint32(n))
	}
	g2, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The states are propagated in the snapshot's own array: propagating
	// them again must give the same states.
	for n, d := range before {
		if got := g2.Detachedness(uint32(n)); got != d {
			t.Fatalf("second Build: node %d detachedness %d, first %d", n, got, d)
		}
	}
	if n := g.S.NodeNameString(row); strings.HasPrefix(n, "Detached Detached") {
		t.Errorf("renamed twice: %q", n)
	}
}

// TestDetachedByName: snapshots of Chrome before the detachedness field
// name detached nodes themselves; DevTools then marks those native nodes
// detached and propagates nothing.
func TestDetachedByName(t *testing.T) {
	const snap = `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic"],"string","number","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":5,"edge_count":4},
"nodes":[9,0,1,0,2, 3,1,3,20,1, 8,2,5,30,1, 8,3,7,40,0, 8,4,9,50,0],
"edges":[5,5,5, 1,1,20, 2,6,10, 1,0,15],
"strings":["","Window","Detached HTMLDivElement","Text","HTMLDivElement","global","cache"]}`
	s, err := heapsnapshot.Read(strings.NewReader(snap), heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []uint8{DetachednessUnknown, DetachednessUnknown, DetachednessDetached, DetachednessUnknown, DetachednessUnknown}
	for n, w := range want {
		if got := g.Detachedness(uint32(n)); got != w {
			t.Errorf("node %d %q: detachedness %d, want %d", n, g.S.NodeNameString(uint32(n)), got, w)
		}
	}
	if c := g.ClassName(2); c != "Detached HTMLDivElement" {
		t.Errorf("class %q", c)
	}
}

// TestAllUnknownDetachedness: Node.js writes the detachedness field with
// every state unknown. Then, as in DevTools, nothing is detached, not even
// by name; the array is dropped (a byte a node less at the dominators'
// peak), and a second Build of the same snapshot agrees. The parser drops
// it (without reading it); Build drops it too when a snapshot made some
// other way carries it.
func TestAllUnknownDetachedness(t *testing.T) {
	const snap = `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","detachedness"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic"],"string","number","number","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":5,"edge_count":4},
"nodes":[9,0,1,0,2,0, 3,1,3,20,1,0, 8,2,5,30,1,0, 8,3,7,40,0,0, 8,4,9,50,0,0],
"edges":[5,5,6, 1,1,24, 2,6,12, 1,0,18],
"strings":["","Window","Detached HTMLDivElement","Text","HTMLDivElement","global","cache"]}`
	s, err := heapsnapshot.Read(strings.NewReader(snap), heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.NodeDetachedness != nil || !s.DetachednessUnknown {
		t.Fatalf("the parser kept the all-unknown detachedness field (%d bytes)", len(s.NodeDetachedness))
	}
	for _, keep := range []bool{false, true} {
		if keep {
			s.NodeDetachedness, s.DetachednessUnknown = make([]uint8, s.NodeCount), false
		}
		checkAllUnknown(t, s)
	}
}

func checkAllUnknown(t *testing.T, s *heapsnapshot.Snapshot) {
	t.Helper()
	for range 2 {
		g, err := Build(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if s.NodeDetachedness != nil || !s.DetachednessUnknown {
			t.Errorf("all-unknown detachedness kept (%d bytes)", len(s.NodeDetachedness))
		}
		for n := uint32(0); n < 5; n++ {
			if got := g.Detachedness(n); got != DetachednessUnknown {
				t.Errorf("node %d %q: detachedness %d, want unknown", n, g.S.NodeNameString(n), got)
			}
		}
	}
}

// TestGoldenStatistics compares DevTools' Statistics (the Summary view's
// pie chart) where a golden has them (NAME.stats.json, written by
// scripts/golden/make-chrome.sh): Chrome's snapshots carry
// extra_native_bytes, embedder memory without nodes that DevTools counts in
// the total and the native size.
func TestGoldenStatistics(t *testing.T) {
	dirs := []string{goldenDir}
	if extra := os.Getenv("LEAKHOUND_GOLDEN_DIR"); extra != "" {
		dirs = append(dirs, extra)
	}
	n := 0
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(dir, "*.stats.json"))
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".stats.json")
			n++
			t.Run(name, func(t *testing.T) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				var want struct {
					Total       uint64 `json:"total"`
					Native      uint64 `json:"native"`
					TypedArrays uint64 `json:"typed_arrays"`
					V8Heap      uint64 `json:"v8_heap"`
					Code        uint64 `json:"code"`
					JSArrays    uint64 `json:"js_arrays"`
					Strings     uint64 `json:"strings"`
					System      uint64 `json:"system"`
				}
				if err := json.Unmarshal(data, &want); err != nil {
					t.Fatal(err)
				}
				g, err := Build(loadGolden(t, filepath.Join(dir, name+".heapsnapshot.gz")), Options{})
				if err != nil {
					t.Fatal(err)
				}
				st := g.Stats
				got := [8]uint64{st.Total, st.Native, st.TypedArrays, st.V8Heap, st.Code, st.JSArrays, st.Strings, st.System}
				exp := [8]uint64{want.Total, want.Native, want.TypedArrays, want.V8Heap, want.Code, want.JSArrays, want.Strings, want.System}
				if got != exp {
					t.Errorf("statistics (total, native, typed arrays, V8 heap, code, JS arrays, strings, system):\n got %v\nDevTools %v", got, exp)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no *.stats.json golden (run scripts/golden/make-chrome.sh)")
	}
}
