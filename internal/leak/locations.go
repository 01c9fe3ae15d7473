// Locations: where in the program's source a suspect comes from. node's own
// code (node:...) is never where the fix goes.

package leak

import (
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// userLocation: l is in the program's code, not node's (node:...).
func userLocation(l *Location) bool {
	// No script is code made at run time (new Function, eval): a line
	// and column in it point nowhere the user can open.
	return l != nil && l.Script != "" && !strings.HasPrefix(l.Script, "node:")
}

// programClosureBelow finds the program's function that v keeps alive
// nearest (breadth first in v's dominator subtree): the listener a once()
// or AsyncResource.bind wrapper calls; never a library's (node_modules).
func (x *explainer) programClosureBelow(v uint32) *Location {
	return x.closureBelow(v, programLocation)
}

func (x *explainer) closureBelow(v uint32, ok func(*Location) bool) *Location {
	g := x.g
	queue := []uint32{v}
	for i := 0; i < len(queue) && i < 256; i++ {
		u := queue[i]
		if int(g.S.NodeType[u]) == g.S.NodeTypeIndex.Closure {
			f := u
			if t, ok := x.boundTarget(u); ok {
				// this.cancel.bind(this): the method is the code.
				f = t
			}
			if l := x.closureLocation(f); ok(l) {
				return l
			}
		}
		for j := g.FirstDominated[u]; j < g.FirstDominated[u+1]; j++ {
			if c := g.Dominated[j]; c != u {
				queue = append(queue, c)
			}
		}
	}
	return nil
}

// scopeLocation is a program function whose scope holds the path's
// nearest context (a closure or module scope) to its end.
func (x *explainer) scopeLocation(path heapgraph.Path) *Location {
	g := x.g
	for k := len(path) - 1; k >= 0; k-- {
		u := path[k].Node
		if g.S.NodeNameString(u) != "system / Context" {
			continue
		}
		if k+1 < len(path) && g.ModuleScope(u) {
			if l := x.moduleVariable(u, path[k+1].Edge); l != nil {
				return l
			}
		}
		// A named one: an anonymous owner is mostly a module's own
		// top-level function (line 1, column 1), which says nothing.
		if f, ok := contextOwner(g, u); ok && g.S.NodeNameString(f) != "" {
			if l := x.closureLocation(f); programLocation(l) {
				return l
			}
		}
	}
	return nil
}

// moduleVariable is the declaration of the variable of a module's
// top-level scope ctx that edge e reads (const live = new Map()), as a
// RoleVariable location; nil when the module is not the program's or the
// source does not declare it.
func (x *explainer) moduleVariable(ctx uint32, e uint32) *Location {
	g := x.g
	s := g.S
	if x.src == nil || e == heapgraph.NoEdge || int(s.EdgeType(e)) != s.EdgeTypeIndex.Context {
		return nil
	}
	name := s.EdgeName(e)
	if !identRe.MatchString(name) {
		return nil
	}
	f, ok := contextOwner(g, ctx)
	if !ok {
		return nil
	}
	l := x.closureLocation(f)
	if !programLocation(l) {
		return nil
	}
	b, ok := x.src.Read(l.Script)
	if !ok {
		return nil
	}
	decl := regexp.MustCompile(`(?m)^[ \t]*(?:export\s+)?(?:(?:const|let|var)\s+(?:\{[^}\n]*\b|\[[^\]\n]*\b)?|(?:async\s+)?function\s*\*?\s*|class\s+)` + regexp.QuoteMeta(name) + `\b`)
	m := decl.FindIndex(b)
	if m == nil {
		return nil
	}
	st := statementAt(l.Script, b, m[1]-len(name))
	return &Location{Function: name, Script: l.Script, Line: st.Line, Column: st.Column, Role: RoleVariable}
}

// maxListenerWalk bounds the walk along an EventTarget's listener list.
const maxListenerWalk = 1 << 20

// dominantListener: for a listener of node's EventTarget (a Listener of
// the linked list it keeps per event), the callback of the function most
// of the list's listeners hold. The listener found first may be another
// call's, in flight (18 of 12,791, removed in a finally), while the
// others are the leak.
func (x *explainer) dominantListener(rep uint32) (uint32, bool) {
	s := x.g.S
	if s.NodeNameString(rep) != "Listener" {
		return 0, false
	}
	listener := s.NodeName[rep] // compared by string index along the list
	type tally struct {
		n  int
		cb uint32
	}
	byFunc := map[uint32]*tally{} // by the callbacks' shared function info: one per function
	for _, dir := range []string{"previous", "next"} {
		v := rep
		for steps := 0; steps < maxListenerWalk; steps++ {
			if dir == "previous" || v != rep {
				if cb, ok := x.edgeTo(v, "callback"); ok && int(s.NodeType[cb]) == s.NodeTypeIndex.Closure {
					key := cb
					if sh, ok := x.edgeTo(cb, "shared"); ok {
						key = sh
					}
					if t := byFunc[key]; t != nil {
						t.n++
					} else {
						byFunc[key] = &tally{1, cb}
					}
				}
			}
			next, ok := x.edgeTo(v, dir)
			if !ok || s.NodeName[next] != listener {
				break
			}
			v = next
		}
	}
	var best *tally
	for _, t := range byFunc {
		if best == nil || t.n > best.n || t.n == best.n && t.cb < best.cb {
			best = t
		}
	}
	if best == nil {
		return 0, false
	}
	return best.cb, true
}

// boundTarget is the function a bound function (fn.bind(...)) calls.
func (x *explainer) boundTarget(v uint32) (uint32, bool) {
	s := x.g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Closure {
		return 0, false
	}
	for e, to := range x.g.Edges(v) {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && s.EdgeName(e) == "bound_function" &&
			int(s.NodeType[to]) == s.NodeTypeIndex.Closure {
			return to, true
		}
	}
	return 0, false
}

// funcName is a closure's name; bound functions are named after their
// target as DevTools does ("bound processRequest").
func (x *explainer) funcName(v uint32) string {
	if t, ok := x.boundTarget(v); ok {
		n := x.sourceFunc(t)
		if n == "" {
			n = "(anonymous)"
		}
		return "bound " + n
	}
	return x.sourceFunc(v)
}

// sourceFunc is a closure's name, as its source spells it when a source
// map renames a minified one (closureLocation).
func (x *explainer) sourceFunc(v uint32) string {
	n := x.g.S.NodeNameString(v)
	if x.maps != nil && n != "" {
		if l := x.closureLocation(v); l != nil && l.Built != nil {
			return l.Function
		}
	}
	return n
}

// location finds source for the suspect: the leaked closure itself, a
// closure it holds (a Timeout's _onTimeout), or the constructor of the
// leaked object's class.
func (x *explainer) location(rep uint32) *Location {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
	if cb, ok := x.dominantListener(rep); ok {
		return x.closureLocation(cb)
	}
	if int(s.NodeType[rep]) == nt.Closure {
		if t, ok := x.boundTarget(rep); ok {
			return x.closureLocation(t)
		}
		return x.closureLocation(rep)
	}
	for e, to := range g.Edges(rep) {
		if int(s.NodeType[to]) == nt.Closure && s.EdgeTypeName(e) == "property" && s.EdgeName(e) != "constructor" {
			if l := x.closureLocation(to); l != nil {
				return l
			}
		}
	}
	return x.ctorLocation(rep)
}

// ctorLocation is where v's class is defined: v.__proto__.constructor,
// when it is the function v is named after; else the constructor its
// hidden class records (see mapConstructor).
func (x *explainer) ctorLocation(rep uint32) *Location {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
	own := s.NodeNameString(rep)
	if proto, ok := g.Prototype(rep); ok {
		for e2, ctor := range g.Edges(proto) {
			if int(s.NodeType[ctor]) == nt.Closure && s.EdgeName(e2) == "constructor" && s.NodeNameString(ctor) == own {
				return x.closureLocation(ctor)
			}
		}
	}
	if ctor, ok := x.mapConstructor(rep); ok {
		return x.closureLocation(ctor)
	}
	return nil
}

// mapConstructor finds the function that made v through its hidden class:
// v.map, back along the map transitions to the root map, whose
// "constructor" edge V8 names the object after. It is needed when
// prototype.constructor is not the function: node 22+ makes
// Module.prototype.constructor an accessor, and `Foo.prototype = {...}`
// drops it altogether.
func (x *explainer) mapConstructor(v uint32) (uint32, bool) {
	g := x.g
	s := g.S
	own := s.NodeNameString(v)
	m0, ok := x.edgeTo(v, "map")
	if !ok {
		return 0, false
	}
	if x.mapCtor == nil {
		x.mapCtor = map[uint32]uint32{}
	}
	c, seen := x.mapCtor[m0]
	if !seen {
		c = ^uint32(0)
		m := m0
		// A transition tree is as deep as the properties added one by
		// one; past that, give up rather than walk a hostile chain.
		for i := 0; ok && i < 256; i++ {
			if f, found := x.edgeTo(m, "constructor"); found {
				if int(s.NodeType[f]) == s.NodeTypeIndex.Closure {
					c = f
				}
				break
			}
			m, ok = x.edgeTo(m, "back_pointer")
		}
		x.mapCtor[m0] = c
	}
	if c == ^uint32(0) || s.NodeNameString(c) != own {
		return 0, false
	}
	return c, true
}

// edgeTo is the node v's edge called name leads to.
func (x *explainer) edgeTo(v uint32, name string) (uint32, bool) {
	s := x.g.S
	for e, to := range x.g.Edges(v) {
		if s.EdgeHasStringName(e) && s.EdgeName(e) == name {
			return to, true
		}
	}
	return 0, false
}

func (x *explainer) closureLocation(c uint32) *Location {
	s := x.g.S
	i, ok := x.g.LocationIndex(c)
	if !ok {
		return nil
	}
	l := &Location{Function: s.NodeNameString(c), Line: int(s.LocationLine[i]) + 1, Column: int(s.LocationColumn[i]) + 1}
	if l.Function == "" {
		l.Function = "(anonymous)"
	}
	l.Script = x.scriptName(c)
	return x.original(l)
}

// scriptName: closure -> shared (SharedFunctionInfo) -> script -> its name.
func (x *explainer) scriptName(c uint32) string { return x.g.ScriptName(c) }
