// node's performance timeline. performance.mark() and performance.measure()
// add an entry to one process-wide buffer per kind (markEntryBuffer,
// measureEntryBuffer in node's internal/perf/observe.js), and only
// performance.clearMarks() and clearMeasures() take entries out: a mark or
// a measure per request that is never cleared stays for good, with its
// detail. The holder is node's own Array, so the general advice (bound it,
// use a WeakMap) does not apply; the program's call that makes the entries
// without clearing them is the line to change.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
)

// perfBuffers are node's user-timing buffers, by the edge that holds them,
// and the call that fills each.
var perfBuffers = map[string]string{"markEntryBuffer": "mark", "measureEntryBuffer": "measure"}

// perfBuffer is "mark" or "measure" when the holder is one of node's
// user-timing buffers; "" otherwise.
func perfBuffer(p []PathStep, holder *Holder) string {
	if holder == nil {
		return ""
	}
	for _, st := range p {
		if st.ID == holder.ID {
			return perfBuffers[st.Edge]
		}
	}
	return ""
}

// perfCallRe is a user-timing call on node's performance object (or a
// variable named for it): group 1 is mark or measure.
var perfCallRe = lazyRE(`\b[\w$]*[Pp]erf[\w$]*\s*\.\s*(mark|measure)\s*\(`)

// unclearedEntries is the program's first call making kind's entries in a
// function that never clears them (clearMarks / clearMeasures), with
// Others the count of further such calls; nil when every call's function
// clears its entries, or none is found.
func unclearedEntries(kind string, scripts []string, src Sources) *Statement {
	clear := []byte("clear" + strings.ToUpper(kind[:1]) + kind[1:] + "s(")
	var found *Statement
	n := 0
	matchLines(perfCallRe.get(), scripts, src, func(sc string, lines [][]byte, i int, loc []int) {
		if m := perfCallRe.FindSubmatch(lines[i]); m == nil || string(m[1]) != kind || commentBefore(lines[i], loc[0]) {
			return
		}
		st := &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		from, to := enclosingLines(sc, lines, i, src)
		for _, l := range lines[from:to] {
			if bytes.Contains(l, clear) {
				return
			}
		}
		n++
		if found == nil {
			found = st
		}
	})
	if found != nil {
		found.Others = n - 1
	}
	return found
}

// perfHint is the fix for entries of node's user-timing buffer of kind;
// st is the program's call that makes them without clearing them (or
// nil); series says whether snapshots showed them piling up.
func perfHint(kind string, st *Statement, per string, series bool) string {
	clear := "performance.clear" + strings.ToUpper(kind[:1]) + kind[1:] + "s(name)"
	what := fmt.Sprintf("node keeps every performance.%s() entry in its process-wide performance timeline until %s takes it out", kind, clear)
	if series {
		what += fmt.Sprintf(", so they pile up%s", per)
	}
	if st == nil {
		return what + fmt.Sprintf(": clear each entry once it is read (%s after reading its duration; a PerformanceObserver still sees every entry), or make none per request", clear)
	}
	others := ""
	if st.Others > 0 {
		others = fmt.Sprintf(" (and %d more)", st.Others)
	}
	return what + fmt.Sprintf(": %s:%d makes one at each call (%s)%s and nothing in its function clears it: call %s right after it, once its duration is read (a PerformanceObserver still sees every entry)",
		filepath.Base(st.Script), st.Line, strings.TrimSpace(st.Text), others, clear)
}
