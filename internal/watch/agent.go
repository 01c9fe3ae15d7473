// Package watch is leakhound's monitoring agent for a live node process:
// through the inspector it samples process.memoryUsage() figures every
// interval and every GC (kind, pause, post-GC heap), raises memwatch's leak
// signal, fires tiered heap thresholds' actions with cooldowns, takes
// periodic snapshots with retention and runs the automatic leak analysis on
// the last three. Everything goes to the store (history), the metrics
// (Prometheus) and an event stream (the user's terminal). The target's code
// is never changed: a PerformanceObserver is installed by evaluation and
// removed when watch stops.
package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/ui"
)

// Conn is what the agent needs of an inspector connection
// (*inspector.Conn implements it).
type Conn interface {
	Call(ctx context.Context, method string, params, result any) error
	Done() <-chan struct{}
	Err() error
	Close() error
}

// ErrGone is returned by Config.Connect when the target can never come
// back (a pid that exited): the agent stops instead of waiting.
var ErrGone = errors.New("target exited")

// ErrFinished: the target's program finished (its event loop emptied) and
// node waits for its inspector clients to disconnect before exiting; the
// agent disconnected to let it go.
// ErrRenumbered is wrapped by an Analyze error when the snapshots' object
// ids do not match: V8 forgets its ids when any inspector session ends
// (DevTools closed, a `leakhound capture` done), so snapshots before and
// after cannot be compared. The automatic analysis then starts a new series.
var ErrRenumbered = errors.New("snapshot ids renumbered")

var ErrFinished = errors.New("the target's program finished (its event loop emptied); disconnected so it can exit")

// errDone ends a session when the agent has done what it was asked.
var errDone = errors.New("done")

// finishedReason ends a session in the history when the program finished.
const finishedReason = "target exited: its program finished"

// sampleTimeout bounds the wait for one sample. A target paused by a heap
// snapshot (another watch's, a capture) answers late, and a big heap's
// snapshot takes minutes: the sample is waited for, with a "busy" event.
const sampleTimeout = 10 * time.Minute

// busyAfter is how late an answer is before a "busy" event (at least the
// interval). A variable for tests.
var busyAfter = 5 * time.Second

type agent struct {
	cfg         Config
	waitingSaid bool // "disconnected" said since the last "connected"
	name        string
	conn        Conn
	info        Info
	session     int64
	pending     []store.Event
	last        map[string]time.Time // cooldowns: "trigger/action" -> last fired
	seq         int
	sample      store.Sample
	samples     int    // samples taken, all sessions
	periodic    int    // periodic snapshots taken
	workers     int    // worker threads last noted
	id          string // this watcher's registration in the target's probe
	// analysing delivers the result of the automatic analysis running in
	// the background; nil when none runs. One at a time.
	analysing chan analysis
	// stop ends with ctx or when Config.Duration has passed: sampling and
	// waiting stop, but actions in progress run on ctx and finish.
	stop context.Context
	// finished is closed when node says the program has finished.
	finished <-chan struct{}
	// tickSnap is the snapshot taken for the current sample: one sample
	// over several triggers (warn and critical, the leak signal) takes one
	// snapshot, not one per trigger.
	tickSnap    string
	tickSnapErr error
	// seriesStart is the base name of the first periodic snapshot the
	// automatic analysis may compare (V8 renumbered the objects before
	// it); "" for all. newSeries: the next snapshot starts a series (this
	// session is a new one, so ids were renumbered).
	seriesStart string
	newSeries   bool
	// windows are the target-clock spans of the GCs watch itself asked
	// for (snapshots, the gc action): GCs starting inside are forced.
	windows []window
	// trackers are Config.Tracked's state; mainDir is the main module's
	// folder, for require('./x') in their expressions.
	trackers []*tracker
	mainDir  string
	// oom follows the folder node writes near-heap-limit snapshots to;
	// nil when none is armed.
	oom *oomWatch
	// nearLimitSnap is the snapshot node wrote near the heap limit in
	// this session ("" before): node then raises the limit for good, and
	// the threshold actions take no second one of a heap grown past it.
	nearLimitSnap string
}

// Run watches until ctx ends (nil error), or the target is gone and
// cannot come back, or the connection is lost without Reconnect.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Cooldown <= 0 {
		cfg.Cooldown = 10 * time.Minute
	}
	if cfg.Keep <= 0 {
		cfg.Keep = 3
	}
	if cfg.CountEvery <= 0 {
		cfg.CountEvery = time.Minute
	}
	a := &agent{cfg: cfg, last: map[string]time.Time{}, id: newID(), stop: ctx}
	for _, t := range cfg.Tracked {
		a.trackers = append(a.trackers, &tracker{Tracked: t, first: -1})
	}
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		a.stop, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	c, err := cfg.Connect(ctx)
	if err != nil {
		return err
	}
	for {
		err := a.session1(ctx, c)
		// A target that ran out of memory died, or the session ended
		// otherwise: collect what node wrote near the heap limit first.
		a.collectOOM(ctx, true)
		a.oom, a.nearLimitSnap = nil, ""
		if a.stop.Err() != nil || errors.Is(err, errDone) {
			return nil
		}
		if !cfg.Reconnect || a.samples == 0 && !errors.Is(err, ErrFinished) {
			if errors.Is(err, ErrFinished) {
				a.emit(Event{Kind: "exited", Message: err.Error()})
			}
			// Never got going (the probe could not be installed): waiting
			// would only fail the same way again.
			return err
		}
		// Said only if it comes to waiting: a pid that exited (even
		// killed, with no word from node) is reported gone instead.
		waiting := Event{Kind: "disconnected", Message: fmt.Sprintf("%v; waiting for the target to come back", err)}
		later, lost := true, err
		if errors.Is(err, ErrFinished) {
			a.emit(Event{Kind: "exited", Message: err.Error()})
			waiting.Message, lost = "target exited; waiting for it to come back", nil
		}
		// A session that node dropped before it got going (a restarted
		// target still starting up) is one more failed attempt, not a
		// second disconnection.
		if a.waitingSaid {
			later = false
		} else if !later {
			a.emit(waiting)
			a.waitingSaid = true
		}
		// The old session is gone, and with it V8's object ids: later
		// snapshots form a new series for the automatic analysis.
		a.newSeries = true
		c, err = a.reconnect(a.stop, func() {
			if later {
				later = false
				a.emit(waiting)
				a.waitingSaid = true
			}
		})
		if err != nil {
			if a.stop.Err() != nil {
				return nil
			}
			return err
		}
		if later && lost != nil {
			// Back at the first try: the loss is still worth a line.
			a.emit(Event{Kind: "disconnected", Message: lost.Error()})
		}
		if cfg.Metrics != nil {
			cfg.Metrics.Reconnect()
		}
	}
}

// reconnect calls Connect until it succeeds, says the target is gone, or
// ctx ends; waiting is called after each failed attempt.
func (a *agent) reconnect(ctx context.Context, waiting func()) (Conn, error) {
	wait := 500 * time.Millisecond
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		c, err := a.cfg.Connect(ctx)
		if err == nil {
			return c, nil
		}
		if errors.Is(err, ErrGone) {
			return nil, err
		}
		waiting()
		if wait < 5*time.Second {
			wait *= 2
		}
	}
}

// session1 runs one connection's life: install, sample until the
// connection ends or ctx is done, clean up.
func (a *agent) session1(ctx context.Context, c Conn) (err error) {
	a.conn = c
	defer c.Close()
	a.finished = nil
	if err := a.install(ctx); err != nil {
		if inspector.ContextGone(err) {
			return ErrFinished
		}
		return err
	}
	// Node holds a finished program until every inspector client has
	// gone: ask to be told, so a batch job or a graceful shutdown is not
	// kept alive by watching it. (Chrome has no such notice.)
	if n, ok := c.(interface {
		NotifyFinished(context.Context) (<-chan struct{}, error)
	}); ok {
		nctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if ch, err := n.NotifyFinished(nctx); err == nil {
			a.finished = ch
		}
		cancel()
	}
	a.cfg.Leak.Reset()
	a.workers = 0
	if a.name == "" {
		a.name = a.cfg.Name
		if a.name == "" {
			a.name = a.info.DefaultName()
		}
	}
	start := time.Now()
	if a.cfg.Store != nil {
		a.session, err = a.cfg.Store.StartSession(ctx, store.Session{Target: a.name, PID: a.info.PID,
			Node: a.info.Node, HeapLimit: int64(a.info.HeapLimit), Started: start, Process: processName(a.info.Title), WatchRun: a.cfg.WatchRun})
		if err != nil {
			return fmt.Errorf("recording the session: %w", err)
		}
	}
	if m := a.cfg.Metrics; m != nil {
		m.Up(true)
		m.HeapLimit(int64(a.info.HeapLimit))
		m.Leak(false, 0)
	}
	a.waitingSaid = false
	a.emit(Event{Kind: "connected", Message: fmt.Sprintf("watching %s (pid %d, node %s, heap limit %s) every %s",
		a.name, a.info.PID, a.info.Node, ui.Bytes(int64(a.info.HeapLimit)), a.cfg.Interval)})
	a.noteWorkers(ctx)
	a.armNearLimit(ctx)
	stopTracking := func() {}
	if a.cfg.AllocationStacks && a.cfg.SnapshotEvery > 0 {
		if stop, err := inspector.TrackAllocations(ctx, c); err != nil {
			a.emit(Event{Kind: "error", Message: err.Error() + ": the snapshots will have no allocation stacks"})
		} else {
			stopTracking = stop
			a.emit(Event{Kind: "note", Message: "allocation tracking on for the periodic snapshots' allocation stacks (the target allocates much more slowly meanwhile)"})
		}
	}

	reason := "interrupted"
	defer func() {
		if a.cfg.Metrics != nil {
			a.cfg.Metrics.Up(false)
		}
		// Leave the target as we found it, then close the books. Use a
		// fresh context: ctx may be the cancelled one.
		// A running analysis is waited for (it stops early when ctx is
		// cancelled) so its report is recorded, never left half-written.
		a.awaitAnalysis(ctx)
		bg, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if !strings.HasPrefix(reason, "connection lost") && reason != finishedReason {
			_ = a.eval(bg, probeJS(uninstallJS, a.id), nil)
			stopTracking()
		}
		a.flush(bg)
		if a.cfg.Store != nil {
			_ = a.cfg.Store.EndSession(bg, a.session, time.Now(), reason)
		}
	}()

	tick := time.NewTicker(a.cfg.Interval)
	defer tick.Stop()
	var snapC <-chan time.Time
	if a.cfg.SnapshotEvery > 0 {
		st := time.NewTicker(a.cfg.SnapshotEvery)
		defer st.Stop()
		snapC = st.C
	}
	var oomC <-chan time.Time
	if a.oom != nil {
		ot := time.NewTicker(time.Second)
		defer ot.Stop()
		oomC = ot.C
	}
	// First sample right away: a short watch still records something.
	if err := a.tick(ctx); err != nil {
		if a.stop.Err() != nil {
			return nil
		}
		if inspector.ContextGone(err) {
			reason = finishedReason
			return ErrFinished
		}
		reason = err.Error()
		return err
	}
	for {
		select {
		case <-a.stop.Done():
			if ctx.Err() == nil {
				reason = "--duration ended"
			}
			return nil
		case <-a.finished:
			reason = finishedReason
			return ErrFinished
		case <-c.Done():
			if a.stop.Err() != nil {
				// Stopping closed the connection too: select picks among
				// ready cases at random, and the stop is why it closed.
				if ctx.Err() == nil {
					reason = "--duration ended"
				}
				return nil
			}
			err := c.Err()
			if err == nil {
				err = errors.New("connection closed")
			}
			reason = "connection lost: " + err.Error()
			return fmt.Errorf("connection to %s lost: %w", a.name, err)
		case <-tick.C:
			if a.stop.Err() != nil {
				continue // select picks among ready cases at random: stop first
			}
			if err := a.tick(ctx); err != nil {
				if a.stop.Err() != nil {
					continue // reported by the stop case
				}
				if inspector.ContextGone(err) {
					reason = finishedReason
					return ErrFinished
				}
				select {
				case <-c.Done():
					continue // reported by the Done case
				case <-a.finished:
					continue
				default:
				}
				a.emit(Event{Kind: "error", Message: "sampling: " + err.Error()})
			}
		case <-snapC:
			if a.stop.Err() != nil {
				continue // no new snapshot once --duration has ended
			}
			a.periodicSnapshot(ctx)
			a.flush(ctx)
			if n := a.cfg.SnapshotCount; n > 0 && a.periodic >= n {
				snapC = nil // the last one; stop once it is analysed
				if a.analysing == nil {
					reason = fmt.Sprintf("took %d snapshots", n)
					return errDone
				}
			}
		case <-oomC:
			a.collectOOM(ctx, false)
		case r := <-a.analysing:
			a.analysing = nil
			a.finishAnalysis(ctx, r)
			a.flush(ctx)
			if n := a.cfg.SnapshotCount; n > 0 && a.periodic >= n {
				reason = fmt.Sprintf("took %d snapshots", n)
				return errDone
			}
		}
	}
}

func (a *agent) install(ctx context.Context) error {
	var info Info
	if err := a.patientEval(probeJS(installJS, a.id), &info); err != nil {
		if a.stop.Err() != nil || inspector.ContextGone(err) {
			return err
		}
		return fmt.Errorf("installing the GC observer in the target: %w", err)
	}
	a.info = info
	if len(a.trackers) > 0 {
		// The main module's folder, for require('./x') in --track; an ES
		// module program has none (its expressions use globalThis).
		_ = a.eval(a.stop, "(process.mainModule && process.mainModule.path) || ''", &a.mainDir)
	}
	return nil
}

// patientEval is eval for the probe's calls. A target paused by a heap
// snapshot (another watch's, a capture) answers late, and a big heap's
// snapshot takes minutes: the answer is waited for, up to sampleTimeout or
// the stop, with a "busy" event when it is late, rather than given up on
// with an error.
func (a *agent) patientEval(expr string, out any) error {
	// a.stop ends with Run's ctx (Ctrl-C) too.
	sctx, cancel := context.WithTimeout(a.stop, sampleTimeout)
	defer cancel()
	busyAfter := max(a.cfg.Interval, busyAfter)
	name, pid, onEvent := a.name, a.info.PID, a.cfg.OnEvent
	if name == "" {
		name = a.cfg.Name
	}
	busy := time.AfterFunc(busyAfter, func() {
		if onEvent != nil {
			onEvent(Event{Time: time.Now(), Target: name, PID: pid, Kind: "busy",
				Message: fmt.Sprintf("target busy (a snapshot in progress?): no answer for %s; waiting", busyAfter)})
		}
	})
	err := a.eval(sctx, expr, out)
	busy.Stop()
	if err != nil && errors.Is(err, context.DeadlineExceeded) && a.stop.Err() == nil {
		return fmt.Errorf("the target did not answer for %s (is it stuck in a loop?)", sampleTimeout)
	}
	return err
}

// eval runs expr in the target with the command-line API (require) and
// decodes its JSON value into out (may be nil).
func (a *agent) eval(ctx context.Context, expr string, out any) error {
	var res evalResult
	err := a.conn.Call(ctx, "Runtime.evaluate", map[string]any{
		"expression": expr, "returnByValue": true, "includeCommandLineAPI": true, "silent": true,
	}, &res)
	if err != nil {
		return err
	}
	if msg := res.thrown(); msg != "" {
		return fmt.Errorf("the target threw: %s", msg)
	}
	if out == nil {
		return nil
	}
	if len(res.Result.Value) == 0 {
		return fmt.Errorf("the target returned %s, not a value", res.Result.Type)
	}
	return json.Unmarshal(res.Result.Value, out)
}

func (a *agent) tick(ctx context.Context) error {
	a.tickSnap, a.tickSnapErr = "", nil
	var text string
	if err := a.patientEval(probeJS(sampleJS, a.id), &text); err != nil {
		return err
	}
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return fmt.Errorf("bad sample: %w", err)
	}
	now := time.Now()
	var m [5]float64
	var gcs [][]float64
	dropped := 0
	if len(raw) != 7 {
		return fmt.Errorf("unexpected sample shape (%d fields)", len(raw))
	}
	for i := 0; i < 5; i++ {
		if err := json.Unmarshal(raw[i], &m[i]); err != nil {
			return fmt.Errorf("bad sample: %w", err)
		}
	}
	reinstall := string(raw[5]) == "null"
	if !reinstall {
		if err := json.Unmarshal(raw[5], &gcs); err != nil {
			return fmt.Errorf("bad GC list: %w", err)
		}
	}
	_ = json.Unmarshal(raw[6], &dropped)

	s := store.Sample{Time: now, RSS: int64(m[0]), HeapTotal: int64(m[1]), HeapUsed: int64(m[2]),
		External: int64(m[3]), ArrayBuffers: int64(m[4])}
	a.sample = s
	a.samples++
	if mt := a.cfg.Metrics; mt != nil {
		mt.Memory(s.RSS, s.HeapTotal, s.HeapUsed, s.External, s.ArrayBuffers)
	}
	tl := a.collect(ctx, now, gcs)
	recs := tl.recs
	tracked := a.track(ctx, now)
	rises, window, growth, need := a.cfg.Leak.Progress()
	prog := &LeakProgress{Active: a.cfg.Leak.Active(), RisingGCs: rises, Window: window, GrowthBytes: growth, MinGrowthBytes: need,
		PostGCHeap: a.cfg.Leak.Last()}
	a.emit(Event{Kind: "sample", Sample: &s, HeapLimit: int64(a.info.HeapLimit), GCs: tl.all, MajorGCs: tl.majors, ForcedGCs: tl.forced, LeakSignal: prog, Tracked: tracked,
		Message: fmt.Sprintf("heap used %s of %s, rss %s, external %s, %s",
			ui.Bytes(s.HeapUsed), ui.Bytes(s.HeapTotal), ui.Bytes(s.RSS), ui.Bytes(s.External), tl.text())})
	if dropped > 0 {
		a.emit(Event{Kind: "error", Message: fmt.Sprintf("%d GC records dropped (more than %s GCs between samples)", dropped, ringCap)})
	}
	a.thresholds(ctx, s)
	var err error
	if a.cfg.Store != nil {
		// A sample already taken is kept even if Ctrl-C came meanwhile.
		err = a.cfg.Store.Record(context.WithoutCancel(ctx), a.session, []store.Sample{s}, recs, a.pending)
		a.pending = a.pending[:0]
	}
	if reinstall {
		if ierr := a.install(ctx); ierr != nil {
			return ierr
		}
	}
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	return nil
}

func (a *agent) leakStep(ctx context.Context, t time.Time, heapAfter int64) {
	sig, fired, cleared := a.cfg.Leak.Add(t, heapAfter)
	if a.cfg.Metrics != nil {
		rate := 0.0
		if a.cfg.Leak.Active() {
			rate = sig.BytesPerSec
		}
		a.cfg.Metrics.Leak(a.cfg.Leak.Active(), rate)
	}
	switch {
	case fired:
		msg := fmt.Sprintf("heap after major GC grew %s across %d consecutive major GCs (%s → %s, %s/s)",
			ui.SignedBytes(sig.Growth), sig.GCs, ui.Bytes(sig.Start), ui.Bytes(sig.End), ui.Bytes(int64(sig.BytesPerSec)))
		a.record(store.Event{Time: t, Kind: store.EventSignal, Name: "leak", Value: sig.Growth, Rate: sig.BytesPerSec, Detail: msg})
		a.emit(Event{Kind: "leak", Trigger: "leak", Message: msg, Growth: sig.Growth, Rate: sig.BytesPerSec})
		a.fire(ctx, "leak", a.cfg.LeakActions, msg)
	case cleared:
		a.record(store.Event{Time: t, Kind: store.EventSignal, Name: "leak-cleared", Value: heapAfter, Detail: "heap after major GC shrank"})
		a.emit(Event{Kind: "leak-cleared", Message: "leak signal cleared: heap after major GC shrank to " + ui.Bytes(heapAfter)})
	}
}

// workerLister is the part of *inspector.Conn that lists worker threads
// (test fakes lack it).
type workerLister interface {
	Workers(ctx context.Context) ([]inspector.Worker, error)
}

// noteWorkers emits a note when the target runs worker threads, whose heaps
// the snapshots do not contain: at connect, and after a snapshot when their
// number changed since the last note (workers often start later).
func (a *agent) noteWorkers(ctx context.Context) {
	wl, ok := a.conn.(workerLister)
	if !ok {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ws, err := wl.Workers(wctx)
	if err != nil || len(ws) == a.workers {
		return
	}
	a.workers = len(ws)
	if len(ws) > 0 {
		a.emit(Event{Kind: "note", Message: inspector.WorkersNote(ws)})
	}
}

func (a *agent) record(e store.Event) { a.pending = append(a.pending, e) }

func (a *agent) flush(ctx context.Context) {
	if a.cfg.Store != nil && len(a.pending) > 0 {
		if err := a.cfg.Store.Record(context.WithoutCancel(ctx), a.session, nil, nil, a.pending); err == nil {
			a.pending = a.pending[:0]
		}
	}
}

func (a *agent) emit(e Event) {
	if a.cfg.OnEvent == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	e.Target = a.name
	e.PID = a.info.PID
	a.cfg.OnEvent(e)
}

// processName is a process.title as the history keeps it: node's default
// is the path it was started by (/opt/node/bin/node), named by its base.
func processName(title string) string {
	if i := strings.LastIndexAny(title, `/\`); i >= 0 && i+1 < len(title) {
		return title[i+1:]
	}
	return title
}
