// Holders: a collection's holder named as the program knows it: the
// variable or field it is kept in, the object that owns it (a cache's or
// loader's instance), the npm package, a library module's own variable, or
// the function a memoizer wrapped.

package leak

import "slices"

// collectionHolder is the collection whose entry raw[k+1] is (raw[k] is the
// collection or its backing store): walked back over backing stores to the
// collection object, with its kind.
func (x *explainer) collectionHolder(raw []rawStep, k int) *Holder {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
	in := raw[k+1]
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
	switch cn := s.NodeNameString(c); {
	case cn == "Map" || cn == "Set" || cn == "WeakMap" || cn == "WeakSet":
		h.Kind = cn
	case cn == "Array":
		h.Kind = "Array"
	case in.edgeType == "property":
		h.Kind = "dictionary"
	default:
		h.Kind = "collection"
	}
	x.ownerOf(h, raw, j)
	x.valueOfMap(h, raw, j)
	return h
}

// valueOfMap names a collection raw[j] that has no name of its own after
// the Map or dictionary it is a value of (a list per key), so the lists
// of one Map are one leak.
func (x *explainer) valueOfMap(h *Holder, raw []rawStep, j int) {
	if h.Name != "" || h.Owner != "" || h.OwnerName != "" {
		return
	}
	if isWeakMapEntry(raw[j].edgeName) {
		// Reached through its key (V8's "part of key (Worker @12) ->
		// value (Map @13) pair in WeakMap (table @14)"): the WeakMap
		// that holds it, by the name the program keeps it in.
		if x.weakKeyWrapper(h, raw, j) {
			return
		}
		if wm, ok := x.weakMapOfEntry(raw[j].edgeName); ok {
			if name, _ := x.keptAs(wm); name != "" {
				h.ValueOf, h.valueOfWeak = name, true
			}
		}
		return
	}
	for m := j - 1; m >= 1 && m >= j-2; m-- {
		kind := collectionKind(x.g, raw[m].node)
		weak := kind == "" && x.g.S.NodeNameString(raw[m].node) == "WeakMap"
		if kind == "Map" || kind == "dictionary" || weak {
			var mh Holder
			x.ownerOf(&mh, raw, m)
			if mh.Name != "" {
				h.Owner, h.OwnerID, h.OwnerName, h.Package, h.ValueOf = mh.Owner, mh.OwnerID, mh.OwnerName, mh.Package, mh.Name
				h.valueOfWeak = weak
			}
			return
		}
	}
}

// weakKeyWrapper: the collection raw[j] is a WeakMap's value whose key is
// a function a library made and the program keeps (p-memoize files each
// wrapper's cache under the wrapper in a module WeakMap), and that
// function's scope keeps it too: it is the wrapper's variable, as
// memoizee's cache is, and the library adds to it by that name.
func (x *explainer) weakKeyWrapper(h *Holder, raw []rawStep, j int) bool {
	g := x.g
	id, ok := weakKeyID(raw[j].edgeName)
	if !ok {
		return false
	}
	fn, ok := g.NodeByID(id)
	if !ok || int(g.S.NodeType[fn]) != g.S.NodeTypeIndex.Closure {
		return false
	}
	l := x.closureLocation(fn)
	if l == nil || libraryPackage(l.Script) == "" {
		return false
	}
	v, ok := x.scopeVariableOf(fn, raw[j].node)
	if !ok {
		return false
	}
	var kept string
	if j >= 2 && raw[j-1].node == fn {
		// Reached by the program's name for the wrapper.
		if t := raw[j-1].edgeType; t == "context" || t == "property" {
			kept = raw[j-1].edgeName
		} else if x.cellValue(raw[j-2].node, t, raw[j-1].edgeName) {
			kept, _ = g.CellName(raw[j-2].node)
		}
	}
	if kept == "" {
		kept, _ = x.keptAs(fn)
	}
	if !identRe.MatchString(kept) || genericName(kept) {
		return false
	}
	h.Name, h.Package, h.OwnerName, h.wrapped = v, libraryPackage(l.Script), kept, true
	h.libScript = l.Script
	if x.src == nil {
		return true
	}
	if lines, ok := locationLines(l, x.src); ok {
		h.libLines[0], h.libLines[1] = enclosingLines(l.Script, lines, l.Line, x.src)
	}
	return true
}

// scopeVariableOf is the name of the variable of fn's scope, or of a
// scope around it (up to three), whose value is v.
func (x *explainer) scopeVariableOf(fn, v uint32) (string, bool) {
	g := x.g
	s := g.S
	ctx, ok := g.EdgeNamed(fn, "context")
	for depth := 0; ok && depth < 4; depth++ {
		for e, to := range g.Edges(ctx) {
			if to == v && s.EdgeTypeName(e) == "context" {
				if n := s.EdgeName(e); identRe.MatchString(n) {
					return n, true
				}
			}
		}
		ctx, ok = g.EdgeNamed(ctx, "previous")
	}
	return "", false
}

// ownerOf fills in the holder's owner: the object whose field raw[j] (the
// collection) is, when it is an instance of a class (LRUCache's #keyMap,
// a DataLoader's _cacheMap, a metric's hashMap), and the variable the
// collection or its owner is kept in.
func (x *explainer) ownerOf(h *Holder, raw []rawStep, j int) {
	g := x.g
	if j <= 0 {
		return
	}
	name := func(k int) string {
		if k >= 1 && k < len(raw) && (raw[k].edgeType == "context" || raw[k].edgeType == "property") && !isNumber(raw[k].edgeName) {
			return raw[k].edgeName
		}
		if k >= 1 && k < len(raw) && x.cellValue(raw[k-1].node, raw[k].edgeType, raw[k].edgeName) {
			// An ES module's variable: its cell's name.
			n, _ := g.CellName(raw[k-1].node)
			return n
		}
		return ""
	}
	o := raw[j-1].node
	if raw[j].edgeType == "property" && j >= 2 && name(j-1) == "exports" && g.ClassName(raw[j-2].node) == "Module" && name(j) != "" && x.plainObject(o) {
		if f, ok := g.EdgeNamed(raw[j-2].node, "filename"); ok && programScript(g.S.NodeNameString(f)) {
			// One of the program's modules exports it (module.exports =
			// { allow, buckets }): its code calls it by that name.
			h.Name = name(j)
			return
		}
	}
	if raw[j].edgeType == "property" && j >= 2 && x.plainObject(o) && name(j-1) != "" && x.userObject(raw[j-2].node) {
		// In a plain object that a class instance keeps in a field
		// (lodash's MapCache keeps {hash, map, string} in __data__):
		// that instance owns it.
		o = raw[j-2].node
		h.Owner, h.OwnerID = x.className(o), g.ID(o)
		h.Name = name(j-1) + "." + name(j)
		if minifiedName(h.Owner) {
			h.Owner = ""
		}
		h.OwnerName = name(j - 2)
		h.Package = x.classPackage(o)
		if h.Package == "" && g.ClassName(o) == "Module" {
			// A package's exports (node-schedule's
			// module.exports.scheduledJobs): the package is its
			// module's file's.
			if f, ok := g.EdgeNamed(o, "filename"); ok && int(g.S.NodeType[f]) == g.S.NodeTypeIndex.String {
				h.Package = libraryPackage(g.S.NodeNameString(f))
			}
		}
		if h.Package != "" {
			if l := x.ctorLocation(o); l != nil {
				h.libScript = l.Script // where its own code adds
				h.classScripts, h.baseClasses = x.classScripts(o), x.baseClasses(o)
			}
		}
		return
	}
	if raw[j].edgeType == "property" && x.libraryFunctionOwner(h, raw, j, name) {
		return
	}
	if raw[j].edgeType != "property" || !x.userObject(o) {
		// Kept in a variable or a plain object's property.
		h.Name = name(j)
		if raw[j].edgeType == "property" && int(g.S.NodeType[o]) == g.S.NodeTypeIndex.Closure {
			h.madeAs = name(j - 1)
		}
		if raw[j].edgeType == "context" {
			if script, ok := x.libraryModuleScope(raw, j); ok {
				h.Package, h.moduleScript = libraryPackage(script), script
			} else {
				x.wrapperOwner(h, raw, j, name)
			}
		}
		return
	}
	h.Owner, h.OwnerID = x.sourceClass(x.className(o)), g.ID(o)
	h.Name = name(j) // the owner's property (TtlCache.entries)
	if minifiedName(h.Owner) {
		// A bundled library's class (c, u): its variable says more.
		h.Owner = ""
	}
	h.OwnerName = name(j - 1)
	if h.OwnerName == "exports" {
		// A module's export (module.exports = new Tracer()): the name
		// the program keeps it under says more.
		h.OwnerName = ""
	}
	if h.OwnerName == "this" {
		// Reached through a method's receiver (a library's closure
		// keeps its this): the name the program keeps it under.
		if h.OwnerName = x.slotName(o); !identRe.MatchString(h.OwnerName) {
			h.OwnerName = ""
		}
	}
	h.Package = x.classPackage(o)
	if h.Package != "" {
		if l := x.ctorLocation(o); l != nil {
			h.libScript = l.Script
			h.classScripts, h.baseClasses = x.classScripts(o), x.baseClasses(o)
			h.fieldAliases = x.fieldAliases(raw[j].node, h.Name)
		}
		// A library object inside another of the same package (Keyv's
		// store adapter inside the Keyv): the program knows the outermost
		// one, by the name it keeps it in.
		k := j - 1
		for k >= 2 && x.userObject(raw[k-1].node) && x.classPackage(raw[k-1].node) == h.Package {
			k--
		}
		if k < j-1 && name(k) != "" {
			o = raw[k].node
			h.Owner, h.OwnerID, h.OwnerName = x.sourceClass(x.className(o)), g.ID(o), name(k)
			if minifiedName(h.Owner) {
				h.Owner = ""
			}
			for i := k + 1; i < j; i++ {
				h.Name = name(i) + "." + h.Name
			}
		}
	}
	if h.OwnerName == "" && h.Package != "" && j >= 2 {
		// The library's object is bound into a function it made (a
		// memoizer's fn.bind(null, cache)), which the program keeps:
		// that function is what the program calls.
		if w := *h; x.wrapperOwner(&w, raw, j-1, name) && w.OwnerName != "" {
			h.OwnerName, h.wrapped = w.OwnerName, true
			h.Owner, h.OwnerID = w.Owner, w.OwnerID
			if w.Owner == h.Owner && w.OwnerID == h.OwnerID {
				h.Owner, h.OwnerID = "", 0 // the library's container, not the program's object
			}
		}
	}
	if h.OwnerName == "" && h.Package != "" {
		// Reached through the library's own timer or callback: the
		// program's variable or field that keeps the object names it.
		h.OwnerName, h.keeperScript = x.keptAs(o)
	}
}

// fieldAliases are the names of the other fields that keep the collection
// c (at most three), besides name.
func (x *explainer) fieldAliases(c uint32, name string) []string {
	g := x.g
	var names []string
	for _, e := range g.Retainers(c) {
		if len(names) == 3 {
			break
		}
		if g.S.EdgeTypeName(e) != "property" {
			continue
		}
		if n := g.S.EdgeName(e); n != name && identRe.MatchString(n) && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// libraryFunctionOwner fills in the owner of a collection kept on a
// function a library made, which the program keeps and calls methods of
// (express's app, a router: router.stack): the package is the function's,
// the owner's name the program's variable, past any other such function
// of the package it is reached through (app._router.stack).
func (x *explainer) libraryFunctionOwner(h *Holder, raw []rawStep, j int, name func(int) string) bool {
	g := x.g
	k := j - 1
	fnPackage := func(v uint32) string {
		if int(g.S.NodeType[v]) != g.S.NodeTypeIndex.Closure {
			return ""
		}
		if l := x.location(v); l != nil {
			return libraryPackage(l.Script)
		}
		return ""
	}
	pkg := fnPackage(raw[k].node)
	if pkg == "" {
		return false
	}
	h.Name, h.Package = name(j), pkg
	if l := x.location(raw[k].node); l != nil {
		h.libScript = l.Script
	}
	for k >= 2 && raw[k].edgeType == "property" && fnPackage(raw[k-1].node) == pkg {
		h.Name = name(k) + "." + h.Name
		k--
	}
	for _, e := range g.Retainers(raw[k].node) {
		if t := g.S.EdgeTypeName(e); (t == "context" || t == "property") && len(h.alsoNames) < 4 {
			if n := g.S.EdgeName(e); identRe.MatchString(n) && !genericName(n) && !slices.Contains(h.alsoNames, n) {
				h.alsoNames = append(h.alsoNames, n)
			}
		}
	}
	if h.OwnerName = name(k); h.OwnerName == "" || genericName(h.OwnerName) {
		// A module's export, a receiver: the name the program keeps
		// it under.
		if h.OwnerName = x.slotName(raw[k].node); !identRe.MatchString(h.OwnerName) || genericName(h.OwnerName) {
			h.OwnerName = ""
		}
	}
	return true
}

// libraryModuleScope: the variable raw[j] is a top-level variable of a
// library's module (a module-level Map in node_modules/tiny-sql/index.js),
// not of a function the library made (a memoizer's wrapper): its scope's
// enclosing one is the realm's NativeContext (see heapgraph.ModuleScope).
// script is the module's file,
// where its code adds to the variable.
func (x *explainer) libraryModuleScope(raw []rawStep, j int) (script string, ok bool) {
	g := x.g
	s := g.S
	if !g.ModuleScope(raw[j-1].node) {
		return "", false
	}
	for k := j - 2; k >= 0 && k >= j-4; k-- {
		if int(s.NodeType[raw[k].node]) != s.NodeTypeIndex.Closure {
			continue
		}
		l := x.closureLocation(raw[k].node)
		if l == nil || libraryPackage(l.Script) == "" {
			return "", false
		}
		return l.Script, true
	}
	// An ES module's scope, reached without a closure of its own (a path
	// through its record): its extension is the module's record, whose
	// ModuleWrap has its URL (node-cron's dist/node-cron.js).
	if rec, ok := g.EdgeNamed(raw[j-1].node, "extension"); ok && s.NodeNameString(rec) == "system / SourceTextModule" {
		if url, ok := g.ESModuleURL(rec); ok && libraryPackage(url) != "" {
			return url, true
		}
	}
	return "", false
}

// wrapperOwner: the variable raw[j] belongs to a closure of a library's
// code, kept by the program under a name (memoizee's wrapper of
// FlagService.evaluateContext): the package and the function's name are
// the holder's.
func (x *explainer) wrapperOwner(h *Holder, raw []rawStep, j int, name func(int) string) bool {
	g := x.g
	for k := j - 1; k >= 1 && k >= j-3; k-- {
		c := raw[k].node
		if int(g.S.NodeType[c]) != g.S.NodeTypeIndex.Closure {
			continue
		}
		if t, ok := x.boundTarget(c); ok {
			c = t // fn.bind(...): the function it calls is the library's
		}
		l := x.closureLocation(c)
		if l == nil || name(k) == "" {
			return false
		}
		if o := raw[k-1].node; x.userObject(o) && !programLocation(x.ctorLocation(o)) {
			// A field of node's or a library's object (a Timeout's
			// _onTimeout): not a name the program keeps it under.
			return false
		}
		if pkg := libraryPackage(l.Script); pkg != "" {
			h.Package, h.OwnerName, h.wrapped = pkg, name(k), true
			if o := raw[k-1].node; x.userObject(o) && programLocation(x.ctorLocation(o)) {
				h.Owner, h.OwnerID = g.ClassName(o), g.ID(o)
			}
			return true
		}
		return false
	}
	return false
}

// keptAs is the name of a variable or a field of the program's objects
// that keeps v ("cache" of this.cache), "" when there is none, and the
// script of that object's class.
func (x *explainer) keptAs(v uint32) (name, script string) {
	g := x.g
	s := g.S
	for r, e := range g.Retainers(v) {
		t := s.EdgeTypeName(e)
		if t != "property" && t != "context" {
			continue
		}
		name := s.EdgeName(e)
		if !identRe.MatchString(name) {
			continue
		}
		if t == "context" {
			return name, ""
		}
		if l := x.ctorLocation(r); x.userObject(r) && programLocation(l) {
			return name, l.Script
		}
	}
	return "", ""
}

// classScripts lists the scripts of o's constructor and of the functions
// on its prototype chain, each once.
func (x *explainer) classScripts(o uint32) []string {
	g := x.g
	s := g.S
	var out []string
	add := func(l *Location) {
		if l != nil && !slices.Contains(out, l.Script) {
			out = append(out, l.Script)
		}
	}
	add(x.ctorLocation(o))
	p, ok := g.Prototype(o)
	for d := 0; ok && d < maxProtoDepth; d++ {
		for _, to := range g.Edges(p) {
			if int(s.NodeType[to]) == s.NodeTypeIndex.Closure {
				add(x.closureLocation(to))
			}
		}
		p, ok = g.Prototype(p)
	}
	return out
}

// baseClasses are the names of the constructors on o's prototype chain
// past its own (EventEmitter for a ResourceStore that extends it): their
// methods are its own code.
func (x *explainer) baseClasses(o uint32) []string {
	g := x.g
	var out []string
	p, ok := g.Prototype(o)
	for d := 0; ok && d < maxProtoDepth; d++ {
		if c, found := g.EdgeNamed(p, "constructor"); found && int(g.S.NodeType[c]) == g.S.NodeTypeIndex.Closure {
			if n := g.S.NodeNameString(c); identRe.MatchString(n) && n != "Object" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		p, ok = g.Prototype(p)
	}
	if len(out) > 0 {
		out = out[1:] // (the first is its own class)
	}
	return out
}
