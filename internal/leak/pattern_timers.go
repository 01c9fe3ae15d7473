// Pattern timer: Timeouts and Immediates created and never cleared.

package leak

import (
	"fmt"
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
		what = "timers, each keeping a " + s.Class + ","
	}
	return fmt.Sprintf("%s are created and never cleared%s: keep the handle and call clearInterval/clearTimeout when the owner is done, and stop a setTimeout that reschedules itself once its work is done (timer.unref() only lets the process exit, it does not free anything)", what, per)
}
