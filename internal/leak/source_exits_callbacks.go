// Ways out that skip a cleanup from inside the work's callbacks and
// timers, and entries marked ended but left in: an early return before a
// callback's cleanup call, a timeout that settles the work without taking
// its entry out, a state set to 'cancelled' where nothing deletes.

package leak

import (
	"bytes"
	"regexp"
)

// guardedCallback is an early return, in a callback of the function (lines
// from to end), before that callback's cleanup call: pipeline(…, (err) =>
// { if (err) return; registry.finish(id) }) never cleans up after an
// error. nil when there is none.
func guardedCallback(script string, lines [][]byte, from, end int, cleanup *regexp.Regexp) *exit {
	for i := from; i < end; i++ {
		if !cleanup.Match(lines[i]) || commentLine(lines[i]) {
			continue
		}
		d := indentOf(lines[i])
		if h := headAbove(lines, i+1, func(int) bool { return true }); h < 0 || !nestedFuncRe.Match(lines[h]) {
			continue // not in a callback's own body
		}
		for k := i - 1; k > from; k-- {
			l := lines[k]
			if len(bytes.TrimSpace(l)) == 0 || indentOf(l) > d {
				continue
			}
			if indentOf(l) < d {
				break // the callback's head
			}
			if m := exitRe.FindIndex(l); m != nil && !commentBefore(l, m[0]) && bytes.HasPrefix(bytes.TrimSpace(l), []byte("if")) {
				return &exit{at: &Statement{Script: script, Line: k + 1, Text: clipLine(l)}, kind: "returns"}
			}
		}
	}
	return nil
}

// timerHeadRe opens a timer's callback on its line: setTimeout(() => {.
var timerHeadRe = lazyRE(`\bsetTimeout\s*\(\s*(?:(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*=>|function\b[^{]*)\s*\{\s*$`)

// settleRe is a statement that ends a piece of work for its caller:
// settles its promise, calls its callback, fails its emitter.
var settleRe = lazyRE(`(?:^|[^\w$])(?:reject|resolve|done|cb|callback)\s*\(|\.\s*emit\s*\(\s*['"]error`)

// settlingTimer is a timer callback, in the innermost function around the
// add, that settles the work (rejects its promise: a timeout) without
// taking its entry out: the entry then waits for the way out the timeout
// gave up on (a worker's answer), which may never come. nil when there is
// none, or it removes.
func settlingTimer(add *Statement, remove *regexp.Regexp, src Sources) *exit {
	if add == nil || remove == nil || src == nil {
		return nil
	}
	lines, head, ok := innerFunction(add, src)
	if !ok {
		return nil
	}
	end := bodyEnd(lines, head+1)
	for i := head + 1; i < end; i++ {
		if !timerHeadRe.Match(lines[i]) || commentLine(lines[i]) {
			continue
		}
		last := min(bodyEnd(lines, i+1), end)
		settles, removes := false, false
		for j := i + 1; j < last; j++ {
			settles = settles || settleRe.Match(lines[j])
			removes = removes || remove.Match(lines[j])
		}
		if settles && !removes {
			return &exit{at: &Statement{Script: add.Script, Line: i + 1, Text: clipLine(lines[i])}, kind: "gives up in a timer, settling the work,"}
		}
	}
	return nil
}

// endedStateRe marks an entry's work ended without taking it out:
// st.state = 'cancelled', session.status = "aborted".
var endedStateRe = lazyRE(`\.\s*(?:state|status|phase)\s*=\s*['"](cancell?ed|aborted|closed|failed|expired|ended|timed[_-]?out|errored|dead|stale|rejected|killed|terminated|dropped)['"]`)

// markedEnded is a statement in the scripts of the add and of the removal
// that marks an entry ended (its state set to 'cancelled', 'aborted'…) in
// a function that does not take it out: the entry stays, marked. nil when
// there is none.
func markedEnded(add, rm *Statement, remove *regexp.Regexp, src Sources) *exit {
	if add == nil || rm == nil || remove == nil || src == nil {
		return nil
	}
	handled := handledStates(rm, src)
	var found *exit
	for _, sc := range []string{add.Script, rm.Script} {
		lines, ok := locationLines(&Location{Script: sc, Line: 1}, src)
		if !ok || found != nil {
			continue
		}
		for i, l := range lines {
			m := endedStateRe.FindSubmatch(l)
			if m == nil || commentLine(l) || handled[string(m[1])] {
				continue
			}
			head := headAbove(lines, i+1, func(k int) bool { return nestedFuncRe.Match(lines[k]) || functionHeadRe.Match(lines[k]) })
			if head < 0 {
				continue
			}
			removes := false
			for j := head; j < bodyEnd(lines, head+1) && j < len(lines); j++ {
				removes = removes || remove.Match(lines[j]) && !commentLine(lines[j])
			}
			if !removes {
				found = &exit{at: &Statement{Script: sc, Line: i + 1, Text: clipLine(l)}, kind: "marks an entry ended"}
				break
			}
		}
	}
	return found
}

// handledStates are the state values tested just above the removal or
// above the calls of the function it is in (a reaper's `if (job.state
// === 'done' || job.state === 'failed') registry.remove(id)`): entries
// marked so do reach it.
func handledStates(rm *Statement, src Sources) map[string]bool {
	out := map[string]bool{}
	near := func(sc string, line int) {
		lines, ok := locationLines(&Location{Script: sc, Line: line}, src)
		if !ok {
			return
		}
		for k := max(line-6, 0); k < line && k < len(lines); k++ {
			for _, m := range testedStateRe.FindAllSubmatch(lines[k], -1) {
				out[string(m[1])+string(m[2])+string(m[3])] = true
			}
		}
	}
	near(rm.Script, rm.Line)
	if fn := enclosingFunction(rm, src); fn != nil && identRe.MatchString(fn.Function) && fn.Function != "constructor" {
		scripts := append([]string{rm.Script}, src.Siblings(rm.Script)...)
		for _, c := range callSites(fn, scripts, src) {
			near(c.Script, c.Line)
		}
	}
	return out
}

// testedStateRe is a value a comparison or a case tests: === 'failed',
// "done" !== , case 'cancelled':.
var testedStateRe = lazyRE(`(?:===?|!==?)\s*['"]([A-Za-z_-]+)['"]|['"]([A-Za-z_-]+)['"]\s*(?:===?|!==?)|\bcase\s+['"]([A-Za-z_-]+)['"]`)
