package heapgraph

// Retaining paths as people read them: labels, folded runs, the steps
// left out.

import (
	"strconv"
	"strings"
)

// FormatPath writes p the way a person reads a retaining path:
//
//	(GC roots) → … → EventEmitter._events.response → Array[29653] → (closure) onResponse → context → RequestContext @1234
//
// Property chains through plain objects are folded into the owner's token
// (EventEmitter._events.response), an Array's hidden backing store, a
// Map's or Set's hash table and a closure's scope object are not shown,
// captured variables appear by name, and the last node carries its @id.
// Runs of the same step (linked lists, timer lists, promise chains) are
// folded with a count: `Timeout._idlePrev ×560`, `(PromiseReaction → …) ×3`.
func (g *Graph) FormatPath(p Path) string {
	return strings.Join(g.PathSteps(p), " → ")
}

// PathSteps is FormatPath's text cut at its arrows: one entry per step as
// people read it (runs already folded, the last with its @id), for views
// that put each step on its own line.
func (g *Graph) PathSteps(p Path) []string {
	if len(p) == 0 {
		return nil
	}
	segs := FoldRuns(g.pathSegments(p))
	segs[len(segs)-1] += " @" + strconv.FormatUint(uint64(g.ID(p[len(p)-1].Node)), 10)
	return segs
}

// pathSegments renders p as the tokens FormatPath joins with arrows: each
// is a node's label plus the edge taken out of it.
func (g *Graph) pathSegments(p Path) []string {
	s := g.S
	et := s.EdgeTypeIndex
	var segs []string
	cur := g.Label(p[0].Node)
	next := func(tok string) {
		segs = append(segs, cur)
		cur = tok
	}
	start := 1
	if m, name, ok := g.ModuleStart(p); ok {
		// A module's top-level variable: how the module was reached
		// (node's module loader, a stack frame, a timer whose callback
		// was defined in it: a dozen steps, different in each snapshot)
		// says nothing; the module and its variable do.
		cur, start = "module "+name, m+1
		if k, export, ok := g.esmExport(p, m); ok {
			// An ES module's export, in its cell: by its name.
			next(export)
			next(g.Label(p[k].Node))
			start = k + 1
		}
	}
	if k, ok := g.timersStart(p, start); ok {
		// An active timer: how node's timers module was reached (through
		// whichever of setTimeout, clearInterval, setImmediate... came
		// first, different from run to run) says nothing; its list of
		// timers by duration does.
		segs, cur, start = []string{"module node:timers", "timerListMap"}, g.Label(p[k].Node), k+1
	}
	for i := start; i < len(p); i++ {
		e, v := p[i].Edge, p[i].Node
		last := i == len(p)-1
		t := int(s.EdgeType(e))
		name := s.EdgeName(e)
		switch {
		case g.isStorageEdge(e, v, last):
			// An Array's backing store, a Map's table, a closure's scope:
			// implementation detail.
			continue
		case t == et.Context:
			next(name)
		case (t == et.Property || t == et.Shortcut) && !last && g.isPlainObjectNode(v) &&
			i+1 < len(p) && (int(s.EdgeType(p[i+1].Edge)) == et.Property || int(s.EdgeType(p[i+1].Edge)) == et.Element) &&
			s.EdgeName(p[i+1].Edge) != name:
			// (A run of one property, a linked list of plain objects,
			// takes a step each, so that FoldRuns counts it: a chain of
			// 600 .x is not one token.)
			cur += edgeSuffix(s.EdgeTypeName(e), name)
			continue
		case t == et.Element && i >= 2 && int(s.EdgeType(p[i-1].Edge)) == et.Context && len(segs) > 0 &&
			g.isPlainObjectNode(p[i-1].Node) && !g.wasElided(p, i-1):
			// A variable holding an object keyed by numbers (node's
			// timerListMap keyed by duration): timerListMap[60000], as
			// the code spells it; Object[60000] reads like an array of
			// 60000 elements.
			cur = segs[len(segs)-1] + "[" + name + "]"
			segs = segs[:len(segs)-1]
		case g.wasElided(p, i-1) || ((t == et.Element || t == et.Hidden) && g.ClassName(p[i-1].Node) == "Array"):
			// Array[29653] → x, Map → x: the slot index says little
		case int(s.NodeType[p[i-1].Node]) == s.NodeTypeIndex.Synthetic:
			// (GC roots) → (Stack roots): the slot numbers mean nothing to people
		default:
			cur += edgeSuffix(s.EdgeTypeName(e), name)
		}
		next(g.Label(v))
	}
	return append(segs, cur)
}

// EdgeNamed is the node v's edge called name (a property, a context
// variable or an internal field) leads to.
func (g *Graph) EdgeNamed(v uint32, name string) (uint32, bool) {
	s := g.S
	for e, to := range g.Edges(v) {
		if s.EdgeHasStringName(e) && s.EdgeName(e) == name {
			return to, true
		}
	}
	return 0, false
}

// isStorageEdge reports whether edge e (leading to v) reaches a container's
// internal storage that FormatPath leaves out.
func (g *Graph) isStorageEdge(e, v uint32, last bool) bool {
	s := g.S
	if last || int(s.EdgeType(e)) != s.EdgeTypeIndex.Internal {
		return false
	}
	switch s.EdgeName(e) {
	case "previous":
		// A scope's enclosing scope: still the closure's captured variables.
		return s.NodeNameString(v) == "system / Context"
	case "elements", "context", "table":
		t := int(s.NodeType[v])
		return t == s.NodeTypeIndex.Array || t == s.NodeTypeIndex.Hidden ||
			s.NodeNameString(v) == "system / Context"
	}
	return false
}

// FoldRuns folds consecutive repeats of one token, or of a group of up to
// three tokens, into a single entry with a count, so a path through a long
// linked list stays one line: [a b b b c] → [a "b ×3" c].
func FoldRuns(segs []string) []string {
	const maxPeriod = 3
	out := make([]string, 0, len(segs))
	for i := 0; i < len(segs); {
		bestK, bestR := 1, 1
		for k := 1; k <= maxPeriod && i+2*k <= len(segs); k++ {
			r := 1
			for i+(r+1)*k <= len(segs) && equalRun(segs[i:i+k], segs[i+r*k:i+(r+1)*k]) {
				r++
			}
			if r >= 2 && k*r > bestK*bestR {
				bestK, bestR = k, r
			}
		}
		if bestR < 2 {
			out = append(out, segs[i])
			i++
			continue
		}
		group := strings.Join(segs[i:i+bestK], " → ")
		if bestK > 1 {
			group = "(" + group + ")"
		}
		out = append(out, group+" ×"+strconv.Itoa(bestR))
		i += bestK * bestR
	}
	return out
}

func equalRun(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wasElided reports whether step i's node was folded away by FormatPath
// (a backing store or scope reached through an internal edge).
func (g *Graph) wasElided(p Path, i int) bool {
	s := g.S
	e := p[i].Edge
	if i == 0 || e == NoEdge || int(s.EdgeType(e)) != s.EdgeTypeIndex.Internal {
		return false
	}
	return g.isStorageEdge(e, p[i].Node, false)
}

func (g *Graph) isPlainObjectNode(v uint32) bool {
	s := g.S
	return int(s.NodeType[v]) == s.NodeTypeIndex.Object && string(s.Strings.Bytes(s.NodeName[v])) == "Object"
}

// maxKeyText is how many characters of a property name a path shows: a
// cache keyed by whole texts (a template's source, a query) would
// otherwise print pages per step.
const maxKeyText = 80

// keyText is a property name for one line of path text: control
// characters escaped, clipped with "…" past maxKeyText (quotes stay, as
// DevTools shows them).
func keyText(name string) string {
	var b strings.Builder
	n := 0
	for _, r := range name {
		if n == maxKeyText {
			b.WriteString("…")
			break
		}
		n++
		if !writeControl(&b, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// edgeSuffix renders an edge after its source like DevTools' edge
// toString: .name, ["name with spaces"], [index], {internal}.
func edgeSuffix(typeName, name string) string {
	switch typeName {
	case "property", "shortcut":
		if strings.ContainsAny(name, " \t\r\n") {
			return `["` + keyText(name) + `"]`
		}
		return "." + name
	case "element":
		return "[" + name + "]"
	case "weak":
		return "[[" + name + "]]"
	case "context":
		return "->" + name
	default:
		// A space keeps "(closure) f {previous}" readable.
		return " {" + name + "}"
	}
}

// Label is a short human name for node v: its class, plus the function
// name for closures, the element count for Arrays and the text for
// strings ("(closure) onResponse", "Array[29653]", `(string) "abc"`).
func (g *Graph) Label(v uint32) string {
	s := g.S
	nt := s.NodeTypeIndex
	switch t := int(s.NodeType[v]); t {
	case nt.Closure:
		name := s.NodeNameString(v)
		if name == "" {
			name = "(anonymous)"
		}
		return "(closure) " + name
	case nt.String, nt.ConcatenatedString, nt.SlicedString:
		return "(string) " + quoteShort(g.Name(v), 40)
	case nt.Synthetic, nt.Hidden:
		return s.NodeNameString(v)
	case nt.Code:
		if name := s.NodeNameString(v); name != "" {
			return "(compiled code) " + name
		}
		return "(compiled code)"
	}
	cls := g.ClassName(v)
	if strings.HasPrefix(cls, "global /") {
		// Snapshots taken over the inspector name the global object
		// "global / <url>"; v8.writeHeapSnapshot's say "global". One
		// name in every path: global.handle.
		return "global"
	}
	if cls == "Array" {
		if n, ok := g.arrayLength(v); ok {
			return "Array[" + strconv.Itoa(n) + "]"
		}
	}
	return cls
}

// arrayLength counts an Array's element edges (V8 puts them on the Array
// itself, older versions on its backing store).
func (g *Graph) arrayLength(v uint32) (int, bool) {
	s := g.S
	direct := 0
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Element {
			direct++
		}
	}
	if direct > 0 {
		return direct, true
	}
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && s.EdgeName(e) == "elements" {
			el := s.EdgeTo[e]
			n := 0
			for f := s.FirstEdge[el]; f < s.FirstEdge[el+1]; f++ {
				if int(s.EdgeType(f)) == s.EdgeTypeIndex.Element {
					n++
				}
			}
			return n, true
		}
	}
	return 0, true
}

func quoteShort(s string, max int) string {
	r := []rune(s)
	if len(r) > max {
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
