package gctrace

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"

	"github.com/leakhound/leakhound/internal/ui"
)

// SVG geometry: one panel per isolate, stacked.
const (
	svgWidth    = 900
	svgPanelH   = 280
	svgLeft     = 70
	svgRight    = 20
	svgTop      = 48
	svgBottom   = 40
	svgMaxPanel = 16
)

// WriteSVG draws a self-contained SVG chart: per isolate, the heap before
// and after each GC over time (downsampled series), major GCs marked, and
// the post-GC trend line with the verdict as the panel's title.
func WriteSVG(w io.Writer, s *Summary) error {
	bw := bufio.NewWriter(w)
	panels := s.Isolates
	if len(panels) > svgMaxPanel {
		panels = panels[:svgMaxPanel]
	}
	n := max(1, len(panels))
	height := n*svgPanelH + 30
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="system-ui, sans-serif" font-size="12">`+"\n",
		svgWidth, height, svgWidth, height)
	fmt.Fprintf(bw, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	fmt.Fprintf(bw, `<title>leakhound gc: %s</title>`+"\n", esc(s.VerdictText))
	if len(panels) == 0 {
		fmt.Fprintf(bw, `<text x="%d" y="40">no GC lines found</text>`+"\n", svgLeft)
	}
	for i := range panels {
		svgPanel(bw, &panels[i], float64(i*svgPanelH))
	}
	// Legend.
	ly := float64(height - 14)
	fmt.Fprintf(bw, `<g font-size="11" fill="#333">`)
	fmt.Fprintf(bw, `<line x1="%d" y1="%.0f" x2="%d" y2="%.0f" stroke="#f4a259" stroke-width="1.5"/><text x="%d" y="%.0f">heap before GC</text>`,
		svgLeft, ly-4, svgLeft+20, ly-4, svgLeft+26, ly)
	fmt.Fprintf(bw, `<line x1="%d" y1="%.0f" x2="%d" y2="%.0f" stroke="#2a6f97" stroke-width="1.5"/><text x="%d" y="%.0f">heap after GC</text>`,
		svgLeft+130, ly-4, svgLeft+150, ly-4, svgLeft+156, ly)
	fmt.Fprintf(bw, `<circle cx="%d" cy="%.0f" r="3.5" fill="#c1121f"/><text x="%d" y="%.0f">major GC (after)</text>`,
		svgLeft+260, ly-4, svgLeft+268, ly)
	fmt.Fprintf(bw, `<line x1="%d" y1="%.0f" x2="%d" y2="%.0f" stroke="#c1121f" stroke-dasharray="5 4"/><text x="%d" y="%.0f">post-GC trend (Theil–Sen)</text>`,
		svgLeft+380, ly-4, svgLeft+400, ly-4, svgLeft+406, ly)
	if s.Forced != nil {
		fmt.Fprintf(bw, `<circle cx="%d" cy="%.0f" r="3.5" fill="#ffffff" stroke="#c1121f" stroke-width="1.5"/><text x="%d" y="%.0f">forced major GC</text>`,
			svgLeft+570, ly-4, svgLeft+578, ly)
	}
	fmt.Fprintln(bw, `</g>`)
	fmt.Fprintln(bw, `</svg>`)
	return bw.Flush()
}

func esc(s string) string { return html.EscapeString(s) }

func svgPanel(w *bufio.Writer, is *IsolateSummary, y0 float64) {
	pw := float64(svgWidth - svgLeft - svgRight)
	ph := float64(svgPanelH - svgTop - svgBottom)
	top := y0 + svgTop
	colour := "#2b9348"
	switch is.Verdict {
	case ProbableLeak:
		colour = "#c1121f"
	case GCPressure, Inconclusive:
		colour = "#e09f3e"
	}
	fmt.Fprintf(w, `<text x="%d" y="%.0f" font-size="14" font-weight="bold">isolate %d:%s — %s GCs</text>`+"\n",
		svgLeft, y0+20, is.PID, esc(is.Isolate), ui.Count(is.GCs))
	fmt.Fprintf(w, `<text x="%d" y="%.0f" fill="%s">%s</text>`+"\n", svgLeft, y0+37, colour, esc(clip(is.VerdictText, 130)))
	if is.Forced != nil {
		// Right-aligned on the title line, short enough to leave the title
		// its room.
		fmt.Fprintf(w, `<text x="%d" y="%.0f" fill="#555" font-size="11" text-anchor="end">%s forced (hollow), not in time in GC</text>`+"\n",
			svgWidth-svgRight, y0+20, esc(clip(fmt.Sprintf("%s GC%s, %s", ui.Count(is.Forced.GCs), plural(int(is.Forced.GCs)), fmtMs(is.Forced.PauseMs)), 40)))
	}
	pts := is.Chart
	if len(pts) == 0 {
		return
	}
	t0, t1 := pts[0].TMs, pts[len(pts)-1].TMs
	if t1 <= t0 {
		t1 = t0 + 1
	}
	hi := 0.0
	for _, p := range pts {
		hi = max(hi, p.BeforeMB, p.AfterMB)
	}
	yTicks, yMax := niceTicks(hi)
	x := func(t float64) float64 { return svgLeft + pw*(t-t0)/(t1-t0) }
	y := func(mb float64) float64 { return top + ph - ph*mb/yMax }

	// Axes and grid.
	fmt.Fprintf(w, `<g stroke="#e5e5e5">`)
	for _, v := range yTicks {
		fmt.Fprintf(w, `<line x1="%d" y1="%.1f" x2="%.0f" y2="%.1f"/>`, svgLeft, y(v), svgLeft+pw, y(v))
	}
	fmt.Fprintln(w, `</g>`)
	fmt.Fprintf(w, `<g fill="#555" font-size="11" text-anchor="end">`)
	for _, v := range yTicks {
		fmt.Fprintf(w, `<text x="%d" y="%.1f">%s MiB</text>`, svgLeft-6, y(v)+4, trimFloat(v))
	}
	fmt.Fprintln(w, `</g>`)
	fmt.Fprintf(w, `<g fill="#555" font-size="11" text-anchor="middle">`)
	for _, v := range timeTicks(t0/1000, t1/1000) {
		fmt.Fprintf(w, `<text x="%.1f" y="%.0f">%ss</text>`, x(v*1000), top+ph+16, trimFloat(v))
	}
	fmt.Fprintln(w, `</g>`)
	fmt.Fprintf(w, `<line x1="%d" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#999"/>`+"\n", svgLeft, top+ph, svgLeft+pw, top+ph)
	fmt.Fprintf(w, `<text x="%d" y="%.0f" fill="#555" font-size="11">time since the isolate started (%s…%s)</text>`+"\n",
		svgLeft, top+ph+32, fmtDuration(t0), fmtDuration(t1))

	poly := func(colour string, val func(ChartPoint) float64) {
		fmt.Fprintf(w, `<polyline fill="none" stroke="%s" stroke-width="1.5" stroke-linejoin="round" points="`, colour)
		for i, p := range pts {
			if i > 0 {
				w.WriteByte(' ')
			}
			fmt.Fprintf(w, "%.1f,%.1f", x(p.TMs), y(val(p)))
		}
		fmt.Fprintln(w, `"/>`)
	}
	poly("#f4a259", func(p ChartPoint) float64 { return p.BeforeMB })
	poly("#2a6f97", func(p ChartPoint) float64 { return p.AfterMB })
	fmt.Fprintf(w, `<g fill="#c1121f">`)
	for _, p := range is.MajorGCs {
		// Forced GCs (global.gc(), heap snapshots) are hollow: the program
		// did not ask for them.
		if p.Forced {
			fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3" fill="#ffffff" stroke="#c1121f" stroke-width="1.5"><title>forced major GC at %s: %.1f → %.1f MiB</title></circle>`,
				x(p.TMs), y(p.AfterMB), fmtDuration(p.TMs), p.BeforeMB, p.AfterMB)
			continue
		}
		fmt.Fprintf(w, `<circle cx="%.1f" cy="%.1f" r="3"><title>major GC at %s: %.1f → %.1f MiB</title></circle>`,
			x(p.TMs), y(p.AfterMB), fmtDuration(p.TMs), p.BeforeMB, p.AfterMB)
	}
	fmt.Fprintln(w, `</g>`)
	if tr := is.PostGCTrend; tr.MajorGCs >= 2 && tr.SpanMs > 0 && len(is.MajorGCs) > 0 && tr.R2 >= 0.5 {
		// The fitted line spans the major GCs it was fitted on; a line that
		// fits badly (a curving heap) is left out rather than drawn off the
		// data.
		m := is.MajorGCs
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c1121f" stroke-width="1.5" stroke-dasharray="5 4"/>`+"\n",
			x(m[0].TMs), y(tr.StartMB), x(m[len(m)-1].TMs), y(tr.EndMB))
	}
}

// niceTicks returns about five round tick values from 0 to at least hi.
func niceTicks(hi float64) ([]float64, float64) {
	if hi <= 0 || math.IsNaN(hi) || math.IsInf(hi, 0) {
		return []float64{0, 1}, 1
	}
	raw := hi / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	top := math.Ceil(hi/step) * step
	for v := 0.0; v <= top+step/2 && len(ticks) < 20; v += step {
		ticks = append(ticks, v)
	}
	return ticks, top
}

// timeTicks returns round values (seconds) inside [lo, hi].
func timeTicks(lo, hi float64) []float64 {
	ticks, _ := niceTicks(hi - lo)
	if len(ticks) < 2 {
		return nil
	}
	step := ticks[1] - ticks[0]
	var out []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9 && len(out) < 20; v += step {
		out = append(out, v)
	}
	return out
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	if s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
