package heapgraph

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// TestDuplicateStrings: on a real snapshot of a program that keeps 3000
// copies of one text and 500 of another, both are found with their exact
// counts, the bigger waste first, and texts kept once are not reported.
func TestDuplicateStrings(t *testing.T) {
	out := filepath.Join(t.TempDir(), "s.heapsnapshot")
	if b, err := nodetest.Command(t, "../../testdata/dupstrings/dup.js", out).CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, b)
	}
	g, err := Build(loadGolden(t, out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	dups := g.DuplicateStrings(16<<10, 10)
	if len(dups) < 2 {
		t.Fatalf("found %d duplicated texts, want at least 2: %+v", len(dups), dups)
	}
	// Find the program's texts by their start.
	var status, region DupString
	for _, d := range dups {
		switch {
		case status.Count == 0 && strings.HasPrefix(d.Text, "status: order accepted"):
			status = d
		case region.Count == 0 && strings.HasPrefix(d.Text, "region=eu-west-1"):
			region = d
		}
	}
	if dups[0].Text != status.Text {
		t.Errorf("first: %d × %q, want the status text", dups[0].Count, clip(dups[0].Text))
	}
	if !strings.HasPrefix(status.Text, "status: order accepted") || status.Count < 3000 {
		t.Errorf("first: %d × %q, want ≥3000 × the status text", status.Count, clip(status.Text))
	}
	if !strings.HasPrefix(region.Text, "region=eu-west-1") || region.Count < 500 {
		t.Errorf("second: %d × %q, want ≥500 × the region text", region.Count, clip(region.Text))
	}
	for _, d := range dups {
		if strings.HasPrefix(d.Text, "unique-") {
			t.Errorf("a text kept once is reported: %q", d.Text)
		}
		// node 24+ holds its modules' sources, which V8 cuts at 1024
		// characters, all starting with one licence header: different
		// scripts, not copies.
		if strings.HasPrefix(d.Text, "// Copyright Joyent") {
			t.Errorf("node's own module sources reported as copies: %d × %q", d.Count, clip(d.Text))
		}
		if d.Wasted >= d.Bytes || d.Wasted < d.Bytes/uint64(d.Count)*uint64(d.Count-1)/2 {
			t.Errorf("%q: wasted %d of %d bytes in %d copies", clip(d.Text), d.Wasted, d.Bytes, d.Count)
		}
		if _, ok := g.NodeByID(d.ID); !ok {
			t.Errorf("%q: id @%d is not in the snapshot", clip(d.Text), d.ID)
		}
		if d.Truncated && (d.Text == status.Text || d.Text == region.Text) {
			t.Errorf("%q: short text marked truncated", clip(d.Text))
		}
	}
	// Every copy of the status text is ~224 bytes: 2999 of them are waste.
	if status.Wasted < 2999*200 {
		t.Errorf("status text wastes %d bytes, want ≥ %d", status.Wasted, 2999*200)
	}
	if got := g.DuplicateStrings(1<<40, 0); len(got) != 0 {
		t.Errorf("threshold above the heap still reports %d texts", len(got))
	}
}
