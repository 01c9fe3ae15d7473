package gctrace

import (
	"fmt"
	"strings"
)

// Forced GCs: collections something outside the program's allocation
// asked for (global.gc(), a heap snapshot, a low-memory notification).
// They are counted and shown apart and left out of time in GC, mutator
// utilisation and the pressure verdict, so that those speak of the
// program's own allocation; the post-GC heap trend keeps them.

// maxReasons bounds the reasons kept per isolate; a hostile log cannot
// make more than the list of forced reasons anyway.
const maxReasons = len(forcedReasons)

type reasonStat struct {
	reason       string
	n, majors    int64
	pauseMs      float64
	unknownPause int64
}

type forcedStat struct {
	n, majors    int64
	pauseMs      float64 // known pauses
	incMs        float64
	unknownPause int64
	reasons      []reasonStat
}

func (f *forcedStat) add(ev *Event) {
	f.n++
	if ev.Major {
		f.majors++
	}
	f.incMs += ev.IncrementalMs
	var r *reasonStat
	for i := range f.reasons {
		if f.reasons[i].reason == string(ev.Reason) {
			r = &f.reasons[i]
		}
	}
	if r == nil && len(f.reasons) < maxReasons {
		f.reasons = append(f.reasons, reasonStat{reason: string(ev.Reason)})
		r = &f.reasons[len(f.reasons)-1]
	}
	if ev.PauseMs >= 0 {
		f.pauseMs += ev.PauseMs
	} else {
		f.unknownPause++
	}
	if r != nil {
		r.n++
		if ev.Major {
			r.majors++
		}
		if ev.PauseMs >= 0 {
			r.pauseMs += ev.PauseMs
		} else {
			r.unknownPause++
		}
	}
}

func (f *forcedStat) merge(o *forcedStat) {
	f.n += o.n
	f.majors += o.majors
	f.pauseMs += o.pauseMs
	f.incMs += o.incMs
	f.unknownPause += o.unknownPause
	for _, r := range o.reasons {
		found := false
		for i := range f.reasons {
			if f.reasons[i].reason == r.reason {
				x := &f.reasons[i]
				x.n, x.majors, x.pauseMs, x.unknownPause = x.n+r.n, x.majors+r.majors, x.pauseMs+r.pauseMs, x.unknownPause+r.unknownPause
				found = true
			}
		}
		if !found && len(f.reasons) < maxReasons {
			f.reasons = append(f.reasons, r)
		}
	}
}

// time is what forced GCs took from the program: pauses and the
// incremental marking they finished.
func (f *forcedStat) time() float64 { return f.pauseMs + f.incMs }

// ForcedReasonSummary is one reason's share of the forced GCs.
type ForcedReasonSummary struct {
	Reason   string  `json:"reason"`
	What     string  `json:"what"` // what usually asks for it: "global.gc()", "heap snapshot", ...
	GCs      int64   `json:"gcs"`
	MajorGCs int64   `json:"major_gcs"`
	PauseMs  float64 `json:"pause_ms"`
}

// ForcedSummary counts the forced GCs. Their pauses are not in gc_ms,
// gc_share, mutator_utilization or the verdict; they are in by_type
// (rows with "forced": true) and in the chart and post-GC trend.
type ForcedSummary struct {
	GCs           int64   `json:"gcs"`
	MajorGCs      int64   `json:"major_gcs"`
	PauseMs       float64 `json:"pause_ms"`
	IncrementalMs float64 `json:"incremental_marking_ms"`
	// Share is their time as a share of the wall time.
	Share float64 `json:"share"`
	// PauseUnknown counts forced GCs whose line lost the pause figures.
	PauseUnknown int64                 `json:"pause_unknown,omitempty"`
	Reasons      []ForcedReasonSummary `json:"reasons"`
}

func (f *forcedStat) summary(wallMs float64) *ForcedSummary {
	if f.n == 0 {
		return nil
	}
	fs := &ForcedSummary{GCs: f.n, MajorGCs: f.majors, PauseMs: round(f.pauseMs, 2), IncrementalMs: round(f.incMs, 2),
		PauseUnknown: f.unknownPause, Reasons: []ForcedReasonSummary{}}
	if wallMs > 0 {
		fs.Share = round(min(1, f.time()/wallMs), 4)
	}
	for _, r := range f.reasons {
		fs.Reasons = append(fs.Reasons, ForcedReasonSummary{Reason: r.reason, What: forcedWhat(r.reason),
			GCs: r.n, MajorGCs: r.majors, PauseMs: round(r.pauseMs, 2)})
	}
	return fs
}

// forcedWhat names what usually asks for a GC with this reason in Node.
func forcedWhat(reason string) string {
	switch reason {
	case "testing", "Isolate::RequestGarbageCollection":
		return "global.gc()"
	case "heap profiler":
		return "heap snapshot"
	case "low memory notification":
		return "low-memory notification (the inspector's collectGarbage)"
	case "memory pressure":
		return "embedder's memory-pressure notification"
	case "measure memory":
		return "memory measurement"
	case "sampling profiler":
		return "sampling heap profiler"
	case "debugger":
		return "debugger"
	}
	return reason
}

// String says it in one line for verdicts: "13 forced GCs (global.gc()
// ×13), 309 ms of pauses".
func (fs *ForcedSummary) String() string {
	return fmt.Sprintf("%d forced GC%s %s", fs.GCs, plural(int(fs.GCs)), fs.detail())
}

// detail is String without the count's noun: "(global.gc() ×13), 309 ms
// of pauses".
func (fs *ForcedSummary) detail() string {
	parts := make([]string, 0, len(fs.Reasons))
	for _, r := range fs.Reasons {
		parts = append(parts, fmt.Sprintf("%s ×%d", r.What, r.GCs))
	}
	return fmt.Sprintf("(%s), %s of pauses", strings.Join(parts, ", "), fmtMs(fs.PauseMs))
}
