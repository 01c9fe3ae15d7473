// Pattern timer: Timeouts and Immediates created and never cleared.

package leak

import (
	"fmt"
	"strings"
)

// timerObject: a node timer object (the leaked object is a timer).
func timerObject(name string) bool { return name == "Timeout" || name == "Immediate" }

// timerHolder: an object that holds what a timer keeps, or the timer lists
// that hold timers.
func timerHolder(name string) bool {
	switch name {
	case "Timeout", "Immediate", "TimersList", "ImmediateList":
		return true
	}
	return false
}

// timerHint is the fix for a PatternTimer suspect; per is its count range.
func timerHint(s *Suspect, per string) string {
	what := "timers"
	if s.Class != "" && s.Class != s.RootClass && s.Class != "Timeout" && s.Class != "Immediate" {
		what = "timers, each keeping " + article(s.Class) + " " + s.Class + ","
	}
	if alsStore(s) {
		// A timer created inside AsyncLocalStorage.run() keeps the
		// store of the call that created it for as long as it lives.
		store := "store"
		if userClassName(s.Class) {
			store += " (" + s.Class + ")"
		}
		return fmt.Sprintf("timers created during requests are never cleared%s, and each keeps the AsyncLocalStorage %s of the request that created it: keep the handle and clear it in the request's finally block (or on the response's 'close'); timer.unref() does not free anything", per, store)
	}
	return fmt.Sprintf("%s are created and never cleared%s: keep the handle and call clearInterval/clearTimeout when the owner is done, and stop a setTimeout that reschedules itself once its work is done (timer.unref() only lets the process exit, it does not free anything)", what, per)
}

// alsStore: the path reaches the leaked object through a timer's async
// context (node keeps an AsyncLocalStorage store under kResourceStore, or
// in the async context frame on newer versions).
func alsStore(s *Suspect) bool {
	for _, st := range s.RetainerPath {
		// node 24+ names the frame's symbol kAsyncContextFrame and its
		// class AsyncContextFrame.
		if strings.Contains(st.Edge, "kResourceStore") || strings.Contains(st.Edge, "async_context_frame") ||
			strings.Contains(st.Edge, "kAsyncContextFrame") || st.Class == "AsyncContextFrame" {
			return true
		}
	}
	return false
}
