// Pattern closure: closures of one function kept by something that is not
// an emitter, a timer or a collection.

package leak

import "fmt"

// closureHint is the fix for a PatternClosure suspect; per is its count range.
func closureHint(s *Suspect, per string) string {
	if registeredCallback(s) {
		// Kept by a library's table of callbacks (tseep's listener
		// lists, an observable's subscribers): registrations.
		return registrationHint(holderWhat(s.Holder)[len("the "):]+" ("+s.Holder.Package+")", s.Location, per)
	}
	return fmt.Sprintf("closures of the same function accumulate%s: unregister callbacks when they are no longer needed, and avoid capturing large objects in long-lived closures", per)
}

// functionCacheHint is the fix for closures of one function kept as the
// values of a keyed collection (slot names it): a cache of compiled code
// (templates, validators, new Function) whose key changes from call to
// call, so each call compiles and keeps one more.
func functionCacheHint(slot, per string) string {
	where := "a keyed collection"
	if slot != "" {
		where = slot
	}
	return fmt.Sprintf("functions of the same code are kept as the values of %s%s, one per key: a cache of compiled code (templates, validators, new Function) grows without end when its key changes with every call (holds per-call data such as ids or user input); build the key from what selects the code (a template's name and version) and pass the per-call data as arguments or locals, or bound the cache (an LRU)", where, per)
}

// programCallback: l is a function of the program (not a scope guess, not
// a library's or compiled code).
func programCallback(l *Location) bool {
	return programLocation(l) && l.Role == "" && l.Script != ""
}
