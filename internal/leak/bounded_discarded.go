// Trims that change nothing: an array method that returns a new array
// (slice, filter, toSpliced) called as a statement of its own, with its
// result thrown away (if (this.items.length > this.limit)
// this.items.slice(-this.limit)): the array it was meant to cut keeps
// every entry. Only the source shows it: the heap has an array that grows.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// copyingMethods return a new array and leave the one they are called on
// as it was.
const copyingMethods = `slice|filter|toSpliced|toSorted|toReversed|concat|map`

// discardedTrim is the fix for an Array whose program calls a copying
// method on it as a statement of its own, near where it adds: the
// statement, and what to write instead. "" when there is none.
func discardedTrim(h *Holder, added *Statement, src Sources) string {
	if h == nil || h.Kind != "Array" || added == nil || src == nil {
		return ""
	}
	name, ok := fieldName(h)
	if !ok {
		return ""
	}
	b, ok := src.Read(added.Script)
	if !ok {
		return ""
	}
	// At the start of a statement (a line's, after if (…), {, ; or
	// else), not assigned, returned or passed on.
	re := regexp.MustCompile(`(?:^|[){;]|\belse)\s*((?:this\s*\.\s*)?(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(name) + `\s*\.\s*(` + copyingMethods + `)\s*\([^;]*\))\s*;?\s*\}?\s*$`)
	lines := strings.Split(string(b), "\n")
	for i := max(0, added.Line-1); i < len(lines) && i < added.Line+6; i++ {
		m := re.FindStringSubmatch(lines[i])
		if m == nil || commentBefore([]byte(lines[i]), strings.Index(lines[i], m[1])) {
			continue
		}
		call := strings.Join(strings.Fields(m[1]), " ")
		target := strings.TrimSpace(call[:strings.LastIndex(call, "."+m[2])])
		fix := fmt.Sprintf("assign it back (%s = %s)", target, call)
		if m[2] == "slice" {
			fix += ", or cut the array in place with splice()"
		}
		return fmt.Sprintf("%s:%d (%s) makes a new array and throws it away: %s() does not change %s, so it keeps every entry; %s",
			filepath.Base(added.Script), i+1, call, m[2], target, fix)
	}
	return ""
}

// tailRead is a read of an array's last entries only: .slice(-n),
// .slice(-Math.min(limit, this.size)).
const tailRead = `\s*\.\s*slice\s*\(\s*-`

// windowOnly is the fix for an Array the program only ever reads the last
// entries of (recent(): this.entries.slice(-this.size)) and never takes
// anything out of: the window it reads is the bound it meant to keep,
// and nothing cuts the array to it. "" when there is no such read (that
// nothing takes entries out is the caller's check: removedAt).
func windowOnly(h *Holder, added *Statement, own []string, src Sources) string {
	if h == nil || h.Kind != "Array" || added == nil || src == nil {
		return ""
	}
	name, ok := fieldName(h)
	if !ok {
		return ""
	}
	re := regexp.MustCompile(`(?:this\s*\.\s*)?\b` + regexp.QuoteMeta(name) + tailRead)
	st := findStatement(re, append([]string{added.Script}, own...), src)
	if st == nil {
		return ""
	}
	return fmt.Sprintf("%s:%d reads only the last entries (%s), but nothing takes any out of %s: that window is the bound it meant to keep; cut the array to it where it adds (%s:%d), with splice(0, length - n), or keep a ring buffer",
		filepath.Base(st.Script), st.Line, strings.TrimSuffix(st.Text, ";"), holderWhat(h), filepath.Base(added.Script), added.Line)
}
