// Tables kept by async_hooks: an entry per async resource, added in init()
// and deleted in a hook that not every resource reaches. node calls
// before() and after() only around a resource's callback, and
// promiseResolve() only for promises, so a timer cleared before it fires,
// a promise no one awaits or a request aborted before its callback keeps
// its entry for good. destroy() is the one every resource reaches (a
// promise's when it is collected, once a destroy hook is registered).

package leak

import (
	"bytes"
	"fmt"
	"regexp"
)

// asyncHookNameRe is a hook method's head in createHook's object:
// after(asyncId) {, after: (id) => {, after: function (id) {.
var asyncHookNameRe = lazyRE(`^\s*(init|before|after|destroy|promiseResolve)\s*(?:\(|:\s*(?:function\b|\(|[\w$]+\s*=>))`)

// createHookRe: the call that takes the hooks.
var createHookRe = lazyRE(`\bcreateHook\s*\(`)

// asyncHookOf is the async_hooks hook (before, after, promiseResolve…)
// whose body holds st, written in an object passed to createHook(); ""
// when st is not in one.
func asyncHookOf(st *Statement, src Sources) string {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return ""
	}
	name := ""
	head := headAbove(lines, st.Line, func(i int) bool {
		if m := asyncHookNameRe.FindSubmatch(lines[i]); m != nil {
			name = string(m[1])
			return true
		}
		return false
	})
	if head < 0 {
		return ""
	}
	// The object's opening: createHook({ on its line, or a line above
	// it (const hooks = {, passed to createHook(hooks) below).
	for i := head - 1; i >= 0 && i >= head-maxFunctionLines; i-- {
		if indentOf(lines[i]) >= indentOf(lines[head]) || len(bytes.TrimSpace(lines[i])) == 0 {
			continue
		}
		if createHookRe.Match(lines[i]) {
			return name
		}
		if m := objectVarRe.FindSubmatch(lines[i]); m != nil {
			uses := regexp.MustCompile(`\bcreateHook\s*\(\s*` + regexp.QuoteMeta(string(m[1])) + `\b`)
			for _, l := range lines[i:] {
				if uses.Match(l) {
					return name
				}
			}
		}
		return ""
	}
	return ""
}

// objectVarRe: an object literal opened on its own line (const hooks = {).
var objectVarRe = lazyRE(`\b(?:const|let|var)\s+([\w$]+)\s*=\s*\{\s*$`)

// asyncHookHint is the fix when entries leave a table only in hook, an
// async_hooks hook not every resource reaches; "" for destroy and init.
func asyncHookHint(at, hook string, grew bool) string {
	if !partialHook(hook) {
		return ""
	}
	reach := "node calls it only around a resource's callback, so a resource whose callback never runs (a timer cleared before it fires, a promise nothing awaits, a request aborted before it answers)"
	if hook == "promiseResolve" {
		reach = "node calls it only for promises, and only when they resolve, so any other resource (a timer, a socket, a request) and a promise that never resolves"
	}
	stay := "keeps its entry"
	if grew {
		stay = "keeps its entry for good: those are the entries that stay"
	}
	return fmt.Sprintf("entries leave it at %s in the async hook %s(): %s %s; delete the entry in a destroy(asyncId) hook instead, which every resource reaches (a promise's when it is collected)", at, hook, reach, stay)
}

// partialHook: an async_hooks hook that not every resource reaches.
func partialHook(hook string) bool {
	return hook == "before" || hook == "after" || hook == "promiseResolve"
}
