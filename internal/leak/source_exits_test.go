package leak

import (
	"regexp"
	"strings"
	"testing"
)

// The way out of the work that skips a cleanup the program has: an early
// return before the try whose finally cleans up, a catch without it, a
// retry's return; not an exit a finally covers, one in a nested callback,
// or the function's own last statement.
func TestSkippedExit(t *testing.T) {
	src := textSources{
		"/s/session.js": `class Session {
  attach(bus) {
    this.bus = bus;
    bus.on('price', this.onPrice);
  }
  detach() {
    this.bus.off('price', this.onPrice);
  }
}
`,
		"/s/service.js": `async function quote(req, bus) {
  const session = new Session(req);
  session.attach(bus);
  const ok = await check(req);
  if (!ok) {
    log('rejected');
    return { status: 'rejected' };
  }
  try {
    const price = await load(req);
    if (!price) return { status: 'none' };
    return { status: 'ok', price };
  } finally {
    session.detach();
  }
}
`,
		"/s/covered.js": `async function quote2(req, bus) {
  const session = new Session(req);
  session.attach(bus);
  try {
    if (!req.ok) return null;
    items.forEach((x) => {
      if (!x) return;
    });
    return await load(req);
  } finally {
    session.detach();
  }
}
`,
		"/s/upload.js": `async function handle(ctx, task) {
  const onStop = () => task.abort();
  ctx.signal.addEventListener('abort', onStop);
  try {
    await task.run();
    ctx.signal.removeEventListener('abort', onStop);
  } catch (err) {
    log(err);
  }
}
`,
		"/s/tracker.js": `class Tracker {
  track(job) {
    this.jobs.set(job.id, job);
  }
  complete(id) {
    this.release(id);
  }
  fail(id) {
    this.release(id);
  }
  release(id) {
    this.jobs.delete(id);
  }
}
`,
		"/s/worker.js": `class Worker {
  async process(job) {
    this.tracker.track(job);
    try {
      await run(job);
      this.tracker.complete(job.id);
    } catch (err) {
      if (err.transient) {
        this.queue.push(job);
        return;
      }
      this.tracker.fail(job.id);
    }
  }
}
`,
	}
	add := &Statement{Script: "/s/session.js", Line: 4, Text: "bus.on('price', this.onPrice);"}
	rm := &Statement{Script: "/s/session.js", Line: 7, Text: "this.bus.off('price', this.onPrice);"}
	e, call := cleanupExit(add, rm, []string{"/s/session.js"}, src)
	if e == nil || e.at.Script != "/s/service.js" || e.at.Line != 7 || e.kind != "returns" || call != "detach()" {
		t.Errorf("early return before the try: %+v %q, want service.js:7 returns, detach()", e, call)
	} else if got := exitText(e, call); !strings.HasSuffix(got, "call it there too, or begin the try at line 9 (whose finally does) before it") {
		t.Errorf("the finally is there, so the text names its try: %q", got)
	}
	if e := skippedExit(&Statement{Script: "/s/covered.js", Line: 3}, regexp.MustCompile(`\.detach\(`), src); e != nil {
		t.Errorf("every exit is in the try its finally covers, or in a callback: %+v", e.at)
	}
	add = &Statement{Script: "/s/upload.js", Line: 3, Text: "ctx.signal.addEventListener('abort', onStop);"}
	rm = &Statement{Script: "/s/upload.js", Line: 6, Text: "    ctx.signal.removeEventListener('abort', onStop);"}
	if e, call := cleanupExit(add, rm, nil, src); e == nil || e.at.Line != 7 || e.kind != "catches an error" || call != "ctx.signal.removeEventListener('abort', onStop)" {
		t.Errorf("catch without the removal: %+v %q", e, call)
	} else if got := exitText(e, call); !strings.HasPrefix(got, "upload.js:7 catches an error without ctx.signal.removeEventListener('abort', onStop)") {
		t.Errorf("text %q", got)
	}
	add = &Statement{Script: "/s/tracker.js", Line: 3, Text: "this.jobs.set(job.id, job);"}
	rm = &Statement{Script: "/s/tracker.js", Line: 12, Text: "this.jobs.delete(id);"}
	if e, call := cleanupExit(add, rm, []string{"/s/tracker.js"}, src); e == nil || e.at.Script != "/s/worker.js" || e.at.Line != 10 || call != "complete(), fail() or release()" {
		t.Errorf("a retry's return: %+v %q", e, call)
	}
}

// An await before the cleanup is a way out when what it awaits rejects
// (blind evaluation 27: a single-flight map, a retry's trace): the fix is
// a finally. Not an await in a try (its catch is judged), in a callback,
// or with the cleanup only deeper (in a finally begun after it); not a
// return of the function that cleans up (return () => { task.destroy() }).
func TestSkippedAwait(t *testing.T) {
	src := textSources{
		"/a/flight.js": `export async function singleFlight(key, fn) {
  const entry = { key, promise: fn() };
  inflight.set(key, entry);
  const value = await entry.promise;
  inflight.delete(key);
  return value;
}
`,
		"/a/guarded.js": `export async function guarded(key, fn) {
  inflight.set(key, fn);
  try {
    const value = await fn();
    inflight.delete(key);
    return value;
  } catch (err) {
    inflight.delete(key);
    throw err;
  }
}
`,
		"/a/later.js": `export async function later(key, fn) {
  inflight.set(key, fn);
  items.forEach(async (x) => {
    await x;
  });
  inflight.delete(key);
}
`,
		"/a/returned.js": `function housekeeping() {
  const task = schedule(60000, () => {});
  return () => {
    task.destroy();
  };
}
`,
	}
	del := regexp.MustCompile(`inflight\.delete\(`)
	e := skippedExit(&Statement{Script: "/a/flight.js", Line: 3}, del, src)
	if e == nil || e.at.Line != 4 || e.kind != "awaits" {
		t.Fatalf("await before the delete: %+v", e)
	}
	if got := exitText(e, "inflight.delete(key)"); got != "flight.js:4 awaits (const value = await entry.promise;) before inflight.delete(key): when that rejects, the function throws past it; do it in a finally (try { … } finally { inflight.delete(key); })" {
		t.Errorf("text %q", got)
	}
	for _, f := range []string{"/a/guarded.js", "/a/later.js"} {
		if e := skippedExit(&Statement{Script: f, Line: 2}, del, src); e != nil {
			t.Errorf("%s: %+v, want none", f, e.at)
		}
	}
	if e := skippedExit(&Statement{Script: "/a/returned.js", Line: 2}, regexp.MustCompile(`\.destroy\(`), src); e != nil {
		t.Errorf("a returned function that cleans up: %+v", e.at)
	}
}

// An ending event's handler that skips the cleanup its sibling has:
// conn.on('end') disposes the session and conn.on('error') does not. A
// 'close' handler that cleans up covers every ending, and handlers of
// another emitter or a non-ending event do not count. The cleanup is
// found from what the registering call returned (this.sub = …subscribe()).
func TestSkippedHandler(t *testing.T) {
	src := textSources{
		"/h/session.js": `export class Session {
  start() {
    this.sub = this.hub
      .stream()
      .subscribe({ next: (x) => this.send(x) });
  }
  dispose() {
    if (this.sub) this.sub.unsubscribe();
  }
}
`,
		"/h/gateway.js": `function accept(conn, hub) {
  const session = new Session(conn, hub);
  conn.on('message', (m) => session.handle(m));
  conn.on('end', () => {
    stats.ended++;
    session.dispose();
  });
  conn.on('error', (err) => {
    stats.errored++;
    log(err);
  });
  session.start();
}
`,
		"/h/closes.js": `function accept2(conn, hub) {
  const session = new Session(conn, hub);
  conn.on('close', () => session.dispose());
  conn.on('error', (err) => log(err));
  session.start();
}
`,
		"/h/others.js": `function accept3(conn, other, hub) {
  const session = new Session(conn, hub);
  conn.on('end', () => session.dispose());
  other.on('error', (err) => log(err));
  conn.on('message', (m) => log(m));
  session.start();
}
`,
	}
	added := &Statement{Script: "/h/session.js", Line: 5, Text: ".subscribe({ next: (x) => this.send(x) });"}
	rm := handleRelease(added, src)
	if rm == nil || rm.Line != 8 {
		t.Fatalf("release of this.sub: %+v, want session.js:8", rm)
	}
	e, call := cleanupExit(added, rm, []string{"/h/gateway.js"}, src)
	if e == nil || e.at.Script != "/h/gateway.js" || e.at.Line != 8 || e.event != "error" || call != "dispose()" {
		t.Fatalf("'error' handler without dispose(): %+v %q", e, call)
	}
	if got := exitText(e, call); !strings.HasPrefix(got, "gateway.js:8 handles conn's 'error' without dispose()") || !strings.Contains(got, "or once on 'close'") {
		t.Errorf("text %q", got)
	}
	for _, f := range []string{"/h/closes.js", "/h/others.js"} {
		one := textSources{"/h/session.js": src["/h/session.js"], f: src[f]}
		if e, _ := cleanupExit(added, rm, []string{f}, one); e != nil {
			t.Errorf("%s: %+v, want none", f, e.at)
		}
	}
}

// A removal of an expired entry (blind evaluation 37 svc05's page cache):
// the branch that serves a fresh one must not delete it.
func TestSkippedBranchFreshEntry(t *testing.T) {
	src := textSources{"/s/cache.js": `class PageCache {
  get(key) {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (!entry.fresh()) {
      this.entries.delete(key);
      return null;
    }
    entry.hits++;
    return entry.value;
  }
}
`}
	rm := &Statement{Script: "/s/cache.js", Line: 6, Text: "this.entries.delete(key);"}
	if e := skippedBranch(rm, src); e != nil {
		t.Errorf("fresh entry's branch named as skipping the delete: %+v", e.at)
	}
	src["/s/cache.js"] = strings.Replace(src["/s/cache.js"], "!entry.fresh()", "entry.failed", 1)
	if e := skippedBranch(rm, src); e == nil {
		t.Error("another condition: the branch that goes on is the one to tell")
	}
}
