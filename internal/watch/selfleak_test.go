package watch

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/leak"
)

// What watch puts or warms up in the target, as it shows in a retaining
// path: the probe's state, node's GC observer machinery and the functions
// a sample calls.
var probeMarks = []string{"leakhound", "PerformanceObserver", "observerCallback", "memoryUsage", "getHeapSpaceStatistics"}

// watchAndAnalyze watches script with a sample every 200 ms (much more
// often than the default, so the probe runs a lot between snapshots) and
// a snapshot every second, analysing each new one with the real leak
// analysis, until three snapshots are taken. It returns the reports.
func watchAndAnalyze(t *testing.T, script string, env ...string) []*leak.Report {
	t.Helper()
	dir := t.TempDir()
	_, url := startNode(t, script, env...)
	var mu sync.Mutex
	var reps []*leak.Report
	var ev events
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := Run(ctx, Config{Interval: 200 * time.Millisecond, DataDir: dir, Connect: dialer(url),
		SnapshotEvery: time.Second, Keep: 3, SnapshotCount: 3, OnEvent: ev.add,
		Capture: func(ctx context.Context, c Conn, path string) (int64, error) {
			r, err := inspector.Capture(ctx, c.(*inspector.Conn), path, inspector.CaptureOptions{})
			return r.Bytes, err
		},
		Analyze: func(ctx context.Context, snaps []string, out string) (string, error) {
			rep, err := leak.Analyze(len(snaps), func(i int) (*heapgraph.Graph, error) {
				s, err := heapsnapshot.Open(snaps[i], heapsnapshot.Options{})
				if err != nil {
					return nil, err
				}
				return heapgraph.Build(s, heapgraph.Options{})
			}, leak.Options{Names: snaps, Work: SnapshotWork(snaps)})
			if err != nil {
				return "", err
			}
			mu.Lock()
			reps = append(reps, rep)
			mu.Unlock()
			return fmt.Sprintf("%d suspects", len(rep.Suspects)), os.WriteFile(out, []byte("report\n"), 0o644)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if n := ev.count("error", ""); n > 0 {
		for _, e := range ev.all {
			t.Logf("%s %s", e.Kind, e.Message)
		}
		t.Fatalf("%d error events", n)
	}
	if len(reps) != 2 {
		t.Fatalf("%d analyses, want 2 (three snapshots)", len(reps))
	}
	return reps
}

func suspectText(s leak.Suspect) string {
	return fmt.Sprintf("#%d %s %s count=%v growth=%d\n%s", s.Rank, s.Pattern, s.Class, s.Count, s.GrowthBytes, s.PathText)
}

// TestProbeNotASuspect: watch's own objects (the GC observer and its
// buffer) and what its sampling warms up in the target never show up in
// the automatic analysis. A healthy program gets no suspect at all.
func TestProbeNotASuspect(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	for i, rep := range watchAndAnalyze(t, "steady.js") {
		for _, s := range rep.Suspects {
			t.Errorf("analysis %d of a healthy program: suspect %s", i+1, suspectText(s))
		}
	}
}

// TestProbeNotInLeakSuspects: on a leaking program the real leak is
// suspect #1 and nothing of watch's appears in any suspect's path.
func TestProbeNotInLeakSuspects(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	reps := watchAndAnalyze(t, "steady.js", "LEAK=1")
	for i, rep := range reps {
		if len(rep.Suspects) == 0 {
			t.Errorf("analysis %d: no suspect for a leaking program", i+1)
			continue
		}
		// steady.js keeps the leak in `leaked`, an array in its module scope.
		if s := rep.Suspects[0]; !strings.Contains(s.PathText, "leaked") {
			t.Errorf("analysis %d: suspect #1 is not the leak:\n%s", i+1, suspectText(s))
		}
		for _, s := range rep.Suspects {
			for _, m := range probeMarks {
				if strings.Contains(s.PathText, m) {
					t.Errorf("analysis %d: suspect's path goes through %s:\n%s", i+1, m, suspectText(s))
				}
			}
		}
	}
}

// TestSamplesDuringAnalysis: the automatic analysis runs beside the
// sampling loop, so samples keep coming while it works; snapshots never
// overlap, and with --snapshot-count the last analysis is reported before
// watch stops.
func TestSamplesDuringAnalysis(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	dir := t.TempDir()
	_, url := startNode(t, "steady.js")
	var ev events
	var mu sync.Mutex
	capturing, overlaps := 0, 0
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := Run(ctx, Config{Interval: 100 * time.Millisecond, DataDir: dir, Connect: dialer(url),
		SnapshotEvery: 300 * time.Millisecond, SnapshotCount: 2, OnEvent: ev.add,
		Capture: func(ctx context.Context, c Conn, path string) (int64, error) {
			mu.Lock()
			capturing++
			if capturing > 1 {
				overlaps++
			}
			mu.Unlock()
			defer func() { mu.Lock(); capturing--; mu.Unlock() }()
			r, err := inspector.Capture(ctx, c.(*inspector.Conn), path, inspector.CaptureOptions{})
			return r.Bytes, err
		},
		Analyze: func(ctx context.Context, snaps []string, out string) (string, error) {
			select { // a slow analysis
			case <-time.After(time.Second):
			case <-ctx.Done():
				return "", ctx.Err()
			}
			return "ok", os.WriteFile(out, []byte("report\n"), 0o644)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if overlaps > 0 {
		t.Errorf("%d captures overlapped another", overlaps)
	}
	// Between the second snapshot and its report (a second of analysis),
	// samples went on.
	ev.mu.Lock()
	defer ev.mu.Unlock()
	last, during := -1, 0
	for i, e := range ev.all {
		switch {
		case e.Kind == "snapshot":
			last, during = i, 0
		case e.Kind == "sample" && last >= 0:
			during++
		case e.Kind == "report" && last >= 0 && e.Path != "":
			if during < 3 {
				t.Errorf("%d samples while an analysis ran for a second, want several", during)
			}
		}
	}
	if n := ev.countLocked("report"); n != 1 {
		t.Errorf("%d reports, want 1 (two snapshots)", n)
	}
	if n := ev.countLocked("snapshot"); n != 2 {
		t.Errorf("%d snapshots, want 2", n)
	}
}

func (e *events) countLocked(kind string) int {
	n := 0
	for _, ev := range e.all {
		if ev.Kind == kind && ev.Path != "" {
			n++
		}
	}
	return n
}
