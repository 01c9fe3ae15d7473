package heapgraph

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCaseStudyPaths checks the retaining path of a leaked RequestContext
// in the case-study snapshot: held by an onResponse listener in the
// EventEmitter's 'response' listener array.
func TestCaseStudyPaths(t *testing.T) {
	s := loadGolden(t, filepath.Join(goldenDir, "casestudy.heapsnapshot.gz"))
	g, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ctx uint32
	found := 0
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if g.ClassName(n) == "RequestContext" && g.TypeName(n) == "object" {
			if found == 0 {
				ctx = n
			}
			found++
		}
	}
	if found != 40 {
		t.Fatalf("found %d RequestContext objects, want 40", found)
	}
	paths := g.ShortestPaths(ctx, 3)
	if len(paths) == 0 {
		t.Fatal("no path to a RequestContext")
	}
	for _, p := range paths {
		if got, want := len(p), int(g.Distance(ctx)); got != want {
			t.Errorf("path has %d steps, want the distance %d", got, want)
		}
		if p[len(p)-1].Node != ctx || p[0].Edge != NoEdge {
			t.Errorf("path does not run from a root to the node: %+v", p)
		}
		for i := 1; i < len(p); i++ {
			if g.S.EdgeTo[p[i].Edge] != p[i].Node {
				t.Fatalf("step %d: edge does not lead to the node", i)
			}
			lo, hi := g.EdgeRange(p[i-1].Node)
			if p[i].Edge < lo || p[i].Edge >= hi {
				t.Fatalf("step %d: edge does not leave the previous node", i)
			}
			if g.IsWeakEdge(p[i].Edge) {
				t.Fatalf("step %d: weak edge", i)
			}
		}
		text := g.FormatPath(p)
		t.Log(text)
		for _, want := range []string{"EventEmitter._events.response → Array[40] → (closure) onResponse → context → RequestContext @"} {
			if !strings.Contains(text, want) {
				t.Errorf("path %q lacks %q", text, want)
			}
		}
	}
	// Unreachable and root nodes have no paths.
	if p := g.ShortestPaths(g.Root, 3); p != nil {
		t.Errorf("root has paths: %v", p)
	}
}

// TestPathStepsCarryTheirEdge checks, on every golden snapshot and many
// nodes, that each step's edge is the one leading from the previous step's
// node into that step's node (a reported doubt: that edges were shifted by
// one step). It also checks paths are non-weak and as long as the distance.
func TestPathStepsCarryTheirEdge(t *testing.T) {
	for _, name := range goldenNames(t) {
		s := loadGolden(t, filepath.Join(goldenDir, name+".heapsnapshot.gz"))
		g, err := Build(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for n := uint32(1); n < uint32(g.NodeCount()); n += 7 {
			for _, p := range g.ShortestPaths(n, 3) {
				checked++
				if p[0].Edge != NoEdge || p[len(p)-1].Node != n || len(p) != pathLen(g, n) {
					t.Fatalf("%s: bad path to node %d: %+v", name, n, p)
				}
				for i := 1; i < len(p); i++ {
					e := p[i].Edge
					lo, hi := g.EdgeRange(p[i-1].Node)
					if e < lo || e >= hi || g.S.EdgeTo[e] != p[i].Node || g.IsWeakEdge(e) {
						t.Fatalf("%s: step %d of the path to node %d: edge %d does not lead from node %d to node %d",
							name, i, n, e, p[i-1].Node, p[i].Node)
					}
				}
			}
		}
		if checked == 0 {
			t.Fatalf("%s: no paths checked", name)
		}
	}
}

// pathLen is the number of steps of a shortest path to n: its distance
// from the user roots, or from the first system level.
func pathLen(g *Graph, n uint32) int {
	d := g.Distance(n)
	if d >= BaseSystemDistance {
		return int(d - g.Distance(g.Root))
	}
	return int(d)
}
