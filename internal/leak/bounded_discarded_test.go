package leak

import (
	"strings"
	"testing"
)

// Trims that change nothing, or that are missing beside a read of the
// last entries only: only the source shows them.

func TestDiscardedTrim(t *testing.T) {
	src := textSources{"/srv/lib/failures.js": `class FailureLog {
  record(error) {
    this.items.push(error);
    if (this.items.length > this.limit) this.items.slice(-this.limit);
  }
  latest(n) {
    return this.items.slice(-n);
  }
}
`}
	h := &Holder{Kind: "Array", Name: "items", Owner: "FailureLog"}
	added := &Statement{Script: "/srv/lib/failures.js", Line: 3, Text: "this.items.push(error);"}
	d := discardedTrim(h, added, src)
	if !strings.HasPrefix(d, "failures.js:4 (this.items.slice(-this.limit)) makes a new array and throws it away") ||
		!strings.Contains(d, "assign it back (this.items = this.items.slice(-this.limit))") {
		t.Errorf("hint %q", d)
	}
	// Assigned back, it trims.
	src["/srv/lib/failures.js"] = strings.Replace(src["/srv/lib/failures.js"], ") this.items.slice(", ") this.items = this.items.slice(", 1)
	if d := discardedTrim(h, added, src); d != "" {
		t.Errorf("assigned: %q", d)
	}
}

func TestWindowOnly(t *testing.T) {
	src := textSources{"/srv/lib/failures.js": `export class FailureLog {
  record(failure) {
    this.entries.push(failure);
  }
  recent(limit = this.size) {
    return this.entries.slice(-Math.min(limit, this.size)).reverse();
  }
}
`}
	h := &Holder{Kind: "Array", Name: "entries", Owner: "FailureLog"}
	added := &Statement{Script: "/srv/lib/failures.js", Line: 3, Text: "this.entries.push(failure);"}
	w := windowOnly(h, added, nil, src)
	if !strings.HasPrefix(w, "failures.js:6 reads only the last entries (return this.entries.slice(-Math.min(limit, this.size)).reverse())") ||
		!strings.Contains(w, "cut the array to it where it adds (failures.js:3)") {
		t.Errorf("hint %q", w)
	}
	// A read of the whole array is no window.
	src["/srv/lib/failures.js"] = strings.Replace(src["/srv/lib/failures.js"], "slice(-Math.min(limit, this.size))", "slice()", 1)
	if w := windowOnly(h, added, nil, src); w != "" {
		t.Errorf("whole array: %q", w)
	}
}

// TestWindowOnlyScenario: in a series, the window read is the fix, in
// place of the general advice to bound the array.
func TestWindowOnlyScenario(t *testing.T) {
	_, s := seriesTop(t, "window-log")
	checkHint(t, s.Hint, []string{"window-log.js:25 reads only the last entries", "cut the array to it where it adds (window-log.js:21)"}, []string{"an LRU"})
}
