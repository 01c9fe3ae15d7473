package gctrace

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/ui"
)

// majorLines prints one Mark-Compact per post-GC heap value in after, step
// ms apart, each freeing freed MB.
func majorLines(after []float64, step, freed float64) []byte {
	var b bytes.Buffer
	for i, v := range after {
		fmt.Fprintf(&b, "[7:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 3.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
			float64(i+1)*step, v+freed, v+freed+2, v, v+freed+2)
	}
	return b.Bytes()
}

// TestNearLimitLeakSample is the blind evaluation's log (a node process
// leaking toward its heap limit): the heap after every major GC rises
// (9.5 … 57.0 MB) but slows down, so a straight line fits it badly
// (r² 0). It must still be a probable leak, and the report must show the
// observed values, not the fitted line's ends.
func TestNearLimitLeakSample(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "testdata", "gctrace", "near-limit-leak.log.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	s := analyze(t, data)
	tr := s.PostGCTrend
	if s.Verdict != ProbableLeak || tr.LeakTest != "monotonic" {
		t.Fatalf("verdict %s (%s), trend %+v", s.Verdict, s.VerdictText, tr)
	}
	if tr.MajorGCs != 7 || tr.FirstMB != 9.5 || tr.LastMB != 57.0 || tr.MinMB != 9.5 || tr.MaxMB != 57.0 ||
		tr.RisingSteps != 6 || tr.Steps != 6 || tr.KendallTau != 1 || tr.TrendP > 0.01 || tr.R2 >= 0.5 {
		t.Errorf("trend %+v", tr)
	}
	if !near(tr.ObservedGrowthMB, 47.5) || tr.LastHalfGrowthPct < 50 {
		t.Errorf("observed growth %v MB, last half %+v%%", tr.ObservedGrowthMB, tr.LastHalfGrowthPct)
	}
	for _, want := range []string{"/h over 7 major GCs", "9.5 → 57.0 MiB", "6 of 6", "Mann–Kendall τ 1.00"} {
		if !strings.Contains(s.VerdictText, want) {
			t.Errorf("verdict text %q lacks %q", s.VerdictText, want)
		}
	}
	var out bytes.Buffer
	WriteText(&out, s, ui.Palette{})
	txt := out.String()
	if !strings.Contains(txt, "9.5 MiB → 57.0 MiB observed (median 32.9 MiB, min 9.5 MiB, max 57.0 MiB)") || strings.Contains(txt, "109.6") {
		t.Errorf("report:\n%s", txt)
	}
}

// TestWarmupPlateauNotLeak: a cache filling at start and then holding
// steady, with noise, rises "significantly" over the whole log but not in
// its last half: healthy.
func TestWarmupPlateauNotLeak(t *testing.T) {
	after := []float64{20, 30, 40, 50, 58, 60}
	noise := []float64{0.8, -0.5, 1.2, -1.0, 0.3, 0.9, -0.7, 0.1, 1.1, -0.2, -0.9, 0.6, 0.4, -0.3, 1.0, -0.6, 0.2, 0.7, -0.4, 0.5}
	for _, d := range noise {
		after = append(after, 60+d)
	}
	s := analyze(t, majorLines(after, 60000, 30))
	tr := s.PostGCTrend
	if s.Verdict == ProbableLeak {
		t.Errorf("warm-up plateau judged %s: %s (%+v)", s.Verdict, s.VerdictText, tr)
	}
	if tr.TrendP > 0.05 || tr.ObservedGrowthPct < 100 {
		t.Errorf("the series should rise over the whole log: %+v", tr)
	}
}

// TestCurvedLeakWithNoise: growth slowing like a square root, with an
// occasional dip, is a leak even though a line fits it poorly.
func TestCurvedLeakWithNoise(t *testing.T) {
	var after []float64
	for i := 0; i < 40; i++ {
		v := 20 + 8*math.Sqrt(float64(i))
		if i%7 == 3 {
			v -= 2 // a GC that happened to find more garbage
		}
		after = append(after, v)
	}
	after[0] = 45 // and one odd first GC
	s := analyze(t, majorLines(after, 10000, 5))
	if s.Verdict != ProbableLeak {
		t.Errorf("curved leak judged %s: %s (%+v)", s.Verdict, s.VerdictText, s.PostGCTrend)
	}
}

// TestNearHeapLimit: three major GCs are too few for a trend, but a
// post-GC heap rising to 88% of a known limit is a leak about to crash.
func TestNearHeapLimit(t *testing.T) {
	data := majorLines([]float64{48, 52, 56.5}, 1000, 1)
	if s := analyze(t, data); s.Verdict == ProbableLeak {
		t.Fatalf("without a known limit: %s", s.VerdictText)
	}
	a := NewAnalyzer(Options{HeapLimitMB: 64})
	a.Write(data)
	s := a.Summary()
	tr := s.PostGCTrend
	if s.Verdict != ProbableLeak || tr.LeakTest != "near-limit" || tr.HeapLimitMB != 64 || !near(tr.LimitPct, 88.3) {
		t.Fatalf("%s (%s) %+v", s.Verdict, s.VerdictText, tr)
	}
	if !strings.Contains(s.VerdictText, "88% of the 64 MiB heap limit") {
		t.Errorf("%q", s.VerdictText)
	}
	// A flat heap near the limit is big, not leaking.
	a = NewAnalyzer(Options{HeapLimitMB: 64})
	a.Write(majorLines([]float64{56, 55.5, 56.2, 55.8, 56, 55.9}, 1000, 1))
	if s := a.Summary(); s.Verdict == ProbableLeak {
		t.Errorf("flat heap near the limit: %s", s.VerdictText)
	}
}

func TestMannKendall(t *testing.T) {
	if mk := mannKendall([]float64{1, 2, 3, 4, 5, 6, 7}); mk.S != 21 || mk.Tau != 1 || mk.P > 0.002 {
		t.Errorf("rising: %+v", mk)
	}
	if mk := mannKendall([]float64{7, 6, 5, 4, 3}); mk.S != -10 || mk.P != 1 {
		t.Errorf("falling: %+v", mk)
	}
	// All tied: no variance, no trend.
	if mk := mannKendall([]float64{5, 5, 5, 5}); mk.S != 0 || mk.P != 1 {
		t.Errorf("flat: %+v", mk)
	}
	// Ties shrink the variance: (6·5·17 − 3·2·11)/18 = 24.67, so with
	// continuity z = 11/√24.67 = 2.215 and p = 0.0134 (0.0158 untied).
	if mk := mannKendall([]float64{1, 2, 3, 3, 3, 4}); mk.S != 12 || math.Abs(mk.P-0.01339) > 0.0001 {
		t.Errorf("ties: %+v", mk)
	}
}

// TestPressureTextSaysByHowMuch: a busy machine stretches wall-clock
// pauses; the verdict says which threshold was crossed and how far.
func TestPressureTextSaysByHowMuch(t *testing.T) {
	s := analyze(t, gcLines(1, 100, 10, 2, "Scavenge"))
	if !strings.Contains(s.VerdictText, "10.2 points over the 10% threshold (2.0×, --pressure-gc-pct)") {
		t.Errorf("%q", s.VerdictText)
	}
	s = analyze(t, gcLines(1, 10, 2000, 150, "Mark-Compact"))
	if !strings.Contains(s.VerdictText, "50.0 ms over the 100 ms threshold (1.5×, --pressure-pause-ms)") {
		t.Errorf("%q", s.VerdictText)
	}
}

// TestReplayWithTruncatedFirstLine: V8's "Last few GCs" ring buffer can
// start mid-line; the replayed GC is still recognised and not counted twice.
func TestReplayWithTruncatedFirstLine(t *testing.T) {
	gc := "[5:0xa]       88 ms: Mark-Compact 14.3 (27.9) -> 13.9 (30.9) MB, 6.54 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; GC in old space requested\n"
	log := gc + "\n<--- Last few GCs --->\n\nnt" + gc + "\n<--- JS stacktrace --->\n\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n"
	s := analyze(t, []byte(log))
	if s.GCs != 1 || s.Lines.Replayed != 1 || !s.OutOfMemory {
		t.Errorf("gcs %d lines %+v oom %v", s.GCs, s.Lines, s.OutOfMemory)
	}
}

// driftsUp: scavenges that leave the same heap, give or take noise, do not
// drift; a slow rise inside the level's tolerance does.
func TestDriftsUp(t *testing.T) {
	var flat, rising []point
	for i := 0; i < 40; i++ {
		noise := float64(i%3) * 0.1
		flat = append(flat, point{T: float64(1000 * i), After: 30 + noise})
		rising = append(rising, point{T: float64(1000 * i), After: 30 + 0.05*float64(i)})
	}
	if driftsUp(flat, 0) {
		t.Error("a level heap drifts")
	}
	if !driftsUp(rising, 0) {
		t.Error("a heap rising 1 MiB over the run does not drift")
	}
	if !driftsUp(flat[:5], 0) {
		t.Error("five points are enough to tell")
	}
}

// noiseAfterWarmup: a warm-up, then a wide swing around a level (blind GC
// set 7, g10: a program under GC pressure) is no trend; a leak after the
// same warm-up is one.
func TestNoiseAfterWarmup(t *testing.T) {
	swing := []float64{9, 44, 28, 30, 26, 39, 49, 58, 53, 58, 64, 51, 59, 56, 52, 46, 50, 45, 45, 56, 57, 64, 68, 45, 60, 51, 61, 55, 50}
	leak := slices.Clone(swing)
	for i := 6; i < len(leak); i++ {
		leak[i] = 45 + float64(i) + float64(i%3)
	}
	xs := make([]float64, len(swing))
	for i := range xs {
		xs[i] = float64(i) * 3500
	}
	if k, ok := noiseAfterWarmup(xs, swing, 0.05); !ok || k != 6 {
		t.Errorf("swing: %d, %v: want the tail from 6", k, ok)
	}
	if _, ok := noiseAfterWarmup(xs, leak, 0.05); ok {
		t.Error("a leak after a warm-up read as noise")
	}
	// A slow leak under a tall sawtooth (blind GC set 10, g08): the
	// tail's points swing too widely for Mann–Kendall, but its line still
	// climbs by half the level: no warm-up.
	saw := []float64{5.5, 8.0, 16.0, 8.6, 16.9, 6.0, 17.6, 10.3, 19.5, 8.4, 15.8, 6.7, 16.4, 15.8, 24.8, 21.8}
	sawXs := []float64{821, 1957, 5585, 9993, 13678, 17033, 22313, 26560, 30376, 41573, 52409, 56527, 60515, 68251, 87919, 93507}
	if k, ok := noiseAfterWarmup(sawXs, saw, 0.05); ok {
		t.Errorf("a leak under a sawtooth read as a warm-up to %v ms", sawXs[k])
	}
	// The trend line gives the tail's test beside the whole run's.
	var log strings.Builder
	for i, y := range swing {
		fmt.Fprintf(&log, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 9.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
			float64(i+1)*3500, 200.0, 256.0, y, 256.0)
	}
	if tr := analyze(t, []byte(log.String())).PostGCTrend; tr.SettledFromMs != 24500 || tr.SettledP < 0.05 {
		t.Errorf("swing: settled from %v ms (p %v), want 24500 and no trend", tr.SettledFromMs, tr.SettledP)
	}
}
