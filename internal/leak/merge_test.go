package leak

import (
	"slices"
	"strings"
	"testing"
)

// A Map's keys share their shape with every other Map's string keys: the
// suspect's figures are its own Map's, in every snapshot (a full LRU of
// 3,000 keys next to it once added ~100 KiB to each with 4+ snapshots).
func TestSharedKeyShapeCountsOwnMap(t *testing.T) {
	for _, n := range []int{3, 4} {
		rep := analyzeFiles(t, series(t, "shared-keys", n))
		if len(rep.Suspects) != 1 {
			for _, s := range rep.Suspects {
				t.Logf("#%d %s %s count=%v retained=%v\n  %s", s.Rank, s.Pattern, s.Class, s.Count, s.RetainedSize, s.PathText)
			}
			t.Fatalf("%d snapshots: %d suspects, want the Override leak once", n, len(rep.Suspects))
		}
		s := rep.Suspects[0]
		t.Logf("%d snapshots: %s %s count=%v retained=%v new=%d", n, s.Pattern, s.Class, s.Count, s.RetainedSize, s.NewObjects)
		if s.Class != "Override" {
			t.Errorf("class %s, want Override", s.Class)
		}
		// 5 overrides a round (each with its key, user string and flags):
		// well under 1 KiB per round.
		for i, c := range s.Count {
			if want := int64(5 * (i + 1)); c != want {
				t.Errorf("%d snapshots: count %v, want 5 more per round from %d", n, s.Count, 5)
				break
			}
		}
		if r := s.RetainedSize[n-1]; r > uint64(5*n)*300 {
			t.Errorf("%d snapshots: retained %v, want the Map's own entries (under 300 B each)", n, s.RetainedSize)
		}
		// Every override made after S1 is alive in the last snapshot.
		if s.NewObjects != 5*(n-1) {
			t.Errorf("%d snapshots: new objects %d, want %d", n, s.NewObjects, 5*(n-1))
		}
	}
}

// A span's events, pushed after the span was made (its span can be older
// than S1), leak with the span: one suspect, held by the Map.
func TestInnerRecordsMergeIntoTheirObject(t *testing.T) {
	rep := analyzeFiles(t, series(t, "spans", 3))
	for _, s := range rep.Suspects {
		t.Logf("#%d %s %s count=%v retained=%v holder=%+v\n  %s", s.Rank, s.Pattern, s.Class, s.Count, s.RetainedSize, s.Holder, s.PathText)
	}
	if len(rep.Suspects) != 1 {
		t.Fatalf("%d suspects, want the Span leak once", len(rep.Suspects))
	}
	if s := rep.Suspects[0]; s.Class != "Span" || s.Holder == nil || s.Holder.Kind != "Map" {
		t.Errorf("suspect %s held by %+v, want Span in a Map", s.Class, s.Holder)
	}
}

// A pool that never releases on errors: the busy Set is the one leak. The
// Buffers of the connections that replace the leaked ones (in the idle
// array, whose length stays the same) and the strings of V8's hidden-class
// transitions (a property per failing statement) are no suspects.
func TestPoolLeakIsOneSuspect(t *testing.T) {
	rep := analyzeFiles(t, series(t, "pool-no-release", 4))
	for _, s := range rep.Suspects {
		t.Logf("#%d %s %s count=%v retained=%v holder=%+v\n  %s", s.Rank, s.Pattern, s.Class, s.Count, s.RetainedSize, s.Holder, s.PathText)
	}
	if len(rep.Suspects) == 0 {
		t.Fatal("no suspect")
	}
	if s := rep.Suspects[0]; s.Class != "Connection" || s.Holder == nil || s.Holder.Kind != "Set" {
		t.Errorf("top suspect %s held by %+v, want Connection in the busy Set", s.Class, s.Holder)
	} else if s.Holder.Entries != int(s.Count[len(s.Count)-1]) {
		t.Errorf("busy Set has %d entries, want %d", s.Holder.Entries, s.Count[len(s.Count)-1])
	} else if !strings.Contains(s.Hint, "finally") {
		t.Errorf("hint %q, want release on every path (finally)", s.Hint)
	}
	for _, s := range rep.Suspects[1:] {
		if s.Class == "Buffer" || s.Holder != nil && s.Holder.Kind == "Array" || strings.Contains(s.PathText, "(object shape)") {
			t.Errorf("suspect %s held by %+v: the idle array and V8's hidden classes are no leak", s.Class, s.Holder)
		}
	}
}

// Suspects whose paths run through one another's objects (a signal's
// list of effect nodes, the view an effect keeps, the effect its view's
// dispose reaches) are one leak kept under the largest, not dropped.
func TestBreakCycles(t *testing.T) {
	parent := []int{2, 3, 5, 7, 3, 3, 3, 0, -1}
	breakCycles(parent)
	// 0→2→5→3→7→0: the first, 0, becomes the root the others lead to.
	if want := []int{-1, 3, 5, 7, 3, 3, 3, 0, -1}; !slices.Equal(parent, want) {
		t.Errorf("parents %v, want %v", parent, want)
	}
	chain := []int{-1, 0, 1}
	breakCycles(chain)
	if want := []int{-1, 0, 1}; !slices.Equal(chain, want) {
		t.Errorf("no cycle: %v, want %v", chain, want)
	}
}
