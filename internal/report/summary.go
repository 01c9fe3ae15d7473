// Package report renders leakhound's results for people (aligned text,
// colour, human sizes) and for machines (JSON with exact byte counts).
// This file holds the heap Summary view.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/ui"
)

// Summary is DevTools' Summary view of one snapshot. JSON schema:
//
//	{"snapshot": {"file", "nodes", "edges", "total_size",
//	              "breakdown": {"v8_heap", "code", "strings", "js_arrays",
//	                            "typed_arrays", "system", "native"}},
//	 "classes": [{"name", "count", "shallow_size", "retained_size", "distance"}...]}
//
// Sizes are bytes. distance is DevTools' raw value: 1 for the global
// object, 100000000+k for objects only reachable from the GC roots, -5 when
// unreachable.
type Summary struct {
	Snapshot SnapshotTotals `json:"snapshot"`
	Classes  []ClassRow     `json:"classes"`
	// AllClasses is the number of classes before --filter and --top.
	AllClasses int `json:"-"`
	// Matched is the number of classes --filter kept.
	Matched int `json:"-"`
}

// SnapshotTotals are the header numbers of a snapshot.
type SnapshotTotals struct {
	File      string    `json:"file"`
	Nodes     int       `json:"nodes"`
	Edges     int       `json:"edges"`
	TotalSize uint64    `json:"total_size"`
	Breakdown Breakdown `json:"breakdown"`
}

// Breakdown splits the total size by kind, as DevTools' Statistics view.
type Breakdown struct {
	V8Heap      uint64 `json:"v8_heap"`
	Code        uint64 `json:"code"`
	Strings     uint64 `json:"strings"`
	JSArrays    uint64 `json:"js_arrays"`
	TypedArrays uint64 `json:"typed_arrays"`
	System      uint64 `json:"system"`
	Native      uint64 `json:"native"`
}

// ClassRow is one class of the Summary.
type ClassRow struct {
	Name         string `json:"name"`
	Count        int    `json:"count"`
	ShallowSize  uint64 `json:"shallow_size"`
	RetainedSize uint64 `json:"retained_size"`
	Distance     int32  `json:"distance"`
}

// SummaryOptions select and order the rows.
type SummaryOptions struct {
	Sort   string // "retained" (default), "shallow" or "count"
	Filter string // keep classes whose name contains this, case-insensitively
	Top    int    // keep the first Top rows; 0 = all
}

// SortKeys are the accepted values of SummaryOptions.Sort.
var SortKeys = []string{"retained", "shallow", "count"}

// Totals returns the header numbers of g. The file is written with
// forward slashes, so the JSON is the same bytes on Windows as elsewhere
// (Windows accepts them as separators too).
func Totals(g *heapgraph.Graph, file string) SnapshotTotals {
	return TotalsOf(g.S.NodeCount, g.S.EdgeCount, g.Stats, file)
}

// TotalsOf returns the header numbers of a snapshot of nodes and edges
// with statistics st.
func TotalsOf(nodes, edges int, st heapgraph.Statistics, file string) SnapshotTotals {
	return SnapshotTotals{
		File: filepath.ToSlash(file), Nodes: nodes, Edges: edges, TotalSize: st.Total,
		Breakdown: Breakdown{V8Heap: st.V8Heap, Code: st.Code, Strings: st.Strings, JSArrays: st.JSArrays,
			TypedArrays: st.TypedArrays, System: st.System, Native: st.Native},
	}
}

// BuildSummary computes the Summary of g.
func BuildSummary(g *heapgraph.Graph, file string, opts SummaryOptions) (*Summary, error) {
	return SummaryOf(g.Summary(), Totals(g, file), opts)
}

// SummaryOf is the Summary of a snapshot with these totals and
// heapgraph.Summary rows (e.g. saved in its index).
func SummaryOf(rows []heapgraph.ClassSummary, totals SnapshotTotals, opts SummaryOptions) (*Summary, error) {
	out := &Summary{Snapshot: totals, AllClasses: len(rows)}
	filter := strings.ToLower(opts.Filter)
	for _, r := range rows {
		if filter != "" && !strings.Contains(strings.ToLower(r.Name), filter) {
			continue
		}
		out.Classes = append(out.Classes, ClassRow{Name: r.Name, Count: r.Count, ShallowSize: r.Shallow,
			RetainedSize: r.Retained, Distance: r.Distance})
	}
	var less func(a, b ClassRow) bool
	switch opts.Sort {
	case "", "retained":
		less = func(a, b ClassRow) bool { return a.RetainedSize > b.RetainedSize }
	case "shallow":
		less = func(a, b ClassRow) bool { return a.ShallowSize > b.ShallowSize }
	case "count":
		less = func(a, b ClassRow) bool { return a.Count > b.Count }
	default:
		return nil, fmt.Errorf("--sort must be one of %s, not %q", strings.Join(SortKeys, ", "), opts.Sort)
	}
	c := out.Classes
	sort.SliceStable(c, func(i, j int) bool {
		if less(c[i], c[j]) {
			return true
		}
		if less(c[j], c[i]) {
			return false
		}
		return c[i].Name < c[j].Name
	})
	out.Matched = len(c)
	if opts.Top > 0 && len(c) > opts.Top {
		out.Classes = c[:opts.Top]
	}
	if out.Classes == nil {
		out.Classes = []ClassRow{}
	}
	return out, nil
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Pct formats part/total as a percentage for tables.
func Pct(part, total uint64) string {
	if total == 0 {
		return "-"
	}
	p := float64(part) * 100 / float64(total)
	if p > 0 && p < 0.1 {
		return "<0.1%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// Distance formats a DevTools distance for people: as DevTools does, only
// distances from a user root are shown; system-only and unreachable
// objects show "−".
func Distance(d int32) string {
	if d >= 0 && d < heapgraph.BaseSystemDistance {
		return strconv.Itoa(int(d))
	}
	return "−"
}

// Part is one slice of DevTools' Statistics view.
type Part struct {
	Name string
	Size int64
}

// Statistics splits the snapshot's total the way DevTools' Statistics view
// does, leaving out empty parts. Typed arrays are the ArrayBuffers' backing
// stores, which are native memory (a part of Native, not of the JS
// objects); the rest of each side is "other".
func Statistics(t SnapshotTotals) []Part {
	b := t.Breakdown
	other := int64(t.TotalSize) - int64(b.Code+b.Strings+b.JSArrays+b.System+b.Native)
	parts := []Part{
		{"code", int64(b.Code)}, {"strings", int64(b.Strings)}, {"JS arrays", int64(b.JSArrays)},
		{"system", int64(b.System)}, {"other JS objects", other},
		{"typed arrays", int64(b.TypedArrays)}, {"other native", int64(b.Native) - int64(b.TypedArrays)},
	}
	out := parts[:0]
	for _, x := range parts {
		if x.Size > 0 {
			out = append(out, x)
		}
	}
	return out
}

// WriteSummaryText writes the Summary for people.
func WriteSummaryText(w io.Writer, s *Summary, p ui.Palette) {
	t := s.Snapshot
	fmt.Fprintf(w, "%s %s\n", p.Bold("Snapshot"), t.File)
	fmt.Fprintf(w, "%s nodes, %s edges, total %s\n", ui.Count(int64(t.Nodes)), ui.Count(int64(t.Edges)), p.Bold(ui.Bytes(int64(t.TotalSize))))
	var ps []string
	for _, x := range Statistics(t) {
		ps = append(ps, fmt.Sprintf("%s %s (%s)", x.Name, ui.Bytes(x.Size), Pct(uint64(x.Size), t.TotalSize)))
	}
	fmt.Fprintf(w, "%s\n\n", strings.Join(ps, " · "))
	tab := ui.Table{
		Header:     []string{"Class", "Count", "Distance", "Shallow", "%", "Retained", "%"},
		RightAlign: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true},
	}
	for _, r := range s.Classes {
		tab.Rows = append(tab.Rows, []string{
			truncRunes(r.Name, 60), ui.Count(int64(r.Count)), Distance(r.Distance),
			ui.Bytes(int64(r.ShallowSize)), Pct(r.ShallowSize, t.TotalSize),
			ui.Bytes(int64(r.RetainedSize)), Pct(r.RetainedSize, t.TotalSize),
		})
	}
	if len(s.Classes) == 0 {
		fmt.Fprintln(w, "no classes match")
		return
	}
	tab.Write(w, p)
	if len(s.Classes) < s.Matched {
		fmt.Fprintf(w, "%s\n", p.Dim(fmt.Sprintf("(%d of %d classes shown; --top N for more, --top 0 for all)", len(s.Classes), s.Matched)))
	}
}

// truncRunes shortens s to max characters with an ellipsis.
func truncRunes(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}
