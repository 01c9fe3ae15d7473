package ui

import (
	"os"
	"testing"
)

// A pseudo-terminal is a terminal: colour on, unless NO_COLOR (any
// non-empty value) or TERM=dumb says otherwise.
func TestColorOnTerminal(t *testing.T) {
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer pty.Close()
	t.Setenv("TERM", "xterm")
	t.Setenv("NO_COLOR", "")
	if !IsTerminal(pty) || !ColorEnabled(pty) {
		t.Fatal("a pty is a terminal with colour")
	}
	t.Setenv("NO_COLOR", "1")
	if ColorEnabled(pty) {
		t.Error("NO_COLOR=1 still colours")
	}
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "dumb")
	if ColorEnabled(pty) {
		t.Error("TERM=dumb still colours")
	}
}
