package inspector

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The per-OS process helpers describe this test process correctly.
func TestProcessSelf(t *testing.T) {
	pid := os.Getpid()
	if !processAlive(pid) || !ProcessAlive(pid) {
		t.Fatal("we are not alive")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	want := strings.TrimSuffix(filepath.Base(exe), ".exe")
	if got := processExe(pid); got != want {
		t.Errorf("processExe = %q, want %q", got, want)
	}
	if got := processName(pid); got == "?" || !strings.HasPrefix(want, got) {
		t.Errorf("processName = %q, want a prefix of %q", got, want)
	}
	if name, ok := NodeProcess(pid); ok || name == "" {
		t.Errorf("NodeProcess(self) = %q, %v", name, ok)
	}
	if name, ok := NodeProcess(1 << 30); ok || name != "" {
		t.Errorf("NodeProcess(no such pid) = %q, %v", name, ok)
	}
	if free, err := FreeDisk(t.TempDir()); err != nil || free <= 0 {
		t.Errorf("FreeDisk = %d, %v", free, err)
	}
}
