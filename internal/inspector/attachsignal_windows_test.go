package inspector

import (
	"errors"
	"strings"
	"testing"
)

// Without node on PATH, the attach error says what it needs and the way
// around it.
func TestSendAttachNeedsNode(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := sendAttach(4242)
	if !errors.Is(err, ErrNoInspector) || !strings.Contains(err.Error(), "not on PATH") ||
		!strings.Contains(err.Error(), "--inspect=127.0.0.1:0") {
		t.Fatalf("err = %v", err)
	}
}

func TestDebugProcessArgs(t *testing.T) {
	got := strings.Join(debugProcessArgs(4242), " ")
	if !strings.Contains(got, "process._debugProcess(4242)") || !strings.HasPrefix(got, "-e ") {
		t.Errorf("args %q", got)
	}
	if processArgs(1) != "" || attachMethod != "process._debugProcess" {
		t.Error("Windows reads no command lines and attaches with _debugProcess")
	}
}
