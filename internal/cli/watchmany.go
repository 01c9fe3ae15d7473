package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/metrics"
	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/watch"
)

// manyOptions are watch's flags that matter to several targets at once.
type manyOptions struct {
	pids                   []int
	all                    bool
	poll                   time.Duration
	tf                     targetFlags
	dataDir, metricsAddr   string
	retention, status      time.Duration
	asJSON, verbose, quiet bool
}

// watchProcesses lists watch --all's targets (a variable for tests, which
// must not attach to the other node processes of a shared machine).
var watchProcesses = inspector.NodeProcesses

// watchRunID names one watch run in the history: its sessions share it.
func watchRunID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}

// runWatchMany watches several node processes at once (watch PID PID…,
// watch --all): one agent each, attached one at a time, each moved off the
// default port so the next can be signalled, all recorded in one history
// and one metrics registry (labelled per target), shown in one status
// table. What it opened is closed as each target is let go and at the end.
func runWatchMany(ctx context.Context, env *Env, base watch.Config, o manyOptions) error {
	st, err := store.Open(o.dataDir, false)
	if err != nil {
		return fmt.Errorf("opening the history in %s: %w", o.dataDir, err)
	}
	defer st.Close()
	if o.retention > 0 {
		if _, err := st.Prune(ctx, time.Now().Add(-o.retention)); err != nil {
			return fmt.Errorf("pruning the history: %w", err)
		}
	}
	board := newStatusBoard(env, o)
	defer board.close()
	// Lines on stderr (inspector opened, moved, closed) go through the
	// board, so a table redrawn in place on a terminal is not torn.
	benv := &Env{Stdin: env.Stdin, Stdout: env.Stdout, Stderr: board.stderr()}

	var m *metrics.Metrics
	if o.metricsAddr != "" {
		m = metrics.NewMulti()
		srv, err := m.Serve(o.metricsAddr)
		if err != nil {
			return listenError("--metrics-addr", o.metricsAddr, err)
		}
		defer srv.Close()
		if !o.quiet && !o.asJSON {
			fmt.Fprintf(benv.Stderr, "leakhound: metrics at http://%s/metrics (one series per target: labels target and pid)\n", srv.Addr())
		}
	}

	names := map[string]bool{} // names given in this run: each target's is its own
	quiet := o.quiet
	start := func(ctx context.Context, pid int) (watch.Started, error) {
		spec := strconv.Itoa(pid)
		c, err := attachTarget(ctx, benv, spec, o.tf, quiet)
		if err != nil {
			return watch.Started{}, err
		}
		opened := c.Target()
		if c, err = settleFor(ctx, benv, c, o.tf, quiet); err != nil {
			releaseOpened(benv, opened, o.tf, quiet)
			return watch.Started{}, err
		}
		name := targetName(ctx, c, pid, names)
		names[name] = true
		cfg := base
		cfg.Name = name
		first := c
		connect := reconnector(c, spec, *o.tf.allowRemote)
		cfg.Connect = func(ctx context.Context) (watch.Conn, error) {
			if first != nil {
				c := first
				first = nil
				return c, nil
			}
			return connect(ctx)
		}
		addr := c.Target().Addr
		cfg.CanSignal = func(p int) error { return localNodePID(addr, p) }
		cfg.Store, cfg.OnEvent = st, board.event
		var view *metrics.Metrics
		if m != nil {
			view = m.For(name, pid)
			cfg.Metrics = view
		}
		return watch.Started{Config: cfg, Release: func() {
			releaseOpened(benv, opened, o.tf, quiet)
			if view != nil {
				view.Forget()
			}
			board.forget(pid)
		}}, nil
	}
	mc := watch.ManyConfig{PIDs: o.pids, Poll: o.poll, Duration: base.Duration, Start: start, OnEvent: board.event}
	if o.all {
		mc.List = watchProcesses
	}
	err = watch.RunMany(ctx, mc)
	board.close()
	if err != nil {
		if errors.Is(err, watch.ErrGone) {
			return fmt.Errorf("all %d targets exited; the history is in %s", len(o.pids), st.Path())
		}
		return err
	}
	if !o.quiet && !o.asJSON {
		fmt.Fprintf(env.Stderr, "leakhound: stopped; history in %s (see `leakhound history`)\n", st.Path())
	}
	return nil
}

// targetName names a target after its main script, as a single watch
// does; a name another target of this run already has gets the pid
// appended, so each target's history and series stay apart.
func targetName(ctx context.Context, c *inspector.Conn, pid int, taken map[string]bool) string {
	name := fmt.Sprintf("node-%d", pid)
	ectx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if v, err := c.Evaluate(ectx, "process.argv[1] || ''", false); err == nil {
		var script string
		if json.Unmarshal(v, &script) == nil && script != "" {
			name = filepath.Base(script)
		}
	}
	if taken[name] {
		name = fmt.Sprintf("%s@%d", name, pid)
	}
	return name
}
