package watch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ManyConfig configures RunMany: several node processes watched at once
// (`watch PID PID…`, `watch --all`), one agent each.
type ManyConfig struct {
	// PIDs are the targets named on the command line. Each must attach:
	// a failure there stops everything (the user's to fix).
	PIDs []int
	// List, when set (--all), lists the node processes now; it is polled
	// every Poll, new processes are picked up and gone ones let go. A
	// process that cannot be attached is said once and not tried again.
	List func() ([]int, error)
	Poll time.Duration // default 3s
	// Duration stops everything after this long (0: until ctx ends); an
	// agent started later gets what is left of it.
	Duration time.Duration
	// Start attaches to pid and returns its agent's configuration. It is
	// called for one pid at a time: the inspector a signal opens sits on
	// the one default port until Start has moved it away.
	Start func(ctx context.Context, pid int) (Started, error)
	// OnEvent receives the supervisor's own events (a target let go, one
	// that could not be attached) beside the agents' own (Config.OnEvent).
	OnEvent func(Event)
}

// Started is one target's agent configuration, and how to let it go.
type Started struct {
	Config Config
	// Release closes what Start opened (the target's inspector); it is
	// called once the target's agent has ended, also after Ctrl-C.
	Release func()
}

// newcomerPolls is how many polls a new process must have been seen in
// before --all attaches to it: SIGUSR1 kills a process that has not yet
// installed node's handler for it, which node does early but not at once.
const newcomerPolls = 2

// RunMany watches each target with its own agent until ctx ends, or
// Duration has passed, or (without List) every target has gone. A target
// that exits is let go, its inspector closed if we opened it, and the rest
// carry on: that is no error. It returns an error only when a named
// target cannot be attached, or when every named target has gone.
func RunMany(ctx context.Context, mc ManyConfig) error {
	if mc.Poll <= 0 {
		mc.Poll = 3 * time.Second
	}
	stop, cancelStop := context.WithCancel(ctx)
	defer cancelStop()
	var deadline time.Time
	if mc.Duration > 0 {
		deadline = time.Now().Add(mc.Duration)
		var c context.CancelFunc
		stop, c = context.WithDeadline(stop, deadline)
		defer c()
	}
	// Agents run on run, cancelled only by Ctrl-C or a failed start:
	// --duration is their own soft stop (a snapshot in progress finishes).
	run, cancelRun := context.WithCancel(ctx)
	defer cancelRun()

	type ended struct {
		pid  int
		name string
		err  error
	}
	done := make(chan ended)
	running := map[int]string{}
	start := func(pid int) error {
		st, err := mc.Start(stop, pid)
		if err != nil {
			return err
		}
		cfg := st.Config
		if !deadline.IsZero() {
			cfg.Duration = time.Until(deadline)
			if cfg.Duration <= 0 {
				cfg.Duration = time.Millisecond
			}
		}
		running[pid] = cfg.Name
		go func() {
			err := Run(run, cfg)
			if st.Release != nil {
				st.Release()
			}
			done <- ended{pid, cfg.Name, err}
		}()
		return nil
	}
	emit := func(e Event) {
		if mc.OnEvent == nil {
			return
		}
		if e.Time.IsZero() {
			e.Time = time.Now()
		}
		mc.OnEvent(e)
	}
	// waitAll lets every agent finish (they stop with ctx or their
	// Duration) and release its target.
	waitAll := func() {
		for len(running) > 0 {
			r := <-done
			delete(running, r.pid)
		}
	}

	for _, pid := range mc.PIDs {
		if err := start(pid); err != nil {
			cancelRun()
			waitAll()
			return err
		}
	}
	named, goneNamed := len(mc.PIDs), 0

	var poll <-chan time.Time
	seen := map[int]int{}   // --all: polls a process not yet watched was seen in
	skip := map[int]bool{}  // --all: processes that could not be attached
	saidEmpty := false      // "no node process yet" said
	first := mc.List != nil // the first listing attaches at once: those processes are not new
	lookAround := func() {
		pids, err := mc.List()
		if err != nil {
			emit(Event{Kind: "error", Message: "listing the node processes: " + err.Error()})
			return
		}
		now := map[int]bool{}
		for _, pid := range pids {
			now[pid] = true
			if _, ok := running[pid]; ok || skip[pid] {
				continue
			}
			seen[pid]++
			if !first && seen[pid] < newcomerPolls {
				continue
			}
			if stop.Err() != nil {
				return
			}
			delete(seen, pid)
			if err := start(pid); err != nil {
				if stop.Err() != nil {
					return
				}
				skip[pid] = true
				emit(Event{Kind: "error", PID: pid, Message: fmt.Sprintf("pid %d: %v; not watched (watch it alone to see why)", pid, err)})
			}
		}
		for pid := range seen {
			if !now[pid] {
				delete(seen, pid)
			}
		}
		for pid := range skip {
			if !now[pid] {
				delete(skip, pid)
			}
		}
		if len(running) == 0 && !saidEmpty {
			saidEmpty = true
			emit(Event{Kind: "note", Message: fmt.Sprintf("no node process to watch yet; looking again every %s", mc.Poll)})
		} else if len(running) > 0 {
			saidEmpty = false
		}
		first = false
	}
	if mc.List != nil {
		lookAround()
		t := time.NewTicker(mc.Poll)
		defer t.Stop()
		poll = t.C
	}

	for {
		if mc.List == nil && len(running) == 0 {
			if goneNamed == named && stop.Err() == nil {
				return fmt.Errorf("%w: all %d targets", ErrGone, named)
			}
			return nil
		}
		select {
		case <-stop.Done():
			waitAll()
			return nil
		case r := <-done:
			delete(running, r.pid)
			// Not attached again while it lives: it is done (its
			// --snapshot-count), or its agent gave up on it.
			skip[r.pid] = true
			if stop.Err() != nil {
				continue // stopping: each ends as it should
			}
			left := fmt.Sprintf("%d target(s) left", len(running))
			if mc.List != nil {
				left = fmt.Sprintf("%d watched", len(running))
			}
			switch {
			case r.err == nil:
				// The agent did what it was asked (--snapshot-count).
				emit(Event{Kind: "done", Target: r.name, PID: r.pid, Message: fmt.Sprintf("done with pid %d (%s)", r.pid, left)})
			case errors.Is(r.err, ErrGone) || errors.Is(r.err, ErrFinished):
				goneNamed++
				emit(Event{Kind: "gone", Target: r.name, PID: r.pid, Message: fmt.Sprintf("pid %d exited: let go (%s)", r.pid, left)})
			default:
				goneNamed++
				emit(Event{Kind: "gone", Target: r.name, PID: r.pid, Message: fmt.Sprintf("pid %d: %v; let go (%s)", r.pid, r.err, left)})
			}
		case <-poll:
			lookAround()
		}
	}
}
