// An entry replaced without ending the one it replaces: a config reload
// schedules a new job for a name and sets it over the entry the map had
// (this.active.set(spec.name, { job, … })), while the job in that entry,
// looked up just before (const current = this.active.get(spec.name)),
// stays scheduled in the library's registry. The program ends an entry's
// job elsewhere (entry.job.cancel() where a name is dropped): that call,
// on the entry it replaces, is the fix.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// setOverRe is a Map's set whose value is an object literal or a
// variable: the receiver, the key and the value.
var setOverRe = lazyRE(`((?:this\s*\.\s*)?[\w$]+(?:\s*\.\s*[\w$]+)*)\s*\.\s*set\s*\(\s*([^,()]+?)\s*,\s*(\{[^}]*\}?|[\w$]+)`)

// replacedWithoutEnding is the fix when what made (the statement that
// makes the leaked objects) keeps them in a variable that the function
// then sets into a Map over the entry it looked up for the same key,
// without ending that entry's, while another place of the program ends
// an entry's with a method (.cancel(), .stop(), …): "" otherwise.
func replacedWithoutEnding(made *Statement, scripts []string, src Sources) string {
	if made == nil || src == nil || !programScript(made.Script) {
		return ""
	}
	k := keptRe.FindStringSubmatch(made.Text)
	if k == nil || strings.Contains(k[1], ".") {
		return ""
	}
	v := k[1]
	fn := enclosingFunction(made, src)
	lines, ok := locationLines(&Location{Script: made.Script, Line: made.Line}, src)
	if fn == nil || !ok || fn.Line < 1 || fn.Line > made.Line {
		return ""
	}
	end := min(bodyEnd(lines, fn.Line), len(lines))
	// The set that keeps v, after it is made.
	var set []string
	setAt := 0
	holds := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(v) + `(?:[^\w$]|$)`)
	for i := made.Line; i < end; i++ {
		m := setOverRe.FindStringSubmatch(string(lines[i]))
		if m == nil || !holds.MatchString(m[3]) {
			continue
		}
		set, setAt = m, i+1
		break
	}
	if set == nil {
		return ""
	}
	recv, key := strings.Join(strings.Fields(set[1]), ""), strings.TrimSpace(set[2])
	field := v // the value's field that holds it ({ job, … }: job)
	// The entry looked up for the same key before the set.
	getRe := regexp.MustCompile(`(?:const|let|var)\s+([\w$]+)\s*=\s*` + strings.ReplaceAll(regexp.QuoteMeta(recv), `\.`, `\s*\.\s*`) + `\s*\.\s*get\s*\(\s*` + regexp.QuoteMeta(key) + `\s*\)`)
	cur, curAt := "", 0
	for i := fn.Line - 1; i < setAt-1; i++ {
		if m := getRe.FindSubmatch(lines[i]); m != nil {
			cur, curAt = string(m[1]), i+1
		}
	}
	if cur == "" {
		return ""
	}
	// An entry's job ended somewhere in the program (entry.job.cancel()).
	endRe := regexp.MustCompile(`[\w$]+\s*\??\.\s*` + regexp.QuoteMeta(field) + `\s*\??\.\s*(` + endingCalls + `)\s*\(\s*\)`)
	ended := findStatement(endRe, scripts, src)
	if ended == nil {
		return ""
	}
	verb := endRe.FindStringSubmatch(ended.Text)[1]
	// Not ended in this function for the entry it replaces.
	endsCur := regexp.MustCompile(regexp.QuoteMeta(cur) + `\s*\??\.\s*` + regexp.QuoteMeta(field) + `\s*\??\.\s*` + verb + `\s*\(`)
	for i := fn.Line - 1; i < end; i++ {
		if endsCur.Match(lines[i]) {
			return ""
		}
	}
	return fmt.Sprintf("%s:%d sets a new entry for %s in %s over the one looked up at %s:%d (%s), without ending that one's %s as %s:%d does (%s): the %s it replaces stays alive (held where it was registered); call %s.%s.%s() before replacing it (if (%s) %s.%s.%s();)",
		filepath.Base(made.Script), setAt, key, recv, filepath.Base(made.Script), curAt, cur, field, filepath.Base(ended.Script), ended.Line, strings.TrimSuffix(strings.TrimSpace(ended.Text), ";"),
		field, cur, field, verb, cur, cur, field, verb)
}

// replacedEntries: the objects are made into a variable that is set into
// a Map over the entry looked up for the same key, whose own is never
// ended (replacedWithoutEnding): that is the fix.
func (f sourceFacts) replacedEntries(src Sources) {
	if f.pattern != PatternCollection && f.pattern != PatternTimer || src == nil {
		return
	}
	if h := replacedWithoutEnding(*f.added, f.allScripts(src), src); h != "" {
		*f.hint = h
	}
}
