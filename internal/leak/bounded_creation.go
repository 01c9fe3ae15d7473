// Objects created only below a cap: a pool makes a new writer, worker or
// connection only while it has made fewer than its maximum
// (`if (this.created < this.max) return new BatchWriter(...)`), and keeps
// the ones it made in an idle list. While load rises, that list grows like
// a leak; it can never hold more than the cap. The cap is the guard on the
// statement that creates the suspect's class.

package leak

import (
	"bytes"
	"regexp"
	"strings"
)

// capTestRe is an if's or a while's "left < bound" (or <=) whose left side
// is a counter that outlives the call (a property, or a length or size),
// and the bound.
var capTestRe = lazyRE(`\b(?:if|while)\s*\(\s*!?\s*\(?\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*<=?\s*([A-Za-z_$][\w$.]*|\d[\d_]*)\s*\)`)

// creationCap finds the statement that creates class only while a counter
// is below a bound; nil unless every statement that creates it is guarded
// so and the bound has a value. The suspect's own scripts decide when
// they create it; else the other scripts of their folders that do not
// declare a class of that name themselves.
func creationCap(class string, own []string, src Sources) *Trim {
	if src == nil || len(own) == 0 || !identRe.MatchString(class) || genericClasses[class] {
		return nil
	}
	create := regexp.MustCompile(`\bnew\s+` + regexp.QuoteMeta(class) + `\s*\(`)
	declare := regexp.MustCompile(`\bclass\s+` + regexp.QuoteMeta(class) + `\b`)
	var caps []*Trim
	seen, free := false, false // a creation seen; one not guarded
	scan := func(sc string, b []byte) bool {
		if libraryPackage(sc) != "" || !create.Match(b) {
			return false
		}
		lines := bytes.Split(b, []byte("\n"))
		for i, line := range lines {
			at := create.FindIndex(line)
			if at == nil || commentBefore(line, at[0]) {
				continue
			}
			seen = true
			if t := guardOf(lines, i, at[0], sc, own, src); t != nil {
				t.Created = class
				caps = append(caps, t)
			} else {
				free = true
			}
		}
		return false
	}
	eachScript(own, false, src, scan)
	if !seen {
		var others []string
		for _, sc := range siblingScripts(own, src) {
			if b, ok := src.Read(sc); ok && !declare.Match(b) {
				others = append(others, sc)
			}
		}
		eachScript(others, false, src, scan)
	}
	if free || len(caps) == 0 {
		return nil
	}
	return caps[0]
}

// guardOf is the cap on the creation at line i, column col: an if's or a
// while's counter-below-bound test on that line before it, or on the line
// before (the block it opens); nil when there is none with a value.
func guardOf(lines [][]byte, i, col int, sc string, own []string, src Sources) *Trim {
	for k := i; k >= 0 && k >= i-1; k-- {
		l := lines[k]
		if k == i {
			l = l[:col]
		}
		m := capTestRe.FindSubmatchIndex(l)
		if m == nil || commentBefore(l, m[0]) {
			continue
		}
		if rest := bytes.TrimSpace(l[m[1]:]); k < i && len(rest) > 0 && string(rest) != "{" {
			continue // a statement of its own: it guards nothing below
		}
		left := string(l[m[2]:m[3]])
		if !strings.Contains(left, ".") && !counterName(left) {
			continue // a loop's index, not a counter
		}
		bound := string(l[m[4]:m[5]])
		if limit := boundValue(bound, "", sc, own, src); limit > 0 {
			return &Trim{At: Statement{Script: sc, Line: k + 1, Column: m[0] + 1, Text: clipLine(lines[k])}, Bound: bound, Limit: limit}
		}
	}
	return nil
}

// counterName: a module variable that counts what was made (created,
// count, total, live...), not a loop index.
func counterName(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"count", "created", "total", "live", "active", "open", "spawned", "made", "size"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
