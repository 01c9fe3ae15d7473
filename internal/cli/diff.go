package cli

import (
	"context"
	"errors"
	"io"
	"path/filepath"

	"github.com/leakhound/leakhound/internal/leak"
	rpt "github.com/leakhound/leakhound/internal/report"
)

func init() {
	Register(&Command{
		Name:    "diff",
		Summary: "compare two snapshots of one process per class (DevTools' Comparison view)",
		Usage:   "leakhound diff BASE TARGET [--top N] [--json] [--html FILE]",
		Run:     runDiff,
	})
}

func runDiff(ctx context.Context, env *Env, args []string) error {
	c := commands["diff"]
	fs := NewFlags(env, c)
	addIndexFlags(fs, env)
	top := fs.Int("top", 30, "show the N classes that grew most (0 = all; JSON always has all)")
	asJSON := fs.Bool("json", false, "print JSON (exact byte counts)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	htmlPath := fs.String("html", "", "also write the comparison as one self-contained HTML page (chart, sortable table) to `FILE`")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return BadInputf("diff takes two snapshots of the same process, BASE then TARGET; got %s", argCount(len(pos)))
	}
	if *top < 0 {
		return BadInputf("--top must be >= 0")
	}
	if err := checkOutputPath("html", *htmlPath); err != nil {
		return err
	}
	g, err := LoadGraph(ctx, env, pos[0], *quiet)
	if err != nil {
		return err
	}
	// Keep only what the comparison needs of the base, so one graph is in
	// memory at a time.
	base := leak.NewDiffBase(g, filepath.Base(pos[0]))
	target, err := LoadGraph(ctx, env, pos[1], *quiet)
	if err != nil {
		return err
	}
	d, err := base.Diff(target, filepath.Base(pos[1]))
	if err != nil {
		if errors.Is(err, leak.ErrNotSameProcess) {
			return BadInput(err)
		}
		return err
	}
	if *htmlPath != "" {
		htmlTop := htmlMaxRows
		if flagGiven(fs, "top") {
			htmlTop = *top
		}
		if err := writeFileAtomic(*htmlPath, func(w io.Writer) error { return rpt.WriteDiffHTML(w, d, htmlTop, htmlMeta("diff")) }); err != nil {
			return err
		}
	}
	if *asJSON {
		return rpt.WriteDiffJSON(env.Stdout, d)
	}
	rpt.WriteDiffText(env.Stdout, d, *top, Palette(env.Stdout))
	if *htmlPath != "" {
		htmlWritten(env.Stdout, *htmlPath)
	}
	return nil
}
