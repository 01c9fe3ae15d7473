package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

// OneSnapshotCaveat is the one line every single-snapshot report carries:
// what one snapshot can and cannot show, and how to get proof.
const OneSnapshotCaveat = "one snapshot shows where memory accumulates, not that it grows: to prove a leak take a series (leakhound capture --count 3 --every 1m PID) or a second snapshot later, and run leaks on them"

// WriteSingleJSON writes a single-snapshot report as JSON (schema in
// docs/one-snapshot.md).
func WriteSingleJSON(w io.Writer, r *leak.SingleReport) error { return WriteJSON(w, r) }

// holderText names a suspect's holder as a person sees it: `Map
// pendingOrders (48,000 entries)`, `EventEmitter bus, event 'data' (900
// listeners)`.
func holderText(a *leak.Accumulation) string {
	h := a.Holder
	if h == nil {
		return ""
	}
	name := h.Class
	switch {
	case h.Owner != "" && h.Name != "" && h.Slot == "":
		name += " " + h.Field()
	case h.Name != "":
		name += " " + h.Name
	}
	name += fmt.Sprintf(" @%d", h.ID)
	switch {
	case h.Kind == "listeners" && h.Event != "":
		n := h.Listeners
		if n == 0 {
			n = int(a.Count)
		}
		if h.EventsLike > 0 {
			return fmt.Sprintf("%s, events '%s' (one per call: %s, such as '%s'; %s listeners)", name, leak.EventShape(h.Event), ui.Count(int64(h.EventsLike)), h.Event, ui.Count(int64(n)))
		}
		return fmt.Sprintf("%s, event '%s' (%s listeners)", name, h.Event, ui.Count(int64(n)))
	case h.Kind == "listeners":
		return fmt.Sprintf("%s (%s listeners)", name, ui.Count(a.Count))
	case h.Kind != "" && h.Entries > 0:
		n := ui.Count(int64(h.Entries)) + " entries"
		if h.Entries == 1 {
			n = "1 entry"
		}
		return fmt.Sprintf("%s (%s, %s)", name, h.Kind, n) + keysText(h)
	case h.Kind != "":
		return fmt.Sprintf("%s (%s)", name, h.Kind)
	}
	return name
}

// SinglePattern is the pattern as a single-snapshot report words it: one
// snapshot shows a big collection, not that it is unbounded.
func SinglePattern(p leak.Pattern) string {
	if p == leak.PatternCollection {
		return "collection"
	}
	return string(p)
}

func kindText(a *leak.Accumulation) string {
	switch a.Kind {
	case leak.KindClassGroup:
		return "many held the same way"
	case leak.KindHugeObject:
		return "one huge object"
	}
	return "accumulation point"
}

// clipText shortens a string's text for one line.
func clipText(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// SingleFacts is AccumulationFacts for each suspect of r, in order.
func SingleFacts(r *leak.SingleReport) [][]Fact {
	out := make([][]Fact, len(r.Suspects))
	for i := range r.Suspects {
		out[i] = AccumulationFacts(&r.Suspects[i])
	}
	return out
}

// AccumulationFacts explains a single-snapshot suspect: its kind, count,
// holder and code (the path and the fix are left to the caller).
func AccumulationFacts(a *leak.Accumulation) []Fact {
	facts := []Fact{{"kind", kindText(a)}}
	if a.Kind != leak.KindHugeObject {
		facts = append(facts, Fact{"count", ui.Count(a.Count)})
	}
	if a.RootClass != a.Class {
		facts = append(facts, Fact{"held by", a.RootClass})
	}
	if h := holderText(a); h != "" {
		facts = append(facts, Fact{"holder", h})
	}
	if in := a.Inside; in != nil {
		t := fmt.Sprintf("each %s keeps a %s %s: %s %s in all, %s in the largest (%s retained)",
			a.RootClass, in.Property, in.Kind, ui.Count(in.Count), in.Class, ui.Count(in.Largest), ui.Bytes(int64(in.RetainedSize)))
		if in.Property == "" {
			// The entries are the collections.
			t = fmt.Sprintf("each entry is a %s: %s %s in all, %s in the largest (%s retained)",
				in.Kind, ui.Count(in.Count), in.Class, ui.Count(in.Largest), ui.Bytes(int64(in.RetainedSize)))
		}
		if in.AddedAt != nil {
			t += "; added at " + addedText(in.AddedAt)
		}
		facts = append(facts, Fact{"inside", t})
	}
	if b := a.Bulk; b != nil {
		facts = append(facts, bulkFact(b))
	}
	if w := a.Wholes; w != nil {
		facts = append(facts, wholesFact(w))
	}
	if a.Location != nil {
		facts = append(facts, locFact(a.Location))
	}
	facts = append(facts, addedFacts(a.AddedAt)...)
	if w := a.Wholes; w != nil && w.Cut != nil {
		facts = append(facts, Fact{"cut at", addedText(w.Cut)})
	}
	if t := a.Trim; t != nil && t.Library != "" && t.Size {
		facts = append(facts, Fact{"size bound", fmt.Sprintf("%s:%d  %s cache created with a total size of at most %s  %s", t.At.Script, t.At.Line, t.Library, boundText(t), t.At.Text)})
	} else if t != nil && t.Library != "" {
		facts = append(facts, Fact{"maximum", fmt.Sprintf("%s:%d  %s cache created with a maximum of %s  %s", t.At.Script, t.At.Line, t.Library, boundText(t), t.At.Text)})
	} else if t != nil && t.Guard {
		facts = append(facts, Fact{"added below", fmt.Sprintf("%s:%d  %s  %s", t.At.Script, t.At.Line, boundText(t), t.At.Text)})
	} else if t != nil && t.Ring {
		facts = append(facts, Fact{"ring of", fmt.Sprintf("%s:%d  %s  %s", t.At.Script, t.At.Line, boundText(t), t.At.Text)})
	} else if t != nil && t.Created != "" {
		facts = append(facts, Fact{"created below", fmt.Sprintf("%s:%d  %s  %s", t.At.Script, t.At.Line, boundText(t), t.At.Text)})
	} else if t != nil {
		facts = append(facts, Fact{"trimmed at", trimText(t)})
	}
	facts = append(facts, allocFacts(a.AllocationStacks, a.AllocationTraced, a.AllocationUntraced, true)...)
	return facts
}

// noAccumulationText is what a single-snapshot report says without suspects.
const noAccumulationText = "no holder keeps many similar objects, no class is held many times the same way and no single object holds a large share of the heap."

// dupFixText is the advice under the duplicated strings.
const dupFixText = "keep one copy: intern repeated values (a Map from text to the one string), or parse them once"

// WriteSingleText writes a single-snapshot report for a terminal.
func WriteSingleText(w io.Writer, r *leak.SingleReport, p ui.Palette) {
	fmt.Fprintf(w, "%s %s (one snapshot)\n", p.Bold("snapshot:"), r.Snapshot.Name)
	fmt.Fprintf(w, "%s %s\n", p.Bold("reachable heap:"), sizeText(r.Snapshot.TotalSize))
	fmt.Fprintf(w, "%s %s\n", p.Yellow("note:"), OneSnapshotCaveat)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "%s %s\n", p.Yellow("note:"), n)
	}
	if len(r.Suspects) == 0 {
		fmt.Fprintf(w, "\n%s %s\n", p.Green("No accumulation:"), noAccumulationText)
	} else {
		// singleOrder puts these after the rest, whatever their size.
		order := "largest first"
		bounded, stack, pending := false, false, false
		for i := range r.Suspects {
			bounded = bounded || r.Suspects[i].WithinBound()
			stack = stack || r.Suspects[i].OnStack
			pending = pending || r.Suspects[i].Pending
		}
		if bounded {
			order += ", then caches within their bound"
		}
		switch {
		case stack && pending:
			order += ", then what running functions and pending timers hold"
		case stack:
			order += ", then what running functions hold"
		case pending:
			order += ", then what pending timers hold"
		}
		fmt.Fprintf(w, "\n%s\n", p.Bold(fmt.Sprintf("%d place(s) where memory accumulates, %s", len(r.Suspects), order)))
	}
	var runtime []leak.Accumulation
	for _, a := range r.Suspects {
		if a.Runtime {
			// node's own state: one line each, after the program's.
			runtime = append(runtime, a)
			continue
		}
		tag := p.Yellow(SinglePattern(a.Pattern))
		fmt.Fprintf(w, "\n%s %s  %s  %s\n", p.Bold(fmt.Sprintf("#%d", a.Rank)), tag, p.Bold(a.Class),
			p.Red(fmt.Sprintf("%s retained (%.1f%% of the heap)", sizeText(a.RetainedSize), 100*a.Share)))
		t := ui.Table{RightAlign: map[int]bool{}}
		for _, f := range AccumulationFacts(&a) {
			t.Rows = append(t.Rows, []string{"  " + f.Label, f.Value})
		}
		if a.PathText != "" {
			t.Rows = append(t.Rows, []string{"  path", a.PathText})
		}
		t.Write(w, p)
		fmt.Fprintf(w, "  %s %s\n", p.Cyan("fix:"), a.Hint)
	}
	if len(runtime) > 0 {
		fmt.Fprintf(w, "\n%s\n", p.Bold("node's own state (its modules and internals, not the program's)"))
		t := ui.Table{Header: []string{"#", "class", "count", "retained", "holder"}, RightAlign: map[int]bool{0: true, 2: true, 3: true}}
		for _, a := range runtime {
			t.Rows = append(t.Rows, []string{fmt.Sprintf("#%d", a.Rank), a.Class, ui.Count(a.Count),
				fmt.Sprintf("%s (%.1f%%)", sizeText(a.RetainedSize), 100*a.Share), strings.TrimSuffix(holderText(&a), keysText(a.Holder))})
		}
		t.Write(w, p)
	}
	if len(r.DuplicateStrings) > 0 {
		fmt.Fprintf(w, "\n%s\n", p.Bold(fmt.Sprintf("Duplicated strings (each wasting %s or more)", sizeText(r.DuplicateMin))))
		t := ui.Table{Header: []string{"copies", "wasted", "total", "id", "text"}, RightAlign: map[int]bool{0: true, 1: true, 2: true}}
		for _, d := range r.DuplicateStrings {
			text := fmt.Sprintf("%q", clipText(d.Text, 60))
			if d.Truncated {
				text += " (first 1024 characters equal)"
			}
			t.Rows = append(t.Rows, []string{ui.Count(int64(d.Count)), sizeText(d.Wasted), sizeText(d.Bytes), fmt.Sprintf("@%d", d.ID), text})
		}
		t.Write(w, p)
		fmt.Fprintf(w, "  %s %s\n", p.Cyan("fix:"), dupFixText)
	}
}

// WriteSingleMarkdown writes a single-snapshot report for a CI comment.
func WriteSingleMarkdown(w io.Writer, r *leak.SingleReport) {
	fmt.Fprintf(w, "## leakhound: where memory accumulates\n\nSnapshot: `%s`  \nReachable heap: %s\n\n> %s\n\n",
		mdEscape(r.Snapshot.Name), sizeText(r.Snapshot.TotalSize), OneSnapshotCaveat)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "> note: %s\n\n", n)
	}
	if len(r.Suspects) == 0 {
		fmt.Fprintf(w, "**No accumulation.**\n")
	} else {
		fmt.Fprintf(w, "| # | pattern | class | count | retained | share | holder |\n| ---: | --- | --- | ---: | ---: | ---: | --- |\n")
		for _, a := range r.Suspects {
			fmt.Fprintf(w, "| %d | %s | `%s` | %s | %s | %.1f%% | %s |\n", a.Rank, SinglePattern(a.Pattern), mdEscape(a.Class),
				ui.Count(a.Count), sizeText(a.RetainedSize), 100*a.Share, mdEscape(holderText(&a)))
		}
		for _, a := range r.Suspects {
			fmt.Fprintf(w, "\n### #%d %s: `%s`\n\n", a.Rank, SinglePattern(a.Pattern), mdEscape(a.Class))
			if a.Location != nil {
				fmt.Fprintf(w, "%s\n\n", locMarkdown(a.Location))
			}
			writeAddedMarkdown(w, a.AddedAt)
			if wh := a.Wholes; wh != nil && wh.Cut != nil {
				fmt.Fprintf(w, "Cut at: `%s`\n\n", mdCode(addedText(wh.Cut)))
			}
			writeAllocMarkdown(w, a.AllocationStacks, a.AllocationTraced, a.AllocationUntraced, true)
			fmt.Fprintf(w, "Retaining path:\n\n```\n%s\n```\n\n**Fix:** %s\n", a.PathText, a.Hint)
		}
	}
	if len(r.DuplicateStrings) > 0 {
		fmt.Fprintf(w, "\n### Duplicated strings\n\n| copies | wasted | text |\n| ---: | ---: | --- |\n")
		for _, d := range r.DuplicateStrings {
			fmt.Fprintf(w, "| %s | %s | `%s` |\n", ui.Count(int64(d.Count)), sizeText(d.Wasted), mdEscape(clipText(d.Text, 60)))
		}
	}
}

// trimText is where the program trims a collection, and at what bound.
func trimText(t *leak.Trim) string {
	return fmt.Sprintf("%s:%d  past %s  %s", t.At.Script, t.At.Line, boundText(t), t.At.Text)
}

// boundText is "MAX = 300", or the bound alone when it is a number or its
// value is unknown.
func boundText(t *leak.Trim) string {
	b := t.Bound
	if t.Limit >= 0 && b != fmt.Sprint(t.Limit) {
		b += fmt.Sprintf(" = %d", t.Limit)
	}
	return b
}
