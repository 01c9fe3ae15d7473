package cli

import (
	"context"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
	rpt "github.com/leakhound/leakhound/internal/report"
)

func init() {
	Register(&Command{
		Name:    "inspect",
		Summary: "one object of a heap snapshot: sizes, references, retainers, dominators",
		Usage:   "leakhound inspect FILE @ID [--limit N] [--json]",
		Run:     runInspect,
	})
}

func runInspect(ctx context.Context, env *Env, args []string) error {
	c := commands["inspect"]
	fs := NewFlags(env, c)
	addIndexFlags(fs, env)
	limit := fs.Int("limit", 25, "list at most `N` references and retainers (0 = all)")
	asJSON := fs.Bool("json", false, "print JSON (exact byte counts)")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if *limit < 0 {
		return BadInputf("--limit must not be negative")
	}
	g, n, err := loadObject(ctx, env, c, pos, *quiet)
	if err != nil {
		return err
	}
	// Built code (tsc, a bundle) told in its source when the maps are
	// beside the scripts on this machine, as leaks does.
	in := rpt.BuildInspect(g, n, *limit, leak.LocalSources())
	if *asJSON {
		return rpt.WriteJSON(env.Stdout, in)
	}
	rpt.WriteInspectText(env.Stdout, in, g.Stats.Total, Palette(env.Stdout))
	return nil
}

// loadObject handles the FILE @ID arguments shared by inspect and paths:
// it checks them, loads the snapshot's graph and finds the object.
func loadObject(ctx context.Context, env *Env, c *Command, pos []string, quiet bool) (*heapgraph.Graph, uint32, error) {
	if len(pos) != 2 {
		return nil, 0, BadInputf("usage: %s", c.Usage)
	}
	id, err := ParseNodeID(pos[1])
	if err != nil {
		return nil, 0, err
	}
	g, err := loadAnswerFirst(ctx, env, pos[0], quiet)
	if err != nil {
		return nil, 0, err
	}
	n, err := LookupNode(g, pos[0], id)
	if err != nil {
		return nil, 0, err
	}
	return g, n, nil
}
