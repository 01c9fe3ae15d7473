package leak

import (
	"regexp"
	"strings"
	"testing"
)

// An early return in a callback before its cleanup call is the way out;
// one after the cleanup, or in a callback without one, is not.
func TestGuardedCallback(t *testing.T) {
	src := textSources{"/s/export.js": `function handleExport(req, res) {
  const job = registry.add({ tenant: req.tenant });
  pipeline(pack, gzip, res, (err) => {
    if (err) return;
    registry.finish(job.id, true);
  });
}
`, "/s/fine.js": `function handleImport(req, res) {
  const job = registry.add({ tenant: req.tenant });
  pipeline(req, parser, (err) => {
    registry.finish(job.id, !err);
    if (err) return;
    log('done');
  });
}
`}
	cleanup := regexp.MustCompile(`\bfinish\s*\(`)
	for script, want := range map[string]int{"/s/export.js": 4, "/s/fine.js": 0} {
		e := skippedExit(&Statement{Script: script, Line: 2}, cleanup, src)
		switch {
		case want == 0 && e != nil:
			t.Errorf("%s: exit at line %d, want none", script, e.at.Line)
		case want != 0 && (e == nil || e.at.Line != want || e.kind != "returns"):
			t.Errorf("%s: exit %+v, want a return at line %d", script, e, want)
		}
	}
}

// A timeout in the adding function that settles the work without taking
// its entry out; not one that takes it out, nor one that settles nothing.
func TestSettlingTimer(t *testing.T) {
	src := textSources{"/s/pool.js": `class Pool {
  run(doc) {
    return new Promise((resolve, reject) => {
      const task = { id, doc, resolve, reject };
      task.timer = setTimeout(() => {
        worker.postMessage({ type: 'cancel', id });
        reject(new Error('timeout'));
      }, 2000);
      this.pending.set(id, task);
    });
  }
}
`, "/s/good.js": `class Pool {
  run(doc) {
    return new Promise((resolve, reject) => {
      const task = { id, doc, resolve, reject };
      task.timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('timeout'));
      }, 2000);
      this.pending.set(id, task);
    });
  }
}
`, "/s/tick.js": `function watch(id) {
  const timer = setTimeout(() => {
    log('slow', id);
  }, 2000);
  pending.set(id, timer);
}
`}
	remove := regexp.MustCompile(`\bpending\s*\.\s*delete\s*\(`)
	if e := settlingTimer(&Statement{Script: "/s/pool.js", Line: 9}, remove, src); e == nil || e.at.Line != 5 {
		t.Errorf("pool.js: %+v, want the timer at line 5", e)
	}
	// Settled through the call object it keeps: call.reject(…).
	src["/s/rpc.js"] = strings.Replace(src["/s/pool.js"], "        reject(new Error('timeout'));", "        task.reject(new Error('timeout'));", 1)
	if e := settlingTimer(&Statement{Script: "/s/rpc.js", Line: 9}, remove, src); e == nil || e.at.Line != 5 {
		t.Errorf("rpc.js: %+v, want the timer at line 5", e)
	}
	for _, sc := range []string{"/s/good.js", "/s/tick.js"} {
		line := 9
		if sc == "/s/tick.js" {
			line = 5
		}
		if e := settlingTimer(&Statement{Script: sc, Line: line}, remove, src); e != nil {
			t.Errorf("%s: %+v, want none", sc, e)
		}
	}
}

// A state set to an ended value where nothing takes the entry out.
func TestMarkedEnded(t *testing.T) {
	src := textSources{"/s/sessions.js": `const sessions = new Map();
function open(id) {
  const session = { id, state: 'open' };
  sessions.set(id, session);
}
function complete(session) {
  session.state = 'done';
  sessions.delete(session.id);
}
function abort(session) {
  session.state = 'aborted';
  session.gzip.destroy();
}
`}
	remove := regexp.MustCompile(`\bsessions\s*\.\s*delete\s*\(`)
	add := &Statement{Script: "/s/sessions.js", Line: 4}
	rm := &Statement{Script: "/s/sessions.js", Line: 8, Text: "sessions.delete(session.id);"}
	if e := markedEnded(add, rm, remove, src); e == nil || e.at.Line != 11 {
		t.Errorf("%+v, want the 'aborted' at line 11", e)
	}
	src["/s/sessions.js"] = strings.Replace(src["/s/sessions.js"], "  session.gzip.destroy();", "  sessions.delete(session.id);", 1)
	if e := markedEnded(add, rm, remove, src); e != nil {
		t.Errorf("%+v, want none when abort() deletes", e)
	}
	// A state the removal's caller tests reaches it (a reaper of done
	// and failed jobs); the one it does not test is the way out.
	src = textSources{"/s/jobs.js": `class Registry {
  add(job) {
    this.jobs.set(job.id, job);
  }
  fail(job) {
    job.state = 'failed';
  }
  cancel(job) {
    job.state = 'cancelled';
  }
  remove(id) {
    return this.jobs.delete(id);
  }
}
`, "/s/reaper.js": `function reap(registry) {
  for (const [id, job] of registry.jobs) {
    if (job.state === 'done' || job.state === 'failed') {
      registry.remove(id);
    }
  }
}
`}
	remove = regexp.MustCompile(`\bjobs\s*\.\s*delete\s*\(`)
	e := markedEnded(&Statement{Script: "/s/jobs.js", Line: 3}, &Statement{Script: "/s/jobs.js", Line: 12, Text: "return this.jobs.delete(id);"}, remove, src)
	if e == nil || e.at.Line != 9 {
		t.Errorf("%+v, want the 'cancelled' at line 9, not the reaped 'failed'", e)
	}
}

// Listeners added by name for an event in a variable, removed by a
// function called only from one object's 'close' listener.
func TestClosingOnlyRemoval(t *testing.T) {
	src := textSources{
		"/s/pubsub.js": `function subscribe(conn, channel) {
  const listener = (msg) => conn.write(msg);
  conn.subscriptions.set(channel, listener);
  bus.on(channel, listener);
}
function unsubscribeAll(conn) {
  for (const [channel, listener] of conn.subscriptions) bus.off(channel, listener);
}
`,
		"/s/server.js": `function accept(socket) {
  const conn = new Connection(socket);
  conn.rl.on('close', () => {
    unsubscribeAll(conn);
  });
}
`,
	}
	st := &Statement{Script: "/s/pubsub.js", Line: 4, Text: "bus.on(channel, listener);"}
	got := closingOnlyRemoval(st, []string{"/s/pubsub.js", "/s/server.js"}, src)
	if !strings.Contains(got, "unsubscribeAll() takes it out (pubsub.js:7), called only when conn.rl emits 'close' (server.js:4)") {
		t.Errorf("got %q", got)
	}
	src["/s/server.js"] += "function drop(conn) {\n  unsubscribeAll(conn);\n}\n"
	if got := closingOnlyRemoval(st, []string{"/s/pubsub.js", "/s/server.js"}, src); got != "" {
		t.Errorf("called outside a closing listener too: %q, want none", got)
	}
	// Removed in the add's own 'finish' listener, which a client gone
	// first never gives.
	src["/s/sse.js"] = "function stream(req, res, topic) {\n  const onQuote = (q) => res.write(q);\n  bus.on(topic, onQuote);\n  res.once('finish', () => {\n    bus.off(topic, onQuote);\n  });\n}\n"
	if got := closingOnlyRemoval(&Statement{Script: "/s/sse.js", Line: 3, Text: "bus.on(topic, onQuote);"}, []string{"/s/sse.js"}, src); !strings.Contains(got, "only when res emits 'finish'") || !strings.Contains(got, "on 'close' instead") {
		t.Errorf("finish only: %q", got)
	}
	if l := listenerAddedAt(&Holder{Kind: "listeners", Event: "ch7", EventsLike: 3}, &Location{Function: "listener", Script: "/s/pubsub.js", Line: 2, Column: 20}, []string{"/s/pubsub.js"}, src); l == nil || l.Line != 4 {
		t.Errorf("added at %+v, want bus.on(channel, listener) at line 4", l)
	}
}

// A factory's collection takes the bound the call that made it passed,
// else the factory's default; Infinity is none.
func TestInstanceOption(t *testing.T) {
	src := textSources{
		"/s/memo.js":  "function memoize(fn, { key = (...a) => JSON.stringify(a), max = Infinity } = {}) {\n  const cache = new Map();\n  function memoized(...args) {\n    if (cache.size > max) cache.delete(cache.keys().next().value);\n  }\n  return memoized;\n}\n",
		"/s/order.js": "const orderSchema = memoize(build, { key: (o) => JSON.stringify(o) });\n",
		"/s/user.js":  "const userSchema = memoize(buildUser, {\n  key: (u) => u.plan,\n  max: 64,\n});\n",
	}
	files := func() []string { return []string{"/s/memo.js", "/s/order.js", "/s/user.js"} }
	trim := &Trim{At: Statement{Script: "/s/memo.js", Line: 4}, Bound: "max"}
	if v, made, ok := instanceOption(&Holder{Name: "cache", madeAs: "orderSchema"}, trim, files, src); !ok || v != -1 || made == nil || made.Script != "/s/order.js" {
		t.Errorf("orderSchema: %d %+v %v, want none (Infinity), made in order.js", v, made, ok)
	}
	if v, _, ok := instanceOption(&Holder{Name: "cache", madeAs: "userSchema"}, trim, files, src); !ok || v != 64 {
		t.Errorf("userSchema: %d %v, want 64", v, ok)
	}
	// A factory called with a whole function first, over many lines.
	src["/s/order.js"] = "const quote = memoize(\n  (rc, sku) => {\n" + strings.Repeat("    const x = compute(rc, sku, 'a long line of pricing work');\n", 30) + "  },\n  { key: (rc, sku) => sku },\n);\n"
	if v, made, ok := instanceOption(&Holder{Name: "cache", madeAs: "quote"}, trim, files, src); !ok || v != -1 || made == nil || made.Line != 1 {
		t.Errorf("quote: %d %+v %v, want none (Infinity), made at order.js:1", v, made, ok)
	}
	if _, _, ok := instanceOption(&Holder{Name: "cache"}, trim, files, src); ok {
		t.Error("a holder not made by a factory call: want no answer")
	}
}

// The line that gives a JSON key's field a value made per call.
func TestFieldSetAt(t *testing.T) {
	src := textSources{"/s/orders.js": "router.post('/orders', (req, res) => {\n  const schema = orderSchema({ currency, maxLines, label: `order ${req.id}` });\n});\n",
		"/s/other.js": "const fixed = { label: 'static' };\n"}
	st := fieldSetAt("label", []string{"/s/orders.js", "/s/other.js"}, src)
	if st == nil || st.Script != "/s/orders.js" || st.Line != 2 {
		t.Errorf("%+v, want orders.js:2", st)
	}
	if st := fieldSetAt("currency", []string{"/s/orders.js"}, src); st != nil {
		t.Errorf("currency: %+v, want none", st)
	}
}

// A function returned as a value is called by other names.
func TestHandedOut(t *testing.T) {
	src := textSources{"/s/memo.js": "function memoize(fn) {\n  function memoized(x) {\n    return fn(x);\n  }\n  return memoized;\n}\n",
		"/s/plain.js": "function sweep() {\n  cache.clear();\n}\n"}
	if !handedOut(&Location{Function: "memoized", Script: "/s/memo.js"}, nil, src) {
		t.Error("memoized is returned: want handed out")
	}
	if handedOut(&Location{Function: "sweep", Script: "/s/plain.js"}, nil, src) {
		t.Error("sweep is not used as a value")
	}
}

// An add inside a function is preferred to one at a module's top level,
// which runs once.
func TestAddedAtPrefersAFunction(t *testing.T) {
	src := textSources{"/s/webhooks.js": "const router = Router();\nrouter.post('/webhooks', create);\nfunction create(req, res) {\n  router.post(`/hooks/${req.id}`, deliver);\n}\n"}
	h := &Holder{Kind: "Array", Name: "stack", OwnerName: "router", Package: "router"}
	st := addedAt(h, "Layer", nil, []string{"/s/webhooks.js"}, src)
	if st == nil || st.Line != 4 {
		t.Errorf("%+v, want the registration inside create() at line 4", st)
	}
}
