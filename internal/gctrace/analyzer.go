package gctrace

import (
	"bytes"
	"math"
)

// Options configure an Analyzer; zero values take defaults.
type Options struct {
	Thresholds  Thresholds
	ChartPoints int // points kept per isolate for the chart (default 1024)
	FitPoints   int // major GCs kept per isolate for the trend fit (default 512)
	// WarmupMs leaves major GCs in each isolate's first WarmupMs out of the
	// post-GC trend (a service filling its caches at start is not a leak);
	// they still count in pauses, time in GC and the chart.
	WarmupMs float64
	// HeapLimitMB is the process's old-space limit (its
	// --max-old-space-size) when the caller knows it; 0 = unknown. A
	// trace does not say it.
	HeapLimitMB float64
}

// maxLine bounds one line; longer lines (never printed by V8) are skipped
// and counted so a log without newlines cannot grow our memory.
const maxLine = 1 << 20

// maxIsolates and maxTypes bound per-log state against hostile input.
const (
	maxIsolates = 4096
	maxTypes    = 32
	maxSpaces   = 32
)

// LineCounts says what the log contained.
type LineCounts struct {
	Total     int64 `json:"total"`
	GC        int64 `json:"gc"`        // --trace-gc lines
	NVP       int64 `json:"nvp"`       // --trace-gc-nvp lines
	Verbose   int64 `json:"verbose"`   // --trace-gc-verbose and other V8 lines
	Skipped   int64 `json:"skipped"`   // the application's own output
	Malformed int64 `json:"malformed"` // looked like GC lines but did not parse
	// GCLike are skipped lines that still hold " ms: Scavenge", " ms:
	// Mark-" or " ms: pause=" without V8's "[pid:0xisolate]" prefix before
	// it (a split or damaged record): part of Skipped, and worth a warning.
	GCLike   int64 `json:"gc_like"`
	Overlong int64 `json:"overlong"` // longer than 1 MiB, skipped
	// Replayed are the "Last few GCs" V8 prints again when it dies of
	// heap exhaustion; they were already counted once.
	Replayed int64 `json:"replayed"`
	// Dropped are GC lines of isolates beyond the 4096th, which a real log
	// never has; the limit keeps a hostile log from growing our memory.
	Dropped int64 `json:"dropped"`
	// Joined are records that followed another on the same line (V8's
	// out-of-memory replay joins the records it cut off; pastes lose
	// newlines); each is also counted in Total as a line of its own.
	Joined int64 `json:"joined,omitempty"`
}

type isoKey struct {
	pid  int64
	addr uint64
}

type typeStat struct {
	name    string
	major   bool
	forced  bool  // the forced GCs of this type, kept apart from the program's own
	unknown int64 // GCs whose line lost the pause figures
	sk      pauseSketch
}

type spaceStat struct {
	name                         string
	used, avail, committed, peak float64
}

type isolate struct {
	key     isoKey
	restart int // how many times this pid:isolate's clock went back (a new isolate at a reused address)

	n              int64
	firstT, firstP float64
	lastT          float64
	pauseMs, incMs float64 // of the program's own GCs with known pauses
	// external: the program's own GCs whose reason is external memory
	// pressure (Buffers and ArrayBuffers outside the JavaScript heap).
	external        int64
	unknownPause    int64 // own GCs whose line lost the pause figures
	forced          forcedStat
	majors          int64 // major GCs after the warm-up: the trend's
	types           []*typeStat
	fit             sample
	chart           series
	spaces          []spaceStat
	muAvg           float64
	peakCommittedMB float64
	lastFit         int // index in fit.pts of the last GC if it was a kept major GC, else -1
	// long: the program's major GCs whose pause reached the pressure
	// threshold, and when the first and last of them ended (ms): a few
	// close together are a burst, not sustained pressure.
	long                int64
	longFirst, longLast float64
	// sinceMajor: the scavenges after the last major GC, the largest
	// heap one left and when the last ran. What is left after any GC
	// bounds the live heap from above, so a ceiling held for long says
	// the live heap did not grow there.
	sinceMajor struct {
		n                     int64
		firstMB, maxMB, lastT float64 // firstMB: what the first left
		// The level the scavenges have kept under since levelT (what
		// the first of them left, 5 % and 1 MiB above it), and how
		// many ran since: a heap that rose after the last major GC
		// and then held (an index built, then served from).
		levelMB, levelT, levelMax float64
		levelN                    int64
	}
}

// Analyzer consumes a GC log as a stream (it is an io.Writer) and keeps
// memory bounded: per isolate, a few sketches and two capped series.
type Analyzer struct {
	opt      Options
	lines    LineCounts
	isolates []*isolate
	index    map[isoKey]*isolate
	mem      memLines // the program's own memoryUsage() lines
	// v8ext: what V8's verbose trace reports of external memory after
	// each GC (--trace-gc-verbose), for one isolate (extIso).
	v8ext    memLines
	extIso   isoKey
	hasExt   bool
	gens     map[isoKey]int
	last     *isolate
	carry    []byte
	json     []byte // a docker json-file line's "log" string, unescaped
	dropping bool   // inside an overlong line
	replay   bool   // after "<--- Last few GCs --->"
	other    int    // non-GC lines since replay began
	oom      bool   // V8 reported "JavaScript heap out of memory"
	prevV8   bool   // the last line was another of V8's (KindV8)
	ev       Event
}

// NewAnalyzer returns an empty analyser.
func NewAnalyzer(opt Options) *Analyzer {
	if opt.Thresholds == (Thresholds{}) {
		opt.Thresholds = DefaultThresholds()
	}
	// Thresholds built before these two existed keep working.
	if opt.Thresholds.MaxTrendP <= 0 {
		opt.Thresholds.MaxTrendP = DefaultThresholds().MaxTrendP
	}
	if opt.Thresholds.NearLimitPct <= 0 {
		opt.Thresholds.NearLimitPct = DefaultThresholds().NearLimitPct
	}
	if opt.ChartPoints <= 1 {
		opt.ChartPoints = 1024
	}
	if opt.FitPoints <= 1 {
		opt.FitPoints = 512
	}
	return &Analyzer{opt: opt, index: map[isoKey]*isolate{}, gens: map[isoKey]int{}}
}

// Write feeds log bytes; lines may be split across calls. It never fails.
func (a *Analyzer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			if a.dropping {
				return n, nil
			}
			if len(a.carry)+len(p) > maxLine {
				a.lines.Total++
				a.lines.Overlong++
				a.carry = a.carry[:0]
				a.dropping = true
				return n, nil
			}
			a.carry = append(a.carry, p...)
			return n, nil
		}
		line := p[:i]
		p = p[i+1:]
		if a.dropping {
			a.dropping = false
			continue
		}
		if len(a.carry) > 0 {
			if len(a.carry)+len(line) > maxLine {
				a.lines.Total++
				a.lines.Overlong++
				a.carry = a.carry[:0]
				continue
			}
			a.carry = append(a.carry, line...)
			a.Line(a.carry)
			a.carry = a.carry[:0]
			continue
		}
		a.Line(line)
	}
	return n, nil
}

// Flush processes a final line that had no newline.
func (a *Analyzer) Flush() {
	if len(a.carry) > 0 {
		a.Line(a.carry)
		a.carry = a.carry[:0]
	}
	a.dropping = false
}

// Line processes one line (without its newline).
func (a *Analyzer) Line(line []byte) {
	a.lines.Total++
	ev := &a.ev
	if l, ok := dockerLog(line, a.json[:0]); ok {
		// Docker's json-file driver: the line is a JSON object whose
		// "log" string escapes what V8 printed ('>' as \u003e, NVP's
		// quotes as \").
		a.json = l
		line = l
	}
	// ParseLine finds the record anywhere in the line, which also covers
	// the first line of V8's out-of-memory replay: V8 keeps the last GC
	// lines in a ring buffer, so it can start with the tail of an older
	// line ("nt[pid:0x…]").
	for {
		k := ParseLine(line, ev)
		next := ev.Next
		a.record(k, line)
		if next <= 0 {
			return
		}
		// Another record follows on the same line (V8's replay joins the
		// records it cut off; a paste loses newlines): it counts as a line
		// of its own.
		line = line[next:]
		a.lines.Total++
		a.lines.Joined++
	}
}

// record counts one parsed record and feeds it to its isolate.
func (a *Analyzer) record(k Kind, line []byte) {
	ev := &a.ev
	prevV8 := a.prevV8
	a.prevV8 = k == KindV8
	if (k == KindGC || k == KindNVP || k == KindMalformed) && a.replay {
		if iso := a.lookup(ev, false); iso != nil && ev.TimeMs > 0 && ev.TimeMs <= iso.lastT {
			a.lines.Replayed++
			return
		}
	}
	switch k {
	case KindGC, KindNVP:
		if !a.gc(ev) {
			a.lines.Dropped++
		} else if k == KindGC {
			a.lines.GC++
		} else {
			a.lines.NVP++
		}
	case KindSpace:
		a.lines.Verbose++
		a.space(ev)
	case KindV8:
		a.lines.Verbose++
		a.externalReported(line)
	case KindMalformed:
		a.lines.Malformed++
	default:
		if prevV8 && bytes.HasPrefix(line, []byte(", ")) {
			// The rest of V8's line above, printed after a newline of its
			// own (node 26's "Memory pool: …\n, removed zone reservations").
			a.lines.Verbose++
			break
		}
		a.lines.Skipped++
		t := 0.0
		if a.last != nil {
			t = a.last.lastT
		}
		a.mem.memoryLine(line, t)
		if LooksLikeGC(line) {
			a.lines.GCLike++
		}
		a.markers(line)
	}
}

// markers notices V8's fatal out-of-memory report, whose "Last few GCs"
// section repeats GC lines already seen.
//
// The replay ends at V8's next section ("<--- JS stacktrace --->"), not
// at the first other line: behind a log collector's prefix even the blank
// lines around the section are not blank. A few lines of other output
// interleaved (another process) are allowed; many end it too.
func (a *Analyzer) markers(line []byte) {
	if len(bytes.TrimSpace(line)) == 0 {
		return
	}
	if bytes.Contains(line, []byte("<--- Last few GCs --->")) {
		a.replay, a.other = true, 0
		return
	}
	if a.other++; a.other > 16 || bytes.Contains(line, []byte("<--- ")) {
		a.replay = false
	}
	if bytes.Contains(line, []byte("JavaScript heap out of memory")) {
		a.oom = true
		a.replay = false
	}
}

func (a *Analyzer) lookup(ev *Event, create bool) *isolate {
	k := isoKey{ev.PID, ev.Isolate}
	if a.last != nil && a.last.key == k {
		return a.last
	}
	iso := a.index[k]
	if iso == nil && create {
		if len(a.isolates) >= maxIsolates {
			return nil
		}
		iso = a.newIsolate(k)
	}
	if iso != nil {
		a.last = iso
	}
	return iso
}

func (a *Analyzer) newIsolate(k isoKey) *isolate {
	iso := &isolate{key: k, restart: a.gens[k], muAvg: -1, lastFit: -1,
		fit: sample{cap: a.opt.FitPoints, stride: 1}, chart: newSeries(a.opt.ChartPoints)}
	a.gens[k]++
	a.isolates = append(a.isolates, iso)
	a.index[k] = iso
	a.last = iso
	return iso
}

// gc records one GC; false when the isolate limit dropped it.
func (a *Analyzer) gc(ev *Event) bool {
	iso := a.lookup(ev, true)
	if iso == nil {
		return false
	}
	if iso.n > 0 && ev.TimeMs+1 < iso.lastT {
		// The clock went back: a new isolate at a reused address (a
		// worker restarted) or a second run appended to the log.
		if len(a.isolates) >= maxIsolates {
			return false
		}
		iso = a.newIsolate(iso.key)
	}
	if iso.n == 0 {
		iso.firstT, iso.firstP = ev.TimeMs, max(ev.PauseMs, 0)
	}
	iso.n++
	iso.lastT = ev.TimeMs
	if ev.Forced {
		iso.forced.add(ev)
	} else {
		if ev.PauseMs >= 0 {
			iso.pauseMs += ev.PauseMs
		} else {
			iso.unknownPause++
		}
		iso.incMs += ev.IncrementalMs
		if bytes.Contains(ev.Reason, []byte("external memory pressure")) {
			iso.external++
		}
	}
	if ev.MuAverage >= 0 {
		iso.muAvg = ev.MuAverage
	}
	iso.peakCommittedMB = max(iso.peakCommittedMB, ev.BeforeCommittedMB, ev.AfterCommittedMB)
	var ts *typeStat
	for _, t := range iso.types {
		if t.name == string(ev.Type) && t.forced == ev.Forced {
			ts = t
			break
		}
	}
	if ts == nil {
		name := string(ev.Type)
		if len(iso.types) >= maxTypes {
			name = "other"
			for _, t := range iso.types {
				if t.name == name && t.forced == ev.Forced {
					ts = t
				}
			}
		}
		if ts == nil {
			ts = &typeStat{name: name, major: ev.Major, forced: ev.Forced}
			iso.types = append(iso.types, ts)
		}
	}
	if ev.PauseMs >= 0 {
		ts.sk.add(ev.PauseMs)
		if ev.Major && !ev.Forced && ev.PauseMs >= a.opt.Thresholds.PressureP95PauseMs {
			if iso.long == 0 {
				iso.longFirst = ev.TimeMs
			}
			iso.long++
			iso.longLast = ev.TimeMs
		}
	} else {
		ts.unknown++
	}
	// Forced GCs stay in the chart and the post-GC trend: right after a
	// full collection the heap is the live heap, the best sample there is.
	p := point{T: ev.TimeMs, Before: ev.BeforeMB, After: ev.AfterMB, Major: ev.Major, Forced: ev.Forced}
	iso.chart.add(p)
	if sm := &iso.sinceMajor; ev.Major {
		p.Top, p.First, p.Scavs = sm.maxMB, sm.firstMB, int32(min(sm.n, math.MaxInt32))
		sm.n, sm.maxMB = 0, 0
	} else {
		if sm.n++; sm.n == 1 {
			sm.firstMB = ev.AfterMB
		}
		sm.maxMB, sm.lastT = max(sm.maxMB, ev.AfterMB), ev.TimeMs
		if sm.n == 1 || !levelOf(sm.levelMB, ev.AfterMB) {
			sm.levelMB, sm.levelT, sm.levelN, sm.levelMax = ev.AfterMB, ev.TimeMs, 0, 0
		}
		sm.levelN, sm.levelMax = sm.levelN+1, max(sm.levelMax, ev.AfterMB)
	}
	if ev.Major && ev.TimeMs >= a.opt.WarmupMs {
		iso.majors++
		p.OldKB = -1
		iso.lastFit = iso.fit.add(p)
	} else {
		iso.lastFit = -1
	}
	return true
}

func (a *Analyzer) space(ev *Event) {
	iso := a.lookup(ev, false)
	if iso == nil {
		return // verbose lines before the isolate's first GC belong to no GC
	}
	// The verbose block follows the GC it describes: old space after a
	// major GC is the part of the heap a leak grows.
	if iso.lastFit >= 0 && iso.lastFit < len(iso.fit.pts) && string(ev.Space) == "Old space" {
		iso.fit.pts[iso.lastFit].OldKB = ev.UsedKB
	}
	for i := range iso.spaces {
		s := &iso.spaces[i]
		if s.name == string(ev.Space) {
			s.used, s.avail, s.committed = ev.UsedKB, ev.AvailableKB, ev.CommittedKB
			s.peak = max(s.peak, ev.UsedKB)
			return
		}
	}
	if len(iso.spaces) < maxSpaces {
		iso.spaces = append(iso.spaces, spaceStat{name: string(bytes.TrimSpace(ev.Space)),
			used: ev.UsedKB, avail: ev.AvailableKB, committed: ev.CommittedKB, peak: ev.UsedKB})
	}
}

// Lines returns the line counts so far.
func (a *Analyzer) Lines() LineCounts { return a.lines }

// GCs returns how many GC events were parsed so far.
func (a *Analyzer) GCs() int64 { return a.lines.GC + a.lines.NVP }
