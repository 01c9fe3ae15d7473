package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
)

// closeWait bounds closing a target's inspector: a target that does not
// answer by then is busy or hung, and is left as it is.
const closeWait = 10 * time.Second

// releaseTarget ends our session with c's target. An inspector leakhound
// opened itself is closed again, unless --keep-inspector: an open
// inspector holds the default port (no other process can be attached
// with a signal meanwhile) and lets anyone on the machine run code as the
// target. One that was open before we came is left as it was. Ctrl-C has
// cancelled the command's context by now; closing does not use it.
func releaseTarget(env *Env, c *inspector.Conn, tf targetFlags, quiet bool) {
	t := c.Target()
	if !t.Opened || *tf.keepInspector {
		c.Close()
		if t.Opened && !quiet {
			saidKept(env, t)
		}
		return
	}
	closeInspector(context.Background(), env, c, t, quiet)
}

// closeInspector closes the inspector we opened in t through c and says
// so. A program that is ending cannot run the close (it waits for the
// debugger to leave, and its inspector goes with it): once c is closed
// and the process is gone, there is nothing to say.
func closeInspector(ctx context.Context, env *Env, c *inspector.Conn, t *inspector.Target, quiet bool) {
	closed, err := c.CloseInspector(ctx, closeWait)
	if err != nil {
		c.Close()
		if t.PID > 0 && exits(t.PID, 2*time.Second) {
			return
		}
	}
	reportClosed(env, t, closed, err, quiet)
}

// releaseOpened closes the inspector leakhound opened in t when no session
// of ours is left to do it through (the end of watch, whose agent has
// closed its own): a new short session is opened for that. A target gone
// meanwhile needs nothing.
func releaseOpened(env *Env, t *inspector.Target, tf targetFlags, quiet bool) {
	if !t.Opened || t.PID <= 0 || *tf.keepInspector {
		if t.Opened && !quiet {
			saidKept(env, t)
		}
		return
	}
	if !inspector.ProcessAlive(t.PID) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeWait)
	defer cancel()
	now, err := inspector.Resolve(ctx, strconv.Itoa(t.PID), inspector.ResolveOptions{AllowRemote: *tf.allowRemote, NoSignal: true})
	if errors.Is(err, inspector.ErrNoInspector) || errors.Is(err, inspector.ErrNoProcess) {
		return // closed already, or gone
	}
	if err == nil && now.Addr != t.Addr {
		// Not the inspector we opened (moved since): close that one.
		t = now
	}
	var c *inspector.Conn
	if err == nil {
		c, err = inspector.Dial(ctx, now)
	}
	if err != nil {
		reportClosed(env, t, false, err, quiet)
		return
	}
	closeInspector(ctx, env, c, t, quiet)
}

// exits reports whether process pid ends within d.
func exits(pid int, d time.Duration) bool {
	for end := time.Now().Add(d); ; time.Sleep(50 * time.Millisecond) {
		if !inspector.ProcessAlive(pid) {
			return true
		}
		if time.Now().After(end) {
			return false
		}
	}
}

// reportClosed says what became of an inspector we opened. A failure is
// said even with --quiet: the door stays open.
func reportClosed(env *Env, t *inspector.Target, closed bool, err error, quiet bool) {
	switch {
	case closed:
		if !quiet {
			fmt.Fprintf(env.Stderr, "leakhound: closed the inspector of pid %d again (nothing listens at %s for it any more)\n", t.PID, t.Addr)
		}
	case err != nil:
		fmt.Fprintf(env.Stderr, "leakhound: could not close the inspector of pid %d at %s (%v); it stays open until the process exits\n", t.PID, t.Addr, err)
	default:
		fmt.Fprintf(env.Stderr, "leakhound: the inspector of pid %d at %s did not close within %s (is the process busy?); it stays open until the process exits\n", t.PID, t.Addr, closeWait)
	}
}

// moveWait bounds moving a target's inspector to another port.
const moveWait = 30 * time.Second

// settleFor moves an inspector leakhound opened off its port before a long
// session (watch, capture --count, sample): a signal opens every node
// process's inspector on the same default port, so while we hold it there
// no other process can be attached that way. One that was open before,
// or kept with --keep-inspector, stays where it is. A move that fails
// leaves the inspector where it was and the session goes on there.
func settleFor(ctx context.Context, env *Env, c *inspector.Conn, tf targetFlags, quiet bool) (*inspector.Conn, error) {
	t := c.Target()
	if !t.Opened || *tf.keepInspector {
		return c, nil
	}
	nc, err := c.MoveInspector(ctx, moveWait)
	switch {
	case err == nil:
		if !quiet {
			fmt.Fprintf(env.Stderr, "leakhound: moved the inspector of pid %d from %s to %s, so %s is free for the next target\n", t.PID, t.Addr, nc.Target().Addr, t.Addr)
		}
		return nc, nil
	case errors.Is(err, inspector.ErrNotMoved) && nc != nil:
		fmt.Fprintf(env.Stderr, "leakhound: %v; it stays at %s meanwhile\n", err, t.Addr)
		return nc, nil
	}
	return nil, err
}

// releaseEither releases *c, or, when a failed move left no session
// (*c nil), the inspector opened in t through a new one.
func releaseEither(env *Env, c **inspector.Conn, t *inspector.Target, tf targetFlags, quiet bool) {
	if *c != nil {
		releaseTarget(env, *c, tf, quiet)
		return
	}
	releaseOpened(env, t, tf, quiet)
}

// saidKept says that --keep-inspector left an inspector we opened open.
func saidKept(env *Env, t *inspector.Target) {
	fmt.Fprintf(env.Stderr, "leakhound: left the inspector of pid %d open at %s (--keep-inspector); anyone on this machine can connect to it and run code as that process until it exits\n", t.PID, t.Addr)
}
