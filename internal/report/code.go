package report

import (
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
)

// CodeRef is where an object's code is (a closure's function, the
// constructor of an object's class, an allocating frame), told in the
// program's source when a source map covers it; Built is then where node
// ran it, as in leak's locations. JSON: {"function", "script", "line",
// "column", "built": {"script", "line", "column"}}.
type CodeRef struct {
	heapgraph.CodeLocation
	Built *leak.Position `json:"built,omitempty"`
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
	maps, _ := src.(leak.SourceMaps)
	at, fn, built := leak.Told(maps, leak.Position{Script: l.Script, Line: l.Line, Column: l.Column}, l.Function)
	return CodeRef{CodeLocation: heapgraph.CodeLocation{Function: fn, Script: at.Script, Line: at.Line, Column: at.Column}, Built: built}
}

// CodeText is "function at script:line:column", with the built position
// beside when it was told through a map, as leaks writes a suspect's code.
func CodeText(c CodeRef) string {
	return locText(&leak.Location{Function: c.Function, Script: c.Script, Line: c.Line, Column: c.Column, Built: c.Built})
}

// AllocationText is an allocation stack on one line, the allocating
// function first, its frames as leaks writes them.
func AllocationText(stack []CodeRef) string {
	parts := make([]string, len(stack))
	for i, f := range stack {
		parts[i] = frameText(leak.Frame{Function: f.Function, Script: f.Script, Line: f.Line, Column: f.Column})
	}
	return strings.Join(parts, " ← ")
}
