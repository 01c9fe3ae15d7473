package heapgraph

import (
	"sort"
	"strconv"
	"strings"
)

// Step is one hop of a retaining path: the edge taken from the previous
// step's node (NoEdge for the first step) and the node reached.
type Step struct {
	Edge uint32
	Node uint32
}

// Path is a retaining path from a root to a node; the synthetic root itself
// is left out, so the first step is a child of it ("(GC roots)" or a global
// object).
type Path []Step

// ShortestPaths returns up to max shortest retaining paths to n, weak edges
// excluded. Paths follow DevTools' distances, so each has exactly the
// node's distance in hops. The paths differ as close to n as possible: the
// first path through each distinct retainer of n comes before variations
// further up. Nodes that no root reaches have no path.
func (g *Graph) ShortestPaths(n uint32, max int) []Path {
	if max <= 0 || int(n) >= g.S.NodeCount || n == g.Root || g.distance[n] == NoDistance {
		return nil
	}
	var out []Path
	seen := map[string]bool{}
	add := func(rev []Step) bool {
		p := make(Path, len(rev))
		for i := range rev {
			p[i] = rev[len(rev)-1-i]
		}
		p[0].Edge = NoEdge
		// Two paths that read the same (they differ only in a slot the
		// text hides, such as which stack root) are one path to a
		// person: keep the first, in the text and in JSON alike.
		k := g.FormatPath(p)
		if seen[k] {
			return false
		}
		seen[k] = true
		out = append(out, p)
		return true
	}
	// rev holds the path from n upward: rev[i].Edge leads from
	// rev[i+1].Node to rev[i].Node; the last step is the path start.
	var first []Step
	if !g.complete(n, &first) {
		return nil
	}
	add(first)
	// Then the alternatives, diverging from the first path as close to n
	// as possible: other retainers of n, then of n's retainer, and so on.
	// Alternatives that read like a path already found are dropped, so a
	// node with a million retainers could be tried a million times: the
	// tries are bounded.
	tries := 0
	for j := 0; j+1 < len(first) && len(out) < max && tries < maxPathTries; j++ {
		v := first[j].Node
		for _, c := range g.pathRetainers(v) {
			if len(out) >= max || tries >= maxPathTries {
				break
			}
			if c.Edge == first[j].Edge && c.Node == first[j+1].Node {
				continue
			}
			tries++
			rev := append([]Step(nil), first[:j]...)
			rev = append(rev, Step{Edge: c.Edge, Node: v})
			if g.complete(c.Node, &rev) {
				add(rev)
			}
		}
	}
	return out
}

// maxPathTries bounds the alternative paths ShortestPaths builds.
const maxPathTries = 64

// isPathStart: nodes at distance 1 (user roots) or the first distance of
// the system BFS hang directly off the synthetic root.
func (g *Graph) isPathStart(v uint32) bool {
	d := g.distance[v]
	return d == g.distance[g.Root]+1 || d == 1
}

// pathRetainers are the retainers one step closer to the roots over a
// non-weak edge; they always exist for a node with a distance.
func (g *Graph) pathRetainers(v uint32) []Step {
	d := g.distance[v]
	var out []Step
	for u, e := range g.Retainers(v) {
		if u == g.Root || g.IsWeakEdge(e) || g.distance[u] != d-1 {
			continue
		}
		out = append(out, Step{Edge: e, Node: u})
	}
	// People read property and element references more easily than V8
	// internals, so those come first.
	sort.SliceStable(out, func(i, j int) bool { return g.edgeRank(out[i].Edge) < g.edgeRank(out[j].Edge) })
	return out
}

// bestPathRetainer is pathRetainers(v)[0] without building and sorting the
// list: complete takes only the first at every level.
func (g *Graph) bestPathRetainer(v uint32) (Step, bool) {
	d := g.distance[v]
	best, rank, ok := Step{}, 1<<30, false
	for u, e := range g.Retainers(v) {
		if u == g.Root || g.IsWeakEdge(e) || g.distance[u] != d-1 {
			continue
		}
		// Strictly better only: the first of equal rank wins, as in the
		// stable sort of pathRetainers.
		if r := g.edgeRank(e); r < rank {
			best, rank, ok = Step{Edge: e, Node: u}, r, true
		}
	}
	return best, ok
}

func (g *Graph) edgeRank(e uint32) int {
	et := g.S.EdgeTypeIndex
	switch int(g.S.EdgeType(e)) {
	case et.Property:
		return 0
	case et.Element:
		return 1
	case et.Context:
		return 2
	case et.Shortcut:
		return 3
	case et.Internal:
		return 4
	}
	return 5
}

// complete extends rev from v up to a path start, taking the first
// suitable retainer at every level.
func (g *Graph) complete(v uint32, rev *[]Step) bool {
	if len(*rev) == 0 {
		// The first step of the path is n itself.
		if g.isPathStart(v) {
			*rev = append(*rev, Step{Edge: NoEdge, Node: v})
			return true
		}
		r, ok := g.bestPathRetainer(v)
		if !ok {
			return false
		}
		*rev = append(*rev, Step{Edge: r.Edge, Node: v})
		v = r.Node
	}
	for steps := 0; steps <= g.S.NodeCount; steps++ {
		if g.isPathStart(v) {
			*rev = append(*rev, Step{Edge: NoEdge, Node: v})
			return true
		}
		r, ok := g.bestPathRetainer(v)
		if !ok {
			return false
		}
		*rev = append(*rev, Step{Edge: r.Edge, Node: v})
		v = r.Node
	}
	return false
}

// FormatPath writes p the way a person reads a retaining path:
//
//	(GC roots) → … → EventEmitter._events.response → Array[29653] → (closure) onResponse → context → RequestContext @1234
//
// Property chains through plain objects are folded into the owner's token
// (EventEmitter._events.response), an Array's hidden backing store, a
// Map's or Set's hash table and a closure's scope object are not shown,
// captured variables appear by name, and the last node carries its @id.
// Runs of the same step (linked lists, timer lists, promise chains) are
// folded with a count: `Timeout._idlePrev ×560`, `(PromiseReaction → …) ×3`.
func (g *Graph) FormatPath(p Path) string {
	return strings.Join(g.PathSteps(p), " → ")
}

// PathSteps is FormatPath's text cut at its arrows: one entry per step as
// people read it (runs already folded, the last with its @id), for views
// that put each step on its own line.
func (g *Graph) PathSteps(p Path) []string {
	if len(p) == 0 {
		return nil
	}
	segs := FoldRuns(g.pathSegments(p))
	segs[len(segs)-1] += " @" + strconv.FormatUint(uint64(g.ID(p[len(p)-1].Node)), 10)
	return segs
}

// pathSegments renders p as the tokens FormatPath joins with arrows: each
// is a node's label plus the edge taken out of it.
func (g *Graph) pathSegments(p Path) []string {
	s := g.S
	et := s.EdgeTypeIndex
	var segs []string
	cur := g.Label(p[0].Node)
	next := func(tok string) {
		segs = append(segs, cur)
		cur = tok
	}
	start := 1
	if m, name, ok := g.ModuleStart(p); ok {
		// A module's top-level variable: how the module was reached
		// (node's module loader, a stack frame, a timer whose callback
		// was defined in it: a dozen steps, different in each snapshot)
		// says nothing; the module and its variable do.
		cur, start = "module "+name, m+1
	}
	if k, ok := g.timersStart(p, start); ok {
		// An active timer: how node's timers module was reached (through
		// whichever of setTimeout, clearInterval, setImmediate... came
		// first, different from run to run) says nothing; its list of
		// timers by duration does.
		segs, cur, start = []string{"module node:timers", "timerListMap"}, g.Label(p[k].Node), k+1
	}
	for i := start; i < len(p); i++ {
		e, v := p[i].Edge, p[i].Node
		last := i == len(p)-1
		t := int(s.EdgeType(e))
		name := s.EdgeName(e)
		switch {
		case g.isStorageEdge(e, v, last):
			// An Array's backing store, a Map's table, a closure's scope:
			// implementation detail.
			continue
		case t == et.Context:
			next(name)
		case (t == et.Property || t == et.Shortcut) && !last && g.isPlainObjectNode(v) &&
			i+1 < len(p) && (int(s.EdgeType(p[i+1].Edge)) == et.Property || int(s.EdgeType(p[i+1].Edge)) == et.Element):
			cur += edgeSuffix(s.EdgeTypeName(e), name)
			continue
		case t == et.Element && i >= 2 && int(s.EdgeType(p[i-1].Edge)) == et.Context && len(segs) > 0 &&
			g.isPlainObjectNode(p[i-1].Node) && !g.wasElided(p, i-1):
			// A variable holding an object keyed by numbers (node's
			// timerListMap keyed by duration): timerListMap[60000], as
			// the code spells it; Object[60000] reads like an array of
			// 60000 elements.
			cur = segs[len(segs)-1] + "[" + name + "]"
			segs = segs[:len(segs)-1]
		case g.wasElided(p, i-1) || ((t == et.Element || t == et.Hidden) && g.ClassName(p[i-1].Node) == "Array"):
			// Array[29653] → x, Map → x: the slot index says little
		case int(s.NodeType[p[i-1].Node]) == s.NodeTypeIndex.Synthetic:
			// (GC roots) → (Stack roots): the slot numbers mean nothing to people
		default:
			cur += edgeSuffix(s.EdgeTypeName(e), name)
		}
		next(g.Label(v))
	}
	return append(segs, cur)
}

// moduleStep finds the last ES module record on p (V8's SourceTextModule)
// that is not p's end, and skips the module's own state after it (its
// top-level-await Generator, its scope): the path goes on from the module's
// variables. name is the module's file name, from node's ModuleWrap.url.
func (g *Graph) moduleStep(p Path) (m int, name string, ok bool) {
	s := g.S
	m = -1
	for i := len(p) - 2; i >= 1; i-- {
		if s.NodeNameString(p[i].Node) == "system / SourceTextModule" {
			m = i
			break
		}
	}
	if m < 0 {
		return 0, "", false
	}
	name = "(ES module)"
	if w := p[m-1].Node; g.ClassName(w) == "ModuleWrap" {
		for e, to := range g.Edges(w) {
			if s.EdgeName(e) == "url" && int(s.NodeType[to]) == s.NodeTypeIndex.String {
				name = moduleFileName(g.Name(to))
				break
			}
		}
	}
	for m+1 < len(p)-1 {
		v := p[m+1].Node
		if g.ClassName(v) != "Generator" && s.NodeNameString(v) != "system / Context" {
			break
		}
		m++
	}
	return m, name, true
}

// timersStart finds, at or after step from, the step of p that is node's
// timers module's timerListMap (its active timer lists by duration), when p
// goes on into one of those lists.
func (g *Graph) timersStart(p Path, from int) (int, bool) {
	s := g.S
	for i := len(p) - 3; i >= max(from, 1); i-- {
		e := p[i].Edge
		if e == NoEdge || int(s.EdgeType(e)) != s.EdgeTypeIndex.Context || s.EdgeName(e) != "timerListMap" {
			continue
		}
		if int(s.EdgeType(p[i+1].Edge)) == s.EdgeTypeIndex.Element && g.ClassName(p[i+1].Node) == "TimersList" {
			return i, true
		}
	}
	return 0, false
}

// ModuleStart finds the last step of p that is a module's top-level scope
// (an ES module's or a CommonJS module's, not node's own) where p goes on
// through one of its variables: FormatPath starts there, at "module name".
func (g *Graph) ModuleStart(p Path) (m int, name string, ok bool) {
	m, name, ok = g.moduleStep(p)
	if cm, cname, cok := g.cjsModuleStep(p); cok && (!ok || cm > m) {
		m, name, ok = cm, cname, true
	}
	return m, name, ok
}

// cjsModuleStep finds the last scope on p that is a CommonJS module's top
// level (a Context whose enclosing one is the realm's NativeContext) of a
// script that is not node's own, where the path goes on through one of its
// variables. The script is that of the closure the scope was reached
// from (the module wrapper, a function defined at the top of the module);
// name is its file name, with its package's path for a file under
// node_modules.
func (g *Graph) cjsModuleStep(p Path) (m int, name string, ok bool) {
	s := g.S
	for i := len(p) - 2; i >= 1; i-- {
		e := p[i+1].Edge
		if e == NoEdge || int(s.EdgeType(e)) != s.EdgeTypeIndex.Context || s.NodeNameString(p[i].Node) != "system / Context" {
			continue
		}
		if !g.ModuleScope(p[i].Node) {
			continue
		}
		// Back over inner scopes to the closure the scope was reached from.
		k := i
		for k >= 1 && p[k].Edge != NoEdge && int(s.EdgeType(p[k].Edge)) == s.EdgeTypeIndex.Internal &&
			s.EdgeName(p[k].Edge) == "previous" {
			k--
		}
		var fn uint32
		switch {
		case k >= 1 && p[k].Edge != NoEdge && s.EdgeName(p[k].Edge) == "context" &&
			int(s.NodeType[p[k-1].Node]) == s.NodeTypeIndex.Closure:
			fn = p[k-1].Node
		case k >= 1 && int(s.NodeType[p[k-1].Node]) == s.NodeTypeIndex.Synthetic:
			// Reached from a stack frame (the module's code is running, or
			// waits in an await): a function of the scope names it.
			var found bool
			if fn, found = g.scopeFunction(p[k].Node); !found {
				continue
			}
		default:
			continue
		}
		script := g.ScriptName(fn)
		if script == "" || strings.HasPrefix(script, "node:") {
			continue
		}
		return i, moduleFileName(script), true
	}
	return 0, "", false
}

// scopeFunction is a closure whose scope is the Context ctx.
func (g *Graph) scopeFunction(ctx uint32) (uint32, bool) {
	s := g.S
	for r, e := range g.Retainers(ctx) {
		if int(s.NodeType[r]) == s.NodeTypeIndex.Closure && int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && s.EdgeName(e) == "context" {
			return r, true
		}
	}
	return 0, false
}

// ModuleScope reports whether ctx, a V8 Context, is a CommonJS module's
// top-level scope: its enclosing scope is the realm's NativeContext, and
// the function it is the scope of is anonymous (node's module wrapper).
// A top-level function's scope (createStore's, in a module whose own
// variables need no context) also encloses in the NativeContext, but names
// its function: a ScopeInfo lists the scope's variable names, then its
// function's name.
func (g *Graph) ModuleScope(ctx uint32) bool {
	s := g.S
	if s.NodeNameString(ctx) != "system / Context" {
		return false
	}
	if prev, found := g.EdgeNamed(ctx, "previous"); !found || s.NodeNameString(prev) != "system / NativeContext" {
		return false
	}
	info, found := g.EdgeNamed(ctx, "scope_info")
	if !found {
		return true // an older V8 that does not show it
	}
	last, name := -1, ""
	for e, to := range g.Edges(info) {
		if t := int(s.EdgeType(e)); (t != s.EdgeTypeIndex.Hidden && t != s.EdgeTypeIndex.Element) || int(s.NodeType[to]) != s.NodeTypeIndex.String {
			continue
		}
		if k := int(s.EdgeNameOrIndex(e)); k > last {
			last, name = k, g.Name(to)
		}
	}
	return last < 0 || name == ""
}

// moduleFileName shortens a script's path for people: its file name, or
// from the package on for a file under node_modules.
func moduleFileName(script string) string {
	script = strings.TrimPrefix(script, "file://")
	slash := strings.ReplaceAll(script, "\\", "/")
	if i := strings.LastIndex(slash, "/node_modules/"); i >= 0 {
		return slash[i+len("/node_modules/"):]
	}
	return slash[strings.LastIndexByte(slash, '/')+1:]
}

// PackageModule: a module name from ModuleStart is a file of an npm
// package (moduleFileName keeps the package's path for those).
func PackageModule(name string) bool { return strings.ContainsAny(name, "/") }

// EdgeNamed is the node v's edge called name (a property, a context
// variable or an internal field) leads to.
func (g *Graph) EdgeNamed(v uint32, name string) (uint32, bool) {
	s := g.S
	for e, to := range g.Edges(v) {
		if s.EdgeHasStringName(e) && s.EdgeName(e) == name {
			return to, true
		}
	}
	return 0, false
}

// isStorageEdge reports whether edge e (leading to v) reaches a container's
// internal storage that FormatPath leaves out.
func (g *Graph) isStorageEdge(e, v uint32, last bool) bool {
	s := g.S
	if last || int(s.EdgeType(e)) != s.EdgeTypeIndex.Internal {
		return false
	}
	switch s.EdgeName(e) {
	case "previous":
		// A scope's enclosing scope: still the closure's captured variables.
		return s.NodeNameString(v) == "system / Context"
	case "elements", "context", "table":
		t := int(s.NodeType[v])
		return t == s.NodeTypeIndex.Array || t == s.NodeTypeIndex.Hidden ||
			s.NodeNameString(v) == "system / Context"
	}
	return false
}

// FoldRuns folds consecutive repeats of one token, or of a group of up to
// three tokens, into a single entry with a count, so a path through a long
// linked list stays one line: [a b b b c] → [a "b ×3" c].
func FoldRuns(segs []string) []string {
	const maxPeriod = 3
	out := make([]string, 0, len(segs))
	for i := 0; i < len(segs); {
		bestK, bestR := 1, 1
		for k := 1; k <= maxPeriod && i+2*k <= len(segs); k++ {
			r := 1
			for i+(r+1)*k <= len(segs) && equalRun(segs[i:i+k], segs[i+r*k:i+(r+1)*k]) {
				r++
			}
			if r >= 2 && k*r > bestK*bestR {
				bestK, bestR = k, r
			}
		}
		if bestR < 2 {
			out = append(out, segs[i])
			i++
			continue
		}
		group := strings.Join(segs[i:i+bestK], " → ")
		if bestK > 1 {
			group = "(" + group + ")"
		}
		out = append(out, group+" ×"+strconv.Itoa(bestR))
		i += bestK * bestR
	}
	return out
}

func equalRun(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wasElided reports whether step i's node was folded away by FormatPath
// (a backing store or scope reached through an internal edge).
func (g *Graph) wasElided(p Path, i int) bool {
	s := g.S
	e := p[i].Edge
	if i == 0 || e == NoEdge || int(s.EdgeType(e)) != s.EdgeTypeIndex.Internal {
		return false
	}
	return g.isStorageEdge(e, p[i].Node, false)
}

func (g *Graph) isPlainObjectNode(v uint32) bool {
	s := g.S
	return int(s.NodeType[v]) == s.NodeTypeIndex.Object && string(s.Strings.Bytes(s.NodeName[v])) == "Object"
}

// edgeSuffix renders an edge after its source like DevTools' edge
// toString: .name, ["name with spaces"], [index], {internal}.
func edgeSuffix(typeName, name string) string {
	switch typeName {
	case "property", "shortcut":
		if strings.Contains(name, " ") {
			return `["` + name + `"]`
		}
		return "." + name
	case "element":
		return "[" + name + "]"
	case "weak":
		return "[[" + name + "]]"
	case "context":
		return "->" + name
	default:
		// A space keeps "(closure) f {previous}" readable.
		return " {" + name + "}"
	}
}

// Label is a short human name for node v: its class, plus the function
// name for closures, the element count for Arrays and the text for
// strings ("(closure) onResponse", "Array[29653]", `(string) "abc"`).
func (g *Graph) Label(v uint32) string {
	s := g.S
	nt := s.NodeTypeIndex
	switch t := int(s.NodeType[v]); t {
	case nt.Closure:
		name := s.NodeNameString(v)
		if name == "" {
			name = "(anonymous)"
		}
		return "(closure) " + name
	case nt.String, nt.ConcatenatedString, nt.SlicedString:
		return "(string) " + quoteShort(g.Name(v), 40)
	case nt.Synthetic, nt.Hidden:
		return s.NodeNameString(v)
	case nt.Code:
		if name := s.NodeNameString(v); name != "" {
			return "(compiled code) " + name
		}
		return "(compiled code)"
	}
	cls := g.ClassName(v)
	if strings.HasPrefix(cls, "global /") {
		// Snapshots taken over the inspector name the global object
		// "global / <url>"; v8.writeHeapSnapshot's say "global". One
		// name in every path: global.handle.
		return "global"
	}
	if cls == "Array" {
		if n, ok := g.arrayLength(v); ok {
			return "Array[" + strconv.Itoa(n) + "]"
		}
	}
	return cls
}

// arrayLength counts an Array's element edges (V8 puts them on the Array
// itself, older versions on its backing store).
func (g *Graph) arrayLength(v uint32) (int, bool) {
	s := g.S
	direct := 0
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Element {
			direct++
		}
	}
	if direct > 0 {
		return direct, true
	}
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && s.EdgeName(e) == "elements" {
			el := s.EdgeTo[e]
			n := 0
			for f := s.FirstEdge[el]; f < s.FirstEdge[el+1]; f++ {
				if int(s.EdgeType(f)) == s.EdgeTypeIndex.Element {
					n++
				}
			}
			return n, true
		}
	}
	return 0, true
}

func quoteShort(s string, max int) string {
	r := []rune(s)
	if len(r) > max {
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
