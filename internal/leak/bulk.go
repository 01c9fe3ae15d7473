// What makes each leaked object costly: most are small, and their retained
// size sits a few references below them, in something each one alone
// keeps (a request body a closure's context holds, a rendered page an
// entry points to). Naming it says what to stop keeping.

package leak

import (
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// Bulk is where most of an object's retained size is: the references
// from the object to the one object that holds most of it.
type Bulk struct {
	// Steps are the references, as paths print them: "describe",
	// "context", "raw", "[3]".
	Steps []string `json:"steps"`
	// Class is the class of the object at the end of Steps.
	Class string `json:"class"`
	// RetainedSize is what that object retains, Of what the leaked
	// object retains (one representative).
	RetainedSize uint64 `json:"retained_size"`
	Of           uint64 `json:"of"`

	// Frame is the async function suspended at an await whose locals
	// keep it, when the references run through one (a Generator, as V8
	// shows a suspended async function): the code that waits.
	Frame *Location `json:"frame,omitempty"`

	root  uint32   // the object it starts from
	nodes []uint32 // the objects along Steps
	frame int      // Frame's index in nodes
}

// at is the object before step i: the root for the first.
func (b *Bulk) at(i int) uint32 {
	if i == 0 {
		return b.root
	}
	return b.nodes[i-1]
}

// Text is the references as one line: "describe → context → raw", or for
// a suspended async function "resolve → … → the locals of async
// deliver() → body" (V8's plumbing of promises and frames left out).
func (b *Bulk) Text() string {
	if b.Frame == nil || b.frame >= len(b.Steps) {
		return strings.Join(b.Steps, " → ")
	}
	out := []string{b.Steps[0]}
	if b.frame > 1 {
		out = append(out, "…")
	}
	out = append(out, "the locals of async "+b.Frame.Function+"()")
	for _, st := range b.Steps[b.frame+1:] {
		if st != "parameters_and_registers" && !isDigits(st) {
			out = append(out, st)
		}
	}
	return strings.Join(out, " → ")
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// Limits of bulkOf: objects smaller than minBulk are not worth breaking
// down; maxBulkSteps bounds the descent.
const (
	minBulk      = 16 << 10
	maxBulkSteps = 12
)

// bulkOf follows from v the reference to the object v alone keeps (v is
// its dominator) with the largest retained size, while that one holds at
// least half of what v retains; nil when v's size is its own or spread
// over many.
func bulkOf(g *heapgraph.Graph, v uint32) *Bulk {
	total := g.RetainedSize(v)
	if total < minBulk {
		return nil
	}
	b := &Bulk{Of: total, root: v}
	cur := v
	for len(b.Steps) < maxBulkSteps && int(g.S.NodeType[cur]) != g.S.NodeTypeIndex.ConcatenatedString {
		// (A concatenated string's pieces are one string.)
		// What cur alone keeps is reached from it directly, or through
		// one of several references that all lead to it (a resolve and
		// a reject sharing one context): look one reference deeper.
		var best, via, bestEdge, viaEdge uint32
		var bestSize uint64
		deep := false
		for e, to := range g.Edges(cur) {
			if g.IsWeakEdge(e) || to == cur {
				continue
			}
			if g.Dominator(to) == cur {
				if r := g.RetainedSize(to); r > bestSize {
					best, bestEdge, bestSize, deep = to, e, r, false
				}
			}
			for e2, to2 := range g.Edges(to) {
				if g.IsWeakEdge(e2) || g.Dominator(to2) != cur {
					continue
				}
				if r := g.RetainedSize(to2); r > bestSize {
					best, bestEdge, bestSize, deep = to2, e2, r, true
					via, viaEdge = to, e
				}
			}
		}
		if bestSize == 0 || 2*bestSize < total {
			break
		}
		if n := len(b.Steps); n > 0 && b.Steps[n-1] == bulkStep(g, bestEdge) && g.ClassIndex(best) == g.ClassIndex(cur) {
			// A linked structure (next → next → …): its bulk is the
			// rest of itself, which the path already says.
			return nil
		}
		if deep {
			b.Steps = append(b.Steps, bulkStep(g, viaEdge))
			b.nodes = append(b.nodes, via)
		}
		b.Steps = append(b.Steps, bulkStep(g, bestEdge))
		b.nodes = append(b.nodes, best)
		cur = best
	}
	if len(b.Steps) == 0 {
		return nil
	}
	b.Class, b.RetainedSize = g.ClassName(cur), g.RetainedSize(cur)
	switch t := int(g.S.NodeType[cur]); {
	case t == g.S.NodeTypeIndex.Hidden, t == g.S.NodeTypeIndex.Code, t == g.S.NodeTypeIndex.Array,
		strings.HasPrefix(b.Class, "system / "), b.Class == "(system)":
		// V8's own plumbing (a context, a code object, an internal
		// array): what it keeps is spread over its slots, and naming
		// it tells the reader nothing.
		return nil
	}
	return b
}

// bulkStep is a reference as a path step names it: a property or
// variable by its name, an element by its index in brackets.
func bulkStep(g *heapgraph.Graph, e uint32) string {
	s := g.S
	if int(s.EdgeType(e)) == s.EdgeTypeIndex.Element {
		return "[" + s.EdgeName(e) + "]"
	}
	return s.EdgeName(e)
}
