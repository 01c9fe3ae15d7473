package heapgraph

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// TestPathTextOfInspectorSnapshot: paths read the same whatever took the
// snapshot (the inspector names the global object "global / "), node's
// timer list keyed by duration reads timerListMap[60000] (not an Array of
// 60000 elements), and no two paths printed are the same text.
func TestPathTextOfInspectorSnapshot(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.heapsnapshot")
	if b, err := nodetest.Command(t, "../../testdata/pathtext/inspector-timer.js", out).CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	g, err := Build(loadGolden(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	globalSlash, timer := false, uint32(0)
	found := false
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if strings.HasPrefix(g.ClassName(n), "global /") {
			globalSlash = true
		}
		if g.ClassName(n) == "Delivery" && g.TypeName(n) == "object" {
			timer, found = n, true
		}
	}
	if !globalSlash {
		t.Log("this node names the global object plainly; the global / case is not exercised")
	}
	if !found {
		t.Fatal("no Delivery in the snapshot")
	}
	paths := g.ShortestPaths(timer, 20)
	if len(paths) == 0 {
		t.Fatal("no path to the Delivery")
	}
	seen := map[string]bool{}
	timerList := false
	for _, p := range paths {
		text := g.FormatPath(p)
		t.Log(text)
		if seen[text] {
			t.Errorf("path printed twice: %s", text)
		}
		seen[text] = true
		if strings.Contains(text, "global /") {
			t.Errorf("path %q names the global object by the inspector's name", text)
		}
		if strings.Contains(text, "Object[60000]") {
			t.Errorf("path %q reads like an array of 60000 elements", text)
		}
		timerList = timerList || strings.Contains(text, "timerListMap[60000]")
	}
	if !timerList {
		t.Errorf("no path through timerListMap[60000]")
	}
}

// A top-level variable of an ES module reads `module esm-module.mjs →
// items → …`, not the dozen steps of node's module loader before it.
func TestPathTextOfModuleVariable(t *testing.T) {
	for _, text := range pathsTo(t, "esm-module.mjs", "Item", 1) {
		if !strings.HasPrefix(text, "module esm-module.mjs → items → Array[10] → Item @") {
			t.Errorf("path %q, want it to start at the module's variable", text)
		}
	}
}

// A CommonJS module's top-level variable reads `module cjs-module.js →
// cache → …` whichever way the module's scope was reached (a timer's or a
// listener's callback defined in it, the module wrapper), and a library's
// `module tiny-cache/index.js → store → …`.
func TestPathTextOfCommonJSModuleVariable(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.heapsnapshot")
	if b, err := nodetest.Command(t, "../../testdata/pathtext/cjs-module.js", out).CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	g, err := Build(loadGolden(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Item": "module cjs-module.js → cache → Map → Item @", "Entry": "module tiny-cache/index.js → store → Map → Entry @"}
	done := map[string]bool{}
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		prefix, ok := want[g.ClassName(n)]
		if !ok || g.TypeName(n) != "object" || done[g.ClassName(n)] {
			continue
		}
		done[g.ClassName(n)] = true
		paths := g.ShortestPaths(n, 5)
		if len(paths) == 0 {
			t.Fatalf("no path to a %s", g.ClassName(n))
		}
		for _, p := range paths {
			text := g.FormatPath(p)
			t.Log(text)
			if !strings.HasPrefix(text, prefix) {
				t.Errorf("path %q, want it to start at the module's variable: %s…", text, prefix)
			}
		}
	}
	if len(done) != len(want) {
		t.Fatalf("found %v in the snapshot, want %v", done, want)
	}
}

// A CommonJS module variable reached from a stack frame (the module's own
// async code is running) reads `module cjs-stack.js → registry → …`, not
// (GC roots) → (Stack roots) → system / Context → registry.
func TestPathTextOfModuleOnStack(t *testing.T) {
	for _, text := range pathsTo(t, "cjs-stack.js", "Widget", 1) {
		if !strings.HasPrefix(text, "module cjs-stack.js → registry") {
			t.Errorf("path %q, want it to start at the module's variable", text)
		}
	}
}

// An ES module's variable reached through a function another module
// imports from it (node 22 and later go through the importer's record and
// a Cell) still reads `module esm-shelf.mjs → shelf → …`.
func TestPathTextOfImportedModuleVariable(t *testing.T) {
	for _, text := range pathsTo(t, "esm-import.mjs", "Book", 3) {
		if !strings.HasPrefix(text, "module esm-shelf.mjs → shelf → Map") {
			t.Errorf("path %q, want it to start at the module's variable", text)
		}
	}
}

// pathsTo runs testdata/pathtext/script, which writes one snapshot, and
// returns the text of up to max shortest paths to the first object of
// class there.
func pathsTo(t *testing.T, script, class string, max int) []string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "s.heapsnapshot")
	if b, err := nodetest.Command(t, "../../testdata/pathtext/"+script, out).CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	g, err := Build(loadGolden(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if g.ClassName(n) != class || g.TypeName(n) != "object" {
			continue
		}
		var texts []string
		for _, p := range g.ShortestPaths(n, max) {
			texts = append(texts, g.FormatPath(p))
			t.Log(texts[len(texts)-1])
		}
		if len(texts) == 0 {
			t.Fatalf("no path to a %s", class)
		}
		return texts
	}
	t.Fatalf("no %s in the snapshot", class)
	return nil
}

// An ES module's export kept only by the module's own record (its table
// of exports, a Cell per name) reads `module esm-catalog.mjs → catalog →
// …`: the export's name, not `{0} → (array) {16} → system / Cell`.
func TestPathTextOfModuleExport(t *testing.T) {
	for _, text := range pathsTo(t, "esm-export.mjs", "Item", 3) {
		if !strings.HasPrefix(text, "module esm-catalog.mjs → catalog → Map") {
			t.Errorf("path %q, want it to start at the module's export", text)
		}
	}
}

// A property named by a whole text (a template cache's key) is shown on
// one line, clipped: control characters escaped, quotes as they are.
func TestKeyText(t *testing.T) {
	long := "<!doctype html>\n<html lang=\"en\">\t" + strings.Repeat("x", 200)
	got := edgeSuffix("property", long)
	want := `["<!doctype html>\n<html lang="en">\t` + strings.Repeat("x", 80-33) + `…"]`
	if got != want {
		t.Errorf("edgeSuffix = %q, want %q", got, want)
	}
	if got := edgeSuffix("property", "plain"); got != ".plain" {
		t.Errorf("edgeSuffix(plain) = %q", got)
	}
	if got := edgeSuffix("property", "a b"); got != `["a b"]` {
		t.Errorf("edgeSuffix(a b) = %q", got)
	}
}
