package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad input exits 2 with one line, before or after the server started.
func TestServeBadInput(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(junk, []byte("hello\nworld\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"serve"},
		{"serve", filepath.Join(t.TempDir(), "missing.heapsnapshot")},
		{"serve", junk},
		{"serve", "--addr", "not-an-address", junk},
		{"serve", "--top", "0", junk},
	} {
		code, _, errs := runCmd(args...)
		if code != ExitBadInput || strings.Count(strings.TrimSpace(errs), "\n") != 0 || !strings.HasPrefix(errs, "leakhound: ") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, errs)
		}
	}
}
