package leak

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// explainer turns a ranked suspect into something a person can act on: the
// representative path, the pattern, the class that leaks, where in the
// source it comes from and how to fix it.
type explainer struct {
	g        *heapgraph.Graph
	sh       *shaper
	internal map[string]bool // per class name: defined by node itself
	// locSorted: 0 unknown, 1 the snapshot's locations are in node
	// order, 2 they are not.
	locSorted uint8
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

// pathDown is a short chain of references from v to t (t kept alive by v),
// the steps after v, or nil when t is not near.
func (x *explainer) pathDown(v, t uint32) heapgraph.Path {
	g := x.g
	type from struct{ node, edge uint32 }
	prev := map[uint32]from{v: {v, heapgraph.NoEdge}}
	queue := []uint32{v}
	for i := 0; i < len(queue) && i < 2048; i++ {
		u := queue[i]
		if u == t {
			var rev heapgraph.Path
			for u != v {
				f := prev[u]
				rev = append(rev, heapgraph.Step{Edge: f.edge, Node: u})
				u = f.node
			}
			slices.Reverse(rev)
			return rev
		}
		for e, to := range g.Edges(u) {
			if _, ok := prev[to]; ok || g.IsWeakEdge(e) || to == g.Root {
				continue
			}
			prev[to] = from{u, e}
			queue = append(queue, to)
		}
	}
	return nil
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
	tell, haveTell := x.tellingNode(rep)
	if !haveTell && len(path) >= 2 && g.Dominator(rep) == path[len(path)-2].Node &&
		isSystemName(g.S.Strings.Bytes(g.S.NodeName[path[len(path)-2].Node])) {
		// A resolve function keeps nothing alone: the reaction above
		// it holds it with its reject twin and what they settle (a
		// Promise.race's promise and its QueryResult).
		tell, haveTell = x.tellingNode(path[len(path)-2].Node)
	}
	if t, ok := tell, haveTell; ok && t != rep {
		deep = x.path(t)
		if len(deep) <= len(path) || deep[len(path)-1].Node != rep {
			// Its shortest path runs through a sibling (a promise's
			// reject function next to the resolve function that was
			// grouped): continue from the leaked object instead.
			deep = nil
			if below := x.pathDown(rep, t); below != nil {
				deep = append(append(heapgraph.Path{}, path...), below...)
			}
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
	s.RetainerPath, _ = x.foldPath(raw)
	// The one-line text is exactly what `leakhound paths` prints, so the
	// two commands never name the same path differently.
	s.PathText = g.FormatPath(path)
	if s.RetainerPath == nil {
		s.RetainerPath = []PathStep{}
	}
	s.RootClass = x.className(rep)
	s.Class = x.className(rep)
	if haveTell {
		s.Class = g.ClassName(tell)
	}
	s.Pattern, s.Holder = x.classify(rep, raw[:repIndex+1])
	if s.collection {
		// The collection itself grows: it is the holder.
		s.Pattern = PatternCollection
		s.Holder = &Holder{Class: g.ClassName(rep), ID: g.ID(rep), Kind: collectionKind(g, rep)}
		s.RootClass = s.Holder.Class
	}
	if h := s.Holder; h != nil {
		for _, r := range raw {
			if g.ID(r.node) == h.ID {
				h.Entries = entriesOf(g, r.node, h.Kind)
				break
			}
		}
	}
	s.Location = x.location(rep)
	stuck := "" // the queue of resolve functions stuck async calls wait on
	if s.Pattern == PatternClosure || s.Pattern == PatternCollection && !s.collection {
		// The resolve function of a promise an async function awaits,
		// kept in a queue nobody drains (a semaphore's waiters): the
		// await never resumes. The async function is where to look.
		if p, ok := x.pendingPromiseOf(rep); ok {
			if fn, ok := x.asyncFunctionWithin(p, 4); ok {
				if l := x.closureLocation(fn); l != nil {
					l.Function = "async " + l.Function
					s.Pattern, s.Location = PatternPromise, l
					stuck = x.queueName(raw, repIndex)
				}
			}
		}
	}
	if s.Class == s.RootClass && (s.Pattern == PatternEventListener || s.Pattern == PatternClosure) {
		// A listener closure that keeps a removed element (a per-row
		// listener on window): the element is what leaks.
		if el, ok := x.detachedBelow(rep); ok {
			s.Class = g.ClassName(el)
		}
	}
	if s.Pattern == PatternDetachedDOM {
		// Name the element that left the document, not what hangs
		// below it (its listener closure).
		if top, ok := x.detachedOnPath(raw[:repIndex+1]); ok {
			s.Class = g.ClassName(raw[top].node)
			if s.Location == nil {
				s.Location = x.domCode(raw[top].node)
			}
		}
	}
	if fn, ok := x.asyncFunction(rep); ok && (s.Location == nil || strings.HasPrefix(s.Location.Script, "node:") || s.Pattern == PatternPromise) {
		// An async function suspended at an await that never resumes:
		// its function is where the fix goes.
		if l := x.closureLocation(fn); l != nil {
			l.Function = "async " + l.Function
			s.Location = l
		}
	}
	if !userLocation(s.Location) {
		// node's own code (a Listener, a once() or AsyncResource.bind
		// wrapper, Buffer's constructor) is never where the fix goes:
		// the program's function the wrapper calls, else the program's
		// object's constructor, else the nearest program function on the
		// path (the one whose variable holds the array), else nothing.
		// For promises the function on the path (the one racing against
		// a long-lived promise) comes before the settled value's class.
		var ctor, onPath *Location
		if haveTell && tell != rep {
			if l := x.location(tell); userLocation(l) {
				ctor = l
			}
		}
		for k := repIndex - 1; k >= 0 && onPath == nil; k-- {
			if v := path[k].Node; int(g.S.NodeType[v]) == g.S.NodeTypeIndex.Closure {
				if l := x.location(v); userLocation(l) {
					onPath = l
				}
			}
		}
		s.Location = x.userClosureBelow(rep)
		if s.Location == nil && s.Pattern == PatternPromise {
			ctor, onPath = onPath, ctor
		}
		if s.Location == nil {
			s.Location = ctor
		}
		if s.Location == nil {
			s.Location = onPath
		}
		if s.Location == nil {
			// Kept in a variable (a module's `compiled` Map of
			// new Function code): a function of that scope.
			s.Location = x.scopeLocation(path[:repIndex])
		}
	}
	// V8's string representations (a rope, a slice) are not what the
	// program made: it made strings.
	s.Class, s.RootClass = plainString(s.Class), plainString(s.RootClass)
	s.Hint = hint(s)
	if stuck != "" {
		s.Hint = fmt.Sprintf("resolve functions of awaited promises pile up in %s%s and are never called, so %s() calls wait at their await forever: call (or reject) every queued waiter, release in a finally block so no error path skips it, and reject the waiters on timeout or shutdown", stuck, countRange(s), s.Location.Function)
	}
	if s.Pattern != PatternDetachedDOM && !s.collection && !strings.HasPrefix(s.Class, "Detached ") {
		// A component kept in a cache keeps the element it rendered,
		// removed from the page: worth saying, it is most of the size.
		if el, ok := x.detachedBelow(rep); ok {
			s.Hint += fmt.Sprintf("; each keeps a removed DOM element (%s) alive", g.ClassName(el))
		}
	}
}

func plainString(class string) string {
	switch class {
	case "(concatenated string)", "(sliced string)", "(thin string)":
		return "(string)"
	}
	return class
}

// userLocation: l is in the program's code, not node's (node:...).
func userLocation(l *Location) bool {
	// No script is code made at run time (new Function, eval): a line
	// and column in it point nowhere the user can open.
	return l != nil && l.Script != "" && !strings.HasPrefix(l.Script, "node:")
}

// userClosureBelow finds the program's function that v keeps alive nearest
// (breadth first in v's dominator subtree): the listener a once() or
// AsyncResource.bind wrapper calls.
func (x *explainer) userClosureBelow(v uint32) *Location {
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
			if l := x.closureLocation(f); userLocation(l) {
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

func (x *explainer) className(v uint32) string {
	g := x.g
	if int(g.S.NodeType[v]) == g.S.NodeTypeIndex.Closure {
		name := x.funcName(v)
		if name == "" {
			if x.resolvingFunction(v) {
				return "(promise resolving function)"
			}
			if x.scriptName(v) == "" {
				// new Function(...): V8 names it "anonymous", and its
				// code is in no script file.
				return "anonymous() (new Function)"
			}
			return "(anonymous function)"
		}
		return name + "()"
	}
	return g.ClassName(v)
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
		// A named one: an anonymous owner is mostly a module's own
		// top-level function (line 1, column 1), which says nothing.
		if f, ok := contextOwner(g, u); ok && g.S.NodeNameString(f) != "" {
			if l := x.closureLocation(f); userLocation(l) {
				return l
			}
		}
	}
	return nil
}

// intoKeyed: raw[k+1] is an entry of a Map, Set or their weak kinds
// (raw[k] is the collection or its backing store).
func (x *explainer) intoKeyed(raw []rawStep, k int) bool {
	g := x.g
	s := g.S
	if !x.intoCollection(raw[k].node, raw[k+1]) {
		return false
	}
	j := k
	for j > 0 {
		if t := int(s.NodeType[raw[j].node]); t != s.NodeTypeIndex.Array && t != s.NodeTypeIndex.Hidden {
			break
		}
		j--
	}
	switch s.NodeNameString(raw[j].node) {
	case "Map", "Set", "WeakMap", "WeakSet":
		return true
	}
	return false
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
			if i == len(raw)-1 {
				// The path ends in this run: name the leaked object
				// itself, not the run's first node.
				out[len(out)-1].ID = g.ID(r.node)
			}
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
	case "hidden", "synthetic":
		return st.Name
	}
	if strings.HasPrefix(st.Class, "global /") {
		// The global object is "global / <url>" in some snapshots.
		return "global"
	}
	return st.Class
}

// tellingNode finds the object that says what leaks: v itself if it is a
// program's object, else the first such object v keeps alive (breadth
// first in the dominator tree): RequestContext under a listener closure.
func (x *explainer) tellingNode(v uint32) (uint32, bool) {
	g := x.g
	queue := []uint32{v}
	fallback, haveFallback := uint32(0), false
	for i := 0; i < len(queue) && i < 512; i++ {
		u := queue[i]
		if x.userObject(u) {
			// node's own classes (an EventTarget's Listener chain, a
			// Timeout) say how the program's objects are held, not
			// what they are: the WebhookDelivery a timer's callback
			// keeps is what leaks. They are the fallback.
			if !x.internalClass(u) {
				return u, true
			}
			if !haveFallback {
				fallback, haveFallback = u, true
			}
		}
		for j := g.FirstDominated[u]; j < g.FirstDominated[u+1]; j++ {
			if c := g.Dominated[j]; c != u {
				queue = append(queue, c)
			}
		}
	}
	return fallback, haveFallback
}

// asyncFunction finds, a few references from v (an await's resume closure
// keeps it through its context), the suspended state of an async function
// (V8's "Generator" object) and returns its function.
func (x *explainer) asyncFunction(v uint32) (uint32, bool) { return x.asyncFunctionWithin(v, 3) }

func (x *explainer) asyncFunctionWithin(v uint32, depth int) (uint32, bool) {
	g := x.g
	s := g.S
	type item struct {
		v     uint32
		depth int
	}
	queue := []item{{v, 0}}
	seen := map[uint32]bool{v: true}
	for i := 0; i < len(queue) && i < 256; i++ {
		u := queue[i]
		if s.NodeNameString(u.v) == "Generator" && int(s.NodeType[u.v]) == s.NodeTypeIndex.Object {
			for e, to := range g.Edges(u.v) {
				if s.EdgeName(e) == "function" && int(s.NodeType[to]) == s.NodeTypeIndex.Closure {
					return to, true
				}
			}
		}
		if u.depth == depth {
			continue
		}
		for e, to := range g.Edges(u.v) {
			if g.IsWeakEdge(e) || seen[to] || g.Distance(to) <= g.Distance(v) {
				continue
			}
			seen[to] = true
			queue = append(queue, item{to, u.depth + 1})
		}
	}
	return 0, false
}

// reactionsHolder is the first promise on v's path whose reactions keep v.
func (x *explainer) reactionsHolder(v uint32) (uint32, bool) {
	path := x.path(v)
	for k := 1; k < len(path); k++ {
		if e := path[k].Edge; e != heapgraph.NoEdge && x.g.S.EdgeName(e) == "reactions_or_result" {
			return path[k-1].Node, true
		}
	}
	return 0, false
}

// resolvingFunction: c is a promise's resolve or reject function (V8's
// builtin, with the promise in its context).
func (x *explainer) resolvingFunction(c uint32) bool {
	g := x.g
	s := g.S
	for e, ctx := range g.Edges(c) {
		if s.EdgeName(e) != "context" {
			continue
		}
		if s.NodeNameString(ctx) == "system / NativeContext" {
			// A function whose context is the realm's (new Function)
			// sees every builtin, Promise included.
			return false
		}
		for _, p := range g.Edges(ctx) {
			if int(s.NodeType[p]) == s.NodeTypeIndex.Object && s.NodeNameString(p) == "Promise" {
				return true
			}
		}
	}
	return false
}

// pendingPromiseOf returns the promise whose resolve (or reject) function
// c is, when that promise is still pending: V8 keeps it in the resolving
// function's context.
func (x *explainer) pendingPromiseOf(c uint32) (uint32, bool) {
	g := x.g
	s := g.S
	if int(s.NodeType[c]) != s.NodeTypeIndex.Closure {
		return 0, false
	}
	for e, ctx := range g.Edges(c) {
		if s.EdgeName(e) != "context" {
			continue
		}
		for _, p := range g.Edges(ctx) {
			if int(s.NodeType[p]) != s.NodeTypeIndex.Object || s.NodeNameString(p) != "Promise" {
				continue
			}
			for e2, r := range g.Edges(p) {
				// Pending: reactions_or_result holds reactions (or
				// nothing yet), not a value.
				if s.EdgeName(e2) == "reactions_or_result" && strings.Contains(s.NodeNameString(r), "PromiseReaction") {
					return p, true
				}
			}
		}
	}
	return 0, false
}

// queueName names the collection raw[i] is stored in, as the code spells
// it: Semaphore.waiters, or the variable's name.
func (x *explainer) queueName(raw []rawStep, i int) string {
	g := x.g
	s := g.S
	j := i - 1
	for j > 0 && (int(s.NodeType[raw[j].node]) == s.NodeTypeIndex.Hidden || raw[j].edgeName == "elements" || raw[j].edgeName == "table") {
		j--
	}
	if j <= 0 {
		return "a queue"
	}
	switch raw[j].edgeType {
	case "property":
		owner := g.ClassName(raw[j-1].node)
		if owner == "Object" || isSystemName([]byte(owner)) {
			return raw[j].edgeName
		}
		return owner + "." + raw[j].edgeName
	case "context":
		return raw[j].edgeName
	}
	return g.ClassName(raw[j].node)
}

// internalClass: v's constructor is defined in node's own code.
func (x *explainer) internalClass(v uint32) bool {
	name := x.g.S.NodeNameString(v)
	if x.internal == nil {
		x.internal = map[string]bool{}
	}
	if b, ok := x.internal[name]; ok {
		return b
	}
	// The constructor decides: a Timeout's own callback is the program's
	// code, its class is node's.
	l := x.ctorLocation(v)
	if l == nil {
		l = x.location(v)
	}
	b := l != nil && strings.HasPrefix(l.Script, "node:")
	x.internal[name] = b
	return b
}

// genericClasses say nothing about the program. "Generator" is how V8
// names the suspended state of an async function: the telling object is
// what it holds (its function is reported as the location).
var genericClasses = map[string]bool{"Object": true, "Array": true, "": true, "Map": true, "Set": true,
	"Promise": true, "Function": true, "ArrayBuffer": true, "Generator": true}

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

// classify tags the suspect with a pattern from what holds it nearest: the
// path is walked back from the leaked object and the first holder that
// explains it wins (the Map holding the Session, the _events entry holding
// the listener, the Timeout whose callback holds the closure). A timer or
// emitter further up the path (every http.Server has a connection-checking
// interval on the way to its request handler) is how the holder is reached,
// not why it grows.
func (x *explainer) classify(rep uint32, raw []rawStep) (Pattern, *Holder) {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
	name := func(v uint32) string { return s.NodeNameString(v) }
	if top, ok := x.detachedOnPath(raw); ok {
		return PatternDetachedDOM, x.domHolder(raw, top)
	}
	if h := x.domListenerHolder(raw); h != nil {
		return PatternEventListener, h
	}
	switch name(rep) {
	case "Timeout", "Immediate":
		return PatternTimer, nil
	case "Promise", "system / PromiseReaction", "PromiseReaction":
		return PatternPromise, nil
	}
	t := int(s.NodeType[rep])
	last := len(raw) - 1
	steps := 0 // distinct steps walked back, runs (a linked list) count once
	// listOwner is what holds the nearest run of the same step (History
	// → .head → HistoryNode .next ×300): a linked list of the program's.
	listOwner, inRun := noShape, false
	for k := last - 1; k >= 0; k-- {
		if raw[k+1].foldLabel != raw[k].foldLabel || name(raw[k+1].node) != name(raw[k].node) {
			steps++
			if inRun && listOwner == noShape {
				// Past the head (History.head → HistoryNode) to
				// the list's owner.
				j := k
				for j > 0 && name(raw[j].node) == name(raw[k+1].node) {
					j--
				}
				listOwner = raw[j].node
			}
			inRun = false
		} else if k+1 < last || raw[k+1].foldLabel != "" {
			inRun = true
		}
		holder := raw[k].node
		in := raw[k+1]
		if h := x.listenerHolder(raw, k); h != nil {
			return PatternEventListener, h
		}
		switch name(holder) {
		case "Timeout", "Immediate", "TimersList", "ImmediateList":
			return PatternTimer, nil
		case "system / PromiseReaction", "PromiseReaction":
			return PatternPromise, nil
		}
		if in.edgeName == "reactions_or_result" {
			return PatternPromise, nil
		}
		if k == last-1 && t == nt.Closure && !x.intoKeyed(raw, k) {
			// A closure kept directly by something that is not an
			// emitter or a timer: the same function's closures pile up.
			// (A Map's or Set's values are a collection: a cache of
			// compiled functions.)
			return PatternClosure, nil
		}
		if x.intoCollection(holder, in) {
			if listOwner != noShape && int(s.NodeType[rep]) != nt.Closure {
				// The list is nearer than any collection it is in.
				return PatternCollection, &Holder{Class: g.ClassName(listOwner), ID: g.ID(listOwner), Kind: "linked list"}
			}
			// Walk back over backing stores to the collection object.
			j := k
			for j > 0 {
				tj := int(s.NodeType[raw[j].node])
				if tj != nt.Array && tj != nt.Hidden {
					break
				}
				j--
			}
			c := raw[j].node
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
		if steps > 8 {
			// Far from the leaked object the path only says how its
			// holder is reached.
			break
		}
	}
	if t == nt.Closure {
		return PatternClosure, nil
	}
	if listOwner != noShape {
		return PatternCollection, &Holder{Class: g.ClassName(listOwner), ID: g.ID(listOwner), Kind: "linked list"}
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

// detachedOnPath finds the first DOM node on the path (root side first)
// that is in no document: a leaked element, or the element a leaked
// listener closure hangs from.
func (x *explainer) detachedOnPath(raw []rawStep) (int, bool) {
	for i, r := range raw {
		if detachedDOM(x.g, r.node) {
			return i, true
		}
	}
	return 0, false
}

// domHolder is the JavaScript object that keeps the detached element
// raw[top]: the nearest object above it, past backing stores (a Map's
// table, an array's elements). Kind stays empty: the holder's size is not
// the suspect's count (it holds attached nodes too).
func (x *explainer) domHolder(raw []rawStep, top int) *Holder {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
	for j := top - 1; j >= 0; j-- {
		switch int(s.NodeType[raw[j].node]) {
		case nt.Array, nt.Hidden, nt.Native, nt.Synthetic:
			continue
		}
		return &Holder{Class: g.ClassName(raw[j].node), ID: g.ID(raw[j].node)}
	}
	return nil
}

// domListenerHolder reports the EventTarget when the leaked object is a
// DOM event listener: Chrome keeps a listener function under a
// V8EventListener, under an EventListener, under the target's listener
// vectors (InternalNode), under the target (window, document, an element).
// The event's name is not in the snapshot.
func (x *explainer) domListenerHolder(raw []rawStep) *Holder {
	g := x.g
	s := g.S
	listener := false
	for k := len(raw) - 2; k >= 0; k-- {
		v := raw[k].node
		if int(s.NodeType[v]) == s.NodeTypeIndex.Native {
			switch s.NodeNameString(v) {
			case "V8EventListener", "EventListener":
				listener = true
				continue
			case "InternalNode":
				continue
			}
		}
		if !listener {
			return nil
		}
		return &Holder{Class: g.ClassName(v), ID: g.ID(v), Kind: "listeners"}
	}
	return nil
}

// detachedBelow finds a detached DOM node that v keeps alive (in its
// dominator subtree), nearest first.
func (x *explainer) detachedBelow(v uint32) (uint32, bool) {
	g := x.g
	queue := []uint32{v}
	for i := 0; i < len(queue) && i < 256; i++ {
		u := queue[i]
		if detachedDOM(g, u) {
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

// domCode points at code for a detached element, which has no constructor
// of its own: the first closure it keeps (its event listener, created by
// the code that built the element).
func (x *explainer) domCode(el uint32) *Location {
	g := x.g
	queue := []uint32{el}
	for i := 0; i < len(queue) && i < 256; i++ {
		u := queue[i]
		if int(g.S.NodeType[u]) == g.S.NodeTypeIndex.Closure {
			if l := x.location(u); l != nil {
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

// intoCollection: the edge in from holder stores an entry of a collection
// (an array element, a Map/Set table slot, a WeakMap value, a dictionary
// property).
func (x *explainer) intoCollection(holder uint32, in rawStep) bool {
	return in.edgeType == "element" || in.edgeType == "hidden" ||
		(in.edgeType == "internal" && (isNumber(in.edgeName) || isWeakMapEntry(in.edgeName))) ||
		(in.edgeType == "property" && x.dictLike(holder))
}

// isWeakMapEntry: V8 names the edge from a WeakMap's table to a value
// "N / part of key (K @id) -> value (V @id) pair in WeakMap (table @id)".
func isWeakMapEntry(name string) bool {
	return strings.Contains(name, " / part of key (") && strings.HasSuffix(name, ")")
}

// listenerHolder reports the emitter when raw[k] stores listeners: an
// EventEmitter's _events object (one listener under the event's name, or an
// array of them), or an EventTarget's listener Map (AbortSignal and other
// web EventTargets keep listeners in a symbol-keyed kEvents Map).
func (x *explainer) listenerHolder(raw []rawStep, k int) *Holder {
	g := x.g
	s := g.S
	eventsOf := func(v uint32) (uint32, bool) {
		for r, e := range g.Retainers(v) {
			if s.EdgeTypeName(e) == "property" && s.EdgeName(e) == "_events" {
				return r, true
			}
		}
		return 0, false
	}
	v := raw[k].node
	if em, ok := eventsOf(v); ok {
		h := &Holder{Class: g.ClassName(em), ID: g.ID(em), Kind: "listeners"}
		if raw[k+1].edgeType == "property" {
			h.Event = raw[k+1].edgeName
			h.Listeners = x.listenerCount(raw[k+1].node)
		}
		h.OtherEvents = x.otherEvents(v, h.Event)
		return h
	}
	// An EventTarget's listener Map (or its table), reached by kEvents.
	for j := k; j >= 1 && j >= k-1; j-- {
		if strings.Contains(raw[j].edgeName, "kEvents") {
			et := raw[j-1].node
			return &Holder{Class: x.protoClass(et), ID: g.ID(et), Kind: "listeners", Event: x.mapKeyOf(raw, j)}
		}
	}
	// An array of listeners under _events.<event>.
	if k > 0 && s.NodeNameString(v) == "Array" {
		if em, ok := eventsOf(raw[k-1].node); ok {
			h := &Holder{Class: g.ClassName(em), ID: g.ID(em), Kind: "listeners"}
			if raw[k].edgeType == "property" {
				h.Event = raw[k].edgeName
				h.Listeners = x.listenerCount(v)
			}
			h.OtherEvents = x.otherEvents(raw[k-1].node, h.Event)
			return h
		}
	}
	return nil
}

// protoClass names v after its prototype's constructor when that differs
// from V8's name for it: node makes an AbortSignal as an EventTarget and
// then gives it AbortSignal.prototype, so V8 calls it EventTarget.
func (x *explainer) protoClass(v uint32) string {
	g := x.g
	s := g.S
	for e, proto := range g.Edges(v) {
		if s.EdgeTypeName(e) != "property" || s.EdgeName(e) != "__proto__" {
			continue
		}
		for e2, ctor := range g.Edges(proto) {
			if s.EdgeTypeName(e2) == "property" && s.EdgeName(e2) == "constructor" &&
				int(s.NodeType[ctor]) == s.NodeTypeIndex.Closure {
				if n := s.NodeNameString(ctor); n != "" {
					return n
				}
			}
		}
	}
	return g.ClassName(v)
}

// otherEvents lists the events of an _events object, other than event,
// that hold more listeners than node's MaxListenersExceededWarning
// threshold, most listeners first.
func (x *explainer) otherEvents(events uint32, event string) []EventListeners {
	s := x.g.S
	var out []EventListeners
	for e := s.FirstEdge[events]; e < s.FirstEdge[events+1]; e++ {
		if s.EdgeTypeName(e) != "property" || s.EdgeName(e) == event {
			continue
		}
		if n := x.listenerCount(s.EdgeTo[e]); n > 10 {
			out = append(out, EventListeners{Event: s.EdgeName(e), Listeners: n})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Listeners > out[j].Listeners })
	return out
}

// listenerCount counts what _events.<event> holds: one function, or an
// array of them.
func (x *explainer) listenerCount(v uint32) int {
	s := x.g.S
	if int(s.NodeType[v]) == s.NodeTypeIndex.Closure {
		return 1
	}
	n := 0
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType[e]) == s.EdgeTypeIndex.Element {
			n++
		}
	}
	return n
}

// mapKeyOf returns the string key of the Map entry the path takes after the
// Map at raw[j] (table slot i holds the value, slot i-1 its key), or "".
func (x *explainer) mapKeyOf(raw []rawStep, j int) string {
	if j+2 >= len(raw) || raw[j+2].edgeType != "internal" || !isNumber(raw[j+2].edgeName) {
		return ""
	}
	s := x.g.S
	want := raw[j+2].edgeName
	var i int
	fmt.Sscan(want, &i)
	key := fmt.Sprint(i - 1)
	for e, to := range x.g.Edges(raw[j+1].node) {
		if s.EdgeName(e) == key && int(s.NodeType[to]) == s.NodeTypeIndex.String {
			return s.NodeNameString(to)
		}
	}
	return ""
}

func isBufferClass(c string) bool {
	switch c {
	case "Buffer", "Uint8Array", "FastBuffer", "ArrayBuffer":
		return true
	}
	return false
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
	return x.ctorLocation(rep)
}

// ctorLocation is where v's class is defined: v.__proto__.constructor,
// when it is the function v is named after.
func (x *explainer) ctorLocation(rep uint32) *Location {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
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
	if x.locSorted == 0 {
		// V8 writes locations in node order; then a lookup is a binary
		// search (explaining asks for many closures' locations).
		x.locSorted = 1
		if !slices.IsSorted(s.LocationNode) {
			x.locSorted = 2
		}
	}
	lo, hi := 0, len(s.LocationNode)
	if x.locSorted == 1 {
		lo, _ = slices.BinarySearch(s.LocationNode, c)
	}
	for i := lo; i < hi; i++ {
		n := s.LocationNode[i]
		if n != c {
			if x.locSorted == 1 {
				break
			}
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

// domListener: the suspect's path runs through Chrome's listener wrappers.
func domListener(s *Suspect) bool {
	for _, st := range s.RetainerPath {
		if st.Type == "native" && st.Name == "V8EventListener" {
			return true
		}
	}
	return false
}

// reactionChain finds a run of reactions on one promise in the suspect's
// path (… → shutdown → Promise {reactions_or_result} → PromiseReaction ×899):
// every call subscribed to the same pending promise. It returns the
// promise's variable or property name.
func reactionChain(s *Suspect) (string, bool) {
	p := s.RetainerPath
	for i := 1; i < len(p); i++ {
		if p[i].Edge != "reactions_or_result" {
			continue
		}
		n := 0
		for j := i; j < len(p) && j <= i+1; j++ {
			if strings.Contains(p[j].Name, "PromiseReaction") && p[j].Repeat > n {
				n = p[j].Repeat
			}
		}
		if n < 2 {
			continue
		}
		name := ""
		if et := p[i-1].EdgeType; et == "context" || et == "property" {
			name = p[i-1].Edge
		}
		return name, true
	}
	return "", false
}

func orName(name, other string) string {
	if name != "" {
		return name
	}
	return other
}

// eventTargetListener: the suspect's listeners are in an EventTarget's
// kEvents map (AbortSignal and other web EventTargets), not an
// EventEmitter's _events.
func eventTargetListener(s *Suspect) bool {
	for _, st := range s.RetainerPath {
		if strings.Contains(st.Edge, "kEvents") {
			return true
		}
	}
	return false
}

// onceListener: the listeners were registered with once(). Node up to 22
// wraps each in a bound onceWrapper; node 24 in a closure named wrapper
// that holds the listener (its `listener` property or context variable).
func onceListener(s *Suspect) bool {
	p := s.RetainerPath
	for i, st := range p {
		if st.Type != "closure" {
			continue
		}
		if st.Name == "bound onceWrapper" || st.Name == "onceWrapper" {
			return true
		}
		if st.Name == "wrapper" {
			for _, next := range p[i+1 : min(i+3, len(p))] {
				if next.Edge == "listener" {
					return true
				}
			}
		}
	}
	return false
}

// countRange is " (first → last)" of the suspect's count.
func countRange(s *Suspect) string {
	n := len(s.Count)
	switch {
	case n < 2:
		return ""
	case s.CountUnit != "":
		return fmt.Sprintf(" (%d → %d %s)", s.Count[0], s.Count[n-1], s.CountUnit)
	}
	return fmt.Sprintf(" (%d → %d)", s.Count[0], s.Count[n-1])
}

func hint(s *Suspect) string {
	per := countRange(s)
	if h := s.Holder; h != nil && h.Slot != "" {
		// A slot whose value is rebuilt bigger each time (slots.go).
		what := "value"
		switch {
		case s.Pattern == PatternStringBuffer && s.Class == "(string)":
			what = "string"
		case s.Pattern == PatternStringBuffer:
			what = s.Class
		}
		return fmt.Sprintf("%s %s is replaced by a bigger %s at every snapshot%s: it is rebuilt with everything it had plus more (s += line, Buffer.concat([buf, chunk]), [...list, x]) and never reset; cap it or flush it: stream it to a file or socket as it comes, or keep a bounded array of recent chunks and drop the oldest", h.Kind, h.Slot, what, per)
	}
	switch s.Pattern {
	case PatternEventListener:
		if domListener(s) {
			what := "listeners"
			if strings.HasPrefix(s.Class, "Detached <") {
				what = "listeners that keep removed " + strings.TrimPrefix(s.Class, "Detached ") + " elements"
			}
			on := "the event target"
			if s.Holder != nil {
				on = s.Holder.Class
			}
			return fmt.Sprintf("%s pile up on %s%s: call removeEventListener (same function, same capture flag) when the element or component goes away, or add them with {signal} and abort its AbortController then", what, on, per)
		}
		ev := "the event"
		if s.Holder != nil && s.Holder.Event != "" {
			ev = "'" + s.Holder.Event + "'"
		}
		if s.Holder != nil && s.Holder.Listeners > 0 {
			per = fmt.Sprintf(" (%d now)", s.Holder.Listeners)
		}
		if s.Holder != nil && len(s.Holder.OtherEvents) > 0 {
			ev, per = ev+per, ""
			for _, o := range s.Holder.OtherEvents {
				ev += fmt.Sprintf(", '%s' (%d)", o.Event, o.Listeners)
			}
		}
		if eventTargetListener(s) {
			// An EventTarget (an AbortSignal): no off(), no once().
			on := "the EventTarget"
			if s.Holder != nil {
				on = "the " + s.Holder.Class
			}
			if s.Holder != nil && s.Holder.Event == "abort" {
				// 'abort' fires once at most: { once: true } does not
				// help while the signal lives on.
				return fmt.Sprintf("listeners for 'abort' pile up on %s%s, which lives longer than the calls that listen: call removeEventListener (same function) when each call ends, or listen on a per-call signal that goes away with the call (AbortSignal.any([signal, perCall.signal]))", on, per)
			}
			return fmt.Sprintf("listeners for %s pile up on %s%s: call removeEventListener (same function) when the work is done, or add the listener with { once: true } if it should run once", ev, on, per)
		}
		if onceListener(s) {
			// once() only removes a listener when its event fires.
			why := "the event has not fired since they were added"
			if s.Holder != nil {
				switch s.Holder.Event {
				case "exit", "beforeExit":
					why = "'" + s.Holder.Event + "' fires only when the process ends"
				}
			}
			return fmt.Sprintf("once() listeners for %s pile up on the emitter%s: a once() listener goes away only when its event fires, and %s; remove the listener (emitter.off with the same function) when its job ends, or register one long-lived listener that cleans up a Set of pending items", ev, per, why)
		}
		return fmt.Sprintf("listeners for %s pile up on the emitter%s: remove each listener when its work is done (emitter.off / removeListener, or an AbortSignal), or register it with once() if it should fire once", ev, per)
	case PatternTimer:
		what := "timers"
		if s.Class != "" && s.Class != s.RootClass && s.Class != "Timeout" && s.Class != "Immediate" {
			what = "timers, each keeping a " + s.Class + ","
		}
		return fmt.Sprintf("%s are created and never cleared%s: keep the handle and call clearInterval/clearTimeout when the owner is done, and stop a setTimeout that reschedules itself once its work is done (timer.unref() only lets the process exit, it does not free anything)", what, per)
	case PatternCollection:
		what := "the collection"
		if s.Holder != nil && s.Holder.Kind != "" {
			what = "the " + s.Holder.Kind
		}
		if s.Holder != nil && s.Holder.Kind == "linked list" {
			return fmt.Sprintf("the linked list held by %s only grows%s: unlink nodes that are done (advance its head), or cap its length", s.Holder.Class, per)
		}
		if h := mechanismHint(s, per); h != "" {
			return h
		}
		if isBufferClass(s.Class) {
			return fmt.Sprintf("%s only grows%s: bound it or delete entries when done; if these are small slices (subarray/slice) of larger buffers, each keeps its whole parent alive, so keep a copy instead (Buffer.from(slice))", what, per)
		}
		return fmt.Sprintf("%s only grows%s: bound it (an LRU with a maximum size and a TTL), delete entries when they are done, or use a WeakMap keyed by the owning object (a bounded cache that is still filling looks the same: check that it levels off in later snapshots)", what, per)
	case PatternClosure:
		return fmt.Sprintf("closures of the same function accumulate%s: unregister callbacks when they are no longer needed, and avoid capturing large objects in long-lived closures", per)
	case PatternPromise:
		if name, ok := reactionChain(s); ok {
			what := "one long-lived pending promise"
			if name != "" {
				what += " (" + name + ")"
			}
			if l := s.Location; l != nil && strings.HasPrefix(l.Function, "async ") {
				return fmt.Sprintf("%s() calls pile up suspended at an await on %s%s that never settles: each await adds a reaction freed only when it settles; settle it (resolve or reject it on shutdown), or do not await it per call: race the call against a per-call AbortSignal or timer that you clear when it ends", l.Function, what, per)
			}
			return fmt.Sprintf("reactions pile up on %s%s: each call that races against it (Promise.race([work, %s])) or awaits it adds one, freed only when it settles, and each keeps its call's promise and result; settle it when it is no longer needed, or race against a per-call AbortSignal or timer that you clear when the call ends", what, per, orName(name, "longLived"))
		}
		if l := s.Location; l != nil && strings.HasPrefix(l.Function, "async ") {
			return fmt.Sprintf("%s() calls pile up suspended at an await that never resumes%s: make sure the awaited promise settles (reject it on shutdown, or give the operation a timeout with AbortSignal.timeout), or do not await it per request", l.Function, per)
		}
		return fmt.Sprintf("promises or their reactions pile up%s: settle or drop promises that can wait forever (give the operation a timeout with AbortSignal.timeout) and do not attach a handler per request to a long-lived pending promise", per)
	case PatternStringBuffer:
		if isBufferClass(s.Class) {
			return "buffers accumulate: stream or cap them instead of keeping them all; a small slice (subarray/slice) of a large buffer keeps the whole parent alive, so keep a copy (Buffer.from(slice))"
		}
		return "strings or buffers accumulate: stream or cap them instead of keeping them all"
	case PatternDetachedDOM:
		el := "detached DOM nodes"
		if strings.HasPrefix(s.Class, "Detached <") {
			el = "detached " + strings.TrimPrefix(s.Class, "Detached ") + " elements"
		}
		by := "JavaScript"
		if h := s.Holder; h != nil {
			by = fmt.Sprintf("%s @%d", h.Class, h.ID)
		}
		return fmt.Sprintf("%s%s are removed from the document but still referenced from %s: drop the reference when the element is removed (delete the Map/array entry, clear the variable, or hold it in a WeakMap/WeakRef), and remove listeners on long-lived targets (window, document) that close over it", el, per, by)
	}
	return "follow the retaining path to the code that keeps adding to it"
}

// inUseNames are names a program gives the set of items it has handed out
// and must take back (a pool's busy connections).
var inUseNames = []string{"busy", "inuse", "in_use", "active", "checkedout", "checked_out", "leased", "borrowed", "acquired"}

// mechanismHint is the fix for collections the heap shows to be one of
// node's or a common program's mechanisms, rather than the program's own
// cache: an events.on() iterator no one reads, a Writable that never
// drains, a pool's set of items in use that errors never give back.
func mechanismHint(s *Suspect, per string) string {
	for i, st := range s.RetainerPath {
		switch {
		case st.Edge == "unconsumedEvents":
			// node's events.on(): every event waits in its queue
			// until the async iterator takes it.
			return fmt.Sprintf("events wait in an events.on() async iterator that is no longer read%s: keep iterating it (for await), or end it when done (break out of the loop, call iterator.return(), or pass an AbortSignal to events.on() and abort it)", per)
		case st.Class == "WritableState" && i+1 < len(s.RetainerPath) && strings.Contains(strings.ToLower(s.RetainerPath[i+1].Edge), "buffered"):
			// A Writable's queued write requests ({chunk, encoding,
			// callback}): writes go on while the stream never drains.
			return fmt.Sprintf("writes pile up in a Writable's buffer because the stream does not drain%s: respect backpressure (when write() returns false, wait for 'drain' before writing more, or use stream.pipeline), and check that the stream's _write calls its callback", per)
		case st.Class == "Set" && i > 0 && s.Holder != nil && s.Holder.Kind == "Set" && st.ID == s.Holder.ID:
			name := strings.ToLower(st.Edge)
			for _, w := range inUseNames {
				if strings.Contains(name, w) {
					return fmt.Sprintf("items taken out (the Set %s) are not all given back%s: release or delete them on every path, errors included (release in a finally block, or use a helper that always releases)", st.Edge, per)
				}
			}
		}
	}
	return ""
}

// entriesOf is how many entries a Map, Set or Array holds (its size or
// length) as the snapshot shows them: entries whose key and value are both
// small integers have no reference, so this is a lower bound; 0 when
// unknown.
func entriesOf(g *heapgraph.Graph, v uint32, kind string) int {
	s := g.S
	numeric := func(e uint32) bool {
		b := s.Strings.Bytes(s.EdgeNameOrIndex[e])
		if int(s.EdgeType[e]) == s.EdgeTypeIndex.Element {
			return true
		}
		if len(b) == 0 {
			return false
		}
		for _, c := range b {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	// A deleted entry of a Map's or Set's table is a reference to the
	// hole until V8 rehashes the table: no entry.
	hole := func(u uint32) bool { return string(s.Strings.Bytes(s.NodeName[u])) == "system / Hole" }
	count := func(u uint32, internal bool) int {
		n := 0
		for e := s.FirstEdge[u]; e < s.FirstEdge[u+1]; e++ {
			t := int(s.EdgeType[e])
			if t == s.EdgeTypeIndex.Element || internal && t == s.EdgeTypeIndex.Internal && numeric(e) && !hole(s.EdgeTo[e]) {
				n++
			}
		}
		return n
	}
	store := func(name string) (uint32, bool) {
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			if int(s.EdgeType[e]) == s.EdgeTypeIndex.Internal && s.EdgeName(e) == name {
				return s.EdgeTo[e], true
			}
		}
		return 0, false
	}
	switch kind {
	case "Array":
		if n := count(v, false); n > 0 {
			return n
		}
		if el, ok := store("elements"); ok {
			return count(el, false)
		}
	case "Map", "Set":
		t, ok := store("table")
		if !ok {
			return 0
		}
		if kind == "Set" {
			return count(t, true)
		}
		// A Map's table holds key, value, chain per entry: a key and
		// its value are adjacent slots (the chain between entries is
		// a small integer, no reference). An entry shows one slot or
		// two (a small-integer key or value has none).
		var idx []int
		for e := s.FirstEdge[t]; e < s.FirstEdge[t+1]; e++ {
			if int(s.EdgeType[e]) == s.EdgeTypeIndex.Internal && numeric(e) && !hole(s.EdgeTo[e]) {
				if i, err := strconv.Atoi(s.EdgeName(e)); err == nil {
					idx = append(idx, i)
				}
			}
		}
		slices.Sort(idx)
		n := len(idx)
		for k := 1; k < len(idx); k++ {
			if idx[k] == idx[k-1]+1 {
				n--
			}
		}
		return n
	}
	return 0
}
