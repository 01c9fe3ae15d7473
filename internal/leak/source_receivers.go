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

// releaseModel finds, for the program's registering call added whose
// return is thrown away (retryPolicy.onRetry((event) => …) as a
// statement), a registration on the same receiver elsewhere whose return
// the program keeps and releases (const giveUp = retryPolicy.onGiveUp(…);
// … giveUp.dispose()): the model for the fix. "" when there is none.
func releaseModel(added *Statement, scripts []string, src Sources) string {
	if added == nil || src == nil {
		return ""
	}
	m := registeringCallRe.FindStringSubmatch(added.Text)
	if m == nil {
		return ""
	}
	chain := strings.Join(strings.Fields(m[2]), "")
	recv := m[1] + chain[:strings.LastIndexByte(chain, '.')]
	kept := regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?` + dottedRe(recv) + `\s*\.\s*([A-Za-z_$][\w$]*)\s*\(`)
	var out string
	matchLines(kept, programScripts(scripts, src), src, func(sc string, lines [][]byte, i int, loc []int) {
		if out != "" || commentBefore(lines[i], loc[0]) || sc == added.Script && i+1 == added.Line {
			return
		}
		k := kept.FindSubmatch(lines[i])
		v, method := string(k[1]), string(k[2])
		release := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(v) + `\s*(?:\.\s*(?:` + releaseVerbs + `)\s*\(|\(\s*\))`)
		_, head, ok := innerFunction(&Statement{Script: sc, Line: i + 1}, src)
		if !ok {
			return
		}
		for j := i + 1; j < min(bodyEnd(lines, head+1), len(lines)); j++ {
			if release.Match(lines[j]) && !commentLine(lines[j]) {
				in := ""
				if fn := functionAbove(sc, lines, i+1); fn != nil && identRe.MatchString(fn.Function) {
					in = fn.Function + "() "
				}
				out = fmt.Sprintf("keep what %s returns and release it when the call is done, as %sdoes with %s: %s:%d keeps it (%s), %s:%d releases it (%s)",
					strings.TrimSuffix(strings.TrimSpace(m[1]+chain), "."), in, method, filepath.Base(sc), i+1, strings.TrimSuffix(clipLine(lines[i]), ";"),
					filepath.Base(sc), j+1, strings.TrimSuffix(clipLine(lines[j]), ";"))
				if inFinallyBlock(lines, head, j) {
					out += ", in a finally, so no way out skips it"
				}
				return
			}
		}
	})
	return out
}
