package heapgraph

import (
	"path/filepath"
	"slices"
	"sort"
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

// TestRetainerPieces: the retainer index in pieces, whatever their size,
// is the one buildRetainers builds whole, and only a piece of one target
// exceeds the limit.
func TestRetainerPieces(t *testing.T) {
	for _, name := range goldenNames(t) {
		s := loadGolden(t, filepath.Join(goldenDir, name+".heapsnapshot.gz"))
		g, err := Build(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		g.buildRetainers()
		first, nodes, edges := g.firstRetainer, g.retainerNode, g.retainerEdge
		g.firstRetainer, g.retainerNode, g.retainerEdge = nil, nil, nil
		// From a piece of a few targets (every golden snapshot has targets
		// with more retainers than that) to one piece.
		m := s.EdgeCount
		for _, limit := range []int{max(m/200, 2), m / 7, m / 2, 1 << 30} {
			var gotFirst, gotNodes, gotEdges []uint32
			pieces := 0
			err := g.RetainerPieces(limit, func(f []uint32) error {
				gotFirst = slices.Clone(f)
				return nil
			}, func(n, e []uint32) error {
				if len(n) > limit {
					// Then it is one target's whole range.
					k := len(gotNodes)
					i := sort.Search(len(first), func(i int) bool { return int(first[i]) > k }) - 1
					if int(first[i+1])-k != len(n) {
						t.Fatalf("%s, limit %d: a piece of %d entries spans targets", name, limit, len(n))
					}
				}
				pieces++
				gotNodes = append(gotNodes, n...)
				gotEdges = append(gotEdges, e...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(gotFirst, first) || !slices.Equal(gotNodes, nodes) || !slices.Equal(gotEdges, edges) {
				t.Fatalf("%s, limit %d: the pieces differ from the whole index", name, limit)
			}
			if limit == 1<<30 && pieces != 1 {
				t.Fatalf("%s: %d pieces with no limit", name, pieces)
			}
		}
	}
}
