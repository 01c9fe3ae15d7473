package inspector

import (
	"context"
	"errors"
	"slices"
	"time"
)

// closeExpr closes the target's inspector from inside. The module is
// looked up now, while the command-line API's require (node installs it
// for inspector sessions only during an evaluation) is in scope;
// process.getBuiltinModule covers a node without it. The close itself is
// deferred with setImmediate so our Runtime.evaluate is answered first;
// inspector.close then ends the remaining sessions (ours, which we drop
// right after) and stops listening. A port that MoveInspector changed is
// put back as the one a later SIGUSR1 opens. The callback never throws: an
// error there would crash the target.
const closeExpr = `((i) => { setImmediate(() => { try { i.close() } catch {} ` +
	`const g = globalThis, k = Symbol.for('leakhound.debugPort'); if (k in g) { try { process.debugPort = g[k] } catch {} delete g[k] } ` +
	`}); return true })(` +
	`typeof require === 'function' ? require('inspector') : process.getBuiltinModule('inspector'))`

// CloseInspector ends this session and closes the target's inspector, so
// that nothing listens for the target any more: for an inspector we opened
// ourselves (Target.Opened). It waits (up to wait) until the target's
// socket is gone and says whether it saw that. A target that exits or
// hangs meanwhile is no error: a gone process listens on nothing, and a
// hung one is reported as not closed.
func (c *Conn) CloseInspector(ctx context.Context, wait time.Duration) (closed bool, err error) {
	// Ctrl-C cancelled ctx, and must still close what we opened.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), wait)
	defer cancel()
	err = c.evalAPI(ctx, closeExpr)
	if err == nil {
		c.awaitHangUp(ctx)
	}
	c.Close()
	if err != nil && !errors.Is(err, ErrConnLost) {
		return false, err
	}
	return waitNotListening(ctx, c.target), nil
}

// waitNotListening waits until t's process no longer listens at t.Addr
// (or is gone), polling its sockets the way Resolve finds them.
func waitNotListening(ctx context.Context, t *Target) bool {
	if t.PID <= 0 {
		return false
	}
	for {
		if !processAlive(t.PID) {
			return true
		}
		addrs, err := listeningAddrs(t.PID)
		if errors.Is(err, ErrNoProcess) {
			return true
		}
		if err == nil && !slices.ContainsFunc(addrs, func(a string) bool { return dialable(a) == t.Addr }) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// awaitHangUp waits (a few seconds at most) for the target to end our
// session itself, as inspector.close does, before we close our side:
// ending it from both sides at once can leave node's inspector thread
// waiting for a session that is gone, inspector.close blocking the
// target's event loop with it, and no later SIGUSR1 able to reopen it.
func (c *Conn) awaitHangUp(ctx context.Context) {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-c.Done():
	case <-t.C:
	case <-ctx.Done():
	}
}
