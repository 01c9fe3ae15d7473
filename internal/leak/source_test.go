package leak

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// TestAddedAt: with the program's scripts at hand, the statement that adds
// to the leaking collection is found: the program's own Map (in the
// suspect's script and in a sibling one), a loader kept in a variable, in
// a series and in one snapshot.
func TestAddedAt(t *testing.T) {
	for _, c := range []struct {
		name, want string
		seriesOnly bool // the last snapshot alone puts node's own modules first
	}{
		{"pending-calls", "this.pending.set(c.id, c);", false},
		{"map-cache", "cache.set(key, e);", false},
		{"http-sessions", "sessions.set(id, new Session(id, req));", false},
		{"lib-loader", "all.push(accountLoader.load('a' + next++));", false},
		// A Writable's buffer: the write to the stream, by its field's name.
		{"stream-backpressure", "this.stream.write(JSON.stringify", true},
		// Reactions on one pending promise: the race against it.
		{"promise-race", "await Promise.race([query(id), shutdown]);", false},
		// A package's own module keeps the cache: the call into it.
		{"lib-views", "return views.render(layout, {", true},
		// A library's subscriber list: the call that hands it the function.
		{"named-subscriber", "const unsubscribe = store.subscribe(check);", false},
		// A library's deque: the program's push, not the deque's slot.
		{"deque-history", "runs.push(entry);", false},
		// The program's callback handed to a library: that call.
		{"lib-pubsub", "const token = PubSub.subscribe('orders.' + client.account, (topic, event) => {", false},
		{"lib-reaction", "this.disposeRate = reaction(", false},
		{"lib-docdb", "const ops = db.addCollection('ops_' + id);", true},
		// A library's object that adds its own listener when made: the
		// program's new.
		{"lib-env-per-call", "const env = new templates.Environment(loader);", true},
		// A callback handed over by its name, a bound method, a cron
		// job's options, an effect kept as a handle, a scheduler's job.
		{"lib-emit-poll", "quoteBus.on(channel, onQuote);", false},
		{"lib-stream-rebind", "source.onValue(this.push.bind(this));", false},
		{"lib-cron-sessions", "session.autosave = CronJob.from({", false},
		{"lib-signal-views", "view.stop = effect(() => {", true},
		{"lib-scheduled-reports", "schedule.scheduleJob(sub.jobName, 3600000, (fireDate) => this.run(sub, fireDate));", false},
		// A memoizer's bound wrapper: the program's call of it.
		{"lib-bound-memo", "const quote = priceBasket(req.items, ctx);", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			paths := series(t, c.name, 3)
			rep, err := Analyze(len(paths), func(i int) (*heapgraph.Graph, error) { return loadGraph(paths[i]) },
				Options{Names: paths, Sources: LocalSources()})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Suspects) == 0 {
				t.Fatal("no suspect")
			}
			checkAdded(t, rep.Suspects[0].AddedAt, c.name, c.want)
			if c.seriesOnly {
				return
			}
			g, err := loadGraph(paths[len(paths)-1])
			if err != nil {
				t.Fatal(err)
			}
			one := AnalyzeOne(g, SingleOptions{Name: "last", Sources: LocalSources()})
			if len(one.Suspects) == 0 {
				t.Fatal("no suspect in one snapshot")
			}
			checkAdded(t, one.Suspects[0].AddedAt, c.name, c.want)
			// Without sources, nothing is read.
			if a := AnalyzeOne(g, SingleOptions{Name: "last"}); len(a.Suspects) > 0 && a.Suspects[0].AddedAt != nil {
				t.Errorf("added at %+v without sources", a.Suspects[0].AddedAt)
			}
		})
	}
}

func checkAdded(t *testing.T, st *Statement, name, want string) {
	t.Helper()
	script, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "scenarios", name+".js"))
	b, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	line := 0
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, want) {
			line = i + 1
		}
	}
	if st == nil || st.Script != script || st.Line != line || !strings.Contains(st.Text, want) {
		t.Errorf("added at %+v, want %s:%d %q", st, script, line, want)
	}
}

// The pattern is specific to the holder: a Map's set, an Array's push, a
// dictionary's assignment, a package's own adding methods on the variable
// that keeps its object; nothing for names that are not identifiers.
func TestAddsPattern(t *testing.T) {
	for _, c := range []struct {
		h        Holder
		yes, not []string
	}{
		{Holder{Kind: "Map", Name: "pending"}, []string{"this.pending.set(id, c)", "pending .set (k, v)"},
			[]string{"this.pending.get(id)", "notpending.set(1)", "// pending.set(id, c)", "x(); /* pending.set(id, c) */",
				`log("pending.set(id)")`, "a = 1 // later: pending.set(id, c)", " * pending.set(id, c)"}},
		// A // inside a string (a URL) and a closed comment before the call are not comments.
		{Holder{Kind: "Map", Name: "cache"}, []string{`fetch("https://api.example.com/v1"); cache.set(url, res)`,
			"/* warm */ cache.set(k, v)", `log('it\'s //fine'); cache.set(k, v)`,
			// A template literal's substitutions are code, nested ones too.
			"log(`stored ${cache.set(k, v)}`)", "x = `a ${f({ b: `c ${d}` })} ${cache.set(k, v)}`"},
			[]string{"log(`cache.set(k, v)`)", "x = `${a} cache.set(k, v)`", "x = `${ {a: 1}.a } cache.set(k, v)`"}},
		{Holder{Kind: "Array", Name: "queue"}, []string{"queue.push(job)", "this.queue.unshift(x)"}, []string{"queue.pop()"}},
		// Filled by index, as a dictionary is.
		{Holder{Kind: "Array", Name: "records"}, []string{"records[i] = {", "this.records[this.head] = entry", "records[n] ="},
			[]string{"records[i] === x", "const r = records[i];", "records.length = 0"}},
		{Holder{Kind: "dictionary", Name: "byId"}, []string{"byId[key] = v", "this.byId[req.id]=v", "byId[key] =", "this.byId[req.id] ="}, []string{"byId[key] === v", "byId[k] => 1"}},
		{Holder{Kind: "Map", Package: "dataloader", OwnerName: "userLoader"}, []string{"await userLoader.load(id)", "userLoader.loadMany(ids)"},
			[]string{"userLoader.clearAll()"}},
	} {
		re := addsPattern(&c.h)
		if re == nil {
			t.Fatalf("%+v: no pattern", c.h)
		}
		for _, l := range c.yes {
			if loc := re.FindStringIndex(l); loc == nil || commentBefore([]byte(l), loc[0]) {
				t.Errorf("%+v: %q not found", c.h, l)
			}
		}
		for _, l := range c.not {
			if loc := re.FindStringIndex(l); loc != nil && !commentBefore([]byte(l), loc[0]) {
				t.Errorf("%+v: %q found", c.h, l)
			}
		}
	}
	for _, h := range []Holder{{Kind: "Map", Name: "a.b"}, {Kind: "Map", Name: "0"}, {Kind: "Map"},
		{Kind: "Map", Package: "some-lib", OwnerName: "x"}, {Kind: "listeners", Name: "x"}} {
		if addsPattern(&h) != nil {
			t.Errorf("%+v: a pattern, want none", h)
		}
	}
}

// LocalSources reads absolute paths and file: URLs of JavaScript or
// TypeScript files only.
func TestLocalSources(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "app.js")
	os.WriteFile(js, []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "secret.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.mjs"), []byte("x"), 0o644)
	src := LocalSources()
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(js)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path
	}
	for _, p := range []string{js, u.String()} {
		if _, ok := src.Read(p); !ok {
			t.Errorf("%s not read", p)
		}
	}
	for _, p := range []string{"app.js", filepath.Join(dir, "secret.txt"), filepath.Join(dir, "missing.js"), "node:internal/timers", dir} {
		if _, ok := src.Read(p); ok {
			t.Errorf("%s read", p)
		}
	}
	if sib := src.Siblings(js); len(sib) != 2 {
		t.Errorf("siblings %v, want app.js and b.mjs", sib)
	}
}

// One snapshot of a bounded Map of sessions whose own histories grow:
// the suspect is the Map's entries, and "inside" names the histories, with
// the statement that adds to them. Entries without such a collection
// (a Map of cache entries) have no "inside".
func TestInsideOneSnapshot(t *testing.T) {
	rep := lastSnapshotReport(t, "session-history")
	top := rep.Suspects[0]
	t.Logf("%s %s holder=%+v inside=%+v\n  fix: %s", top.Pattern, top.Class, top.Holder, top.Inside, top.Hint)
	if top.Class != "Session" || top.Inside == nil || top.Inside.Property != "history" || top.Inside.Kind != "Array" ||
		top.Inside.Class != "ChatTurn" || top.Inside.Count < 1000 {
		t.Fatalf("top suspect %s inside %+v, want Session with a history Array of ChatTurn", top.Class, top.Inside)
	}
	checkAdded(t, top.Inside.AddedAt, "session-history", "this.history.push(turn);")
	if !strings.Contains(top.Hint, "each Session keeps its own history Array") {
		t.Errorf("hint %q, want the histories named", top.Hint)
	}
	for _, name := range []string{"map-cache", "http-sessions"} {
		ps := series(t, name, 3)
		g, err := loadGraph(ps[len(ps)-1])
		if err != nil {
			t.Fatal(err)
		}
		if r := AnalyzeOne(g, SingleOptions{Name: "last"}); len(r.Suspects) > 0 && r.Suspects[0].Inside != nil {
			t.Errorf("%s: inside %+v, want none", name, r.Suspects[0].Inside)
		}
	}
}

// One snapshot of a scheduler whose entries array keeps every retry: the
// entries are the suspect.
func TestRetryListOneSnapshot(t *testing.T) {
	rep := lastSnapshotReport(t, "retry-list")
	top := rep.Suspects[0]
	if top.Pattern != PatternCollection || top.Class != "RetryEntry" || top.Holder == nil || top.Holder.Name != "entries" {
		t.Errorf("top suspect %s %s holder %+v, want the RetryEntry entries", top.Pattern, top.Class, top.Holder)
	}
	checkAdded(t, top.AddedAt, "retry-list", "this.entries.push(new RetryEntry(Date.now() + delay, callback));")
}

// deeperFirst: a suspect whose top object is on another's path, the other
// holding nearly the same bytes (a scheduler kept by node's timer list, and
// the entries inside it), gives its place to the deeper one; one holding
// much less, or off the path, does not.
func TestDeeperFirst(t *testing.T) {
	path := func(ids ...uint32) []PathStep {
		var p []PathStep
		for _, id := range ids {
			p = append(p, PathStep{ID: id})
		}
		return p
	}
	timer := Accumulation{Class: "Scheduler", RetainedSize: 1000, RetainerPath: path(1, 2, 7)}
	entries := Accumulation{Class: "RetryEntry", RetainedSize: 950, RetainerPath: path(1, 2, 7, 8, 9)}
	other := Accumulation{Class: "Other", RetainedSize: 990, RetainerPath: path(1, 3, 4)}
	small := Accumulation{Class: "Small", RetainedSize: 500, RetainerPath: path(1, 2, 7, 10)}
	got := deeperFirst([]Accumulation{timer, other, entries})
	if len(got) != 2 || got[0].Class != "RetryEntry" || got[1].Class != "Other" {
		t.Errorf("got %v, want RetryEntry in the scheduler's place, then Other", classesOf(got))
	}
	got = deeperFirst([]Accumulation{timer, small})
	if len(got) != 2 || got[0].Class != "Scheduler" {
		t.Errorf("got %v, want both, Scheduler first", classesOf(got))
	}
}

func classesOf(as []Accumulation) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Class)
	}
	return out
}

// lastSnapshotReport is the one-snapshot analysis of the last snapshot of
// the scenario's series, reading its scripts.
func lastSnapshotReport(t *testing.T, name string) *SingleReport {
	t.Helper()
	paths := series(t, name, 3)
	g, err := loadGraph(paths[len(paths)-1])
	if err != nil {
		t.Fatal(err)
	}
	rep := AnalyzeOne(g, SingleOptions{Name: "last", Sources: LocalSources()})
	if len(rep.Suspects) == 0 {
		t.Fatal("no suspect")
	}
	return rep
}

func TestTimerPattern(t *testing.T) {
	step := func(name string) []PathStep {
		return []PathStep{{Edge: "_idleNext", Type: "object"}, {Edge: "_onTimeout", Type: "closure", Name: name}, {Edge: "bound_this", Type: "object"}}
	}
	for _, c := range []struct {
		name, line string
		want       bool
	}{
		{"bound _beat", "this._hb = setTimeout(this._beat.bind(this), 50);", true},
		{"bound _beat", "setTimeout(this._other.bind(this), 50);", false},
		{"native_bind", "this.t = setInterval(this.poll.bind(this), 1000);", true},
		{"poll", "this.t = setInterval(this.poll, 1000);", true},
		{"poll", "setInterval(poll, 1000)", true},
		{"poll", "setInterval(pollAll, 1000)", false},
		{"", "setInterval(() => this.poll(), 1000)", false},
	} {
		re := timerPattern(step(c.name))
		if got := re != nil && re.MatchString(c.line); got != c.want {
			t.Errorf("%q on %q: %v, want %v", c.name, c.line, got, c.want)
		}
	}
	if timerPattern([]PathStep{{Edge: "handler", Type: "closure", Name: "poll"}}) != nil {
		t.Error("a path through no timer")
	}
}

// checkEnclosing checks the function enclosingFunction finds per line.
func checkEnclosing(t *testing.T, src Sources, script string, want map[int]string) {
	t.Helper()
	for line, w := range want {
		got := enclosingFunction(&Statement{Script: script, Line: line}, src)
		name := ""
		if got != nil {
			name = got.Function
		}
		if name != w {
			t.Errorf("line %d: %q (%+v), want %q", line, name, got, w)
		}
	}
}

func TestPipePattern(t *testing.T) {
	h := &Holder{Kind: "listeners", Class: "Writable", ID: 7, Event: "close", OtherEvents: []EventListeners{{Event: "unpipe", Listeners: 250}}}
	path := []PathStep{{Edge: "", Type: "synthetic"}, {Edge: "auditSink", EdgeType: "context", Class: "Writable", ID: 7}, {Edge: "_events", EdgeType: "property"}}
	re := pipePattern(h, path)
	if re == nil || !re.MatchString("reqLog.pipe(auditSink, { end: false });") || re.MatchString("reqLog.pipe(auditSinks)") {
		t.Errorf("pattern %v", re)
	}
	// Listeners that are not a pipe's: no pattern.
	if pipePattern(&Holder{Kind: "listeners", ID: 7, Event: "data"}, path) != nil {
		t.Error("a pattern for listeners that are no pipe's")
	}
}

// TestCalledDisposer: a disposal method the program already calls is not
// the fix; what it fails to undo is.
func TestCalledDisposer(t *testing.T) {
	hint := "listeners pile up" + disposerHint("Subscription", "stop")
	src := textSources{"/a/app.js": "for (const s of subs) s.stop();\n", "/b/other.js": "sub.start();\n"}
	got := calledDisposer(hint, []string{"/a/app.js"}, src)
	if !strings.Contains(got, "the program calls it (/a/app.js:1: for (const s of subs) s.stop())") || strings.Contains(got, "call it on each one") {
		t.Errorf("called: %q", got)
	}
	if got := calledDisposer(hint, []string{"/b/other.js"}, src); got != hint {
		t.Errorf("not called, hint changed: %q", got)
	}
	// A method that only sets state lets nothing go: no advice to call it.
	// One that clears or removes something keeps it.
	job := "listeners pile up" + disposerHint("JobContext", "cancel")
	states := textSources{"/c/job.js": `class JobContext {
  cancel(reason) {
    if (this.status === 'running') {
      this.status = 'cancelled';
    }
  }
}
`, "/d/job.js": `class JobContext {
  cancel(reason) {
    this.status = 'cancelled';
    clearTimeout(this.timer);
  }
}
`}
	if got := calledDisposer(job, []string{"/c/job.js"}, states); got != "listeners pile up" {
		t.Errorf("cancel() that only sets state: %q", got)
	}
	if got := calledDisposer(job, []string{"/d/job.js"}, states); got != job {
		t.Errorf("cancel() that clears a timer: %q", got)
	}
}

// TestProgramCall: a library's own push fills its collection; the line to
// change is the program's call of that method made inside a function, the
// most deeply nested one, not a call at the module's top level.
func TestProgramCall(t *testing.T) {
	src := textSources{
		"/app/node_modules/tiny-router/index.js": `class App {
  constructor() { this.stack = []; }
  use(path, fn) {
    this.stack.push(new Layer(null, path, fn));
  }
  get(path, fn) {
    this.stack.push(new Layer('GET', path, fn));
  }
}
`,
		"/app/server.js": `const app = createApp();
app.use(function logger(req, res, next) { next(); });
function setup() {
  app.get('/health', ok);
}
app.get('/r/:id', async (req, res) => {
  if (req.query.audit) {
    app.use('/r', audit(req)); // per request
  }
});
`}
	h := &Holder{Kind: "Array", Name: "stack", Owner: "App", OwnerName: "app", Package: "tiny-router", libScript: "/app/node_modules/tiny-router/index.js"}
	st := addedAt(h, "Layer", nil, []string{"/app/server.js"}, src)
	if st == nil || st.Script != "/app/server.js" || st.Line != 8 || st.Others != 1 {
		t.Fatalf("added at %+v, want server.js:8 and 1 more", st)
	}
	if st.Library == nil || st.Library.Line != 4 || st.Library.Others != 1 {
		t.Errorf("through %+v, want index.js:4 and 1 more", st.Library)
	}
	if c := callHint(h, st, true); !strings.Contains(c, "each call of app.use adds an entry for good") || !strings.Contains(c, "server.js:8 calls it inside a function") {
		t.Errorf("hint %q", c)
	}
	// Only top-level calls: they run once; the library's line stays.
	src["/app/server.js"] = "const app = createApp();\napp.use(logger);\napp.get('/r', handler);\n"
	if st := addedAt(h, "Layer", nil, []string{"/app/server.js"}, src); st == nil || st.Script == "/app/server.js" || st.Library != nil {
		t.Errorf("top-level calls only: %+v, want the library's statement", st)
	}
}

// TestRoomIndex: clients go into a hub's members and into one Set per
// room; leave() takes them out of the members only. The fix names that
// line, in a series and in one snapshot (where the Map's entries are the
// room Sets, and the count is the clients in them).
func TestRoomIndex(t *testing.T) {
	rep, _ := seriesTop(t, "room-index")
	want := "what join adds to inRoom (one of the values of this.rooms, line 32) also goes into this.members (line 26), and leaves only that one, at room-index.js:36 in leave() (this.members.delete(client)): take it out of inRoom in this.rooms there too"
	if s := rep.Suspects[0]; s.Class != "Client" || !strings.Contains(s.Hint, want) {
		t.Errorf("series: %s %s, hint %q: want %q", s.Pattern, s.Class, s.Hint, want)
	}
	one := lastSnapshotReport(t, "room-index")
	a := one.Suspects[0]
	if a.Class != "Client" || a.Inside == nil || a.Inside.Property != "" || a.Inside.Kind != "Set" || a.Count != a.Inside.Count || a.Count < 1800 {
		t.Fatalf("one snapshot: %s count %d, inside %+v: want the Clients in the room Sets", a.Class, a.Count, a.Inside)
	}
	if !strings.Contains(a.Hint, "holds 40 Sets") || !strings.Contains(a.Hint, want) {
		t.Errorf("one snapshot: hint %q", a.Hint)
	}
	checkAdded(t, a.Inside.AddedAt, "room-index", "inRoom.add(client);")
}

// TestReboundOff: listeners removed with a second .bind() stay; the fix
// names the removing line, and added at is the .on it fails to undo.
func TestReboundOff(t *testing.T) {
	_, s := seriesTop(t, "rebound-off")
	if s.Pattern != PatternEventListener || !strings.Contains(s.Hint, "rebound-off.js:23 removes a function it makes right there (feed.off('price', this.onPrice.bind(this)))") ||
		!strings.Contains(s.Hint, "the bound this.onPrice") {
		t.Errorf("%s %s, hint %q", s.Pattern, s.Class, s.Hint)
	}
	checkAdded(t, s.AddedAt, "rebound-off", "feed.on('price', this.onPrice.bind(this));")
}

func TestFreshRemovalRe(t *testing.T) {
	for _, c := range []struct {
		line string
		want bool
	}{
		{"bus.removeListener('x', this.f.bind(this));", true},
		{"el.removeEventListener('click', () => this.close());", true},
		{"emitter.off(ev, async (m) => handle(m))", true},
		{"emitter.off(ev, function (m) { })", true},
		{"bus.removeListener('x', this.boundF);", false},
		{"bus.off('x', handler)", false},
	} {
		if got := freshRemovalRe.MatchString(c.line); got != c.want {
			t.Errorf("%s: %v, want %v", c.line, got, c.want)
		}
	}
}

// An LRU's get re-inserts an entry (delete, then set) to refresh it: its
// calls do not add; set's do, after an upsert's conditional delete.
func TestProgramCallLRU(t *testing.T) {
	src := textSources{
		"/app/node_modules/kit/index.js": `class LRU {
  get(k) {
    const v = this.map.get(k);
    this.map.delete(k); this.map.set(k, v);
    return v;
  }
  set(k, v) {
    if (this.map.has(k)) this.map.delete(k);
    this.map.set(k, v);
  }
}
`,
		"/app/main.js": `const products = new LRU(100);
function getProduct(id) {
  let p = products.get(id);
  if (!p) {
    p = load(id);
  }
  products.set(id, p);
  return p;
}
`}
	h := &Holder{Kind: "Map", Name: "map", Owner: "LRU", OwnerName: "products", Package: "kit", libScript: "/app/node_modules/kit/index.js"}
	st := addedAt(h, "Product", nil, []string{"/app/main.js"}, src)
	if st == nil || st.Line != 7 || st.Others != 0 || st.Library == nil || st.Library.Line != 9 {
		t.Fatalf("added at %+v, want main.js:7 through index.js:9", st)
	}
}

// TestTimerClear: the statement that starts an inline arrow's timer, and
// the fix when nothing clears its handle, or it keeps none.
func TestTimerClear(t *testing.T) {
	src := textSources{"/srv/ws.js": `wss.on('connection', (ws) => {
  const heartbeat = setInterval(() => {
    ws.ping();
  }, 30000);
  setTimeout(() => ws.close(), 60000);
  const idle = setTimeout(() => ws.terminate(), 90000);
  ws.on('close', () => clearTimeout(idle));
});
`}
	st := timerStartedAt(&Location{Script: "/srv/ws.js", Line: 2, Column: 33}, src)
	if st == nil || st.Line != 2 || st.Text != "const heartbeat = setInterval(() => {" {
		t.Fatalf("started at %+v", st)
	}
	if h, _ := clearHint(st, nil, src); !strings.HasPrefix(h, "nothing calls clearInterval(heartbeat) for the handle kept at ws.js:2") {
		t.Errorf("hint %q", h)
	}
	if h, _ := clearHint(&Statement{Script: "/srv/ws.js", Line: 5, Text: "setTimeout(() => ws.close(), 60000);"}, nil, src); !strings.HasPrefix(h, "the setTimeout started at ws.js:5 keeps no handle") {
		t.Errorf("no handle: %q", h)
	}
	if h, _ := clearHint(&Statement{Script: "/srv/ws.js", Line: 6, Text: "const idle = setTimeout(() => ws.terminate(), 90000);"}, nil, src); h != "" {
		t.Errorf("cleared somewhere: %q", h)
	}
	// Cleared in one method of the class, not in another that also ends
	// the object: that one is named.
	src["/srv/upload.js"] = `class Upload {
  constructor(id) {
    this.id = id;
    this.heartbeat = setInterval(() => this.check(), 30000);
    uploads.set(id, this);
  }

  finish(result) {
    this.state = 'done';
    uploads.delete(this.id);
  }

  abort() {
    clearInterval(this.heartbeat);
    this.state = 'aborted';
    uploads.delete(this.id);
  }

  check() {
    if (this.state === 'open') this.ping();
  }
}
`
	h, endings := clearHint(&Statement{Script: "/srv/upload.js", Line: 4, Text: "this.heartbeat = setInterval(() => this.check(), 30000);"}, nil, src)
	if !endings || !strings.HasPrefix(h, "clearInterval(this.heartbeat) is called in abort() (upload.js:14) only; finish() (upload.js:8) also ends the object without it") {
		t.Errorf("endings %v, hint %q", endings, h)
	}
	// The callback must come after the call: not a timer started before it.
	if st := timerStartedAt(&Location{Script: "/srv/ws.js", Line: 2, Column: 3}, src); st != nil {
		t.Errorf("callback before the call: %+v", st)
	}
}

// TestUndoOnError: callbacks pushed onto an array that only an error
// path drains: a closure suspect with the array as holder, its push as
// added at, and where the callbacks leave it in the fix.
func TestUndoOnError(t *testing.T) {
	_, s := seriesTop(t, "undo-on-error")
	if s.Pattern != PatternClosure || s.Holder == nil || s.Holder.Name != "undo" || s.Holder.Kind != "Array" {
		t.Fatalf("%s %s, holder %+v: want closures in the Array undo", s.Pattern, s.Class, s.Holder)
	}
	checkAdded(t, s.AddedAt, "undo-on-error", "undo.push(() => {")
	if !strings.Contains(s.Hint, "entries leave it at") || !strings.Contains(s.Hint, "undo.pop()") {
		t.Errorf("hint %q", s.Hint)
	}
}

// TestPendingCallsOneSnapshot: one snapshot of a Map of calls whose
// promises wait: the fix is a deadline, not an LRU.
func TestPendingCallsOneSnapshot(t *testing.T) {
	a := lastSnapshotReport(t, "pending-calls").Suspects[0]
	if !strings.Contains(a.Hint, "a promise that has not settled (PendingCall.resolve)") || !strings.Contains(a.Hint, "give every call a deadline") || strings.Contains(a.Hint, "LRU") {
		t.Errorf("%s %s: hint %q", a.Pattern, a.Class, a.Hint)
	}
}

// A library's lists kept under a computed key (this.hooks[name].push(fn)
// fills hooks.onResponse): the program's addHook call in a handler.
func TestProgramCallComputedKey(t *testing.T) {
	src := textSources{
		"/app/node_modules/gw/index.js": "class Gateway {\n  addHook(name, fn) {\n    this.hooks[name].push(fn);\n  }\n}\n",
		"/app/main.mjs":                 "gw.addHook('onRequest', auth);\ngw.post('/q', async (request) => {\n  gw.addHook('onResponse', async () => request.id);\n});\n",
	}
	h := &Holder{Kind: "Array", Name: "hooks.onResponse", Owner: "Gateway", OwnerName: "gw", Package: "gw", libScript: "/app/node_modules/gw/index.js"}
	st := addedAt(h, "", nil, []string{"/app/main.mjs"}, src)
	if st == nil || st.Line != 3 || st.Library == nil || st.Library.Line != 3 {
		t.Fatalf("added at %+v, want main.mjs:3 through index.js:3", st)
	}
}

// A package's module cache is added to by calling the package: the call a
// request makes (a method), not the setup call in a constructor however
// deeply nested, and found under the name the source imports when a
// bundler renamed the variable (esbuild's Hogan2).
func TestPackageCallInHandler(t *testing.T) {
	src := textSources{"/app/engine.js": `'use strict';
const Hogan = require('hogan.js');

class TemplateEngine {
  constructor(locales) {
    for (const [name, def] of Object.entries(BODIES)) {
      for (const locale of locales) {
        this.compiled.set(name + locale, Hogan.compile(def.subject[locale]));
      }
    }
  }

  renderEmail(name, view) {
    const html = Hogan.compile(LAYOUT + view.footer).render(view);
    return html;
  }
}
`}
	for _, name := range []string{"Hogan", "Hogan2", "Hogan$1"} {
		path := []PathStep{{Edge: "TemplateEngine", EdgeType: "context"}, {Edge: name, EdgeType: "context"}, {Edge: "cache", EdgeType: "property"}}
		st := addedAt(nil, "", path, []string{"/app/engine.js"}, src)
		if st == nil || st.Line != 14 || st.Others != 1 {
			t.Errorf("%s: added at %+v, want line 14 (renderEmail), one other", name, st)
		}
	}
	if got := bundledNames("Hogan2"); len(got) != 2 || got[1] != "Hogan" {
		t.Errorf("bundledNames(Hogan2) = %q", got)
	}
}

// A listener that calls the disposal method runs when its event fires:
// that call is not the program disposing of its objects.
func TestDisposerCalledInListener(t *testing.T) {
	hint := "listeners pile up" + disposerHint("TranscodeTask", "abort")
	src := textSources{"/s/uploads.js": `function handleUpload(ctx, task) {
  const onShutdown = () => task.abort(ctx.shutdown.reason);
  ctx.shutdown.addEventListener('abort', onShutdown);
}
`}
	added := &Statement{Script: "/s/uploads.js", Line: 3, Text: "ctx.shutdown.addEventListener('abort', onShutdown);"}
	loc := &Location{Function: "onShutdown", Script: "/s/uploads.js", Line: 2, Column: 22}
	if got := calledDisposerBut(hint, []string{"/s/uploads.js"}, src, added, loc, nil); got != hint {
		t.Errorf("the listener's own call counted: %q", got)
	}
	if got := calledDisposerBut(hint, []string{"/s/uploads.js"}, src, added, nil, nil); !strings.Contains(got, "the program calls it") {
		t.Errorf("without the listener, its call counts: %q", got)
	}
}

// A Subject's subscribers are added by subscribe(), its buffer by next().
func TestRxjsAddsPattern(t *testing.T) {
	subs := addsPattern(&Holder{Kind: "Array", Name: "currentObservers", Owner: "Subject", OwnerName: "samples$", Package: "rxjs"})
	if subs == nil || !subs.MatchString("this.samples$.subscribe({") || subs.MatchString("this.samples$.next(sample);") {
		t.Errorf("observers: %v", subs)
	}
	buf := addsPattern(&Holder{Kind: "Array", Name: "_buffer", Owner: "ReplaySubject", OwnerName: "points$", Package: "rxjs"})
	if buf == nil || !buf.MatchString("points$.next(p)") {
		t.Errorf("buffer: %v", buf)
	}
}

// TestHandlerRegistration: a route or middleware registered inside a
// route's handler, on a router reached through no variable; not one at the
// top level, nor in a builder function, nor a Map's get in a handler.
func TestHandlerRegistration(t *testing.T) {
	src := textSources{
		"/app/tenants.js": "function buildRouter(cfg) {\n  const r = express.Router();\n  r.use(audit(cfg));\n  return r;\n}",
		"/app/admin.js":   "app.use(express.json());\napp.put('/tenants/:id', (req, res) => {\n  const cfg = configs.get(req.params.id);\n  if (cfg.audit) {\n    getRouter(cfg.id).use(audit(cfg));\n  }\n  res.json(cfg);\n});",
	}
	st := handlerRegistration([]string{"/app/tenants.js", "/app/admin.js"}, src)
	if st == nil || st.Script != "/app/admin.js" || st.Line != 5 {
		t.Errorf("got %+v, want admin.js:5", st)
	}
	delete(src, "/app/admin.js")
	if st := handlerRegistration([]string{"/app/tenants.js"}, src); st != nil {
		t.Errorf("a builder's registration: %+v", st)
	}
}

// TestValueAddsThroughAccessor: the Arrays kept as a WeakMap's values are
// filled through a get-or-create function (spansFor) that returns them:
// the call that pushes to what it returns is where entries are added.
func TestValueAddsThroughAccessor(t *testing.T) {
	src := textSources{"/app/timing.mjs": `const spansByOperation = new WeakMap();

function spansFor(operation) {
  let spans = spansByOperation.get(operation);
  if (!spans) {
    spans = [];
    spansByOperation.set(operation, spans);
  }
  return spans;
}

export function wrap(resolve) {
  return async (source, args, context, info) => {
    try {
      return await resolve(source, args, context, info);
    } finally {
      spansFor(info.operation).push(new FieldSpan(info.path.key));
    }
  };
}`}
	h := &Holder{Kind: "Array", ValueOf: "spansByOperation"}
	st := valueAdds(h, []string{"/app/timing.mjs"}, src)
	if st == nil || st.Line != 17 {
		t.Fatalf("added at %+v: want timing.mjs:17", st)
	}
	// A function that takes the value and returns something else is
	// no accessor.
	other := textSources{"/app/timing.mjs": strings.Replace(src["/app/timing.mjs"], "  return spans;\n", "  return spans.length;\n", 1)}
	if st := valueAdds(h, []string{"/app/timing.mjs"}, other); st != nil {
		t.Errorf("returns a count: %+v", st)
	}
}
