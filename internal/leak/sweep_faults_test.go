package leak

import (
	"regexp"
	"strings"
	"testing"
)

// A store whose entries leave on use and by a timer's sweep: the sweep is
// the removal named, and its test mixing seconds with milliseconds is
// said to be the fault, at its line.
func TestSweepUnitMismatch(t *testing.T) {
	src := textSources{"/app/store.js": `class PendingAuth {
  constructor(nonce) {
    this.nonce = nonce;
    this.createdAt = Date.now();
  }
}
class StateStore {
  constructor() {
    this.pending = new Map();
    this.timer = setInterval(() => this.sweep(), 2000);
  }
  take(state) {
    this.pending.delete(state);
  }
  sweep() {
    const nowSec = Math.floor(Date.now() / 1000);
    for (const [state, entry] of this.pending) {
      if (nowSec - entry.createdAt > TTL_SEC) this.pending.delete(state);
    }
  }
}`}
	re := regexp.MustCompile(`\bpending\s*\.\s*delete\s*\(`)
	first := findStatement(re, []string{"/app/store.js"}, src)
	st := preferSweep(first, re, []string{"/app/store.js"}, src, nil)
	if st == nil || st.Line != 18 || st.Others != 1 {
		t.Fatalf("removal %+v: want the sweep's, line 18, with 1 other", st)
	}
	got := sweepFault(st, []string{"/app/store.js"}, src)
	for _, want := range []string{"nowSec is in seconds (Math.floor(Date.now() / 1000), store.js:16)", "entry.createdAt in milliseconds (Date.now(), store.js:4)", "put both in one unit at store.js:18"} {
		if !strings.Contains(got, want) {
			t.Errorf("fault %q: want %q", got, want)
		}
	}
	// Both in milliseconds: nothing wrong with the test.
	ok := textSources{"/app/store.js": strings.Replace(src["/app/store.js"], "Math.floor(Date.now() / 1000)", "Date.now()", 1)}
	if f := sweepFault(st, []string{"/app/store.js"}, ok); f != "" {
		t.Errorf("one unit: %q", f)
	}
	// A JSON Web Token's exp is in seconds.
	jwt := textSources{"/app/store.js": strings.Replace(src["/app/store.js"], "nowSec - entry.createdAt > TTL_SEC", "entry.claims.exp < Date.now()", 1)}
	if f := sweepFault(st, []string{"/app/store.js"}, jwt); !strings.Contains(f, "entry.claims.exp is in seconds") {
		t.Errorf("exp against Date.now(): %q", f)
	}
}

// A sweep that takes only entries with a field set on some paths: the
// field, where it starts empty, where it is set, and a time every entry
// has to sweep by.
func TestSweepUnsetField(t *testing.T) {
	src := textSources{"/app/guard.js": `class FailureRecord {
  constructor(user) {
    this.user = user;
    this.first = Date.now();
    this.lockedUntil = 0;
  }
}
class Guard {
  constructor() {
    this.failures = new Map();
    setInterval(() => this.sweep(), 5000);
  }
  fail(k) {
    const rec = this.failures.get(k);
    rec.count++;
    if (rec.count >= this.max) rec.lockedUntil = Date.now() + this.lockMs;
  }
  sweep() {
    const now = Date.now();
    for (const [k, rec] of this.failures) {
      if (rec.lockedUntil && rec.lockedUntil <= now) this.failures.delete(k);
    }
  }
}`}
	st := &Statement{Script: "/app/guard.js", Line: 21, Text: "if (rec.lockedUntil && rec.lockedUntil <= now) this.failures.delete(k);"}
	got := sweepFault(st, []string{"/app/guard.js"}, src)
	for _, want := range []string{"rec.lockedUntil starts empty (guard.js:5: this.lockedUntil = 0)", "set only when rec.count >= this.max (guard.js:16)", "take out an entry whose rec.first (which every entry has) is older than its lifetime, unless rec.lockedUntil still holds it"} {
		if !strings.Contains(got, want) {
			t.Errorf("fault %q: want %q", got, want)
		}
	}
	// Set on every path: the test is not the fault.
	always := textSources{"/app/guard.js": strings.Replace(src["/app/guard.js"], "if (rec.count >= this.max) rec.lockedUntil", "rec.lockedUntil", 1)}
	if f := sweepFault(st, []string{"/app/guard.js"}, always); f != "" {
		t.Errorf("set on every path: %q", f)
	}
}
