package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

// capture --all snapshots each node process in turn, names each file after
// its process, and closes every inspector it opened (all of them open on
// one port here, the default port's case). The test hands it only its own
// processes: on a shared machine, the others' are not ours to signal. The
// real listing is checked to include them.
func TestCaptureAll(t *testing.T) {
	port := livetest.InspectPort(t)
	a := livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid
	b := livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid
	s, _ := livetest.StartReady(t, "--inspect=127.0.0.1:0", "server.js", "clean")
	c := s.Process.Pid
	mine := []int{a, b, c}
	all, err := inspector.NodeProcesses()
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range mine {
		if !slices.Contains(all, pid) {
			t.Errorf("NodeProcesses lacks %d: %v", pid, all)
		}
	}
	if slices.Contains(all, os.Getpid()) {
		t.Error("NodeProcesses lists the test itself")
	}
	defer func(f func() ([]int, error)) { nodeProcesses = f }(nodeProcesses)
	nodeProcesses = func() ([]int, error) { return mine, nil }

	dir := t.TempDir()
	code, out, errOut := runInspCLI("capture", "--all", "-o", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res []captureJSON
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 3 {
		t.Fatalf("JSON %q: %v", out, err)
	}
	for i, r := range res {
		want := "idle." + strconv.Itoa(mine[i]) + "."
		if i == 2 {
			want = "server." + strconv.Itoa(mine[i]) + "."
		}
		if r.PID != mine[i] || !strings.HasPrefix(filepath.Base(r.Path), want) || filepath.Dir(r.Path) != dir {
			t.Errorf("snapshot %d: %+v, want %s…", i, r, want)
		}
		if st, err := os.Stat(r.Path); err != nil || st.Size() != r.Bytes {
			t.Errorf("%s: %v", r.Path, err)
		}
	}
	// Ours closed; the one open before (server.js, --inspect) left open.
	for _, pid := range []int{a, b} {
		if _, err := inspector.Resolve(context.Background(), strconv.Itoa(pid), inspector.ResolveOptions{NoSignal: true}); !errors.Is(err, inspector.ErrNoInspector) {
			t.Errorf("pid %d still has an inspector: %v", pid, err)
		}
	}
	if _, err := inspector.Resolve(context.Background(), strconv.Itoa(c), inspector.ResolveOptions{NoSignal: true}); err != nil {
		t.Errorf("the pre-opened inspector of %d is gone: %v", c, err)
	}
	if strings.Count(errOut, "closed the inspector of pid") != 2 {
		t.Errorf("stderr: %q", errOut)
	}
	// A process gone meanwhile is reported and the rest still captured.
	// The first process is captured again: closing left it attachable.
	nodeProcesses = func() ([]int, error) { return []int{a, 1 << 30}, nil }
	code, _, errOut = runInspCLI("capture", "--all", "-o", dir, "--quiet")
	if code != ExitEnv || !strings.Contains(errOut, "captured 1 of 2") {
		t.Errorf("exit %d: %q", code, errOut)
	}
	if code, _, _ := runInspCLI("capture", "--all", "123"); code != ExitBadInput {
		t.Errorf("--all with a target: exit %d", code)
	}
}

func TestProcessLabel(t *testing.T) {
	for _, tc := range [][3]string{
		{"/srv/app/server.js", "node", "server"},
		{`C:\srv\app\worker.mjs`, "node", "worker"},
		{"", "my api", "my_api"},
		{"", "", "node"},
		{"/x/../..", "", "node"},
	} {
		if got := processLabel(tc[0], tc[1]); got != tc[2] {
			t.Errorf("processLabel(%q, %q) = %q, want %q", tc[0], tc[1], got, tc[2])
		}
	}
}
