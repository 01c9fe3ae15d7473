package gctrace

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// The shape of the post-GC heap over a run, beyond its trend: where it
// levelled off, and where a leak began.

// minLevelMs: a level held for less than this says little (a short run's
// few GCs, bunched by a loaded machine, can look flat for a moment).
const minLevelMs = 10_000

// levelledOff: the heap after major GCs rose less than pct percent over
// the last third of the run (by time; at least its last three major GCs,
// over at least a sixth of the run and minLevelMs, taken from the last
// half when the last third is shorter, with no gap between them of three
// quarters of it), and not at every step there, and the level it held there.
func levelledOff(xs, ys []float64, pct float64) (float64, bool) {
	n := len(ys)
	if n < 5 {
		return 0, false
	}
	span := xs[n-1] - xs[0]
	i, _ := slices.BinarySearch(xs, xs[0]+2*span/3)
	i = min(i, n-3)
	for i > 0 && xs[n-1]-xs[i] < minLevelMs && xs[i-1] >= xs[0]+span/2 {
		// A short run's last third is shorter than a level needs: its
		// last half may hold one.
		i--
	}
	if i == 0 || xs[n-1]-xs[i] < span/6 || xs[n-1]-xs[i] < minLevelMs {
		return 0, false
	}
	// A level needs major GCs through the window, not one at its start
	// and the rest bunched at its end (one mid-burst, two after it: a
	// drop, not a level).
	for k := i + 1; k < n; k++ {
		if xs[k]-xs[k-1] > 0.75*(xs[n-1]-xs[i]) {
			return 0, false
		}
	}
	// Still rising at every step into and through it is no level, however
	// little (a leak whose GCs a loaded machine bunched early).
	rising := true
	for k := i; k < n && rising; k++ {
		rising = ys[k] > ys[k-1]
	}
	if rising {
		return 0, false
	}
	f := theilSen(xs[i:], ys[i:])
	level := median(slices.Clone(ys[i:]))
	if level <= 0 {
		return 0, false
	}
	// A level holds most of its points near it: a flat line through a
	// swing between two levels (a burst's heap, then the idle one) is no
	// level, however flat its fit.
	near := 0
	for _, y := range ys[i:] {
		if math.Abs(y-level) <= 2*pct/100*level {
			near++
		}
	}
	if 3*near < 2*(n-i) {
		return 0, false
	}
	return level, 100*f.Slope*(xs[n-1]-xs[i])/level < pct
}

// onset is where a leak began after the heap had held a level: a
// config reload, a traffic change, a feature switched on half-way. A
// rate over the whole run averages the flat stretch in and halves the
// leak's real pace.
type onset struct {
	ms      float64 // the last major GC of the level
	levelMB float64 // the level held until then
	mbPerMs float64 // the Theil–Sen slope from there on
	steps   int     // major GCs after it
}

// leakOnset finds the longest start of the series that stayed within pct
// percent of its median, over at least a quarter of the run and three
// major GCs, followed by at least two more. It counts as an onset only
// when what follows rises at least twice the whole run's slope and four
// times the level's own: a steady leak with noise has about one slope
// throughout, so it has no onset.
func leakOnset(xs, ys []float64, pct float64) (onset, bool) {
	n := len(ys)
	if n < 5 {
		return onset{}, false
	}
	k := -1
	for j := 2; j <= n-3; j++ {
		m := median(slices.Clone(ys[:j+1]))
		if m <= 0 || 100*(slices.Max(ys[:j+1])-slices.Min(ys[:j+1])) > pct*m {
			break
		}
		k = j
	}
	span := xs[n-1] - xs[0]
	if k < 0 || span <= 0 || xs[k]-xs[0] < span/4 {
		return onset{}, false
	}
	after := theilSen(xs[k:], ys[k:]).Slope
	whole := theilSen(xs, ys).Slope
	before := theilSen(xs[:k+1], ys[:k+1]).Slope
	level := median(slices.Clone(ys[:k+1]))
	if after <= 0 || after < 2*whole || before > after/4 || 100*(ys[n-1]-level) < 2*pct*level {
		return onset{}, false
	}
	return onset{ms: xs[k], levelMB: level, mbPerMs: after, steps: n - 1 - k}, true
}

// pressureKind says where GC pressure's time goes, since the two kinds
// have different causes: young-generation collections dominate when
// short-lived objects survive into scavenges (allocation churn, a small
// semi-space); full collections dominate when the live data fills most
// of the old generation's limit, so V8 collects it again and again.
func pressureKind(iso *isolate, tr Trend, freed *Freed) string {
	var minor, major, reduce float64
	for _, t := range iso.types {
		if t.forced {
			continue
		}
		if t.major {
			major += t.sk.total
		} else {
			minor += t.sk.total
		}
		if strings.Contains(t.name, "(reduce)") {
			reduce += t.sk.total
		}
	}
	major += iso.incMs
	all := minor + major
	if all <= 0 {
		return ""
	}
	// Full GCs that free next to nothing from a heap far from full, with
	// GCs that name external memory: what drives them is outside the
	// JavaScript heap (Buffers, ArrayBuffers), not its live data.
	external := iso.external >= 10 && (10*iso.external >= iso.n || major >= 0.6*all && freed != nil && freed.MedianPct < 5)
	switch {
	case external:
		return fmt.Sprintf("; %d of its %d GCs name external memory pressure, and its full GCs free a median %.0f%% of the heap: Buffers and ArrayBuffers (memory outside the JavaScript heap) allocated and dropped fast drive them (Buffer.concat growing a buffer piece by piece, a new Buffer per small chunk, typed arrays per request); allocate them less often (gather the chunks and concat once, reuse a buffer); a larger --max-old-space-size would not help",
			iso.external, iso.n, freedPct(freed))
	case reduce >= 0.3*all && tr.MedianMB > 0:
		// V8 collects in its memory-reducing mode when the heap nears
		// its limit: scavenges and full GCs alike carry "(reduce)". The
		// time then says where the limit is, not how much is allocated.
		return fmt.Sprintf("; %.0f%% of it in GCs V8 marks \"(reduce)\", which it runs when the heap nears its limit: the live data (a median %.1f MiB after full GCs) fills most of the old generation, so V8 collects over and over; a larger --max-old-space-size, or less live data, would help (a larger semi-space would not)", 100*reduce/all, tr.MedianMB)
	case minor >= 0.6*all:
		return fmt.Sprintf("; %.0f%% of it in young-generation GCs (scavenges): short-lived objects that survive a scavenge, allocation churn; a larger --max-semi-space-size, or allocating less per operation, would help", 100*minor/all)
	case major >= 0.6*all && tr.LeakTest == "" && !tr.Growing && tr.MedianMB > 0:
		return fmt.Sprintf("; %.0f%% of it in full GCs while the post-GC heap held a median %.1f MiB: the live data fills much of the old generation's limit, so V8 collects it over and over; a larger --max-old-space-size, or less live data, would help", 100*major/all, tr.MedianMB)
	case major >= 0.6*all:
		return fmt.Sprintf("; %.0f%% of it in full GCs", 100*major/all)
	}
	return fmt.Sprintf("; %.0f%% of it in scavenges, %.0f%% in full GCs", 100*minor/all, 100*major/all)
}

// freedPct is the median share of the heap a major GC freed, 0 without
// major GCs.
func freedPct(f *Freed) float64 {
	if f == nil {
		return 0
	}
	return f.MedianPct
}

// levelSince is when the heap reached the level it held at the end: the
// earliest major GC within pct percent of it from which no more than one
// in four (or a single one) stayed outside. "For the last third" undersells a level held
// for most of the run; "since 31 s" says when the warm-up ended.
func levelSince(xs, ys []float64, level, pct float64) float64 {
	n := len(ys)
	since, out := n-1, 0
	for j := n - 1; j >= 0; j-- {
		if math.Abs(ys[j]-level) > pct/100*level {
			if out++; out > 1 && 4*out > n-j {
				break
			}
			continue
		}
		since = j
	}
	return xs[since]
}

// midRunStep: the level the heap held at the end (from since on) is at
// least half again what it held (within 10%) in the second quarter of the run, well
// after any warm-up: memory taken mid-run. early is that quarter's median
// and until the last major GC at about that level before since.
func midRunStep(xs, ys []float64, level, since float64) (early, until float64, ok bool) {
	n := len(xs)
	if n < 5 {
		return 0, 0, false
	}
	x0, span := xs[0], xs[n-1]-xs[0]
	var q []float64
	for k, x := range xs {
		if x >= x0+span/4 && x <= x0+span/2 && x < since {
			q = append(q, ys[k])
		}
	}
	if len(q) < 2 {
		return 0, 0, false
	}
	early = median(q)
	if early <= 0 || level < 1.5*early {
		return 0, 0, false
	}
	for _, v := range q {
		if math.Abs(v-early) > 0.1*early {
			// Still rising through that quarter (a slow fill): no
			// level held there, so no window to point at.
			return 0, 0, false
		}
	}
	for k := n - 1; k >= 0; k-- {
		if xs[k] < since && ys[k] <= 1.25*early {
			return early, xs[k], true
		}
	}
	return 0, 0, false
}

// recentRate is the Theil–Sen rate (MB/h) of the major GCs in the last
// half of the run, and when that half began; ok with at least three GCs
// there, spread over a third of the run.
func recentRate(xs, ys []float64) (from, mbPerHour float64, ok bool) {
	n := len(xs)
	mid := xs[0] + (xs[n-1]-xs[0])/2
	k := n - 1
	for k > 0 && xs[k-1] >= mid {
		k--
	}
	// Three points or more, over a third of the run or more: a few major
	// GCs bunched at the end (V8's memory-reducing ones) say nothing of
	// the pace over the last half.
	if n-k < 3 || 3*(xs[n-1]-xs[k]) < xs[n-1]-xs[0] {
		return 0, 0, false
	}
	return xs[k], theilSen(xs[k:], ys[k:]).Slope * 3.6e6, true
}

// fellBack is the first major GC that left the heap at or below its first
// level (within 10 %) after one that left at least twice that, when no
// later one passed that peak: the index, or -1.
func fellBack(ys []float64) int {
	if len(ys) < 4 || ys[0] <= 0 {
		return -1
	}
	peak := ys[0]
	for j := 1; j < len(ys); j++ {
		if ys[j] <= 1.1*ys[0] && peak >= 2*ys[0] {
			for _, y := range ys[j+1:] {
				if y > peak {
					return -1
				}
			}
			return j
		}
		peak = max(peak, ys[j])
	}
	return -1
}

// fill is where a fast rise at the start of the run (start-up, a cache
// filling to its size) gave way to the slower growth of a leak.
type fill struct {
	endMs, levelMB float64 // the last major GC of the rise, and what it left
	mbPerMs        float64 // the Theil–Sen slope from there on
	steps          int     // major GCs after it
}

// minFillTailMs: the least time after a fill for its leak's own pace.
const minFillTailMs = 20_000

// fillEnd splits the series in two straight lines meeting at one major GC
// (the split with the least squared error), and calls the first part a
// fill when the split fits at least twice as well as one line, the first
// line rises at least three times as fast as the second, which still
// rises, and the fill ends in the first half of the run with at least
// four major GCs and 20 s after it. A steady leak has one slope; a leak that
// speeds up is not a fill.
func fillEnd(xs, ys []float64) (fill, bool) {
	n := len(xs)
	if n < 8 {
		return fill{}, false
	}
	one := sse(xs, ys)
	best, bestK := math.Inf(1), -1
	for k := 2; k <= n-5; k++ {
		if e := sse(xs[:k+1], ys[:k+1]) + sse(xs[k:], ys[k:]); e < best {
			best, bestK = e, k
		}
	}
	k := bestK
	// Over seconds: a cache warms for tens of them; a run of a few
	// seconds has only start-up before its leak, no fill to name.
	if k < 0 || best > one/2 || xs[k] > xs[0]+(xs[n-1]-xs[0])/2 || xs[n-1]-xs[k] < minFillTailMs {
		return fill{}, false
	}
	rise, after := lsSlope(xs[:k+1], ys[:k+1]), theilSen(xs[k:], ys[k:]).Slope
	if after <= 0 || rise < 3*after {
		return fill{}, false
	}
	return fill{endMs: xs[k], levelMB: ys[k], mbPerMs: after, steps: n - 1 - k}, true
}

// noiseAfterWarmup finds a heap that rose at the start (its first post-GC
// heap at most 60 % of the level it came to, the median of the last half)
// and, from the major GC after the last of the first half below 80 % of
// that level, showed no
// upward trend (Mann–Kendall p above maxP, and a Theil–Sen line that
// climbs by less than a quarter of the level) over eight or more major GCs
// and half the run: a warm-up, then noise around a level, which the whole
// run's trend tests read as growth. from is where that tail begins.
func noiseAfterWarmup(xs, ys []float64, maxP float64) (from int, ok bool) {
	n := len(ys)
	if n < 10 {
		return 0, false
	}
	level := median(slices.Clone(ys[n/2:]))
	if ys[0] > 0.6*level {
		return 0, false
	}
	// After the last major GC of the first half below 80 % of the level
	// (one early GC may leave a transient high).
	k := 0
	for i := 0; i < n/2; i++ {
		if ys[i] < 0.8*level {
			k = i + 1
		}
	}
	if k < 1 || n-k < 8 || 2*(xs[n-1]-xs[k]) < xs[n-1]-xs[0] {
		return 0, false
	}
	if mannKendall(ys[k:]).P <= maxP {
		return 0, false
	}
	// Noise around a level does not climb by a quarter of it across the
	// tail: a leak under a tall sawtooth (blind GC set 10, g08) does,
	// while the tail's points swing too widely for the test to say so.
	if rise := theilSen(xs[k:], ys[k:]).Slope * (xs[n-1] - xs[k]); rise > 0.25*level {
		return 0, false
	}
	return k, true
}

// lsFit is the least-squares line through the points: its slope, and the
// means it passes through.
func lsFit(xs, ys []float64) (slope, mx, my float64) {
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(xs))
	var sxy, sxx float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
	}
	if sxx == 0 {
		return 0, mx, my
	}
	return sxy / sxx, mx, my
}

// lsSlope is the least-squares slope of ys over xs.
func lsSlope(xs, ys []float64) float64 {
	s, _, _ := lsFit(xs, ys)
	return s
}

// sse is the squared error of the least-squares line through the points.
func sse(xs, ys []float64) float64 {
	s, mx, my := lsFit(xs, ys)
	var e float64
	for i := range xs {
		d := ys[i] - (my + s*(xs[i]-mx))
		e += d * d
	}
	return e
}

// keptShare is the least share of its gain that each of the last two major
// GCs kept: what the scavenges since the major GC before it had left above
// that one's level, and what it left itself. A major GC frees garbage the
// scavenges promoted; one that frees next to nothing of a rise of at least
// pct percent shows the rise is live. ok needs at least three scavenges in
// each interval, so the rise is seen rather than inferred, and 10 s over
// the two.
func keptShare(pts []point, pct float64) (shares []float64, ok bool) {
	n := len(pts)
	// Over seconds, not a burst: a log of a second or two has too little
	// time in it to call anything kept.
	if n < 3 || pts[n-1].T-pts[n-3].T < 10_000 {
		return nil, false
	}
	for i := n - 2; i < n; i++ {
		prev, p := pts[i-1].After, pts[i]
		gain := max(p.Top, p.After) - prev
		if p.Scavs < 3 || prev <= 0 || p.After < prev*(1+pct/100) || gain <= 0 {
			return nil, false
		}
		share := (p.After - prev) / gain
		if share < 0.8 {
			return nil, false
		}
		shares = append(shares, round(100*min(share, 1), 0))
	}
	return shares, true
}

// floorRise is the lowest post-GC heap of each block of k major GCs in a
// row (k about a seventh of them, at least 3), when those floors, from the
// second block on (the first holds start-up), rise more steadily than
// chance (Mann–Kendall p ≤ maxP), by the leak share in all and still by
// half of it over their last half: a leak under a tall sawtooth whose
// major GCs mostly run while a batch is held (blind GC set 5, g09), where
// the trend tests see the batches. Blocks of GCs, not of time, so that
// each floor has as many chances to reach the bottom.
func floorRise(ys []float64, pct, maxP float64) ([]float64, bool) {
	n := len(ys)
	k := max(3, n/7)
	m := n / k // the last partial block joins the one before
	if m < 6 {
		return nil, false
	}
	floors := make([]float64, m)
	for b := range m {
		end := (b + 1) * k
		if b == m-1 {
			end = n
		}
		floors[b] = slices.Min(ys[b*k : end])
	}
	f := floors[1:]
	if f[0] <= 0 || mannKendall(f).P > maxP {
		return nil, false
	}
	last, mid := f[len(f)-1], f[len(f)/2]
	if last < f[0]*(1+pct/100) || last < mid*(1+pct/200) {
		return nil, false
	}
	return floors, true
}

// levelOf: top is at most 5 % and 1 MiB above first: the same level.
func levelOf(first, top float64) bool { return top-first <= 0.05*first+1 }

// stretchesHeld sums the time of the stretches between major GCs (and the
// one after the last) whose scavenges left a level heap: what the last of
// them left at most 5 % and 1 MiB above what the first left. ok when no
// stretch of five scavenges or more rose, and the last one has ten or more
// and held. Stretches with fewer scavenges say nothing either way.
func stretchesHeld(pts []point, n int64, firstMB, maxMB, lastT float64) (held float64, ok bool) {
	level := levelOf
	for i := 1; i < len(pts); i++ {
		p := pts[i]
		if p.Scavs < 5 {
			continue
		}
		if !level(p.First, p.Top) {
			return 0, false
		}
		held += p.T - pts[i-1].T
	}
	if n < 10 || len(pts) == 0 || !level(firstMB, maxMB) {
		return 0, false
	}
	return held + lastT - pts[len(pts)-1].T, true
}

// slowOnLevel: from since (where the heap reached level), 8 major GCs or
// more rose steadily (Mann–Kendall p ≤ 0.01, τ ≥ 0.4, the last half of
// them still rising) at a Theil–Sen rate of at least minMBPerHour and a
// tenth of the level an hour: a leak small against a big live heap, which
// a level's tolerance (a share of the heap) hides.
func slowOnLevel(xs, ys []float64, since, level, minMBPerHour float64) (*Slow, bool) {
	i, _ := slices.BinarySearch(xs, since)
	tx, ty := xs[i:], ys[i:]
	if len(ty) < 8 || level <= 0 {
		return nil, false
	}
	mk := mannKendall(ty)
	rate := theilSen(tx, ty).Slope * 3.6e6
	if mk.P > 0.01 || mk.Tau < 0.4 || rate < minMBPerHour || rate < 0.1*level || indexSlope(ty[len(ty)/2:]) <= 0 {
		return nil, false
	}
	return &Slow{FromMs: round(tx[0], 1), MajorGCs: len(ty), MBPerHour: round(rate, 3), Tau: round(mk.Tau, 4), P: round(mk.P, 4),
		LevelPctPerHour: round(100*rate/level, 1)}, true
}

// heldAfterPair: the last two major GCs left about the same heap (within
// 1 % and 1 MiB), and the scavenges after the last one kept the heap under
// 5 % and 1 MiB above it for 20 s or more and a third of the run (from
// the first major GC), with no drift in what they left: the level, from
// the first of the two. ok is false otherwise.
func heldAfterPair(iso *isolate, xs, ys []float64) (level, since float64, ok bool) {
	n := len(ys)
	sm := iso.sinceMajor
	if n < 2 || sm.n < 10 {
		return 0, 0, false
	}
	a, b := ys[n-2], ys[n-1]
	if math.Abs(b-a) > 0.01*a+1 {
		return 0, 0, false
	}
	held := sm.lastT - xs[n-1]
	if held < 20_000 || 3*(sm.lastT-xs[n-2]) < sm.lastT-xs[0] || sm.maxMB > 1.05*b+1 || driftsUp(iso.chart.points(), xs[n-1]) {
		return 0, 0, false
	}
	return (a + b) / 2, xs[n-2], true
}

// driftsUp: from ms on, the lowest heaps the scavenges left (the
// chart's points keep the lowest of those merged) rose from the first
// half to the second by more than a quarter MiB and 1 %: a slow rise
// inside the level's tolerance.
func driftsUp(pts []point, from float64) bool {
	var after []float64
	for _, p := range pts {
		if p.T >= from && !p.Major {
			after = append(after, p.After)
		}
	}
	if len(after) < 8 {
		return true // too few to tell
	}
	h := len(after) / 2
	first, last := median(slices.Clone(after[:h])), median(slices.Clone(after[h:]))
	return last > first+max(0.25, 0.01*first)
}

// step is oneStep's reading: the scavenges' level before the jump (low,
// until its last point) and after it (high, from since, held for highFor).
type step struct {
	low, until, high, since, highFor float64
}

// oneStep: the scavenges between the major GCs at from and to (ms) left
// the heap at two levels, each of five scavenges or more over 10 s or
// more, each within 5 % and 1 MiB (levelOf) with no drift (driftsUp), and
// one jump between them of a tenth of the lower or more: a step, which
// the two major GCs around it read as growth.
func oneStep(pts []point, from, to float64) (step, bool) {
	var ts, ys []float64
	for _, p := range pts {
		if !p.Major && p.T > from && p.T < to {
			ts, ys = append(ts, p.T), append(ys, p.After)
		}
	}
	if len(ys) < 10 {
		return step{}, false
	}
	j := 1
	for i := 2; i < len(ys); i++ {
		if ys[i]-ys[i-1] > ys[j]-ys[j-1] {
			j = i
		}
	}
	// The jump may take a few scavenges (the new table built over
	// several): up to three points on either side of it are the climb.
	a, b := j, j
	for k := 0; k < 3 && a > 1 && !levelOf(slices.Min(ys[:a]), slices.Max(ys[:a])); k++ {
		a--
	}
	for k := 0; k < 3 && b < len(ys)-1 && !levelOf(slices.Min(ys[b:]), slices.Max(ys[b:])); k++ {
		b++
	}
	lo, hi := ys[:a], ys[b:]
	if len(lo) < 5 || len(hi) < 5 || ts[a-1]-ts[0] < 10_000 || ts[len(ts)-1]-ts[b] < 10_000 || ts[b]-ts[a-1] > 10_000 {
		return step{}, false
	}
	loMin, loMax := slices.Min(lo), slices.Max(lo)
	hiMin, hiMax := slices.Min(hi), slices.Max(hi)
	if !levelOf(loMin, loMax) || !levelOf(hiMin, hiMax) || hiMin-loMax < max(1, 0.1*loMax) {
		return step{}, false
	}
	for _, seg := range [][2]int{{0, a}, {b, len(ys)}} {
		var sp []point
		for k := seg[0]; k < seg[1]; k++ {
			sp = append(sp, point{T: ts[k], After: ys[k]})
		}
		if driftsUp(sp, ts[seg[0]]) {
			return step{}, false
		}
	}
	return step{low: median(slices.Clone(lo)), until: ts[a-1], high: median(slices.Clone(hi)), since: ts[b], highFor: ts[len(ts)-1] - ts[b]}, true
}
