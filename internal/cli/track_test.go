package cli

import (
	"strings"
	"testing"
)

func TestWatchTrackUsage(t *testing.T) {
	for _, args := range [][]string{
		{"watch", "--track", "noequals", "1"},
		{"watch", "--track", "bad name=x", "1"},
		{"watch", "--count", "X", "--count-every", "10ms", "1"},
	} {
		code, _, stderr := runCmd(args...)
		if code != ExitBadInput || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line", args, code, stderr)
		}
	}
}
