package leak

import (
	"strings"
	"testing"
)

// TestLibraryScenarios: leaks inside (stand-ins for) widely used npm
// packages are named in the program's terms, once, with the package's fix.
func TestLibraryScenarios(t *testing.T) {
	cases := []struct {
		name     string
		pattern  Pattern
		class    string
		context  string // Suspect.Context, if any
		one      bool   // exactly one suspect: one leak
		want     []string
		dontWant []string
	}{
		// Settled promises are values: a collection, with a loader's fix.
		{"lib-loader", PatternCollection, "Account", "", true,
			[]string{"create it per request", "accountLoader"}, []string{"wait forever", "AbortSignal"}},
		{"lib-memo", PatternCollection, "PriceQuote", "", true,
			[]string{"settled promise", "quoteMemo"}, []string{"wait forever", "AbortSignal"}},
		// A memoizer library's cache, a variable of its wrapper: named by
		// the function the program keeps the wrapper as.
		{"lib-memoizer", PatternCollection, "Evaluation", "", true,
			[]string{"FlagService.evaluate, a function tiny-memo memoizes", "maximum"}, []string{"an LRU with"}},
		// A minified class with a Map and parallel arrays: one suspect,
		// named by the variable, never by the minified class.
		{"lib-lru", PatternCollection, "RenderedReport", "", true,
			[]string{"reportCache (lru-cache)", "max"}, []string{"c reportCache", "an LRU with"}},
		// A class its factory names (zod 4's, all named _ by V8): by
		// its name property (TestClassNames reads the sources too).
		{"lib-schema-memo", PatternCollection, "SchemaObject", "", true,
			[]string{"label"}, nil},
		// The program's closures as a cache's values: the cache's fix,
		// never a registration to undo.
		{"lib-lru-closures", PatternClosure, "status()", "", true,
			[]string{"statusCache (lru-cache)", "max"}, []string{"registered with a library", "unregister"}},
		// Two metrics labelled per request in one handler: one leak.
		{"lib-metrics", PatternCollection, "", "", true,
			[]string{"route templates"}, nil},
		// The program's class, the library's request as context; a
		// once() wrapper above the emitter is not how listeners were added.
		{"lib-listener", PatternEventListener, "UserSession", "Request (tiny-web)", false,
			[]string{"'reload'"}, []string{"once() listeners"}},
		// A WeakMap keyed by what a listener keeps: the listener is the
		// leak and gets the WeakMap's bytes; no bound for a WeakMap.
		{"lib-weakmap", PatternEventListener, "Connection", "", true,
			[]string{"'drain'"}, []string{"bound it"}},
		// A schema object built per call and compiled by a shared ajv;
		// a lodash-memoized function called with a new object each time
		// (its Map sits in a plain object inside the MapCache).
		{"lib-ajv", PatternCollection, "SchemaEnv", "", true,
			[]string{"ajv (ajv) keeps every schema", "compile each schema once"}, []string{"an LRU"}},
		// A route registered inside a request handler: the router's
		// Layer, added at that registration, not at the top-level ones.
		{"lib-router", PatternCollection, "Layer", "", true,
			[]string{"router (router) keeps every route"}, []string{"an LRU", "a WeakMap"}},
		{"lib-lodash", PatternCollection, "ShippingRate", "", true,
			[]string{"MapCache cache (lodash)", "resolver"}, []string{"a WeakMap"}},
		// The program's callbacks kept by a library's table: a pub/sub
		// library's topics, an observable value's reactions. Each is a
		// registration to undo, never a cache to bound.
		{"lib-pubsub", PatternClosure, "FeedClient", "", false,
			[]string{"is registered with a library, which keeps it in", "(tiny-pubsub)"}, []string{"compiled code", "an LRU"}},
		{"lib-reaction", PatternCollection, "CartView", "", true,
			[]string{"is registered with a library", "CartView has a dispose() method"}, []string{"an LRU"}},
		// A library's object that adds its own listener to a shared
		// emitter when it is made, one per request.
		{"lib-env-per-call", PatternEventListener, "Environment", "", true,
			[]string{"'update'"}, nil},
		// A memoizer that binds its cache into the function it returns,
		// keyed by JSON with a request id and time: named by the variable
		// the program keeps the function in; those two fields named.
		{"lib-bound-memo", PatternCollection, "{currency, lines}", "", true,
			[]string{"priceBasket.cache", "requestId and at take a new value", "a function tiny-bindmemo memoizes"}, []string{"sku takes"}},
		// A logger per request piped into a shared transport: the
		// loggers leak (not node's once() wrappers), with pipe()'s fix.
		{"pipe-logger", PatternEventListener, "DerivedLogger", "", true,
			[]string{"piped into the File (winston)", "logger.child"}, []string{"once() listeners"}},
		// The program's callbacks kept by a library's own lists (blind
		// evaluation 11), without the sources: a fast emitter's task
		// collections, an observable's {type, fn} entries, a cron job's
		// own timer (a duration per job), an effect in two signals'
		// subscriber lists (one leak), a scheduler's job table.
		// TestRegistrationScenarios reads their sources.
		{"lib-emit-poll", PatternClosure, "PendingPoll", "", true,
			[]string{"is registered with a library", "(tiny-emit)"}, []string{"an LRU"}},
		{"lib-stream-rebind", PatternCollection, "StreamClient", "", true,
			[]string{"is registered with a library", "(tiny-stream)"}, []string{"an LRU"}},
		{"lib-cron-sessions", PatternTimer, "EditSession", "", true,
			[]string{"each CronJob (tiny-cron) runs a timer of its own"}, []string{"an LRU", "clearInterval"}},
		{"lib-signal-views", PatternCollection, "DashboardView", "", true,
			[]string{"is registered with a library, which keeps it in a linked list", "(tiny-signals)"}, []string{"advance its head"}},
		{"lib-scheduled-reports", PatternCollection, "ReportSubscription", "", false,
			[]string{"(tiny-schedule)", "Job has a cancel() method"}, []string{"an LRU"}},
		// A library's object whose timers keep it, made and kept by
		// another of its objects (opossum's CircuitBreaker and its
		// Status, blind evaluation 27): that one's shutdown() is the fix.
		{"lib-breaker-per-call", PatternTimer, "Status", "", true,
			[]string{"each Breaker (tiny-breaker) makes a Status that runs a timer of its own", "until the Breaker's shutdown() is called"}, []string{"an LRU", "clearInterval", "call shutdown() on each one when"}},
		// A library's object whose own handlers on a shared document
		// keep it, and the program's session in its tracked origins
		// (yjs's UndoManager, blind evaluation 35): it leads over the
		// document's items, which grow under the same document, and its
		// destroy() is the fix.
		{"lib-undo-handlers", PatternCollection, "EditSession", "", false,
			[]string{"each UndoManager (tiny-crdt) adds handlers of its own to its Doc when it is made", "UndoManager has a destroy() method"}, []string{"an LRU"}},
		{"als-timer", PatternTimer, "RequestContext", "", false,
			[]string{"AsyncLocalStorage", "finally"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := analyzeFiles(t, series(t, c.name, 3))
			for _, s := range rep.Suspects {
				t.Logf("#%d %s %s ctx=%q count=%v growth=%d holder=%+v loc=%+v\n  %s\n  fix: %s", s.Rank, s.Pattern, s.Class, s.Context, s.Count, s.GrowthBytes, s.Holder, s.Location, s.PathText, s.Hint)
			}
			if len(rep.Suspects) == 0 {
				t.Fatal("no suspect")
			}
			if c.one && len(rep.Suspects) != 1 {
				t.Errorf("%d suspects, want one", len(rep.Suspects))
			}
			for _, o := range rep.Suspects {
				if strings.Contains(o.Hint, "WeakMap only grows") || strings.Contains(o.Hint, "WeakSet only grows") {
					t.Errorf("#%d hint %q: a WeakMap cannot be bounded", o.Rank, o.Hint)
				}
			}
			s := rep.Suspects[0]
			if s.Pattern != c.pattern || (c.class != "" && s.Class != c.class) {
				t.Errorf("top suspect %s %s, want %s %s", s.Pattern, s.Class, c.pattern, c.class)
			}
			if c.context != "" && s.Context != c.context {
				t.Errorf("context %q, want %q", s.Context, c.context)
			}
			if !programLocation(s.Location) {
				t.Errorf("location %+v, want the program's code", s.Location)
			}
			checkHint(t, s.Hint, c.want, c.dontWant)
		})
	}
}

func TestLibraryPackage(t *testing.T) {
	for in, want := range map[string]string{
		"/srv/app/node_modules/lru-cache/dist/commonjs/index.js":      "lru-cache",
		"file:///srv/app/node_modules/@fastify/error/index.js":        "@fastify/error",
		"/srv/node_modules/a/node_modules/prom-client/lib/counter.js": "prom-client",
		`C:\srv\node_modules\dataloader\index.js`:                     "dataloader",
		"/srv/app/server.js":    "",
		"node:internal/timers":  "",
		"/srv/app/node_modules": "",
	} {
		if got := libraryPackage(in); got != want {
			t.Errorf("libraryPackage(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWeakKeyID(t *testing.T) {
	id, ok := weakKeyID("3 / part of key (Connection @183701) -> value ({spans} @184431) pair in WeakMap (table @86093)")
	if !ok || id != 183701 {
		t.Errorf("got %d %v, want 183701", id, ok)
	}
	for _, bad := range []string{"", "part of key (x) -> value (y)", "part of key (a @-1) -> value (b @2)", "part of key (a @99999999999) -> value (b @2)"} {
		if _, ok := weakKeyID(bad); ok {
			t.Errorf("weakKeyID(%q) ok", bad)
		}
	}
}

// TestDisposerHint: a library's object kept by its own timer (an actor
// started and never stopped) has a method that lets it go: the hint names
// it, found on the object's prototype in the heap.
func TestDisposerHint(t *testing.T) {
	_, s := topSuspect(t, "lib-actor", 3)
	if s.Pattern != PatternTimer || !strings.Contains(s.Hint, "Actor has a stop() method") {
		t.Errorf("top suspect %s %s, hint %q: want a timer naming Actor's stop()", s.Pattern, s.Class, s.Hint)
	}
	// node's own Timeout.close() is not a library's disposal method.
	if strings.Contains(s.Hint, "Timeout has") {
		t.Errorf("hint %q names node's Timeout", s.Hint)
	}
}

// TestFunctionCacheHint: closures of one function kept as the values of a
// dictionary are a cache of compiled code whose key changes per call, not
// callbacks to unregister.
func TestFunctionCacheHint(t *testing.T) {
	_, s := topSuspect(t, "fn-cache", 3)
	if !strings.Contains(s.Hint, "one per key") || !strings.Contains(s.Hint, "compiled") || strings.Contains(s.Hint, "unregister") {
		t.Errorf("hint %q: want a cache of compiled code keyed per call", s.Hint)
	}
}

// An rxjs ReplaySubject without a buffer size keeps every value: the
// package's fix, with the program's name for it.
func TestReplaySubjectHint(t *testing.T) {
	s := &Suspect{Holder: &Holder{Kind: "Array", Name: "_buffer", Owner: "ReplaySubject", OwnerName: "points$", Package: "rxjs"}}
	h := libraryHint(s, " (20000 → 60000)")
	if !strings.Contains(h, "ReplaySubject points$ (rxjs) only grows (20000 → 60000)") || !strings.Contains(h, "new ReplaySubject(10000, 60000)") {
		t.Errorf("hint %q", h)
	}
	if st := addsPattern(s.Holder); st == nil || !st.MatchString("points$.next(normalize(p))") {
		t.Errorf("adds pattern %v, want points$.next(", st)
	}
}

// TestCachePerKey: a Map of one small library cache per invoice: each is
// bounded, their number is not, and the fix says so.
func TestCachePerKey(t *testing.T) {
	_, s := topSuspect(t, "cache-per-key", 3)
	if s.Pattern != PatternCollection || !strings.Contains(s.Hint, "the Map FragmentCaches.byInvoice keeps one lru-cache cache per key") ||
		!strings.Contains(s.Hint, "each cache may be bounded, but not how many there are") {
		t.Errorf("%s %s: hint %q", s.Pattern, s.Class, s.Hint)
	}
}

// TestLoaderRecords: a DataLoader's cache of settled promises whose
// results are object literals is named after those records, not Promise.
func TestLoaderRecords(t *testing.T) {
	_, s := topSuspect(t, "loader-records", 3)
	if s.Pattern != PatternCollection || s.Class != "{id, status, lines, notes}" || !strings.Contains(s.Hint, "create it per request") {
		t.Errorf("%s %s: hint %q", s.Pattern, s.Class, s.Hint)
	}
}

// TestLibraryModuleCache: a library's own module-level cache, fed a new
// key per call, is named as the library's variable (not as a function a
// library memoizes); the statement that adds and the one that makes the
// key are the library's, and the fix says what the program can change.
func TestLibraryModuleCache(t *testing.T) {
	_, s := seriesTop(t, "lib-module-cache")
	h := s.Holder
	if s.Pattern != PatternCollection || h == nil || h.Name != "formatters" || h.Package != "tiny-format" || h.OwnerName != "" {
		t.Fatalf("%s %s, holder %+v: want the Map formatters of tiny-format", s.Pattern, s.Class, h)
	}
	if s.AddedAt == nil || s.AddedAt.Text != "formatters.set(id, f);" || !strings.Contains(s.AddedAt.Script, "tiny-format") {
		t.Errorf("added at %+v", s.AddedAt)
	}
	if !strings.Contains(s.Hint, "a module variable of tiny-format") || !strings.Contains(s.Hint, "JSON.stringify(options)") || strings.Contains(s.Hint, "memoizes") {
		t.Errorf("hint %q", s.Hint)
	}
}

func TestKeyStatement(t *testing.T) {
	src := textSources{"/m.js": "function put(ctx, sql) {\n  const key = ctx.id + sql; // per call\n  if (!cache.has(key)) {\n    cache.set(key, compile(sql));\n  }\n}\n"}
	k := keyStatement(&Statement{Script: "/m.js", Line: 4, Text: "cache.set(key, compile(sql));"}, src)
	if k == nil || k.Line != 2 || !strings.Contains(k.Text, "ctx.id + sql") {
		t.Errorf("key statement %+v", k)
	}
	if k := keyStatement(&Statement{Script: "/m.js", Line: 4, Text: "cache.set(makeKey(a), v);"}, src); k != nil {
		t.Errorf("a call as key: %+v", k)
	}
	// A comparison is not an assignment.
	src["/n.js"] = "if (key == null) return;\nstore[key] = v;\n"
	if k := keyStatement(&Statement{Script: "/n.js", Line: 2, Text: "store[key] = v;"}, src); k != nil {
		t.Errorf("comparison taken for the key: %+v", k)
	}
}

// TestHeartbeatRearm: peers kept by heartbeats that re-arm themselves.
// Every new peer counts as new (each one's current Timeout is newer than
// the last snapshot and dominates it, so peers are not leak roots), and
// added at is the call that starts the timer.
func TestHeartbeatRearm(t *testing.T) {
	_, s := seriesTop(t, "heartbeat-rearm")
	if s.Pattern != PatternTimer || s.Class != "Peer" || s.NewObjects != 600 {
		t.Errorf("%s %s, %d new objects: want a timer keeping 600 new Peers", s.Pattern, s.Class, s.NewObjects)
	}
	if s.AddedAt == nil || s.AddedAt.Text != "this.timer = setTimeout(this.ping.bind(this), 20);" {
		t.Errorf("added at %+v", s.AddedAt)
	}
	// The code line is the method that starts the timer, not Peer's
	// constructor.
	if s.Location == nil || s.Location.Function != "start" {
		t.Errorf("code %+v, want start()", s.Location)
	}
}

// TestLibraryUnfinishedJobs: a library's own Set, filled and emptied by
// the library's code, grows because the program skips the call that
// empties it on its error path: added at is the program's call that adds
// (tracker.start), through the library's statement; the fix points into
// the library, at the statement that deletes, and at the program's throw
// that skips its call.
func TestLibraryUnfinishedJobs(t *testing.T) {
	_, s := seriesTop(t, "lib-unfinished-jobs")
	if s.Pattern != PatternCollection || s.Holder == nil || s.Holder.Name != "running" || s.Holder.Package != "tiny-jobs" {
		t.Fatalf("%s %s, holder %+v: want JobTracker.running of tiny-jobs", s.Pattern, s.Class, s.Holder)
	}
	// The program's call that adds, through the library's statement.
	if s.AddedAt == nil || !strings.HasPrefix(s.AddedAt.Text, "const job = tracker.start(") || s.AddedAt.Library == nil || s.AddedAt.Library.Text != "this.running.add(job);" {
		t.Errorf("added at %+v", s.AddedAt)
	}
	// And the way out of the program's function that adds and then
	// finishes that skips the finish.
	if !strings.Contains(s.Hint, "index.js:17 (this.running.delete(job))") || !strings.Contains(s.Hint, "lib-unfinished-jobs.js:13 throws without tracker.finish(job)") {
		t.Errorf("hint %q: want where entries leave it, and the throw that skips it", s.Hint)
	}
}

func TestRemovesPattern(t *testing.T) {
	for _, c := range []struct {
		h       Holder
		yes, no []string
	}{
		{Holder{Kind: "Map", Name: "sessions"}, []string{"this.sessions.delete(sid);", "sessions.clear()"}, []string{"sessions.set(k, v)", "oldsessions.delete(k)"}},
		{Holder{Kind: "Array", Name: "queue"}, []string{"queue.shift()", "this.queue.splice(i, 1)", "queue.length = 0"}, []string{"queue.push(x)", "queue.length === 0"}},
		{Holder{Kind: "dictionary", Name: "data"}, []string{"delete this.data[key];", "delete data[k]"}, []string{"this.data[key] = v"}},
	} {
		re := removesPattern(&c.h)
		for _, l := range c.yes {
			if !re.MatchString(l) {
				t.Errorf("%s: %q not found", c.h.Name, l)
			}
		}
		for _, l := range c.no {
			if re.MatchString(l) {
				t.Errorf("%s: %q found", c.h.Name, l)
			}
		}
	}
}

// TestWeakMapValuesOfPool: Maps kept as values of a WeakMap whose keys
// are a pool that lives for ever: one suspect named after the WeakMap,
// added at the Map's set, and a fix that does not suggest a WeakMap.
func TestWeakMapValuesOfPool(t *testing.T) {
	rep, _ := seriesTop(t, "weakmap-pool")
	if len(rep.Suspects) != 1 {
		t.Errorf("%d suspects, want 1 (the values of one WeakMap)", len(rep.Suspects))
	}
	s := rep.Suspects[0]
	if s.Holder == nil || s.Holder.ValueOf != "memoByWorker" {
		t.Fatalf("holder %+v: want a value of memoByWorker", s.Holder)
	}
	if s.AddedAt == nil || s.AddedAt.Text != "memo.set(requestId, out);" {
		t.Errorf("added at %+v", s.AddedAt)
	}
	if !strings.Contains(s.Hint, "a WeakMap lets a value go only with its key") || strings.Contains(s.Hint, "use a WeakMap") {
		t.Errorf("hint %q", s.Hint)
	}
}

// TestUncalledRemoval: a library's registry that the program adds to and
// whose own method that takes entries out (db.removeCollection) the
// program never calls: the fix names that method. A child taking itself
// out of its parent's set, or a private method, is not such a method.
func TestUncalledRemoval(t *testing.T) {
	_, s := seriesTop(t, "lib-docdb")
	if h := s.Hint; !strings.Contains(h, "takes entries out in its removeCollection()") || !strings.Contains(h, "nothing in the program calls db.removeCollection()") {
		t.Errorf("hint %q", h)
	}
	src := textSources{
		"/srv/node_modules/kit/index.js": "class Logger {\n  close() {\n    this._parent._children.delete(this);\n  }\n  _finish(s) {\n    this.open.delete(s);\n  }\n}\n",
		"/srv/app.js":                    "const log = new Logger();\n",
	}
	own := []string{"/srv/app.js"}
	child := &Statement{Script: "/srv/node_modules/kit/index.js", Line: 3, Text: "this._parent._children.delete(this);"}
	if h, _ := uncalledRemoval(&Holder{Kind: "Set", Name: "_children", OwnerName: "log"}, child, own, src); h != "" {
		t.Errorf("a child's own close(): %q", h)
	}
	private := &Statement{Script: "/srv/node_modules/kit/index.js", Line: 6, Text: "this.open.delete(s);"}
	if h, _ := uncalledRemoval(&Holder{Kind: "Set", Name: "open", OwnerName: "log"}, private, own, src); h != "" {
		t.Errorf("a private method no public one reaches: %q", h)
	}
	// A private method reached through the library's public one (and
	// from a listener, which does not count): the public one is named.
	src["/srv/node_modules/kit/container.js"] = "class Container {\n  add(id) {\n    const l = make();\n    l.on('close', () => this._delete(id));\n    this.loggers.set(id, l);\n  }\n  close(id) {\n    this._remove(id);\n  }\n  _remove(id) {\n    this._delete(id);\n  }\n  _delete(id) {\n    this.loggers.delete(id);\n  }\n}\n"
	del := &Statement{Script: "/srv/node_modules/kit/container.js", Line: 14, Text: "this.loggers.delete(id);"}
	h, method := uncalledRemoval(&Holder{Kind: "Map", Name: "loggers", OwnerName: "loggers"}, del, own, src)
	if method != "close" || !strings.Contains(h, "nothing in the program calls loggers.close()") {
		t.Errorf("through a public method: %q (%s)", h, method)
	}
	if c := undoCall(&Statement{Script: "/srv/app.js", Line: 2, Text: "const log = winston.loggers.add(loggerId, {"}, method); c != "winston.loggers.close(loggerId)" {
		t.Errorf("undo call %q", c)
	}
}

// TestListenerPerObject: listeners a library's object adds to a shared
// emitter when it is made (a template Environment on one loader): the fix
// is to make one, and the program's new is added at.
func TestListenerPerObject(t *testing.T) {
	_, s := seriesTop(t, "lib-env-per-call")
	if !strings.Contains(s.Hint, "each Environment (tiny-templates) adds its own listener to the emitter when it is made") ||
		!strings.Contains(s.Hint, "make one Environment at startup and reuse it") {
		t.Errorf("hint %q", s.Hint)
	}
}

// TestRegisteredOneSnapshot: the program's callbacks in a library's
// table of tables (a pub/sub's topics, each a dictionary of subscribers),
// in one snapshot: the subscribers are counted, not the topics, and the
// fix is to undo each registration, not to bound a cache.
func TestRegisteredOneSnapshot(t *testing.T) {
	s := lastSnapshotReport(t, "lib-pubsub").Suspects[0]
	if s.Class != "FeedClient" || s.Count != 1500 || s.Inside == nil || s.Inside.Count != 1500 {
		t.Errorf("%s, count %d, inside %+v: want 1,500 FeedClients in the topics' dictionaries", s.Class, s.Count, s.Inside)
	}
	if !strings.Contains(s.Hint, "is registered with a library, which keeps it in dictionary messages (tiny-pubsub)") {
		t.Errorf("hint %q", s.Hint)
	}
}

// TestRegistrationScenarios: the same programs with their sources read:
// the program's call that hands the callback over, and the fix that
// names the line to change.
func TestRegistrationScenarios(t *testing.T) {
	for _, c := range []struct {
		name    string
		pattern Pattern
		want    []string
		dont    []string
	}{
		{"lib-emit-poll", PatternEventListener,
			[]string{"lib-emit-poll.js:30 removes it (quoteBus.off(channel, onQuote)), but the ones that stay never got there", "(tiny-emit)", "emitter's off()"},
			[]string{"keep what the registering call returns"}},
		{"lib-stream-rebind", PatternEventListener,
			[]string{"removes a function it makes right there (source.offValue(this.push.bind(this)))", "the bound this.push"},
			[]string{"keep what the registering call returns"}},
		{"lib-cron-sessions", PatternTimer,
			[]string{"each CronJob (tiny-cron) runs a timer of its own", "session.autosave.stop() is called in close()", "sweep() (lib-cron-sessions.js:"},
			[]string{"check what it fails to undo"}},
		{"lib-signal-views", PatternCollection,
			[]string{"is registered with a library, which keeps it in a linked list",
				"openView() returns what undoes it as view.stop (lib-signal-views.js:25); live() (lib-signal-views.js:37) calls .stop() when done with it, but show() (lib-signal-views.js:32) never does"}, nil},
		{"lib-router", PatternCollection,
			[]string{"lib-router.js:19 registers a route each time it runs", "router (router) keeps every route"}, nil},
		{"lib-scheduled-reports", PatternCollection,
			[]string{"schedule.cancelJob(sub.jobName) is called in remove()", "unsubscribe() (lib-scheduled-reports.js:", "(tiny-schedule)"},
			[]string{"entry per distinct key"}},
		// A method that stores its effect's dispose function in a field
		// and runs again for one object, over the first (blind
		// evaluation 28); a long poll that keeps what registering
		// returns and releases it in its callback and on abort, but not
		// in the function its timeout runs.
		{"lib-effect-rewatch", PatternCollection,
			[]string{"(tiny-reactive)", "watch() (called at lib-effect-rewatch.js:35, lib-effect-rewatch.js:50) sets this.dispose = effect(…) at lib-effect-rewatch.js:28 without releasing the one already there",
				"release it first (if (this.dispose) this.dispose(), before effect(…))"},
			[]string{"keep what the registering call returns", "check what it fails to undo"}},
		{"lib-observe-poll", PatternClosure,
			[]string{"(tiny-observe)", "the timer that ends the wait (lib-observe-poll.js:40: timer = setTimeout(finish, timeoutMs)) runs finish() (lib-observe-poll.js:25), which does not", "call stop() in finish() too"},
			[]string{"returns without stop()"}},
		{"lib-undo-handlers", PatternCollection,
			[]string{"nothing calls undo.destroy(); lib-undo-handlers.js:26's entry.doc.destroy() is another object's", "call this.undo.destroy() in close() (lib-undo-handlers.js:44)"},
			[]string{"the program calls it (", "check what it fails to undo"}},
		// A library emitter that cannot take one listener out
		// (bottleneck's, blind evaluation 36): off() is no fix, one
		// listener added once is.
		{"lib-limiter-retries", PatternEventListener,
			[]string{"lib-limiter-retries.js:24 adds a listener for 'failed' to limiter at each call, and nothing can take it out", "has no off() or removeListener(), only removeAllListeners()", "add one 'failed' listener, once"},
			[]string{"limiter.off("}},
		// An ES module library's registry (node-cron 4, blind evaluation
		// 27): the function's own task is only stopped; another
		// function's task.destroy() ends another task.
		{"esm-task-registry", PatternCollection,
			[]string{"a module variable of tiny-tasks (a registry)", "esm-task-registry.mjs:14 only calls task.stop(), which leaves them held; call task.destroy() there instead"},
			[]string{"the program calls it (", "check what it fails to undo", "returns without destroy()"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, s := seriesTop(t, c.name)
			if s.Pattern != c.pattern {
				t.Errorf("pattern %s, want %s", s.Pattern, c.pattern)
			}
			checkHint(t, s.Hint, c.want, c.dont)
		})
	}
}

// checkHint fails t unless hint holds every phrase of want and none of
// dontWant.
func checkHint(t *testing.T, hint string, want, dontWant []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(hint, w) {
			t.Errorf("hint %q, want %q", hint, w)
		}
	}
	for _, d := range dontWant {
		if strings.Contains(hint, d) {
			t.Errorf("hint %q, do not want %q", hint, d)
		}
	}
}

// TestCacheSlotsAreNotEntries: lru-cache makes its arrays at the maximum,
// filled with undefined; the holder's entries are the values kept, not
// the slots, and a bound far beyond what the heap can hold stays a leak.
func TestCacheSlotsAreNotEntries(t *testing.T) {
	_, s := topSuspect(t, "lib-lru-closures", 3)
	if h := s.Holder; h == nil || int64(h.Entries) != s.Count[len(s.Count)-1] {
		t.Errorf("holder %+v, count %v: want as many entries as closures", s.Holder, s.Count)
	}
	if !strings.Contains(s.Hint, "bound it by bytes") {
		t.Errorf("hint %q", s.Hint)
	}
}

// TestPerCallCompile: the compile that hands ajv a fresh schema at each
// call is found (built in the call, or just above it); one at a module's
// top level, or behind a lookup of what was compiled, is not.
func TestPerCallCompile(t *testing.T) {
	cases := []struct {
		name, src string
		line      int // 0: none
	}{
		{"built in the call", `const ajv = require('./ajv');
const validateEnvelope = ajv.compile(envelopeSchema);
function validateSubmission(form, data) {
  const validate = ajv.compile(buildFormSchema(form));
  return validate(data);
}`, 4},
		{"built above", `class FormValidator {
  check(form, data) {
    const schema = { type: 'object', title: form.title };
    const validate = this.ajv.compile(schema);
    return validate(data);
  }
}`, 4},
		{"memoized", `function checkPolicy(tenant, payload) {
  let entry = validators.get(tenant.id);
  if (!entry || entry.revision !== tenant.revision) {
    const schema = policySchema(tenant.policy);
    entry = { revision: tenant.revision, validate: ajv.compile(schema) };
    validators.set(tenant.id, entry);
  }
  return entry.validate(payload);
}`, 0},
		{"top level", `const validate = ajv.compile({ type: 'object' });`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := perCallCompile("ajv", []string{"/app/v.js"}, textSources{"/app/v.js": c.src})
			switch {
			case c.line == 0 && st != nil:
				t.Errorf("found %+v, want none", st)
			case c.line != 0 && (st == nil || st.Line != c.line):
				t.Errorf("found %+v, want line %d", st, c.line)
			}
		})
	}
}

// TestMadeOnce: a DataLoader made at a module's top level is named; one
// made per request, inside a function, is not.
func TestMadeOnce(t *testing.T) {
	h := &Holder{Package: "dataloader", OwnerName: "shipmentLoader"}
	src := textSources{"/app/t.js": "const shipmentLoader = new DataLoader((ids) => load(ids), {\n  maxBatchSize: 100,\n});\nexport function createLoaders() {\n  const shipmentLoader = new DataLoader(load);\n  return { shipmentLoader };\n}"}
	st := madeOnce(h, []string{"/app/t.js"}, src)
	if st == nil || st.Line != 1 {
		t.Fatalf("found %+v, want line 1", st)
	}
	src["/app/t.js"] = "export function createLoaders() {\n  const shipmentLoader = new DataLoader(load);\n  return { shipmentLoader };\n}"
	if st := madeOnce(h, []string{"/app/t.js"}, src); st != nil {
		t.Errorf("made per request, yet %+v", st)
	}
}

// TestClassNames: the headline names what the program holds. A bundled
// library's class by its export or its name property, never by the
// minifier's name; the program's record ({id, hash, gzip}) rather than
// node's objects inside it; the add found in the module that exports the
// Map, though the shortest path runs through its exports.
func TestClassNames(t *testing.T) {
	for _, c := range []struct {
		name, class, added, hint string
		code                     int // the line that makes them, when checked
	}{
		{"lib-per-client", "LRUCache", "buckets.set(client, w);", "client-id.js:3 puts the client's port in the key", 0},
		{"lib-schema-memo", "SchemaObject", "cache.set(k, s);", "gives label a new value at each call", 0},
		// An object literal: made where the added variable is given it,
		// not in the listener beside it.
		{"upload-sessions", "{id, state, hash, gzip, compressed}", "sessions.set(id, session);", "marks an entry ended", 14},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, err := seriesReport(t, c.name)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Suspects) != 1 {
				t.Fatalf("%d suspects, want 1", len(rep.Suspects))
			}
			s := rep.Suspects[0]
			if s.Class != c.class || s.RootClass != c.class {
				t.Errorf("class %q, root class %q, want %q", s.Class, s.RootClass, c.class)
			}
			if s.AddedAt == nil || s.AddedAt.Text != c.added {
				t.Errorf("added at %+v, want %q", s.AddedAt, c.added)
			}
			if h := s.Holder; h == nil || len(h.Keys) == 0 || strings.Contains(s.Hint, "Module.exports") {
				t.Errorf("holder %+v: no keys, or named by the module's exports (hint %q)", h, s.Hint)
			}
			if !programLocation(s.Location) {
				t.Errorf("location %+v, want the program's code", s.Location)
			}
			if !strings.Contains(s.Hint, c.hint) {
				t.Errorf("hint %q, want %q", s.Hint, c.hint)
			}
			if c.code != 0 && s.Location.Line != c.code {
				t.Errorf("code at line %d, want %d", s.Location.Line, c.code)
			}
		})
	}
}

// TestCalledKey: a key taken from a call to the program's own function is
// made where that function returns.
func TestCalledKey(t *testing.T) {
	src := textSources{"/app/limiters.js": "function endpointKey(d) {\n  return `${d.tenant} ${d.url}`;\n}\nfunction limiter(d) {\n  const key = endpointKey(d);\n  byEndpoint.set(key, new Bottleneck());\n}"}
	k := &Statement{Script: "/app/limiters.js", Line: 5, Text: "const key = endpointKey(d);"}
	if st := calledKey(k, nil, src); st == nil || st.Line != 2 {
		t.Errorf("got %+v, want line 2", st)
	}
	k = &Statement{Script: "/app/limiters.js", Line: 5, Text: "const key = hash(d);"}
	if st := calledKey(k, nil, src); st != nil {
		t.Errorf("no such function, yet %+v", st)
	}
}

// TestOwnedLibraryTimer: the program's one new of the library object that
// makes the timed ones (new Breaker, whose Status runs the interval) is
// their code line and where they are added, not the listener the program
// puts on the Status.
func TestOwnedLibraryTimer(t *testing.T) {
	_, s := seriesTop(t, "lib-breaker-per-call")
	if s.Location == nil || s.Location.Line != 12 || s.AddedAt == nil || s.AddedAt.Line != 12 ||
		!strings.Contains(s.AddedAt.Text, "new Breaker(") {
		t.Errorf("code %+v, added at %+v, want lib-breaker-per-call.js:12 (new Breaker)", s.Location, s.AddedAt)
	}
}

// TestImportedPackageCall: the program's call into a package is found by
// the name it imports it as, and a property of that name on another
// object (req.session.destroy() beside require('express-session') as
// session) is no call into it.
func TestImportedPackageCall(t *testing.T) {
	src := textSources{"/app/server.js": `const session = require('express-session');
const Mustache = require('mustache');
const store = new session.MemoryStore();
app.post('/logout', (req, res) => {
  req.logout(() => {
    req.session.destroy(() => res.end());
  });
});
function page(req) {
  return Mustache.render(` + "`<p>${req.query.q}</p>`" + `, {});
}`}
	if st := importedPackageCall("express-session", []string{"/app/server.js"}, src); st != nil && strings.Contains(st.Text, "destroy") {
		t.Errorf("express-session: %+v, a property's call", st)
	}
	if st := importedPackageCall("mustache", []string{"/app/server.js"}, src); st == nil || st.Line != 10 || st.Column != 10 {
		t.Errorf("mustache: %+v, want server.js:10:10", st)
	}
}
