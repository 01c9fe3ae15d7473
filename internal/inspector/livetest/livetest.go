// Package livetest starts the node programs of testdata/live for tests that
// need a real target process. Only tests import it.
package livetest

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// Dir is testdata/live at the repository root.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "live")
}

// Node returns the node under test's path (see nodetest).
func Node(t testing.TB) string { return nodetest.Path(t) }

// Start runs node with args (script paths relative to testdata/live) and
// waits for its "ready" line on stdout. The process is killed when the test
// ends. Pass --inspect-port=0 first so an inspector opened with SIGUSR1
// picks a free port and parallel tests never fight over 9229.
func Start(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	cmd, _ := StartReady(t, args...)
	return cmd
}

// StartReady is Start that also returns what followed "ready " on the
// line (server.js prints its port there).
func StartReady(t testing.TB, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(Node(t), args...)
	cmd.Dir = Dir()
	out, err := cmd.StdoutPipe()
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
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		signalled := false
		for sc.Scan() {
			if !signalled && strings.HasPrefix(sc.Text(), "ready") {
				signalled = true
				ready <- strings.TrimSpace(strings.TrimPrefix(sc.Text(), "ready"))
			}
		}
	}()
	select {
	case line := <-ready:
		return cmd, line
	case <-time.After(20 * time.Second):
		t.Fatal("node did not print ready")
	}
	return cmd, ""
}
