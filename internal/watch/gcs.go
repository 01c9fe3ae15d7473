package watch

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/leakhound/leakhound/internal/store"
)

// Forced GCs: collections the program's allocation did not cause. node
// flags those global.gc() runs (NODE_PERFORMANCE_GC_FLAGS_FORCED); the
// GCs of a heap snapshot or of the inspector's collectGarbage carry no
// flag, so watch notes the target-clock window of each one it asks for
// itself (its snapshots, its gc action, --count's Runtime.queryObjects)
// and marks the GCs that start inside. They are counted apart (sample events' forced_gcs, the history's
// "<kind>-forced" rows, leakhound_gc_forced_total) and still feed the
// leak signal: right after a full GC the heap is the live heap.

// maxWindows bounds the windows kept: GC records are drained at the next
// sample, so only the last few can still match.
const maxWindows = 16

// window is a span of the target's performance.now() clock, in ms.
type window struct{ from, to float64 }

// forcing runs fn, which makes the target collect garbage, and notes the
// target-clock window it took so the GCs inside count as forced. A
// target whose clock cannot be read only loses the marking.
func (a *agent) forcing(ctx context.Context, fn func() error) error {
	from, ok := a.targetNow(ctx)
	err := fn()
	if to, ok2 := a.targetNow(ctx); ok && ok2 {
		a.windows = append(a.windows, window{from, to})
		if len(a.windows) > maxWindows {
			a.windows = a.windows[len(a.windows)-maxWindows:]
		}
	}
	return err
}

func (a *agent) targetNow(ctx context.Context) (float64, bool) {
	var raw json.RawMessage
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.eval(tctx, nowJS, &raw); err != nil {
		return 0, false
	}
	var t float64
	if json.Unmarshal(raw, &t) != nil {
		return 0, false
	}
	return t, true
}

// forced tells whether a GC record (kind, pause, start, oldGen[, flags])
// was forced.
func (a *agent) forced(g []float64) bool {
	if len(g) > 4 && int(g[4])&gcFlagForced != 0 {
		return true
	}
	for _, w := range a.windows {
		if g[2] >= w.from && g[2] <= w.to {
			return true
		}
	}
	return false
}

// gcTally is what one sample's GC records add up to.
type gcTally struct {
	all, majors, forced int
	recs                []store.GC
}

// collect turns one sample's GC records into metrics, store records and
// leak-signal steps. Major GCs are kept one by one (the leak signal's
// history); the others are folded per kind into one record per sample.
// Forced GCs are stored under "<kind>-forced".
func (a *agent) collect(ctx context.Context, now time.Time, gcs [][]float64) gcTally {
	var tl gcTally
	folded := map[string]*store.GC{}
	var order []string
	for _, g := range gcs {
		if len(g) < 4 {
			continue
		}
		tl.all++
		kind := gcKindName(int(g[0]))
		t := time.UnixMicro(int64((a.info.Origin + g[2]) * 1000))
		pause := time.Duration(g[1] * float64(time.Millisecond))
		forced := a.forced(g)
		if a.cfg.Metrics != nil {
			a.cfg.Metrics.GC(kind, pause)
			if forced {
				a.cfg.Metrics.ForcedGC(kind)
			}
		}
		name := kind
		if forced {
			tl.forced++
			name += "-forced"
		}
		if kind == "major" {
			tl.majors++
			tl.recs = append(tl.recs, store.GC{Time: t, Kind: name, Count: 1, Pause: pause, HeapAfter: int64(g[3])})
			a.leakStep(ctx, t, int64(g[3]))
			continue
		}
		f := folded[name]
		if f == nil {
			f = &store.GC{Time: now, Kind: name}
			folded[name] = f
			order = append(order, name)
		}
		f.Count++
		f.Pause += pause
		f.MaxPause = max(f.MaxPause, pause)
	}
	for _, k := range order {
		tl.recs = append(tl.recs, *folded[k])
	}
	return tl
}

// gcText says a sample's GCs for its event message: "12 GCs (3 major)",
// "12 GCs (3 major, 2 forced)".
func (tl gcTally) text() string {
	if tl.forced > 0 {
		return fmt.Sprintf("%d GCs (%d major, %d forced)", tl.all, tl.majors, tl.forced)
	}
	return fmt.Sprintf("%d GCs (%d major)", tl.all, tl.majors)
}
