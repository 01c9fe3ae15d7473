package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

// TestAllocationStacksInReports: each stack is a line in text, Markdown
// and the HTML facts, the program's frames before node's.
func TestAllocationStacksInReports(t *testing.T) {
	r := &leak.Report{Leak: true,
		Snapshots: []leak.SnapshotInfo{{Name: "s1", Nodes: 10, TotalSize: 1000}, {Name: "s2", Nodes: 20, TotalSize: 3000}},
		Suspects: []leak.Suspect{{Rank: 1, Pattern: leak.PatternEventListener, Class: "(anonymous function)",
			Count: []int64{10, 20}, RetainedSize: []uint64{1000, 3000}, GrowthBytes: 2000, GrowthCount: 10, NewObjects: 10,
			AllocationTraced: 10, AllocationUntraced: 30,
			AllocationStacks: []leak.AllocationStack{
				{Count: 9, Bytes: 720, Frames: []leak.Frame{
					{Function: "subscribe", Script: "/srv/app.js", Line: 22, Column: 19, Own: true, Depth: 1},
					{Function: "handle", Script: "/srv/app.js", Line: 26, Column: 16, Own: true, Depth: 2},
					{Function: "_addListener", Script: "node:events", Line: 545, Column: 22, Depth: 0},
				}},
				{Count: 1, Bytes: 80, Frames: []leak.Frame{{Function: "handle", Script: "/srv/app.js", Line: 26, Column: 16, Own: true}}},
			}}}}
	var text, md bytes.Buffer
	WriteLeaksText(&text, r, ui.Palette{})
	WriteLeaksMarkdown(&md, r)
	want := "9 of 10 traced objects: subscribe (/srv/app.js:22:19) ← handle (/srv/app.js:26:16); also in _addListener (node:events:545:22)"
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if !strings.Contains(out, want) || !strings.Contains(out, "1 of 10 traced objects: handle (/srv/app.js:26:16)") {
			t.Errorf("%s lacks the allocation stacks:\n%s", name, out)
		}
	}
	// V8 dropped the stacks of 30 more: the reader learns the stacks are a sample.
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if !strings.Contains(out, "30 more had none: V8 drops the stacks") {
			t.Errorf("%s does not say how many objects had no stack:\n%s", name, out)
		}
	}
	if !strings.Contains(text.String(), "  allocated  ") {
		t.Errorf("text has no 'allocated' line:\n%s", text.String())
	}
}

// TestAllocStackWithoutFrames: objects V8 allocated with no JavaScript on
// the stack get words, not an empty line.
func TestAllocStackWithoutFrames(t *testing.T) {
	got := AllocStackText(leak.AllocationStack{Count: 2, Bytes: 64}, 10)
	if want := "2 of 10 traced objects: (no JavaScript function on the stack)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
