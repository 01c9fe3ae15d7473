package heapgraph

// Where a retaining path starts for people: a module's top-level variable
// (ES or CommonJS, reached through a closure or a stack frame) or node's
// timer lists, not the steps of the loader or the runtime before them.

import (
	"strconv"
	"strings"
)

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
	name = g.esModuleName(p[m].Node)
	for m+1 < len(p)-1 {
		v := p[m+1].Node
		if g.ClassName(v) != "Generator" && s.NodeNameString(v) != "system / Context" {
			break
		}
		m++
	}
	return m, name, true
}

// esmExport reads an ES module's variable on p after its record at step
// m: the path runs record → array → Cell → value, and a module keeps its
// exports in a hash table of (name, Cell) pairs, so the name is that
// table's entry just before the cell. The table may be another record's
// (an import is the exporting module's cell), and the path may come
// through an array of cells without names. k is the value's step.
func (g *Graph) esmExport(p Path, m int) (k int, name string, ok bool) {
	s := g.S
	if m+3 >= len(p) || s.NodeNameString(p[m].Node) != "system / SourceTextModule" ||
		s.NodeNameString(p[m+2].Node) != "system / Cell" || s.EdgeName(p[m+3].Edge) != "value" {
		return 0, "", false
	}
	if name, ok := g.CellName(p[m+2].Node); ok {
		return m + 3, name, true
	}
	return 0, "", false
}

// CellName is the name of an ES module's variable kept in cell (a
// "system / Cell"): a module keeps its exports in a hash table of (name,
// Cell) pairs, so it is that table's entry just before the cell.
func (g *Graph) CellName(cell uint32) (string, bool) {
	s := g.S
	for table, e := range g.Retainers(cell) {
		if !s.EdgeHasStringName(e) {
			continue
		}
		i, err := strconv.Atoi(s.EdgeName(e))
		if err != nil || i < 1 {
			continue
		}
		if key, found := g.EdgeNamed(table, strconv.Itoa(i-1)); found && int(s.NodeType[key]) == s.NodeTypeIndex.String {
			return s.NodeNameString(key), true
		}
	}
	return "", false
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
	if em, ename, eok := g.esmScopeStep(p); eok && (!ok || em > m) {
		m, name, ok = em, ename, true
	}
	return m, name, ok
}

// esModuleName is the file name of the ES module whose record (V8's
// SourceTextModule) is rec: the url of node's ModuleWrap that holds it,
// "(ES module)" if none does.
func (g *Graph) esModuleName(rec uint32) string {
	if url, ok := g.ESModuleURL(rec); ok {
		return moduleFileName(url)
	}
	return "(ES module)"
}

// ESModuleURL is the URL of the ES module whose record (V8's
// SourceTextModule) is rec, from node's ModuleWrap that holds it.
func (g *Graph) ESModuleURL(rec uint32) (string, bool) {
	s := g.S
	for w := range g.Retainers(rec) {
		if g.ClassName(w) != "ModuleWrap" {
			continue
		}
		for e, to := range g.Edges(w) {
			if s.EdgeName(e) == "url" && int(s.NodeType[to]) == s.NodeTypeIndex.String {
				return g.Name(to), true
			}
		}
	}
	return "", false
}

// esmScopeStep finds the last scope on p that is an ES module's top level
// (a Context whose extension is the module's record, a SourceTextModule),
// where the path goes on through one of its variables: reached through a
// function the module exports (imported by another module, so the path
// runs through the importer's record and a Cell) the variable is still
// the module's. name comes from the ModuleWrap that holds the record.
func (g *Graph) esmScopeStep(p Path) (m int, name string, ok bool) {
	s := g.S
	for i := len(p) - 2; i >= 1; i-- {
		e := p[i+1].Edge
		if e == NoEdge || int(s.EdgeType(e)) != s.EdgeTypeIndex.Context || s.NodeNameString(p[i].Node) != "system / Context" {
			continue
		}
		rec, found := g.EdgeNamed(p[i].Node, "extension")
		if !found || s.NodeNameString(rec) != "system / SourceTextModule" {
			continue
		}
		return i, g.esModuleName(rec), true
	}
	return 0, "", false
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

// ModuleScope reports whether ctx, a V8 Context, is a module's top-level
// scope: an ES module's (its extension is the module's record), or a
// CommonJS module's: its enclosing scope is the realm's NativeContext, and
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
	if ext, found := g.EdgeNamed(ctx, "extension"); found && s.NodeNameString(ext) == "system / SourceTextModule" {
		return true
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
