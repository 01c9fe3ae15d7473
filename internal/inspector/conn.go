// Package inspector talks to a live node process through the V8 inspector
// (the Chrome DevTools Protocol over a WebSocket): finding the inspector of a
// process (Resolve), connecting (Dial), raw and typed CDP calls, events, and
// the operations leakhound builds on them (heap snapshots streamed to disk,
// the sampling heap profiler, forced GC).
//
// Conn implements cdp.Session from github.com/chromedp/cdproto, so the
// generated, typed commands work on it directly:
//
//	usage, err := cdp.Call(ctx, conn, runtime.GetHeapUsage, cdp.Empty{})
//
// The inspector gives code execution in the target, so Resolve only connects
// where it was told and refuses hosts other than loopback unless asked.
package inspector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/coder/websocket"
)

// jsonOpts are used for every message. V8 may emit lone surrogates in
// strings (they are legal in JavaScript), which strict UTF-8 checking would
// reject and lose a whole message over.
var jsonOpts = jsonv2.JoinOptions(jsonv2.DefaultOptionsV2(), jsonv2.AllowInvalidUTF8(true))

// maxMessage bounds one inspector message. Sampling profiles of big programs
// run to tens of MB; snapshot chunks are small.
const maxMessage = 512 << 20

// Conn is one inspector session with a target. Its methods are safe for
// concurrent use. A read loop goroutine owns the socket's reading side and
// dispatches responses to Call and events to subscribers.
type Conn struct {
	target *Target
	ws     *websocket.Conn

	nextID atomic.Int64

	mu      sync.Mutex
	pending map[int64]chan response
	subs    map[string][]*subscription
	err     error // why the connection ended; set once before done closes

	done      chan struct{}
	closeOnce sync.Once
	closing   atomic.Bool

	// debugger tracks whether this session has the Debugger domain
	// enabled, so a snapshot disables it afterwards only if it enabled it.
	debugger atomic.Bool
}

type response struct {
	result jsonv2.Value
	err    error
}

// wireMessage is one message from the target: a response (ID set) or an
// event (Method set).
type wireMessage struct {
	ID     int64          `json:"id,omitzero"`
	Result jsonv2.Value   `json:"result,omitzero"`
	Error  *ProtocolError `json:"error,omitzero"`
	Method string         `json:"method,omitzero"`
	Params jsonv2.Value   `json:"params,omitzero"`
}

type request struct {
	ID     int64  `json:"id"`
	Method string `json:"method"`
	Params any    `json:"params,omitzero"`
}

// Dial opens an inspector session with t. When t.PID is known it confirms
// that the inspector belongs to that process (Runtime.evaluate of
// process.pid), so a port reused by another program is never mistaken for
// the target.
func Dial(ctx context.Context, t *Target) (*Conn, error) {
	if t == nil || t.WebSocketURL == "" {
		return nil, errors.New("inspector: no WebSocket URL to dial")
	}
	ws, resp, err := websocket.Dial(ctx, t.WebSocketURL, &websocket.DialOptions{HTTPClient: httpClient})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			// Node answers the upgrade with an error status when the
			// session id in the URL is not its current one; a web server
			// answers anything. Its /json/list tells them apart.
			if _, perr := probe(ctx, t.Addr); errors.Is(perr, ErrNoInspector) {
				return nil, perr
			}
			return nil, fmt.Errorf("%w: %s answered HTTP %d to the WebSocket upgrade (a ws:// URL from an earlier run of node? give host:port instead)", ErrRefused, t, resp.StatusCode)
		}
		var ne net.Error
		if errors.As(err, &ne) || strings.Contains(err.Error(), "connection refused") {
			return nil, unreachable(t.Addr, err)
		}
		return nil, fmt.Errorf("inspector: connecting to %s: %w", t, err)
	}
	ws.SetReadLimit(maxMessage)
	c := &Conn{
		target:  t,
		ws:      ws,
		pending: map[int64]chan response{},
		subs:    map[string][]*subscription{},
		done:    make(chan struct{}),
	}
	go c.readLoop()
	if !t.launched && notStarted(ctx, c) {
		c.Close()
		return nil, fmt.Errorf("%s: %w", t, ErrNotStarted)
	}
	if t.PID > 0 && !t.launched {
		var pid int
		raw, err := c.Evaluate(ctx, "process.pid", false)
		if err == nil {
			err = jsonv2.Unmarshal(raw, &pid)
		}
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("inspector: confirming the pid of %s: %w", t, err)
		}
		if pid != t.PID {
			c.Close()
			return nil, fmt.Errorf("inspector at %s belongs to pid %d, not %d", t.Addr, pid, t.PID)
		}
	}
	return c, nil
}

// notStarted tells a node that waits for a debugger before its program
// (--inspect-brk): node sets process.pid, argv and the rest while
// preparing the main script, after that wait, so it reads 0 until then.
func notStarted(ctx context.Context, c *Conn) bool {
	raw, err := c.Evaluate(ctx, "typeof process === 'object' && process.release && process.release.name === 'node' && !(process.pid > 0)", false)
	var waiting bool
	return err == nil && jsonv2.Unmarshal(raw, &waiting) == nil && waiting
}

// Target is the target this connection was dialled to.
func (c *Conn) Target() *Target { return c.target }

func (c *Conn) readLoop() {
	// The socket's own context: reads end when the connection is closed.
	ctx := context.Background()
	for {
		_, data, err := c.ws.Read(ctx)
		if err != nil {
			if c.closing.Load() {
				c.fail(ErrClosed)
			} else {
				c.fail(lostError(err))
			}
			return
		}
		var m wireMessage
		if err := jsonv2.Unmarshal(data, &m, jsonOpts); err != nil {
			c.fail(fmt.Errorf("%w: undecodable message from the target: %v", ErrConnLost, err))
			c.ws.CloseNow()
			return
		}
		if m.Method != "" && m.ID == 0 {
			c.dispatchEvent(m.Method, m.Params)
			continue
		}
		c.mu.Lock()
		ch := c.pending[m.ID]
		delete(c.pending, m.ID)
		c.mu.Unlock()
		if ch == nil {
			continue // a call whose caller gave up
		}
		if m.Error != nil {
			ch <- response{err: m.Error}
		} else {
			ch <- response{result: m.Result}
		}
	}
}

// lostError words a read error for a user: a socket that just ended (EOF,
// reset, a close frame) means the target exited or closed its inspector,
// and the websocket library's own wording would only confuse.
func lostError(err error) error {
	var ce websocket.CloseError
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.As(err, &ce) {
		return fmt.Errorf("%w: the process exited or closed its inspector", ErrConnLost)
	}
	return fmt.Errorf("%w: %v", ErrConnLost, err)
}

// fail records why the connection ended, fails every pending call and ends
// every subscription.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	pending := c.pending
	c.pending = nil
	subs := c.subs
	c.subs = nil
	c.mu.Unlock()
	for _, ch := range pending {
		ch <- response{err: err}
	}
	for _, list := range subs {
		for _, s := range list {
			s.end()
		}
	}
	close(c.done)
}

// Done is closed when the connection ends, lost or closed.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is nil while the connection is up, then why it ended: an error
// wrapping ErrConnLost, or ErrClosed after Close.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the session. The target keeps running and its inspector stays
// open for the next client.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		// A normal close handshake; CloseNow if the target is gone.
		if err := c.ws.Close(websocket.StatusNormalClosure, ""); err != nil {
			c.ws.CloseNow()
		}
	})
	<-c.done
	return nil
}

// Call sends the CDP command method with params (any value that encodes as
// a JSON object, or nil) and decodes its result into result (a pointer, or
// nil to discard it). Errors: *ProtocolError when the target answers with an
// error, an error wrapping ErrConnLost when the connection ends first, or
// ctx's error. Call implements cdp.Session.
func (c *Conn) Call(ctx context.Context, method string, params, result any) error {
	id := c.nextID.Add(1)
	ch := make(chan response, 1)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return err
	}
	c.pending[id] = ch
	c.mu.Unlock()

	req := request{ID: id, Method: method, Params: params}
	data, err := jsonv2.Marshal(req, jsonOpts)
	if err != nil {
		c.forget(id)
		return fmt.Errorf("inspector: encoding %s: %w", method, err)
	}
	if err := c.ws.Write(ctx, websocket.MessageText, data); err != nil {
		c.forget(id)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if e := c.Err(); e != nil {
			return e
		}
		return fmt.Errorf("%w: sending %s: %v", ErrConnLost, method, err)
	}
	select {
	case r := <-ch:
		if r.err != nil {
			var pe *ProtocolError
			if errors.As(r.err, &pe) {
				return &ProtocolError{Code: pe.Code, Message: pe.Message, Data: pe.Data, Method: method}
			}
			return r.err
		}
		switch method {
		case "Debugger.enable":
			c.debugger.Store(true)
		case "Debugger.disable":
			c.debugger.Store(false)
		}
		if result == nil || len(r.result) == 0 {
			return nil
		}
		if err := jsonv2.Unmarshal(r.result, result, jsonOpts); err != nil {
			return fmt.Errorf("inspector: decoding the result of %s: %w", method, err)
		}
		return nil
	case <-ctx.Done():
		c.forget(id)
		return ctx.Err()
	}
}

func (c *Conn) forget(id int64) {
	c.mu.Lock()
	if c.pending != nil {
		delete(c.pending, id)
	}
	c.mu.Unlock()
}

// exceptionDetails is what Runtime.evaluate says of a thrown exception.
type exceptionDetails struct {
	Text      string `json:"text"`
	Exception *struct {
		Description string `json:"description,omitzero"`
	} `json:"exception,omitzero"`
}

func (d *exceptionDetails) err(expr string) error {
	msg := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		// The description is the error's stack; its first line says it.
		msg, _, _ = strings.Cut(d.Exception.Description, "\n")
	}
	return &EvalError{Expr: expr, Message: msg}
}

// Evaluate runs expr in the target's main context (Runtime.evaluate with
// returnByValue) and returns the value as JSON. With awaitPromise a returned
// promise is awaited. A thrown exception becomes an *EvalError.
func (c *Conn) Evaluate(ctx context.Context, expr string, awaitPromise bool) (jsonv2.Value, error) {
	params := map[string]any{
		"expression":    expr,
		"returnByValue": true,
		"awaitPromise":  awaitPromise,
	}
	var res struct {
		Result struct {
			Type        string       `json:"type"`
			Value       jsonv2.Value `json:"value,omitzero"`
			Description string       `json:"description,omitzero"`
		} `json:"result"`
		ExceptionDetails *exceptionDetails `json:"exceptionDetails,omitzero"`
	}
	if err := c.Call(ctx, "Runtime.evaluate", params, &res); err != nil {
		return nil, err
	}
	if d := res.ExceptionDetails; d != nil {
		return nil, d.err(expr)
	}
	if len(res.Result.Value) == 0 {
		return jsonv2.Value("null"), nil
	}
	return res.Result.Value, nil
}

// StepGroup is the object group Exec puts results in; ReleaseObjectGroup
// frees them.
const StepGroup = "leakhound-step"

// Exec runs expr in the target for its effect (awaiting a returned promise
// if awaitPromise) and discards the result, whatever it is: returning a
// circular or huge object is fine, unlike Evaluate, which copies it. The
// result stays referenced by the inspector's object group StepGroup until
// ReleaseObjectGroup(ctx, StepGroup), so release it before a snapshot.
func (c *Conn) Exec(ctx context.Context, expr string, awaitPromise bool) error {
	params := map[string]any{
		"expression":      expr,
		"awaitPromise":    awaitPromise,
		"objectGroup":     StepGroup,
		"generatePreview": false,
		"silent":          true,
	}
	var res struct {
		ExceptionDetails *exceptionDetails `json:"exceptionDetails,omitzero"`
	}
	if err := c.Call(ctx, "Runtime.evaluate", params, &res); err != nil {
		return err
	}
	if d := res.ExceptionDetails; d != nil {
		return d.err(expr)
	}
	return nil
}

// ExecInLoop runs expr as a script from a setImmediate callback in the
// target and awaits what it returns, as Exec(ctx, expr, true) does. The
// inspector runs an evaluation as an interrupt, in the middle of whatever
// JavaScript the target runs; when that is node's processTicksAndRejections
// just before it lowers its "tick scheduled" flag, a process.nextTick the
// evaluation makes stays queued with the flag down, and node never drains
// its nextTick queue again (seen: one `run --step` in three hung on an
// idle server whose step resolves from nextTick). From a callback of the
// event loop node drains it as always. Indirect eval keeps the script's
// meaning (statements, global scope, the completion value).
func (c *Conn) ExecInLoop(ctx context.Context, expr string) error {
	src, err := jsonv2.Marshal(expr)
	if err != nil {
		return err
	}
	wrapped := "new Promise((resolve, reject) => setImmediate(() => { try { Promise.resolve((0, eval)(" + string(src) +
		")).then(resolve, reject); } catch (e) { reject(e); } }))"
	err = c.Exec(ctx, wrapped, true)
	var ee *EvalError
	if errors.As(err, &ee) {
		ee.Expr = expr
	}
	return err
}

// ReleaseObjectGroup drops the inspector's references to the results kept
// in group (Runtime.releaseObjectGroup), so they can be collected.
func (c *Conn) ReleaseObjectGroup(ctx context.Context, group string) error {
	return c.Call(ctx, "Runtime.releaseObjectGroup", map[string]any{"objectGroup": group}, nil)
}
