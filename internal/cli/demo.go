package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	casestudy "github.com/leakhound/leakhound/examples/case-study"
	"github.com/leakhound/leakhound/internal/ui"
)

func init() {
	Register(&Command{
		Name:    "demo",
		Summary: "run the bundled leaky example service under node and hunt its leak",
		Usage:   "leakhound demo [--json | --markdown] [--html FILE] [--requests N] [--keep DIR] [--top N]",
		Run:     runDemo,
	})
}

func runDemo(ctx context.Context, env *Env, args []string) error {
	c := commands["demo"]
	fs := NewFlags(env, c)
	f := leakFlags{
		asJSON:     fs.Bool("json", false, "print the report as JSON"),
		markdown:   fs.Bool("markdown", false, "print the report as Markdown"),
		quiet:      fs.Bool("quiet", false, "no progress or notes on stderr"),
		failOnLeak: new(bool),
		minGrowth:  new(string),
		minCount:   new(int),
		top:        fs.Int("top", 5, "show at most N suspects"),
		html:       fs.String("html", "", htmlFlagUsage),
		command:    "demo",
	}
	*f.minGrowth = "0"
	requests := fs.Int("requests", 300, "transactions between snapshots")
	keep := fs.String("keep", "", "write the snapshots to `DIR` and keep them (default: a temp dir, removed)")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *requests <= 0 {
		return BadInputf("demo takes no arguments and --requests > 0")
	}
	dir := *keep
	temp := dir == ""
	if temp {
		dir, err = os.MkdirTemp("", "leakhound-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if !*f.quiet {
		fmt.Fprintf(env.Stderr, "running examples/case-study (a TransactionProcessor that never removes its 'response' listeners) under node,\ntaking 3 heap snapshots %d transactions apart in %s ...\n", *requests, dir)
	}
	snaps, err := casestudy.WriteSnapshots(ctx, dir, casestudy.Options{Requests: *requests})
	if err != nil {
		return err
	}
	var files, names []string
	for _, s := range snaps {
		files = append(files, s.Path)
		names = append(names, fmt.Sprintf("%s (%d transactions)", filepath.Base(s.Path), s.Transactions))
	}
	if !*f.quiet {
		if temp {
			fmt.Fprintf(env.Stderr, "analysing the snapshots (removed afterwards; --keep DIR keeps them for `leakhound leaks DIR`)\n\n")
		} else {
			fmt.Fprintf(env.Stderr, "analysing: leakhound leaks %s\n\n", dir)
		}
	}
	if !temp || ui.ColorEnabled(env.Stdout) {
		// Kept snapshots, or a terminal (colour; no early-closing pipe).
		return leaksReport(ctx, env, files, names, f)
	}
	// The report goes to stdout only after the temp dir is gone: a reader
	// that stops early (demo | head) ends us with SIGPIPE, and a deferred
	// removal would never run, leaving the snapshots behind.
	var buf bytes.Buffer
	out := *env
	out.Stdout = &buf
	rerr := leaksReport(ctx, &out, files, names, f)
	os.RemoveAll(dir)
	if _, err := env.Stdout.Write(buf.Bytes()); err != nil {
		return err
	}
	return rerr
}
