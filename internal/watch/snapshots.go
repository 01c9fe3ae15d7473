package watch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/ui"
)

// Snapshots the agent takes (on a threshold, periodically) and the
// automatic leak analysis of the last periodic ones.

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func slug(name string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		s = "target"
	}
	return s
}

func (a *agent) targetDir() string {
	return filepath.Join(a.cfg.DataDir, "targets", slug(a.name))
}

// snapshot captures into dir with node's file naming and records it.
func (a *agent) snapshot(ctx context.Context, dir, reason string) (string, error) {
	if a.cfg.Capture == nil {
		return "", errors.New("snapshots are not available")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	a.seq++
	path := filepath.Join(dir, inspector.SnapshotName(a.info.PID, time.Now(), a.seq))
	var size int64
	err := a.forcing(ctx, func() error {
		var err error
		size, err = a.cfg.Capture(ctx, a.conn, path)
		return err
	})
	if err != nil {
		return "", err
	}
	if a.cfg.Metrics != nil {
		a.cfg.Metrics.Snapshot()
	}
	a.record(store.Event{Time: time.Now(), Kind: store.EventSnapshot, Name: reason, Path: path, Value: size})
	msg := fmt.Sprintf("heap snapshot (%s) %s", ui.Bytes(size), path)
	if a.stop.Err() != nil && ctx.Err() == nil {
		msg += " (finished after --duration ended: the target had been paused for it)"
	}
	a.emit(Event{Kind: "snapshot", Trigger: reason, Path: path, Message: msg})
	a.noteWorkers(ctx)
	return path, nil
}

// analysis is the outcome of one automatic analysis.
type analysis struct {
	report, summary string
	err             error
	newest          string // the newest snapshot compared
}

func (a *agent) periodicSnapshot(ctx context.Context) {
	// The previous analysis may still read snapshots that retention is
	// about to delete: let it finish first. Only an analysis slower than
	// --snapshot-every holds sampling up.
	a.awaitAnalysis(ctx)
	if a.stop.Err() != nil {
		return // --duration ended while the analysis finished
	}
	dir := filepath.Join(a.targetDir(), "snapshots", "periodic")
	path, err := a.snapshot(ctx, dir, "periodic")
	if err != nil {
		if ctx.Err() == nil {
			a.emit(Event{Kind: "error", Message: "periodic snapshot: " + err.Error()})
		}
		return
	}
	a.periodic++
	files := periodicFiles(dir)
	// Retention: oldest first out, across this and earlier runs.
	for len(files) > a.cfg.Keep {
		old := files[0]
		files = files[1:]
		if os.Remove(old) == nil {
			a.record(store.Event{Time: time.Now(), Kind: store.EventSnapDel, Path: old, Detail: fmt.Sprintf("retention: keep %d", a.cfg.Keep)})
		}
	}
	if a.cfg.Analyze == nil {
		return
	}
	// Compare only snapshots of this process: ids mean nothing across
	// processes.
	// And only of this series: ids change when a session ends.
	if a.newSeries {
		a.seriesStart, a.newSeries = filepath.Base(path), false
	}
	var mine []string
	tag := fmt.Sprintf(".%d.", a.info.PID)
	for _, f := range files {
		if strings.Contains(filepath.Base(f), tag) {
			if f != path && a.seriesStart != "" && filepath.Base(f) < a.seriesStart {
				continue
			}
			mine = append(mine, f)
		}
	}
	// The last three, or two at the start (or with --keep 2).
	if len(mine) < 2 {
		a.emit(Event{Kind: "report", Message: "automatic analysis starts with the second snapshot of this process"})
		return
	}
	if len(mine) > 3 {
		mine = mine[len(mine)-3:]
	}
	rdir := filepath.Join(a.targetDir(), "reports")
	if err := os.MkdirAll(rdir, 0o700); err != nil {
		a.emit(Event{Kind: "error", Message: "report: " + err.Error()})
		return
	}
	rpath := filepath.Join(rdir, strings.TrimSuffix(filepath.Base(path), ".heapsnapshot")+".leaks.md")
	// Analysing takes seconds to minutes; sampling goes on meanwhile. The
	// result comes back to the session loop, which records and reports it.
	ch := make(chan analysis, 1)
	analyze := a.cfg.Analyze
	go func() {
		r := analysis{report: rpath, newest: mine[len(mine)-1]}
		defer func() {
			// A panic here would take the whole agent down with no way
			// for main to recover it: report it like any failed analysis.
			if p := recover(); p != nil {
				r.err = fmt.Errorf("internal error: %v", p)
			}
			ch <- r
		}()
		// It stops early at the stop: only the report is lost, the
		// snapshots are kept.
		r.summary, r.err = analyze(a.stop, mine, rpath)
	}()
	a.analysing = ch
}

// awaitAnalysis waits for the running analysis, if any, and reports it.
func (a *agent) awaitAnalysis(ctx context.Context) {
	if a.analysing != nil {
		r := <-a.analysing
		a.analysing = nil
		a.finishAnalysis(ctx, r)
	}
}

func (a *agent) finishAnalysis(ctx context.Context, r analysis) {
	if r.err != nil {
		switch {
		case ctx.Err() != nil:
		case a.stop.Err() != nil:
			a.emit(Event{Kind: "report", Message: "automatic analysis cancelled: --duration ended (the snapshots are kept)"})
		case errors.Is(r.err, ErrRenumbered):
			a.seriesStart = filepath.Base(r.newest)
			a.emit(Event{Kind: "report", Message: "V8 renumbered the heap's objects before " + a.seriesStart +
				" (an inspector client disconnected: DevTools, leakhound capture or sample?): the automatic analysis starts again from it"})
		default:
			a.emit(Event{Kind: "error", Message: "automatic analysis: " + r.err.Error()})
		}
		return
	}
	a.record(store.Event{Time: time.Now(), Kind: store.EventReport, Path: r.report, Detail: r.summary})
	a.emit(Event{Kind: "report", Path: r.report, Message: r.summary})
}

// periodicFiles lists dir's snapshots oldest first (names start with the
// time, YYYYMMDD.HHMMSS; the sequence number breaks ties within a second).
func periodicFiles(dir string) []string {
	ents, _ := os.ReadDir(dir)
	type f struct {
		name string
		key  string
		seq  int
	}
	var fs []f
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, "Heap.") || !strings.HasSuffix(n, ".heapsnapshot") {
			continue
		}
		parts := strings.Split(n, ".")
		if len(parts) != 6 {
			continue
		}
		seq := 0
		fmt.Sscanf(parts[4], "%d", &seq)
		fs = append(fs, f{n, parts[1] + parts[2], seq})
	}
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].key != fs[j].key {
			return fs[i].key < fs[j].key
		}
		return fs[i].seq < fs[j].seq
	})
	out := make([]string, len(fs))
	for i, x := range fs {
		out[i] = filepath.Join(dir, x.name)
	}
	return out
}

// SnapshotWork is the work done up to each of a target's snapshots (oldest
// first) for a leak analysis, in seconds of the snapshots' times (when
// each was written): a service's work follows the clock, and the agent's
// timer can fire late on a busy machine, so its intervals are not equal.
// nil when a time cannot be read or does not increase (then the analysis
// takes the intervals as equal).
func SnapshotWork(paths []string) []float64 {
	if len(paths) < 2 {
		return nil
	}
	work := make([]float64, len(paths))
	var first time.Time
	for i, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil
		}
		if i == 0 {
			first = st.ModTime()
			continue
		}
		work[i] = math.Round(st.ModTime().Sub(first).Seconds()*10) / 10 // tenths: the evidence quotes them
		if work[i] <= work[i-1] {
			return nil
		}
	}
	return work
}
