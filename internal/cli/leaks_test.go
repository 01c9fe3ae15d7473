package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/nodetest"
)

// scenario writes the snapshots of testdata/scenarios/NAME.js into a temp dir.
func leakScenario(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	cmd := nodetest.Command(t, filepath.Join("..", "..", "testdata", "scenarios", name+".js"), dir, "3")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("node %s.js: %v\n%s", name, err, out)
	}
	return dir
}

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, &Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
	return code, out.String(), errb.String()
}

func TestLeaksCommand(t *testing.T) {
	dir := leakScenario(t, "event-listener")
	code, out, stderr := runCmd("leaks", dir, "--json", "--fail-on-leak", "--min-growth", "100KB", "--quiet")
	if code != ExitCheckFailed {
		t.Fatalf("exit %d, want 1; stderr: %s", code, stderr)
	}
	var rep struct {
		Leak      bool
		Snapshots []map[string]any
		Suspects  []struct {
			Rank         int
			Pattern      string
			Class        string
			Count        []int64
			RetainedSize []uint64         `json:"retained_size"`
			GrowthBytes  int64            `json:"growth_bytes"`
			RetainerPath []map[string]any `json:"retainer_path"`
			Hint         string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if !rep.Leak || len(rep.Snapshots) != 3 || len(rep.Suspects) == 0 {
		t.Fatalf("report: %+v", rep)
	}
	s := rep.Suspects[0]
	if s.Pattern != "event-listener" || s.Class != "RequestContext" || len(s.Count) != 3 || s.Hint == "" || len(s.RetainerPath) == 0 {
		t.Errorf("top suspect: %+v", s)
	}
	// A threshold above the growth passes.
	if code, _, stderr := runCmd("leaks", dir, "--fail-on-leak", "--min-growth", "1GiB", "--quiet"); code != ExitOK {
		t.Errorf("--min-growth 1GiB: exit %d, want 0 (%s)", code, stderr)
	}
	code, out, _ = runCmd("leaks", filepath.Join(dir, "s1.heapsnapshot"), filepath.Join(dir, "s3.heapsnapshot"), "--markdown", "--quiet")
	if code != ExitOK || !strings.Contains(out, "event-listener") || !strings.Contains(out, "| # |") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd("diff", filepath.Join(dir, "s1.heapsnapshot"), filepath.Join(dir, "s3.heapsnapshot"), "--quiet")
	if code != ExitOK || !strings.Contains(out, "RequestContext") || !strings.Contains(out, "# New") {
		t.Errorf("diff: exit %d\n%s", code, out)
	}
}

func TestLeaksControlPasses(t *testing.T) {
	dir := leakScenario(t, "control")
	code, out, stderr := runCmd("leaks", dir, "--fail-on-leak", "--quiet")
	if code != ExitOK || !strings.Contains(out, "No leak suspects") {
		t.Fatalf("exit %d, want 0\n%s\n%s", code, out, stderr)
	}
}

func TestLeaksBadInput(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.heapsnapshot")
	os.WriteFile(junk, []byte("{not a snapshot"), 0o644)
	cases := [][]string{
		{"leaks"},
		{"leaks", junk},
		{"leaks", junk, junk, "--min-growth", "lots"},
		{"leaks", filepath.Join(dir, "missing"), junk},
		{"leaks", junk, junk, "--quiet"},
		{"diff", junk},
		{"leaks", dir},
	}
	for _, a := range cases {
		code, _, stderr := runCmd(a...)
		if code != ExitBadInput || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", a, code, stderr)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"100": 100, "1KB": 1000, "1KiB": 1024, "1.5MiB": 1572864, "2mb": 2000000, "0": 0} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := ParseSize("-1"); err == nil {
		t.Error("negative size accepted")
	}
}

// The README's first command: the bundled case study must come out as the
// guide tells it (listeners on _events.response keeping RequestContexts).
func TestDemo(t *testing.T) {
	nodetest.OnPATH(t) // demo runs node from PATH
	code, out, stderr := runCmd("demo", "--json", "--quiet", "--requests", "150")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep struct {
		Suspects []struct {
			Pattern  string
			Class    string
			PathText string `json:"path_text"`
			Holder   struct{ Event string }
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Suspects) == 0 {
		t.Fatalf("bad report (%v):\n%s", err, out)
	}
	s := rep.Suspects[0]
	if s.Pattern != "event-listener" || s.Class != "RequestContext" || s.Holder.Event != "response" ||
		!strings.Contains(s.PathText, "._events") || !strings.Contains(s.PathText, ".response") {
		t.Errorf("top suspect: %+v", s)
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"0", "1KB", "1.5MiB", "2 gb", "-1", "1e400", "KiB", "", "NaN", "Inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseSize(s)
		if err == nil && v < 0 {
			t.Fatalf("ParseSize(%q) = %d", s, v)
		}
	})
}

// A folder is read in natural order (Heap-8 before Heap-10); a series the
// object ids say is out of order, or the same snapshot twice, is bad input.
func TestLeaksOrder(t *testing.T) {
	names := []string{"Heap-10.heapsnapshot", "Heap-9.heapsnapshot", "Heap-8.heapsnapshot", "Heap-11.heapsnapshot", "a2b", "a10b", "a02c"}
	sort.Slice(names, func(i, j int) bool { return heapsnapshot.NaturalLess(names[i], names[j]) })
	want := "Heap-8.heapsnapshot Heap-9.heapsnapshot Heap-10.heapsnapshot Heap-11.heapsnapshot a2b a02c a10b"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("natural order: %s\nwant %s", got, want)
	}
	src := leakScenario(t, "map-cache")
	dir := t.TempDir()
	for i, n := range []string{"Heap-8", "Heap-9", "Heap-10"} {
		b, err := os.ReadFile(filepath.Join(src, fmt.Sprintf("s%d.heapsnapshot", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, n+".heapsnapshot"), b, 0o644)
	}
	code, out, stderr := runCmd("leaks", dir, "--fail-on-leak", "--quiet")
	if code != ExitCheckFailed || !strings.Contains(out, "Heap-8.heapsnapshot, Heap-9.heapsnapshot, Heap-10.heapsnapshot") {
		t.Errorf("natural order folder: exit %d\n%s\n%s", code, out, stderr)
	}
	s1, s3 := filepath.Join(src, "s1.heapsnapshot"), filepath.Join(src, "s3.heapsnapshot")
	// A reversed diff is compared but flagged.
	if code, out, _ := runCmd("diff", s3, s1, "--quiet"); code != ExitOK || !strings.Contains(out, "reversed") {
		t.Errorf("reversed diff: exit %d, want 0 with a note\n%s", code, out)
	}
	if _, out, _ := runCmd("diff", s1, s3, "--quiet"); strings.Contains(out, "reversed") {
		t.Errorf("diff in order flagged as reversed:\n%s", out)
	}
	for _, a := range [][]string{{s3, s1}, {s1, s1}} {
		code, _, stderr := runCmd(append([]string{"leaks", "--fail-on-leak", "--quiet"}, a...)...)
		if code != ExitBadInput || !strings.Contains(stderr, "oldest first") && !strings.Contains(stderr, "same snapshot") {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming the order problem", a, code, stderr)
		}
	}
}

// TestFailOnRebuiltString: a string rebuilt bigger (counted in bytes) fails
// --fail-on-leak on its growth in bytes; --min-count, a number of objects,
// does not apply to one value, and --min-growth still does.
func TestFailOnRebuiltString(t *testing.T) {
	dir := leakScenario(t, "string-concat")
	code, _, errs := runCmd("leaks", dir, "--quiet", "--fail-on-leak", "--min-count", "1000000")
	if code != 1 || !strings.Contains(errs, "string-or-buffer") || strings.Contains(errs, "objects") {
		t.Errorf("exit %d, stderr %q; want 1 naming the rebuilt string in bytes", code, errs)
	}
	if code, _, errs := runCmd("leaks", dir, "--quiet", "--fail-on-leak", "--min-growth", "1GiB"); code != 0 {
		t.Errorf("--min-growth 1GiB: exit %d (%s), want 0", code, errs)
	}
}

// One snapshot: where memory accumulates, with no leak verdict; the JSON
// says "snapshots": 1; --fail-on-leak is bad usage with the reason.
func TestLeaksOneSnapshot(t *testing.T) {
	dir := leakScenario(t, "map-cache")
	one := filepath.Join(dir, "s3.heapsnapshot")
	code, out, stderr := runCmd("leaks", one, "--json", "--quiet")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	if rep["snapshots"] != float64(1) {
		t.Errorf("snapshots = %v, want 1", rep["snapshots"])
	}
	if _, ok := rep["leak"]; ok {
		t.Errorf("one snapshot carries a leak verdict: %v", rep["leak"])
	}
	sus, _ := rep["suspects"].([]any)
	if len(sus) == 0 {
		t.Fatalf("no suspects:\n%s", out)
	}
	top := sus[0].(map[string]any)
	holder, _ := top["holder"].(map[string]any)
	if top["class"] != "CacheEntry" || holder["class"] != "Map" || holder["name"] != "cache" || top["hint"] == "" {
		t.Errorf("top suspect: %v", top)
	}
	if _, ok := rep["duplicate_strings"].([]any); !ok {
		t.Errorf("duplicate_strings missing: %v", rep["duplicate_strings"])
	}
	code, out, _ = runCmd("leaks", one, "--quiet")
	if code != ExitOK || !strings.Contains(out, "not that it grows") || !strings.Contains(out, "capture --count 3") ||
		!strings.Contains(out, "Map cache") || strings.Contains(out, "leak suspect") {
		t.Errorf("text: exit %d\n%s", code, out)
	}
	code, out, _ = runCmd("leaks", one, "--markdown", "--quiet")
	if code != ExitOK || !strings.Contains(out, "| # |") || !strings.Contains(out, "CacheEntry") {
		t.Errorf("markdown: exit %d\n%s", code, out)
	}
	// A folder holding one snapshot is read the same way.
	solo := t.TempDir()
	if err := os.Link(one, filepath.Join(solo, "only.heapsnapshot")); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := runCmd("leaks", solo, "--quiet"); code != ExitOK || !strings.Contains(out, "Map cache") {
		t.Errorf("folder with one snapshot: exit %d\n%s", code, out)
	}
	code, _, stderr = runCmd("leaks", one, "--fail-on-leak", "--quiet")
	if code != ExitBadInput || !strings.Contains(stderr, "not that it grows") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Errorf("--fail-on-leak with one snapshot: exit %d, stderr %q; want 2 and the reason on one line", code, stderr)
	}
}
