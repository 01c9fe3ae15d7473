package gctrace

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/leakhound/leakhound/internal/ui"
)

// This file is the report: what a stream of GC records adds up to, and
// the verdict drawn from it against the thresholds.

// Verdicts, as JSON prints them.
const (
	Healthy      = "healthy"
	GCPressure   = "gc-pressure"
	ProbableLeak = "probable-leak"
	// Inconclusive: too few major GCs to judge the post-GC heap trend and
	// no GC pressure. It is not "healthy", because a short log of a fast
	// leak looks like this; the text says when the heap still grew.
	Inconclusive = "inconclusive"
)

// Thresholds decide the verdict. They are printed with every report so a
// reader can see why a log was judged the way it was.
type Thresholds struct {
	// A leak needs at least this many major GCs to fit a trend on.
	MinMajorGCs int `json:"min_major_gcs"`
	// ... a post-GC heap growing at least this fast (MB per hour) ...
	LeakMBPerHour float64 `json:"leak_mb_per_hour"`
	// ... by at least this share of where it started (percent) ...
	LeakGrowthPct float64 `json:"leak_growth_pct"`
	// ... with the trend explaining at least this much of the variance
	// (the linear test) ...
	MinR2 float64 `json:"min_r2"`
	// ... or rising so consistently that a Mann–Kendall test gives a
	// one-sided p-value at most this, with the observed rise meeting the
	// rate and share above and the last half of the series still rising
	// (the monotonic test, which a curve that slows down also passes).
	MaxTrendP float64 `json:"max_trend_p"`
	// ... or, when the heap limit is known (Options.HeapLimitMB, or V8 ran
	// out of heap), the post-GC heap rising and at least this share of the
	// limit (percent).
	NearLimitPct float64 `json:"near_limit_pct"`
	// GC pressure: at least this share of wall time spent in GC (0..1) ...
	PressureGCShare float64 `json:"pressure_gc_share"`
	// ... or major-GC pauses at p95 at least this long (ms).
	PressureP95PauseMs float64 `json:"pressure_p95_major_pause_ms"`
}

// DefaultThresholds are conservative: a leak must be both steady (r²) and
// material (growth share), so a service warming its caches is not flagged.
func DefaultThresholds() Thresholds {
	return Thresholds{MinMajorGCs: 5, LeakMBPerHour: 1, LeakGrowthPct: 10, MinR2: 0.5,
		MaxTrendP: 0.05, NearLimitPct: 80, PressureGCShare: 0.10, PressureP95PauseMs: 100}
}

// Pauses are percentiles and totals of pause times in milliseconds.
type Pauses struct {
	P50   float64 `json:"p50"`
	P95   float64 `json:"p95"`
	P99   float64 `json:"p99"`
	Max   float64 `json:"max"`
	Total float64 `json:"total"`
}

// TypeSummary describes one GC type ("Scavenge", "Mark-Compact (reduce)").
type TypeSummary struct {
	Type      string  `json:"type"`
	Major     bool    `json:"major"`
	Count     int64   `json:"count"`
	PerMinute float64 `json:"per_minute"`
	PauseMs   Pauses  `json:"pause_ms"`
	// Exact is false once more than 4096 pauses of this type were seen;
	// percentiles then come from a log histogram and are within 1%.
	Exact bool `json:"pause_exact"`
	// Forced: these are the type's forced GCs (global.gc(), heap
	// snapshots, ...), kept apart from the program's own.
	Forced bool `json:"forced,omitempty"`
	// PauseUnknown counts GCs whose line kept the heap sizes but lost the
	// pause figures: in Count, not in the pause statistics.
	PauseUnknown int64 `json:"pause_unknown,omitempty"`
}

// Trend is the robust fit of the heap after each major GC over time.
type Trend struct {
	MBPerHour float64 `json:"mb_per_hour"`
	R2        float64 `json:"r2"`
	MajorGCs  int64   `json:"major_gcs"`
	Fitted    int     `json:"fitted_points"` // major GCs used (evenly sampled when more than 512)
	Method    string  `json:"method"`
	StartMB   float64 `json:"start_mb"`   // the fit at the first major GC
	EndMB     float64 `json:"end_mb"`     // the fit at the last major GC
	GrowthMB  float64 `json:"growth_mb"`  // EndMB − StartMB
	GrowthPct float64 `json:"growth_pct"` // GrowthMB as a share of StartMB
	SpanMs    float64 `json:"span_ms"`    // first to last major GC
	WarmupMs  float64 `json:"warmup_ms"`  // major GCs before this time since isolate start were left out
	Isolate   string  `json:"isolate,omitempty"`

	// Observed post-GC heap (MB) over the fitted major GCs, not the line.
	FirstMB float64 `json:"first_mb"`
	LastMB  float64 `json:"last_mb"`
	MinMB   float64 `json:"min_mb"`
	MaxMB   float64 `json:"max_mb"`
	// ObservedGrowthMB is the median of the last eighth of the series
	// minus the median of the first eighth (one point each below 16), so
	// one odd GC at either end does not decide it; its share of the
	// first eighth's median and its rate over the span.
	ObservedGrowthMB  float64 `json:"observed_growth_mb"`
	ObservedGrowthPct float64 `json:"observed_growth_pct"`
	ObservedMBPerHour float64 `json:"observed_mb_per_hour"`
	// LastHalfGrowthPct is the rise over the last half of the series (its
	// Theil–Sen slope per major GC times its length) as a share of where
	// that half started: a warm-up that levelled off has about 0.
	LastHalfGrowthPct float64 `json:"last_half_growth_pct"`
	// Mann–Kendall monotonic trend test over the series in time order.
	KendallTau float64 `json:"kendall_tau"`
	TrendP     float64 `json:"trend_p"`
	// RisingSteps of Steps consecutive major GCs left a larger heap than the one before.
	RisingSteps int `json:"rising_steps"`
	Steps       int `json:"steps"`
	// HeapLimitMB is the limit the caller gave (or 0); LimitPct the last
	// post-GC heap as a share of it.
	HeapLimitMB float64 `json:"heap_limit_mb,omitempty"`
	LimitPct    float64 `json:"limit_pct,omitempty"`
	// LeakTest names the test that found the leak: "linear",
	// "monotonic" or "near-limit"; empty when none did.
	LeakTest string `json:"leak_test,omitempty"`
	// Growing: the post-GC heap rose by the leak thresholds' share and
	// rate, at most of its steps, without passing a leak test (too few
	// major GCs, or too ragged). The verdict text then says so.
	Growing bool `json:"growing,omitempty"`
	// StrongGrowth: with fewer major GCs than the leak tests need, at
	// least 3 of them left a heap larger at every step and the last at
	// least twice the first (plus the leak thresholds' share and rate).
	// A warm-up rarely doubles at every step; a fast leak in a short run
	// does. --fail-on-leak exits 1 on it (Summary.LeakLikely).
	StrongGrowth bool `json:"strong_growth,omitempty"`
	// LevelMB: the post-GC heap's median over the last third of the run
	// when it stayed within half the growth threshold there (it levelled
	// off, after a warm-up or from the start); 0 when it did not.
	LevelMB float64 `json:"level_mb,omitempty"`
	// LevelSinceMs: when the heap reached that level (ms since the
	// isolate started): the first major GC from which it stayed within
	// half the growth threshold of it, but for one in four.
	LevelSinceMs float64 `json:"level_since_ms,omitempty"`
	// OnsetMs: for a leak that began after the heap held a level (at
	// OnsetLevelMB) for at least a quarter of the run, the last major GC
	// of that level (ms since the isolate started), and the Theil–Sen rate
	// from there on; 0 when the leak ran from the start.
	OnsetMs        float64 `json:"onset_ms,omitempty"`
	OnsetLevelMB   float64 `json:"onset_level_mb,omitempty"`
	OnsetMBPerHour float64 `json:"onset_mb_per_hour,omitempty"`
	// MedianMB: the post-GC heap's median over the fitted major GCs,
	// the level a run that swings spends its time at; the first and last
	// GCs are often startup and shutdown.
	MedianMB float64 `json:"median_mb"`
}

// Freed is how much each major GC reclaimed.
type Freed struct {
	MedianMB  float64 `json:"median_mb"`
	MedianPct float64 `json:"median_pct"` // of the heap before the GC
	MinMB     float64 `json:"min_mb"`
	MaxMB     float64 `json:"max_mb"`
	// FirstHalfMedianPct and LastHalfMedianPct split MedianPct by the two
	// halves of the series: frees shrinking is how a heap nearing its
	// limit looks.
	FirstHalfMedianPct float64 `json:"first_half_median_pct"`
	LastHalfMedianPct  float64 `json:"last_half_median_pct"`
}

// Space is the last --trace-gc-verbose report of one heap space.
type Space struct {
	Name        string   `json:"name"`
	UsedKB      float64  `json:"used_kb"`
	AvailableKB float64  `json:"available_kb"`
	CommittedKB *float64 `json:"committed_kb,omitempty"` // nil when V8 did not print it ("Memory allocator")
	PeakUsedKB  float64  `json:"peak_used_kb"`
}

// ChartPoint is one point of the downsampled heap series.
type ChartPoint struct {
	TMs      float64 `json:"t_ms"`
	BeforeMB float64 `json:"before_mb"` // the highest "before" among the GCs merged here
	AfterMB  float64 `json:"after_mb"`  // the lowest "after"
	Major    bool    `json:"major"`
	Forced   bool    `json:"forced,omitempty"` // a forced GC (for chart points: any of those merged)
	GCs      int     `json:"gcs"`
	// OldSpaceUsedKB is old space's size after this major GC, from the
	// --trace-gc-verbose block that followed it (major_gc_series only).
	OldSpaceUsedKB *float64 `json:"old_space_used_kb,omitempty"`
}

// IsolateSummary is the full report for one isolate (one pid:0xisolate;
// worker threads have their own).
type IsolateSummary struct {
	PID                int64   `json:"pid"`
	Isolate            string  `json:"isolate"`
	Restart            int     `json:"restart,omitempty"`
	Verdict            string  `json:"verdict"`
	VerdictText        string  `json:"verdict_text"`
	GCs                int64   `json:"gcs"`
	WallMs             float64 `json:"wall_ms"`
	GCMs               float64 `json:"gc_ms"` // the program's own GCs: forced ones are in Forced
	PauseMs            float64 `json:"pause_ms"`
	IncrementalMs      float64 `json:"incremental_marking_ms"`
	GCShare            float64 `json:"gc_share"` // of wall time less forced GCs' time
	MutatorUtilization float64 `json:"mutator_utilization"`
	// PauseUnknown counts the program's GCs whose line lost the pause
	// figures (cut off): counted, but not in gc_ms.
	PauseUnknown    int64          `json:"pause_unknown,omitempty"`
	Forced          *ForcedSummary `json:"forced,omitempty"`
	V8AverageMu     *float64       `json:"v8_average_mu,omitempty"`
	PeakCommittedMB float64        `json:"peak_committed_mb"`
	ByType          []TypeSummary  `json:"by_type"`
	PostGCTrend     Trend          `json:"post_gc_trend"`
	Freed           *Freed         `json:"freed_per_major_gc,omitempty"`
	Spaces          []Space        `json:"spaces,omitempty"`
	Chart           []ChartPoint   `json:"chart"`
	// MajorGCs is the heap before and after each major GC (evenly sampled
	// when there were more than 512): the points the trend is fitted on.
	MajorGCs []ChartPoint `json:"major_gc_series"`
}

// Summary is the whole report; its JSON form is leakhound gc --json.
type Summary struct {
	Verdict     string `json:"verdict"`
	VerdictText string `json:"verdict_text"`
	GCs         int64  `json:"gcs"`
	// WallMs is the span of the processes: per pid, the longest of its
	// isolates' spans (worker threads run at the same time as the main
	// thread), summed over pids. by_type's per_minute uses it.
	WallMs float64 `json:"wall_ms"`
	// IsolateWallMs sums every isolate's span (isolate time); GCShare and
	// MutatorUtilization are shares of it. Equal to WallMs with one isolate.
	IsolateWallMs      float64        `json:"isolate_wall_ms"`
	GCMs               float64        `json:"gc_ms"`
	GCShare            float64        `json:"gc_share"`
	MutatorUtilization float64        `json:"mutator_utilization"`
	PauseUnknown       int64          `json:"pause_unknown,omitempty"`
	Forced             *ForcedSummary `json:"forced,omitempty"`
	ByType             []TypeSummary  `json:"by_type"`
	PostGCTrend        Trend          `json:"post_gc_trend"`
	Thresholds         Thresholds     `json:"thresholds"`
	Lines              LineCounts     `json:"lines"`
	// OutOfMemory is set when the log contains V8's fatal "JavaScript heap
	// out of memory" report.
	OutOfMemory bool `json:"out_of_memory"`
	// Interrupted is set when the report covers the log read so far
	// because the reader was stopped (Ctrl-C).
	Interrupted bool `json:"interrupted,omitempty"`
	// Truncated says, when set, that the input ended early (a gzip stream
	// cut off) and the report covers what was read before the cut.
	Truncated string           `json:"truncated,omitempty"`
	Isolates  []IsolateSummary `json:"isolates"`
}

// Summary computes the report so far; the analyser can keep consuming.
func (a *Analyzer) Summary() *Summary {
	s := &Summary{Verdict: Healthy, Thresholds: a.opt.Thresholds, Lines: a.lines,
		ByType: []TypeSummary{}, Isolates: []IsolateSummary{}}
	type typeKey struct {
		name   string
		forced bool
	}
	merged := map[typeKey]*typeStat{}
	var order []typeKey
	var forced forcedStat
	worst := -1
	// Isolates of one process (worker threads) run at the same time, and
	// each counts time from its own start, so the process's span is taken
	// as its longest isolate's; separate processes' spans add up.
	pidWall := map[int64]float64{}
	var pids []int64
	for _, iso := range a.isolates {
		is := a.isolateSummary(iso)
		s.Isolates = append(s.Isolates, is)
		s.GCs += is.GCs
		if _, ok := pidWall[is.PID]; !ok {
			pids = append(pids, is.PID)
		}
		pidWall[is.PID] = max(pidWall[is.PID], is.WallMs)
		s.IsolateWallMs += is.WallMs
		s.GCMs += is.GCMs
		s.PauseUnknown += is.PauseUnknown
		forced.merge(&iso.forced)
		for _, t := range iso.types {
			k := typeKey{t.name, t.forced}
			m := merged[k]
			if m == nil {
				m = &typeStat{name: t.name, major: t.major, forced: t.forced}
				merged[k] = m
				order = append(order, k)
			}
			m.sk.merge(&t.sk)
			m.unknown += t.unknown
		}
		i := len(s.Isolates) - 1
		if worst < 0 || rank(is.Verdict) > rank(s.Isolates[worst].Verdict) ||
			rank(is.Verdict) == rank(s.Isolates[worst].Verdict) && is.PostGCTrend.MajorGCs > s.Isolates[worst].PostGCTrend.MajorGCs {
			worst = i
		}
	}
	if worst >= 0 {
		w := s.Isolates[worst]
		s.Verdict, s.VerdictText, s.PostGCTrend = w.Verdict, w.VerdictText, w.PostGCTrend
		if len(s.Isolates) > 1 {
			s.VerdictText = fmt.Sprintf("isolate %d:%s: %s", w.PID, w.Isolate, w.VerdictText)
		}
	} else {
		s.VerdictText = "no GC lines found"
	}
	s.OutOfMemory = a.oom
	if a.oom {
		if s.Verdict == Healthy {
			s.Verdict = GCPressure
			s.VerdictText = "GC pressure: the process ran out of JavaScript heap"
		} else {
			s.VerdictText += "; the process ran out of JavaScript heap"
		}
	}
	for _, pid := range pids {
		s.WallMs += pidWall[pid]
	}
	// Time in GC is a share of each isolate's own time (GCs of concurrent
	// isolates run on different threads), so it is weighted by isolate time.
	if s.IsolateWallMs > 0 {
		s.GCShare = round(min(1, s.GCMs/s.IsolateWallMs), 4)
		s.MutatorUtilization = round(1-s.GCShare, 4)
	}
	s.Forced = forced.summary(s.IsolateWallMs)
	s.WallMs, s.IsolateWallMs, s.GCMs = round(s.WallMs, 1), round(s.IsolateWallMs, 1), round(s.GCMs, 2)
	for _, k := range order {
		s.ByType = append(s.ByType, typeSummary(merged[k], s.WallMs))
	}
	sortTypes(s.ByType)
	return s
}

func rank(v string) int {
	switch v {
	case ProbableLeak:
		return 3
	case GCPressure:
		return 2
	case Inconclusive:
		return 1
	}
	return 0
}

// LeakLikely is what --fail-on-leak fails on: a probable leak, a process
// that ran out of heap, or an isolate with too few major GCs to judge
// whose heap still grew strongly (Trend.StrongGrowth).
func (s *Summary) LeakLikely() bool {
	if s.Verdict == ProbableLeak || s.OutOfMemory {
		return true
	}
	for i := range s.Isolates {
		if s.Isolates[i].PostGCTrend.StrongGrowth {
			return true
		}
	}
	return false
}

func typeSummary(t *typeStat, wallMs float64) TypeSummary {
	n := t.sk.n + t.unknown
	ts := TypeSummary{Type: t.name, Major: t.major, Count: n, Exact: t.sk.Exact(), Forced: t.forced, PauseUnknown: t.unknown,
		PauseMs: Pauses{P50: round(t.sk.quantile(0.50), 3), P95: round(t.sk.quantile(0.95), 3),
			P99: round(t.sk.quantile(0.99), 3), Max: round(t.sk.max, 3), Total: round(t.sk.total, 2)}}
	if wallMs > 0 {
		ts.PerMinute = round(float64(n)/(wallMs/60000), 2)
	}
	return ts
}

// sortTypes puts young-generation types first, then by count.
func sortTypes(ts []TypeSummary) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && typeLess(ts[j], ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

func typeLess(a, b TypeSummary) bool {
	if a.Forced != b.Forced {
		return !a.Forced
	}
	if a.Major != b.Major {
		return !a.Major
	}
	if a.Count != b.Count {
		return a.Count > b.Count
	}
	return a.Type < b.Type
}

// wall returns the span the isolate's GCs cover, in ms: from the start of
// the first GC to the end of the last. With a single GC it is the time
// since the isolate started.
func (iso *isolate) wall() float64 {
	if iso.n < 2 {
		return iso.lastT
	}
	return max(iso.lastT-(iso.firstT-iso.firstP), 0)
}

func (a *Analyzer) isolateSummary(iso *isolate) IsolateSummary {
	th := a.opt.Thresholds
	is := IsolateSummary{PID: iso.key.pid, Isolate: "0x" + strconv.FormatUint(iso.key.addr, 16),
		Restart: iso.restart, GCs: iso.n, ByType: []TypeSummary{}, Chart: []ChartPoint{},
		PeakCommittedMB: round(iso.peakCommittedMB, 1)}
	wall := iso.wall()
	gcMs := iso.pauseMs + iso.incMs
	is.WallMs, is.GCMs = round(wall, 1), round(gcMs, 2)
	is.PauseMs, is.IncrementalMs = round(iso.pauseMs, 2), round(iso.incMs, 2)
	is.PauseUnknown = iso.unknownPause
	is.Forced = iso.forced.summary(wall)
	// Time in GC is the program's own GCs' share of the wall time; forced
	// GCs' time is not in it. (Not of the wall time less theirs: when a
	// script forces GCs most of the time, what is left is too short to
	// judge by.)
	share := 0.0
	if wall > 0 {
		share = min(1, gcMs/wall)
	}
	is.GCShare, is.MutatorUtilization = round(share, 4), round(1-share, 4)
	if iso.muAvg >= 0 {
		v := iso.muAvg
		is.V8AverageMu = &v
	}
	// The p95 of all the program's major pauses together: a type with
	// two GCs (Mark-Compact (reduce)) has its own p95 at its maximum.
	var majors pauseSketch
	for _, t := range iso.types {
		ts := typeSummary(t, wall)
		is.ByType = append(is.ByType, ts)
		if t.major && !t.forced {
			majors.merge(&t.sk)
		}
	}
	majorP95 := majors.quantile(0.95)
	// Long major pauses all within a tenth of the run (a data reload, a
	// cache rebuilt once): a burst, not the sustained pressure that
	// pauses alone may stand for.
	burst := iso.long > 0 && iso.longLast-iso.longFirst < wall/10
	sortTypes(is.ByType)

	// Trend of the heap after major GCs.
	pts := iso.fit.pts
	xs := make([]float64, len(pts))
	ys := make([]float64, len(pts))
	freed := make([]float64, len(pts))
	freedPct := make([]float64, len(pts))
	for i, p := range pts {
		xs[i], ys[i] = p.T, p.After
		freed[i] = p.Before - p.After
		if p.Before > 0 {
			freedPct[i] = 100 * freed[i] / p.Before
		}
	}
	f := theilSen(xs, ys)
	tr := Trend{MajorGCs: iso.majors, Fitted: len(pts), Method: "theil-sen", R2: round(f.R2, 4), WarmupMs: a.opt.WarmupMs,
		MBPerHour: round(f.Slope*3.6e6, 3)}
	if len(pts) > 0 {
		x0, x1 := xs[0], xs[len(xs)-1]
		tr.StartMB = round(f.Intercept+f.Slope*x0, 2)
		tr.EndMB = round(f.Intercept+f.Slope*x1, 2)
		tr.GrowthMB = round(f.Slope*(x1-x0), 2)
		tr.SpanMs = round(x1-x0, 1)
		if start := f.Intercept + f.Slope*x0; start > 0 {
			tr.GrowthPct = round(100*f.Slope*(x1-x0)/start, 2)
		}
		lo, hi := freed[0], freed[0]
		for _, v := range freed {
			lo, hi = min(lo, v), max(hi, v)
		}
		is.Freed = &Freed{MedianMB: round(median(freed), 2), MedianPct: round(median(freedPct), 1),
			MinMB: round(lo, 2), MaxMB: round(hi, 2)}
		h := len(pts) / 2
		if h > 0 {
			is.Freed.FirstHalfMedianPct = round(median(slices.Clone(freedPct[:h])), 1)
			is.Freed.LastHalfMedianPct = round(median(slices.Clone(freedPct[h:])), 1)
		}
	}
	obs := observeTrend(&tr, xs, ys)
	limit := a.opt.HeapLimitMB
	if limit > 0 && len(ys) > 0 {
		tr.HeapLimitMB = limit
		tr.LimitPct = round(100*ys[len(ys)-1]/limit, 1)
	}

	// Three leak tests; any one is enough.
	enough := iso.majors >= int64(th.MinMajorGCs)
	// Linear: a steady straight-line rise (the original test).
	linear := enough && f.R2 >= th.MinR2 && f.Slope*3.6e6 >= th.LeakMBPerHour && tr.GrowthPct >= th.LeakGrowthPct
	// Monotonic: rising more consistently than chance, by a material amount,
	// and still rising in the last half, so a curve that slows down (a heap
	// nearing its limit) counts while a warm-up that levelled off does not.
	rising := obs.growthPct >= th.LeakGrowthPct && obs.mbPerHour >= th.LeakMBPerHour
	monotonic := enough && rising && obs.mk.P <= th.MaxTrendP && obs.lastHalfPct >= th.LeakGrowthPct/2
	// Near the limit: growth there is slow and ragged because every GC
	// frees little, so a positive trend and a material rise are enough once
	// the heap is most of the way to the limit, or V8 already ran out.
	nearLimit := len(ys) >= 3 && rising && obs.mk.Tau > 0 &&
		(a.oom || limit > 0 && tr.LimitPct >= th.NearLimitPct)
	// A heap that rose at every major GC until V8 ran out: two of them
	// are enough (a fast leak under a small --max-old-space-size).
	if a.oom && len(ys) >= 2 && rising && tr.RisingSteps == tr.Steps {
		nearLimit = true
	}
	// A heap that grew, then levelled off for the last third of the run
	// (an index built at startup, a cache that filled): not a leak, unless
	// it may be nearing its limit, where growth is slow and ragged: V8 ran
	// out, the heap is half its known limit or more, or GC already takes
	// twice the pressure share (collecting all the time).
	toward := a.oom || limit > 0 && tr.LimitPct >= 50 || share >= 2*th.PressureGCShare
	level, flat := levelledOff(xs, ys, th.LeakGrowthPct/2)
	since := 0.0
	if flat {
		tr.LevelMB = round(level, 2)
		since = levelSince(xs, ys, level, th.LeakGrowthPct/2)
		tr.LevelSinceMs = round(since, 1)
	}
	levelled := !nearLimit && !toward && flat
	if levelled {
		linear, monotonic = false, false
	}
	switch {
	case linear:
		tr.LeakTest = "linear"
	case monotonic:
		tr.LeakTest = "monotonic"
	case nearLimit:
		tr.LeakTest = "near-limit"
	}
	if tr.LeakTest == "" && len(ys) >= 2 && rising && 2*tr.RisingSteps > tr.Steps {
		tr.Growing = true
		tr.StrongGrowth = !enough && len(ys) >= 3 && tr.RisingSteps == tr.Steps && ys[len(ys)-1] >= 2*ys[0]
	}
	var on onset
	if tr.LeakTest != "" {
		var ok bool
		if on, ok = leakOnset(xs, ys, th.LeakGrowthPct/2); ok {
			tr.OnsetMs, tr.OnsetLevelMB, tr.OnsetMBPerHour = round(on.ms, 1), round(on.levelMB, 2), round(on.mbPerMs*3.6e6, 3)
		}
	}
	is.PostGCTrend = tr
	// What the heap did when no leak test could say: named next to any
	// verdict, so a growing heap is never left out of the report.
	growth, grew := "", ""
	if tr.Growing {
		grew = fmt.Sprintf("the post-GC heap grew %.1f → %.1f MiB (%+.0f%%) over %d major GC%s in %s, rising at %d of %d steps",
			tr.FirstMB, tr.LastMB, tr.ObservedGrowthPct, iso.majors, plural(int(iso.majors)), fmtDuration(tr.SpanMs), tr.RisingSteps, tr.Steps)
		growth = grew
		if levelled {
			growth += fmt.Sprintf(", then held at about %.1f MiB from %s on: a step (data loaded, a cache filled), not a leak", level, fmtDuration(since))
		} else if !enough && tr.StrongGrowth {
			// (What --fail-on-leak fails on, whatever the verdict.)
			growth += fmt.Sprintf(", doubling: likely a leak, though too few major GCs to be sure (need %d)", th.MinMajorGCs)
		} else if !enough {
			growth += fmt.Sprintf(", too few major GCs to call it a leak (need %d)", th.MinMajorGCs)
		} else {
			growth += ", not steadily enough to call it a leak"
		}
	}

	// Verdict: a leak outranks pressure because it is what makes pressure
	// worse over time.
	switch {
	case tr.LeakTest != "":
		is.Verdict = ProbableLeak
		if tr.OnsetMs > 0 {
			// Its pace since it began, not averaged over the level before.
			is.VerdictText = fmt.Sprintf("probable leak, from %s on: post-GC heap held at about %.1f MiB until then, and has grown by %s since: %.1f → %.1f MiB over the last %d major GC%s in %s; over the whole run (%d major GCs in %s) %s, max %.1f MiB, rising at %d of %d steps",
				fmtDuration(tr.OnsetMs), tr.OnsetLevelMB, rateText(tr.OnsetMBPerHour), tr.OnsetLevelMB, tr.LastMB, on.steps, plural(on.steps),
				fmtDuration(xs[len(xs)-1]-tr.OnsetMs), iso.majors, fmtDuration(tr.SpanMs), rateText(tr.ObservedMBPerHour), tr.MaxMB,
				tr.RisingSteps, tr.Steps)
		} else {
			is.VerdictText = fmt.Sprintf("probable leak: post-GC heap grows by %s over %d major GCs: observed %.1f → %.1f MiB (max %.1f) in %s, rising at %d of %d steps",
				rateText(tr.ObservedMBPerHour), iso.majors, tr.FirstMB, tr.LastMB, tr.MaxMB, fmtDuration(tr.SpanMs),
				tr.RisingSteps, tr.Steps)
		}
		if tr.Steps >= 2 {
			is.VerdictText += fmt.Sprintf(" (Mann–Kendall τ %.2f, p %s; linear fit r² %.2f)", tr.KendallTau, fmtP(tr.TrendP), tr.R2)
		}
		if tr.HeapLimitMB > 0 {
			is.VerdictText += fmt.Sprintf("; now at %.0f%% of the %g MiB heap limit", tr.LimitPct, tr.HeapLimitMB)
		}
		if fr := is.Freed; fr != nil {
			is.VerdictText += fmt.Sprintf("; each major GC frees a median %.0f%% of the heap", fr.MedianPct)
			if len(pts) >= 4 && fr.LastHalfMedianPct < fr.FirstHalfMedianPct {
				is.VerdictText += fmt.Sprintf(" (%.0f%% in the first half, %.0f%% in the last: frees are shrinking)",
					fr.FirstHalfMedianPct, fr.LastHalfMedianPct)
			}
		}
	case share >= th.PressureGCShare:
		is.Verdict = GCPressure
		is.VerdictText = fmt.Sprintf("GC pressure: %.1f%% of wall time is spent in GC, %s",
			100*share, overBy(100*share, 100*th.PressureGCShare, "points", "%", "--pressure-gc-pct"))
		if majorP95 >= th.PressureP95PauseMs && !burst {
			is.VerdictText += fmt.Sprintf("; major GC pauses reach %.0f ms at p95, %s",
				majorP95, overBy(majorP95, th.PressureP95PauseMs, "ms", " ms", "--pressure-pause-ms"))
		}
		if growth != "" {
			is.VerdictText += "; " + growth
		}
		is.VerdictText += pressureKind(iso, tr)
	case majorP95 >= th.PressureP95PauseMs && 2*share >= th.PressureGCShare && !burst:
		is.Verdict = GCPressure
		is.VerdictText = fmt.Sprintf("GC pressure: major GC pauses reach %.0f ms at p95, %s",
			majorP95, overBy(majorP95, th.PressureP95PauseMs, "ms", " ms", "--pressure-pause-ms"))
		if growth != "" {
			is.VerdictText += "; " + growth
		}
	case !enough:
		is.Verdict = Inconclusive
		if tr.StrongGrowth {
			is.VerdictText = fmt.Sprintf("inconclusive, likely a leak: %s, too few major GCs to be sure (need %d); run longer (or lower --min-major-gcs) to judge; %.1f%% of time in GC",
				grew, th.MinMajorGCs, 100*share)
		} else if growth != "" {
			is.VerdictText = fmt.Sprintf("inconclusive: %s; run longer to judge; %.1f%% of time in GC", growth, 100*share)
		} else {
			is.VerdictText = fmt.Sprintf("inconclusive: %d major GC%s, too few to judge a heap trend (need %d); %.1f%% of time in GC",
				iso.majors, plural(int(iso.majors)), th.MinMajorGCs, 100*share)
		}
	default:
		is.Verdict = Healthy
		switch {
		case growth != "":
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; %s (Mann–Kendall τ %.2f, p %s)",
				100*share, growth, tr.KendallTau, fmtP(tr.TrendP))
		case flat && tr.ObservedGrowthPct >= th.LeakGrowthPct:
			// A rate over a warm-up reads like a leak; the level it
			// reached is the number that matters.
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap rose %.1f → %.1f MiB early, then held at about %.1f MiB from %s on (%d major GCs, max %.1f): a warm-up, not a leak",
				100*share, tr.FirstMB, level, level, fmtDuration(since), iso.majors, tr.MaxMB)
		case flat:
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap steady at about %.1f MiB over %d major GCs (observed %.1f → %.1f MiB, max %.1f)",
				100*share, level, iso.majors, tr.FirstMB, tr.LastMB, tr.MaxMB)
		case tr.TrendP > th.MaxTrendP:
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap shows no steady trend over %d major GCs: observed %.1f → %.1f MiB (max %.1f; Mann–Kendall τ %.2f, p %s)",
				100*share, iso.majors, tr.FirstMB, tr.LastMB, tr.MaxMB, tr.KendallTau, fmtP(tr.TrendP))
		default:
			is.VerdictText = fmt.Sprintf("healthy: %.1f%% of time in GC; post-GC heap %s over %d major GCs: observed %.1f → %.1f MiB (max %.1f, %+.0f%%; Mann–Kendall τ %.2f)",
				100*share, rateText(tr.ObservedMBPerHour), iso.majors, tr.FirstMB, tr.LastMB, tr.MaxMB, tr.ObservedGrowthPct, tr.KendallTau)
		}
	}

	switch {
	case is.Verdict == ProbableLeak && burst:
		// (Long pauses bunched at the end are the leak nearing the
		// limit: the verdict says it.)
	case majorP95 >= th.PressureP95PauseMs && burst && iso.long == 1:
		is.VerdictText += fmt.Sprintf("; one major GC paused %.0f ms, at %s: a one-off a latency-sensitive service may feel, not sustained pressure",
			majors.max, fmtDuration(iso.longFirst))
	case majorP95 >= th.PressureP95PauseMs && burst:
		is.VerdictText += fmt.Sprintf("; %d major GC pauses of %g ms or more (up to %.0f ms), all within %s, at %s–%s: a burst a latency-sensitive service may feel, not sustained pressure",
			iso.long, th.PressureP95PauseMs, majors.max, fmtDuration(iso.longLast-iso.longFirst), fmtDuration(iso.longFirst), fmtDuration(iso.longLast))
	case is.Verdict != GCPressure && majorP95 >= th.PressureP95PauseMs && 2*share < th.PressureGCShare:
		// A few long pauses with little time in GC: latency, not pressure.
		is.VerdictText += fmt.Sprintf("; major GC pauses reach %.0f ms at p95, though GC takes only %.1f%% of the time: long pauses a latency-sensitive service may feel, not pressure", majorP95, 100*share)
	}

	// Say what the time in GC leaves out, so a reader who counts the
	// lines is not surprised.
	if is.Forced != nil {
		is.VerdictText += "; " + is.Forced.String() + " left out of time in GC"
	}
	if is.PauseUnknown > 0 {
		is.VerdictText += fmt.Sprintf("; %d GC%s without pause figures (cut-off lines) not in time in GC", is.PauseUnknown, plural(int(is.PauseUnknown)))
	}

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
	return is
}

// trendObs is what observeTrend measured, unrounded, for the verdict.
type trendObs struct {
	mk                                MannKendall
	growthPct, mbPerHour, lastHalfPct float64
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
