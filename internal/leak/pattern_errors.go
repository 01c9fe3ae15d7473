// An Error kept with a stack nobody read. V8 captures a stack trace when
// an Error is made but formats it only when .stack is first read; until
// then it keeps the frames themselves, each with its receiver (this) and
// function, under a private symbol. A validation error stored in a job's
// record keeps the job, the request and its body that were on the stack.

package leak

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// maxErrorProto bounds the walk up an object's prototypes to Error.
const maxErrorProto = 6

// isError reports whether v is an Error: its class, or one of its
// prototypes', is named Error or ends in Error (TypeError, ZodError).
func isError(g *heapgraph.Graph, v uint32) bool {
	for k := 0; k < maxErrorProto; k++ {
		if c := g.ClassName(v); c == "Error" || strings.HasSuffix(c, "Error") {
			return true
		}
		p, ok := g.Prototype(v)
		if !ok || p == v {
			return false
		}
		v = p
	}
	return false
}

// errorStackOn finds, along raw, an Error whose private-symbol reference
// (its captured, unread stack) the path runs through to the leaked
// objects: the Error's class, and whether found.
func (x *explainer) errorStackOn(raw []rawStep) (string, bool) {
	g := x.g
	for i := 1; i < len(raw); i++ {
		if raw[i].edgeName != "<symbol>" || int(g.S.NodeType[raw[i].node]) != g.S.NodeTypeIndex.Array {
			continue
		}
		if e := raw[i-1].node; isError(g, e) {
			return g.ClassName(e), true
		}
	}
	return "", false
}

// errorStackHint is the fix for objects of class kept by the unread stack
// of an Error of class c (the errors themselves when c is class).
func errorStackHint(c, class string) string {
	what := fmt.Sprintf("each %s is kept by the stack of a stored error (%s) that was never read", class, c)
	if c == class {
		what = fmt.Sprintf("each %s keeps its stack, never read, and all it holds", c)
	}
	return what + ": V8 formats an error's stack only when .stack is first read, and until then keeps its frames, each with its this and its function; store the error's message (or a plain summary) instead of the error, or read its .stack once when you keep it"
}

// errorStackOf: the leaked object v, or an Error it alone keeps (an
// entry { at, error }), has an unread stack that keeps most of what v
// retains (the frames' receivers: the job that made the error).
func (x *explainer) errorStackOf(v uint32) (string, bool) {
	g := x.g
	stack := func(e uint32) bool {
		for ed, to := range g.Edges(e) {
			if g.S.EdgeName(ed) == "<symbol>" && int(g.S.NodeType[to]) == g.S.NodeTypeIndex.Array &&
				g.Dominator(to) == e && 2*g.RetainedSize(to) >= g.RetainedSize(v) {
				return true
			}
		}
		return false
	}
	if isError(g, v) && stack(v) {
		return g.ClassName(v), true
	}
	for e, to := range g.Edges(v) {
		if !g.IsWeakEdge(e) && g.Dominator(to) == v && isError(g, to) && stack(to) {
			return g.ClassName(to), true
		}
	}
	return "", false
}
