// Command watchoverhead measures what `leakhound watch` costs the process it
// watches: requests/s of a small node HTTP service under a closed-loop load,
// in alternating rounds without and with watch attached (at the default
// interval unless -interval is given), plus the target's RSS and JS heap at
// the end of each round. Rounds alternate so drift in the machine's load
// hits both sides alike; the medians are compared.
//
//	go build -o /tmp/leakhound ./cmd/leakhound
//	go run ./bench/watchoverhead -leakhound /tmp/leakhound
//
// (bench/watch-overhead.sh does both.) It talks only to 127.0.0.1 and stops
// by itself.
package main

import (
	"bufio"
	"context"
	"encoding/json"
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
	"time"

	"github.com/leakhound/leakhound/internal/watch"
)

func main() {
	lh := flag.String("leakhound", "leakhound", "leakhound binary")
	rounds := flag.Int("rounds", 5, "rounds per side")
	dur := flag.Duration("round", 10*time.Second, "length of one round")
	conc := flag.Int("c", 8, "concurrent connections")
	interval := flag.String("interval", "", "watch --interval (empty: the default)")
	probe := flag.Bool("probe", false, "measure the in-process probe alone (CPU per GC, cost of a sample), no HTTP")
	nodeFlags := flag.String("node-flags", "", "extra node flags for -probe, e.g. --max-semi-space-size=1 for more GCs")
	flag.Parse()
	if *probe {
		if err := runProbe(strings.Fields(*nodeFlags)); err != nil {
			fmt.Fprintln(os.Stderr, "watchoverhead:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*lh, *rounds, *dur, *conc, *interval); err != nil {
		fmt.Fprintln(os.Stderr, "watchoverhead:", err)
		os.Exit(1)
	}
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port), nil
}

func run(lh string, rounds int, dur time.Duration, conc int, interval string) error {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	inspPort, err := freePort()
	if err != nil {
		return err
	}
	// The inspector is open on both sides: only the attached watch differs.
	node := exec.Command("node", "--inspect=127.0.0.1:"+inspPort, filepath.Join(dir, "server.js"))
	node.Stderr = io.Discard
	out, _ := node.StdoutPipe()
	if err := node.Start(); err != nil {
		return err
	}
	defer func() { node.Process.Kill(); node.Wait() }()
	sc := bufio.NewScanner(out)
	port := ""
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
			port = p
			break
		}
	}
	if port == "" {
		return fmt.Errorf("server did not start")
	}
	url := "http://127.0.0.1:" + port + "/"
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc}, Timeout: 10 * time.Second}

	fmt.Printf("node %s, %d connections, %s rounds, watch interval %s, GOMAXPROCS %d\n", nodeVersion(), conc, dur, or(interval, "default (5s)"), runtime.GOMAXPROCS(0))
	load(client, url, conc, 5*time.Second) // warm-up: JIT, connection pool, heap growth

	dataDir, _ := os.MkdirTemp("", "watchoverhead")
	defer os.RemoveAll(dataDir)
	var without, with []float64
	var rssWithout, rssWith []int64
	// CPU time the target spends per request is much less sensitive than
	// requests/s to whatever else the machine runs meanwhile.
	var cpuWithout, cpuWith []float64
	for r := 0; r < rounds; r++ {
		for _, watched := range order(r) {
			var w *exec.Cmd
			if watched {
				args := []string{"watch", "127.0.0.1:" + inspPort, "--data-dir", dataDir, "--quiet"}
				if interval != "" {
					args = append(args, "--interval", interval)
				}
				w = exec.Command(lh, args...)
				w.Stdout, w.Stderr = io.Discard, os.Stderr
				if err := w.Start(); err != nil {
					return err
				}
				time.Sleep(500 * time.Millisecond) // attached and installed
			}
			cpu0 := procCPU(node.Process.Pid)
			rps, n := load(client, url, conc, dur)
			cpu := procCPU(node.Process.Pid) - cpu0
			cpuPerReq := float64(cpu.Microseconds()) / float64(max(n, 1))
			rss := procRSS(node.Process.Pid)
			if w != nil {
				w.Process.Signal(os.Interrupt)
				w.Wait()
				with, rssWith, cpuWith = append(with, rps), append(rssWith, rss), append(cpuWith, cpuPerReq)
			} else {
				without, rssWithout, cpuWithout = append(without, rps), append(rssWithout, rss), append(cpuWithout, cpuPerReq)
			}
			fmt.Printf("round %d %-8s %8.0f req/s  %6.1f µs CPU/request  target RSS %6.1f MiB\n", r+1, label(watched), rps, cpuPerReq, float64(rss)/(1<<20))
		}
	}
	// How often the target collected under this load, from what watch
	// recorded: the probe's cost scales with it.
	if out, err := exec.Command(lh, "history", "--data-dir", dataDir, "--json").Output(); err == nil {
		var h struct {
			GCs []struct {
				Kind  string `json:"kind"`
				Count int64  `json:"count"`
			} `json:"gcs"`
		}
		if json.Unmarshal(out, &h) == nil {
			var all int64
			var kinds []string
			for _, g := range h.GCs {
				all += g.Count
				kinds = append(kinds, fmt.Sprintf("%s %d", g.Kind, g.Count))
			}
			fmt.Printf("\nGCs seen by watch: %.1f/s under load (%s)\n", float64(all)/(float64(rounds)*dur.Seconds()), strings.Join(kinds, ", "))
		}
	}
	mw, mwo := median(with), median(without)
	cw, cwo := median(cpuWith), median(cpuWithout)
	fmt.Printf("\n| median of %d rounds | requests/s | target CPU per request | target RSS |\n| --- | ---: | ---: | ---: |\n", rounds)
	fmt.Printf("| without watch | %.0f | %.1f µs | %.1f MiB |\n", mwo, cwo, float64(medianInt(rssWithout))/(1<<20))
	fmt.Printf("| with watch | %.0f | %.1f µs | %.1f MiB |\n", mw, cw, float64(medianInt(rssWith))/(1<<20))
	fmt.Printf("\nrequests/s change: %+.2f%%; CPU per request change: %+.2f%%; RSS change: %+.1f MiB\n",
		(mw-mwo)/mwo*100, (cw-cwo)/cwo*100, float64(medianInt(rssWith)-medianInt(rssWithout))/(1<<20))
	return nil
}

func order(r int) []bool {
	if r%2 == 0 {
		return []bool{false, true}
	}
	return []bool{true, false}
}

func label(w bool) string {
	if w {
		return "watched"
	}
	return "alone"
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// load runs a closed loop of conc clients for d and returns requests/s
// and the number of requests.
func load(client *http.Client, url string, conc int, d time.Duration) (float64, int64) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 && ctx.Err() == nil {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds(), n.Load()
}

// procCPU is the user+system CPU time pid has used (from /proc/PID/stat,
// in clock ticks of 10 ms).
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	// Fields after the parenthesised command name, which may hold spaces.
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func procRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			kb, _ := strconv.ParseInt(f[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}

func nodeVersion() string {
	out, _ := exec.Command("node", "--version").Output()
	return strings.TrimSpace(string(out))
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func medianInt(v []int64) int64 {
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// runProbe runs gcprobe.js with the exact JavaScript watch evaluates.
func runProbe(nodeFlags []string) error {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Dir(file)
	tmp, err := os.MkdirTemp("", "gcprobe")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	install, sample, uninstall := watch.ProbeSource("bench")
	args := append(nodeFlags, filepath.Join(dir, "gcprobe.js"))
	for i, src := range []string{install, sample, uninstall} {
		p := filepath.Join(tmp, fmt.Sprintf("%d.js", i))
		if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
			return err
		}
		args = append(args, p)
	}
	out, err := exec.Command("node", args...).Output()
	if err != nil {
		return fmt.Errorf("gcprobe.js: %v", err)
	}
	var r struct {
		GCs        int     `json:"gcs_per_phase"`
		Off        float64 `json:"off_ms"`
		On         float64 `json:"on_ms"`
		SampleUS   float64 `json:"sample_us"`
		CallbackUS float64 `json:"callback_us_per_gc"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return fmt.Errorf("gcprobe.js said %q: %v", out, err)
	}
	fmt.Printf("node %s: fixed workload with %d GCs: %.1f ms CPU without the probe, %.1f ms with it (%+.2f%%, paired median)\n",
		nodeVersion(), r.GCs, r.Off, r.On, (r.On-r.Off)/r.Off*100)
	fmt.Printf("probe callback: %.2f µs per GC entry; one sample evaluation: %.1f µs (in the target, without the protocol)\n", r.CallbackUS, r.SampleUS)
	return nil
}
