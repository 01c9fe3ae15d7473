package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

// WriteLeaksJSON writes the leak report as JSON (schema in docs/leaks.md).
func WriteLeaksJSON(w io.Writer, r *leak.Report) error { return WriteJSON(w, r) }

func series[T any](xs []T, f func(T) string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = f(x)
	}
	return strings.Join(parts, " → ")
}

func countText(n int64) string { return ui.Count(n) }
func sizeText(n uint64) string { return ui.Bytes(int64(n)) }
func locText(l *leak.Location) string {
	if l == nil {
		return ""
	}
	s := fmt.Sprintf("%s:%d:%d", l.Script, l.Line, l.Column)
	if l.Script == "" {
		s = fmt.Sprintf("line %d, column %d", l.Line, l.Column)
	}
	if b := l.Built; b != nil {
		// Told in the original source; where node ran it, beside.
		s += fmt.Sprintf(" (built: %s:%d:%d)", b.Script, b.Line, b.Column)
	}
	if l.Function != "" {
		return l.Function + " at " + s
	}
	return s
}

// locFact is the suspect's code location as a fact: "code", or "scope"
// when it is only a function whose scope keeps the objects.
func locFact(l *leak.Location) Fact {
	switch l.Role {
	case leak.RoleScope:
		return Fact{"scope", locText(l) + " (keeps them in its scope; where they are made is not known)"}
	case leak.RoleVariable:
		return Fact{"variable", locText(l) + " (a module's top-level variable keeps them; where they are made is not known)"}
	}
	return Fact{"code", locText(l)}
}

// locMarkdown is locFact's line in a Markdown report.
func locMarkdown(l *leak.Location) string {
	switch l.Role {
	case leak.RoleScope:
		return fmt.Sprintf("Scope: `%s` (keeps them in its scope; where they are made is not known)", locText(l))
	case leak.RoleVariable:
		return fmt.Sprintf("Variable: `%s` (a module's top-level variable keeps them; where they are made is not known)", locText(l))
	}
	return fmt.Sprintf("Code: `%s`", locText(l))
}

// addedText is a source line that adds to a collection, where it is.
func addedText(st *leak.Statement) string {
	t := fmt.Sprintf("%s:%d:%d  %s", st.Script, st.Line, st.Column, st.Text)
	if st.Others > 0 {
		more := "lines"
		if st.Others == 1 {
			more = "line"
		}
		t += fmt.Sprintf(" (and %d more %s)", st.Others, more)
	}
	return t
}

// addedFacts are the "added at" lines: the statement, and the library's
// own statement it calls into when it is the program's call.
func addedFacts(st *leak.Statement) []Fact {
	if st == nil {
		return nil
	}
	f := []Fact{{"added at", addedText(st)}}
	if st.Library != nil {
		f = append(f, Fact{"through", addedText(st.Library)})
	}
	return f
}

func writeAddedMarkdown(w io.Writer, st *leak.Statement) {
	if st == nil {
		return
	}
	fmt.Fprintf(w, "Added at: `%s`\n\n", mdCode(addedText(st)))
	if st.Library != nil {
		fmt.Fprintf(w, "Through: `%s`\n\n", mdCode(addedText(st.Library)))
	}
}

// mdCode makes t safe inside a Markdown code span.
func mdCode(t string) string { return strings.ReplaceAll(t, "`", "'") }

// Step is one step of a folded retaining path as people read it: the edge
// from the previous step (empty for the first), the node, its id and how
// many times the step repeats in a row. Text, Markdown and HTML share it.
type Step struct {
	Edge   string
	Node   string
	ID     uint32
	Repeat int
}

// Steps turns a suspect's path into readable steps, root first.
func Steps(steps []leak.PathStep) []Step {
	out := make([]Step, len(steps))
	for i, st := range steps {
		v := Step{ID: st.ID, Repeat: st.Repeat}
		if i > 0 {
			v.Edge = leak.EdgeText(st.EdgeType, st.Edge)
		}
		switch st.Type {
		case "closure":
			n := st.Name
			if n == "" {
				n = "(anonymous)"
			}
			v.Node = "(closure) " + n
		case "string", "concatenated string", "sliced string":
			v.Node = "(string)"
		case "hidden", "synthetic":
			v.Node = st.Name
		default:
			v.Node = st.Class
		}
		out[i] = v
	}
	return out
}

// pathLines renders the folded retaining path one step per line, root
// first, the way the guide's case study reads it.
func pathLines(steps []leak.PathStep) []string {
	var out []string
	for _, st := range Steps(steps) {
		var b strings.Builder
		if st.Edge != "" {
			b.WriteString(st.Edge + " → ")
		}
		fmt.Fprintf(&b, "%s @%d", st.Node, st.ID)
		if st.Repeat > 1 {
			fmt.Fprintf(&b, "  ×%d", st.Repeat)
		}
		out = append(out, b.String())
	}
	return out
}

// Fact is one labelled line of a suspect's explanation ("count",
// "retained", "collection", "code"...).
type Fact struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// SuspectFacts explains suspect s of a report over snapshots named names:
// what grows, how much, what holds it and where the code is. The path and
// the fix are left to the caller.
func SuspectFacts(s *leak.Suspect, names []string) []Fact {
	countLabel := "count"
	if s.CountUnit != "" {
		countLabel += " (" + s.CountUnit + ")"
	}
	facts := []Fact{
		{countLabel, series(s.Count, countText)},
		{"retained", series(s.RetainedSize, sizeText)},
	}
	if s.CountUnit == "bytes" {
		facts = append(facts, Fact{"rebuilt", "a new, bigger value in the same slot at every snapshot"})
	} else if s.CountUnit != "" && s.RetainedSize[0] == 0 {
		facts = append(facts, Fact{"grows in place", fmt.Sprintf("created after %s, the same object in every later snapshot keeps growing", names[0])})
	} else if s.CountUnit != "" {
		facts = append(facts, Fact{"grows in place", "the same object in every snapshot keeps growing"})
	} else {
		facts = append(facts, Fact{"new objects", fmt.Sprintf("%s allocated after %s and still alive in %s", ui.Count(int64(s.NewObjects)), names[0], names[len(names)-1])})
	}
	if s.Evidence != "" {
		facts = append(facts, Fact{"evidence", s.Evidence})
	}
	if s.RootClass != s.Class {
		facts = append(facts, Fact{"held by", s.RootClass})
	}
	if h := s.Holder; h != nil {
		desc := fmt.Sprintf("%s @%d", h.Class, h.ID)
		switch {
		case h.Kind == "listeners" && h.Event != "":
			emitter := h.Class
			if h.Name != "" && h.Owner == "" && h.OwnerName == "" {
				emitter += " " + h.Name // the variable or property that keeps it
			}
			desc = fmt.Sprintf("%s @%d, event '%s' (%s listeners)", emitter, h.ID, h.Event, series(s.Count, countText))
			if h.EventsLike > 0 {
				// One event per call: their listeners, on all of them.
				desc = fmt.Sprintf("%s @%d, events '%s' (one per call: %s, such as '%s'; %s listeners)", emitter, h.ID, leak.EventShape(h.Event),
					ui.Count(int64(h.EventsLike)), h.Event, series(s.Count, countText))
			} else if h.Listeners > 0 {
				desc = fmt.Sprintf("%s @%d, event '%s' (%s listeners in %s)", emitter, h.ID, h.Event, ui.Count(int64(h.Listeners)), names[len(names)-1])
			}
			for i, o := range h.OtherEvents {
				if i == maxOtherEvents {
					desc += fmt.Sprintf(" and %d more events (all in --json)", len(h.OtherEvents)-i)
					break
				}
				desc += fmt.Sprintf(", '%s' (%s)", o.Event, ui.Count(int64(o.Listeners)))
			}
			if h.Table != "" {
				desc += ", in its table " + h.Table
			}
		case h.Kind == "listeners":
			desc = fmt.Sprintf("%s @%d (%s listeners)", h.Class, h.ID, series(s.Count, countText))
		case h.Kind != "":
			unit := ""
			if s.CountUnit != "" {
				unit = " " + s.CountUnit
			}
			desc = fmt.Sprintf("%s @%d (%s, size %s%s)", h.Class, h.ID, h.Kind, series(s.Count, countText), unit)
			if h.Entries > 0 && s.CountUnit == "" {
				// Its own size: the count line says what leaks through it.
				desc = fmt.Sprintf("%s @%d (%s, %s entries in %s)", h.Class, h.ID, h.Kind, ui.Count(int64(h.Entries)), names[len(names)-1])
			}

		}
		if h.Owner != "" || h.OwnerName != "" {
			owner := h.Owner
			if h.OwnerName != "" {
				owner = strings.TrimSpace(owner + " " + h.OwnerName)
			}
			if h.Name != "" && h.Slot == "" {
				owner += "." + h.Name // the owner's property that holds it
			}
			if h.ValueOf != "" {
				owner += "." + h.ValueOf + ", as one of its values"
			}
			if h.Package != "" {
				owner += " (" + h.Package + ")"
			}
			desc += " in " + owner
		} else if h.Name != "" && h.Slot == "" && h.Kind != "listeners" {
			desc += " " + h.Name
			if h.Package != "" {
				desc += " (" + h.Package + ")" // a library's module variable
			}
		} else if h.ValueOf != "" {
			desc += " in " + h.ValueOf + ", as one of its values"
		}
		desc += keysText(h)
		label := "collection"
		if h.Kind == "listeners" {
			label = "emitter"
		}
		if h.Slot != "" {
			label = "slot"
			desc = fmt.Sprintf("%s %s of %s @%d", h.Kind, h.Slot, h.Class, h.ID)
		}
		facts = append(facts, Fact{label, desc})
	}
	if s.Context != "" {
		facts = append(facts, Fact{"also keeps", s.Context})
	}
	if b := s.Bulk; b != nil {
		facts = append(facts, bulkFact(b))
	}
	if w := s.Wholes; w != nil {
		facts = append(facts, wholesFact(w))
	}
	if len(s.Parts) > 1 {
		// Parts that read the same (the sources of five pipes into one
		// stream) are one entry with their count and total.
		var labels []string
		n := map[string]int{}
		sum := map[string]int64{}
		for _, p := range s.Parts {
			t := p.Class
			if p.Holder != "" {
				t += " in " + p.Holder
			}
			if n[t] == 0 {
				labels = append(labels, t)
			}
			n[t]++
			sum[t] += p.GrowthBytes
		}
		parts := make([]string, len(labels))
		all := int64(0)
		for i, t := range labels {
			if n[t] > 1 {
				parts[i] = fmt.Sprintf("%s ×%d %s", t, n[t], ui.SignedBytes(sum[t]))
			} else {
				parts[i] = t + " " + ui.SignedBytes(sum[t])
			}
			all += sum[t]
		}
		text := strings.Join(parts, "; ")
		if s.GrowthBytes > 0 && 10*all > 11*s.GrowthBytes {
			// Each part's own growth: a part inside another counts the
			// same bytes again, which the suspect's total does not.
			text += " (nested: one part holds another, so they add up to more than the whole)"
		}
		facts = append(facts, Fact{"parts", text})
	}
	if s.Location != nil {
		facts = append(facts, locFact(s.Location))
	}
	facts = append(facts, addedFacts(s.AddedAt)...)
	if w := s.Wholes; w != nil && w.Cut != nil {
		facts = append(facts, Fact{"cut at", addedText(w.Cut)})
	}
	facts = append(facts, allocFacts(s.AllocationStacks, s.AllocationTraced, s.AllocationUntraced, false)...)
	return facts
}

// LeaksFacts is SuspectFacts for each suspect of r, in order (serve's
// page shows them).
func LeaksFacts(r *leak.Report) [][]Fact {
	names := snapshotNames(r)
	out := make([][]Fact, len(r.Suspects))
	for i := range r.Suspects {
		out[i] = SuspectFacts(&r.Suspects[i], names)
	}
	return out
}

// snapshotNames lists the report's snapshot names in order.
func snapshotNames(r *leak.Report) []string {
	names := make([]string, len(r.Snapshots))
	for i, s := range r.Snapshots {
		names[i] = s.Name
	}
	return names
}

// noSuspectText says what found nothing, and does not deny growth the
// reader can see in the heap sizes printed above it.
func noSuspectText(r *leak.Report) string {
	const what = "no kind of new object, no collection and no variable or property kept growing at every snapshot"
	if n := len(r.Snapshots); n >= 2 {
		// Below this the heap's own noise (code warming up) is growth.
		const noticeable = 64 << 10
		grew := int64(r.Snapshots[n-1].TotalSize) - int64(r.Snapshots[0].TotalSize)
		if grew >= noticeable && r.Bounded() > 0 {
			return fmt.Sprintf("the reachable heap grew by %s; what kept growing is kept within a bound it has not reached (see the notes), and nothing else kept growing at every snapshot; take more snapshots, further apart, to see it level off.", ui.Bytes(grew))
		}
		if grew >= noticeable {
			return fmt.Sprintf("the reachable heap grew by %s, yet %s; take more snapshots, further apart, to tell a leak from warm-up or a cache still filling.", ui.Bytes(grew), what)
		}
	}
	return what + "."
}

// WriteLeaksText writes the report for a terminal: a verdict, then each
// suspect explained (what grows, how much, the path, the code, the fix).
func WriteLeaksText(w io.Writer, r *leak.Report, p ui.Palette) {
	names := snapshotNames(r)
	fmt.Fprintf(w, "%s %s\n", p.Bold("snapshots:"), strings.Join(names, ", "))
	fmt.Fprintf(w, "%s %s\n", p.Bold("reachable heap:"), series(r.Snapshots, func(s leak.SnapshotInfo) string { return sizeText(s.TotalSize) }))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "%s %s\n", p.Yellow("note:"), n)
	}
	if !r.Leak {
		fmt.Fprintf(w, "\n%s %s\n", p.Green("No leak suspects:"), noSuspectText(r))
		return
	}
	fmt.Fprintf(w, "\n%s\n", p.Red(p.Bold(fmt.Sprintf("%d leak suspect(s), largest growth first", len(r.Suspects)))))
	for i := range r.Suspects {
		s := &r.Suspects[i]
		size := ui.SignedBytes(s.GrowthBytes) + " retained"
		if wh := s.Wholes; wh != nil && wh.Bytes >= 4*uint64(max(s.GrowthBytes, 0)) {
			// Shared by many entries, the wholes are in no entry's
			// retained size: said beside it, so the size is not read
			// as all it costs.
			size += ", and " + ui.Bytes(int64(wh.Bytes)) + " kept whole by its slices"
		}
		fmt.Fprintf(w, "\n%s %s  %s  %s\n", p.Bold(fmt.Sprintf("#%d", s.Rank)), p.Yellow(string(s.Pattern)), p.Bold(s.Class),
			p.Red(size))
		t := ui.Table{RightAlign: map[int]bool{}}
		for _, f := range SuspectFacts(s, names) {
			t.Rows = append(t.Rows, []string{"  " + f.Label, f.Value})
		}
		if s.PathText != "" {
			t.Rows = append(t.Rows, []string{"  path", s.PathText})
			t.Write(w, p)
		} else {
			// A report built without the graph's one-line text: list the steps.
			t.Write(w, p)
			fmt.Fprintf(w, "  %s\n", p.Bold("retaining path (runs folded):"))
			for _, l := range pathLines(s.RetainerPath) {
				fmt.Fprintf(w, "    %s\n", l)
			}
		}
		fmt.Fprintf(w, "  %s %s\n", p.Cyan("fix:"), s.Hint)
	}
}

// WriteLeaksMarkdown writes the report for a CI comment.
func WriteLeaksMarkdown(w io.Writer, r *leak.Report) {
	fmt.Fprintf(w, "## leakhound leak report\n\n")
	names := make([]string, len(r.Snapshots))
	for i, s := range r.Snapshots {
		names[i] = "`" + s.Name + "`"
	}
	fmt.Fprintf(w, "Snapshots: %s  \nReachable heap: %s\n\n", strings.Join(names, ", "),
		series(r.Snapshots, func(s leak.SnapshotInfo) string { return sizeText(s.TotalSize) }))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "> note: %s\n\n", n)
	}
	if !r.Leak {
		fmt.Fprintf(w, "**No leak suspects.**\n")
		return
	}
	fmt.Fprintf(w, "| # | pattern | class | count | retained | growth |\n| ---: | --- | --- | --- | --- | ---: |\n")
	for _, s := range r.Suspects {
		fmt.Fprintf(w, "| %d | %s | `%s` | %s | %s | %s |\n", s.Rank, s.Pattern, mdEscape(s.Class),
			series(s.Count, countText), series(s.RetainedSize, sizeText), ui.SignedBytes(s.GrowthBytes))
	}
	for _, s := range r.Suspects {
		fmt.Fprintf(w, "\n### #%d %s: `%s`\n\n", s.Rank, s.Pattern, mdEscape(s.Class))
		if s.Evidence != "" {
			fmt.Fprintf(w, "Evidence: %s\n\n", s.Evidence)
		}
		if s.Location != nil {
			fmt.Fprintf(w, "%s\n\n", locMarkdown(s.Location))
		}
		writeAddedMarkdown(w, s.AddedAt)
		if wh := s.Wholes; wh != nil && wh.Cut != nil {
			fmt.Fprintf(w, "Cut at: `%s`\n\n", mdCode(addedText(wh.Cut)))
		}
		writeAllocMarkdown(w, s.AllocationStacks, s.AllocationTraced, s.AllocationUntraced, false)
		fmt.Fprintf(w, "Retaining path:\n\n```\n%s\n```\n\nSteps (ids for `leakhound inspect`):\n\n```\n%s\n```\n\n",
			s.PathText, strings.Join(pathLines(s.RetainerPath), "\n"))
		fmt.Fprintf(w, "**Fix:** %s\n", s.Hint)
	}
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "`", "'") }

// maxOtherEvents: how many more of an emitter's events the text names.
const maxOtherEvents = 8

// commonPrefix is how many runes all of keys start with.
func commonPrefix(keys []string) int {
	if len(keys) == 0 {
		return 0
	}
	first := []rune(keys[0])
	n := len(first)
	for _, k := range keys[1:] {
		r := []rune(k)
		i := 0
		for i < n && i < len(r) && r[i] == first[i] {
			i++
		}
		n = i
	}
	return n
}

// keysText names a holder's keys, ", newest keys "a", "b"" (a Map's): which
// entries stayed says which calls added them. A long key keeps its start
// and end, where keys built from a template and an id differ.
func keysText(h *leak.Holder) string {
	if h == nil || len(h.Keys) == 0 {
		return ""
	}
	q := make([]string, len(h.Keys))
	same := commonPrefix(h.Keys) // runes all the keys start with
	for i, k := range h.Keys {
		k = clipText(k, 1<<20)
		if r := []rune(k); len(r) > 40 {
			if len(h.Keys) > 1 && same > 20 && same < len(r) {
				// Keys made from one template differ after a long
				// shared start (a label set's first labels): show
				// where they differ.
				from := same - 12
				to := min(len(r), from+28)
				k = "…" + string(r[from:to])
				if to < len(r) {
					k += "…"
				}
			} else {
				k = string(r[:24]) + "…" + string(r[len(r)-15:])
			}
		}
		q[i] = strconv.Quote(k)
	}
	if h.Kind != "Map" {
		// A dictionary's properties are in hash order, not insertion.
		return ", keys such as " + strings.Join(q, ", ")
	}
	return ", newest keys " + strings.Join(q, ", ")
}

// bulkFact says where most of one leaked object's size is: "a (string)
// at describe → context → raw: 51.3 KiB of its 52.3 KiB (98%)".
func bulkFact(b *leak.Bulk) Fact {
	pct := uint64(0)
	if b.Of > 0 {
		pct = b.RetainedSize * 100 / b.Of
	}
	return Fact{"bulk", fmt.Sprintf("%s %s at %s: %s of its %s (%d%%)", ui.Article(b.Class), b.Class, b.Text(),
		ui.Bytes(int64(b.RetainedSize)), ui.Bytes(int64(b.Of)), pct)}
}

// wholesFact says what the slices an entry keeps hold whole (the line
// that cut them is a "cut at" fact beside "added at"): "320 strings
// of about 135 KiB, 43.2 MiB in all, behind 4,641 sliced strings (traceId)".
func wholesFact(w *leak.Wholes) Fact {
	what, slices := "strings", "sliced strings"
	if w.Kind == "buffer" {
		what, slices = "ArrayBuffers", "Buffer views"
	}
	t := fmt.Sprintf("%s %s of about %s, %s in all, behind %s %s", ui.Count(int64(w.Wholes)), what,
		ui.Bytes(int64(w.Bytes/uint64(max(w.Wholes, 1)))), ui.Bytes(int64(w.Bytes)), ui.Count(int64(w.Slices)), slices)
	if f := w.FieldText(); f != "" {
		t += " (" + f + ")"
	}
	return Fact{"kept whole", t}
}
