// Releases: what registering returns (an unsubscribe function, a
// subscription, a dispose handle), kept and released by the program on
// some ways the work ends and missed on another: a method that stores a
// new handle over the last one, a timer whose function ends the wait
// without the release, rxjs's takeUntil placed above the operator whose
// inner subscriptions it should end.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// keptRe is a statement that keeps a call's result: the variable or
// property it is assigned to.
var keptRe = lazyRE(`^\s*(?:(?:const|let|var)\s+)?((?:this\.)?[\w$]+(?:\.[\w$]+)*)\s*=[^=>]`)

// releaseVerbs are the calls that give a registration back.
const releaseVerbs = `unsubscribe|dispose|remove|off|cancel|close|stop|destroy|abort|release|unregister|detach|unlisten`

// handleRelease finds where the program lets go of what a registering
// call returned (added, in a chain that may start lines above: this.sub
// = hub.stream() / .pipe(…) / .subscribe(…)): kept in a variable or
// property, then released in the same script (this.sub.unsubscribe(),
// off()). nil when the result is not kept or never released.
func handleRelease(added *Statement, src Sources) *Statement {
	lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src)
	if !ok || added.Line < 1 || added.Line > len(lines) {
		return nil
	}
	i := added.Line - 1
	for i > 0 && added.Line-1-i < 8 && bytes.HasPrefix(bytes.TrimSpace(lines[i]), []byte(".")) {
		i--
	}
	m := keptRe.FindSubmatch(lines[i])
	if m == nil {
		return nil
	}
	target := regexp.QuoteMeta(string(m[1]))
	re := regexp.MustCompile(`(?:^|[^\w$.])` + target + `\s*(?:\?\.|\.)\s*(?:` + releaseVerbs + `)\s*\(|(?:^|[^\w$.])` + target + `\s*(?:\?\.)?\(\s*\)`)
	kept := i + 1
	return findStatementWhere(re, []string{added.Script}, src, func(sc string, line int) bool {
		return scriptKey(sc) == scriptKey(added.Script) && line != kept
	})
}

// overwrittenRelease is the fix when a method stores what registering
// returns in a field (this.dispose = effect(…)) without releasing the one
// already there: run twice for one object (watch() again to narrow a
// view), it loses the first registration, and the release at rm lets go
// of the last only. "" when that is not the case.
func overwrittenRelease(added, rm *Statement, src Sources) string {
	lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src)
	if !ok || added.Line < 1 || added.Line > len(lines) {
		return ""
	}
	m := keptRe.FindSubmatch(lines[added.Line-1])
	if m == nil || !bytes.HasPrefix(m[1], []byte("this.")) {
		return ""
	}
	handle := string(m[1])
	fn, from := overwrittenField(added, handle, src)
	if fn == nil {
		return ""
	}
	call := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(added.Text), handle))
	call = strings.TrimSpace(strings.TrimPrefix(call, "="))
	if i := strings.IndexByte(call, '('); i > 0 {
		call = call[:i] + "(…)"
	}
	release := strings.TrimSuffix(strings.TrimSpace(rm.Text), ";")
	return fmt.Sprintf("%s()%s sets %s = %s at %s:%d without releasing the one already there: when it runs twice for one object, the first registration is lost, and %s at %s:%d releases only the last; release it first (%s, before %s), or return when it is set",
		fn.Function, from, handle, call, filepath.Base(added.Script), added.Line, handle, filepath.Base(rm.Script), rm.Line, release, call)
}

// flattenRe is an rxjs operator that subscribes to an inner observable
// per value; takeUntilRe the operator that ends a subscription.
var (
	flattenRe   = lazyRE(`\b(switchMap|mergeMap|concatMap|exhaustMap|flatMap|switchMapTo|mergeMapTo|concatMapTo|switchScan|mergeScan)\s*\(`)
	takeUntilRe = lazyRE(`\btakeUntil\s*\(([^()]*)\)`)
)

// unsafeTakeUntil is the fix when the statement that adds the callbacks
// is a flattening operator (switchMap) that comes after takeUntil in
// one pipe: takeUntil completes what is above it, and the inner
// subscriptions the operator below it makes stay. "" otherwise.
func unsafeTakeUntil(added *Statement, src Sources) string {
	if added == nil || src == nil || !flattenRe.MatchString(added.Text) {
		return ""
	}
	lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src)
	if !ok || added.Line < 1 || added.Line > len(lines) {
		return ""
	}
	op := flattenRe.FindStringSubmatch(added.Text)[1]
	// Up the pipe's arguments, to its head: one operator a line.
	for i := added.Line - 1; i >= 0 && added.Line-1-i <= 8; i-- {
		text := string(lines[i])
		if i < added.Line-1 && takeUntilRe.MatchString(text) {
			m := takeUntilRe.FindStringSubmatch(text)
			return fmt.Sprintf("%s:%d has takeUntil(%s) before %s at %s:%d in one pipe: takeUntil completes the subscription above it, not the inner ones %s makes below it, so each stays subscribed; put takeUntil last in the pipe, after %s",
				filepath.Base(added.Script), i+1, strings.TrimSpace(m[1]), op, filepath.Base(added.Script), added.Line, op, op)
		}
		if strings.Contains(text, ".pipe(") {
			break
		}
	}
	return ""
}

// subscribeRe is a call that subscribes to a library's stream or hub.
var subscribeRe = lazyRE(`\.\s*subscribe\s*\(`)

// timerSkipsRelease is the fix for a library's subscriptions that the
// program keeps (const sub = x.pipe(…).subscribe(…)) and releases
// (sub.unsubscribe()) on one way its work ends only, when a timer in the
// same function ends it another way without the release (a long poll
// answered on its timeout): the subscribing statement, and the fix. at is
// a line of the program inside that function (a callback there). nil, ""
// when that is not the case.
func timerSkipsRelease(at *Location, src Sources) (*Statement, string) {
	if at == nil || at.Line < 2 || !programLocation(at) {
		return nil, ""
	}
	lines, ok := locationLines(at, src)
	if !ok || at.Line > len(lines) {
		return nil, ""
	}
	outer := functionAbove(at.Script, lines, at.Line-1)
	if head := headAbove(lines, at.Line, func(i int) bool { return functionBlockRe.Match(lines[i]) }) + 1; head > 0 && (outer == nil || head > outer.Line) {
		// A callback's body (a route handler passed to app.get()).
		outer = &Location{Script: at.Script, Line: head}
	}
	if outer == nil {
		return nil, ""
	}
	end := bodyEnd(lines, outer.Line)
	var sub *Statement
	for k := outer.Line; k < end && k < len(lines); k++ {
		if loc := subscribeRe.FindIndex(lines[k]); loc != nil {
			sub = &Statement{Script: at.Script, Line: k + 1, Column: loc[0] + 2, Text: clipLine(lines[k])}
			break
		}
	}
	if sub == nil {
		return nil, ""
	}
	rm := handleRelease(sub, src)
	if rm == nil || rm.Line < outer.Line || rm.Line > end {
		return nil, ""
	}
	release := callPrefix(rm.Text)
	if k := timerWithout(lines, outer.Line, end, release); k >= 0 {
		where := ""
		if recv, event, ok := closingHandler(rm, src); ok {
			where = fmt.Sprintf(", in %s's '%s' listener", recv, event)
		}
		return sub, fmt.Sprintf("%s:%d subscribes and %s:%d releases it (%s)%s, but the timer that ends the wait (%s:%d: %s) does not, so every wait that ends on its timeout leaves its subscription: call %s) in that timer's callback too",
			filepath.Base(sub.Script), sub.Line, filepath.Base(rm.Script), rm.Line, strings.TrimSuffix(strings.TrimSpace(rm.Text), ";"), where, filepath.Base(at.Script), k+1, strings.TrimSuffix(strings.TrimSpace(string(lines[k])), ";"), release)
	}
	return nil, ""
}

// timerCallsRe is a timer started with a named function
// (setTimeout(finish, ms)).
var timerCallsRe = lazyRE(`\bset(?:Timeout|Interval)\s*\(\s*([\w$]+)\s*,`)

// timerMissesRelease is the fix when the program keeps what registering
// returned (const stop = observe(…)) and releases it on some ways a wait
// ends (in the callback, on abort), while a timer in the same function
// ends the wait through a function that does not (setTimeout(finish, ms),
// finish() never calls stop()). "" otherwise.
func timerMissesRelease(added, rm *Statement, src Sources) string {
	if added == nil || rm == nil || scriptKey(added.Script) != scriptKey(rm.Script) {
		return ""
	}
	lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src)
	if !ok || added.Line < 2 || added.Line > len(lines) {
		return ""
	}
	from, to := enclosingLines(added.Script, lines, added.Line-1, src)
	if from == 0 && to == len(lines) || rm.Line <= from || rm.Line > to {
		return "" // no function around it, or released elsewhere
	}
	release := callPrefix(rm.Text)
	for k := from; k < to && k < len(lines); k++ {
		m := timerCallsRe.FindSubmatch(lines[k])
		if m == nil {
			continue
		}
		name := string(m[1])
		def := regexp.MustCompile(`^\s*(?:(?:const|let|var)\s+` + regexp.QuoteMeta(name) + `\s*=\s*(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*=>\s*\{|(?:async\s+)?function\s+` + regexp.QuoteMeta(name) + `\s*\()`)
		for d := from; d < to && d < len(lines); d++ {
			if !def.Match(lines[d]) {
				continue
			}
			end := bodyEnd(lines, d+1)
			for j := d + 1; j < end && j < len(lines); j++ {
				if strings.Contains(string(lines[j]), release) {
					return "" // it releases
				}
			}
			return fmt.Sprintf("%s:%d registers and %s:%d releases it (%s), but the timer that ends the wait (%s:%d: %s) runs %s() (%s:%d), which does not, so every wait that ends on its timeout keeps its registration: call %s) in %s() too",
				filepath.Base(added.Script), added.Line, filepath.Base(rm.Script), rm.Line, strings.TrimSuffix(strings.TrimSpace(rm.Text), ";"),
				filepath.Base(added.Script), k+1, strings.TrimSuffix(strings.TrimSpace(string(lines[k])), ";"), name, filepath.Base(added.Script), d+1, release, name)
		}
	}
	return ""
}

// functionBlockRe is a line that opens a function's body: an arrow's or
// a function expression's, passed as an argument or assigned.
var functionBlockRe = lazyRE(`(?:=>|\bfunction\b[^{]*)\s*\{\s*$`)
