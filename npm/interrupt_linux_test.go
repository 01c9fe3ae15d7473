package npm

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// interruptWatch: Ctrl-C on `npx leakhound watch` (the wrapper and the
// binary in one process group, as a terminal sends it) ends with the
// binary's exit code, 0, not the wrapper killed by the signal (130).
func interruptWatch(t *testing.T, proj string) {
	t.Helper()
	target := exec.Command("node", "-e", "setInterval(() => {}, 1000)")
	if err := target.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { target.Process.Kill(); target.Wait() }()
	out := &lockedBuilder{}
	w := exec.Command("node", filepath.Join("node_modules", "leakhound", "bin", "leakhound.js"), "watch", strconv.Itoa(target.Process.Pid),
		"--interval", "1s", "--data-dir", t.TempDir())
	w.Dir, w.Stdout, w.Stderr = proj, out, out
	w.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(out.String(), "watching"); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			w.Process.Kill()
			t.Fatalf("watch did not start:\n%s", out.String())
		}
	}
	syscall.Kill(-w.Process.Pid, syscall.SIGINT)
	err := w.Wait()
	if code := w.ProcessState.ExitCode(); err != nil || code != 0 {
		t.Errorf("Ctrl-C on the wrapper's watch: %v (exit %d), want 0\n%s", err, code, out.String())
	}
}

// lockedBuilder is a strings.Builder two goroutines may write (a command's
// stdout and stderr).
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
