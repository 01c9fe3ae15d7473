// Awaited events: an async function waits for an event (node's
// events.once(emitter, name), or a promise a once() listener resolves)
// that the program emits only when the work succeeds. The call whose
// event never comes waits forever: its listeners stay on the emitter and
// its suspended frame keeps its locals. The listeners are node's plumbing
// (once()'s resolver and errorListener); the await, the emit and the way
// out of the work that skips the emit are what the fix names. Events
// named one per call ('done:<id>') are read as one family, and once()
// listeners for two outcomes of one call ('done:<id>', 'failed:<id>')
// leave the one whose event did not fire.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

// maxAwaitedNodes bounds the walk of what one listener's wait keeps.
const maxAwaitedNodes = 4096

// awaitedBulk is what an event listener rep keeps through a wait that
// never ends: the references from rep to an async function suspended at
// an await (a Generator) under it and on to its biggest local, as a Bulk
// with its Frame; nil when there is none.
//
// The wait is looked for in what rep alone keeps, and in the context of a
// function rep refers to (a few references down) that rep shares only
// with its siblings under a holder of its own (sharedNear): once() gives
// the event and 'error' one context, so neither listener alone keeps it.
func (x *explainer) awaitedBulk(rep uint32) *Bulk {
	g := x.g
	s := g.S
	type start struct {
		node  uint32
		steps []string
		nodes []uint32
	}
	starts := []start{{node: rep}}
	// rep → fn (eventemitter3's EE), rep → listener (node's once
	// wrapper's state), a bound function's target: closures near rep.
	var walk func(v uint32, steps []string, nodes []uint32, depth int)
	walk = func(v uint32, steps []string, nodes []uint32, depth int) {
		if int(s.NodeType[v]) == s.NodeTypeIndex.Closure {
			if c, ok := g.EdgeNamed(v, "context"); ok && c != rep && x.sharedNear(c, rep) {
				starts = append(starts, start{c, append(append([]string(nil), steps...), "context"), append(append([]uint32(nil), nodes...), c)})
			}
		}
		if depth == 0 {
			return
		}
		for e, to := range g.Edges(v) {
			if g.IsWeakEdge(e) || to == v {
				continue
			}
			switch s.EdgeName(e) {
			case "fn", "listener", "bound_function", "bound_this", "callback", "handler":
				walk(to, append(append([]string(nil), steps...), bulkStep(g, e)), append(append([]uint32(nil), nodes...), to), depth-1)
			}
		}
	}
	walk(rep, nil, nil, 2)
	for _, st := range starts {
		gen, path, ok := x.suspendedUnder(st.node)
		if !ok {
			continue
		}
		b := &Bulk{root: rep, Of: g.RetainedSize(st.node)}
		b.Steps = append(b.Steps, st.steps...)
		b.nodes = append(b.nodes, st.nodes...)
		for _, e := range path {
			b.Steps = append(b.Steps, bulkStep(g, e))
			b.nodes = append(b.nodes, g.S.EdgeTo[e])
		}
		// On into the frame's locals: what it keeps most of.
		cur := gen
		if in := bulkOf(g, gen); in != nil {
			b.Steps = append(b.Steps, in.Steps...)
			b.nodes = append(b.nodes, in.nodes...)
			cur = in.nodes[len(in.nodes)-1]
		}
		b.Class, b.RetainedSize = g.ClassName(cur), g.RetainedSize(cur)
		if st.node == rep {
			b.Of = g.RetainedSize(rep)
		}
		x.bulkFrame(b)
		if b.Frame == nil {
			continue
		}
		return b
	}
	return nil
}

// maxSharedLevels: how far up rep's dominators the holder that a
// listener's context hangs from may be (the 'error' array, then _events).
const maxSharedLevels = 3

// sharedNear: c hangs from a holder of rep, a few levels up its
// dominators: state rep shares only with its siblings there, not the
// program's module scope.
func (x *explainer) sharedNear(c, rep uint32) bool {
	g := x.g
	d := g.Dominator(c)
	for v, i := rep, 0; i < maxSharedLevels; i++ {
		next := g.Dominator(v)
		if next == v || next == g.Root {
			return false
		}
		if next == d {
			return true
		}
		v = next
	}
	return false
}

// suspendedUnder finds, in what root alone keeps (its dominator tree,
// walked breadth first by references, up to maxAwaitedNodes objects), an async function of the
// program suspended at an await: V8's Generator with its function. It
// returns it and the references from root to it.
func (x *explainer) suspendedUnder(root uint32) (uint32, []uint32, bool) {
	g := x.g
	s := g.S
	type item struct {
		v    uint32
		prev int    // index of the item it was reached from, -1 for root
		edge uint32 // the reference from there
	}
	q := []item{{root, -1, 0}}
	seen := map[uint32]bool{root: true}
	for i := 0; i < len(q) && len(q) < maxAwaitedNodes; i++ {
		v := q[i].v
		for e, to := range g.Edges(v) {
			// (Its dominator is on every path to it: already seen when
			// it is in root's tree.)
			if g.IsWeakEdge(e) || seen[to] || !seen[g.Dominator(to)] {
				continue
			}
			seen[to] = true
			q = append(q, item{to, i, e})
			if s.NodeNameString(to) != "Generator" || int(s.NodeType[to]) != s.NodeTypeIndex.Object {
				continue
			}
			if fn, ok := g.EdgeNamed(to, "function"); !ok || !programLocation(x.closureLocation(fn)) {
				continue
			}
			var path []uint32
			for k := len(q) - 1; q[k].prev >= 0; k = q[k].prev {
				path = append([]uint32{q[k].edge}, path...)
			}
			return to, path, true
		}
	}
	return 0, nil, false
}

// Runs in an event name that vary per call: a long hex id or a UUID
// ('reply-9f2c41d0'), a run that may be a random id (nanoid's, base62)
// when randomID says so, a number ('issued:332').
var (
	hexRunRe   = lazyRE(`\b[0-9a-fA-F]{8,}(?:-[0-9a-fA-F]{4,})*\b`)
	randomIDRe = lazyRE(`[A-Za-z0-9_-]{8,}`)
	numberRe   = lazyRE(`\d+`)
)

// EventShape is an event name with its per-call ids as "<id>":
// 'issued:<id>', 'failed:<id>' for 'failed:c4BVHwEtceRi'; the name itself
// when it has none.
func EventShape(name string) string {
	name = hexRunRe.ReplaceAllString(name, "<id>")
	name = randomIDRe.ReplaceAllStringFunc(name, func(t string) string {
		if randomID(t) {
			return "<id>"
		}
		return t
	})
	return numberRe.ReplaceAllString(name, "<id>")
}

// randomID: t mixes letters and digits as a random id does, upper and
// lower case with a digit (c4BVHwEtceRi), or switching between letters
// and digits three times or more (k3j9x0qa); not a word with a number
// (user1234, session2fa).
func randomID(t string) bool {
	var upper, lower, digit bool
	switches, prevDigit := 0, false
	for i, c := range t {
		d := c >= '0' && c <= '9'
		upper = upper || c >= 'A' && c <= 'Z'
		lower = lower || c >= 'a' && c <= 'z'
		digit = digit || d
		if i > 0 && d != prevDigit {
			switches++
		}
		prevDigit = d
	}
	return digit && (upper || lower) && (upper && lower || switches >= 3)
}

// minEventsLike: fewer events of one shape are a few named ones, not one
// per call.
const minEventsLike = 10

// eventFamilies counts the events of an _events object by their shape
// (EventShape), those with an id in their name only, with the first name
// of each shape: one pass over the object's properties.
func (x *explainer) eventFamilies(events uint32) (count map[string]int, first map[string]string) {
	s := x.g.S
	count, first = map[string]int{}, map[string]string{}
	for e := s.FirstEdge[events]; e < s.FirstEdge[events+1]; e++ {
		if s.EdgeTypeName(e) != "property" {
			continue
		}
		name := s.EdgeName(e)
		sh := EventShape(name)
		if sh == name {
			continue
		}
		if count[sh]++; count[sh] == 1 {
			first[sh] = name
		}
	}
	return count, first
}

// setEvent sets h's event to event of the _events object events, with its
// listeners (at node, what _events.<event> holds), the events named like
// it (one per call, when there are minEventsLike or more) and the others.
// When event has none like it but the emitter has a family of events one
// per call, the largest family is what piles up (node's once() adds an
// 'error' listener beside each): it becomes the event.
func (x *explainer) setEvent(h *Holder, events uint32, event string, node uint32) {
	h.Event, h.Listeners = event, x.listenerCount(node)
	count, first := x.eventFamilies(events)
	if n := count[EventShape(event)]; n >= minEventsLike {
		h.EventsLike = n
	} else {
		ex, most := "", 0
		for sh, c := range count {
			if c >= minEventsLike && (c > most || c == most && first[sh] < ex) {
				ex, most = first[sh], c
			}
		}
		if most > 0 {
			h.Event, h.EventsLike, h.Listeners = ex, most, 0
			if v, ok := x.g.EdgeNamed(events, ex); ok {
				h.Listeners = x.listenerCount(v)
			}
		}
	}
	h.OtherEvents = x.otherEvents(events, h.Event)
}

// awaitedHint is the fix for listeners that are a wait for an event that
// never came: the await (at), the event's emit in the program and the way
// out of the work that skips it, when the source tells.
func awaitedHint(h *Holder, at *Statement, frame *Location, scripts []string, src Sources) string {
	ev, emitter := "the event", "the emitter"
	if h != nil && h.Event != "" {
		ev = "'" + h.Event + "'"
		if h.EventsLike > 0 {
			ev = fmt.Sprintf("'%s' (one event per call: %d named like it)", EventShape(h.Event), h.EventsLike)
		}
	}
	if h != nil && h.Name != "" {
		emitter = h.Name
	}
	t := fmt.Sprintf("each call of async %s() waits at %s:%d (%s) for %s, which never came: the call stays suspended with its locals, and its listeners stay on %s",
		strings.TrimPrefix(frame.Function, "async "), filepath.Base(at.Script), at.Line, strings.TrimSuffix(at.Text, ";"), ev, emitter)
	deadline := fmt.Sprintf("give the wait a deadline: once(%s, name, { signal: AbortSignal.timeout(ms) }) rejects and removes its listeners when it passes", emitter)
	if emit := emitOf(h, scripts, src); emit != nil {
		t += fmt.Sprintf("; the program emits it at %s:%d (%s)", filepath.Base(emit.Script), emit.Line, strings.TrimSuffix(emit.Text, ";"))
		if e := emitSkipped(emit, src); e != nil {
			via := ""
			if e.thrown > 0 {
				via = fmt.Sprintf(", where the throw at line %d leads,", e.thrown)
			}
			return t + fmt.Sprintf(", but %s:%d %s without it (%s)%s: tell the waiter on that path too (emit the event with the error, or a failure event it also waits for), and %s",
				filepath.Base(e.at.Script), e.at.Line, e.kind, strings.TrimSuffix(e.at.Text, ";"), via, deadline)
		}
		return t + ", on the way the work succeeds only: emit it (or a failure event the waiter also waits for) on every way the work ends, and " + deadline
	}
	return t + ": make sure it is emitted on every way the work ends, and " + deadline
}

// emitOf is the program's emit of h's event: name, or the part of it
// before its id in a template literal (`issued:${id}`).
func emitOf(h *Holder, scripts []string, src Sources) *Statement {
	if h == nil || h.Event == "" {
		return nil
	}
	ev, ok := eventRe(h)
	if !ok {
		return nil
	}
	re := regexp.MustCompile(`\.\s*emit\s*\(\s*` + strings.TrimSuffix(ev, `\s*,`))
	return findStatement(re, programScripts(scripts, src), src)
}

// emitSkipped is the way out of the function around emit that does not
// reach it: a throw before it, a return, a catch without it.
func emitSkipped(emit *Statement, src Sources) *exit {
	lines, head, ok := innerFunction(emit, src)
	if !ok {
		return nil
	}
	call := callPrefix(emit.Text)
	// From the function's first line: what comes before the emit counts.
	return skippedExitFrom(emit.Script, lines, head, head+1, regexp.MustCompile(regexp.QuoteMeta(call)))
}

// awaitOnce is the await in the frame's function that waits on an event:
// once(…), or a promise around an emitter's once().
func awaitOnce(frame *Location, src Sources) *Statement {
	lines, ok := locationLines(frame, src)
	if !ok {
		return nil
	}
	for i := frame.Line - 1; i < bodyEnd(lines, frame.Line) && i < len(lines); i++ {
		if l := lines[i]; awaitRe.Match(l) && onceCallRe.Match(l) && !commentLine(l) {
			return &Statement{Script: frame.Script, Line: i + 1, Column: indentOf(l) + 1, Text: clipLine(l)}
		}
	}
	return nil
}

// onceCallRe is a call that waits for one event: events.once(em, name),
// em.once(name, …), on(em, name).
var onceCallRe = lazyRE(`(?:^|[^\w$])(?:once|on)\s*\(`)

// onceCallEventRe is a once() or on() call with the literal start of its
// event's name: bus.once(`done:${job.id}`, → "done:".
var onceCallEventRe = lazyRE(`\.\s*(?:once|on|addListener|prependOnceListener)\s*\(\s*['"` + "`" + `]([^'"` + "`" + `$]*)`)

// siblingOnce is the other once() listener the function around added
// registers for the same call, under another event: done:<id> beside
// failed:<id>. The work emits one of them, and once() removes only the
// listener whose event fired: the other stays. nil when there is none.
func siblingOnce(h *Holder, added *Statement, src Sources) *Statement {
	if h == nil || h.EventsLike == 0 || added == nil || !strings.Contains(added.Text, "once") {
		return nil
	}
	lines, head, ok := innerFunction(added, src)
	if !ok {
		return nil
	}
	shape := EventShape(h.Event)
	own := shape[:strings.Index(shape, "<id>")]
	for i := head + 1; i < bodyEnd(lines, head+1) && i < len(lines); i++ {
		m := onceCallEventRe.FindSubmatch(lines[i])
		if m == nil || i == added.Line-1 || commentLine(lines[i]) || string(m[1]) == own || !bytes.Contains(lines[i], []byte("once")) {
			continue
		}
		return &Statement{Script: added.Script, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}
	}
	return nil
}

// siblingOnceHint is the fix for once() listeners of per-call events that
// stay because their sibling's event fired instead.
func siblingOnceHint(h *Holder, added, other *Statement) string {
	call := func(st *Statement) string {
		t := strings.TrimSpace(st.Text)
		if i := strings.Index(t, ","); i > 0 {
			t = t[:i] + ", …)"
		}
		return t
	}
	return fmt.Sprintf("each call adds two once() listeners, %s (%s:%d) and %s (%s:%d), and one of the two events is emitted: once() removes only the listener whose event fired, so the other stays on the emitter for good, with everything its function keeps ('%s': %s events now, one listener each); in each handler remove the other listener (keep both functions and call removeListener with the same one), or use one event for both outcomes (`settled:${id}` with (err, result))",
		call(other), filepath.Base(other.Script), other.Line, call(added), filepath.Base(added.Script), added.Line, EventShape(h.Event), ui.Count(int64(h.EventsLike)))
}
