package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/report/htmltest"
)

// The names testdata/scenarios/hostile-names.js gives its leak.
const (
	hostileClass = `</script><img/src/onerror=alert(1)>`
	hostileKey   = `<img src=x onerror="alert(2)">`
	hostileText  = `<svg onload=alert(4)> label label`
)

func readHTML(t *testing.T, path string, want ...string) htmltest.Page {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return htmltest.Check(t, b, want...)
}

// noTemps fails when a write left a temporary file in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestHTMLReportsOnRealSnapshots(t *testing.T) {
	dir := leakScenario(t, "hostile-names")
	out := t.TempDir()
	s1, s3 := filepath.Join(dir, "s1.heapsnapshot"), filepath.Join(dir, "s3.heapsnapshot")

	// leaks: the text still goes to stdout, the page has the suspect, its
	// growth chart and its path, with the heap's hostile names as text.
	page := filepath.Join(out, "leaks.html")
	code, stdout, stderr := runCmd("leaks", dir, "--html", page, "--quiet")
	if code != ExitOK || !strings.Contains(stdout, "unbounded-collection") || !strings.Contains(stdout, "HTML report written to "+page) {
		t.Fatalf("leaks --html: exit %d\n%s\n%s", code, stdout, stderr)
	}
	p := readHTML(t, page, "unbounded-collection", hostileClass, `Object["`+hostileKey+`"]`, "Array[1500]",
		"900 → 1,200 → 1,500", "fix:", "hostile-names.js", "s3.heapsnapshot")
	if p.SVGs < 3 {
		t.Errorf("leaks page has %d charts, want the heap's and the suspect's", p.SVGs)
	}

	// With --json, stdout stays pure JSON.
	code, stdout, _ = runCmd("leaks", dir, "--json", "--html", page, "--quiet")
	var rep map[string]any
	if code != ExitOK || json.Unmarshal([]byte(stdout), &rep) != nil {
		t.Fatalf("leaks --json --html: exit %d, stdout not JSON:\n%s", code, stdout)
	}
	readHTML(t, page, hostileClass)

	// One snapshot: where memory accumulates.
	page = filepath.Join(out, "one.html")
	code, stdout, _ = runCmd("leaks", s3, "--html", page, "--quiet")
	if code != ExitOK || !strings.Contains(stdout, "HTML report written to "+page) {
		t.Fatalf("leaks ONE --html: exit %d\n%s", code, stdout)
	}
	p = readHTML(t, page, "Where memory accumulates", "one snapshot shows where memory accumulates", hostileClass,
		"Array "+hostileKey, "1,500 entries", "Duplicated strings", hostileText, "1,501")
	if p.SVGs != 1 {
		t.Errorf("one-snapshot page has %d charts, want 1", p.SVGs)
	}

	page = filepath.Join(out, "diff.html")
	code, stdout, _ = runCmd("diff", s1, s3, "--html", page, "--quiet")
	if code != ExitOK || !strings.Contains(stdout, "# New") {
		t.Fatalf("diff --html: exit %d\n%s", code, stdout)
	}
	p = readHTML(t, page, "Comparison", hostileClass, "+600")
	if p.SVGs != 1 {
		t.Errorf("diff page has %d charts, want 1", p.SVGs)
	}

	// summary: the page holds more classes than the terminal's 30.
	page = filepath.Join(out, "summary.html")
	code, stdout, _ = runCmd("summary", s3, "--html", page, "--quiet")
	if code != ExitOK || !strings.Contains(stdout, "(30 of ") {
		t.Fatalf("summary --html: exit %d\n%s", code, stdout)
	}
	p = readHTML(t, page, "Statistics", "strings", "JS arrays", hostileClass, "(compiled code)")
	if strings.Contains(p.Text, "30 of ") {
		t.Error("the page has only the terminal's 30 classes")
	}
	noTemps(t, out)
}

func TestGCHTML(t *testing.T) {
	out := t.TempDir()
	page := filepath.Join(out, "gc.html")
	code, stdout, stderr := runCmd("gc", filepath.Join("..", "..", "testdata", "gctrace", "few-majors-leak.log"), "--html", page, "--quiet")
	if code != ExitOK || !strings.Contains(stdout, "HTML report written to") {
		t.Fatalf("gc --html: exit %d\n%s\n%s", code, stdout, stderr)
	}
	p := readHTML(t, page, "Mark-Compact", "p95", "post-GC heap", "thresholds:")
	if p.SVGs != 1 {
		t.Errorf("gc page has %d charts, want 1", p.SVGs)
	}
	noTemps(t, out)
}

func TestHTMLOutputErrors(t *testing.T) {
	log := filepath.Join("..", "..", "testdata", "gctrace", "few-majors-leak.log")
	out := t.TempDir()
	// A path that cannot be written is refused before any work.
	for _, bad := range []string{filepath.Join(out, "no", "such", "folder", "r.html"), out} {
		if code, _, stderr := runCmd("gc", log, "--html", bad, "--quiet"); code != ExitBadInput || !strings.Contains(stderr, "--html") {
			t.Errorf("--html %s: exit %d, want 2: %s", bad, code, stderr)
		}
	}
	// A full disk: nothing written, the old file kept, no temp file.
	page := filepath.Join(out, "gc.html")
	if err := os.WriteFile(page, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	defer func(f func(string) (int64, error)) { freeDisk = f }(freeDisk)
	freeDisk = func(string) (int64, error) { return 4096, nil }
	code, _, stderr := runCmd("gc", log, "--html", page, "--quiet")
	if code == ExitOK || !strings.Contains(stderr, "not enough free disk space") {
		t.Errorf("full disk: exit %d: %s", code, stderr)
	}
	if b, _ := os.ReadFile(page); string(b) != "old" {
		t.Errorf("the old file changed: %q", b)
	}
	noTemps(t, out)
}
