package watch

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/ui"
)

// The snapshot node writes when the heap nears its limit (V8's
// near-heap-limit callback): armed by us through v8.setHeapSnapshotNearHeapLimit
// or by the target's own --heapsnapshot-near-heap-limit flag. Node writes
// it itself, synchronously, into its --diagnostic-dir (default: its working
// directory) as Heap.<date>.<time>.<pid>.<tid>.<seq>.heapsnapshot; the
// target may die right after (out of memory) or go on with a raised limit.
// The agent looks for such files of its target's pid, waits until one is
// complete, moves it into the data directory and has it analysed alone.

// nearLimitJS arms the snapshot (%d: how many; 0 only reads) and reports
// where node writes it and whether the target's flags already ask for it.
const nearLimitJS = `(() => {
  const load = (m) => (process.getBuiltinModule ? process.getBuiltinModule(m) : require(m));
  const v8 = load('v8');
  const api = typeof v8.setHeapSnapshotNearHeapLimit === 'function';
  const n = %d;
  let armed = false, err = '';
  if (n > 0 && api) {
    try { v8.setHeapSnapshotNearHeapLimit(n); armed = true; } catch (e) { err = String(e && e.message || e); }
  }
  return { cwd: process.cwd(), execArgv: process.execArgv || [], nodeOptions: (process.env && process.env.NODE_OPTIONS) || '',
    api, armed, err, version: process.version };
})()`

// nearLimitInfo is what nearLimitJS returns.
type nearLimitInfo struct {
	Cwd         string   `json:"cwd"`
	ExecArgv    []string `json:"execArgv"`
	NodeOptions string   `json:"nodeOptions"`
	API         bool     `json:"api"`
	Armed       bool     `json:"armed"`
	Err         string   `json:"err"`
	Version     string   `json:"version"`
}

// nodeFlags finds --heapsnapshot-near-heap-limit's count (0: not given)
// and --diagnostic-dir in node's own arguments and NODE_OPTIONS.
func nodeFlags(execArgv []string, nodeOptions string) (count int, diagDir string) {
	args := append(append([]string(nil), execArgv...), strings.Fields(nodeOptions)...)
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, val, hasVal := strings.Cut(a, "=")
		switch name {
		case "--heapsnapshot-near-heap-limit", "--diagnostic-dir":
		default:
			continue
		}
		if !hasVal && i+1 < len(args) {
			i++
			val = args[i]
		}
		if name == "--diagnostic-dir" {
			diagDir = val
		} else {
			fmt.Sscan(val, &count)
		}
	}
	return count, diagDir
}

// oomWatch follows the directory node writes near-heap-limit snapshots to.
type oomWatch struct {
	dir   string
	pid   int
	count int              // snapshots node may still write (as armed)
	seen  map[string]int64 // file -> size at the last look; -1 handled
}

// armNearLimit arms (or notices) the near-heap-limit snapshot for this
// session's target and starts following its directory.
func (a *agent) armNearLimit(ctx context.Context) {
	var info nearLimitInfo
	if err := a.patientEval(fmt.Sprintf(nearLimitJS, a.cfg.NearHeapLimit), &info); err != nil {
		if a.cfg.NearHeapLimit > 0 {
			a.emit(Event{Kind: "error", Message: "arming the near-heap-limit snapshot: " + err.Error()})
		}
		return
	}
	flagCount, diag := nodeFlags(info.ExecArgv, info.NodeOptions)
	count := flagCount
	switch {
	case a.cfg.NearHeapLimit > 0 && !info.API:
		a.emit(Event{Kind: "error", Message: fmt.Sprintf("--near-heap-limit: node %s has no v8.setHeapSnapshotNearHeapLimit (added in node 18.10); start the target with --heapsnapshot-near-heap-limit=N instead", info.Version)})
		if flagCount == 0 {
			return
		}
	case a.cfg.NearHeapLimit > 0 && info.Err != "":
		a.emit(Event{Kind: "error", Message: "--near-heap-limit: the target refused: " + info.Err})
		if flagCount == 0 {
			return
		}
	case a.cfg.NearHeapLimit > 0 && flagCount == 0:
		count = a.cfg.NearHeapLimit
	}
	if count == 0 {
		return // neither asked for nor set by the target
	}
	dir := info.Cwd
	if diag != "" {
		dir = diag
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(info.Cwd, dir)
		}
	}
	how := "armed by leakhound"
	if flagCount > 0 {
		how = "set by the target's --heapsnapshot-near-heap-limit"
		if a.cfg.NearHeapLimit > 0 {
			how += " (it takes precedence: node ignores a second request)"
		}
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		a.emit(Event{Kind: "error", Message: fmt.Sprintf("near-heap-limit snapshot %s, but node writes it to %s, which is not a folder here (a remote or containerised target?): it cannot be collected", how, dir)})
		return
	}
	w := &oomWatch{dir: dir, pid: a.info.PID, count: count, seen: map[string]int64{}}
	// Files already there are an earlier incident, not this one.
	for _, f := range w.files() {
		w.seen[f] = -1
	}
	a.oom = w
	a.emit(Event{Kind: "note", Message: fmt.Sprintf("near-heap-limit snapshot %s (%d): node writes it to %s when the heap nears its limit, pausing the program meanwhile; writing it takes about the heap's size again in memory, so a container with a tight memory limit may kill the process instead", how, count, dir)})
}

// files lists the target's near-heap-limit snapshots in the folder.
func (w *oomWatch) files() []string { return inspector.NodeSnapshotFiles(w.dir, w.pid) }

// ready returns the new files whose size has not changed since the last
// look and that end like a whole snapshot; final (the target is gone)
// also returns the others, as incomplete.
func (w *oomWatch) ready(final bool) (done, incomplete []string) {
	for _, f := range w.files() {
		prev, known := w.seen[f]
		if prev < 0 {
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			continue
		}
		size := st.Size()
		w.seen[f] = size
		switch {
		case size > 0 && known && size == prev && heapsnapshot.LooksComplete(f):
			w.seen[f] = -1
			done = append(done, f)
		case final && known && size == prev:
			w.seen[f] = -1
			incomplete = append(incomplete, f)
		}
	}
	return done, incomplete
}

// collectOOM handles the near-heap-limit snapshots node has finished; with
// final (the target is gone or we stop) it waits for the files to settle
// and reports what was left incomplete.
func (a *agent) collectOOM(ctx context.Context, final bool) {
	w := a.oom
	if w == nil {
		return
	}
	done, bad := w.ready(false)
	if final {
		// Two looks a second apart, so a file still growing settles: a
		// target that died stopped writing.
		deadline := time.Now().Add(30 * time.Second)
		for {
			d, b := w.ready(true)
			done, bad = append(done, d...), append(bad, b...)
			if !w.pending() || time.Now().After(deadline) || ctx.Err() != nil {
				break
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
	for _, f := range bad {
		a.emit(Event{Kind: "error", Path: f, Message: "the near-heap-limit snapshot is incomplete (the process died or was killed while node wrote it; a container's memory limit does that: writing it takes about the heap's size again): " + f})
		a.record(store.Event{Time: time.Now(), Kind: store.EventLog, Name: "error", Detail: "incomplete near-heap-limit snapshot " + f})
	}
	for _, f := range done {
		a.oomSnapshot(ctx, f)
	}
	if len(done)+len(bad) > 0 {
		a.flush(ctx)
	}
}

// pending: a new file has been seen but not yet handled.
func (w *oomWatch) pending() bool {
	for _, f := range w.files() {
		if w.seen[f] >= 0 {
			return true
		}
	}
	return false
}

// oomSnapshot moves a finished near-heap-limit snapshot into the data
// directory (or links it, across file systems), records it and has it
// analysed alone.
func (a *agent) oomSnapshot(ctx context.Context, f string) {
	dir := filepath.Join(a.targetDir(), "snapshots", "near-heap-limit")
	path := f
	if err := os.MkdirAll(dir, 0o700); err == nil {
		dst := filepath.Join(dir, filepath.Base(f))
		if os.Rename(f, dst) == nil {
			path = dst
		} else if os.Link(f, dst) == nil {
			path = dst
		}
	}
	var size int64
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	if a.cfg.Metrics != nil {
		a.cfg.Metrics.Snapshot()
	}
	a.nearLimitSnap = path
	a.record(store.Event{Time: time.Now(), Kind: store.EventSnapshot, Name: "near-heap-limit", Path: path, Value: size})
	a.emit(Event{Kind: "snapshot", Trigger: "near-heap-limit", Path: path,
		Message: fmt.Sprintf("node wrote a heap snapshot near the heap limit (%s) %s", ui.Bytes(size), path)})
	if a.cfg.Analyze == nil {
		return
	}
	rdir := filepath.Join(a.targetDir(), "reports")
	if err := os.MkdirAll(rdir, 0o700); err != nil {
		a.emit(Event{Kind: "error", Message: "report: " + err.Error()})
		return
	}
	rpath := filepath.Join(rdir, strings.TrimSuffix(filepath.Base(path), ".heapsnapshot")+".accumulation.md")
	summary, err := a.cfg.Analyze(context.WithoutCancel(ctx), []string{path}, rpath)
	if err != nil {
		a.emit(Event{Kind: "error", Message: "analysing the near-heap-limit snapshot: " + err.Error()})
		return
	}
	a.record(store.Event{Time: time.Now(), Kind: store.EventReport, Path: rpath, Detail: summary})
	a.emit(Event{Kind: "report", Path: rpath, Message: summary})
}
