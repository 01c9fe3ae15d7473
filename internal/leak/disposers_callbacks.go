// Disposal that one way a wait ends skips: a function makes an object
// (a watcher, a subscription) and hands callbacks that each end the
// wait (resolve it, answer the request); some dispose of the object, and
// one (the timeout's, most often) ends the wait without doing so.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// executorRe is the head of a promise's executor: new Promise((resolve …
var executorRe = lazyRE(`\bnew\s+Promise\s*\(`)

// answerRe is a response's answer, which ends a wait as a settle does.
var answerRe = lazyRE(`\bres\s*\.\s*(?:end|send|json)\s*\(`)

// skippedCallback: disposal (the call text, watcher.close()) is made on
// a local of the function that makes it, inside one of the callbacks that
// function hands out, and another of its callbacks ends the wait without
// it. What is said names that callback, "" when there is none; made is
// the local's declaration, where the objects are made.
func skippedCallback(st *Statement, call string, src Sources) (text string, made *Statement) {
	dot := strings.IndexByte(call, '.')
	if st == nil || dot <= 0 || !identRe.MatchString(call[:dot]) {
		return "", nil
	}
	recv := call[:dot]
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return "", nil
	}
	// The local's declaration, above the disposal in an enclosing block.
	decl := regexp.MustCompile(`^\s*(?:const|let|var)\s+` + regexp.QuoteMeta(recv) + `\s*=`)
	at := -1
	for i := st.Line - 2; i >= 0 && i >= st.Line-1-maxFunctionLines; i-- {
		if decl.Match(lines[i]) {
			at = i
			break
		}
	}
	if at < 0 {
		return "", nil
	}
	from, to := enclosingLines(st.Script, lines, at, src)
	if from == 0 && to == len(lines) {
		return "", nil // (a module's top level hands out no one wait's callbacks)
	}
	depth := indentOf(lines[at])
	disposes := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(recv) + `\s*\.\s*` + regexp.QuoteMeta(strings.TrimSuffix(call[dot+1:], "()")) + `\s*\(`)
	type callback struct {
		head, end       int // 0-based, end exclusive
		name            string
		settles, cleans bool
	}
	var cbs []callback
	// The callbacks of a promise's executor (return new Promise((resolve)
	// => { … })) are the wait's too, one block deeper: its own lines are
	// not one of them.
	inner, innerFrom, innerTo := -1, -1, -1
	for i := from + 1; i < to; i++ {
		l := lines[i]
		if indentOf(l) == depth && executorRe.Match(l) && nestedFuncRe.Match(l) {
			innerFrom, innerTo = i, min(bodyEnd(lines, i+1), to)
			for k := i + 1; k < innerTo; k++ {
				if len(bytes.TrimSpace(lines[k])) > 0 {
					inner = indentOf(lines[k])
					break
				}
			}
			break
		}
	}
	for i := from + 1; i < to; i++ {
		l := lines[i]
		if i == innerFrom {
			continue
		}
		if d := indentOf(l); (d != depth && (d != inner || i <= innerFrom || i >= innerTo)) || commentLine(l) || !nestedFuncRe.Match(l) {
			continue
		}
		end := min(bodyEnd(lines, i+1), to)
		body := bytes.Join(lines[i+1:end], []byte("\n"))
		name := ""
		if m := keptRe.FindSubmatch(l); m != nil && bytes.Contains(l, []byte("=>")) && !bytes.Contains(l, []byte("(()")) && !bytes.Contains(l, []byte("setTimeout")) {
			name = string(m[1])
		}
		cbs = append(cbs, callback{i, end, name, settleRe.Match(body) || answerRe.Match(body), disposes.Match(body)})
	}
	// A callback that calls a named one that disposes (finish()) disposes.
	for k := range cbs {
		for _, o := range cbs {
			if o.cleans && o.name != "" && !cbs[k].cleans &&
				regexp.MustCompile(`(?:^|[^\w$.])`+regexp.QuoteMeta(o.name)+`\s*\(`).Match(bytes.Join(lines[cbs[k].head+1:cbs[k].end], []byte("\n"))) {
				cbs[k].cleans, cbs[k].settles = true, true
			}
		}
	}
	var clean, miss *callback
	for k := range cbs {
		c := &cbs[k]
		switch {
		case c.cleans && c.settles && clean == nil:
			clean = c
		case !c.cleans && c.settles && miss == nil:
			miss = c
		}
	}
	if clean == nil || miss == nil {
		return "", nil
	}
	base := filepath.Base(st.Script)
	what := "the callback"
	if bytes.Contains(lines[miss.head], []byte("setTimeout(")) {
		what = "the timeout's callback"
	} else if m := handlerRe.FindSubmatch(lines[miss.head]); m != nil {
		what = fmt.Sprintf("the '%s' handler", m[2])
	} else if miss.name != "" {
		what = miss.name + "()"
	}
	return fmt.Sprintf("%s at %s:%d (%s) ends the wait without %s, while the one at line %d calls it: each %s made at line %d stays when that way out is taken; call %s there too",
			what, base, miss.head+1, clipLine(lines[miss.head]), call, clean.head+1, recv, at+1, call),
		&Statement{Script: st.Script, Line: at + 1, Column: indentOf(lines[at]) + 1, Text: clipLine(lines[at])}
}
