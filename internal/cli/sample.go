package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

func init() {
	Register(&Command{
		Name:    "sample",
		Summary: "sample a running node process's allocations: top sites with stacks, pprof output",
		Usage:   "leakhound sample TARGET [--duration D] [-o FILE.pb.gz]",
		Run:     runSample,
	})
}

// sampleJSON is sample's --json output.
type sampleJSON struct {
	Target           string           `json:"target"`
	PID              int              `json:"pid,omitempty"`
	DurationMS       int64            `json:"duration_ms"`
	Interval         int64            `json:"interval"`
	IncludeCollected bool             `json:"include_collected"`
	TotalBytes       int64            `json:"total_bytes"`
	TotalSamples     int64            `json:"total_samples"`
	Sites            []inspector.Site `json:"sites"`
	Pprof            string           `json:"pprof,omitempty"`
}

func runSample(ctx context.Context, env *Env, args []string) error {
	cmd := commands["sample"]
	fs := NewFlags(env, cmd)
	duration := fs.Duration("duration", 10*time.Second, "how long to sample (Ctrl-C stops early and still reports)")
	out := fs.String("o", "", "also write the profile in pprof format (gzipped protobuf) to `FILE`, for go tool pprof -http=: FILE")
	interval := fs.Int64("interval", 32768, "mean bytes between samples (smaller: more detail, more overhead)")
	all := fs.Bool("all", false, "include objects already collected (all allocation), not only those still alive")
	top := fs.Int("top", 15, "allocation sites to list (0: all)")
	asJSON := fs.Bool("json", false, "print JSON (all sites with stacks)")
	quiet := fs.Bool("quiet", false, "no notes on stderr")
	tf := addTargetFlags(fs)
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return BadInputf("sample needs exactly one TARGET (a pid, host:port or ws:// URL), got %d", len(pos))
	}
	if *duration <= 0 {
		return BadInputf("--duration must be positive, got %s", *duration)
	}
	if *interval <= 0 || *interval > 1<<30 {
		return BadInputf("--interval must be between 1 and 1073741824 bytes, got %d", *interval)
	}
	if *top < 0 {
		return BadInputf("--top must be >= 0")
	}
	if *out != "" && !isDir(filepath.Dir(*out)) {
		return BadInputf("output directory %s does not exist", filepath.Dir(*out))
	}
	c, err := attachTarget(ctx, env, pos[0], tf, *quiet)
	if err != nil {
		return err
	}
	defer releaseEither(env, &c, c.Target(), tf, *quiet)
	if c, err = settleFor(ctx, env, c, tf, *quiet); err != nil {
		return err
	}

	// A host:port or ws:// target does not say its pid; the process does.
	pid := c.Target().PID
	if pid <= 0 {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if raw, err := c.Evaluate(pctx, "process.pid", false); err == nil {
			json.Unmarshal(raw, &pid)
		}
		cancel()
	}

	opts := inspector.SampleOptions{Interval: *interval, IncludeCollected: *all}
	if !*quiet {
		fmt.Fprintf(env.Stderr, "sampling %s for %s (Ctrl-C to stop early)\n", c.Target(), *duration)
		// Sampling covers the main thread: say when workers allocate
		// apart from it, as watch does.
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if ws, err := c.Workers(wctx); err == nil && len(ws) > 0 {
			fmt.Fprintf(env.Stderr, "note: this process runs %d worker thread(s); sampling covers its main thread only, not what the workers allocate\n", len(ws))
		}
		cancel()
	}
	start := time.Now()
	// Ctrl-C ends the sampling, not the command: the profile so far is
	// still fetched and reported.
	work := context.WithoutCancel(ctx)
	// A program that finishes meanwhile is held by node until we let go:
	// stop there and report what was sampled, so it can exit.
	stop := ctx.Done()
	fin, ferr := c.NotifyFinished(ctx)
	if ferr == nil {
		merged := make(chan struct{})
		go func() {
			select {
			case <-ctx.Done():
			case <-fin:
			case <-c.Done():
			}
			close(merged)
		}()
		stop = merged
	}
	p, err := c.SampleHeap(work, *duration, stop, opts)
	if err != nil {
		return err
	}
	elapsed := time.Since(start)
	select {
	case <-fin:
		if !*quiet {
			fmt.Fprintf(env.Stderr, "the program finished after %.1fs; sampling stopped there so it could exit\n", elapsed.Seconds())
		}
	default:
	}
	// A bundle's or tsc's frames, told in the original source when the
	// maps are beside the scripts on this machine.
	if sm, ok := leak.LocalSources().(leak.SourceMaps); ok {
		inspector.MapFrames(p, func(f inspector.Frame) (inspector.Frame, bool) {
			at, fn, built := leak.Told(sm, leak.Position{Script: f.URL, Line: int(f.Line), Column: int(f.Column)}, f.Function)
			return inspector.Frame{Function: fn, URL: at.Script, Line: int64(at.Line), Column: int64(at.Column)}, built != nil
		})
	}
	sites, total, samples := inspector.Sites(p)

	res := sampleJSON{Target: c.Target().String(), PID: pid, DurationMS: elapsed.Milliseconds(),
		Interval: *interval, IncludeCollected: *all, TotalBytes: total, TotalSamples: samples, Sites: sites}
	if res.Sites == nil {
		res.Sites = []inspector.Site{}
	}
	if *out != "" {
		if err := writePprofFile(*out, inspector.PprofProfile(p, opts, start, elapsed)); err != nil {
			return err
		}
		res.Pprof = *out
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	writeSampleText(env.Stdout, Palette(env.Stdout), res, *top)
	return nil
}

func writePprofFile(path string, p interface{ Write(io.Writer) error }) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := p.Write(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	os.Chmod(tmp, 0o644)
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

func writeSampleText(w io.Writer, pal ui.Palette, r sampleJSON, top int) {
	what := "objects still alive at the end"
	if r.IncludeCollected {
		what = "all allocations"
	}
	fmt.Fprintf(w, "%s %s over %.1fs (%s, one sample per %s on average): %s in %s samples\n\n",
		pal.Bold("Allocation sampling of"), r.Target, float64(r.DurationMS)/1000, what,
		ui.Bytes(r.Interval), pal.Bold(ui.Bytes(r.TotalBytes)), ui.Count(r.TotalSamples))
	if len(r.Sites) == 0 {
		hint := "a longer --duration, a smaller --interval, or --all to include objects already collected"
		if r.IncludeCollected {
			hint = "a longer --duration or a smaller --interval"
		}
		fmt.Fprintf(w, "No allocations sampled: the target allocated little (try %s).\n", hint)
		return
	}
	n := len(r.Sites)
	if top > 0 && top < n {
		n = top
	}
	t := ui.Table{Header: []string{"#", "self size", "%", "samples", "allocated by", "at"}, RightAlign: map[int]bool{0: true, 1: true, 2: true, 3: true}}
	for i, s := range r.Sites[:n] {
		pct := 0.0
		if r.TotalBytes > 0 {
			pct = 100 * float64(s.SelfBytes) / float64(r.TotalBytes)
		}
		at := frameLocation(s.Frame)
		if s.Via != nil {
			at = pal.Dim("via "+s.Via.Function+" ") + frameLocation(*s.Via)
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i + 1), ui.Bytes(s.SelfBytes), fmt.Sprintf("%.1f%%", pct),
			ui.Count(s.Samples), s.Function, at})
	}
	t.Write(w, pal)
	if n < len(r.Sites) {
		fmt.Fprintf(w, "%s\n", pal.Dim(fmt.Sprintf("... %d more sites (--top 0 lists all)", len(r.Sites)-n)))
	}
	// The heaviest stacks, so the caller chain is visible without pprof.
	fmt.Fprintf(w, "\n%s\n", pal.Bold("Heaviest stacks:"))
	for i, s := range r.Sites[:min(3, n)] {
		fmt.Fprintf(w, "%d. %s\n", i+1, ui.Bytes(s.SelfBytes))
		for j, f := range s.Stack {
			if j == 8 {
				fmt.Fprintf(w, "     %s\n", pal.Dim(fmt.Sprintf("... %d more frames", len(s.Stack)-j)))
				break
			}
			fmt.Fprintf(w, "     %s %s\n", f.Function, pal.Dim(frameLocation(f)))
		}
	}
	if r.Pprof != "" {
		fmt.Fprintf(w, "\nwrote %s (flame graph: go tool pprof -http=: %s)\n", r.Pprof, r.Pprof)
	}
}

// frameLocation is file:line:column, relative to the working directory
// when under it; "(native)" for frames without a script.
func frameLocation(f inspector.Frame) string {
	if f.URL == "" {
		return "(native)"
	}
	u := strings.TrimPrefix(f.URL, "file://")
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, u); err == nil && !strings.HasPrefix(rel, "..") {
			u = rel
		}
	}
	if f.Line > 0 {
		u += ":" + strconv.FormatInt(f.Line, 10)
		if f.Column > 0 {
			u += ":" + strconv.FormatInt(f.Column, 10)
		}
	}
	return u
}
