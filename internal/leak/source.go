// Source lines: a heap snapshot knows where functions start, never which
// statement added an entry to a collection. When the program's scripts are
// at hand (the analysis runs where the program ran), the statement that
// adds to the suspect's collection is looked up in them: `pending.set(`
// for the program's own Map, `orderLoader.load(` for a DataLoader kept in
// the variable orderLoader. It is a text search, so it is only offered as
// "added at", beside the code location the heap gives.

package leak

import (
	"regexp"
	"slices"
	"strings"
)

// libraryAdds: per npm package, the methods through which the program adds
// to the package's collection (called on the variable that keeps it).
var libraryAdds = map[string]string{
	"lru-cache":   "set",
	"quick-lru":   "set",
	"tiny-lru":    "set",
	"lru.min":     "set",
	"node-cache":  "set|mset",
	"dataloader":  "load|loadMany|prime",
	"ajv":         "compile|addSchema|validate",
	"prom-client": "labels|inc|observe|set|startTimer",
	"keyv":        "set",
	"rxjs":        "next",
	// A router's stack: routes and middleware, registered by path.
	"router":  routeVerbs,
	"express": routeVerbs,
}

// registrationCallRe: a route or middleware registered on any router
// (getRouter(id).use(audit(cfg)), r.post('/hooks/x', …)): a path first, or
// for use() a middleware made by a call or written there; not a Map's get.
var registrationCallRe = lazyRE(`\.\s*(?:(?:` + routeVerbs + `)\s*\(\s*['"\x60]/|use\s*\(\s*(?:[A-Za-z_$][\w$.]*\s*\(|(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)))`)

// handlerHeadRe: a function registered as a route's handler (its head:
// app.put('/tenants/:id', (req, res) => {).
var handlerHeadRe = lazyRE(`\.\s*(?:` + routeVerbs + `)\s*\(\s*['"\x60]/`)

// handlerRegistration is the first route or middleware registration the
// scripts make inside a route's handler: registered again at every
// request that runs it. nil when there is none.
func handlerRegistration(scripts []string, src Sources) *Statement {
	var found *Statement
	matchStatements(registrationCallRe.get(), scripts, src, nil, func(sc string, lines [][]byte, i int, _ []int) {
		if found != nil {
			return
		}
		// In a block a route's handler opens (its arrow has no name to
		// find it by).
		if headAbove(lines, i+1, func(k int) bool { return handlerHeadRe.Match(lines[k]) }) < 0 {
			return
		}
		found = &Statement{Script: sc, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}
	})
	return found
}

// routeVerbs are the methods that register a route or a middleware on an
// express app or router.
const routeVerbs = "use|all|route|get|post|put|patch|delete|head|options"

// libraryFieldAdds: where one field of a package's object is added to
// otherwise than the package's other collections: a Subject's subscribers
// by subscribe(), its buffer (libraryAdds) by next().
var libraryFieldAdds = map[string]string{
	"rxjs.observers":        "subscribe",
	"rxjs.currentObservers": "subscribe",
}

var identRe = lazyRE(`^[A-Za-z_$][\w$]*$`)

// addsPattern is what a statement adding to h's collection looks like, nil
// when there is nothing specific enough to look for.
func addsPattern(h *Holder) *regexp.Regexp {
	if h == nil {
		return nil
	}
	if h.Package != "" && h.moduleScript == "" {
		// The program adds through the library's object (cache.set).
		verbs, ok := libraryAdds[h.Package]
		if field, _ := fieldName(h); libraryFieldAdds[h.Package+"."+field] != "" {
			verbs, ok = libraryFieldAdds[h.Package+"."+field], true
		}
		if !ok || !identRe.MatchString(h.OwnerName) {
			return nil
		}
		names := regexp.QuoteMeta(h.OwnerName)
		for _, n := range h.alsoNames {
			if n != h.OwnerName {
				names += "|" + regexp.QuoteMeta(n)
			}
		}
		return regexp.MustCompile(`\b(?:` + names + `)\s*\.\s*(?:` + verbs + `)\s*\(`)
	}
	if !identRe.MatchString(h.Name) && !(strings.HasPrefix(h.Name, "#") && identRe.MatchString(h.Name[1:])) {
		return nil // a dotted name (store.entries) is the library's to add to
	}
	return nameAdds(h)
}

// nameAdds matches a statement adding to the collection by its own name
// (the last part of a dotted one: store.entries is added to as entries):
// sessions.set(, this.queue.push(, hashMap[key] =.
func nameAdds(h *Holder) *regexp.Regexp { return nameAddsOf(h, true) }

// nameAddsOf is nameAdds, with an Array's slots assigned by index
// (records[i] = …) counted as additions only when index is set: in a
// library's code that is as often an update in place (a store's
// update(doc): this.data[pos] = doc) as an addition.
func nameAddsOf(h *Holder, index bool) *regexp.Regexp {
	name, ok := fieldName(h)
	n := `\b` + regexp.QuoteMeta(name)
	if !ok {
		// A class's private field (#items): its # marks its start.
		if !strings.HasPrefix(name, "#") || !identRe.MatchString(name[1:]) {
			return nil
		}
		n = regexp.QuoteMeta(name)
	}
	if parts := strings.Split(h.Name, "."); len(parts) >= 2 && identRe.MatchString(parts[len(parts)-2]) {
		// Reached by a computed key too: this.hooks[name].push(fn)
		// fills hooks.onResponse.
		n = `(?:` + n + `|\b` + regexp.QuoteMeta(parts[len(parts)-2]) + `\s*\[[^\]]+\])`
	}
	switch h.Kind {
	case "Map", "WeakMap":
		return regexp.MustCompile(n + `\s*\.\s*set\s*\(`)
	case "Set", "WeakSet":
		return regexp.MustCompile(n + `\s*\.\s*add\s*\(`)
	case "Array":
		// (A splice adds only with a third argument: splice(i, 1)
		// takes out.)
		if !index {
			return regexp.MustCompile(n + `\s*\.\s*(?:(?:push|unshift)\s*\(|splice\s*\([^,()]*,[^,()]*,)`)
		}
		// Or filled by index (records[i] = {...}): "=" as for a dictionary.
		return regexp.MustCompile(n + `(?:\s*\.\s*(?:(?:push|unshift)\s*\(|splice\s*\([^,()]*,[^,()]*,)|\s*\[[^\]]+\]\s*=(?:[^=>]|$))`)
	case "collection":
		// Of no known kind (an object of numbered slots): any add.
		return regexp.MustCompile(n + `(?:\s*\.\s*(?:set|add|push|unshift)\s*\(|\s*\[[^\]]+\]\s*=(?:[^=>]|$))`)
	case "dictionary":
		// "=" but not "==" or "=>"; at the end of a line, the value is on
		// the next. Or a copy with one more key, as a reducer makes it
		// (byId: { ...state.byId, [job.id]: … }).
		q := regexp.QuoteMeta(name)
		return regexp.MustCompile(n + `\s*\[[^\]]+\]\s*=(?:[^=>]|$)|\b` + q + `\s*:\s*\{\s*\.\.\.\s*[\w$.]*\b` + q + `\s*,\s*\[`)
	}
	return nil
}

// fieldName is the name code uses for the collection: the last part of a
// dotted holder name (store.entries is this.entries in the store's code).
func fieldName(h *Holder) (string, bool) {
	name := h.Name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name, identRe.MatchString(name)
}

// addedAt looks for the statement that adds to the suspect's collection in
// its own scripts first (where its code and path are), then in the other
// scripts of their folders.
//
// When the entries are closures of one named function (class "check()")
// and nothing adds to the collection in the program's own code (a
// library's list of subscribers), the statement is the one that hands
// that function to a registration call: store.subscribe(check).
//
// Entries waiting in a Writable's buffer (path through its WritableState)
// were added by writing to that stream: feed.write(entry). Reactions piling
// up on one pending promise were added by racing against it or awaiting
// it: Promise.race([work, shutdown]). Entries a package keeps in its own
// module were added by calling it: pug.render(...).
func addedAt(h *Holder, class string, path []PathStep, own []string, src Sources) *Statement {
	if src == nil || len(own) == 0 && (h == nil || h.libScript == "") {
		return nil
	}
	adds := addsPattern(h)
	if st := findStatementWhere(adds, own, src, func(sc string, line int) bool { return slices.Contains(own, sc) && inFunction(sc, line, src) }); st != nil {
		// A module's top level runs once: what grows is added by code
		// that runs again (router.post in a handler, not beside it).
		// (In the suspect's own scripts: a like-named collection in
		// another file beside them is another's.)
		return st
	}
	if st := findStatement(adds, own, src); st != nil {
		return st
	}
	if st := findStatement(pipePattern(h, path), own, src); st != nil {
		return st
	}
	if st := valueAdds(h, own, src); st != nil {
		return st
	}
	if st := findStatement(writesPattern(path), own, src); st != nil {
		return st
	}
	if st := findStatement(reactsPattern(path), own, src); st != nil {
		return st
	}
	if st := findRegistration(class, own, src); st != nil {
		return st
	}
	if st := findStatement(timerPattern(path), own, src); st != nil {
		return st
	}
	if h != nil && h.libScript != "" {
		// A library's object whose own code fills its field
		// (this.openSpans.add(span)): that statement, in its package.
		// A library's own push first; its slots assigned by index only
		// when it has none (a ring buffer's deque).
		// Its class's own code only: the package's other files are
		// other classes' (mnemonist's InvertedIndex pushes to its own
		// items, not a CircularBuffer's).
		st := ownFieldFirst(findStatementWhere(nameAddsOf(h, false), []string{h.libScript}, src, h.libraryOwn), nameAddsOf(h, false), h, src)
		if st == nil {
			st = findStatementWhere(nameAdds(h), []string{h.libScript}, src, h.libraryOwn)
		}
		if st == nil {
			// Through a local (var cacheMap = this._cacheMap; …
			// cacheMap.set(key, promise)).
			st = aliasAdd(h, src)
		}
		if st != nil {
			if call := programCall(h, st, own, src); call != nil {
				return call
			}
			if call := wrapperCall(h, own, src); call != nil {
				call.Library = st
				return call
			}
			return st
		}
	}
	// Of the calls into the package, the one a request makes (deepest,
	// not in a constructor) rather than the first.
	re := packageCallPattern(path, own, src)
	if re == nil {
		return nil
	}
	if st := deepestCall(re, nil, own, src); st != nil {
		return st
	}
	return findStatement(re, own, src)
}

// libraryOwn: script sc (at any line) is the holder's library class's own
// code, where its own adds are; the package's other files are other
// classes'.
func (h *Holder) libraryOwn(sc string, line int) bool {
	if sc == h.libScript && h.libLines[1] > 0 {
		return line-1 >= h.libLines[0] && line-1 < h.libLines[1]
	}
	return sc == h.libScript || slices.Contains(h.classScripts, sc)
}

// ownFieldFirst is st, the first of a library's adds re finds, or when
// st adds through a name without this and another adds through
// this.name, that one: the owner's own field (this.sessions[id] = …)
// before a local of the same name (a copy all() fills).
// thisDotRe is a line's text that ends in "this." (the field after it is
// the object's own).
var thisDotRe = lazyRE(`(?:^|[^\w$.])this\s*\.\s*$`)

func ownFieldFirst(st *Statement, re *regexp.Regexp, h *Holder, src Sources) *Statement {
	if st == nil || re == nil || st.Others == 0 {
		return st
	}
	own := regexp.MustCompile(`\bthis\s*\.\s*(?:` + re.String() + `)`)
	if lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src); ok && st.Column >= 1 && st.Column <= len(lines[st.Line-1]) {
		// Its own field already (this.tb[f] = p), not another object's
		// (this.db.tb[p] = …, a minified build's one line of many).
		if thisDotRe.Match(lines[st.Line-1][:st.Column-1]) {
			return st
		}
	} else if strings.Contains(st.Text, "this") {
		return st
	}
	if o := findStatementWhere(own, []string{h.libScript}, src, h.libraryOwn); o != nil {
		o.Others = st.Others
		return o
	}
	return st
}

// aliasAddRes are adds through any name, by the collection's kind.
var aliasAddRes = map[string]*lazyRegexp{
	"Array": lazyRE(`\b([\w$]+)\s*\.\s*(?:push|unshift)\s*\(`),
	"Map":   lazyRE(`\b([\w$]+)\s*\.\s*set\s*\(`),
	"Set":   lazyRE(`\b([\w$]+)\s*\.\s*add\s*\(`),
}

// aliasAdd is the statement of h's library that adds to its Array, Map or
// Set field through a local it was read into above, in the same function
// (let listeners = x.changeListeners_; … listeners.push(handler); var
// cacheMap = this._cacheMap; … cacheMap.set(cacheKey, promise)); nil when
// none. A Map's or a Set's add may come after the lookup that misses, so
// it is looked for further down than a push.
func aliasAdd(h *Holder, src Sources) *Statement {
	name, ok := fieldName(h)
	add := aliasAddRes[h.Kind]
	if !ok || add == nil {
		return nil
	}
	reach := 4
	if h.Kind != "Array" {
		reach = 40
	}
	names := regexp.QuoteMeta(name)
	for _, a := range h.fieldAliases {
		names += "|" + regexp.QuoteMeta(a)
	}
	// Read into a local (const m = this._store), or destructured from
	// the object that keeps it (const { store } = this.opts).
	alias := regexp.MustCompile(`^\s*(?:const|let|var)\s+(?:([\w$]+)\s*=\s*[\w$.]*\.(?:` + names + `)\b|\{[^}]*?\b(` + names + `)\b(?:\s*:\s*([\w$]+))?[^}]*\}\s*=)`)
	var found *Statement
	matchLines(alias, []string{h.libScript}, src, func(sc string, lines [][]byte, i int, _ []int) {
		if found != nil {
			return
		}
		m := alias.FindSubmatch(lines[i])
		local := string(m[1])
		switch {
		case len(m[3]) > 0:
			local = string(m[3])
		case len(m[2]) > 0:
			local = string(m[2])
		}
		for k := i + 1; k < len(lines) && k <= i+reach; k++ {
			if alias.Match(lines[k]) {
				break // read again: another function's
			}
			if m := add.get().FindSubmatch(lines[k]); m != nil && string(m[1]) == local {
				found = &Statement{Script: sc, Line: k + 1, Column: indentOf(lines[k]) + 1, Text: clipLine(lines[k])}
				return
			}
		}
	})
	return found
}

// valueAdds is the statement that adds to a collection kept as a value of
// a Map or dictionary (h.ValueOf): in a script that takes the value into a
// variable (const list = this.byCarrier.get(carrier)), that variable's
// push, unshift, set or add after it.
func valueAdds(h *Holder, own []string, src Sources) *Statement {
	if h == nil || !identRe.MatchString(h.ValueOf) {
		return nil
	}
	take := regexp.MustCompile(`\b([A-Za-z_$][\w$]*)\s*=\s*(?:this\s*\.\s*)?` + regexp.QuoteMeta(h.ValueOf) + `\s*(?:\.\s*get\s*\(|\[)`)
	var found *Statement
	matchLines(take, own, src, func(sc string, lines [][]byte, i int, loc []int) {
		if found != nil {
			return
		}
		m := take.FindSubmatch(lines[i])
		add := regexp.MustCompile(`\b` + regexp.QuoteMeta(string(m[1])) + `\s*\.\s*(?:push|unshift|set|add)\s*\(`)
		for k := i; k < len(lines) && k < i+12; k++ {
			if loc := add.FindIndex(lines[k]); loc != nil && !commentBefore(lines[k], loc[0]) {
				found = &Statement{Script: sc, Line: k + 1, Column: loc[0] + 1, Text: clipLine(lines[k])}
				return
			}
		}
		found = accessorAdds(string(m[1]), sc, lines, i, own, src)
	})
	return found
}

// accessorAdds: the value taken into local at line i (0-based) is what
// its function returns (a get-or-create: function spansFor(op) { let
// spans = byOp.get(op); …; return spans; }), and the program adds to
// what that function returns: spansFor(info.operation).push(…). nil
// otherwise.
func accessorAdds(local, sc string, lines [][]byte, i int, own []string, src Sources) *Statement {
	fn := functionAbove(sc, lines, i+1)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return nil
	}
	ret := regexp.MustCompile(`\breturn\s+` + regexp.QuoteMeta(local) + `\s*;?\s*$`)
	returns := false
	for k, end := i+1, min(bodyEnd(lines, fn.Line), len(lines)); k < end; k++ {
		returns = returns || ret.Match(lines[k])
	}
	if !returns {
		return nil
	}
	call := regexp.MustCompile(`\b` + regexp.QuoteMeta(fn.Function) + `\s*\((?:[^()]|\([^()]*\))*\)\s*\.\s*(?:push|unshift|set|add)\s*\(`)
	return findStatement(call, programScripts(append([]string{sc}, own...), src), src)
}

// writesPattern matches a write to the stream whose WritableState is on
// path, by the name the program keeps the stream in; nil without one.
func writesPattern(path []PathStep) *regexp.Regexp {
	for i := len(path) - 1; i >= 1; i-- {
		if path[i].Class == "WritableState" {
			if name := path[i-1].Edge; identRe.MatchString(name) {
				return regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*\.\s*write\s*\(`)
			}
			return nil
		}
	}
	return nil
}

// reactsPattern matches a call that subscribes to the long-lived pending
// promise whose reactions pile up on path, by the name the program keeps
// it in: Promise.race([work, stopping]), await stopping, stopping.then(;
// nil without one.
func reactsPattern(path []PathStep) *regexp.Regexp {
	name, ok := reactionsOn(path)
	if !ok || !identRe.MatchString(name) {
		return nil
	}
	n := regexp.QuoteMeta(name)
	return regexp.MustCompile(`Promise\s*\.\s*(?:race|any|all|allSettled)\s*\([^;]*\b` + n + `\b|\bawait\s+(?:this\s*\.\s*)?` + n + `\b|\b` + n + `\s*\.\s*(?:then|catch|finally)\s*\(`)
}

// pipePattern matches the pipe() call into the destination whose
// listeners pile up (reqLog.pipe(auditSink, { end: false })), by the name
// the path reaches the destination by; nil unless they are pipe()'s.
func pipePattern(h *Holder, path []PathStep) *regexp.Regexp {
	if _, ok := pipedInto(&Suspect{Holder: h}); !ok {
		return nil
	}
	for _, st := range path {
		if st.ID == h.ID && identRe.MatchString(st.Edge) && (st.EdgeType == "property" || st.EdgeType == "context") {
			return regexp.MustCompile(`\.\s*pipe\s*\(\s*(?:this\s*\.\s*)?` + regexp.QuoteMeta(st.Edge) + `\b`)
		}
	}
	return nil
}

// timerPattern matches the call that starts the timer a path runs through
// (Timeout._onTimeout): setTimeout(this._beat.bind(this), 50) for a bound
// callback, setInterval(this.poll, 1000) or setInterval(poll for a named
// one; nil for an inline function (its own location is that call) or a
// path through no timer.
func timerPattern(path []PathStep) *regexp.Regexp {
	for i := len(path) - 1; i >= 0; i-- {
		st := path[i]
		if st.Edge != "_onTimeout" || st.Type != "closure" {
			continue
		}
		start := `\b(?:setTimeout|setInterval)\s*\(\s*`
		fn, bound := strings.CutPrefix(st.Name, "bound ") // V8 names a bound function after its target
		switch {
		case bound && identRe.MatchString(fn):
			return regexp.MustCompile(start + `(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(fn) + `\s*\.\s*bind\s*\(`)
		case st.Name == "native_bind":
			return regexp.MustCompile(start + `[^,;()]*\.\s*bind\s*\(`)
		case identRe.MatchString(st.Name):
			return regexp.MustCompile(start + `(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(st.Name) + `\s*[,)]`)
		}
		return nil
	}
	return nil
}

// registersPattern matches a call passing the function named by class
// ("check()") as an argument: x.subscribe(check), on('e', check); nil
// when class is not a named function.
func registersPattern(class string) *regexp.Regexp {
	name, ok := strings.CutSuffix(class, "()")
	if !ok || !identRe.MatchString(name) {
		return nil
	}
	return regexp.MustCompile(`\.\s*[A-Za-z_$][\w$]*\s*\(\s*(?:[^()]*,\s*)?` + regexp.QuoteMeta(name) + `\s*[,)]`)
}

// removalCallRe matches the start of a call that takes something out
// (.off(, .removeListener(, .unsubscribe().
var removalCallRe = lazyRE(`^\.\s*(?:` + removalVerbs + `)\s*\(`)

// findRegistration is the first call passing the function named by class
// as an argument (registersPattern) that is not its removal: a listener
// taken out before the line that adds it (an early worker.off(..., fn)
// inside fn) is not where it was added.
func findRegistration(class string, own []string, src Sources) *Statement {
	return firstStatement(registersPattern(class), own, src, nil, func(line []byte, loc []int) bool {
		return removalCallRe.Match(line[loc[0]:loc[1]])
	})
}

// programScripts are the program's scripts a suspect involves: its code
// location's, and those of the functions and the classes of the objects on
// its path (a variable's module, the class that keeps the collection).
func (x *explainer) programScripts(loc *Location, raw []rawStep) []string {
	var out []string
	add := func(l *Location) {
		if programLocation(l) && !slices.Contains(out, l.Script) {
			out = append(out, l.Script)
		}
	}
	add(loc)
	s := x.g.S
	for _, r := range raw {
		switch int(s.NodeType[r.node]) {
		case s.NodeTypeIndex.Closure:
			add(x.location(r.node))
		case s.NodeTypeIndex.Object:
			if x.userObject(r.node) {
				add(x.ctorLocation(r.node))
			}
		case s.NodeTypeIndex.Hidden:
			// An ES module on the way (its variables hold the rest):
			// its creations are in its script or the ones it imports.
			switch s.NodeNameString(r.node) {
			case "system / SourceTextModule":
				if url, ok := x.g.ESModuleURL(r.node); ok {
					add(&Location{Script: url})
				}
			case "system / Cell":
				// An ES module's variable, maybe imported: the module
				// that exports it (whose table of exports holds the
				// cell) is where it is made.
				for t := range x.g.Retainers(r.node) {
					for rec := range x.g.Retainers(t) {
						if s.NodeNameString(rec) == "system / SourceTextModule" {
							if url, ok := x.g.ESModuleURL(rec); ok {
								add(&Location{Script: url})
							}
						}
					}
				}
			}
		}
	}
	return out
}

// newPattern matches the creation of an object of class class (new
// Environment(, new nunjucks.Environment(); nil for a class the source
// cannot spell.
func newPattern(class string) *regexp.Regexp {
	if !identRe.MatchString(class) {
		return nil
	}
	return regexp.MustCompile(`\bnew\s+(?:[A-Za-z_$][\w$]*\s*\.\s*)*` + regexp.QuoteMeta(class) + `\s*\(`)
}
