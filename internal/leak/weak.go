// Ephemerons: a WeakMap's or WeakSet's entry lives only while its key
// does. V8's snapshot shows the value as held by the table, and dominators
// treat that edge as strong, so a value can look leaked by a WeakMap that
// cannot be bounded. What keeps the key alive is the leak.

package leak

import (
	"strconv"
	"strings"
)

// weakKeyOf finds, on v's path, the WeakMap entry v is the value of, and
// returns that entry's key.
func (x *explainer) weakKeyOf(v uint32) (uint32, bool) {
	g := x.g
	path := x.path(v)
	for k := len(path) - 1; k >= 1; k-- {
		e := path[k].Edge
		name := g.S.EdgeName(e)
		if !isWeakMapEntry(name) {
			continue
		}
		id, ok := weakKeyID(name)
		if !ok {
			return 0, false
		}
		return g.NodeByID(id)
	}
	return 0, false
}

// weakKeyID reads the key's id from V8's edge name "N / part of key
// (K @id) -> value (V @id) pair in WeakMap (table @id)".
func weakKeyID(name string) (uint32, bool) {
	i := strings.Index(name, "part of key (")
	j := strings.Index(name, ") -> value (")
	if i < 0 || j < i {
		return 0, false
	}
	key := name[i+len("part of key (") : j]
	at := strings.LastIndex(key, " @")
	if at < 0 {
		return 0, false
	}
	id, err := strconv.ParseUint(key[at+2:], 10, 32)
	if err != nil {
		return 0, false
	}
	return uint32(id), true
}

// weakMapOfEntry is the WeakMap whose entry V8's edge name describes
// ("... pair in WeakMap (table @id)"): the object that holds that table.
func (x *explainer) weakMapOfEntry(name string) (uint32, bool) {
	g := x.g
	i := strings.LastIndex(name, "(table @")
	if i < 0 {
		return 0, false
	}
	id, err := strconv.ParseUint(strings.TrimSuffix(name[i+len("(table @"):], ")"), 10, 32)
	if err != nil {
		return 0, false
	}
	table, ok := g.NodeByID(uint32(id))
	if !ok {
		return 0, false
	}
	for r := range g.Retainers(table) {
		if g.S.NodeNameString(r) == "WeakMap" {
			return r, true
		}
	}
	return 0, false
}

// weakHolder: the suspect's holder is a WeakMap or a WeakSet.
func weakHolder(s *Suspect) bool {
	return s.Holder != nil && (s.Holder.Kind == "WeakMap" || s.Holder.Kind == "WeakSet")
}

// weakHint is the fix for entries of a WeakMap or WeakSet that pile up:
// never a bound (it has none), but what keeps the keys alive.
func weakHint(s *Suspect, per string) string {
	key := "their keys"
	if s.weakKeyClass != "" {
		key = "their keys (" + s.weakKeyClass + ")"
	}
	by := ""
	if s.weakKeyPath != "" {
		by = "; a key is kept by " + s.weakKeyPath
	}
	return "entries of the " + s.Holder.Kind + " pile up" + per + " because " + key + " stay alive: an entry lives only as long as its key, so the " + s.Holder.Kind + " needs no bound; find and drop what keeps the keys" + by
}

// classFieldRe is a path step through a named class's field
// (LRUCache.#valList), not a plain Object's or Array's.
var classFieldRe = lazyRE(`^([A-Z][\w$]*)[.#\[]`)

// keeperStep is where the part of a key's path worth showing starts: the
// last step through a class's own field within the last eight (a
// library's cache, LRUCache.#valList, holding the key), else the last
// four steps.
func keeperStep(steps []string) int {
	for k := len(steps) - 2; k >= max(0, len(steps)-8); k-- {
		if m := classFieldRe.FindStringSubmatch(steps[k]); m != nil && m[1] != "Object" && m[1] != "Array" && m[1] != "Map" && m[1] != "Set" {
			return k
		}
	}
	return max(0, len(steps)-4)
}
