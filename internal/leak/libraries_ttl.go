// Caches whose time to live is zero: node-cache's stdTTL and lru-cache's
// ttl are a number where 0 means "never expire". A TTL in seconds worked
// out from milliseconds with a rounding down (Math.floor(windowMs / 1000))
// is 0 for any window under a second, so the cache the program believes
// expires keeps every entry. The heap cannot show it (a small integer
// leaves no trace); the statement that creates the cache can.

package leak

import (
	"fmt"
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
