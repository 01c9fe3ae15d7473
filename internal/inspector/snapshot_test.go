package inspector

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCaptureToFile(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "idle.js")
	_, c := attach(t, cmd)
	dir := t.TempDir()
	path := NextSnapshotPath(dir, cmd.Process.Pid, time.Now())
	var progressed int64
	res, err := Capture(context.Background(), c, path, CaptureOptions{
		SnapshotOptions: SnapshotOptions{Progress: func(n int64) { progressed = n }},
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != res.Bytes || progressed != res.Bytes || res.Bytes < 100000 {
		t.Errorf("size %d, result %d, progress %d", st.Size(), res.Bytes, progressed)
	}
	t.Logf("heap used %d, snapshot %d bytes (%.1fx), %v", res.HeapUsed, res.Bytes, float64(res.Bytes)/float64(res.HeapUsed), res.Duration)
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, []byte(`{"snapshot":{"meta":`)) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("}")) {
		t.Errorf("not a heap snapshot: %.40q...", b)
	}
	if !bytes.Contains(b, []byte(`"LeakyThing"`)) {
		t.Error("snapshot lacks the program's class")
	}
	checkSnapshotFile(t, path)
	// Only the snapshot is in the directory: no temp file left behind.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("dir has %d entries", len(ents))
	}
	// A session that enabled the debugger itself keeps it enabled.
	if err := c.Call(context.Background(), "Debugger.enable", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TakeHeapSnapshot(context.Background(), io.Discard, SnapshotOptions{}); err != nil {
		t.Fatal(err)
	}
	if !c.debugger.Load() {
		t.Error("snapshot disabled a debugger the caller had enabled")
	}
	if err := c.Call(context.Background(), "Debugger.disable", nil, nil); err != nil {
		t.Fatal(err)
	}
	// The debugger was disabled again: a `debugger;` statement does not pause.
	if v, err := c.Evaluate(context.Background(), "(() => { debugger; return 7 })()", false); err != nil || string(v) != "7" {
		t.Errorf("after capture: %s, %v", v, err)
	}
}

func TestCaptureTargetDies(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "big.js", "300000")
	_, c := attach(t, cmd)
	dir := t.TempDir()
	path := filepath.Join(dir, "x.heapsnapshot")
	killed := false
	_, err := Capture(context.Background(), c, path, CaptureOptions{
		SnapshotOptions: SnapshotOptions{Progress: func(n int64) {
			if !killed {
				killed = true
				cmd.Process.Kill()
			}
		}},
	})
	if err == nil {
		t.Fatal("capture succeeded although the target died")
	}
	if !killed {
		t.Fatalf("no chunk before the error: %v", err)
	}
	if !errors.Is(err, ErrConnLost) || !strings.Contains(err.Error(), "nothing was saved") {
		t.Errorf("err = %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

// Ctrl-C mid-snapshot: the context's error, no file left, and the target
// carries on (a later capture on a new session works).
func TestCaptureCancelled(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "big.js", "30000")
	tg, c := attach(t, cmd)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := Capture(ctx, c, filepath.Join(dir, "x.heapsnapshot"), CaptureOptions{
		SnapshotOptions: SnapshotOptions{Progress: func(int64) { cancel() }},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	c.Close()
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
	c2, err := Dial(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if _, err := Capture(context.Background(), c2, filepath.Join(dir, "y.heapsnapshot"), CaptureOptions{}); err != nil {
		t.Fatalf("capture after a cancelled one: %v", err)
	}
}

func TestCaptureRefusesWhenDiskFull(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "idle.js")
	_, c := attach(t, cmd)
	defer func(f func(string) (int64, error)) { freeDisk = f }(freeDisk)
	freeDisk = func(string) (int64, error) { return 1 << 20, nil } // 1 MiB free
	dir := t.TempDir()
	_, err := Capture(context.Background(), c, filepath.Join(dir, "x.heapsnapshot"), CaptureOptions{})
	if !errors.Is(err, ErrDiskSpace) {
		t.Fatalf("err = %v, want ErrDiskSpace", err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
	if _, err := Capture(context.Background(), c, "/nonexistent-dir/x.heapsnapshot", CaptureOptions{}); err == nil {
		t.Fatal("capture into a missing directory succeeded")
	}
}

func TestSnapshotName(t *testing.T) {
	tm := time.Date(2026, 11, 24, 9, 5, 7, 0, time.UTC)
	if got := SnapshotName(4242, tm, 3); got != "Heap.20261124.090507.4242.003.heapsnapshot" {
		t.Errorf("got %s", got)
	}
	dir := t.TempDir()
	p1 := NextSnapshotPath(dir, 1, tm)
	os.WriteFile(p1, nil, 0o644)
	if p2 := NextSnapshotPath(dir, 1, tm); filepath.Base(p2) != "Heap.20261124.090507.1.002.heapsnapshot" {
		t.Errorf("second = %s", p2)
	}
	// Later captures count on from the highest SEQ of that pid, whatever
	// their time (gzipped ones too); other pids and names do not count.
	later := tm.Add(5 * time.Second)
	os.WriteFile(filepath.Join(dir, SnapshotName(1, tm.Add(-time.Hour), 6)+".gz"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, SnapshotName(2, tm, 40)), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "Heap.x.y.1.099.heapsnapshot.tmp"), nil, 0o644)
	if p3 := NextSnapshotPath(dir, 1, later); filepath.Base(p3) != "Heap.20261124.090512.1.007.heapsnapshot" {
		t.Errorf("later = %s", p3)
	}
	if p4 := NextSnapshotPath(dir, 3, later); filepath.Base(p4) != "Heap.20261124.090512.3.001.heapsnapshot" {
		t.Errorf("other pid = %s", p4)
	}
}
