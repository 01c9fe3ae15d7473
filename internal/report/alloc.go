package report

import (
	"fmt"
	"io"
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
	switch {
	case len(own) == 0 && len(other) == 0:
		// V8 allocated them with no JavaScript function on the stack (its
		// own work, between callbacks).
		b.WriteString("(no JavaScript function on the stack)")
	case len(own) > 0:
		b.WriteString(strings.Join(own, " ← "))
		if len(other) > 0 {
			b.WriteString("; also in " + strings.Join(other, " ← "))
		}
	default:
		b.WriteString(strings.Join(other, " ← "))
	}
	return b.String()
}

// UntracedText says how many of the objects had no stack and why, so a
// reader takes the stacks for the sample they are. before: the objects may
// predate tracking (one snapshot); a series' new objects cannot.
func UntracedText(untraced int, before bool) string {
	why := "V8 drops the stacks of some traced objects when the GC compacts the heap, node 22 the most (start node with --no-compact to keep them: run does)"
	if before {
		why = "allocated before tracking began, or " + why
	}
	return fmt.Sprintf("%s more had none: %s; the stacks are a sample", ui.Count(int64(untraced)), why)
}

// allocFacts are the "allocated" lines of a suspect or an accumulation,
// then how many objects had no stack.
func allocFacts(stacks []leak.AllocationStack, traced, untraced int, before bool) []Fact {
	var out []Fact
	for i, st := range stacks {
		label := "allocated"
		if i > 0 {
			label = "  or"
		}
		out = append(out, Fact{label, AllocStackText(st, traced)})
	}
	if len(stacks) > 0 && untraced > 0 {
		out = append(out, Fact{"  no stack", UntracedText(untraced, before)})
	}
	return out
}

// writeAllocMarkdown is allocFacts for Markdown: a paragraph a stack, then
// how many objects had no stack.
func writeAllocMarkdown(w io.Writer, stacks []leak.AllocationStack, traced, untraced int, before bool) {
	for _, st := range stacks {
		fmt.Fprintf(w, "Allocated: `%s`\n\n", mdEscape(AllocStackText(st, traced)))
	}
	if len(stacks) > 0 && untraced > 0 {
		fmt.Fprintf(w, "No stack: %s\n\n", UntracedText(untraced, before))
	}
}
