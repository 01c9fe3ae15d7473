package inspector

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

// An inspector opened with SIGUSR1 is closed again: nothing listens for
// the target afterwards, and the same port then opens for the next process
// (two processes sharing one inspector port is the default-port case:
// SIGUSR1 always opens 9229). A second round opens each again, which also
// proves that closing left both targets alive.
func TestCloseInspectorFreesThePort(t *testing.T) {
	port := livetest.InspectPort(t)
	ctx := context.Background()
	var pids []int
	for i := 0; i < 2; i++ {
		pids = append(pids, startNode(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid)
	}
	for round := 1; round <= 2; round++ {
		for i, pid := range pids {
			tg, err := Resolve(ctx, strconv.Itoa(pid), ResolveOptions{Wait: 20 * time.Second})
			if err != nil {
				t.Fatalf("round %d, process %d: %v", round, i+1, err)
			}
			if !tg.Opened || tg.Addr != "127.0.0.1:"+port {
				t.Fatalf("round %d, process %d: target %+v", round, i+1, tg)
			}
			c, err := Dial(ctx, tg)
			if err != nil {
				t.Fatal(err)
			}
			if v, err := c.Evaluate(ctx, "kept.length", false); err != nil || string(v) != "1000" {
				t.Fatalf("%s, %v", v, err)
			}
			closed, err := c.CloseInspector(ctx, 20*time.Second)
			if err != nil || !closed {
				t.Fatalf("round %d, process %d: closed=%v err=%v", round, i+1, closed, err)
			}
			addrs, err := listeningAddrs(pid)
			if err != nil || slices.Contains(addrs, tg.Addr) {
				t.Fatalf("round %d, process %d still listens: %v, %v", round, i+1, addrs, err)
			}
		}
	}
}

// An inspector bound to every interface is refused unless allowed: one
// open before we came (--inspect=0.0.0.0), and one our signal opened there
// (--inspect-port=0.0.0.0), which is closed again rather than left open.
func TestRefuseWildcardInspector(t *testing.T) {
	ctx := context.Background()
	open := startNode(t, "--inspect=0.0.0.0:0", "idle.js").Process.Pid
	if _, err := Resolve(ctx, strconv.Itoa(open), ResolveOptions{NoSignal: true}); !errors.Is(err, ErrRemote) {
		t.Fatalf("pre-opened on 0.0.0.0: %v, want ErrRemote", err)
	}
	if tg, err := Resolve(ctx, strconv.Itoa(open), ResolveOptions{NoSignal: true, AllowRemote: true}); err != nil || tg.Opened {
		t.Fatalf("with AllowRemote: %+v, %v", tg, err)
	}
	sig := startNode(t, "--inspect-port=0.0.0.0:0", "idle.js").Process.Pid
	_, err := Resolve(ctx, strconv.Itoa(sig), ResolveOptions{Wait: 20 * time.Second})
	if !errors.Is(err, ErrRemote) {
		t.Fatalf("signalled onto 0.0.0.0: %v, want ErrRemote", err)
	}
	if addrs, err := listeningAddrs(sig); err != nil || len(addrs) != 0 {
		t.Fatalf("the refused inspector is still open: %v, %v", addrs, err)
	}
}
