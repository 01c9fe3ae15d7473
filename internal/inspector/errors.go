package inspector

import (
	"errors"
	"fmt"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// Errors a caller can test for with errors.Is. Messages built on them name
// the target and say what to do.
var (
	// ErrBadTarget: the target spec is malformed.
	ErrBadTarget = errors.New("bad target")
	// ErrNoProcess: the pid does not exist.
	ErrNoProcess = errors.New("no such process")
	// ErrNotNode: the pid exists but is not a node process (we never send
	// it SIGUSR1: that would kill most programs).
	ErrNotNode = errors.New("not a node process")
	// ErrNoInspector: no inspector could be found or opened for the target.
	ErrNoInspector = errors.New("no inspector")
	// ErrInUse: the inspector refused a new session (another client, such
	// as DevTools or a debugger, holds it).
	ErrInUse = errors.New("inspector already in use by another client")
	// ErrRefused: the inspector answered the WebSocket upgrade with an
	// HTTP error (a stale ws:// URL: the id changes each time node starts).
	ErrRefused = errors.New("inspector refused the connection")
	// ErrUnreachable: nothing answers at the inspector's address.
	ErrUnreachable = errors.New("inspector unreachable")
	// ErrRemote: the target is not on loopback and AllowRemote is off.
	ErrRemote = errors.New("refusing a non-loopback inspector (it gives code execution in the target); pass --allow-remote to connect anyway")
	// ErrConnLost: the connection ended while in use (target exited or
	// crashed, or the socket broke).
	ErrConnLost = errors.New("connection to the target lost")
	// ErrClosed: the connection was closed by us.
	ErrClosed = errors.New("inspector connection closed")
	// ErrNotStarted: node waits for a debugger before running the program
	// (--inspect-brk, --inspect-wait): there is no program to watch yet,
	// and a heap snapshot would never finish.
	ErrNotStarted = errors.New("the target waits for a debugger before running its program (started with --inspect-brk or --inspect-wait); leakhound does not start it: let it run from a debugger (chrome://inspect), or start node with --inspect")
)

// ProtocolError is an error answer of the target to a CDP command.
type ProtocolError struct {
	Method  string       `json:"-"`
	Code    int64        `json:"code"`
	Message string       `json:"message"`
	Data    jsonv2.Value `json:"data,omitzero"`
}

func (e *ProtocolError) Error() string {
	if e.Method != "" {
		return fmt.Sprintf("%s: %s (code %d)", e.Method, e.Message, e.Code)
	}
	return fmt.Sprintf("%s (code %d)", e.Message, e.Code)
}

// EvalError is an exception thrown by an expression evaluated in the target.
type EvalError struct {
	Expr    string
	Message string
}

func (e *EvalError) Error() string {
	expr := e.Expr
	if r := []rune(expr); len(r) > maxExprShown {
		// leakhound's own helpers are long; their start names them.
		expr = string(r[:maxExprShown]) + "…"
	}
	return fmt.Sprintf("evaluating %q in the target threw: %s", expr, e.Message)
}

// maxExprShown is how much of an evaluated expression an error quotes.
const maxExprShown = 48
