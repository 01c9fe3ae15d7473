package heapgraph

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// TestConsStringNames: the bottom-up, remembered naming of concatenated
// strings gives exactly what the plain walk (DevTools' way) gives, for
// every concatenated string of a real snapshot, in any order of asking.
func TestConsStringNames(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.heapsnapshot")
	if b, err := nodetest.Command(t, "../../testdata/consstrings/strings.js", out).CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	g, err := Build(loadGolden(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cons := g.S.NodeTypeIndex.ConcatenatedString
	var all []uint32
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if int(g.S.NodeType[n]) == cons {
			all = append(all, n)
		}
	}
	if len(all) < 4000 {
		t.Fatalf("only %d concatenated strings", len(all))
	}
	// Deepest first in one pass, outermost first in the other.
	for pass := 0; pass < 2; pass++ {
		g.consNames = nil
		for i := range all {
			n := all[i]
			if pass == 1 {
				n = all[len(all)-1-i]
			}
			if got, want := g.Name(n), walkConsName(g, n); got != want {
				t.Fatalf("pass %d: @%d named %q, want %q", pass, g.ID(n), clip(got), clip(want))
			}
		}
	}
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// walkConsName is the plain depth-first walk the names must equal.
func walkConsName(g *Graph, n uint32) string {
	s := g.S
	var b strings.Builder
	stack := []uint32{n}
	for len(stack) > 0 && utf16Len(b.String()) < 1024 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if int(s.NodeType[v]) != s.NodeTypeIndex.ConcatenatedString {
			b.Write(s.Strings.Bytes(s.NodeName[v]))
			continue
		}
		if second, ok := g.consPiece(v, "second"); ok {
			stack = append(stack, second)
		}
		if first, ok := g.consPiece(v, "first"); ok {
			stack = append(stack, first)
		}
	}
	return b.String()
}
