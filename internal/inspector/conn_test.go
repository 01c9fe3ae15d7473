package inspector

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/leakhound/leakhound/internal/nodetest"
)

// Compile-time check: typed cdproto commands run on a Conn.
var _ cdp.Session = (*Conn)(nil)

func attach(t *testing.T, cmd *exec.Cmd) (*Target, *Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	tg, err := Resolve(ctx, strconv.Itoa(cmd.Process.Pid), ResolveOptions{})
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	c, err := Dial(ctx, tg)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return tg, c
}

func TestAttachByPIDWithSIGUSR1(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "idle.js")
	tg, c := attach(t, cmd)
	if !tg.Opened || tg.PID != cmd.Process.Pid {
		t.Errorf("target = %+v, want opened by SIGUSR1 for pid %d", tg, cmd.Process.Pid)
	}
	ctx := context.Background()

	// Raw call.
	v, err := c.Evaluate(ctx, "kept.length", false)
	if err != nil || string(v) != "1000" {
		t.Fatalf("Evaluate = %s, %v", v, err)
	}
	// Awaited promise.
	v, err = c.Evaluate(ctx, "new Promise(r => setTimeout(() => r(leakStep()), 10))", true)
	if err != nil || string(v) != "100" {
		t.Fatalf("Evaluate(await) = %s, %v", v, err)
	}
	// Exceptions come back as EvalError.
	_, err = c.Evaluate(ctx, "nope.x", false)
	var ee *EvalError
	if !errors.As(err, &ee) {
		t.Fatalf("Evaluate(throw) err = %v, want EvalError", err)
	}
	// Exec discards any result, even one Evaluate cannot copy.
	circular := "(() => { const a = { pad: 'x'.repeat(1 << 20) }; a.self = a; return a })()"
	if _, err := c.Evaluate(ctx, circular, false); err == nil {
		t.Error("Evaluate copied a circular object?")
	}
	before, _, _ := c.HeapUsage(ctx)
	for i := 0; i < 20; i++ {
		if err := c.Exec(ctx, circular, true); err != nil {
			t.Fatalf("Exec: %v", err)
		}
	}
	if err := c.Exec(ctx, "nope.x", false); !errors.As(err, &ee) {
		t.Fatalf("Exec(throw) err = %v, want EvalError", err)
	}
	// Released results are garbage: 20 MiB of strings must not survive a GC.
	if err := c.ReleaseObjectGroup(ctx, StepGroup); err != nil {
		t.Fatal(err)
	}
	if err := c.CollectGarbage(ctx); err != nil {
		t.Fatal(err)
	}
	if after, _, _ := c.HeapUsage(ctx); after > before+5<<20 {
		t.Errorf("heap %d -> %d after releasing the step results", before, after)
	}
	// Protocol errors.
	err = c.Call(ctx, "No.suchMethod", nil, nil)
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		t.Fatalf("Call(unknown) err = %v, want ProtocolError", err)
	}
	// Typed cdproto commands.
	u, err := cdp.Call(ctx, c, cdpruntime.GetHeapUsage, cdp.Empty{})
	if err != nil || u.UsedSize <= 0 || u.TotalSize < u.UsedSize {
		t.Fatalf("GetHeapUsage = %+v, %v", u, err)
	}
	if _, err := cdp.Call(ctx, c, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		t.Fatalf("CollectGarbage: %v", err)
	}

	// A second attach finds the open inspector without a signal.
	tg2, err := Resolve(ctx, strconv.Itoa(cmd.Process.Pid), ResolveOptions{NoSignal: true})
	if err != nil || tg2.Opened || tg2.WebSocketURL != tg.WebSocketURL {
		t.Fatalf("second Resolve = %+v, %v", tg2, err)
	}
	// A stale ws:// URL is refused with a clear error.
	stale := &Target{Addr: tg.Addr, WebSocketURL: "ws://" + tg.Addr + "/00000000-0000-0000-0000-000000000000"}
	if _, err := Dial(ctx, stale); !errors.Is(err, ErrRefused) {
		t.Errorf("stale URL: %v, want ErrRefused", err)
	}
	// A second client is fine: node takes several sessions at once.
	c2, err := Dial(ctx, tg)
	if err != nil {
		t.Fatalf("second session: %v", err)
	}
	if v, err := c2.Evaluate(ctx, "kept.length", false); err != nil || string(v) != "1000" {
		t.Errorf("second session: %s, %v", v, err)
	}
	c2.Close()
	// and by host:port.
	tg3, err := Resolve(ctx, tg.Addr, ResolveOptions{})
	if err != nil || tg3.WebSocketURL != tg.WebSocketURL {
		t.Fatalf("Resolve(%s) = %+v, %v", tg.Addr, tg3, err)
	}
}

func TestSubscribeEvents(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "idle.js")
	_, c := attach(t, cmd)
	ctx := context.Background()
	ch, cancel := c.Subscribe("Runtime.consoleAPICalled")
	defer cancel()
	if err := c.Call(ctx, "Runtime.enable", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Evaluate(ctx, "for (let i = 0; i < 50; i++) console.log('msg', i)", false); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 50; i++ {
		select {
		case ev := <-ch:
			var e cdpruntime.EventConsoleAPICalled
			if err := Decode(ev, &e); err != nil {
				t.Fatal(err)
			}
			if len(e.Args) != 2 || string(e.Args[1].Value) != strconv.Itoa(i) {
				t.Fatalf("event %d: args %s", i, e.Args[1].Value)
			}
		case <-time.After(60 * time.Second):
			t.Fatalf("only %d events", i)
		}
	}
}

func TestConnectionLost(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "idle.js")
	_, c := attach(t, cmd)
	ch, cancel := c.Subscribe("Runtime.consoleAPICalled")
	defer cancel()
	cmd.Process.Kill()
	select {
	case <-c.Done():
	case <-time.After(60 * time.Second):
		t.Fatal("Done not closed after the target died")
	}
	if !errors.Is(c.Err(), ErrConnLost) {
		t.Errorf("Err = %v, want ErrConnLost", c.Err())
	}
	// A user reads this: it says what happened, not the socket library's words.
	if msg := c.Err().Error(); !strings.Contains(msg, "exited") || strings.Contains(msg, "frame") {
		t.Errorf("Err = %q, want it to say the process exited", msg)
	}
	if err := c.Call(context.Background(), "Runtime.enable", nil, nil); !errors.Is(err, ErrConnLost) {
		t.Errorf("Call after loss = %v", err)
	}
	select {
	case _, ok := <-ch:
		if ok {
			t.Error("unexpected event")
		}
	case <-time.After(60 * time.Second):
		t.Error("subscription not closed")
	}
}

func TestResolveErrors(t *testing.T) {
	ctx := context.Background()
	// A pid that cannot exist (above pid_max).
	if _, err := Resolve(ctx, "99999999", ResolveOptions{}); !errors.Is(err, ErrNoProcess) {
		t.Errorf("no such pid: %v", err)
	}
	// A process that is not node: a sleeping shell utility. Must not be signalled.
	sleep := exec.Command("sleep", "30")
	if err := sleep.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { sleep.Process.Kill(); sleep.Wait() }()
	if _, err := Resolve(ctx, strconv.Itoa(sleep.Process.Pid), ResolveOptions{}); !errors.Is(err, ErrNotNode) {
		t.Errorf("sleep: %v", err)
	}
	for _, spec := range []string{"10.1.2.3:9229", "ws://192.0.2.1:9229/abc", "http://[2001:db8::1]:9229"} {
		if _, err := Resolve(ctx, spec, ResolveOptions{}); !errors.Is(err, ErrRemote) {
			t.Errorf("%s: %v, want ErrRemote", spec, err)
		}
	}
	for _, spec := range []string{"", "nonsense", "localhost:http0", "127.0.0.1:99999", "ws://", ":9229"} {
		if _, err := Resolve(ctx, spec, ResolveOptions{}); !errors.Is(err, ErrBadTarget) {
			t.Errorf("%q: %v, want ErrBadTarget", spec, err)
		}
	}
	// Nothing listens there: unreachable, not a hang.
	if _, err := Resolve(ctx, "127.0.0.1:1", ResolveOptions{}); !errors.Is(err, ErrUnreachable) {
		t.Errorf("closed port: %v", err)
	}
}

func TestParseProcNetTCP(t *testing.T) {
	tcp := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2405 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 222 1 0000000000000000 100 0 0 10 0
   2: 0100007F:2406 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0000000000000000 100 0 0 10 0
   3: 0100007F:2407 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 444 1 0000000000000000 100 0 0 10 0
`
	got := parseProcNetTCP(tcp, map[string]bool{"111": true, "222": true, "333": true})
	want := []string{"127.0.0.1:9221", "0.0.0.0:8080"} // a wildcard stays one
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("tcp: got %v want %v", got, want)
	}
	tcp6 := `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:2405 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 666 1 0000000000000000 100 0 0 10 0
`
	got = parseProcNetTCP(tcp6, map[string]bool{"555": true, "666": true})
	if len(got) != 2 || got[0] != "[::1]:9221" || got[1] != "[::]:80" {
		t.Errorf("tcp6: got %v", got)
	}
}

// A process started with its inspector open and an HTTP server of its own:
// Resolve must find the inspector among its listening sockets, whatever
// the order, without a signal.
func TestResolveOpenInspectorBesideAppPort(t *testing.T) {
	cmd := startNode(t, "--inspect=127.0.0.1:0", "server.js", "clean")
	ctx := context.Background()
	tg, err := Resolve(ctx, strconv.Itoa(cmd.Process.Pid), ResolveOptions{NoSignal: true})
	if err != nil {
		t.Fatal(err)
	}
	if tg.Opened || tg.PID != cmd.Process.Pid {
		t.Errorf("target %+v", tg)
	}
	c, err := Dial(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v, err := c.Evaluate(ctx, "typeof handle", false); err != nil || string(v) != `"function"` {
		t.Errorf("%s, %v", v, err)
	}
}

// SIGUSR1 cannot open the inspector when its port is taken: a clear error
// after the wait, and the process survives.
func TestResolveInspectorPortTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	cmd := startNode(t, "--inspect-port=127.0.0.1:"+port, "idle.js")
	_, err = Resolve(context.Background(), strconv.Itoa(cmd.Process.Pid), ResolveOptions{Wait: time.Second})
	if !errors.Is(err, ErrNoInspector) || !strings.Contains(err.Error(), "SIGUSR1 sent") {
		t.Fatalf("err = %v", err)
	}
	// Still running (not a zombie) after the failed attempt.
	st, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/stat")
	if f := strings.Fields(string(st)); err != nil || len(f) < 3 || f[2] == "Z" {
		t.Errorf("the target died: %q, %v", st, err)
	}
}

// A node that waits for a debugger before its program (--inspect-brk) is
// refused with ErrNotStarted: nothing to watch yet, and a heap snapshot
// there never finishes (a user's QA saw capture hang on one).
func TestDialRefusesProgramNotStarted(t *testing.T) {
	// (Not livetest.Start: the program never runs to say it is ready.)
	cmd := exec.Command(nodetest.Path(t), "--inspect-brk=127.0.0.1:0", "-e", "setInterval(() => {}, 1000)")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	ctx := context.Background()
	var tg *Target
	var err error
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if tg, err = Resolve(ctx, strconv.Itoa(cmd.Process.Pid), ResolveOptions{NoSignal: true}); err == nil || time.Now().After(deadline) {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	if c, err := Dial(ctx, tg); !errors.Is(err, ErrNotStarted) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("Dial: %v, want ErrNotStarted", err)
	}
}

// A ws:// URL that points at a web server, not an inspector, is named so,
// not reported as the WebSocket library's handshake error.
func TestDialWebServerIsNoInspector(t *testing.T) {
	for _, status := range []int{http.StatusOK, http.StatusNotFound} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(status)
			w.Write([]byte("<html>a web page</html>"))
		}))
		ctx := context.Background()
		tg, err := Resolve(ctx, "ws://"+srv.Listener.Addr().String()+"/abc", ResolveOptions{})
		if err == nil {
			_, err = Dial(ctx, tg)
		}
		if !errors.Is(err, ErrNoInspector) || !strings.Contains(err.Error(), "not like a node inspector") {
			t.Errorf("HTTP %d: %v, want ErrNoInspector", status, err)
		}
		srv.Close()
	}
}
