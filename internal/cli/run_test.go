package cli

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector/livetest"
	"github.com/leakhound/leakhound/internal/leak"
)

// run --json prints exactly the `leaks --json` report.
type runJSON = leak.Report

func serverJS() string { return filepath.Join(livetest.Dir(), "server.js") }

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

func runAndDecode(t *testing.T, wantCode int, args ...string) runJSON {
	t.Helper()
	code, out, errOut := runInspCLI(args...)
	if code != wantCode {
		t.Fatalf("%v: exit %d, want %d; stderr:\n%s", args, code, wantCode, errOut)
	}
	var r runJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if len(r.Snapshots) != 3 {
		t.Fatalf("%d snapshots in the report", len(r.Snapshots))
	}
	return r
}

func checkLeakFound(t *testing.T, r runJSON) {
	t.Helper()
	if !r.Leak || len(r.Suspects) == 0 {
		t.Fatalf("no leak reported: %+v", r)
	}
	top := r.Suspects[0]
	if top.Class != "RequestRecord" || top.Pattern != leak.PatternCollection {
		t.Errorf("top suspect %s %s, want unbounded-collection RequestRecord", top.Pattern, top.Class)
	}
}

func TestRunStep(t *testing.T) {
	livetest.Node(t)
	page := filepath.Join(t.TempDir(), "run.html")
	r := runAndDecode(t, 1, "run", "--step", "handleAsync(20)", "--iterations", "20", "--json", "--fail-on-leak", "--quiet",
		"--html", page, "--", livetest.Node(t), serverJS(), "leak")
	checkLeakFound(t, r)
	// The page is written even though the run fails the check.
	readHTML(t, page, "leakhound run", "RequestRecord", "unbounded-collection", "fix:")
	// The leak grows by about 30 KB a round here; 16 KiB keeps the gate above
	// the analysis' small noise (a few compiled-code strings) on a clean run.
	r = runAndDecode(t, 0, "run", "--step", "handle(20)", "--iterations", "20", "--json", "--fail-on-leak", "--min-growth", "16KiB", "--quiet",
		"--", livetest.Node(t), serverJS(), "clean")
	if r.Leak || len(r.Suspects) != 0 {
		t.Errorf("clean program reported as leaking: %+v", r.Suspects)
	}
}

func TestRunLoad(t *testing.T) {
	livetest.Node(t)
	port := freePort(t)
	t.Setenv("PORT", port) // passed through to the program
	url := "http://127.0.0.1:" + port + "/api"
	r := runAndDecode(t, 1, "run", "--load", url, "--requests", "300", "--concurrency", "4", "--json", "--fail-on-leak", "--quiet",
		"--", livetest.Node(t), serverJS(), "leak")
	checkLeakFound(t, r)
	port = freePort(t)
	t.Setenv("PORT", port)
	code, out, errOut := runInspCLI("run", "--load", "http://localhost:"+port+"/", "--requests", "300",
		"--fail-on-leak", "--min-growth", "16KiB", "--", livetest.Node(t), serverJS(), "clean")
	if code != 0 {
		t.Fatalf("clean program: exit %d\n%s\n%s", code, out, errOut)
	}
	// Text report on stdout; the program's output and our notes on stderr.
	if !strings.Contains(errOut, "ready "+port) || !strings.Contains(errOut, "900 requests ok, 0 failed") ||
		strings.Contains(out, "ready") {
		t.Errorf("stdout %q\nstderr %q", out, errOut)
	}
}

// The program dies after the baseline: exit 3, its exit status, and where
// the snapshots taken so far are.
func TestRunProgramDies(t *testing.T) {
	livetest.Node(t)
	dir := t.TempDir()
	code, _, errOut := runInspCLI("run", "--step", "globalThis.n = (globalThis.n || 0) + 1; if (n > 15) process.exit(7); handle(1)",
		"--iterations", "10", "--dir", dir, "--quiet", "--", livetest.Node(t), serverJS(), "clean")
	if code != 3 || !strings.Contains(errOut, "exit status 7") || !strings.Contains(errOut, "1 snapshot(s) taken before are in "+dir) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("dir holds %v", ents)
	}
}

func TestRunErrors(t *testing.T) {
	livetest.Node(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"run", "--step", "1"}, 2, "needs the program"},
		{[]string{"run", "--", livetest.Node(t), serverJS()}, 2, "exactly one workload"},
		{[]string{"run", "--step", "1", "--load", "http://127.0.0.1:1/", "--", livetest.Node(t), serverJS()}, 2, "exactly one workload"},
		{[]string{"run", "--load", "http://192.0.2.1/", "--", livetest.Node(t), serverJS()}, 2, "loopback"},
		{[]string{"run", "--step", "1", "--", "sh", "-c", "true"}, 2, "must start with node"},
		{[]string{"run", "--step", "nope()", "--quiet", "--", livetest.Node(t), serverJS()}, 2, "nope is not defined"},
		{[]string{"run", "--step", "1", "--quiet", "--", livetest.Node(t), "-e", "process.exit(3)"}, 3, "exited"},
		{[]string{"run", "--step", "process.exit(0)", "--quiet", "--", livetest.Node(t), serverJS()}, 3, "exited"},
	} {
		code, _, errOut := runInspCLI(tc.args...)
		last := errOut
		if i := strings.LastIndex(strings.TrimSuffix(errOut, "\n"), "\n"); i >= 0 {
			last = errOut[i+1:]
		}
		if code != tc.code || !strings.Contains(last, tc.msg) || !strings.HasPrefix(last, "leakhound: ") {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errOut, tc.code, tc.msg)
		}
	}
}

// TestRunProgramFinishes: a program that runs out of work (no server, no
// timer) is let go and reported in plain words, without the inspector's
// error text; one that fails at startup gives its exit status.
func TestRunProgramFinishes(t *testing.T) {
	livetest.Node(t)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		// Defines handle() and keeps nothing alive: it ends at startup.
		{[]string{"run", "--step", "handle()", "--iterations", "100", "--quiet", "--", livetest.Node(t), "-e", "globalThis.handle = () => 1"},
			"the program exited before the workload could run (exit status 0): --step needs a program that stays alive (a server, a timer)"},
		// Alive for a moment (well past run's startup grace, on a busy
		// machine too), then its last timer fires: it ends during the run.
		{[]string{"run", "--step", "new Promise(r => setTimeout(r, 20))", "--iterations", "1000", "--quiet", "--",
			livetest.Node(t), "-e", "globalThis.handle = () => 1; setTimeout(() => {}, 2000)"},
			"the program exited during the run (exit status 0): it ran out of work (its event loop emptied) or called process.exit; --step needs a program that stays alive"},
		{[]string{"run", "--step", "1", "--quiet", "--", livetest.Node(t), "/no/such/script.js"}, "the program exited at startup (exit status 1)"},
	} {
		start := time.Now()
		code, _, errOut := runInspCLI(tc.args...)
		if code != ExitEnv || !strings.Contains(errOut, tc.msg) || strings.Contains(errOut, "Cannot find context") || strings.Contains(errOut, "code -32000") {
			t.Errorf("%v: exit %d, stderr %q; want 3 and %q", tc.args[len(tc.args)-1], code, errOut, tc.msg)
		}
		if took := time.Since(start); took > 60*time.Second {
			t.Errorf("%v took %s", tc.args[len(tc.args)-1], took)
		}
	}
}

func TestRunLoadNothingListens(t *testing.T) {
	livetest.Node(t)
	port := freePort(t)
	// --start-timeout also bounds node's own start (its inspector line),
	// which takes seconds on a loaded machine: nothing listens either way.
	code, _, errOut := runInspCLI("run", "--load", "http://127.0.0.1:"+port+"/", "--start-timeout", "10s", "--quiet", "--",
		livetest.Node(t), "-e", "setInterval(() => {}, 1000)")
	if code != ExitEnv || !strings.Contains(errOut, "nothing listens at 127.0.0.1:"+port) || strings.Contains(errOut, "dial tcp") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// TestRunWorkersNote: worker threads' heaps are not in the main thread's
// snapshots; the report says so instead of a silent "no leak suspects".
func TestRunWorkersNote(t *testing.T) {
	livetest.Node(t)
	r := runAndDecode(t, 0, "run", "--step", "new Promise((r) => setTimeout(r, 20))", "--iterations", "10", "--json", "--quiet",
		"--", livetest.Node(t), filepath.Join(livetest.Dir(), "workers.js"))
	if len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "this process runs 2 worker threads") || !strings.Contains(r.Notes[0], "indexer") {
		t.Errorf("notes = %q", r.Notes)
	}
	code, out, errOut := runInspCLI("run", "--step", "new Promise((r) => setTimeout(r, 20))", "--iterations", "10",
		"--", livetest.Node(t), filepath.Join(livetest.Dir(), "workers.js"))
	if code != 0 || !strings.Contains(out, "note: this process runs 2 worker threads") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestRunStepResolvedByNextTick: a step whose promise settles from
// process.nextTick on an otherwise idle program completes every time (it
// is run from a callback of the target's event loop, not in the middle of
// node's tick processing). 6 runs of 60 steps: the old way hung in about
// one run in three.
func TestRunStepResolvedByNextTick(t *testing.T) {
	livetest.Node(t)
	prog := filepath.Join(livetest.Dir(), "nexttick.js")
	for i := 0; i < 6; i++ {
		done := make(chan runJSON, 1)
		go func() {
			done <- runAndDecode(t, 0, "run", "--step", "handle()", "--iterations", "20", "--json", "--quiet", "--", livetest.Node(t), prog)
		}()
		select {
		case r := <-done:
			if len(r.Suspects) == 0 || r.Suspects[0].Class != "TickRecord" {
				t.Fatalf("run %d: suspects %+v, want the TickRecords", i+1, r.Suspects)
			}
		case <-time.After(3 * time.Minute): // a run takes about a second
			t.Fatalf("run %d hangs on a step resolved by process.nextTick", i+1)
		}
	}
}

// TestRunStepWaitsForESMGlobals: an ES module is evaluated after node's
// event loop starts; a step that names its global waits for it instead of
// failing with "handle is not defined".
func TestRunStepWaitsForESMGlobals(t *testing.T) {
	livetest.Node(t)
	runAndDecode(t, 0, "run", "--step", "handle()", "--iterations", "5", "--json", "--quiet",
		"--", livetest.Node(t), filepath.Join(livetest.Dir(), "late.mjs"))
}

// TestRunWorker: --worker N snapshots a worker thread; a leak there, which
// the main thread's snapshots cannot show, fails --fail-on-leak.
func TestRunWorker(t *testing.T) {
	livetest.Node(t)
	prog := filepath.Join(livetest.Dir(), "workerleak.js")
	r := runAndDecode(t, 0, "run", "--step", "handle()", "--iterations", "200", "--json", "--quiet", "--fail-on-leak", "--", livetest.Node(t), prog)
	if len(r.Suspects) != 0 || len(r.Notes) == 0 || !strings.Contains(r.Notes[0], "1 worker thread") {
		t.Errorf("main thread: suspects %d, notes %q", len(r.Suspects), r.Notes)
	}
	r = runAndDecode(t, 1, "run", "--step", "handle()", "--iterations", "200", "--json", "--quiet", "--fail-on-leak", "--worker", "1", "--", livetest.Node(t), prog)
	if len(r.Suspects) == 0 || r.Suspects[0].Class != "ParsedJob" || !strings.Contains(r.Notes[0], "worker thread 1") {
		t.Errorf("worker: %+v, notes %q", r.Suspects, r.Notes)
	}
	code, _, errOut := runInspCLI("run", "--step", "handle()", "--iterations", "5", "--quiet", "--worker", "4", "--", livetest.Node(t), prog)
	if code != ExitBadInput || !strings.Contains(errOut, "no such worker thread") {
		t.Errorf("--worker 4: exit %d, %q", code, errOut)
	}
}

// TestRunConfirmsUnevenGrowth: a bounded cache still filling at the third
// snapshot (100 → 200 → 260 entries) looks like a leak; run takes a 4th
// snapshot, sees it stopped, and passes --fail-on-leak with the defaults.
// Without the 4th (--confirm=false) it is a suspect.
func TestRunConfirmsUnevenGrowth(t *testing.T) {
	livetest.Node(t)
	prog := filepath.Join(livetest.Dir(), "filling.js")
	code, out, errOut := runInspCLI("run", "--step", "handle()", "--iterations", "100", "--json", "--fail-on-leak", "--quiet", "--", livetest.Node(t), prog)
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, errOut)
	}
	var r runJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	notes := strings.Join(r.Notes, "\n")
	if len(r.Snapshots) != 4 || r.Leak || !strings.Contains(notes, "4th snapshot") || !strings.Contains(notes, "stopped") {
		t.Errorf("%d snapshots, leak %v, notes:\n%s", len(r.Snapshots), r.Leak, notes)
	}
	code, out, errOut = runInspCLI("run", "--step", "handle()", "--iterations", "100", "--json", "--fail-on-leak", "--quiet", "--confirm=false", "--", livetest.Node(t), prog)
	if code != 1 {
		t.Fatalf("--confirm=false: exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Snapshots) != 3 || len(r.Suspects) == 0 || !r.Suspects[0].ThinEvidence || !strings.Contains(r.Suspects[0].Evidence, "uneven") {
		t.Errorf("--confirm=false: %d snapshots, suspects %+v", len(r.Snapshots), r.Suspects)
	}
}
