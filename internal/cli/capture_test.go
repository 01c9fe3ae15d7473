package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

func runInspCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Main(args, &Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e})
	return code, o.String(), e.String()
}

func TestCaptureCommand(t *testing.T) {
	cmd := livetest.Start(t, "--inspect-port=0", "idle.js")
	dir := t.TempDir()
	pid := strconv.Itoa(cmd.Process.Pid)
	// --keep-inspector: the rest of the test attaches to the inspector
	// this capture opens.
	code, out, errOut := runInspCLI("capture", pid, "-o", dir, "--json", "--keep-inspector")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "SIGUSR1") || !strings.Contains(errOut, "left the inspector of pid "+pid+" open") {
		t.Errorf("no note about opening the inspector and keeping it open: %q", errOut)
	}
	var res captureJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("bad JSON %q: %v", out, err)
	}
	if filepath.Dir(res.Path) != dir || !strings.HasPrefix(filepath.Base(res.Path), "Heap.") ||
		!strings.HasSuffix(res.Path, "."+pid+".001.heapsnapshot") || res.PID != cmd.Process.Pid {
		t.Errorf("result %+v", res)
	}
	st, err := os.Stat(res.Path)
	if err != nil || st.Size() != res.Bytes {
		t.Fatalf("file: %v, %v", st, err)
	}

	// Again by host:port, to an explicit file, text output.
	tg, err := inspector.Resolve(context.Background(), pid, inspector.ResolveOptions{NoSignal: true})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "two.heapsnapshot")
	code, out, errOut = runInspCLI("capture", tg.Addr, "-o", file, "--quiet")
	if code != 0 || !strings.HasPrefix(out, file+"  ") || errOut != "" {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	// And by the ws:// URL, into a directory: the default name still has the pid.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	code, out, errOut = runInspCLI("capture", tg.WebSocketURL, "-o", sub, "--quiet")
	if code != 0 || !strings.Contains(out, "."+pid+".001.heapsnapshot") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	// The next capture into that directory counts on: SEQ 002.
	code, out, errOut = runInspCLI("capture", pid, "-o", sub, "--quiet")
	if code != 0 || !strings.Contains(out, "."+pid+".002.heapsnapshot") {
		t.Fatalf("second capture: exit %d, out %q, err %q", code, out, errOut)
	}
	// A missing directory: an error naming the fix, or created when -o
	// ends with a slash.
	code, _, errOut = runInspCLI("capture", pid, "-o", filepath.Join(dir, "new", "x.heapsnapshot"), "--quiet")
	if code != ExitBadInput || !strings.Contains(errOut, "does not exist") || !strings.Contains(errOut, "end -o with /") {
		t.Fatalf("missing dir: exit %d, err %q", code, errOut)
	}
	code, out, errOut = runInspCLI("capture", pid, "-o", filepath.Join(dir, "new", "deeper")+"/", "--quiet")
	if code != 0 || !strings.HasPrefix(out, filepath.Join(dir, "new", "deeper", "Heap.")) {
		t.Fatalf("-o new/: exit %d, out %q, err %q", code, out, errOut)
	}
}

// TestCaptureWorkersNote: a process with worker threads gets a note that
// their heaps are not in the snapshot (text on stderr, notes in JSON).
func TestCaptureWorkersNote(t *testing.T) {
	cmd := livetest.Start(t, "--inspect-port=0", "workers.js")
	dir := t.TempDir()
	pid := strconv.Itoa(cmd.Process.Pid)
	code, out, errOut := runInspCLI("capture", pid, "-o", dir)
	if code != 0 || !strings.Contains(errOut, "note: this process runs 2 worker threads") || !strings.Contains(errOut, "parser") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	code, out, errOut = runInspCLI("capture", pid, "-o", dir, "--json")
	var res captureJSON
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "not in these snapshots") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	// A process without workers gets no note.
	idle := livetest.Start(t, "--inspect-port=0", "idle.js")
	code, out, errOut = runInspCLI("capture", strconv.Itoa(idle.Process.Pid), "-o", dir, "--json")
	if code != 0 || strings.Contains(out, "notes") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
}

func TestCaptureCommandBadTargets(t *testing.T) {
	sleep := exec.Command("sleep", "30")
	if err := sleep.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { sleep.Process.Kill(); sleep.Wait() }()
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"capture"}, 2, "exactly one TARGET"},
		{[]string{"capture", "99999999"}, 2, "no such process"},
		{[]string{"capture", strconv.Itoa(sleep.Process.Pid)}, 2, "not a node process"},
		{[]string{"capture", "10.0.0.1:9229"}, 2, "--allow-remote"},
		{[]string{"capture", "what"}, 2, "bad target"},
		// The target is checked before -o: a bad pid is the first thing to fix.
		{[]string{"capture", "99999999", "-o", "/no/such/dir/x.heapsnapshot"}, 2, "no such process"},
		{[]string{"capture", "99999999", "-o", "/no/such/dir/"}, 2, "no such process"},
		{[]string{"capture", "127.0.0.1:1"}, 3, "unreachable"},
	} {
		code, _, errOut := runInspCLI(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.msg) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
	// The sleep process must still be alive: we never signal a non-node process.
	if err := sleep.Process.Signal(syscallZero); err != nil {
		t.Errorf("sleep died: %v", err)
	}
}

var syscallZero = syscall.Signal(0)

// TestCaptureSeries: --count takes the snapshots in one inspector session,
// so `leaks` can compare them (separate captures cannot be: V8 renumbers
// every object when a session ends).
func TestCaptureSeries(t *testing.T) {
	cmd := livetest.Start(t, "--inspect-port=0", "idle.js")
	dir := t.TempDir()
	pid := strconv.Itoa(cmd.Process.Pid)
	if code, _, errOut := runInspCLI("capture", pid, "--count", "2", "-o", filepath.Join(dir, "x.heapsnapshot")); code != ExitBadInput {
		t.Fatalf("--count with -o FILE: exit %d (%s), want 2", code, errOut)
	}
	code, out, errOut := runInspCLI("capture", pid, "--count", "3", "--every", "300ms", "-o", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res []captureJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 3 {
		t.Fatalf("JSON %q: %v, want 3 results", out, err)
	}
	paths := []string{"leaks", "--quiet"}
	for _, r := range res {
		paths = append(paths, r.Path)
	}
	if code, out, errOut := runInspCLI(paths...); code != 0 {
		t.Fatalf("leaks on the series: exit %d: %s%s", code, out, errOut)
	}
	// Text output names the command to compare them.
	code, out, errOut = runInspCLI("capture", pid, "--count", "2", "--every", "200ms", "-o", dir)
	if code != 0 || strings.Count(out, ".heapsnapshot  ") != 2 || !strings.Contains(errOut, "leakhound leaks ") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
}

// TestCapturePortReadAsPID: a bare number is a pid; when no such process
// exists and it could be a port, the message says how to give a port.
func TestCapturePortReadAsPID(t *testing.T) {
	n := 65535
	for ; n > 1024; n-- {
		if _, err := os.Stat("/proc/" + strconv.Itoa(n)); err != nil {
			break
		}
	}
	code, _, errOut := runInspCLI("capture", strconv.Itoa(n))
	want := "(to attach to an inspector port, give 127.0.0.1:" + strconv.Itoa(n) + ")"
	if code != ExitBadInput || !strings.Contains(errOut, "no such process") || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestCaptureSeriesTargetFinishes: a program that finishes between a
// series' snapshots is let go; the snapshots taken are kept (exit 3).
func TestCaptureSeriesTargetFinishes(t *testing.T) {
	cmd := livetest.Start(t, "--inspect-port=0", "-e", "setTimeout(() => {}, 1500); console.log('ready')")
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	dir := t.TempDir()
	code, _, errOut := runInspCLI("capture", strconv.Itoa(cmd.Process.Pid), "--count", "3", "--every", "20s", "-o", dir)
	if code != ExitEnv || !strings.Contains(errOut, "stopped after 1 of 3 snapshots (kept)") || !strings.Contains(errOut, "the program finished") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatal("the target did not exit")
	}
}

// TestCaptureWorkerSeries: --worker takes the snapshots of worker threads
// (one session for the series, so leaks can compare them), named with the
// thread id as node names them.
func TestCaptureWorkerSeries(t *testing.T) {
	cmd := livetest.Start(t, "--inspect-port=0", "workers.js")
	dir := t.TempDir()
	pid := strconv.Itoa(cmd.Process.Pid)
	code, out, errOut := runInspCLI("capture", pid, "--worker", "2", "--count", "2", "--every", "300ms", "-o", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res []captureJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 2 {
		t.Fatalf("JSON %q: %v", out, err)
	}
	for i, r := range res {
		if r.ThreadID != 2 || !strings.Contains(r.Worker, "indexer") || !strings.HasSuffix(r.Path, "."+pid+".2.00"+strconv.Itoa(i+1)+".heapsnapshot") {
			t.Errorf("result %d: %+v", i, r)
		}
		b, _ := os.ReadFile(r.Path)
		if !bytes.Contains(b, []byte("indexer1999")) {
			t.Errorf("%s lacks the worker's objects", r.Path)
		}
	}
	if code, out, errOut := runInspCLI("leaks", "--quiet", res[0].Path, res[1].Path); code != 0 {
		t.Fatalf("leaks on the worker series: exit %d: %s%s", code, out, errOut)
	}
	// all: one snapshot per worker; a missing worker is bad input.
	code, out, errOut = runInspCLI("capture", pid, "--worker", "all", "-o", dir)
	if code != 0 || !strings.Contains(out, "worker [worker 1] parser") || !strings.Contains(out, "worker [worker 2] indexer") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	code, _, errOut = runInspCLI("capture", pid, "--worker", "9", "-o", dir)
	if code != ExitBadInput || !strings.Contains(errOut, "no such worker thread") {
		t.Fatalf("exit %d, err %q", code, errOut)
	}
	idle := livetest.Start(t, "--inspect-port=0", "idle.js")
	code, _, errOut = runInspCLI("capture", strconv.Itoa(idle.Process.Pid), "--worker", "all", "-o", dir)
	if code != ExitBadInput || !strings.Contains(errOut, "runs no worker thread") {
		t.Fatalf("exit %d, err %q", code, errOut)
	}
}

// An inspector capture opened is closed when it is done: nothing listens
// for the target any more, and a second process whose inspector port is
// the same (the default port's case: SIGUSR1 always opens 9229) can be
// captured right after; so can the first again. One that was open before
// is left open.
func TestCaptureClosesInspector(t *testing.T) {
	port := livetest.InspectPort(t)
	a := strconv.Itoa(livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid)
	b := strconv.Itoa(livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid)
	dir := t.TempDir()
	for _, pid := range []string{a, b, a} {
		code, _, errOut := runInspCLI("capture", pid, "-o", dir+"/")
		if code != 0 {
			t.Fatalf("capture %s: exit %d: %s", pid, code, errOut)
		}
		if !strings.Contains(errOut, "closed the inspector of pid "+pid+" again") {
			t.Errorf("capture %s does not say it closed the inspector: %q", pid, errOut)
		}
		_, err := inspector.Resolve(context.Background(), pid, inspector.ResolveOptions{NoSignal: true})
		if !errors.Is(err, inspector.ErrNoInspector) {
			t.Fatalf("after capture %s, its inspector: %v (want none listening)", pid, err)
		}
	}
	// Series too, and quietly.
	code, _, errOut := runInspCLI("capture", b, "--count", "2", "--every", "100ms", "-o", dir+"/", "--quiet")
	if code != 0 || errOut != "" {
		t.Fatalf("series: exit %d: %q", code, errOut)
	}
	if _, err := inspector.Resolve(context.Background(), b, inspector.ResolveOptions{NoSignal: true}); !errors.Is(err, inspector.ErrNoInspector) {
		t.Fatalf("after the series, its inspector: %v", err)
	}
	// Open before we came (--inspect): left open.
	c := livetest.Start(t, "--inspect=127.0.0.1:0", "idle.js")
	pid := strconv.Itoa(c.Process.Pid)
	code, _, errOut = runInspCLI("capture", pid, "-o", dir+"/")
	if code != 0 || strings.Contains(errOut, "closed the inspector") {
		t.Fatalf("pre-opened: exit %d: %q", code, errOut)
	}
	if _, err := inspector.Resolve(context.Background(), pid, inspector.ResolveOptions{NoSignal: true}); err != nil {
		t.Fatalf("the inspector that was open before is gone: %v", err)
	}
}

// The "compare them with" hint quotes paths for the user's shell: POSIX
// single quotes, Windows double quotes (backslashes are plain there).
func TestQuoteArgsFor(t *testing.T) {
	cases := []struct {
		goos, in, want string
	}{
		{"linux", "/tmp/a.heapsnapshot", "/tmp/a.heapsnapshot"},
		{"linux", "/tmp/my dir/a.heapsnapshot", "'/tmp/my dir/a.heapsnapshot'"},
		{"darwin", "/tmp/it's/a", `'/tmp/it'\''s/a'`},
		{"windows", `C:\snaps\a.heapsnapshot`, `C:\snaps\a.heapsnapshot`},
		{"windows", `C:\Users\Jo Doe\a.heapsnapshot`, `"C:\Users\Jo Doe\a.heapsnapshot"`},
	}
	for _, c := range cases {
		if got := quoteArgsFor(c.goos, []string{c.in})[0]; got != c.want {
			t.Errorf("%s %q: %s, want %s", c.goos, c.in, got, c.want)
		}
	}
}
