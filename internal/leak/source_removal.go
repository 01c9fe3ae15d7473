// Where entries leave a collection: the statement of the program (or of
// the library that owns the collection) that deletes from it. A collection
// that only grows although such a statement exists is one whose entries
// miss it: an error path, an early return, a callback that never comes.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// removesPattern matches a statement that takes entries out of the
// collection by its name: sessions.delete(, pending.clear(), queue.shift(,
// delete cache[key], list.length = 0.
func removesPattern(h *Holder) *regexp.Regexp {
	if h == nil {
		return nil
	}
	name, ok := fieldName(h)
	private := !ok && strings.HasPrefix(name, "#") && identRe.MatchString(name[1:])
	if !ok && !private {
		return nil
	}
	e := removalExpr(h.Kind, name)
	if e == "" {
		return nil
	}
	if private {
		// A class's private field (this.#active.delete(id)): its # marks
		// its start, where \b cannot.
		e = strings.Replace(e, `\b`+regexp.QuoteMeta(name), regexp.QuoteMeta(name), 1)
	}
	if parts := strings.Split(h.Name, "."); len(parts) >= 2 && identRe.MatchString(parts[len(parts)-2]) && h.Kind != "dictionary" {
		// Reached by a computed key too, as nameAddsOf adds:
		// this.observers[event].delete(fn) takes from observers.added.
		e += `|\b` + regexp.QuoteMeta(parts[len(parts)-2]) + `\s*\[[^\]]+\]\s*\.\s*(?:shift|pop|splice|delete|clear)\s*\(`
	}
	return regexp.MustCompile(e)
}

// removalExpr is the expression of a statement that takes entries out of
// the collection kept in name ("" for a kind that has none): also what a
// trim does (see trimPatterns).
func removalExpr(kind, name string) string {
	n := `\b` + regexp.QuoteMeta(name)
	switch kind {
	case "Array":
		// Or a filtered copy put back (this.views = this.views.filter(…),
		// its right side often on the next line).
		q := regexp.QuoteMeta(name)
		return n + `\s*(?:\.\s*(?:shift|pop|splice|delete|clear)\s*\(|\.\s*length\s*=[^=])|` +
			n + `\s*=\s*(?:[\w$]+\s*\.\s*)*` + q + `\s*\.\s*(?:filter|slice)\s*\(|` + n + `\s*=\s*$`
	case "Map", "Set", "WeakMap", "WeakSet":
		return n + `\s*(?:\.\s*(?:shift|pop|splice|delete|clear)\s*\(|\.\s*length\s*=[^=])`
	case "dictionary":
		return `\bdelete\s+(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(name) + `\s*\[`
	}
	return ""
}

// removedAt is the statement that deletes from the suspect's collection,
// looked for where it adds first, then in its own scripts and the owning
// library's; nil when there is none to be found.
func removedAt(h *Holder, added *Statement, own []string, src Sources) *Statement {
	re := removesPattern(h)
	if re == nil && h != nil && h.Name == "" && added != nil {
		// A collection kept as another's value (rooms.get(room)) has no
		// name of its own: the variable the program adds through does.
		// (Its arguments may hold calls: members.set(id, { at: Date.now() }).)
		if m := addReceiverRe.FindStringSubmatch(added.Text); m != nil {
			recv := m[1][strings.LastIndexByte(m[1], '.')+1:] // (this.members: members)
			if e := removalExpr(h.Kind, strings.TrimSpace(recv)); e != "" {
				re = regexp.MustCompile(e)
			}
		}
	}
	if re == nil || src == nil || added == nil {
		return nil
	}
	scripts := []string{added.Script}
	scripts = append(scripts, own...)
	if h.libScript != "" {
		scripts = append(scripts, h.libScript)
	}
	// A library's removal in the body of another class than the
	// holder's owner is another object's (prom-client's Summary deletes
	// from its own hashMap, not a Histogram's).
	other := func(sc string, line int) bool {
		if programLocation(&Location{Script: sc}) {
			return false
		}
		if len(h.classScripts) > 0 && sc != h.libScript && !slices.Contains(h.classScripts, sc) && libraryPackage(sc) == h.Package {
			// Another file of the package, not on the owner's
			// prototype chain: another class's code (mnemonist's
			// BiMap clears its own items).
			return true
		}
		if h.Owner == "" {
			return false
		}
		c := classAbove(&Statement{Script: sc, Line: line}, src)
		return c != "" && c != h.Owner && !slices.Contains(h.baseClasses, c)
	}
	keep := func(sc string, line int) bool { return !other(sc, line) && !insertOnly(sc, line, src) }
	return preferSweep(findStatementWhere(re, scripts, src, keep), re, scripts, src, keep)
}

// removalHint adds to a growing collection's fix where its entries leave
// it: they do not get there.
// grew: a series saw the collection grow (one snapshot only shows it big,
// so the hint is conditional). The removing function's callers are looked
// for in all the program's scripts (files) when they are known, else in
// the suspect's own.
func removalHint(st *Statement, scripts, files []string, src Sources, grew bool) string {
	return siteOf(st, src).hint(st, scripts, files, src, grew)
}

// lazySweepAdvice: what to do when entries expire only as they are read.
const lazySweepAdvice = "sweep expired entries on a timer or in set(), and give it a maximum (an LRU with a TTL evicts both ways)"

// hint is removalHint for a removal whose site is read.
func (r removalSite) hint(st *Statement, scripts, files []string, src Sources, grew bool) string {
	at := fmt.Sprintf("%s:%d (%s)", st.Script, st.Line, strings.TrimSuffix(strings.TrimSpace(st.Text), ";"))
	if h := asyncHookHint(at, r.asyncHook, grew); h != "" {
		return h
	}
	switch {
	case r.fulfilled != nil && st.Others == 0:
		// Entries leave when their promise fulfils: one that rejects
		// keeps its entry for good.
		head := strings.TrimSpace(r.fulfilled.Text)
		if i := strings.LastIndex(head, ".then("); i >= 0 {
			head = head[:i] + ".then(…)"
		}
		return fmt.Sprintf("entries leave it at %s, in the .then() callback of %s:%d (%s), which runs only when that promise fulfils: a call that fails (an error status, a timeout, a refused connection) leaves its entry, the rejected promise, for good; take the entry out whether the promise fulfils or rejects (.finally(() => …delete(key)), or in a .catch() too)",
			at, filepath.Base(r.fulfilled.Script), r.fulfilled.Line, head)
	case r.lazyFn != "":
		// Expired entries leave only when they are read again: a key
		// never asked for again stays.
		return fmt.Sprintf("entries leave it at %s only when %s() reads one after it expired: a key that is never asked for again stays for good, whatever its TTL (keys made per request, per user or per tenant); %s",
			at, r.lazyFn, lazySweepAdvice)
	case r.chain != nil:
		// Entries leave when a promise settles: those that stay wait
		// on one that never did.
		stay := "those here are calls still waiting, or ones that never will"
		if grew {
			stay = "the entries that stay are calls whose promise never settled"
		}
		return fmt.Sprintf("entries leave it at %s when the promise of %s (%s:%d) settles; %s: something %s() awaits never answers (an upstream call with no timeout, an event that never comes): give each call it waits on a deadline (AbortSignal.timeout(ms), or a timer that rejects) so the promise settles",
			at, strings.TrimSpace(strings.TrimSuffix(r.chain.Text, ";")), filepath.Base(r.chain.Script), r.chain.Line, stay, r.chainFn)
	case r.pipe != nil && grew:
		return fmt.Sprintf("entries leave it at %s, in %s's '%s' listener, and %s is fed by a .pipe() chain (%s:%d: %s), which does not pass errors on: when its source fails or is aborted, %s emits neither 'finish' nor 'error', so the entry stays; use stream.pipeline() there (it destroys every stream of the chain on any error) and delete the entry in its callback",
			at, r.recv, r.event, r.recv, filepath.Base(r.pipe.Script), r.pipe.Line, strings.TrimSuffix(r.pipe.Text, ";"), r.recv)
	case r.closing && st.Others == 0:
		// Entries leave when what they stand for closes: in one
		// snapshot, those there are in flight.
		where := fmt.Sprintf("%s, in %s's '%s' listener", at, r.recv, r.event)
		if !grew {
			return fmt.Sprintf("entries leave it at %s: those here are in flight, each until its %s emits '%s'; one stays only if that never happens (a response never ended, a socket never destroyed)", where, r.recv, r.event)
		}
		return fmt.Sprintf("entries leave it at %s, and the entries that stay belong to %s objects that never emitted '%s': end or destroy each one on every path (errors, timeouts, early returns), or delete the entry on 'error' too", where, r.recv, r.event)
	}
	more := ""
	switch {
	case st.Others == 1:
		more = " (and 1 more line)"
	case st.Others > 1:
		more = fmt.Sprintf(" (and %d more lines)", st.Others)
	}
	where := fmt.Sprintf("%s:%d (%s)%s%s", st.Script, st.Line, strings.TrimSuffix(st.Text, ";"), more, removalCallers(st, scripts, files, src))
	if h := sweptOnCondition(st, where, scripts, files, src, grew); h != "" {
		return h
	}
	if !grew {
		// (One snapshot: the hint around it says "if it should not keep
		// them all".)
		return fmt.Sprintf("entries leave it at %s: %s", where, everyPathAdvice)
	}
	if strings.HasSuffix(where, uncalledText) {
		// No path of the program gets there: there is no path to check.
		return fmt.Sprintf("entries leave it only at %s", where)
	}
	if h := catchSkipsRemoval(st, scripts, files, src); h != "" {
		// The error path that ends the work without it.
		return fmt.Sprintf("entries leave it at %s; %s", where, h)
	}
	return fmt.Sprintf("entries leave it at %s, which the entries that stay never reached: %s", where, everyPathAdvice)
}

// sweptOnCondition is the removal hint when the removal is guarded by a
// condition in a function a timer runs (a sweep every 2 s that deletes a
// limiter only once its bucket is full): every entry gets there, so the
// ones that stay are those the condition never lets go. "" otherwise.
func sweptOnCondition(st *Statement, where string, scripts, files []string, src Sources, grew bool) string {
	in := append([]string{st.Script}, scripts...)
	if len(files) > 0 {
		in = files // (all the program's: the suspect's are among them)
	}
	cond, fn, timer := sweepOf(st, in, src)
	if timer == nil {
		return ""
	}
	runs := fn.Function + "()"
	if !identRe.MatchString(fn.Function) {
		runs = fn.Function // (written in the timer's call)
	}
	if age, ok := sweepAge(st, cond, src); ok {
		// A sweep by age: every entry leaves once that old.
		return fmt.Sprintf("entries leave it at %s, once older than %s: %s runs on a timer (%s:%d: %s) and takes out every entry past that age, so it holds what the last %s added and levels off once the program has run that long; snapshots taken over less time than that see it still filling: take them further apart, or shorten the age if that is too much to hold",
			where, fmtAge(age), runs, filepath.Base(timer.Script), timer.Line, strings.TrimSuffix(timer.Text, ";"), fmtAge(age))
	}
	stay := "the entries that stay are those that condition never lets go"
	if !grew {
		stay = "the entries here are those that condition has not let go"
	}
	return fmt.Sprintf("entries leave it at %s, only when %s: %s runs on a timer (%s:%d: %s) and visits every entry, so %s: %s",
		where, cond, runs, filepath.Base(timer.Script), timer.Line, strings.TrimSuffix(timer.Text, ";"), stay, staleAdvice)
}

// staleAdvice ends sweptOnCondition's hint when the field that goes stale
// is not known.
// uncalledText ends a removal's place when no line of the program calls it.
const uncalledText = ", which nothing in the program calls"

const staleAdvice = "check that it becomes true for an entry no longer in use (a field a library object updates only inside its own methods stays as it was once the entry is idle: read it through a method that brings it up to date)"

// memberChainRe is a member chain in a condition: limiter.tokenBucket.content.
var memberChainRe = lazyRE(`\b([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)\b`)

// staleField names the field of cond that the library's objects raise
// or set only inside one method of theirs (a token bucket's content,
// refilled in drip()), read in lib's script and those beside it, and says to call
// that method first; "" when no field of cond is changed that way.
func staleField(cond, lib string, src Sources) string {
	if cond == "" || src == nil {
		return ""
	}
	scripts := append([]string{lib}, src.Siblings(lib)...)
	for _, m := range memberChainRe.FindAllString(cond, -1) {
		i := strings.LastIndexByte(m, '.')
		recv, field := m[:i], m[i+1:]
		// (What takes it down, -= and --, is not what the test waits for.)
		set := regexp.MustCompile(`\bthis\s*\.\s*` + regexp.QuoteMeta(field) + `\s*(?:=[^=]|\+=|\+\+)`)
		var in []*Location
		matchLines(set, scripts, src, func(sc string, lines [][]byte, k int, _ []int) {
			if fn := functionAbove(sc, lines, k+1); fn != nil && identRe.MatchString(fn.Function) && fn.Function != "constructor" {
				if !slices.ContainsFunc(in, func(l *Location) bool { return l.Function == fn.Function }) {
					in = append(in, &Location{Function: fn.Function, Script: sc, Line: k + 1})
				}
			}
		})
		if len(in) != 1 {
			continue
		}
		at := in[0]
		return fmt.Sprintf("%s is brought up only inside %s() (%s:%d), so an idle entry keeps the value it last had and never passes the test: call %s.%s() before it (if that is what brings it up to date), or read it through a method that does",
			m, at.Function, filepath.Base(at.Script), at.Line, recv, at.Function)
	}
	return ""
}

// loopGuardRe is a loop whose body is one guarded statement on its line:
// the if's condition (group 1).
var loopGuardRe = lazyRE(`^\s*for\s*\([^()]*(?:\([^()]*\)[^()]*)*\)\s*if\s*\((.*)\)\s*[\w$]`)

// guardIfRe is an if statement's head: its condition, to the last ")"
// before what it guards.
var guardIfRe = lazyRE(`^\s*if\s*\((.*)\)\s*(?:\{\s*$|[\w$])`)

// guardCondition is the condition of the if that guards the removal st:
// on its own line (if (full) map.delete(k)) or the block it is in; "" when
// none does.
func guardCondition(st *Statement, src Sources) string {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return ""
	}
	if m := guardIfRe.FindSubmatch(lines[st.Line-1]); m != nil {
		return string(bytes.TrimSpace(m[1]))
	}
	if m := loopGuardRe.FindSubmatch(lines[st.Line-1]); m != nil {
		// for (const [id, at] of seen) if (at < cutoff) seen.delete(id)
		return string(bytes.TrimSpace(m[1]))
	}
	d := indentOf(lines[st.Line-1])
	for k := st.Line - 2; k >= 0 && k >= st.Line-6; k-- {
		if len(bytes.TrimSpace(lines[k])) == 0 || indentOf(lines[k]) >= d {
			continue
		}
		if m := guardIfRe.FindSubmatch(lines[k]); m != nil && bytes.HasSuffix(bytes.TrimSpace(lines[k]), []byte("{")) {
			return string(bytes.TrimSpace(m[1]))
		}
		return ""
	}
	return ""
}

// everyPathAdvice ends a removal hint, unless the way out that skips the
// removal is found (cleanupExit).
const everyPathAdvice = "check that every path gets there (an error path, an early return or a callback that never comes skips it)"

// callsRe is a call of any of the functions names, bare or as a method
// (end(ctx), tracker.end(ctx)), not a longer name ending the same way.
func callsRe(names ...string) *regexp.Regexp {
	alt := make([]string, len(names))
	for i, n := range names {
		alt[i] = regexp.QuoteMeta(n)
	}
	return regexp.MustCompile(`(?:^|[^\w$.]|\.\s*)(?:` + strings.Join(alt, "|") + `)\s*\(`)
}

// maxCallers is how many call sites of a removing function are named.
const maxCallers = 3

// removalCallers says which function the removal is in and where the
// program calls it: " in notify(), called only at tracker.js:35" (the one
// success path that reaches it); "" when that cannot be told. Only a
// search of all the program's scripts (files) may say "only" or
// "nothing calls it".
func removalCallers(st *Statement, scripts, files []string, src Sources) string {
	fn := enclosingFunction(st, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return ""
	}
	in := []string{st.Script}
	whole := len(files) > 0
	if whole {
		scripts = files
	}
	for _, sc := range scripts {
		if !slices.Contains(in, sc) {
			in = append(in, sc)
		}
	}
	// The removal's own line is not a call of its function (cache.clear()
	// inside clear()).
	calls := slices.DeleteFunc(callSites(fn, in, src), func(c *Statement) bool { return c.Script == st.Script && c.Line == st.Line })
	n := len(calls)
	var sites []string
	for _, c := range calls[:min(n, maxCallers)] {
		sites = append(sites, fmt.Sprintf("%s:%d", filepath.Base(c.Script), c.Line))
	}
	switch {
	case n == 0 && handedOut(fn, in, src):
		// Returned or stored as a value (a memoizer's wrapper): called
		// by the names it is kept under, which a search by its own
		// name does not find.
		return fmt.Sprintf(" in %s()", fn.Function)
	case n == 0 && whole:
		return fmt.Sprintf(" in %s()%s", fn.Function, uncalledText)
	case n == 0:
		return fmt.Sprintf(" in %s()", fn.Function)
	case n == 1 && whole:
		return fmt.Sprintf(" in %s(), called only at %s", fn.Function, sites[0])
	case n <= maxCallers:
		return fmt.Sprintf(" in %s(), called at %s", fn.Function, strings.Join(sites, ", "))
	}
	return fmt.Sprintf(" in %s()", fn.Function)
}

// handedOut: the function fn is used as a value in its script or one of
// scripts (return memoized, wrapper.fn = memoized, register(memoized),
// combineReducers({ jobs: jobsReducer })), so it is called by other names.
func handedOut(fn *Location, scripts []string, src Sources) bool {
	n := regexp.QuoteMeta(fn.Function)
	re := regexp.MustCompile(`\breturn\s+` + n + `\b\s*[;\n}]|[=(,:]\s*` + n + `\s*[;,)}\n]`)
	// Its own script first; then the others it may be imported into
	// (combineReducers({ jobs: jobsReducer }) in store.js).
	for i, sc := range append([]string{fn.Script}, scripts...) {
		if i > 0 && scriptKey(sc) == scriptKey(fn.Script) {
			continue // (read first)
		}
		if b, ok := src.Read(sc); ok && re.Match(b) {
			return true
		}
	}
	return false
}

// addCallRe matches a call adding to a collection: its receiver (set,
// this.connections), the verb and the arguments (no nested calls).
var addCallRe = lazyRE(`((?:this\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*(add|set|push|unshift)\s*\(([^()]*)\)`)

// addReceiverRe is the receiver of an adding call, whatever its
// arguments: members in members.set(id, { since: Date.now() }).
var addReceiverRe = lazyRE(`((?:this\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*(?:add|set|push|unshift)\s*\(`)

var argIdentRe = lazyRE(`[A-Za-z_$][\w$]*`)

// verbKinds is the kind of collection an add verb fills.
var verbKinds = map[string]string{"add": "Set", "set": "Map", "push": "Array", "unshift": "Array"}

// twinRemoval is the fix when the function that adds an entry (added)
// also adds it to another collection, and the program takes it out of
// that one only: a socket kept in this.connections and in its user's Set,
// deleted from connections on 'close' and never from the Set. "" when
// there is no such pair.
func twinRemoval(added *Statement, src Sources) string {
	if added == nil || added.Library != nil || src == nil {
		return ""
	}
	b, ok := src.Read(added.Script)
	if !ok {
		return ""
	}
	lines := bytes.Split(b, []byte("\n"))
	if added.Line < 1 || added.Line > len(lines) {
		return ""
	}
	m := addCallRe.FindSubmatch(lines[added.Line-1])
	fn := enclosingFunction(added, src)
	if m == nil || fn == nil {
		return ""
	}
	coll := compact(m[1])
	args := map[string]bool{}
	for _, a := range argIdentRe.FindAll(m[3], -1) {
		args[string(a)] = true
	}
	removes := func(recv, verb string) *Statement {
		name := recv[strings.LastIndexByte(recv, '.')+1:]
		e := removalExpr(verbKinds[verb], name)
		if e == "" {
			return nil
		}
		return findStatement(regexp.MustCompile(e), []string{added.Script}, src)
	}
	if removes(coll, string(m[2])) != nil {
		return ""
	}
	// The function's body: the lines below its head indented more.
	head := indentOf(lines[fn.Line-1])
	for k := fn.Line; k < len(lines); k++ {
		l := lines[k]
		if len(bytes.TrimSpace(l)) > 0 && indentOf(l) <= head {
			break
		}
		for _, o := range addCallRe.FindAllSubmatch(l, -1) {
			other := compact(o[1])
			if other == coll || !sharesArg(o[3], args) {
				continue
			}
			if st := removes(other, string(o[2])); st != nil {
				base := filepath.Base(added.Script)
				name, of := coll, fmt.Sprintf(" (line %d)", added.Line)
				if outer := lookedUpIn(coll, lines, fn.Line, added.Line); outer != "" {
					// A collection looked up in another (a Set per
					// column): name the outer one, which the code knows.
					name, of = coll+" in "+outer, fmt.Sprintf(" (one of the values of %s, line %d)", outer, added.Line)
				}
				where := ""
				if r := enclosingFunction(st, src); r != nil && r.Function != fn.Function {
					where = " in " + r.Function + "()"
				}
				return fmt.Sprintf("what %s adds to %s%s also goes into %s (line %d)%s%s:%d%s (%s): take it out of %s there too (and drop a collection left empty)",
					fn.Function, coll, of, other, k+1, twinText, base, st.Line, where, strings.TrimSuffix(st.Text, ";"), name)
			}
		}
	}
	return ""
}

// lookedUpIn is the collection that local holds a value of, when the
// function (head at line from, 1-based) assigns it from a lookup
// (holders = this.byColumn.get(column)) above line: "" otherwise.
func lookedUpIn(local string, lines [][]byte, from, line int) string {
	if !identRe.MatchString(local) {
		return ""
	}
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(local) + `\s*=\s*((?:this\s*\.\s*)?[\w$#.]+?)\s*\.\s*get\s*\(`)
	for k := from; k < line && k <= len(lines); k++ {
		if m := re.FindSubmatch(lines[k-1]); m != nil {
			return compact(m[1])
		}
	}
	return ""
}

// twinText is what a twinRemoval hint says of the one collection its
// entries leave: they pile up in the other, whatever else they keep.
const twinText = ", and leaves only that one, at "

// compact is a receiver without its spaces (this . x → this.x).
func compact(b []byte) string { return strings.Join(strings.Fields(string(b)), "") }

func sharesArg(list []byte, args map[string]bool) bool {
	for _, a := range argIdentRe.FindAll(list, -1) {
		if args[string(a)] && string(a) != "this" {
			return true
		}
	}
	return false
}

// uncalledRemoval is the fix when the removal st is a library's (in its
// script), in a method (db.removeCollection) that the program, which keeps
// the library's object as h.OwnerName, never calls: "" otherwise.
func uncalledRemoval(h *Holder, st *Statement, own []string, src Sources) (hint, method string) {
	if h == nil || st == nil || programLocation(&Location{Script: st.Script}) || !identRe.MatchString(h.OwnerName) {
		return "", ""
	}
	// The owner's own method, on its own field (this.collections.splice):
	// not an entry taking itself out of its parent's (a child logger's
	// close(): this._parent._children.delete(this)).
	name, ok := fieldName(h)
	if !ok || !regexp.MustCompile(`(?:^|[^\w$.])this\s*\.\s*`+regexp.QuoteMeta(name)+`\s*[.\[]`).MatchString(st.Text) {
		return "", ""
	}
	fn := enclosingFunction(st, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return "", ""
	}
	private := ""
	if strings.HasPrefix(fn.Function, "_") {
		// A private method is the library's to call: the program ends
		// entries through a public one that reaches it (winston's
		// close(id) → _removeLogger → _delete).
		private = fn.Function
		if fn = publicCaller(fn, src); fn == nil {
			return "", ""
		}
	}
	if len(programScripts(own, src)) == 0 {
		return "", "" // (no script of the program to tell that none calls it)
	}
	call := regexp.MustCompile(`\b` + regexp.QuoteMeta(h.OwnerName) + `\s*\.\s*` + regexp.QuoteMeta(fn.Function) + `\s*\(`)
	if findStatement(call, programScripts(own, src), src) != nil || wrapperCalled(fn, st, own, src) {
		return "", ""
	}
	if private != "" {
		return fmt.Sprintf("the library takes entries out through its %s() (%s:%d), which reaches %s() (%s:%d: %s), and nothing in the program calls %s.%s(): call it when what each entry is for is done",
			fn.Function, filepath.Base(fn.Script), fn.Line, private, st.Script, st.Line, strings.TrimSuffix(st.Text, ";"), h.OwnerName, fn.Function), fn.Function
	}
	return fmt.Sprintf("the library takes entries out in its %s() (%s:%d: %s), and nothing in the program calls %s.%s(): call it when what each entry is for is done",
		fn.Function, st.Script, st.Line, strings.TrimSuffix(st.Text, ";"), h.OwnerName, fn.Function), fn.Function
}

// wrapperCalled: another object of the library calls the removing
// method fn on the holder's owner from a method of its own, and the
// program calls that method (express-session: req.session.destroy()
// calls the store's destroy()), so the program does reach the removal.
func wrapperCalled(fn *Location, st *Statement, own []string, src Sources) bool {
	calls := regexp.MustCompile(`[\w$\])]\s*\.\s*` + regexp.QuoteMeta(fn.Function) + `\s*\(`)
	self := thisCall(fn.Function)
	var wrappers []string
	matchLines(calls, append([]string{st.Script}, src.Siblings(st.Script)...), src, func(sc string, lines [][]byte, i int, loc []int) {
		if self.Match(lines[i]) {
			return // the owner's own call
		}
		w := functionAbove(sc, lines, i+1)
		if w == nil {
			return
		}
		name := w.Function
		if m := namedFunctionRe.FindSubmatch(lines[w.Line-1]); m != nil {
			// A method defined by a call (defineMethod(proto,
			// 'destroy', function destroy(fn) {): the function's name.
			name = string(m[1])
		}
		if identRe.MatchString(name) && !slices.Contains(wrappers, name) {
			wrappers = append(wrappers, name)
		}
	})
	if len(wrappers) == 0 {
		return false
	}
	return findStatement(callsRe(wrappers...), programScripts(own, src), src) != nil
}

// namedFunctionRe is a named function expression's name.
var namedFunctionRe = lazyRE(`\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(`)

// receiverCallRe is a program's call into a library object with its
// first argument: winston.loggers.add(loggerId, … → receiver (group 1),
// argument (2).
var receiverCallRe = lazyRE(`((?:[A-Za-z_$][\w$]*\s*\.\s*)*[A-Za-z_$][\w$]*)\s*\.\s*[A-Za-z_$][\w$]*\s*\(\s*((?:this\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*[,)]`)

// undoCall is method called as the program's statement added calls its
// library, with the same first argument (the key):
// winston.loggers.close(loggerId) for winston.loggers.add(loggerId, …).
// "" when added is not such a call.
func undoCall(added *Statement, method string) string {
	if added == nil || method == "" || !programScript(added.Script) {
		return ""
	}
	m := receiverCallRe.FindStringSubmatch(added.Text)
	if m == nil {
		return ""
	}
	return fmt.Sprintf("%s.%s(%s)", strings.Join(strings.Fields(m[1]), ""), method, strings.Join(strings.Fields(m[2]), ""))
}

// eventCallbackRe is a call made in a listener registered on the same
// line (logger.on('close', () => this._delete(id))): not a method's own
// call.
var eventCallbackRe = lazyRE(`\.\s*(?:on|once|addListener|addEventListener|prependListener)\s*\(`)

// publicCaller is the one public method (no leading _) of fn's script
// that reaches private fn through its private callers, at most three
// steps up; calls made in listeners do not count. nil when there is not
// exactly one.
func publicCaller(fn *Location, src Sources) *Location {
	var found *Location
	seen := map[string]bool{fn.Function: true}
	queue := []*Location{fn}
	for depth := 0; depth < 3 && len(queue) > 0; depth++ {
		var next []*Location
		for _, f := range queue {
			for _, c := range callSites(f, []string{f.Script}, src) {
				if eventCallbackRe.MatchString(c.Text) {
					continue
				}
				up := enclosingFunction(c, src)
				if up == nil || !identRe.MatchString(up.Function) || up.Function == "constructor" || seen[up.Function] {
					continue
				}
				seen[up.Function] = true
				if !strings.HasPrefix(up.Function, "_") {
					if found != nil {
						return nil
					}
					found = up
					continue
				}
				next = append(next, up)
			}
		}
		queue = next
	}
	return found
}

// callSites are the lines of scripts that call fn (bare or as a method),
// not its own head or another declaration of that name.
func callSites(fn *Location, scripts []string, src Sources) []*Statement {
	var sites []*Statement
	matchLines(callsRe(fn.Function), scripts, src, func(sc string, lines [][]byte, i int, _ []int) {
		if sc == fn.Script && i+1 == fn.Line {
			return // its own head
		}
		if m := functionHeadRe.FindSubmatch(lines[i]); m != nil && (string(m[1]) == fn.Function || string(m[2]) == fn.Function || string(m[3]) == fn.Function) {
			return // another declaration of that name
		}
		if scriptKey(sc) != scriptKey(fn.Script) && thisCall(fn.Function).Match(lines[i]) && !callsRe(fn.Function).Match(thisCall(fn.Function).ReplaceAll(lines[i], nil)) {
			return // this.sweep() in another file: another class's method
		}
		sites = append(sites, &Statement{Script: sc, Line: i + 1, Text: clipLine(lines[i])})
	})
	return sites
}

// thisCall is a call of the method name on this (this.sweep()).
func thisCall(name string) *regexp.Regexp {
	return regexp.MustCompile(`\bthis\s*\.\s*` + regexp.QuoteMeta(name) + `\s*\(`)
}

// endOnly is the fix when the removal's function (remove()) is called at
// one place only, in a socket's or stream's 'end' (or 'finish') listener:
// one that fails or times out emits 'close' without it. "" otherwise.
func endOnly(rm *Statement, scripts []string, src Sources) string {
	fn := enclosingFunction(rm, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return ""
	}
	sites := callSites(fn, scripts, src)
	if len(sites) != 1 {
		return ""
	}
	c := sites[0]
	recv, event, ok := closingHandler(c, src)
	if !ok || event == "close" || event == "error" {
		return ""
	}
	at := fmt.Sprintf("%s:%d", filepath.Base(c.Script), c.Line)
	closeAt := ""
	lines, _ := locationLines(&Location{Script: c.Script, Line: c.Line}, src)
	onClose := regexp.MustCompile(regexp.QuoteMeta(recv) + `\s*\.\s*(?:on|once)\s*\(\s*['"]close['"]`)
	for k := max(0, c.Line-30); k < len(lines) && k < c.Line+30; k++ {
		if onClose.Match(lines[k]) {
			closeAt = fmt.Sprintf(" (%s:%d)", filepath.Base(c.Script), k+1)
			break
		}
	}
	return fmt.Sprintf("%s() is called only in %s's '%s' listener (%s): a %s that fails or times out emits 'close' without '%s', so its entry stays; call it in the 'close' listener%s instead, which follows '%s' and 'error' alike",
		fn.Function, recv, event, at, recv, event, closeAt, event)
}

// spliceInsertRe is a splice that removes nothing (splice(i, 0, x): an
// insert), and removalVerbRe a call that does take entries out.
var (
	spliceInsertRe = lazyRE(`\.\s*splice\s*\(\s*[^,()]+,\s*0\s*[,)]`)
	removalVerbRe  = lazyRE(`\.\s*(?:shift|pop|delete|clear)\s*\(|\.\s*length\s*=[^=]|\.\s*splice\s*\(\s*[^,()]+(?:\)|,\s*[^0\s,)])`)
)

// insertOnly: the line at sc:line inserts with splice(i, 0, …) and takes
// nothing out (markdown-it's Ruler.before(): this.__rules__.splice(index,
// 0, rule)), so it is no removal, whatever the pattern matched.
func insertOnly(sc string, line int, src Sources) bool {
	lines, ok := locationLines(&Location{Script: sc, Line: line}, src)
	if !ok || line < 1 || line > len(lines) {
		return false
	}
	l := lines[line-1]
	return spliceInsertRe.Match(l) && !removalVerbRe.Match(l)
}
