package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

func init() {
	Register(&Command{
		Name:    "run",
		Summary: "start a node program, drive a workload between heap snapshots, and report leaks (CI leak test)",
		Usage:   "leakhound run [--load URL --requests N | --step EXPR --iterations N] [flags] -- node app.js [args]",
		Run:     runRun,
	})
}

// runInfo records what `run` did, for its summary line.
type runInfo struct {
	Command    []string      `json:"command"`
	PID        int           `json:"pid"`
	Workload   string        `json:"workload"` // "load" or "step"
	PerRound   int           `json:"per_round"`
	Warmup     int           `json:"warmup"`
	Snapshots  []runSnapshot `json:"snapshots"`
	Requests   *loadStats    `json:"requests,omitempty"`
	DurationMS int64         `json:"duration_ms"`
	// AllocationStacks: allocation tracking was on from the baseline.
	AllocationStacks bool `json:"allocation_stacks,omitempty"`
}

type runSnapshot struct {
	Path     string `json:"path,omitempty"` // only with --keep or --dir
	After    int    `json:"after"`          // workload units done since the baseline
	HeapUsed int64  `json:"heap_used"`      // JS heap used after the forced GC
	Bytes    int64  `json:"bytes"`
}

type runOpts struct {
	allocStacks bool
	loadURL     string
	requests    int
	concurrency int
	step        string
	iterations  int
	warmup      int
	snapshots   int
	dir         string
	keep        bool
	startWait   time.Duration
	allowRemote bool
	quiet       bool
	worker      int // snapshot this worker thread (threadId) instead of the main thread; 0: main
	nearLimit   int // node's --heapsnapshot-near-heap-limit for the program; 0: off
	confirm     bool
}

func runRun(ctx context.Context, env *Env, args []string) error {
	cmd := commands["run"]
	fs := NewFlags(env, cmd)
	var o runOpts
	fs.StringVar(&o.loadURL, "load", "", "HTTP load: GET this URL (loopback) --requests times per round")
	fs.IntVar(&o.requests, "requests", 1000, "requests per round with --load")
	fs.IntVar(&o.concurrency, "concurrency", 8, "concurrent requests with --load")
	fs.StringVar(&o.step, "step", "", "JavaScript expression evaluated in the program --iterations times per round (promises are awaited)")
	fs.IntVar(&o.iterations, "iterations", 100, "evaluations of --step per round")
	fs.IntVar(&o.warmup, "warmup", -1, "workload units before the baseline snapshot (default: one round)")
	fs.IntVar(&o.snapshots, "snapshots", 3, "snapshots: a baseline after warm-up, then one after each round")
	fs.BoolVar(&o.confirm, "confirm", true, "with 3 snapshots: take a 4th when a suspect's growth is uneven (a cache still filling looks like that)")
	fs.StringVar(&o.dir, "dir", "", "write the snapshots here and keep them (default: a temporary directory, removed)")
	fs.BoolVar(&o.keep, "keep", false, "keep the snapshots (in --dir, or the temporary directory, which is printed)")
	fs.BoolVar(&o.allocStacks, "allocation-stacks", false, allocStacksUsage)
	fs.IntVar(&o.worker, "worker", 0, "snapshot worker thread `N` (its threadId, the N of node's \"[worker N]\") instead of the main thread")
	fs.IntVar(&o.nearLimit, "near-heap-limit", 0, "start node with --heapsnapshot-near-heap-limit=`N`: if the program runs out of heap, its snapshot near the limit is analysed and reported instead of a bare crash; writing it needs about the heap's size again in memory, so a container with a tight limit may kill the process instead (0: off)")
	fs.DurationVar(&o.startWait, "start-timeout", 30*time.Second, "how long to wait for the program's inspector and, with --load, its port")
	// The report flags are `leaks`'s, with the same defaults: run prints
	// exactly the report `leaks` would print for the snapshots it took.
	lf := leakFlags{
		asJSON:     fs.Bool("json", false, "print the leak report as JSON (the same schema as leaks --json)"),
		markdown:   fs.Bool("markdown", false, "print the leak report as Markdown (for CI comments)"),
		quiet:      fs.Bool("quiet", false, "no progress or notes on stderr (the program's own output still passes through)"),
		failOnLeak: fs.Bool("fail-on-leak", false, "exit 1 when a suspect passes --min-growth and --min-count"),
		minGrowth:  fs.String("min-growth", "0", "with --fail-on-leak: smallest retained growth that fails, e.g. 1MB, 512KiB, 100000"),
		minCount:   fs.Int("min-count", 1, "with --fail-on-leak: smallest growth in count (objects, or entries of a collection growing in place) that fails"),
		top:        fs.Int("top", 10, "show at most N suspects"),
		html:       fs.String("html", "", htmlFlagUsage),
		command:    "run",
	}
	quiet := lf.quiet
	tf := addTargetFlags(fs)
	argv, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	o.allowRemote = *tf.allowRemote
	o.quiet = *quiet
	if err := o.validate(argv); err != nil {
		return err
	}
	if *lf.asJSON && *lf.markdown {
		return BadInputf("--json and --markdown are exclusive")
	}
	if _, err := ParseSize(*lf.minGrowth); err != nil {
		return err
	}
	if err := checkOutputPath("html", *lf.html); err != nil {
		return err
	}

	start := time.Now()
	note := func(format string, a ...any) {
		if !o.quiet {
			fmt.Fprintf(env.Stderr, "leakhound: "+format+"\n", a...)
		}
	}

	dir := o.dir
	if dir == "" {
		d, err := os.MkdirTemp("", "leakhound-run-*")
		if err != nil {
			return err
		}
		dir = d
		if o.keep {
			note("snapshots go to %s", dir)
		} else {
			defer os.RemoveAll(dir)
		}
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		o.keep = true
	}

	if o.allocStacks {
		// V8 keeps an allocation stack by address and does not move it
		// with an object that already has a snapshot id: a compacting GC
		// leaves such objects with no stack, or with a dead object's. With
		// compaction off every leaking object keeps its own (node 20, 22
		// and 26: 4,000 of 4,000 in each run, against 22 to 3,500 with it
		// on). The heap may fragment meanwhile; snapshots count objects,
		// not pages.
		argv = append([]string{argv[0], "--no-compact"}, argv[1:]...)
	}
	if o.nearLimit > 0 {
		// node writes it itself, into our folder.
		argv = append([]string{argv[0], fmt.Sprintf("--heapsnapshot-near-heap-limit=%d", o.nearLimit), "--diagnostic-dir=" + dir}, argv[1:]...)
	}
	// The program's output goes to our stderr: stdout carries only the report.
	prog, err := inspector.Launch(ctx, argv, inspector.LaunchOptions{Stdout: env.Stderr, Stderr: env.Stderr, Wait: o.startWait})
	if err != nil {
		if errors.Is(err, inspector.ErrNotNodeCommand) {
			return BadInput(err)
		}
		return err
	}
	defer prog.Stop(5 * time.Second)
	conn, err := prog.Connect(ctx)
	if err != nil {
		select {
		case <-prog.Exited():
			// Its own stderr (passed through above) says why; the
			// inspector's error would only confuse.
			return o.programExited(prog, "at startup")
		case <-time.After(3 * time.Second):
			return err
		}
	}
	defer conn.Close()

	info := runInfo{Command: argv, PID: prog.Target.PID, Snapshots: []runSnapshot{}}
	var work func(ctx context.Context, n int) error
	var stats loadStats
	// ran says whether the workload ever got through: a program that ends
	// before then ended "at startup", however the race with our attaching
	// went (it may finish just after Connect, before the first step).
	ran := false
	// firstOK is when the first step got through, and endedAt when the
	// program was seen ending (unix nanoseconds): a program whose event
	// loop had emptied still answers a step while node waits for us to
	// disconnect, so a first step just before the end is no run.
	var firstOK time.Time
	var endedAt atomic.Int64
	var client *http.Client
	if o.loadURL != "" {
		info.Workload, info.PerRound, info.Requests = "load", o.requests, &stats
		if err := o.waitForPort(ctx, prog); err != nil {
			return err
		}
		client = loadClient(o.concurrency)
		ran = true // it was listening: ending now is ending under load
		work = func(ctx context.Context, n int) error {
			return httpLoad(ctx, client, o.loadURL, n, o.concurrency, &stats)
		}
	} else {
		info.Workload, info.PerRound = "step", o.iterations
		first := true
		work = func(ctx context.Context, n int) error {
			for i := 0; i < n; i++ {
				err := conn.ExecInLoop(ctx, o.step)
				// An ES module entry is evaluated after node's event loop
				// has started (its loader is asynchronous), so the first
				// step may come before the module defined its globals:
				// retry a ReferenceError for a few seconds, then report it.
				for wait := time.Now().Add(5 * time.Second); first && err != nil && isReferenceError(err) && time.Now().Before(wait); {
					select {
					case <-ctx.Done():
						return ctx.Err()
					case <-time.After(50 * time.Millisecond):
					}
					err = conn.ExecInLoop(ctx, o.step)
				}
				first = false
				if err == nil && !ran {
					ran, firstOK = true, time.Now()
				}
				if err != nil {
					var ee *inspector.EvalError
					if errors.As(err, &ee) {
						if ee.Message == "Uncaught" && endsSoon(prog) {
							// Node terminated the step because the
							// program is ending (node 22 says only
							// "Uncaught"): its fate is the error.
							return err
						}
						return BadInputf("--step, iteration %d: %s", i+1, ee.Message)
					}
					return err
				}
			}
			// The results were kept for us: let them go before the GC.
			return conn.ReleaseObjectGroup(ctx, inspector.StepGroup)
		}
	}
	info.Warmup = o.warmup
	if info.Warmup < 0 {
		info.Warmup = info.PerRound
	}
	// A program that ends by itself makes node wait for us to disconnect,
	// leaving a call unanswered: let go so it can exit.
	go func() {
		select {
		case <-prog.Ending():
			endedAt.Store(time.Now().UnixNano())
			conn.Close()
		case <-prog.Exited():
			endedAt.Store(time.Now().UnixNano())
			conn.Close()
		case <-conn.Done():
		}
	}()
	var paths []string
	var confirmNote string
	// died gives the program's fate when it ended under the workload, and
	// what was saved.
	died := func(err error) error {
		var ee *ExitError
		if errors.As(err, &ee) || ctx.Err() != nil {
			return err
		}
		conn.Close()
		select {
		case <-prog.Exited():
			when := "during the run"
			if !ran || !firstOK.IsZero() && endedAt.Load() != 0 && time.Unix(0, endedAt.Load()).Sub(firstOK) < startupGrace {
				when = "at startup"
			}
			err = o.programExited(prog, when)
		case <-time.After(3 * time.Second):
		}
		if o.keep && len(paths) > 0 {
			err = fmt.Errorf("%w; the %d snapshot(s) taken before are in %s", err, len(paths), dir)
		}
		if o.nearLimit > 0 {
			return o.nearLimitReport(ctx, env, dir, prog.Target.PID, lf, err)
		}
		return err
	}

	if info.Warmup > 0 {
		note("warm-up: %d %s", info.Warmup, unitName(info.Workload))
		if err := work(ctx, info.Warmup); err != nil {
			return died(err)
		}
	}
	// With --worker the worker's session is opened once, after the
	// warm-up (so the worker exists), and kept for every snapshot: its
	// object ids last as long as the session.
	gc := conn.CollectGarbage
	usage := conn.HeapUsage
	take := func(ctx context.Context, p string, opts inspector.CaptureOptions) (inspector.CaptureResult, error) {
		return inspector.Capture(ctx, conn, p, opts)
	}
	var sel *inspector.WorkerSession
	if o.worker > 0 {
		ws, detach, err := conn.AttachWorkers(ctx)
		if err != nil {
			return died(fmt.Errorf("listing the worker threads: %w", err))
		}
		defer detach()
		var names []string
		for _, w := range ws {
			names = append(names, w.Worker.Name())
			if w.Worker.ThreadID() == o.worker {
				sel = w
			}
		}
		if sel == nil {
			if len(ws) == 0 {
				return BadInputf("--worker %d: the program runs no worker thread after the warm-up", o.worker)
			}
			return BadInputf("--worker %d: no such worker thread (it runs %s)", o.worker, strings.Join(names, ", "))
		}
		note("snapshots of worker %s", sel.Worker.Name())
		gc = func(ctx context.Context) error { return sel.Call(ctx, "HeapProfiler.collectGarbage", nil, nil) }
		usage = sel.HeapUsage
		take = func(ctx context.Context, p string, opts inspector.CaptureOptions) (inspector.CaptureResult, error) {
			return inspector.CaptureWorker(ctx, sel, p, opts)
		}
	}
	if o.allocStacks {
		// From the baseline on, so the warm-up runs at full speed and
		// what is allocated after it, the leak, has its stacks. It ends
		// with the program, which is stopped after the last snapshot.
		if sel != nil {
			_, err = inspector.TrackAllocations(ctx, sel)
		} else {
			_, err = inspector.TrackAllocations(ctx, conn)
		}
		if err != nil {
			return died(err)
		}
		info.AllocationStacks = true
		note("allocation tracking on (the program allocates more slowly meanwhile)")
	}
	total := o.snapshots
	// snap does round i (none before the baseline) and snapshot i+1.
	snap := func(i int) error {
		if i > 0 {
			note("round %d/%d: %d %s", i, total-1, info.PerRound, unitName(info.Workload))
			if err := work(ctx, info.PerRound); err != nil {
				return err
			}
		}
		if err := gc(ctx); err != nil {
			return err
		}
		used, _, err := usage(ctx)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, fmt.Sprintf("run-%d.heapsnapshot", i+1))
		label := "baseline"
		if i > 0 {
			label = fmt.Sprintf("after %d %s", i*info.PerRound, unitName(info.Workload))
		}
		note("snapshot %d/%d (%s, JS heap %s)", i+1, total, label, ui.Bytes(used))
		res, err := captureWith(ctx, env, path, o.quiet, false, take)
		if err != nil {
			return err
		}
		paths = append(paths, path)
		rs := runSnapshot{After: i * info.PerRound, HeapUsed: used, Bytes: res.Bytes}
		if o.keep {
			rs.Path = path
		}
		info.Snapshots = append(info.Snapshots, rs)
		lf.work = append(lf.work, float64(rs.After))
		return nil
	}
	for i := 0; i < o.snapshots; i++ {
		if err := snap(i); err != nil {
			return died(err)
		}
	}
	// Worker threads are isolates of their own, absent from the main
	// thread's snapshots: a leak there would pass unseen, so say so.
	if o.worker > 0 {
		lf.notes = append(lf.notes, fmt.Sprintf("these are snapshots of worker thread %d, not of the main thread", o.worker))
	} else if ws, err := conn.Workers(ctx); err == nil && len(ws) > 0 {
		lf.notes = append(lf.notes, inspector.WorkersNote(ws)+"; run --worker N snapshots one")
	}
	if info.Requests != nil && stats.OK == 0 {
		return fmt.Errorf("no request to %s succeeded (%d failed)", o.loadURL, stats.Failed)
	}
	// Three snapshots are thin evidence: when a suspect's growth is
	// uneven (a cache still filling grows less and less), one more
	// round and snapshot tell a leak from a step, at the price of a round,
	// a snapshot and a second analysis, while the program stays alive.
	var rep *leak.Report
	if o.confirm && o.snapshots == 3 {
		r, err := analyzeSeries(ctx, env, paths, nil, lf)
		if err != nil {
			return err
		}
		rep = r
		if unsure := r.Unsure(); unsure > 0 {
			t0 := time.Now()
			note("%d suspect(s) grew unevenly or less and less: a 4th snapshot to tell a leak from a cache filling up (--confirm=false skips it)", unsure)
			total = 4
			if err := snap(3); err != nil {
				return died(err)
			}
			rep = nil
			confirmNote = fmt.Sprintf("run took a 4th snapshot because %d suspect(s) grew unevenly or less and less over 3 snapshots (one more round and snapshot: %.1fs, then the analysis of 4 snapshots)", unsure, time.Since(t0).Seconds())
		}
	}
	// The program is not needed for the analysis: stop it now to give its
	// memory back before the snapshots are loaded.
	if client != nil {
		// Idle keep-alive connections would hold up a graceful shutdown.
		client.CloseIdleConnections()
	}
	conn.Close()
	prog.Stop(5 * time.Second)
	info.DurationMS = time.Since(start).Milliseconds()
	if o.nearLimit > 0 {
		// It survived the heap limit (node raised it after writing).
		if fs := inspector.NodeSnapshotFiles(dir, prog.Target.PID); len(fs) > 0 {
			lf.notes = append(lf.notes, fmt.Sprintf("the heap neared its limit during the run: node wrote %s (see leakhound leaks FILE)", strings.Join(fs, ", ")))
		}
	}

	note("%s", runLine(info))
	if rep == nil {
		if confirmNote != "" {
			lf.notes = append(lf.notes, confirmNote)
		}
		if rep, err = analyzeSeries(ctx, env, paths, nil, lf); err != nil {
			return err
		}
	}
	return printLeaks(env, rep, lf)
}

func isReferenceError(err error) bool {
	var ee *inspector.EvalError
	return errors.As(err, &ee) && strings.HasPrefix(ee.Message, "ReferenceError")
}

// runLine is one line about the run for stderr: the workload and the JS
// heap after the forced GC before each snapshot.
func runLine(info runInfo) string {
	var b strings.Builder
	total := info.Warmup + (len(info.Snapshots)-1)*info.PerRound
	fmt.Fprintf(&b, "ran %d %s in %.1fs; JS heap after GC:", total, unitName(info.Workload), float64(info.DurationMS)/1000)
	for i, s := range info.Snapshots {
		if i > 0 {
			b.WriteString(" →")
		}
		fmt.Fprintf(&b, " %s", ui.Bytes(s.HeapUsed))
	}
	if info.Requests != nil {
		fmt.Fprintf(&b, "; %d requests ok, %d failed", info.Requests.OK, info.Requests.Failed)
	}
	return b.String()
}

func unitName(workload string) string {
	if workload == "load" {
		return "requests"
	}
	return "iterations"
}

func (o *runOpts) validate(argv []string) error {
	if len(argv) == 0 {
		return BadInputf("run needs the program after --, e.g. leakhound run --step 'handle()' -- node app.js")
	}
	if (o.loadURL == "") == (o.step == "") {
		return BadInputf("run needs exactly one workload: --load URL or --step EXPR")
	}
	if o.loadURL != "" {
		u, err := url.Parse(o.loadURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return BadInputf("--load wants an http:// URL, got %q", o.loadURL)
		}
		if !o.allowRemote {
			ip := net.ParseIP(u.Hostname())
			if !(u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback())) {
				return BadInputf("--load %s: only loopback targets unless --allow-remote", o.loadURL)
			}
		}
		if o.requests <= 0 {
			return BadInputf("--requests must be positive")
		}
		if o.concurrency <= 0 || o.concurrency > 1024 {
			return BadInputf("--concurrency must be between 1 and 1024")
		}
	}
	if o.worker < 0 {
		return BadInputf("--worker wants a worker's thread id (a positive number), got %d", o.worker)
	}
	if o.step != "" && o.iterations <= 0 {
		return BadInputf("--iterations must be positive")
	}
	if o.snapshots < 2 || o.snapshots > 20 {
		return BadInputf("--snapshots must be between 2 and 20")
	}
	if o.startWait <= 0 {
		return BadInputf("--start-timeout must be positive")
	}
	return nil
}

// startupGrace: a program seen ending this soon after the first step got
// through had already run out of work (node answers steps while it waits
// for the debugger to disconnect, and its notice reaches us a little
// later, more so on a busy machine): it ended at startup.
const startupGrace = 250 * time.Millisecond

// programExited says how the program ended, when (at startup, during the
// run). A program that node held for us ("Waiting for the debugger to
// disconnect...") and that then exited 0 has most likely run out of work:
// its event loop emptied, which is what a script with no server or timer
// does (process.exit(0) looks the same from outside).
func (o *runOpts) programExited(prog *inspector.Launched, when string) error {
	status := prog.ExitText()
	finished := false
	select {
	case <-prog.Ending():
		finished = true
	default:
	}
	// At startup, exiting 0 is the same mistake whether or not node
	// waited for us (it does not when it finished before we attached).
	if status != "exit status 0" || !finished && when != "at startup" {
		// Crashed, or ended itself (process.exit).
		return fmt.Errorf("the program exited %s (%s)", when, status)
	}
	need := "--step needs a program that stays alive (a server, a timer)"
	if o.loadURL != "" {
		need = "--load needs a server that keeps listening"
	}
	if when == "at startup" {
		return fmt.Errorf("the program exited before the workload could run (%s): %s", status, need)
	}
	return fmt.Errorf("the program exited %s (%s): it ran out of work (its event loop emptied) or called process.exit; %s", when, status, need)
}

// names are the base names of paths (snapshot labels in reports).
func names(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

// endsSoon reports whether the launched program is ending or has ended, or
// does within a few seconds: a step whose evaluation was cut short without
// an exception of its own may be the program finishing under it.
func endsSoon(prog *inspector.Launched) bool {
	select {
	case <-prog.Ending():
		return true
	case <-prog.Exited():
		return true
	case <-time.After(3 * time.Second):
		return false
	}
}

// nearLimitReport: the program died under the workload (cause). When node
// wrote a snapshot as the heap neared its limit, it is analysed alone and
// reported on stdout, and the run fails with the reason.
func (o *runOpts) nearLimitReport(ctx context.Context, env *Env, dir string, pid int, lf leakFlags, cause error) error {
	fs := inspector.NodeSnapshotFiles(dir, pid)
	if len(fs) == 0 {
		return cause
	}
	last := fs[len(fs)-1]
	if !heapsnapshot.LooksComplete(last) {
		return fmt.Errorf("%w; node's near-heap-limit snapshot %s is incomplete (the process was killed while writing it: it needs about the heap's size again in memory)", cause, last)
	}
	g, err := loadGraph(ctx, env, last, o.quiet, indexOptions{off: true}, nil) // analysed once: no index
	if err != nil {
		return fmt.Errorf("%w; reading node's near-heap-limit snapshot: %v", cause, err)
	}
	rep := leak.AnalyzeOne(g, leak.SingleOptions{Name: filepath.Base(last), MaxSuspects: *lf.top, Sources: leak.LocalSources()})
	rep.Notes = append(rep.Notes, "node wrote this snapshot as the program's heap neared its limit, during the run")
	if err := writeSingle(env.Stdout, rep, lf); err != nil {
		return err
	}
	where := "it is removed with the temporary folder (keep it with --keep or --dir)"
	if o.keep {
		where = "it is " + last
	}
	msg := fmt.Sprintf("%v; node wrote a heap snapshot near the heap limit, analysed above (%s)", cause, where)
	if *lf.failOnLeak {
		return CheckFailed(msg)
	}
	return errors.New(msg)
}
