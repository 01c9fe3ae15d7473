// Cleanup run on a response's 'finish' only. An http.ServerResponse (and
// any Writable) emits 'finish' when all of it was written; when the client
// goes away first (an aborted download, a closed tab, a timeout upstream)
// it emits 'close' and never 'finish'. Cleanup hung on 'finish' alone is
// then skipped, and what it would have taken out stays: the classic case
// the on-finished package exists for.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// finishHandlerRe is a function given to a response's 'finish' event: the
// receiver (group 1) and the function's name (group 2; empty for one
// written inline).
var finishHandlerRe = lazyRE(`\b((?:[\w$]+\.)*(?:res|response|resp|reply|raw|rawRes|serverResponse))\s*\.\s*(?:once|on|addListener|prependListener|prependOnceListener)\(\s*['"]finish['"]\s*,\s*([\w$]+\s*[,)])?`)

// takeOutVerbs: calls that take something out, on any receiver (the
// listener removals of removalVerbs, and a collection's or a resource's).
const takeOutVerbs = `(?:` + removalVerbs + `|delete|unpipe|release|clear|destroy|close|dispose)`

// finishOnly finds the program's cleanup that runs on a response's
// 'finish' only and takes something out of one of names (the variables and
// fields on the suspect's path): the statement that hangs it there, and
// the function's name ("" when inline). nil when there is none, or the
// same cleanup also runs on 'close'.
func finishOnly(names []string, scripts []string, src Sources) (*Statement, string) {
	if len(names) == 0 {
		return nil, ""
	}
	alt := make([]string, len(names))
	for i, n := range names {
		alt[i] = regexp.QuoteMeta(n)
	}
	takesOut := regexp.MustCompile(`\b(?:` + strings.Join(alt, "|") + `)\s*\.\s*` + takeOutVerbs + `\s*\(`)
	var found *Statement
	name := ""
	matchLines(finishHandlerRe.get(), scripts, src, func(sc string, lines [][]byte, i int, loc []int) {
		if found != nil || commentBefore(lines[i], loc[0]) {
			return
		}
		m := finishHandlerRe.FindSubmatch(lines[i])
		recv := string(m[1])
		fn := strings.TrimRight(string(m[2]), " \t,)")
		var body []byte
		if fn == "" {
			body = closureText(lines, i+1, loc[1]+1)
		} else {
			body = cleanupBody(fn, sc, lines, i, scripts, src)
		}
		call := takesOut.Find(body)
		if call == nil {
			return
		}
		if method := bytes.TrimRight(call[bytes.LastIndexByte(call, '.')+1:], " \t("); len(method) > 0 && calledElsewhere(string(method), sc, i, scripts, src) {
			// The same cleanup runs from elsewhere too (the program's
			// sweep, a timeout): 'finish' is not its only way.
			return
		}
		// The same cleanup on 'close' too (or instead) in the function
		// that hangs it: nothing is skipped.
		from, to := enclosingLines(sc, lines, i, src)
		onClose := regexp.MustCompile(regexp.QuoteMeta(recv) + `\s*\.\s*(?:once|on|addListener)\(\s*['"]close['"]\s*,\s*` + regexp.QuoteMeta(fn) + `\b`)
		for _, l := range lines[from:to] {
			if fn != "" && onClose.Match(l) || bytes.Contains(l, []byte("finished(")) {
				return
			}
		}
		found, name = &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}, fn
	})
	return found, name
}

// calledElsewhere: a method of that name is called in the program's
// scripts on a line other than the handler's (script sc, 0-based line i)
// and outside the function that hangs it.
func calledElsewhere(method, sc string, i int, scripts []string, src Sources) bool {
	// Only a method of the program's own (release(), defined in one of
	// its scripts): a collection's delete() is called all over.
	own := regexp.MustCompile(`^\s*(?:async\s+)?` + regexp.QuoteMeta(method) + `\s*\([^)]*\)\s*\{`)
	if st := findStatement(own, scripts, src); st == nil || !programScript(st.Script) {
		return false
	}
	re := regexp.MustCompile(`\.\s*` + regexp.QuoteMeta(method) + `\s*\(`)
	var hang *Location
	if lines, ok := locationLines(&Location{Script: sc, Line: i + 1}, src); ok {
		hang = functionAbove(sc, lines, i+1)
	}
	found := false
	matchLines(re, scripts, src, func(s string, lines [][]byte, k int, loc []int) {
		if found || !programScript(s) || s == sc && k == i || commentBefore(lines[k], loc[0]) {
			return
		}
		if hang != nil && s == sc {
			if f := functionAbove(s, lines, k+1); f != nil && f.Line == hang.Line {
				return // (the same function: the handler's own block)
			}
		}
		found = true
	})
	return found
}

// cleanupBody is the text of the function named fn, as the line at i (of
// script sc) sees it: a function declared under that name, or one a call
// returned (const stop = startCapture(job): startCapture's body, where the
// function it returns is written).
func cleanupBody(fn, sc string, lines [][]byte, i int, scripts []string, src Sources) []byte {
	assigned := regexp.MustCompile(`\b(?:const|let|var)\s+` + regexp.QuoteMeta(fn) + `\s*=\s*(?:await\s+)?([\w$.]+)\s*\(`)
	for k := i; k >= 0 && k >= i-maxFunctionLines; k-- {
		if m := assigned.FindSubmatch(lines[k]); m != nil {
			callee := string(m[1])
			if j := strings.LastIndexByte(callee, '.'); j >= 0 {
				callee = callee[j+1:]
			}
			if ls, st, ok := functionDefinition(callee, append([]string{sc}, scripts...), src); ok {
				return closureText(ls, st.Line, 1)
			}
			return nil
		}
	}
	if ls, st, ok := functionDefinition(fn, append([]string{sc}, scripts...), src); ok {
		return closureText(ls, st.Line, 1)
	}
	return nil
}

// finishOnlyHint says where the cleanup hangs on 'finish' alone and what
// to hang it on; series: snapshots saw the entries stay.
func finishOnlyHint(st *Statement, fn string, series bool) string {
	what := "its cleanup"
	if fn != "" {
		what = fn + "()"
	}
	m := finishHandlerRe.FindStringSubmatch(st.Text)
	recv := "the response"
	if m != nil {
		recv = m[1]
	}
	stay := ""
	if series {
		stay = ": those are the ones that stay"
	}
	return fmt.Sprintf("%s:%d runs %s only on %s's 'finish' (%s), which a response never emits when the client goes away before it ends (an aborted download, a closed connection)%s; run it on 'close' instead, which comes either way",
		filepath.Base(st.Script), st.Line, what, recv, strings.TrimSuffix(strings.TrimSpace(st.Text), ";"), stay)
}

// pathNames are the names on a suspect's path the program can reach it
// by: the variables and fields its edges name, and its holder's.
func pathNames(path []PathStep, h *Holder) []string {
	var names []string
	add := func(n string) {
		if len(n) >= 2 && identRe.MatchString(n) && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, st := range path {
		add(st.Edge)
	}
	if h != nil {
		add(h.OwnerName)
		for _, n := range strings.Split(h.Name, ".") {
			add(n)
		}
	}
	return names
}
