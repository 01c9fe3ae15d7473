// A memoizer compares object arguments by identity (memoizee without a
// normalizer, lodash's memoize and mem with their default key: the first
// argument itself). A call that passes an object built just before it
// never finds an earlier result: every call adds an entry, and a maximum
// only hides that the cache never hits. The heap shows the cache growing;
// the source shows the fresh object.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
)

// freshArgHint is the cause and the fix when the program's call of a
// memoized function (added, the call of h.OwnerName) passes an object
// literal it built in the lines above: "" otherwise.
func freshArgHint(h *Holder, added *Statement, src Sources) string {
	if h == nil || !h.wrapped || added == nil || src == nil || !programScript(added.Script) || !identRe.MatchString(h.OwnerName) {
		return ""
	}
	call := regexp.MustCompile(`\b` + regexp.QuoteMeta(h.OwnerName) + `\s*\(\s*([A-Za-z_$][\w$]*)\s*[,)]`)
	m := call.FindStringSubmatch(added.Text)
	if m == nil {
		return ""
	}
	fn := enclosingFunction(added, src)
	lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src)
	if fn == nil || !ok || fn.Line >= added.Line {
		return ""
	}
	arg := m[1]
	literal := regexp.MustCompile(`(?:^|[^\w$.])(?:const|let|var)\s+` + regexp.QuoteMeta(arg) + `\s*=\s*\{`)
	assigned := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(arg) + `\s*=[^=>]`)
	for k := added.Line - 2; k >= fn.Line-1 && k >= 0; k-- {
		if literal.Match(lines[k]) {
			return fmt.Sprintf("%s:%d calls %s with %s, an object built anew on each call (%s:%d), and %s compares object arguments by identity: no call finds an earlier result, so each adds an entry and the cache never hits; pass the values it depends on as primitives, or give the memoizer a key built from them (memoizee's normalizer, lodash's resolver, mem's cacheKey), and then a maximum",
				filepath.Base(added.Script), added.Line, h.OwnerName, arg, filepath.Base(added.Script), k+1, h.Package)
		}
		if assigned.Match(lines[k]) {
			return "" // given another value in between
		}
	}
	return ""
}
