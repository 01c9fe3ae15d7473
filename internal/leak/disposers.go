// Disposal methods: a library's object that stays alive through its own
// timers, listeners or intervals is let go by its own method (an xstate
// actor's stop(), an opossum breaker's shutdown()). Its prototype chain in
// the heap says which one its class has, so the hint can name it.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// disposalMethods, most specific first.
var disposalMethods = []string{"dispose", "destroy", "stop", "shutdown", "close", "cancel", "abort", "unsubscribe", "terminate", "disconnect"}

// maxProtoDepth bounds the walk up v's prototype chain (a class, its
// bases, Object.prototype).
const maxProtoDepth = 5

// disposer names the disposal method v's class (or a base class) defines
// in the program's or a library's code, "" when none: node's own (a
// Timeout's close()) and built-ins have their own hints.
func (x *explainer) disposer(v uint32) string {
	g := x.g
	if int(g.S.NodeType[v]) != g.S.NodeTypeIndex.Object {
		return ""
	}
	return x.protoMethodWhere(v, func(f uint32) bool { return userLocation(x.closureLocation(f)) }, disposalMethods...)
}

// disposerHint is what to add to the hint of a suspect whose objects
// (class) have the disposal method m.
func disposerHint(class, m string) string {
	return fmt.Sprintf("; %s has %s %s() method: call it on each one you are done with or evict, or its own timers and listeners can keep it alive", class, article(m), m)
}

// disposerHintRe finds disposerHint's text in a hint: the class, the method.
var disposerHintRe = lazyRE(`; (\S+) has an? ([\w$]+)\(\) method: call it on each one you are done with or evict, or its own timers and listeners can keep it alive`)

// undoAdvice is what to check when the disposal method is called and the
// objects stay.
const undoAdvice = "check what it fails to undo (removeListener with the very function that was added: a new .bind() or arrow is another function; a delete from every Map or Set that holds them)"

// calledDisposer rewrites a hint's disposal advice when the program's
// scripts already call that method: calling it is not the fix, what it
// fails to undo is (a listener removed with a new .bind(), which is
// another function; a collection it does not delete from).
func calledDisposer(hint string, own []string, src Sources) string {
	return calledDisposerBut(hint, own, src, nil, nil, nil)
}

// disposerClauseRe is the disposal advice in a hint, told or rewritten by
// calledDisposer (to the end of the hint, where it always is).
var disposerClauseRe = lazyRE(`; \S+ has an? [\w$]+\(\) method[:, ].*$`)

// calledDisposerBut is calledDisposer not counting a call on the line of
// added, the statement that adds them, or in the listener at loc: a
// listener that calls the method (addEventListener('abort', () =>
// ctx.cancel())) runs only when its event fires, which is the point.
//
// made, when not nil, is where the leaked objects are made: when that
// line keeps them in a name (const digest = cron.schedule(…)) and the
// program disposes of others but only stops those (entry.digest.stop()),
// that call is the fix.
func calledDisposerBut(hint string, own []string, src Sources, added *Statement, loc, made *Location) string {
	h, _ := calledDisposerMade(hint, own, src, added, loc, made)
	return h
}

// calledDisposerMade is calledDisposerBut that also gives the line that
// makes the objects, when a callback that skips their disposal was found
// (its local's declaration): nil otherwise.
func calledDisposerMade(hint string, own []string, src Sources, added *Statement, loc, made *Location) (string, *Statement) {
	m := disposerHintRe.FindStringSubmatch(hint)
	if m == nil || src == nil {
		return hint, nil
	}
	if releasesNothing(m[1], m[2], own, src) {
		// Its body only sets state: calling it lets nothing go.
		return strings.Replace(hint, m[0], "", 1), nil
	}
	type span struct {
		script      string
		first, last int
	}
	var skip []span
	if added != nil {
		skip = append(skip, span{scriptKey(added.Script), added.Line, added.Line})
	}
	if loc != nil && loc.Line > 0 {
		last := loc.Line
		if lines, ok := locationLines(loc, src); ok {
			last = max(last, bodyEnd(lines, loc.Line)-1)
		}
		skip = append(skip, span{scriptKey(loc.Script), loc.Line, last})
	}
	keep := func(sc string, line int) bool {
		for _, k := range skip {
			if scriptKey(sc) == k.script && line >= k.first && line <= k.last {
				return false
			}
		}
		return true
	}
	st := findStatementWhere(regexp.MustCompile(`\.\s*`+regexp.QuoteMeta(m[2])+`\s*\(`), own, src, keep)
	if st == nil {
		return hint, nil
	}
	if h := otherObjectsCall(st, made, m[1], m[2], own, src); h != "" {
		return strings.Replace(hint, m[0], m[0]+h, 1), nil
	}
	if h := endedNotDisposed(made, m[1], m[2], own, src); h != "" {
		return strings.Replace(hint, m[0], "; "+m[1]+" has "+article(m[2])+" "+m[2]+"() method and the program calls it, "+h, 1), nil
	}
	if call := regexp.MustCompile(`[\w$.]+\s*\.\s*` + regexp.QuoteMeta(m[2]) + `\s*\([^()]*\)`).FindString(st.Text); call != "" {
		// Called in one method only, and another ends objects without
		// it: that one is why they stay.
		if h := missedEndings(st, call, "call "+m[2]+"()", src); h != "" {
			return strings.Replace(hint, m[0], "; "+m[1]+" has "+article(m[2])+" "+m[2]+"() method; "+h, 1), nil
		}
	}
	if call := regexp.MustCompile(`[\w$]+\s*\.\s*` + regexp.QuoteMeta(m[2]) + `\s*\(\s*\)`).FindString(st.Text); call != "" {
		// Disposed of in some of the callbacks that end a wait, not
		// in another: that one is the fix, and comes first.
		if h, decl := skippedCallback(st, strings.Join(strings.Fields(call), ""), src); h != "" {
			return h + "; " + strings.TrimPrefix(strings.Replace(hint, m[0], "", 1), "; "), decl
		}
	}
	if h := undisposedMakers(m[1], m[2], own, src); h != "" {
		// Disposed of where one function makes them, not where another
		// does: that one is why they stay.
		return strings.Replace(hint, m[0], "; "+m[1]+" has "+article(m[2])+" "+m[2]+"() method and "+h, 1), nil
	}
	if h, at := skippedDisposal(m[1], m[2], own, src); h != "" {
		// Disposed of on some ways out of the function that makes
		// them, not on another (an early return): that one is the fix.
		return m[1] + " has " + article(m[2]) + " " + m[2] + "() method; " + h + "; " + strings.TrimPrefix(strings.Replace(hint, m[0], "", 1), "; "), at
	}
	return strings.Replace(hint, m[0], fmt.Sprintf("; %s has %s %s() method and the program calls it (%s:%d: %s), yet they stay: %s",
		m[1], article(m[2]), m[2], st.Script, st.Line, strings.TrimSuffix(st.Text, ";"), undoAdvice), 1), nil
}

// scriptKey is a script's file whether it is named by a path or a file:
// URL, for telling two names of one script apart from two scripts.
func scriptKey(script string) string {
	if p, ok := ScriptPath(script); ok {
		return p
	}
	return script
}

// undoRe is a call that lets something go: a listener removed, a timer
// cleared, an entry deleted, a resource closed, or another disposal method.
var undoRe = lazyRE(`\b(?:remove\w*|off|un\w+|clear\w*|delete|abort|close|destroy|dispose|stop|shutdown|terminate|disconnect|detach\w*|release\w*|cleanup|teardown|end)\s*\(`)

// releasesNothing reports whether the program defines class's method
// (its head inside the class's declaration) with a body that calls
// nothing that lets anything go (cancel(reason) { this.status =
// 'cancelled'; }): advising to call it would not free the objects.
func releasesNothing(class, method string, own []string, src Sources) bool {
	head := regexp.MustCompile(`^\s*(?:async\s+)?` + regexp.QuoteMeta(method) + `\s*\([^()]*\)\s*\{`)
	// The method of that class, where the program declares it: another
	// class's method of the same name says nothing of this one.
	st := findStatementWhere(head, own, src, func(sc string, line int) bool {
		lines, ok := locationLines(&Location{Script: sc, Line: line}, src)
		if !ok {
			return false
		}
		from, to, ok := classBody(lines, class)
		return ok && line-1 > from && line-1 < to
	})
	if st == nil || !programScript(st.Script) {
		return false
	}
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return false
	}
	body := lines[st.Line-1 : bodyEnd(lines, st.Line)]
	body[0] = body[0][bytes.IndexByte(body[0], '{'):] // not the head's own name
	for _, l := range body {
		if undoRe.Match(l) {
			return false
		}
	}
	return true
}

// endingVerbs are calls that end an object's work without disposing of it.
var endingVerbs = `(?:stop|pause|end|close|cancel|clear|unref|abort)`

// insteadText ends endedNotDisposed's fix, which names the line to
// change: where the entries leave says no more.
const insteadText = "there instead (it ends them too)"

// newNameRe: the class a statement makes with new (new Y.UndoManager
// makes an UndoManager).
var newNameRe = lazyRE(`\bnew\s+(?:[\w$]+\s*\.\s*)*([\w$]+)`)

// localDeclRe: a statement that declares a variable.
var localDeclRe = lazyRE(`^\s*(?:const|let|var)\s`)

// endedNotDisposed: the leaked objects made at made are kept in a name
// (const digest = …, digest: …) that the program ends with another method
// (entry.digest.stop()) and never disposes of with method: that line,
// and what to call there. "" otherwise, or when the line makes an object
// of another class than class (the variable that keeps them, a
// TenantDirectory, not the subscriptions it holds).
func endedNotDisposed(made *Location, class, method string, own []string, src Sources) string {
	lines, k := keptAt(made, src)
	if k == nil {
		return ""
	}
	if n := newNameRe.FindSubmatch(lines[made.Line-1]); n != nil && class != "" && string(n[1]) != class {
		return ""
	}
	name := string(k[1])
	name = name[strings.LastIndexByte(name, '.')+1:]
	disposed := regexp.MustCompile(`(?:^|[^\w$])` + regexp.QuoteMeta(name) + `\s*\.\s*` + regexp.QuoteMeta(method) + `\s*\(`)
	scripts := programScripts(own, src)
	ended := regexp.MustCompile(`(?:^|[^\w$])((?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(name) + `)\s*\.\s*(` + endingVerbs + `)\s*\(\s*\)`)
	var st *Statement
	if localDeclRe.Match(lines[made.Line-1]) && insideFunction(lines, made.Line-1) {
		// A variable declared in a function is first that function's
		// own: another module's task.destroy() ends another task. Only
		// when the function neither disposes of it nor ends it may it
		// have gone elsewhere (active.set(id, { digest })).
		from, to := enclosingLines(made.Script, lines, made.Line-1, src)
		sc := scriptKey(made.Script)
		local := func(script string, line int) bool { return scriptKey(script) == sc && line > from && line <= to }
		if findStatementWhere(disposed, scripts, src, local) != nil {
			return ""
		}
		st = findStatementWhere(ended, scripts, src, local)
	}
	if st == nil {
		if findStatement(disposed, scripts, src) != nil {
			return ""
		}
		st = findStatement(ended, scripts, src)
	}
	if st == nil {
		return ""
	}
	e := ended.FindStringSubmatch(st.Text)
	if e == nil {
		return ""
	}
	recv := strings.Join(strings.Fields(e[1]), "")
	return fmt.Sprintf("but not on those made at %s:%d (%s): %s:%d only calls %s.%s(), which leaves them held; call %s.%s() %s",
		filepath.Base(made.Script), made.Line, name, filepath.Base(st.Script), st.Line, recv, e[2], recv, method, insteadText)
}

// maxMakers bounds the program's statements making a class looked at.
const maxMakers = 8

// undisposedMakers: of the program's functions that make a class with
// new (at most maxMakers), some call its disposal method in their body
// and others never do: those are named, as the fix ("notify
// (handlers.js:12) makes one and never calls dispose(); digest does").
// "" when all or none do.
func undisposedMakers(class, method string, own []string, src Sources) string {
	if !identRe.MatchString(class) {
		return ""
	}
	made := regexp.MustCompile(`\bnew\s+` + regexp.QuoteMeta(class) + `\s*\(`)
	call := regexp.MustCompile(`\.\s*` + regexp.QuoteMeta(method) + `\s*\(`)
	var gives, misses []string
	n := 0
	seen := map[string]bool{}
	matchLines(made, own, src, func(sc string, lines [][]byte, i int, loc []int) {
		if n >= maxMakers || commentBefore(lines[i], loc[0]) || !programScript(sc) {
			return
		}
		n++
		fn := functionAbove(sc, lines, i+1)
		if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" || seen[sc+":"+fn.Function] {
			return
		}
		seen[sc+":"+fn.Function] = true
		for k, end := fn.Line-1, bodyEnd(lines, fn.Line); k < end && k < len(lines); k++ {
			if c := call.FindIndex(lines[k]); c != nil && !commentBefore(lines[k], c[0]) {
				gives = append(gives, fmt.Sprintf("%s (%s:%d)", fn.Function, filepath.Base(sc), k+1))
				return
			}
		}
		misses = append(misses, fmt.Sprintf("%s (%s:%d)", fn.Function, filepath.Base(sc), i+1))
	})
	if len(gives) == 0 || len(misses) == 0 {
		return ""
	}
	return fmt.Sprintf("%s calls it on the ones it makes, but %s makes one and never calls %s() on it: those are the ones that stay; call it there when done (in a finally, so an error does not skip it)",
		strings.Join(gives, " and "), strings.Join(misses, " and "), method)
}

// handlerDisposer tells how to let go of a library's object whose own
// handler is what a long-lived object's list keeps: a yjs UndoManager
// adds a bound method and an arrow function to its document's observers
// when it is made, and only its destroy() takes them off. The handler
// (rep) names no class of its own; the object it belongs to does, and so
// does the program's line that makes that object.
func (x *explainer) handlerDisposer(s *Suspect, rep uint32) {
	o, ok := x.handlerOwner(rep)
	if !ok {
		return
	}
	c := x.g.ClassName(o)
	pkg := x.classPackage(o)
	if !userClassName(c) || pkg == "" {
		return
	}
	m := x.disposer(o)
	if m == "" {
		return
	}
	on := "a long-lived object"
	if h := s.Holder; h != nil && h.Owner != "" {
		on = "its " + h.Owner
	}
	s.Hint = fmt.Sprintf("each %s (%s) adds handlers of its own to %s when it is made, which keep it alive until its %s() is called%s", c, pkg, on, m, countRange(s)) + disposerHint(c, m)
	s.madeBy = c
}

// handlerOwner is the object a handler function belongs to: a bound
// method's this, or the this an arrow function made in a method keeps.
func (x *explainer) handlerOwner(f uint32) (uint32, bool) {
	g := x.g
	s := g.S
	if int(s.NodeType[f]) != s.NodeTypeIndex.Closure {
		return 0, false
	}
	o, ok := g.EdgeNamed(f, "bound_this")
	if !ok {
		ctx, ok := g.EdgeNamed(f, "context")
		if !ok {
			return 0, false
		}
		if o, ok = g.EdgeNamed(ctx, "this"); !ok {
			return 0, false
		}
	}
	if int(s.NodeType[o]) != s.NodeTypeIndex.Object {
		return 0, false
	}
	return o, true
}

// otherObjectsCall: the leaked objects made at made are kept in a field
// (this.undo = new Y.UndoManager(…)), nothing calls method on that field,
// and the call st found is on another field (entry.doc.destroy()): the
// program disposes of other objects, not these, and the advice stands.
// What to add to it then ("" otherwise). Only a field counts: a local's
// name may pass to another (for (const m of managers) m.destroy()).
func otherObjectsCall(st *Statement, made *Location, class, method string, own []string, src Sources) string {
	lines, k := keptAt(made, src)
	if k == nil {
		return ""
	}
	n := newNameRe.FindSubmatch(lines[made.Line-1])
	if k == nil || n == nil || string(n[1]) != class || !bytes.Contains(k[1], []byte(".")) {
		return ""
	}
	name := string(k[1])
	name = name[strings.LastIndexByte(name, '.')+1:]
	call := regexp.MustCompile(`((?:[\w$]+\s*\.\s*)*([\w$]+))\s*\.\s*` + regexp.QuoteMeta(method) + `\s*\(`).FindStringSubmatch(st.Text)
	if call == nil || call[2] == name || call[2] == "this" {
		return ""
	}
	disposed := regexp.MustCompile(`(?:^|[^\w$])` + regexp.QuoteMeta(name) + `\s*\.\s*` + regexp.QuoteMeta(method) + `\s*\(`)
	if findStatement(disposed, programScripts(own, src), src) != nil {
		return ""
	}
	where := ""
	if end, at := endingMethod(made, lines); end != "" && strings.HasPrefix(string(k[1]), "this.") {
		where = fmt.Sprintf(": call %s.%s() in %s() (%s:%d), which ends the object that keeps it", k[1], method, end, filepath.Base(made.Script), at)
	}
	return fmt.Sprintf(" (%s:%d keeps each in %s, and nothing calls %s.%s(); %s:%d's %s() is another object's)%s",
		filepath.Base(made.Script), made.Line, string(k[1]), name, method, filepath.Base(st.Script), st.Line, strings.Join(strings.Fields(call[1]), "")+"."+method, where)
}

// endingNames are the methods that end an object.
var endingNames = map[string]bool{"close": true, "destroy": true, "dispose": true, "stop": true, "end": true, "shutdown": true,
	"disconnect": true, "teardown": true, "cleanup": true, "release": true, "detach": true, "terminate": true}

// endingMethod is the method of the class the line at made is in (its
// constructor) that ends its object, and that method's line: where what
// the constructor made is let go. "" when the class has none, or more
// than one.
func endingMethod(made *Location, lines [][]byte) (string, int) {
	fn := functionAbove(made.Script, lines, made.Line)
	if fn == nil || fn.Line < 1 || fn.Line > len(lines) {
		return "", 0
	}
	indent := indentOf(lines[fn.Line-1])
	top := outerLine(lines, fn.Line-1)
	if top < 0 || !bytes.Contains(lines[top], []byte("class")) || !classHeadRe.Match(lines[top]) {
		return "", 0
	}
	name, at := "", 0
	for i, m := range methodHeads(lines, top, indent) {
		if endingNames[m] {
			if name != "" {
				return "", 0
			}
			name, at = m, i+1
		}
	}
	return name, at
}

// protoMethod is the first of names that v's prototype chain defines as a
// function (its class, its bases), "" when none does.
func (x *explainer) protoMethod(v uint32, names ...string) string {
	return x.protoMethodWhere(v, nil, names...)
}

// protoMethodWhere is protoMethod counting only the functions ok accepts
// (nil: all).
func (x *explainer) protoMethodWhere(v uint32, ok func(uint32) bool, names ...string) string {
	g := x.g
	s := g.S
	nt := &s.NodeTypeIndex
	best := len(names)
	for depth := 0; depth < maxProtoDepth && best > 0; depth++ {
		proto, found := g.Prototype(v)
		if !found || int(s.NodeType[proto]) != nt.Object {
			break
		}
		for e, to := range g.Edges(proto) {
			if int(s.NodeType[to]) != nt.Closure || s.EdgeTypeName(e) != "property" {
				continue
			}
			if i := slices.Index(names[:best], s.EdgeName(e)); i >= 0 && (ok == nil || ok(to)) {
				best = i
			}
		}
		v = proto
	}
	if best == len(names) {
		return ""
	}
	return names[best]
}

// emitterMethod is the first of names that emitter em offers: on its
// prototype chain, as its own property, or on an object it keeps in a
// property (Bottleneck's Events puts on(), once() and removeAllListeners()
// on the limiter it serves, its instance); "" when none does.
func (x *explainer) emitterMethod(em uint32, names ...string) string {
	g := x.g
	s := g.S
	nt := &s.NodeTypeIndex
	own := func(v uint32) string {
		for e, to := range g.Edges(v) {
			if s.EdgeTypeName(e) == "property" && int(s.NodeType[to]) == nt.Closure && slices.Contains(names, s.EdgeName(e)) {
				return s.EdgeName(e)
			}
		}
		return ""
	}
	if m := x.protoMethod(em, names...); m != "" {
		return m
	}
	if m := own(em); m != "" {
		return m
	}
	for e, to := range g.Edges(em) {
		if s.EdgeTypeName(e) != "property" || int(s.NodeType[to]) != nt.Object {
			continue
		}
		if m := own(to); m != "" {
			return m
		}
		if m := x.protoMethod(to, names...); m != "" {
			return m
		}
	}
	return ""
}

// keptAt is the script of the program's line made, split into lines, and
// the name that line keeps what it makes in (keptRe's match): nil when
// it keeps it in none, or is not the program's.
func keptAt(made *Location, src Sources) ([][]byte, [][]byte) {
	if made == nil || made.Line < 1 || !programLocation(made) {
		return nil, nil
	}
	lines, ok := locationLines(made, src)
	if !ok || made.Line > len(lines) {
		return nil, nil
	}
	return lines, keptRe.FindSubmatch(lines[made.Line-1])
}
