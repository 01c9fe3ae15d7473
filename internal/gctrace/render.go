package gctrace

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

const mib = 1024 * 1024

// mbBytes converts V8's "MB" (really MiB) to bytes for ui.Bytes.
func mbBytes(mb float64) int64 { return int64(math.Round(mb * mib)) }

// WriteText renders s for people: one block per isolate with the verdict,
// a pause table, time in GC, the post-GC trend and sparklines.
func WriteText(w io.Writer, s *Summary, p ui.Palette) {
	l := s.Lines
	forced := ""
	if s.Forced != nil {
		forced = fmt.Sprintf(" (%s forced)", ui.Count(s.Forced.GCs))
	}
	fmt.Fprintf(w, "%s  %s GCs%s in %d isolate%s, %s lines (%s application line%s skipped",
		p.Bold("GC trace"), ui.Count(s.GCs), forced, len(s.Isolates), plural(len(s.Isolates)), ui.Count(l.Total), ui.Count(l.Skipped), plural(int(l.Skipped)))
	if l.Malformed > 0 {
		fmt.Fprintf(w, ", %s", p.Yellow(ui.Count(l.Malformed)+" malformed"))
	}
	if l.Overlong > 0 {
		fmt.Fprintf(w, ", %s overlong", ui.Count(l.Overlong))
	}
	if l.Replayed > 0 {
		fmt.Fprintf(w, ", %s repeated in V8's crash report", ui.Count(l.Replayed))
	}
	fmt.Fprintln(w, ")")
	if l.GCLike > 0 {
		fmt.Fprintln(w, p.Yellow(fmt.Sprintf("warning: %s skipped line%s hold GC records (\" ms: Scavenge\", \" ms: Mark-\") without V8's [pid:0x…] before them (split or damaged lines): those GCs are missing from this report",
			ui.Count(l.GCLike), plural(int(l.GCLike)))))
	}
	if s.Interrupted {
		fmt.Fprintln(w, p.Yellow("interrupted: this report covers the log read before Ctrl-C"))
	}
	if s.Truncated != "" {
		fmt.Fprintln(w, p.Yellow("warning: "+s.Truncated))
	}
	if s.OutOfMemory {
		fmt.Fprintln(w, p.Red("the process died: JavaScript heap out of memory"))
	}
	// Many isolates (a worker pool) would bury the answer: show the worst
	// and busiest few, in log order, and count the rest.
	shown := make([]int, 0, len(s.Isolates))
	for i := range s.Isolates {
		shown = append(shown, i)
	}
	if len(shown) > MaxTextIsolates {
		sort.SliceStable(shown, func(a, b int) bool {
			x, y := &s.Isolates[shown[a]], &s.Isolates[shown[b]]
			if rank(x.Verdict) != rank(y.Verdict) {
				return rank(x.Verdict) > rank(y.Verdict)
			}
			return x.GCs > y.GCs
		})
		shown = shown[:MaxTextIsolates]
		sort.Ints(shown)
	}
	for _, i := range shown {
		fmt.Fprintln(w)
		writeIsolate(w, &s.Isolates[i], p)
	}
	if n := len(s.Isolates) - len(shown); n > 0 {
		fmt.Fprintf(w, "\n… and %d more isolate%s with fewer GCs or milder verdicts (all are in --json)\n", n, plural(n))
	}
	fmt.Fprintln(w)
	if m := s.Memory; m != nil {
		text, colour := m.text(), p.Dim
		if m.Leak {
			text, colour = "probable leak outside the JavaScript heap: "+text, p.Red
		}
		fmt.Fprintf(w, "%s  %s\n\n", p.Bold(m.Title()), colour(text))
	}
	if len(s.Isolates) > 1 || s.Memory != nil && s.Memory.Leak {
		// (With one isolate, its own verdict is the heap's; a leak
		// outside the heap changes the log's.)
		fmt.Fprintf(w, "%s %s\n", p.Bold("overall:"), verdictColour(s.Verdict, s.VerdictText, p))
	}
	th := s.Thresholds
	warm := ""
	if s.PostGCTrend.WarmupMs > 0 {
		warm = " after a " + fmtDuration(s.PostGCTrend.WarmupMs) + " warm-up"
	}
	fmt.Fprintln(w, p.Dim(fmt.Sprintf("thresholds: probable leak when ≥ %d major GCs%s and the post-GC heap grows ≥ %g MiB/h and ≥ %g%%",
		th.MinMajorGCs, warm, th.LeakMBPerHour, th.LeakGrowthPct)))
	fmt.Fprintln(w, p.Dim(fmt.Sprintf("            along a line (r² ≥ %g) or steadily (Mann–Kendall p ≤ %g, last half still +%g%%; or its floors, the lowest of each block of major GCs, so),",
		th.MinR2, th.MaxTrendP, th.LeakGrowthPct/2)))
	fmt.Fprintln(w, p.Dim(fmt.Sprintf("            or rising at ≥ %g%% of a known heap limit or up to an out-of-memory crash,", th.NearLimitPct)))
	fmt.Fprintln(w, p.Dim("            or, after it levelled off, rising steadily through its level (8+ major GCs, p ≤ 0.01) by ≥ a tenth of it an hour,"))
	fmt.Fprintln(w, p.Dim(fmt.Sprintf("            or, with fewer major GCs, each of the last two keeping ≥ 80%% of what the heap gained since the one before (≥ %g%%);", th.LeakGrowthPct)))
	fmt.Fprintln(w, p.Dim(fmt.Sprintf("            GC pressure when ≥ %g%% of wall time is in GC, or ≥ %g%% with major pauses of %g ms at p95",
		100*th.PressureGCShare, 50*th.PressureGCShare, th.PressureP95PauseMs)))
	// "healthy" is about the JavaScript heap: a Buffer leak does not show.
	if s.Memory != nil {
		fmt.Fprintln(w, p.Dim("            external memory: the same tests on "+s.Memory.sourceText()+", over at least 30 s (timed by the GC lines around them)"))
	} else {
		fmt.Fprintln(w, p.Dim("a GC trace shows the JavaScript heap only: Buffers and ArrayBuffers (external memory) are not in it; `leakhound watch` reports them"))
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func verdictColour(v, text string, p ui.Palette) string {
	switch v {
	case ProbableLeak:
		return p.Red(text)
	case GCPressure, Inconclusive:
		return p.Yellow(text)
	}
	return p.Green(text)
}

func fmtMs(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	case v >= 10:
		return fmt.Sprintf("%.1f ms", v)
	}
	return fmt.Sprintf("%.2f ms", v)
}

// MaxTextIsolates is how many isolates the text report details.
const MaxTextIsolates = 8

func writeIsolate(w io.Writer, is *IsolateSummary, p ui.Palette) {
	head := fmt.Sprintf("isolate %d:%s", is.PID, is.Isolate)
	if is.Restart > 0 {
		head += fmt.Sprintf(" (run %d)", is.Restart+1)
	}
	fmt.Fprintf(w, "%s  %s GCs over %s\n", p.Bold(head), ui.Count(is.GCs), fmtDuration(is.WallMs))
	fmt.Fprintf(w, "  %s\n\n", verdictColour(is.Verdict, is.VerdictText, p))
	t := ui.Table{Header: []string{"  type", "count", "/min", "p50", "p95", "p99", "max", "total"},
		RightAlign: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true}}
	for _, ts := range is.ByType {
		approx := ""
		if !ts.Exact {
			approx = "~"
		}
		name := ts.Type
		if ts.Forced {
			name += ", forced"
		}
		count := ui.Count(ts.Count)
		if ts.PauseUnknown > 0 {
			// The pause columns are of the GCs whose pauses are known.
			count += fmt.Sprintf(" (%s pause?)", ui.Count(ts.PauseUnknown))
		}
		t.Rows = append(t.Rows, []string{"  " + name, count, fmt.Sprintf("%.1f", ts.PerMinute),
			approx + fmtMs(ts.PauseMs.P50), approx + fmtMs(ts.PauseMs.P95), approx + fmtMs(ts.PauseMs.P99),
			fmtMs(ts.PauseMs.Max), fmtMs(ts.PauseMs.Total)})
	}
	t.Write(w, p)
	fmt.Fprintln(w)
	own := ""
	if is.Forced != nil {
		own = ", the program's own GCs"
	}
	fmt.Fprintf(w, "  time in GC       %.1f%% of %s%s (pauses %s + incremental marking %s); mutator utilisation %.1f%%",
		100*is.GCShare, fmtDuration(is.WallMs), own, fmtMs(is.PauseMs), fmtMs(is.IncrementalMs), 100*is.MutatorUtilization)
	if is.V8AverageMu != nil {
		if is.Forced != nil {
			fmt.Fprintf(w, " (V8's own, forced GCs included: %.3f)", *is.V8AverageMu)
		} else {
			fmt.Fprintf(w, " (V8's own: %.3f)", *is.V8AverageMu)
		}
	}
	fmt.Fprintln(w)
	if f := is.Forced; f != nil {
		what := "not in time in GC or the pressure test"
		if is.Verdict == GCPressure && strings.HasPrefix(is.VerdictText, "GC pressure from forced GCs") {
			what = "not in time in GC above, and the pressure the verdict names"
		}
		fmt.Fprintf(w, "  forced GCs       %d %s, %.1f%% of wall time: %s; kept in the heap trend\n",
			f.GCs, f.detail(), 100*f.Share, what)
	}
	if is.PauseUnknown > 0 {
		fmt.Fprintf(w, "  %s\n", p.Yellow(fmt.Sprintf("pauses unknown   %d GC%s whose lines were cut off after the heap sizes (counted; not in pauses or time in GC)",
			is.PauseUnknown, plural(int(is.PauseUnknown)))))
	}
	tr := is.PostGCTrend
	if tr.MajorGCs > 1 {
		// Observed values first: the fitted line can run far from the data
		// when the heap curves.
		fmt.Fprintf(w, "  post-GC heap     %s → %s observed (median %s, min %s, max %s) over %d major GCs in %s; rising at %d of %d steps\n",
			ui.Bytes(mbBytes(tr.FirstMB)), ui.Bytes(mbBytes(tr.LastMB)), ui.Bytes(mbBytes(tr.MedianMB)), ui.Bytes(mbBytes(tr.MinMB)), ui.Bytes(mbBytes(tr.MaxMB)),
			tr.MajorGCs, fmtDuration(tr.SpanMs), tr.RisingSteps, tr.Steps)
		fmt.Fprintf(w, "  heap trend       %s observed", rateText(tr.ObservedMBPerHour))
		if tr.Steps >= 2 {
			fmt.Fprintf(w, "; Mann–Kendall τ %.2f, p %s; Theil–Sen line %s, r² %.2f",
				tr.KendallTau, fmtP(tr.TrendP), rateText(tr.MBPerHour), tr.R2)
		} else {
			// One step has no trend to test or line to fit.
			fmt.Fprint(w, "; too few major GCs for a trend test")
		}
		if tr.OnsetMs > 0 {
			fmt.Fprintf(w, "; %s since %s, after a level of %s", rateText(tr.OnsetMBPerHour), fmtDuration(tr.OnsetMs), ui.Bytes(mbBytes(tr.OnsetLevelMB)))
		}
		if tr.FillEndMs > 0 {
			fmt.Fprintf(w, "; %s since %s, after a fill to %s", rateText(tr.AfterFillMBPerHour), fmtDuration(tr.FillEndMs), ui.Bytes(mbBytes(tr.FillLevelMB)))
		}
		if tr.SettledFromMs > 0 {
			fmt.Fprintf(w, "; no trend after the warm-up to %s (τ %.2f, p %s)", fmtDuration(tr.SettledFromMs), tr.SettledTau, fmtP(tr.SettledP))
		}
		if tr.FellAtMs > 0 {
			fmt.Fprintf(w, "; fell back to %s at %s", ui.Bytes(mbBytes(tr.FellToMB)), fmtDuration(tr.FellAtMs))
		}
		if tr.RecentMBPerHour != 0 {
			fmt.Fprintf(w, "; %s over the last half, from %s", rateText(tr.RecentMBPerHour), fmtDuration(tr.RecentFromMs))
		}
		if tr.HeldForMs > 0 {
			// The rate is of the major GCs before it held: say so.
			fmt.Fprintf(w, "; then held under %s for the %s after the last major GC", ui.Bytes(mbBytes(tr.HeldMaxMB)), fmtDuration(tr.HeldForMs))
		}
		if tr.HeapLimitMB > 0 {
			fmt.Fprintf(w, "; %.0f%% of the %g MiB limit", tr.LimitPct, tr.HeapLimitMB)
		}
		fmt.Fprintln(w)
	}
	if f := is.Freed; f != nil {
		fmt.Fprintf(w, "  freed per major  median %s (%.0f%% of the heap before it), min %s, max %s\n",
			ui.Bytes(mbBytes(f.MedianMB)), f.MedianPct, ui.Bytes(mbBytes(f.MinMB)), ui.Bytes(mbBytes(f.MaxMB)))
	}
	if len(is.Spaces) > 0 {
		var parts []string
		for _, sp := range is.Spaces {
			if sp.Name == "Old space" || sp.Name == "New space" || sp.Name == "Large object space" || sp.Name == "Code space" {
				parts = append(parts, fmt.Sprintf("%s %s", strings.ToLower(sp.Name), ui.Bytes(int64(sp.UsedKB)*1024)))
			}
		}
		if len(parts) > 0 {
			fmt.Fprintf(w, "  spaces (last)    %s\n", strings.Join(parts, ", "))
		}
	}
	if len(is.Chart) > 1 {
		before, after, lo, hi := Sparklines(is.Chart, 60)
		fmt.Fprintf(w, "  heap before GC   %s  %s\n", p.Cyan(before), p.Dim(fmt.Sprintf("max %s", ui.Bytes(mbBytes(hi)))))
		label := "after major GC "
		if !hasMajor(is.Chart) {
			label = "heap after GC  "
		}
		fmt.Fprintf(w, "  %s  %s  %s\n", label, after, p.Dim(fmt.Sprintf("min %s", ui.Bytes(mbBytes(lo)))))
	}
}

var sparkRunes = []rune("▁▂▃▄▅▆▇█")

// Sparklines draws, in at most width cells on one shared scale, the heap
// before GCs (the peaks) and the heap after major GCs (the floor a leak
// raises) over time; logs without major GCs use every GC's "after". It
// returns the lowest and highest values plotted.
func Sparklines(pts []ChartPoint, width int) (before, after string, lo, hi float64) {
	if len(pts) == 0 || width <= 0 {
		return "", "", 0, 0
	}
	anyMajor := false
	for _, p := range pts {
		anyMajor = anyMajor || p.Major
	}
	t0, t1 := pts[0].TMs, pts[len(pts)-1].TMs
	cells := min(width, len(pts))
	bmax := make([]float64, cells)
	amin := make([]float64, cells)
	seenB := make([]bool, cells)
	seenA := make([]bool, cells)
	lo, hi = math.Inf(1), math.Inf(-1)
	firstA := math.NaN()
	for _, p := range pts {
		c := 0
		if t1 > t0 {
			c = int(float64(cells-1) * (p.TMs - t0) / (t1 - t0))
		}
		c = max(0, min(cells-1, c))
		if !seenB[c] {
			bmax[c], seenB[c] = p.BeforeMB, true
		} else {
			bmax[c] = max(bmax[c], p.BeforeMB)
		}
		hi = max(hi, p.BeforeMB)
		if p.Major || !anyMajor {
			if !seenA[c] {
				amin[c], seenA[c] = p.AfterMB, true
			} else {
				amin[c] = min(amin[c], p.AfterMB)
			}
			if math.IsNaN(firstA) {
				firstA = p.AfterMB
			}
			lo = min(lo, p.AfterMB)
		}
	}
	lo = min(lo, hi)
	level := func(v float64) rune {
		if hi <= lo {
			return sparkRunes[0]
		}
		i := int(math.Round((v - lo) / (hi - lo) * float64(len(sparkRunes)-1)))
		return sparkRunes[max(0, min(len(sparkRunes)-1, i))]
	}
	var b, a strings.Builder
	lastB := pts[0].BeforeMB
	lastA, haveA := firstA, false
	for c := 0; c < cells; c++ {
		if seenB[c] {
			lastB = bmax[c]
		}
		if seenA[c] {
			lastA, haveA = amin[c], true
		}
		// Cells with no GC repeat the previous level: the heap did not
		// change; before the first major GC there is nothing to draw.
		b.WriteRune(level(lastB))
		if haveA {
			a.WriteRune(level(lastA))
		} else {
			a.WriteByte(' ')
		}
	}
	return b.String(), a.String(), lo, hi
}

func hasMajor(pts []ChartPoint) bool {
	for _, p := range pts {
		if p.Major {
			return true
		}
	}
	return false
}
