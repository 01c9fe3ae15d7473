package watch

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/metrics"
	"github.com/leakhound/leakhound/internal/nodetest"
	"github.com/leakhound/leakhound/internal/store"
)

func testdata() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "watch")
}

// smallHeap makes the test programs collect the old generation every few
// hundred milliseconds, so the leak signal sees enough major GCs in seconds.
var smallHeap = []string{"--max-old-space-size=48", "--max-semi-space-size=1"}

var wsRE = regexp.MustCompile(`ws://127\.0\.0\.1:\d+/[0-9a-f-]+`)

// startNode runs a testdata/watch program with its inspector on a free
// loopback port and returns the process and its WebSocket URL.
func startNode(t *testing.T, script string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	return startNodeAt(t, "0", script, env...)
}

// startNodeAt is startNode with the inspector on a given port.
func startNodeAt(t *testing.T, port, script string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	node := nodetest.Path(t)
	args := append([]string{"--inspect=127.0.0.1:" + port}, smallHeap...)
	cmd := exec.Command(node, append(args, script)...)
	cmd.Dir = testdata()
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := wsRE.FindString(sc.Text()); m != "" {
				found <- m
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready") {
				ready <- true
			}
		}
	}()
	var u string
	for u == "" || ready != nil {
		select {
		case u = <-found:
		case <-ready:
			ready = nil
		case <-time.After(60 * time.Second):
			t.Fatal("node did not start")
		}
	}
	return cmd, u
}

func dialer(url string) func(ctx context.Context) (Conn, error) {
	return func(ctx context.Context) (Conn, error) {
		tg, err := inspector.Resolve(ctx, url, inspector.ResolveOptions{})
		if err != nil {
			return nil, err
		}
		c, err := inspector.Dial(ctx, tg)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

type events struct {
	mu  sync.Mutex
	all []Event
}

func (e *events) add(ev Event) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	e.mu.Unlock()
}

func (e *events) count(kind, trigger string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.all {
		if ev.Kind == kind && (trigger == "" || ev.Trigger == trigger) {
			n++
		}
	}
	return n
}

// TestLeakSignal watches a leaking and a healthy program side by side: the
// signal fires for the leaking one only. Both see a dozen major GCs.
func TestLeakSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	dir := t.TempDir()
	st, err := store.Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Run until the healthy program has had 12 major GCs and the leaking
	// one has signalled or had 24: counting GCs, not seconds, keeps the
	// test meaningful on a loaded machine. Normally ~7 s. The leaking
	// program's post-GC heap drops once early on (at about the 6th major
	// GC: V8 flushing start-up bytecode), which restarts the run of 5
	// rises, so it fires at about the 11th; a stop at 12 left one GC of
	// slack, and a busy CI machine's wobble used it up.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var leaking, healthy events
	var mu sync.Mutex
	majors := map[string]int{}
	check := func(script string, ev *events) func(Event) {
		return func(e Event) {
			ev.add(e)
			mu.Lock()
			defer mu.Unlock()
			majors[script] += e.MajorGCs
			if majors["healthy.js"] >= 12 && (majors["leaking.js"] >= 24 || leaking.count("leak", "") > 0) {
				cancel()
			}
		}
	}
	run := func(script string, ev *events, wg *sync.WaitGroup) {
		defer wg.Done()
		_, url := startNode(t, script)
		err := Run(ctx, Config{Name: script, Interval: 500 * time.Millisecond, DataDir: dir,
			Connect: dialer(url), Store: st, OnEvent: check(script, ev)})
		if err != nil {
			t.Errorf("%s: %v", script, err)
		}
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go run("leaking.js", &leaking, &wg)
	go run("healthy.js", &healthy, &wg)
	wg.Wait()
	t.Logf("major GCs: %v", majors)

	if leaking.count("leak", "") == 0 {
		t.Error("no leak signal for leaking.js")
	}
	if n := healthy.count("leak", ""); n != 0 {
		t.Errorf("%d leak signals for healthy.js", n)
	}
	bg := context.Background()
	for _, name := range []string{"leaking.js", "healthy.js"} {
		gcs, err := st.GCSummary(bg, store.Query{Target: name})
		if err != nil {
			t.Fatal(err)
		}
		recorded := int64(0)
		for _, g := range gcs {
			if g.Kind == "major" {
				recorded = g.Count
			}
		}
		// The signal needs major GCs to judge; make sure the healthy
		// program's silence is not for lack of them.
		if recorded < 6 || (name == "healthy.js" && recorded < 12) {
			t.Errorf("%s: only %d major GCs recorded", name, recorded)
		}
		ss, _ := st.Samples(bg, store.Query{Target: name})
		if len(ss) < 10 || ss[0].HeapUsed <= 0 || ss[0].RSS < ss[0].HeapUsed {
			t.Errorf("%s: samples %d, first %+v", name, len(ss), ss)
		}
		sessions, _ := st.Sessions(bg, store.Query{Target: name})
		if len(sessions) != 1 || sessions[0].EndReason != "interrupted" {
			t.Errorf("%s: sessions %+v", name, sessions)
		}
	}
	ev, _ := st.Events(bg, store.Query{Target: "leaking.js"})
	if len(ev) == 0 || ev[0].Kind != store.EventSignal || ev[0].Rate <= 0 {
		t.Errorf("leak signal not recorded: %+v", ev)
	}
}

// TestThresholdsAndMetrics: a warn threshold below the heap fires its
// actions once per cooldown; metrics are scraped over HTTP; a snapshot
// action writes a readable file.
func TestThresholdsAndMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	dir := t.TempDir()
	_, url := startNode(t, "healthy.js")
	m := metrics.New(nil)
	srv, err := m.Serve("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	hookOut := filepath.Join(dir, "hook.out")
	acts, err := ParseActions("log,gc,hook:echo $LEAKHOUND_TRIGGER $LEAKHOUND_PID >> " + hookOut)
	if err != nil {
		t.Fatal(err)
	}
	snap, _ := ParseActions("snapshot")
	// Run until warn's log action has fired three times (with a 2 s
	// cooldown that takes ~4 s, longer on a loaded machine) AND a scrape has
	// shown every metric below: the major-GC count appears only once the gc
	// action's collection has been observed by a later sample, which under
	// CPU load can come after the first snapshot.
	wants := []string{"nodejs_heap_size_used_bytes ", "process_resident_memory_bytes ", `nodejs_gc_duration_seconds_count{kind="major"}`,
		`leakhound_actions_total{action="gc",trigger="warn"}`, "leakhound_target_up 1", "leakhound_snapshots_total 1"}
	var ev events
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	scraped := make(chan struct{})
	start := time.Now()
	onEvent := func(e Event) {
		ev.add(e)
		select {
		case <-scraped:
			if ev.count("action", "warn") >= 9 { // 3 x (log, gc, hook)
				cancel()
			}
		default:
		}
	}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Interval: 200 * time.Millisecond, DataDir: dir, Connect: dialer(url),
			Cooldown: 2 * time.Second, Metrics: m, OnEvent: onEvent,
			Thresholds: []Threshold{
				{Name: "warn", Level: Level{Bytes: 1 << 20}, Actions: acts},
				{Name: "critical", Level: Level{Percent: 0.1}, Actions: snap}, // 0.1% of ~4 GiB: always over
				{Name: "restart", Level: Level{Percent: 99}, Actions: snap},   // never reached
			},
			Capture: func(ctx context.Context, c Conn, path string) (int64, error) {
				r, err := inspector.Capture(ctx, c.(*inspector.Conn), path, inspector.CaptureOptions{})
				return r.Bytes, err
			}})
	}()
	// Scrape while it runs, until every wanted metric shows (or the
	// deadline passes: then the missing ones are reported).
	var body []byte
	missing := wants
	for ctx.Err() == nil && len(missing) > 0 {
		time.Sleep(200 * time.Millisecond)
		resp, err := http.Get("http://" + srv.Addr() + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		missing = missing[:0:0]
		for _, want := range wants {
			if !strings.Contains(string(body), want) {
				missing = append(missing, want)
			}
		}
	}
	close(scraped)
	if ev.count("action", "warn") >= 9 {
		cancel()
	}
	for _, want := range missing {
		t.Errorf("metrics lack %q", want)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	for _, e := range ev.all {
		if e.Kind != "sample" {
			t.Logf("%s %s %s %s %s", e.Time.Format("05.000"), e.Kind, e.Trigger, e.Action, e.Message)
		}
	}
	// Every sample is over warn; each action fires again only after the
	// cooldown, and then does fire.
	for _, a := range []string{"log", "gc", "hook:echo $LEAKHOUND_TRIGGER $LEAKHOUND_PID >> " + hookOut} {
		var times []time.Time
		for _, e := range ev.all {
			if e.Kind == "action" && e.Trigger == "warn" && e.Action == a {
				times = append(times, e.Time)
			}
		}
		if len(times) < 3 {
			t.Errorf("warn/%s fired %d times in %s, want 3", a, len(times), elapsed)
		}
		for i := 1; i < len(times); i++ {
			if gap := times[i].Sub(times[i-1]); gap < 2*time.Second-50*time.Millisecond {
				t.Errorf("warn/%s fired again after %s, within the 2 s cooldown", a, gap)
			}
		}
	}
	if n, most := ev.count("action", "critical"), 1+int(elapsed/(2*time.Second)); n < 1 || n > most {
		t.Errorf("critical/snapshot fired %d times in %s, want 1..%d", n, elapsed, most)
	}
	if n := ev.count("action", "restart"); n != 0 {
		t.Errorf("restart fired %d times", n)
	}
	b, _ := os.ReadFile(hookOut)
	if !strings.HasPrefix(string(b), "warn ") {
		t.Errorf("hook output %q", b)
	}
	snaps, _ := filepath.Glob(filepath.Join(dir, "targets", "healthy.js", "snapshots", "Heap.*.heapsnapshot"))
	if len(snaps) < 1 {
		t.Errorf("no critical snapshot written")
	}
}

// TestPeriodicSnapshots: snapshots every second, two kept, each new one
// analysed with the last ones of the same process.
func TestPeriodicSnapshots(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	dir := t.TempDir()
	cmd, url := startNode(t, "healthy.js")
	st, err := store.Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mu sync.Mutex
	var analysed [][]string
	// Three snapshots take seconds idle and minutes with every core busy;
	// the analysis hook ends the run, this only bounds a hang.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Second)
	defer cancel()
	var ev events
	err = Run(ctx, Config{Interval: time.Second, DataDir: dir, Connect: dialer(url), Store: st,
		SnapshotEvery: time.Second, Keep: 2, OnEvent: ev.add,
		Capture: func(ctx context.Context, c Conn, path string) (int64, error) {
			r, err := inspector.Capture(ctx, c.(*inspector.Conn), path, inspector.CaptureOptions{})
			return r.Bytes, err
		},
		Analyze: func(ctx context.Context, snaps []string, out string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			for _, s := range snaps {
				if _, err := os.Stat(s); err != nil {
					t.Errorf("analysis given a missing snapshot: %v", err)
				}
			}
			analysed = append(analysed, snaps)
			if len(analysed) == 2 {
				cancel() // three snapshots taken
			}
			return "ok", os.WriteFile(out, []byte("report\n"), 0o644)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(analysed) != 2 || len(analysed[0]) != 2 || len(analysed[1]) != 2 {
		t.Fatalf("analyses: %v", analysed)
	}
	if analysed[1][0] != analysed[0][1] {
		t.Errorf("second analysis %v does not continue the first %v", analysed[1], analysed[0])
	}
	pdir := filepath.Join(dir, "targets", "healthy.js", "snapshots", "periodic")
	files := periodicFiles(pdir)
	if len(files) != 2 || !strings.Contains(files[0], "."+itoa(cmd.Process.Pid)+".") {
		t.Errorf("kept %v", files)
	}
	reports, _ := filepath.Glob(filepath.Join(dir, "targets", "healthy.js", "reports", "*.leaks.md"))
	if len(reports) != 2 {
		t.Errorf("reports %v", reports)
	}
	evs, _ := st.Events(context.Background(), store.Query{Target: "healthy.js"})
	kinds := map[string]int{}
	for _, e := range evs {
		kinds[e.Kind]++
	}
	if kinds[store.EventSnapshot] != 3 || kinds[store.EventSnapDel] != 1 || kinds[store.EventReport] != 2 {
		t.Errorf("recorded events %v", kinds)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestRestartSignal: the restart threshold sends SIGTERM once; the target
// exits and, without reconnecting, Run reports the lost connection.
func TestRestartSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	cmd, url := startNode(t, "healthy.js")
	acts, _ := ParseActions("signal:TERM")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var ev events
	vetted := 0
	err := Run(ctx, Config{Interval: 200 * time.Millisecond, DataDir: t.TempDir(), Connect: dialer(url), OnEvent: ev.add,
		Thresholds: []Threshold{{Name: "restart", Level: Level{Bytes: 1 << 20}, Actions: acts}},
		CanSignal: func(pid int) error {
			vetted++
			if pid != cmd.Process.Pid {
				t.Errorf("asked to signal pid %d, target is %d", pid, cmd.Process.Pid)
			}
			return nil
		}})
	if err == nil || !strings.Contains(err.Error(), "lost") {
		t.Fatalf("Run = %v, want a lost connection", err)
	}
	if vetted != 1 || ev.count("action", "restart") != 1 {
		t.Errorf("vetted %d, restart actions %d", vetted, ev.count("action", "restart"))
	}
	cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGTERM {
		t.Errorf("target ended with %v", cmd.ProcessState)
	}
}

// TestTwoWatchers: two agents on one target each see every GC (each has
// its own buffer in the probe), and the probe is gone after both stop.
func TestTwoWatchers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	_, url := startNode(t, "healthy.js")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var mu sync.Mutex
	gcs := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := Run(ctx, Config{Interval: 300 * time.Millisecond, DataDir: t.TempDir(), Connect: dialer(url),
				OnEvent: func(e Event) {
					mu.Lock()
					gcs[i] += e.GCs
					if gcs[0] >= 80 {
						cancel()
					}
					mu.Unlock()
				}})
			if err != nil {
				t.Error(err)
			}
		}()
		time.Sleep(200 * time.Millisecond)
	}
	wg.Wait()
	t.Logf("GCs seen: %v", gcs)
	// The second started a little later; otherwise both saw the same GCs.
	// Had they shared one buffer, each would have seen about half.
	if gcs[1] < gcs[0]*7/10 || gcs[1] > gcs[0]+5 {
		t.Errorf("GCs seen: %v; the watchers stole each other's", gcs)
	}
	c, err := dialer(url)(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	a := &agent{conn: c}
	var left bool
	if err := a.eval(context.Background(), `globalThis[`+probeKey+`] !== undefined`, &left); err != nil || left {
		t.Errorf("probe left behind: %v %v", left, err)
	}
}

// TestReconnect: the target restarts on the same inspector port; the agent
// waits, reconnects and records a second session under the same name.
func TestReconnect(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	first, _ := startNodeAt(t, port, "healthy.js")
	dir := t.TempDir()
	st, err := store.Open(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var ev events
	restarted := make(chan *exec.Cmd, 1)
	var once sync.Once
	onEvent := func(e Event) {
		ev.add(e)
		if e.Kind == "sample" && e.PID == first.Process.Pid {
			once.Do(func() {
				go func() { // the target "crashes" and is restarted
					first.Process.Kill()
					first.Wait()
					c, _ := startNodeAt(t, port, "healthy.js")
					restarted <- c
				}()
			})
		}
		if e.Kind == "sample" && e.PID != first.Process.Pid {
			cancel()
		}
	}
	err = Run(ctx, Config{Name: "svc", Interval: 200 * time.Millisecond, DataDir: dir, Store: st, OnEvent: onEvent, Reconnect: true,
		Connect: dialer("127.0.0.1:" + port)})
	if err != nil {
		t.Fatal(err)
	}
	second := <-restarted
	sessions, _ := st.Sessions(context.Background(), store.Query{Target: "svc"})
	if len(sessions) != 2 || sessions[0].PID != first.Process.Pid || sessions[1].PID != second.Process.Pid {
		t.Fatalf("sessions %+v", sessions)
	}
	if !strings.HasPrefix(sessions[0].EndReason, "connection lost") || sessions[1].EndReason != "interrupted" {
		t.Errorf("end reasons %q, %q", sessions[0].EndReason, sessions[1].EndReason)
	}
	if ev.count("disconnected", "") != 1 || ev.count("connected", "") != 2 {
		t.Errorf("connected %d, disconnected %d", ev.count("connected", ""), ev.count("disconnected", ""))
	}
}

// TestTargetFinishes: a program whose event loop empties while watched is
// let go at once (not held by node's "Waiting for the debugger to
// disconnect..." until the next sample, nor ever): Run ends with
// ErrFinished, after an "exited" event, and the process exits.
func TestTargetFinishes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	// It finishes 1 s after SIGUSR2, sent once connected (a fixed lifetime
	// could end before a loaded machine connects).
	cmd, url := startNode(t, "finishes.js", "FINISH_MS=1000", "FINISH_ON_SIGNAL=1")
	exited := make(chan time.Time, 1)
	go func() { cmd.Wait(); exited <- time.Now() }()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var ev events
	onEvent := func(e Event) {
		ev.add(e)
		if e.Kind == "connected" {
			cmd.Process.Signal(syscall.Signal(12)) // SIGUSR2 on Linux; a name that builds for every GOOS
		}
	}
	start := time.Now()
	// A long interval: the notice, not a failing sample, ends the session.
	err := Run(ctx, Config{Interval: 100 * time.Second, DataDir: t.TempDir(), Connect: dialer(url), OnEvent: onEvent})
	if !errors.Is(err, ErrFinished) {
		t.Fatalf("Run = %v, want ErrFinished", err)
	}
	if took := time.Since(start); took > 50*time.Second {
		t.Errorf("Run took %s for a program that finishes after 1s (the interval is 100s)", took)
	}
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatal("the target is still alive after watch let go")
	}
	if ev.count("exited", "") != 1 || ev.count("error", "") != 0 {
		t.Errorf("exited %d, errors %d", ev.count("exited", ""), ev.count("error", ""))
	}
}

// slowCapture captures after pausing the target for pause (a busy loop in
// it, as a big heap's snapshot would), counting its calls.
func slowCapture(pause time.Duration, calls *int) func(ctx context.Context, c Conn, path string) (int64, error) {
	return func(ctx context.Context, c Conn, path string) (int64, error) {
		*calls++
		ic := c.(*inspector.Conn)
		if _, err := ic.Evaluate(ctx, "{const e = Date.now() + "+strconv.Itoa(int(pause.Milliseconds()))+"; while (Date.now() < e);}", false); err != nil {
			return 0, err
		}
		r, err := inspector.Capture(ctx, ic, path, inspector.CaptureOptions{})
		return r.Bytes, err
	}
}

// TestOneSnapshotForAllTriggersAndDuration: a sample over warn and critical
// takes one snapshot for both, after both log lines; --duration ending
// while it is taken lets it finish (no error, nothing thrown away).
func TestOneSnapshotForAllTriggersAndDuration(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	_, url := startNode(t, "healthy.js")
	dir := t.TempDir()
	logSnap, _ := ParseActions("log,snapshot")
	var ev events
	calls := 0
	// The first sample must come within --duration (connecting takes
	// seconds on a loaded machine), and the duration must end while the
	// snapshot is taken: the capture first waits for the duration to pass.
	const duration = 5 * time.Second
	slow := slowCapture(time.Second, &calls)
	start := time.Now()
	err := Run(context.Background(), Config{Interval: 200 * time.Millisecond, Duration: duration,
		DataDir: dir, Connect: dialer(url), OnEvent: ev.add,
		Capture: func(ctx context.Context, c Conn, path string) (int64, error) {
			time.Sleep(time.Until(start.Add(duration + 200*time.Millisecond)))
			return slow(ctx, c, path)
		},
		Thresholds: []Threshold{
			{Name: "warn", Level: Level{Bytes: 1 << 20}, Actions: logSnap},
			{Name: "critical", Level: Level{Bytes: 2 << 20}, Actions: logSnap},
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("took %s", time.Since(start))
	var order []string
	var paths []string
	for _, e := range ev.all {
		switch e.Kind {
		case "action":
			order = append(order, e.Trigger+"/"+e.Action)
			if e.Action == "snapshot" {
				paths = append(paths, e.Path)
			}
		case "error":
			t.Errorf("error event: %s", e.Message)
		}
	}
	want := []string{"critical/log", "warn/log", "critical/snapshot", "warn/snapshot"}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("actions %v, want %v", order, want)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "targets", "healthy.js", "snapshots", "*.heapsnapshot"))
	if calls != 1 || len(files) != 1 || len(paths) != 2 || paths[0] != files[0] || paths[1] != files[0] {
		t.Errorf("captures %d, files %v, actions' paths %v", calls, files, paths)
	}
}

// TestBusyTarget: while another client pauses the target (a snapshot), a
// watch's sample comes late with a "busy" event, never an error.
func TestBusyTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	old := busyAfter
	busyAfter = 500 * time.Millisecond
	defer func() { busyAfter = old }()
	_, url := startNode(t, "healthy.js")
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var ev events
	paused := false
	onEvent := func(e Event) {
		ev.add(e)
		if e.Kind == "sample" && !paused {
			paused = true
			go func() {
				c, err := dialer(url)(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				defer c.Close()
				_, _ = c.(*inspector.Conn).Evaluate(ctx, "{const e = Date.now() + 2000; while (Date.now() < e);}", false)
			}()
		}
		if ev.count("busy", "") > 0 && e.Kind == "sample" {
			cancel()
		}
	}
	err := Run(ctx, Config{Interval: 200 * time.Millisecond, DataDir: t.TempDir(), Connect: dialer(url), OnEvent: onEvent})
	if err != nil {
		t.Fatal(err)
	}
	if ev.count("busy", "") != 1 || ev.count("error", "") != 0 {
		t.Errorf("busy %d, errors %d", ev.count("busy", ""), ev.count("error", ""))
	}
}

// After node's near-heap-limit snapshot, node has raised the heap limit:
// a threshold's snapshot action takes no second one of the heap grown
// past it (a user's QA saw a 390 MiB one, 2.4 GiB resident, follow).
func TestNoThresholdSnapshotAfterNearLimit(t *testing.T) {
	a := &agent{nearLimitSnap: "/data/near-heap-limit/Heap.1.heapsnapshot"}
	detail, path, err := a.do(context.Background(), "critical", Action{Kind: "snapshot"}, "heap used 200 MiB")
	if err != nil || path != a.nearLimitSnap || !strings.HasPrefix(detail, "skipped: node already wrote a snapshot near the heap limit") {
		t.Errorf("%q %q %v", detail, path, err)
	}
}

func TestProcessName(t *testing.T) {
	for in, want := range map[string]string{"/opt/node/bin/node": "node", `C:\Program Files\nodejs\node.exe`: "node.exe", "api-server": "api-server", "node": "node"} {
		if got := processName(in); got != want {
			t.Errorf("processName(%q) = %q, want %q", in, got, want)
		}
	}
}
