package leak

import (
	"path/filepath"
	"strings"
	"testing"
)

// The program's callbacks kept by a library: where they are handed over,
// where they are taken back, and what the fix says when that is on one
// way out only (blind evaluation 11).

func TestRegisteredByName(t *testing.T) {
	src := textSources{"/srv/routes/quotes.js": `app.get('/poll', (req, res) => {
  const poll = new PendingPoll(req);
  function onQuote(quote) {
    if (!poll.matches(quote)) return;
    quoteBus.off(channel, onQuote);
    poll.settle(200, quote);
  }
  [1, 2].forEach(onQuote);
  quoteBus.on(channel, onQuote);
  poll.timer = setTimeout(() => poll.settle(204), 30000);
});
`}
	loc := &Location{Function: "onQuote", Script: "/srv/routes/quotes.js", Line: 3, Column: 19} // V8: at the parameters
	st := registeredAt(loc, src)
	if st == nil || st.Line != 9 || st.Column != 3 || st.Text != "quoteBus.on(channel, onQuote);" {
		t.Fatalf("registered at %+v: want quotes.js:9:3, the on() (not the off(), not the forEach)", st)
	}
	rm := registeredRemoval(loc, src)
	if rm == nil || rm.Line != 5 {
		t.Fatalf("removal %+v: want quotes.js:5", rm)
	}
	if !emitterVerbRe.MatchString(st.Text) || !listenerVerbRe.MatchString("source.onValue(this.push.bind(this));") || listenerVerbRe.MatchString("PubSub.subscribe(topic, fn)") {
		t.Error("emitter and listener verbs")
	}
}

func TestFreshRemovalOfBoundMethod(t *testing.T) {
	src := textSources{"/srv/lib/client.js": `class StreamClient {
  constructor(res) { this.res = res; }
  push(event) { this.res.write(event); }
  attach(source) {
    source.onValue(this.push.bind(this));
  }
  detach(source) {
    source.offValue(this.push.bind(this));
  }
}
`}
	own := []string{"/srv/lib/client.js"}
	fix, added := freshRemoval("push", "", own, src)
	if !strings.HasPrefix(fix, "client.js:8 removes a function it makes right there (source.offValue(this.push.bind(this)))") ||
		!strings.Contains(fix, "pass the bound this.push (bind it once, in the constructor) to both calls") {
		t.Errorf("fix %q", fix)
	}
	if added == nil || added.Line != 5 {
		t.Errorf("added %+v: want client.js:5, the onValue()", added)
	}
	// Another method's bind is not this one's removal.
	if fix, _ := freshRemoval("write", "", own, src); fix != "" {
		t.Errorf("write: %q", fix)
	}
	for verb, want := range map[string]string{"off": "on|addListener|once|prependListener", "offValue": "onValue", "unsubscribe": "subscribe", "removeObserver": "addObserver|onObserver", "detachHandler": "attachHandler"} {
		if got := addVerbs(verb); got != want {
			t.Errorf("addVerbs(%s) = %q, want %q", verb, got, want)
		}
	}
	if freshRemovalRe.MatchString("list.unshift(() => 1)") {
		t.Error("unshift is not a removal")
	}
}

func TestUndoneEndings(t *testing.T) {
	src := textSources{"/srv/lib/subscriptions.js": `class SubscriptionService {
  create(input) {
    const sub = new ReportSubscription(input);
    schedule.scheduleJob(sub.jobName, sub.spec, (at) => this.run(sub, at));
    this.subscriptions.set(sub.id, sub);
    return sub;
  }

  remove(id) {
    const sub = this.subscriptions.get(id);
    schedule.cancelJob(sub.jobName);
    this.subscriptions.delete(id);
  }

  unsubscribe(token) {
    const id = this.byToken.get(token);
    this.subscriptions.delete(id);
  }

  stats() {
    return this.subscriptions.size;
  }
}
`}
	reg := &Statement{Script: "/srv/lib/subscriptions.js", Line: 4, Text: "schedule.scheduleJob(sub.jobName, sub.spec, (at) => this.run(sub, at));"}
	h := undoneEndings(reg, nil, src)
	if !strings.HasPrefix(h, "schedule.cancelJob(sub.jobName) is called in remove() (subscriptions.js:11) only; unsubscribe() (subscriptions.js:15) also ends the object without it: make that call there too") {
		t.Errorf("hint %q", h)
	}
	// Every ending undoes it: nothing to say.
	src["/srv/lib/subscriptions.js"] = strings.Replace(src["/srv/lib/subscriptions.js"], "    this.subscriptions.delete(id);\n  }\n\n  stats", "    schedule.cancelJob(id);\n    this.subscriptions.delete(id);\n  }\n\n  stats", 1)
	if h := undoneEndings(reg, nil, src); h != "" {
		t.Errorf("all endings undo it: %q", h)
	}
}

func TestCalledDisposerInOneEnding(t *testing.T) {
	src := textSources{"/srv/lib/sessions.js": `class SessionManager {
  open(userId) {
    const session = new EditSession(userId);
    session.autosave = CronJob.from({ cronTime: '*/30 * * * * *', onTick: () => session.flush(), start: true });
    this.sessions.set(session.id, session);
  }

  close(id) {
    const session = this.sessions.get(id);
    session.autosave.stop();
    this.sessions.delete(id);
  }

  sweep(now) {
    for (const [id, session] of this.sessions) {
      if (now - session.lastSeen < this.idleMs) continue;
      this.sessions.delete(id);
    }
  }
}
`}
	h := calledDisposer("timers pile up"+disposerHint("CronJob", "stop"), []string{"/srv/lib/sessions.js"}, src)
	if !strings.Contains(h, "session.autosave.stop() is called in close() (sessions.js:10) only; sweep() (sessions.js:14) also ends the object without it: call stop() there too") {
		t.Errorf("hint %q", h)
	}
}

func TestFactoryCallers(t *testing.T) {
	src := textSources{
		"/srv/lib/view.js": "export function openView(id) {\n  const view = new View(id);\n  view.stop = effect(() => view.refresh());\n  return view;\n}\n",
		"/srv/routes/handlers.js": `export const handlers = {
  show(req, res) {
    const view = openView(req.id);
    res.end(view.html);
  },

  live(req, res) {
    const view = openView(req.id);
    req.on('close', () => view.stop());
  },
};
`}
	files := []string{"/srv/lib/view.js", "/srv/routes/handlers.js"}
	reg := &Statement{Script: "/srv/lib/view.js", Line: 3, Text: "view.stop = effect(() => view.refresh());"}
	h := factoryCallers(reg, files, src)
	if h != "openView() returns what undoes it as view.stop (view.js:3); live() (handlers.js:8) calls .stop() when done with it, but show() (handlers.js:3) never does: call it there too" {
		t.Errorf("hint %q", h)
	}
	// No caller gives it back: the callers' code alone cannot say where
	// it should be (it may be kept and stopped elsewhere).
	src["/srv/routes/handlers.js"] = strings.Replace(src["/srv/routes/handlers.js"], "view.stop()", "view.pause()", 1)
	if h := factoryCallers(reg, files, src); h != "" {
		t.Errorf("no caller stops it: %q", h)
	}
}

// A listener's "added at" is the call that adds it for its event: on the
// arrow's own line when it is written in the call, else the first such
// call; a fresh removal counts only for that event (the guide's case
// study, beside a stream program whose removal is another's).
func TestListenerAddedAt(t *testing.T) {
	src := textSources{
		"/srv/app/processor.js": `class TransactionProcessor {
  constructor(eventBus) { this.eventBus = eventBus; this.eventBus.on('error', log); }
  processTransaction(transaction) {
    const context = new RequestContext(transaction);
    this.eventBus.on('response', (data) => {
      context.handleResponse(data);
    });
    this.eventBus.on("response",
      // logged too
      (data) => context.log(data));
  }
}
`,
		"/srv/app/named.js": `function onTick() {}
feed.on('tick', onTick);
feed.off('tick', onTick.bind(null));
`,
		"/srv/app/stream.js": `class StreamClient {
  attach(source) { source.onValue(this.push.bind(this)); }
  detach(source) { source.offValue(this.push.bind(this)); }
  leave(bus) { bus.off('tick', () => {}); }
}
`}
	h := &Holder{Class: "EventEmitter", Kind: "listeners", Event: "response"}
	own := []string{"/srv/app/processor.js"}
	st := listenerAddedAt(h, &Location{Script: "/srv/app/processor.js", Line: 5, Column: 34}, own, src)
	if st == nil || st.Line != 5 || st.Column != 18 || st.Others != 1 {
		t.Fatalf("added at %+v: want processor.js:5:18, the on('response') that writes the arrow (one other)", st)
	}
	if st := listenerAddedAt(h, &Location{Script: "/srv/app/processor.js", Line: 10, Column: 7}, own, src); st == nil || st.Line != 8 {
		t.Errorf("a call over three lines: added at %+v, want processor.js:8", st)
	}
	// A listener defined elsewhere: the first call for its event.
	tick := &Holder{Class: "EventEmitter", Kind: "listeners", Event: "tick"}
	if st := listenerAddedAt(tick, &Location{Script: "/srv/app/named.js", Line: 1, Column: 16}, []string{"/srv/app/named.js"}, src); st == nil || st.Line != 2 {
		t.Errorf("named listener: added at %+v, want named.js:2", st)
	}
	if st := listenerAddedAt(&Holder{Kind: "listeners"}, nil, own, src); st != nil {
		t.Errorf("no event: %+v", st)
	}
	// The removals in stream.js are of other listeners: offValue has no
	// event, and off('tick') is another event.
	if fix, _ := freshRemoval("", "response", []string{"/srv/app/processor.js", "/srv/app/stream.js"}, src); fix != "" {
		t.Errorf("another event's removal taken for 'response': %q", fix)
	}
	if fix, _ := freshRemoval("", "tick", []string{"/srv/app/named.js"}, src); !strings.HasPrefix(fix, "named.js:3 removes a function it makes right there") {
		t.Errorf("tick: %q", fix)
	}
}

// The fix for listeners the program adds and never removes is said with
// its own call: off() on the same emitter with the same function, which
// a function made in the call cannot give.
func TestListenerFix(t *testing.T) {
	for _, c := range []struct{ text, event, want string }{
		{"this.eventBus.on('response', (data) => {", "response", "app.js:7 adds a listener made in the call, which nothing can remove later: keep it (const onDone = …) and call this.eventBus.off('response', onDone)"},
		{"bus.addListener(\"tick\", this.onTick.bind(this));", "tick", "call bus.off('tick', onDone)"},
		{"feed.on('price', onPrice);", "price", "app.js:7 adds onPrice and nothing removes it: call feed.off('price', onPrice) when its work is done"},
		{"  this.source.prependListener(`data`, this.handle)", "data", "call this.source.off('data', this.handle)"},
		// eventemitter3's context goes to off() too.
		{"bus.on('rates:updated', quote.reprice, quote);", "rates:updated", "adds quote.reprice and nothing removes it: call bus.off('rates:updated', quote.reprice, quote)"},
	} {
		got := listenerFix(&Statement{Script: "/srv/app.js", Line: 7, Text: c.text}, c.event, nil, textSources{}, true)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q in it", c.text, got, c.want)
		}
	}
	for _, c := range []struct{ text, event string }{
		{"feed.on('price', onPrice);", "quote"},        // another event
		{"feed.on(EVENT, onPrice);", "price"},          // not a literal: unsure
		{"feed.subscribe('price', onPrice);", "price"}, // not an emitter's verb
	} {
		if got := listenerFix(&Statement{Script: "/srv/app.js", Line: 7, Text: c.text}, c.event, nil, textSources{}, true); got != "" {
			t.Errorf("%s (%s): %q, want none", c.text, c.event, got)
		}
	}
	if got := listenerFix(&Statement{Script: "/srv/node_modules/ws/lib/x.js", Line: 7, Text: "feed.on('price', onPrice);"}, "price", nil, textSources{}, true); got != "" {
		t.Errorf("a package's call: %q", got)
	}
	// process events fire when it ends: once() is no fix; an AbortSignal's
	// listener goes with a per-call signal.
	if got := listenerFix(&Statement{Script: "/srv/app.js", Line: 7, Text: "process.on('exit', flushOnExit);"}, "exit", nil, textSources{}, true); strings.Contains(got, "once(") ||
		!strings.Contains(got, "call process.off('exit', flushOnExit)") || !strings.Contains(got, "one listener at startup") {
		t.Errorf("exit: %q", got)
	}
	if got := listenerFix(&Statement{Script: "/srv/app.js", Line: 7, Text: "shutdownSignal.addEventListener('abort', () => ctx.cancel());"}, "abort", nil, textSources{}, true); !strings.Contains(got, "call shutdownSignal.removeEventListener('abort', onDone) when the call ends, or add it with { signal } of a per-call AbortController") {
		t.Errorf("abort: %q", got)
	}
	// Where the program does remove it, that is said, not "nothing
	// removes it"; and one snapshot cannot tell they should be gone.
	src := textSources{"/srv/pub.js": `function publish(msg) {
  const onAck = (id) => { if (id === msg.id) done(); };
  this.link.on('ack', onAck);
  const timer = setTimeout(() => {
    this.link.off('ack', onAck);
  }, 5000);
}
`}
	st := &Statement{Script: "/srv/pub.js", Line: 3, Text: "this.link.on('ack', onAck);"}
	// Only the timeout takes it out: the success path is the one to fix.
	if got := listenerFix(st, "ack", []string{"/srv/pub.js"}, src, true); got != "pub.js:3 adds onAck, and it is taken out only on a timeout or an error (pub.js:5), yet they stay: take it out also where the work succeeds (in onAck itself, once it has handled what it waited for), with this.link.off('ack', onAck)" {
		t.Errorf("removed on a timeout only: %q", got)
	}
	done := textSources{"/srv/pub.js": `function publish(msg) {
  const onAck = (id) => { if (id === msg.id) done(); };
  this.link.on('ack', onAck);
  this.finish = () => {
    this.link.off('ack', onAck);
  };
}
`}
	if got := listenerFix(st, "ack", []string{"/srv/pub.js"}, done, true); !strings.HasPrefix(got, "pub.js:3 adds onAck, and it is taken out at pub.js:5 (in finish()), yet they stay: the work that keeps each one ends without reaching a removal") {
		t.Errorf("removed elsewhere: %q", got)
	}
	if got := listenerFix(st, "ack", []string{"/srv/pub.js"}, src, false); !strings.Contains(got, "taken out at pub.js:5 (in publish()): if these should be gone") {
		t.Errorf("removed elsewhere, one snapshot: %q", got)
	}
	if got := listenerFix(&Statement{Script: "/srv/app.js", Line: 7, Text: "feed.on('price', onPrice);"}, "price", nil, textSources{}, false); !strings.Contains(got, "nothing removes it: if they should not all stay, call feed.off") {
		t.Errorf("one snapshot: %q", got)
	}
}

// A long poll's subscription, released when the request is aborted, not
// when the timer that answers it on timeout fires: the subscribing call
// and that timer.
func TestTimerSkipsRelease(t *testing.T) {
	src := textSources{"/srv/alerts.js": "module.exports = (app, feed) => {\n" +
		"  app.get('/wait', (request, reply) => {\n" +
		"    const timer = setTimeout(() => {\n" +
		"      reply.code(204).send();\n" +
		"    }, 25000);\n" +
		"    const sub = feed.quote$(request.query.symbol)\n" +
		"      .pipe(take(1))\n" +
		"      .subscribe((q) => {\n" +
		"        clearTimeout(timer);\n" +
		"        reply.send(q);\n" +
		"      });\n" +
		"    request.raw.on('aborted', () => {\n" +
		"      clearTimeout(timer);\n" +
		"      sub.unsubscribe();\n" +
		"    });\n" +
		"    return reply;\n" +
		"  });\n" +
		"};\n"}
	sub, h := timerSkipsRelease(&Location{Script: "/srv/alerts.js", Line: 3, Column: 30}, src)
	if sub == nil || sub.Line != 8 {
		t.Fatalf("subscribing call %+v", sub)
	}
	for _, want := range []string{"alerts.js:14 releases it (sub.unsubscribe()), in request.raw's 'aborted' listener", "the timer that ends the wait (alerts.js:3", "call sub.unsubscribe() in that timer's callback"} {
		if !strings.Contains(h, want) {
			t.Errorf("%q lacks %q", h, want)
		}
	}
}

// rxjs: takeUntil above a flattening operator in one pipe completes the
// outer subscription only; the inner ones switchMap makes stay (blind
// evaluation 28). takeUntil last, or no flattening after it, is fine.
func TestUnsafeTakeUntil(t *testing.T) {
	src := textSources{"/srv/quote.js": `class QuoteContext {
  constructor(deps) {
    this.tenant$
      .pipe(
        distinctUntilChanged(),
        takeUntil(this.done$),
        switchMap((id) => deps.tenants.config$(id)),
        map((cfg) => cfg.limits),
      )
      .subscribe((limits) => {
        this.limits = limits;
      });
    this.other$
      .pipe(
        mergeMap((id) => deps.load(id)),
        takeUntil(this.done$),
      )
      .subscribe(() => {});
  }
}
`}
	h := unsafeTakeUntil(&Statement{Script: "/srv/quote.js", Line: 7, Text: "switchMap((id) => deps.tenants.config$(id)),"}, src)
	if !strings.Contains(h, "quote.js:6 has takeUntil(this.done$) before switchMap at quote.js:7") || !strings.Contains(h, "put takeUntil last in the pipe, after switchMap") {
		t.Errorf("hint %q", h)
	}
	if h := unsafeTakeUntil(&Statement{Script: "/srv/quote.js", Line: 15, Text: "mergeMap((id) => deps.load(id)),"}, src); h != "" {
		t.Errorf("takeUntil after mergeMap: %q", h)
	}
}

// A once() listener whose event does not come stays like any other; its
// sibling, added beside it to the same emitter, is taken out elsewhere:
// there is where to take this one out too (blind evaluation 28:
// eventemitter3's 'shutdown' beside 'message').
func TestOnceListenerSiblingRemoval(t *testing.T) {
	src := textSources{"/srv/hub.js": `class Hub {
  open(user) {
    const session = new Session(user);
    this.sessions.set(session.id, session);
    this.bus.on('message', session.deliver, session);
    this.bus.once('shutdown', session.flush, session);
    return session;
  }

  close(id) {
    const session = this.sessions.get(id);
    this.bus.off('message', session.deliver, session);
    this.sessions.delete(id);
  }
}
`}
	got := listenerFix(&Statement{Script: "/srv/hub.js", Line: 6, Text: "this.bus.once('shutdown', session.flush, session);"}, "shutdown", nil, src, true)
	for _, want := range []string{"hub.js:6 adds session.flush and nothing removes it", "call this.bus.off('shutdown', session.flush, session) where its sibling is, in close() (hub.js:12: this.bus.off('message', session.deliver, session))"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "once(") {
		t.Errorf("%q: it is a once() listener already", got)
	}
}

// The program's registering call is where the entries are added; the
// library's own push comes with it, also when the library reaches its
// array through a local (mobx's registerListener: let listeners =
// x.changeListeners_; … listeners.push(handler)).
func TestAliasAdd(t *testing.T) {
	_, s := seriesTop(t, "lib-observe-poll")
	if a := s.AddedAt; a == nil || !strings.Contains(a.Text, "observe(levels") || a.Library == nil || a.Library.Text != "listeners.push(handler);" ||
		filepath.Base(filepath.Dir(a.Library.Script)) != "tiny-observe" {
		t.Errorf("added at %+v", a)
	}
}

// TestSharedMethodListener: a method added with its this (eventemitter3's
// on(event, fn, context): blind set 28, svc05) is one function for every
// entry, so the add is the code; the library emitter's own push is the
// line it goes through.
func TestSharedMethodListener(t *testing.T) {
	add := &Statement{Script: "/s/hub.js", Line: 18, Text: "this.bus.once('shutdown', session.flush, session);"}
	if !sharedMethodAdd(add, &Location{Function: "flush", Script: "/s/session.js", Line: 56}) {
		t.Error("session.flush with session as this: not a shared method's add")
	}
	for _, l := range []*Location{{Function: "close", Script: "/s/session.js", Line: 60}, {Function: "flush", Script: "/s/hub.js", Line: 18}} {
		if sharedMethodAdd(add, l) {
			t.Errorf("code %+v: a shared method's add", l)
		}
	}
	if sharedMethodAdd(&Statement{Script: "/s/hub.js", Line: 3, Text: "bus.on('x', onX);"}, &Location{Function: "onX", Script: "/s/hub.js", Line: 1}) {
		t.Error("a function by name: a shared method's add")
	}
	lib := "/s/node_modules/eventemitter3/index.js"
	src := textSources{lib: "function addListener(emitter, event, fn, context, once) {\n  var listener = new EE(fn, context || emitter, once);\n  if (!emitter._events[evt]) emitter._events[evt] = listener, emitter._eventsCount++;\n  else if (!emitter._events[evt].fn) emitter._events[evt].push(listener);\n  else emitter._events[evt] = [emitter._events[evt], listener];\n}\n"}
	if st := emitterAdd(lib, src); st == nil || st.Line != 4 {
		t.Errorf("the emitter's add: %+v, want line 4", st)
	}
}

// TestFreshArgAndEntryTTL: a memoized function called with an object built
// just before the call never hits (blind set 29, svc01); a node-cache set()
// whose ttl may be 0 keeps the entry for good (svc04).
func TestFreshArgAndEntryTTL(t *testing.T) {
	src := textSources{"/s/pricing.js": "const cachedQuote = memoize(buildQuote, { length: 1 });\n\nfunction quote(params) {\n  const request = {\n    sku: params.sku,\n  };\n  return cachedQuote(request);\n}\n"}
	h := &Holder{Package: "memoizee", OwnerName: "cachedQuote", wrapped: true}
	add := &Statement{Script: "/s/pricing.js", Line: 7, Text: "return cachedQuote(request);"}
	if got := freshArgHint(h, add, nil, src); !strings.Contains(got, "pricing.js:7 calls cachedQuote with request, an object built anew on each call (pricing.js:4)") {
		t.Errorf("fresh argument: %q", got)
	}
	src["/s/pricing.js"] = strings.Replace(src["/s/pricing.js"], "  return cachedQuote", "  request = canonical(request);\n  return cachedQuote", 1)
	if got := freshArgHint(h, &Statement{Script: "/s/pricing.js", Line: 8, Text: add.Text}, nil, src); got != "" {
		t.Errorf("given another value in between: %q", got)
	}
	nc := &Holder{Package: "node-cache"}
	guarded := &Statement{Script: "/s/results.js", Line: 17, Text: "if (ttl >= 0) cache.set(key, res.body, ttl);"}
	if got := entryTTLHint(nc, guarded); !strings.Contains(got, "its guard lets 0 through (ttl >= 0)") {
		t.Errorf("guarded ttl: %q", got)
	}
	if got := entryTTLHint(nc, &Statement{Script: "/s/results.js", Line: 3, Text: "cache.set(key, value);"}); got != "" {
		t.Errorf("no ttl: %q", got)
	}
}
