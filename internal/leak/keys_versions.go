// Keys that are an id and a version: a memo of parsed documents keyed by
// `${id}@${rev}`, a build cache keyed by a file's path and its content
// hash. Each new version adds an entry while the old versions of the same
// id stay, never read again: the ids are bounded, their versions are not.

package leak

import (
	"fmt"
	"strings"
)

// versionMix describes keys that are an id and a version.
type versionMix struct {
	sampled int    // keys with a version suffix
	ids     int    // distinct ids among them
	multi   int    // keys whose id has several versions in the sample
	id      string // the id with most versions
	first   string // its oldest key seen, and its newest
	last    string
}

// versionSeps separate an id from its version (doc42@7, src/a.js:3f2a9c1,
// user-17#3, report_2026-12-07 is not one: its suffix is a date's day).
const versionSeps = "@:#/|"

// splitVersion cuts key at its last separator when what follows is a
// version: a number (a revision, a timestamp) or a content hash (hex, 6
// characters or more).
func splitVersion(key string) (id, version string, ok bool) {
	i := strings.LastIndexAny(key, versionSeps)
	if i <= 0 || i == len(key)-1 {
		return "", "", false
	}
	id, version = key[:i], strings.TrimPrefix(key[i+1:], "v")
	digits, hex := 0, 0
	for j := 0; j < len(version); j++ {
		switch c := version[j]; {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'f':
			hex++
		}
	}
	if len(version) == 0 || digits+hex != len(version) || hex > 0 && len(version) < 6 || len(version) > 64 {
		return "", "", false
	}
	return id, version, true
}

// versionKeys reports whether most keys are an id and a version with
// many ids, several versions each on average, and no id holding most
// keys (keys "user:17", "order:9" are a kind and an id, not versions).
func versionKeys(keys []string) (versionMix, bool) {
	var m versionMix
	count := map[string]int{}
	first, last := map[string]string{}, map[string]string{}
	for _, k := range keys {
		id, _, ok := splitVersion(k)
		if !ok {
			continue
		}
		m.sampled++
		count[id]++
		if _, ok := first[id]; !ok {
			first[id] = k
		}
		last[id] = k
	}
	m.ids = len(count)
	top := 0
	for id, n := range count {
		if n >= 2 {
			m.multi += n
		}
		if n > top || n == top && id < m.id {
			top, m.id = n, id
		}
	}
	// Many ids, 1.5 to 8 versions each on average, half the keys at an
	// id with several, none with half of all.
	if m.sampled < minMixKeys/4 || 2*m.sampled < len(keys) || m.ids < 4 || 8*m.ids < m.sampled || 3*m.sampled < 4*m.ids ||
		2*m.multi < m.sampled || 2*top > m.sampled {
		return versionMix{}, false
	}
	m.first, m.last = first[m.id], last[m.id]
	return m, true
}

func (m *versionMix) hint(what string) string {
	return fmt.Sprintf("the keys of %s are an id and a version (%s … %s): the %d looked at are %d ids, most kept at several versions, so each new version adds an entry and the old ones stay: if only the newest is read, key it by the id alone (%s) and replace its entry when the version changes, or delete the old version's key when adding the new one",
		what, m.first, m.last, m.sampled, m.ids, m.id)
}
