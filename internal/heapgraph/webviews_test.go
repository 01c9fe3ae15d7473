package heapgraph

import (
	"path/filepath"
	"testing"
)

// TestPathsIgnoring: with nothing ignored the backward search finds a path
// as short as the distance says; ignoring the path's last edge finds
// another path or none, never one through that edge.
func TestPathsIgnoring(t *testing.T) {
	g, err := Build(loadGolden(t, filepath.Join(goldenDir, "casestudy.heapsnapshot.gz")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for n := uint32(0); n < uint32(g.NodeCount()) && checked < 5; n++ {
		if g.ClassName(n) != "RequestContext" || g.TypeName(n) != "object" {
			continue
		}
		checked++
		none := func(uint32) bool { return false }
		ps := g.PathsIgnoring(n, 3, none, 0)
		if len(ps) == 0 {
			t.Fatalf("no path to @%d", g.ID(n))
		}
		p := ps[0]
		if p[len(p)-1].Node != n || p[0].Edge != NoEdge || !g.isPathStart(p[0].Node) {
			t.Fatalf("path does not run from a root to the node: %+v", p)
		}
		if len(p) > len(g.ShortestPaths(n, 1)[0]) {
			t.Errorf("@%d: backward search found %d steps, distances give %d", g.ID(n), len(p), len(g.ShortestPaths(n, 1)[0]))
		}
		for i := 1; i < len(p); i++ {
			if lo, hi := g.EdgeRange(p[i-1].Node); p[i].Edge < lo || p[i].Edge >= hi || g.S.EdgeTo[p[i].Edge] != p[i].Node {
				t.Fatalf("step %d's edge does not lead from the previous node", i)
			}
		}
		last := p[len(p)-1].Edge
		for _, q := range g.PathsIgnoring(n, 3, func(e uint32) bool { return e == last }, 0) {
			for _, st := range q {
				if st.Edge == last {
					t.Errorf("path through the ignored edge: %s", g.FormatPath(q))
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no RequestContext in the case study")
	}
}
