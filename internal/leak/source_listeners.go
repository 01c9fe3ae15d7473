// The program's own statements for listener suspects: the call that adds
// the listeners for their event, and the fix said with it (off() with the
// same function, where the program takes it out already, or only on its
// failure paths).

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// listenerAddedAt is the program's statement that adds the listeners for
// h's event (emitter.on('response', …)): the one that starts on the
// listener's own line or just above it when the listener is written in
// the call (an arrow), else the first in the program's scripts.
func listenerAddedAt(h *Holder, loc *Location, own []string, src Sources) *Statement {
	if src == nil || h == nil || h.Kind != "listeners" || h.Event == "" || strings.HasPrefix(h.Event, "<symbol") || strings.HasPrefix(h.Event, "Symbol(") {
		return nil
	}
	ev, ok := eventRe(h)
	if !ok {
		return nil
	}
	re := regexp.MustCompile(`\.\s*(?:` + listenerAddVerbs + `)\s*\(\s*` + ev)
	if programLocation(loc) {
		var near *Statement
		n := 0
		matchLines(re, []string{loc.Script}, src, func(sc string, lines [][]byte, i int, at []int) {
			n++
			// A multi-line call starts a few lines above its arrow.
			if line := i + 1; line <= loc.Line && line >= loc.Line-listenerCallLines {
				near = &Statement{Script: sc, Line: line, Column: at[0] + 1, Text: clipLine(lines[i])}
			}
		})
		if near != nil {
			near.Others = n - 1
			return near
		}
	}
	if st := findStatement(re, own, src); st != nil {
		return st
	}
	if programLocation(loc) && identRe.MatchString(loc.Function) {
		// The event in a variable (bus.on(channel, listener)): the call
		// that hands over the listener by its name.
		byName := regexp.MustCompile(`\.\s*(?:` + listenerAddVerbs + `)\s*\(\s*[^,()]+,\s*` + regexp.QuoteMeta(loc.Function) + `\s*[,)]`)
		if st := findStatement(byName, append([]string{loc.Script}, own...), src); st != nil {
			return st
		}
	}
	if identRe.MatchString(h.Name) {
		// The event in a variable, on the emitter the program names
		// (bus.on(topic, listener)): its one such call in a function.
		onEmitter := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(h.Name) + `\s*\.\s*(?:` + listenerAddVerbs + `)\s*\(\s*[A-Za-z_$][\w$.]*\s*,`)
		if st := findStatementWhere(onEmitter, own, src, func(sc string, line int) bool { return inFunction(sc, line, src) }); st != nil && st.Others == 0 {
			return st
		}
	}
	return nil
}

// listenerMadeAt is the statement that gives the listener added by its
// variable at st (bus.on(topic, listener)) its value, in st's function,
// when the code loc is not in that function; nil otherwise.
func listenerMadeAt(st *Statement, loc *Location, src Sources) *Statement {
	a, ok := readListenerAdd(st, src)
	if !ok {
		return nil
	}
	if loc != nil && loc.Script == st.Script {
		if lf := enclosingFunction(&Statement{Script: loc.Script, Line: loc.Line}, src); lf != nil && lf.Line == a.head {
			return nil
		}
	}
	return a.made()
}

// listenerAdd is the program's listener add by name at st, read with its
// function: the listener's name, the function's head line (1-based) and
// the script's lines.
type listenerAdd struct {
	st       *Statement
	listener string
	head     int
	lines    [][]byte
}

// readListenerAdd reads the listener add at st; false when st is not the
// program's add by name inside a function.
func readListenerAdd(st *Statement, src Sources) (listenerAdd, bool) {
	m := programListenerAdd(st, src)
	fn := enclosingFunction(st, src)
	if m == nil || fn == nil || fn.Line >= st.Line {
		return listenerAdd{}, false
	}
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	return listenerAdd{st: st, listener: m[3], head: fn.Line, lines: lines}, ok
}

// made is the statement above the add that gives the listener its value.
func (a listenerAdd) made() *Statement {
	return assignedAbove(a.listener, a.st, a.lines, a.head, false)
}

// wrappedKept is the fix when the listener added at st (bus.on(topic,
// listener)) is a wrapper the program made around its own function
// (const listener = throttle(deliver, ms)) and the function kept for the
// removal is the inner one (client.topics.set(topic, deliver)): removing
// deliver removes nothing, since deliver was never added. "" otherwise.
func wrappedKept(st *Statement, src Sources) string {
	a, ok := readListenerAdd(st, src)
	if !ok {
		return ""
	}
	made := a.made()
	if made == nil {
		return ""
	}
	// The functions the wrapper is made around: throttle(deliver, ms).
	var inner []string
	for _, w := range wrappedArgRe.FindAllStringSubmatch(made.Text, -1) {
		if w[1] != a.listener {
			inner = append(inner, w[1])
		}
	}
	lines, end := a.lines, bodyEnd(a.lines, a.head)
	for _, in := range inner {
		kept := regexp.MustCompile(`\.\s*(?:set|push|add)\s*\((?:[^()]*,)?\s*` + regexp.QuoteMeta(in) + `\s*\)|[\w$\].]\s*=\s*` + regexp.QuoteMeta(in) + `\s*;?\s*$`)
		for i := st.Line; i < end && i < len(lines); i++ {
			if loc := kept.FindIndex(lines[i]); loc != nil && !commentBefore(lines[i], loc[0]) {
				return fmt.Sprintf("%s:%d keeps %s for the removal (%s), but the listener added at %s:%d is %s, the function made around it at %s:%d (%s): removing %s removes nothing, since it was never added; keep %s there",
					filepath.Base(st.Script), i+1, in, strings.TrimSuffix(clipLine(lines[i]), ";"), filepath.Base(st.Script), st.Line, a.listener,
					filepath.Base(made.Script), made.Line, strings.TrimSuffix(made.Text, ";"), in, a.listener)
			}
		}
	}
	return ""
}

// wrappedArgRe: a function handed to a call that wraps it (throttle(deliver,
// ms), debounce(save), once(handler)).
var wrappedArgRe = lazyRE(`[\w$.]+\s*\(\s*([A-Za-z_$][\w$]*)\s*[,)]`)

// programListenerAdd takes apart st, the program's call adding a listener
// by name for an event in a variable (varListenerAddRe's groups: emitter,
// event, listener); nil for anything else.
func programListenerAdd(st *Statement, src Sources) []string {
	if st == nil || src == nil || !programScript(st.Script) {
		return nil
	}
	return varListenerAddRe.FindStringSubmatch(st.Text)
}

// varListenerAddRe takes apart a call adding a listener by name for an
// event in a variable: bus.on(channel, listener).
var varListenerAddRe = lazyRE(`([\w$.]+?)\s*\.\s*(?:on|addListener|prependListener)\s*\(\s*([A-Za-z_$][\w$.]*)\s*,\s*([A-Za-z_$][\w$]*)\s*\)`)

// closingOnlyRemoval is the fix when the listener added by name at st
// (for an event in a variable) is removed by a function of the program
// that is called only from ending-event listeners of one kind of object
// (conn.rl.on('close', () => unsubscribeAll(conn))): the listeners that
// stay belong to work that ended without that object emitting it. ""
// otherwise.
func closingOnlyRemoval(st *Statement, scripts []string, src Sources) string {
	m := programListenerAdd(st, src)
	if m == nil {
		return ""
	}
	name := m[3]
	removes := regexp.MustCompile(`\.\s*(?:off|removeListener)\s*\(\s*[^,()]+,\s*` + regexp.QuoteMeta(name) + `\s*[,)]`)
	rm := findStatement(removes, append([]string{st.Script}, scripts...), src)
	if rm == nil {
		return ""
	}
	if recv, event, ok := closingHandler(rm, src); ok && (event == "finish" || event == "end") {
		// Removed in the listener of an ending event that only a
		// normal end gives: a client that goes away first, or an
		// error, gives 'close' alone.
		return fmt.Sprintf("%s:%d adds %s, and %s:%d takes it out only when %s emits '%s', which it does not when the other side goes away first or it fails: take it out on '%s' instead (%s.once('close', …)), which comes either way",
			filepath.Base(st.Script), st.Line, name, filepath.Base(rm.Script), rm.Line, recv, event, "close", recv)
	}
	fn := enclosingFunction(rm, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return ""
	}
	calls := callSites(fn, scripts, src)
	if len(calls) == 0 {
		return ""
	}
	var recv, event string
	for _, c := range calls {
		r, e, ok := closingHandler(c, src)
		if !ok || recv != "" && (r != recv || e != event) {
			return ""
		}
		recv, event = r, e
	}
	c := calls[0]
	return fmt.Sprintf("%s:%d adds %s, and %s() takes it out (%s:%d), called only when %s emits '%s' (%s:%d): the listeners that stay belong to work that ended without %s emitting '%s' (destroyed on a timeout or an error, say); call %s() on an event that comes however the work ends (the socket's or stream's own 'close')",
		filepath.Base(st.Script), st.Line, name, fn.Function, filepath.Base(rm.Script), rm.Line, recv, event, filepath.Base(c.Script), c.Line, recv, event, fn.Function)
}

// eventRe matches h's event as the program writes it: a string literal
// ('response'), or for events named one per call (or ending in an id) the
// literal part before the id in a template or a concatenation
// (`done:${id}`, 'done:' + id).
func eventRe(h *Holder) (string, bool) {
	shape := EventShape(h.Event)
	i := strings.Index(shape, "<id>")
	if i < 0 || h.EventsLike == 0 && (!strings.HasSuffix(shape, "<id>") || i < 3) {
		// No id, or one inside a name ('v2:ready'): the name itself.
		return quotedRe(h.Event) + `\s*,`, true
	}
	if i == 0 {
		return "", false
	}
	return "['\"`]" + regexp.QuoteMeta(h.Event[:i]), true
}

// quotedRe matches s as a string literal in any of JavaScript's quotes
// ('response', "response", `response`).
func quotedRe(s string) string { return "['\"`]" + regexp.QuoteMeta(s) + "['\"`]" }

// listenerCallLines is how far above an inline listener the call that
// adds it may start.
const listenerCallLines = 3

// failurePathRe: a line that handles a failure or a timeout.
// clearTimerRe is a line that clears a timer.
var clearTimerRe = lazyRE(`^\s*clear(?:Timeout|Interval)\s*\(`)

var failurePathRe = lazyRE(`\bcatch\b|setTimeout\s*\(|[Tt]imeout\b|['"]error['"]|\breject\s*\(|\bon[A-Z]?[Ee]rror\b|\bfail`)

// failureOnly lists the lines matching removes (in scripts, else in the
// scripts beside them) when every one of them is on a failure path (the
// line or one of the three above it handles an error or a timeout);
// "" when one is not, or there are none.
func failureOnly(removes *regexp.Regexp, scripts []string, src Sources) string {
	var at []string
	all := true
	matchStatements(removes, scripts, src, nil, func(sc string, lines [][]byte, i int, _ []int) {
		failure := false
		for j := max(i-3, 0); j <= i; j++ {
			// (Clearing a timer is what the way that succeeds does.)
			failure = failure || failurePathRe.Match(lines[j]) && !clearTimerRe.Match(lines[j])
		}
		all = all && failure
		at = append(at, fmt.Sprintf("%s:%d", filepath.Base(sc), i+1))
	})
	if len(at) == 0 || !all {
		return ""
	}
	return strings.Join(at, ", ")
}

// listenerAddRe takes apart a program's call that adds a listener: the
// emitter, the verb, the event and what follows (the listener).
var listenerAddRe = lazyRE("([\\w$.]+?)\\s*\\.\\s*(on|once|addListener|prependListener|prependOnceListener|addEventListener)\\s*\\(\\s*['\"`]([^'\"`]+)['\"`]\\s*,\\s*(.*)$")

// freshListenerRe: a listener made in the call itself (an arrow, a
// function expression, a .bind()).
var freshListenerRe = lazyRE(`^` + freshFunc)

// namedListenerRe: a listener passed by name (onQuote, this.onData), and
// what follows it in the call (eventemitter3's context: on(ev, fn, this)).
var namedListenerRe = lazyRE(`^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)\s*(,\s*[\w$.]+\s*)?\)`)

// processEvents fire once, when the process ends (or never): once() does
// not take their listeners out sooner.
var processEvents = map[string]bool{"exit": true, "beforeExit": true, "SIGINT": true, "SIGTERM": true, "uncaughtException": true, "unhandledRejection": true}

// listenerFix is the fix for listeners of event that the program adds at
// st, in its own words: remove them with the same function (which an
// arrow or a .bind() made in the call cannot give), or, when the program
// does remove them somewhere, on every way the work ends; "" when st is
// not such a call. series: the listeners were seen to grow (else it is
// one snapshot, and whether they should all stay is not known).
func listenerFix(st *Statement, event string, own []string, src Sources, series bool) string {
	if st == nil || !programScript(st.Script) {
		return ""
	}
	m := listenerAddRe.FindStringSubmatch(st.Text)
	if m == nil || m[3] != event {
		return ""
	}
	recv, verb, listener := m[1], m[2], strings.TrimSpace(m[4])
	at := fmt.Sprintf("%s:%d", filepath.Base(st.Script), st.Line)
	off, when := "off", "when its work is done"
	alt := fmt.Sprintf(", or add it with %s.once('%s', …) if it should fire once", recv, event)
	if verb == "addEventListener" {
		off, alt = "removeEventListener", ", or add it with { once: true } if it should run once"
		if event == "abort" {
			// 'abort' fires once at most: a per-call signal takes the
			// listener out when the call ends.
			when, alt = "when the call ends", ", or add it with { signal } of a per-call AbortController that you abort when the call ends"
		}
	}
	if recv == "process" || processEvents[event] {
		alt = ", or add one listener at startup that works through a Set of what is pending"
	}
	if verb == "once" || verb == "prependOnceListener" {
		// It already goes when its event fires; the event does not come.
		alt = ""
	}
	if freshListenerRe.MatchString(listener) {
		if t, once := onceOutrun(st, src); t != nil && (verb == "once" || once) {
			// Once takes it out only if the event comes; the wait
			// ends first another way (a timer), leaving it.
			if event == "abort" {
				alt = ", or wait with setTimeout(ms, undefined, { signal }) of node:timers/promises, which takes its listener out either way"
			}
			return fmt.Sprintf("%s adds a listener made in the call, which nothing can remove later: once takes it out only if '%s' fires, and the wait usually ends first at the timer (%s:%d: %s), which leaves it; keep it (const onDone = …) and call %s.%s('%s', onDone) in that timer's callback%s",
				at, event, filepath.Base(t.Script), t.Line, strings.TrimSuffix(t.Text, ";"), recv, off, event, alt)
		}
		return fmt.Sprintf("%s adds a listener made in the call, which nothing can remove later: keep it (const onDone = …) and call %s.%s('%s', onDone) %s%s",
			at, recv, off, event, when, alt)
	}
	n := namedListenerRe.FindStringSubmatch(listener)
	if n == nil {
		return ""
	}
	name, args := n[1], n[1]
	if n[2] != "" {
		args += ", " + strings.TrimSpace(strings.TrimPrefix(n[2], ",")) // the same context
	}
	last := name[strings.LastIndexByte(name, '.')+1:]
	removes := regexp.MustCompile(`\.\s*(?:off|removeListener|removeEventListener)\s*\(\s*` + quotedRe(event) + `\s*,\s*(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(last) + `\s*[,)]`)
	if rm := findStatement(removes, append([]string{st.Script}, own...), src); rm != nil {
		if series {
			if f := failureOnly(removes, append([]string{st.Script}, own...), src); f != "" {
				return fmt.Sprintf("%s adds %s, and it is taken out only on a timeout or an error (%s), yet they stay: take it out also where the work succeeds (in %s itself, once it has handled what it waited for), with %s.%s('%s', %s)",
					at, name, f, last, recv, off, event, args)
			}
		}
		where := fmt.Sprintf("%s:%d", filepath.Base(rm.Script), rm.Line)
		if fn := enclosingFunction(rm, src); fn != nil && fn.Function != "" && fn.Function != "(anonymous)" {
			where += " (in " + fn.Function + "())"
		}
		switch rm.Others {
		case 0:
		case 1:
			where += " and one more line"
		default:
			where += fmt.Sprintf(" and %d more lines", rm.Others)
		}
		stay := "yet they stay: "
		if !series {
			stay = "if these should be gone: "
		}
		if e, call := cleanupExit(st, rm, own, src); e != nil {
			// The way out that skips it says where to add it.
			return fmt.Sprintf("%s adds %s, and it is taken out at %s, %s%s", at, name, where, stay, exitText(e, call))
		}
		if g := givesUpWithout(st, rm, last, src); g != nil {
			// Taken out by the listener itself, when what it waits for
			// comes; the timer that gives up waiting does not.
			return fmt.Sprintf("%s adds %s, and %s takes itself out at %s when what it waits for comes; the timer that gives up waiting (%s:%d: %s) does not, so every call that times out leaves its listener: add %s.%s('%s', %s) in that timer's callback",
				at, name, last, where, filepath.Base(g.Script), g.Line, g.Text, recv, off, event, args)
		}
		if h := constructorExit(st, rm, own, src); h != "" {
			// Added when an object is made, taken out by its method:
			// the maker that returns early without calling it.
			return fmt.Sprintf("%s adds %s, and it is taken out at %s, %s%s", at, name, where, stay, h)
		}
		if series {
			return fmt.Sprintf("%s adds %s, and it is taken out at %s, yet they stay: the work that keeps each one ends without reaching a removal; remove it on every way that work ends (success, failure, timeout), with the same function", at, name, where)
		}
		return fmt.Sprintf("%s adds %s, and it is taken out at %s: if these should be gone, the work that keeps each one ended without reaching a removal; remove it on every way that work ends (success, failure, timeout), with the same function", at, name, where)
	}
	if sib := siblingRemoval(st, recv, event, src); sib != nil {
		// The listener added beside it is taken out: there, this one too.
		when = fmt.Sprintf("where its sibling is, in %s:%d (%s)", filepath.Base(sib.Script), sib.Line, strings.TrimSuffix(strings.TrimSpace(sib.Text), ";"))
		if fn := enclosingFunction(sib, src); fn != nil && identRe.MatchString(fn.Function) {
			when = fmt.Sprintf("where its sibling is, in %s() (%s:%d: %s)", fn.Function, filepath.Base(sib.Script), sib.Line, strings.TrimSuffix(strings.TrimSpace(sib.Text), ";"))
		}
	}
	if !series {
		return fmt.Sprintf("%s adds %s and nothing removes it: if they should not all stay, call %s.%s('%s', %s) %s (the same function, not a new .bind())%s",
			at, name, recv, off, event, args, when, alt)
	}
	return fmt.Sprintf("%s adds %s and nothing removes it: call %s.%s('%s', %s) %s (the same function, not a new .bind())%s",
		at, name, recv, off, event, args, when, alt)
}

// siblingRemoval is the program's removal of another listener that the
// lines around st add to the same emitter (open() adds 'message' and
// 'shutdown'; close() takes 'message' out only): nil when there is none.
func siblingRemoval(st *Statement, recv, event string, src Sources) *Statement {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok || st.Line > len(lines) {
		return nil
	}
	for k := max(0, st.Line-4); k < min(len(lines), st.Line+3); k++ {
		m := listenerAddRe.FindStringSubmatch(string(lines[k]))
		if k == st.Line-1 || m == nil || m[1] != recv || m[3] == event {
			continue
		}
		rm := regexp.MustCompile(regexp.QuoteMeta(recv) + `\s*\.\s*(?:off|removeListener|removeEventListener)\s*\(\s*` + quotedRe(m[3]) + `\s*,`)
		if r := findStatement(rm, []string{st.Script}, src); r != nil {
			return r
		}
	}
	return nil
}

// givesUpWithout is the setTimeout, in the function that adds the listener
// name at st, whose callback does not remove it, when the removal rm is in
// the listener itself (it takes itself out when its answer comes): the
// timeout that gives up waiting leaves it. nil otherwise.
// onceOptionRe is an add's { once: true } option.
var onceOptionRe = lazyRE(`\bonce\s*:\s*true\b`)

// timerCallRe is a setTimeout call.
var timerCallRe = lazyRE(`\bsetTimeout\s*\(`)

// onceOutrun is the setTimeout, in the function that adds st (a wait
// wrapped in a promise), that ends the wait without the listener: the
// first one within a few lines before or after st (nil when none); and
// whether the add passes { once: true }, on its own lines.
func onceOutrun(st *Statement, src Sources) (*Statement, bool) {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok || st.Line > len(lines) {
		return nil, false
	}
	outer := functionAbove(st.Script, lines, st.Line)
	if outer == nil {
		return nil, false
	}
	once := false
	if callEnd := bodyEnd(lines, st.Line); callEnd <= len(lines) {
		// The add's options follow its listener's body: }, { once: true });
		for k := st.Line - 1; k < callEnd+1 && k < len(lines); k++ {
			once = once || onceOptionRe.Match(lines[k])
		}
	}
	end := bodyEnd(lines, outer.Line)
	for k := max(outer.Line, st.Line-6); k < end && k < len(lines) && k < st.Line+6; k++ {
		if k != st.Line-1 && timerCallRe.Match(lines[k]) {
			return &Statement{Script: st.Script, Line: k + 1, Column: indentOf(lines[k]) + 1, Text: clipLine(lines[k])}, once
		}
	}
	return nil, once
}

func givesUpWithout(st, rm *Statement, name string, src Sources) *Statement {
	if rm.Script != st.Script {
		return nil
	}
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok || rm.Line > len(lines) || st.Line > len(lines) {
		return nil
	}
	if f := functionAbove(st.Script, lines, rm.Line); f == nil || f.Function != name {
		return nil
	}
	outer := functionAbove(st.Script, lines, st.Line)
	if outer == nil {
		return nil
	}
	if k := timerWithout(lines, outer.Line, bodyEnd(lines, outer.Line), callPrefix(rm.Text)); k >= 0 {
		return &Statement{Script: st.Script, Line: k + 1, Column: indentOf(lines[k]) + 1, Text: clipLine(lines[k])}
	}
	return nil
}

// timerBlockRe is a setTimeout whose callback's body opens on its line.
var timerBlockRe = lazyRE(`\bsetTimeout\s*\(\s*(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*=>\s*\{\s*$|\bsetTimeout\s*\(\s*function\b[^{]*\{\s*$`)

// timerWithout is the index of the first line in [from, to) that opens a
// setTimeout callback whose body never makes call (a removal's call up
// to its "("): the timer that ends a wait without it. -1 when none.
func timerWithout(lines [][]byte, from, to int, call string) int {
	for k := from; k < to && k < len(lines); k++ {
		if !timerBlockRe.Match(lines[k]) {
			continue
		}
		found := false
		for j, end := k+1, bodyEnd(lines, k+1); j < end && j < len(lines) && !found; j++ {
			found = strings.Contains(string(lines[j]), call)
		}
		if !found {
			return k
		}
	}
	return -1
}

// methodListenerRe takes apart a listener add that passes an object's
// method with its this (eventemitter3's on(event, fn, context), js-signals'
// add(fn, context)): the object and the method's name.
var methodListenerRe = lazyRE(`\.\s*(?:on|once|addListener|prependListener|prependOnceListener|add|addOnce|subscribe)\s*\(\s*(?:[^,()]+,\s*)?([A-Za-z_$][\w$]*)\s*\.\s*([A-Za-z_$][\w$]*)\s*,\s*[A-Za-z_$][\w$.]*\s*\)`)

// sharedMethodAdd reports an add at st that registers loc's function as an
// object's method, with the object as its this: every entry shares that
// one function, so the add is the code that makes each of them, not the
// method's definition.
func sharedMethodAdd(st *Statement, loc *Location) bool {
	if st == nil || loc == nil || !programScript(st.Script) || loc.Script == st.Script && loc.Line == st.Line {
		return false
	}
	m := methodListenerRe.FindStringSubmatch(st.Text)
	return m != nil && m[2] == loc.Function
}

// emitterAddRe is a library emitter's add of a listener: a push onto the
// list of one event (emitter._events[evt].push(listener)) or onto a list
// named for what it holds (handlers.push(handler)).
var emitterAddRe = lazyRE(`(?:\]\s*\.\s*(?:push|unshift)|\b(?:listeners|handlers|callbacks|subscribers|observers|cbs)\s*\.\s*(?:push|unshift|add))\s*\(`)

// emitterAdd is the statement of a library emitter's own script that keeps
// a listener; nil when none.
func emitterAdd(script string, src Sources) *Statement {
	if script == "" || src == nil {
		return nil
	}
	return findStatement(emitterAddRe.get(), []string{script}, src)
}

// noRemovalFix is the fix for listeners a call adds, per call, to a
// library emitter that cannot take one listener out (no off() nor
// removeListener()): removing them is not possible, adding one is.
func noRemovalFix(st *Statement, event string, h *Holder) string {
	m := listenerAddRe.FindStringSubmatch(st.Text)
	recv := "the emitter"
	if m != nil {
		recv = m[1]
	}
	only := ""
	if h.removeAll {
		only = ", only removeAllListeners(), which takes every other listener out too"
	}
	return fmt.Sprintf("%s:%d adds a listener for '%s' to %s at each call, and nothing can take it out: %s (%s) has no off() or removeListener()%s; add one '%s' listener, once, where %s is made, and have it find each call's own state (by the job's id, in a Map you delete from when the call ends)",
		filepath.Base(st.Script), st.Line, event, recv, h.emitterClass, h.Package, only, event, recv)
}
