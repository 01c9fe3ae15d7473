package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/metrics"
	rpt "github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/ui"
	"github.com/leakhound/leakhound/internal/watch"
)

func init() {
	Register(&Command{
		Name:    "watch",
		Summary: "monitor a running node process: memory, GCs, leak signal, thresholds with actions, periodic snapshots, metrics, history",
		Usage:   "leakhound watch TARGET [flags]   (TARGET: pid, host:port or ws:// URL)\n       leakhound watch PID PID… [flags]\n       leakhound watch --all [flags]",
		Run:     runWatch,
	})
}

// Defaults, documented in docs/watch.md.
const (
	defaultWarn     = "70%"
	defaultCritical = "85%"
)

func runWatch(ctx context.Context, env *Env, args []string) error {
	cmd := commands["watch"]
	fs := NewFlags(env, cmd)
	tf := addTargetFlags(fs)
	name := fs.String("name", "", "target name in the history (default: the main script's file name)")
	interval := fs.Duration("interval", 5*time.Second, "sampling interval")
	dataDir := fs.String("data-dir", store.DefaultDir(), "where the history database, snapshots and reports go")
	warn := fs.String("heap-warn", defaultWarn, "warn threshold on used JS heap: size (512MiB) or % of the heap limit; off to disable")
	critical := fs.String("heap-critical", defaultCritical, "critical threshold (size or %); off to disable")
	restart := fs.String("heap-restart", "off", "restart threshold (size or %); off to disable")
	onWarn := fs.String("on-warn", "log", "actions at warn: comma list of log, snapshot, gc, signal:NAME, hook:CMD (last), or none")
	onCritical := fs.String("on-critical", "log,snapshot", "actions at critical")
	onRestart := fs.String("on-restart", watch.DefaultRestartActions, "actions at restart")
	onLeak := fs.String("on-leak", "log", "actions when the leak signal turns on")
	cooldown := fs.Duration("cooldown", 10*time.Minute, "minimum time between two firings of one action of one trigger")
	leakGCs := fs.Int("leak-gcs", 5, "leak signal: consecutive major GCs whose post-GC heap grows")
	leakMin := fs.String("leak-min-growth", "1MiB", "leak signal: minimum total growth across those GCs")
	every := fs.Duration("snapshot-every", 0, "take a heap snapshot this often and analyse the last three (0: never)")
	allocStacks := fs.Bool("allocation-stacks", false, "with --snapshot-every: "+allocStacksUsage)
	keep := fs.Int("keep", 3, "periodic snapshots to keep (older ones are deleted)")
	snapCount := fs.Int("snapshot-count", 0, "stop after this many periodic snapshots and their analysis (0: no limit)")
	nearLimit := fs.Int("near-heap-limit", 0, "have node write up to `N` heap snapshots when the target's heap nears its limit (v8.setHeapSnapshotNearHeapLimit, node 18.10+), then collect and analyse them; writing one needs about the heap's size again in memory, so a container with a tight limit may kill the process instead, and node raises the heap limit for good once it has written one (0: off; a target started with --heapsnapshot-near-heap-limit is followed anyway)")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics here, e.g. :9464 (a bare port binds 127.0.0.1; give a host to bind elsewhere)")
	duration := fs.Duration("duration", 0, "stop after this long (0: until Ctrl-C); a snapshot in progress then is finished first")
	retention := fs.Duration("retention", 30*24*time.Hour, "delete recorded samples, GCs and events older than this when watch starts (0: keep all)")
	noReconnect := fs.Bool("no-reconnect", false, "exit when the connection is lost instead of waiting for the target to come back")
	asJSON := fs.Bool("json", false, "print events as JSON lines on stdout")
	verbose := fs.Bool("verbose", false, "print every sample, not only events")
	quiet := fs.Bool("quiet", false, "print nothing but errors")
	status := fs.Duration("status", time.Minute, "print a status line this often in text mode (0: never; --verbose prints every sample)")
	var tracks, counts repeated
	fs.Var(&tracks, "track", "watch a value's size at every sample: `NAME=EXPR[:LIMIT]`, e.g. userCache=globalThis.userCache:10000 or queue=require('./queue').pending; read without side effects; LIMIT: fire --on-leak when it grew by more (repeatable)")
	fs.Var(&counts, "count", "count live instances of a class every --count-every: `CLASS` (a global) or NAME=EXPR naming the constructor, e.g. Order=require('./models').Order; walks the heap (repeatable)")
	all := fs.Bool("all", false, "watch every node process this user may signal here (on the host, or in the container or pod), picking up new ones and letting gone ones go")
	poll := fs.Duration("poll", 3*time.Second, "with --all: how often to look for new node processes")
	countEvery := fs.Duration("count-every", time.Minute, "how often --count counts; each count pauses the target while V8 walks the whole heap (about 3 s per million objects), so it is stretched to keep that pause under 1% of the time")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if *cooldown < 0 || *status < 0 {
		return BadInputf("--cooldown and --status must not be negative")
	}
	var pids []int
	switch {
	case *all && len(pos) > 0:
		return BadInputf("--all watches every node process: give no TARGET with it")
	case *all:
	case len(pos) == 0:
		return BadInputf("watch needs a TARGET (pid, host:port or ws:// URL), several pids, or --all")
	case len(pos) > 1:
		for _, p := range pos {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n <= 0 {
				return BadInputf("watching several targets takes pids, and %q is not one", p)
			}
			if slices.Contains(pids, n) {
				return BadInputf("pid %d is named twice", n)
			}
			pids = append(pids, n)
		}
	}
	many := *all || len(pids) > 0
	if many && *name != "" {
		return BadInputf("--name names one target; several are named after their scripts")
	}
	if *poll < 100*time.Millisecond {
		return BadInputf("--poll %s is too short (minimum 100ms)", *poll)
	}
	if *interval < 100*time.Millisecond {
		return BadInputf("--interval %s is too short (minimum 100ms)", *interval)
	}
	if *leakGCs < 2 {
		return BadInputf("--leak-gcs must be at least 2")
	}
	if *keep < 1 {
		return BadInputf("--keep must be at least 1")
	}
	if *snapCount < 0 || *snapCount > 0 && *every == 0 {
		return BadInputf("--snapshot-count needs --snapshot-every")
	}
	if *allocStacks && *every == 0 {
		return BadInputf("--allocation-stacks needs --snapshot-every: the stacks are those of objects allocated between the snapshots")
	}
	if *nearLimit < 0 {
		return BadInputf("--near-heap-limit must not be negative")
	}
	if *every != 0 && *every < time.Second {
		return BadInputf("--snapshot-every %s is too short (minimum 1s)", *every)
	}
	var tracked []watch.Tracked
	for i, list := range [][]string{tracks, counts} {
		for _, v := range list {
			t, err := watch.ParseTrack(v, i == 1)
			if err != nil {
				return BadInput(err)
			}
			tracked = append(tracked, t)
		}
	}
	if *countEvery < time.Second {
		return BadInputf("--count-every %s is too short (minimum 1s)", *countEvery)
	}
	minGrowth, err := watch.ParseSize(*leakMin)
	if err != nil {
		return BadInputf("--leak-min-growth: %v", err)
	}
	var ths []watch.Threshold
	for _, t := range []struct{ name, level, actions string }{
		{"warn", *warn, *onWarn}, {"critical", *critical, *onCritical}, {"restart", *restart, *onRestart},
	} {
		lv, err := watch.ParseLevel(t.level)
		if err != nil {
			return BadInputf("--heap-%s: %v", t.name, err)
		}
		acts, err := watch.ParseActions(t.actions)
		if err != nil {
			return BadInputf("--on-%s: %v", t.name, err)
		}
		if !lv.Off() {
			ths = append(ths, watch.Threshold{Name: t.name, Level: lv, Actions: acts})
		}
	}
	leakActs, err := watch.ParseActions(*onLeak)
	if err != nil {
		return BadInputf("--on-leak: %v", err)
	}

	if *duration < 0 {
		return BadInputf("--duration must not be negative")
	}
	if *metricsAddr != "" {
		if _, err := metrics.ListenAddr(*metricsAddr); err != nil {
			return BadInputf("--metrics-addr %s: not an address (want PORT, :PORT or HOST:PORT, e.g. :9464)", *metricsAddr)
		}
	}
	// --duration is the agent's (Config.Duration), not a deadline on ctx:
	// a snapshot in progress when it ends is finished, not thrown away.

	// What every target's agent shares; the rest is per target.
	base := watch.Config{
		Interval: *interval, Duration: *duration,
		Leak:        watch.LeakDetector{Window: *leakGCs, MinGrowth: minGrowth},
		LeakActions: leakActs, Thresholds: ths, Cooldown: *cooldown,
		SnapshotEvery: *every, AllocationStacks: *allocStacks, Keep: *keep, SnapshotCount: *snapCount, DataDir: *dataDir, NearHeapLimit: *nearLimit,
		Tracked: tracked, CountEvery: *countEvery,
		Reconnect: !*noReconnect,
		Capture: func(ctx context.Context, c watch.Conn, path string) (int64, error) {
			ic, ok := c.(*inspector.Conn)
			if !ok {
				return 0, errors.New("not an inspector connection")
			}
			r, err := inspector.Capture(ctx, ic, path, inspector.CaptureOptions{})
			return r.Bytes, err
		},
		Analyze: func(ctx context.Context, paths []string, out string) (string, error) {
			return analyzeToFile(ctx, env, paths, out)
		},
		WatchRun: watchRunID(),
	}
	if many {
		return runWatchMany(ctx, env, base, manyOptions{
			pids: pids, all: *all, poll: *poll, tf: tf, dataDir: *dataDir, retention: *retention, metricsAddr: *metricsAddr,
			asJSON: *asJSON, verbose: *verbose, quiet: *quiet, status: *status,
		})
	}
	spec := pos[0]

	// First connection: errors here are the user's to fix (exit 2/3).
	first, err := attachTarget(ctx, env, spec, tf, *quiet)
	if err != nil {
		return err
	}
	// The agent closes its sessions as it goes; at the end, an inspector
	// we opened is closed again through a session of its own.
	defer releaseOpened(env, first.Target(), tf, *quiet)
	if first, err = settleFor(ctx, env, first, tf, *quiet); err != nil {
		return err
	}
	connect := reconnector(first, spec, *tf.allowRemote)

	st, err := store.Open(*dataDir, false)
	if err != nil {
		first.Close()
		return fmt.Errorf("opening the history in %s: %w", *dataDir, err)
	}
	defer st.Close()
	if *retention > 0 {
		if _, err := st.Prune(ctx, time.Now().Add(-*retention)); err != nil {
			first.Close()
			return fmt.Errorf("pruning the history: %w", err)
		}
	}

	var m *metrics.Metrics
	if *metricsAddr != "" {
		m = metrics.New(nil)
		srv, err := m.Serve(*metricsAddr)
		if err != nil {
			first.Close()
			return listenError("--metrics-addr", *metricsAddr, err)
		}
		defer srv.Close()
		if !*quiet && !*asJSON {
			fmt.Fprintf(env.Stderr, "leakhound: metrics at http://%s/metrics\n", srv.Addr())
		}
	}

	var outMu sync.Mutex
	var lastStatus time.Time
	var gcsSince, majorsSince, forcedSince int
	pal := Palette(env.Stdout)
	enc := json.NewEncoder(env.Stdout)
	onEvent := func(e watch.Event) {
		outMu.Lock()
		defer outMu.Unlock()
		if *asJSON {
			if e.Kind != "sample" || *verbose {
				_ = enc.Encode(e)
			}
			return
		}
		if *quiet && e.Kind != "error" {
			return
		}
		if e.Kind == "action" && e.Trigger == "leak" && e.Action == "log" {
			return // the leak event itself just said it
		}
		if e.Kind == "sample" && !*verbose {
			// A periodic status line, so a quiet healthy target still
			// shows that watch is alive.
			gcsSince += e.GCs
			majorsSince += e.MajorGCs
			forcedSince += e.ForcedGCs
			if *status <= 0 || e.Sample == nil || time.Since(lastStatus) < *status {
				return
			}
			if lastStatus.IsZero() {
				lastStatus = time.Now()
				return
			}
			lastStatus = time.Now()
			forced := ""
			if forcedSince > 0 {
				// Not the program's: global.gc(), heap snapshots, the gc action.
				forced = fmt.Sprintf(", %d forced", forcedSince)
			}
			e.Message = fmt.Sprintf("heap used %s of %s, rss %s, external %s; %d GCs (%d major%s) since the last status",
				ui.Bytes(e.Sample.HeapUsed), ui.Bytes(e.Sample.HeapTotal), ui.Bytes(e.Sample.RSS), ui.Bytes(e.Sample.External),
				gcsSince, majorsSince, forced)
			if e.LeakSignal != nil {
				e.Message += "; " + e.LeakSignal.String()
			}
			for _, t := range e.Tracked {
				e.Message += fmt.Sprintf("; %s %s", t.Name, ui.Count(t.Value))
			}
			gcsSince, majorsSince, forcedSince = 0, 0, 0
			e.Kind = "status"
		}
		label, msg := eventWords(pal, e)
		fmt.Fprintf(env.Stdout, "%s %s %s %s\n", pal.Dim(e.Time.Format("15:04:05")), pal.Bold(e.Target), label, msg)
	}

	first0 := first
	cfg := base
	cfg.Name = *name
	cfg.Connect = func(ctx context.Context) (watch.Conn, error) {
		if first0 != nil {
			c := first0
			first0 = nil
			return c, nil
		}
		return connect(ctx)
	}
	cfg.Store, cfg.Metrics, cfg.OnEvent = st, m, onEvent
	cfg.CanSignal = func(pid int) error {
		return localNodePID(first.Target().Addr, pid)
	}
	err = watch.Run(ctx, cfg)
	if err != nil {
		if errors.Is(err, watch.ErrGone) {
			return fmt.Errorf("%v; the history is in %s", err, st.Path())
		}
		return fmt.Errorf("%v; what was recorded is in %s", err, st.Path())
	}
	if !*quiet && !*asJSON {
		fmt.Fprintf(env.Stderr, "leakhound: stopped; history in %s (see `leakhound history`)\n", st.Path())
	}
	return nil
}

// listenError words a failure to listen at flag's addr: a port in use or
// a privileged port is the environment (exit 3), an address that is not
// this machine's is the user's (exit 2).
func listenError(flag, addr string, err error) error {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("%s %s: the port is already in use (another leakhound? pick another port)", flag, addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("%s %s: permission denied (ports below 1024 need privileges)", flag, addr)
	case errors.As(err, &dns):
		return BadInputf("%s %s: no such host %q", flag, addr, dns.Name)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return BadInputf("%s %s: that address is not one of this machine's", flag, addr)
	}
	return fmt.Errorf("%s %s: cannot listen there (%v)", flag, addr, err)
}

// reconnector returns how to reach the target again after the connection
// dropped. A pid whose inspector we opened with SIGUSR1 cannot come back
// once it exits; a target with a fixed inspector address (started with
// --inspect=PORT, or given as host:port or ws:// URL) is looked for at that
// address again, which is where a supervisor's restart puts it.
func reconnector(first *inspector.Conn, spec string, allowRemote bool) func(ctx context.Context) (watch.Conn, error) {
	t := first.Target()
	pid, addr, opened := t.PID, t.Addr, t.Opened
	// A pid names one process, which cannot come back once gone; an
	// address may be served again by a restarted program.
	_, err := strconv.Atoi(strings.TrimSpace(spec))
	byPID := err == nil
	return func(ctx context.Context) (watch.Conn, error) {
		if pid > 0 && processExists(pid) {
			return dialSpec(ctx, fmt.Sprint(pid), allowRemote)
		}
		if pid > 0 && (opened || byPID) {
			return nil, fmt.Errorf("%w (pid %d)", watch.ErrGone, pid)
		}
		return dialSpec(ctx, addr, allowRemote)
	}
}

// localNodePID confirms that a pid reported by the target is a node
// process on this machine, reached over loopback: a remote or
// containerised target's pid would name some other process here.
func localNodePID(addr string, pid int) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); !(host == "localhost" || ip != nil && ip.IsLoopback()) {
		return fmt.Errorf("the target at %s is not on this machine", addr)
	}
	name, ok := inspector.NodeProcess(pid)
	if name == "" {
		return fmt.Errorf("pid %d is not a process here (is the target in a container?)", pid)
	}
	if !ok {
		return fmt.Errorf("pid %d here is %s, not node (is the target in a container?)", pid, name)
	}
	return nil
}

func dialSpec(ctx context.Context, spec string, allowRemote bool) (watch.Conn, error) {
	t, err := inspector.Resolve(ctx, spec, inspector.ResolveOptions{AllowRemote: allowRemote, NoSignal: true})
	if err != nil {
		return nil, err
	}
	c, err := inspector.Dial(ctx, t)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func processExists(pid int) bool { return inspector.ProcessAlive(pid) }

// analyzeToFile runs the leak analysis on snapshots of one process and
// writes a Markdown report to out (atomically), returning a one-line
// summary for the history.
func analyzeToFile(ctx context.Context, env *Env, paths []string, out string) (string, error) {
	if len(paths) == 1 {
		return accumulationToFile(ctx, env, paths[0], out)
	}
	rep, err := leak.Analyze(len(paths), func(i int) (*heapgraph.Graph, error) {
		return loadGraph(ctx, env, paths[i], true, indexOptions{off: true}, nil) // each snapshot is analysed once
	}, leak.Options{Names: names(paths), Work: watch.SnapshotWork(paths)})
	if errors.Is(err, leak.ErrNotSameProcess) {
		return "", fmt.Errorf("%w: %v", watch.ErrRenumbered, err)
	}
	if err != nil {
		return "", err
	}
	// The same Markdown as `leakhound leaks --markdown`, under a title that
	// says where the snapshots are.
	var b strings.Builder
	fmt.Fprintf(&b, "# leakhound watch: automatic leak analysis\n\nSnapshots in `%s`, oldest first.\n\n", filepath.Dir(paths[0]))
	rpt.WriteLeaksMarkdown(&b, rep)
	summary := fmt.Sprintf("no leak suspects in the last %d snapshots", len(paths))
	if rep.Leak && len(rep.Suspects) > 0 {
		s0 := rep.Suspects[0]
		summary = fmt.Sprintf("%d leak suspect(s); top: %s %s %s (%+d objects)", len(rep.Suspects), s0.Pattern, s0.Class,
			ui.SignedBytes(s0.GrowthBytes), s0.GrowthCount)
	}
	if err := writeFileAtomic(out, func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err }); err != nil {
		return "", err
	}
	return summary, nil
}

// accumulationToFile analyses one snapshot (node's near-heap-limit
// snapshot) for where memory accumulates, writes the Markdown report to out
// and returns the top suspects on one line for the history.
func accumulationToFile(ctx context.Context, env *Env, path, out string) (string, error) {
	g, err := loadGraph(ctx, env, path, true, indexOptions{off: true}, nil) // analysed once: no index
	if err != nil {
		return "", err
	}
	rep := leak.AnalyzeOne(g, leak.SingleOptions{Name: filepath.Base(path)})
	var b strings.Builder
	fmt.Fprintf(&b, "# leakhound watch: the heap near its limit\n\nSnapshot `%s`, written by node as the heap neared its limit.\n\n", path)
	rpt.WriteSingleMarkdown(&b, rep)
	if err := writeFileAtomic(out, func(w io.Writer) error { _, err := io.WriteString(w, b.String()); return err }); err != nil {
		return "", err
	}
	return accumulationLine(rep), nil
}

// accumulationLine names the top three accumulations on one line.
func accumulationLine(rep *leak.SingleReport) string {
	if len(rep.Suspects) == 0 {
		return fmt.Sprintf("heap %s near its limit: no accumulation found", ui.Bytes(int64(rep.Snapshot.TotalSize)))
	}
	var parts []string
	for _, a := range rep.Suspects {
		if len(parts) == 3 {
			break
		}
		s := fmt.Sprintf("#%d %s %s %s (%.0f%%)", a.Rank, rpt.SinglePattern(a.Pattern), a.Class, ui.Bytes(int64(a.RetainedSize)), 100*a.Share)
		if h := a.Holder; h != nil {
			in := h.Class
			if h.Name != "" {
				in += " " + h.Name
			}
			s += " in " + in
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("heap %s near its limit; where it accumulates: %s", ui.Bytes(int64(rep.Snapshot.TotalSize)), strings.Join(parts, "; "))
}
