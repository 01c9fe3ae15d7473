package report

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
)

// CodeRef is where an object's code is (a closure's function, the
// constructor of an object's class, an allocating frame), told in the
// program's source when a source map covers it; Built is then where node
// ran it. JSON: {"function", "script", "line", "column", "built"}.
type CodeRef struct {
	heapgraph.CodeLocation
	Built *heapgraph.CodeLocation `json:"built,omitempty"`
}

// Code is where n's code is, nil when the snapshot records no location
// for it. src, when not nil, tells built code in its source (through the
// source maps it reads).
func Code(g *heapgraph.Graph, n uint32, src leak.Sources) *CodeRef {
	l, ok := g.Location(n)
	if !ok {
		return nil
	}
	c := tell(l, src)
	if c.Built != nil && c.Function == l.Function && g.TypeName(n) != "closure" {
		// A minified class (f): its constructor's line says PendingPoll.
		if name := leak.DeclaredClass(src, c.Script, c.Line); name != "" {
			c.Function = name
		}
	}
	return &c
}

// Allocation is the stack that allocated n, innermost first, in a
// snapshot taken with allocation tracking on (nil otherwise).
func Allocation(g *heapgraph.Graph, n uint32, src leak.Sources) []CodeRef {
	stack := g.AllocationStack(n)
	if len(stack) == 0 {
		return nil
	}
	out := make([]CodeRef, len(stack))
	for i, f := range stack {
		out[i] = tell(f, src)
	}
	return out
}

func tell(l heapgraph.CodeLocation, src leak.Sources) CodeRef {
	maps, ok := src.(leak.SourceMaps)
	if !ok || l.Script == "" || l.Line < 1 {
		return CodeRef{CodeLocation: l}
	}
	p, name, ok := maps.Original(l.Script, l.Line, l.Column, l.Function)
	if !ok {
		return CodeRef{CodeLocation: l}
	}
	built := l
	c := CodeRef{CodeLocation: heapgraph.CodeLocation{Function: l.Function, Script: p.Script, Line: p.Line, Column: p.Column}, Built: &built}
	if name != "" {
		c.Function = name // a minifier's r is the source's onQuote
	}
	return c
}

// CodeText is "function at script:line:column", with the built position
// beside when it was told through a map.
func CodeText(c CodeRef) string {
	s := fmt.Sprintf("%s at %s:%d:%d", c.Function, c.Script, c.Line, c.Column)
	if c.Script == "" {
		s = c.Function
	}
	if b := c.Built; b != nil {
		s += fmt.Sprintf(" (built: %s:%d:%d)", b.Script, b.Line, b.Column)
	}
	return s
}

// AllocationText is an allocation stack on one line, the allocating
// function first.
func AllocationText(stack []CodeRef) string {
	parts := make([]string, len(stack))
	for i, f := range stack {
		parts[i] = f.Function
		if f.Script != "" {
			parts[i] = fmt.Sprintf("%s (%s:%d:%d)", f.Function, f.Script, f.Line, f.Column)
		}
	}
	return strings.Join(parts, " ← ")
}
