package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/leak"
	rpt "github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/ui"
)

func init() {
	Register(&Command{
		Name:    "leaks",
		Summary: "name the leak in a series of snapshots of one process (or where memory accumulates in one): suspects, patterns, paths, fixes",
		Usage:   "leakhound leaks S1 S2 [S3 ...] | DIR | ONE [--json | --markdown] [--html FILE] [--fail-on-leak [--min-growth SIZE] [--min-count N]] [--top N]",
		Run:     runLeaks,
	})
}

type leakFlags struct {
	asJSON, markdown, quiet, failOnLeak *bool
	minGrowth                           *string
	minCount, top                       *int
	// html, when set and not empty, is where the HTML report goes.
	html *string
	// command names the command in the HTML report (leaks, run, demo).
	command string
	// notes go first in the report's notes (run: worker threads the
	// snapshots do not cover).
	notes []string
	// work is the work done before each snapshot, cumulative (run: the
	// workload units), so growth is compared per unit of work.
	work []float64
}

func runLeaks(ctx context.Context, env *Env, args []string) error {
	c := commands["leaks"]
	fs := NewFlags(env, c)
	addIndexFlags(fs, env)
	f := leakFlags{
		asJSON:     fs.Bool("json", false, "print JSON (schema in docs/leaks.md)"),
		markdown:   fs.Bool("markdown", false, "print Markdown (for CI comments)"),
		quiet:      fs.Bool("quiet", false, "no progress bar or notes on stderr"),
		failOnLeak: fs.Bool("fail-on-leak", false, "exit 1 when a suspect passes --min-growth and --min-count"),
		minGrowth:  fs.String("min-growth", "0", "with --fail-on-leak: smallest retained growth that fails, a `SIZE` such as 1MB, 512KiB, 100000"),
		minCount:   fs.Int("min-count", 1, "with --fail-on-leak: smallest growth in count (`N` objects, or entries (slots for inline numbers) of a collection growing in place) that fails"),
		top:        fs.Int("top", 10, "show at most N suspects"),
		html:       fs.String("html", "", htmlFlagUsage),
		command:    "leaks",
	}
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := checkLeakFlags(f); err != nil {
		return err
	}
	if len(pos) == 1 {
		if st, err := os.Stat(pos[0]); err == nil && !st.IsDir() {
			return singleReport(ctx, env, pos[0], f)
		}
	}
	files, err := snapshotSeries(pos)
	if err != nil {
		return err
	}
	if len(files) == 1 {
		// A folder holding one snapshot.
		return singleReport(ctx, env, files[0], f)
	}
	return leaksReport(ctx, env, files, nil, f)
}

// leaksReport analyses files (display names in names, or the file names)
// and prints the report; shared with demo.
func leaksReport(ctx context.Context, env *Env, files, names []string, f leakFlags) error {
	rep, err := analyzeSeries(ctx, env, files, names, f)
	if err != nil {
		return err
	}
	return printLeaks(env, rep, f)
}

// checkLeakFlags refuses report flags that contradict each other.
func checkLeakFlags(f leakFlags) error {
	if *f.asJSON && *f.markdown {
		return BadInputf("--json and --markdown are exclusive")
	}
	if _, err := ParseSize(*f.minGrowth); err != nil {
		return err
	}
	if *f.minCount < 0 || *f.top <= 0 {
		return BadInputf("--min-count must be >= 0 and --top > 0")
	}
	if err := checkOutputPath("html", f.htmlPath()); err != nil {
		return err
	}
	return nil
}

// analyzeSeries runs the leak analysis on files, oldest first.
func analyzeSeries(ctx context.Context, env *Env, files, names []string, f leakFlags) (*leak.Report, error) {
	if err := checkLeakFlags(f); err != nil {
		return nil, err
	}
	if names == nil {
		for _, p := range files {
			names = append(names, filepath.Base(p))
		}
	}
	rep, err := leak.Analyze(len(files), prefetch(len(files), func(i int, quiet bool) (*heapgraph.Graph, error) {
		return LoadGraph(ctx, env, files[i], quiet || *f.quiet)
	}), leak.Options{Names: names, MaxSuspects: *f.top, Work: f.work, Sources: leak.LocalSources()})
	if err != nil {
		if errors.Is(err, leak.ErrNotSameProcess) || errors.Is(err, leak.ErrOrder) {
			return nil, BadInput(err)
		}
		return nil, err
	}
	if len(f.notes) > 0 {
		rep.Notes = append(append([]string(nil), f.notes...), rep.Notes...)
	}
	return rep, nil
}

// printLeaks prints the report in the chosen form and applies
// --fail-on-leak.
func printLeaks(env *Env, rep *leak.Report, f leakFlags) error {
	if err := checkLeakFlags(f); err != nil {
		return err
	}
	minGrowth, _ := ParseSize(*f.minGrowth)
	htmlPath := f.htmlPath()
	if htmlPath != "" {
		if err := writeFileAtomic(htmlPath, func(w io.Writer) error { return rpt.WriteLeaksHTML(w, rep, htmlMeta(f.command)) }); err != nil {
			return err
		}
	}
	var w io.Writer = env.Stdout
	switch {
	case *f.asJSON:
		if err := rpt.WriteLeaksJSON(w, rep); err != nil {
			return err
		}
	case *f.markdown:
		rpt.WriteLeaksMarkdown(w, rep)
	default:
		rpt.WriteLeaksText(w, rep, Palette(w))
		if htmlPath != "" {
			htmlWritten(w, htmlPath)
		}
	}
	if *f.failOnLeak {
		for _, s := range rep.Suspects {
			// A value rebuilt bigger (counted in bytes) is one object:
			// only its growth in bytes can be held against a threshold.
			if s.GrowthBytes >= minGrowth && (s.CountUnit == "bytes" || s.GrowthCount >= int64(*f.minCount)) {
				unit := "object"
				if s.CountUnit != "" {
					unit = strings.TrimSuffix(s.CountUnit, "s")
				}
				if s.GrowthCount != 1 {
					unit += "s"
				}
				if s.CountUnit == "bytes" {
					return CheckFailed(fmt.Sprintf("leak suspect #%d (%s, %s) grew by %s (%d bytes)",
						s.Rank, s.Pattern, s.Class, ui.Bytes(s.GrowthBytes), s.GrowthBytes))
				}
				return CheckFailed(fmt.Sprintf("leak suspect #%d (%s, %s) grew by %s (%d bytes) and %s %s",
					s.Rank, s.Pattern, s.Class, ui.Bytes(s.GrowthBytes), s.GrowthBytes, ui.Count(s.GrowthCount), unit))
			}
		}
	}
	return nil
}

// htmlFlagUsage documents --html for leaks and run.
const htmlFlagUsage = "also write the report (growth charts, paths, fixes) as one self-contained HTML page to `FILE`"

// singleReport analyses one snapshot: where memory accumulates.
func singleReport(ctx context.Context, env *Env, file string, f leakFlags) error {
	if *f.failOnLeak {
		return BadInputf("--fail-on-leak needs two or more snapshots of one process: one snapshot shows where memory accumulates, not that it grows (take a series with leakhound capture --count 3 --every 1m PID)")
	}
	if *f.asJSON && *f.markdown {
		return BadInputf("--json and --markdown are exclusive")
	}
	if *f.top <= 0 {
		return BadInputf("--top must be > 0")
	}
	if err := checkOutputPath("html", f.htmlPath()); err != nil {
		return err
	}
	g, err := LoadGraph(ctx, env, file, *f.quiet)
	if err != nil {
		return err
	}
	rep := leak.AnalyzeOne(g, leak.SingleOptions{Name: filepath.Base(file), MaxSuspects: *f.top, Sources: leak.LocalSources()})
	rep.Notes = append(append([]string(nil), f.notes...), rep.Notes...)
	if htmlPath := f.htmlPath(); htmlPath != "" {
		if err := writeFileAtomic(htmlPath, func(w io.Writer) error { return rpt.WriteSingleHTML(w, rep, htmlMeta(f.command)) }); err != nil {
			return err
		}
	}
	if err := writeSingle(env.Stdout, rep, f); err != nil {
		return err
	}
	if htmlPath := f.htmlPath(); htmlPath != "" && !*f.asJSON && !*f.markdown {
		htmlWritten(env.Stdout, htmlPath)
	}
	return nil
}

// htmlPath is --html's value, "" when not given or not offered.
func (f leakFlags) htmlPath() string {
	if f.html == nil {
		return ""
	}
	return *f.html
}

func writeSingle(w io.Writer, rep *leak.SingleReport, f leakFlags) error {
	switch {
	case *f.asJSON:
		return rpt.WriteSingleJSON(w, rep)
	case *f.markdown:
		rpt.WriteSingleMarkdown(w, rep)
	default:
		rpt.WriteSingleText(w, rep, Palette(w))
	}
	return nil
}

// snapshotSeries turns the arguments into an ordered list of snapshot
// files: the files as given, or the snapshots in one folder by name.
func snapshotSeries(pos []string) ([]string, error) {
	if len(pos) == 1 {
		st, err := os.Stat(pos[0])
		if err != nil {
			return nil, BadInputf("%s: no such file or folder", pos[0])
		}
		if st.IsDir() {
			files, err := heapsnapshot.SeriesInDir(pos[0])
			if err != nil {
				return nil, BadInput(err)
			}
			return files, nil
		}
	}
	if len(pos) < 2 {
		return nil, BadInputf("leaks needs at least two snapshots of the same process (or a folder of them), oldest first")
	}
	var stats []os.FileInfo
	for i, p := range pos {
		st, err := os.Stat(p)
		if err != nil {
			return nil, BadInputf("%s: no such file", p)
		} else if st.IsDir() {
			return nil, BadInputf("%s is a folder; give either one folder or several snapshot files", p)
		}
		for j, prev := range stats {
			if os.SameFile(prev, st) {
				return nil, BadInputf("%s and %s are the same snapshot file; give snapshots taken some time apart, oldest first", pos[j], pos[i])
			}
		}
		stats = append(stats, st)
	}
	return pos, nil
}

// ParseSize reads a byte count written by people: 1048576, 500KB, 1.5MiB,
// 2MB (k/M/G are decimal, Ki/Mi/Gi binary; the B is optional).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	u := strings.ToLower(t)
	mult := 1.0
	for _, suf := range []struct {
		s string
		m float64
	}{{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"ki", 1 << 10}, {"mi", 1 << 20}, {"gi", 1 << 30},
		{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"b", 1}} {
		if strings.HasSuffix(u, suf.s) {
			mult = suf.m
			u = strings.TrimSpace(strings.TrimSuffix(u, suf.s))
			break
		}
	}
	v, err := strconv.ParseFloat(u, 64)
	// !(v >= 0) also rejects NaN; the upper bound rejects Inf.
	if err != nil || !(v >= 0) || v*mult > 1<<62 {
		return 0, BadInputf("%q is not a size (e.g. 1MB, 512KiB, 100000)", s)
	}
	return int64(v * mult), nil
}

// prefetch returns a Loader that, while snapshot i is being analysed, loads
// snapshot i+1 in the background: the analysis of one snapshot's retaining
// paths runs on one core, so the next parse overlaps it. At most two graphs
// are alive at once. Background loads draw no progress bar (two bars would
// garble the terminal).
func prefetch(n int, load func(i int, quiet bool) (*heapgraph.Graph, error)) leak.Loader {
	type result struct {
		g   *heapgraph.Graph
		err error
	}
	var next chan result // the load of snapshot `pending`, if started
	pending := -1
	start := func(i int) {
		if i >= n {
			return
		}
		ch := make(chan result, 1) // buffered: an abandoned load never blocks
		go func() {
			g, err := load(i, true)
			ch <- result{g, err}
		}()
		next, pending = ch, i
	}
	return func(i int) (*heapgraph.Graph, error) {
		var r result
		if pending == i {
			r = <-next
		} else {
			r.g, r.err = load(i, false)
		}
		next, pending = nil, -1
		if r.err == nil {
			start(i + 1)
		}
		return r.g, r.err
	}
}
