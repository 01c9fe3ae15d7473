// Finalizers: a FinalizationRegistry holds each registered object's held
// value strongly until the object is collected. A held value that refers
// back to its own object (a cleanup closure over `this`, the object in a
// field) therefore keeps it alive for good: the registry that was meant
// as a safety net becomes the leak, and the cleanup never runs.

package leak

import (
	"fmt"
	"strings"
)

// selfHeld finds, on the path raw, a FinalizationRegistry cell (V8's
// WeakCell) whose held value leads down the path to the cell's own
// target. It returns the route from the held value to the target
// ("release → this"), "" when there is none, and the variable or
// property that keeps the registry.
func (x *explainer) selfHeld(raw []rawStep) (route, registry string) {
	s := x.g.S
	for k := 0; k+1 < len(raw); k++ {
		cell := raw[k].node
		if string(s.Strings.Bytes(s.NodeName[cell])) != "system / WeakCell" || raw[k+1].edgeType == "weak" {
			continue
		}
		target, ok := x.weakTarget(cell)
		if !ok {
			continue
		}
		for j := k + 1; j < len(raw); j++ {
			if raw[j].node != target {
				continue
			}
			for i := k - 1; i >= 1; i-- {
				if s.NodeNameString(raw[i].node) == "FinalizationRegistry" {
					if n := raw[i].edgeName; n != "" && !isNumber(n) {
						registry = n
					}
					break
				}
			}
			var via []string
			for _, st := range raw[k+2 : j+1] {
				// Named steps only: not a closure's context link.
				if st.edgeName != "" && !isNumber(st.edgeName) && st.edgeType != "internal" && st.edgeType != "hidden" {
					via = append(via, st.edgeName)
				}
			}
			if len(via) == 0 {
				return "the held value itself", registry
			}
			return strings.Join(via, " → "), registry
		}
	}
	return "", ""
}

// weakTarget is the object a WeakCell watches (its weak "target" edge).
func (x *explainer) weakTarget(cell uint32) (uint32, bool) {
	s := x.g.S
	for e := s.FirstEdge[cell]; e < s.FirstEdge[cell+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Weak && s.EdgeName(e) == "target" {
			return s.EdgeTo[e], true
		}
	}
	return 0, false
}

// finalizerHint is the fix for objects kept by their own registration.
func finalizerHint(s *Suspect, per string) string {
	what := "each object"
	if userClassName(s.Class) {
		what = "each " + s.Class
	}
	reg := "a FinalizationRegistry"
	if s.selfHeldRegistry != "" {
		reg = "the FinalizationRegistry " + s.selfHeldRegistry
	}
	return fmt.Sprintf("%s is registered with %s%s, and the held value given to register() refers back to it (%s): a registry keeps held values alive until their object is collected, so these objects can never be collected and their cleanup never runs; pass a held value that does not reference the object (its id, or a small object with only what the cleanup needs), and call unregister() when an object is closed normally", what, reg, per, s.selfHeld)
}
