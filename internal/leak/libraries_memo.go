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
	"strings"
)

// freshArgHint is the cause and the fix when the program's call of a
// memoized function (added, the call of h.OwnerName) passes an object
// literal it built in the lines above: "" otherwise, and when the call
// that made the function (in files) gives it a key option, which builds
// keys from the object's values, not its identity.
func freshArgHint(h *Holder, added *Statement, files func() []string, src Sources) string {
	if h == nil || !h.wrapped || added == nil || src == nil || !programScript(added.Script) || !identRe.MatchString(h.OwnerName) {
		return ""
	}
	if files != nil && memoKeyOption(h.OwnerName, files, src) != nil {
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

// memoKeyRe is a memoizer's option that builds the cache key from the
// arguments (p-memoize's and mem's cacheKey, memoizee's normalizer,
// moize's transformArgs, a resolver).
var memoKeyRe = lazyRE(`(?:^|[{,\s])(?:cacheKey|normalizer|resolver|keyResolver|transformArgs|hashFunction|getKey|makeKey|keyFn)\s*[:(]`)

// memoKeyOption is the line of the key option in the program's call that
// made the memoized function it keeps as name (export const evaluate =
// pMemoize(fn, { cacheKey: … })): nil when that call gives none.
func memoKeyOption(name string, files func() []string, src Sources) *Statement {
	if !identRe.MatchString(name) {
		return nil
	}
	made, args, ok := instanceCall(name, files, src)
	if !ok || !memoKeyRe.MatchString(args) {
		return nil
	}
	lines, ok := locationLines(&Location{Script: made.Script, Line: made.Line}, src)
	if !ok {
		return nil
	}
	end := made.Line + strings.Count(args, "\n")
	for i := made.Line - 1; i < len(lines) && i < end; i++ {
		if loc := memoKeyRe.FindIndex(lines[i]); loc != nil && !commentBefore(lines[i], loc[0]) {
			return &Statement{Script: made.Script, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}
		}
	}
	return nil
}
