package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector/livetest"
	"github.com/leakhound/leakhound/internal/nodetest"
	"github.com/leakhound/leakhound/internal/watch"
)

func watchTestdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "watch")
}

// startWatchTarget runs testdata/watch/script with its inspector on
// 127.0.0.1:port and waits until it is ready. stop() kills it.
func startWatchTarget(t *testing.T, port, script string) (cmd *exec.Cmd, stop func()) {
	t.Helper()
	node := nodetest.Path(t)
	cmd = exec.Command(node, "--inspect=127.0.0.1:"+port, "--max-old-space-size=48", "--max-semi-space-size=1", script)
	cmd.Dir = watchTestdata()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Cleanup(stop)
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready") {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(60 * time.Second):
		t.Fatal("node did not start")
	}
	return cmd, stop
}

type watchHistoryJSON struct {
	Target   string `json:"target"`
	Sessions []struct {
		PID       int    `json:"pid"`
		EndReason string `json:"end_reason"`
	} `json:"sessions"`
	Samples []struct {
		Time     time.Time `json:"time"`
		HeapUsed int64     `json:"heap_used"`
		RSS      int64     `json:"rss"`
	} `json:"samples"`
	GCs []struct {
		Kind  string `json:"kind"`
		Count int64  `json:"count"`
	} `json:"gcs"`
	Events []struct {
		Kind string `json:"kind"`
		Name string `json:"name"`
		Path string `json:"path"`
	} `json:"events"`
}

// TestWatchThenHistory: watch a target, then read it back with history, as
// JSON and as text.
func TestWatchThenHistory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	port := freePort(t)
	first, _ := startWatchTarget(t, port, "healthy.js")
	dir := t.TempDir()
	code, out, errOut := run(t, "watch", "127.0.0.1:"+port, "--interval", "250ms", "--duration", "3s",
		"--data-dir", dir, "--name", "svc", "--heap-warn", "1MiB", "--on-warn", "log", "--cooldown", "1m", "--json")
	if code != 0 {
		t.Fatalf("watch exit %d: %s", code, errOut)
	}
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e struct {
			Kind string `json:"kind"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(kinds, ","); got != "connected,action" {
		t.Errorf("events %s, want connected,action (warn/log once per cooldown)", got)
	}
	// A second run appends a session.
	if code, _, errOut := run(t, "watch", "127.0.0.1:"+port, "--interval", "250ms", "--duration", "1s", "--data-dir", dir, "--name", "svc", "--quiet"); code != 0 {
		t.Fatalf("second watch exit %d: %s", code, errOut)
	}

	code, out, errOut = run(t, "history", "svc", "--data-dir", dir, "--json")
	if code != 0 {
		t.Fatalf("history exit %d: %s", code, errOut)
	}
	var h watchHistoryJSON
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatal(err)
	}
	if h.Target != "svc" || len(h.Sessions) != 2 || h.Sessions[0].PID != first.Process.Pid || h.Sessions[1].PID != first.Process.Pid {
		t.Fatalf("sessions %+v", h.Sessions)
	}
	if h.Sessions[0].EndReason != "--duration ended" {
		t.Errorf("end reason %q", h.Sessions[0].EndReason)
	}
	if len(h.Samples) < 8 || h.Samples[0].HeapUsed <= 0 || h.Samples[0].RSS <= h.Samples[0].HeapUsed {
		t.Errorf("samples %d: %+v", len(h.Samples), h.Samples)
	}
	for i := 1; i < len(h.Samples); i++ {
		if h.Samples[i].Time.Before(h.Samples[i-1].Time) {
			t.Fatal("samples out of order")
		}
	}
	if len(h.GCs) == 0 {
		t.Error("no GCs recorded")
	}
	actions := 0
	for _, e := range h.Events {
		if e.Kind == "action" && e.Name == "warn/log" {
			actions++
		}
	}
	if actions != 1 {
		t.Errorf("warn/log recorded %d times, want once within the cooldown", actions)
	}

	// Text: by pid, and the target list.
	code, out, _ = run(t, "history", "--pid", strconv.Itoa(first.Process.Pid), "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "heap used") || !strings.Contains(out, "svc") {
		t.Errorf("history --pid: %d\n%s", code, out)
	}
	code, out, _ = run(t, "history", "--data-dir", dir, "--since", "1h")
	if code != 0 || !strings.Contains(out, "svc") || !strings.Contains(out, "session") {
		t.Errorf("history (single target): %d\n%s", code, out)
	}
}

func TestWatchHistoryBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"watch"},
		{"watch", "1", "2"},
		{"watch", "127.0.0.1:1", "--heap-warn", "150%"},
		{"watch", "127.0.0.1:1", "--on-critical", "explode"},
		{"watch", "127.0.0.1:1", "--interval", "1ms"},
		{"watch", "127.0.0.1:1", "--leak-min-growth", "lots"},
		{"watch", "10.0.0.1:9229"}, // remote refused without --allow-remote
		{"history", "--data-dir", dir},
		{"history", "--data-dir", dir, "--since", "yesterday"},
	} {
		code, _, errOut := run(t, args...)
		if code != ExitBadInput {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut)
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") > 0 && !strings.Contains(errOut, "usage:") {
			t.Errorf("%v: more than one line on stderr: %q", args, errOut)
		}
	}
}

// TestWatchAutomaticAnalysis: periodic snapshots of a leaking program are
// analysed as they come; the report names the leak.
func TestWatchAutomaticAnalysis(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	port := freePort(t)
	startWatchTarget(t, port, "leaking.js")
	dir := t.TempDir()
	code, out, errOut := run(t, "watch", "127.0.0.1:"+port, "--interval", "1s", "--duration", "2m", "--data-dir", dir,
		"--snapshot-every", "1s", "--snapshot-count", "3", "--keep", "2", "--heap-warn", "off", "--heap-critical", "off", "--json")
	if code != 0 {
		t.Fatalf("watch exit %d: %s", code, errOut)
	}
	reports, _ := filepath.Glob(filepath.Join(dir, "targets", "leaking.js", "reports", "*.leaks.md"))
	if len(reports) == 0 {
		t.Fatalf("no report; events:\n%s", out)
	}
	b, err := os.ReadFile(reports[0])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "leakhound leak report") || !strings.Contains(string(b), "leaked") {
		t.Errorf("report does not name the leaking array:\n%s", b)
	}
	snaps, _ := filepath.Glob(filepath.Join(dir, "targets", "leaking.js", "snapshots", "periodic", "*.heapsnapshot"))
	if len(snaps) != 2 {
		t.Errorf("kept %d periodic snapshots, want 2", len(snaps))
	}
	// Each snapshot from the second on is analysed: a report, or an error
	// event saying why not. leak.Analyze may refuse a pair it judges not
	// to be from one process (its heuristic, not watch's); that is logged,
	// and at least one report must name the leak.
	// A refused pair reads as "automatic analysis: …" or, when leak.Analyze
	// judged the ids renumbered (ErrNotSameProcess), as a report event that
	// starts a new series.
	failed := strings.Count(out, `"message":"automatic analysis: `) + strings.Count(out, `"message":"V8 renumbered the heap's objects`)
	if len(reports)+failed != 2 {
		t.Errorf("%d reports and %d failed analyses, want 2 in all; events:\n%s", len(reports), failed, out)
	}
	if failed > 0 {
		t.Logf("an analysis failed; events:\n%s", out)
	}
	if !strings.Contains(out, `"kind":"report"`) {
		t.Errorf("no report event:\n%s", out)
	}
}

// TestWatchByPIDAndMetrics: attach by pid (the inspector is opened with
// SIGUSR1), scrape the metrics endpoint while watching, then the target
// dies: watch says what it kept and exits 3.
func TestWatchByPIDAndMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	node := nodetest.Path(t)
	// --inspect-port=0: SIGUSR1 opens the inspector on a free port.
	cmd := exec.Command(node, "--inspect-port=0", "healthy.js")
	cmd.Dir = watchTestdata()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if !bufio.NewScanner(out).Scan() {
		t.Fatal("node did not start")
	}
	go io.Copy(io.Discard, out)

	dir := t.TempDir()
	mport := freePort(t)
	done := make(chan struct{})
	var code int
	var stdout, stderr string
	go func() {
		defer close(done)
		code, stdout, stderr = run(t, "watch", strconv.Itoa(cmd.Process.Pid), "--interval", "200ms", "--data-dir", dir,
			"--metrics-addr", mport, "--no-reconnect", "--json")
	}()
	var body string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && !strings.Contains(body, "nodejs_heap_size_used_bytes "); {
		time.Sleep(200 * time.Millisecond)
		if resp, err := http.Get("http://127.0.0.1:" + mport + "/metrics"); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			body = string(b)
		}
	}
	for _, want := range []string{"nodejs_heap_size_used_bytes ", "process_resident_memory_bytes ", "leakhound_target_up 1", "nodejs_heap_size_limit_bytes "} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Kill()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("watch did not notice the target died")
	}
	if code != ExitEnv || !strings.Contains(stderr, "lost") || !strings.Contains(stderr, "leakhound.db") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, `"pid":`+strconv.Itoa(cmd.Process.Pid)) {
		t.Errorf("events do not name the pid:\n%s", stdout)
	}
	code, hout, _ := run(t, "history", "--pid", strconv.Itoa(cmd.Process.Pid), "--data-dir", dir, "--json")
	var h watchHistoryJSON
	if code != 0 || json.Unmarshal([]byte(hout), &h) != nil || len(h.Samples) == 0 || !strings.HasPrefix(h.Sessions[0].EndReason, "connection lost") {
		t.Errorf("history after the target died: %d %s", code, hout)
	}
}

// TestReconnector: after the target restarts on its inspector port the
// reconnector finds the new process; a pid whose inspector we opened with
// SIGUSR1 cannot come back and is reported gone.
func TestReconnector(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	ctx := context.Background()
	tf := targetFlags{allowRemote: new(bool)}
	env := &Env{Stdout: io.Discard, Stderr: io.Discard}

	port := freePort(t)
	_, stop := startWatchTarget(t, port, "healthy.js")
	c, err := attachTarget(ctx, env, "127.0.0.1:"+port, tf, true)
	if err != nil {
		t.Fatal(err)
	}
	reconnect := reconnector(c, "127.0.0.1:"+port, false)
	c.Close()
	stop()
	startWatchTarget(t, port, "healthy.js")
	var nc watch.Conn
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && nc == nil; {
		nc, err = reconnect(ctx)
		if err != nil {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if nc == nil {
		t.Fatalf("no reconnection: %v", err)
	}
	nc.Close()

	// By pid, inspector opened by us.
	node := nodetest.Path(t)
	cmd := exec.Command(node, "--inspect-port=0", "healthy.js")
	cmd.Dir = watchTestdata()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	bufio.NewScanner(out).Scan()
	c, err = attachTarget(ctx, env, strconv.Itoa(cmd.Process.Pid), tf, true)
	if err != nil {
		t.Fatal(err)
	}
	reconnect = reconnector(c, strconv.Itoa(cmd.Process.Pid), false)
	c.Close()
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := reconnect(ctx); !errors.Is(err, watch.ErrGone) {
		t.Errorf("reconnect to a dead pid: %v, want ErrGone", err)
	}

	// By pid, inspector already open (node --inspect): a pid cannot come
	// back either, whoever opened its inspector.
	port = freePort(t)
	open, stopOpen := startWatchTarget(t, port, "healthy.js")
	c, err = attachTarget(ctx, env, strconv.Itoa(open.Process.Pid), tf, true)
	if err != nil {
		t.Fatal(err)
	}
	reconnect = reconnector(c, strconv.Itoa(open.Process.Pid), false)
	c.Close()
	stopOpen()
	if _, err := reconnect(ctx); !errors.Is(err, watch.ErrGone) {
		t.Errorf("reconnect to a dead pid whose inspector was open: %v, want ErrGone", err)
	}
}

// TestWatchLetsATargetFinish: a batch job watched by pid (inspector opened
// with SIGUSR1) exits when its work is done, and watch says the target
// exited (exit 3), without sampling errors.
func TestWatchLetsATargetFinish(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	node := nodetest.Path(t)
	cmd := exec.Command(node, "--inspect-port=0", "finishes.js")
	cmd.Dir = watchTestdata()
	cmd.Env = append(os.Environ(), "FINISH_MS=1500")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	if !bufio.NewScanner(out).Scan() {
		t.Fatal("node did not start")
	}
	go io.Copy(io.Discard, out)
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	start := time.Now()
	code, stdout, stderr := run(t, "watch", strconv.Itoa(cmd.Process.Pid), "--interval", "5s", "--data-dir", t.TempDir())
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatal("the target did not exit")
	}
	if code != ExitEnv || !strings.Contains(stderr, "target exited (pid "+strconv.Itoa(cmd.Process.Pid)+")") ||
		!strings.Contains(stdout, "program finished") || strings.Contains(stdout, " error ") {
		t.Errorf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", code, time.Since(start), stdout, stderr)
	}
}

func TestWatchMetricsAddrErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	port := freePort(t)
	startWatchTarget(t, port, "healthy.js")
	code, _, stderr := run(t, "watch", "127.0.0.1:"+port, "--metrics-addr", "bad::addr", "--duration", "1s", "--data-dir", t.TempDir())
	if code != ExitBadInput || !strings.Contains(stderr, "--metrics-addr bad::addr: not an address") || strings.Contains(stderr, "too many colons") {
		t.Errorf("bad address: exit %d, %q", code, stderr)
	}
	// A port in use is the environment's doing.
	busy := freePort(t)
	l, err := net.Listen("tcp", "127.0.0.1:"+busy)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	code, _, stderr = run(t, "watch", "127.0.0.1:"+port, "--metrics-addr", busy, "--duration", "1s", "--data-dir", t.TempDir())
	if code != ExitEnv || !strings.Contains(stderr, "the port is already in use") {
		t.Errorf("port in use: exit %d, %q", code, stderr)
	}
}

// TestWatchWorkersNote: watch says that the target's worker threads are not
// in its snapshots (a "note" event), and the status line says how far the
// leak signal is from firing.
func TestWatchWorkersNote(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	cmd := livetest.Start(t, "--inspect-port=0", "workers.js")
	code, out, errOut := run(t, "watch", strconv.Itoa(cmd.Process.Pid), "--interval", "250ms", "--duration", "2s",
		"--data-dir", t.TempDir(), "--json", "--verbose")
	if code != 0 {
		t.Fatalf("watch exit %d: %s", code, errOut)
	}
	var note string
	var prog *watch.LeakProgress
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var e watch.Event
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("bad JSON line %q: %v", line, err)
		}
		if e.Kind == "note" {
			note = e.Message
		}
		if e.Kind == "sample" && e.LeakSignal != nil {
			prog = e.LeakSignal
		}
	}
	if !strings.Contains(note, "2 worker threads") || !strings.Contains(note, "parser") {
		t.Errorf("note = %q\n%s", note, out)
	}
	if prog == nil || prog.Window != 5 || prog.MinGrowthBytes != 1<<20 || prog.Active {
		t.Errorf("leak_signal = %+v", prog)
	}
	code, out, errOut = run(t, "watch", strconv.Itoa(cmd.Process.Pid), "--interval", "250ms", "--duration", "2s",
		"--status", "500ms", "--data-dir", t.TempDir())
	if code != 0 || !strings.Contains(out, "note this process runs 2 worker threads") || !strings.Contains(out, "leak signal: 0 of 5 rising major GCs") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}
