package cli

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// watchedOut is a stdout that a test can wait on while the command runs.
type watchedOut struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *watchedOut) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *watchedOut) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor waits until the output holds s, the command ended, or the
// deadline passed.
func (w *watchedOut) waitFor(s string, ended <-chan struct{}, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if strings.Contains(w.String(), s) {
			return true
		}
		select {
		case <-ended:
			return strings.Contains(w.String(), s)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return false
}

// startOOMTarget starts testdata/watch/oom.js on a 64 MB heap, with extra
// node flags; it starts leaking once the returned go file exists.
func startOOMTarget(t *testing.T, dir string, flags ...string) (*exec.Cmd, string) {
	t.Helper()
	node := nodetest.Path(t)
	goFile := filepath.Join(dir, "go")
	args := append([]string{"--inspect=127.0.0.1:0", "--max-old-space-size=64"}, flags...)
	cmd := exec.Command(node, append(args, filepath.Join(watchTestdata(), "oom.js"))...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GO_FILE="+goFile)
	// Our own pipe, so the process is reaped as soon as it dies (watch
	// must see the pid gone, not a zombie) while its output is read.
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-exited; out.Close() })
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if sc.Text() == "ready" {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatal("node did not start")
	}
	return cmd, goFile
}

// watchOOM watches the target by pid until it dies of running out of
// heap: once wantNote is printed, the target is told to start leaking.
func watchOOM(t *testing.T, cmd *exec.Cmd, goFile, wantNote string, extra ...string) (stdout, data string) {
	t.Helper()
	data = t.TempDir()
	out := &watchedOut{}
	var errb bytes.Buffer
	ended := make(chan struct{})
	var code int
	args := append([]string{"watch", strconv.Itoa(cmd.Process.Pid), "--interval", "500ms", "--data-dir", data,
		"--heap-warn", "off", "--heap-critical", "off"}, extra...)
	go func() {
		defer close(ended)
		code = Main(args, &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: &errb})
	}()
	if !out.waitFor(wantNote, ended, 2*time.Minute) {
		t.Fatalf("watch did not say %q:\n%s\n%s", wantNote, out, errb.String())
	}
	if err := os.WriteFile(goFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ended:
	case <-time.After(8 * time.Minute):
		cmd.Process.Kill()
		<-ended
		t.Fatalf("watch did not end after the target ran out of heap:\n%s", out)
	}
	// The target is gone: watch exits 3 saying so.
	if code != ExitEnv || !strings.Contains(errb.String(), "target exited") {
		t.Errorf("watch exit %d, stderr %q", code, errb.String())
	}
	return out.String(), data
}

// checkOOMReport: the snapshot node wrote is in the data dir, analysed, the
// report names the Orders in the Map pendingOrders, and history shows it.
func checkOOMReport(t *testing.T, stdout, data string) {
	t.Helper()
	snaps, _ := filepath.Glob(filepath.Join(data, "targets", "oom.js", "snapshots", "near-heap-limit", "Heap.*.heapsnapshot"))
	if len(snaps) != 1 {
		t.Fatalf("%d near-heap-limit snapshots in the data dir, want 1; watch said:\n%s", len(snaps), stdout)
	}
	if !strings.Contains(stdout, "near the heap limit") || !strings.Contains(stdout, "Order") || !strings.Contains(stdout, "pendingOrders") {
		t.Errorf("watch did not print the top suspect (Orders in Map pendingOrders):\n%s", stdout)
	}
	reports, _ := filepath.Glob(filepath.Join(data, "targets", "oom.js", "reports", "*.accumulation.md"))
	if len(reports) != 1 {
		t.Fatalf("%d reports, want 1", len(reports))
	}
	b, _ := os.ReadFile(reports[0])
	if !strings.Contains(string(b), "`Order`") || !strings.Contains(string(b), "Map pendingOrders") || !strings.Contains(string(b), "not that it grows") {
		t.Errorf("report:\n%s", b)
	}
	code, hist, errOut := runCmd("history", "--data-dir", data)
	if code != ExitOK || !strings.Contains(hist, "near-heap-limit") || !strings.Contains(hist, "accumulation.md") {
		t.Errorf("history (exit %d, %s) does not show the snapshot and its report:\n%s", code, errOut, hist)
	}
}

// TestWatchNearHeapLimitArmed: watch arms the snapshot in an unmodified
// process (v8.setHeapSnapshotNearHeapLimit through the inspector); the
// process runs out of its 64 MB heap and dies; watch collects node's
// snapshot from the process's working directory, analyses it alone and
// records the report.
func TestWatchNearHeapLimitArmed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	dir := t.TempDir()
	cmd, goFile := startOOMTarget(t, dir)
	stdout, data := watchOOM(t, cmd, goFile, "near-heap-limit snapshot armed by leakhound", "--near-heap-limit", "1")
	checkOOMReport(t, stdout, data)
	if left, _ := filepath.Glob(filepath.Join(dir, "Heap.*")); len(left) != 0 {
		t.Errorf("the snapshot was not moved out of the target's folder: %v", left)
	}
}

// TestWatchNearHeapLimitFlag: a target started with
// --heapsnapshot-near-heap-limit and --diagnostic-dir is noticed without
// our flag, and handled the same way.
func TestWatchNearHeapLimitFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	dir := t.TempDir()
	diag := filepath.Join(dir, "diag")
	if err := os.Mkdir(diag, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd, goFile := startOOMTarget(t, dir, "--heapsnapshot-near-heap-limit=1", "--diagnostic-dir="+diag)
	stdout, data := watchOOM(t, cmd, goFile, "set by the target's --heapsnapshot-near-heap-limit")
	if !strings.Contains(stdout, diag) {
		t.Errorf("watch did not say it follows %s:\n%s", diag, stdout)
	}
	checkOOMReport(t, stdout, data)
}

// TestRunNearHeapLimit: a CI workload that runs the program out of heap
// still yields a report: run starts node with the flag, the program dies,
// and the snapshot node wrote near the limit is analysed; --fail-on-leak
// makes that a failed check (exit 1).
func TestRunNearHeapLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	node := nodetest.Path(t)
	dir := t.TempDir()
	var out, errb bytes.Buffer
	// The first step fills the heap in one call: the program dies in it.
	code := Main([]string{"run", "--near-heap-limit", "1", "--dir", filepath.Join(dir, "snaps"), "--step", "fillHeap()", "--iterations", "1",
		"--fail-on-leak", "--quiet", "--start-timeout", "2m", "--",
		node, "--max-old-space-size=64", filepath.Join(watchTestdata(), "oom.js")},
		&Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	if code != ExitCheckFailed || !strings.Contains(errb.String(), "near the heap limit") {
		t.Fatalf("exit %d, want 1 with the reason; stderr:\n%s\nstdout:\n%s", code, errb.String(), out.String())
	}
	if !strings.Contains(out.String(), "Order") || !strings.Contains(out.String(), "Map pendingOrders") {
		t.Errorf("report does not name the Orders in Map pendingOrders:\n%s", out.String())
	}
	if snaps, _ := filepath.Glob(filepath.Join(dir, "snaps", "Heap.*.heapsnapshot")); len(snaps) != 1 {
		t.Errorf("%d near-heap-limit snapshots kept in --dir, want 1", len(snaps))
	}
}
