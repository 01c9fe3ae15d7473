// Subscriptions undone by their pair: a callback registered with
// subscribe(), register(), watch() … and taken out with unsubscribe(),
// unregister(), unwatch() … on the same receiver with the same function
// (a diagnostics_channel, a library's hub).

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// subscribeCallRe matches a registering call given one function:
// receiver (group 1), verb (2), the function (3).
var subscribeCallRe = lazyRE(`((?:this\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*(subscribe|register|watch|observe|attach|addListener|addHook|track)\s*\(\s*((?:this\s*\.\s*)?[A-Za-z_$][\w$]*)\s*\)`)

// subscriptionFix is the fix for callbacks the program's statement added
// registers (queryChannel.subscribe(onQuery)): when the program undoes
// it with the same function (queryChannel.unsubscribe(onQuery)), the way
// out that skips that; when nothing in its scripts does, that. grew: a
// series saw them pile up. "" when neither is found.
func subscriptionFix(added *Statement, own []string, src Sources, grew bool) string {
	if added == nil || src == nil || !programScript(added.Script) {
		return ""
	}
	m := subscribeCallRe.FindStringSubmatch(added.Text)
	if m == nil {
		return ""
	}
	recv, verb, fn := m[1], m[2], strings.Join(strings.Fields(m[3]), "")
	undo := undoVerb(verb)
	last := recv[strings.LastIndexByte(recv, '.')+1:]
	at := fmt.Sprintf("%s:%d", filepath.Base(added.Script), added.Line)
	call := fmt.Sprintf("%s.%s(%s)", recv, undo, fn)
	fnName := fn[strings.LastIndexByte(fn, '.')+1:]
	re := regexp.MustCompile(`(?:^|[^\w$])` + regexp.QuoteMeta(last) + `\s*\.\s*` + undo + `\s*\(\s*(?:this\s*\.\s*)?` + regexp.QuoteMeta(fnName) + `\s*\)`)
	rm := findStatement(re, append([]string{added.Script}, own...), src)
	if rm == nil {
		if !grew {
			return fmt.Sprintf("%s registers %s with %s.%s() and nothing in its scripts calls %s: if they should not all stay, call it when the work each serves ends (in a finally)", at, fn, recv, verb, call)
		}
		return fmt.Sprintf("%s registers %s with %s.%s() and nothing in its scripts calls %s: call it when the work each serves ends (in a finally, so that an error does not skip it)", at, fn, recv, verb, call)
	}
	if e, c := cleanupExit(added, rm, own, src); e != nil {
		stay := "yet they stay"
		if !grew {
			stay = "if these should be gone"
		}
		return fmt.Sprintf("%s registers %s with %s.%s(), and %s:%d takes it out (%s), %s: %s",
			at, fn, recv, verb, filepath.Base(rm.Script), rm.Line, strings.TrimSuffix(strings.TrimSpace(rm.Text), ";"), stay, exitText(e, c))
	}
	return ""
}
