// Keys made unique per call: a rate limiter keyed by tenant and request
// id, a cache keyed by user and timestamp. The collection's keys join a
// part from a small set (the tenant) with one that never repeats (a UUID),
// so every call adds an entry that is never looked up again. The keys say
// so: a few distinct first parts, and last parts that are all different
// and look like ids.

package leak

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// keyMix describes the keys of a collection joined from a few values and
// one unique per call.
type keyMix struct {
	firsts   []string // up to three of the few first parts
	distinct int      // how many distinct first parts among sampled
	sampled  int
	unique   string // one unique part, as an example
	kind     string // what the unique parts look like: "a UUID", "a number"
}

// Limits of the key sample.
const (
	minMixKeys = 64  // fewer keys say too little
	maxMixKeys = 256 // keys looked at
)

var (
	uuidRe   = lazyRE(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	hexIDRe  = lazyRE(`^[0-9a-fA-F]{16,}$`)
	numIDRe  = lazyRE(`^\d{6,}$`)
	wordIDRe = lazyRE(`^[0-9A-Za-z_-]{20,}$`) // cuid2, nanoid, ULID
)

// idKind is what an id-like key part looks like, "" when it looks like a
// word or a small number (a name, a page, a version).
func idKind(p string) string {
	switch {
	case uuidRe.MatchString(p):
		return "a UUID"
	case numIDRe.MatchString(p):
		return "a number"
	case hexIDRe.MatchString(p):
		return "a hex id"
	case wordIDRe.MatchString(p) && strings.ContainsAny(p, "0123456789"):
		return "an id"
	case prefixedIDRe.MatchString(p) && digits(p) >= 4:
		return "an id"
	}
	return ""
}

// prefixedIDRe is an id with a short tag in front: req-00000e47-nj857,
// usr_8f3k29d1.
var prefixedIDRe = lazyRE(`^[A-Za-z]{1,6}[-_][0-9A-Za-z_-]{8,}$`)

// digits counts the decimal digits of p.
func digits(p string) int {
	n := 0
	for _, c := range p {
		if c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// splitKey cuts a key at its first separator into a first part and the
// rest: "t_acme:c12bf88e-…" → "t_acme", "c12bf88e-…".
//
// Without one of those, a dotted name is cut at its last dot (a logger
// named per request: "http.account.transfer.req-00000e47-nj857").
func splitKey(k string) (first, rest string, ok bool) {
	i := strings.IndexAny(k, ":|/#@")
	if i < 0 {
		i = strings.LastIndexByte(k, '.')
	}
	if i <= 0 || i == len(k)-1 {
		return "", "", false
	}
	return k[:i], k[i+1:], true
}

// composedKeys reports whether the string keys of collection v (a Map, a
// Set or a dictionary) are joined from a few values and one that looks
// like an id unique to each: at least half the keys looked at split in
// two with an id as the last part, those ids all differ, and their first
// parts take at least two values and at most a quarter as many as there
// are keys.
func composedKeys(g *heapgraph.Graph, v uint32, kind string) (keyMix, bool) {
	keys := stringKeys(g, v, kind, maxMixKeys)
	if len(keys) < minMixKeys {
		return keyMix{}, false
	}
	var m keyMix
	m.sampled = len(keys)
	var firsts, rests []string
	kinds := map[string]int{}
	for _, k := range keys {
		f, r, ok := splitKey(k)
		if !ok {
			continue
		}
		ik := idKind(r)
		if i := strings.LastIndexAny(k, ":|/#@"); ik == "" && i > len(f) && i < len(k)-1 {
			// More parts before the id (urn:import:invoice:<uuid>):
			// the id is the last.
			f, r = k[:i], k[i+1:]
			ik = idKind(r)
		}
		if ik == "" && portPart(f, r) {
			ik = portKind
		}
		if ik == "" {
			continue
		}
		kinds[ik]++
		firsts = append(firsts, f)
		rests = append(rests, r)
	}
	if 2*len(rests) < len(keys) {
		return keyMix{}, false
	}
	for k, n := range kinds {
		if n > kinds[m.kind] || n == kinds[m.kind] && k < m.kind {
			m.kind = k
		}
	}
	slices.Sort(rests)
	all := len(rests)
	m.unique = rests[0]
	if n := len(slices.Compact(rests)); m.kind == portKind && 4*n >= 3*all {
		// Ports repeat across addresses, and the addresses are the
		// clients': how many there are says nothing.
		slices.Sort(firsts)
		m.firsts = slices.Compact(firsts)[:1]
		m.distinct = 1
		return m, true
	} else if n != all {
		return keyMix{}, false // a part that repeats is looked up again
	}
	slices.Sort(firsts)
	firsts = slices.Compact(firsts)
	m.distinct = len(firsts)
	if m.distinct < 2 || 4*m.distinct > len(keys) {
		// One first part is a namespace (sess:<id>), not a key made
		// of two.
		return keyMix{}, false
	}
	m.firsts = firsts[:min(3, len(firsts))]
	return m, true
}

// portKind: the last part of keys that end with an address and a port
// (anon:127.0.0.1:43472), a client's source port: a new one with nearly
// every connection.
const portKind = "a client's port"

// addrEndRe: a key part that ends with an IP address (IPv4, ::1 or a
// bracketed IPv6 one).
var addrEndRe = lazyRE(`(?:(?:^|[^\d.])(?:\d{1,3}\.){3}\d{1,3}|::1|\])$`)

// portPart: r is a port number after an address that ends f.
func portPart(f, r string) bool {
	n, err := strconv.Atoi(r)
	return err == nil && n > 0 && n < 65536 && r[0] != '0' && addrEndRe.MatchString(f)
}

// hint says what the keys show and what to do about it. Whether the id
// is per call or names something long-lived (a session) the keys cannot
// tell, so both fixes are given.
func (m *keyMix) hint(what string) string {
	if m.kind == portKind {
		return fmt.Sprintf("the keys of %s end with a client's address and port (%s:%s): a connection's source port is new with nearly every connection, so each one adds an entry that is never looked up again; key by the address (or the client's id) without the port",
			what, m.firsts[0], m.unique)
	}
	ex := m.unique
	if len(ex) > 12 {
		ex = ex[:12] + "…"
	}
	return fmt.Sprintf("most keys of %s join one of a few values (%s: %d in %d keys) with %s unique to each (%s): if that id is per request or per call, every call adds an entry never looked up again, so build the key from the part that repeats; if it names something long-lived (a session, a connection), delete the entry when that ends",
		what, strings.Join(m.firsts, ", "), m.distinct, m.sampled, m.kind, ex)
}

// pairProbe is how many slots of a Map's table are read to tell whether
// its values are strings too.
const pairProbe = 256

// stringKeys are up to max string keys of collection v: a dictionary's
// property names, or the strings a Map's or Set's table holds, flat or
// not (a key built with + is a concatenated string).
func stringKeys(g *heapgraph.Graph, v uint32, kind string, max int) []string {
	s := g.S
	var keys []string
	if kind == "dictionary" {
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1] && len(keys) < max; e++ {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Property {
				keys = append(keys, s.EdgeName(e))
			}
		}
		return keys
	}
	t, ok := g.EdgeNamed(v, "table")
	if !ok {
		return nil
	}
	isString := func(u uint32) bool {
		switch int(s.NodeType[u]) {
		case s.NodeTypeIndex.String, s.NodeTypeIndex.ConcatenatedString, s.NodeTypeIndex.SlicedString:
			return true
		}
		return false
	}
	// A Map's table holds each entry's key and then its value: when its
	// values are strings too (a key-value store's serialized values),
	// the first of each pair of string slots is the key.
	// slot is the table slot edge e reads: an element's index, or the
	// number an internal edge is named by; -1 for neither.
	slot := func(e uint32) int {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Element {
			return int(s.EdgeNameOrIndex(e))
		}
		if n, err := strconv.Atoi(s.EdgeName(e)); err == nil {
			return n
		}
		return -1
	}
	prev, prevString, pairs := -2, false, false
	if kind == "Map" {
		// (Its first entries tell: no need to read a big table twice.)
		for e := s.FirstEdge[t]; e < s.FirstEdge[t+1] && e < s.FirstEdge[t]+pairProbe; e++ {
			i, str := slot(e), isString(s.EdgeTo[e])
			if str && prevString && i >= 0 && i == prev+1 {
				pairs = true
				break
			}
			prev, prevString = i, str
		}
	}
	prev, prevString = -2, false
	for e := s.FirstEdge[t]; e < s.FirstEdge[t+1] && len(keys) < max; e++ {
		u := s.EdgeTo[e]
		i := slot(e)
		str := isString(u)
		if pairs && str && prevString && i == prev+1 {
			prevString = false // the value of the key before it
			continue
		}
		prev, prevString = i, str
		if str {
			keys = append(keys, g.Name(u)) // a concatenated string flattened
		}
	}
	return keys
}
