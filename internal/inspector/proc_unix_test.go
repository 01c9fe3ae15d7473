//go:build linux || darwin

package inspector

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// processArgs reads our own command line, NUL-terminated per argument, as
// /proc/PID/cmdline (Linux) or kern.procargs2 (macOS) gives it.
func TestProcessArgsSelf(t *testing.T) {
	got := processArgs(os.Getpid())
	want := strings.Join(os.Args, "\x00") + "\x00"
	if got != want {
		t.Errorf("processArgs = %q, want %q", got, want)
	}
	if attachMethod != "SIGUSR1" {
		t.Errorf("attachMethod = %q", attachMethod)
	}
}

// An exited child not yet reaped is not alive (watch and release would
// otherwise wait on, or warn about, a process that is gone).
func TestZombieIsNotAlive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("zombies are told apart on linux only")
	}
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	defer cmd.Wait()
	for deadline := time.Now().Add(5 * time.Second); !zombie(cmd.Process.Pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the child never became a zombie")
		}
	}
	if ProcessAlive(cmd.Process.Pid) {
		t.Error("an exited, unreaped child is alive")
	}
	if !ProcessAlive(os.Getpid()) {
		t.Error("this process is not alive")
	}
}
