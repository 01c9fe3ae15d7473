package gctrace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/ui"
)

func analyze(t *testing.T, data []byte) *Summary {
	t.Helper()
	a := NewAnalyzer(Options{})
	if _, err := a.Write(data); err != nil {
		t.Fatal(err)
	}
	a.Flush()
	return a.Summary()
}

func sampleFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gctrace", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func typeByName(ts []TypeSummary, name string) *TypeSummary {
	for i := range ts {
		if ts[i].Type == name {
			return &ts[i]
		}
	}
	return nil
}

// TestSamples checks each hand-written sample of a format node 20 cannot
// print: types kept apart by their printed names, pauses, and the lines
// the analyser must skip. Samples with fewer than 5 major GCs are
// inconclusive: too short to judge the heap trend.
func TestSamples(t *testing.T) {
	type want struct {
		typ   string
		count int64
		max   float64
		total float64
	}
	cases := []struct {
		file     string
		gcs      int64
		isolates int
		skipped  int64
		types    []want
		verdict  string
	}{
		{"v8-4-bracketed.log", 3, 1, 1, []want{{"Scavenge", 2, 1.4, 2.5}, {"Mark-sweep", 1, 12.6, 12.6}}, Inconclusive},
		{"node8-mark-sweep.log", 4, 1, 0, []want{{"Scavenge", 2, 1.1, 2.0}, {"Mark-sweep", 2, 7.4, 12.6}}, Inconclusive},
		{"node12-16-mu.log", 4, 1, 0, []want{{"Scavenge", 2, 2.25, 3.45}, {"Mark-sweep", 1, 9.8, 9.8}, {"Mark-sweep (reduce)", 1, 4.1, 4.1}}, Inconclusive},
		{"minor-mc.log", 4, 1, 0, []want{{"Minor Mark-Compact", 3, 1.48, 3.95}, {"Mark-Compact", 1, 6.02, 6.02}}, Inconclusive},
		{"node22-pooled-oom.log", 8, 1, 8, []want{{"Scavenge", 1, 1.5, 1.5}, {"Scavenge (interleaved)", 1, 3, 3},
			{"Minor Mark-Sweep", 1, 2, 2}, {"Mark-Compact", 4, 16, 52}, {"Mark-Compact (reduce)", 1, 18, 18}}, ProbableLeak},
		{"windows-prefix.log", 3, 2, 0, []want{{"Scavenge", 2, 0.91, 1.41}, {"Mark-Compact", 1, 5.22, 5.22}}, Inconclusive},
		{"nvp-new.log", 5, 1, 0, []want{{"Scavenge", 1, 1.2, 1.2}, {"Scavenge (during sweeping)", 1, 0.9, 0.9},
			{"Minor Mark-Sweep", 1, 0.8, 0.8}, {"Mark-Compact", 1, 6.5, 6.5}, {"Mark-Compact (reduce)", 1, 4, 4}}, Inconclusive},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			s := analyze(t, sampleFile(t, c.file))
			if s.GCs != c.gcs || len(s.Isolates) != c.isolates || s.Lines.Skipped != c.skipped || s.Lines.Malformed != 0 {
				t.Errorf("gcs %d isolates %d skipped %d malformed %d; want %d %d %d 0",
					s.GCs, len(s.Isolates), s.Lines.Skipped, s.Lines.Malformed, c.gcs, c.isolates, c.skipped)
			}
			if len(s.ByType) != len(c.types) {
				t.Errorf("types %+v", s.ByType)
			}
			for _, w := range c.types {
				ts := typeByName(s.ByType, w.typ)
				if ts == nil {
					t.Errorf("type %q missing in %+v", w.typ, s.ByType)
					continue
				}
				if ts.Count != w.count || !near(ts.PauseMs.Max, w.max) || !near(ts.PauseMs.Total, w.total) || !ts.Exact {
					t.Errorf("%s: %+v, want count %d max %v total %v", w.typ, ts, w.count, w.max, w.total)
				}
			}
			if s.Verdict != c.verdict {
				t.Errorf("verdict %s (%s), want %s", s.Verdict, s.VerdictText, c.verdict)
			}
		})
	}
}

func TestOOMReplayNotCountedTwice(t *testing.T) {
	s := analyze(t, sampleFile(t, "node22-pooled-oom.log"))
	if !s.OutOfMemory || s.Lines.Replayed != 2 {
		t.Errorf("oom %v replayed %d", s.OutOfMemory, s.Lines.Replayed)
	}
	tr := s.PostGCTrend
	// After major GCs: 10, 20, 30, 40, 50 MB at 1..5 s: 10 MB/s = 36000 MB/h.
	if tr.MajorGCs != 5 || !near(tr.MBPerHour, 36000) || !near(tr.R2, 1) || !near(tr.StartMB, 10) || !near(tr.EndMB, 50) {
		t.Errorf("trend %+v", tr)
	}
	fr := s.Isolates[0].Freed
	if fr == nil || !near(fr.MedianMB, 10) || !near(fr.MinMB, 10) || !near(fr.MaxMB, 10) {
		t.Errorf("freed %+v", fr)
	}
	// Wall from the start of the first GC (100 − 1.5 ms) to 5000 ms.
	is := s.Isolates[0]
	if !near(is.WallMs, 4901.5) || !near(is.PauseMs, 76.5) || !near(is.IncrementalMs, 25) {
		t.Errorf("wall %v pause %v incremental %v", is.WallMs, is.PauseMs, is.IncrementalMs)
	}
	if !near(is.GCShare, 0.0207) {
		t.Errorf("gc share %v", is.GCShare)
	}
}

func TestWindowsIsolatesKeptApart(t *testing.T) {
	s := analyze(t, sampleFile(t, "windows-prefix.log"))
	if len(s.Isolates) != 2 || s.Isolates[0].Isolate != "0x2c9e4aae000" || s.Isolates[1].PID != 7 || s.Isolates[1].GCs != 1 {
		t.Errorf("%+v", s.Isolates)
	}
}

// TestStreamingSplits feeds the same log in random pieces: the summary must
// not depend on where reads split lines.
func TestStreamingSplits(t *testing.T) {
	data := sampleFile(t, "node22-pooled-oom.log")
	want, _ := json.Marshal(analyze(t, data))
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 50; i++ {
		a := NewAnalyzer(Options{})
		rest := data
		for len(rest) > 0 {
			n := 1 + rng.Intn(40)
			if n > len(rest) {
				n = len(rest)
			}
			a.Write(rest[:n])
			rest = rest[n:]
		}
		a.Flush()
		got, _ := json.Marshal(a.Summary())
		if !bytes.Equal(got, want) {
			t.Fatalf("split %d differs:\n%s\n%s", i, got, want)
		}
	}
}

func TestOverlongLineSkipped(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(node20Line + "\n")
	b.Write(bytes.Repeat([]byte("x"), maxLine+10))
	b.WriteString("\n" + node20Line + "\n")
	a := NewAnalyzer(Options{})
	for p := b.Bytes(); len(p) > 0; {
		n := min(len(p), 4096)
		a.Write(p[:n])
		p = p[n:]
	}
	a.Flush()
	l := a.Lines()
	if l.Overlong != 1 || l.GC != 2 || l.Total != 3 || cap(a.carry) > 2*maxLine {
		t.Errorf("%+v cap %d", l, cap(a.carry))
	}
}

// TestBoundedMemory feeds many GCs: kept series stay capped and pause
// percentiles move from exact to the histogram.
func TestBoundedMemory(t *testing.T) {
	a := NewAnalyzer(Options{})
	var line []byte
	const n = 20000
	for i := 0; i < n; i++ {
		typ := "Scavenge"
		if i%10 == 0 {
			typ = "Mark-Compact"
		}
		after := 10 + float64(i)*0.001
		line = fmt.Appendf(line[:0], "[1:0x1] %8d ms: %s %.1f (40.0) -> %.3f (40.0) MB, %.2f / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ",
			i*100, typ, after+5, after, 0.5+float64(i%100)/100)
		a.Line(line)
	}
	iso := a.isolates[0]
	if len(iso.chart.pts) > 1024 || len(iso.fit.pts) > 512 {
		t.Errorf("chart %d fit %d", len(iso.chart.pts), len(iso.fit.pts))
	}
	s := a.Summary()
	sc := typeByName(s.ByType, "Scavenge")
	if sc == nil || sc.Exact || sc.Count != n-n/10 {
		t.Fatalf("%+v", sc)
	}
	// Pauses 0.50..1.49 uniformly: p50 ≈ 0.99, within the sketch's 1%.
	if sc.PauseMs.P50 < 0.98*0.99 || sc.PauseMs.P50 > 1.02*0.99 || sc.PauseMs.Max != 1.49 {
		t.Errorf("p50 %v max %v", sc.PauseMs.P50, sc.PauseMs.Max)
	}
	if s.PostGCTrend.MajorGCs != n/10 || s.PostGCTrend.Fitted > 512 {
		t.Errorf("%+v", s.PostGCTrend)
	}
	// 0.001 MB per 100 ms = 36 MB/h.
	if d := s.PostGCTrend.MBPerHour - 36; d > 0.5 || d < -0.5 {
		t.Errorf("trend %v MB/h", s.PostGCTrend.MBPerHour)
	}
}

func TestSketchExactQuantiles(t *testing.T) {
	var s pauseSketch
	for i := 1; i <= 100; i++ {
		s.add(float64(i))
	}
	for _, c := range []struct{ q, v float64 }{{0.5, 50}, {0.95, 95}, {0.99, 99}, {1, 100}, {0, 1}} {
		if got := s.quantile(c.q); got != c.v {
			t.Errorf("q%v = %v, want %v", c.q, got, c.v)
		}
	}
}

func TestTheilSenIgnoresOutliers(t *testing.T) {
	xs := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	ys := []float64{1, 3, 5, 7, 9, 11, 13, 15, 17, 19}
	ys[3] = 1000 // one wild point
	f := theilSen(xs, ys)
	if !near(f.Slope, 2) || !near(f.Intercept, 1) {
		t.Errorf("%+v", f)
	}
}

func TestSeriesDownsample(t *testing.T) {
	s := newSeries(8)
	for i := 0; i < 100; i++ {
		s.add(point{T: float64(i), Before: float64(i), After: float64(i)})
	}
	pts := s.points()
	total := 0
	for _, p := range pts {
		total += int(p.N)
	}
	if len(pts) > 9 || total != 100 || pts[0].T != 0 {
		t.Errorf("%d points, %d GCs: %+v", len(pts), total, pts)
	}
}

func TestNoGCLines(t *testing.T) {
	s := analyze(t, []byte("hello\nworld\n"))
	if s.GCs != 0 || s.Lines.Skipped != 2 || s.Verdict != Healthy || len(s.Isolates) != 0 {
		t.Errorf("%+v", s)
	}
	if !reflect.DeepEqual(s.ByType, []TypeSummary{}) {
		t.Errorf("by_type %v", s.ByType)
	}
}

// gcLines builds n GC lines of type typ of pause ms every step ms.
func gcLines(pid int, n int, step, pause float64, typ string) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "[%d:0x1] %8.0f ms: %s 10.0 (20.0) -> 5.0 (20.0) MB, %.2f / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
			pid, float64(i)*step, typ, pause)
	}
	return b.Bytes()
}

func TestPressureByShare(t *testing.T) {
	// 2 ms of pause every 10 ms: 200 ms in GC over the 992 ms from the
	// start of the first GC (8 ms) to the end of the last (1000 ms).
	s := analyze(t, gcLines(1, 100, 10, 2, "Scavenge"))
	if s.Verdict != GCPressure || !near(s.GCShare, 0.2016) || !near(s.MutatorUtilization, 0.7984) {
		t.Errorf("%s %v %v: %s", s.Verdict, s.GCShare, s.MutatorUtilization, s.VerdictText)
	}
	if !bytes.Contains([]byte(s.VerdictText), []byte("20.2% of wall time")) {
		t.Errorf("%q", s.VerdictText)
	}
	// The same with a higher threshold is not pressure; with no major GC
	// the heap trend cannot be judged, so it is inconclusive, not healthy.
	th := DefaultThresholds()
	th.PressureGCShare = 0.25
	a := NewAnalyzer(Options{Thresholds: th})
	a.Write(gcLines(1, 100, 10, 2, "Scavenge"))
	if v := a.Summary().Verdict; v != Inconclusive {
		t.Errorf("with 25%% threshold: %s", v)
	}
}

func TestPressureByMajorPause(t *testing.T) {
	// 150 ms major pauses every 2 s: 7.5% of the time in GC, under the
	// 10% threshold, but with long pauses it is pressure.
	s := analyze(t, gcLines(1, 10, 2000, 150, "Mark-Compact"))
	if s.Verdict != GCPressure || !bytes.Contains([]byte(s.VerdictText), []byte("p95")) {
		t.Errorf("%s: %s", s.Verdict, s.VerdictText)
	}
	// The same pauses once a minute: 0.3% of the time in GC. Long pauses
	// a latency-sensitive service may feel, said as such, not pressure
	// (blind GC set 1: big batches, big startup data).
	s = analyze(t, gcLines(1, 10, 60000, 150, "Mark-Compact"))
	if s.Verdict != Healthy || !strings.Contains(s.VerdictText, "major GC pauses reach 150 ms at p95, though GC takes only 0.3% of the time") {
		t.Errorf("%s: %s", s.Verdict, s.VerdictText)
	}
}

// TestMajorPausesBurst: the p95 of major pauses is over every major GC,
// not one type's (two "(reduce)" GCs have their p95 at their maximum);
// long pauses all within a tenth of the run are a burst named beside the
// verdict, not GC pressure (blind GC set 2: a cache refilled once).
func TestMajorPausesBurst(t *testing.T) {
	var log []byte
	log = append(log, gcLines(1, 40, 2000, 30, "Mark-Compact")...)
	// Three long ones 1 s apart at 81-83 s: 3 of 43, so the p95 over all
	// is one of them, but they span 2 s of an 83 s run.
	for i, p := range []float64{188, 146, 104} {
		log = append(log, fmt.Sprintf("[1:0x1] %8.0f ms: Mark-Compact (reduce) 10.0 (20.0) -> 5.0 (20.0) MB, %.2f / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", 81000+1000*float64(i), p)...)
	}
	s := analyze(t, log)
	if s.Verdict == GCPressure || !strings.Contains(s.VerdictText, "3 major GC pauses of 100 ms or more (up to 188 ms), all within 2.0 s") {
		t.Errorf("%s: %s", s.Verdict, s.VerdictText)
	}
	// Two long pauses among forty short ones, far apart: the p95 over
	// all major GCs is a short one, whatever the long ones' own row says.
	log = nil
	for i := 1; i <= 40; i++ {
		typ, pause := "Mark-Compact", 30.0
		if i == 5 || i == 35 {
			typ, pause = "Mark-Compact (reduce)", 150
		}
		log = append(log, fmt.Sprintf("[1:0x1] %8.0f ms: %s 10.0 (20.0) -> 5.0 (20.0) MB, %.2f / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", float64(i)*2000, typ, pause)...)
	}
	if s := analyze(t, log); strings.Contains(s.VerdictText, "p95") {
		t.Errorf("%s: %s", s.Verdict, s.VerdictText)
	}
}

func TestFlatHeapHealthy(t *testing.T) {
	s := analyze(t, gcLines(1, 50, 1000, 5, "Mark-Compact"))
	if s.Verdict != Healthy || s.PostGCTrend.MBPerHour != 0 || s.PostGCTrend.MajorGCs != 50 {
		t.Errorf("%s %+v: %s", s.Verdict, s.PostGCTrend, s.VerdictText)
	}
}

func TestClockBackStartsNewRun(t *testing.T) {
	data := append(gcLines(9, 5, 100, 1, "Scavenge"), gcLines(9, 3, 100, 1, "Scavenge")...)
	s := analyze(t, data)
	if len(s.Isolates) != 2 || s.Isolates[0].GCs != 5 || s.Isolates[1].GCs != 3 || s.Isolates[1].Restart != 1 {
		t.Errorf("%+v", s.Isolates)
	}
}

func TestTextReportLimitsIsolates(t *testing.T) {
	var data []byte
	for pid := 1; pid <= 20; pid++ {
		data = append(data, gcLines(pid, pid, 100, 1, "Scavenge")...)
	}
	s := analyze(t, data)
	var b bytes.Buffer
	WriteText(&b, s, ui.Palette{})
	out := b.String()
	if n := bytes.Count(b.Bytes(), []byte("\nisolate ")); n != MaxTextIsolates {
		t.Errorf("%d isolates shown", n)
	}
	if !bytes.Contains(b.Bytes(), []byte("and 12 more isolates")) || !bytes.Contains(b.Bytes(), []byte("isolate 20:0x1")) ||
		bytes.Contains(b.Bytes(), []byte("isolate 1:0x1 ")) {
		t.Errorf("%s", out)
	}
}

func TestBucketFastMatchesLog(t *testing.T) {
	for c := 0; c < 65536; c += 7 {
		v, _ := parseNum([]byte(fmt.Sprintf("%.2f", float64(c)/100)))
		if d := bucketFast(v) - bucketOf(v); d < -1 || d > 1 {
			t.Fatalf("%v: fast %d, log %d", v, bucketFast(v), bucketOf(v))
		}
	}
}

func TestVerboseOldSpaceAttachedToMajorGC(t *testing.T) {
	log := `[1:0x1]      100 ms: Scavenge 4.0 (5.0) -> 3.5 (6.0) MB, 1.50 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; 
[1:0x1] Old space,              used:   1000 KB, available:      0 KB, committed:   2000 KB
[1:0x1]      200 ms: Mark-Compact 20.0 (25.0) -> 10.0 (24.0) MB, 10.00 / 0.00 ms  (average mu = 0.990, current mu = 0.990) finalize incremental marking via task; GC in old space requested
[1:0x1] New space,              used:    500 KB, available:    100 KB, committed:   1024 KB
[1:0x1] Old space,              used:   7000 KB, available:     10 KB, committed:   8000 KB
[1:0x1]      300 ms: Mark-Compact 20.0 (25.0) -> 10.0 (24.0) MB, 10.00 / 0.00 ms  (average mu = 0.990, current mu = 0.990) finalize incremental marking via task; GC in old space requested
`
	s := analyze(t, []byte(log))
	m := s.Isolates[0].MajorGCs
	if len(m) != 2 || m[0].OldSpaceUsedKB == nil || *m[0].OldSpaceUsedKB != 7000 || m[1].OldSpaceUsedKB != nil {
		t.Fatalf("%+v", m)
	}
	sp := s.Isolates[0].Spaces
	if len(sp) != 2 || sp[0].Name != "Old space" || sp[0].UsedKB != 7000 || sp[0].PeakUsedKB != 7000 || sp[1].Name != "New space" {
		t.Errorf("%+v", sp)
	}
}

func TestSampleAddIndex(t *testing.T) {
	s := sample{cap: 4, stride: 1}
	for i := 0; i < 50; i++ {
		idx := s.add(point{T: float64(i)})
		if idx >= 0 && s.pts[idx].T != float64(i) {
			t.Fatalf("add(%d) = %d, pts %+v", i, idx, s.pts)
		}
	}
}

func TestIsolateLimit(t *testing.T) {
	a := NewAnalyzer(Options{})
	for pid := 1; pid <= maxIsolates+10; pid++ {
		a.Write(gcLines(pid, 1, 10, 1, "Scavenge"))
	}
	l := a.Lines()
	if len(a.isolates) != maxIsolates || l.Dropped != 10 || l.GC != maxIsolates {
		t.Errorf("%d isolates, lines %+v", len(a.isolates), l)
	}
}

func TestWarmupLeftOutOfTrend(t *testing.T) {
	// Heap after major GCs climbs for the first 10 s (caches filling),
	// then stays flat for 30 s.
	var b bytes.Buffer
	for i := 1; i <= 40; i++ {
		after := 10.0 + float64(min(i, 10))*3
		fmt.Fprintf(&b, "[1:0x1] %8d ms: Mark-Compact %.1f (80.0) -> %.1f (80.0) MB, 5.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
			i*1000, after+10, after)
	}
	s := analyze(t, b.Bytes())
	if s.PostGCTrend.MajorGCs != 40 {
		t.Fatalf("%+v", s.PostGCTrend)
	}
	a := NewAnalyzer(Options{WarmupMs: 10500})
	a.Write(b.Bytes())
	w := a.Summary()
	if w.Verdict != Healthy || w.PostGCTrend.MajorGCs != 30 || w.PostGCTrend.MBPerHour != 0 || w.PostGCTrend.WarmupMs != 10500 {
		t.Errorf("with warm-up: %s %+v", w.VerdictText, w.PostGCTrend)
	}
	if typeByName(w.ByType, "Mark-Compact").Count != 40 {
		t.Errorf("warm-up GCs must still count in pauses: %+v", w.ByType)
	}
}

// TestUnknownPauses: a GC line cut off after its heap sizes counts as a GC
// (in the chart and the trend) but its pause is unknown, not 0: it is
// left out of the pause statistics and time in GC, and counted apart.
func TestUnknownPauses(t *testing.T) {
	a := NewAnalyzer(Options{})
	for _, l := range []string{
		"[1:0x1]      100 ms: Mark-Compact 20.0 (25.0) -> 10.0 (24.0) MB, pooled: 0 MB, 10.00 / 0.00 ms  (average mu = 0.990, current mu = 0.990) allocation failure; ",
		"[1:0x1]      200 ms: Mark-Compact 21.0 (25.0) -> 11.0 (24.0) MB, pooled: 0 MB, 3",
		"[1:0x1]      300 ms: Mark-Compact 22.0 (25.0) -> 12.0 (24.0) MB, pooled: 0 MB, 30.00 / 0.00 ms  (average mu = 0.104, curren",
	} {
		a.Line([]byte(l))
	}
	s := a.Summary()
	is := s.Isolates[0]
	ts := typeByName(is.ByType, "Mark-Compact")
	if s.GCs != 3 || ts == nil || ts.Count != 3 || ts.PauseUnknown != 1 || ts.PauseMs.Total != 40 || ts.PauseMs.P50 != 10 {
		t.Fatalf("gcs %d type %+v", s.GCs, ts)
	}
	if is.PauseUnknown != 1 || s.PauseUnknown != 1 || is.PauseMs != 40 || len(is.MajorGCs) != 3 {
		t.Fatalf("isolate %+v", is)
	}
	if !strings.Contains(is.VerdictText, "1 GC without pause figures") {
		t.Errorf("verdict text %q", is.VerdictText)
	}
}

// TestForcedLeftOutOfPressure: long forced full GCs (a heap snapshot's,
// global.gc()'s) neither count in time in GC nor reach the major-pause
// rule; the same pauses from the program's own GCs are gc-pressure. When
// the forced GCs alone take the pressure share of the run (global.gc() in
// a loop: blind GC set 5, g08), that is pressure of their own, said so;
// a few are not.
func TestForcedLeftOutOfPressure(t *testing.T) {
	log := func(reason string, every int) []byte {
		var b bytes.Buffer
		for i := 0; i < 20; i++ {
			fmt.Fprintf(&b, "[1:0x1] %8d ms: Scavenge 10.0 (12.0) -> 9.0 (12.0) MB, 1.00 / 0.00 ms  (average mu = 0.9, current mu = 0.9) allocation failure; \n", 1000*i+100)
			r := "allocation failure"
			if i%every == 0 {
				r = reason
			}
			fmt.Fprintf(&b, "[1:0x1] %8d ms: Mark-Compact 10.0 (12.0) -> 9.0 (12.0) MB, 300.00 / 0.00 ms  (average mu = 0.7, current mu = 0.7) %s; GC in old space requested\n", 1000*i+600, r)
		}
		return b.Bytes()
	}
	forced := analyze(t, log("testing", 1))
	own := analyze(t, log("allocation failure", 1))
	if forced.Verdict != GCPressure || !strings.HasPrefix(forced.VerdictText, "GC pressure from forced GCs: 20 forced GCs (global.gc() ×20)") ||
		forced.GCShare > 0.01 || forced.Forced == nil || forced.Forced.GCs != 20 || forced.Forced.PauseMs != 6000 {
		t.Errorf("forced: %s %s gc_share %v forced %+v", forced.Verdict, forced.VerdictText, forced.GCShare, forced.Forced)
	}
	few := analyze(t, []byte(strings.ReplaceAll(string(log("heap profiler", 10)), "300.00 / 0.00 ms  (average mu = 0.7, current mu = 0.7) allocation failure", "3.00 / 0.00 ms  (average mu = 0.7, current mu = 0.7) allocation failure")))
	if few.Verdict == GCPressure || few.Forced == nil || few.Forced.GCs != 2 {
		t.Errorf("two snapshots' GCs: %s %s forced %+v", few.Verdict, few.VerdictText, few.Forced)
	}
	if own.Verdict != GCPressure || own.Forced != nil {
		t.Errorf("own: %s %s", own.Verdict, own.VerdictText)
	}
	if forced.PostGCTrend.MajorGCs != 20 || own.PostGCTrend.MajorGCs != 20 {
		t.Errorf("trend majors %d, %d", forced.PostGCTrend.MajorGCs, own.PostGCTrend.MajorGCs)
	}
}

// Node 26 prints the end of its memory-pool line on a line of its own,
// starting ", ": it is V8's, not the application's.
func TestV8ContinuationLine(t *testing.T) {
	log := "[7:0x1a]       44 ms: Memory pool: Removed pages: 0, removed large pages: 0\n" +
		", removed zone reservations: 0\n" +
		", an application line that starts the same way\n" +
		string(gcLines(7, 3, 10, 1, "Scavenge"))
	s := analyze(t, []byte(log))
	if s.Lines.Skipped != 1 || s.Lines.Verbose != 2 {
		t.Errorf("skipped %d, verbose %d: want the one application line skipped", s.Lines.Skipped, s.Lines.Verbose)
	}
}

// Two major GCs are one step: no trend test or fitted line to quote.
func TestTwoMajorGCsNoTrendStatistics(t *testing.T) {
	log := "[9:0x1]      100 ms: Mark-Compact 20.0 (30.0) -> 10.0 (30.0) MB, 5.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n" +
		"[9:0x1]      900 ms: Mark-Compact 40.0 (50.0) -> 30.0 (50.0) MB, 5.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n"
	s := analyze(t, []byte(log))
	var out bytes.Buffer
	WriteText(&out, s, ui.Palette{})
	text, _, _ := strings.Cut(out.String(), "thresholds:")
	if strings.Contains(text, "Mann–Kendall") || strings.Contains(text, "r²") {
		t.Errorf("trend statistics quoted for one step:\n%s", text)
	}
	if !strings.Contains(text, "too few major GCs for a trend test") || !strings.Contains(text, "10.0 → 30.0 MiB") {
		t.Errorf("report:\n%s", text)
	}
}
