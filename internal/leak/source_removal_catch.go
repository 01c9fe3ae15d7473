// A removal the error path skips: the method that takes an entry out
// (tracker.succeeded(change)) is called inside a try, and its catch ends
// the same work through other methods of the same object
// (tracker.exhausted(change, err)) that leave the entry in.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// catchSkipsRemoval: st removes an entry inside a method; its one call
// site sits in a try whose catch calls other methods on the same
// receiver, none of which removes. What is said names them and the
// delete to add; "" otherwise.
func catchSkipsRemoval(st *Statement, scripts, files []string, src Sources) string {
	fn := enclosingFunction(st, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" || src == nil {
		return ""
	}
	in := []string{st.Script}
	for _, sc := range append(append([]string{}, scripts...), files...) {
		if sc != st.Script {
			in = append(in, sc)
		}
	}
	calls := callSites(fn, in, src)
	if len(calls) != 1 {
		return ""
	}
	c := calls[0]
	lines, ok := locationLines(&Location{Script: c.Script, Line: c.Line}, src)
	if !ok {
		return ""
	}
	recvRe := regexp.MustCompile(`([\w$]+)\s*\.\s*` + regexp.QuoteMeta(fn.Function) + `\s*\(`)
	m := recvRe.FindSubmatch(lines[c.Line-1])
	if m == nil {
		return ""
	}
	recv := string(m[1])
	del := removeCallRe.FindString(st.Text)
	if del == "" {
		return ""
	}
	field := strings.Join(strings.Fields(del[:strings.LastIndexByte(del[:strings.IndexByte(del, '(')], '.')]), "")
	others := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(recv) + `\s*\.\s*([\w$]+)\s*\(`)
	// The tries around the call, innermost first, and their catches: a
	// catch that only records a failed attempt (it adds to the same
	// collection) is a retry's, not the end of the work.
	var names, defs []string
	end := -1
	for line := c.Line; len(names) == 0; {
		t := headAbove(lines, line, func(i int) bool { return tryRe.Match(lines[i]) })
		if t < 0 {
			return ""
		}
		line = t + 1
		end = bodyEnd(lines, t+1)
		if end >= len(lines) || !catchRe.Match(lines[end]) || indentOf(lines[end]) != indentOf(lines[t]) {
			continue
		}
		catchEnd := bodyEnd(lines, end+1)
		for k := end; k < catchEnd; k++ {
			for _, o := range others.FindAllSubmatch(lines[k], -1) {
				name := string(o[1])
				if name == fn.Function || slices.Contains(names, recv+"."+name+"()") {
					continue
				}
				dl, def, ok := functionDefinition(name, []string{st.Script}, src)
				if !ok {
					continue
				}
				removes, adds := false, false
				for j := def.Line; j < bodyEnd(dl, def.Line) && j < len(dl); j++ {
					l := strings.Join(strings.Fields(string(dl[j])), "")
					removes = removes || strings.Contains(l, field+".delete(")
					adds = adds || strings.Contains(l, field+".set(")
				}
				if removes {
					return "" // the error path takes it out too
				}
				if adds {
					continue
				}
				names = append(names, recv+"."+name+"()")
				defs = append(defs, fmt.Sprintf("%s:%d", filepath.Base(def.Script), def.Line))
			}
		}
	}
	if len(names) == 0 {
		return ""
	}
	leave := "which leave"
	if len(names) == 1 {
		leave = "which leaves"
	}
	return fmt.Sprintf("%s:%d calls %s() inside a try, and its catch (%s:%d) ends the work with %s (%s) instead, %s the entry in: take it out there too (%s)",
		filepath.Base(c.Script), c.Line, fn.Function, filepath.Base(c.Script), end+1, strings.Join(names, " or "), strings.Join(defs, ", "), leave, del)
}

// removeCallRe is a collection's delete call in a statement.
var removeCallRe = lazyRE(`[\w$.]+\s*\.\s*delete\s*\([^()]*\)`)
