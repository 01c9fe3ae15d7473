// Calls with no deadline: work that waits on a promise that never settles
// (an entry deleted in a chain's .finally()) most often waits on an
// upstream call that has no timeout, while its siblings have one. The
// functions the waiting one calls are read for their outgoing requests
// (fetch(), request(), http.get()), and those without a deadline named.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// outgoingRe is a call that sends a request and waits for its answer.
var outgoingRe = lazyRE(`\b(?:fetch|request|undici\.request|https?\.(?:get|request)|axios(?:\.\w+)?|got(?:\.\w+)?)\s*\(`)

// deadlineRe is what bounds a request's wait: a timeout signal or option.
var deadlineRe = lazyRE(`AbortSignal\.timeout|\b(?:timeout|headersTimeout|bodyTimeout|timeoutMs)\s*:|\.setTimeout\s*\(`)

// calledNameRe is a plain call in a function's body: name(.
var calledNameRe = lazyRE(`(?:^|[^\w$.])([A-Za-z_$][\w$]*)\s*\(`)

// noDeadline lists, of the functions that fn (in script) calls, the
// outgoing requests that have no deadline while another of them has one:
// "scoreRisk() at upstreams.js:64". "" when none stands out.
func noDeadline(fn, script string, scripts []string, src Sources) string {
	body, ok := functionBody(fn, []string{script}, src)
	if !ok {
		return ""
	}
	var called []string
	for _, l := range body {
		for _, m := range calledNameRe.FindAllSubmatch(l, -1) {
			if n := string(m[1]); !jsKeywords[n] && !slices.Contains(called, n) && n != fn {
				called = append(called, n)
			}
		}
	}
	var with, without []string
	for _, name := range called {
		lines, st, ok := functionDefinition(name, scripts, src)
		if !ok {
			continue
		}
		end := bodyEnd(lines, st.Line)
		for k := st.Line; k < end && k < len(lines); k++ {
			if !outgoingRe.Match(lines[k]) || commentLine(lines[k]) {
				continue
			}
			// The call's options run to the line that closes it.
			j, open := k, 0
			for ; j < end && j < k+24; j++ {
				if open += bytes.Count(lines[j], []byte("(")) - bytes.Count(lines[j], []byte(")")); open <= 0 {
					break
				}
			}
			call := bytes.Join(lines[k:min(j+1, len(lines))], []byte("\n"))
			at := fmt.Sprintf("%s() at %s:%d", name, filepath.Base(st.Script), k+1)
			if deadlineRe.Match(call) {
				with = append(with, name+"()")
			} else {
				without = append(without, at)
			}
			break
		}
	}
	if len(without) == 0 || len(with) == 0 {
		return ""
	}
	return fmt.Sprintf("of what %s() waits on, %s sends a request with no deadline of its own, while %s set one (AbortSignal.timeout): give it one there (signal ?? AbortSignal.timeout(ms))",
		fn, strings.Join(without, " and "), strings.Join(with, " and "))
}

// functionDefinition finds where function name is defined (a function
// declaration, a method, a const arrow: a head functionHeadRe reads) in
// scripts: the script's lines and the head.
func functionDefinition(name string, scripts []string, src Sources) ([][]byte, *Statement, bool) {
	var lines [][]byte
	var st *Statement
	matchLines(functionHeadRe.get(), scripts, src, func(sc string, ls [][]byte, i int, _ []int) {
		if st != nil {
			return
		}
		if m := functionHeadRe.FindSubmatch(ls[i]); string(m[1]) == name || string(m[2]) == name || string(m[3]) == name {
			lines, st = ls, &Statement{Script: sc, Line: i + 1, Text: clipLine(ls[i])}
		}
	})
	return lines, st, st != nil
}

// functionBody is the lines of function name's body.
func functionBody(name string, scripts []string, src Sources) ([][]byte, bool) {
	lines, st, ok := functionDefinition(name, scripts, src)
	if !ok {
		return nil, false
	}
	return lines[st.Line:min(bodyEnd(lines, st.Line), len(lines))], true
}
