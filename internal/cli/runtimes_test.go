package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRuntimeSnapshots: a V8-format snapshot written by Bun
// (Bun.generateHeapSnapshot("v8"); scripts/runtimes/make.sh) is read like
// node's, and Bun's default JavaScriptCore snapshot is refused in one line
// with exit 2. (The golden test checks the Bun snapshot's numbers against
// DevTools.)
func TestRuntimeSnapshots(t *testing.T) {
	bun, _ := filepath.Glob("../../testdata/golden/bun-*-v8.heapsnapshot.gz")
	if len(bun) == 0 {
		t.Fatal("no Bun snapshot in testdata/golden (scripts/runtimes/make.sh)")
	}
	s := summaryOf(t, bun[0], "--json")
	leaky := 0
	for _, c := range s.Classes {
		if c.Name == "Leaky" {
			leaky = c.Count
		}
	}
	if leaky != 1000 {
		t.Errorf("%s: %d Leaky objects, want the program's 1000", bun[0], leaky)
	}

	code, out, errs := run(t, "summary", "../../testdata/runtimes/bun-jsc.json.gz")
	if code != ExitBadInput || out != "" || strings.Count(strings.TrimSpace(errs), "\n") != 0 ||
		!strings.Contains(errs, "JavaScriptCore") || !strings.Contains(errs, `Bun.generateHeapSnapshot("v8")`) {
		t.Errorf("JavaScriptCore snapshot: exit %d, stdout %q, stderr %q; want exit 2 and one line", code, out, errs)
	}
}
