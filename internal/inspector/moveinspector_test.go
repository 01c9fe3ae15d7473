package inspector

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

// Moving an inspector we opened frees its port for the next process at
// once: five processes sharing one inspector port (the default port's
// case) are all attached together, each on its own loopback port, each
// session working, and all closed at the end.
func TestMoveInspectorFiveAtOnce(t *testing.T) {
	port := livetest.InspectPort(t)
	ctx := context.Background()
	var conns []*Conn
	seen := map[string]bool{}
	for i := 0; i < 5; i++ {
		pid := startNode(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid
		tg, err := Resolve(ctx, strconv.Itoa(pid), ResolveOptions{Wait: 20 * time.Second})
		if err != nil {
			t.Fatalf("process %d: %v", i+1, err)
		}
		c, err := Dial(ctx, tg)
		if err != nil {
			t.Fatal(err)
		}
		nc, err := c.MoveInspector(ctx, 30*time.Second)
		if err != nil {
			t.Fatalf("process %d: move: %v", i+1, err)
		}
		t.Cleanup(func() { nc.Close() })
		na := nc.Target().Addr
		host, p, _ := net.SplitHostPort(na)
		if p == port || host != "127.0.0.1" || seen[na] || nc.Target().PID != pid || !nc.Target().Opened {
			t.Fatalf("process %d moved to %s (%+v)", i+1, na, nc.Target())
		}
		seen[na] = true
		conns = append(conns, nc)
	}
	for i, c := range conns {
		if v, err := c.Evaluate(ctx, "kept.length", false); err != nil || string(v) != "1000" {
			t.Fatalf("session %d after the moves: %s, %v", i+1, v, err)
		}
	}
	for i, c := range conns {
		if closed, err := c.CloseInspector(ctx, 20*time.Second); !closed || err != nil {
			t.Fatalf("closing %d: %v %v", i+1, closed, err)
		}
	}
	// Closed, each target is as before we came: the next signal opens
	// its inspector on the port it was started with again, not on the
	// one it was moved to.
	for i, c := range conns {
		tg, err := Resolve(ctx, strconv.Itoa(c.Target().PID), ResolveOptions{Wait: 20 * time.Second})
		if err != nil || tg.Addr != "127.0.0.1:"+port {
			t.Fatalf("reopening %d: %+v, %v", i+1, tg, err)
		}
		c2, err := Dial(ctx, tg)
		if err != nil {
			t.Fatal(err)
		}
		if closed, err := c2.CloseInspector(ctx, 20*time.Second); !closed || err != nil {
			t.Fatalf("closing %d again: %v %v", i+1, closed, err)
		}
	}
}

// When the target cannot listen on a new port, its inspector goes back
// where it was, the session goes on there, and the error says why. A
// program that holds the inspector module's open hostage stands in for
// that failure (binding port 0 on loopback does not fail otherwise).
func TestMoveInspectorFallsBack(t *testing.T) {
	pid := startNode(t, "--inspect-port=0", "idle.js").Process.Pid
	ctx := context.Background()
	tg, err := Resolve(ctx, strconv.Itoa(pid), ResolveOptions{Wait: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Dial(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	// Make open(0, ...) fail the way node fails it: no throw, no url.
	if err := c.evalAPI(ctx, `((i) => { const open = i.open; i.open = function (port, host) { if (port === 0) return; return open.apply(this, arguments) } })(require('inspector'))`); err != nil {
		t.Fatal(err)
	}
	nc, err := c.MoveInspector(ctx, 30*time.Second)
	if !errors.Is(err, ErrNotMoved) || nc == nil {
		t.Fatalf("move: %v", err)
	}
	defer nc.Close()
	if nc.Target().Addr != tg.Addr {
		t.Errorf("back at %s, want %s", nc.Target().Addr, tg.Addr)
	}
	if v, err := nc.Evaluate(ctx, "kept.length", false); err != nil || string(v) != "1000" {
		t.Fatalf("session after the failed move: %s, %v", v, err)
	}
	t.Log(err)
}
