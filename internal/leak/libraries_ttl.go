// Caches whose time to live is zero: node-cache's stdTTL and lru-cache's
// ttl are a number where 0 means "never expire". A TTL in seconds worked
// out from milliseconds with a rounding down (Math.floor(windowMs / 1000))
// is 0 for any window under a second, so the cache the program believes
// expires keeps every entry. The heap cannot show it (a small integer
// leaves no trace); the statement that creates the cache can.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
)

// ttlZeroRe is a TTL option rounded down from a division by 1000:
// stdTTL: Math.floor(windowMs / 1000), ttl: (ms / 1000) | 0.
var ttlZeroRe = lazyRE(`\b(stdTTL|ttl)\s*:\s*((?:Math\s*\.\s*(?:floor|trunc)|parseInt)\s*\(\s*([^()]+?)\s*/\s*1000\s*\)|\(\s*([^()]+?)\s*/\s*1000\s*\)\s*\|\s*0)`)

// ttlHint is what the statement that creates a library cache says about
// its TTL: one rounded down to whole seconds, which is 0, never expiring,
// for less than a second. "" when it says nothing of the kind.
func ttlHint(h *Holder, own []string, src Sources) string {
	var hint string
	libraryCreations(h, own, src, func(_, args string, at Statement, sc string) bool {
		m := ttlZeroRe.FindStringSubmatch(args)
		if m == nil {
			return false
		}
		ms := m[3] + m[4]
		if v := boundValue(ms, "", sc, own, src); v >= 1000 {
			return false // a window of a second or more: not 0
		}
		hint = fmt.Sprintf("the cache created at %s:%d is given %s: %s, rounded down to whole seconds: 0 when %s is under 1000, and a %s of 0 means entries never expire; pass %s / 1000 (fractions of a second are allowed) or a minimum of 1",
			at.Script, at.Line, m[1], m[2], ms, m[1], ms)
		return true
	})
	return hint
}

// entryTTLRe is node-cache's set(key, value, ttl) with the ttl in a
// variable: the entry's own time to live, where 0 means forever too.
var entryTTLRe = lazyRE(`\.\s*set\s*\(\s*[^,()]+,\s*[^,()]+,\s*([A-Za-z_$][\w$.]*)\s*\)`)

// entryTTLHint is the fix when the program's add to a node-cache passes
// each entry a ttl of its own: 0 there keeps the entry forever (node-cache
// reads 0 as unlimited, not as "do not cache"), whatever stdTTL says, so
// a ttl worked out from a response (max-age, absent: 0) fills the cache
// with entries that never expire. A guard that lets 0 through (ttl >= 0)
// says it can be 0; without one the hint asks. "" when the add passes no
// such ttl.
func entryTTLHint(h *Holder, added *Statement) string {
	if h == nil || h.Package != "node-cache" || added == nil || !programScript(added.Script) {
		return ""
	}
	m := entryTTLRe.FindStringSubmatch(added.Text)
	if m == nil {
		return ""
	}
	ttl := m[1]
	at := fmt.Sprintf("%s:%d", filepath.Base(added.Script), added.Line)
	guard, which := "", fmt.Sprintf("if %s can be 0 (a response without max-age) those entries stay", ttl)
	if regexp.MustCompile(`\b` + regexp.QuoteMeta(ttl) + `\s*>=\s*0\b`).MatchString(added.Text) {
		guard, which = fmt.Sprintf(", and its guard lets 0 through (%s >= 0)", ttl), "every entry stored with 0 stays"
	}
	return fmt.Sprintf("%s gives each entry its own ttl (%s)%s: node-cache reads a ttl of 0 as \"never expire\", not \"do not cache\", so %s for good, whatever stdTTL says: store only when %s > 0 (or pass no ttl, so stdTTL applies)", at, ttl, guard, which, ttl)
}
