package cli

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

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
	r := runAndDecode(t, 1, "run", "--step", "handleAsync(20)", "--iterations", "20", "--json", "--fail-on-leak", "--quiet",
		"--", "node", serverJS(), "leak")
	checkLeakFound(t, r)
	// The leak grows by about 30 KB a round here; 16 KiB keeps the gate above
	// the analysis' small noise (a few compiled-code strings) on a clean run.
	r = runAndDecode(t, 0, "run", "--step", "handle(20)", "--iterations", "20", "--json", "--fail-on-leak", "--min-growth", "16KiB", "--quiet",
		"--", "node", serverJS(), "clean")
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
		"--", "node", serverJS(), "leak")
	checkLeakFound(t, r)
	port = freePort(t)
	t.Setenv("PORT", port)
	code, out, errOut := runInspCLI("run", "--load", "http://localhost:"+port+"/", "--requests", "300",
		"--fail-on-leak", "--min-growth", "16KiB", "--", "node", serverJS(), "clean")
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
		"--iterations", "10", "--dir", dir, "--quiet", "--", "node", serverJS(), "clean")
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
		{[]string{"run", "--", "node", serverJS()}, 2, "exactly one workload"},
		{[]string{"run", "--step", "1", "--load", "http://127.0.0.1:1/", "--", "node", serverJS()}, 2, "exactly one workload"},
		{[]string{"run", "--load", "http://192.0.2.1/", "--", "node", serverJS()}, 2, "loopback"},
		{[]string{"run", "--step", "1", "--", "sh", "-c", "true"}, 2, "must start with node"},
		{[]string{"run", "--step", "nope()", "--quiet", "--", "node", serverJS()}, 2, "nope is not defined"},
		{[]string{"run", "--step", "1", "--quiet", "--", "node", "-e", "process.exit(3)"}, 3, "exited"},
		{[]string{"run", "--step", "process.exit(0)", "--quiet", "--", "node", serverJS()}, 3, "exited"},
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
