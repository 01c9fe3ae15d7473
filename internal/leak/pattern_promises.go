// Pattern promise: pending promises, their reactions, and async functions
// suspended at an await that never resumes.

package leak

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// asyncFunction finds, a few references from v (an await's resume closure
// keeps it through its context), the suspended state of an async function
// (V8's "Generator" object) and returns its function.
func (x *explainer) asyncFunction(v uint32) (uint32, bool) { return x.asyncFunctionWithin(v, 3) }

func (x *explainer) asyncFunctionWithin(v uint32, depth int) (uint32, bool) {
	g := x.g
	s := g.S
	type item struct {
		v     uint32
		depth int
	}
	queue := []item{{v, 0}}
	seen := map[uint32]bool{v: true}
	for i := 0; i < len(queue) && i < 256; i++ {
		u := queue[i]
		if s.NodeNameString(u.v) == "Generator" && int(s.NodeType[u.v]) == s.NodeTypeIndex.Object {
			for e, to := range g.Edges(u.v) {
				if s.EdgeName(e) == "function" && int(s.NodeType[to]) == s.NodeTypeIndex.Closure {
					return to, true
				}
			}
		}
		if u.depth == depth {
			continue
		}
		for e, to := range g.Edges(u.v) {
			if g.IsWeakEdge(e) || seen[to] || g.Distance(to) <= g.Distance(v) {
				continue
			}
			seen[to] = true
			queue = append(queue, item{to, u.depth + 1})
		}
	}
	return 0, false
}

// settledPromise: p is a Promise holding its result rather than reactions
// waiting for one. V8 keeps either in reactions_or_result; a pending
// promise with no reaction yet has none there (or undefined), so only a
// result that is an object, a string or a number counts as settled.
func (x *explainer) settledPromise(p uint32) bool {
	g := x.g
	s := g.S
	if s.NodeNameString(p) != "Promise" {
		return false
	}
	for e, r := range g.Edges(p) {
		if s.EdgeName(e) != "reactions_or_result" {
			continue
		}
		name := s.NodeNameString(r)
		if strings.Contains(name, "PromiseReaction") {
			return false
		}
		return !g.IsOddball(r)
	}
	return false
}

// settledOnPath: the leaked object is a settled promise, or the result
// one holds (a cache of fulfilled promises: a loader's, a memoiser's).
func (x *explainer) settledOnPath(rep uint32, raw []rawStep) bool {
	if x.settledPromise(rep) {
		return true
	}
	for k := len(raw) - 2; k >= 0 && k >= len(raw)-4; k-- {
		if raw[k+1].edgeName == "reactions_or_result" && x.settledPromise(raw[k].node) {
			return true
		}
	}
	return false
}

// reactionsHolder is the first promise on v's path whose reactions keep v.
func (x *explainer) reactionsHolder(v uint32) (uint32, bool) {
	path := x.path(v)
	for k := 1; k < len(path); k++ {
		if e := path[k].Edge; e != heapgraph.NoEdge && x.g.S.EdgeName(e) == "reactions_or_result" {
			return path[k-1].Node, true
		}
	}
	return 0, false
}

// resolvingFunction: c is a promise's resolve or reject function (V8's
// builtin, with the promise in its context; V8 14 empties that context
// once the promise is settled, so its builtin code tells it then).
func (x *explainer) resolvingFunction(c uint32) bool {
	g := x.g
	s := g.S
	for e, code := range g.Edges(c) {
		if s.EdgeName(e) == "code" && resolvingBuiltin(s.NodeNameString(code)) {
			return true
		}
	}
	for e, ctx := range g.Edges(c) {
		if s.EdgeName(e) != "context" {
			continue
		}
		if s.NodeNameString(ctx) == "system / NativeContext" {
			// A function whose context is the realm's (new Function)
			// sees every builtin, Promise included.
			return false
		}
		for _, p := range g.Edges(ctx) {
			if int(s.NodeType[p]) == s.NodeTypeIndex.Object && s.NodeNameString(p) == "Promise" {
				return true
			}
		}
	}
	return false
}

// pendingPromiseOf returns the promise whose resolve (or reject) function
// c is, when that promise is still pending: V8 keeps it in the resolving
// function's context.
func (x *explainer) pendingPromiseOf(c uint32) (uint32, bool) {
	g := x.g
	s := g.S
	if int(s.NodeType[c]) != s.NodeTypeIndex.Closure {
		return 0, false
	}
	for e, ctx := range g.Edges(c) {
		if s.EdgeName(e) != "context" {
			continue
		}
		for _, p := range g.Edges(ctx) {
			if int(s.NodeType[p]) != s.NodeTypeIndex.Object || s.NodeNameString(p) != "Promise" {
				continue
			}
			for e2, r := range g.Edges(p) {
				// Pending: reactions_or_result holds reactions (or
				// nothing yet), not a value.
				if s.EdgeName(e2) == "reactions_or_result" && strings.Contains(s.NodeNameString(r), "PromiseReaction") {
					return p, true
				}
			}
		}
	}
	return 0, false
}

// queueName names the collection raw[i] is stored in, as the code spells
// it: Semaphore.waiters, or the variable's name.
func (x *explainer) queueName(raw []rawStep, i int) string {
	g := x.g
	s := g.S
	j := i - 1
	for j > 0 && (int(s.NodeType[raw[j].node]) == s.NodeTypeIndex.Hidden || raw[j].edgeName == "elements" || raw[j].edgeName == "table") {
		j--
	}
	if j <= 0 {
		return "a queue"
	}
	switch raw[j].edgeType {
	case "property":
		owner := g.ClassName(raw[j-1].node)
		if owner == "Object" || isSystemName([]byte(owner)) {
			return raw[j].edgeName
		}
		return owner + "." + raw[j].edgeName
	case "context":
		return raw[j].edgeName
	}
	return g.ClassName(raw[j].node)
}

// reactionChain finds a run of reactions on one promise in the suspect's
// path (… → shutdown → Promise {reactions_or_result} → PromiseReaction ×899):
// every call subscribed to the same pending promise. It returns the
// promise's variable or property name.
func reactionChain(s *Suspect) (string, bool) { return reactionsOn(s.RetainerPath) }

// reactionsOn is reactionChain over a retaining path.
func reactionsOn(p []PathStep) (string, bool) {
	for i := 1; i < len(p); i++ {
		if p[i].Edge != "reactions_or_result" {
			continue
		}
		n := 0
		for j := i; j < len(p) && j <= i+1; j++ {
			if strings.Contains(p[j].Name, "PromiseReaction") && p[j].Repeat > n {
				n = p[j].Repeat
			}
		}
		if n < 2 {
			continue
		}
		name := ""
		if et := p[i-1].EdgeType; et == "context" || et == "property" {
			name = p[i-1].Edge
		}
		return name, true
	}
	return "", false
}

func orName(name, other string) string {
	if name != "" {
		return name
	}
	return other
}

// promiseHint is the fix for a PatternPromise suspect; per is its count range.
func promiseHint(s *Suspect, per string) string {
	if name, ok := reactionChain(s); ok {
		what := "one long-lived pending promise"
		if name != "" {
			what += " (" + name + ")"
		}
		if l := s.Location; l != nil && strings.HasPrefix(l.Function, "async ") {
			return fmt.Sprintf("%s() calls pile up suspended at an await on %s%s that never settles: each await adds a reaction freed only when it settles; settle it (resolve or reject it on shutdown), or do not await it per call: race the call against a per-call AbortSignal or timer that you clear when it ends", l.Function, what, per)
		}
		return fmt.Sprintf("reactions pile up on %s%s: each call that races against it (Promise.race([work, %s])) or awaits it adds one, freed only when it settles, and each keeps its call's promise and result; settle it when it is no longer needed, or race against a per-call AbortSignal or timer that you clear when the call ends", what, per, orName(name, "longLived"))
	}
	if l := s.Location; l != nil && strings.HasPrefix(l.Function, "async ") {
		return fmt.Sprintf("%s() calls pile up suspended at an await that never resumes%s: make sure the awaited promise settles (reject it on shutdown, or give the operation a timeout with AbortSignal.timeout), or do not await it per request", l.Function, per)
	}
	return fmt.Sprintf("promises or their reactions pile up%s: settle or drop promises that can wait forever (give the operation a timeout with AbortSignal.timeout) and do not attach a handler per request to a long-lived pending promise", per)
}

// resolvingBuiltin: the name of the builtin code behind a promise's
// resolve or reject function ("(PromiseCapabilityDefaultResolve builtin
// code)", Promise.all's element closures...).
func resolvingBuiltin(name string) bool {
	if !strings.HasSuffix(name, " builtin code)") || !strings.HasPrefix(name, "(Promise") {
		return false
	}
	return strings.Contains(name, "Resolve") || strings.Contains(name, "Reject")
}

// pendingSlot names the property of v that keeps the resolve or reject
// function of a promise still pending ("PendingCall.resolve"), "" if none:
// entries of a table of calls waiting for an answer that never came.
func (x *explainer) pendingSlot(v uint32) string {
	g := x.g
	s := g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Object {
		return ""
	}
	if p := x.pendingProperty(v); p != "" {
		return g.ClassName(v) + "." + p
	}
	if s.NodeNameString(v) == "Array" {
		// A list of waiters per key (waiters.set(id, [resolve])).
		for e, c := range g.Edges(v) {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Element {
				if _, ok := x.pendingPromiseOf(c); ok {
					return "an Array of resolve functions"
				}
			}
		}
		return ""
	}
	// A queue's node whose value is the waiting task ({run, reject} in
	// p-limit's yocto-queue Node.value).
	for e, c := range g.Edges(v) {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Property && x.plainObject(c) && s.EdgeName(e) != "_events" {
			// (An emitter's listeners are no queued task: one that
			// closes over a resolve waits for an event, which may
			// well have settled it.)
			if p := x.pendingProperty(c); p != "" {
				return g.ClassName(v) + "." + s.EdgeName(e) + "." + p
			}
		}
	}
	return ""
}

// pendingProperty is v's property whose closure is the resolve or reject
// function of a promise still pending, "" if none.
func (x *explainer) pendingProperty(v uint32) string {
	s := x.g.S
	for e, c := range x.g.Edges(v) {
		if int(s.EdgeType(e)) != s.EdgeTypeIndex.Property || int(s.NodeType[c]) != s.NodeTypeIndex.Closure {
			continue
		}
		if _, ok := x.pendingPromiseOf(c); ok {
			return s.EdgeName(e)
		}
		if r := x.pendingInScope(c); r != "" {
			// The task's function, made inside new Promise((resolve,
			// reject) => …) (p-queue's run): its promise waits on it.
			return s.EdgeName(e) + "'s " + r
		}
	}
	return ""
}

// pendingInScope is the variable of closure c's scope that holds the
// resolve or reject function of a promise still pending, "" if none.
func (x *explainer) pendingInScope(c uint32) (name string) {
	g := x.g
	s := g.S
	ctx, ok := g.EdgeNamed(c, "context")
	if !ok {
		return ""
	}
	for e, v := range g.Edges(ctx) {
		if int(s.EdgeType(e)) != s.EdgeTypeIndex.Context {
			continue
		}
		if _, ok := x.pendingPromiseOf(v); ok || capabilityFunction(g, v) {
			// (A promise no one awaits yet has no reactions to show it
			// pending; a task still queued has not run to settle it.)
			if name = s.EdgeName(e); name == "resolve" {
				break
			}
		}
	}
	return name
}

// capabilityFunction: v is the resolve or reject function new Promise()
// hands its executor (V8's PromiseCapabilityDefaultResolve builtin).
func capabilityFunction(g *heapgraph.Graph, v uint32) bool {
	s := g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Closure {
		return false
	}
	c, ok := g.EdgeNamed(v, "code")
	return ok && strings.HasPrefix(s.NodeNameString(c), "(PromiseCapabilityDefault")
}

// bulkFrame sets b's Frame when its references run through a suspended
// async function (a Generator with its function) in the program's code.
func (x *explainer) bulkFrame(b *Bulk) {
	if b == nil {
		return
	}
	g := x.g
	s := g.S
	for i, v := range b.nodes {
		if s.NodeNameString(v) != "Generator" || int(s.NodeType[v]) != s.NodeTypeIndex.Object {
			continue
		}
		for e, to := range g.Edges(v) {
			if s.EdgeName(e) == "function" && int(s.NodeType[to]) == s.NodeTypeIndex.Closure {
				if l := x.closureLocation(to); l != nil && programLocation(l) {
					b.Frame, b.frame = l, i
				}
				return
			}
		}
	}
}

// awaitCalling is the await in the async function at frame that calls the
// function around added (an entry kept by waitFor(): await
// this.acks.waitFor(msg.id)); nil when there is none.
func awaitCalling(frame *Location, added *Statement, src Sources) *Statement {
	fn := enclosingFunction(added, src)
	if fn == nil || !identRe.MatchString(fn.Function) {
		return nil
	}
	lines, ok := locationLines(frame, src)
	if !ok {
		return nil
	}
	calls := callsRe(fn.Function)
	for i := frame.Line; i < bodyEnd(lines, frame.Line) && i < len(lines); i++ {
		if l := lines[i]; awaitRe.Match(l) && calls.Match(l) {
			return &Statement{Script: frame.Script, Line: i + 1, Column: indentOf(l) + 1, Text: clipLine(l)}
		}
	}
	return nil
}

// awaitRe is an await expression.
var awaitRe = lazyRE(`\bawait\b`)
