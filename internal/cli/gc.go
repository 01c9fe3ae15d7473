package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/leakhound/leakhound/internal/gctrace"
	rpt "github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/ui"
)

func init() {
	Register(&Command{
		Name:    "gc",
		Summary: "read a node --trace-gc log (file or - for stdin): pauses, time in GC, post-GC heap trend, verdict",
		Usage:   "leakhound gc [--json] [--svg FILE] [--html FILE] [--tee] FILE|-",
		Run:     runGC,
	})
}

// gcChunk is how much of the log one read hands to the parser.
const gcChunk = 256 << 10

func runGC(ctx context.Context, env *Env, args []string) error {
	cmd := commands["gc"]
	fs := NewFlags(env, cmd)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	svgPath := fs.String("svg", "", "also write an SVG chart of the heap before/after each GC to `FILE`")
	htmlPath := fs.String("html", "", "also write the report, chart and pause tables as one self-contained HTML page to `FILE`")
	tee := fs.Bool("tee", false, "pass every input line through to stdout unchanged as it arrives; the report then goes to stderr")
	quiet := fs.Bool("quiet", false, "no progress bar or running status")
	every := fs.Duration("every", 0, "while reading, print a one-line running status to stderr this often (e.g. 10s; 0 = never)")
	failOnLeak := fs.Bool("fail-on-leak", false, "exit 1 when the verdict is probable-leak, when the process ran out of heap, or when the post-GC heap doubled at every step over too few major GCs to be sure (whatever the verdict)")
	warmup := fs.Duration("warmup", 0, "leave major GCs in each isolate's first `DURATION` (since it started) out of the heap trend")
	th := gctrace.DefaultThresholds()
	fs.IntVar(&th.MinMajorGCs, "min-major-gcs", th.MinMajorGCs, "leak: fewest major GCs to fit a trend on")
	fs.Float64Var(&th.LeakMBPerHour, "leak-mb-per-hour", th.LeakMBPerHour, "leak: post-GC heap growth rate, MiB (V8's MB) per hour")
	fs.Float64Var(&th.LeakGrowthPct, "leak-growth-pct", th.LeakGrowthPct, "leak: post-GC heap growth over the log, percent of its start")
	fs.Float64Var(&th.MinR2, "min-r2", th.MinR2, "leak: how well a straight line must fit (r², 0..1)")
	fs.Float64Var(&th.MaxTrendP, "max-trend-p", th.MaxTrendP, "leak: or how consistently the post-GC heap must rise (Mann–Kendall p-value, 0..1)")
	heapLimit := fs.Float64("heap-limit", 0, "the process's heap limit in `MB` (its --max-old-space-size), if known: a post-GC heap rising near it is a leak")
	fs.Float64Var(&th.NearLimitPct, "near-limit-pct", th.NearLimitPct, "leak: with --heap-limit, rising post-GC heap at this percent of the limit")
	pressurePct := fs.Float64("pressure-gc-pct", 100*th.PressureGCShare, "GC pressure: percent of wall time spent in GC")
	fs.Float64Var(&th.PressureP95PauseMs, "pressure-pause-ms", th.PressureP95PauseMs, "GC pressure: p95 of major GC pauses, ms")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return BadInputf("gc needs one log FILE, or - for stdin (e.g. node --trace-gc app.js | leakhound gc -)")
	}
	th.PressureGCShare = *pressurePct / 100
	if err := checkOutputPath("svg", *svgPath); err != nil {
		return err
	}
	if err := checkOutputPath("html", *htmlPath); err != nil {
		return err
	}
	if *warmup < 0 || *every < 0 {
		return BadInputf("--warmup and --every must not be negative")
	}
	if th.LeakMBPerHour < 0 || th.PressureP95PauseMs <= 0 {
		return BadInputf("--leak-mb-per-hour must be ≥ 0 and --pressure-pause-ms > 0")
	}
	if th.MinMajorGCs < 2 || th.MinR2 < 0 || th.MinR2 > 1 || th.PressureGCShare <= 0 || th.LeakGrowthPct < 0 ||
		th.MaxTrendP <= 0 || th.MaxTrendP > 1 || *heapLimit < 0 || th.NearLimitPct <= 0 || th.NearLimitPct > 100 {
		return BadInputf("thresholds out of range: --min-major-gcs ≥ 2, --min-r2 in 0..1, --max-trend-p in (0,1], --pressure-gc-pct > 0, --leak-growth-pct ≥ 0, --heap-limit ≥ 0, --near-limit-pct in (0,100]")
	}

	var in io.Reader
	var size int64
	name := pos[0]
	if name == "-" {
		in, name = env.Stdin, "stdin"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return BadInput(err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			if st.IsDir() {
				return BadInputf("%s is a directory, not a GC log", name)
			}
			size = st.Size()
		}
		in = f
	}
	raw := &gctrace.Counter{R: in}
	// Telling gzip apart reads the first bytes, which on a quiet pipe may
	// take until the first GC: Ctrl-C must not wait for them.
	type sniffed struct {
		r   io.Reader
		err error
	}
	sniff := make(chan sniffed, 1)
	go func() {
		r, err := gcDecode(raw)
		sniff <- sniffed{r, err}
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case s := <-sniff:
		in, err = s.r, s.err
	}
	if err != nil {
		if msg := gctrace.GzipDamage(err, raw.N); msg != "" {
			return BadInputf("%s: %s", name, msg)
		}
		return BadInputf("%s: %v", name, err)
	}

	// With --tee stdout carries the application's lines, so the report
	// goes to stderr and nothing else is drawn there while reading.
	out := env.Stdout
	if *tee {
		out = env.Stderr
	}
	a := gctrace.NewAnalyzer(gctrace.Options{Thresholds: th, WarmupMs: float64(*warmup) / float64(time.Millisecond),
		HeapLimitMB: *heapLimit})
	prog := ui.NewProgress(env.Stderr, "reading GC log", size, !*quiet && !*tee && *every == 0)
	interrupted, rerr := gcPump(ctx, in, a, prog, *tee, env, *every, *quiet)
	prog.Done()
	// A damaged gzip stream is bad input, but the GCs decoded before the
	// damage are still worth a report: print it, then exit 2 with one line.
	damage := ""
	if rerr != nil {
		if damage = gctrace.GzipDamage(rerr, raw.N); damage == "" {
			return fmt.Errorf("reading %s: %w", name, rerr)
		}
	}
	if damage == "" {
		// A last line without a newline is complete; after a cut it is not.
		a.Flush()
	}
	s := a.Summary()
	s.Interrupted = interrupted
	if damage != "" {
		s.Truncated = fmt.Sprintf("%s; the report covers the %s lines before it", damage, ui.Count(s.Lines.Total))
	}
	if s.GCs == 0 {
		if interrupted {
			return &ExitError{Code: ExitInterrupted}
		}
		if damage != "" {
			return BadInputf("%s: %s, before any V8 GC line (%s read)", name, damage, ui.Counted(s.Lines.Total, "line"))
		}
		if s.Lines.GCLike > 0 {
			return BadInputf("no readable V8 GC lines in %s (%s read), but GC records without V8's [pid:0x…] before them on %s: split or damaged lines",
				name, ui.Counted(s.Lines.Total, "line"), ui.Counted(s.Lines.GCLike, "line"))
		}
		return BadInputf("no V8 GC lines in %s (%s read): %s", name, ui.Counted(s.Lines.Total, "line"), gctrace.NoGCLines)
	}
	if *svgPath != "" {
		if err := writeFileAtomic(*svgPath, func(w io.Writer) error { return gctrace.WriteSVG(w, s) }); err != nil {
			return err
		}
	}
	if *htmlPath != "" {
		if err := writeFileAtomic(*htmlPath, func(w io.Writer) error { return rpt.WriteGCHTML(w, s, name, htmlMeta("gc")) }); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(s); err != nil {
			return err
		}
	} else {
		gctrace.WriteText(out, s, Palette(out))
		if *svgPath != "" {
			fmt.Fprintf(out, "chart written to %s\n", *svgPath)
		}
		if *htmlPath != "" {
			htmlWritten(out, *htmlPath)
		}
	}
	if interrupted {
		return &ExitError{Code: ExitInterrupted}
	}
	if damage != "" {
		return BadInputf("%s: %s", name, damage)
	}
	// Inconclusive exits 0 unless its few major GCs show the heap at least
	// doubling at every step (gctrace.Trend.StrongGrowth): a short CI run
	// of a fast leak must not pass, a warm-up should not fail.
	if *failOnLeak && s.LeakLikely() {
		return CheckFailed("")
	}
	return nil
}

// gcDecode reads a log as UTF-8 text (gctrace.Decode).
func gcDecode(r io.Reader) (io.Reader, error) { return gctrace.Decode(r, gcChunk) }

type gcRead struct {
	buf []byte
	n   int
	err error
}

// gcPump copies the log into the analyser. Reading happens on its own
// goroutine so that Ctrl-C is noticed even while a read blocks on a quiet
// pipe; the parse stays on this goroutine. It reports whether ctx ended
// the read, and any read error other than EOF.
func gcPump(ctx context.Context, in io.Reader, a *gctrace.Analyzer, prog *ui.Progress, tee bool, env *Env, every time.Duration, quiet bool) (bool, error) {
	free := make(chan []byte, 3)
	for i := 0; i < cap(free); i++ {
		free <- make([]byte, gcChunk)
	}
	chunks := make(chan gcRead, cap(free))
	go func() {
		defer func() {
			if r := recover(); r != nil {
				chunks <- gcRead{err: fmt.Errorf("internal error while reading: %v", r)}
			}
		}()
		for {
			var buf []byte
			select {
			case buf = <-free:
			case <-ctx.Done():
				return
			}
			n, err := in.Read(buf)
			select {
			case chunks <- gcRead{buf: buf, n: n, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	use := func(c gcRead) error {
		if c.n == 0 {
			return nil
		}
		p := c.buf[:c.n]
		if tee {
			if _, err := env.Stdout.Write(p); err != nil {
				return fmt.Errorf("--tee: %w", err)
			}
		}
		a.Write(p)
		prog.Add(int64(c.n))
		return nil
	}
	var tick <-chan time.Time
	if every > 0 && !quiet {
		t := time.NewTicker(every)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			// What was read before Ctrl-C belongs in the report: parse
			// the chunks already handed over (the reader has stopped).
			for {
				select {
				case c := <-chunks:
					if err := use(c); err != nil {
						return true, err
					}
					continue
				default:
				}
				return true, nil
			}
		case <-tick:
			fmt.Fprintln(env.Stderr, gcStatusLine(a))
		case c := <-chunks:
			if err := use(c); err != nil {
				return false, err
			}
			if c.buf != nil {
				free <- c.buf
			}
			if c.err != nil {
				if errors.Is(c.err, io.EOF) {
					return false, nil
				}
				return false, c.err
			}
		}
	}
}

// gcStatusLine is the running one-line summary printed with --every.
func gcStatusLine(a *gctrace.Analyzer) string {
	s := a.Summary()
	tr := s.PostGCTrend
	forced := ""
	if s.Forced != nil {
		forced = fmt.Sprintf(" (%s forced, not in time in GC)", ui.Count(s.Forced.GCs))
	}
	return fmt.Sprintf("leakhound gc %s: %s GCs%s, %.1f%% in GC, post-GC heap %+.1f MiB/h over %d major GCs (r² %.2f): %s",
		time.Now().Format("15:04:05"), ui.Count(s.GCs), forced, 100*s.GCShare, tr.MBPerHour, tr.MajorGCs, tr.R2, s.Verdict)
}
