// Trims that never run: a trim against a field of the collection's owner
// that is undefined in the heap (this.maxEvents when the option was read
// under another name) compares a size with undefined, which is always
// false. The heap shows the field undefined; the configuration files may
// show the setting the code meant, spelled differently (max-events).

package leak

import (
	"fmt"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// undefinedField: the object with id owner in g has a field name that is
// undefined. V8 shows that as an edge to the undefined oddball, named
// "undefined" since node 22 and "system / Oddball" before, whose string
// (to_string) is "undefined". A field holding a small integer has no
// edge at all.
func undefinedField(g *heapgraph.Graph, owner uint32, name string) bool {
	v, ok := g.NodeByID(owner)
	if !ok {
		return false
	}
	to, ok := g.EdgeNamed(v, name)
	s := g.S
	if !ok || int(s.NodeType[to]) != s.NodeTypeIndex.Hidden {
		return false
	}
	switch s.NodeNameString(to) {
	case "undefined":
		return true
	case "system / Oddball":
		for e, str := range g.Edges(to) {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Hidden && int(s.NodeType[str]) == s.NodeTypeIndex.String && s.NodeNameString(str) == "undefined" {
				return true
			}
		}
	}
	return false
}

// ownFieldRe is a bound read from the owner's own field: this.maxEvents.
var ownFieldRe = lazyRE(`^this\s*\.\s*([A-Za-z_$][\w$]*)$`)

func ownField(bound string) (string, bool) {
	m := ownFieldRe.FindStringSubmatch(bound)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// undefinedBoundHint is the fix of a trim against an undefined field:
// give the field its value, naming the setting the configuration spells
// differently when there is one (max-events for maxEvents).
func undefinedBoundHint(t *Trim, field string, h *Holder, own []string, src Sources) string {
	owner := h.Owner
	if owner == "" {
		owner = "its owner"
	}
	hint := fmt.Sprintf("the trim at %s (`%s`) compares the size with %s, which is undefined in %s: a comparison with undefined is always false, so the trim never runs and the %s only grows; give %s its value (check the option or setting it is read from)",
		t.where(), t.At.Text, t.Bound, owner, h.Kind, t.Bound)
	if k, ok := configNearKey(field, append([]string{t.At.Script}, own...), src); ok {
		hint += fmt.Sprintf("; %s sets %s, spelled differently from %s", k.File, k.Key, field)
	}
	return hint
}
