package leak

import (
	"path"
	"strings"
	"testing"
)

// textSources serves scripts from memory: file name → text, all in one
// folder.
type textSources map[string]string

func (m textSources) Read(script string) ([]byte, bool) {
	t, ok := m[script]
	return []byte(t), ok
}

func (m textSources) Siblings(script string) []string {
	var out []string
	for k := range m {
		if k != script && path.Dir(k) == path.Dir(script) {
			out = append(out, k)
		}
	}
	return out
}

func TestTrimOf(t *testing.T) {
	for _, c := range []struct {
		name, kind, prop, owner, src, config string
		line                                 int // 0: no trim
		bound                                string
		limit                                int
	}{
		{name: "literal", kind: "Array", prop: "recent",
			src:  "function add(x) {\n  recent.push(x);\n  if (recent.length > 500) recent.shift();\n}",
			line: 3, bound: "500", limit: 500},
		{name: "const", kind: "Array", prop: "items",
			src:  "const MAX_ITEMS = 1_000;\nclass Q {\n  add(x) {\n    this.items.push(x);\n    while (this.items.length >= MAX_ITEMS) this.items.shift();\n  }\n}",
			line: 5, bound: "MAX_ITEMS", limit: 1000},
		{name: "default parameter", kind: "Array", prop: "history",
			src:  "class T {\n  constructor(windowSize = 300) { this.windowSize = windowSize; this.history = []; }\n  roll() {\n    this.history.push(1);\n    if (this.history.length > this.windowSize) this.history.splice(0, 1);\n  }\n}",
			line: 5, bound: "this.windowSize", limit: 300},
		{name: "map eviction over lines", kind: "Map", prop: "cache",
			src:  "const cache = new Map();\nconst LIMIT = opts.limit ?? 2000;\nfunction put(k, v) {\n  if (cache.size >= LIMIT) {\n    const oldest = cache.keys().next().value;\n    cache.delete(oldest);\n  }\n  cache.set(k, v);\n}",
			line: 4, bound: "LIMIT", limit: 2000},
		{name: "reversed comparison", kind: "Set", prop: "seen",
			src:  "const CAP = 64;\nfunction mark(id) {\n  if (CAP < seen.size) seen.clear();\n  seen.add(id);\n}",
			line: 3, bound: "CAP", limit: 64},
		{name: "option in another script", kind: "Array", prop: "buf",
			src:    "class B {\n  constructor(o) { this.limit = o.maxBuffered; this.buf = []; }\n  add(x) { this.buf.push(x); if (this.buf.length > this.limit) this.buf = this.buf.slice(-this.limit); }\n}",
			config: "module.exports = {\n  maxBuffered: 250,\n};", owner: "B",
			line: 3, bound: "this.limit", limit: 250},
		{name: "added to only below a capacity (a ring buffer)", kind: "Array", prop: "items", owner: "RingBuffer",
			src:  "class RingBuffer {\n  constructor(capacity = 120) { this.capacity = capacity; this.items = []; }\n  push(x) {\n    if (this.items.length < this.capacity) this.items.push(x);\n    else this.items[this.head++ % this.capacity] = x;\n  }\n}",
			line: 4, bound: "this.capacity", limit: 120},
		{name: "dictionary", kind: "dictionary", prop: "byId",
			src:  "const byId = {};\nfunction put(id, v) {\n  byId[id] = v;\n  if (Object.keys(byId).length > 100) delete byId[Object.keys(byId)[0]];\n}",
			line: 4, bound: "100", limit: 100},
		{name: "bound from the environment", kind: "Array", prop: "log",
			src:  "const KEEP = Number(process.env.KEEP);\nfunction add(x) { log.push(x); if (log.length > KEEP) log.shift(); }",
			line: 2, bound: "KEEP", limit: -1},
		{name: "a constant of this module, not of another", kind: "Array", prop: "recent",
			src:    "const MAX = 100;\nfunction add(x) { recent.push(x); if (recent.length > MAX) recent.shift(); }",
			config: "const MAX = 100000;",
			line:   2, bound: "MAX", limit: 100},
		{name: "a variable trimmed in another module", kind: "Map", prop: "cache",
			src:    "const cache = new Map();\nfunction put(k, v) { cache.set(k, v); }",
			config: "const cache = new Map();\nfunction put(k, v) { cache.set(k, v); if (cache.size > 10) cache.clear(); }"},
		{name: "only the owner's class", kind: "Map", prop: "entries", owner: "Directory",
			src: "class Cache {\n  constructor(max) { this.max = max; this.entries = new Map(); }\n  set(k, v) {\n    this.entries.set(k, v);\n    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value);\n  }\n}\nclass Directory {\n  constructor() { this.entries = new Map(); }\n  load(k, v) { this.entries.set(k, v); }\n}"},
		{name: "another class trims the owner's field", kind: "Array", prop: "recent", owner: "Account",
			src:  "class Account {\n  constructor() { this.recent = []; }\n}\nclass Ledger {\n  post(acct, p) {\n    acct.recent.push(p);\n    if (acct.recent.length > 12) acct.recent.shift();\n  }\n}",
			line: 7, bound: "12", limit: 12},
		{name: "a constructor's argument", kind: "Map", prop: "entries", owner: "Cache",
			src:  "class Cache {\n  constructor(maxEntries, ttlMs) { this.maxEntries = maxEntries; this.entries = new Map(); }\n  set(k, v) {\n    this.entries.set(k, v);\n    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value);\n  }\n}\nconst quotes = new Cache(5000, 60000);",
			line: 5, bound: "this.maxEntries", limit: 5000},
		{name: "a test without removal", kind: "Array", prop: "queue",
			src: "function add(x) {\n  queue.push(x);\n  if (queue.length > 100) console.warn('queue is long');\n}"},
		{name: "in a comment", kind: "Array", prop: "queue",
			src: "function add(x) {\n  queue.push(x);\n  // if (queue.length > 100) queue.shift();\n}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := textSources{"/app/src/main.js": c.src}
			if c.config != "" {
				src["/app/src/other.js"] = c.config
			}
			tr := trimOf(&Holder{Kind: c.kind, Name: c.prop, Owner: c.owner}, nil, []string{"/app/src/main.js"}, src)
			if c.line == 0 {
				if tr != nil {
					t.Fatalf("trim %+v, want none", tr)
				}
				return
			}
			if tr == nil {
				t.Fatal("no trim found")
			}
			if tr.At.Line != c.line || tr.Bound != c.bound || tr.Limit != c.limit {
				t.Errorf("trim at line %d bound %q = %d, want line %d bound %q = %d", tr.At.Line, tr.Bound, tr.Limit, c.line, c.bound, c.limit)
			}
		})
	}
}

func TestSieveBounded(t *testing.T) {
	src := textSources{"/app/trail.js": "class Trail {\n  constructor(max = 400) { this.max = max; this.entries = []; }\n  add(e) {\n    this.entries.push(e);\n    if (this.entries.length > this.max) this.entries.shift();\n  }\n}"}
	mk := func(count int64, entries int) Suspect {
		return Suspect{Count: []int64{count / 3, count / 2, count}, Holder: &Holder{Kind: "Array", Name: "entries", Owner: "Trail", Entries: entries},
			scripts: []string{"/app/trail.js"}, Evidence: "grew"}
	}
	kept, notes := sieveBounded([]Suspect{mk(300, 300)}, src, nil, 0, nil, nil)
	if len(kept) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "Array Trail.entries grew") || !strings.Contains(notes[0], "this.max (400)") {
		t.Errorf("filling buffer: kept %v, notes %q", kept, notes)
	}
	kept, notes = sieveBounded([]Suspect{mk(900, 900)}, src, nil, 0, nil, nil)
	if len(kept) != 1 || len(notes) != 0 || !strings.Contains(kept[0].Evidence, "that bound does not hold") || !strings.Contains(kept[0].Hint, "never brought it back to 400") {
		t.Errorf("bound outgrown: kept %+v, notes %q", kept, notes)
	}
	// Many collections, each within its bound: still a suspect.
	kept, notes = sieveBounded([]Suspect{mk(9000, 12)}, src, nil, 0, nil, nil)
	if len(kept) != 1 || len(notes) != 0 || !strings.Contains(kept[0].Evidence, "trims each Array") {
		t.Errorf("group of collections: kept %+v, notes %q", kept, notes)
	}
	// Without sources nothing changes.
	if kept, notes = sieveBounded([]Suspect{mk(300, 300)}, nil, nil, 0, nil, nil); len(kept) != 1 || len(notes) != 0 {
		t.Errorf("no sources: kept %v, notes %q", kept, notes)
	}
}

// TestBoundedScenarios: a history still filling toward the bound its class
// trims it at, a library cache toward its maximum, a pool toward its cap
// and a Map toward the fixed set of keys it is keyed by are notes, not
// suspects; a list whose trim never runs for what fills it stays a
// suspect, and its evidence and fix say why.
func TestBoundedScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	for _, c := range []struct {
		name, note string
		bounded    int // notes of bounded collections; 0: at least one
	}{
		{"ok-capped-history", "trims it past this.window (400)", 0},
		// A library cache created with a maximum, still filling: the
		// same heap as lib-lru.js's cache without one, a leak.
		{"ok-lib-cache-max", "cache of the lru-cache package, created at", 1},
		// A memoizer library's cache with a maximum: named after the
		// function the program keeps the wrapper as.
		{"ok-memo-max", "Pricing.priceFor.cache grew", 0},
		// Ring buffers, one per tenant of a fixed set, each filling
		// toward a capacity read from a setting with a default.
		{"ok-tenant-rings", "adds to each Array only below this.capacity (300), and there are 50 of them in every snapshot", 0},
		// A pool that makes workers only below its maximum.
		{"ok-pool-filling", "creates RenderWorker only below this.max (60); there are 50", 1},
		// A Map keyed by the accounts of a directory loaded at start.
		{"ok-keyed-by-accounts", "its keys are among the 1,500 keys of Map directory, which did not grow", 1},
		// An LRU kept in parallel arrays made at their full length.
		{"ok-prefilled-lru", "fills an Array made at its full length of 3,000 elements", 0},
		// Feeds per account trimmed at a value the script reads from
		// config/ok-config-cap.yaml.
		{"ok-config-cap", "trims each Array past this.maxItems (80), and there are 40 of them", 1},
		// A library's deque trimmed through its own length and shift():
		// its entries, not its array's slots (8,192), against the bound.
		{"ok-deque-history", "Deque runs grew (4,500 → 6,000 → 7,500 objects) but", 1},
	} {
		rep, err := seriesReport(t, c.name)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Suspects) > 0 || rep.Bounded() == 0 || c.bounded > 0 && rep.Bounded() != c.bounded || !strings.Contains(strings.Join(rep.Notes, "\n"), c.note) {
			t.Errorf("%s: %d suspects, notes %q", c.name, len(rep.Suspects), rep.Notes)
		}
	}
	rep, top := seriesTop(t, "trim-unreached")
	if !strings.Contains(top.Evidence, "trims it past MAX_RECENT (200), yet it holds") || !strings.Contains(top.Hint, "never brought it back to 200") {
		t.Errorf("trim-unreached: evidence %q, hint %q", top.Evidence, top.Hint)
	}
	// A trim against a field that is undefined (the setting is spelled
	// max-events in the configuration): it never runs, and the fix says
	// why and names the setting.
	if rep, top = seriesTop(t, "trim-undefined"); len(rep.Suspects) != 1 {
		t.Fatalf("trim-undefined: %d suspects, want the lists of one Map as one", len(rep.Suspects))
	}
	if !strings.Contains(top.Evidence, "this.maxEvents is undefined in the heap: the trim never runs") ||
		!strings.Contains(top.Hint, "a comparison with undefined is always false") ||
		!strings.Contains(top.Hint, "trim-undefined.json sets max-events, spelled differently from maxEvents") ||
		top.AddedAt == nil || top.AddedAt.Text != "list.push(event);" {
		t.Errorf("trim-undefined: evidence %q, hint %q, added at %+v", top.Evidence, top.Hint, top.AddedAt)
	}
}

func TestWithinBound(t *testing.T) {
	tr := &Trim{At: Statement{Script: "/app/c.js", Line: 9}, Bound: "this.max", Limit: 5000}
	a := Accumulation{Count: 5000, Holder: &Holder{Entries: 5000}, Trim: tr}
	if !a.WithinBound() || !strings.Contains(boundedHint(&a), "/app/c.js:9 past this.max (5000) and it holds 5,000") {
		t.Errorf("within bound: %v %q", a.WithinBound(), boundedHint(&a))
	}
	a.Holder.Entries = 6000
	if a.WithinBound() {
		t.Error("6,000 entries are not within a bound of 5,000")
	}
	tr.Limit = -1
	if a.Holder.Entries = 10; a.WithinBound() {
		t.Error("an unknown bound is never held")
	}
}

// FuzzTrimOf: the program's source is any text; reading it never panics.
func FuzzTrimOf(f *testing.F) {
	f.Add("class C {\n  constructor(max = 3) { this.max = max; }\n  add(x) { this.items.push(x); if (this.items.length > this.max) this.items.shift(); }\n}\nnew C(5, 6);", "items", "C")
	f.Add("if (Object.keys(byId).length > 100) delete byId[k];", "byId", "")
	f.Add("const LIMIT = x ?? 9;\nif (LIMIT < q.size) {\n\n\n q.clear();", "q", "")
	f.Add("this.reports = lru(MAX, {\n max: (a, [b]) });\nconst MAX = 7;", "reports", "LRU")
	f.Add("if (this.made < this.max) return new W(1);\nnew P({ max: o.m || 4 })", "x", "W")
	f.Fuzz(func(t *testing.T, text, prop, owner string) {
		src := textSources{"/app/a.js": text, "/app/b.js": text}
		for _, kind := range []string{"Array", "Map", "dictionary"} {
			if tr := trimOf(&Holder{Kind: kind, Name: prop, Owner: owner}, nil, []string{"/app/a.js"}, src); tr != nil {
				_ = tr.bound() + tr.where()
			}
		}
		// The library's cache kept in prop, and owner's creation.
		if tr := libraryBound(&Holder{Kind: "Map", Name: "items", OwnerName: prop, Package: "p"}, []string{"/app/a.js"}, src); tr != nil {
			_ = tr.says()
		}
		if tr := creationCap(owner, []string{"/app/a.js"}, src); tr != nil {
			_ = tr.says()
		}
	})
}

func TestLibraryBound(t *testing.T) {
	for _, c := range []struct {
		name, pkg, ownerName, src, config string
		line                              int // 0: none
		bound                             string
		limit                             int
		size                              bool
	}{
		{name: "positional maximum", pkg: "tiny-lru", ownerName: "reports",
			src:  "const REPORT_CACHE_MAX = 2500;\nclass Svc {\n  constructor() {\n    this.reports = lru(REPORT_CACHE_MAX);\n  }\n}",
			line: 4, bound: "REPORT_CACHE_MAX", limit: 2500},
		{name: "max option", pkg: "lru-cache", ownerName: "cache",
			src:  "const cache = new LRUCache({ ttl: 60_000, max: 500 });",
			line: 1, bound: "500", limit: 500},
		{name: "maxSize option of a memoizer over lines", pkg: "moize", ownerName: "parseDocument",
			src:    "const parseDocument = moize(parse, {\n  isSerialized: true,\n  maxSize: DOCUMENT_CACHE_SIZE,\n});",
			config: "exports.DOCUMENT_CACHE_SIZE = 3000;\nconst DOCUMENT_CACHE_SIZE = 3000;",
			line:   1, bound: "DOCUMENT_CACHE_SIZE", limit: 3000},
		{name: "shorthand option", pkg: "quick-lru", ownerName: "seen",
			src:  "const maxSize = 64;\nconst seen = new QuickLRU({ maxSize });",
			line: 2, bound: "maxSize", limit: 64},
		{name: "a memoized function's maximum", pkg: "memoizee", ownerName: "evaluateContext",
			src:  "this.evaluateContext = memoize((ctx) => this.run(ctx), {\n  normalizer: ([c]) => c.id,\n  max: 5000,\n});",
			line: 1, bound: "5000", limit: 5000},
		{name: "maximum in a config module one folder up", pkg: "lru-cache", ownerName: "cache",
			src:    "const cache = new LRUCache({\n  max: opts.max,\n});",
			config: "", line: 1, bound: "opts.max", limit: 60000},
		{name: "options object kept under a name", pkg: "quick-lru", ownerName: "fragments",
			src:  "const DEFAULTS = {\n  fragments: { maxSize: 8000, maxAge: 600000 },\n};\nthis.fragments = new QuickLRU(options.fragments);",
			line: 4, bound: "8000", limit: 8000},
		{name: "a total size, as a product", pkg: "lru-cache", ownerName: "fragments",
			src:  "export const fragments = new LRUCache({\n  maxSize: 8 * 1024 * 1024,\n  sizeCalculation: (v) => v.html.length * 2,\n});",
			line: 1, bound: "8 * 1024 * 1024", limit: 8 << 20, size: true},
		{name: "a total size in a constant", pkg: "lru-cache", ownerName: "bodies",
			src:  "const BODY_BYTES = 64 * 1024 * 1024;\nconst bodies = new LRUCache({ maxSize: BODY_BYTES, sizeCalculation: (b) => b.length });",
			line: 2, bound: "BODY_BYTES", limit: 64 << 20, size: true},
		{name: "a count beside a total size", pkg: "lru-cache", ownerName: "cache",
			src:  "const cache = new LRUCache({ maxSize: 5000, max: 200, sizeCalculation: (v) => v.length });",
			line: 1, bound: "200", limit: 200},
		{name: "time bound only", pkg: "lru-cache", ownerName: "cache",
			src: "const cache = new LRUCache({ ttl: 3600 * 1000 });"},
		{name: "first argument of a callee that is no cache", pkg: "pg", ownerName: "pool",
			src: "const SIZE = 10;\nconst pool = new Pool(SIZE);"},
		{name: "maximum unknown", pkg: "tiny-lru", ownerName: "reports",
			src: "this.reports = lru(Number(process.env.MAX));"},
		{name: "commented out", pkg: "tiny-lru", ownerName: "reports",
			src: "// this.reports = lru(100);\nthis.reports = lru();"},
		{name: "a program's class, not a library's", ownerName: "reports",
			src: "this.reports = lru(100);"},
	} {
		t.Run(c.name, func(t *testing.T) {
			own := "/app/svc.js"
			src := textSources{own: c.src}
			if c.config != "" {
				src["/app/config.js"] = c.config
			}
			if c.name == "maximum in a config module one folder up" {
				own = "/app/src/pricing/svc.js"
				src = textSources{own: c.src, "/app/src/config.js": "module.exports = {\n  cache: {\n    max: 60_000,\n  },\n};"}
			}
			h := &Holder{Kind: "Map", Name: "items", Owner: "LRU", OwnerName: c.ownerName, Package: c.pkg}
			tr := libraryBound(h, []string{own}, src)
			if wantBound(t, tr, c.line, c.bound, c.limit) && (tr.Library != c.pkg || tr.Size != c.size) {
				t.Errorf("library %q size %v, want %q %v", tr.Library, tr.Size, c.pkg, c.size)
			}
		})
	}
}

// A library cache still filling toward the maximum the program gave it is
// a note; past it, a suspect whose fix says so.
func TestSieveLibraryBound(t *testing.T) {
	src := textSources{"/app/svc.js": "const MAX = 2500;\nthis.reports = lru(MAX);"}
	mk := func(count int64) Suspect {
		return Suspect{Count: []int64{count / 3, count / 2, count}, Holder: &Holder{Kind: "dictionary", Name: "items", Owner: "LRU", OwnerName: "reports", Package: "tiny-lru", Entries: int(count)},
			scripts: []string{"/app/svc.js"}, Evidence: "grew"}
	}
	kept, notes := sieveBounded([]Suspect{mk(2497)}, src, nil, 0, nil, nil)
	if len(kept) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "it is a cache of the tiny-lru package, created at /app/svc.js:2 with a maximum of MAX (2500)") {
		t.Errorf("filling cache: kept %v, notes %q", kept, notes)
	}
	kept, notes = sieveBounded([]Suspect{mk(4000)}, src, nil, 0, nil, nil)
	if len(kept) != 1 || len(notes) != 0 || !strings.Contains(kept[0].Evidence, "that bound does not hold") || !strings.Contains(kept[0].Hint, "more than its maximum of 2500") {
		t.Errorf("maximum outgrown: kept %+v, notes %q", kept, notes)
	}
	// A bound on the entries' total size says nothing of their number.
	src["/app/svc.js"] = "const MAX = 2500;\nthis.reports = new LRUCache({ maxSize: MAX, sizeCalculation: (r) => r.length });"
	kept, notes = sieveBounded([]Suspect{mk(4000)}, src, nil, 0, nil, nil)
	if len(kept) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "with maxSize MAX (2500), a bound on its entries' total size") {
		t.Errorf("size bound: kept %+v, notes %q", kept, notes)
	}
}

func TestAtoiBound(t *testing.T) {
	for in, want := range map[string]int{"300": 300, "20_000": 20000, "8 * 1024 * 1024": 8 << 20, "64*1024": 64 << 10, "1024 * 1024 * 1024 * 1024": -1, "3e5": -1, "x * 2": -1} {
		if got := atoiBound(in); got != want {
			t.Errorf("atoiBound(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestCreationCap(t *testing.T) {
	for _, c := range []struct {
		name, class, src, config string
		line                     int // 0: none
		bound                    string
		limit                    int
	}{
		{name: "guard on the same line, maximum in another script", class: "BatchWriter",
			src:    "class WriterPool {\n  constructor({ max, slots }) { this.max = max; this.created = 0; }\n  acquire() {\n    if (this.created < this.max) return Promise.resolve(new BatchWriter(++this.created, this.slots));\n  }\n}",
			config: "this.pool = new WriterPool({ max: opts.maxWriters || 40, slots: 1200 });",
			line:   4, bound: "this.max", limit: 40},
		{name: "guard opening the block", class: "Conn",
			src:  "const MAX_CONNS = 16;\nfunction get() {\n  if (pool.length < MAX_CONNS) {\n    const c = new Conn();\n    pool.push(c);\n  }\n}",
			line: 3, bound: "MAX_CONNS", limit: 16},
		{name: "a module counter", class: "Worker",
			src:  "let live = 0;\nfunction spawn() {\n  if (live < 8) { live++; return new Worker('./w.js'); }\n}",
			line: 3, bound: "8", limit: 8},
		{name: "a loop's index", class: "Item",
			src: "function fill(n) {\n  for (let i = 0; i < n; i++) out.push(new Item(i));\n  if (i < 10) return new Item(0);\n}"},
		{name: "no guard", class: "Connection",
			src: "const c = this.idle.pop() || new Connection(this.next++);"},
		{name: "maximum unknown", class: "Conn",
			src: "if (this.size < this.limit) return new Conn();"},
		{name: "a generic class", class: "Array",
			src: "if (this.size < 10) return new Array(4);"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := textSources{"/app/pool.js": c.src}
			if c.config != "" {
				src["/app/ledger.js"] = c.config
			}
			tr := creationCap(c.class, []string{"/app/pool.js"}, src)
			if wantBound(t, tr, c.line, c.bound, c.limit) && tr.Created != c.class {
				t.Errorf("created %q, want %q", tr.Created, c.class)
			}
		})
	}
}

// wantBound checks a bound found at line (0: none found) with its bound
// and limit; it reports whether one was found, for further checks.
func wantBound(t *testing.T, tr *Trim, line int, bound string, limit int) bool {
	t.Helper()
	if line == 0 {
		if tr != nil {
			t.Fatalf("found %+v, want none", tr)
		}
		return false
	}
	if tr == nil {
		t.Fatal("none found")
	}
	if tr.At.Line != line || tr.Bound != bound || tr.Limit != limit {
		t.Errorf("got line %d bound %q limit %d, want %d %q %d", tr.At.Line, tr.Bound, tr.Limit, line, bound, limit)
	}
	return true
}

// Another module of the folder that declares a class or keeps a cache of
// the same name does not lend it its bound, and one creation without a
// guard means there is no cap.
func TestBoundsOfTheProgramsOwnModule(t *testing.T) {
	src := textSources{
		"/app/leaky.js":  "class Connection {}\nconst c = idle.pop() || new Connection();\nconst reportCache = new LRUCache({ ttl: 1000 });",
		"/app/capped.js": "class Connection {}\nif (this.made < 64) return new Connection();\nconst reportCache = new LRUCache({ max: 500 });",
		"/app/mixed.js":  "if (this.made < 64) return new Session();\nreturn new Session();",
	}
	if tr := creationCap("Connection", []string{"/app/leaky.js"}, src); tr != nil {
		t.Errorf("creation cap from another module's class: %+v", tr)
	}
	if tr := creationCap("Session", []string{"/app/mixed.js"}, src); tr != nil {
		t.Errorf("creation cap with an unguarded creation: %+v", tr)
	}
	h := &Holder{Kind: "Map", Name: "#m", OwnerName: "reportCache", Package: "lru-cache"}
	if tr := libraryBound(h, []string{"/app/leaky.js"}, src); tr != nil {
		t.Errorf("library bound from another module's cache: %+v", tr)
	}
	if tr := libraryBound(h, []string{"/app/capped.js"}, src); tr == nil || tr.Limit != 500 {
		t.Errorf("library bound of the module's own cache: %+v", tr)
	}
}

// A setting read with a default, as the bound: the default.
func TestAssignedValueOfASettingsDefault(t *testing.T) {
	src := textSources{"/app/settings.js": "const int = (n, d) => d;\nmodule.exports = {\n  auditHistory: int('INTAKE_AUDIT_HISTORY', 20_000),\n};"}
	if v, _ := assignedValue("auditHistory", []string{"/app/settings.js"}, src); v != 20000 {
		t.Errorf("value %d, want the default 20000", v)
	}
}

// A group of collections each within its bound is filling while their
// number stays the same (it may have grown once, as a pool fills to its
// size); when it grows at the last interval, it stays a suspect.
func TestSteadyGroup(t *testing.T) {
	for _, c := range []struct {
		hc           []int64
		total, limit int
		want         bool
	}{
		{[]int64{300, 300, 300}, 26473, 120, true},
		{[]int64{300, 300, 300}, 40000, 120, false}, // more than they can hold
		{[]int64{100, 200, 300}, 26473, 120, false}, // more of them
		{[]int64{8, 40, 40}, 1543, 100, true},       // a pool that reached its size
		{[]int64{8, 8, 40}, 1543, 100, false},       // more of them at the end
		{[]int64{1, 1, 1}, 50, 120, false},          // one collection: not a group
		{nil, 10, 120, false},
	} {
		if got := steadyGroup(c.hc, c.total, c.limit); got != c.want {
			t.Errorf("steadyGroup(%v, %d, %d) = %v, want %v", c.hc, c.total, c.limit, got, c.want)
		}
	}
}

// configTextSources adds configuration files to textSources: the same
// text as a JSON, a YAML and a TOML file.
type configTextSources struct {
	textSources
	config string
}

func (c configTextSources) Configs(string) []string {
	return []string{"/app/config/a.json", "/app/config/a.yaml", "/app/a.toml"}
}

func (c configTextSources) ReadConfig(string) ([]byte, bool) { return []byte(c.config), true }

// FuzzConfigFiles: a program's configuration files and scripts are any
// text; reading bounds and settings from them never panics, and a value
// read is never negative but -1.
func FuzzConfigFiles(f *testing.F) {
	f.Add(`{"feed": {"maxItemsPerAccount": 64, "max-events": 4000}}`, "this.maxItems = maxItemsPerAccount;\nif (list.length > this.maxEvents) list.splice(0, 1);", "maxItemsPerAccount")
	f.Add("feed:\n  maxItems: 80 # per account\nmax_events = 1_000\n", "const list = this.byRoom.get(k);\nlist.push(e);", "maxItems")
	f.Add(`[1, {"a": [{"b": 2.5}]}, "x"]`, "this.cache = new NodeCache({ stdTTL: Math.floor(windowMs / 1000) });", "b")
	f.Fuzz(func(t *testing.T, config, script, name string) {
		src := configTextSources{textSources{"/app/a.js": script}, config}
		scripts := []string{"/app/a.js"}
		if v := configValue([]string{name}, scripts, src); v < -1 {
			t.Fatalf("configValue = %d", v)
		}
		if k, ok := configNearKey(name, scripts, src); ok && k.Key == name {
			t.Fatalf("configNearKey gave the exact name %q", name)
		}
		_ = valueAdds(&Holder{ValueOf: name}, scripts, src)
		_ = ttlHint(&Holder{Package: "node-cache", OwnerName: name}, scripts, src)
		if tr := trimOf(&Holder{Kind: "Array", ValueOf: name, Owner: "C"}, &Statement{Script: "/app/a.js", Text: script}, scripts, src); tr != nil {
			_ = tr.says()
		}
	})
}

// TestBoundValueConstructor: this.max set from a constructor parameter is
// what the program passes to new, even when another max is assigned a
// bigger number elsewhere (a function returning { max: ip }).
func TestBoundValueConstructor(t *testing.T) {
	src := textSources{"/app/geo.mjs": `function load() {
  let ip = 16777216;
  return { starts: [], max: ip };
}
class LRUCache {
  constructor(max) { this.max = max; this.map = new Map(); }
}
const answers = new LRUCache(1500);
`}
	if v := boundValue("this.max", "LRUCache", "/app/geo.mjs", nil, src); v != 1500 {
		t.Errorf("bound %d, want 1500", v)
	}
}

// An option with a default ({ max = 500 } = {}) bounds at what the
// callers pass: a factory's caller in another folder (found through the
// program's files), a class's caller passing a variable with its own
// default. Without a caller passing it, the default holds.
func TestBoundValueOption(t *testing.T) {
	src := textSources{
		"/svc/lib/ttl-cache.js": "function createTtlCache({ max = 500, ttlMs = 30_000 } = {}) {\n  const entries = new Map();\n  function set(k, v) {\n    entries.set(k, v);\n    if (entries.size > max) entries.delete(entries.keys().next().value);\n  }\n  return { set };\n}\n",
		"/svc/src/app.js":       "const cache = createTtlCache({ max: 400, ttlMs: 60_000 });\nfunction createApp({ cacheMax = 1200 } = {}) {\n  return new LRUCache({ max: cacheMax });\n}\n",
		"/svc/src/lru.js":       "class LRUCache {\n  constructor({ max = 1000, ttlMs = 0 } = {}) {\n    this.max = max;\n  }\n}\n",
	}
	files := []string{"/svc/lib/ttl-cache.js", "/svc/src/app.js", "/svc/src/lru.js"}
	if v := optionArgument("max", "", []string{"/svc/lib/ttl-cache.js"}, files, src); v != 400 {
		t.Errorf("factory option: %d, want 400 (the caller's)", v)
	}
	if v := optionArgument("max", "", []string{"/svc/lib/ttl-cache.js"}, nil, src); v != -1 {
		t.Errorf("no caller in reach: %d, want -1", v)
	}
	if v := boundValue("this.max", "LRUCache", "/svc/src/lru.js", nil, src); v != 1200 {
		t.Errorf("constructor option: %d, want 1200 (cacheMax's default, passed as max)", v)
	}
	delete(src, "/svc/src/app.js")
	if v := boundValue("this.max", "LRUCache", "/svc/src/lru.js", nil, src); v != 1000 {
		t.Errorf("nobody passes it: %d, want the default 1000", v)
	}
}

// TestDequeOneSnapshot: the last snapshot alone of a library's deque that
// the program trims through its own API (ok-deque-history.js) is big by
// design: counted in entries (7,500), not its array's slots (8,192), with
// no advice on where entries should leave.
func TestDequeOneSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	paths := series(t, "ok-deque-history", 3)
	g, err := loadGraph(paths[2])
	if err != nil {
		t.Fatal(err)
	}
	rep := AnalyzeOne(g, SingleOptions{Name: "s3", Sources: LocalSources()})
	for _, a := range rep.Suspects {
		if a.Holder == nil || a.Holder.Package != "tiny-deque" {
			continue
		}
		if !a.WithinBound() || !strings.Contains(a.Hint, "big by design") || strings.Contains(a.Hint, "neither") {
			t.Errorf("within bound %v, hint %q", a.WithinBound(), a.Hint)
		}
		return
	}
	t.Fatalf("no accumulation in the deque: %+v", rep.Suspects)
}

// TestSieveFullRings: rings full at their bound, as many in each
// snapshot, whose counted objects (strings the entries keep) grow as
// new entries overwrite old ones that shared theirs, are a note (blind
// set 35, svc03: a control); rings still growing in number stay.
func TestSieveFullRings(t *testing.T) {
	src := textSources{"/app/rooms.js": ringBufferSrc}
	mk := func() Suspect {
		return Suspect{Class: "(string)", Count: []int64{30182, 34230, 38354}, Holder: &Holder{Kind: "Array", Name: "history.items", Owner: "RingBuffer", Entries: 400},
			scripts: []string{"/app/rooms.js"}, Evidence: "grew"}
	}
	steady := func(*Suspect) []int64 { return []int64{60, 60, 60} }
	kept, notes := sieveBounded([]Suspect{mk()}, src, nil, 0, steady, nil)
	if len(kept) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "a full ring overwrites its oldest entry") || !strings.Contains(notes[0], "there are 60 of them") {
		t.Errorf("full rings: kept %+v, notes %q", kept, notes)
	}
	more := func(*Suspect) []int64 { return []int64{40, 50, 60} }
	if kept, _ := sieveBounded([]Suspect{mk()}, src, nil, 0, more, nil); len(kept) != 1 {
		t.Errorf("rings still growing in number: kept %+v", kept)
	}
}
