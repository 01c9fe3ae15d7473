package gctrace

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"
)

// A GC trace shows the JavaScript heap only. Many services also log what
// process.memoryUsage() says (rss, heapUsed, external, arrayBuffers), and
// those lines, interleaved with the trace, are the one place the log shows
// memory outside the heap: Buffers and ArrayBuffers kept in a list leak
// there while every GC line stays flat. This file reads them.

// maxMemSamples bounds the samples kept: past it every other one is
// dropped and only every second line after is kept, so a long log keeps an
// even spread in bounded memory.
const maxMemSamples = 4096

type memSample struct {
	t float64 // ms: the time of the last GC line before it
	// Figures in MiB, -1 when the line does not give them.
	rss, heapUsed, external, arrayBuffers float64
}

type memLines struct {
	samples []memSample
	stride  int // keep one line in stride
	seen    int
}

// memFieldRe finds one process.memoryUsage() figure in the forms services
// log it: JSON ("external":123456), util.inspect (external: 123456),
// key=value with a unit (external=46.8MB) or words (external 46.8 MiB).
// (Compiled on the first such line: most logs have none.)
var memFieldRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\b(rss|heapUsed|heapTotal|external|arrayBuffers)"?\s*[:=]?\s*"?([0-9]+(?:\.[0-9]+)?)\s*([KMGkmg]i?[Bb]|[Bb]|bytes)?\b`)
})

// memoryLine reads a line of the program's own output for memoryUsage()
// figures; it keeps lines that give external or arrayBuffers, the figures
// no GC line has.
func (m *memLines) memoryLine(line []byte, t float64) {
	if !bytes.Contains(line, []byte("xternal")) && !bytes.Contains(line, []byte("rrayBuffers")) {
		return
	}
	s := memSample{t: t, rss: -1, heapUsed: -1, external: -1, arrayBuffers: -1}
	for _, f := range memFieldRe().FindAllSubmatch(line, 8) {
		v, err := strconv.ParseFloat(string(f[2]), 64)
		if err != nil {
			continue
		}
		mb := toMiB(v, string(f[3]))
		switch string(f[1]) {
		case "rss":
			s.rss = mb
		case "heapUsed":
			s.heapUsed = mb
		case "external":
			s.external = mb
		case "arrayBuffers":
			s.arrayBuffers = mb
		}
	}
	if s.external < 0 && s.arrayBuffers < 0 {
		return
	}
	m.add(s)
}

// add keeps a sample, one in stride (see maxMemSamples).
func (m *memLines) add(s memSample) {
	if m.stride == 0 {
		m.stride = 1
	}
	if m.seen++; (m.seen-1)%m.stride != 0 {
		return
	}
	if len(m.samples) == maxMemSamples {
		kept := m.samples[:0]
		for i := 0; i < len(m.samples); i += 2 {
			kept = append(kept, m.samples[i])
		}
		m.samples, m.stride = kept, 2*m.stride
	}
	m.samples = append(m.samples, s)
}

// toMiB converts a figure to MiB: bytes without a unit (what
// memoryUsage() returns), and MB taken as MiB (as (x/1024/1024)+'MB' is
// how services print it).
func toMiB(v float64, unit string) float64 {
	switch unit {
	case "", "B", "b", "bytes":
		return v / (1 << 20)
	}
	switch unit[0] {
	case 'K', 'k':
		return v / 1024
	case 'G', 'g':
		return v * 1024
	}
	return v
}

// externalReportedRe is V8's verbose report of external memory after a GC
// (--trace-gc-verbose): "External memory reported:   5610 KB".
var externalReported = []byte("External memory reported:")

// externalReported reads V8's verbose external-memory line of the first
// isolate that prints one: each follows a GC line, whose time it takes.
func (a *Analyzer) externalReported(line []byte) {
	i := bytes.Index(line, externalReported)
	if i < 0 {
		return
	}
	ev := &a.ev
	k := isoKey{ev.PID, ev.Isolate}
	if !a.hasExt {
		a.extIso, a.hasExt = k, true
	} else if k != a.extIso {
		return
	}
	rest := skipSpaces(line[i+len(externalReported):])
	v, n := parseNum(rest)
	if n == 0 || !bytes.HasPrefix(skipSpaces(rest[n:]), []byte("KB")) {
		return
	}
	t := 0.0
	if a.last != nil {
		t = a.last.lastT
	}
	a.v8ext.add(memSample{t: t, rss: -1, heapUsed: -1, external: v / 1024, arrayBuffers: -1})
}

// MemoryLines is what the program's own memoryUsage() lines say, when the
// log has them, or else what V8's verbose trace reports of external
// memory after each GC.
type MemoryLines struct {
	// Source: "memoryUsage" (the program's lines) or "v8" (V8's
	// "External memory reported" lines, --trace-gc-verbose).
	Source  string `json:"source"`
	Samples int    `json:"samples"`
	// External is external memory (Buffers, ArrayBuffers and what native
	// code reports), or arrayBuffers when the lines give only that.
	Field    string        `json:"field"`
	External MemoryFigure  `json:"external"`
	RSS      *MemoryFigure `json:"rss,omitempty"`
	// Leak: external memory grew by the leak thresholds, steadily, while
	// the lines went on.
	Leak bool `json:"leak"`
}

// MemoryFigure is one figure's course over the lines: the medians of the
// first and last eighth of them, its Theil–Sen rate over the time of the
// GC lines around them, and how steadily it rose.
type MemoryFigure struct {
	FirstMB     float64 `json:"first_mb"`
	LastMB      float64 `json:"last_mb"`
	MaxMB       float64 `json:"max_mb"`
	GrowthPct   float64 `json:"growth_pct"`
	MBPerHour   float64 `json:"mb_per_hour"`
	RisingSteps int     `json:"rising_steps"`
	Steps       int     `json:"steps"`
	KendallTau  float64 `json:"kendall_tau"`
	TrendP      float64 `json:"trend_p"`
	SpanMs      float64 `json:"span_ms"`
	// LastHalfPct is the growth over the second half of the samples
	// (from the median around the middle to the last eighth's): a figure
	// that filled and levelled off has next to none.
	LastHalfPct float64 `json:"last_half_pct"`
}

// memoryFigure sums up one figure; ok with at least five samples.
func memoryFigure(samples []memSample, get func(memSample) float64) (MemoryFigure, bool) {
	var xs, ys []float64
	for _, s := range samples {
		if v := get(s); v >= 0 {
			xs, ys = append(xs, s.t), append(ys, v)
		}
	}
	n := len(ys)
	if n < 5 {
		return MemoryFigure{}, false
	}
	k := max(1, n/8)
	head, tail := median(slices.Clone(ys[:k])), median(slices.Clone(ys[n-k:]))
	f := MemoryFigure{FirstMB: round(head, 2), LastMB: round(tail, 2), MaxMB: round(slices.Max(ys), 2),
		MBPerHour: round(theilSen(xs, ys).Slope*3.6e6, 3), SpanMs: round(xs[n-1]-xs[0], 1)}
	if head > 0 {
		f.GrowthPct = round(100*(tail-head)/head, 2)
	}
	if mid := median(slices.Clone(ys[max(0, n/2-k/2) : n/2+k/2+1])); mid > 0 {
		f.LastHalfPct = round(100*(tail-mid)/mid, 2)
	}
	mk := mannKendall(ys)
	f.KendallTau, f.TrendP = round(mk.Tau, 3), round(mk.P, 6)
	f.RisingSteps, f.Steps = risingShare(ys)
	return f, true
}

// memorySummary sums up the memory lines and tests external memory for a
// leak by the heap's own thresholds: a material rise, rising steadily
// (Mann–Kendall), over at least 30 s of GC lines.
func (a *Analyzer) memorySummary() *MemoryLines {
	ss, source := a.mem.samples, "memoryUsage"
	field, get := "external", func(s memSample) float64 { return s.external }
	ext, ok := memoryFigure(ss, get)
	if !ok {
		field, get = "arrayBuffers", func(s memSample) float64 { return s.arrayBuffers }
		ext, ok = memoryFigure(ss, get)
	}
	if !ok {
		// The program logs none: V8's own reports, when verbose.
		ss, source, field, get = a.v8ext.samples, "v8", "external", func(s memSample) float64 { return s.external }
		if ext, ok = memoryFigure(ss, get); !ok {
			return nil
		}
	}
	m := &MemoryLines{Source: source, Samples: len(ss), Field: field, External: ext}
	if rss, ok := memoryFigure(ss, func(s memSample) float64 { return s.rss }); ok {
		m.RSS = &rss
	}
	th := a.opt.Thresholds
	// (Still rising over its last half, as the heap's trend must be: a
	// buffer pool that filled and holds is not a leak.)
	m.Leak = ext.SpanMs >= 30_000 && ext.GrowthPct >= th.LeakGrowthPct && ext.MBPerHour >= th.LeakMBPerHour &&
		ext.TrendP <= th.MaxTrendP && 2*ext.RisingSteps > ext.Steps && ext.LastHalfPct >= th.LeakGrowthPct/2
	return m
}

// text says it for a verdict: "external memory (Buffers, ArrayBuffers)
// grew 28.7 → 90.3 MiB over 8 of the program's memoryUsage() lines …".
func (m *MemoryLines) text() string {
	e := m.External
	verb := "grew"
	switch {
	case e.GrowthPct <= -1:
		verb = "fell"
	case e.GrowthPct < 1:
		verb = "stayed level,"
	}
	s := fmt.Sprintf("%s memory (Buffers, ArrayBuffers) %s %.1f → %.1f MiB (%+.0f%%) over %d of %s in %s, rising at %d of %d steps (Mann–Kendall τ %.2f, p %s), about %s",
		m.Field, verb, e.FirstMB, e.LastMB, e.GrowthPct, m.Samples, m.sourceText(), fmtDuration(e.SpanMs), e.RisingSteps, e.Steps, e.KendallTau, fmtP(e.TrendP), rateText(e.MBPerHour))
	if r := m.RSS; r != nil {
		s += fmt.Sprintf("; rss %.1f → %.1f MiB", r.FirstMB, r.LastMB)
	}
	return s
}

// sourceText names where the figures come from.
func (m *MemoryLines) sourceText() string {
	if m.Source == "v8" {
		return "V8's verbose reports after each GC (\"External memory reported\")"
	}
	return "the program's memoryUsage() lines"
}

// Title heads the figures in a report.
func (m *MemoryLines) Title() string {
	if m.Source == "v8" {
		return "external memory"
	}
	return "memoryUsage() lines"
}

// seeText points a reader at the figures.
func (m *MemoryLines) seeText() string {
	if m.Source == "v8" {
		return "V8's external memory reports"
	}
	return "the memoryUsage() lines"
}
