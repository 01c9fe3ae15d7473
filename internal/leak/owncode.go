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
	return tierLibrary
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
