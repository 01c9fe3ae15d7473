// The program's line that gives a value its value: a metric label's (on
// the adding statement, around it, or where its timer stops) and an
// object field's made per call, for keys that are all new.

package leak

import "regexp"

// labelSetAt is the program's line that gives label its value: on the
// adding statement or the few lines around it (an object of labels
// written over several lines), or the call that stops the timer the
// adding statement started (stop); nil when none.
func labelSetAt(label string, added *Statement, src Sources) (st *Statement, stop bool) {
	if added == nil || src == nil {
		return nil, false
	}
	lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src)
	if !ok || added.Line > len(lines) {
		return nil, false
	}
	re := regexp.MustCompile(`(?:^|[^\w$.])['"]?` + regexp.QuoteMeta(label) + `['"]?\s*:|[{,]\s*` + regexp.QuoteMeta(label) + `\s*[,}]`)
	at := func(i int) *Statement {
		if m := re.FindIndex(lines[i]); m != nil && !commentBefore(lines[i], m[0]) {
			return &Statement{Script: added.Script, Line: i + 1, Column: m[0] + 1, Text: clipLine(lines[i])}
		}
		return nil
	}
	for _, k := range []int{0, 1, -1, 2, -2, 3, -3} {
		if i := added.Line - 1 + k; i >= 0 && i < len(lines) {
			if st := at(i); st != nil {
				return st, false
			}
		}
	}
	// A timer's labels come when it is stopped: const end =
	// histogram.startTimer({method}) … end({route: req.url}), further down
	// the same function.
	if m := timerStartRe.FindStringSubmatch(added.Text); m != nil {
		call := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(m[1]) + `\s*\(`)
		if _, head, ok := innerFunction(added, src); ok {
			for i := added.Line; i < bodyEnd(lines, head+1) && i < len(lines); i++ {
				if call.Match(lines[i]) {
					if st := at(i); st != nil {
						return st, true
					}
				}
			}
		}
	}
	return nil, false
}

// timerStartRe: a metric's timer kept in a variable to stop it later
// (prom-client's startTimer, whose returned function takes more labels).
var timerStartRe = lazyRE(`\b(?:const|let|var)\s+([\w$]+)\s*=\s*[\w$.]*\.startTimer\s*\(`)

// fieldSetAt is the program's line that sets an object's field to a value
// made per call: a template literal with a substitution, a concatenation,
// or a call (label: `order ${req.id}`, id: randomUUID()); nil when there
// is not exactly one such line.
func fieldSetAt(field string, scripts []string, src Sources) *Statement {
	re := regexp.MustCompile(`(?:^|[{,\s])['"]?` + regexp.QuoteMeta(field) + `['"]?\s*:\s*(?:` + "`[^`\\n]*\\$\\{" + `|[\w$.]+\s*\+|['"][^'"\n]*['"]\s*\+|[\w$.]*(?:uuid|UUID|now|random|Id)\w*\s*\()`)
	st := findStatement(re, scripts, src)
	if st == nil || st.Others > 0 {
		return nil
	}
	return st
}
