package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

// One watch, two and then five node processes: `watch PID PID` and
// `watch --all`. Their inspectors all open on one port when signalled (the
// default port's case), so each must be moved before the next. Each target
// is sampled, recorded and labelled apart; with --all a process started
// later is picked up; a target that exits is let go while the others go
// on; at the end every inspector watch opened is closed.
func TestWatchSeveral(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	for _, n := range []int{2, 5} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			all := n == 5
			port := livetest.InspectPort(t)
			var cmds []*exec.Cmd
			var pids []string
			for i := 0; i < n; i++ {
				c := livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js")
				cmds = append(cmds, c)
				pids = append(pids, strconv.Itoa(c.Process.Pid))
			}
			// --all is handed only the test's own processes: on a shared
			// machine the others are not ours to signal. The last one
			// "starts" once watch runs.
			var listMu sync.Mutex
			listed := n
			if all {
				listed = n - 1
			}
			gone := map[string]bool{}
			defer func(f func() ([]int, error)) { watchProcesses = f }(watchProcesses)
			watchProcesses = func() ([]int, error) {
				listMu.Lock()
				defer listMu.Unlock()
				var out []int
				for _, p := range pids[:listed] {
					if !gone[p] {
						n, _ := strconv.Atoi(p)
						out = append(out, n)
					}
				}
				return out, nil
			}

			dir, mport := t.TempDir(), freePort(t)
			args := []string{"--interval", "200ms", "--data-dir", dir, "--json", "--verbose", "--metrics-addr", mport, "--poll", "200ms"}
			if all {
				args = append(args, "--all")
			} else {
				args = append(pids, args...)
			}
			out, errOut := &syncBuffer{}, &syncBuffer{}
			env := &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			go func() { done <- report(env, runWatch(ctx, env, args), ctx) }()

			samples := func(pid string) int { return strings.Count(out.String(), `"pid":`+pid+`,"kind":"sample"`) }
			sampled := func(pids []string) {
				t.Helper()
				for _, p := range pids {
					waitFor(t, 90*time.Second, func() bool { return samples(p) > 0 }, func() string {
						return fmt.Sprintf("no sample of pid %s:\n%s\n%s", p, out.String(), errOut.String())
					})
				}
			}
			sampled(pids[:listed])
			if all {
				listMu.Lock()
				listed = n
				listMu.Unlock()
				sampled(pids)
			}
			scrape := func() string {
				resp, err := http.Get("http://127.0.0.1:" + mport + "/metrics")
				if err != nil {
					return err.Error()
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				return string(b)
			}
			series := func(pid string) *regexp.Regexp {
				return regexp.MustCompile(`nodejs_heap_size_used_bytes\{pid="` + pid + `",target="idle\.js(@` + pid + `)?"\} \d`)
			}
			waitFor(t, 30*time.Second, func() bool {
				body := scrape()
				for _, p := range pids {
					if !series(p).MatchString(body) {
						return false
					}
				}
				return true
			}, func() string { return "metrics lack a target:\n" + scrape() })

			// The first target exits: it is let go, the others go on.
			cmds[0].Process.Kill()
			cmds[0].Wait()
			listMu.Lock()
			gone[pids[0]] = true
			listMu.Unlock()
			waitFor(t, 60*time.Second, func() bool {
				return strings.Contains(out.String(), `"pid":`+pids[0]+`,"kind":"gone"`)
			}, func() string { return "the exited target was not let go:\n" + out.String() })
			before := samples(pids[1])
			waitFor(t, 60*time.Second, func() bool { return samples(pids[1]) >= before+2 }, func() string {
				return "watch stopped sampling the others after one exited:\n" + out.String()
			})
			waitFor(t, 30*time.Second, func() bool { return !strings.Contains(scrape(), `pid="`+pids[0]+`"`) }, func() string {
				return "the exited target's series stay:\n" + scrape()
			})

			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut.String())
				}
			case <-time.After(90 * time.Second):
				t.Fatal("watch did not stop")
			}
			for _, p := range pids[1:] {
				if !strings.Contains(errOut.String(), "closed the inspector of pid "+p+" again") {
					t.Errorf("pid %s: not said closed: %s", p, errOut.String())
				}
				if _, err := inspector.Resolve(context.Background(), p, inspector.ResolveOptions{NoSignal: true}); !errors.Is(err, inspector.ErrNoInspector) {
					t.Errorf("pid %s: an inspector stays open: %v", p, err)
				}
			}

			// One history: each target's samples apart, all of one watch run.
			runs := map[string]bool{}
			for _, p := range pids {
				code, hout, herr := runInspCLI("history", "--pid", p, "--data-dir", dir, "--json")
				var h struct {
					Target   string `json:"target"`
					Sessions []struct {
						PID      int    `json:"pid"`
						Process  string `json:"process"`
						WatchRun string `json:"watch_run"`
					} `json:"sessions"`
					Samples []json.RawMessage `json:"samples"`
				}
				if code != 0 || json.Unmarshal([]byte(hout), &h) != nil || len(h.Samples) == 0 || len(h.Sessions) != 1 ||
					strconv.Itoa(h.Sessions[0].PID) != p || h.Sessions[0].Process == "" {
					t.Errorf("history of pid %s: exit %d %s %s", p, code, hout, herr)
					continue
				}
				runs[h.Sessions[0].WatchRun] = true
			}
			if len(runs) != 1 || runs[""] {
				t.Errorf("watch runs: %v", runs)
			}
			code, tout, _ := runInspCLI("history", "--data-dir", dir)
			if code != 0 || strings.Count(tout, "idle.js") != n {
				t.Errorf("history's targets: %d\n%s", code, tout)
			}
		})
	}
}

// Named targets must all be pids, once each; --all takes none, and one
// name does not fit several targets.
func TestWatchSeveralBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"watch", "123", "127.0.0.1:9229"},
		{"watch", "123", "123"},
		{"watch", "--all", "123"},
		{"watch", "--all", "--name", "x"},
		{"watch", "--all", "--poll", "1ms"},
		{"watch"},
	} {
		if code, _, errOut := runInspCLI(args...); code != ExitBadInput || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, %q", args, code, errOut)
		}
	}
	// A named pid that is not there stops before anything is watched.
	if code, _, errOut := runInspCLI("watch", "999999999", "999999998", "--data-dir", t.TempDir()); code != ExitBadInput || !slices.ContainsFunc(strings.Split(errOut, "\n"), func(s string) bool {
		return strings.Contains(s, "999999999")
	}) {
		t.Errorf("missing pids: exit %d, %q", code, errOut)
	}
}

// Thresholds apply per target: the process whose heap crosses gets the
// action and the snapshot, the other nothing.
func TestWatchSeveralThresholdsPerTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	port := livetest.InspectPort(t)
	small := strconv.Itoa(livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "idle.js").Process.Pid)
	big := strconv.Itoa(livetest.Start(t, "--inspect-port=127.0.0.1:"+port, "big.js").Process.Pid)
	dir := t.TempDir()
	out, errOut := &syncBuffer{}, &syncBuffer{}
	env := &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: errOut}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- report(env, runWatch(ctx, env, []string{small, big, "--interval", "200ms", "--data-dir", dir, "--json",
			"--heap-warn", "12MiB", "--on-warn", "log,snapshot", "--heap-critical", "off"}), ctx)
	}()
	waitFor(t, 90*time.Second, func() bool {
		return strings.Contains(out.String(), `"pid":`+big+`,"kind":"snapshot"`)
	}, func() string { return "no snapshot of the big target:\n" + out.String() + errOut.String() })
	// The small one has been sampled meanwhile (its heap is known) and
	// crossed nothing.
	cancel()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		t.Fatal("watch did not stop")
	}
	var actions = map[int]int{}
	for _, line := range strings.Split(out.String(), "\n") {
		var e struct {
			PID    int    `json:"pid"`
			Kind   string `json:"kind"`
			Target string `json:"target"`
			Path   string `json:"path"`
		}
		if json.Unmarshal([]byte(line), &e) != nil || e.Kind != "action" {
			continue
		}
		actions[e.PID]++
		if strconv.Itoa(e.PID) == big && e.Path != "" && !strings.Contains(e.Path, "big.js") {
			t.Errorf("the big target's snapshot is not in its own folder: %s", e.Path)
		}
	}
	if actions[mustAtoi(big)] == 0 || actions[mustAtoi(small)] != 0 {
		t.Errorf("actions by pid: %v (big %s, small %s)\n%s", actions, big, small, out.String())
	}
	for pid, want := range map[string]bool{big: true, small: false} {
		_, hout, _ := runInspCLI("history", "--pid", pid, "--data-dir", dir, "--json")
		if got := strings.Contains(hout, `"kind": "snapshot"`); got != want {
			t.Errorf("history of pid %s has a snapshot: %v, want %v\n%s", pid, got, want, hout)
		}
	}
}

func mustAtoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
