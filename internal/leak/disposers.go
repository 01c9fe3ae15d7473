// Disposal methods: a library's object that stays alive through its own
// timers, listeners or intervals is let go by its own method (an xstate
// actor's stop(), an opossum breaker's shutdown()). Its prototype chain in
// the heap says which one its class has, so the hint can name it.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// disposalMethods, most specific first.
var disposalMethods = []string{"dispose", "destroy", "stop", "shutdown", "close", "cancel", "abort", "unsubscribe", "terminate", "disconnect"}

// maxProtoDepth bounds the walk up v's prototype chain (a class, its
// bases, Object.prototype).
const maxProtoDepth = 5

// disposer names the disposal method v's class (or a base class) defines
// in the program's or a library's code, "" when none: node's own (a
// Timeout's close()) and built-ins have their own hints.
func (x *explainer) disposer(v uint32) string {
	g := x.g
	s := g.S
	nt := &s.NodeTypeIndex
	if int(s.NodeType[v]) != nt.Object {
		return ""
	}
	best := len(disposalMethods)
	for depth := 0; depth < maxProtoDepth && best > 0; depth++ {
		proto, ok := g.Prototype(v)
		if !ok || int(s.NodeType[proto]) != nt.Object {
			break
		}
		for e, to := range g.Edges(proto) {
			if int(s.NodeType[to]) != nt.Closure || s.EdgeTypeName(e) != "property" {
				continue
			}
			name := s.EdgeName(e)
			for i := 0; i < best; i++ {
				if disposalMethods[i] == name && userLocation(x.closureLocation(to)) {
					best = i
					break
				}
			}
		}
		v = proto
	}
	if best == len(disposalMethods) {
		return ""
	}
	return disposalMethods[best]
}

// disposerHint is what to add to the hint of a suspect whose objects
// (class) have the disposal method m.
func disposerHint(class, m string) string {
	return fmt.Sprintf("; %s has %s %s() method: call it on each one you are done with or evict, or its own timers and listeners can keep it alive", class, article(m), m)
}

// disposerHintRe finds disposerHint's text in a hint: the class, the method.
var disposerHintRe = regexp.MustCompile(`; (\S+) has an? ([\w$]+)\(\) method: call it on each one you are done with or evict, or its own timers and listeners can keep it alive`)

// undoAdvice is what to check when the disposal method is called and the
// objects stay.
const undoAdvice = "check what it fails to undo (removeListener with the very function that was added: a new .bind() or arrow is another function; a delete from every Map or Set that holds them)"

// calledDisposer rewrites a hint's disposal advice when the program's
// scripts already call that method: calling it is not the fix, what it
// fails to undo is (a listener removed with a new .bind(), which is
// another function; a collection it does not delete from).
func calledDisposer(hint string, own []string, src Sources) string {
	m := disposerHintRe.FindStringSubmatch(hint)
	if m == nil || src == nil {
		return hint
	}
	st := findStatement(regexp.MustCompile(`\.\s*`+regexp.QuoteMeta(m[2])+`\s*\(`), own, src)
	if st == nil {
		return hint
	}
	return strings.Replace(hint, m[0], fmt.Sprintf("; %s has %s %s() method and the program calls it (%s:%d: %s), yet they stay: %s",
		m[1], article(m[2]), m[2], st.Script, st.Line, strings.TrimSuffix(st.Text, ";"), undoAdvice), 1)
}

// freshRemovalRe matches removing a listener that the call itself makes:
// removeListener(ev, this.onMessage.bind(this)), off(ev, () => …). A new
// function was never added, so nothing is removed.
var freshRemovalRe = regexp.MustCompile(`\.\s*(?:removeListener|off|removeEventListener)\s*\(\s*[^,()]+,\s*((?:[\w$.]+\s*\.\s*bind\s*\([^()]*\))|(?:async\s+)?(?:\([^()]*\)|[A-Za-z_$][\w$]*)\s*=>|function\b)`)

// freshRemoval rewrites an event-listener suspect's fix when the
// program removes its listeners with a function made in the removing
// call: that is the line to change. It also returns the statement that
// adds them (the same receiver and event, .on), nil when not found.
func freshRemoval(hint string, own []string, src Sources) (string, *Statement) {
	if src == nil {
		return hint, nil
	}
	st := findStatement(freshRemovalRe, own, src)
	if st == nil {
		return hint, nil
	}
	i := strings.Index(hint, " pile up ")
	if i < 0 {
		return hint, nil
	}
	j := strings.Index(hint[i:], ": ")
	if j < 0 {
		return hint, nil
	}
	j += i + 2
	rest := ""
	if k := strings.Index(hint[j:], "; "); k >= 0 {
		rest = strings.Replace(hint[j+k:], undoAdvice, "that removal is why", 1)
	}
	fn := "that function"
	var added *Statement
	if m := freshAddRe.FindStringSubmatch(st.Text); m != nil {
		on := regexp.MustCompile(regexp.QuoteMeta(m[1]) + `\s*\.\s*(?:on|addListener|once|prependListener|addEventListener)\s*\(\s*` + regexp.QuoteMeta(strings.TrimSpace(m[2])) + `\s*,`)
		added = findStatement(on, append([]string{st.Script}, own...), src)
	}
	if m := freshRemovalRe.FindStringSubmatch(st.Text); m != nil && strings.Contains(m[1], ".bind") {
		fn = "the bound " + strings.TrimSpace(m[1][:strings.Index(m[1], ".bind")]) + " (bind it once, in the constructor)"
	}
	return hint[:j] + fmt.Sprintf("%s:%d removes a function it makes right there (%s), which was never added, so nothing is removed: keep the function you add and pass %s to both calls",
		filepath.Base(st.Script), st.Line, strings.TrimSuffix(st.Text, ";"), fn) + rest, added
}

// freshAddRe takes a removal call apart: its receiver and its event.
var freshAddRe = regexp.MustCompile(`([\w$.]+?)\s*\.\s*(?:removeListener|off|removeEventListener)\s*\(\s*([^,()]+),`)
