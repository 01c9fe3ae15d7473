package gctrace

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestLevelledOff: a heap that rose, then stayed flat for the last third
// of the run, levelled off; one still rising at the end did not.
func TestLevelledOff(t *testing.T) {
	xs := []float64{0, 5000, 10000, 15000, 30000, 70000, 78000, 86000} // ms
	step := []float64{9, 18, 27, 43, 74, 90, 100, 93}
	if level, ok := levelledOff(xs, step, 5); !ok || level != 93 {
		t.Errorf("a build-up, then flat: levelled off %v at %v, want at 93", ok, level)
	}
	rising := []float64{9, 18, 27, 43, 74, 90, 100, 112}
	if _, ok := levelledOff(xs, rising, 5); ok {
		t.Error("still rising at the end: levelled off")
	}
	// Bursts every 20 s (blind GC set 5, g06): a flat fit through a swing.
	swing := []float64{10, 30, 107, 4, 52, 3.1, 53.1, 3.5}
	if level, ok := levelledOff(xs, swing, 5); ok {
		t.Errorf("a swing between 3 and 53 MiB: levelled off at %v", level)
	}
	// Up at every step into the last third, however little: still rising
	// (a loaded machine bunched the GCs early; CI saw this on node 22).
	creeping := []float64{7.0, 7.6, 8.2, 8.9, 9.7, 10.9, 11.0, 11.1}
	if _, ok := levelledOff(xs, creeping, 5); ok {
		t.Error("rising at every step: levelled off")
	}
	steady := []float64{10, 11, 12, 13, 16, 24, 25.6, 27.2}
	if _, ok := levelledOff(xs, steady, 5); ok {
		t.Error("a slow steady rise: levelled off")
	}
}

// TestLeakOnset: a heap that held a level for half the run and then grew
// (blind GC set 2: a config reload) has an onset, and the leak's pace is
// the one since then; a steady leak with noise, a warm-up, and a level
// with one odd GC have none.
func TestLeakOnset(t *testing.T) {
	xs := []float64{1600, 5500, 26500, 45900, 75200, 85200}
	on, ok := leakOnset(xs, []float64{12.4, 12.4, 12.2, 12.4, 20.3, 27.6}, 5)
	if !ok || on.ms != 45900 || on.levelMB != 12.4 || on.steps != 2 {
		t.Fatalf("flat, then rising: %+v %v", on, ok)
	}
	if h := on.mbPerMs * 3.6e6; h < 1300 || h > 1500 {
		t.Errorf("rate since the onset %.0f MB/h, want the slope of the last three GCs (about 1,390)", h)
	}
	for name, ys := range map[string][]float64{
		"a steady leak":            {12.0, 12.5, 14.0, 15.1, 17.9, 18.7},
		"a steady leak with a dip": {15.7, 16.0, 15.5, 16.6, 17.6, 18.3},
		"a warm-up, then flat":     {5, 12, 12.2, 12.1, 12.3, 12.2},
		"a level":                  {12.4, 12.4, 12.2, 12.4, 12.5, 12.3},
		"a level, one odd GC":      {12.4, 12.4, 12.2, 12.4, 14.9, 12.5},
		"rising from the start":    {10, 10.2, 13, 16, 19, 22},
	} {
		if on, ok := leakOnset(xs, ys, 5); ok {
			t.Errorf("%s: onset %+v", name, on)
		}
	}
	// Through the analyser: the verdict leads with the onset and its rate.
	var log strings.Builder
	for i, a := range []float64{12.4, 12.4, 12.2, 12.4, 12.3, 12.5, 14.5, 17.0, 19.6, 22.1} {
		fmt.Fprintf(&log, "[1:0x1] %8.0f ms: Mark-Compact 40.0 (50.0) -> %.1f (50.0) MB, 9.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
			float64(i+1)*10000, a)
	}
	s := analyze(t, []byte(log.String()))
	tr := s.PostGCTrend
	if s.Verdict != ProbableLeak || tr.OnsetMs != 60000 || tr.OnsetLevelMB != 12.4 || tr.OnsetMBPerHour < 2*tr.ObservedMBPerHour {
		t.Fatalf("%s: %s; trend %+v", s.Verdict, s.VerdictText, tr)
	}
	if !strings.HasPrefix(s.VerdictText, "probable leak, from 60.0 s on: post-GC heap held at about 12.4 MiB until then") {
		t.Errorf("%q", s.VerdictText)
	}
}

// TestPressureKind: GC pressure names where its time goes, because the
// causes differ: scavenges (allocation churn) or full GCs over a flat
// heap (the live data near the old generation's limit).
func TestPressureKind(t *testing.T) {
	s := analyze(t, gcLines(1, 100, 10, 2, "Scavenge"))
	if !strings.Contains(s.VerdictText, "100% of it in young-generation GCs (scavenges)") {
		t.Errorf("scavenges: %q", s.VerdictText)
	}
	s = analyze(t, gcLines(1, 100, 100, 20, "Mark-Compact"))
	if s.Verdict != GCPressure || !strings.Contains(s.VerdictText, "100% of it in full GCs while the post-GC heap held a median 5.0 MiB") ||
		!strings.Contains(s.VerdictText, "--max-old-space-size") {
		t.Errorf("full GCs: %s: %q", s.Verdict, s.VerdictText)
	}
	var log []byte
	for i := 1; i <= 100; i++ {
		typ := "Scavenge"
		if i%2 == 0 {
			typ = "Mark-Compact"
		}
		log = append(log, fmt.Sprintf("[1:0x1] %8.0f ms: %s 10.0 (20.0) -> 5.0 (20.0) MB, 2.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", float64(i)*10, typ)...)
	}
	if s := analyze(t, log); !strings.Contains(s.VerdictText, "50% of it in scavenges, 50% in full GCs") {
		t.Errorf("mixed: %q", s.VerdictText)
	}
	// One long major pause at start-up beside pressure by share is a
	// one-off, not the p95 of the run's major pauses (blind GC set 2,
	// g07: nineteen major GCs, the one long one in the first second).
	log = gcLines(1, 100, 10, 2, "Scavenge")
	log = append([]byte("[1:0x1]        5 ms: Mark-Compact 10.0 (20.0) -> 5.0 (20.0) MB, 150.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n"), log...)
	s = analyze(t, log)
	if strings.Contains(s.VerdictText, "p95") || !strings.Contains(s.VerdictText, "one major GC paused 150 ms") {
		t.Errorf("a one-off: %q", s.VerdictText)
	}
}

// TestLevelSince: when the heap reached the level it held, not "the last
// third" (blind GC set 2, g01: flat from about 31 s of an 84 s run).
func TestLevelSince(t *testing.T) {
	xs := []float64{0, 10, 20, 30, 40, 50, 60, 70, 80}
	for name, c := range map[string]struct {
		ys   []float64
		want float64
	}{
		"a warm-up, then flat":    {[]float64{9, 16, 24, 34.4, 35.0, 36.1, 36.2, 36.0, 36.1}, 30},
		"one odd GC in the level": {[]float64{9, 16, 24, 34.4, 35.0, 39.9, 36.2, 36.0, 36.1}, 30},
		"flat from the start":     {[]float64{36, 36.2, 35.9, 36.1, 36, 36.3, 36.2, 36, 36.1}, 0},
		"a late step, one odd GC": {[]float64{9, 16, 24, 34, 50, 74, 89.7, 99.7, 92.6}, 60},
	} {
		if got := levelSince(xs, c.ys, median(append([]float64(nil), c.ys[6:]...)), 5); got != c.want {
			t.Errorf("%s: since %v, want %v", name, got, c.want)
		}
	}
}

// TestLevelNeedsSpreadGCs: a "level" whose window holds one major GC at
// its start and the rest bunched at its end is a drop after a burst, not
// a level (blind GC set 3, g09: 96.9 MiB at 51 s, then 71.8 and 75.5 at
// 101.5-102 s).
func TestLevelNeedsSpreadGCs(t *testing.T) {
	xs := []float64{200, 12500, 30200, 51000, 101500, 102000}
	if _, ok := levelledOff(xs, []float64{11.1, 35.1, 53.2, 96.9, 71.8, 75.5}, 5); ok {
		t.Error("two GCs bunched at the end: levelled off")
	}
	// Through the analyser: grown, neither a leak by its tests nor
	// levelled off: inconclusive, not healthy.
	var log strings.Builder
	for i, a := range []float64{11.1, 35.1, 53.2, 96.9, 71.8, 75.5} {
		fmt.Fprintf(&log, "[1:0x1] %8.0f ms: Mark-Compact 140.0 (150.0) -> %.1f (150.0) MB, 9.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", xs[i], a)
	}
	if s := analyze(t, []byte(log.String())); s.Verdict != Inconclusive || !strings.Contains(s.VerdictText, "nor did it level off") {
		t.Errorf("%s: %s", s.Verdict, s.VerdictText)
	}
	// The same values at evenly spread times do hold a level.
	even := []float64{0, 20000, 40000, 60000, 80000, 100000}
	if _, ok := levelledOff(even, []float64{11.1, 35.1, 53.2, 75.9, 74.8, 75.5}, 5); !ok {
		t.Error("spread GCs at one level: not levelled off")
	}
}

// TestMidRunStep: a level reached well into the run, after a lower one
// held through its second quarter, is memory taken mid-run (a reload, or
// a leak that stopped: blind GC set 3, g01); a warm-up that ends early,
// or a fill still rising in that quarter, is not.
func TestMidRunStep(t *testing.T) {
	xs := []float64{0, 10000, 20000, 30000, 40000, 50000, 60000, 70000, 80000, 90000, 100000}
	step := []float64{15, 19, 20, 21, 20, 19, 40, 59, 60, 59, 60}
	early, until, ok := midRunStep(xs, step, 59.5, 70000)
	if !ok || early != 20 || until != 50000 {
		t.Errorf("mid-run step: %v %v %v, want 20 MiB until 50 s", early, until, ok)
	}
	warm := []float64{15, 40, 57, 59, 60, 59, 60, 59, 60, 59, 60}
	if _, _, ok := midRunStep(xs, warm, 59.5, 20000); ok {
		t.Error("a warm-up over the first fifth: a mid-run step")
	}
	// A slow fill still rising through the second quarter held no level
	// there (blind GC set 4, g04): no window to point at.
	fill := []float64{10, 24, 36, 51, 69, 81, 103, 126, 127, 126, 127}
	if early, until, ok := midRunStep(xs, fill, 126.6, 70000); ok {
		t.Errorf("a slow fill: a mid-run step from %v MiB until %v", early, until)
	}
}

// TestShortLivedIsolate: a worker that lived under a second with 18% of
// it in GC, beside a main isolate of 90 s, does not make the log's
// verdict GC pressure (blind GC set 3, g10).
func TestShortLivedIsolate(t *testing.T) {
	var log []byte
	log = append(log, gcLines(1, 90, 1000, 5, "Mark-Compact")...)
	for i := 1; i <= 14; i++ {
		log = append(log, fmt.Sprintf("[1:0x2] %8.0f ms: Scavenge 10.0 (20.0) -> 5.0 (20.0) MB, 9.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", float64(i)*50)...)
	}
	s := analyze(t, log)
	if s.Verdict != Healthy || len(s.Isolates) != 2 {
		t.Fatalf("%s: %s", s.Verdict, s.VerdictText)
	}
	for _, is := range s.Isolates {
		if is.Isolate == "0x2" && (is.Verdict != Inconclusive || !is.ShortLived || !strings.Contains(is.VerdictText, "a one-off burst")) {
			t.Errorf("worker: %s %v: %s", is.Verdict, is.ShortLived, is.VerdictText)
		}
	}
}

// A child that ran 4 s of a 90 s log with one major GC (blind GC set 10,
// g04: a process forking a child every 20 s): too brief to judge, it does
// not speak for the log over the healthy parent.
func TestShortLivedInconclusive(t *testing.T) {
	var log []byte
	log = append(log, gcLines(1, 90, 1000, 5, "Mark-Compact")...)
	log = append(log, "[2:0x2]      800 ms: Mark-Compact 80.0 (100.0) -> 67.6 (90.0) MB, 28.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n"...)
	for i := 1; i <= 12; i++ {
		log = append(log, fmt.Sprintf("[2:0x2] %8.0f ms: Scavenge 70.0 (90.0) -> 68.0 (90.0) MB, 2.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", 800+float64(i)*300)...)
	}
	s := analyze(t, log)
	if s.Verdict != Healthy {
		t.Fatalf("%s: %s", s.Verdict, s.VerdictText)
	}
	for _, is := range s.Isolates {
		if is.Isolate == "0x2" && (!is.ShortLived || !strings.Contains(is.VerdictText, "a short-lived worker or child process")) {
			t.Errorf("child: %s %v: %s", is.Verdict, is.ShortLived, is.VerdictText)
		}
	}
}

// TestPressureReduce: GCs V8 marks "(reduce)", scavenges among them, are
// its memory-reducing mode near the heap limit: the limit is the cause,
// not allocation churn (blind GC set 4: a live set near a 160 MB old
// space, where scavenges took most of the time).
func TestPressureReduce(t *testing.T) {
	var log []byte
	for i := 1; i <= 100; i++ {
		typ := "Scavenge"
		switch {
		case i%10 == 0:
			typ = "Mark-Compact (reduce)"
		case i%2 == 0:
			typ = "Scavenge (reduce) (interleaved)"
		}
		log = append(log, fmt.Sprintf("[1:0x1] %8.0f ms: %s 150.0 (160.0) -> 143.0 (160.0) MB, 3.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", float64(i)*10, typ)...)
	}
	s := analyze(t, log)
	if s.Verdict != GCPressure || !strings.Contains(s.VerdictText, `in GCs V8 marks "(reduce)"`) || !strings.Contains(s.VerdictText, "a median 143.0 MiB") ||
		strings.Contains(s.VerdictText, "--max-semi-space-size") {
		t.Errorf("%s: %q", s.Verdict, s.VerdictText)
	}
}

// TestHeldAfterLastMajor: three major GCs rising steeply, then a minute
// of scavenges that never leave more than the last one did: a load at
// startup, not a leak (blind GC set 4), and --fail-on-leak passes. The
// same scavenges rising past it leave it a likely leak.
func TestHeldAfterLastMajor(t *testing.T) {
	build := func(ceiling func(i int) float64) []byte {
		var b strings.Builder
		for i, a := range []float64{62.7, 271.1, 307.1} {
			fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact 300.0 (350.0) -> %.1f (350.0) MB, 9.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", float64(i+1)*20000, a)
		}
		for i := 1; i <= 60; i++ {
			fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Scavenge 320.0 (350.0) -> %.1f (350.0) MB, 1.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", 60000+float64(i)*1000, ceiling(i))
		}
		return []byte(b.String())
	}
	held := analyze(t, build(func(i int) float64 { return 308 + float64(i%3)/2 }))
	if held.Verdict != Healthy || !strings.Contains(held.VerdictText, "then held: no scavenge in the 60.0 s after the last major GC left more than 309.0 MiB") || held.LeakLikely() {
		t.Errorf("held: %s (leak likely %v): %q", held.Verdict, held.LeakLikely(), held.VerdictText)
	}
	if tr := held.PostGCTrend; tr.HeldForMs != 60000 || tr.HeldMaxMB != 309 {
		t.Errorf("held for %v ms under %v MiB, want 60000 under 309", tr.HeldForMs, tr.HeldMaxMB)
	}
	// Rose under scavenges after the last major GC, then held a level
	// for 40 s of the run's 100 (blind GC set 6, g03: an index built
	// from a file, then served from).
	stepped := analyze(t, build(func(i int) float64 { return 308 + 5*float64(min(i, 20)) + float64(i%2)/2 }))
	if stepped.Verdict != Healthy || !strings.Contains(stepped.VerdictText, "then rose under scavenges after the last major GC and held from 77.0 s on") || stepped.LeakLikely() {
		t.Errorf("stepped: %s (leak likely %v): %q", stepped.Verdict, stepped.LeakLikely(), stepped.VerdictText)
	}
	rising := analyze(t, build(func(i int) float64 { return 308 + float64(i) }))
	if rising.Verdict != Inconclusive || !rising.LeakLikely() {
		t.Errorf("rising: %s (leak likely %v): %q", rising.Verdict, rising.LeakLikely(), rising.VerdictText)
	}
}

// TestRecentRate: a leak whose pace changed gives its rate over the run's
// last half beside the whole run's (one that sped up), or its rate after
// the fill (a bounded cache filling at the start, then a slow leak: blind
// GC set 4, g07); a steady leak gives neither.
func TestRecentRate(t *testing.T) {
	run := func(ys []float64) *Summary { return analyze(t, majorGCs(90, 99, ys)) }
	fill := run([]float64{8, 30, 50, 64, 66, 68, 70, 72, 74, 76})
	if tr := fill.PostGCTrend; fill.Verdict != ProbableLeak || tr.RecentMBPerHour != 0 || tr.FillEndMs != 40000 ||
		!strings.Contains(fill.VerdictText, "has grown by +720.0 MiB/h since") {
		t.Errorf("%s: %q; trend %+v", fill.Verdict, fill.VerdictText, tr)
	}
	faster := run([]float64{8, 9, 10, 11, 12, 14, 18, 22, 26, 30})
	if tr := faster.PostGCTrend; faster.Verdict != ProbableLeak || tr.RecentMBPerHour < 1300 || tr.RecentFromMs != 60000 ||
		!strings.Contains(faster.VerdictText, "over the last half, from 60.0 s on") || !strings.Contains(faster.VerdictText, "it sped up") {
		t.Errorf("%s: %q; trend %+v", faster.Verdict, faster.VerdictText, tr)
	}
	steady := run([]float64{8, 10, 12, 14, 16, 18, 20, 22, 24, 26})
	if steady.PostGCTrend.RecentMBPerHour != 0 || strings.Contains(steady.VerdictText, "last half") {
		t.Errorf("a steady leak: %q", steady.VerdictText)
	}
}

// TestSawtoothAndSwing: a heap that fell back below where it started after
// doubling (a memo flushed on a timer: blind GC set 4, g01) and one that
// swings between a batch's heap and the idle one with no trend (cluster
// workers, g06) are healthy, not "grew … nor did it level off"; a leak
// that passed its old peak after a flush is not a sawtooth.
func TestSawtoothAndSwing(t *testing.T) {
	if j := fellBack([]float64{9.4, 31, 43.1, 67.4, 7.3, 31.5, 33.4, 39.4}); j != 4 {
		t.Errorf("sawtooth: fell back at %d, want 4", j)
	}
	if j := fellBack([]float64{9.4, 31, 43.1, 67.4, 7.3, 31.5, 53.4, 79.4}); j != -1 {
		t.Errorf("past the old peak since: fell back at %d", j)
	}
	run := func(ys []float64) *Summary { return analyze(t, majorGCs(99, 120, ys)) }
	saw := run([]float64{9.4, 31, 43.1, 67.4, 7.3, 31.5, 33.4, 39.4})
	if saw.Verdict != Healthy || !strings.Contains(saw.VerdictText, "it fell back to 7.3 MiB at 50.0 s, below where it started") {
		t.Errorf("sawtooth: %s: %q", saw.Verdict, saw.VerdictText)
	}
	// The trend line says the fall too, beside the whole run's rates.
	if tr := saw.PostGCTrend; tr.FellAtMs != 50000 || tr.FellToMB != 7.3 {
		t.Errorf("sawtooth: fell at %v ms to %v MiB, want 50000 and 7.3", tr.FellAtMs, tr.FellToMB)
	}
	swing := run([]float64{40, 90, 30, 80, 45, 85, 35, 88, 38, 82})
	if swing.Verdict != Healthy || strings.Contains(swing.VerdictText, "grew") || !strings.Contains(swing.VerdictText, "no steady trend") {
		t.Errorf("swing: %s: %q", swing.Verdict, swing.VerdictText)
	}
}

// majorGCs is a log of Mark-Compacts 10 s apart, each from before MB (of
// a committed heap) down to the next of ys.
func majorGCs(before, committed float64, ys []float64) []byte {
	var log strings.Builder
	for i, a := range ys {
		fmt.Fprintf(&log, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 9.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
			float64(i+1)*10000, before, committed, a, committed)
	}
	return []byte(log.String())
}

// TestQuietIsolate: a cluster's primary with no major GC and a level heap
// (blind GC set 4, g06) does not speak for a log whose workers were judged
// healthy; one whose heap kept rising under scavenges still does.
func TestQuietIsolate(t *testing.T) {
	log := func(afters func(i int) float64) []byte {
		b := majorGCs(99, 120, []float64{40, 90, 30, 80, 45, 85, 35, 88, 38, 82})
		var s strings.Builder
		s.Write(b)
		for i := range 40 {
			fmt.Fprintf(&s, "[2:0x2] %8.0f ms: Scavenge %.1f (%.1f) -> %.1f (%.1f) MB, 0.30 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
				float64(i+1)*2000, afters(i)+1, 8.0, afters(i), 8.0)
		}
		return []byte(s.String())
	}
	// (The level primary is judged on its own now: its scavenges held one
	// level for 80 s with no drift.)
	level := analyze(t, log(func(i int) float64 { return 4 + float64(i%3)/10 }))
	if level.Verdict != Healthy || len(level.Isolates) != 2 || level.Isolates[1].Verdict != Healthy ||
		!strings.Contains(level.Isolates[1].VerdictText, "0 major GCs, too few for a trend, but the scavenges held the heap under") {
		t.Errorf("level primary: %s: %q", level.Verdict, level.VerdictText)
	}
	rising := analyze(t, log(func(i int) float64 { return 4 + float64(i)/2 }))
	if rising.Verdict != Inconclusive || !strings.Contains(rising.VerdictText, "isolate 2:0x2") {
		t.Errorf("rising primary: %s: %q", rising.Verdict, rising.VerdictText)
	}
}

// TestFillThenLeak: a cache that fills in the first 20 s, then a slower
// leak (blind GC set 4, g07), is named as such with the leak's own rate;
// a steady leak and one that speeds up have no fill.
func TestFillThenLeak(t *testing.T) {
	run := func(ys []float64) *Summary { return analyze(t, majorGCs(99, 120, ys)) }
	filled := run([]float64{8, 20, 31, 42, 50, 51.5, 53, 54.2, 55.9, 57, 58.4, 60, 61.1, 62.5})
	tr := filled.PostGCTrend
	if filled.Verdict != ProbableLeak || tr.FillEndMs != 50000 || tr.AfterFillMBPerHour < 480 || tr.AfterFillMBPerHour > 520 ||
		!strings.Contains(filled.VerdictText, "after a fill: post-GC heap rose fast to 50.0 MiB by 50.0 s") || strings.Contains(filled.VerdictText, "last half") {
		t.Errorf("%s: %q; trend %+v", filled.Verdict, filled.VerdictText, tr)
	}
	for _, ys := range [][]float64{
		{8, 10, 12, 14, 16, 18, 20, 22, 24, 26},         // steady
		{8, 8.5, 9, 9.5, 10, 14, 18, 22, 26, 30, 34},    // speeds up
		{8, 10.5, 11.6, 14, 16.2, 17.5, 20.4, 22, 24.6}, // steady, with noise
	} {
		if s := run(ys); s.PostGCTrend.FillEndMs != 0 || strings.Contains(s.VerdictText, "after a fill") {
			t.Errorf("%v: %q", ys, s.VerdictText)
		}
	}
}

// TestMemoryLines: the program's own memoryUsage() lines, in the forms
// services print them, give external memory; a Buffer leak there is a
// probable leak while the heap is flat (blind GC set 5, g07), and a level
// external figure is not.
func TestMemoryLines(t *testing.T) {
	var m memLines
	for _, l := range []string{
		`[stats] served=986 failures=0 rss=95.4MB heapUsed=4.8MB external=46.8MB`,
		`{"level":30,"msg":"mem","rss":104857600,"heapUsed":5242880,"external":52428800,"arrayBuffers":1048576}`,
		`memory { rss: 104857600, heapTotal: 7340032, heapUsed: 5242880, external: 52428800, arrayBuffers: 1048576 }`,
		`external 50 MiB, arrayBuffers 1024 KiB`,
	} {
		m.memoryLine([]byte(l), 1000)
	}
	if len(m.samples) != 4 {
		t.Fatalf("samples %+v", m.samples)
	}
	want := []float64{46.8, 50, 50, 50}
	for i, s := range m.samples {
		if math.Abs(s.external-want[i]) > 0.01 {
			t.Errorf("line %d: external %v MiB, want %v", i, s.external, want[i])
		}
	}
	if m.samples[1].rss != 100 || m.samples[3].arrayBuffers != 1 {
		t.Errorf("rss %v, arrayBuffers %v", m.samples[1].rss, m.samples[3].arrayBuffers)
	}
	log := func(external func(i int) float64) []byte {
		var b strings.Builder
		b.Write(majorGCs(9, 12, []float64{4, 4.1, 3.9, 4, 4.1, 4, 3.9, 4, 4.1, 4}))
		lines := strings.Split(b.String(), "\n")
		var out strings.Builder
		for i, l := range lines {
			out.WriteString(l + "\n")
			if l != "" {
				fmt.Fprintf(&out, "[stats] rss=%.1fMB heapUsed=4.0MB external=%.1fMB\n", 90+external(i), external(i))
			}
		}
		return []byte(out.String())
	}
	leak := analyze(t, log(func(i int) float64 { return 30 + 6*float64(i) }))
	if leak.Verdict != ProbableLeak || leak.Memory == nil || !leak.Memory.Leak || !leak.LeakLikely() ||
		!strings.HasPrefix(leak.VerdictText, "probable leak outside the JavaScript heap: external memory (Buffers, ArrayBuffers) grew 30.0 → 84.0 MiB") {
		t.Errorf("Buffer leak: %s %q %+v", leak.Verdict, leak.VerdictText, leak.Memory)
	}
	level := analyze(t, log(func(i int) float64 { return 30 + float64(i%2) }))
	if level.Verdict == ProbableLeak || level.Memory == nil || level.Memory.Leak {
		t.Errorf("level external: %s %q %+v", level.Verdict, level.VerdictText, level.Memory)
	}
}

// TestKeptGrowth: with four major GCs, each of the last two keeping what
// the scavenges before it gained (a leak that began mid-run: blind GC set
// 5, g02 and g05) is a probable leak; a sawtooth whose major GCs free what
// the scavenges promoted is not, nor are intervals without scavenges.
func TestKeptGrowth(t *testing.T) {
	log := func(tops, afters []float64) []byte {
		var b strings.Builder
		ms := 0.0
		for i := range afters {
			for k := 1; k <= 4; k++ {
				ms += 2500
				prev := 4.0
				if i > 0 {
					prev = afters[i-1]
				}
				v := prev + (tops[i]-prev)*float64(k)/4
				fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Scavenge %.1f (%.1f) -> %.1f (%.1f) MB, 0.50 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", ms, v+1, 40.0, v, 40.0)
			}
			ms += 2500
			fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 3.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", ms, tops[i]+1, 40.0, afters[i], 40.0)
		}
		return []byte(b.String())
	}
	live := analyze(t, log([]float64{4.4, 9.4, 16.4}, []float64{4.3, 9.2, 16.2}))
	if tr := live.PostGCTrend; live.Verdict != ProbableLeak || tr.LeakTest != "kept" || len(tr.KeptPct) != 2 || tr.KeptPct[0] < 95 ||
		!strings.Contains(live.VerdictText, "each of the last two kept most of what the heap had gained") || !live.LeakLikely() {
		t.Errorf("kept: %s %q %+v", live.Verdict, live.VerdictText, tr)
	}
	garbage := analyze(t, log([]float64{20, 30, 40}, []float64{6, 8, 10}))
	if garbage.Verdict == ProbableLeak || garbage.PostGCTrend.LeakTest != "" {
		t.Errorf("frees most of what it promoted: %s %q", garbage.Verdict, garbage.VerdictText)
	}
	if _, ok := keptShare([]point{{After: 4}, {After: 9, Top: 9.4}, {After: 16, Top: 16.4}}, 10); ok {
		t.Error("no scavenges between the major GCs: kept")
	}
}

// TestFloorRise: a slow leak under a tall sawtooth, its major GCs mostly
// run while a batch is held (blind GC set 5, g09), is a probable leak by
// the floors of its blocks of major GCs; the same sawtooth over a level
// floor is not.
func TestFloorRise(t *testing.T) {
	leak := []float64{12.8, 27.1, 36.0, 4.7, 32.3, 30.9, 16.4, 32.8, 23.4, 17.7, 33.4, 32.5, 19.8, 37.0,
		18.1, 33.7, 34.7, 27.4, 22.5, 22.9, 37.2, 20.1, 24.3, 26.2, 29.6, 28.1, 31.5, 39.1}
	s := analyze(t, majorGCs(99, 120, leak))
	if tr := s.PostGCTrend; s.Verdict != ProbableLeak || tr.LeakTest != "floor" || len(tr.FloorMB) != 7 || tr.RecentMBPerHour != 0 ||
		!strings.Contains(s.VerdictText, "the lowest post-GC heap of each run of 4 major GCs rose steadily from the second on (16.4 → 17.7 → 18.1 → 22.5 → 20.1 → 28.1 MiB)") {
		t.Errorf("%s %q %+v", s.Verdict, s.VerdictText, tr)
	}
	level := make([]float64, len(leak))
	for i := range leak {
		level[i] = []float64{17, 33, 18, 31, 16.5, 34, 17.5}[i%7]
	}
	if s := analyze(t, majorGCs(99, 120, level)); s.Verdict == ProbableLeak {
		t.Errorf("a sawtooth over a level floor: %s %q", s.Verdict, s.VerdictText)
	}
}

// TestStretchesHeld: a 256 MB young generation gives two major GCs in
// 78 s, the second leaving 1.4 MiB more than the first, while the
// scavenges between and after them left a level heap (blind GC set 5,
// g10): healthy, not "too few major GCs"; scavenges that rose in a
// stretch are not level.
func TestStretchesHeld(t *testing.T) {
	log := func(rise float64) []byte {
		var b strings.Builder
		ms := 1000.0
		scav := func(after float64) {
			fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Scavenge 124.3 (230.7) -> %.1f (230.7) MB, 2.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", ms, after)
			ms += 1100
		}
		scav(12.1)
		fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact 13.6 (223.8) -> 13.1 (223.8) MB, 3.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", ms)
		ms += 1000
		for i := range 50 {
			scav(15.4 + min(0.9, float64(i)*0.1) + rise*float64(i))
		}
		fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact 17.8 (224.3) -> 14.5 (224.3) MB, 7.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", ms)
		ms += 1000
		for range 12 {
			scav(18.5)
		}
		return []byte(b.String())
	}
	level := analyze(t, log(0))
	if level.Verdict != Healthy || !strings.Contains(level.VerdictText, "between major GCs the scavenges left a level heap") {
		t.Errorf("level: %s %q", level.Verdict, level.VerdictText)
	}
	if rising := analyze(t, log(0.2)); rising.Verdict == Healthy {
		t.Errorf("rising between major GCs: %s %q", rising.Verdict, rising.VerdictText)
	}
}

// TestLevelInShortRuns: a short run that filled its cache and held it
// for its last half (blind GC set 8, g09: three restarts of 35-40 s) is a
// step, though its last third is shorter than a level needs; one whose
// last half fell is no linear leak.
func TestLevelInShortRuns(t *testing.T) {
	run := func(xs, ys []float64) *Summary {
		var log strings.Builder
		for i, y := range ys {
			fmt.Fprintf(&log, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 9.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
				xs[i], y+20, y+40, y, y+40)
		}
		return analyze(t, []byte(log.String()))
	}
	filled := run([]float64{2400, 11900, 16800, 21400, 26100, 30800, 34900, 39600}, []float64{8.8, 28.7, 39.1, 46.6, 46.5, 45.8, 46.6, 46.6})
	if filled.Verdict != Healthy || !strings.Contains(filled.VerdictText, "then held at about 46.") {
		t.Errorf("filled: %s: %q", filled.Verdict, filled.VerdictText)
	}
	fell := run([]float64{2400, 11900, 17200, 22500, 27100, 32000}, []float64{8.8, 28.6, 39.8, 46.5, 46.5, 45.8})
	if fell.Verdict == ProbableLeak || !strings.Contains(fell.VerdictText, "its last 3 major GCs held about 46.5 MiB, over 9.5 s: too short to call a level") {
		t.Errorf("last half fell: %s: %q", fell.Verdict, fell.VerdictText)
	}
}

// TestHeldAfterPair: a preload over five major GCs whose last two left
// the same heap, then 40 s of scavenges under it (blind GC set 8, g04) is
// a step; the same with scavenges that keep rising is not.
func TestHeldAfterPair(t *testing.T) {
	log := func(drift float64) []byte {
		var b strings.Builder
		majors := []struct{ t, after float64 }{{2200, 15.9}, {9000, 53.4}, {19900, 111}, {49000, 222.6}, {58000, 222.4}}
		for _, m := range majors {
			fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 40.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
				m.t, m.after+30, m.after+60, m.after, m.after+60)
		}
		for i := 1; i <= 36; i++ {
			after := 222.4 + 0.02*float64(i) + drift*float64(i)
			fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Scavenge %.1f (%.1f) -> %.1f (%.1f) MB, 1.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n",
				58000+1100*float64(i), after+1.5, after+30, after, after+30)
		}
		return []byte(b.String())
	}
	if s := analyze(t, log(0)); s.Verdict != Healthy || !strings.Contains(s.VerdictText, "then held at about 222.5 MiB from 49.0 s on") {
		t.Errorf("held: %s: %q", s.Verdict, s.VerdictText)
	}
	if s := analyze(t, log(0.5)); s.Verdict == Healthy {
		t.Errorf("rising scavenges: %s: %q", s.Verdict, s.VerdictText)
	}
}

// TestSlowOnLevel: a leak of about 1.5 MiB/min on a 400 MiB heap stays
// within a level's tolerance for minutes (blind GC set 8, g07), yet rises
// steadily through it: a probable leak, with its own rate; the same heap
// with noise and no trend is a level.
func TestSlowOnLevel(t *testing.T) {
	log := func(perMin float64) []byte {
		var b strings.Builder
		noise := []float64{0.8, -1.1, 0.3, -0.4, 1.2, -0.9, 0.1, -1.3, 0.6, 0.9, -0.2, -0.7}
		fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 40.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", 800.0, 180.0, 500.0, 120.0, 500.0)
		fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 40.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", 2900.0, 380.0, 500.0, 330.0, 500.0)
		for i := 0; i < 28; i++ {
			t := 8200 + 4000*float64(i)
			after := 399 + perMin*t/60000 + noise[i%len(noise)]
			fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 40.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", t, after+90, 560.0, after, 560.0)
		}
		return []byte(b.String())
	}
	s := analyze(t, log(1.5))
	if s.Verdict != ProbableLeak || s.PostGCTrend.LeakTest != "slow" || !strings.Contains(s.VerdictText, "slow against a big heap") {
		t.Fatalf("slow leak: %s (%s): %q", s.Verdict, s.PostGCTrend.LeakTest, s.VerdictText)
	}
	if sl := s.PostGCTrend.Slow; sl == nil || sl.MBPerHour < 70 || sl.MBPerHour > 110 {
		t.Errorf("slow leak: %+v, want about 90 MiB/h", sl)
	}
	if s := analyze(t, log(0)); s.Verdict == ProbableLeak {
		t.Errorf("level with noise: %s: %q", s.Verdict, s.VerdictText)
	}
}

// TestExternalPressure: full GCs that free nothing from a small heap,
// with scavenges started by external memory pressure (Buffer.concat in a
// loop: blind GC set 8, g08), are blamed on Buffers, not on live data
// filling the old generation.
func TestExternalPressure(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 400; i++ {
		t := 100 + 50*float64(i)
		if i%8 == 0 {
			fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Scavenge 25.0 (28.0) -> 24.2 (28.0) MB, 1.00 / 0.00 ms  (average mu = 0.800, current mu = 0.800) external memory pressure; \n", t)
			continue
		}
		fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact 24.2 (28.3) -> 24.2 (28.1) MB, 9.00 / 0.00 ms  (average mu = 0.800, current mu = 0.800) finalize incremental marking via stack guard; GC in old space requested\n", t+10)
	}
	s := analyze(t, []byte(b.String()))
	if s.Verdict != GCPressure || !strings.Contains(s.VerdictText, "name external memory pressure") || strings.Contains(s.VerdictText, "--max-old-space-size, or less live data") {
		t.Errorf("%s: %q", s.Verdict, s.VerdictText)
	}
}

// TestExternalReported: with --trace-gc-verbose, V8 reports external
// memory after each GC; with no memoryUsage() lines of the program's, a
// steady rise there is a probable leak outside the heap (blind GC set 9,
// g07), one that filled and levelled off is not, and another isolate's
// reports are not mixed in.
func TestExternalReported(t *testing.T) {
	log := func(external func(i int) float64, program bool) []byte {
		var out strings.Builder
		for i, l := range strings.Split(string(majorGCs(9, 12, []float64{4, 4.1, 3.9, 4, 4.1, 4, 3.9, 4, 4.1, 4})), "\n") {
			if l == "" {
				continue
			}
			out.WriteString(l + "\n")
			fmt.Fprintf(&out, "[1:0x1] External memory reported: %6.0f KB\n[1:0x1] External memory global 0 KB\n", 1024*external(i))
			fmt.Fprintf(&out, "[2:0x2] External memory reported: %6.0f KB\n", 1024*500.0)
			if program {
				fmt.Fprintf(&out, "[stats] rss=90MB heapUsed=4.0MB external=%.1fMB\n", 20.0)
			}
		}
		return []byte(out.String())
	}
	leak := analyze(t, log(func(i int) float64 { return 10 + 6*float64(i) }, false))
	if m := leak.Memory; leak.Verdict != ProbableLeak || m == nil || !m.Leak || m.Source != "v8" || m.External.FirstMB != 10 ||
		!strings.Contains(leak.VerdictText, "over 10 of V8's verbose reports after each GC (\"External memory reported\")") {
		t.Errorf("Buffer leak: %s %q %+v", leak.Verdict, leak.VerdictText, leak.Memory)
	}
	filled := analyze(t, log(func(i int) float64 { return 10 + 10*float64(min(i, 4)) }, false))
	if m := filled.Memory; filled.Verdict == ProbableLeak || m == nil || m.Leak {
		t.Errorf("filled and held: %s %q %+v", filled.Verdict, filled.VerdictText, filled.Memory)
	}
	// The program's own lines come first.
	own := analyze(t, log(func(i int) float64 { return 10 + 6*float64(i) }, true))
	if m := own.Memory; m == nil || m.Source != "memoryUsage" || m.Leak {
		t.Errorf("with memoryUsage() lines: %+v", own.Memory)
	}
}

// TestRoseUpTo: two major GCs at start-up, none for 48 s, then a level
// (a second tenant's data loaded mid-run, with only scavenges between:
// blind GC set 9, g04): the rise is told up to the time it held from,
// as a warm-up or a step, never as "early".
func TestRoseUpTo(t *testing.T) {
	var b strings.Builder
	gc := func(ms, before, after float64) {
		fmt.Fprintf(&b, "[1:0x1] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 9.00 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; \n", ms, before, 140.0, after, 140.0)
	}
	for _, p := range [][3]float64{{369, 23.4, 21.6}, {805, 45.8, 41.4}, {49237, 99.7, 90.9}, {50773, 119.3, 100.8}, {52389, 127.4, 99.5},
		{53982, 127.0, 98.2}, {55709, 124.5, 95.6}, {57289, 124.6, 102.0}, {58937, 129.5, 97.6}, {60561, 126.3, 99.2}, {61941, 126.9, 101.2},
		{63321, 129.6, 100.7}, {64928, 128.8, 99.0}, {66639, 126.1, 96.5}, {68281, 125.7, 102.0}, {69753, 129.4, 100.2}, {71238, 127.7, 101.0},
		{72756, 131.4, 102.1}, {74374, 129.2, 99.6}, {75909, 128.6, 101.7}, {77522, 129.4, 99.4}, {79041, 126.3, 100.0}, {80601, 129.0, 101.9},
		{82093, 128.3, 98.4}, {83757, 125.3, 98.2}, {85645, 124.1, 93.6}, {87145, 122.2, 100.0}, {88847, 126.0, 93.8}, {90516, 121.0, 97.6},
		{92505, 123.3, 93.8}, {94429, 119.3, 93.4}, {96042, 121.2, 98.2}, {97628, 127.4, 100.2}, {99209, 126.6, 99.0}, {100864, 126.6, 97.9},
		{102490, 124.8, 97.6}, {104513, 123.1, 98.2}} {
		gc(p[0], p[1], p[2])
	}
	s := analyze(t, []byte(b.String()))
	if s.Verdict != Healthy || !strings.Contains(s.VerdictText, "rose 21.6 → ") || !strings.Contains(s.VerdictText, "a warm-up or a step") || strings.Contains(s.VerdictText, "early") {
		t.Errorf("%s %q", s.Verdict, s.VerdictText)
	}
}

// oneStep: a config reload that doubles a table between two major GCs
// (blind GC set 10, g10): two flat levels of scavenges, a climb of two
// points between them. A steady climb is no step.
func TestOneStep(t *testing.T) {
	var pts []point
	add := func(ms, mb float64) { pts = append(pts, point{T: ms, After: mb}) }
	add(4300, 40.4)
	pts[0].Major = true
	for ms := 5000.0; ms < 45000; ms += 2000 {
		add(ms, 42.1)
	}
	add(45227, 57.0)
	for ms := 45476.0; ms < 105000; ms += 2000 {
		add(ms, 118.7)
	}
	st, ok := oneStep(pts, 4300, 105636)
	if !ok || st.low != 42.1 || st.high != 118.7 || st.since != 45476 {
		t.Errorf("reload: %+v, %v", st, ok)
	}
	var climb []point
	for ms := 5000.0; ms < 105000; ms += 2000 {
		climb = append(climb, point{T: ms, After: 40 + ms/1000})
	}
	if st, ok := oneStep(climb, 4300, 105636); ok {
		t.Errorf("a steady climb read as a step: %+v", st)
	}
}

// recentRate needs its half's major GCs spread over a third of the run
// (blind GC set 10, g05: three memory-reducing GCs in the last 9 s).
func TestRecentRateSpan(t *testing.T) {
	xs := []float64{8000, 25000, 46000, 94500, 103000, 103500, 104000}
	ys := []float64{6.4, 10.5, 15.2, 26.7, 27.5, 27.6, 27.6}
	if from, rate, ok := recentRate(xs, ys); ok {
		t.Errorf("rate %v from %v over 9.5 s of a 96 s run", rate, from)
	}
	xs = []float64{8000, 25000, 46000, 60000, 75000, 90000, 103000}
	if _, _, ok := recentRate(xs, ys); !ok {
		t.Error("spread over the last half: a rate")
	}
}

// A level with a refresh that rises over it and comes back (blind GC set
// 10, g06: a once-a-minute reload): the excursions are named; none when
// the last one is still up.
func TestExcursions(t *testing.T) {
	xs := []float64{1000, 8000, 20000, 30000, 40000, 50000, 60000, 81900, 86000, 100000}
	ys := []float64{12, 29, 29.5, 29.4, 29.6, 29.5, 29.3, 207.9, 48.3, 29.5}
	if got := excursions(xs, ys, 30000, 29.5, 5); !strings.Contains(got, "apart from 2 major GCs that left more (up to 207.9 MiB, at 81.9 s)") {
		t.Errorf("got %q", got)
	}
	if got := excursions(xs[:9], ys[:9], 30000, 29.5, 5); got != "" {
		t.Errorf("still up at the end: %q", got)
	}
}
