package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/nodetest"
)

const caseStudySnap = "../../testdata/golden/casestudy.heapsnapshot.gz"

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(args, &Env{Stdin: strings.NewReader(""), Stdout: &o, Stderr: &e})
	return code, o.String(), e.String()
}

type summaryJSON struct {
	Snapshot struct {
		File      string `json:"file"`
		Nodes     int    `json:"nodes"`
		Edges     int    `json:"edges"`
		TotalSize uint64 `json:"total_size"`
		Breakdown map[string]uint64
	} `json:"snapshot"`
	Classes []struct {
		Name         string `json:"name"`
		Count        int    `json:"count"`
		ShallowSize  uint64 `json:"shallow_size"`
		RetainedSize uint64 `json:"retained_size"`
		Distance     int32  `json:"distance"`
	} `json:"classes"`
}

func summaryOf(t *testing.T, args ...string) summaryJSON {
	t.Helper()
	code, out, errs := run(t, append([]string{"summary"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s summaryJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, out)
	}
	return s
}

func TestSummaryJSON(t *testing.T) {
	s := summaryOf(t, caseStudySnap, "--json")
	if s.Snapshot.Nodes < 10000 || s.Snapshot.Edges < s.Snapshot.Nodes || s.Snapshot.TotalSize < 1<<20 {
		t.Errorf("implausible totals: %+v", s.Snapshot)
	}
	if len(s.Classes) < 100 {
		t.Errorf("JSON lists %d classes; it should list all", len(s.Classes))
	}
	for i := 1; i < len(s.Classes); i++ {
		if s.Classes[i].RetainedSize > s.Classes[i-1].RetainedSize {
			t.Fatalf("not sorted by retained size at %d", i)
		}
	}
	var found bool
	for _, c := range s.Classes {
		if c.Name == "RequestContext" {
			found = true
			if c.Count != 40 || c.RetainedSize < 40*20000 {
				t.Errorf("RequestContext: %+v, want 40 objects retaining ~20 KB each", c)
			}
		}
	}
	if !found {
		t.Error("no RequestContext class")
	}

	top := summaryOf(t, caseStudySnap, "--json", "--top", "5", "--sort", "count")
	if len(top.Classes) != 5 {
		t.Errorf("--top 5 gave %d classes", len(top.Classes))
	}
	for i := 1; i < len(top.Classes); i++ {
		if top.Classes[i].Count > top.Classes[i-1].Count {
			t.Errorf("--sort count: not sorted at %d", i)
		}
	}
	none := summaryOf(t, caseStudySnap, "--json", "--filter", "no such class at all")
	if none.Classes == nil || len(none.Classes) != 0 {
		t.Errorf("--filter matching nothing should give an empty list, got %+v", none.Classes)
	}
	f := summaryOf(t, caseStudySnap, "--json", "--filter", "requestcontext")
	if len(f.Classes) != 1 || f.Classes[0].Name != "RequestContext" {
		t.Errorf("--filter requestcontext gave %+v", f.Classes)
	}
}

func TestSummaryText(t *testing.T) {
	code, out, errs := run(t, "summary", caseStudySnap, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if errs != "" {
		t.Errorf("--quiet still wrote to stderr: %q", errs)
	}
	for _, want := range []string{"nodes", "edges", "Class", "Retained", "RequestContext", "KiB", "%", "of 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour codes written to a non-terminal")
	}
	// Header (3 lines + blank) + table header + 30 rows + footer.
	if lines := strings.Count(out, "\n"); lines != 4+1+30+1 {
		t.Errorf("text output has %d lines, want the top 30 classes:\n%s", lines, out)
	}
}

// TestSummaryTopZero: --top 0 lists every class, as inspect --limit 0 does.
func TestSummaryTopZero(t *testing.T) {
	code, out, errs := run(t, "summary", caseStudySnap, "--quiet", "--top", "0")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, js, _ := run(t, "summary", caseStudySnap, "--quiet", "--json")
	var s struct{ Classes []json.RawMessage }
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		t.Fatal(err)
	}
	// Header (3 lines + blank) + table header + one row per class, no footer.
	if lines := strings.Count(out, "\n"); lines != 4+1+len(s.Classes) || strings.Contains(out, "classes shown") {
		t.Errorf("--top 0 printed %d lines for %d classes", lines, len(s.Classes))
	}
}

func TestHeapCommandsBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.heapsnapshot")
	os.WriteFile(empty, nil, 0o644)
	notJSON := filepath.Join(dir, "text.heapsnapshot")
	os.WriteFile(notJSON, []byte("hello, world\n"), 0o644)
	raw, err := os.ReadFile(caseStudySnap)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.heapsnapshot.gz")
	os.WriteFile(cut, raw[:len(raw)/2], 0o644)
	cases := [][]string{
		{"summary", empty},
		{"summary", notJSON},
		{"summary", cut},
		{"summary", filepath.Join(dir, "missing.heapsnapshot")},
		{"summary", dir},
		{"summary", caseStudySnap, "--sort", "size"},
		{"summary", caseStudySnap, "--top", "-5"},
		{"summary", "a", "b"},
		{"help", "nosuch"},
		{"inspect", caseStudySnap},
		{"inspect", caseStudySnap, "@notanumber"},
		{"inspect", caseStudySnap, "@999999999"},
		{"inspect", empty, "@1"},
		{"paths", caseStudySnap, "@999999999"},
		{"paths", caseStudySnap, "@1", "--max", "0"},
		{"paths", cut, "@1"},
	}
	for _, c := range cases {
		code, out, errs := run(t, c...)
		if code != ExitBadInput {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", c, code, errs)
		}
		if out != "" {
			t.Errorf("%v: wrote to stdout: %q", c, out)
		}
		if strings.Count(strings.TrimSpace(errs), "\n") != 0 || errs == "" || strings.Contains(errs, "goroutine") {
			t.Errorf("%v: stderr should be one line, got %q", c, errs)
		}
	}
}

// TestSummaryWithoutFile runs the bundled leaky example under node and
// summarises a fresh snapshot of it.
func TestSummaryWithoutFile(t *testing.T) {
	nodetest.OnPATH(t) // summary without a file runs the demo under node from PATH
	code, out, errs := run(t, "summary", "--filter", "RequestContext", "--json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var s summaryJSON
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	if len(s.Classes) != 1 || s.Classes[0].Count != 450 {
		t.Errorf("want 450 leaked RequestContexts (50 warm-up + 2×200), got %+v", s.Classes)
	}
}

// TestSummaryTypedArraysAreNative: typed arrays' backing stores are native
// memory, shown beside "other native" (as DevTools' Statistics), never as a
// part of "other JS objects" that could exceed it.
func TestSummaryTypedArraysAreNative(t *testing.T) {
	node := nodetest.Path(t)
	dir := t.TempDir()
	snap := filepath.Join(dir, "ta.heapsnapshot")
	script := `globalThis.kept = [new Uint8Array(3 << 20).fill(1), Buffer.alloc(1 << 20, 2)];
require('v8').writeHeapSnapshot(process.argv[1]);`
	if out, err := exec.Command(node, "-e", script, snap).CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	s := summaryOf(t, snap, "--json")
	b := s.Snapshot.Breakdown
	if b["typed_arrays"] < 4<<20 || b["typed_arrays"] > b["native"] || b["v8_heap"]+b["native"] != s.Snapshot.TotalSize {
		t.Errorf("breakdown %v, total %d", b, s.Snapshot.TotalSize)
	}
	code, out, errOut := run(t, "summary", snap)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	header := strings.Split(out, "\n")[2]
	if strings.Contains(header, "of which") || !strings.Contains(header, "· typed arrays 4.") || !strings.Contains(header, "other JS objects") {
		t.Errorf("header %q", header)
	}
}
