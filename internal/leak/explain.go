package leak

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// explainer turns a ranked suspect into something a person can act on: the
// representative path, the pattern, the class that leaks, where in the
// source it comes from and how to fix it.
type explainer struct {
	g  *heapgraph.Graph
	sh *shaper
}

func newExplainer(g *heapgraph.Graph, sh *shaper) *explainer { return &explainer{g: g, sh: sh} }

// path is v's shortest retaining path by the same parent choice the shapes
// use (so the path shown is the one that was grouped), root's child first.
func (x *explainer) path(v uint32) heapgraph.Path {
	var rev heapgraph.Path
	for steps := 0; steps <= x.g.NodeCount(); steps++ {
		p, e, start, ok := x.sh.parent(v)
		if !ok {
			return nil
		}
		if start {
			rev = append(rev, heapgraph.Step{Edge: heapgraph.NoEdge, Node: v})
			break
		}
		rev = append(rev, heapgraph.Step{Edge: e, Node: v})
		v = p
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// rawStep is one step of the representative path before folding.
type rawStep struct {
	edge      uint32 // heapgraph.NoEdge for the first
	node      uint32
	edgeName  string
	edgeType  string
	foldLabel string // edge label with indices and digits folded
}

func (x *explainer) explain(s *Suspect) {
	g := x.g
	rep := s.rep
	var raw []rawStep
	path := x.path(rep)
	// Show the path on to the telling object (… → listener → context →
	// RequestContext) when it runs through the leaked object.
	var deep heapgraph.Path
	if t, ok := x.tellingNode(rep); ok && t != rep {
		deep = x.path(t)
		if len(deep) <= len(path) || deep[len(path)-1].Node != rep {
			deep = nil
		}
	}
	repIndex := len(path) - 1
	if deep != nil {
		path = deep
	}
	for _, st := range path {
		r := rawStep{edge: st.Edge, node: st.Node}
		if st.Edge != heapgraph.NoEdge {
			r.edgeName = g.S.EdgeName(st.Edge)
			r.edgeType = g.S.EdgeTypeName(st.Edge)
			if g.S.EdgeHasStringName(st.Edge) {
				r.foldLabel = r.edgeType + ":" + foldDigits([]byte(r.edgeName))
			} else {
				r.foldLabel = r.edgeType + ":[]"
			}
		}
		raw = append(raw, r)
	}
	s.RetainerPath, s.PathText = x.foldPath(raw)
	if s.RetainerPath == nil {
		s.RetainerPath = []PathStep{}
	}
	s.RootClass = x.className(rep)
	s.Class = x.telling(rep)
	s.Pattern, s.Holder = x.classify(rep, raw[:repIndex+1])
	s.Location = x.location(rep)
	s.Hint = hint(s)
}

func (x *explainer) className(v uint32) string {
	g := x.g
	if int(g.S.NodeType[v]) == g.S.NodeTypeIndex.Closure {
		name := x.funcName(v)
		if name == "" {
			return "(anonymous function)"
		}
		return name + "()"
	}
	return g.ClassName(v)
}

// boundTarget is the function a bound function (fn.bind(...)) calls.
func (x *explainer) boundTarget(v uint32) (uint32, bool) {
	s := x.g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Closure {
		return 0, false
	}
	for e, to := range x.g.Edges(v) {
		if int(s.EdgeType[e]) == s.EdgeTypeIndex.Internal && s.EdgeName(e) == "bound_function" &&
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
		n := x.g.S.NodeNameString(t)
		if n == "" {
			n = "(anonymous)"
		}
		return "bound " + n
	}
	return x.g.S.NodeNameString(v)
}

// foldPath folds runs of the same step (same edge label, same node class)
// into one step with a repeat count.
func (x *explainer) foldPath(raw []rawStep) ([]PathStep, string) {
	g := x.g
	var out []PathStep
	var keys []string
	var text strings.Builder
	for i, r := range raw {
		key := r.foldLabel + "|" + g.TypeName(r.node) + "|" + foldDigits([]byte(g.S.NodeNameString(r.node)))
		if i > 0 && keys[len(keys)-1] == key {
			out[len(out)-1].Repeat++
			continue
		}
		keys = append(keys, key)
		name := g.Name(r.node)
		if int(g.S.NodeType[r.node]) == g.S.NodeTypeIndex.Closure {
			name = x.funcName(r.node)
		}
		out = append(out, PathStep{
			Edge: r.edgeName, EdgeType: r.edgeType, Class: g.ClassName(r.node),
			Name: name, ID: g.ID(r.node), Type: g.TypeName(r.node), Repeat: 1,
		})
	}
	for i := range out {
		st := &out[i]
		if i > 0 {
			text.WriteString(" → ")
			text.WriteString(EdgeText(st.EdgeType, st.Edge))
			text.WriteString(" ")
		}
		text.WriteString(labelOf(st))
		if st.Repeat > 1 {
			fmt.Fprintf(&text, " ×%d", st.Repeat)
		}
		if st.Repeat == 1 {
			st.Repeat = 0 // omitted in JSON: a single step
		}
	}
	if len(out) > 0 {
		fmt.Fprintf(&text, " @%d", out[len(out)-1].ID)
	}
	return out, text.String()
}

// EdgeText renders an edge the way DevTools' retainers view names it:
// .name for properties, [i] for elements, ->name for closure variables,
// {name} for V8 internals.
func EdgeText(typ, name string) string {
	switch typ {
	case "property", "shortcut":
		if strings.ContainsAny(name, " .[]") {
			return `["` + name + `"]`
		}
		return "." + name
	case "element", "hidden":
		return "[" + name + "]"
	case "context":
		return "->" + name
	case "":
		return ""
	default:
		return "{" + name + "}"
	}
}

func labelOf(st *PathStep) string {
	switch st.Type {
	case "closure":
		n := st.Name
		if n == "" {
			n = "(anonymous)"
		}
		return "(closure) " + n
	case "string", "concatenated string", "sliced string":
		return "(string)"
	case "hidden", "synthetic":
		return st.Name
	}
	return st.Class
}

// telling finds the class that says what leaks: v's own class if it is a
// program's object, else the first such object v keeps alive (breadth first
// in the dominator tree): RequestContext under a listener closure.
func (x *explainer) telling(v uint32) string {
	if t, ok := x.tellingNode(v); ok {
		return x.g.ClassName(t)
	}
	return x.className(v)
}

func (x *explainer) tellingNode(v uint32) (uint32, bool) {
	g := x.g
	queue := []uint32{v}
	for i := 0; i < len(queue) && i < 512; i++ {
		u := queue[i]
		if x.userObject(u) {
			return u, true
		}
		for j := g.FirstDominated[u]; j < g.FirstDominated[u+1]; j++ {
			if c := g.Dominated[j]; c != u {
				queue = append(queue, c)
			}
		}
	}
	return 0, false
}

var genericClasses = map[string]bool{"Object": true, "Array": true, "": true, "Map": true, "Set": true,
	"Promise": true, "Function": true, "ArrayBuffer": true}

func (x *explainer) userObject(v uint32) bool {
	s := x.g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Object {
		return false
	}
	name := s.Strings.Bytes(s.NodeName[v])
	if isSystemName(name) || len(name) == 0 || name[0] == '(' || name[0] == '{' {
		return false
	}
	return !genericClasses[string(name)]
}

// classify tags the suspect with a pattern from its path and what it is.
func (x *explainer) classify(rep uint32, raw []rawStep) (Pattern, *Holder) {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
	name := func(v uint32) string { return s.NodeNameString(v) }
	if s.NodeDetachedness != nil && s.NodeDetachedness[rep] == 2 || strings.HasPrefix(name(rep), "Detached ") {
		return PatternDetachedDOM, nil
	}
	for _, r := range raw {
		n := name(r.node)
		if n == "system / PromiseReaction" || r.edgeName == "reactions_or_result" {
			return PatternPromise, nil
		}
	}
	if n := name(rep); n == "Promise" {
		return PatternPromise, nil
	}
	for _, r := range raw {
		switch name(r.node) {
		case "Timeout", "Immediate", "TimersList", "ImmediateList":
			return PatternTimer, nil
		}
	}
	// Listeners: some node near the end of the path is an emitter's _events
	// object (whichever way the shortest path reached it).
	for k := len(raw) - 1; k >= 0 && k >= len(raw)-6; k-- {
		v := raw[k].node
		for r, e := range g.Retainers(v) {
			if s.EdgeTypeName(e) != "property" || s.EdgeName(e) != "_events" {
				continue
			}
			h := &Holder{Class: g.ClassName(r), ID: g.ID(r), Kind: "listeners"}
			if k+1 < len(raw) && raw[k+1].edgeType == "property" {
				h.Event = raw[k+1].edgeName
			}
			return PatternEventListener, h
		}
	}
	t := int(s.NodeType[rep])
	if t == nt.Closure {
		return PatternClosure, nil
	}
	if len(raw) >= 2 {
		in := raw[len(raw)-1]
		holder := raw[len(raw)-2].node
		intoCollection := in.edgeType == "element" || in.edgeType == "hidden" ||
			(in.edgeType == "internal" && isNumber(in.edgeName)) ||
			(in.edgeType == "property" && x.dictLike(holder))
		if intoCollection {
			// Walk back over backing stores to the collection object.
			k := len(raw) - 2
			for k > 0 {
				tk := int(s.NodeType[raw[k].node])
				if tk != nt.Array && tk != nt.Hidden {
					break
				}
				k--
			}
			c := raw[k].node
			h := &Holder{Class: g.ClassName(c), ID: g.ID(c)}
			switch cn := name(c); {
			case cn == "Map" || cn == "Set" || cn == "WeakMap" || cn == "WeakSet":
				h.Kind = cn
			case cn == "Array":
				h.Kind = "Array"
			case in.edgeType == "property":
				h.Kind = "dictionary"
			default:
				h.Kind = "collection"
			}
			return PatternCollection, h
		}
	}
	switch {
	case t == nt.String || t == nt.ConcatenatedString || t == nt.SlicedString:
		return PatternStringBuffer, nil
	}
	switch name(rep) {
	case "ArrayBuffer", "Buffer", "Uint8Array", "SharedArrayBuffer":
		return PatternStringBuffer, nil
	}
	return PatternOther, nil
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// dictLike: an object in dictionary mode, or with so many properties that
// they must be data.
func (x *explainer) dictLike(v uint32) bool {
	s := x.g.S
	props := 0
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		switch s.EdgeTypeName(e) {
		case "property":
			props++
		case "internal":
			if s.EdgeName(e) == "properties" && s.NodeNameString(s.EdgeTo[e]) == "(object properties)" {
				return true
			}
		}
	}
	return props > 64
}

// location finds source for the suspect: the leaked closure itself, a
// closure it holds (a Timeout's _onTimeout), or the constructor of the
// leaked object's class.
func (x *explainer) location(rep uint32) *Location {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
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
	// The constructor: object.__proto__.constructor, when it is the
	// function the object is named after.
	own := s.NodeNameString(rep)
	for e, proto := range g.Edges(rep) {
		if s.EdgeTypeName(e) != "property" || s.EdgeName(e) != "__proto__" {
			continue
		}
		for e2, ctor := range g.Edges(proto) {
			if int(s.NodeType[ctor]) == nt.Closure && s.EdgeName(e2) == "constructor" && s.NodeNameString(ctor) == own {
				return x.closureLocation(ctor)
			}
		}
	}
	return nil
}

func (x *explainer) closureLocation(c uint32) *Location {
	s := x.g.S
	for i, n := range s.LocationNode {
		if n != c {
			continue
		}
		l := &Location{Function: s.NodeNameString(c), Line: int(s.LocationLine[i]) + 1, Column: int(s.LocationColumn[i]) + 1}
		if l.Function == "" {
			l.Function = "(anonymous)"
		}
		l.Script = x.scriptName(c)
		return l
	}
	return nil
}

// scriptName: closure -> shared (SharedFunctionInfo) -> script -> its name.
func (x *explainer) scriptName(c uint32) string {
	g := x.g
	s := g.S
	for e, sfi := range g.Edges(c) {
		if s.EdgeName(e) != "shared" {
			continue
		}
		for e2, sc := range g.Edges(sfi) {
			switch s.EdgeName(e2) {
			case "script_or_debug_info", "script":
				if s.NodeNameString(sc) != "" && !isSystemName(s.Strings.Bytes(s.NodeName[sc])) {
					return s.NodeNameString(sc)
				}
				for e3, n := range g.Edges(sc) {
					if s.EdgeName(e3) == "name" && int(s.NodeType[n]) == s.NodeTypeIndex.String {
						return s.NodeNameString(n)
					}
				}
			}
		}
	}
	return ""
}

func hint(s *Suspect) string {
	per := ""
	if n := len(s.Count); n > 1 {
		per = fmt.Sprintf(" (%d → %d)", s.Count[0], s.Count[n-1])
	}
	switch s.Pattern {
	case PatternEventListener:
		ev := "the event"
		if s.Holder != nil && s.Holder.Event != "" {
			ev = "'" + s.Holder.Event + "'"
		}
		return fmt.Sprintf("listeners for %s pile up on the emitter%s: remove each listener when its work is done (emitter.off / removeListener, or an AbortSignal), or register it with once() if it should fire once", ev, per)
	case PatternTimer:
		return fmt.Sprintf("timers are created and never cleared%s: keep the handle and call clearInterval/clearTimeout when the owner is done (timer.unref() only lets the process exit, it does not free anything)", per)
	case PatternCollection:
		what := "the collection"
		if s.Holder != nil && s.Holder.Kind != "" {
			what = "the " + s.Holder.Kind
		}
		return fmt.Sprintf("%s only grows%s: bound it (an LRU with a maximum size and a TTL), delete entries when they are done, or use a WeakMap keyed by the owning object", what, per)
	case PatternClosure:
		return fmt.Sprintf("closures of the same function accumulate%s: unregister callbacks when they are no longer needed, and avoid capturing large objects in long-lived closures", per)
	case PatternPromise:
		return fmt.Sprintf("promises or their reactions pile up%s: settle or drop promises that can wait forever (add a timeout with AbortSignal.timeout or Promise.race) and do not attach a handler per request to a long-lived pending promise", per)
	case PatternStringBuffer:
		return "strings or buffers accumulate: stream or cap them instead of keeping them all"
	case PatternDetachedDOM:
		return "detached DOM nodes are still referenced from JavaScript: drop the references when the nodes are removed"
	}
	return "follow the retaining path to the code that keeps adding to it"
}
