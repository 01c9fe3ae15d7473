// Paths: the representative retaining path of a suspect, walked by the
// shaper's parent choice, and its folded form for people.

package leak

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// path is v's shortest retaining path by the same parent choice the shapes
// use (so the path shown is the one that was grouped), root's child first.
func (x *explainer) path(v uint32) heapgraph.Path {
	v0 := v
	var rev heapgraph.Path
	for steps := 0; steps <= x.g.NodeCount(); steps++ {
		p, e, start, ok := x.sh.parent(v)
		if !ok {
			return nil
		}
		if start {
			rev = append(rev, heapgraph.Step{Edge: heapgraph.NoEdge, Node: v})
			break
		}
		rev = append(rev, heapgraph.Step{Edge: e, Node: v})
		v = p
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if x.offStack && x.throughStack(rev) {
		if p := x.pathOffStack(v0); p != nil {
			return p
		}
	}
	return rev
}

// throughStack: p starts at V8's stack roots with an object a running
// function holds itself (the receiver of a cache's set()), not a
// function or a scope whose variables the path goes on by (a module's,
// named as the program names them, in the program's script).
func (x *explainer) throughStack(p heapgraph.Path) bool {
	s := x.g.S
	for k, st := range p[:min(len(p), 3)] {
		if s.NodeNameString(st.Node) == "(Stack roots)" {
			if k+1 >= len(p) {
				return false
			}
			next := p[k+1].Node
			return s.NodeNameString(next) != "system / Context" && int(s.NodeType[next]) != s.NodeTypeIndex.Closure
		}
	}
	return false
}

// pathOffStack is v's shortest path from the root that does not pass
// through V8's stack roots (what a running function holds is in use, not
// kept), nil when only the stack reaches v. The search runs once.
func (x *explainer) pathOffStack(v uint32) heapgraph.Path {
	g := x.g
	s := g.S
	if x.offParent == nil {
		n := s.NodeCount
		x.offParent, x.offEdge = make([]uint32, n), make([]uint32, n)
		for i := range x.offParent {
			x.offParent[i] = unknown
		}
		root := g.Root
		x.offParent[root] = root
		// The stack roots are a child of (GC roots), a child of the
		// root: found once, then passed over by number.
		stack := unknown
		for _, r := range g.Edges(root) {
			for _, c := range g.Edges(r) {
				if s.NodeNameString(c) == "(Stack roots)" {
					stack = c
				}
			}
		}
		queue := []uint32{root}
		for i := 0; i < len(queue); i++ {
			u := queue[i]
			for e := s.FirstEdge[u]; e < s.FirstEdge[u+1]; e++ {
				to := s.EdgeTo[e]
				if x.offParent[to] != unknown || to == stack || g.IsWeakEdge(e) {
					continue
				}
				x.offParent[to], x.offEdge[to] = u, e
				queue = append(queue, to)
			}
		}
	}
	if x.offParent[v] == unknown {
		return nil
	}
	var rev heapgraph.Path
	for v != g.Root {
		p := x.offParent[v]
		if p == g.Root {
			rev = append(rev, heapgraph.Step{Edge: heapgraph.NoEdge, Node: v})
			break
		}
		rev = append(rev, heapgraph.Step{Edge: x.offEdge[v], Node: v})
		v = p
	}
	slices.Reverse(rev)
	return rev
}

// maxRouteSteps bounds the program's route: a module variable at most this
// many references above the leaked object.
const maxRouteSteps = 6

// programRoute is the path to be shown for rep when its shortest path
// (path, ending at rep) runs through node's internals (a timer list, a
// server's request listener, a bound function, a package's own module)
// while one of the program's module variables reaches rep within a few
// steps: the route through that variable, which FormatPath starts at
// "module app.js". nil when the shortest path already starts at a variable
// of the program's own modules or none is near.
func (x *explainer) programRoute(path heapgraph.Path) heapgraph.Path {
	g := x.g
	if len(path) < 2 {
		return nil
	}
	if _, name, ok := g.ModuleStart(path); ok && !heapgraph.PackageModule(name) {
		return nil
	}
	rep := path[len(path)-1].Node
	type from struct {
		child, edge uint32
		depth       int
	}
	prev := map[uint32]from{rep: {rep, heapgraph.NoEdge, 0}}
	queue := []uint32{rep}
	for i := 0; i < len(queue) && len(prev) < 20000; i++ {
		u := queue[i]
		d := prev[u].depth
		for r, e := range g.Retainers(u) {
			if _, seen := prev[r]; seen || g.IsWeakEdge(e) || r == g.Root || g.Distance(r) == heapgraph.NoDistance {
				continue
			}
			prev[r] = from{u, e, d + 1}
			if int(g.S.EdgeType(e)) == g.S.EdgeTypeIndex.Context {
				// r is a scope and e one of its variables: a module's
				// top level when the path to it, and on down, reads so.
				head := x.path(r)
				if head == nil {
					continue
				}
				// On down from r to rep along the search's links.
				route := append(append(heapgraph.Path{}, head...), heapgraph.Step{Edge: e, Node: u})
				for v := u; v != rep; v = prev[v].child {
					route = append(route, heapgraph.Step{Edge: prev[v].edge, Node: prev[v].child})
				}
				if m, name, ok := g.ModuleStart(route); ok && m == len(head)-1 && !heapgraph.PackageModule(name) {
					return route
				}
				continue
			}
			if d+1 < maxRouteSteps {
				queue = append(queue, r)
			}
		}
	}
	return nil
}

// pathDown is a short chain of references from v to t (t kept alive by v),
// the steps after v, or nil when t is not near.
func (x *explainer) pathDown(v, t uint32) heapgraph.Path {
	g := x.g
	type from struct{ node, edge uint32 }
	prev := map[uint32]from{v: {v, heapgraph.NoEdge}}
	queue := []uint32{v}
	for i := 0; i < len(queue) && i < 2048; i++ {
		u := queue[i]
		if u == t {
			var rev heapgraph.Path
			for u != v {
				f := prev[u]
				rev = append(rev, heapgraph.Step{Edge: f.edge, Node: u})
				u = f.node
			}
			slices.Reverse(rev)
			return rev
		}
		for e, to := range g.Edges(u) {
			if _, ok := prev[to]; ok || g.IsWeakEdge(e) || to == g.Root {
				continue
			}
			prev[to] = from{u, e}
			queue = append(queue, to)
		}
	}
	return nil
}

// rawStep is one step of the representative path before folding.
type rawStep struct {
	edge      uint32 // heapgraph.NoEdge for the first
	node      uint32
	edgeName  string
	edgeType  string
	foldLabel string // edge label with indices and digits folded
}

// foldPath folds runs of the same step (same edge label, same node class)
// into one step with a repeat count.
// rawSteps names path's edges for classification and folding.
func (x *explainer) rawSteps(path heapgraph.Path) []rawStep {
	g := x.g
	raw := make([]rawStep, 0, len(path))
	for _, st := range path {
		r := rawStep{edge: st.Edge, node: st.Node}
		if st.Edge != heapgraph.NoEdge {
			r.edgeName = g.S.EdgeName(st.Edge)
			r.edgeType = g.S.EdgeTypeName(st.Edge)
			if g.S.EdgeHasStringName(st.Edge) {
				r.foldLabel = r.edgeType + ":" + foldDigits([]byte(r.edgeName))
			} else {
				r.foldLabel = r.edgeType + ":[]"
			}
		}
		raw = append(raw, r)
	}
	return raw
}

func (x *explainer) foldPath(raw []rawStep) ([]PathStep, string) {
	g := x.g
	var out []PathStep
	var keys []string
	var text strings.Builder
	for i, r := range raw {
		key := r.foldLabel + "|" + g.TypeName(r.node) + "|" + foldDigits([]byte(g.S.NodeNameString(r.node)))
		if i > 0 && keys[len(keys)-1] == key {
			out[len(out)-1].Repeat++
			if i == len(raw)-1 {
				// The path ends in this run: name the leaked object
				// itself, not the run's first node.
				out[len(out)-1].ID = g.ID(r.node)
			}
			continue
		}
		keys = append(keys, key)
		name := g.Name(r.node)
		if int(g.S.NodeType[r.node]) == g.S.NodeTypeIndex.Closure {
			name = x.funcName(r.node)
		}
		out = append(out, PathStep{
			Edge: r.edgeName, EdgeType: r.edgeType, Class: g.ClassName(r.node),
			Name: name, ID: g.ID(r.node), Type: g.TypeName(r.node), Repeat: 1,
		})
	}
	for i := range out {
		st := &out[i]
		if i > 0 {
			text.WriteString(" → ")
			text.WriteString(EdgeText(st.EdgeType, st.Edge))
			text.WriteString(" ")
		}
		text.WriteString(labelOf(st))
		if st.Repeat > 1 {
			fmt.Fprintf(&text, " ×%d", st.Repeat)
		}
		if st.Repeat == 1 {
			st.Repeat = 0 // omitted in JSON: a single step
		}
	}
	if len(out) > 0 {
		fmt.Fprintf(&text, " @%d", out[len(out)-1].ID)
	}
	return out, text.String()
}

// EdgeText renders an edge the way DevTools' retainers view names it:
// .name for properties, [i] for elements, ->name for closure variables,
// {name} for V8 internals.
func EdgeText(typ, name string) string {
	switch typ {
	case "property", "shortcut":
		if strings.ContainsAny(name, " .[]") {
			return `["` + name + `"]`
		}
		return "." + name
	case "element", "hidden":
		return "[" + name + "]"
	case "context":
		return "->" + name
	case "":
		return ""
	default:
		return "{" + name + "}"
	}
}

func labelOf(st *PathStep) string {
	switch st.Type {
	case "closure":
		n := st.Name
		if n == "" {
			n = "(anonymous)"
		}
		return "(closure) " + n
	case "hidden", "synthetic":
		return st.Name
	}
	if strings.HasPrefix(st.Class, "global /") {
		// The global object is "global / <url>" in some snapshots.
		return "global"
	}
	return st.Class
}
