// The program's call into a library that adds: when a library's own code
// fills its collection (App.use pushes a Layer onto App.stack), the line
// to change is the program's call of that method (app.use(...) inside a
// request handler), not the library's push.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

var functionWordRe = lazyRE(`\bfunction\b`)

// programCall is the program's call of the library method that runs
// lib, the library's statement adding to h's collection: h.OwnerName's
// method (app.use, tracker.start) called inside a function. A call at a
// module's top level runs once, so it cannot be what keeps adding; of
// the calls inside functions, the most deeply nested is taken (a call in
// a request handler's if over one in a setup function). nil when the
// program makes no such call.
func programCall(h *Holder, lib *Statement, own []string, src Sources) *Statement {
	if h == nil || lib == nil || !identRe.MatchString(h.OwnerName) {
		return nil
	}
	methods, adds := libraryMethods(nameAddsOf(h, false), lib.Script, src)
	if len(methods) == 0 {
		methods, adds = libraryMethods(nameAdds(h), lib.Script, src)
	}
	if len(methods) == 0 {
		return nil
	}
	quoted := make([]string, len(methods))
	for i, m := range methods {
		quoted[i] = regexp.QuoteMeta(m) // $ is a name's letter
	}
	call := regexp.MustCompile(`\b` + regexp.QuoteMeta(h.OwnerName) + `\s*\.\s*(?:` + strings.Join(quoted, "|") + `)\s*\(`)
	var prefer func(lines [][]byte, i int, loc []int) bool
	if prefix := keysPrefix(h.Keys); prefix != "" {
		// Of the calls that add, one whose key starts as the keys seen
		// do ("export:" + id, not "audit:" + tenant).
		prefer = func(lines [][]byte, i int, loc []int) bool {
			p, ok := argPrefix(lines, i, loc[1])
			return !ok || strings.HasPrefix(p, prefix) || strings.HasPrefix(prefix, p)
		}
	}
	best := deepestCallPreferring(call, nil, programScripts(own, src), src, prefer)
	if best != nil {
		best.Library = adds
	}
	return best
}

// deepestCall is the line matching call in scripts that is made the most
// deeply inside a function (a request handler's, not a setup line's),
// Others counting the rest; lines matching skip (a declaration) and calls
// at a module's top level do not count. A call in a constructor ranks
// below the others, however deep (a service's constructor compiling its
// fixed templates in nested loops is setup; its render method runs per
// request).
func deepestCall(call, skip *regexp.Regexp, scripts []string, src Sources) *Statement {
	return deepestCallPreferring(call, skip, scripts, src, nil)
}

// deepestCallPreferring is deepestCall ranking first the lines prefer
// accepts (nil: none), however deep the others are.
func deepestCallPreferring(call, skip *regexp.Regexp, scripts []string, src Sources, prefer func(lines [][]byte, i int, loc []int) bool) *Statement {
	var best *Statement
	bestDepth, n := -1, 0
	matchLines(call, scripts, src, func(sc string, lines [][]byte, i int, loc []int) {
		if skip != nil && skip.Match(lines[i]) || !insideFunction(lines, i) {
			return
		}
		n++
		depth := indentOf(lines[i])
		if fn := functionAbove(sc, lines, i+1); fn == nil || fn.Function != "constructor" {
			depth += 1 << 20
		}
		if prefer != nil && prefer(lines, i, loc) {
			depth += 1 << 21
		}
		if depth > bestDepth {
			col := loc[0]
			if !isIdentByte(lines[i][col]) {
				col++ // the match starts at the character before the call
			}
			best = &Statement{Script: sc, Line: i + 1, Column: col + 1, Text: clipLine(lines[i])}
			bestDepth = depth
		}
	})
	if best != nil {
		best.Others = n - 1
	}
	return best
}

// libraryMethods are the names of the library's functions that hold a
// line matching re in script: the methods whose calls add; and the first
// of those lines (Others counting the rest).
func libraryMethods(re *regexp.Regexp, script string, src Sources) ([]string, *Statement) {
	if re == nil {
		return nil, nil
	}
	var out []string
	var first *Statement
	matchLines(re, []string{script}, src, func(_ string, lines [][]byte, i int, loc []int) {
		line := lines[i]
		if reinsertRe.Match(line[:loc[0]]) || i > 0 && reinsertRe.Match(lines[i-1]) {
			// An LRU's get moves an entry to the end: delete, then set.
			return
		}
		fn := functionAbove(script, lines, i+1)
		if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
			return
		}
		if !slices.Contains(out, fn.Function) {
			out = append(out, fn.Function)
		}
		if first == nil {
			first = &Statement{Script: script, Line: i + 1, Column: loc[0] + 1, Text: clipLine(line)}
		} else {
			first.Others++
		}
	})
	return out, first
}

// reinsertRe: a line that takes an entry out, just before one that adds:
// re-inserting it to refresh its place, not adding a new one.
// A delete under an if (if (this.map.has(k)) this.map.delete(k)) is an
// upsert's, before a set that may add.
var reinsertRe = lazyRE(`^\s*(?:this\s*\.\s*)?[\w$.]+\s*\.\s*delete\s*\([^()]*\)\s*;?\s*(?:this\s*\.\s*)?$`)

// insideFunction: line i is in a function's body, named or not: some line
// above it, indented less, starts one (a function head, or holds => or
// the keyword function: a callback passed inline). Lines indented less
// that are neither (if, for, a class body) are blocks to look above.
func insideFunction(lines [][]byte, i int) bool {
	depth := indentOf(lines[i])
	for k := i - 1; k >= 0 && k >= i-maxFunctionLines && depth > 0; k-- {
		l := lines[k]
		if len(bytes.TrimSpace(l)) == 0 || indentOf(l) >= depth {
			continue
		}
		depth = indentOf(l)
		if bytes.Contains(l, []byte("=>")) || functionWordRe.Match(l) {
			return true
		}
		if m := functionHeadRe.FindSubmatch(l); m != nil && (!notFunctionNames[string(m[2])] || keywordMethod(l, string(m[2]))) && !bytes.HasPrefix(bytes.TrimSpace(l), []byte("class ")) {
			return true
		}
	}
	return false
}

func indentOf(l []byte) int { return len(l) - len(bytes.TrimLeft(l, " \t")) }

// callHint is the fix for a library collection the program adds to by a
// call (added.Library set) and nothing takes entries out of: the call is
// a registration (app.use, emitter-like add methods) made again and
// again. grew: a series saw it grow (one snapshot cannot say the call is
// made again and again).
func callHint(h *Holder, added *Statement, grew bool) string {
	if h == nil || added == nil || added.Library == nil || added.inside || !identRe.MatchString(h.OwnerName) {
		return ""
	}
	m := regexp.MustCompile(`\b` + regexp.QuoteMeta(h.OwnerName) + `\s*\.\s*([A-Za-z_$][\w$]*)`).FindStringSubmatch(added.Text)
	if m == nil {
		return ""
	}
	lib := h.Package
	if lib == "" {
		lib = "the library"
	}
	at := fmt.Sprintf("%s:%d", filepath.Base(added.Script), added.Line)
	if grew {
		return fmt.Sprintf("each call of %s.%s adds an entry for good (neither %s nor the program takes entries out), and %s calls it inside a function that runs again and again: make that call once, at startup, not on every request or event",
			h.OwnerName, m[1], lib, at)
	}
	return fmt.Sprintf("each call of %s.%s adds an entry for good (neither %s nor the program takes entries out), and %s calls it inside a function: if that function runs on every request or event, make the call once, at startup",
		h.OwnerName, m[1], lib, at)
}

// wrapperCall is the program's call of a function a library made and the
// program keeps as h.OwnerName (a memoizer's wrapper: priceBasket(items,
// ctx), service.evaluate(ctx)): each call adds to the library's cache.
// The call made deepest inside a function wins (a request handler's, not
// a setup line's); a function declared under that name is not a call.
func wrapperCall(h *Holder, own []string, src Sources) *Statement {
	if h == nil || !h.wrapped || !identRe.MatchString(h.OwnerName) {
		return nil
	}
	n := regexp.QuoteMeta(h.OwnerName)
	call := regexp.MustCompile(`(?:^|[^\w$])(?:[\w$]+\s*\.\s*)?` + n + `\s*\(`)
	decl := regexp.MustCompile(`\b(?:function\s*\*?\s*|async\s+)` + n + `\s*[(<]|^\s*(?:(?:public|private|protected|static|override)\s+)*(?:async\s+)?` + n + `\s*(?:<[^>]*>\s*)?\([^)]*\)\s*(?::\s*[^;={]+)?\{`)
	return deepestCall(call, decl, programScripts(own, src), src)
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// keySeparators end a key's namespace ("export:", "job/").
const keySeparators = ":/|.#@-_"

// keysPrefix is the namespace the keys share ("export:" of
// "export:5056…", "export:1edf…"): their common start up to its last
// separator; "" when fewer than two keys share one.
func keysPrefix(keys []string) string {
	if len(keys) < 2 {
		return ""
	}
	p := keys[0]
	for _, k := range keys[1:] {
		n := 0
		for n < len(p) && n < len(k) && p[n] == k[n] {
			n++
		}
		p = p[:n]
	}
	i := strings.LastIndexAny(p, keySeparators)
	if i < 1 {
		return ""
	}
	return p[:i+1]
}

// keyAssignRe matches "const NAME = " before a template or string
// literal: NAME (group 1), the literal's start (2).
var keyAssignRe = lazyRE("(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*([`'\"][^`'\"$]*)")

// argPrefix is the literal start of the first argument of the call whose
// "(" ends at col on line i: a template or string literal written there,
// or the one assigned to the variable passed, up to 30 lines above. ok is
// false when it cannot be told.
func argPrefix(lines [][]byte, i, col int) (string, bool) {
	rest := strings.TrimLeft(string(lines[i][col:]), " \t")
	if rest == "" {
		return "", false
	}
	if q := rest[0]; q == '`' || q == '\'' || q == '"' {
		return literalStart(rest), true
	}
	name := argIdentRe.FindString(rest)
	if name == "" || !strings.HasPrefix(rest, name) {
		return "", false
	}
	for j := i; j >= 0 && j >= i-30; j-- {
		for _, m := range keyAssignRe.FindAllStringSubmatch(string(lines[j]), -1) {
			if m[1] == name {
				return literalStart(m[2]), true
			}
		}
	}
	return "", false
}

// literalStart is the text of a literal (with its opening quote) up to
// its end or its first ${.
func literalStart(lit string) string {
	q := lit[0]
	s := lit[1:]
	if k := strings.IndexByte(s, q); k >= 0 {
		s = s[:k]
	}
	if k := strings.Index(s, "${"); k >= 0 {
		s = s[:k]
	}
	return s
}
