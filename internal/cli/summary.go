package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	casestudy "github.com/leakhound/leakhound/examples/case-study"
	rpt "github.com/leakhound/leakhound/internal/report"
)

func init() {
	Register(&Command{
		Name:    "summary",
		Summary: "per-class summary of a heap snapshot (DevTools' Summary view)",
		Usage:   "leakhound summary [FILE] [--top N] [--sort retained|shallow|count] [--filter TEXT] [--json] [--html FILE]",
		Run:     runSummary,
	})
}

func runSummary(ctx context.Context, env *Env, args []string) error {
	c := commands["summary"]
	fs := NewFlags(env, c)
	addIndexFlags(fs, env)
	top := fs.Int("top", -1, "show the N largest classes, 0 for all (text default 30, JSON default all)")
	sortBy := fs.String("sort", "retained", "order by retained, shallow or count")
	filter := fs.String("filter", "", "only classes whose name contains `TEXT` (case-insensitive)")
	asJSON := fs.Bool("json", false, "print JSON (exact byte counts)")
	quiet := fs.Bool("quiet", false, "no progress bar or notes on stderr")
	htmlPath := fs.String("html", "", "also write the Summary as one self-contained HTML page (Statistics chart, sortable class table; up to 1000 classes unless --top) to `FILE`")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return BadInputf("summary takes one snapshot file, got %s", argCount(len(pos)))
	}
	if *top < -1 {
		return BadInputf("--top must be a positive number, or 0 for all classes")
	}
	valid := false
	for _, k := range rpt.SortKeys {
		valid = valid || k == *sortBy
	}
	if !valid {
		return BadInputf("--sort must be one of %s, not %q", strings.Join(rpt.SortKeys, ", "), *sortBy)
	}
	if err := checkOutputPath("html", *htmlPath); err != nil {
		return err
	}
	var file string
	if len(pos) == 1 {
		file = pos[0]
	} else {
		// No file of the user's: show a real result from the bundled leaky
		// example instead of an error.
		dir, err := os.MkdirTemp("", "leakhound-example-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if !*quiet {
			fmt.Fprintf(env.Stderr, "no FILE given: running the bundled leaky example service (examples/case-study) under node...\n")
		}
		snaps, err := casestudy.WriteSnapshots(ctx, dir, casestudy.Options{Requests: 200})
		if err != nil {
			return err
		}
		file = snaps[len(snaps)-1].Path
		if !*quiet {
			fmt.Fprintf(env.Stderr, "summarising its heap after %d transactions (try --filter RequestContext)\n\n", snaps[len(snaps)-1].Transactions)
		}
	}
	n := *top
	if n == -1 {
		n = 0
		if !*asJSON {
			n = 30
		}
	}
	// The HTML page holds more rows than a terminal's default (and fewer
	// than JSON's all): build those, and cut the others' from them.
	build := n
	if *htmlPath != "" && *top == -1 && n > 0 {
		build = max(n, htmlMaxRows)
	}
	opts := rpt.SummaryOptions{Sort: *sortBy, Filter: *filter, Top: build}
	var s *rpt.Summary
	// The index's header and info section hold the whole Summary: its big
	// arrays are not even mapped.
	if is := env.indexOptions().openSummary(file); is != nil {
		s, err = rpt.SummaryOf(is.Rows, rpt.TotalsOf(is.NodeCount, is.EdgeCount, is.Stats, file), opts)
	} else {
		g, lerr := loadAnswerFirst(ctx, env, file, *quiet)
		if lerr != nil {
			return lerr
		}
		s, err = rpt.BuildSummary(g, file, opts)
	}
	if err != nil {
		return BadInput(err)
	}
	if *htmlPath != "" {
		hs := s
		if *top == -1 {
			hs = firstClasses(s, htmlMaxRows)
		}
		if err := writeFileAtomic(*htmlPath, func(w io.Writer) error { return rpt.WriteSummaryHTML(w, hs, htmlMeta("summary")) }); err != nil {
			return err
		}
	}
	s = firstClasses(s, n)
	if *asJSON {
		return rpt.WriteJSON(env.Stdout, s)
	}
	rpt.WriteSummaryText(env.Stdout, s, Palette(env.Stdout))
	if *htmlPath != "" {
		htmlWritten(env.Stdout, *htmlPath)
	}
	return nil
}

// firstClasses is s with at most n classes (n <= 0: all).
func firstClasses(s *rpt.Summary, n int) *rpt.Summary {
	if n <= 0 || len(s.Classes) <= n {
		return s
	}
	cut := *s
	cut.Classes = s.Classes[:n]
	return &cut
}
