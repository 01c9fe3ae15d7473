// Libraries: fixes at the level of the npm package whose object holds the
// leak (a cache without a bound, a loader kept for the process's life, a
// metric labelled per request). Each hint says what the heap shows and the
// package's own way out; packages are told by the node_modules directory
// of their constructor's script, so minified class names do not matter.

package leak

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// routeAdvice ends a router's hint: registering is for startup, not for
// each request.
const routeAdvice = "%s, and never lets one go: a route or middleware registered while serving (inside a request handler, or once per tenant or subscription) adds a layer each time; register them once at startup, with a parameterised path (router.post('/hooks/:id', ...)) whose handler looks up what varies, or keep a map of handlers the one route dispatches to"

// libraryHints: per npm package, the fix for a collection inside one of its
// objects that only grows. %s is the holder's description ("LRUCache
// reportCache"), %s the count range.
var libraryHints = map[string]string{
	"router":          "%s (router) keeps every route and middleware registered on it" + routeAdvice,
	"express":         "%s (express) keeps every route and middleware registered on it" + routeAdvice,
	"lru-cache":       "%s (lru-cache) only grows%s: if it was created without a size bound, give it max (or maxSize with sizeCalculation); a ttl alone does not bound it, since expired entries stay until they are read unless ttlAutopurge is set; if it has max, it stops there: a cache filling up to its bound, or full at it, looks the same",
	"dataloader":      "%s (dataloader) caches every key it ever loaded%s: a DataLoader is meant to live for one request; create it per request (in the request's context), or pass { cache: false } or call clearAll() if it must be shared",
	"prom-client":     "%s (prom-client) gains a time series per distinct label value%s: use route templates (a route's pattern such as /orders/:id, not the path itself) or other bounded values as labels, never raw URLs or ids; metric.remove(labels) drops one",
	"express-session": "%s (express-session) keeps every session%s: its default MemoryStore has no sweep (a session leaves only when it is destroyed, or read after it expired), so a session whose client never comes back stays for good, and it is not meant for production; use a store with expiry (a Redis or database store) and set cookie.maxAge",
	"node-cache":      "%s (node-cache) only grows%s: give it a stdTTL with a checkperiod so expired keys are deleted, or maxKeys",
	"ajv":             "%s (ajv) keeps every schema it compiled%s, keyed by the schema object itself: a schema object built anew for each call compiles again and stays; compile each schema once and reuse its validate function (keep it by the schema's name or id), or ajv.addSchema(schema, key) once and ajv.getSchema(key)",
	"keyv":            "%s (keyv) only grows%s: Keyv's default in-memory store deletes an expired entry only when that key is read again, so a ttl does not bound keys that are never read twice (a key holding per-request values: amounts, ids, timestamps); give it a store with a size bound (it takes any Map-like store, such as new Keyv({ store: new QuickLRU({ maxSize: 10000 }) })), or build keys from bounded values",
	"rxjs":            "%s (rxjs) only grows%s: a ReplaySubject created without a buffer size or a window time (shareReplay() with no arguments makes one) replays, and so keeps, every value it was ever given; give it both (new ReplaySubject(10000, 60000), shareReplay({ bufferSize: 500, windowTime: 60000 })), or use a Subject (or a BehaviorSubject for the latest value) when late subscribers need no history",
	"lodash":          "%s (lodash) only grows%s: it is the cache of a _.memoize'd function, keyed by its first argument (an object by identity), so every call with a new object or a new value adds an entry for good; pass a resolver that builds a key from the values that matter, and bound the cache (set _.memoize.Cache to an LRU) or clear it (memoized.cache.clear())",
}

// cachePackages are npm packages whose collections are caches: a function
// kept in one is a value the program stored to read back (a status
// closure, a memoized result), not a callback it registered to be called.
var cachePackages = map[string]bool{
	"lru-cache": true, "node-cache": true, "keyv": true, "dataloader": true, "lodash": true,
	"quick-lru": true, "tiny-lru": true, "lru.min": true, "@isaacs/ttlcache": true, "mnemonist": true,
	"hashlru": true, "ylru": true, "lru-memoizer": true, "memoizee": true, "p-memoize": true, "cacheable": true,
}

// libraryHint is the package-level fix for a collection kept by a known
// library's object, "" when the holder is not one.
func libraryHint(s *Suspect, per string) string {
	h := s.Holder
	if h == nil || h.Package == "" {
		return ""
	}
	f, ok := libraryHints[h.Package]
	if !ok {
		return ""
	}
	if s.single {
		// One snapshot shows its size, not that it grows.
		f = strings.Replace(f, "only grows", "holds "+strings.ReplaceAll(entriesText(s), "%", "%%"), 1)
	}
	return fmt.Sprintf(f, ownerText(h), per)
}

// moduleHint is the fix for a collection that is a top-level variable of a
// library's module (its own cache, not one the program made): the program
// cannot bound it, only stop feeding it a new key per call.
func moduleHint(s *Suspect, per string) string {
	h := s.Holder
	if h == nil || h.moduleScript == "" || h.Package == "" {
		return ""
	}
	grows := "only grows"
	if s.single {
		grows = "holds " + entriesText(s)
	}
	return fmt.Sprintf("the %s %s, a module variable of %s (its own cache), %s%s: "+moduleCacheAdvice, h.Kind, h.Name, h.Package, grows, per)
}

// moduleCacheAdvice ends moduleHint: the key is what to look at.
const moduleCacheAdvice = "the library keeps an entry per distinct key, so something the program passes it differs from call to call (an id, a timestamp, a per-request object); see what the key is made of where it adds, pass it values from a small, fixed set, or use the library's option that bounds it (or a release that does)"

// registryAdvice replaces moduleCacheAdvice when the library keys each
// entry by its own id: a registry of the objects it made.
const registryAdvice = "the library keeps every object it makes there, by its own id, until that object is released (destroyed, closed, removed): release each one the program is done with"

// registryAdd: added is keyed by a field of the value it adds:
// tasks.set(task.id, task).
func registryAdd(added *Statement) bool {
	if added == nil {
		return false
	}
	m := registryAddRe.FindStringSubmatch(added.Text)
	return m != nil && m[1] == m[2]
}

// registryAddRe is an add keyed by a field of a value: the key's object
// (group 1) and the value (2).
var registryAddRe = lazyRE(`\.\s*set\s*\(\s*([A-Za-z_$][\w$]*)\s*\.\s*[A-Za-z_$][\w$]*\s*,\s*([A-Za-z_$][\w$]*)\s*\)`)

// keyStatement is the statement that makes the key an adding statement
// uses (statementCache.set(key, stmt) after const key = ctx.requestId +
// sql), found in the lines above it: what makes a cache grow is its key.
func keyStatement(added *Statement, src Sources) *Statement {
	if added == nil || src == nil {
		return nil
	}
	m := setKeyRe.FindStringSubmatch(added.Text)
	if m == nil {
		// A call into a library that keys its cache by what it is given
		// (Hogan.compile(source)): its first argument.
		if m = callArgRe.FindStringSubmatch(added.Text); m == nil {
			return nil
		}
	}
	b, ok := src.Read(added.Script)
	if !ok {
		return nil
	}
	lines := bytes.Split(b, []byte("\n"))
	assign := regexp.MustCompile(`\b` + regexp.QuoteMeta(m[1]) + `\s*=[^=>]`)
	for i := min(added.Line-2, len(lines)-1); i >= 0 && i >= added.Line-1-keyLines; i-- {
		if loc := assign.FindIndex(lines[i]); loc != nil && !commentBefore(lines[i], loc[0]) {
			return &Statement{Script: added.Script, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		}
	}
	return nil
}

// setKeyRe: a Map's set or a dictionary's store with a plain variable as
// its key.
var setKeyRe = lazyRE(`(?:\.\s*set\s*\(\s*|\[\s*)([A-Za-z_$][\w$]*)\s*[,\]]`)

// callArgRe: a method call whose first argument is a plain variable.
var callArgRe = lazyRE(`\.\s*[A-Za-z_$][\w$]*\s*\(\s*([A-Za-z_$][\w$]*)\s*[,)]`)

// keyLines: how far above the adding statement its key is looked for.
const keyLines = 30

// ownerText names a collection's owner as the program spells it: its
// class (unless minified) and the variable or property it is kept in.
func ownerText(h *Holder) string {
	cls := h.Owner
	if minifiedName(cls) {
		cls = ""
	}
	switch {
	case cls != "" && h.OwnerName != "" && !strings.EqualFold(cls, h.OwnerName):
		return cls + " " + h.OwnerName
	case h.OwnerName != "":
		return h.OwnerName
	case cls != "":
		return cls
	}
	return "the " + h.Package + " object"
}

// settledHint is the fix for a collection of settled promises: a memoised
// async function's or a loader's cache, each entry holding its result.
func settledHint(s *Suspect, per string) string {
	what := "the collection"
	if h := s.Holder; h != nil {
		switch {
		case h.Owner != "" || h.OwnerName != "":
			what = ownerText(h) + "'s " + h.Kind
		case h.Name != "":
			what = h.Kind + " " + h.Name
		case h.Kind != "":
			what = "the " + h.Kind
		}
	}
	res := "its result"
	if userClassName(s.Class) {
		res = "its result (" + s.Class + ")"
	}
	return fmt.Sprintf("%s keeps a settled promise per key%s, each holding %s: this is a cache of results (a memoised async call or a loader), not promises waiting; if it caches per-request data, create it per request, otherwise bound it (an LRU with max) and delete rejected promises", what, per, res)
}

// compileMethods are the methods of a library object that keeps what it
// compiles, by the object compiled (ajv's _cache keys are the schema
// objects): handed a fresh object at each call, it compiles and keeps one
// more.
var compileMethods = map[string]string{"ajv": "compile"}

// perCallCompile is the program's call that hands pkg's object a fresh
// object to compile at each call: a compile inside a function whose
// argument is built right there (a call or a literal), else nil. A
// compile at a module's top level runs once; one given a variable may be
// memoized around it.
func perCallCompile(pkg string, scripts []string, src Sources) *Statement {
	m := compileMethods[pkg]
	if m == "" || src == nil {
		return nil
	}
	re := regexp.MustCompile(`\.\s*` + m + `\s*\(\s*(?:([A-Za-z_$][\w$]*)\s*\)|[A-Za-z_$][\w$.]*\s*\(|\{|\[)`)
	var found, weak *Statement
	n := 0
	matchLines(re, scripts, src, func(sc string, lines [][]byte, i int, loc []int) {
		if !insideFunction(lines, i) {
			return
		}
		st := &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		if arg := re.FindSubmatch(lines[i])[1]; arg != nil {
			// A variable: fresh when built just above in the same
			// function, unless a lookup or a removal there says the
			// program keeps what it compiled (a cache miss).
			if weak == nil && freshAbove(lines, i, string(arg)) {
				weak = st
			}
			return
		}
		if keptCompileRe.Match(lines[i]) {
			// Behind a lookup of what was compiled (getSchema(id) ||
			// compile(...)): compiled again only for a new key.
			st.lookup = true
		}
		n++
		if found == nil {
			found = st
		}
	})
	if found == nil {
		return weak
	}
	found.Others = n - 1
	return found
}

// freshAbove: name is assigned a literal or a call's result in the few
// lines above line i, and no line around looks up, removes or stores what
// is compiled (a memo keyed by something stable).
func freshAbove(lines [][]byte, i int, name string) bool {
	assign := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(name) + `\s*=\s*(?:\{|\[|[A-Za-z_$][\w$.]*\s*\()`)
	fresh := false
	for k := max(0, i-8); k < len(lines) && k <= i+3; k++ {
		l := lines[k]
		if keptCompileRe.Match(l) || k > i && storedRe.Match(l) {
			return false
		}
		if k < i && assign.Match(l) {
			fresh = true
		}
	}
	return fresh
}

// keptCompileRe: a line that looks up or removes what was compiled;
// storedRe, after the compile, one that stores it (a memo).
var (
	keptCompileRe = lazyRE(`\.\s*(?:get|has|removeSchema|getSchema)\s*\(`)
	storedRe      = lazyRE(`\.\s*set\s*\(`)
)

// perRequestPackages are the libraries whose objects are meant to live
// for one request (a DataLoader's cache is that request's).
var perRequestPackages = map[string]bool{"dataloader": true}

// madeOnce is the program's statement that makes h's library object at a
// module's top level (const shipmentLoader = new DataLoader(...)): made
// once, it serves every request. nil when it is made inside a function or
// not found.
func madeOnce(h *Holder, scripts []string, src Sources) *Statement {
	if h == nil || !perRequestPackages[h.Package] || !identRe.MatchString(h.OwnerName) || src == nil {
		return nil
	}
	re := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(h.OwnerName) + `\s*=\s*new\s+[A-Za-z_$][\w$.]*\s*\(`)
	var found *Statement
	matchLines(re, scripts, src, func(sc string, lines [][]byte, i int, loc []int) {
		if found == nil && !insideFunction(lines, i) {
			found = &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		}
	})
	return found
}

// callerKey is keyStatement one call up: when the adding function takes
// the key as its parameter (a cache's set(key, value)), the statement that
// makes the key where the program calls it (const key = requestKey(…)
// before cache.set(key, v)), in scripts; nil when none.
func callerKey(added *Statement, scripts []string, src Sources) *Statement {
	m := setKeyRe.FindStringSubmatch(added.Text)
	if m == nil || src == nil {
		return nil
	}
	fn := enclosingFunction(added, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return nil
	}
	lines, ok := locationLines(fn, src)
	if !ok || fn.Line > len(lines) || !regexp.MustCompile(`\(\s*`+regexp.QuoteMeta(m[1])+`\b`).Match(lines[fn.Line-1]) {
		return nil // the key is not its first parameter
	}
	// A method (cache.remember(key, …)) or a function (compile(source)).
	call := regexp.MustCompile(`(?:^|[^\w$])` + regexp.QuoteMeta(fn.Function) + `\s*\(\s*([A-Za-z_$][\w$]*)\s*[,)]`)
	var found *Statement
	matchLines(call, scripts, src, func(sc string, ls [][]byte, i int, _ []int) {
		if found != nil || sc == added.Script && i+1 == fn.Line {
			return
		}
		for _, m := range call.FindAllSubmatch(ls[i], -1) {
			// (Read as a set() call: keyStatement follows its key.)
			if found = keyStatement(&Statement{Script: sc, Line: i + 1, Text: ".set(" + string(m[1]) + ", v)"}, src); found != nil {
				return
			}
		}
	})
	if found == nil {
		// The key built in the call itself: breakerFor(`${name} ${path}`, …).
		built := regexp.MustCompile(`(?:^|[^\w$])` + regexp.QuoteMeta(fn.Function) + `\s*\(\s*(?:\x60[^\x60]*\$\{|['"][^'"]*['"]\s*\+)`)
		matchLines(built, scripts, src, func(sc string, ls [][]byte, i int, loc []int) {
			if found == nil && !commentBefore(ls[i], loc[0]) && !(sc == added.Script && i+1 == fn.Line) {
				found = &Statement{Script: sc, Line: i + 1, Column: indentOf(ls[i]) + 1, Text: clipLine(ls[i])}
			}
		})
	}
	return found
}

// optionKey follows a key made by a function the factory takes as an
// option (const k = key(...args) in memoize(fn, { key = … })) to what the
// call that made the program's instance passes (memoize(…, { key:
// quoteKey })): the return statement of that function where the program
// defines it, or the option's own line when the function is written in
// the call. nil when k is not such a call.
func optionKey(h *Holder, k *Statement, files func() []string, src Sources) *Statement {
	if h == nil || files == nil || !identRe.MatchString(h.madeAs) {
		return nil
	}
	m := keyCallRe.FindStringSubmatch(k.Text)
	if m == nil {
		return nil
	}
	b, ok := src.Read(k.Script)
	if !ok || !regexp.MustCompile(`[{,]\s*`+regexp.QuoteMeta(m[1])+`\s*[=,}]`).Match(b) {
		return nil // not a destructured option of the factory
	}
	made, args, ok := instanceCall(h.madeAs, files, src)
	if !ok {
		return nil
	}
	opt := regexp.MustCompile(`(?:^|[{,\s])` + regexp.QuoteMeta(m[1]) + `\s*:\s*`)
	o := opt.FindStringIndex(args)
	if o == nil {
		return nil
	}
	if n := leadingIdentRe.FindString(args[o[1]:]); n != "" && !strings.HasPrefix(strings.TrimSpace(args[o[1]+len(n):]), "=>") {
		return returnOf(n, files(), src)
	}
	// Written in the call: the line of the option.
	lines, ok := locationLines(&Location{Script: made.Script, Line: made.Line}, src)
	if !ok {
		return nil
	}
	for i := made.Line - 1; i < len(lines) && i < made.Line+200; i++ {
		if loc := opt.FindIndex(lines[i]); loc != nil && !commentBefore(lines[i], loc[0]) {
			return &Statement{Script: made.Script, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}
		}
	}
	return nil
}

// calledKey is the return statement of the program's function whose
// result the key statement k takes (const key = endpointKey(delivery)):
// the line that decides what the key is. nil when k calls no function the
// program defines.
func calledKey(k *Statement, scripts []string, src Sources) *Statement {
	m := keyCallRe.FindStringSubmatch(k.Text)
	if m == nil {
		return nil
	}
	r := returnOf(m[1], append([]string{k.Script}, scripts...), src)
	if r == nil || r.Script == k.Script && r.Line == k.Line {
		return nil
	}
	return r
}

// keyCallRe: a key assigned a call's result (const k = key(...args)).
var keyCallRe = lazyRE(`=\s*(?:await\s+)?([A-Za-z_$][\w$]*)\s*\(`)

// leadingIdentRe: an identifier at the start of a text.
var leadingIdentRe = lazyRE(`^[A-Za-z_$][\w$]*`)

// returnOf is the statement that gives function name's result where the
// program defines it: its return, or the body of an arrow without braces.
func returnOf(name string, files []string, src Sources) *Statement {
	lines, def, ok := functionDefinition(name, files, src)
	if !ok {
		return nil
	}
	head := strings.TrimSpace(string(lines[def.Line-1]))
	if strings.Contains(head, "=>") && !strings.HasSuffix(head, "{") {
		return def
	}
	for i := def.Line; i < len(lines) && i < bodyEnd(lines, def.Line); i++ {
		if loc := returnRe.FindIndex(lines[i]); loc != nil && !commentBefore(lines[i], loc[0]) {
			return &Statement{Script: def.Script, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}
		}
	}
	return def
}
