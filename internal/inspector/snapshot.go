package inspector

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
)

// SnapshotSizeFactor estimates a .heapsnapshot file's size from the target's
// used JS heap (Runtime.getHeapUsage). Measured on node 20: 1.1x for a
// nearly empty program, 1.9x and 2.1x for 30 MB and 90 MB heaps of small
// linked objects (many nodes and edges per byte, the worst common case).
// The disk check takes a margin above that so a capture never fills the disk.
const SnapshotSizeFactor = 3

// SnapshotOptions tune TakeHeapSnapshot.
type SnapshotOptions struct {
	// Progress, if set, is called with the bytes written so far after each
	// chunk (on the connection's read loop: keep it quick).
	Progress func(written int64)
	// Building, if set, is called with V8's object count progress while it
	// builds the snapshot, before the first byte is written.
	Building func(done, total int64)
	// NoDebuggerEnable skips the Debugger.enable that precedes every
	// snapshot. Only for measuring what it saves (see the benchmark).
	NoDebuggerEnable bool
}

// caller sends one CDP command: a Conn, or a worker's session inside one.
type caller interface {
	Call(ctx context.Context, method string, params, result any) error
}

// debuggerOn enables the Debugger domain with pauses skipped (see
// TakeHeapSnapshot for why); off disables it again, best effort: on a
// lost connection there is nothing to undo.
func debuggerOn(ctx context.Context, c caller) (off func(), err error) {
	if err := c.Call(ctx, "Debugger.enable", nil, nil); err != nil {
		return nil, err
	}
	_ = c.Call(ctx, "Debugger.setSkipAllPauses", map[string]any{"skip": true}, nil)
	return func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = c.Call(dctx, "Debugger.disable", nil, nil)
	}, nil
}

// TakeHeapSnapshot has the target write a heap snapshot and streams it to
// w as V8 produces it (HeapProfiler.addHeapSnapshotChunk events), never
// holding it in memory. It returns the bytes written.
//
// The Debugger domain is enabled for the duration (unless this session
// has it enabled already; then it is left as it was): V8 then builds every
// script's line-end table once up front. Without it V8 scans a script's
// whole source for each function it locates, which on a process that
// loaded the TypeScript compiler turns a 13 s snapshot into more than 15
// minutes. Pauses are skipped meanwhile, so a `debugger;` statement cannot
// stop the target.
func (c *Conn) TakeHeapSnapshot(ctx context.Context, w io.Writer, opts SnapshotOptions) (int64, error) {
	if !opts.NoDebuggerEnable && !c.debugger.Load() {
		off, err := debuggerOn(ctx, c)
		if err != nil {
			return 0, fmt.Errorf("enabling the debugger before the snapshot: %w", err)
		}
		defer off()
	}

	// mu orders the read loop's writes with our return: after a cancelled
	// Call the loop may still be handing over a chunk.
	var (
		mu      sync.Mutex
		written int64
		werr    error
		stopped bool
	)
	cancelChunks := c.Handle(heapprofiler.AddHeapSnapshotChunk.Method, func(v jsonv2.Value) {
		mu.Lock()
		defer mu.Unlock()
		if werr != nil || stopped {
			return
		}
		var ev heapprofiler.EventAddHeapSnapshotChunk
		if err := jsonv2.Unmarshal(v, &ev, jsonOpts); err != nil {
			werr = fmt.Errorf("decoding a snapshot chunk: %w", err)
			return
		}
		n, err := io.WriteString(w, ev.Chunk)
		written += int64(n)
		if err != nil {
			werr = err
			return
		}
		if opts.Progress != nil {
			opts.Progress(written)
		}
	})
	defer cancelChunks()
	report := opts.Building != nil
	if report {
		cancelProgress := c.Handle(heapprofiler.ReportHeapSnapshotProgress.Method, func(v jsonv2.Value) {
			var ev heapprofiler.EventReportHeapSnapshotProgress
			if jsonv2.Unmarshal(v, &ev, jsonOpts) == nil {
				opts.Building(ev.Done, ev.Total)
			}
		})
		defer cancelProgress()
	}
	// Handle delivers every chunk before the command's response, so when
	// Call returns the snapshot is all written.
	_, err := cdp.Call(ctx, c, heapprofiler.TakeHeapSnapshot, heapprofiler.TakeHeapSnapshotParams{ReportProgress: &report})
	mu.Lock()
	stopped = true
	mu.Unlock()
	if err != nil {
		return written, err
	}
	if werr != nil {
		return written, werr
	}
	if written == 0 {
		return 0, errors.New("the target sent an empty heap snapshot")
	}
	return written, nil
}

// HeapUsage is the target's JS heap: used and total bytes.
func (c *Conn) HeapUsage(ctx context.Context) (used, total int64, err error) {
	u, err := cdp.Call(ctx, c, cdpruntime.GetHeapUsage, cdp.Empty{})
	if err != nil {
		return 0, 0, err
	}
	return int64(u.UsedSize), int64(u.TotalSize), nil
}

// CollectGarbage forces a full GC in the target.
func (c *Conn) CollectGarbage(ctx context.Context) error {
	_, err := cdp.Call(ctx, c, heapprofiler.CollectGarbage, cdp.Empty{})
	return err
}

// CaptureOptions tune Capture.
type CaptureOptions struct {
	SnapshotOptions
	// Estimate is called once with the estimated snapshot size before the
	// capture starts (for a progress bar's total).
	Estimate func(bytes int64)
	// SkipDiskCheck skips the free-space check.
	SkipDiskCheck bool
}

// CaptureResult describes a written snapshot.
type CaptureResult struct {
	Path     string
	Bytes    int64
	Duration time.Duration
	HeapUsed int64 // used JS heap before the capture
}

// ErrDiskSpace: not enough free disk for the estimated snapshot.
var ErrDiskSpace = errors.New("not enough free disk space")

// Capture writes a heap snapshot of the target to path atomically: it
// checks free disk against an estimate (used heap × SnapshotSizeFactor),
// streams into a temporary file beside path, syncs it and renames it into
// place. On any failure (the target dying mid-snapshot, ctx cancelled, a
// write error) the temporary file is removed and path is untouched.
func Capture(ctx context.Context, c *Conn, path string, opts CaptureOptions) (CaptureResult, error) {
	return capture(ctx, path, opts, c.HeapUsage, c.TakeHeapSnapshot)
}

// capture is Capture for any session that can report its heap usage and
// stream a snapshot (the main thread's, or a worker's).
func capture(ctx context.Context, path string, opts CaptureOptions,
	usage func(context.Context) (int64, int64, error),
	take func(context.Context, io.Writer, SnapshotOptions) (int64, error)) (CaptureResult, error) {
	res := CaptureResult{Path: path}
	used, _, err := usage(ctx)
	if err != nil {
		return res, fmt.Errorf("reading the target's heap usage: %w", err)
	}
	res.HeapUsed = used
	estimate := used * SnapshotSizeFactor
	if opts.Estimate != nil {
		opts.Estimate(estimate)
	}
	dir := filepath.Dir(path)
	if !opts.SkipDiskCheck {
		free, err := freeDisk(dir)
		if err != nil {
			return res, fmt.Errorf("checking free space in %s: %w", dir, err)
		}
		if free < estimate {
			return res, fmt.Errorf("%w in %s: %d MiB free, the snapshot may need about %d MiB (JS heap %d MiB used)",
				ErrDiskSpace, dir, free>>20, estimate>>20, used>>20)
		}
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return res, err
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	start := time.Now()
	n, err := take(ctx, bw, opts.SnapshotOptions)
	res.Bytes = n
	if err != nil {
		if errors.Is(err, ErrConnLost) {
			return res, fmt.Errorf("the target went away mid-snapshot after %d bytes; nothing was saved: %w", n, err)
		}
		return res, fmt.Errorf("heap snapshot: %w (nothing was saved)", err)
	}
	if err := bw.Flush(); err != nil {
		return res, err
	}
	if err := f.Sync(); err != nil {
		return res, err
	}
	if err := f.Close(); err != nil {
		return res, err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return res, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, err
	}
	ok = true
	res.Duration = time.Since(start)
	return res, nil
}

// freeDisk is FreeDisk, replaceable by tests.
var freeDisk = FreeDisk

// SnapshotName is node's default snapshot file name for pid at t:
// Heap.YYYYMMDD.HHMMSS.PID.SEQ.heapsnapshot, with SEQ counting from 1 and
// zero-padded to three digits like node's.
func SnapshotName(pid int, t time.Time, seq int) string {
	return fmt.Sprintf("Heap.%s.%d.%03d.heapsnapshot", t.Format("20060102.150405"), pid, seq)
}

// NextSnapshotPath returns the SnapshotName in dir whose SEQ follows the
// highest SEQ of pid's snapshots already there (their time part aside), so
// the captures of one process into one directory count up 001, 002, …
// like node's own per-process counter, across leakhound runs.
func NextSnapshotPath(dir string, pid int, t time.Time) string {
	return nextPath(dir, pid, -1, t)
}

// WorkerSnapshotName is node's name for a snapshot written in worker
// thread tid (node puts the thread id before SEQ):
// Heap.YYYYMMDD.HHMMSS.PID.TID.SEQ.heapsnapshot.
func WorkerSnapshotName(pid, tid int, t time.Time, seq int) string {
	return fmt.Sprintf("Heap.%s.%d.%d.%03d.heapsnapshot", t.Format("20060102.150405"), pid, tid, seq)
}

// NextWorkerSnapshotPath is NextSnapshotPath for worker thread tid's
// snapshots.
func NextWorkerSnapshotPath(dir string, pid, tid int, t time.Time) string {
	return nextPath(dir, pid, tid, t)
}

func nextPath(dir string, pid, tid int, t time.Time) string {
	seq := 1
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if n, ok := snapshotSeq(e.Name(), pid, tid); ok && n >= seq {
				seq = n + 1
			}
		}
	}
	for ; ; seq++ {
		name := SnapshotName(pid, t, seq)
		if tid >= 0 {
			name = WorkerSnapshotName(pid, tid, t, seq)
		}
		p := filepath.Join(dir, name)
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p
		}
	}
}

// snapshotSeq reads SEQ from a Heap.YYYYMMDD.HHMMSS.PID.SEQ.heapsnapshot
// name (tid < 0) or a worker's Heap.YYYYMMDD.HHMMSS.PID.TID.SEQ one, gzipped
// too, of pid (and tid).
func snapshotSeq(name string, pid, tid int) (int, bool) {
	name = strings.TrimSuffix(name, ".gz")
	rest, ok := strings.CutSuffix(name, ".heapsnapshot")
	if !ok || !strings.HasPrefix(rest, "Heap.") {
		return 0, false
	}
	parts := strings.Split(rest, ".")
	want := 5
	if tid >= 0 {
		want = 6
	}
	if len(parts) != want || parts[3] != strconv.Itoa(pid) || (tid >= 0 && parts[4] != strconv.Itoa(tid)) {
		return 0, false
	}
	n, err := strconv.Atoi(parts[want-1])
	if err != nil || n < 0 || n > 1e6 {
		return 0, false
	}
	return n, true
}

// NodeSnapshotFiles lists the snapshots node itself wrote for pid in dir
// (near the heap limit, on a signal: Heap.<date>.<time>.<pid>.<tid>.<seq>
// .heapsnapshot), sorted by name, which is oldest first.
func NodeSnapshotFiles(dir string, pid int) []string {
	ents, _ := os.ReadDir(dir)
	tag := fmt.Sprintf(".%d.", pid)
	var out []string
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() && strings.HasPrefix(n, "Heap.") && strings.HasSuffix(n, ".heapsnapshot") && strings.Contains(n, tag) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	sort.Strings(out)
	return out
}
