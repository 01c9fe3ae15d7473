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

// Every call of the removal behind a test or in a catch: the outcome
// that is neither (a result with ok false) is named. An await in the
// adding call's own arguments is no way out: it runs before the add.
func TestGuardedCalls(t *testing.T) {
	src := textSources{
		"/app/ops.mjs": "export class Log {\n  begin(f) {\n    const op = { f };\n    this.#active.set(op.id, op);\n    return op;\n  }\n  finish(op) {\n    this.#active.delete(op.id);\n  }\n}\n",
		"/app/mw.mjs":  "const tracked = async ({ next, raw }) => {\n  const op = log.begin({\n    input: await raw(),\n  });\n  try {\n    const result = await next();\n    if (result.ok) log.finish(op);\n    return result;\n  } catch (error) {\n    log.finish(op, error);\n    throw error;\n  }\n};\n",
	}
	st := &Statement{Script: "/app/ops.mjs", Line: 8, Text: "this.#active.delete(op.id);"}
	g := guardedCalls(st, []string{"/app/ops.mjs", "/app/mw.mjs"}, src)
	if !strings.Contains(g, "finish() runs at mw.mjs:7 only when result.ok and at mw.mjs:10 in a catch") {
		t.Errorf("guarded calls %q", g)
	}
	if e := skippedExit(&Statement{Script: "/app/mw.mjs", Line: 2}, regexp.MustCompile(`\bfinish\s*\(`), src); e != nil && e.kind == "awaits" {
		t.Errorf("the await in begin()'s own arguments read as a way out: %+v", e.at)
	}
	src["/app/mw.mjs"] = strings.Replace(src["/app/mw.mjs"], "    if (result.ok) log.finish(op);", "    log.finish(op);", 1)
	if g := guardedCalls(st, []string{"/app/ops.mjs", "/app/mw.mjs"}, src); g != "" {
		t.Errorf("an unguarded call: %q", g)
	}
}
