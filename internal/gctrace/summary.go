package gctrace

import "fmt"

// This file is the report's shape: what a stream of GC records adds up
// to, as JSON prints it. verdict.go draws the verdict per isolate.

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
	// "monotonic", "near-limit", "kept", "floor" or "slow"; empty when
	// none did.
	LeakTest string `json:"leak_test,omitempty"`
	// Slow: for the "slow" test (a leak small against a big heap: within
	// a level's tolerance, yet rising steadily through it), its numbers.
	Slow *Slow `json:"slow,omitempty"`
	// KeptPct: for the "kept" test (fewer major GCs than a trend needs),
	// the share of what the heap gained under scavenges since the major GC
	// before that each of the last two major GCs kept.
	KeptPct []float64 `json:"kept_pct,omitempty"`
	// FloorMB: for the "floor" test (a leak under a tall sawtooth), the
	// lowest post-GC heap of each block of major GCs in a row.
	FloorMB []float64 `json:"floor_mb,omitempty"`
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
	// FillEndMs: for a leak that grew fast at the start (start-up, a
	// cache filling to its size) and slower after, the last major GC of
	// the fast rise, what it left (FillLevelMB), and the Theil–Sen rate
	// from there on; 0 when the run has one slope.
	FillEndMs          float64 `json:"fill_end_ms,omitempty"`
	FillLevelMB        float64 `json:"fill_level_mb,omitempty"`
	AfterFillMBPerHour float64 `json:"after_fill_mb_per_hour,omitempty"`
	// RecentMBPerHour: for a leak with no onset or fill, the Theil–Sen rate over
	// the major GCs of the run's last half (from RecentFromMs), when it
	// differs from the whole run's by half again or more: a fill at
	// startup, or a leak that sped up, makes the whole run's misleading.
	RecentMBPerHour float64 `json:"recent_mb_per_hour,omitempty"`
	RecentFromMs    float64 `json:"recent_from_ms,omitempty"`
	// SettledFromMs: after a warm-up that ended there, the heap showed
	// no trend to the end (Mann–Kendall SettledTau, SettledP over those
	// major GCs): the whole run's trend is the warm-up's.
	SettledFromMs float64 `json:"settled_from_ms,omitempty"`
	SettledTau    float64 `json:"settled_tau,omitempty"`
	SettledP      float64 `json:"settled_p,omitempty"`
	// FellAtMs, FellToMB: a sawtooth that fell back below where it
	// started, at that major GC, to that heap: what it took, it gave back.
	FellAtMs float64 `json:"fell_at_ms,omitempty"`
	FellToMB float64 `json:"fell_to_mb,omitempty"`
	// HeldForMs, HeldMaxMB: with too few major GCs, how long after the
	// last one the scavenges kept the heap under HeldMaxMB, a ceiling
	// near what that GC left (the live heap did not grow there), or, when
	// the scavenges left a level heap within each stretch between major
	// GCs, the time those stretches cover; 0 when they did not.
	HeldForMs float64 `json:"held_for_ms,omitempty"`
	HeldMaxMB float64 `json:"held_max_mb,omitempty"`
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
	PID     int64  `json:"pid"`
	Isolate string `json:"isolate"`
	Restart int    `json:"restart,omitempty"`
	// ShortLived: its GC pressure was a short life's burst beside a
	// longer isolate (shortLived); it does not give the log's verdict.
	ShortLived         bool    `json:"short_lived,omitempty"`
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
	// Memory: what the program's own memoryUsage() lines in the log say
	// of memory outside the heap, when it has them.
	Memory *MemoryLines `json:"memory_lines,omitempty"`
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
	}
	shortLived(s.Isolates)
	quiet, worstRank := 0, 0
	for i, is := range s.Isolates {
		if is.ShortLived && len(s.Isolates) > 1 {
			continue // (a long isolate is always there to give it)
		}
		// The worst speaks for the log, but a quiet one only when no
		// other can.
		// (Likely a leak speaks before another inconclusive one.)
		r := 2 * rank(is.Verdict)
		if is.Verdict == Inconclusive && is.PostGCTrend.StrongGrowth {
			r++
		}
		if a.quiet(is) {
			quiet, r = quiet+1, -1
		}
		if worst < 0 || r > worstRank || r == worstRank && is.PostGCTrend.MajorGCs > s.Isolates[worst].PostGCTrend.MajorGCs {
			worst, worstRank = i, r
		}
	}
	if worst >= 0 {
		w := s.Isolates[worst]
		s.Verdict, s.VerdictText, s.PostGCTrend = w.Verdict, w.VerdictText, w.PostGCTrend
		if len(s.Isolates) > 1 {
			s.VerdictText = fmt.Sprintf("isolate %d:%s: %s", w.PID, w.Isolate, w.VerdictText)
			if q := quiet; q > 0 && w.Verdict == Healthy {
				// (Where a quiet isolate would have spoken before.)
				s.VerdictText += fmt.Sprintf(" (%d other isolate%s too quiet to judge: no major GC, and a heap that stayed level)", q, plural(q))
			}
		}
	} else {
		s.VerdictText = "no GC lines found"
	}
	if s.Memory = a.memorySummary(); s.Memory != nil && s.Memory.Leak && s.Verdict != ProbableLeak {
		// Outside the heap, where no GC line looks: the leak is the news,
		// and what the heap did follows it.
		s.Verdict = ProbableLeak
		s.VerdictText = "probable leak outside the JavaScript heap: " + s.Memory.text() + "; the JavaScript heap: " + s.VerdictText
		for i := range s.Isolates {
			// An isolate's verdict speaks of its heap only: say so.
			if is := &s.Isolates[i]; is.Verdict != ProbableLeak {
				is.VerdictText += " (the JavaScript heap only: outside it, external memory grows; see " + s.Memory.seeText() + ")"
			}
		}
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

// quiet reports an isolate that could not be judged for want of major GCs
// and gave no reason to look closer: its heap after scavenges stayed level
// (a cluster's primary, a parent that only forwards). Beside an isolate
// that could be judged, it does not speak for the log.
func (a *Analyzer) quiet(is IsolateSummary) bool {
	tr := is.PostGCTrend
	if is.Verdict != Inconclusive || tr.Growing || tr.StrongGrowth || tr.MajorGCs >= int64(a.opt.Thresholds.MinMajorGCs) || len(is.Chart) < 8 {
		return false
	}
	// The first and last quarters' medians of what scavenges left: a rise
	// under the leak tests' share (and 1 MiB) is level.
	q := len(is.Chart) / 4
	first, last := make([]float64, 0, q), make([]float64, 0, q)
	for i := 0; i < q; i++ {
		first = append(first, is.Chart[i].AfterMB)
		last = append(last, is.Chart[len(is.Chart)-1-i].AfterMB)
	}
	lo, hi := median(first), median(last)
	return hi <= lo*(1+a.opt.Thresholds.LeakGrowthPct/100)+1
}

// shortLivedMs: an isolate that lived less than this, and less than a
// tenth of the log's longest, is too short for its share of time in GC to
// stand for the program (a worker that built an index and exited).
const shortLivedMs = 5_000

// shortLived turns GC pressure of a short-lived isolate beside a long one
// into what it is: a one-off burst, not the run's verdict; and keeps a
// short-lived one too brief to judge from speaking for the log.
func shortLived(isos []IsolateSummary) {
	longest := 0.0
	for _, is := range isos {
		longest = max(longest, is.WallMs)
	}
	for i := range isos {
		is := &isos[i]
		if is.WallMs >= shortLivedMs || is.WallMs >= longest/10 {
			continue
		}
		if is.Verdict == Inconclusive && !is.PostGCTrend.StrongGrowth {
			// Too short to judge, and no sign of growth: a child that
			// ran a task and exited does not speak for the log.
			is.ShortLived = true
			is.VerdictText += fmt.Sprintf(" (this isolate lived only %s of the log's %s: a short-lived worker or child process)", fmtDuration(is.WallMs), fmtDuration(longest))
			continue
		}
		if is.Verdict != GCPressure {
			continue
		}
		is.Verdict, is.ShortLived = Inconclusive, true
		is.VerdictText = fmt.Sprintf("inconclusive: this isolate lived only %s of the log's %s (a short-lived worker or child process): GC took %.1f%% of that, a one-off burst, not the program's sustained pressure",
			fmtDuration(is.WallMs), fmtDuration(longest), 100*is.GCShare)
	}
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

// Slow is a leak small against a big heap: from FromMs (where the heap
// reached its level), MajorGCs major GCs rose at MBPerHour (Theil–Sen)
// with a Mann–Kendall trend (Tau, P), LevelPctPerHour of the level an hour.
type Slow struct {
	FromMs          float64 `json:"from_ms"`
	MajorGCs        int     `json:"major_gcs"`
	MBPerHour       float64 `json:"mb_per_hour"`
	Tau             float64 `json:"tau"`
	P               float64 `json:"p"`
	LevelPctPerHour float64 `json:"level_pct_per_hour"`
}
