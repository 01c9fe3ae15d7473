package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

// NodeRef describes one heap object. JSON:
// {"id", "type", "name", "class", "shallow_size", "retained_size", "distance"}.
type NodeRef struct {
	ID           uint32 `json:"id"`
	Type         string `json:"type"`
	Name         string `json:"name"`
	Class        string `json:"class"`
	ShallowSize  uint64 `json:"shallow_size"`
	RetainedSize uint64 `json:"retained_size"`
	Distance     int32  `json:"distance"`
}

// maxNameRunes bounds node names in JSON. V8 writes at most 1024
// characters of a string's value, which JSON keeps exactly as DevTools
// shows them; the bound only stops another writer's megabyte names. Text
// output shortens names where it prints them.
const maxNameRunes = 1 << 16

// Ref describes node n of g.
func Ref(g *heapgraph.Graph, n uint32) NodeRef {
	return NodeRef{ID: g.ID(n), Type: g.TypeName(n), Name: truncRunes(g.Name(n), maxNameRunes), Class: g.ClassName(n),
		ShallowSize: g.ShallowSize(n), RetainedSize: g.RetainedSize(n), Distance: g.Distance(n)}
}

// EdgeRef is an edge with the node at its other end. JSON:
// {"type", "name", "node": NodeRef}.
type EdgeRef struct {
	Type string  `json:"type"`
	Name string  `json:"name"`
	Node NodeRef `json:"node"`
}

// Inspect is the detail view of one object. JSON schema:
//
//	{"node": NodeRef, "edge_count", "edges": [EdgeRef...],
//	 "retainer_count", "retainers": [EdgeRef...],
//	 "dominators": [NodeRef...], "location": CodeRef,
//	 "allocation_stack": [CodeRef...]}
//
// edges are the object's references (node = target), largest retained size
// first; retainers are the references to it (node = source), closest to
// the roots first, weak ones last; dominators is the dominator chain from
// the immediate dominator up to the synthetic root.
type Inspect struct {
	Node          NodeRef   `json:"node"`
	EdgeCount     int       `json:"edge_count"`
	Edges         []EdgeRef `json:"edges"`
	RetainerCount int       `json:"retainer_count"`
	Retainers     []EdgeRef `json:"retainers"`
	Dominators    []NodeRef `json:"dominators"`
	// Location is where its code is: a closure's function, or the
	// constructor of an object's class; AllocationStack the calls that
	// allocated it, innermost first, when the snapshot tracked allocations.
	// Both are told in the program's source when a source map covers them.
	Location        *CodeRef  `json:"location,omitempty"`
	AllocationStack []CodeRef `json:"allocation_stack,omitempty"`
	// WeakValues is what the object's retained size leaves out: WeakMap
	// and WeakSet values that live only because it keeps their keys
	// alive (heapgraph.WeakValuesRetained); omitted when none.
	WeakValues *WeakValues `json:"weak_values,omitempty"`
}

// WeakValues: JSON {"count", "retained_size", "retained_size_with_weak_values"}.
type WeakValues struct {
	Count        int    `json:"count"`
	RetainedSize uint64 `json:"retained_size"`
	// WithWeakValues is the object's retained size plus theirs.
	WithWeakValues uint64 `json:"retained_size_with_weak_values"`
}

// BuildInspect gathers the detail view of n, listing at most limit edges
// and retainers (0 = all); src, when not nil, tells built code in its
// source.
func BuildInspect(g *heapgraph.Graph, n uint32, limit int, src leak.Sources) *Inspect {
	in := &Inspect{Node: Ref(g, n), Edges: []EdgeRef{}, Retainers: []EdgeRef{}, Dominators: []NodeRef{},
		Location: Code(g, n, src), AllocationStack: Allocation(g, n, src)}
	edges := References(g, n)
	in.EdgeCount = len(edges)
	for i, p := range edges {
		if limit > 0 && i >= limit {
			break
		}
		in.Edges = append(in.Edges, EdgeRef{Type: g.S.EdgeTypeName(p.Edge), Name: g.S.EdgeName(p.Edge), Node: Ref(g, p.Node)})
	}
	rets := Retainers(g, n)
	in.RetainerCount = len(rets)
	for i, p := range rets {
		if limit > 0 && i >= limit {
			break
		}
		in.Retainers = append(in.Retainers, EdgeRef{Type: g.S.EdgeTypeName(p.Edge), Name: g.S.EdgeName(p.Edge), Node: Ref(g, p.Node)})
	}
	chain := g.DominatorChain(n)
	for _, d := range chain[1:] {
		in.Dominators = append(in.Dominators, Ref(g, d))
	}
	if size, count := g.WeakValuesRetained(n); count > 0 {
		in.WeakValues = &WeakValues{Count: count, RetainedSize: size, WithWeakValues: g.RetainedSize(n) + size}
	}
	return in
}

// References are n's outgoing edges with their targets, largest retained
// size first, as the inspect view lists them.
func References(g *heapgraph.Graph, n uint32) []heapgraph.Step {
	var out []heapgraph.Step
	for e, to := range g.Edges(n) {
		out = append(out, heapgraph.Step{Edge: e, Node: to})
	}
	sort.SliceStable(out, func(i, j int) bool { return g.RetainedSize(out[i].Node) > g.RetainedSize(out[j].Node) })
	return out
}

// Retainers are the edges pointing at n with their sources, closest to the
// roots first, unreachable sources after, weak edges last.
func Retainers(g *heapgraph.Graph, n uint32) []heapgraph.Step {
	var out []heapgraph.Step
	for from, e := range g.Retainers(n) {
		out = append(out, heapgraph.Step{Edge: e, Node: from})
	}
	rank := func(p heapgraph.Step) int64 {
		d := int64(g.Distance(p.Node))
		if d < 0 {
			d = 1 << 40
		}
		if g.IsWeakEdge(p.Edge) {
			d += 1 << 41
		}
		return d
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// WriteInspectText writes the detail view for people.
func WriteInspectText(w io.Writer, in *Inspect, total uint64, p ui.Palette) {
	nd := in.Node
	name := ""
	if nd.Name != "" && nd.Name != nd.Class {
		name = " " + truncRunes(flatLine(nd.Name), 100)
	}
	fmt.Fprintf(w, "%s %s%s\n", p.Bold(nd.Class), p.Dim("@"+fmt.Sprint(nd.ID)), name)
	fmt.Fprintf(w, "type %s · shallow %s · retained %s (%s of heap) · distance %s\n\n",
		nd.Type, ui.Bytes(int64(nd.ShallowSize)), p.Bold(ui.Bytes(int64(nd.RetainedSize))),
		Pct(nd.RetainedSize, total), Distance(nd.Distance))
	if in.Location != nil || len(in.AllocationStack) > 0 {
		t := ui.Table{}
		if in.Location != nil {
			t.Rows = append(t.Rows, []string{"code", CodeText(*in.Location)})
		}
		if len(in.AllocationStack) > 0 {
			t.Rows = append(t.Rows, []string{"allocated", AllocationText(in.AllocationStack)})
		}
		t.Write(w, p)
		fmt.Fprintln(w)
	}
	if wv := in.WeakValues; wv != nil {
		// DevTools' retained size leaves these out (docs/snapshots.md).
		fmt.Fprintf(w, "%s\n\n", p.Dim(fmt.Sprintf("with the %d WeakMap/WeakSet value(s) its keys keep alive: retained %s (+%s)",
			wv.Count, ui.Bytes(int64(wv.WithWeakValues)), ui.Bytes(int64(wv.RetainedSize)))))
	}

	edgeTable := func(title string, list []EdgeRef, all int) {
		fmt.Fprintf(w, "%s (%d)\n", p.Bold(title), all)
		if all == 0 {
			fmt.Fprintln(w, "  none")
			fmt.Fprintln(w)
			return
		}
		t := ui.Table{Header: []string{"  Edge", "Object", "Distance", "Shallow", "Retained"},
			RightAlign: map[int]bool{2: true, 3: true, 4: true}}
		for _, e := range list {
			t.Rows = append(t.Rows, []string{"  " + edgeLabel(e.Type, e.Name), nodeLabel(e.Node),
				Distance(e.Node.Distance), ui.Bytes(int64(e.Node.ShallowSize)), ui.Bytes(int64(e.Node.RetainedSize))})
		}
		t.Write(w, p)
		if len(list) < all {
			fmt.Fprintf(w, "  %s\n", p.Dim(fmt.Sprintf("… %d more (--limit 0 shows all)", all-len(list))))
		}
		fmt.Fprintln(w)
	}
	edgeTable("References", in.Edges, in.EdgeCount)
	edgeTable("Retainers", in.Retainers, in.RetainerCount)

	fmt.Fprintf(w, "%s\n", p.Bold("Dominators (each one alone keeps the object alive)"))
	if len(in.Dominators) == 0 {
		fmt.Fprintln(w, "  none (this is the root)")
		return
	}
	t := ui.Table{RightAlign: map[int]bool{1: true}}
	for _, d := range in.Dominators {
		t.Rows = append(t.Rows, []string{"  " + nodeLabel(d), ui.Bytes(int64(d.RetainedSize))})
	}
	t.Write(w, p)
}

// nodeLabel is "Class @id name" for tables.
func nodeLabel(n NodeRef) string {
	s := n.Class + " @" + fmt.Sprint(n.ID)
	if n.Name != "" && n.Name != n.Class {
		s += " " + truncRunes(flatLine(n.Name), 50)
	}
	return s
}

// edgeLabel renders an edge name like DevTools: .prop, [index], {internal}.
func edgeLabel(typ, name string) string {
	switch typ {
	case "element":
		return "[" + name + "]"
	case "property", "shortcut":
		if strings.Contains(name, " ") {
			return `["` + name + `"]`
		}
		return "." + name
	case "context":
		return "->" + name
	case "weak":
		return "[[" + name + "]] (weak)"
	default:
		return "{" + name + "}"
	}
}

func flatLine(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(s)
}

// PathStep is one hop of a retaining path. JSON:
// {"edge_type", "edge_name", "node": NodeRef}; the first step has no edge.
type PathStep struct {
	EdgeType string  `json:"edge_type,omitempty"`
	EdgeName string  `json:"edge_name,omitempty"`
	Node     NodeRef `json:"node"`
}

// RetainingPath is one path: its one-line rendering and its steps.
type RetainingPath struct {
	Text  string     `json:"text"`
	Steps []PathStep `json:"steps"`
}

// Paths is the result of the paths command. JSON schema:
//
//	{"node": NodeRef, "paths": [{"text", "steps": [PathStep...]}...]}
type Paths struct {
	Node  NodeRef         `json:"node"`
	Paths []RetainingPath `json:"paths"`
}

// BuildPaths finds up to max shortest retaining paths to n.
func BuildPaths(g *heapgraph.Graph, n uint32, max int) *Paths {
	out := &Paths{Node: Ref(g, n), Paths: []RetainingPath{}}
	for _, p := range g.ShortestPaths(n, max) {
		out.Paths = append(out.Paths, PathJSON(g, p))
	}
	return out
}

// PathJSON converts a heapgraph path to its report form.
func PathJSON(g *heapgraph.Graph, p heapgraph.Path) RetainingPath {
	rp := RetainingPath{Text: g.FormatPath(p)}
	for _, st := range p {
		ps := PathStep{Node: Ref(g, st.Node)}
		if st.Edge != heapgraph.NoEdge {
			ps.EdgeType, ps.EdgeName = g.S.EdgeTypeName(st.Edge), g.S.EdgeName(st.Edge)
		}
		rp.Steps = append(rp.Steps, ps)
	}
	return rp
}

// WritePathsText writes one path per line.
func WritePathsText(w io.Writer, ps *Paths, p ui.Palette) {
	nd := ps.Node
	if len(ps.Paths) == 0 {
		if nd.Distance == heapgraph.NoDistance {
			fmt.Fprintf(w, "%s @%d is not reachable from the GC roots (it would be collected)\n", nd.Class, nd.ID)
		} else {
			fmt.Fprintf(w, "%s @%d is the snapshot's root: nothing retains it\n", nd.Class, nd.ID)
		}
		return
	}
	fmt.Fprintf(w, "%s %s: %d shortest retaining path(s), retained %s\n", p.Bold(nd.Class), p.Dim(fmt.Sprintf("@%d", nd.ID)),
		len(ps.Paths), ui.Bytes(int64(nd.RetainedSize)))
	for _, rp := range ps.Paths {
		fmt.Fprintln(w, rp.Text)
	}
}
