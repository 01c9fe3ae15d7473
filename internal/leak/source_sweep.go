// A sweep the class has and this instance never runs: the class takes
// expired entries out on a timer that its constructor starts only when an
// option asks for one (if (sweepMs > 0) setInterval(() => this.sweep(),
// sweepMs)), and the program made the leaking instance without it. The fix
// is that option at that instance's line, as another instance may already
// pass it.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// guardedTimerRe: a timer started on a method or function of the class
// (setInterval(() => this.sweep(), ms), setInterval(this.prune.bind(this))).
var guardedTimerRe = lazyRE(`\bset(?:Interval|Timeout)\s*\(\s*(?:\(\s*\)\s*=>\s*)?(?:this\s*\.\s*)?([A-Za-z_$][\w$]*)\s*[.(]`)

// optionGuardRe: the condition a constructor starts that timer under, on
// one of its options (if (sweepMs > 0), if (opts.sweepMs)).
var optionGuardRe = lazyRE(`\bif\s*\(\s*(?:[\w$]+\s*\.\s*)?([A-Za-z_$][\w$]*)\b`)

// optionalSweep is the fix when one of the holder's removals runs only on
// a timer its class starts behind an option, and the holder's instance is
// made without that option; "" otherwise.
func optionalSweep(h *Holder, files func() []string, src Sources) string {
	re := removesPattern(h)
	if h == nil || re == nil || files == nil || h.Owner == "" || !identRe.MatchString(h.OwnerName) {
		return ""
	}
	// The class's script: where the holder is removed from in a method
	// a guarded timer runs.
	var guard *Statement
	option := ""
	matchStatements(re, files(), src, nil, func(sc string, lines [][]byte, i int, _ []int) {
		if option != "" {
			return
		}
		fn := enclosingFunction(&Statement{Script: sc, Line: i + 1}, src)
		if fn == nil || !identRe.MatchString(fn.Function) {
			return
		}
		for k, l := range lines {
			m := guardedTimerRe.FindSubmatch(l)
			if m == nil || string(m[1]) != fn.Function || commentBefore(l, bytes.Index(l, m[0])) {
				continue
			}
			// Its guard: the block head just above it.
			for j := k - 1; j >= 0 && j >= k-3; j-- {
				if indentOf(lines[j]) < indentOf(l) {
					if g := optionGuardRe.FindSubmatch(lines[j]); g != nil {
						option = string(g[1])
						guard = &Statement{Script: sc, Line: j + 1, Text: clipLine(lines[j])}
					}
					break
				}
			}
			return
		}
	})
	if option == "" {
		return ""
	}
	made, args, ok := instanceCall(h.OwnerName, files, src)
	if !ok || regexp.MustCompile(`\b`+regexp.QuoteMeta(option)+`\b`).MatchString(args) {
		return ""
	}
	text := strings.TrimSuffix(strings.TrimSpace(made.Text), ";")
	fix := fmt.Sprintf("%s:%d makes %s without %s (%s), and %s takes expired entries out on a timer only when given one (%s:%d: %s): pass %s there",
		filepath.Base(made.Script), made.Line, h.OwnerName, option, text, h.Owner, filepath.Base(guard.Script), guard.Line, strings.TrimSpace(strings.TrimSuffix(guard.Text, "{")), option)
	// Another instance that passes it, as an example.
	withOpt := regexp.MustCompile(`\bnew\s+` + regexp.QuoteMeta(h.Owner) + `\s*\([^\n]*\b` + regexp.QuoteMeta(option) + `\s*:`)
	if other := findStatement(withOpt, files(), src); other != nil {
		fix += fmt.Sprintf(", as %s:%d does", filepath.Base(other.Script), other.Line)
	}
	return fix
}
