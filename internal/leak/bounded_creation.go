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
var capTestRe = regexp.MustCompile(`\b(?:if|while)\s*\(\s*!?\s*\(?\s*([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*<=?\s*([A-Za-z_$][\w$.]*|\d[\d_]*)\s*\)`)

// creationCap finds the statement that creates class only while a counter
// is below a bound, in the program's scripts (the suspect's own, then
// their folders); nil unless the bound has a value.
func creationCap(class string, own []string, src Sources) *Trim {
	if src == nil || len(own) == 0 || !identRe.MatchString(class) || genericClasses[class] {
		return nil
	}
	create := regexp.MustCompile(`\bnew\s+` + regexp.QuoteMeta(class) + `\s*\(`)
	var t *Trim
	eachScript(own, true, src, func(sc string, b []byte) bool {
		if libraryScript(sc) || !create.Match(b) {
			return false
		}
		lines := bytes.Split(b, []byte("\n"))
		for i, line := range lines {
			at := create.FindIndex(line)
			if at == nil || commentBefore(line, at[0]) {
				continue
			}
			// The guard is on the line that creates, or opens the block
			// on the line before.
			for k := i; k >= 0 && k >= i-1; k-- {
				l := lines[k]
				if k == i {
					l = l[:at[0]]
				}
				m := capTestRe.FindSubmatchIndex(l)
				if m == nil || commentBefore(l, m[0]) {
					continue
				}
				left := string(l[m[2]:m[3]])
				if !strings.Contains(left, ".") && !counterName(left) {
					continue // a loop's index, not a counter
				}
				bound := string(l[m[4]:m[5]])
				limit := boundValue(bound, "", sc, own, src)
				if limit <= 0 {
					continue
				}
				t = &Trim{At: Statement{Script: sc, Line: k + 1, Column: m[0] + 1, Text: clipLine(lines[k])},
					Bound: bound, Limit: limit, Created: class}
				return true
			}
		}
		return false
	})
	return t
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
