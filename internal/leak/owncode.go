// Own code: the program's scripts, as opposed to the libraries it installs
// (node_modules) and node's internals (node:...). A leak is told in the
// program's terms first: its class, its line; a library's object is the
// context.

package leak

import (
	"bytes"
	"slices"
	"strings"
)

// Code tiers, best last.
const (
	tierInternal = iota // node's own code
	tierLibrary         // node_modules, or nowhere known
	tierProgram         // the program's own scripts
)

// programScript: a script of the program itself.
func programScript(script string) bool {
	return script != "" && !strings.HasPrefix(script, "node:") && libraryPackage(script) == ""
}

// programLocation: l is in the program's own code.
func programLocation(l *Location) bool { return l != nil && programScript(l.Script) }

// libraryPackage is the npm package a script belongs to ("lru-cache",
// "@fastify/error"), from the last node_modules directory of its path (a
// file: URL or a path, either slash); "" for a script outside one.
func libraryPackage(script string) string {
	s := strings.ReplaceAll(script, "\\", "/")
	i := strings.LastIndex(s, "/node_modules/")
	if i < 0 {
		return ""
	}
	rest := s[i+len("/node_modules/"):]
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) < 2 {
		return ""
	}
	if strings.HasPrefix(parts[0], "@") && len(parts) == 3 {
		return parts[0] + "/" + parts[1]
	}
	return parts[0]
}

// classTier says whose code v's class is: its constructor's script (or, for
// an object without one, the script of a method it holds).
func (x *explainer) classTier(v uint32) int {
	if x.internalClass(v) {
		return tierInternal
	}
	l := x.ctorLocation(v)
	if l == nil {
		l = x.location(v)
	}
	if programLocation(l) {
		return tierProgram
	}
	if l == nil && builtinClasses[x.g.S.NodeNameString(v)] {
		// JavaScript's own classes (a Gzip's Uint32Array, a Date) say
		// what an object is made of, not what it is.
		return tierInternal
	}
	return tierLibrary
}

// builtinClasses: JavaScript's own classes, whose code is in no script.
var builtinClasses = map[string]bool{
	"Int8Array": true, "Uint8Array": true, "Uint8ClampedArray": true, "Int16Array": true, "Uint16Array": true,
	"Int32Array": true, "Uint32Array": true, "Float16Array": true, "Float32Array": true, "Float64Array": true,
	"BigInt64Array": true, "BigUint64Array": true, "DataView": true, "SharedArrayBuffer": true,
	"Date": true, "RegExp": true, "WeakRef": true, "WeakMap": true, "WeakSet": true, "FinalizationRegistry": true,
	"Number": true, "String": true, "Boolean": true, "Symbol": true, "BigInt": true,
}

// classPackage is the npm package that defines v's class, "" if none.
func (x *explainer) classPackage(v uint32) string {
	l := x.ctorLocation(v)
	if l == nil {
		return ""
	}
	return libraryPackage(l.Script)
}

// minifiedName: a name a minifier made (c, u, #t, Xe): never a headline.
func minifiedName(name string) bool {
	name = strings.TrimPrefix(name, "#")
	return len(name) > 0 && len(name) <= 2
}

// nodeOwnClosures: a closure suspect whose closures are functions of node's
// own scripts (node:...) and whose path shows no code of the program or of
// a library.
func (x *explainer) nodeOwnClosures(s Suspect) bool {
	if s.Pattern != PatternClosure || s.Location != nil || len(s.scripts) > 0 {
		return false
	}
	if int(x.g.S.NodeType[s.rep]) != x.g.S.NodeTypeIndex.Closure {
		return false
	}
	l := x.closureLocation(s.rep)
	return l != nil && strings.HasPrefix(l.Script, "node:")
}

// runningNow: a suspect that is node's stack of the async resources whose
// callbacks are running (execution_async_resources) or a resource on it.
// A snapshot the inspector asks for can land inside a timer's callback;
// node then keeps that Timeout there alone, so the stack's array grows by
// one entry that retains all the callback's closure reaches, and a fresh
// Timeout is a new object retaining it: in use at that moment, not kept.
// What is reached through them (a module's array the callback fills) is
// judged by its own growth.
func runningNow(s Suspect) bool {
	p := s.RetainerPath
	for i, st := range p {
		if st.Edge != "execution_async_resources" || i+1 >= len(p) {
			continue
		}
		// The step the edge reaches is the stack's Array; the next, the
		// running resource, must end the path.
		if s.Holder != nil && s.Holder.ID == st.ID {
			return true
		}
		return i+1 == len(p)-1
	}
	return false
}

// nodeOwnState: a small suspect (under minCollectionGrowth) whose every
// object from the root down is node's own (node's HTTP parsers pooled in its
// FreeList, reached through its connection-checking timer): node's pools and
// caches fill with load up to their own bounds, and no line of the program
// or of a library is on the path to change.
func (x *explainer) nodeOwnState(s Suspect) bool {
	if s.GrowthBytes >= minCollectionGrowth || s.Location != nil && !nodeScript(s.Location.Script) {
		return false
	}
	g := x.g
	path := x.path(s.rep)
	if len(path) == 0 {
		return false
	}
	internal := false
	for _, st := range path {
		v := st.Node
		switch {
		case int(g.S.NodeType[v]) == g.S.NodeTypeIndex.Closure:
			if t, ok := x.boundTarget(v); ok {
				v = t // (its target is what runs)
			}
			if l := x.closureLocation(v); l == nil || !nodeScript(l.Script) {
				return false
			}
			internal = true
		case x.userObject(v):
			// node's classes, and its native bindings' (HTTPParser),
			// whose constructors are in no script.
			if !x.nodeClass(v) {
				return false
			}
			internal = true
		}
	}
	return internal
}

// nodeScript: one of node's own scripts, not a library it bundles (undici
// under fetch(), in node:internal/deps/).
func nodeScript(script string) bool {
	return strings.HasPrefix(script, "node:") && !strings.HasPrefix(script, "node:internal/deps/")
}

// programFiles lists every script of the program the snapshot names (V8
// keeps a Script per compiled file, named by its path or file URL): not
// node's own, not a package's under node_modules. For searches that must
// not miss a caller in another folder; nil when sources are not read.
func (x *explainer) programFiles() []string {
	if !x.scripts || x.filesDone {
		return x.files
	}
	x.filesDone = true
	s := x.g.S
	seen := map[string]bool{}
	for v := 0; v < s.NodeCount; v++ {
		if int(s.NodeType[v]) != s.NodeTypeIndex.Code {
			continue
		}
		b := s.Strings.Bytes(s.NodeName[v])
		if len(b) < 4 || b[0] != '/' && !bytes.HasPrefix(b, []byte("file://")) && !(b[1] == ':' && (b[2] == '\\' || b[2] == '/')) {
			continue
		}
		name := string(b)
		if seen[name] || !sourceExt(name) || !programLocation(&Location{Script: name}) {
			continue
		}
		seen[name] = true
		x.files = append(x.files, name)
	}
	slices.Sort(x.files)
	x.files = madeFrom(x.files, x.maps)
	return x.files
}

// publicClass is the name a library gives a class its bundle minified (c,
// _): the constructor's own name property (zod's $constructor sets it), or
// the export that holds the constructor (exports.LRUCache = c). "" when
// neither says, or v has no constructor of its own.
func (x *explainer) publicClass(v uint32) string {
	ctor, ok := x.mapConstructor(v)
	if !ok {
		return ""
	}
	return memo(&x.public, ctor, func() string { return x.publicName(ctor) })
}

// memo is (*m)[k], computed by f the first time (m made on first use).
func memo[K comparable, V any](m *map[K]V, k K, f func() V) V {
	if v, ok := (*m)[k]; ok {
		return v
	}
	if *m == nil {
		*m = map[K]V{}
	}
	v := f()
	(*m)[k] = v
	return v
}

// publicName is publicClass for the constructor ctor.
func (x *explainer) publicName(ctor uint32) string {
	g := x.g
	s := g.S
	if f, ok := x.edgeTo(ctor, "name"); ok && int(s.NodeType[f]) == s.NodeTypeIndex.String {
		if n := s.NodeNameString(f); classLike(n) {
			return n
		}
	}
	for from, e := range g.Retainers(ctor) {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Property && int(s.NodeType[from]) == s.NodeTypeIndex.Object {
			if n := s.EdgeName(e); classLike(n) {
				return n
			}
		}
	}
	return ""
}

// classLike: n reads as a class's name (capitalised, not a minifier's),
// so not "constructor", "default" or a module's other exports.
func classLike(n string) bool {
	return n != "" && n[0] >= 'A' && n[0] <= 'Z' && !minifiedName(n) && identRe.MatchString(n)
}
