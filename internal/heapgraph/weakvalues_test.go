package heapgraph

import (
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// TestWeakValuesRetained: the emitter whose listeners keep 60 WeakMap keys
// alive is credited with the 50 values only those keys keep (not the 10
// also held by an array), one Connection with its own value, and DevTools'
// retained sizes stay as they are.
func TestWeakValuesRetained(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.heapsnapshot")
	if b, err := nodetest.Command(t, "../../testdata/weak/weak-values.js", out).CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	g, err := Build(loadGolden(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var bus, conn, meta uint32
	found := 0
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if g.TypeName(n) != "object" {
			continue
		}
		switch g.ClassName(n) {
		case "EventEmitter":
			// node has emitters of its own: bus is the one with
			// the 60 listeners (its _events.drain array).
			if listeners(g, n) == 60 {
				bus, found = n, found|1
			}
		case "Connection":
			if found&2 == 0 {
				conn, found = n, found|2
			}
		case "Meta":
			if found&4 == 0 {
				meta, found = n, found|4
			}
		}
	}
	if found != 7 {
		t.Fatalf("found %b of EventEmitter, Connection, Meta", found)
	}
	before := g.RetainedSize(bus)
	size, count := g.WeakValuesRetained(bus)
	t.Logf("emitter: retained %d, +%d in %d weak values; a Meta retains %d", before, size, count, g.RetainedSize(meta))
	if count != 50 {
		t.Errorf("emitter: %d weak values, want the 50 only its listeners' keys keep", count)
	}
	if size < 50*g.RetainedSize(meta)/2 {
		t.Errorf("emitter: +%d bytes, want about 50 Metas (%d each)", size, g.RetainedSize(meta))
	}
	if g.RetainedSize(bus) != before {
		t.Error("DevTools' retained size changed")
	}
	if _, c := g.WeakValuesRetained(conn); c > 1 {
		t.Errorf("one Connection: %d weak values, want at most its own", c)
	}
	if _, c := g.WeakValuesRetained(meta); c != 0 {
		t.Errorf("a Meta: %d weak values, want none", c)
	}
}

// listeners is the length of the emitter n's _events.drain array.
func listeners(g *Graph, n uint32) int {
	for e, ev := range g.Edges(n) {
		if g.S.EdgeName(e) != "_events" {
			continue
		}
		for e2, arr := range g.Edges(ev) {
			if g.S.EdgeName(e2) == "drain" {
				c := 0
				for e3 := range g.Edges(arr) {
					if g.S.EdgeTypeName(e3) == "element" {
						c++
					}
				}
				return c
			}
		}
	}
	return 0
}
