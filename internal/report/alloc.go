package report

import (
	"fmt"
	"strings"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

// frameText names one frame: function and where the function starts.
func frameText(f leak.Frame) string {
	if f.Script == "" {
		return f.Function
	}
	if f.Line == 0 {
		return fmt.Sprintf("%s (%s)", f.Function, f.Script)
	}
	return fmt.Sprintf("%s (%s:%d:%d)", f.Function, f.Script, f.Line, f.Column)
}

// AllocStackText is one allocation stack on a line: how many of the traced
// leaking objects it allocated, the program's frames innermost first, then
// node's, libraries' and V8's.
func AllocStackText(st leak.AllocationStack, traced int) string {
	var own, other []string
	for _, f := range st.Frames {
		if f.Own {
			own = append(own, frameText(f))
		} else {
			other = append(other, frameText(f))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s traced objects: ", ui.Count(int64(st.Count)), ui.Count(int64(traced)))
	if len(own) > 0 {
		b.WriteString(strings.Join(own, " ← "))
		if len(other) > 0 {
			b.WriteString("; also in " + strings.Join(other, " ← "))
		}
	} else {
		b.WriteString(strings.Join(other, " ← "))
	}
	return b.String()
}

// allocFacts are the "allocated" lines of a suspect or an accumulation.
func allocFacts(stacks []leak.AllocationStack, traced int) []Fact {
	var out []Fact
	for i, st := range stacks {
		label := "allocated"
		if i > 0 {
			label = "  or"
		}
		out = append(out, Fact{label, AllocStackText(st, traced)})
	}
	return out
}
