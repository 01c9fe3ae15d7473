package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/ui"
)

func init() {
	Register(&Command{
		Name:    "capture",
		Summary: "take a heap snapshot of a running node process (pid, host:port or ws:// URL), or a series of them in one session (--count)",
		Usage:   "leakhound capture TARGET [-o FILE|DIR] [--count N --every D] [--worker N|all]\n       leakhound capture --all [-o DIR]",
		Run:     runCapture,
	})
}

// targetFlags are the flags every command that attaches to a process shares.
type targetFlags struct {
	allowRemote   *bool
	keepInspector *bool
}

func addTargetFlags(fs *flag.FlagSet) targetFlags {
	return targetFlags{
		allowRemote:   fs.Bool("allow-remote", false, "allow an inspector on a non-loopback host (it gives code execution in the target)"),
		keepInspector: fs.Bool("keep-inspector", false, "leave the target's inspector open when leakhound opened it (by default it is closed again when done: anyone on the machine can connect to an open one and run code as the target)"),
	}
}

// attachTarget resolves spec and opens an inspector session, mapping the
// failures to exit codes: a wrong target (no such process, not node, remote
// refused, malformed) is bad input (2); an inspector that cannot be reached
// or is held by another client is the environment (3). When it opened the
// inspector itself it says so on stderr; releaseTarget closes it again.
func attachTarget(ctx context.Context, env *Env, spec string, tf targetFlags, quiet bool) (*inspector.Conn, error) {
	t, err := inspector.Resolve(ctx, spec, inspector.ResolveOptions{AllowRemote: *tf.allowRemote})
	if err != nil {
		return nil, attachError(spec, err)
	}
	if t.Opened && !quiet {
		then := "it is closed again when leakhound is done; --keep-inspector keeps it open"
		if *tf.keepInspector {
			then = "--keep-inspector: it stays open until the process exits"
		}
		fmt.Fprintf(env.Stderr, "leakhound: opened the inspector of pid %d with %s at %s (%s)\n", t.PID, inspector.AttachMethod, t.Addr, then)
	}
	c, err := inspector.Dial(ctx, t)
	if err != nil {
		if t.Opened {
			// Never leave open what we opened, even when we could not use it.
			releaseOpened(env, t, tf, true)
		}
		return nil, attachError(spec, err)
	}
	return c, nil
}

func attachError(spec string, err error) error {
	// A bare number is a pid; one that does not exist may have been meant
	// as the inspector's port.
	if n, perr := strconv.Atoi(strings.TrimSpace(spec)); perr == nil && n > 0 && n <= 65535 && errors.Is(err, inspector.ErrNoProcess) {
		return BadInputf("%v (to attach to an inspector port, give 127.0.0.1:%d)", err, n)
	}
	for _, bad := range []error{inspector.ErrBadTarget, inspector.ErrNoProcess, inspector.ErrNotNode, inspector.ErrRemote} {
		if errors.Is(err, bad) {
			return BadInput(err)
		}
	}
	return err
}

// captureJSON is capture's --json output.
type captureJSON struct {
	Path       string `json:"path"`
	Bytes      int64  `json:"bytes"`
	DurationMS int64  `json:"duration_ms"`
	HeapUsed   int64  `json:"heap_used"`
	PID        int    `json:"pid,omitempty"`
	Target     string `json:"target"`
	// Notes are caveats, such as worker threads the snapshot lacks.
	Notes []string `json:"notes,omitempty"`
	// Worker and ThreadID name the worker thread snapshotted (--worker).
	Worker   string `json:"worker,omitempty"`
	ThreadID int    `json:"thread_id,omitempty"`
}

func runCapture(ctx context.Context, env *Env, args []string) error {
	cmd := commands["capture"]
	fs := NewFlags(env, cmd)
	out := fs.String("o", "", "output file, or a directory for the default name Heap.YYYYMMDD.HHMMSS.PID.SEQ.heapsnapshot (default: current directory)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	quiet := fs.Bool("quiet", false, "no progress bar or notes on stderr")
	force := fs.Bool("force", false, "skip the free-disk check (it estimates the snapshot as 3x the used JS heap)")
	count := fs.Int("count", 1, "take `N` snapshots in one inspector session, for leakhound leaks (V8 renumbers objects when a session ends, so separate captures cannot be compared)")
	every := fs.Duration("every", 30*time.Second, "with --count: time from the start of one snapshot to the start of the next")
	worker := fs.String("worker", "", "snapshot worker thread `N` (its threadId, as in \"[worker N]\") or all of them instead of the main thread")
	allocStacks := fs.Bool("allocation-stacks", false, "with --count: "+allocStacksUsage)
	all := fs.Bool("all", false, "one snapshot of each node process this user may attach to, one at a time, each named after its process, into -o DIR")
	tf := addTargetFlags(fs)
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if *all {
		if len(pos) != 0 || *count != 1 || *worker != "" {
			return BadInputf("capture --all takes no TARGET, --count or --worker: it takes one snapshot of each node process")
		}
		return captureAll(ctx, env, *out, *asJSON, *quiet, *force, tf)
	}
	if len(pos) != 1 {
		return BadInputf("capture needs exactly one TARGET (a pid, host:port or ws:// URL), got %d", len(pos))
	}
	if *count < 1 || *count > 1000 {
		return BadInputf("--count must be between 1 and 1000, got %d", *count)
	}
	if *allocStacks && *count < 2 {
		return BadInputf("--allocation-stacks needs --count 2 or more: the stacks are those of objects allocated between the snapshots")
	}
	if *every <= 0 {
		return BadInputf("--every must be positive, got %s", *every)
	}
	// -o is checked first, but reported after the target: "no such
	// process" is the first thing to fix. A directory is only created once
	// the target is known to be there.
	path, perr := snapshotPath(*out, false)
	if perr == nil && *count > 1 && path != "" && !isDir(path) && !dirSpec(path) {
		perr = BadInputf("-o must be a directory with --count %d (the snapshots are named Heap.….PID.SEQ.heapsnapshot; end it with / to create it)", *count)
	}
	wantTID := -1
	switch w := strings.TrimSpace(*worker); {
	case w == "" || w == "all":
	default:
		n, err := strconv.Atoi(w)
		if err != nil || n <= 0 {
			return BadInputf("--worker wants a worker's thread id (a positive number) or all, got %q", *worker)
		}
		wantTID = n
	}
	if perr == nil && *worker == "all" && path != "" && !isDir(path) && !dirSpec(path) {
		perr = BadInputf("-o must be a directory with --worker all (one snapshot per worker; end it with / to create it)")
	}
	c, err := attachTarget(ctx, env, pos[0], tf, *quiet)
	if err != nil {
		return err
	}
	defer releaseEither(env, &c, c.Target(), tf, *quiet)
	if perr != nil {
		return perr
	}
	if *count > 1 {
		if c, err = settleFor(ctx, env, c, tf, *quiet); err != nil {
			return err
		}
	}
	if path, err = snapshotPath(*out, true); err != nil {
		return err
	}
	// Worker threads are isolates of their own, absent from this
	// snapshot: say so, a leak there would pass unseen. With --worker
	// their sessions stay attached for the whole series (a worker's
	// object ids, like the main thread's, last as long as the session).
	var notes []string
	var sessions []*inspector.WorkerSession
	if *worker != "" {
		ss, detach, err := c.AttachWorkers(ctx)
		if err != nil {
			return fmt.Errorf("listing the worker threads: %w", err)
		}
		defer detach()
		var names []string
		for _, s := range ss {
			names = append(names, s.Worker.Name())
			if wantTID < 0 || s.Worker.ThreadID() == wantTID {
				sessions = append(sessions, s)
			}
		}
		if len(sessions) == 0 {
			if len(ss) == 0 {
				return BadInputf("--worker %s: the process runs no worker thread", *worker)
			}
			return BadInputf("--worker %s: no such worker thread (it runs %s)", *worker, strings.Join(names, ", "))
		}
		if len(sessions) > 1 && path != "" && !isDir(path) {
			return BadInputf("-o must be a directory for %d workers' snapshots", len(sessions))
		}
	} else if ws, err := c.Workers(ctx); err == nil && len(ws) > 0 {
		notes = append(notes, inspector.WorkersNote(ws))
		if !*quiet && !*asJSON {
			fmt.Fprintf(env.Stderr, "leakhound: note: %s\n", notes[0])
		}
	}
	pid := c.Target().PID
	if pid == 0 {
		// host:port targets: ask, for the file name.
		if v, err := c.Evaluate(ctx, "process.pid", false); err == nil {
			_ = json.Unmarshal(v, &pid)
		}
	}
	var taken []captureJSON
	var paths []string
	var capErr error
	// Between a series' snapshots, a program that finishes is held by node
	// until we let go: stop the series there, so it can exit.
	var finished <-chan struct{}
	if *count > 1 {
		if fin, err := c.NotifyFinished(ctx); err == nil {
			finished = fin
		}
	}
	// One snapshot per round of the main thread, or of each selected worker.
	type source struct {
		w    *inspector.WorkerSession
		tid  int
		name string
	}
	sources := []source{{tid: -1}}
	if len(sessions) > 0 {
		sources = sources[:0]
		for _, s := range sessions {
			sources = append(sources, source{w: s, tid: s.Worker.ThreadID(), name: s.Worker.Name()})
		}
	}
	if *allocStacks {
		for _, src := range sources {
			var stop func()
			var err error
			if src.w != nil {
				stop, err = inspector.TrackAllocations(ctx, src.w)
			} else {
				stop, err = inspector.TrackAllocations(ctx, c)
			}
			if err != nil {
				return err
			}
			defer stop()
		}
		if !*quiet && !*asJSON {
			fmt.Fprintf(env.Stderr, "leakhound: allocation tracking on until the last snapshot (it slows the target's allocations)\n")
		}
	}
	for i := 0; i < *count; i++ {
		start := time.Now()
		for _, src := range sources {
			p := path
			if p == "" || isDir(p) {
				dir := p
				if dir == "" {
					dir = "."
				}
				if src.w != nil && src.tid >= 0 {
					p = inspector.NextWorkerSnapshotPath(dir, pid, src.tid, start)
				} else {
					p = inspector.NextSnapshotPath(dir, pid, start)
				}
			}
			take := func(ctx context.Context, p string, o inspector.CaptureOptions) (inspector.CaptureResult, error) {
				if src.w != nil {
					return inspector.CaptureWorker(ctx, src.w, p, o)
				}
				return inspector.Capture(ctx, c, p, o)
			}
			res, err := captureWith(ctx, env, p, *quiet, *force, take)
			if err != nil {
				capErr = err
				break
			}
			r := captureJSON{Path: res.Path, Bytes: res.Bytes, DurationMS: res.Duration.Milliseconds(),
				HeapUsed: res.HeapUsed, PID: pid, Target: c.Target().String(), Notes: notes, Worker: src.name}
			if src.w != nil && src.tid >= 0 {
				r.ThreadID = src.tid
			}
			taken, paths = append(taken, r), append(paths, res.Path)
			if !*asJSON {
				what := ""
				if src.w != nil {
					what = ", worker " + src.name
				}
				fmt.Fprintf(env.Stdout, "%s  %s in %.1fs (JS heap %s used%s)\n", res.Path, ui.Bytes(res.Bytes),
					res.Duration.Seconds(), ui.Bytes(res.HeapUsed), what)
			}
		}
		if capErr != nil || i == *count-1 {
			break
		}
		if !*quiet {
			fmt.Fprintf(env.Stderr, "leakhound: snapshot %d of %d taken; the next at %s\n", i+1, *count, start.Add(*every).Format("15:04:05"))
		}
		select {
		case <-ctx.Done():
			capErr = ctx.Err()
		case <-c.Done():
			capErr = c.Err()
		case <-finished:
			capErr = errors.New("the program finished (its event loop emptied); released it so it could exit")
		case <-time.After(time.Until(start.Add(*every))):
		}
		if capErr != nil {
			break
		}
	}
	if *asJSON && len(taken) > 0 {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		var v any = taken[0]
		if *count > 1 || len(sources) > 1 {
			v = taken
		}
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	if capErr != nil {
		if len(taken) > 0 && *count > 1 && !*quiet {
			fmt.Fprintf(env.Stderr, "leakhound: stopped after %d of %d snapshots (kept)\n", len(taken), *count)
		}
		return capErr
	}
	if *count > 1 && !*quiet && !*asJSON {
		// A series per source: each worker's snapshots are compared alone.
		for k := range sources {
			var ps []string
			for j := k; j < len(paths); j += len(sources) {
				ps = append(ps, paths[j])
			}
			fmt.Fprintf(env.Stderr, "leakhound: compare them with: leakhound leaks %s\n", strings.Join(quoteArgs(ps), " "))
		}
	}
	return nil
}

// quoteArgs quotes paths that the user's shell would split: POSIX single
// quotes, or on Windows double quotes (which cmd and PowerShell both take;
// a Windows path holds no double quote, and its backslashes are no escape
// there).
func quoteArgs(ps []string) []string {
	return quoteArgsFor(runtime.GOOS, ps)
}

func quoteArgsFor(goos string, ps []string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p
		switch {
		case goos == "windows":
			if strings.ContainsAny(p, " \t&()[]{}^=;!'+,`~$@%") {
				out[i] = `"` + p + `"`
			}
		case strings.ContainsAny(p, " \t'\"$`\\"):
			out[i] = "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
		}
	}
	return out
}

// captureWithProgress runs inspector.Capture with a progress bar on stderr.
// Its errors, disk space included, are the environment's (exit 3).
func captureWithProgress(ctx context.Context, env *Env, c *inspector.Conn, path string, quiet, skipDiskCheck bool) (inspector.CaptureResult, error) {
	return captureWith(ctx, env, path, quiet, skipDiskCheck, func(ctx context.Context, p string, o inspector.CaptureOptions) (inspector.CaptureResult, error) {
		return inspector.Capture(ctx, c, p, o)
	})
}

// captureWith is captureWithProgress for any capture function (a worker's).
func captureWith(ctx context.Context, env *Env, path string, quiet, skipDiskCheck bool,
	take func(context.Context, string, inspector.CaptureOptions) (inspector.CaptureResult, error)) (inspector.CaptureResult, error) {
	var bar *ui.Progress
	opts := inspector.CaptureOptions{
		SkipDiskCheck: skipDiskCheck,
		// n is the disk check's pessimistic estimate (3x the used heap);
		// snapshots typically come out at about 2x.
		Estimate: func(n int64) { bar = ui.NewProgress(env.Stderr, "V8 building snapshot", n*2/3, !quiet) },
		SnapshotOptions: inspector.SnapshotOptions{
			Progress: func(n int64) {
				if n == 0 {
					return
				}
				bar.SetLabel("writing snapshot")
				bar.Set(n)
			},
		},
	}
	res, err := take(ctx, path, opts)
	bar.Done()
	return res, err
}

// snapshotPath validates -o: "" (default name in .), a directory, or a file
// in an existing directory. A path ending in / names a directory, created
// (with its parents) when create is set and it is missing.
func snapshotPath(out string, create bool) (string, error) {
	if out == "" || isDir(out) {
		return out, nil
	}
	if dirSpec(out) {
		if !create {
			return out, nil
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return "", BadInputf("-o %s: cannot create the directory: %v", out, errors.Unwrap(err))
		}
		return out, nil
	}
	dir := filepath.Dir(out)
	if !isDir(dir) {
		return "", BadInputf("output directory %s does not exist (end -o with / to have it created)", dir)
	}
	return out, nil
}

// dirSpec reports whether -o names a directory by its trailing slash.
func dirSpec(out string) bool {
	return strings.HasSuffix(out, "/") || strings.HasSuffix(out, string(filepath.Separator))
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// allocStacksUsage is the help of --allocation-stacks (run, capture, watch).
const allocStacksUsage = "turn on V8's allocation tracking from the first snapshot to the last, so each leak suspect shows the call stacks that allocated its objects. It slows the target a lot meanwhile: allocation-heavy code ran 6-12x slower and an HTTP server answered 10-25x fewer requests (bench/allocstacks, node 20-26); for a test run, not production. run starts node with --no-compact so that every object keeps its stack (docs/live.md)"
