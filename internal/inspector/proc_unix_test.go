//go:build linux || darwin

package inspector

import (
	"os"
	"strings"
	"testing"
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
