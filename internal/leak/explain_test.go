package leak

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// topSuspect analyses a scenario's series and returns its first suspect,
// logging them all.
func topSuspect(t *testing.T, name string, count int) (*Report, Suspect) {
	t.Helper()
	rep := analyzeFiles(t, series(t, name, count))
	for _, s := range rep.Suspects {
		t.Logf("#%d %s %s count=%v new=%d loc=%+v holder=%+v\n  %s\n  fix: %s", s.Rank, s.Pattern, s.Class, s.Count, s.NewObjects, s.Location, s.Holder, s.PathText, s.Hint)
	}
	if len(rep.Suspects) == 0 {
		t.Fatal("no suspect")
	}
	return rep, rep.Suspects[0]
}

// inScript: the location is a line of the scenario's own script, never
// node's code.
func inScript(l *Location, name string) bool {
	return l != nil && filepath.Base(l.Script) == name+".js" && l.Line > 0
}

// A timer leak is named after the program's object the callback keeps
// (the Timeout stays on the path), and node's timer list keyed by duration
// does not read like an array of that many elements.
func TestTimerNamesTheObjectItKeeps(t *testing.T) {
	_, s := topSuspect(t, "interval", 3)
	if s.Pattern != PatternTimer || s.Class != "Poller" || s.RootClass != "Timeout" {
		t.Errorf("suspect %s %s (root %s), want timer Poller held by Timeout", s.Pattern, s.Class, s.RootClass)
	}
	if !strings.Contains(s.PathText, "Timeout") || !strings.HasSuffix(strings.Fields(s.PathText)[len(strings.Fields(s.PathText))-2], "Poller") {
		t.Errorf("path %q, want it through the Timeout down to the Poller", s.PathText)
	}
	if strings.Contains(s.PathText, "Object[") || !strings.Contains(s.PathText, "timerListMap[3600000]") {
		t.Errorf("path %q, want the timer list as timerListMap[3600000]", s.PathText)
	}
}

// Promise.race against one never-settling promise: one suspect (the race's
// resolve/reject functions and derived promises are one leak), in the
// script, with a hint that names the race as the cause, not as the cure.
// Up to V8 13 each race's promise keeps its QueryResult, and the suspect
// is named after it; V8 14 (node 26) keeps only the settled race promises
// and their resolving functions, and the suspect says so.
func TestPromiseRaceIsOneSuspect(t *testing.T) {
	rep, s := topSuspect(t, "promise-race", 3)
	if len(rep.Suspects) != 1 {
		t.Errorf("%d suspects, want the one leak once", len(rep.Suspects))
	}
	paths := series(t, "promise-race", 3)
	g, err := loadGraph(paths[2])
	if err != nil {
		t.Fatal(err)
	}
	want := "(promise resolving function)"
	for v := range g.S.NodeCount {
		if int(g.S.NodeType[v]) == g.S.NodeTypeIndex.Object && g.S.NodeNameString(uint32(v)) == "QueryResult" {
			want = "QueryResult"
			break
		}
	}
	if s.Pattern != PatternPromise || s.Class != want {
		t.Errorf("suspect %s %s, want promise %s", s.Pattern, s.Class, want)
	}
	// 200 calls per round: one leaked call is one, not its resolve and
	// reject functions twice. The 400 calls after S1 are all new objects
	// alive in S3 (the last one may still be in flight).
	if g := s.Count[2] - s.Count[0]; g != 400 || s.NewObjects < 399 || s.NewObjects > 400 {
		t.Errorf("count %v new %d, want 200 more per round", s.Count, s.NewObjects)
	}
	if !inScript(s.Location, "promise-race") {
		t.Errorf("location %+v, want a line of promise-race.js", s.Location)
	}
	if !strings.HasSuffix(s.PathText, "@"+strconv.FormatUint(uint64(lastID(s)), 10)) ||
		(want == "QueryResult" && !strings.Contains(s.PathText, "QueryResult @")) {
		t.Errorf("path %q, want it to end at the %s", s.PathText, want)
	}
	if !strings.Contains(s.Hint, "shutdown") || strings.Contains(s.Hint, "or Promise.race") {
		t.Errorf("hint %q, want the long-lived promise named and no Promise.race as a fix", s.Hint)
	}
}

// Resolve functions queued by a semaphore and never called: the async
// calls are stuck at their await, so it is a promise leak at the async
// function, and the hint names the queue.
func TestWaitersQueueIsStuckAwait(t *testing.T) {
	_, s := topSuspect(t, "waiters-queue", 3)
	if s.Pattern != PatternPromise || s.Class != "ExportJob" {
		t.Errorf("suspect %s %s, want promise ExportJob", s.Pattern, s.Class)
	}
	if s.Location == nil || s.Location.Function != "async runExport" || !inScript(s.Location, "waiters-queue") {
		t.Errorf("location %+v, want async runExport", s.Location)
	}
	if !strings.Contains(s.Hint, "Semaphore.waiters") || !strings.Contains(s.Hint, "runExport()") {
		t.Errorf("hint %q, want the queue and the async function named", s.Hint)
	}
}

// Listeners on an AbortSignal: the emitter is the AbortSignal (V8 calls it
// EventTarget), the class the program's object (not node's Listener), every
// new listener counts (they form a linked list), the code is the listener
// (a bound method), and the hint speaks EventTarget.
func TestAbortSignalListeners(t *testing.T) {
	_, s := topSuspect(t, "abort-signal", 3)
	if s.Class != "UpstreamCall" || s.Holder == nil || s.Holder.Class != "AbortSignal" || s.Holder.Event != "abort" {
		t.Errorf("suspect %s holder %+v, want UpstreamCall on AbortSignal 'abort'", s.Class, s.Holder)
	}
	// 200 calls per round, and the first round after s1 is still alive.
	if s.NewObjects < 150 {
		t.Errorf("new objects %d, want about 200", s.NewObjects)
	}
	if s.Location == nil || s.Location.Function != "cancel" || !inScript(s.Location, "abort-signal") {
		t.Errorf("location %+v, want the bound cancel method", s.Location)
	}
	if !strings.Contains(s.Hint, "removeEventListener") || strings.Contains(s.Hint, "emitter.off") || strings.Contains(s.Hint, "once()") {
		t.Errorf("hint %q, want removeEventListener and nothing EventEmitter-only", s.Hint)
	}
}

// process.once('exit') per job: the listeners are already once(), so the
// hint says why they stay (exit fires only at exit), and the code is the
// program's listener, not node's onceWrapper or the captured class.
func TestOnceListenersForExit(t *testing.T) {
	_, s := topSuspect(t, "exit-once", 3)
	if s.Pattern != PatternEventListener || s.Class != "TempFile" || s.Holder == nil || s.Holder.Event != "exit" {
		t.Errorf("suspect %s %s holder %+v, want event-listener TempFile on 'exit'", s.Pattern, s.Class, s.Holder)
	}
	if strings.Contains(s.Hint, "register it with once()") || !strings.Contains(s.Hint, "fires only when the process ends") {
		t.Errorf("hint %q, want no once() advice and why exit listeners stay", s.Hint)
	}
	if !inScript(s.Location, "exit-once") || s.Location.Line != 19 {
		t.Errorf("location %+v, want the listener at exit-once.js:19", s.Location)
	}
}

// A Buffer's constructor is node's code: never the suspect's location.
func TestLocationIsNeverNodeInternal(t *testing.T) {
	_, s := topSuspect(t, "buffer-slices", 3)
	if s.Location != nil && strings.HasPrefix(s.Location.Script, "node:") {
		t.Errorf("location %+v is node's own code", s.Location)
	}
}

func lastID(s Suspect) uint32 {
	if len(s.RetainerPath) == 0 {
		return 0
	}
	return s.RetainerPath[len(s.RetainerPath)-1].ID
}

// Functions made by new Function and cached in a Map: one collection
// suspect (keys and values), not promise resolving functions, and located
// in the script (a function whose scope holds the Map), never at a line
// of no script.
func TestNewFunctionCache(t *testing.T) {
	rep, s := topSuspect(t, "template-cache", 3)
	if len(rep.Suspects) != 1 {
		t.Errorf("%d suspects, want the cache once", len(rep.Suspects))
	}
	if s.Pattern != PatternCollection || s.Holder == nil || s.Holder.Kind != "Map" || !strings.Contains(s.Class, "new Function") {
		t.Errorf("suspect %s %s held by %+v, want the new Function code in a Map", s.Pattern, s.Class, s.Holder)
	}
	if g := s.Count[2] - s.Count[0]; g != 600 {
		t.Errorf("count %v, want 300 more per round", s.Count)
	}
	// The Map's size is its entries (each a key and a function).
	if s.Holder != nil && int64(s.Holder.Entries) != s.Count[2] {
		t.Errorf("holder entries %d, want the Map's %d", s.Holder.Entries, s.Count[2])
	}
	if !inScript(s.Location, "template-cache") {
		t.Errorf("location %+v, want a line of template-cache.js", s.Location)
	}
}

// Fix hints that name the mechanism the heap shows: an events.on()
// iterator no one reads, a Writable that never drains.
func TestMechanismHints(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"events-on", "events.on()"},
		{"stream-backpressure", "backpressure"},
		// Spans chained by enterWith() below one pending immediate.
		{"als-chain", "storage.run(store, fn)"},
		// Functions as a Map's values: a cache of compiled code.
		{"template-cache", "a cache of compiled code"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, s := topSuspect(t, c.name, 3)
			if !strings.Contains(s.Hint, c.want) {
				t.Errorf("hint %q, want it to mention %s", s.Hint, c.want)
			}
		})
	}
}

// TestRegisteredOnParent: a registration made on a parameter that a
// caller hands the process-wide container, with a request's child beside
// it (blind set 30, svc08): that call is the fix.
func TestRegisteredOnParent(t *testing.T) {
	_, s := seriesTop(t, "registered-on-parent")
	if !strings.HasPrefix(s.Hint, "registered-on-parent.js:20 registers on target, a parameter of attachReview(), and registered-on-parent.js:30 passes it container") {
		t.Errorf("hint %q", s.Hint)
	}
}

// The path people read is the program's route: when the shortest path to
// the leak runs through node's connection-checking timer and a server's
// request listener, but a module variable of the program holds it a few
// steps up, the path starts at that variable (module NAME.js → …).
func TestPathIsTheProgramsRoute(t *testing.T) {
	for _, c := range []struct{ name, prefix, contains string }{
		{"http-sessions", "module http-sessions.js → sessions → Map → Session @", ""},
		// app itself is no context variable (no closure captures it):
		// the route goes through the server that is.
		{"bound-server", "module bound-server.js → ", "Analytics.visits → Array["},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, s := topSuspect(t, c.name, 3)
			if !strings.HasPrefix(s.PathText, c.prefix) || !strings.Contains(s.PathText, c.contains) {
				t.Errorf("path %q, want %q… through %q", s.PathText, c.prefix, c.contains)
			}
			if strings.Contains(s.PathText, "timerListMap") {
				t.Errorf("path %q runs through node's timers", s.PathText)
			}
			// JSON keeps every step, from the roots.
			if len(s.RetainerPath) < 4 || s.RetainerPath[len(s.RetainerPath)-1].ID != lastID(s) {
				t.Errorf("retainer_path %+v, want the whole route", s.RetainerPath)
			}
		})
	}
}

// Hints that name the mechanism the entries show: a table of calls whose
// promises never settled (delete and settle them on timeout), a list of
// subscribers nobody unsubscribes (unsubscribe, never "bound it"), objects
// whose FinalizationRegistry held value keeps them (a held value that does
// not refer to them).
func TestHintsForPendingCallsAndSubscribers(t *testing.T) {
	for _, c := range []struct{ name, class, want string }{
		{"pending-calls", "PendingCall", "promise that never settled (PendingCall.resolve)"},
		{"subscribers", "ClientSession", "never unsubscribed"},
		// A table of callback lists, one per event: observers.added.
		{"observer-table", "MessageFormatter", "callbacks registered in BundleStore.observers.added pile up"},
		{"finalizer-held", "StreamHandle", "the held value given to register() refers back to it (release → this)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, s := topSuspect(t, c.name, 3)
			if s.Pattern != PatternCollection || s.Class != c.class {
				t.Errorf("suspect %s %s, want unbounded-collection %s", s.Pattern, s.Class, c.class)
			}
			if !strings.Contains(s.Hint, c.want) || strings.Contains(s.Hint, "LRU") {
				t.Errorf("hint %q, want it to say %q and no LRU", s.Hint, c.want)
			}
		})
	}
}

// One snapshot of objects kept by their own FinalizationRegistry held
// value gets the same fix as the series, naming the registry's variable.
func TestFinalizerHeldValueOneSnapshot(t *testing.T) {
	paths := series(t, "finalizer-held", 3)
	g, err := loadGraph(paths[len(paths)-1])
	if err != nil {
		t.Fatal(err)
	}
	rep := AnalyzeOne(g, SingleOptions{Name: "last"})
	if len(rep.Suspects) == 0 {
		t.Fatal("no suspect")
	}
	top := rep.Suspects[0]
	t.Logf("%s %s holder=%+v\n  %s\n  fix: %s", top.Pattern, top.Class, top.Holder, top.PathText, top.Hint)
	if top.Class != "StreamHandle" || !strings.Contains(top.Hint, "registered with the FinalizationRegistry registry") ||
		!strings.Contains(top.Hint, "refers back to it (release → this)") || strings.Contains(top.Hint, "LRU") {
		t.Errorf("top suspect %s, hint %q: want StreamHandle kept by its held value", top.Class, top.Hint)
	}
}

// A held value that is an arrow over its object (registry.register(reader,
// () => reader.close())): the path ends at the arrow, the object is below
// it; series and one snapshot both say the held value keeps it.
func TestFinalizerArrow(t *testing.T) {
	_, s := seriesTop(t, "finalizer-arrow")
	if !strings.Contains(s.Hint, "the held value given to register() refers back to it (reader)") {
		t.Errorf("series: %s %s, hint %q", s.Pattern, s.Class, s.Hint)
	}
	a := lastSnapshotReport(t, "finalizer-arrow").Suspects[0]
	if a.Runtime || !strings.Contains(a.Hint, "refers back to its object (reader)") {
		t.Errorf("one snapshot: %s %s (runtime %v), hint %q", a.Pattern, a.Class, a.Runtime, a.Hint)
	}
}

// A listener that takes itself out when its answer comes, left by the
// timer that gives up: the listener is what leaks (not node's Timeout
// its scope keeps), it was added by worker.on (not the worker.off above
// it), and the hint names the timer.
func TestListenerLeftByTimeout(t *testing.T) {
	_, s := seriesTop(t, "listener-timeout")
	if s.Pattern != PatternEventListener || s.Class != "onMessage()" || s.Holder == nil || s.Holder.Event != "message" {
		t.Errorf("suspect %s %s holder %+v, want event-listener onMessage() on 'message'", s.Pattern, s.Class, s.Holder)
	}
	if s.AddedAt == nil || !strings.Contains(s.AddedAt.Text, "worker.on('message', onMessage)") {
		t.Errorf("added at %+v, want worker.on('message', onMessage)", s.AddedAt)
	}
	if !strings.Contains(s.Hint, "setTimeout") || !strings.Contains(s.Hint, "worker.off('message', onMessage)") {
		t.Errorf("hint %q, want the giving-up timer and the removal to add there", s.Hint)
	}
}

// Jobs kept until their fetch() settles, whose upstream never answers:
// the headline is never a class node makes for its own state (the TCP
// handle of each stuck connection): fetch()'s Clients (undici, which node
// bundles, is a library) or the program's jobs; and the fix gives the
// request a deadline.
func TestStuckJobsNotNamedByHandles(t *testing.T) {
	_, s := seriesTop(t, "stuck-jobs")
	if s.Class != "{order, stage}" && s.Class != "Client" {
		t.Errorf("suspect %s %s, want the program's jobs or undici's Clients", s.Pattern, s.Class)
	}
	if !strings.Contains(s.Hint, "AbortSignal.timeout") {
		t.Errorf("hint %q, want a deadline for the request", s.Hint)
	}
}

// A callback subscribed to a diagnostics_channel per batch, unsubscribed
// on success only: the fix names the way out (a throw) that leaves without the
// unsubscribe, not the generic "unregister callbacks".
func TestSubscriptionSkippedOnError(t *testing.T) {
	_, s := seriesTop(t, "channel-subscribe")
	if s.Class != "onQuery()" {
		t.Errorf("suspect %s %s, want onQuery()", s.Pattern, s.Class)
	}
	for _, want := range []string{"registers onQuery with queries.subscribe()", "takes it out (queries.unsubscribe(onQuery))", "without queries.unsubscribe(onQuery)", "finally"} {
		if !strings.Contains(s.Hint, want) {
			t.Errorf("hint %q lacks %q", s.Hint, want)
		}
	}
}

// A { once: true } listener on a long-lived AbortSignal in a wait that a
// timer ends first: the code and added-at are that listener's (not the
// look-alike that a finally removes), and the fix names the timer.
func TestOnceListenerOutrunByTimer(t *testing.T) {
	_, s := seriesTop(t, "once-outrun")
	if s.Pattern != PatternEventListener || s.Holder == nil || s.Holder.Event != "abort" {
		t.Errorf("suspect %s %s holder %+v, want event-listener on 'abort'", s.Pattern, s.Class, s.Holder)
	}
	if s.AddedAt == nil || s.AddedAt.Line != 27 {
		t.Errorf("added at %+v, want once-outrun.js:27", s.AddedAt)
	}
	for _, want := range []string{"once takes it out only if 'abort' fires", "setTimeout(resolve, 1)", "removeEventListener('abort', onDone) in that timer's callback"} {
		if !strings.Contains(s.Hint, want) {
			t.Errorf("hint %q lacks %q", s.Hint, want)
		}
	}
}
