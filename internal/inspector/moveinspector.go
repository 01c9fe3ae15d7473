package inspector

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"time"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// moveStatus is where the target keeps the outcome of a move for us to
// read once reconnected (a registered symbol: no name of the program's
// can clash with it).
const moveStatus = `globalThis[Symbol.for('leakhound.inspectorMove')]`

// moveExpr closes the target's inspector and reopens it on a free loopback
// port, from inside (module looked up now, work deferred past our answer,
// like closeExpr). A failed inspector.open does not throw in node 20+, it
// just leaves url() empty; then the inspector is reopened where it was,
// and the reason is kept in moveStatus. open(0) also makes the new port
// the one a later SIGUSR1 opens (process.debugPort): the original is kept
// for closeExpr to restore.
func moveExpr(host string, port int) string {
	return `((i) => { const g = globalThis, k = Symbol.for('leakhound.debugPort'); if (!(k in g)) g[k] = process.debugPort; ` +
		`setImmediate(() => { const st = ` + moveStatus + ` = {}; ` +
		`try { i.close() } catch (e) {} ` +
		`try { i.open(0, '127.0.0.1') } catch (e) { st.error = String(e && e.message || e) } ` +
		`if (!i.url()) { st.error = st.error || 'inspector.open(0, "127.0.0.1") did not listen (see the target\'s stderr)'; ` +
		`try { i.open(` + strconv.Itoa(port) + `, ` + strconv.Quote(host) + `) } catch (e) {} } ` +
		`}); return true })(typeof require === 'function' ? require('inspector') : process.getBuiltinModule('inspector'))`
}

// ErrNotMoved: the inspector could not be moved and is back where it was;
// the session goes on there.
var ErrNotMoved = errors.New("the inspector could not be moved off its port")

// MoveInspector moves the target's inspector off its port (the default
// port, 9229, when SIGUSR1 opened it) to a free loopback port and returns
// a session there; c is closed. Two targets cannot have their inspectors
// opened by signal at once otherwise: both want the same port. Only for
// an inspector we opened (Target.Opened) of a local pid: one that was
// open before is someone's setup, left alone.
//
// If the target cannot listen on a new port, its inspector is reopened
// where it was and the session goes on there: the error wraps
// ErrNotMoved and says why, and the returned Conn is usable. Any other
// error leaves no session (the target died or hung meanwhile).
func (c *Conn) MoveInspector(ctx context.Context, wait time.Duration) (*Conn, error) {
	t := c.target
	if !t.Opened || t.PID <= 0 {
		return c, fmt.Errorf("%w: leakhound did not open it", ErrNotMoved)
	}
	host, portStr, err := net.SplitHostPort(t.Addr)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil {
		return c, fmt.Errorf("%w: bad address %q", ErrNotMoved, t.Addr)
	}
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	// The program's own ports, which the search for the new one must not
	// keep poking.
	others, _ := listeningAddrs(t.PID)
	if err := c.evalAPI(ctx, moveExpr(host, port)); err != nil {
		return c, fmt.Errorf("%w: %v", ErrNotMoved, err)
	}
	// inspector.close in the target ends our session.
	c.awaitHangUp(ctx)
	c.Close()
	nt, err := findReopened(ctx, t, others)
	if err != nil {
		return nil, fmt.Errorf("pid %d: after moving its inspector: %w", t.PID, err)
	}
	nc, err := Dial(ctx, nt)
	if err != nil {
		return nil, fmt.Errorf("pid %d: reconnecting to its moved inspector at %s: %w", t.PID, nt.Addr, err)
	}
	raw, err := nc.Evaluate(ctx, `(() => { const s = `+moveStatus+`; delete `+moveStatus+`; return s || {} })()`, false)
	var st struct {
		Error string `json:"error"`
	}
	if err == nil {
		_ = jsonv2.Unmarshal(raw, &st, jsonOpts)
	}
	if nt.Addr == t.Addr {
		why := st.Error
		if why == "" {
			why = "it reopened on the same port"
		}
		return nc, fmt.Errorf("%w: %s", ErrNotMoved, why)
	}
	return nc, nil
}

// evalAPI evaluates expr with node's command-line API (require) in scope,
// for its effect.
func (c *Conn) evalAPI(ctx context.Context, expr string) error {
	params := map[string]any{"expression": expr, "includeCommandLineAPI": true, "returnByValue": true}
	var res struct {
		ExceptionDetails *exceptionDetails `json:"exceptionDetails,omitzero"`
	}
	if err := c.Call(ctx, "Runtime.evaluate", params, &res); err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return res.ExceptionDetails.err(expr)
	}
	return nil
}

// findReopened waits for old's process to listen with an inspector again:
// at a new address (moved), or at the old one with a new session id (the
// move failed and it was reopened there; the id changes at every open).
// Addresses in others (the program's own) are not probed.
func findReopened(ctx context.Context, old *Target, others []string) (*Target, error) {
	var last error // what the last probe said, for the timeout's message
	for {
		if !processAlive(old.PID) {
			return nil, ErrNoProcess
		}
		addrs, err := listeningAddrs(old.PID)
		if err != nil {
			return nil, err
		}
		for _, a := range addrs {
			da := dialable(a)
			// The program's own ports are not poked, and the new home
			// must be loopback: moving never exposes the target more.
			if da != old.Addr && (slices.Contains(others, a) || !isLoopbackBound(a)) {
				continue
			}
			nt, err := probe(ctx, da)
			if err != nil {
				last = err
				continue
			}
			if da == old.Addr && nt.WebSocketURL == old.WebSocketURL {
				continue
			}
			nt.PID, nt.Opened = old.PID, true
			return nt, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: it did not reopen in time (busy or hung? listening on %v; last probe: %v)", ErrNoInspector, addrs, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
