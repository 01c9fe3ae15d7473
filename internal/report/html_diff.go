package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

type diffView struct {
	*leak.DiffResult
	Rows  []leak.DiffRow
	Chart divergingChart
	More  string
}

// diffChartRows is how many classes the Comparison's chart shows.
const diffChartRows = 20

// WriteDiffHTML writes DevTools' Comparison view as one self-contained
// HTML page: the classes whose size changed most as a chart, then the
// table of the first top rows (top <= 0: all), sortable.
func WriteDiffHTML(w io.Writer, d *leak.DiffResult, top int, meta HTMLMeta) error {
	v := &diffView{DiffResult: d, Rows: d.Rows}
	if top > 0 && len(v.Rows) > top {
		v.Rows = v.Rows[:top]
		v.More = fmt.Sprintf("%d of %d classes shown (--top 0 shows all)", top, len(d.Rows))
	}
	// The chart: the biggest changes either way, biggest first.
	idx := make([]int, len(d.Rows))
	for i := range idx {
		idx[i] = i
	}
	abs := func(n int64) int64 { return max(n, -n) }
	sort.SliceStable(idx, func(a, b int) bool { return abs(d.Rows[idx[a]].SizeDelta) > abs(d.Rows[idx[b]].SizeDelta) })
	var names, texts []string
	var vals []int64
	for _, i := range idx {
		r := d.Rows[i]
		if len(vals) == diffChartRows || r.SizeDelta == 0 {
			break
		}
		names = append(names, r.Class)
		vals = append(vals, r.SizeDelta)
		texts = append(texts, ui.SignedBytes(r.SizeDelta)+" ("+signedCount(r.Delta)+")")
	}
	v.Chart = diverging("size delta per class, biggest changes first", names, vals, texts)
	return writePage(w, &page{Title: "leakhound diff: " + d.Base.Name + " → " + d.Target.Name, Meta: meta, Diff: v})
}
