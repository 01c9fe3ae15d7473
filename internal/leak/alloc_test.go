package leak

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/nodetest"
)

// tracedSeries runs testdata/alloc/series.js, which writes 3 snapshots
// with allocation tracking on. Inlining is off so that the stacks are
// exact (inlined functions leave V8's stacks: docs/live.md), and so is
// compaction, which makes V8 drop or mix up stacks, as run does.
func tracedSeries(t *testing.T) []string {
	t.Helper()
	return tracedSeriesOf(t, filepath.Join(scenarioDir(t), "..", "alloc", "series.js"))
}

// tracedSeriesOf is tracedSeries of another build of series.js.
func tracedSeriesOf(t *testing.T, script string) []string {
	t.Helper()
	node := nodetest.Path(t)
	dir := t.TempDir()
	out, err := exec.Command(node, "--no-compact", "--no-turbo-inlining", "--no-maglev-inlining", script, dir, "3").CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var paths []string
	for i := 1; i <= 3; i++ {
		paths = append(paths, filepath.Join(dir, "s"+strconv.Itoa(i)+".heapsnapshot"))
	}
	return paths
}

// ownStack is a stack's own frames as "function:line", innermost first.
func ownStack(st AllocationStack) string {
	var own []string
	for _, f := range st.Frames {
		if f.Own {
			own = append(own, f.Function+":"+strconv.Itoa(f.Line))
		}
	}
	return strings.Join(own, " ")
}

func TestAllocationStacks(t *testing.T) {
	paths := tracedSeries(t)
	rep := analyzeFiles(t, paths)
	want := map[string]string{ // class → allocating function and its caller
		"Session":              "remember:18 handle:26",
		"(anonymous function)": "subscribe:22 handle:26",
	}
	found := 0
	for _, s := range rep.Suspects {
		w, ok := want[s.Class]
		if !ok {
			continue
		}
		found++
		// Each of the 600 new objects (2 rounds of handle(300)) is counted,
		// with a stack or without: V8 drops the stacks of some (on node 22
		// most, in runs where the GC moves them), so the stacks are a sample
		// and allocation_untraced says how big.
		if len(s.AllocationStacks) == 0 || s.AllocationTraced < 1 || s.AllocationTraced+s.AllocationUntraced != 600 {
			t.Fatalf("%s: %d stacks for %d traced objects and %d untraced, want 600 in all", s.Class,
				len(s.AllocationStacks), s.AllocationTraced, s.AllocationUntraced)
		}
		t.Logf("%s: %d of 600 new objects traced", s.Class, s.AllocationTraced)
		top := s.AllocationStacks[0]
		if got := ownStack(top); !strings.HasPrefix(got, w) {
			t.Errorf("%s: top stack %q, want %q first", s.Class, got, w)
		}
		if top.Count*10 < s.AllocationTraced*9 || top.Bytes == 0 {
			t.Errorf("%s: top stack has %d objects (%d bytes) of %d", s.Class, top.Count, top.Bytes, s.AllocationTraced)
		}
		// The program's frames first, the rest after, each in stack order.
		seenOther, last := false, -1
		for _, f := range top.Frames {
			if !f.Own {
				seenOther = true
			} else if seenOther {
				t.Errorf("%s: an own frame after node's: %+v", s.Class, top.Frames)
			}
			if f.Own && f.Depth <= last {
				t.Errorf("%s: own frames out of stack order: %+v", s.Class, top.Frames)
			}
			if f.Own {
				last = f.Depth
			}
		}
	}
	if found != len(want) {
		t.Fatalf("found %d of the %d leaks: %+v", found, len(want), rep.Suspects)
	}

	// One snapshot: the accumulation's entries have their stacks too.
	g, err := loadGraph(paths[2])
	if err != nil {
		t.Fatal(err)
	}
	one := AnalyzeOne(g, SingleOptions{})
	ok := false
	for _, a := range one.Suspects {
		if a.Class == "Session" && len(a.AllocationStacks) > 0 && strings.HasPrefix(ownStack(a.AllocationStacks[0]), "remember:18 handle:26") {
			ok = true
		}
	}
	if !ok {
		t.Errorf("one snapshot: no Session accumulation allocated in remember ← handle: %+v", one.Suspects)
	}

	// Without traces (an ordinary series) there are no stacks.
	for _, s := range analyzeFiles(t, series(t, "map-cache", 3)).Suspects {
		if s.AllocationStacks != nil || s.AllocationTraced != 0 {
			t.Errorf("untraced %s has allocation stacks", s.Class)
		}
	}
}

// The same series minified into one bundle (testdata/scenarios/built's
// build.sh): its stacks are told, through the bundle's map, in series.js
// under the source's function names, and its class under its own.
func TestBuiltAllocationStacks(t *testing.T) {
	alloc := filepath.Join(scenarioDir(t), "..", "alloc")
	paths := tracedSeriesOf(t, filepath.Join(alloc, "bundle-min", "series.js"))
	rep, err := Analyze(len(paths), func(i int) (*heapgraph.Graph, error) { return loadGraph(paths[i]) },
		Options{Names: paths, Sources: LocalSources()})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Suspects {
		if s.Class != "Session" {
			continue
		}
		if len(s.AllocationStacks) == 0 {
			t.Fatalf("Session: no allocation stacks")
		}
		if got := ownStack(s.AllocationStacks[0]); !strings.HasPrefix(got, "remember:18 handle:26") {
			t.Errorf("Session stack %q, want remember:18 handle:26 first", got)
		}
		f := s.AllocationStacks[0].Frames[0]
		if f.Script != filepath.Join(alloc, "series.js") || f.Built == nil || f.Built.Script != filepath.Join(alloc, "bundle-min", "series.js") {
			t.Errorf("frame %+v (built %+v), want series.js, built in bundle-min/series.js", f, f.Built)
		}
		return
	}
	t.Fatalf("no Session suspect in %+v", rep.Suspects)
}
