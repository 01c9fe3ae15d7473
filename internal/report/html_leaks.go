package report

import (
	"fmt"
	"io"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

type leaksView struct {
	Title     string
	Names     []string
	Notes     []string
	Heap      columnChart
	HeapText  string
	Leak      bool
	NoSuspect string
	Suspects  []suspectView
}

type suspectView struct {
	*leak.Suspect
	Facts        []Fact
	Steps        []Step
	Chart        columnChart
	CountText    string
	RetainedText string
}

// WriteLeaksHTML writes the leak report (of `leaks` or `run`) as one
// self-contained HTML page: the reachable heap over the series, a table
// of the suspects, then each suspect with its growth chart, what holds it,
// its code, its retaining path step by step and the fix.
func WriteLeaksHTML(w io.Writer, r *leak.Report, meta HTMLMeta) error {
	names := snapshotNames(r)
	v := &leaksView{Title: "leakhound " + meta.Command + ": leak report", Names: names, Notes: r.Notes, Leak: r.Leak,
		HeapText: series(r.Snapshots, func(s leak.SnapshotInfo) string { return sizeText(s.TotalSize) })}
	var heap []float64
	var tips, vals []string
	for _, s := range r.Snapshots {
		heap = append(heap, float64(s.TotalSize))
		tips = append(tips, fmt.Sprintf("%s: %s reachable, %s nodes", s.Name, ui.Bytes(int64(s.TotalSize)), ui.Count(int64(s.Nodes))))
		vals = append(vals, ui.Bytes(int64(s.TotalSize)))
	}
	v.Heap = columns("reachable heap per snapshot", heap, tips, vals, shortNames(len(names)), true)
	if !r.Leak {
		v.NoSuspect = noSuspectText(r)
	}
	for i := range r.Suspects {
		s := &r.Suspects[i]
		sv := suspectView{Suspect: s, Facts: SuspectFacts(s, names), Steps: Steps(s.RetainerPath),
			CountText: series(s.Count, countText), RetainedText: series(s.RetainedSize, sizeText)}
		var ys []float64
		var tips []string
		unit := "objects"
		if s.CountUnit != "" {
			unit = s.CountUnit
		}
		for j, b := range s.RetainedSize {
			ys = append(ys, float64(b))
			tip := fmt.Sprintf("%s retained", ui.Bytes(int64(b)))
			if j < len(s.Count) {
				tip += fmt.Sprintf(", %s %s", ui.Count(s.Count[j]), unit)
			}
			if j < len(names) {
				tip = names[j] + ": " + tip
			}
			tips = append(tips, tip)
		}
		sv.Chart = columns(fmt.Sprintf("suspect #%d: retained size per snapshot", s.Rank), ys, tips, nil, nil, false)
		v.Suspects = append(v.Suspects, sv)
	}
	return writePage(w, &page{Title: v.Title, Meta: meta, Leaks: v})
}

// shortNames labels n snapshots S1..Sn under a chart's columns; the page
// lists the file names they stand for.
func shortNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("S%d", i+1)
	}
	return out
}
