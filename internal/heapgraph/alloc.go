package heapgraph

import "github.com/leakhound/leakhound/internal/heapsnapshot"

// maxTraceFrames bounds a stack read from the trace tree (V8 records at
// most 64 frames; a hostile tree is cut).
const maxTraceFrames = 256

// TraceFrames returns the call stack of trace node x (an index into
// S.Traces), the allocating function first, without V8's synthetic frames
// ("(root)", "(program)"). Line and column are where each function starts,
// 1-based; 0 when unknown.
func (g *Graph) TraceFrames(x uint32) []CodeLocation {
	tr := g.S.Traces
	if tr == nil {
		return nil
	}
	var out []CodeLocation
	for i := 0; x != heapsnapshot.NoParent && int(x) < tr.Len() && i < maxTraceFrames; x, i = tr.NodeParent[x], i+1 {
		f := tr.NodeFunc[x]
		name, script := g.S.Strings.Get(tr.FuncName[f]), g.S.Strings.Get(tr.FuncScript[f])
		if script == "" && (name == "(root)" || name == "") {
			continue
		}
		if name == "" {
			name = "(anonymous)"
		}
		out = append(out, CodeLocation{Function: name, Script: script, Line: int(tr.FuncLine[f]), Column: int(tr.FuncColumn[f])})
	}
	return out
}

// AllocationStack is the call stack that allocated n, when the snapshot
// was taken with allocation tracking on and n was allocated meanwhile;
// nil otherwise.
func (g *Graph) AllocationStack(n uint32) []CodeLocation {
	s := g.S
	if s.Traces == nil || s.NodeTraceNodeID == nil || int(n) >= s.NodeCount {
		return nil
	}
	x, ok := s.Traces.Lookup(s.NodeTraceNodeID[n])
	if !ok {
		return nil
	}
	return g.TraceFrames(x)
}
