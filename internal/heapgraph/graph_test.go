package heapgraph

import (
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// TestTinyGraph checks a hand-written graph against the numbers DevTools'
// own code prints for it (oracle.mjs nodes/summary on tinySnapshot): a user
// root, an edge from the non-page (GC roots) into page objects that does
// not count for dominators, a self edge, and two nodes with only weak or
// self retainers.
func TestTinyGraph(t *testing.T) {
	s, err := heapsnapshot.Read(strings.NewReader(tinySnapshot), heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id       uint32
		name     string
		class    string
		retained uint64
		distance int32
		dom      uint32
	}{
		{1, "", "(synthetic)", 100, 100000000, 1},
		{3, "(GC roots)", "(synthetic)", 0, 100000001, 1},
		{5, "{next, next}", "Object", 30, 1, 1},
		{7, "Foo", "Foo", 20, 2, 5},
		{9, "Bar", "Bar", 30, -5, 1},
		{11, "Bar", "Bar", 40, -5, 1},
	}
	for i, w := range want {
		n := uint32(i)
		if g.ID(n) != w.id || g.Name(n) != w.name || g.ClassName(n) != w.class || g.RetainedSize(n) != w.retained ||
			g.Distance(n) != w.distance || g.ID(g.Dominator(n)) != w.dom {
			t.Errorf("node %d: got @%d %q %q retained %d distance %d dominator @%d; want %+v", n, g.ID(n), g.Name(n),
				g.ClassName(n), g.RetainedSize(n), g.Distance(n), g.ID(g.Dominator(n)), w)
		}
		if m, ok := g.NodeByID(w.id); !ok || m != n {
			t.Errorf("NodeByID(%d) = %d, %v", w.id, m, ok)
		}
	}
	if _, ok := g.NodeByID(4); ok {
		t.Error("NodeByID found a missing id")
	}
	var rows []string
	for _, r := range g.Summary() {
		rows = append(rows, r.Name+" "+itoa(r.Count)+" "+itoa(int(r.Shallow))+" "+itoa(int(r.Retained))+" "+itoa(int(r.Distance)))
	}
	if got, want := strings.Join(rows, "; "), "Bar 2 70 70 -5; Object 1 10 30 1; Foo 1 20 20 2"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if p := g.ShortestPaths(3, 5); len(p) != 1 || g.FormatPath(p[0]) != "Object.next → Foo @7" {
		t.Errorf("paths to Foo: %v", p)
	}
	if p := g.ShortestPaths(4, 5); p != nil {
		t.Errorf("unreachable node has paths %v", p)
	}
	if g.Stats.Total != 100 {
		t.Errorf("total %d, want 100", g.Stats.Total)
	}
}

func itoa(v int) string {
	if v < 0 {
		return "-" + itoa(-v)
	}
	if v < 10 {
		return string(rune('0' + v))
	}
	return itoa(v/10) + string(rune('0'+v%10))
}
