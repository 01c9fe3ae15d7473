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

// A sweep that takes entries by a field one method sets (settle()), and
// a handler that marks an entry ended without calling it: that line is
// the fault, with the call that does it right.
func TestSweepBypassedSetter(t *testing.T) {
	src := textSources{"/app/progress.js": `class Tracker {
  constructor() {
    this.entries = new Map();
    this.sweeper = setInterval(() => this.sweep(), 5000);
  }
  begin(id) {
    this.entries.set(id, { state: 'receiving', finishedAt: 0 });
  }
  settle(id, state) {
    const p = this.entries.get(id);
    p.state = state;
    p.finishedAt = Date.now();
  }
  sweep() {
    const cutoff = Date.now() - 30000;
    for (const [id, p] of this.entries) {
      if (!p.finishedAt) continue;
      if (p.finishedAt < cutoff) this.entries.delete(id);
    }
  }
}`, "/app/handler.js": `function handle(req, res, id, progress) {
  parser.on('error', (err) => {
    tracker.settle(id, 'failed');
  });
  req.on('close', () => {
    if (req.complete) return;
    progress.state = 'aborted';
  });
}`}
	files := []string{"/app/progress.js", "/app/handler.js"}
	st := findStatement(regexp.MustCompile(`entries\s*\.\s*delete\s*\(`), files, src)
	if st == nil || st.Line != 18 {
		t.Fatalf("removal %+v: want the sweep's, line 18", st)
	}
	got := sweepFault(st, files, src)
	for _, want := range []string{"handler.js:7 marks an entry ended (progress.state = 'aborted') without settle(), the only function that sets finishedAt (progress.js:12)", "call settle() there instead, as line 3 does (tracker.settle(id, 'failed'))"} {
		if !strings.Contains(got, want) {
			t.Errorf("fault %q: want %q", got, want)
		}
	}
	// The handler settles: nothing bypasses the setter.
	ok := textSources{"/app/progress.js": src["/app/progress.js"], "/app/handler.js": strings.Replace(src["/app/handler.js"], "progress.state = 'aborted';", "tracker.settle(id, 'aborted');", 1)}
	if f := sweepFault(st, files, ok); f != "" {
		t.Errorf("every end settles: %q", f)
	}
	// Set in two functions: no one setter to name.
	two := textSources{"/app/progress.js": strings.Replace(src["/app/progress.js"], "  sweep() {", "  fail(p) {\n    p.finishedAt = Date.now();\n  }\n  sweep() {", 1), "/app/handler.js": src["/app/handler.js"]}
	st2 := findStatement(regexp.MustCompile(`entries\s*\.\s*delete\s*\(`), files, two)
	if f := sweepFault(st2, files, two); f != "" {
		t.Errorf("two setters: %q", f)
	}
}
