// A Map keyed by objects whose keys are copies of a few: a Map finds an
// entry only through the very object it was set with, so a row read
// again, a parsed config or a fresh options object is a new key each
// time (connections.set(tenantRow, db) with a tenant row re-read every
// few seconds). Told from the keys' string properties: many keys, few
// distinct contents.

package leak

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// maxKeyObjects bounds the keys read: the newest ones.
const maxKeyObjects = 4096

// minKeyObjects: fewer keys than this say nothing about copies.
const minKeyObjects = 16

// keyCopies is what the newest object keys of a Map hold.
type keyCopies struct {
	keys, distinct int    // object keys read, distinct contents among them
	field          string // a string property that tells the contents apart ("slug")
	example        string // its most repeated value
	repeats        int    // how many of the keys read hold it
	shape          string // the keys' class as the heap names it
}

// preferredKeyFields name what usually identifies a record.
var preferredKeyFields = []string{"id", "_id", "uuid", "key", "slug", "name", "code"}

// objectKeyCopies reads the keys of Map v's entries whose value is of one
// of classes: nil unless minKeyObjects or more are plain objects (records)
// and at most a quarter of them differ in their string properties.
func objectKeyCopies(g *heapgraph.Graph, v uint32, kind string, classes []string) *keyCopies {
	if kind != "Map" {
		return nil
	}
	s := g.S
	t, ok := g.EdgeNamed(v, "table")
	if !ok {
		return nil
	}
	leaks := func(u uint32) bool { return slices.Contains(classes, g.ClassName(u)) }
	// The newest values' slots (the largest indexes).
	values := newestSlots(g, t, leaks, maxKeyObjects)
	// Each one's key is in the slot before it.
	var keyNodes []uint32
	for e := s.FirstEdge[t]; e < s.FirstEdge[t+1]; e++ {
		if i, ok := tableIndex(g, e); ok {
			if _, found := slices.BinarySearch(values, i+1); found {
				keyNodes = append(keyNodes, s.EdgeTo[e])
			}
		}
	}
	contents := map[string]int{}
	fieldValues := map[string]map[string]int{}
	c := &keyCopies{}
	for _, k := range keyNodes {
		if int(s.NodeType[k]) != s.NodeTypeIndex.Object {
			continue
		}
		if cls := g.ClassName(k); cls != "Object" && !strings.HasPrefix(cls, "{") {
			// Records only (a row, a config, an options object): a
			// class's objects (a request, a socket) are keys by their
			// identity, however alike their fields.
			continue
		}
		var parts []string
		for e, u := range g.Edges(k) {
			if int(s.EdgeType(e)) != s.EdgeTypeIndex.Property {
				continue
			}
			switch int(s.NodeType[u]) {
			case s.NodeTypeIndex.String, s.NodeTypeIndex.ConcatenatedString:
			default:
				continue
			}
			name, text := s.EdgeName(e), g.Name(u)
			parts = append(parts, name+"="+text)
			if fieldValues[name] == nil {
				fieldValues[name] = map[string]int{}
			}
			fieldValues[name][text]++
		}
		if len(parts) == 0 {
			continue
		}
		slices.Sort(parts)
		contents[strings.Join(parts, "\x00")]++
		c.keys++
		if c.shape == "" {
			c.shape = g.ClassName(k)
		}
	}
	c.distinct = len(contents)
	if c.keys < minKeyObjects || 4*c.distinct > c.keys {
		return nil
	}
	// The field whose values tell the contents apart best, a usual
	// identifier's name first.
	best := -1
	for name, vals := range fieldValues {
		score := 2 * len(vals)
		if slices.Contains(preferredKeyFields, name) {
			score++
		}
		if score > best || score == best && name < c.field {
			best, c.field = score, name
		}
	}
	for text, n := range fieldValues[c.field] {
		if n > c.repeats || n == c.repeats && text < c.example {
			c.example, c.repeats = text, n
		}
	}
	return c
}

// text says what the keys are and what to key by instead: arg is what
// the program passes as the key where it adds ("tenant"), "" when not
// known.
func (c *keyCopies) text(what, arg string) string {
	by := "a value that identifies it"
	if c.field != "" {
		by = "a value that identifies it (its " + c.field + ")"
		if arg != "" && identRe.MatchString(arg) {
			by = arg + "." + c.field
		}
	}
	return fmt.Sprintf("%s is keyed by objects (%s), and its newest %d keys hold only %d distinct contents (%s %q in %d of them): a Map finds an entry only through the very object it was set with, so a copy (a row read again, a config parsed again, an options object made per call) is a new key every time, and the entry made for the old one stays; key it by %s",
		what, c.shape, c.keys, c.distinct, c.field, c.example, c.repeats, by)
}
