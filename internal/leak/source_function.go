// The function a statement is in, read from the source: the `code` line
// of a suspect whose adding statement was found names that function
// (renderPage, where pageCache.set is), not whichever function of the same
// scope the path happened to pass.

package leak

import (
	"bytes"
)

// functionHeadRe matches a line that starts a function and captures its
// name: function f(, async function* f(, f(a, b) { (a method), f = (a) =>,
// f: async function(; in TypeScript also with modifiers (private async
// f(), type parameters (f<T>(), a return type (f(a: A): Promise<B> {) and
// a typed variable (const f: Handler = async (req) =>).
var functionHeadRe = lazyRE(`^\s*(?:export\s+)?(?:default\s+)?(?:(?:public|private|protected|static|override|readonly|abstract|declare)\s+)*(?:async\s+)?` +
	`(?:function\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>\s*)?\(` +
	`|\*?\s*([A-Za-z_$#][\w$]*)\s*(?:<[^>]*>\s*)?\([^;]*\)\s*(?::\s*[^;={]+)?\{\s*$` +
	`|(?:(?:const|let|var)\s+)?(?:[A-Za-z_$][\w$]*\s*\.\s*)*([A-Za-z_$][\w$]*)\s*(?::\s*[^=;]+?\s*)?[=:]\s*(?:async\s+)?(?:function\b|(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::\s*[^=;]+)?=>))`)

// notFunctionNames are keywords that look like a method head (if (x) {).
var notFunctionNames = map[string]bool{"if": true, "for": true, "while": true, "switch": true, "catch": true, "with": true, "function": true, "return": true,
	"exports": true} // module.exports = function () {: not the function's name

// forLoopRe is what a for loop's head holds and a method's parameters
// do not: a ; or an of/in.
var forLoopRe = lazyRE(`;|\s(?:of|in)\s|\bawait\b`)

// keywordMethod: a head named like a keyword that is a method of that
// name (a class's for(tenant) { … }, Symbol.for's kin): a for whose
// parentheses hold no loop.
func keywordMethod(l []byte, name string) bool {
	if name != "for" {
		return false
	}
	open, end := bytes.IndexByte(l, '('), bytes.LastIndexByte(l, ')')
	return open >= 0 && end > open && !forLoopRe.Match(l[open:end])
}

// maxFunctionLines bounds how far above a statement its function's head is
// looked for.
const maxFunctionLines = 200

// enclosingFunction is the function whose head is the nearest line above
// st indented less than st: where st runs. nil when none is found (a
// statement at a module's top level, a minified file).
func enclosingFunction(st *Statement, src Sources) *Location {
	if st == nil || src == nil {
		return nil
	}
	b, ok := src.Read(st.Script)
	if !ok {
		return nil
	}
	return functionAbove(st.Script, bytes.Split(b, []byte("\n")), st.Line)
}

// functionAbove is enclosingFunction on a script already split into lines
// (line is 1-based).
func functionAbove(script string, lines [][]byte, line int) *Location {
	var at *Location
	headAbove(lines, line, func(i int) bool {
		l := lines[i]
		m := functionHeadRe.FindSubmatchIndex(l)
		if m == nil {
			return false
		}
		for g := 1; g <= 3; g++ {
			if m[2*g] < 0 {
				continue
			}
			name := string(l[m[2*g]:m[2*g+1]])
			if notFunctionNames[name] && !keywordMethod(l, name) {
				break
			}
			at = &Location{Function: name, Script: script, Line: i + 1, Column: m[2*g] + 1}
			return true
		}
		return false
	})
	return at
}

// headAbove walks the lines that open the blocks around line (1-based),
// innermost first, up to maxFunctionLines above it, and returns the first
// (0-based) that is accepts as a head, or -1.
func headAbove(lines [][]byte, line int, is func(i int) bool) int {
	if line < 1 || line > len(lines) {
		return -1
	}
	depth := indentOf(lines[line-1])
	for i := line - 2; i >= 0 && i >= line-1-maxFunctionLines; i-- {
		l := lines[i]
		if len(bytes.TrimSpace(l)) == 0 || indentOf(l) >= depth {
			continue
		}
		depth = indentOf(l) // an enclosing block; keep looking above it
		if is(i) {
			return i
		}
	}
	return -1
}

// locationLines is the script of loc split into lines, when it can be read
// and has loc's line.
func locationLines(loc *Location, src Sources) ([][]byte, bool) {
	if loc == nil || src == nil || loc.Line < 1 {
		return nil, false
	}
	b, ok := src.Read(loc.Script)
	if !ok {
		return nil, false
	}
	lines := bytes.Split(b, []byte("\n"))
	return lines, loc.Line <= len(lines)
}

// enclosingLines are the lines (0-based, end exclusive) of the innermost
// function around line i of lines (script sc), or the whole file for a
// module's top level.
func enclosingLines(sc string, lines [][]byte, i int, src Sources) (from, to int) {
	if _, head, ok := innerFunction(&Statement{Script: sc, Line: i + 1}, src); ok {
		return head, min(bodyEnd(lines, head+1), len(lines))
	}
	return 0, len(lines)
}

// innerFunction is st's script split into lines and the head (0-based)
// of the innermost function around st, named or not (an arrow, a
// callback); ok is false when the script cannot be read or no head is
// found.
func innerFunction(st *Statement, src Sources) (lines [][]byte, head int, ok bool) {
	lines, ok = locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return nil, -1, false
	}
	head = headAbove(lines, st.Line, func(i int) bool { return nestedFuncRe.Match(lines[i]) || functionHeadRe.Match(lines[i]) })
	return lines, head, head >= 0
}
