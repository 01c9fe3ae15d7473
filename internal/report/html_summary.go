package report

import (
	"fmt"
	"io"

	"github.com/leakhound/leakhound/internal/ui"
)

type summaryView struct {
	*Summary
	Parts []statPart
	Chart stackedChart
	More  string
}

type statPart struct {
	Part
	Class string
	Pct   string
}

// WriteSummaryHTML writes DevTools' Summary view of one snapshot as one
// self-contained HTML page: the Statistics breakdown as a chart and the
// class table (sortable), with the rows s holds.
func WriteSummaryHTML(w io.Writer, s *Summary, meta HTMLMeta) error {
	t := s.Snapshot
	v := &summaryView{Summary: s}
	parts := Statistics(t)
	var tips []string
	for i, p := range parts {
		pct := Pct(uint64(p.Size), t.TotalSize)
		v.Parts = append(v.Parts, statPart{Part: p, Class: swatchClass(i), Pct: pct})
		tips = append(tips, fmt.Sprintf("%s: %s (%s)", p.Name, ui.Bytes(p.Size), pct))
	}
	v.Chart = stacked("Statistics: where the "+ui.Bytes(int64(t.TotalSize))+" go", parts, tips)
	if len(s.Classes) < s.Matched {
		v.More = fmt.Sprintf("%d of %d classes shown (--top N for more, --top 0 for all)", len(s.Classes), s.Matched)
	}
	return writePage(w, &page{Title: "leakhound summary: " + t.File, Meta: meta, Summary: v})
}
