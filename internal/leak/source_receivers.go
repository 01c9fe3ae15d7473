// A registration made per call on a long-lived object (the shared
// S3Client's middlewareStack.add(…) in every upload) where the program
// elsewhere makes the same registration on an object it makes for the
// call (command.middlewareStack.add(…) on the request's own command): that
// one goes away with its object, and is the model for the fix.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// registeringCallRe is a call through a member chain on a variable:
// client.middlewareStack.add( (root, chain).
var registeringCallRe = lazyRE(`^\s*(?:await\s+)?([A-Za-z_$][\w$]*)((?:\s*\.\s*[A-Za-z_$][\w$]*)+)\s*\(`)

// perCallReceiver finds, for the program's registering call added, the
// same call (through the same member chain) on another variable that the
// enclosing function makes with new just above it. The text says so, ""
// when there is none.
func perCallReceiver(added *Statement, scripts []string, src Sources) string {
	if added == nil || src == nil {
		return ""
	}
	m := registeringCallRe.FindStringSubmatch(added.Text)
	if m == nil || strings.Count(m[2], ".") < 2 {
		return "" // (one method on a variable: nothing to route through)
	}
	root, chain := m[1], strings.Join(strings.Fields(m[2]), "")
	same := regexp.MustCompile(`(?:^|[^\w$.])([A-Za-z_$][\w$]*)\s*\.\s*` + dottedRe(strings.TrimPrefix(chain, ".")) + `\s*\(`)
	lives := "which outlives the call"
	if lines, ok := locationLines(&Location{Script: added.Script, Line: added.Line}, src); ok {
		top := regexp.MustCompile(`^(?:export\s+)?(?:const|let|var)\s+` + regexp.QuoteMeta(root) + `\b`)
		for _, l := range lines {
			if top.Match(l) {
				lives = "a module variable, which lives as long as the process"
				break
			}
		}
	}
	var out string
	matchLines(same, programScripts(scripts, src), src, func(sc string, lines [][]byte, i int, loc []int) {
		if out != "" || commentBefore(lines[i], loc[0]) {
			return
		}
		r := string(same.FindSubmatch(lines[i])[1])
		if r == root || r == "this" {
			return
		}
		head := headAbove(lines, i+1, func(k int) bool { return nestedFuncRe.Match(lines[k]) || functionHeadRe.Match(lines[k]) })
		if head < 0 {
			return
		}
		made := regexp.MustCompile(`\b(?:const|let|var)\s+` + regexp.QuoteMeta(r) + `\s*=\s*(?:await\s+)?new\s+`)
		for k := i - 1; k > head; k-- {
			if made.Match(lines[k]) {
				out = fmt.Sprintf("%s:%d registers on %s (%s) at each call; %s:%d makes the same registration on %s, made for its call at line %d (%s), so it goes away with it: register it that way here (on an object made for the call, not on %s)",
					filepath.Base(added.Script), added.Line, root, lives, filepath.Base(sc), i+1, r, k+1, strings.TrimSuffix(clipLine(lines[k]), ";"), root)
				return
			}
		}
	})
	return out
}
