// What is wrong with a sweep's test when the entries it visits stay: the
// test mixes seconds and milliseconds (nowSec - entry.createdAt, where
// createdAt is Date.now()), so it never holds; or it asks for a field that
// starts empty and is set only on some paths (rec.lockedUntil, set once a
// login fails five times), so the entries that never took that path are
// never swept.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// sweepOf is st's test and function when st is a removal under a
// condition in a function a timer runs (the timer's statement, looked for
// in the scripts in); nils otherwise.
func sweepOf(st *Statement, in []string, src Sources) (cond string, fn *Location, timer *Statement) {
	cond = guardCondition(st, src)
	if cond == "" {
		return "", nil, nil
	}
	if lines, head, ok := innerFunction(st, src); ok && inlineTimerRe.Match(lines[head]) {
		// A sweep written in the timer's call: setInterval(() => { … }).
		return cond, &Location{Function: "the sweep", Script: st.Script, Line: head + 1, Column: indentOf(lines[head]) + 1},
			&Statement{Script: st.Script, Line: head + 1, Column: indentOf(lines[head]) + 1, Text: clipLine(lines[head])}
	}
	fn = enclosingFunction(st, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return "", nil, nil
	}
	timer = findStatement(regexp.MustCompile(`\bsetInterval\s*\((?:[^;]*[^\w$.]|\s*)(?:this\s*\.\s*)?`+regexp.QuoteMeta(fn.Function)+`\b`), in, src)
	if timer == nil {
		return "", nil, nil
	}
	return cond, fn, timer
}

// inlineTimerRe is the head of a function written in a setInterval call.
var inlineTimerRe = lazyRE(`\bsetInterval\s*\(\s*(?:async\s*)?(?:\(\s*\)\s*=>|function\s*\w*\s*\(\s*\))\s*\{\s*$`)

// preferSweep is, of the removals re finds (first the first of them), the
// first a timer's sweep runs under a test (every entry passes there), else
// the first that drops an expired entry as it is read (an entry never read
// again stays): those say most about the entries that stay. first when
// there is neither.
func preferSweep(first *Statement, re *regexp.Regexp, scripts []string, src Sources, keep func(string, int) bool) *Statement {
	if first == nil || first.Others == 0 {
		return first
	}
	var sweep, lazy *Statement
	matchStatements(re, scripts, src, keep, func(sc string, lines [][]byte, i int, loc []int) {
		if sweep != nil {
			return
		}
		st := &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i]), Others: first.Others}
		if _, _, t := sweepOf(st, append([]string{sc}, scripts...), src); t != nil {
			sweep = st
		} else if _, ok := lazyExpiry(st, src); ok && lazy == nil && programScript(sc) {
			// (A library's read that drops stale entries runs under
			// its own methods; what the program calls is another's.)
			lazy = st
		}
	})
	switch {
	case sweep != nil:
		return sweep
	case lazy != nil:
		return lazy
	}
	return first
}

// timeUnit is a timestamp's unit: "ms" for Date.now(), "s" for
// Date.now() / 1000 (a JWT's exp), "" when not a timestamp or not known.
type timeUnit string

// dateNowRe is a read of the clock in milliseconds.
var dateNowRe = lazyRE(`\bDate\s*\.\s*now\s*\(\s*\)|\bnew\s+Date\s*\(\s*\)\s*\.\s*(?:getTime|valueOf)\s*\(\s*\)`)

// perThousandRe: divided by a thousand (to seconds).
var perThousandRe = lazyRE(`/\s*(?:1000|1e3)\b`)

// unitOfExpr is the unit of a timestamp expression read off its text.
func unitOfExpr(e string) timeUnit {
	if !dateNowRe.MatchString(e) {
		return ""
	}
	if perThousandRe.MatchString(e) {
		return "s"
	}
	return "ms"
}

// operandRe is a name or member chain in a test (entry.createdAt, nowSec).
var operandRe = lazyRE(`(?:^|[^\w$.])((?:this\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)`)

// jwtSecondsFields are a JSON Web Token's times, in seconds by its RFC.
var jwtSecondsFields = map[string]bool{"exp": true, "iat": true, "nbf": true}

// unitSource is where an operand's unit was read: the expression and its
// place.
type unitSource struct {
	unit timeUnit
	expr string
	at   *Statement
}

// operandUnit is the unit of an operand of the test at st: a local
// declared above it in its function, or a field the program's scripts
// assign (this.createdAt = Date.now(), createdAt: Date.now(), rec.last =
// now where now is Date.now()).
func operandUnit(op string, st *Statement, files []string, src Sources) unitSource {
	op = strings.Join(strings.Fields(op), "")
	if !strings.Contains(op, ".") {
		if d := declaredAbove(op, st, src); d != nil {
			return unitSource{unitOfExpr(d.Text), exprOf(d.Text), d}
		}
		return unitSource{}
	}
	field := op[strings.LastIndexByte(op, '.')+1:]
	q := regexp.QuoteMeta(field)
	re := regexp.MustCompile(`(?:\.\s*` + q + `\s*=[^=>]|(?:^|[{,]\s*)` + q + `\s*:[^:])`)
	var u unitSource
	agree := true
	matchLines(re, files, src, func(sc string, lines [][]byte, i int, loc []int) {
		if !agree {
			return
		}
		rhs := string(lines[i][loc[1]-1:])
		rhs = strings.TrimLeft(rhs, "= :")
		at := &Statement{Script: sc, Line: i + 1, Text: clipLine(lines[i])}
		unit := unitOfExpr(rhs)
		if unit == "" {
			if m := identRe.FindString(strings.TrimRight(strings.TrimSpace(rhs), ";,})")); m != "" && m == strings.TrimRight(strings.TrimSpace(rhs), ";,})") {
				// A local read off the clock above it (now).
				if d := declaredAbove(m, at, src); d != nil {
					unit = unitOfExpr(d.Text)
				}
			}
		}
		if unit == "" {
			return
		}
		if u.unit != "" && u.unit != unit {
			agree = false
			return
		}
		if u.unit == "" {
			u = unitSource{unit, strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rhs), ";,")), at}
		}
	})
	if !agree {
		return unitSource{}
	}
	if u.unit == "" && jwtSecondsFields[field] {
		return unitSource{unit: "s", expr: "a JSON Web Token's " + field + ", in seconds"}
	}
	return u
}

// exprOf is the value a declaration gives (what follows "=").
func exprOf(decl string) string {
	_, e, _ := strings.Cut(decl, "=")
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(e), ";"))
}

// declaredAbove is the declaration of the local name in st's function,
// above st (const nowSec = Math.floor(Date.now() / 1000)); nil when none.
func declaredAbove(name string, st *Statement, src Sources) *Statement {
	if !identRe.MatchString(name) {
		return nil
	}
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return nil
	}
	re := regexp.MustCompile(`\b(?:const|let|var)\s+` + regexp.QuoteMeta(name) + `\s*=[^=]`)
	from := 0
	if fn := functionAbove(st.Script, lines, st.Line); fn != nil {
		from = fn.Line - 1
	}
	for k := st.Line - 1; k >= from; k-- {
		if re.Match(lines[k]) {
			return &Statement{Script: st.Script, Line: k + 1, Text: strings.TrimSpace(string(lines[k]))}
		}
	}
	return nil
}

// unitMismatch says that the test cond at st compares a timestamp in
// seconds with one in milliseconds; "" otherwise.
func unitMismatch(cond string, st *Statement, files []string, src Sources) string {
	var sec, ms *unitSource
	var secOp, msOp string
	if dateNowRe.MatchString(cond) && !perThousandRe.MatchString(cond) {
		ms, msOp = &unitSource{unit: "ms"}, "Date.now()"
	}
	seen := map[string]bool{}
	for _, m := range operandRe.FindAllStringSubmatch(cond, -1) {
		op := strings.Join(strings.Fields(m[1]), "")
		if seen[op] || op == "Date.now" || op == "Date" || strings.HasPrefix(op, "Math.") {
			continue
		}
		seen[op] = true
		u := operandUnit(op, st, files, src)
		switch u.unit {
		case "s":
			if sec == nil {
				sec, secOp = &u, op
			}
		case "ms":
			if ms == nil {
				ms, msOp = &u, op
			}
		}
	}
	if sec == nil || ms == nil {
		return ""
	}
	return fmt.Sprintf("that test compares seconds with milliseconds: %s is in seconds (%s) and %s in milliseconds (%s), so it never holds as meant: put both in one unit at %s:%d",
		secOp, unitWhere(sec), msOp, unitWhere(ms), filepath.Base(st.Script), st.Line)
}

// unitWhere says where an operand's unit was read.
func unitWhere(u *unitSource) string {
	switch {
	case u.at != nil:
		return fmt.Sprintf("%s, %s:%d", u.expr, filepath.Base(u.at.Script), u.at.Line)
	case u.expr != "":
		return u.expr
	}
	return "the clock"
}

// falsyInitRe is a field set to nothing at first (this.lockedUntil = 0).
var falsyInitRe = lazyRE(`^\s*(?:0|null|undefined|false|''|""|void\s+0)\s*;?\s*$`)

// unsetField says that the test cond asks for a field (rec.lockedUntil &&
// ...) which each entry starts without and gets only under a condition
// (if (rec.count >= max) rec.lockedUntil = ...), so entries that never met
// it are never swept; with a field every entry has read off the clock to
// sweep by age on. "" otherwise.
func unsetField(cond string, st *Statement, files []string, src Sources) string {
	for _, term := range strings.Split(cond, "&&") {
		term = strings.TrimSpace(term)
		if !memberChainRe.MatchString(term) || memberChainRe.FindString(term) != term {
			continue // not a bare truth test of a field
		}
		field := term[strings.LastIndexByte(term, '.')+1:]
		recv := term[:strings.LastIndexByte(term, '.')]
		set := regexp.MustCompile(`\.\s*` + regexp.QuoteMeta(field) + `\s*=[^=>]`)
		var init, guarded *Statement
		var guard string
		ok := true
		matchLines(set, files, src, func(sc string, lines [][]byte, i int, loc []int) {
			if !ok {
				return
			}
			at := &Statement{Script: sc, Line: i + 1, Text: clipLine(lines[i])}
			rhs := string(lines[i][loc[1]-1:])
			if falsyInitRe.MatchString(rhs) {
				if init == nil {
					init = at
				}
				return
			}
			g := guardCondition(at, src)
			if g == "" || guarded != nil {
				ok = false // set on every path, or in more than one place
				return
			}
			guarded, guard = at, g
		})
		if !ok || init == nil || guarded == nil {
			continue
		}
		text := fmt.Sprintf("%s starts empty (%s:%d: %s) and is set only when %s (%s:%d), so an entry that never got there is never swept",
			term, filepath.Base(init.Script), init.Line, strings.TrimSuffix(strings.TrimSpace(init.Text), ";"), guard, filepath.Base(guarded.Script), guarded.Line)
		if age := clockField(init, src); age != "" && age != field {
			text += fmt.Sprintf(": sweep by age too at %s:%d: take out an entry whose %s.%s (which every entry has) is older than its lifetime, unless %s still holds it", filepath.Base(st.Script), st.Line, recv, age, term)
		} else {
			text += fmt.Sprintf(": sweep by age too at %s:%d, on a time every entry has", filepath.Base(st.Script), st.Line)
		}
		return text
	}
	return ""
}

// clockField is a field that the constructor around init reads off the
// clock (this.first = Date.now()); "" when none.
func clockField(init *Statement, src Sources) string {
	lines, ok := locationLines(&Location{Script: init.Script, Line: init.Line}, src)
	if !ok {
		return ""
	}
	fn := functionAbove(init.Script, lines, init.Line)
	if fn == nil {
		return ""
	}
	re := regexp.MustCompile(`\bthis\s*\.\s*([A-Za-z_$][\w$]*)\s*=\s*` + dateNowRe.pat)
	end := min(bodyEnd(lines, fn.Line), len(lines))
	for k := fn.Line; k < end; k++ {
		if m := re.FindSubmatch(lines[k]); m != nil {
			return string(bytes.TrimSpace(m[1]))
		}
	}
	return ""
}

// sweepFault is what is wrong with the test of a timer's sweep at st whose
// entries stay (unitMismatch, unsetField); "" when nothing is found.
func sweepFault(st *Statement, files []string, src Sources) string {
	cond := guardCondition(st, src)
	if cond == "" {
		return ""
	}
	if u := unitMismatch(cond, st, files, src); u != "" {
		return u
	}
	if u := unsetField(cond, st, files, src); u != "" {
		return u
	}
	return bypassedSetter(cond, st, files, src)
}

// bypassedSetter says that the field the sweep's test cond reads
// (progress.finishedAt) is set by one function only (settle()), and a
// line elsewhere marks an entry ended (progress.state = 'aborted') in a
// function that neither calls it nor sets the field: those entries are
// never swept. "" otherwise.
func bypassedSetter(cond string, st *Statement, files []string, src Sources) string {
	for _, term := range memberChainRe.FindAllString(cond, -1) {
		field := term[strings.LastIndexByte(term, '.')+1:]
		set := regexp.MustCompile(`\.\s*` + regexp.QuoteMeta(field) + `\s*=[^=>]`)
		var setter *Location
		var at *Statement
		ok := true
		matchLines(set, files, src, func(sc string, lines [][]byte, i int, loc []int) {
			if !ok || commentBefore(lines[i], loc[0]) || falsyInitRe.Match(lines[i][loc[1]-1:]) {
				return
			}
			fn := functionAbove(sc, lines, i+1)
			switch {
			case fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor":
				ok = false
			case setter == nil:
				setter, at = fn, &Statement{Script: sc, Line: i + 1, Text: clipLine(lines[i])}
			case setter.Script != sc || setter.Line != fn.Line:
				ok = false // set in more than one function
			}
		})
		if !ok || setter == nil {
			continue
		}
		calls := callsRe(setter.Function)
		var marked *Statement
		matchLines(endedStateRe.get(), files, src, func(sc string, lines [][]byte, i int, loc []int) {
			if marked != nil || commentBefore(lines[i], loc[0]) {
				return
			}
			from, to := enclosingLines(sc, lines, i, src)
			if from == 0 && to == len(lines) {
				return
			}
			for k := from; k < to; k++ {
				if calls.Match(lines[k]) || set.Match(lines[k]) {
					return // it settles, or sets the field itself
				}
			}
			marked = &Statement{Script: sc, Line: i + 1, Text: clipLine(lines[i])}
		})
		if marked == nil {
			continue
		}
		text := fmt.Sprintf("%s:%d marks an entry ended (%s) without %s(), the only function that sets %s (%s:%d), which the sweep at %s:%d waits for: entries ended there are never swept; call %s() there instead",
			filepath.Base(marked.Script), marked.Line, strings.TrimSuffix(strings.TrimSpace(marked.Text), ";"), setter.Function, field,
			filepath.Base(at.Script), at.Line, filepath.Base(st.Script), st.Line, setter.Function)
		if c := findStatementWhere(calls, []string{marked.Script}, src, func(sc string, line int) bool { return line != setter.Line || sc != setter.Script }); c != nil {
			text += fmt.Sprintf(", as line %d does (%s)", c.Line, strings.TrimSuffix(strings.TrimSpace(c.Text), ";"))
		}
		return text
	}
	return ""
}

// ageAdvice is the sweep an ever-growing collection is missing when its
// entries record when they were made (issued: Date.now(), this.builtAt =
// Date.now()) and no line of the program compares that time: entries of
// clients that never reach the removal (a visitor who leaves, a session
// that lapses) are kept for good, and that field is what to expire them
// by. "" when no such field is found, or one is compared somewhere.
func ageAdvice(added *Statement, class string, files []string, src Sources) string {
	at, field := entryClock(added, class, files, src)
	if at == nil {
		return ""
	}
	if findStatement(ageTestRe.get(), files, src) != nil {
		// The program tests an age somewhere (a reaper by finishedAt):
		// where that misses is the question, not a sweep to add.
		return ""
	}
	return fmt.Sprintf("entries that never get there (a client who leaves, a session that lapses, a job nobody collects) stay too; each records when it was made (%s, %s:%d), and no line of the program tests an age: sweep those older than their lifetime on a timer, or keep them in a cache with a TTL",
		field+" = Date.now()", filepath.Base(at.Script), at.Line)
}

// ageTestRe is a test of an age against the clock: now - job.finishedAt,
// entry.expires < Date.now().
var ageTestRe = lazyRE(`(?:\bnow\b|Date\s*\.\s*now\s*\(\s*\))\s*-\s*[A-Za-z_$][\w$.]*|[A-Za-z_$][\w$.]*\s*[<>]=?\s*(?:\bnow\b|Date\s*\.\s*now\s*\(\s*\))`)

// clockPropRe is a property read off the clock in an object literal
// (issued: Date.now()); clockFieldRe the same in a constructor.
var (
	clockPropRe  = lazyRE(`(?:^|[{,]\s*)([A-Za-z_$][\w$]*)\s*:\s*Date\s*\.\s*now\s*\(\s*\)`)
	clockFieldRe = lazyRE(`\bthis\s*\.\s*([A-Za-z_$][\w$]*)\s*=\s*Date\s*\.\s*now\s*\(\s*\)`)
	newClassRe   = lazyRE(`\bnew\s+([A-Z][\w$]*)\s*\(`)
)

// entryClock is the statement that gives an entry its time of making and
// the field: an object literal's property in the function that adds
// (above the add), or the constructor of the entries' class (the
// suspect's, or one the adding function makes with new).
func entryClock(added *Statement, class string, files []string, src Sources) (*Statement, string) {
	if added == nil || !programScript(added.Script) {
		return nil, ""
	}
	lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src)
	if !ok {
		return nil, ""
	}
	classes := []string{}
	if identRe.MatchString(class) {
		classes = append(classes, class)
	}
	if fn := functionAbove(added.Script, lines, added.Line); fn != nil {
		for k := fn.Line - 1; k < added.Line; k++ {
			if m := clockPropRe.FindStringSubmatch(string(lines[k])); m != nil {
				return &Statement{Script: added.Script, Line: k + 1, Text: strings.TrimSpace(string(lines[k]))}, m[1]
			}
			for _, m := range newClassRe.FindAllSubmatch(lines[k], -1) {
				classes = append(classes, string(m[1]))
			}
		}
	}
	for _, c := range classes {
		head := findStatement(regexp.MustCompile(`^\s*(?:export\s+)?class\s+`+regexp.QuoteMeta(c)+`\b`), files, src)
		if head == nil {
			continue
		}
		cl, ok := locationLines(&Location{Script: head.Script, Line: head.Line}, src)
		if !ok {
			continue
		}
		for k := head.Line; k < min(bodyEnd(cl, head.Line), len(cl)); k++ {
			if m := clockFieldRe.FindStringSubmatch(string(cl[k])); m != nil {
				return &Statement{Script: head.Script, Line: k + 1, Text: strings.TrimSpace(string(cl[k]))}, m[1]
			}
		}
	}
	return nil, ""
}

// guardedCalls says that every call of the removal's function runs under
// a test or in a catch, and at least one under a test (if (result.ok)
// finish(op) … catch (e) { finish(op, e) }): a call that fails without
// throwing (a result with ok false, an error returned as a value) takes
// neither. "" otherwise.
func guardedCalls(st *Statement, files []string, src Sources) string {
	fn := enclosingFunction(st, src)
	if fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" || len(files) == 0 {
		return ""
	}
	calls := slices.DeleteFunc(callSites(fn, files, src), func(c *Statement) bool { return c.Script == st.Script && c.Line == st.Line })
	if len(calls) == 0 || len(calls) > maxCallers {
		return ""
	}
	var parts []string
	tested, caught := false, false
	for _, c := range calls {
		if g := guardCondition(c, src); g != "" {
			tested = true
			parts = append(parts, fmt.Sprintf("at %s:%d only when %s", filepath.Base(c.Script), c.Line, g))
		} else if inCatch(c, src) {
			caught = true
			parts = append(parts, fmt.Sprintf("at %s:%d in a catch", filepath.Base(c.Script), c.Line))
		} else {
			return "" // one runs unguarded
		}
	}
	switch {
	case !tested:
		return ""
	case !caught:
		// Only tests: the entries none of them lets through stay.
		return fmt.Sprintf("%s() runs %s: an entry for which that never holds stays; make every entry reach it, or take the others out another way (when their work ends, or by age)",
			fn.Function, andList(parts))
	}
	return fmt.Sprintf("%s() runs %s: a call that fails without throwing (a result with ok false, an error returned as a value, as tRPC's next() and fetch() give) takes none of them, so its entry stays; call it on every outcome (in a finally, or with the error when the result is not ok)",
		fn.Function, andList(parts))
}

// inCatch: st is in a catch block (the nearest block head above it).
func inCatch(st *Statement, src Sources) bool {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return false
	}
	k := headAbove(lines, st.Line, func(int) bool { return true })
	return k >= 0 && catchRe.Match(lines[k])
}
