package leak

import (
	"strings"
	"testing"
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
