// Command watchmany measures what one `leakhound watch` costs per target
// when it watches several node processes at once (watch PID PID…): its own
// CPU and resident memory with 1 and 5 targets, and the targets' CPU per
// request without and with watch attached, in alternating rounds.
//
// Each target is bench/watchoverhead/server.js under a paced load (so the
// machine is not saturated and the targets' CPU per request is comparable);
// they all share one --inspect-port, as processes signalled on the
// default port do, so watch attaches and moves them one at a time as it
// does for real. Linux only (/proc).
//
//	go build -o /tmp/leakhound ./cmd/leakhound
//	go run ./bench/watchmany -leakhound /tmp/leakhound
//
// (bench/watch-many.sh does both.) It talks only to 127.0.0.1.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	lh := flag.String("leakhound", "leakhound", "leakhound binary")
	targets := flag.String("targets", "1,5", "numbers of targets to measure")
	intervals := flag.String("intervals", "5s,1s", "watch --interval values to measure")
	rounds := flag.Int("rounds", 5, "rounds per side")
	dur := flag.Duration("round", 15*time.Second, "length of one round")
	rate := flag.Int("rate", 200, "requests per second to each target")
	flag.Parse()
	fmt.Printf("node %s, %d cores, load average at start: %s\n", nodeVersion(), runtime.NumCPU(), loadavg())
	for _, ns := range strings.Split(*targets, ",") {
		n, err := strconv.Atoi(ns)
		if err != nil || n < 1 {
			fail(fmt.Errorf("bad -targets %q", *targets))
		}
		for _, iv := range strings.Split(*intervals, ",") {
			if err := measure(*lh, n, iv, *rounds, *dur, *rate); err != nil {
				fail(err)
			}
		}
	}
	fmt.Printf("\nload average at the end: %s\n", loadavg())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "watchmany:", err)
	os.Exit(1)
}

type target struct {
	cmd *exec.Cmd
	url string
}

func measure(lh string, n int, interval string, rounds int, dur time.Duration, rate int) error {
	_, file, _, _ := runtime.Caller(0)
	server := filepath.Join(filepath.Dir(file), "..", "watchoverhead", "server.js")
	port, err := freePort()
	if err != nil {
		return err
	}
	var ts []target
	defer func() {
		for _, t := range ts {
			t.cmd.Process.Kill()
			t.cmd.Wait()
		}
	}()
	for i := 0; i < n; i++ {
		cmd := exec.Command("node", "--inspect-port=127.0.0.1:"+port, server)
		cmd.Stderr = io.Discard
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			return err
		}
		sc := bufio.NewScanner(out)
		p := ""
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				p = v
				break
			}
		}
		go io.Copy(io.Discard, out)
		ts = append(ts, target{cmd, "http://127.0.0.1:" + p + "/"})
		if p == "" {
			return fmt.Errorf("server %d did not start", i)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 10 * time.Second}
	load(client, ts, rate, 3*time.Second) // warm-up

	dataDir, _ := os.MkdirTemp("", "watchmany")
	defer os.RemoveAll(dataDir)
	var alone, watched []float64 // target CPU µs per request, all targets together
	var lhCPU []float64          // leakhound's CPU, % of one core
	var lhRSS, lhHWM []int64
	var attach []time.Duration
	for r := 0; r < rounds; r++ {
		for _, w := range []bool{r%2 == 1, r%2 == 0} {
			var wcmd *exec.Cmd
			if w {
				args := []string{"watch"}
				for _, t := range ts {
					args = append(args, strconv.Itoa(t.cmd.Process.Pid))
				}
				args = append(args, "--interval", interval, "--data-dir", dataDir, "--json")
				wcmd = exec.Command(lh, args...)
				out, _ := wcmd.StdoutPipe()
				wcmd.Stderr = io.Discard
				t0 := time.Now()
				if err := wcmd.Start(); err != nil {
					return err
				}
				// Attached to all (each moved off the shared port) once
				// every one has said "connected".
				sc := bufio.NewScanner(out)
				seen := 0
				for seen < n && sc.Scan() {
					if strings.Contains(sc.Text(), `"kind":"connected"`) {
						seen++
					}
				}
				go io.Copy(io.Discard, out)
				if seen < n {
					return fmt.Errorf("watch attached to %d of %d targets", seen, n)
				}
				attach = append(attach, time.Since(t0))
			}
			cpu0 := targetsCPU(ts)
			var lh0 time.Duration
			if wcmd != nil {
				lh0 = procCPU(wcmd.Process.Pid)
			}
			t0 := time.Now()
			reqs := load(client, ts, rate, dur)
			el := time.Since(t0)
			perReq := float64((targetsCPU(ts) - cpu0).Microseconds()) / float64(max(reqs, 1))
			if wcmd != nil {
				c := procCPU(wcmd.Process.Pid) - lh0
				lhCPU = append(lhCPU, 100*c.Seconds()/el.Seconds())
				rss, hwm := procMem(wcmd.Process.Pid)
				lhRSS, lhHWM = append(lhRSS, rss), append(lhHWM, hwm)
				wcmd.Process.Signal(syscall.SIGINT)
				wcmd.Wait()
				watched = append(watched, perReq)
			} else {
				alone = append(alone, perReq)
			}
			fmt.Printf("targets %d interval %s round %d %-7s %7.1f µs CPU/request (%d requests)\n", n, interval, r+1, label(w), perReq, reqs)
		}
	}
	fmt.Printf("\n| targets | interval | leakhound CPU (%% of a core) | per target | leakhound RSS (MiB) | peak RSS (MiB) | attach all | target CPU/request alone | watched | change |\n")
	fmt.Printf("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	c := median(lhCPU)
	a, wt := median(alone), median(watched)
	fmt.Printf("| %d | %s | %.2f | %.3f | %.1f | %.1f | %.1f s | %.1f µs | %.1f µs | %+.1f%% |\n\n", n, interval, c, c/float64(n),
		float64(medianInt(lhRSS))/(1<<20), float64(medianInt(lhHWM))/(1<<20), medianDur(attach).Seconds(), a, wt, (wt-a)/a*100)
	return nil
}

func label(w bool) string {
	if w {
		return "watched"
	}
	return "alone"
}

// load sends rate requests/s to each target for d (paced, one connection
// each) and returns the number answered.
func load(client *http.Client, ts []target, rate int, d time.Duration) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n atomic.Int64
	var wg sync.WaitGroup
	for _, t := range ts {
		wg.Add(1)
		go func(url string) {
			defer wg.Done()
			tick := time.NewTicker(time.Second / time.Duration(rate))
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				n.Add(1)
			}
		}(t.url)
	}
	wg.Wait()
	return n.Load()
}

func targetsCPU(ts []target) time.Duration {
	var all time.Duration
	for _, t := range ts {
		all += procCPU(t.cmd.Process.Pid)
	}
	return all
}

// procCPU is the CPU time of all of pid's threads, from their
// schedstat (nanoseconds; /proc/PID/stat counts 10 ms ticks, too coarse for
// a process that works for microseconds per sample).
func procCPU(pid int) time.Duration {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var all time.Duration
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		f := strings.Fields(string(b))
		if len(f) > 0 {
			ns, _ := strconv.ParseInt(f[0], 10, 64)
			all += time.Duration(ns)
		}
	}
	return all
}

// procMem is pid's resident and peak resident memory in bytes.
func procMem(pid int) (rss, hwm int64) {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v << 10
		case "VmHWM:":
			hwm = v << 10
		}
	}
	return
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

func nodeVersion() string {
	out, _ := exec.Command("node", "--version").Output()
	return strings.TrimSpace(string(out))
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func medianInt(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func medianDur(v []time.Duration) time.Duration {
	if len(v) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
