// Where the leaked objects are made, as a line: V8 gives a function (the
// constructor of a class, the function that allocates), which says what
// they are; the program's line that makes them says where to look. Two
// cases read the source to move the code from the one to the other:
//   - the objects are of the program's class and it is made at one place
//     (new ExportJob(...) in exporter.js): that line;
//   - the code is a function's head and the statement that adds the
//     objects is in its body: the line in it that makes the value added
//     (const log = base.child(...) before loggers.set(id, log)), else the
//     adding line itself.

package leak

import (
	"bytes"
	"regexp"
	"strings"
)

// madeAt moves f's code to the line that makes the objects, when the
// source shows one (see above).
func (f sourceFacts) madeAt(src Sources) {
	l := *f.loc
	if l != nil && src != nil && libraryPackage(l.Script) != "" {
		// A library's function made them (a template engine's
		// compiled closure): the program's line whose call returned
		// what it adds, in the function that adds.
		if a := *f.added; a != nil && programLocation(&Location{Script: a.Script}) {
			fn := enclosingFunction(a, src)
			if lines, ok := locationLines(&Location{Script: a.Script, Line: a.Line}, src); ok && fn != nil && fn.Line < a.Line {
				if st := valueAssignedAbove(a, lines, fn.Line, true); st != nil {
					f.setLoc(st, src)
				}
			}
		}
		return
	}
	if l == nil || src == nil || l.keeperOnly() || !programLocation(l) {
		return
	}
	if st := f.entryMade(src); st != nil {
		f.setLoc(st, src)
		return
	}
	if f.libraryMade(src) {
		return
	}
	if f.literalMade(src) {
		return
	}
	if identRe.MatchString(f.class) && (l.Function == f.class || l.Function == "constructor") && f.madeBy == "" {
		if st := onlyNew(f.class, f.allScripts(src), src); st != nil {
			f.setLoc(st, src)
			return
		}
	}
	a := *f.added
	if st := f.newInAdder(src); st != nil {
		// The adding function makes each value with new Class(…) (a
		// breaker registry's new CircuitBreaker(action)): that line,
		// not a function of the program handed to it.
		f.setLoc(st, src)
		return
	}
	if a == nil || a.Script != l.Script || a.Line <= l.Line {
		return
	}
	lines, ok := locationLines(l, src)
	if !ok || l.Line > len(lines) || a.Line > len(lines) || !functionStart(lines[l.Line-1]) || bodyEnd(lines, l.Line) < a.Line {
		return
	}
	st := valueAssignedAbove(a, lines, l.Line, false)
	if st == nil {
		st = &Statement{Script: a.Script, Line: a.Line, Column: a.Column, Text: a.Text}
	}
	f.setLoc(st, src)
	if fn := *f.loc; fn.Function == "" || functionHeadAt(fn, l, src) {
		// Still the same function: V8's name for it stays (async audit).
		fn.Function = l.Function
	}
}

// entryMade is where the program makes the entries that keep the leaked
// objects, when they are its object literals ({key, controller, promise}
// kept in a Map, each keeping a rejected promise's error) and the code
// line is in another script than the adding one (the error's, a callback
// the entry reaches): the entry is what the program keeps, so its line
// (const entry = { … }, above inflight.set(key, entry) in the adding
// function) is the code. nil otherwise.
func (f sourceFacts) entryMade(src Sources) *Statement {
	a, l := *f.added, *f.loc
	if a == nil || f.holder == nil || !programLocation(&Location{Script: a.Script}) || scriptKey(a.Script) == scriptKey(l.Script) {
		return nil
	}
	entry := false
	for i, st := range f.path {
		if st.ID != f.holder.ID {
			continue
		}
		for _, e := range f.path[i+1:] {
			if !strings.HasPrefix(e.Class, "(") { // past the Map's table
				entry = strings.HasPrefix(e.Class, "{") && e.Class != f.class
				break
			}
		}
		break
	}
	if !entry {
		return nil
	}
	fn := enclosingFunction(a, src)
	lines, ok := locationLines(&Location{Script: a.Script, Line: a.Line}, src)
	if !ok || fn == nil || fn.Line >= a.Line {
		return nil
	}
	if at, ok := locationLines(l, src); ok && identRe.MatchString(fn.Function) && callsRe(fn.Function).Match(at[l.Line-1]) {
		// The code line calls the adding function with what the entry
		// is made of (registry.add({ tenant, pack })): it says more.
		return nil
	}
	if st := valueAssignedAbove(a, lines, fn.Line, false); st != nil && strings.Contains(st.Text, "{") {
		return st
	}
	return nil
}

// valueAssignedAbove is the line, between line from (1-based) and the
// adding statement a (lines being a's script), that assigns the variable
// a adds (const log = base.child(…) before loggers.set(id, log)); with
// call, only an assignment of a call's result (const tpl = hb.compile(…)).
// nil when there is none, or a adds no plain variable.
func valueAssignedAbove(a *Statement, lines [][]byte, from int, call bool) *Statement {
	return assignedAbove(addedValue(a.Text), a, lines, from, call)
}

// assignedAbove is valueAssignedAbove for the variable v, assigned above
// the statement a (a listener handed to on(): bus.on(topic, listener)).
func assignedAbove(v string, a *Statement, lines [][]byte, from int, call bool) *Statement {
	if v == "" {
		return nil
	}
	rhs := `\s*=[^=>]`
	if call {
		rhs = `\s*=\s*(?:await\s+)?(?:new\s+)?[A-Za-z_$][\w$.]*\s*\(`
	}
	assign := regexp.MustCompile(`(?:^|[^\w$.])(?:(?:const|let|var)\s+)?` + regexp.QuoteMeta(v) + rhs)
	for k := min(a.Line-2, len(lines)-1); k >= max(from-1, 0); k-- {
		if m := assign.FindIndex(lines[k]); m != nil && !commentBefore(lines[k], m[0]) {
			return &Statement{Script: a.Script, Line: k + 1, Column: indentOf(lines[k]) + 1, Text: clipLine(lines[k])}
		}
	}
	return nil
}

// functionHeadAt: the function enclosing fn's line starts at l's line.
func functionHeadAt(fn, l *Location, src Sources) bool {
	head := enclosingFunction(&Statement{Script: fn.Script, Line: fn.Line}, src)
	return head != nil && head.Line == l.Line
}

// setLoc makes st's line f's code, in its function.
func (f sourceFacts) setLoc(st *Statement, src Sources) {
	fn := enclosingFunction(st, src)
	if fn == nil {
		fn = &Location{Script: st.Script}
	}
	fn.Line, fn.Column = st.Line, st.Column
	*f.loc = fn
}

// libraryMade moves the code to the program's call that makes the library
// add an entry of its own class (router.post(...) makes a Layer) when the
// code is only a function of the program kept inside the entries (the
// route's handler) and the program makes none of that class itself.
func (f sourceFacts) libraryMade(src Sources) bool {
	l, a, h := *f.loc, *f.added, f.holder
	if a == nil || h == nil || h.Package == "" || libraryAdds[h.Package] == "" || !programLocation(&Location{Script: a.Script}) ||
		l.Script == a.Script || l.Function == f.class || l.Function == "constructor" || !identRe.MatchString(f.class) {
		return false
	}
	if findStatement(newPattern(f.class), f.allScripts(src), src) != nil {
		return false
	}
	f.setLoc(&Statement{Script: a.Script, Line: a.Line, Column: a.Column, Text: a.Text}, src)
	return true
}

// literalMade moves the code to the object literal the adding statement's
// variable is given in its function (const session = { id, … } before
// sessions.set(id, session)) when the objects are object literals: V8
// gives them no constructor, so the code was a function they keep (a
// listener made beside them).
func (f sourceFacts) literalMade(src Sources) bool {
	a := *f.added
	if !strings.HasPrefix(f.class, "{") || a == nil || !programLocation(&Location{Script: a.Script}) {
		return false
	}
	fn := enclosingFunction(a, src)
	lines, ok := locationLines(&Location{Script: a.Script, Line: a.Line}, src)
	if fn == nil || !ok || fn.Line >= a.Line {
		return false
	}
	st := valueAssignedAbove(a, lines, fn.Line, false)
	if st == nil || !literalValueRe.MatchString(st.Text) {
		return false
	}
	f.setLoc(st, src)
	return true
}

// literalValueRe: an assignment of an object literal.
var literalValueRe = lazyRE(`=\s*\{`)

// functionStart: the line starts a function (a head, an arrow, the
// keyword function).
func functionStart(l []byte) bool {
	return functionHeadRe.Match(l) || bytes.Contains(l, []byte("=>")) || functionWordRe.Match(l)
}

// onlyNew is the one statement of the program that makes class (new
// Class(...)); nil when there is none or more than one.
func onlyNew(class string, scripts []string, src Sources) *Statement {
	re := newPattern(class)
	if re == nil {
		return nil
	}
	if st := findStatement(re, scripts, src); st != nil && st.Others == 0 {
		return st
	}
	return nil
}

// addedValueRe is the value an adding statement adds: set(key, v),
// push(v), add(v), unshift(v), [key] = v.
var addedValueRe = lazyRE(`\.\s*(?:set\s*\(\s*[^,]+,|push\s*\(|add\s*\(|unshift\s*\()\s*([A-Za-z_$][\w$]*)\s*\)|\]\s*=\s*([A-Za-z_$][\w$]*)\s*;?\s*$`)

// addedValue is the variable an adding statement adds, "" when it adds
// something else (an expression, this).
func addedValue(text string) string {
	m := addedValueRe.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return ""
	}
	v := m[1] + m[2]
	if v == "this" {
		return ""
	}
	return v
}

// calledAtTopLevel is the function that st is in and one of its calls,
// when every call of it the scripts make is at a module's top level
// (loadTemplates(900) beside the imports), which runs once; nil call
// otherwise, or when nothing calls it.
func calledAtTopLevel(st *Statement, scripts []string, src Sources) (string, *Statement) {
	fn := enclosingFunction(st, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return "", nil
	}
	// Not nested in another function: its calls would run when that does.
	if inFunction(fn.Script, fn.Line, src) {
		return "", nil
	}
	in := []string{st.Script}
	for _, sc := range scripts {
		if sc != st.Script {
			in = append(in, sc)
		}
	}
	sites := callSites(fn, in, src)
	for _, c := range sites {
		if inFunction(c.Script, c.Line, src) {
			return "", nil
		}
	}
	if len(sites) == 0 {
		return "", nil
	}
	return fn.Function, sites[0]
}

// libraryCallSite moves the code from a library's method (DataLoader's
// load) to the program's call of it on the variable the path reaches the
// library's object by (module loaders.js → customers → DataLoader:
// customers.load(id)), when the program has exactly one such call.
func (f sourceFacts) libraryCallSite(src Sources) {
	l := *f.loc
	if l == nil || src == nil || programLocation(l) || libraryPackage(l.Script) == "" || !identRe.MatchString(l.Function) {
		return
	}
	for i := len(f.path) - 1; i >= 1; i-- {
		st := f.path[i]
		if (st.EdgeType != "context" && st.EdgeType != "property") || !identRe.MatchString(st.Edge) || !userClassName(st.Class) {
			continue
		}
		re := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(st.Edge) + `\s*\.\s*` + regexp.QuoteMeta(l.Function) + `\s*\(`)
		if call := findStatement(re, f.allScripts(src), src); call != nil && call.Others == 0 && programScript(call.Script) {
			f.setLoc(call, src)
		}
		return
	}
}

// newInAdder is the statement in the function that adds (added, in
// another script than the code line) that makes the added value with new
// of the leaked class: breaker = new CircuitBreaker(action, …) above
// breakers.set(key, breaker). nil otherwise.
func (f sourceFacts) newInAdder(src Sources) *Statement {
	a, l := *f.added, *f.loc
	if a == nil || l == nil || a.Script == l.Script || !programScript(a.Script) || !identRe.MatchString(f.class) || l.Function == f.class {
		return nil
	}
	re := newPattern(f.class)
	fn := enclosingFunction(a, src)
	if re == nil || fn == nil || fn.Line >= a.Line {
		return nil
	}
	lines, ok := locationLines(&Location{Script: a.Script, Line: a.Line}, src)
	if !ok {
		return nil
	}
	if st := valueAssignedAbove(a, lines, fn.Line, false); st != nil && re.MatchString(st.Text) {
		return st
	}
	return nil
}
