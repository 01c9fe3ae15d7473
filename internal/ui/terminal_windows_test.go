package ui

import (
	"os"
	"testing"
)

// NUL is a character device, yet no console: no colour written to it.
func TestNULIsNoTerminal(t *testing.T) {
	f, err := os.OpenFile("NUL", os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	if IsTerminal(f) || ColorEnabled(f) {
		t.Error("NUL taken for a console")
	}
}
