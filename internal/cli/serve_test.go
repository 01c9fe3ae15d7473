package cli

import (
	"net"
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

// serve's --addr takes what watch's --metrics-addr takes: a bare port or
// :PORT binds loopback (the heap holds the program's secrets); a port in
// use is the environment's failure (exit 3).
func TestServeAddr(t *testing.T) {
	url := startServe(t, caseStudySnap, "--quiet", "--addr", ":0")
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Errorf(":0 served at %s, want loopback", url)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, _, stderr := runCmd("serve", "--quiet", "--addr", ln.Addr().String(), caseStudySnap)
	if code != ExitEnv || !strings.Contains(stderr, "already in use") {
		t.Errorf("port in use: exit %d, %q", code, stderr)
	}
	if code, _, _ := runCmd("serve", "--quiet", "--addr", "127.0.0.1:http-x", caseStudySnap); code != ExitBadInput {
		t.Errorf("bad address: exit %d", code)
	}
}

// A usage error is one line on stderr, for every command: what is wrong,
// the flag as typed, and where the flags are listed; not the whole usage.
func TestBadFlagIsOneLine(t *testing.T) {
	for name := range commands {
		code, out, stderr := runCmd(name, "--no-such-flag")
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != ExitBadInput || len(lines) != 1 || !strings.Contains(stderr, "--no-such-flag") ||
			!strings.Contains(stderr, "leakhound help "+name) || out != "" {
			t.Errorf("%s --no-such-flag: exit %d, stdout %q, stderr %q", name, code, out, stderr)
		}
	}
}

// Negative durations and thresholds are refused in one line, not taken
// silently (a user's QA found these accepted).
func TestNegativeFlagValues(t *testing.T) {
	for _, args := range [][]string{
		{"gc", "--every", "-1s", "x.log"},
		{"gc", "--leak-mb-per-hour", "-1", "x.log"},
		{"gc", "--pressure-pause-ms", "-1", "x.log"},
		{"leaks", "--min-count", "-4", caseStudySnap},
		{"watch", "--cooldown", "-1s", "1"},
		{"watch", "--status", "-1s", "1"},
	} {
		code, _, stderr := runCmd(args...)
		if code != ExitBadInput || !strings.Contains(stderr, "--"+strings.TrimPrefix(args[1], "--")) {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}
