// A sweep by age: a timer's sweep that takes out the entries older than
// a cutoff made from the clock (cutoff = Date.now() - DEDUPE_MS), when
// each entry got its time when it was added. Such a Map holds what the
// last DEDUPE_MS added: it levels off once the program has run that long.

package leak

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// cutoffRe is a cutoff made from the clock: cutoff = Date.now() - TTL.
var cutoffRe = lazyRE(`\b([A-Za-z_$][\w$]*)\s*=\s*Date\s*\.\s*now\s*\(\s*\)\s*-\s*([A-Za-z_$][\w$.]*|[\d_][\d_\s*]*)`)

// sweepAge is the age (ms) past which a sweep takes entries out, when its
// condition compares them with a cutoff made just above from the clock
// (cutoff = Date.now() - DEDUPE_MS; if (at < cutoff)) and that age is a
// product of numbers, written there or in a constant of the script.
func sweepAge(st *Statement, cond string, src Sources) (float64, bool) {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return 0, false
	}
	for k := st.Line - 1; k >= 0 && k >= st.Line-1-6; k-- {
		m := cutoffRe.FindSubmatch(lines[k])
		if m == nil || !regexp.MustCompile(`(?:^|[^\w$.])`+regexp.QuoteMeta(string(m[1]))+`\b`).MatchString(cond) {
			continue
		}
		if !clockAtAdd(cond, string(m[1]), lines, st.Line-1) {
			// Compared with a time set later (a finishedAt set only when
			// the work settles), not with when the entry was added: an
			// entry that never gets it is never swept.
			return 0, false
		}
		expr := string(m[2])
		if identRe.MatchString(expr) {
			def := regexp.MustCompile(`\b(?:const|let|var)\s+` + regexp.QuoteMeta(expr) + `\s*=\s*([\d_][\d_\s*]*)`)
			expr = ""
			for _, l := range lines {
				if d := def.FindSubmatch(l); d != nil {
					expr = string(d[1])
					break
				}
			}
		}
		return productOf(expr)
	}
	return 0, false
}

// clockAtAdd: cond compares cutoff with a time the entry got when it was
// added: the value of a Map iterated on line i whose set() stores
// Date.now() (for (const [id, at] of seen) … seen.set(id, Date.now())),
// or a field set to Date.now() in an object literal or a constructor of
// the script (startedAt: Date.now()).
func clockAtAdd(cond, cutoff string, lines [][]byte, i int) bool {
	m := regexp.MustCompile(`^\s*([\w$.]+)\s*<=?\s*` + regexp.QuoteMeta(cutoff) + `\s*$|^\s*` + regexp.QuoteMeta(cutoff) + `\s*>=?\s*([\w$.]+)\s*$`).FindStringSubmatch(cond)
	if m == nil {
		return false
	}
	operand := m[1] + m[2]
	if identRe.MatchString(operand) {
		loop := regexp.MustCompile(`\bfor\s*\(\s*(?:const|let|var)\s*\[\s*[\w$]+\s*,\s*` + regexp.QuoteMeta(operand) + `\s*\]\s*of\s*((?:this\s*\.\s*)?[\w$]+)`).FindSubmatch(lines[i])
		if loop == nil {
			return false
		}
		set := regexp.MustCompile(dottedRe(strings.Join(strings.Fields(string(loop[1])), "")) + `\s*\.\s*set\s*\([^,]+,\s*` + dateNowRe.get().String() + `\s*\)`)
		for _, l := range lines {
			if set.Match(l) {
				return true
			}
		}
		return false
	}
	field := operand[strings.LastIndexByte(operand, '.')+1:]
	literal := regexp.MustCompile(`(?:^|[{,\s])` + regexp.QuoteMeta(field) + `\s*:\s*(?:` + dateNowRe.get().String() + `)`)
	assigned := regexp.MustCompile(`\bthis\s*\.\s*` + regexp.QuoteMeta(field) + `\s*=\s*(?:` + dateNowRe.get().String() + `)`)
	for k, l := range lines {
		if literal.Match(l) {
			return true
		}
		if assigned.Match(l) {
			if fn := functionAbove("", lines, k+1); fn != nil && fn.Function == "constructor" {
				return true
			}
		}
	}
	return false
}

// productOf evaluates "10 * 60 * 1000" (numbers, underscores, *).
func productOf(expr string) (float64, bool) {
	expr = strings.TrimSpace(strings.ReplaceAll(expr, "_", ""))
	if expr == "" {
		return 0, false
	}
	v := 1.0
	for _, f := range strings.Split(expr, "*") {
		n, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return 0, false
		}
		v *= n
	}
	return v, v > 0
}

// fmtAge is an age in ms as people say it: 10 min, 45 s, 2 h.
func fmtAge(ms float64) string {
	switch {
	case ms >= 3_600_000 && int64(ms)%3_600_000 == 0:
		return fmt.Sprintf("%d h", int64(ms)/3_600_000)
	case ms >= 60_000 && int64(ms)%60_000 == 0:
		return fmt.Sprintf("%d min", int64(ms)/60_000)
	case ms >= 1000:
		return strconv.FormatFloat(ms/1000, 'f', -1, 64) + " s"
	}
	return strconv.FormatFloat(ms, 'f', -1, 64) + " ms"
}
