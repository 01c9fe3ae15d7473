// Disposal that one way out of the making function skips: the function
// makes the object into a local (const flags = featureFlags.scoped(req),
// a factory of the program's that returns new RequestFlags), disposes of
// it on some paths (in its callbacks, or at its end), and returns early
// on another (the crawlers' branch) without doing so.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// skippedDisposal finds the program's line that makes an object of class
// into a local and the way out of that function that skips local.method():
// what is said names both, "" when none is found. The locals come from
// new Class(…) itself and from calls of the program's factories that
// return one (return new Class(…) in a named function).
func skippedDisposal(class, method string, own []string, src Sources) (string, *Statement) {
	if !identRe.MatchString(class) || !identRe.MatchString(method) || src == nil {
		return "", nil
	}
	scripts := programScripts(own, src)
	newRe := regexp.MustCompile(`\bnew\s+` + regexp.QuoteMeta(class) + `\s*\(`)
	// The factories: named functions that return a new one.
	var makers []string
	seen := map[string]bool{}
	matchLines(newRe, scripts, src, func(sc string, lines [][]byte, i int, loc []int) {
		if len(makers) >= maxMakers || commentBefore(lines[i], loc[0]) || !returnsAt(lines[i], loc[0]) {
			return
		}
		if fn := functionAbove(sc, lines, i+1); fn != nil && identRe.MatchString(fn.Function) && fn.Function != "constructor" && !seen[fn.Function] {
			seen[fn.Function] = true
			makers = append(makers, regexp.QuoteMeta(fn.Function)+`\s*\(`)
		}
	})
	makers = append(makers, `new\s+`+regexp.QuoteMeta(class)+`\s*\(`)
	into := regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?(?:[\w$]+\s*\.\s*)*(?:` + strings.Join(makers, "|") + `)`)
	var text string
	var made *Statement
	matchLines(into, scripts, src, func(sc string, lines [][]byte, i int, loc []int) {
		if text != "" || commentBefore(lines[i], loc[0]) {
			return
		}
		local := string(into.FindSubmatch(lines[i])[1])
		st := &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		call := local + "." + method + "()"
		e := skippedExit(st, regexp.MustCompile(`\b`+regexp.QuoteMeta(local)+`\s*\.\s*`+regexp.QuoteMeta(method)+`\s*\(`), src)
		if e == nil {
			return
		}
		fn := "the function"
		if f := functionAbove(sc, lines, i+1); f != nil && identRe.MatchString(f.Function) {
			fn = f.Function + "()"
		}
		made = st
		text = fmt.Sprintf("%s makes one at %s:%d (%s) and calls %s on some ways out, but %s",
			fn, filepath.Base(sc), i+1, strings.TrimSuffix(st.Text, ";"), call, exitText(e, call))
	})
	return text, made
}

// returnsAt: the expression at column at of line l is returned (return
// new Class(…), or an arrow's body).
func returnsAt(l []byte, at int) bool {
	before := strings.TrimSpace(string(l[:at]))
	return strings.HasSuffix(before, "return") || strings.HasSuffix(before, "=>")
}

// constructorExit: add is in a class's constructor and the removal rm in
// one of its methods (release()): the program's function that makes one
// and returns without calling that method, as skippedDisposal says.
func constructorExit(add, rm *Statement, own []string, src Sources) string {
	fn := enclosingFunction(add, src)
	if fn == nil || fn.Function != "constructor" {
		return ""
	}
	class := classAbove(add, src)
	m := enclosingFunction(rm, src)
	if class == "" || m == nil || !identRe.MatchString(m.Function) || m.Function == "constructor" {
		return ""
	}
	h, _ := skippedDisposal(class, m.Function, own, src)
	return h
}
