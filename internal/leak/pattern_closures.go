// Pattern closure: closures of one function kept by something that is not
// an emitter, a timer or a collection.

package leak

import (
	"fmt"
	"regexp"
	"strings"
)

// closureHint is the fix for a PatternClosure suspect; per is its count range.
func closureHint(s *Suspect, per string) string {
	if s.chain != nil {
		return wrapChainHint(s, per)
	}
	if registeredCallback(s) {
		// Kept by a library's table of callbacks (tseep's listener
		// lists, an observable's subscribers): registrations.
		return registrationHint(holderWhat(s.Holder)[len("the "):]+" ("+s.Holder.Package+")", s.Location, per)
	}
	if h := s.Holder; h != nil && cachePackages[h.Package] {
		// Closures stored as a cache's values: the cache's own fix.
		if t := libraryHint(s, per); t != "" {
			return t
		}
	}
	return fmt.Sprintf(closuresText+"%s: unregister callbacks when they are no longer needed, and avoid capturing large objects in long-lived closures", per)
}

// closuresText begins the generic fix of closures that accumulate.
const closuresText = "closures of the same function accumulate"

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

// removingCallRe is a call that removes or unregisters: a .bind() made in
// it is not the function kept.
var removingCallRe = lazyRE(`\b(?:remove\w*|off|delete|un\w+|clear\w*|detach\w*)\s*\(`)

// bindSite is where the program makes the bound function of class root
// ("bound collect()"): the first this.collect.bind(…) or collect.bind(…) of its scripts that
// is not inside a removing call, as a location in the function around it;
// nil when root is not a bound function or no such line is found.
func (x *explainer) bindSite(root string, scripts []string) *Location {
	name, ok := strings.CutPrefix(root, "bound ")
	name = strings.TrimSuffix(name, "()")
	if !ok || !identRe.MatchString(name) || x.src == nil {
		return nil
	}
	var at *Location
	matchLines(regexp.MustCompile(`(?:^|[^\w$])`+regexp.QuoteMeta(name)+`\s*\.\s*bind\s*\(`), programScripts(scripts, x.src), x.src, func(sc string, lines [][]byte, i int, loc []int) {
		if at != nil || removingCallRe.Match(lines[i][:loc[0]]) || commentBefore(lines[i], loc[0]) {
			return
		}
		fn := functionAbove(sc, lines, i+1)
		at = &Location{Script: sc, Line: i + 1, Column: indentOf(lines[i]) + 1}
		if fn != nil {
			at.Function = fn.Function
		}
	})
	return at
}
