package watch

import "time"

// LeakDetector is memwatch's leak signal, computed from outside the
// process: the heap after each major GC is compared with the one after the
// previous major GC; when it has grown across Window consecutive major GCs
// by at least MinGrowth in total, the signal turns on. Any shrink turns it
// off and restarts the count. A post-GC heap exactly equal to the previous
// one is no news and neither rises nor breaks the run: the probe measures
// the old generation once per batch of GC entries, so the two back-to-back
// full GCs of a heap snapshot (or of any forced GC pair) report the same
// number, and treating that as "not growing" reset every run that spanned
// a snapshot (watch --snapshot-every never raised the signal).
//
// MinGrowth is what keeps healthy programs quiet: the post-GC heap of a
// steady program wobbles by a few hundred KB, and five small rises in a
// row happen by chance every few hundred GCs; a leak's rises add up.
type LeakDetector struct {
	Window    int   // consecutive growing major GCs (default 5)
	MinGrowth int64 // total growth across the window, bytes (default 1 MiB)

	prev   int64
	run    []point // the current run of rising post-GC heaps, oldest first
	active bool
}

type point struct {
	t time.Time
	v int64
}

// LeakSignal describes the growth when the signal turns on or is updated.
type LeakSignal struct {
	GCs         int           // major GCs in the growing run
	Start, End  int64         // post-GC heap at the run's start and end
	Growth      int64         // End - Start
	Span        time.Duration // time between the run's first and last GC
	BytesPerSec float64
}

// Progress is how far the current run is from firing: rising major GCs so
// far (capped at the window), the window, and the growth so far and needed.
func (d *LeakDetector) Progress() (rises, window int, growth, minGrowth int64) {
	window, minGrowth = d.Window, d.MinGrowth
	if window <= 0 {
		window = 5
	}
	if minGrowth <= 0 {
		minGrowth = 1 << 20
	}
	s := d.signal()
	return s.GCs, window, s.Growth, minGrowth
}

// Last is the post-GC heap of the last major GC fed (0: none yet).
func (d *LeakDetector) Last() int64 { return d.prev }

// Active reports whether the signal is on.
func (d *LeakDetector) Active() bool { return d.active }

// Reset forgets history (a new process).
func (d *LeakDetector) Reset() { d.prev, d.run, d.active = 0, d.run[:0], false }

// Add feeds the post-GC heap of one major GC. It returns the current run
// and whether the signal just turned on (fired) or turned off (cleared).
func (d *LeakDetector) Add(t time.Time, heapAfter int64) (sig LeakSignal, fired, cleared bool) {
	window := d.Window
	if window <= 0 {
		window = 5
	}
	minGrowth := d.MinGrowth
	if minGrowth <= 0 {
		minGrowth = 1 << 20
	}
	if heapAfter <= 0 {
		return sig, false, false
	}
	if len(d.run) > 0 && heapAfter == d.prev {
		return d.signal(), false, false
	}
	if len(d.run) == 0 || heapAfter < d.prev {
		if d.active {
			cleared = true
		}
		d.active = false
		d.run = append(d.run[:0], point{t, heapAfter})
		d.prev = heapAfter
		return d.signal(), false, cleared
	}
	d.prev = heapAfter
	d.run = append(d.run, point{t, heapAfter})
	// Keep the run bounded; the rate is over the most recent window.
	if len(d.run) > 4*window {
		copy(d.run, d.run[len(d.run)-window-1:])
		d.run = d.run[:window+1]
	}
	sig = d.signal()
	if !d.active && sig.GCs >= window && sig.Growth >= minGrowth {
		d.active = true
		return sig, true, false
	}
	return sig, false, false
}

// signal summarises the last Window+1 points of the run (GCs counts rises).
func (d *LeakDetector) signal() LeakSignal {
	if len(d.run) < 2 {
		return LeakSignal{}
	}
	window := d.Window
	if window <= 0 {
		window = 5
	}
	pts := d.run
	if len(pts) > window+1 {
		pts = pts[len(pts)-window-1:]
	}
	first, last := pts[0], pts[len(pts)-1]
	s := LeakSignal{GCs: len(pts) - 1, Start: first.v, End: last.v, Growth: last.v - first.v, Span: last.t.Sub(first.t)}
	if s.Span > 0 {
		s.BytesPerSec = float64(s.Growth) / s.Span.Seconds()
	}
	return s
}
