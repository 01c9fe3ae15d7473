package inspector

import (
	"bufio"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// liveDir is testdata/live at the repository root.
func liveDir(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "live")
}

func needNode(t testing.TB) string {
	p, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not on PATH")
	}
	return p
}

// startNode starts node with args (script paths relative to testdata/live)
// and waits for its "ready" line. The process is killed at the end of the
// test. --inspect-port=0 makes a SIGUSR1-opened inspector pick a free port,
// so tests never fight over 9229.
func startNode(t testing.TB, args ...string) *exec.Cmd {
	t.Helper()
	node := needNode(t)
	cmd := exec.Command(node, args...)
	cmd.Dir = liveDir(t)
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
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready") {
				ready <- sc.Text()
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(15 * time.Second):
		t.Fatal("node did not print ready")
	}
	return cmd
}
