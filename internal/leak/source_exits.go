// Cleanup that exists but one way out of the work skips: the function
// that begins the work (adds the listener, sets the entry, starts the
// session) has a return, a throw or a catch after that, on which the
// cleanup (the off(), the delete, the end() call) is never reached.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// exitRe is a statement that leaves the function: return or throw.
var exitRe = lazyRE(`(?:^|[\s{;)])(?:return|throw)\b`)

// catchRe is the head of a catch block (not a promise's .catch()).
var catchRe = lazyRE(`(?:^|[^.\w$])catch\s*(?:\(|\{)`)

// tryRe is the head of a try block.
var tryRe = lazyRE(`\btry\s*\{`)

// finallyRe is the head of a finally block.
var finallyRe = lazyRE(`\bfinally\s*\{`)

// nestedFuncRe is a line that opens a function of its own: an exit in its
// body leaves that function, not the one being read.
var nestedFuncRe = lazyRE(`=>\s*\{?\s*$|\bfunction\b[^(]*\([^)]*\)\s*\{\s*$`)

// Exit is a way out of the work that skips its cleanup.
type exit struct {
	at   *Statement
	kind string // "returns", "throws", "awaits", "catches an error", "handles conn's 'error'"
	// event is the ending event whose handler skips the cleanup while a
	// sibling handler of the same emitter has it ("" for the others).
	event string
	// try is the line (1-based) of a try in the same function whose
	// finally cleans up, 0 when none: the exit can move into it.
	try int
	// thrown is the line (1-based) of a throw in the try that a catch
	// exit catches, 0 when none was seen: what leads there.
	thrown int
}

// handlerRe is the head of an event handler: the emitter, the event.
var handlerRe = lazyRE(`([\w$][\w$.]*)\s*\.\s*(?:` + listenerAddVerbs + `)\s*\(\s*['"]([\w:-]+)['"]`)

// endingEvents end what an emitter stands for: one of them fires, not
// necessarily the one a program expected.
var endingEvents = map[string]bool{"end": true, "close": true, "error": true, "finish": true, "timeout": true,
	"abort": true, "aborted": true, "exit": true, "disconnect": true, "disconnected": true, "destroy": true}

// skippedExit is the first way out of the function that contains begin,
// after begin, on which no call matching cleanup runs: a return or throw
// with no cleanup before it on its path, or a catch block without one.
// nil when a finally block does the cleanup, when the function never calls
// it (the cleanup is elsewhere: nothing to tell here), or when every exit
// is covered.
// openerRe is a line that leaves a call, an object or an array open on
// the lines below it (begin({, push(, [).
var openerRe = lazyRE(`[({\[]\s*$`)

func skippedExit(begin *Statement, cleanup *regexp.Regexp, src Sources) *exit {
	if begin == nil || cleanup == nil || src == nil {
		return nil
	}
	// The innermost function around begin (named or not): its head and
	// where it ends.
	lines, head, ok := innerFunction(begin, src)
	if !ok {
		return nil
	}
	return skippedExitFrom(begin.Script, lines, head, begin.Line, cleanup)
}

// skippedExitFrom is skippedExit in the function whose head is line head
// (0-based), from line from (0-based) on.
func skippedExitFrom(script string, lines [][]byte, head, from int, cleanup *regexp.Regexp) *exit {
	end := bodyEnd(lines, head+1) // exclusive, 0-based
	if from >= end {
		return skippedHandler(script, lines, head, end, cleanup)
	}
	calls := false
	for i := from; i < end; i++ {
		if cleanup.Match(lines[i]) && !commentLine(lines[i]) {
			calls = true
		}
	}
	if !calls {
		// Its handlers, registered before begin as often as after.
		return skippedHandler(script, lines, head, end, cleanup)
	}
	// A try whose finally cleans up covers every way out of its block.
	inFinally := make([]bool, end)
	try := 0 // the first such try's line
	for t := from; t < end; t++ {
		if !tryRe.Match(lines[t]) {
			continue
		}
		indent := indentOf(lines[t])
		for k := bodyEnd(lines, t+1); k < end && indentOf(lines[k]) == indent && bytes.HasPrefix(bytes.TrimSpace(lines[k]), []byte("}")); k = bodyEnd(lines, k+1) {
			if !finallyRe.Match(lines[k]) {
				continue // a catch: on to what follows it
			}
			fin := bodyEnd(lines, k+1)
			cleans := false
			for j := k + 1; j < fin; j++ {
				cleans = cleans || cleanup.Match(lines[j])
			}
			if cleans {
				for j := t; j < fin && j < end; j++ {
					inFinally[j] = true
				}
				if try == 0 {
					try = t + 1
				}
			}
			break
		}
	}
	blank := func(i int) bool { return len(bytes.TrimSpace(lines[i])) == 0 }
	// last: i is the function's last statement, its normal end.
	last := func(i int) bool {
		for k := i + 1; k < end; k++ {
			if !blank(k) {
				return false
			}
		}
		return true
	}
	// heads calls is with the head of each block around line i opened
	// after from, innermost first, until it returns true.
	heads := func(i int, is func(k int) bool) bool {
		d := indentOf(lines[i])
		for k := i - 1; k >= from; k-- {
			if blank(k) || indentOf(lines[k]) >= d {
				continue
			}
			d = indentOf(lines[k])
			if is(k) {
				return true
			}
		}
		return false
	}
	// enclosedBy: line i is in a block opened after from whose head
	// matches head.
	enclosedBy := func(i int, head *lazyRegexp) bool {
		return heads(i, func(k int) bool { return head.Match(lines[k]) })
	}
	// inNested: line i is in the body of a function opened after from.
	inNested := func(i int) bool { return enclosedBy(i, nestedFuncRe) }
	// covered: a cleanup call on i's path before it, in a block that is
	// still open at i (not in a branch closed before it).
	covered := func(i int) bool {
		for j := i; j >= from; j-- {
			if !cleanup.Match(lines[j]) {
				continue
			}
			open := true
			for k := j + 1; k <= i; k++ {
				if !blank(k) && indentOf(lines[k]) < indentOf(lines[j]) {
					open = false
					break
				}
			}
			if open {
				return true
			}
		}
		return false
	}
	// inTry: line i is in a try block opened after from, whose catch
	// (checked on its own) or finally decides what a rejection skips.
	inTry := func(i int) bool { return enclosedBy(i, tryRe) }
	// caught: line i is in a try block opened after from that has a
	// catch: a throw there goes to it.
	caught := func(i int) bool {
		found := false
		heads(i, func(k int) bool {
			if nestedFuncRe.Match(lines[k]) {
				return true // (a throw in a callback leaves the callback)
			}
			if e := bodyEnd(lines, k+1); tryRe.Match(lines[k]) && e < end && catchRe.Match(lines[e]) {
				found = true
			}
			return found
		})
		return found
	}
	// cleanedAfter: the cleanup runs after line i at its depth or
	// shallower, on the path an await's rejection cuts short.
	cleanedAfter := func(i int) bool {
		for j := i + 1; j < end; j++ {
			if cleanup.Match(lines[j]) && !commentLine(lines[j]) && !inNested(j) && indentOf(lines[j]) <= indentOf(lines[i]) {
				return true
			}
		}
		return false
	}
	// The beginning's own arguments (const op = begin({ …, input: await
	// read(), })): an await there runs before the entry is added, so its
	// rejection skips nothing.
	args := from
	if from >= 1 && from <= len(lines) && openerRe.Match(lines[from-1]) {
		args = bodyEnd(lines, from)
	}
	var awaited *exit
	thrown := 0 // the first throw into a catch, which names that catch's way in
	for i := from; i < end; i++ {
		l := lines[i]
		if blank(i) || commentLine(l) || inNested(i) || inFinally[i] {
			continue
		}
		if catchRe.Match(l) {
			blockEnd := bodyEnd(lines, i+1)
			has := false
			for j := i + 1; j < blockEnd; j++ {
				has = has || cleanup.Match(lines[j])
			}
			if !has && !covered(i) {
				return &exit{at: &Statement{Script: script, Line: i + 1, Text: clipLine(l)}, kind: "catches an error", try: try, thrown: thrown}
			}
			continue
		}
		if m := awaitRe.FindIndex(l); m != nil && awaited == nil && i >= args && !commentBefore(l, m[0]) && !covered(i) && !inTry(i) && cleanedAfter(i) {
			// A rejection leaves the function here as a throw would;
			// a return or throw written out is surer, so it is kept
			// for last.
			awaited = &exit{at: &Statement{Script: script, Line: i + 1, Text: clipLine(l)}, kind: "awaits", try: try}
		}
		if m := exitRe.FindIndex(l); m != nil && !commentBefore(l, m[0]) && !covered(i) && !last(i) && !returnsCleanup(lines, i, end, cleanup) {
			kind := "returns"
			if bytes.Contains(l[m[0]:m[1]], []byte("throw")) {
				kind = "throws"
				if caught(i) {
					// Into the try's own catch, checked on its own:
					// that is where the way out is.
					if thrown == 0 {
						thrown = i + 1
					}
					continue
				}
			}
			return &exit{at: &Statement{Script: script, Line: i + 1, Text: clipLine(l)}, kind: kind, try: try}
		}
	}
	if e := guardedCallback(script, lines, from, end, cleanup); e != nil {
		return e
	}
	if e := skippedHandler(script, lines, head, end, cleanup); e != nil {
		return e
	}
	return awaited
}

// returnsCleanup: line i returns a function whose body does the cleanup
// (return () => { task.destroy(); }): the caller runs it later, so this
// is no way out without it.
func returnsCleanup(lines [][]byte, i, end int, cleanup *regexp.Regexp) bool {
	if !nestedFuncRe.Match(lines[i]) {
		return false
	}
	for j := i + 1; j < min(bodyEnd(lines, i+1), end); j++ {
		if cleanup.Match(lines[j]) && !commentLine(lines[j]) {
			return true
		}
	}
	return false
}

// skippedHandler is an ending event's handler, registered in the
// function's own body (head to end), that does not clean up while another
// ending event's handler of the same emitter does: conn.on('end') disposes
// the session and conn.on('error') does not, so a connection that fails
// keeps it.
func skippedHandler(script string, lines [][]byte, head, end int, cleanup *regexp.Regexp) *exit {
	type handler struct {
		line        int
		emitter, ev string
		cleans      bool
	}
	var hs []handler
	indent := -1
	for i := head + 1; i < end; i++ {
		m := handlerRe.FindSubmatch(lines[i])
		if m == nil || commentLine(lines[i]) || !endingEvents[string(m[2])] {
			continue
		}
		// Only the function's own handlers, all at one depth: not those
		// registered inside another handler.
		if indent < 0 {
			indent = indentOf(lines[i])
		}
		if indentOf(lines[i]) != indent {
			continue
		}
		last := i + 1
		if t := bytes.TrimSpace(lines[i]); len(t) > 0 && t[len(t)-1] == '{' {
			last = min(bodyEnd(lines, i+1), end)
		}
		cleans := false
		for j := i; j < last; j++ {
			cleans = cleans || cleanup.Match(lines[j]) && !commentLine(lines[j])
		}
		hs = append(hs, handler{i, string(m[1]), string(m[2]), cleans})
	}
	closes := map[string]bool{} // a 'close' handler that cleans up covers the others
	for _, h := range hs {
		if h.cleans && h.ev == "close" {
			closes[h.emitter] = true
		}
	}
	for _, h := range hs {
		if h.cleans || closes[h.emitter] {
			continue
		}
		for _, o := range hs {
			if o.cleans && o.emitter == h.emitter && o.ev != h.ev {
				return &exit{at: &Statement{Script: script, Line: h.line + 1, Text: clipLine(lines[h.line])},
					kind: fmt.Sprintf("handles %s's '%s'", h.emitter, h.ev), event: h.ev}
			}
		}
	}
	return nil
}

// exitText says where the work leaves without its cleanup, cleanup being
// what to call ("detach()", "this.link.off('ack', onAck)").
func exitText(e *exit, cleanup string) string {
	fix := "call it there too, or once in a finally"
	switch {
	case strings.Contains(cleanup, "() or "):
		// Ways to end that differ (complete() or fail()): the one
		// that fits that way out, there; a finally would run one for all.
		fix = "call the one that fits there (a cancel is an end too)"
	case e.kind == "awaits":
		if e.try > e.at.Line {
			return fmt.Sprintf("%s:%d awaits (%s) before %s: when that rejects, the function throws past it; begin the try at line %d (whose finally does) before it",
				filepath.Base(e.at.Script), e.at.Line, e.at.Text, cleanup, e.try)
		}
		return fmt.Sprintf("%s:%d awaits (%s) before %s: when that rejects, the function throws past it; do it in a finally (try { … } finally { %s; })",
			filepath.Base(e.at.Script), e.at.Line, e.at.Text, cleanup, cleanup)
	case e.event == "":
		if e.try > e.at.Line {
			// The finally is there: the exit comes before its try.
			fix = fmt.Sprintf("call it there too, or begin the try at line %d (whose finally does) before it", e.try)
		}
	case e.event == "close":
		fix = "call it there too"
	default:
		// Node's sockets and streams emit 'close' after 'end' and after
		// 'error' alike.
		fix = "call it there too, or once on 'close', which a socket or stream emits after 'end' and 'error' alike"
	}
	via := ""
	if e.thrown > 0 {
		via = fmt.Sprintf(", where the throw at line %d leads,", e.thrown)
	}
	return fmt.Sprintf("%s:%d %s without %s (%s)%s: %s", filepath.Base(e.at.Script), e.at.Line, e.kind, cleanup, e.at.Text, via, fix)
}

// cleanupExit finds the way out that skips the cleanup rm of what add
// adds: in the function that adds, when rm is in it too; else in the
// program's functions that call the adding function (attach(), start())
// and, further on, the one that cleans up (detach(), end()). It also says
// what to call there. nil when none is found.
func cleanupExit(add, rm *Statement, own []string, src Sources) (*exit, string) {
	if add == nil || rm == nil || src == nil {
		return nil, ""
	}
	if lines, ok := locationLines(&Location{Script: add.Script, Line: add.Line}, src); ok && add.Line <= len(lines) &&
		functionBlockRe.Match(lines[add.Line-1]) && scriptKey(rm.Script) == scriptKey(add.Script) && rm.Line > add.Line && rm.Line < bodyEnd(lines, add.Line) {
		// The removal is inside the callback the adding line hands over
		// (const stop = observe(x, (change) => { …; stop(); })): that
		// callback's own returns are no ways out of the work.
		return nil, ""
	}
	addFn, rmFn := enclosingFunction(add, src), enclosingFunction(rm, src)
	if addFn != nil && rmFn != nil && addFn.Script == rmFn.Script && addFn.Line == rmFn.Line && otherCase(add, rm, addFn.Line, src) {
		// A reducer's cases (switch (action.type)): each call runs one;
		// another case's return is no way out of the one that adds.
		return nil, ""
	}
	if addFn != nil && rmFn != nil && addFn.Script == rmFn.Script && addFn.Line == rmFn.Line || addFn == nil && rmFn == nil && add.Script == rm.Script {
		// The removal's own call, up to its "(": inflight.delete(
		if e := skippedExit(add, regexp.MustCompile(regexp.QuoteMeta(callPrefix(rm.Text))), src); e != nil {
			return e, strings.TrimSuffix(strings.TrimSpace(rm.Text), ";")
		}
		return nil, ""
	}
	if addFn == nil || rmFn == nil || !identRe.MatchString(addFn.Function) || !identRe.MatchString(rmFn.Function) || rmFn.Function == "constructor" {
		return nil, ""
	}
	// The work begins where the adding function is called; an object
	// that adds itself in its constructor begins where it is made
	// (new ExportJob(...)).
	begins := callsRe(addFn.Function)
	if addFn.Function == "constructor" {
		if begins = newPattern(classAbove(add, src)); begins == nil {
			return nil, ""
		}
	}
	// The cleanup, the other functions of its script that take the
	// entries out the same way (complete() and fail() each delete), and
	// the functions that call it there (complete() and fail() both call
	// release()).
	names := []string{rmFn.Function}
	if strings.IndexByte(rm.Text, '(') > 0 {
		same := regexp.MustCompile(regexp.QuoteMeta(callPrefix(rm.Text)))
		matchLines(same, []string{rm.Script}, src, func(sc string, lines [][]byte, k int, _ []int) {
			if fn := functionAbove(sc, lines, k+1); fn != nil && identRe.MatchString(fn.Function) && fn.Function != "constructor" &&
				fn.Function != addFn.Function && !slices.Contains(names, fn.Function) {
				names = append(names, fn.Function)
			}
		})
	}
	matchLines(callsRe(rmFn.Function), []string{rm.Script}, src, func(sc string, lines [][]byte, i int, _ []int) {
		if functionHeadRe.Match(lines[i]) {
			return
		}
		if fn := functionAbove(sc, lines, i+1); fn != nil && identRe.MatchString(fn.Function) && fn.Function != "constructor" &&
			fn.Function != addFn.Function && !slices.Contains(names, fn.Function) {
			names = append(names, fn.Function)
		}
	})
	ends := callsRe(names...)
	var found *exit
	matchLines(begins, programScripts(append([]string{add.Script}, own...), src), src, func(sc string, lines [][]byte, i int, _ []int) {
		if found != nil || functionHeadRe.Match(lines[i]) {
			return // (its own definition)
		}
		found = skippedExit(&Statement{Script: sc, Line: i + 1}, ends, src)
	})
	// "release()", or "complete(), fail() or release()": the callers
	// first, the cleanup they call last.
	calls := make([]string, 0, len(names))
	for _, n := range append(names[1:], names[0]) {
		calls = append(calls, n+"()")
	}
	what := calls[len(calls)-1]
	if len(calls) > 1 {
		what = strings.Join(calls[:len(calls)-1], ", ") + " or " + what
	}
	return found, what
}

// classNameRe is the head of a class declaration or expression, with its name.
var classNameRe = lazyRE(`\bclass\s+([A-Za-z_$][\w$]*)`)

// classAbove is the class whose body holds st (the nearest class head
// above it, indented less); "" when none.
func classAbove(st *Statement, src Sources) string {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok || st.Line > len(lines) {
		return ""
	}
	depth := indentOf(lines[st.Line-1])
	for k := st.Line - 2; k >= 0; k-- {
		l := lines[k]
		if len(bytes.TrimSpace(l)) == 0 || indentOf(l) >= depth {
			continue
		}
		if m := classNameRe.FindSubmatch(l); m != nil {
			return string(m[1])
		}
		depth = indentOf(l)
		if depth == 0 {
			break
		}
	}
	return ""
}

// ifHeadRe is the head of an if block.
var ifHeadRe = lazyRE(`^\s*(?:\}\s*else\s+)?if\s*\(.*\{\s*$`)

// skippedBranch is the way on past the if block that holds the cleanup
// rm, when that block ends by returning: the rest of the function is the
// other branch (an error reply, a failed check), and it reaches the end
// without the cleanup. nil when rm is not in such a block, or what
// follows it cleans up too.
func skippedBranch(rm *Statement, src Sources) *exit {
	lines, ok := locationLines(&Location{Script: rm.Script, Line: rm.Line}, src)
	if !ok {
		return nil
	}
	fn := headAbove(lines, rm.Line, func(i int) bool {
		if nestedFuncRe.Match(lines[i]) {
			return true
		}
		m := functionHeadRe.FindSubmatch(lines[i])
		return m != nil && !notFunctionNames[string(bytes.TrimSpace(m[2]))]
	})
	cond := headAbove(lines, rm.Line, func(i int) bool { return ifHeadRe.Match(lines[i]) })
	if fn < 0 || cond <= fn {
		return nil
	}
	// The if must be the function's own (at its body's depth), and its
	// block must end by leaving: return or throw as its last statement.
	end := bodyEnd(lines, fn+1)
	block := bodyEnd(lines, cond+1)
	last := block - 1
	for last > cond && len(bytes.TrimSpace(lines[last])) == 0 {
		last--
	}
	if block >= end || !exitRe.Match(lines[last]) || indentOf(lines[cond]) != indentOf(lines[fn+1]) {
		return nil
	}
	if expiryTestRe.Match(lines[cond]) || freshnessTestRe.Match(lines[cond]) {
		// An entry taken out when it has expired (if (!entry.fresh())):
		// the other branch serves a live one, which must stay.
		return nil
	}
	call := callPrefix(rm.Text)
	var on *Statement
	for i := block; i < end; i++ {
		t := bytes.TrimSpace(lines[i])
		if len(t) == 0 || commentLine(lines[i]) || bytes.HasPrefix(t, []byte("}")) && on == nil {
			continue // the block's closing brace
		}
		if bytes.Contains(lines[i], []byte(call)) {
			return nil // the other branch cleans up too
		}
		if on == nil {
			on = &Statement{Script: rm.Script, Line: i + 1, Text: clipLine(lines[i])}
		}
	}
	if on == nil {
		return nil
	}
	return &exit{at: on, kind: fmt.Sprintf("is where the function goes on when %s is not taken,", strings.TrimSuffix(strings.TrimSpace(string(lines[cond])), " {"))}
}

// freshnessTestRe is a condition that asks an entry whether it is still
// fresh or valid (if (!entry.fresh()), if (entry.isStale())).
var freshnessTestRe = lazyRE(`(?i)\b(?:is)?(?:fresh|stale|valid|expired?|alive)\w*\s*\(|\bmaxAge\b|\bage\b`)

// caseRe is a switch's case or default label.
var caseRe = lazyRE(`^\s*(?:case\b[^:]*|default\s*):`)

// otherCase: add and rm sit under different case labels of one switch in
// the function that starts at line from (1-based).
func otherCase(add, rm *Statement, from int, src Sources) bool {
	lines, ok := locationLines(&Location{Script: add.Script, Line: add.Line}, src)
	if !ok || add.Line > len(lines) || rm.Line > len(lines) {
		return false
	}
	label := func(line int) int {
		for k := line - 1; k >= from && k >= 0; k-- {
			if caseRe.Match(lines[k]) {
				return k
			}
		}
		return -1
	}
	a, r := label(add.Line), label(rm.Line)
	return a >= 0 && r >= 0 && a != r
}
