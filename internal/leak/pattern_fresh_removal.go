// A removal that removes nothing: the program takes its function out of
// an emitter or a library's table with a function made in the removing
// call itself (feed.off('price', this.onPrice.bind(this)),
// source.offValue(this.push.bind(this))). A new .bind() or arrow is
// another function, one that was never added, so the one that was stays
// with everything it keeps. So is a removal of any function when the
// listener was made in the adding call itself (on('update', (u) => …)):
// no reference to it exists to remove.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// freshFunc is a function made where it is passed: a .bind(), an arrow,
// a function expression.
const freshFunc = `((?:[\w$.]+\s*\.\s*bind\s*\([^()]*\))|(?:async\s+)?(?:\([^()]*\)|[A-Za-z_$][\w$]*)\s*=>|function\b)`

// removalVerbs are the names of calls that take a function out: off,
// offValue, removeListener, removeEventListener, unsubscribe, unwatch,
// detach... (not unshift: un- only before the verbs that register).
const removalVerbs = `off\w*|remove\w*|un(?:subscribe|register|watch|observe|listen|bind|hook|track)\w*|detach\w*`

// freshRemovalRe matches a removal call whose function (its last
// argument, after an optional event name) is made in the call: group 1.
var freshRemovalRe = lazyRE(`\.\s*(?:` + removalVerbs + `)\s*\(\s*(?:[^,()]+,\s*)?` + freshFunc)

// freshAddRe takes a removal call apart: its receiver, its verb and its
// event (with the comma), if it has one.
var freshAddRe = lazyRE(`([\w$.]+?)\s*\.\s*(` + removalVerbs + `)\s*\(\s*([^,()]+,)?`)

// addVerbs is the alternation of the calls that add what verb removes:
// on for off, onValue for offValue, addEventListener for
// removeEventListener, subscribe for unsubscribe, attach for detach.
func addVerbs(verb string) string {
	q := regexp.QuoteMeta
	switch {
	case verb == "off", verb == "removeListener":
		return "on|addListener|once|prependListener"
	case verb == "removeEventListener":
		return "addEventListener"
	case strings.HasPrefix(verb, "off"):
		return "on" + q(verb[3:])
	case strings.HasPrefix(verb, "remove"):
		return "add" + q(verb[6:]) + "|on" + q(verb[6:])
	case strings.HasPrefix(verb, "un"):
		return q(verb[2:])
	case strings.HasPrefix(verb, "detach"):
		return "attach" + q(verb[6:])
	}
	return ""
}

// undoVerb is the method that undoes a registering one, by the naming
// addVerbs reads backwards: addListener → removeListener, attach →
// detach, subscribe → unsubscribe.
func undoVerb(verb string) string {
	switch {
	case strings.HasPrefix(verb, "add"):
		return "remove" + verb[3:]
	case strings.HasPrefix(verb, "attach"):
		return "detach" + verb[6:]
	}
	return "un" + verb
}

// freshRemoval is the fix for a suspect whose program removes its
// function with one made in the removing call: the line to change, and
// the statement that adds (the same receiver and event, the add verb),
// nil when not found. fn, when not "", is the program's function the
// suspect's objects are kept by (a bound method's name): the removal must
// make a bound fn; "" takes any removal (an event listener suspect). For
// listeners of a known event, the removal must name that event (or a
// variable): off('tick', …) does not remove listeners of 'response', and
// a removal with no event (offValue(…)) is not an emitter's.
func freshRemoval(fn, event string, own []string, src Sources) (fix string, added *Statement) {
	if src == nil {
		return "", nil
	}
	re := freshRemovalRe.get()
	if fn == "" && event != "" {
		re = regexp.MustCompile(`\.\s*(?:` + removalVerbs + `)\s*\(\s*(?:` + quotedRe(event) + `|[\w$.]+)\s*,\s*` + freshFunc)
	}
	if fn != "" {
		if !identRe.MatchString(fn) {
			return "", nil
		}
		re = regexp.MustCompile(`\.\s*(?:` + removalVerbs + `)\s*\(\s*(?:[^,()]+,\s*)?((?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(fn) + `\s*\.\s*bind\s*\([^()]*\))`)
	}
	st := findStatement(re, own, src)
	if st == nil {
		return "", nil
	}
	if m := freshAddRe.FindStringSubmatch(st.Text); m != nil {
		if verbs := addVerbs(m[2]); verbs != "" {
			event := `\s*\(`
			if m[3] != "" {
				event += `\s*` + regexp.QuoteMeta(strings.TrimSpace(strings.TrimSuffix(m[3], ","))) + `\s*,`
			}
			on := regexp.MustCompile(regexp.QuoteMeta(m[1]) + `\s*\.\s*(?:` + verbs + `)` + event)
			added = findStatement(on, append([]string{st.Script}, own...), src)
		}
	}
	pass := "that function"
	if m := re.FindStringSubmatch(st.Text); m != nil && strings.Contains(m[1], ".bind") {
		pass = "the bound " + strings.TrimSpace(m[1][:strings.Index(m[1], ".bind")]) + " (bind it once, in the constructor)"
	}
	return fmt.Sprintf("%s:%d removes a function it makes right there (%s), which was never added, so nothing is removed: keep the function you add and pass %s to both calls",
		filepath.Base(st.Script), st.Line, strings.TrimSuffix(st.Text, ";"), pass), added
}

// spliceListenerFix puts fix in place of an event-listener hint's advice
// (after "pile up …: "), and the undo advice that follows it, if any,
// becomes "that removal is why".
func spliceListenerFix(hint, fix string) string {
	i := strings.Index(hint, " pile up ")
	if i < 0 {
		return fix + "; " + hint
	}
	j := strings.Index(hint[i:], ": ")
	if j < 0 {
		return fix + "; " + hint
	}
	j += i + 2
	rest := ""
	if k := strings.Index(hint[j:], "; "); k >= 0 {
		rest = strings.Replace(hint[j+k:], undoAdvice, "that removal is why", 1)
	}
	return hint[:j] + fix + rest
}

// inlineListenerRe is an add call whose listener is made in the call (an
// arrow or a function expression): its receiver (group 1) and event
// (group 2). No reference to that function exists, so nothing can take
// it out by reference.
var inlineListenerRe = lazyRE(`([\w$.]+?)\s*\.\s*(?:on|addListener|prependListener|addEventListener)\s*\(\s*['"` + "`" + `]([^'"` + "`" + `]+)['"` + "`" + `]\s*,\s*(?:async\s+)?(?:\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>|function\b|([\w$.]+?)\s*\.\s*bind\s*\()`)

// inlineRemoval is the fix for listeners added as a function made in the
// adding call (presence.on('update', (u) => session.onPresence(u)))
// while the program removes, for that receiver and event, some other
// function (presence.off('update', session.onPresence)): that removal
// removes nothing. "" when the listener is not added inline or no such
// removal is found.
func inlineRemoval(added *Statement, own []string, src Sources) string {
	if added == nil || src == nil {
		return ""
	}
	m := inlineListenerRe.FindStringSubmatch(added.Text)
	if m == nil {
		return ""
	}
	recv, event, bound := m[1], m[2], m[3]
	// The same receiver, however the removing code reaches it (store
	// in the constructor, this.store in a method).
	last := recv[strings.LastIndexByte(recv, '.')+1:]
	re := regexp.MustCompile(`(?:^|[^\w$])(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(last) + `\s*\.\s*(?:off|removeListener|removeEventListener)\s*\(\s*` + quotedRe(event) + `\s*,\s*[^)]`)
	scripts := programScripts(append([]string{added.Script}, own...), src)
	st := findStatement(re, scripts, src)
	if st == nil {
		return ""
	}
	if rm := removedNameRe.FindStringSubmatch(st.Text); rm != nil && bound == "" {
		// A function the program adds elsewhere, by name, for the same
		// event (the constructor's onAbort): that removal is its own
		// pair's, not a failed try at this one.
		name := rm[1][strings.LastIndexByte(rm[1], '.')+1:]
		if findStatement(regexp.MustCompile(`(?:^|[^\w$])(?:[\w$]+\s*\.\s*)*`+regexp.QuoteMeta(last)+`\s*\.\s*(?:on|once|addListener|prependListener|addEventListener)\s*\(\s*`+quotedRe(event)+`\s*,\s*(?:this\s*\.\s*)?`+regexp.QuoteMeta(name)+`\s*[,)]`), scripts, src) != nil {
			return ""
		}
	}
	on, off := "on", "off"
	if strings.Contains(added.Text, "addEventListener") {
		on, off = "addEventListener", "removeEventListener"
	}
	if bound != "" {
		return fmt.Sprintf("%s:%d (%s) removes a function that was never added: the listener added at %s:%d is %s.bind(…), a new function that bind() makes at each call, not %s; keep the bound one in a field (this.onChange = %s.bind(this)), pass it to %s.on(), and pass that same one to the removal",
			filepath.Base(st.Script), st.Line, strings.TrimSuffix(st.Text, ";"), filepath.Base(added.Script), added.Line, bound, bound, bound, last)
	}
	return fmt.Sprintf("%s:%d (%s) removes a function that was never added: the listener added at %s:%d is made in that call, so no reference to it exists and nothing removes it; keep it in a variable (or a field), pass it to %s.%s(), and pass that same one to %s.%s()",
		filepath.Base(st.Script), st.Line, strings.TrimSuffix(st.Text, ";"), filepath.Base(added.Script), added.Line, recv, on, recv, off)
}

// removedNameRe is the function a removal passes by name, last:
// off('abort', onAbort) → onAbort.
var removedNameRe = lazyRE(`,\s*((?:this\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\)`)
