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
		// The path ends at the held value (the cleanup closure): the
		// target may lie below it (the closure's context keeps it).
		if route, ok := x.reachesBelow(raw[k+1].node, target); ok {
			for i := k - 1; i >= 1; i-- {
				if s.NodeNameString(raw[i].node) == "FinalizationRegistry" {
					if n := raw[i].edgeName; n != "" && !isNumber(n) {
						registry = n
					}
					break
				}
			}
			return route, registry
		}
	}
	return "", ""
}

// Bounds of the search from a held value down to its target.
const (
	heldDepth = 4
	heldNodes = 256
)

// reachesBelow finds target among what from keeps by strong edges, a few
// steps down (a closure → its context → a variable): the route by the
// named steps ("reader"), or "the held value itself".
func (x *explainer) reachesBelow(from, target uint32) (string, bool) {
	s := x.g.S
	type item struct {
		node  uint32
		route []string
	}
	level := []item{{from, nil}}
	seen := map[uint32]bool{from: true}
	for d := 0; d < heldDepth && len(level) > 0 && len(seen) < heldNodes; d++ {
		var next []item
		for _, it := range level {
			for e := s.FirstEdge[it.node]; e < s.FirstEdge[it.node+1]; e++ {
				to := s.EdgeTo[e]
				et := int(s.EdgeType(e))
				if et == s.EdgeTypeIndex.Weak || seen[to] || len(seen) >= heldNodes {
					continue
				}
				seen[to] = true
				route := it.route
				if n := s.EdgeName(e); et == s.EdgeTypeIndex.Context || et == s.EdgeTypeIndex.Property {
					route = append(append([]string(nil), route...), n)
				}
				if to == target {
					if len(route) == 0 {
						return "the held value itself", true
					}
					return strings.Join(route, " → "), true
				}
				next = append(next, item{to, route})
			}
		}
		level = next
	}
	return "", false
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

// registryCells words one snapshot's accumulation of a FinalizationRegistry's
// cells (V8 keeps them in a list, so the registry is their holder): the
// program's registrations, not node's state. When the held value of the
// representative cell keeps the cell's own target, the fix is the
// finalizer one. It reports whether a is such an accumulation.
func (x *explainer) registryCells(a *Accumulation, cell uint32) bool {
	if a.Holder == nil || a.Holder.Class != "FinalizationRegistry" {
		return false
	}
	g := x.g
	s := g.S
	if string(s.Strings.Bytes(s.NodeName[cell])) != "system / WeakCell" || strings.Contains(a.Hint, "the held value given to register()") {
		return true // not a cell, or the path already found its held value
	}
	target, ok := x.weakTarget(cell)
	if !ok {
		return true
	}
	a.Class = g.ClassName(target)
	a.RootClass = a.Class // the cells are V8's, the objects the program's
	for e := s.FirstEdge[cell]; e < s.FirstEdge[cell+1]; e++ {
		held := s.EdgeTo[e]
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Weak || held == target || s.NodeNameString(held) == "system / WeakCell" || s.NodeNameString(held) == "FinalizationRegistry" {
			continue
		}
		if route, ok := x.reachesBelow(held, target); ok {
			reg := a.Holder.Name
			if reg == "" {
				reg = "a FinalizationRegistry"
			} else {
				reg = "the FinalizationRegistry " + reg
			}
			a.Hint = fmt.Sprintf("%s holds %d registrations, and the held value given to register() refers back to its object (%s): a registry keeps held values alive until their object is collected, so these objects can never be collected and their cleanup never runs; pass a held value that does not reference the object (its id, or a small object with only what the cleanup needs), and call unregister() when an object is closed normally", reg, a.Count, route)
			return true
		}
	}
	return true
}
