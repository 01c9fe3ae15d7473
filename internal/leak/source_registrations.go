// How the program undoes a registration, or should: the library's undo
// made in one ending only, a factory's callers that never give back what
// undoes it, an undo kept in a local and called only outside the
// registered function, and a registration made on a parameter that a
// caller hands the long-lived object.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// libraryUndo is the names of calls into the same library object that undo a
// registration: schedule.cancelJob(name), bus.unsubscribe(token).
const libraryUndo = `cancel\w*|` + removalVerbs + `|clear\w*|stop\w*|dispose\w*|delete\w*`

// undoneEndings: the library's undoing call on the receiver of the
// registering call (schedule.cancelJob after schedule.scheduleJob) is
// made in one method of the program's class only, and another method
// ends the same objects without it. "" when not so.
func undoneEndings(reg *Statement, own []string, src Sources) string {
	m := regexp.MustCompile(`([\w$]+(?:\s*\.\s*[\w$]+)*?)\s*\.\s*([A-Za-z_$][\w$]*)\s*\(`).FindStringSubmatch(reg.Text)
	if m == nil {
		return ""
	}
	recv := regexp.QuoteMeta(strings.Join(strings.Fields(m[1]), ""))
	re := regexp.MustCompile(`\b` + recv + `\s*\.\s*(?:` + libraryUndo + `)\s*\([^()]*\)`)
	st := findStatement(re, append([]string{reg.Script}, own...), src)
	if st == nil {
		return ""
	}
	call := re.FindString(st.Text)
	return missedEndings(st, call, "make that call", src)
}

// keptAsRe is a statement that keeps what a call returns under a name:
// view.stop = effect(…), const unsubscribe = store.subscribe(…).
var keptAsRe = lazyRE(`^\s*(?:(?:const|let|var)\s+)?([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*=\s*(?:await\s+)?[A-Za-z_$][\w$.]*\s*\(`)

// maxFactoryCallers bounds the calls of a factory looked at.
const maxFactoryCallers = 12

// factoryCallers: the registration is made in a function that returns
// what undoes it (function openView() { view.stop = effect(…); return
// view; }), and of the program's functions that call it, one gives it
// back (.stop()) and another never does: that one is named. files are
// all the program's scripts, since callers live in other folders (a
// route's handlers); "" when not so.
func factoryCallers(reg *Statement, files []string, src Sources) string {
	m := keptAsRe.FindStringSubmatch(reg.Text)
	fn := enclosingFunction(reg, src)
	if m == nil || fn == nil || !identRe.MatchString(fn.Function) {
		return ""
	}
	handle := strings.Join(strings.Fields(m[1]), "")
	base, last := handle, handle
	if i := strings.LastIndexByte(handle, '.'); i >= 0 {
		base, last = handle[:i], handle[i+1:]
	}
	b, ok := src.Read(reg.Script)
	if !ok {
		return ""
	}
	lines := bytes.Split(b, []byte("\n"))
	if !regexp.MustCompile(`\breturn\b[^;\n]*\b` + regexp.QuoteMeta(base) + `\b`).Match(bytes.Join(lines[fn.Line-1:bodyEnd(lines, fn.Line)], []byte("\n"))) {
		return ""
	}
	call := regexp.MustCompile(`\b` + regexp.QuoteMeta(fn.Function) + `\s*\(`)
	undo := regexp.MustCompile(`\.\s*` + regexp.QuoteMeta(last) + `\s*\(`)
	var gives, misses []string
	n := 0
	matchLines(call, files, src, func(sc string, lines [][]byte, i int, loc []int) {
		if n >= maxFactoryCallers || sc == reg.Script && i+1 == fn.Line {
			return
		}
		n++
		caller := functionAbove(sc, lines, i+1)
		if caller == nil {
			return
		}
		body := bytes.Join(lines[caller.Line:bodyEnd(lines, caller.Line)], []byte("\n"))
		at := fmt.Sprintf("%s() (%s:%d)", caller.Function, filepath.Base(sc), i+1)
		if undo.Match(body) {
			gives = append(gives, at)
		} else {
			misses = append(misses, at)
		}
	})
	if len(gives) == 0 || len(misses) == 0 {
		return ""
	}
	verb := "calls"
	if len(gives) > 1 {
		verb = "call"
	}
	return fmt.Sprintf("%s() returns what undoes it as %s (%s:%d); %s %s .%s() when done with it, but %s never does: call it there too",
		fn.Function, handle, filepath.Base(reg.Script), reg.Line, strings.Join(gives, " and "), verb, last, strings.Join(misses, " and "))
}

// keptHandle: the registering call's undo is kept in a local (const off =
// bus.hook(…, function notifyClient…)) and called only outside the
// registered function (in the timeout that gives up on it): when the
// function runs, as it does for every registration that is not given up
// on, nothing undoes the registration. The fix is to call it there too.
// "" when not so.
func keptHandle(reg *Statement, loc *Location, src Sources) string {
	m := keptAsRe.FindStringSubmatch(reg.Text)
	if m == nil || !identRe.MatchString(m[1]) || loc == nil || loc.Script != reg.Script || loc.Line < reg.Line {
		return ""
	}
	handle := m[1]
	fn := enclosingFunction(reg, src)
	lines, ok := locationLines(&Location{Script: reg.Script, Line: reg.Line}, src)
	if fn == nil || !ok || fn.Line >= reg.Line || loc.Line > len(lines) {
		return ""
	}
	cbEnd := bodyEnd(lines, loc.Line) // the registered function's body: lines loc.Line+1..cbEnd
	call := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(handle) + `\s*\(`)
	var sites []string
	for i, end := fn.Line, bodyEnd(lines, fn.Line); i < end && i < len(lines); i++ {
		l := lines[i]
		c := call.FindIndex(l)
		if c == nil || commentBefore(l, c[0]) || i+1 == reg.Line {
			continue
		}
		if i+1 > loc.Line && i < cbEnd {
			return "" // the registered function undoes itself
		}
		sites = append(sites, fmt.Sprintf("%s:%d", filepath.Base(reg.Script), i+1))
	}
	name := loc.Function
	if !identRe.MatchString(name) {
		name = "the registered function"
	}
	if len(sites) == 0 {
		// (Not called at all: it may be a token to hand back, not a
		// function.)
		return ""
	}
	return fmt.Sprintf("%s:%d keeps what the registration returns as %s, and %s() is called only at %s, outside %s: when %s runs (every registration not given up on), nothing undoes it; call %s() inside %s too, or register with the library's once variant",
		filepath.Base(reg.Script), reg.Line, handle, handle, strings.Join(sites, ", "), name, name, handle, name)
}

// registerRecvRe is a registering call's receiver: target of
// target.onActivation(…).
var registerRecvRe = lazyRE(`^\s*(?:(?:const|let|var)\s+[\w$]+\s*=\s*|[\w$.]+\s*=\s*)?(?:await\s+)?([A-Za-z_$][\w$]*)\s*\.\s*[A-Za-z_$][\w$]*\s*\(`)

// passedOwner: the registration is made on a parameter of its function
// (attachReview(target, …) { target.onActivation(…) }), and a caller
// passes it the long-lived object the registrations pile up in, by the
// name the path reaches it through (attachReview(container, …)): that
// call is where a per-request object (a child scope, a request's own
// emitter) belongs, whose registrations go with it. "" when not so.
func passedOwner(reg *Statement, path []PathStep, files []string, src Sources) string {
	m := registerRecvRe.FindStringSubmatch(reg.Text)
	fn := enclosingFunction(reg, src)
	if m == nil || fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return ""
	}
	lines, ok := locationLines(&Location{Script: reg.Script, Line: fn.Line}, src)
	if !ok {
		return ""
	}
	head := string(lines[fn.Line-1])
	open := strings.Index(head, "(")
	if open < 0 {
		return ""
	}
	params, ok := callArgumentsWithin([]byte(head[open+1:]), len(head))
	if !ok {
		return ""
	}
	at := slices.IndexFunc(splitArgs(params), func(p string) bool { return p == m[1] })
	if at < 0 {
		return ""
	}
	names := map[string]bool{}
	for _, st := range path {
		if (st.EdgeType == "context" || st.EdgeType == "property") && identRe.MatchString(st.Edge) {
			names[st.Edge] = true
		}
	}
	call := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(fn.Function) + `\s*\(`)
	var found string
	matchLines(call, files, src, func(sc string, ls [][]byte, i int, loc []int) {
		if found != "" || sc == reg.Script && i+1 == fn.Line || commentBefore(ls[i], loc[0]) {
			return
		}
		args, ok := callArgumentsWithin(ls[i][loc[1]:], 2048)
		if !ok {
			return
		}
		if a := splitArgs(args); at < len(a) && identRe.MatchString(a[at]) && (names[a[at]] || moduleBinding(a[at], ls)) {
			found = fmt.Sprintf("%s:%d registers on %s, a parameter of %s(), and %s:%d passes it %s, the long-lived object they pile up in (%s): pass the object that lives as long as what is registered there instead (a child scope or a per-request object, whose registrations go with it), or undo each registration when that ends",
				filepath.Base(reg.Script), reg.Line, m[1], fn.Function, filepath.Base(sc), i+1, a[at], strings.TrimSpace(strings.TrimSuffix(string(bytes.TrimSpace(ls[i])), ";")))
		}
	})
	return found
}

// moduleBinding: name is imported, or declared at the top level, in the
// script of lines: it lives as long as the process.
func moduleBinding(name string, lines [][]byte) bool {
	n := regexp.QuoteMeta(name)
	decl := regexp.MustCompile(`^(?:export\s+)?(?:const|let|var)\s+` + n + `\b|^import\b.*[{,\s]` + n + `\s*[,}]|^(?:const|let|var)\s*\{[^}]*\b` + n + `\b[^}]*\}\s*=\s*require\(`)
	for _, l := range lines {
		if decl.Match(l) {
			return true
		}
	}
	return false
}

// splitArgs splits a parameter or argument list at its top-level commas,
// each part trimmed (a default or a type after the name cut off).
func splitArgs(list string) []string {
	var out []string
	depth, from := 0, 0
	for i := 0; i <= len(list); i++ {
		if i < len(list) {
			switch list[i] {
			case '(', '{', '[':
				depth++
				continue
			case ')', '}', ']':
				depth--
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		p := strings.TrimSpace(list[from:i])
		if j := strings.IndexAny(p, "=:"); j > 0 {
			p = strings.TrimSpace(p[:j])
		}
		out = append(out, p)
		from = i + 1
	}
	return out
}
