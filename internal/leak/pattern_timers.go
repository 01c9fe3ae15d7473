// Pattern timer: Timeouts and Immediates created and never cleared.

package leak

import (
	"bytes"
	"fmt"
	"iter"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

// timerObject: a node timer object (the leaked object is a timer).
//
// A TimersList is one too: node keeps one list per duration, so timers
// that each have a duration of their own (a scheduler's time to its next
// run) pile up as lists of one.
func timerObject(name string) bool {
	return name == "Timeout" || name == "Immediate" || name == "TimersList"
}

// timerHolder: an object that holds what a timer keeps, or the timer lists
// that hold timers.
func timerHolder(name string) bool {
	switch name {
	case "Timeout", "Immediate", "TimersList", "ImmediateList":
		return true
	}
	return false
}

// timerHint is the fix for a PatternTimer suspect; per is its count range.
func timerHint(s *Suspect, per string) string {
	what := "timers"
	if s.Class != "" && s.Class != s.RootClass && s.Class != "Timeout" && s.Class != "Immediate" {
		what = "timers, each keeping " + article(s.Class) + " " + s.Class + ","
	}
	if socketTimeouts(s) {
		return fmt.Sprintf("each of these timers is the idle timeout node keeps for an open socket (socket.setTimeout, a server's keep-alive timeout) as long as the socket is open, so more and more sockets stay open%s: find what keeps them open (an http Agent's sockets in use when responses are not read: see its item), and end or destroy each socket when its work is done; the timers go with them", per)
	}
	if alsStore(s) {
		// A timer created inside AsyncLocalStorage.run() keeps the
		// store of the call that created it for as long as it lives.
		store := "store"
		if userClassName(s.Class) {
			store += " (" + s.Class + ")"
		}
		return fmt.Sprintf("timers created during requests are never cleared%s, and each keeps the AsyncLocalStorage %s of the request that created it: keep the handle and clear it in the request's finally block (or on the response's 'close'); timer.unref() does not free anything", per, store)
	}
	return fmt.Sprintf("%s are created and never cleared%s: keep the handle and call clearInterval/clearTimeout when the owner is done, and stop a setTimeout that reschedules itself once its work is done (timer.unref() only lets the process exit, it does not free anything)", what, per)
}

// libraryTimerHint is the fix for timers a library's objects run (a cron
// job's next tick): each class object (of pkg) is kept by its own timer
// until its method m is called.
func libraryTimerHint(s *Suspect, class, pkg, m string) string {
	what := ""
	if s.Class != "" && s.Class != class {
		what = ", and the " + s.Class + " its callback reaches,"
	}
	return fmt.Sprintf("each %s (%s) runs a timer of its own that keeps it%s alive until its %s() is called%s: call %s() on each one when what it serves is done, on every way that ends", class, pkg, what, m, countRange(s), m)
}

// ownedTimerHint is libraryTimerHint for timers of a library's object
// (class) that another object of its package (owner) makes and keeps,
// and whose method m ends both.
func ownedTimerHint(s *Suspect, owner, class, pkg, m string) string {
	return fmt.Sprintf("each %s (%s) makes %s %s that runs a timer of its own, which keeps it alive until the %s's %s() is called%s: call %s() on each %s when what it serves is done, on every way that ends, or make them ahead and reuse them, not one per call",
		owner, pkg, article(class), class, owner, m, countRange(s), m, owner)
}

// timerOwner is the object of v's package (pkg) that keeps v in a
// property and has a disposal method of its own, when there is exactly
// one: its class and that method.
func (x *explainer) timerOwner(v uint32, pkg string) (class, method string) {
	g := x.g
	s := g.S
	own := g.ClassName(v)
	n := 0
	for r, e := range g.Retainers(v) {
		if int(s.EdgeType(e)) != s.EdgeTypeIndex.Property {
			continue
		}
		c := g.ClassName(r)
		if c == own || !userClassName(c) || x.classPackage(r) != pkg {
			continue
		}
		if m := x.disposer(r); m != "" {
			class, method = c, m
			n++
		}
	}
	if n != 1 {
		return "", ""
	}
	return class, method
}

// alsStore: the path reaches the leaked object through a timer's async
// context (node keeps an AsyncLocalStorage store under kResourceStore, or
// in the async context frame on newer versions).
func alsStore(s *Suspect) bool {
	for _, st := range s.RetainerPath {
		// node 24+ names the frame's symbol kAsyncContextFrame and its
		// class AsyncContextFrame.
		if strings.Contains(st.Edge, "kResourceStore") || strings.Contains(st.Edge, "async_context_frame") ||
			strings.Contains(st.Edge, "kAsyncContextFrame") || st.Class == "AsyncContextFrame" {
			return true
		}
	}
	return false
}

// timerAtRe matches a timer started on a line, with the variable or
// property its handle goes to, if any: const heartbeat = setInterval(,
// or a library's promise-aware one (set-interval-async's
// setIntervalAsync, cleared with clearIntervalAsync).
var timerAtRe = lazyRE(`(?:(?:const|let|var)\s+)?((?:this\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)?\s*=?\s*\b(set(?:Timeout|Interval)(?:Async)?)\s*\(`)

// timerStartedAt is the statement that starts the timer whose callback is
// defined at loc (an arrow passed inline: setInterval(() => …) on the
// line the callback starts), nil when that line starts none.
func timerStartedAt(loc *Location, src Sources) *Statement {
	lines, ok := locationLines(loc, src)
	if !ok {
		return nil
	}
	line := lines[loc.Line-1]
	m := timerAtRe.FindIndex(line)
	if m == nil || commentBefore(line, m[0]) || loc.Column > 0 && m[1] > loc.Column {
		return nil // the callback must come after the call's "("
	}
	return &Statement{Script: loc.Script, Line: loc.Line, Column: m[0] + 1, Text: clipLine(line)}
}

// clearHint is the fix when the timer's handle is never cleared: kept in
// a variable nothing passes to clearInterval/clearTimeout, or not kept at
// all. "" when the program clears it somewhere (then it is some path that
// skips the clear) or the statement says nothing.
func clearHint(added *Statement, own []string, src Sources) (hint string, endings bool) {
	if added == nil || src == nil {
		return "", false
	}
	m := timerAtRe.FindStringSubmatch(added.Text)
	if m == nil {
		return "", false
	}
	clear := "clear" + strings.TrimPrefix(m[2], "set") // clearInterval, clearIntervalAsync
	at := fmt.Sprintf("%s:%d", filepath.Base(added.Script), added.Line)
	handle := strings.Join(strings.Fields(m[1]), "")
	if handle == "return" {
		// The handle goes back to the caller, which keeps it or not.
		return fmt.Sprintf("the %s started at %s returns its handle to the caller: keep it there and call %s(handle) when its owner is done (a connection's 'close')", m[2], at, clear), false
	}
	if handle == "" || jsKeywords[handle] || !assignRe.MatchString(added.Text) {
		return fmt.Sprintf("the %s started at %s keeps no handle, so nothing can clear it: keep the handle and call %s(handle) when its owner is done (a connection's 'close')", m[2], at, clear), false
	}
	name := handle[strings.LastIndexByte(handle, '.')+1:]
	re := regexp.MustCompile(`\bclear(?:Interval|Timeout)(?:Async)?\s*\(\s*(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(name) + `\s*\)`)
	if cl := findStatement(re, append([]string{added.Script}, own...), src); cl != nil {
		h := missedEndings(cl, fmt.Sprintf("%s(%s)", clear, handle), "clear the timer", src)
		if h == "" {
			h = overwrittenHandle(added, cl, handle, clear, m[2], src)
		}
		return h, h != ""
	}
	return fmt.Sprintf("nothing calls %s(%s) for the handle kept at %s: call it when its owner is done (a connection's 'close', a component's teardown)", clear, handle, at), false
}

// assignRe: the statement assigns (=, not =>, == or ===).
var assignRe = lazyRE(`[^=!<>]=[^=>]`)

// jsKeywords are words timerAtRe may take for a handle's name before a
// call (await setTimeout(…), void setInterval(…)).
var jsKeywords = map[string]bool{"await": true, "yield": true, "void": true, "typeof": true, "new": true, "case": true, "else": true, "do": true, "in": true, "of": true}

// endingRe is a statement that ends an object's life in its own method:
// it takes itself out of a registry or marks itself done.
var endingRe = lazyRE(`\.\s*delete\s*\(\s*this\b|\bthis\s*\.\s*(?:state|status)\s*=[^=]|\bthis\s*\.\s*(?:closed|done|finished|ended|destroyed|completed)\s*=\s*true`)

// takeOutRe is a statement that takes an entry out of a collection of
// the class: this.sessions.delete(id), this.queue.splice(i, 1). Group 1
// is the collection.
var takeOutRe = lazyRE(`\bthis\s*\.\s*([\w$]+)\s*\.\s*(?:delete|splice|remove)\s*\(`)

// missedEndings: the timer is cleared (cl), but in one method of its class
// only; the class's other methods that end an object (finish(), which
// takes it out of the sessions Map) without clearing it are how the
// objects that stay ended. "" when there are none. An ending is a
// method that marks its object done, or one that takes entries out of
// a collection the clearing method takes them out of too (close() and
// sweep() both delete from this.sessions). act says what to do there
// ("clear the timer").
func missedEndings(cl *Statement, clear, act string, src Sources) string {
	b, ok := src.Read(cl.Script)
	if !ok {
		return ""
	}
	lines := bytes.Split(b, []byte("\n"))
	fn := functionAbove(cl.Script, lines, cl.Line)
	if fn == nil {
		return ""
	}
	indent := indentOf(lines[fn.Line-1])
	// The class (or object) the method is in: from the line above it
	// indented less, to the line where that indentation comes back.
	top := outerLine(lines, fn.Line-1)
	if top < 0 || !classHeadRe.Match(lines[top]) {
		return ""
	}
	// The collections the clearing method takes its object out of.
	var outOf []string
	for _, m := range takeOutRe.FindAllSubmatch(bytes.Join(lines[fn.Line:bodyEnd(lines, fn.Line)], []byte("\n")), -1) {
		outOf = append(outOf, string(m[1]))
	}
	ends := func(body []byte) bool {
		if endingRe.Match(body) {
			return true
		}
		for _, m := range takeOutRe.FindAllSubmatch(body, -1) {
			if slices.Contains(outOf, string(m[1])) {
				return true
			}
		}
		return false
	}
	var missed, has []string
	for i, name := range methodHeads(lines, top, indent) {
		if i+1 == fn.Line || notFunctionNames[name] || name == "constructor" {
			continue
		}
		body := bytes.Join(lines[i+1:bodyEnd(lines, i+1)], []byte("\n"))
		at := fmt.Sprintf("%s() (%s:%d)", name, filepath.Base(cl.Script), i+1)
		called := strings.SplitN(clear, "(", 2)[0]
		if strings.HasSuffix(called, "."+name) {
			continue // the method called itself (close() in commit()): no ending without it
		}
		switch calls := bytes.Contains(body, []byte(called)); {
		case calls:
			has = append(has, at) // another method that clears it (cancel())
		case ends(body):
			missed = append(missed, at)
		}
	}
	if len(missed) == 0 {
		return ""
	}
	verb := "end"
	if len(missed) == 1 {
		verb = "ends"
	}
	where := fmt.Sprintf("%s() (%s:%d) only", fn.Function, filepath.Base(cl.Script), cl.Line)
	if len(has) > 0 {
		where = fmt.Sprintf("%s() (%s:%d) and %s", fn.Function, filepath.Base(cl.Script), cl.Line, strings.Join(has, " and "))
	}
	return fmt.Sprintf("%s is called in %s; %s also %s the object without it: %s there too, or in the one place every ending goes through",
		clear, where, strings.Join(missed, " and "), verb, act)
}

// methodHeads are the method heads of the class (or object literal)
// whose head is line top and whose methods are at indent: each line's
// index and the method's name, until a line indented less ends it.
func methodHeads(lines [][]byte, top, indent int) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for i := top + 1; i < len(lines); i++ {
			l := lines[i]
			if len(bytes.TrimSpace(l)) == 0 {
				continue
			}
			if indentOf(l) < indent {
				return // the class ends
			}
			if indentOf(l) != indent {
				continue
			}
			m := functionHeadRe.FindSubmatch(l)
			if m == nil {
				continue
			}
			for _, g := range m[1:] {
				if len(g) > 0 {
					if !yield(i, string(g)) {
						return
					}
					break
				}
			}
		}
	}
}

// classHeadRe is the head of a class, or of an object literal of methods.
var classHeadRe = lazyRE(`\bclass\b[^{]*\{\s*$|=\s*\{\s*$|\(\s*\{\s*$`)

// socketTimeouts: s's timers are sockets' own timeouts, as its path
// shows: a Timeout whose argument (_timerArgs[0]) is a socket.
func socketTimeouts(s *Suspect) bool {
	p := s.RetainerPath
	for i := 0; i+2 < len(p); i++ {
		if p[i].Class == "Timeout" && p[i+1].Edge == "_timerArgs" && p[i+2].Edge == "0" && strings.Contains(p[i+2].Class, "Socket") {
			return true
		}
	}
	return false
}

// pendingLimit is the longest one-shot timer whose pending count is work
// in flight in one snapshot: it fires soon and lets go of what it keeps.
// Longer ones (an expiry per cache entry) keep their objects for real.
const pendingLimit = 60_000 // ms

// oneShotTimers: the timers on path are one-shot (setTimeout: node sets
// _repeat to null; an interval's holds its period), in node's list for ms
// (timerListMap is keyed by duration), or, reached through the program's
// own table, still in node's lists (ms 0: not shown). ok is false when
// the path shows no such timer.
func (x *explainer) oneShotTimers(path []PathStep) (ms int, ok bool) {
	g := x.g
	ms = -1
	for i, st := range path {
		if st.Class == "TimersList" && i > 0 && path[i-1].Edge == "timerListMap" {
			if n, err := strconv.Atoi(st.Edge); err == nil {
				ms = n
			}
		}
	}
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].Class != "Timeout" {
			continue
		}
		v, found := g.NodeByID(path[i].ID)
		if !found {
			return 0, false
		}
		once, listed := false, false
		for e, to := range g.Edges(v) {
			switch g.S.EdgeName(e) {
			case "_repeat":
				once = g.IsOddball(to)
			case "_idleNext":
				// In node's list until it fires or is cleared, which
				// set it to null.
				listed = !g.IsOddball(to)
			}
		}
		if ms < 0 {
			// Reached through the program's own table (xstate's
			// timerMap), not node's list: pending if still listed, for
			// a duration the snapshot does not show (0).
			return 0, once && listed
		}
		return ms, once
	}
	return 0, false
}

// pendingHint is the fix of one snapshot's one-shot timers of ms: work in
// flight, unless a later snapshot shows as many, still rising.
func pendingHint(n int64, ms int, kept string) string {
	what := ""
	if kept != "" && kept != "Timeout" {
		what = " (here " + article(kept) + " " + kept + ")"
	}
	if ms <= 0 {
		// Found through the program's table: the duration is not shown.
		return fmt.Sprintf("%s one-shot timers (setTimeout) are pending in node's timer lists: each fires once and then lets go of what it keeps%s, so this is most likely work in flight (a delay, a retry, a state machine's timeout), not memory kept, unless their delays are long (an expiry per entry); it accumulates only if a later snapshot shows as many again, still rising",
			ui.Count(n), what)
	}
	return fmt.Sprintf("%s one-shot timers (setTimeout, %s) are pending: each fires within %s and then lets go of what it keeps%s, so this is work in flight, not memory kept; it accumulates only if a later snapshot shows as many again, still rising (a setTimeout that re-arms itself, or one per request under rising load)",
		ui.Count(n), durationText(ms), durationText(ms), what)
}

// durationText is "2.5 s", "250 ms", "1 min".
func durationText(ms int) string {
	switch {
	case ms < 1000:
		return fmt.Sprintf("%d ms", ms)
	case ms%60_000 == 0:
		return fmt.Sprintf("%d min", ms/60_000)
	}
	return strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64) + " s"
}

// overwrittenText marks overwrittenHandle's fix.
const overwrittenText = "without clearing the timer already there"

// overwrittenHandle is the fix when a method stores a new timer's handle
// in a field (this.heartbeat = setInterval(…)) without clearing the one
// already there: run twice for one object (a re-login, a reconnect), it
// loses the first timer, and the clear at cl stops only the last. "" when
// the method clears or checks the field first, or is the constructor.
func overwrittenHandle(added, cl *Statement, handle, clear, set string, src Sources) string {
	fn, from := overwrittenField(added, handle, src)
	if fn == nil {
		return ""
	}
	return fmt.Sprintf("%s()%s sets %s = %s(…) at %s:%d "+overwrittenText+": when it runs twice for one object (a second hello, a restart), the first timer's handle is lost, and %s(%s) at %s:%d stops only the last; clear it first (%s(%s) before %s), or return when it is set",
		fn.Function, from, handle, set, filepath.Base(added.Script), added.Line, clear, handle, filepath.Base(cl.Script), cl.Line, clear, handle, set)
}

// overwrittenField is the method that stores a handle in a field (handle
// is "this.NAME") at added without reading the field first, and its
// callers (" (called at a.js:3)"); nil when it reads, clears or tests the
// field before, or is the constructor (which runs once per object).
func overwrittenField(added *Statement, handle string, src Sources) (fn *Location, from string) {
	if !strings.HasPrefix(handle, "this.") {
		return nil, ""
	}
	lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src)
	if !ok || added.Line > len(lines) {
		return nil, ""
	}
	fn = functionAbove(added.Script, lines, added.Line)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return nil, ""
	}
	field := regexp.QuoteMeta(strings.TrimPrefix(handle, "this."))
	seen := regexp.MustCompile(`this\s*\.\s*` + field + `\b`)
	for k := fn.Line; k < added.Line-1; k++ {
		if seen.Match(lines[k]) {
			return nil, "" // cleared, tested or reset before
		}
	}
	var callers []string
	for _, c := range callSites(fn, []string{added.Script}, src) {
		if len(callers) < maxCallers {
			callers = append(callers, fmt.Sprintf("%s:%d", filepath.Base(c.Script), c.Line))
		}
	}
	if len(callers) > 0 {
		from = " (called at " + strings.Join(callers, ", ") + ")"
	}
	return fn, from
}
