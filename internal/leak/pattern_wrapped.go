// Pattern wrapped hook: a function slot (a library's hook such as
// preact's options.vnode, a shared object's method such as res.end or
// console.log) that each call sets to a new closure keeping the one
// before it, so it can call that one too. When the old one is not put
// back, every call adds a link: the closures form a chain, every link is
// still called and keeps what it collects.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// wrapChain: the leaked closures keep one another, each the one set
// before it, through one variable of its scope.
type wrapChain struct {
	variable string // the scope's variable that keeps the previous one ("prev")
	depth    int    // links seen from the path's top down through the representative
	// inner is a collection each link fills (the tags Array a head-tag
	// hook collects into), folded into this suspect: its add is named.
	inner *chainCollection
}

// chainCollection is a growing collection held inside a path suspect's
// objects (growingCollections found it; insidePathSuspect folded it).
type chainCollection struct {
	holder  *Holder
	class   string
	path    []PathStep
	scripts []string
}

// minChain: fewer links are a hook wrapped once or twice by design (a
// framework's own wrapper around the program's).
const minChain = 3

// wrapChain reads the chain off the representative's path and on down
// from it: closure → {context} → Context → ->prev → closure of the same
// code (one SharedFunctionInfo). nil when the links are fewer than minChain.
func (x *explainer) wrapChain(rep uint32, raw []rawStep) *wrapChain {
	g := x.g
	closure := g.S.NodeTypeIndex.Closure
	if int(g.S.NodeType[rep]) != closure {
		return nil
	}
	shared, ok := g.EdgeNamed(rep, "shared")
	if !ok {
		return nil
	}
	same := func(v uint32) bool {
		if int(g.S.NodeType[v]) != closure {
			return false
		}
		sh, ok := g.EdgeNamed(v, "shared")
		return ok && sh == shared
	}
	variable, links := "", 0
	for k := 0; k+2 < len(raw); k++ {
		if !same(raw[k].node) || raw[k+1].edgeType != "internal" || raw[k+1].edgeName != "context" ||
			raw[k+2].edgeType != "context" || !same(raw[k+2].node) {
			continue
		}
		if variable != "" && raw[k+2].edgeName != variable {
			continue
		}
		variable = raw[k+2].edgeName
		links++
	}
	// Down from the representative: the ones it keeps.
	v := rep
	for steps := 0; steps < 1<<16; steps++ {
		ctx, ok := g.EdgeNamed(v, "context")
		if !ok {
			break
		}
		next, found := uint32(0), false
		for e, to := range g.Edges(ctx) {
			if g.S.EdgeTypeName(e) != "context" || !same(to) || to == v {
				continue
			}
			if name := g.S.EdgeName(e); variable == "" || name == variable {
				variable, next, found = name, to, true
				break
			}
		}
		if !found {
			break
		}
		links++
		v = next
	}
	if links+1 < minChain {
		return nil
	}
	return &wrapChain{variable: variable, depth: links + 1}
}

// wrapChainHint is the fix without the program's source: what the chain
// means and the two ways out.
func wrapChainHint(s *Suspect, per string) string {
	c := s.chain
	fn := strings.TrimSuffix(s.RootClass, "()")
	if l := s.Location; l != nil && l.Function != "" {
		fn = l.Function
	}
	return fmt.Sprintf("each %s() keeps the one made before it (variable %s), %s: a hook or method is wrapped again on every call and the previous one is never put back, so every link stays and still runs: wrap it once, at startup, or put the previous one back when the call is done (in a finally block, so a throw does not skip it)",
		fn, c.variable, c.text(per))
}

// text is the chain's length, and the closures' count range (per).
func (c *wrapChain) text(per string) string {
	t := fmt.Sprintf("a chain at least %d deep", c.depth)
	if n := strings.TrimSuffix(strings.TrimPrefix(per, " ("), ")"); n != "" {
		t += " (" + n + " of them)"
	}
	return t
}

// hookSetRe is a line that sets a property to a function: the hook
// (target) each call wraps.
var hookSetRe = lazyRE(`^\s*((?:[\w$]+\s*\.\s*)+[\w$]+)\s*=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[\w$]+\s*=>)`)

// wrappedHook names the program's line that wraps the hook (the code line
// of the closures) and what it misses: the line that puts the previous
// one back, where it is outside a finally (a throw between skips it), or
// its absence. False when the code line is not such an assignment.
func (f sourceFacts) wrappedHook(src Sources) bool {
	c, loc := f.chain, *f.loc
	lines, ok := locationLines(loc, src)
	if !ok {
		return false
	}
	i := loc.Line - 1
	m := hookSetRe.FindSubmatch(lines[i])
	if m == nil {
		return false
	}
	target := string(bytes.Join(bytes.Fields(m[1]), nil))
	set := &Statement{Script: loc.Script, Line: loc.Line, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}
	*f.added = set
	base := filepath.Base(loc.Script)
	fn := "a new " + loc.Function + "()"
	if loc.Function == "" || strings.HasPrefix(loc.Function, "(") {
		fn = "a new function"
	}
	what := fmt.Sprintf("%s:%d sets %s to %s on every call, which keeps the previous one (variable %s) and calls it: the hooks form %s, and every link still runs",
		base, loc.Line, target, fn, c.variable, c.text(f.per))
	if in := c.inner; in != nil {
		if st := addedAt(in.holder, in.class, in.path, in.scripts, src); st != nil {
			what += fmt.Sprintf(" and keeps what it collects (%s, added at %s:%d: %s)", holderWhat(in.holder), filepath.Base(st.Script), st.Line, strings.TrimSuffix(st.Text, ";"))
		}
	}
	// The function around the assignment: its restore, after the
	// closure's body.
	head := headAbove(lines, loc.Line, func(k int) bool {
		return nestedFuncRe.Match(lines[k]) || functionHeadRe.Match(lines[k])
	})
	end := len(lines)
	if head >= 0 {
		end = min(bodyEnd(lines, head+1), len(lines))
	}
	from := min(bodyEnd(lines, i+1), end)
	restore := regexp.MustCompile(`^\s*` + dottedRe(target) + `\s*=\s*` + regexp.QuoteMeta(c.variable) + `\s*;?\s*(?://.*)?$`)
	for r := from; r < end; r++ {
		if !restore.Match(lines[r]) {
			continue
		}
		if inFinallyBlock(lines, head, r) {
			// Put back on every way out: the chain grows some other
			// way (the restore runs before a later wrap, out of order).
			*f.hint = what + fmt.Sprintf("; %s:%d puts the previous one back in a finally block, yet the chain grows: a call that wraps it again before an earlier call is done (concurrent async calls) restores the wrong one; wrap it once, at startup, and keep per-call state out of the hook", base, r+1)
			return true
		}
		call := ""
		for k := from; k < r; k++ {
			if callRe.Match(lines[k]) && !commentLine(lines[k]) {
				call = fmt.Sprintf(" from %s:%d (%s)", base, k+1, strings.TrimSuffix(clipLine(lines[k]), ";"))
				break
			}
		}
		*f.hint = what + fmt.Sprintf("; %s:%d puts the previous one back (%s), but only when the lines before it return: a throw%s skips it, and the hook it leaves in place is never taken out: put it back in a finally block (try { … } finally { %s = %s; })",
			base, r+1, strings.TrimSuffix(clipLine(lines[r]), ";"), call, target, c.variable)
		return true
	}
	*f.hint = what + fmt.Sprintf("; nothing puts the previous one back: set the hook once, at startup, or restore it when each call is done (%s = %s, in a finally block)", target, c.variable)
	return true
}

// callRe is a line that calls something (which may throw).
var callRe = lazyRE(`[\w$)\]]\s*\(`)

// dottedRe matches a dotted name with any spaces around its dots.
func dottedRe(name string) string {
	parts := strings.Split(name, ".")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return strings.Join(parts, `\s*\.\s*`)
}

// inFinallyBlock: line r (0-based) is inside a finally block of the
// function whose head is line head (0-based; -1 for a module's top level).
func inFinallyBlock(lines [][]byte, head, r int) bool {
	depth := indentOf(lines[r])
	for k := r - 1; k > head && k >= 0; k-- {
		l := lines[k]
		if len(bytes.TrimSpace(l)) == 0 || indentOf(l) >= depth {
			continue
		}
		if finallyRe.Match(l) {
			return true
		}
		depth = indentOf(l)
	}
	return false
}
