package heapgraph

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// buildWith analyses the golden snapshot name with *limit set to v.
func buildWith[T any](t *testing.T, name string, limit *T, v T) *Graph {
	t.Helper()
	old := *limit
	*limit = v
	defer func() { *limit = old }()
	s, err := heapsnapshot.Read(readGz(t, filepath.Join(goldenDir, name+".heapsnapshot.gz")), heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestRetainedWidths: retained sizes kept in 32 bits (heaps under 4 GiB)
// and in 64 bits give the same numbers and the same Summary.
func TestRetainedWidths(t *testing.T) {
	name := goldenNames(t)[0]
	narrow, wide := buildWith(t, name, &retained32Limit, retained32Limit), buildWith(t, name, &retained32Limit, 0)
	if narrow.retained32 == nil || narrow.retained != nil || wide.retained == nil || wide.retained32 != nil {
		t.Fatal("the limit did not choose the widths")
	}
	for n := uint32(0); n < uint32(narrow.NodeCount()); n++ {
		if a, b := narrow.RetainedSize(n), wide.RetainedSize(n); a != b {
			t.Fatalf("node %d: retained %d in 32 bits, %d in 64", n, a, b)
		}
	}
	if narrow.Stats != wide.Stats || !slices.Equal(narrow.Summary(), wide.Summary()) {
		t.Error("Stats or Summary differ between the widths")
	}
	// Both survive the parts round trip.
	for _, g := range []*Graph{narrow, wide} {
		g2, err := FromParts(g.S, g.Parts())
		if err != nil {
			t.Fatal(err)
		}
		if g2.RetainedSize(g.Root) != g.RetainedSize(g.Root) {
			t.Error("parts lost the retained sizes")
		}
	}
}

// TestClassWidths: class ids kept in 16 bits (at most 65,536 classes, as in
// nearly every heap) and in 32 bits give the same classes and Summary.
func TestClassWidths(t *testing.T) {
	for _, name := range goldenNames(t) {
		narrow, wide := buildWith(t, name, &class16Limit, class16Limit), buildWith(t, name, &class16Limit, 0)
		if narrow.class16 == nil || narrow.class != nil || wide.class == nil || wide.class16 != nil {
			t.Fatal("the limit did not choose the widths")
		}
		for n := uint32(0); n < uint32(narrow.NodeCount()); n++ {
			if a, b := narrow.ClassIndex(n), wide.ClassIndex(n); a != b {
				t.Fatalf("%s: node %d: class %d in 16 bits, %d in 32", name, n, a, b)
			}
		}
		if !slices.Equal(narrow.Summary(), wide.Summary()) || !slices.Equal(narrow.Classes, wide.Classes) {
			t.Errorf("%s: Summary or classes differ between the widths", name)
		}
		for _, g := range []*Graph{narrow, wide} {
			p := g.Parts()
			g2, err := FromParts(g.S, p)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(g2.Summary(), g.Summary()) || g2.ClassName(1) != g.ClassName(1) {
				t.Errorf("%s: parts lost the classes", name)
			}
			// Both widths at once, or neither, are refused.
			p.Class, p.Class16 = make([]uint32, g.NodeCount()), make([]uint16, g.NodeCount())
			if _, err := FromParts(g.S, p); err == nil {
				t.Errorf("%s: parts with both class widths were accepted", name)
			}
			p.Class, p.Class16 = nil, nil
			if _, err := FromParts(g.S, p); err == nil {
				t.Errorf("%s: parts without class ids were accepted", name)
			}
		}
	}
}
