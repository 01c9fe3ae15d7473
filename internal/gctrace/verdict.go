package gctrace

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

// One isolate's verdict, drawn from its GCs against the thresholds, in
// words a reader can check against the numbers beside them.

// wall returns the span the isolate's GCs cover, in ms: from the start of
// the first GC to the end of the last. With a single GC it is the time
// since the isolate started.
func (iso *isolate) wall() float64 {
	if iso.n < 2 {
		return iso.lastT
	}
	return max(iso.lastT-(iso.firstT-iso.firstP), 0)
}

// evidence is what isolateSummary measured of one isolate, which its
// verdict's words draw on.
type evidence struct {
	wall, share float64 // the span of the GCs (ms), and GC's share of it
	majors      pauseSketch
	majorP95    float64
	// burst: the long major pauses all fall within a tenth of the run.
	burst bool
	// The heap after each major GC, and its trend.
	pts    []point
	xs, ys []float64
	tr     Trend
	obs    trendObs
	on     onset
	fill   fill
	// enough major GCs to judge; levelled off at level (flat) since ms.
	enough, flat, levelled bool
	level, since           float64
	fellAt                 int // where a sawtooth fell back, or -1
	// heldFrom: when that ceiling began, when it was not right after the
	// last major GC (the heap rose after it, then held).
	heldFrom float64
	// heldMB: the ceiling the scavenges kept under for heldFor ms after
	// the last major GC, when too few major GCs say it.
	heldMB, heldFor float64
	stretches       bool // held within each stretch between major GCs
	// step: between the last two major GCs the scavenges held two levels
	// with one jump between them (oneStep); stepLow until stepUntil,
	// heldMB from heldFrom.
	step               bool
	stepLow, stepUntil float64
	// few: held with one major GC or none, from heldFrom (driftsUp).
	few bool
	// noisyFrom: the major GC after a warm-up from which the heap showed
	// no trend around a wide level (noiseAfterWarmup); 0 when not.
	noisyFrom int
	// growth: what a growing heap did, said next to any verdict; grew:
	// its first clause.
	growth, grew string
}

// isolateSummary judges one isolate: time in GC, the trend of the heap
// after major GCs, the verdict with its words, and the series for charts.
func (a *Analyzer) isolateSummary(iso *isolate) IsolateSummary {
	is := IsolateSummary{PID: iso.key.pid, Isolate: "0x" + strconv.FormatUint(iso.key.addr, 16),
		Restart: iso.restart, GCs: iso.n, ByType: []TypeSummary{}, Chart: []ChartPoint{},
		PeakCommittedMB: round(iso.peakCommittedMB, 1)}
	var e evidence
	a.timeInGC(iso, &is, &e)
	a.heapTrend(iso, &is, &e)
	a.growthWords(iso, &e)
	a.verdict(iso, &is, &e)
	a.pauseNote(iso, &is, &e)
	forcedPressure := a.forcedPressure(&is)
	// Say what the time in GC leaves out, so a reader who counts the
	// lines is not surprised.
	if is.Forced != nil && !forcedPressure {
		is.VerdictText += "; " + is.Forced.String() + " left out of time in GC"
	}
	if is.PauseUnknown > 0 {
		is.VerdictText += fmt.Sprintf("; %d GC%s without pause figures (cut-off lines) not in time in GC", is.PauseUnknown, plural(int(is.PauseUnknown)))
	}

	iso.series(&is)
	return is
}

// timeInGC measures the share of wall time in GC and the major pauses.
func (a *Analyzer) timeInGC(iso *isolate, is *IsolateSummary, e *evidence) {
	e.wall = iso.wall()
	gcMs := iso.pauseMs + iso.incMs
	is.WallMs, is.GCMs = round(e.wall, 1), round(gcMs, 2)
	is.PauseMs, is.IncrementalMs = round(iso.pauseMs, 2), round(iso.incMs, 2)
	is.PauseUnknown = iso.unknownPause
	is.Forced = iso.forced.summary(e.wall)
	// Time in GC is the program's own GCs' share of the wall time; forced
	// GCs' time is not in it. (Not of the wall time less theirs: when a
	// script forces GCs most of the time, what is left is too short to
	// judge by.)
	if e.wall > 0 {
		e.share = min(1, gcMs/e.wall)
	}
	is.GCShare, is.MutatorUtilization = round(e.share, 4), round(1-e.share, 4)
	if iso.muAvg >= 0 {
		v := iso.muAvg
		is.V8AverageMu = &v
	}
	// The p95 of all the program's major pauses together: a type with
	// two GCs (Mark-Compact (reduce)) has its own p95 at its maximum.
	for _, t := range iso.types {
		ts := typeSummary(t, e.wall)
		is.ByType = append(is.ByType, ts)
		if t.major && !t.forced {
			e.majors.merge(&t.sk)
		}
	}
	e.majorP95 = e.majors.quantile(0.95)
	// Long major pauses all within a tenth of the run (a data reload, a
	// cache rebuilt once): a burst, not the sustained pressure that
	// pauses alone may stand for.
	e.burst = iso.long > 0 && iso.longLast-iso.longFirst < e.wall/10
	sortTypes(is.ByType)

}

// heapTrend fits the heap after major GCs and runs the leak tests on it.
func (a *Analyzer) heapTrend(iso *isolate, is *IsolateSummary, e *evidence) {
	th := a.opt.Thresholds
	// Trend of the heap after major GCs.
	e.pts = iso.fit.pts
	e.xs = make([]float64, len(e.pts))
	e.ys = make([]float64, len(e.pts))
	freed := make([]float64, len(e.pts))
	freedPct := make([]float64, len(e.pts))
	for i, p := range e.pts {
		e.xs[i], e.ys[i] = p.T, p.After
		freed[i] = p.Before - p.After
		if p.Before > 0 {
			freedPct[i] = 100 * freed[i] / p.Before
		}
	}
	f := theilSen(e.xs, e.ys)
	e.tr = Trend{MajorGCs: iso.majors, Fitted: len(e.pts), Method: "theil-sen", R2: round(f.R2, 4), WarmupMs: a.opt.WarmupMs,
		MBPerHour: round(f.Slope*3.6e6, 3)}
	if len(e.pts) > 0 {
		x0, x1 := e.xs[0], e.xs[len(e.xs)-1]
		e.tr.StartMB = round(f.Intercept+f.Slope*x0, 2)
		e.tr.EndMB = round(f.Intercept+f.Slope*x1, 2)
		e.tr.GrowthMB = round(f.Slope*(x1-x0), 2)
		e.tr.SpanMs = round(x1-x0, 1)
		if start := f.Intercept + f.Slope*x0; start > 0 {
			e.tr.GrowthPct = round(100*f.Slope*(x1-x0)/start, 2)
		}
		lo, hi := freed[0], freed[0]
		for _, v := range freed {
			lo, hi = min(lo, v), max(hi, v)
		}
		is.Freed = &Freed{MedianMB: round(median(freed), 2), MedianPct: round(median(freedPct), 1),
			MinMB: round(lo, 2), MaxMB: round(hi, 2)}
		h := len(e.pts) / 2
		if h > 0 {
			is.Freed.FirstHalfMedianPct = round(median(slices.Clone(freedPct[:h])), 1)
			is.Freed.LastHalfMedianPct = round(median(slices.Clone(freedPct[h:])), 1)
		}
	}
	e.obs = observeTrend(&e.tr, e.xs, e.ys)
	obs := e.obs
	limit := a.opt.HeapLimitMB
	if limit > 0 && len(e.ys) > 0 {
		e.tr.HeapLimitMB = limit
		e.tr.LimitPct = round(100*e.ys[len(e.ys)-1]/limit, 1)
	}

	// Three leak tests; any one is enough.
	e.enough = iso.majors >= int64(th.MinMajorGCs)
	// Linear: a steady straight-line rise (the original test).
	// (Not when its last half fell: a fill that ended, seen by a line.)
	linear := e.enough && f.R2 >= th.MinR2 && f.Slope*3.6e6 >= th.LeakMBPerHour && e.tr.GrowthPct >= th.LeakGrowthPct && obs.lastHalfPct >= 0
	// Monotonic: rising more consistently than chance, by a material amount,
	// and still rising in the last half, so a curve that slows down (a heap
	// nearing its limit) counts while a warm-up that levelled off does not.
	rising := obs.growthPct >= th.LeakGrowthPct && obs.mbPerHour >= th.LeakMBPerHour
	monotonic := e.enough && rising && obs.mk.P <= th.MaxTrendP && obs.lastHalfPct >= th.LeakGrowthPct/2
	// Near the limit: growth there is slow and ragged because every GC
	// frees little, so a positive trend and a material rise are enough once
	// the heap is most of the way to the limit, or V8 already ran out.
	nearLimit := len(e.ys) >= 3 && rising && obs.mk.Tau > 0 &&
		(a.oom || limit > 0 && e.tr.LimitPct >= th.NearLimitPct)
	// A heap that rose at every major GC until V8 ran out: two of them
	// are enough (a fast leak under a small --max-old-space-size).
	if a.oom && len(e.ys) >= 2 && rising && e.tr.RisingSteps == e.tr.Steps {
		nearLimit = true
	}
	// A heap that grew, then levelled off for the last third of the run
	// (an index built at startup, a cache that filled): not a leak, unless
	// it may be nearing its limit, where growth is slow and ragged: V8 ran
	// out, the heap is half its known limit or more, or GC already takes
	// twice the pressure share (collecting all the time).
	toward := a.oom || limit > 0 && e.tr.LimitPct >= 50 || e.share >= 2*th.PressureGCShare
	e.level, e.flat = levelledOff(e.xs, e.ys, th.LeakGrowthPct/2)
	if e.flat {
		e.tr.LevelMB = round(e.level, 2)
		e.since = levelSince(e.xs, e.ys, e.level, th.LeakGrowthPct/2)
		e.tr.LevelSinceMs = round(e.since, 1)
	}
	if !e.flat && (linear || monotonic) && !nearLimit && !toward {
		// Too few major GCs at the end for a level of their own, but the
		// last two left the same heap and the scavenges since kept under
		// it for long, with no drift (a preload, then served from).
		if lv, since, ok := heldAfterPair(iso, e.xs, e.ys); ok {
			e.level, e.flat, e.since = lv, true, since
			e.tr.LevelMB, e.tr.LevelSinceMs = round(lv, 2), round(since, 1)
		}
	}
	e.levelled = !nearLimit && !toward && e.flat
	if e.levelled {
		linear, monotonic = false, false
	}
	if (linear || monotonic) && !nearLimit && !a.oom {
		// A warm-up, then no trend around a level that swings too
		// widely to count as flat: the trend tests saw the warm-up.
		if k, ok := noiseAfterWarmup(e.xs, e.ys, th.MaxTrendP); ok {
			linear, monotonic = false, false
			e.noisyFrom = k
			mk := mannKendall(e.ys[k:])
			e.tr.SettledFromMs, e.tr.SettledTau, e.tr.SettledP = round(e.xs[k], 1), round(mk.Tau, 4), round(mk.P, 4)
		}
	}
	switch {
	case linear:
		e.tr.LeakTest = "linear"
	case monotonic:
		e.tr.LeakTest = "monotonic"
	case nearLimit:
		e.tr.LeakTest = "near-limit"
	}
	if e.levelled && e.tr.LeakTest == "" {
		// A level by the thresholds' share, which a big heap hides a
		// small leak in: rising steadily through it, by a tenth of it an
		// hour or more, is one.
		if sl, ok := slowOnLevel(e.xs, e.ys, e.since, e.level, th.LeakMBPerHour); ok {
			e.levelled, e.tr.LeakTest, e.tr.Slow = false, "slow", sl
		}
	}
	// Not growth, though it rose at half its steps: a swing between two
	// levels (a batch's heap, then the idle one) with no trend at all, or
	// a sawtooth that fell back below where it started after at least
	// doubling and has not passed that peak since (a cache flushed, a
	// batch done): it gave back all it took, which a leak does not.
	e.fellAt = fellBack(e.ys)
	if e.fellAt >= 0 {
		e.tr.FellAtMs, e.tr.FellToMB = round(e.xs[e.fellAt], 1), round(e.ys[e.fellAt], 2)
	}
	if e.tr.LeakTest == "" && e.enough && !e.levelled && e.fellAt < 0 && e.noisyFrom == 0 {
		// Under a tall sawtooth the trend tests see the batches; the
		// floors under them carry what stays.
		if fl, ok := floorRise(e.ys, th.LeakGrowthPct, th.MaxTrendP); ok && obs.mbPerHour >= th.LeakMBPerHour {
			e.tr.LeakTest, e.tr.FloorMB = "floor", fl
		}
	}
	trendless := len(e.ys) >= 6 && obs.mk.Tau < 0.1 || e.fellAt >= 0
	if e.tr.LeakTest == "" && len(e.ys) >= 2 && rising && 2*e.tr.RisingSteps > e.tr.Steps && !trendless && e.noisyFrom == 0 {
		e.tr.Growing = true
		// (Doubling or tripling within seconds is a young process's
		// warm-up: loading, caches filling.)
		e.tr.StrongGrowth = !e.enough && len(e.ys) >= 3 && e.tr.RisingSteps == e.tr.Steps && e.ys[len(e.ys)-1] >= 2*e.ys[0] &&
			(e.xs[len(e.xs)-1]-e.xs[0] >= minStrongSpanMs || e.ys[len(e.ys)-1] >= 4*e.ys[0])
	}
	// Too few major GCs, but the scavenges since the last one kept the
	// heap under a ceiling near what it left, for long: the live heap has
	// not grown since (a load at startup), whatever the few points say.
	if sm := iso.sinceMajor; !e.enough && e.tr.Growing && e.tr.LeakTest == "" && len(e.xs) >= 2 && sm.n >= 10 {
		last := e.ys[len(e.ys)-1]
		e.heldFor = sm.lastT - e.xs[len(e.xs)-1]
		if e.heldFor >= 20_000 && e.heldFor >= (e.xs[len(e.xs)-1]-e.xs[0])/2 && sm.maxMB <= 1.05*last+1 {
			e.heldMB = sm.maxMB
			e.tr.StrongGrowth = false
			e.tr.HeldForMs, e.tr.HeldMaxMB = round(e.heldFor, 1), round(e.heldMB, 2)
		}
		if e.heldMB == 0 && sm.levelN >= 10 {
			// Or they rose after it and then held a level (an index
			// built, then served from) for long: from then on the live
			// heap has not grown.
			if held := sm.lastT - sm.levelT; held >= 20_000 && 3*held >= sm.lastT-e.xs[0] {
				e.heldMB, e.heldFor, e.heldFrom = sm.levelMax, held, sm.levelT
				e.tr.StrongGrowth = false
				e.tr.HeldForMs, e.tr.HeldMaxMB = round(held, 1), round(e.heldMB, 2)
			}
		}
		if e.heldMB == 0 {
			// Or the scavenges held level within each stretch between
			// major GCs, for most of the run (a huge young generation:
			// few major GCs, the second leaving a little more than the
			// first, its survivors): no trend in what stays.
			if held, ok := stretchesHeld(e.pts, sm.n, sm.firstMB, sm.maxMB, sm.lastT); ok && held >= 20_000 && held >= (sm.lastT-e.xs[0])/2 {
				e.heldMB, e.heldFor, e.stretches = sm.maxMB, held, true
				e.tr.StrongGrowth = false
				e.tr.HeldForMs, e.tr.HeldMaxMB = round(held, 1), round(sm.maxMB, 2)
			}
		}
		if n := len(e.xs); e.heldMB == 0 {
			// Or, between the last two major GCs, the scavenges held
			// one level, jumped once, and held another for long (a
			// table rebuilt on a config reload): one step.
			if st, ok := oneStep(iso.chart.points(), e.xs[n-2], e.xs[n-1]); ok && st.highFor >= 20_000 && 3*st.highFor >= e.xs[n-1]-e.xs[0] {
				e.heldMB, e.heldFor, e.heldFrom, e.step = st.high, st.highFor, st.since, true
				e.stepLow, e.stepUntil = st.low, st.until
				e.tr.StrongGrowth = false
			}
		}
	}
	// One major GC or none: no trend at all, but the scavenges have held
	// the heap at one level for most of the run, with no drift inside it
	// (what the lowest of them left, half by half): what survives them,
	// the live heap included, did not grow (a huge young generation, a
	// short run of a steady program).
	if sm := iso.sinceMajor; !e.enough && e.heldMB == 0 && len(e.xs) <= 1 && sm.levelN >= 20 {
		held, span := sm.lastT-sm.levelT, sm.lastT-iso.firstT
		if held >= 20_000 && 2*held >= span && !driftsUp(iso.chart.points(), sm.levelT) {
			e.heldMB, e.heldFor, e.heldFrom, e.few = sm.levelMax, held, sm.levelT, true
			e.tr.HeldForMs, e.tr.HeldMaxMB = round(held, 1), round(e.heldMB, 2)
		}
	}
	// Too few major GCs for a trend, but each of the last two kept most
	// of what the heap gained under scavenges since the one before: the
	// rise is live, not garbage waiting for a collection.
	if e.tr.LeakTest == "" && !e.enough && e.heldMB == 0 && !e.levelled && rising && !trendless {
		if shares, ok := keptShare(e.pts, th.LeakGrowthPct); ok {
			e.tr.LeakTest, e.tr.KeptPct = "kept", shares
			e.tr.Growing, e.tr.StrongGrowth = false, false
		}
	}
	if e.tr.LeakTest != "" && e.tr.LeakTest != "slow" {
		var ok bool
		if e.on, ok = leakOnset(e.xs, e.ys, th.LeakGrowthPct/2); ok {
			e.tr.OnsetMs, e.tr.OnsetLevelMB, e.tr.OnsetMBPerHour = round(e.on.ms, 1), round(e.on.levelMB, 2), round(e.on.mbPerMs*3.6e6, 3)
		}
	}
	if e.tr.LeakTest != "" && e.tr.LeakTest != "near-limit" && e.tr.LeakTest != "slow" && !toward && e.on.ms == 0 {
		// (Near a limit a leak slows down as each GC frees less: that
		// is no fill.)
		if fl, ok := fillEnd(e.xs, e.ys); ok {
			e.fill = fl
			e.tr.FillEndMs, e.tr.FillLevelMB, e.tr.AfterFillMBPerHour = round(fl.endMs, 1), round(fl.levelMB, 2), round(fl.mbPerMs*3.6e6, 3)
		}
	}
	if e.tr.LeakTest != "" && e.tr.LeakTest != "floor" && e.tr.LeakTest != "slow" && e.on.ms == 0 && e.fill.endMs == 0 && len(e.xs) >= 6 {
		// (Under a sawtooth a half's rate follows the batches.)
		if from, rate, ok := recentRate(e.xs, e.ys); ok && e.tr.ObservedMBPerHour > 0 &&
			(rate >= 1.5*e.tr.ObservedMBPerHour || 1.5*rate <= e.tr.ObservedMBPerHour) {
			e.tr.RecentMBPerHour, e.tr.RecentFromMs = round(rate, 3), round(from, 1)
		}
	}
	is.PostGCTrend = e.tr
}

// minStrongSpanMs: the least time the few major GCs of a heap that
// doubled, and did not quadruple, must span to call it likely a leak.
const minStrongSpanMs = 30_000

// keptAfterWork ends a step's words: from GCs alone, a load and what a
// finished job kept look the same.
const keptAfterWork = "but if the work that grew it has ended (a batch job, a burst of traffic), what it kept is a leak"

// growthWords says what a growing heap did, when no leak test could.
func (a *Analyzer) growthWords(iso *isolate, e *evidence) {
	th := a.opt.Thresholds
	if k := e.noisyFrom; k > 0 {
		tail := slices.Clone(e.ys[k:])
		lo, hi := slices.Min(tail), slices.Max(tail)
		mk := mannKendall(tail)
		e.growth = fmt.Sprintf("the post-GC heap rose %.1f → %.1f MiB by %s (a warm-up), then showed no steady trend over the %d major GCs to the end (median %.1f MiB, between %.1f and %.1f; Mann–Kendall τ %.2f, p %s): it swings around a level, not a leak",
			e.ys[0], e.ys[k], fmtDuration(e.xs[k]), len(tail), median(tail), lo, hi, mk.Tau, fmtP(mk.P))
		return
	}
	if e.few {
		e.growth = fmt.Sprintf("%d major GC%s, too few for a trend, but the scavenges held the heap under %.1f MiB from %s to the end (%s), with no drift: what survives them, the live heap included, has not grown in that time: not a leak so far",
			iso.majors, plural(int(iso.majors)), e.heldMB, fmtDuration(e.heldFrom), fmtDuration(e.heldFor))
		return
	}
	// What the heap did when no leak test could say: named next to any
	// verdict, so a growing heap is never left out of the report.
	if e.tr.Growing {
		e.grew = fmt.Sprintf("the post-GC heap grew %s over %d major GC%s in %s, rising at %d of %d steps",
			e.obs.fromTo(), iso.majors, plural(int(iso.majors)), fmtDuration(e.tr.SpanMs), e.tr.RisingSteps, e.tr.Steps)
		e.growth = e.grew
		if e.levelled {
			if early, until, ok := midRunStep(e.xs, e.ys, e.level, e.since); ok {
				// Not a warm-up: the heap had held a lower level well
				// into the run. From GCs alone a reload and a leak that
				// stopped look the same; say both.
				e.growth += fmt.Sprintf(", then held at about %.1f MiB from %s on; it had held at about %.1f MiB until %s: memory taken mid-run and not given back since, either data loaded or a cache refilled then, or a leak that stopped growing (a fault window, a burst of errors): check what the program did between %s and %s",
					e.level, fmtDuration(e.since), early, fmtDuration(until), fmtDuration(until), fmtDuration(e.since))
			} else {
				e.growth += fmt.Sprintf(", then held at about %.1f MiB from %s on: a step (data loaded, a cache filled), not a leak", e.level, fmtDuration(e.since))
			}
		} else if e.heldMB > 0 && e.step {
			e.growth += fmt.Sprintf(", but between its last two major GCs the scavenges left the heap at one level, about %.1f MiB, until %s, then at another, about %.1f MiB, from %s on, with no drift in either: one step (data reloaded, a table rebuilt, a cache filled), not steady growth; the last major GC left %.1f MiB",
				e.stepLow, fmtDuration(e.stepUntil), e.heldMB, fmtDuration(e.heldFrom), e.ys[len(e.ys)-1])
		} else if e.heldMB > 0 && e.stretches {
			e.growth += fmt.Sprintf(", but between major GCs the scavenges left a level heap (each stretch within 5%% and 1 MiB) for %s of the run, so the live heap has not grown there: not a trend (a large young generation's survivors, data loaded once)",
				fmtDuration(e.heldFor))
		} else if e.heldMB > 0 && e.heldFrom > 0 {
			e.growth += fmt.Sprintf(", then rose under scavenges after the last major GC and held from %s on: no scavenge in the %s from then to the end left more than %.1f MiB, so the live heap has not grown since: a step (data loaded, a cache filled), not a leak so far; %s",
				fmtDuration(e.heldFrom), fmtDuration(e.heldFor), e.heldMB, keptAfterWork)
		} else if e.heldMB > 0 {
			e.growth += fmt.Sprintf(", then held: no scavenge in the %s after the last major GC left more than %.1f MiB (%.1f MiB above what that GC left), so the live heap has not grown since: a step (data loaded, a cache filled), not a leak so far; %s",
				fmtDuration(e.heldFor), e.heldMB, e.heldMB-e.ys[len(e.ys)-1], keptAfterWork)
		} else if !e.enough && e.tr.StrongGrowth {
			// (What --fail-on-leak fails on, whatever the verdict.)
			e.growth += fmt.Sprintf(", doubling: likely a leak, though too few major GCs to be sure (need %d)", th.MinMajorGCs)
		} else if !e.enough {
			e.growth += fmt.Sprintf(", too few major GCs to call it a leak (need %d)", th.MinMajorGCs)
		} else {
			e.growth += ", not steadily enough to call it a leak"
		}
	}

}

// verdict picks the verdict and its words.
func (a *Analyzer) verdict(iso *isolate, is *IsolateSummary, e *evidence) {
	th := a.opt.Thresholds
	// Verdict: a leak outranks pressure because it is what makes pressure
	// worse over time.
	switch {
	case e.tr.LeakTest != "":
		is.Verdict = ProbableLeak
		if sl := e.tr.Slow; sl != nil {
			is.VerdictText = fmt.Sprintf("probable leak, slow against a big heap: the post-GC heap reached about %.1f MiB by %s and stayed near it, but rose steadily through it: %s (the Theil–Sen line through the %d major GCs since; Mann–Kendall τ %.2f, p %s), %.0f%% of that level an hour, too little to show against the heap in a short run, and it has not stopped",
				e.level, fmtDuration(sl.FromMs), rateText(sl.MBPerHour), sl.MajorGCs, sl.Tau, fmtP(sl.P), sl.LevelPctPerHour)
		} else if e.tr.OnsetMs > 0 {
			// Its pace since it began, not averaged over the level before.
			is.VerdictText = fmt.Sprintf("probable leak, from %s on: post-GC heap held at about %.1f MiB until then, and has grown by %s since: %.1f → %.1f MiB over the last %d major GC%s in %s; over the whole run (%d major GCs in %s) %s, max %.1f MiB, rising at %d of %d steps",
				fmtDuration(e.tr.OnsetMs), e.tr.OnsetLevelMB, rateText(e.tr.OnsetMBPerHour), e.tr.OnsetLevelMB, e.tr.LastMB, e.on.steps, plural(e.on.steps),
				fmtDuration(e.xs[len(e.xs)-1]-e.tr.OnsetMs), iso.majors, fmtDuration(e.tr.SpanMs), rateText(e.tr.ObservedMBPerHour), e.tr.MaxMB,
				e.tr.RisingSteps, e.tr.Steps)
		} else if e.tr.FillEndMs > 0 {
			// Its pace after the fill, not averaged with the fill.
			is.VerdictText = fmt.Sprintf("probable leak, after a fill: post-GC heap rose fast to %.1f MiB by %s (start-up, or a cache filling to its size), and has grown by %s since: %.1f → %.1f MiB over the last %d major GC%s in %s; over the whole run (%d major GCs in %s) %s, max %.1f MiB, rising at %d of %d steps",
				e.tr.FillLevelMB, fmtDuration(e.tr.FillEndMs), rateText(e.tr.AfterFillMBPerHour), e.tr.FillLevelMB, e.tr.LastMB, e.fill.steps, plural(e.fill.steps),
				fmtDuration(e.xs[len(e.xs)-1]-e.tr.FillEndMs), iso.majors, fmtDuration(e.tr.SpanMs), rateText(e.tr.ObservedMBPerHour), e.tr.MaxMB,
				e.tr.RisingSteps, e.tr.Steps)
		} else if (e.tr.LeakTest == "linear" || e.tr.LeakTest == "monotonic") && e.tr.MBPerHour > 0 {
			// The line through all of them: the first and last alone
			// swing with where each fell in the work (a warm-up
			// collection, a sawtooth's phase).
			is.VerdictText = fmt.Sprintf("probable leak: post-GC heap grows by %s over %d major GCs (the Theil–Sen line through them): observed %.1f → %.1f MiB (max %.1f) in %s, rising at %d of %d steps",
				rateText(e.tr.MBPerHour), iso.majors, e.tr.FirstMB, e.tr.LastMB, e.tr.MaxMB, fmtDuration(e.tr.SpanMs),
				e.tr.RisingSteps, e.tr.Steps)
		} else {
			is.VerdictText = fmt.Sprintf("probable leak: post-GC heap grows by %s over %d major GCs: observed %.1f → %.1f MiB (max %.1f) in %s, rising at %d of %d steps",
				rateText(e.tr.ObservedMBPerHour), iso.majors, e.tr.FirstMB, e.tr.LastMB, e.tr.MaxMB, fmtDuration(e.tr.SpanMs),
				e.tr.RisingSteps, e.tr.Steps)
		}
		if e.tr.Steps >= 2 && e.tr.Slow == nil {
			is.VerdictText += fmt.Sprintf(" (Mann–Kendall τ %.2f, p %s; linear fit r² %.2f)", e.tr.KendallTau, fmtP(e.tr.TrendP), e.tr.R2)
		}
		if fl := e.tr.FloorMB; len(fl) > 0 {
			parts := make([]string, 0, len(fl)-1)
			for _, f := range fl[1:] {
				parts = append(parts, fmt.Sprintf("%.1f", f))
			}
			is.VerdictText += fmt.Sprintf("; under the sawtooth, the lowest post-GC heap of each run of %d major GCs rose steadily from the second on (%s MiB): the batches come and go, what stays grows",
				len(e.ys)/len(fl), strings.Join(parts, " → "))
		}
		if k := e.tr.KeptPct; len(k) == 2 {
			is.VerdictText += fmt.Sprintf("; too few major GCs for a trend (need %d), but each of the last two kept most of what the heap had gained under scavenges since the one before (%.0f%%, %.0f%%): what accumulates is live, not garbage waiting for a collection",
				th.MinMajorGCs, k[0], k[1])
		}
		if e.tr.RecentMBPerHour != 0 {
			// The pace now, when the whole run's average is not it.
			why := "it sped up: the whole run's rate understates its pace now"
			if e.tr.RecentMBPerHour < e.tr.ObservedMBPerHour {
				why = "a fill at the start, or a leak that slowed, makes the whole run's rate misleading"
			}
			is.VerdictText += fmt.Sprintf("; over the last half, from %s on, it grew by %s (%s)",
				fmtDuration(e.tr.RecentFromMs), rateText(e.tr.RecentMBPerHour), why)
		}
		if e.tr.HeapLimitMB > 0 {
			is.VerdictText += fmt.Sprintf("; now at %.0f%% of the %g MiB heap limit", e.tr.LimitPct, e.tr.HeapLimitMB)
		}
		if fr := is.Freed; fr != nil {
			is.VerdictText += fmt.Sprintf("; each major GC frees a median %.0f%% of the heap", fr.MedianPct)
			if len(e.pts) >= 4 && fr.LastHalfMedianPct < fr.FirstHalfMedianPct {
				is.VerdictText += fmt.Sprintf(" (%.0f%% in the first half, %.0f%% in the last: frees are shrinking)",
					fr.FirstHalfMedianPct, fr.LastHalfMedianPct)
			}
		}
	case e.share >= th.PressureGCShare:
		is.Verdict = GCPressure
		is.VerdictText = fmt.Sprintf("GC pressure: %.1f%% of wall time is spent in GC, %s",
			100*e.share, overBy(100*e.share, 100*th.PressureGCShare, "points", "%", "--pressure-gc-pct"))
		if e.majorP95 >= th.PressureP95PauseMs && !e.burst {
			is.VerdictText += fmt.Sprintf("; major GC pauses reach %.0f ms at p95, %s",
				e.majorP95, overBy(e.majorP95, th.PressureP95PauseMs, "ms", " ms", "--pressure-pause-ms"))
		}
		if e.growth != "" {
			is.VerdictText += "; " + e.growth
		}
		is.VerdictText += pressureKind(iso, e.tr, is.Freed)
	case e.majorP95 >= th.PressureP95PauseMs && 2*e.share >= th.PressureGCShare && !e.burst:
		is.Verdict = GCPressure
		is.VerdictText = fmt.Sprintf("GC pressure: major GC pauses reach %.0f ms at p95, %s",
			e.majorP95, overBy(e.majorP95, th.PressureP95PauseMs, "ms", " ms", "--pressure-pause-ms"))
		if e.growth != "" {
			is.VerdictText += "; " + e.growth
		}
	case !e.enough && e.heldMB > 0:
		is.Verdict = Healthy
		is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; %s", 100*e.share, e.growth)
	case !e.enough:
		is.Verdict = Inconclusive
		if e.tr.StrongGrowth {
			is.VerdictText = fmt.Sprintf("inconclusive, likely a leak: %s, too few major GCs to be sure (need %d); run longer (or lower --min-major-gcs) to judge; %.1f%% of time in GC",
				e.grew, th.MinMajorGCs, 100*e.share)
		} else if e.growth != "" {
			is.VerdictText = fmt.Sprintf("inconclusive: %s; run longer to judge; %.1f%% of time in GC", e.growth, 100*e.share)
		} else {
			is.VerdictText = fmt.Sprintf("inconclusive: %d major GC%s, too few to judge a heap trend (need %d); %.1f%% of time in GC",
				iso.majors, plural(int(iso.majors)), th.MinMajorGCs, 100*e.share)
		}
	default:
		is.Verdict = Healthy
		switch {
		case e.noisyFrom > 0:
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; %s", 100*e.share, e.growth)
		case e.fellAt >= 0 && e.flat:
			// Flat by its level test only because it fell below it: the
			// fall is the news, not a level it no longer holds.
			peak := slices.Index(e.ys, slices.Max(e.ys[:e.fellAt]))
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap rose %.1f → %.1f MiB by %s, then fell back to %.1f MiB at %s, below where it started (%d major GCs): it gives back what it takes (a cache flushed, a batch done, a burst of traffic over), which a leak does not",
				100*e.share, e.ys[0], e.ys[peak], fmtDuration(e.xs[peak]), e.ys[e.fellAt], fmtDuration(e.xs[e.fellAt]), iso.majors)
		case e.growth != "" && !e.levelled:
			// Grew, and did not level off: no leak test passed, but
			// nothing says it stopped either.
			is.Verdict = Inconclusive
			nor := "nor did it level off"
			if n := len(e.ys); n >= 3 {
				// Its last three held one heap, too briefly to call a
				// level: say what they show, not that it never held.
				tail := slices.Clone(e.ys[n-3:])
				if lv := median(tail); lv > 0 && slices.Max(tail)-slices.Min(tail) <= th.LeakGrowthPct/200*lv+0.5 {
					nor = fmt.Sprintf("though its last 3 major GCs held about %.1f MiB, over %s: too short to call a level", lv, fmtDuration(e.xs[n-1]-e.xs[n-3]))
				}
			}
			is.VerdictText = fmt.Sprintf("inconclusive: %s, %s (Mann–Kendall τ %.2f, p %s): run longer, with steady load, to judge; %.1f%% of time in GC",
				e.growth, nor, e.tr.KendallTau, fmtP(e.tr.TrendP), 100*e.share)
		case e.growth != "":
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; %s (Mann–Kendall τ %.2f, p %s)",
				100*e.share, e.growth, e.tr.KendallTau, fmtP(e.tr.TrendP))
		case e.flat && e.tr.ObservedGrowthPct >= th.LeakGrowthPct:
			// A rate over a warm-up reads like a leak; the level it
			// reached is the number that matters.
			// (Up to the time it held from: with no major GC between, the
			// rise may have come late, one step, not at start-up.)
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap rose %.1f → %.1f MiB up to %s, then held at about %.1f MiB from then on%s (%d major GCs, max %.1f): a warm-up or a step (data loaded, a cache filled), not a leak",
				100*e.share, e.tr.FirstMB, e.level, fmtDuration(e.since), e.level, excursions(e.xs, e.ys, e.since, e.level, th.LeakGrowthPct/2), iso.majors, e.tr.MaxMB)
		case e.flat:
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap steady at about %.1f MiB over %d major GCs (observed %.1f → %.1f MiB, max %.1f)",
				100*e.share, e.level, iso.majors, e.tr.FirstMB, e.tr.LastMB, e.tr.MaxMB)
		case e.tr.TrendP > th.MaxTrendP || e.fellAt >= 0:
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap shows no steady trend over %d major GCs: observed %.1f → %.1f MiB (max %.1f; Mann–Kendall τ %.2f, p %s)",
				100*e.share, iso.majors, e.tr.FirstMB, e.tr.LastMB, e.tr.MaxMB, e.tr.KendallTau, fmtP(e.tr.TrendP))
			if e.fellAt >= 0 {
				is.VerdictText += fmt.Sprintf("; it fell back to %.1f MiB at %s, below where it started, and has not passed its earlier peak since: it gives back what it takes (a cache flushed, a batch done), which a leak does not",
					e.ys[e.fellAt], fmtDuration(e.xs[e.fellAt]))
			} else if len(e.ys) >= 6 && e.tr.MinMB > 0 && e.tr.MaxMB >= 3*e.tr.MinMB {
				// A swing: bursts whose memory comes back.
				is.VerdictText += fmt.Sprintf("; it swings between %.1f and %.1f MiB, back down to %.1f MiB or less %d times: bursts (a batch, a spike of traffic) whose memory is given back, which a leak does not",
					e.tr.MinMB, e.tr.MaxMB, 1.5*e.tr.MinMB, lows(e.ys, 1.5*e.tr.MinMB))
			}
		default:
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap %s over %d major GCs: %s, max %.1f MiB; Mann–Kendall τ %.2f",
				100*e.share, rateText(e.tr.ObservedMBPerHour), iso.majors, e.obs.fromTo(), e.tr.MaxMB, e.tr.KendallTau)
		}
	}

}

// forcedPressure turns a healthy or inconclusive verdict (whose words
// follow) into GC pressure when forced GCs
// (global.gc() in a loop, --expose-gc left on) alone pause the program for
// the pressure share of its time: the program's own GCs are not the cost,
// but the program pays it all the same.
func (a *Analyzer) forcedPressure(is *IsolateSummary) bool {
	// (A single forced GC in a short isolate is a call, not a loop.)
	const minForcedPressure = 5
	th := a.opt.Thresholds
	fs := is.Forced
	if fs == nil || is.Verdict != Healthy && is.Verdict != Inconclusive || fs.Share < th.PressureGCShare || fs.GCs < minForcedPressure {
		return false // (a leak, or the program's own pressure, says more)
	}
	is.Verdict = GCPressure
	is.VerdictText = fmt.Sprintf("GC pressure from forced GCs: %s take %.1f%% of wall time, %s; the program's own GCs take %.1f%%: remove what forces them (global.gc() called in a loop, a heap snapshot or the inspector's collectGarbage on a timer); %s",
		fs.String(), 100*fs.Share, overBy(100*fs.Share, 100*th.PressureGCShare, "points", "%", "--pressure-gc-pct"), 100*is.GCShare,
		strings.TrimPrefix(is.VerdictText, fmt.Sprintf("healthy: %.1f%% of time in GC; ", 100*is.GCShare)))
	return true
}

// pauseNote adds what long major pauses mean, when the verdict did not.
func (a *Analyzer) pauseNote(iso *isolate, is *IsolateSummary, e *evidence) {
	th := a.opt.Thresholds
	switch {
	case is.Verdict == ProbableLeak && e.burst:
		// (Long pauses bunched at the end are the leak nearing the
		// limit: the verdict says it.)
	case e.majorP95 >= th.PressureP95PauseMs && e.burst && iso.long == 1:
		is.VerdictText += fmt.Sprintf("; one major GC paused %.0f ms, at %s: a one-off a latency-sensitive service may feel, not sustained pressure",
			e.majors.max, fmtDuration(iso.longFirst))
	case e.majorP95 >= th.PressureP95PauseMs && e.burst:
		is.VerdictText += fmt.Sprintf("; %d major GC pauses of %g ms or more (up to %.0f ms), all within %s, at %s–%s: a burst a latency-sensitive service may feel, not sustained pressure",
			iso.long, th.PressureP95PauseMs, e.majors.max, fmtDuration(iso.longLast-iso.longFirst), fmtDuration(iso.longFirst), fmtDuration(iso.longLast))
	case is.Verdict != GCPressure && e.majorP95 >= th.PressureP95PauseMs && 2*e.share < th.PressureGCShare:
		// A few long pauses with little time in GC: latency, not pressure.
		is.VerdictText += fmt.Sprintf("; major GC pauses reach %.0f ms at p95, though GC takes only %.1f%% of the time: long pauses a latency-sensitive service may feel, not pressure", e.majorP95, 100*e.share)
	}

}

// series copies the spaces, the major GCs and the chart into the summary.
func (iso *isolate) series(is *IsolateSummary) {
	for _, s := range iso.spaces {
		var committed *float64
		if s.committed >= 0 {
			committed = &s.committed
		}
		is.Spaces = append(is.Spaces, Space{Name: s.name, UsedKB: s.used, AvailableKB: s.avail,
			CommittedKB: committed, PeakUsedKB: s.peak})
	}
	is.MajorGCs = make([]ChartPoint, 0, len(iso.fit.pts))
	for _, p := range iso.fit.pts {
		cp := ChartPoint{TMs: p.T, BeforeMB: p.Before, AfterMB: p.After, Major: true, Forced: p.Forced, GCs: 1}
		if p.OldKB >= 0 {
			v := p.OldKB
			cp.OldSpaceUsedKB = &v
		}
		is.MajorGCs = append(is.MajorGCs, cp)
	}
	for _, p := range iso.chart.points() {
		is.Chart = append(is.Chart, ChartPoint{TMs: p.T, BeforeMB: p.Before, AfterMB: p.After, Major: p.Major, Forced: p.Forced, GCs: int(p.N)})
	}
}

// trendObs is what observeTrend measured, unrounded, for the verdict.
type trendObs struct {
	mk                                MannKendall
	growthPct, mbPerHour, lastHalfPct float64
	// head, tail: the medians of the first and last k major GCs that
	// growthPct compares (k = 1 below 16 of them).
	head, tail float64
	k          int
}

// fromTo says what the growth percentage compares: the first and last
// major GCs, or the medians of the first and last k.
func (o trendObs) fromTo() string {
	if o.k <= 1 {
		return fmt.Sprintf("%.1f → %.1f MiB (%+.0f%%)", o.head, o.tail, o.growthPct)
	}
	return fmt.Sprintf("about %.1f → %.1f MiB (%+.0f%%, the medians of the first and last %d major GCs)", o.head, o.tail, o.growthPct, o.k)
}

// observeTrend fills tr's observed fields from the post-GC series (xs in
// ms, ys in MB, in time order).
func observeTrend(tr *Trend, xs, ys []float64) trendObs {
	var o trendObs
	o.mk = MannKendall{P: 1}
	n := len(ys)
	if n == 0 {
		return o
	}
	tr.FirstMB, tr.LastMB = ys[0], ys[n-1]
	tr.MedianMB = round(median(slices.Clone(ys)), 2)
	tr.MinMB, tr.MaxMB = slices.Min(ys), slices.Max(ys)
	o.mk = mannKendall(ys)
	tr.KendallTau, tr.TrendP = round(o.mk.Tau, 3), round(o.mk.P, 6)
	tr.RisingSteps, tr.Steps = risingShare(ys)
	if n < 2 {
		return o
	}
	k := max(1, n/8)
	head := median(slices.Clone(ys[:k]))
	growth := median(slices.Clone(ys[n-k:])) - head
	o.head, o.tail, o.k = head, head+growth, k
	tr.ObservedGrowthMB = round(growth, 2)
	if head > 0 {
		o.growthPct = 100 * growth / head
	}
	// Over the time between the two windows' middles, not the whole span:
	// GCs bunch up near a limit, so the windows can cover very different
	// stretches of time.
	if span := median(slices.Clone(xs[n-k:])) - median(slices.Clone(xs[:k])); span > 0 {
		o.mbPerHour = growth / span * 3.6e6
	} else if span := xs[n-1] - xs[0]; span > 0 {
		o.mbPerHour = growth / span * 3.6e6
	}
	tr.ObservedGrowthPct, tr.ObservedMBPerHour = round(o.growthPct, 2), round(o.mbPerHour, 3)
	half := ys[n/2:]
	if len(half) >= 2 {
		rise := indexSlope(half) * float64(len(half)-1)
		if half[0] > 0 {
			o.lastHalfPct = 100 * rise / half[0]
		}
		tr.LastHalfGrowthPct = round(o.lastHalfPct, 2)
	}
	return o
}

// overBy says how far v is past the threshold th, e.g. "78.7 points over
// the 10% threshold (8.9×, --pressure-gc-pct)": on a busy machine wall-clock pauses stretch,
// and the reader can judge a near miss from a far one.
func overBy(v, th float64, unit, thUnit, flag string) string {
	s := fmt.Sprintf("%.1f %s over the %g%s threshold (", v-th, unit, th, thUnit)
	if th > 0 {
		s += fmt.Sprintf("%.1f×, ", v/th)
	}
	return s + flag + ")"
}

func fmtP(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

// rateText is a post-GC heap rate (V8's MB, MiB, an hour) as the report's
// tables write sizes, so one report never mixes MB/h and GiB/h.
func rateText(mbh float64) string { return ui.SignedBytes(mbBytes(mbh)) + "/h" }

func fmtDuration(ms float64) string {
	switch {
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	case ms < 120000:
		return fmt.Sprintf("%.1f s", ms/1000)
	case ms < 2*3600000:
		return fmt.Sprintf("%.1f min", ms/60000)
	}
	return fmt.Sprintf("%.1f h", ms/3600000)
}

func round(v float64, digits int) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	p := math.Pow(10, float64(digits))
	r := math.Round(v*p) / p
	if r == 0 {
		return 0 // no "-0" in JSON
	}
	return r
}

// lows counts the returns to at most floor: the points at or under it
// that follow one above it.
func lows(ys []float64, floor float64) int {
	n := 0
	for i := 1; i < len(ys); i++ {
		if ys[i] <= floor && ys[i-1] > floor {
			n++
		}
	}
	return n
}

// excursions says how many major GCs after since left the heap above the
// level (beyond pct percent and 1 MiB) and came back to it (a periodic
// refresh, a batch): ", apart from N major GCs that left up to X MiB (at
// T) and came back down"; "" when none did, or the last one is above.
func excursions(xs, ys []float64, since, level, pct float64) string {
	n, top, at := 0, 0.0, 0.0
	for k := range ys {
		if xs[k] < since || ys[k] <= level*(1+pct/100)+1 {
			continue
		}
		if k == len(ys)-1 {
			return "" // (not back down)
		}
		n++
		if ys[k] > top {
			top, at = ys[k], xs[k]
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", apart from %d major GC%s that left more (up to %.1f MiB, at %s) and came back down", n, plural(n), top, fmtDuration(at))
}
