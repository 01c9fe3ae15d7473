package cli

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

// sample and watch close the inspector they opened when they end, and say
// so; --keep-inspector keeps it open and says so too.
func TestSampleAndWatchCloseInspector(t *testing.T) {
	port := livetest.InspectPort(t)
	pid := strconv.Itoa(livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid)
	gone := func(what string) {
		t.Helper()
		_, err := inspector.Resolve(context.Background(), pid, inspector.ResolveOptions{NoSignal: true})
		if !errors.Is(err, inspector.ErrNoInspector) {
			t.Fatalf("after %s, the inspector: %v (want none listening)", what, err)
		}
	}
	code, _, errOut := runInspCLI("sample", pid, "--duration", "300ms", "--json")
	if code != 0 || !strings.Contains(errOut, "closed the inspector of pid "+pid+" again") {
		t.Fatalf("sample: exit %d: %q", code, errOut)
	}
	gone("sample")
	code, _, errOut = runInspCLI("watch", pid, "--duration", "1s", "--interval", "200ms", "--data-dir", t.TempDir(), "--json")
	if code != 0 || !strings.Contains(errOut, "closed the inspector of pid "+pid+" again") {
		t.Fatalf("watch: exit %d: %q", code, errOut)
	}
	gone("watch")
	code, _, errOut = runInspCLI("sample", pid, "--duration", "300ms", "--json", "--keep-inspector")
	if code != 0 || !strings.Contains(errOut, "left the inspector of pid "+pid+" open at 127.0.0.1:"+port) {
		t.Fatalf("sample --keep-inspector: exit %d: %q", code, errOut)
	}
	if _, err := inspector.Resolve(context.Background(), pid, inspector.ResolveOptions{NoSignal: true}); err != nil {
		t.Fatalf("--keep-inspector did not keep it: %v", err)
	}
}

// Two, then five, node processes watched at once, whose inspectors all
// open on one port when signalled (the default port's case): each watch
// moves its target's inspector off that port, so the next can attach;
// all sample side by side; at the end each closes what it opened.
func TestWatchManyAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	for _, n := range []int{2, 5} {
		port := livetest.InspectPort(t)
		type watched struct {
			pid         string
			out, errOut *syncBuffer
			cancel      context.CancelFunc
			done        chan int
		}
		var ws []*watched
		moved := map[string]bool{}
		for i := 0; i < n; i++ {
			pid := strconv.Itoa(livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid)
			ctx, cancel := context.WithCancel(context.Background())
			w := &watched{pid: pid, out: &syncBuffer{}, errOut: &syncBuffer{}, cancel: cancel, done: make(chan int, 1)}
			ws = append(ws, w)
			t.Cleanup(cancel)
			env := &Env{Stdin: strings.NewReader(""), Stdout: w.out, Stderr: w.errOut}
			args := []string{pid, "--interval", "200ms", "--data-dir", t.TempDir(), "--json", "--verbose"}
			go func() { w.done <- report(env, runWatch(ctx, env, args), ctx) }()
			// The next one may only be signalled once this one has moved.
			re := regexp.MustCompile(`moved the inspector of pid ` + pid + ` from 127\.0\.0\.1:` + port + ` to (127\.0\.0\.1:\d+)`)
			waitFor(t, 60*time.Second, func() bool { return re.MatchString(w.errOut.String()) }, func() string {
				return fmt.Sprintf("watch %d of %d did not move its target's inspector: %q", i+1, n, w.errOut.String())
			})
			to := re.FindStringSubmatch(w.errOut.String())[1]
			if moved[to] {
				t.Fatalf("two targets moved to %s", to)
			}
			moved[to] = true
		}
		// All of them sample at once.
		for i, w := range ws {
			waitFor(t, 60*time.Second, func() bool { return strings.Contains(w.out.String(), `"kind":"sample"`) }, func() string {
				return fmt.Sprintf("watch %d of %d has no sample: %q %q", i+1, n, w.out.String(), w.errOut.String())
			})
		}
		for i, w := range ws {
			w.cancel()
			select {
			case <-w.done:
			case <-time.After(60 * time.Second):
				t.Fatalf("watch %d of %d did not stop", i+1, n)
			}
			if !strings.Contains(w.errOut.String(), "closed the inspector of pid "+w.pid+" again") {
				t.Errorf("watch %d of %d: %q", i+1, n, w.errOut.String())
			}
			if _, err := inspector.Resolve(context.Background(), w.pid, inspector.ResolveOptions{NoSignal: true}); !errors.Is(err, inspector.ErrNoInspector) {
				t.Errorf("watch %d of %d left an inspector: %v", i+1, n, err)
			}
		}
	}
}

// waitFor polls cond until it holds or the deadline passes (generous: the
// machine may be loaded).
func waitFor(t *testing.T, d time.Duration, cond func() bool, msg func() string) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(msg())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
