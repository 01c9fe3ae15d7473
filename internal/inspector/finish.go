package inspector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// NotifyFinished asks node to say when the program has finished: its event
// loop emptied (a batch job's end, a graceful shutdown) and node now waits
// for the inspector's clients to disconnect before it exits. The returned
// channel is closed then; the client must Close the connection, or the
// process never exits. Targets other than node (Chrome) have no such
// notice: the error says so and the channel never closes.
func (c *Conn) NotifyFinished(ctx context.Context) (<-chan struct{}, error) {
	ch := make(chan struct{})
	var once sync.Once
	cancel := c.Handle("NodeRuntime.waitingForDisconnect", func(jsonv2.Value) {
		once.Do(func() { close(ch) })
	})
	if err := c.Call(ctx, "NodeRuntime.notifyWhenWaitingForDisconnect", map[string]any{"enabled": true}, nil); err != nil {
		cancel()
		return ch, err
	}
	return ch, nil
}

// ContextGone reports whether err says the target's JavaScript context no
// longer exists: node answers so once the program has finished and waits
// for the debugger to disconnect (or a page navigated away).
func ContextGone(err error) bool {
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		return false
	}
	return strings.Contains(pe.Message, "Cannot find context with specified id") ||
		strings.Contains(pe.Message, "Execution context was destroyed")
}

// unreachable words a failure to reach an inspector at hostport for a
// user: what to do, not the HTTP client's chain of wrapped errors.
func unreachable(hostport string, err error) error {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w: nothing listens at %s; start node with --inspect=%s, or give its pid", ErrUnreachable, hostport, hostport)
	case errors.As(err, &dns):
		return fmt.Errorf("%w: no such host %q", ErrUnreachable, dns.Name)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w: %s did not answer in time (a busy or paused process, or a firewall?)", ErrUnreachable, hostport)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %s closed the connection (not an inspector, or the process is exiting)", ErrUnreachable, hostport)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%w at %s: %v", ErrUnreachable, hostport, err)
}
