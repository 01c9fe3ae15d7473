// Searching the program's scripts line by line: the first statement
// matching a pattern in a suspect's scripts, then in their folders;
// whether a line is code, a comment or inside a string; a statement
// clipped for a report.

package leak

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// findStatement looks for re in the scripts own, then in the other scripts
// of their folders.
func findStatement(re *regexp.Regexp, own []string, src Sources) *Statement {
	return findStatementWhere(re, own, src, nil)
}

// inFunction: line (1-based) of script is inside a function's body, not
// at a module's top level (in a loop there, say), which runs once when the
// module loads.
func inFunction(script string, line int, src Sources) bool {
	lines, ok := locationLines(&Location{Script: script, Line: line}, src)
	return ok && insideFunction(lines, line-1)
}

// findStatementWhere is findStatement taking only the lines keep accepts
// (script, 1-based line); nil keeps all.
func findStatementWhere(re *regexp.Regexp, own []string, src Sources, keep func(script string, line int) bool) *Statement {
	return firstStatement(re, own, src, keep, nil)
}

// firstStatement is findStatementWhere also passing over the matches skip
// rejects (by the line and the match), which do not count in Others.
func firstStatement(re *regexp.Regexp, own []string, src Sources, keep func(script string, line int) bool, skip func(line []byte, loc []int) bool) *Statement {
	var first *Statement
	n := 0
	matchStatements(re, own, src, keep, func(sc string, lines [][]byte, i int, loc []int) {
		if skip != nil && skip(lines[i], loc) {
			return
		}
		n++
		if first == nil {
			first = &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		}
	})
	if first != nil {
		first.Others = n - 1
	}
	return first
}

// matchStatements calls fn for every line matching re (that keep, when
// not nil, accepts) in the scripts own, each script once, or, when none
// matches there, in the other scripts of their folders.
func matchStatements(re *regexp.Regexp, own []string, src Sources, keep func(script string, line int) bool, fn func(script string, lines [][]byte, i int, loc []int)) {
	if re == nil {
		return
	}
	seen := map[string]bool{}
	search := func(scripts []string) int {
		var fresh []string
		for _, sc := range scripts {
			if !seen[sc] {
				seen[sc] = true
				fresh = append(fresh, sc)
			}
		}
		n := 0
		matchLines(re, fresh, src, func(sc string, lines [][]byte, i int, loc []int) {
			if keep == nil || keep(sc, i+1) {
				n++
				fn(sc, lines, i, loc)
			}
		})
		return n
	}
	if search(own) == 0 {
		search(siblingsOf(own, src))
	}
}

// programScripts are the scripts and those beside them (siblingsOf) that
// are the program's, not installed packages': where its calls are.
func programScripts(own []string, src Sources) []string {
	var scripts []string
	for _, sc := range append(slices.Clone(own), siblingsOf(own, src)...) {
		if !strings.Contains(sc, "/node_modules/") && !slices.Contains(scripts, sc) {
			scripts = append(scripts, sc)
		}
	}
	return scripts
}

// siblingsOf are the scripts beside the given ones (src.Siblings), each
// once: where a statement is looked for when the scripts themselves do
// not have it.
func siblingsOf(own []string, src Sources) []string {
	var sib []string
	for _, sc := range own {
		for _, o := range src.Siblings(sc) {
			if !slices.Contains(sib, o) {
				sib = append(sib, o)
			}
		}
	}
	return sib
}

// matchLines calls fn for each line of the scripts where re matches in
// code (not in a comment or a string), with the match's first position.
func matchLines(re *regexp.Regexp, scripts []string, src Sources, fn func(script string, lines [][]byte, i int, loc []int)) {
	for _, sc := range scripts {
		b, ok := src.Read(sc)
		if !ok {
			continue
		}
		lines := bytes.Split(b, []byte("\n"))
		for i, line := range lines {
			if loc := re.FindIndex(line); loc != nil && !commentBefore(line, loc[0]) && !clearingRe.Match(line[loc[0]:]) {
				fn(sc, lines, i, loc)
			}
		}
	}
}

// clearingRe: a slot set to nothing (list[i] = undefined, this._list[t] =
// void 0, byId[k] = null) takes an entry out; no search wants it as an
// addition.
var clearingRe = lazyRE(`^[\w$.\s]*\[[^\]]+\]\s*=\s*(?:undefined|null|void\s+0)\s*(?:[;,)]|$)`)

// callPrefix is a statement's call up to its "(" (inflight.delete(): what
// finds the same call on other lines; the statement itself when it has
// none.
func callPrefix(text string) string {
	t := strings.TrimSpace(text)
	if i := strings.IndexByte(t, '('); i > 0 {
		return t[:i+1]
	}
	return t
}

// commentLine: the line is a comment.
func commentLine(l []byte) bool {
	t := bytes.TrimSpace(l)
	return bytes.HasPrefix(t, []byte("//")) || bytes.HasPrefix(t, []byte("*")) || bytes.HasPrefix(t, []byte("/*"))
}

// commentBefore: the match at i is not code: it follows a // or an
// unclosed /* on its line, is inside a quoted string there, or the line
// continues a block comment (" * ..."). A // inside a string (a URL) is
// not a comment. A template literal's substitutions (`${req.id}`) are
// code.
func commentBefore(line []byte, i int) bool {
	if bytes.HasPrefix(bytes.TrimSpace(line), []byte("*")) {
		return true
	}
	var quote byte // the open string's quote, 0 in code
	block := false
	// subst: per open substitution, the braces open inside it.
	var subst []int
	for j := 0; j < i; j++ {
		c := line[j]
		switch {
		case block:
			if c == '*' && j+1 < i && line[j+1] == '/' {
				block = false
				j++
			}
		case quote == '`' && c == '$' && j+1 < len(line) && line[j+1] == '{':
			quote = 0
			subst = append(subst, 0)
			j++
		case quote != 0:
			if c == '\\' {
				j++
			} else if c == quote {
				quote = 0
			}
		case len(subst) > 0 && c == '{':
			subst[len(subst)-1]++
		case len(subst) > 0 && c == '}':
			if subst[len(subst)-1] == 0 {
				subst = subst[:len(subst)-1]
				quote = '`'
			} else {
				subst[len(subst)-1]--
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '/' && j+1 < len(line) && line[j+1] == '/':
			return true
		case c == '/' && j+1 < len(line) && line[j+1] == '*':
			block = true
			j++
		}
	}
	return block || quote != 0
}

// statementAt is the statement of script b at byte offset at: its line,
// its column (at's, 1-based) and the line's text, clipped.
func statementAt(script string, b []byte, at int) *Statement {
	start := bytes.LastIndexByte(b[:at], '\n') + 1
	end := bytes.IndexByte(b[at:], '\n')
	if end < 0 {
		end = len(b) - at
	}
	return &Statement{Script: script, Line: bytes.Count(b[:at], []byte("\n")) + 1, Column: at - start + 1, Text: clipLine(b[start : at+end])}
}

// clipLine is the line without its indentation, at most 120 bytes.
func clipLine(line []byte) string {
	t := strings.TrimSpace(string(line))
	if len(t) > 120 {
		i := 117
		for i > 0 && !utf8.RuneStart(t[i]) {
			i--
		}
		t = t[:i] + "…"
	}
	return strings.ToValidUTF8(t, "?")
}
