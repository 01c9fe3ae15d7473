// Source maps: node mostly runs built code (tsc's dist/*.js, an esbuild or
// webpack bundle), and the snapshot's locations are in it. When a built
// script has a source map beside it, every code location is told in the
// original source (src/orders.ts:42, with dist/orders.js:37 beside it) and
// the source searches read the original files: the line a developer
// edits, and, in a bundle, a library's code told apart from the program's
// by the node_modules path its map gives.

package leak

import (
	"bytes"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/sourcemap"
)

// SourceMaps is implemented by Sources that follow the source maps of the
// scripts they read.
type SourceMaps interface {
	// Original is where a built script's line and column (1-based) came
	// from, in the original source; false when the script has no map or
	// the map does not cover the position. function is the heap's name
	// of the function that starts there ("r", "bound r"); name is the
	// source's name for it when a minifier renamed it ("onQuote", "bound
	// onQuote"), "" otherwise.
	Original(script string, line, column int, function string) (p Position, name string, ok bool)
	// MadeFrom lists the original sources of a built script that are the
	// program's own (not a package's under node_modules); nil when the
	// script has no map.
	MadeFrom(script string) []string
}

// Position is a place in a script, 1-based.
type Position struct {
	Script string `json:"script"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// Bounds of the source maps one analysis keeps (a service has a map per
// built file, a bundle one big one): how many, and their memory. Past
// either, further scripts keep their built positions.
const (
	maxMaps     = 4096
	maxMapBytes = 512 << 20
)

// scriptMap is a built script's map, nil when it has none.
func (l *localSources) scriptMap(script string) *sourcemap.Map {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m, ok := l.maps[script]; ok {
		return m
	}
	var m *sourcemap.Map
	// A package's own maps are left alone: they lead to sources it
	// seldom ships, under names (webpack://pkg/…) that would no longer
	// say they are a package's.
	if p, ok := ScriptPath(script); ok && libraryPackage(script) == "" && len(l.maps) < maxMaps && l.mapBytes < maxMapBytes {
		// A broken map is no map: the built file's positions stand.
		if m, _, _ = sourcemap.Find(p, l.allow); m != nil {
			l.mapBytes += m.Bytes()
		}
	}
	if l.maps == nil {
		l.maps = map[string]*sourcemap.Map{}
		l.origins = map[string]origin{}
	}
	l.maps[script] = m
	if m != nil {
		for i, s := range m.Sources {
			if _, ok := m.Content(i); ok {
				if _, seen := l.origins[s]; !seen {
					l.origins[s] = origin{m, i}
				}
			}
		}
	}
	return m
}

// origin is an original source whose text a map carries (sourcesContent).
type origin struct {
	m *sourcemap.Map
	i int
}

func (l *localSources) Original(script string, line, column int, function string) (Position, string, bool) {
	m := l.scriptMap(script)
	if m == nil || line < 1 || column < 1 {
		return Position{}, "", false
	}
	p, ok := m.Original(line-1, column-1)
	if !ok || p.Source == "" {
		return Position{}, "", false
	}
	return Position{Script: p.Source, Line: p.Line + 1, Column: p.Column + 1}, sourceName(m, line-1, column-1, function), true
}

// sourceName is the source's name for the function the heap calls
// function, which starts at the built line and column (0-based): V8 puts
// a function's start at its parameter list, just after a minified name
// (function r(x)), so the map's name for the identifier ending there is
// the one the source gives it. A prefix ("bound ", "async ") is kept;
// "" when the map names nothing there or the same.
func sourceName(m *sourcemap.Map, line, column int, function string) string {
	prefix, fn := "", function
	if i := strings.LastIndexByte(fn, ' '); i >= 0 {
		prefix, fn = fn[:i+1], fn[i+1:]
	}
	if !identRe.MatchString(fn) {
		return ""
	}
	if name := m.NameAt(line, column-len(fn)); name != "" && name != fn && identRe.MatchString(name) {
		return prefix + name
	}
	return ""
}

func (l *localSources) MadeFrom(script string) []string {
	m := l.scriptMap(script)
	if m == nil {
		return nil
	}
	var out []string
	for _, s := range m.Sources {
		if programScript(s) && sourceExt(s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// mappedContent is an original source's text from a map's sourcesContent,
// for a source that is not on this machine (a webpack:// name, a build
// made elsewhere). l.mu is held.
func (l *localSources) mappedContent(script string) ([]byte, bool) {
	o, ok := l.origins[script]
	if !ok {
		return nil, false
	}
	s, _ := o.m.Content(o.i)
	if len(s) > maxSourceBytes {
		return nil, false
	}
	return []byte(s), true
}

// original is l told in its original source when a map covers it, with
// where it is in the built script beside it.
func (x *explainer) original(l *Location) *Location {
	if l == nil || !userLocation(l) {
		return l
	}
	var at Position
	at, l.Function, l.Built = Told(x.maps, Position{Script: l.Script, Line: l.Line, Column: l.Column}, l.Function)
	l.Script, l.Line, l.Column = at.Script, at.Line, at.Column
	return l
}

// Told is a position in a built script, and the function there, told in
// the original source when maps (nil: none) cover it; built is then the
// position given, else nil (and at and function are the ones given).
func Told(maps SourceMaps, pos Position, function string) (at Position, fn string, built *Position) {
	if maps == nil || pos.Script == "" || pos.Line < 1 {
		return pos, function, nil
	}
	p, name, ok := maps.Original(pos.Script, pos.Line, pos.Column, function)
	if !ok {
		return pos, function, nil
	}
	if name != "" {
		function = name // a minifier's r is the source's onQuote
	}
	return p, function, &pos
}

// madeFrom replaces each built script with the program's sources its map
// names, keeping scripts without one.
func madeFrom(scripts []string, maps SourceMaps) []string {
	if maps == nil {
		return scripts
	}
	var out []string
	for _, sc := range scripts {
		if from := maps.MadeFrom(sc); len(from) > 0 {
			for _, f := range from {
				if !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		} else if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	slices.Sort(out)
	return out
}

// declaredClassRe is a line that declares a class or a constructor function,
// capturing its name.
var declaredClassRe = lazyRE(`^\s*(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?(?:class\s+([A-Za-z_$][\w$]*)|(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*))`)

// sourceClass is the name the source gives a class that the heap knows by
// a minifier's name (f for PendingPoll): the constructor of an object of
// that class is told, through the map, on a source line that declares the
// class under another name. name itself otherwise.
func (x *explainer) sourceClass(name string) string {
	if x.maps == nil || x.src == nil || !identRe.MatchString(name) {
		return name
	}
	return memo(&x.renamed, name, func() string { return x.declaredClass(name) })
}

// declaredClass is sourceClass without its cache.
func (x *explainer) declaredClass(name string) string {
	g := x.g
	for i, c := range g.Classes {
		if c.Name != name {
			continue
		}
		// (One name may be several classes: an object's and a function's.)
		v, ok := x.firstObject(uint32(i))
		if !ok {
			continue
		}
		l := x.ctorLocation(v)
		if l == nil || l.Built == nil {
			return name
		}
		if n := DeclaredClass(x.src, l.Script, l.Line); n != "" {
			return n
		}
		return name
	}
	return name
}

// DeclaredClass is the class or constructor function the source declares
// at line (1-based) of script, or around it for an explicit constructor:
// the name a minifier took from a constructor told through a source map.
// "" when the line declares none.
func DeclaredClass(src Sources, script string, line int) string {
	lines, ok := locationLines(&Location{Script: script, Line: line}, src)
	if !ok {
		return ""
	}
	i := line - 1
	if !declaredClassRe.Match(lines[i]) && constructorRe.Match(lines[i]) {
		// An explicit constructor: its class is the declaration around it.
		if i = outerLine(lines, i); i < 0 {
			return ""
		}
	}
	if m := declaredClassRe.FindSubmatch(lines[i]); m != nil {
		for _, n := range m[1:] {
			if len(n) > 0 {
				return string(n)
			}
		}
	}
	return ""
}

// firstObject is the first object of class index c in the heap: one pass
// over the nodes, once, for every class (a word per class).
func (x *explainer) firstObject(c uint32) (uint32, bool) {
	g := x.g
	s := g.S
	if x.classFirst == nil {
		x.classFirst = make([]uint32, len(g.Classes)) // node + 1; 0 for none
		for v := 0; v < s.NodeCount; v++ {
			if int(s.NodeType[v]) == s.NodeTypeIndex.Object {
				if k := g.ClassIndex(uint32(v)); x.classFirst[k] == 0 {
					x.classFirst[k] = uint32(v) + 1
				}
			}
		}
	}
	v := x.classFirst[c]
	return v - 1, v != 0
}

// outerLine is the nearest line above line i (0-based) that is not blank
// and is indented less: what encloses it (a method's class); -1 for none.
func outerLine(lines [][]byte, i int) int {
	depth := indentOf(lines[i])
	for i--; i >= 0; i-- {
		if t := lines[i]; len(bytes.TrimSpace(t)) > 0 && indentOf(t) < depth {
			return i
		}
	}
	return -1
}
