package cli

import (
	"context"

	rpt "github.com/leakhound/leakhound/internal/report"
)

func init() {
	Register(&Command{
		Name:    "paths",
		Summary: "shortest retaining paths from the GC roots to one object",
		Usage:   "leakhound paths FILE @ID [--max N] [--json]",
		Run:     runPaths,
	})
}

func runPaths(ctx context.Context, env *Env, args []string) error {
	c := commands["paths"]
	fs := NewFlags(env, c)
	addIndexFlags(fs, env)
	max := fs.Int("max", 5, "show at most `N` paths")
	asJSON := fs.Bool("json", false, "print JSON")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if *max < 1 {
		return BadInputf("--max must be at least 1")
	}
	g, n, err := loadObject(ctx, env, c, pos, *quiet)
	if err != nil {
		return err
	}
	ps := rpt.BuildPaths(g, n, *max)
	if *asJSON {
		return rpt.WriteJSON(env.Stdout, ps)
	}
	rpt.WritePathsText(env.Stdout, ps, Palette(env.Stdout))
	return nil
}
