package cli

import (
	"context"
	"errors"
	"io"

	"github.com/leakhound/leakhound/internal/mcpserver"
)

func init() {
	Register(&Command{
		Name:    "mcp",
		Summary: "serve the engine to coding agents over the Model Context Protocol (stdio)",
		Usage:   "leakhound mcp [--root DIR]... [--data-dir DIR] [--max-loaded N] [--allow-remote]",
		Run:     runMCP,
	})
}

func runMCP(ctx context.Context, env *Env, args []string) error {
	c := commands["mcp"]
	fs := NewFlags(env, c)
	addIndexFlags(fs, env)
	var roots repeated
	fs.Var(&roots, "root", "a `DIR` whose files the tools may read (repeatable; default: the current directory)")
	dataDir := fs.String("data-dir", "", "where the capture tool writes snapshots (default: the first --root); must be under a root")
	maxLoaded := fs.Int("max-loaded", 2, "how many analysed snapshots stay in memory; the least recently used is dropped")
	allowRemote := fs.Bool("allow-remote", false, "let the live tools attach to inspectors on other hosts")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return BadInputf("mcp takes no arguments (it speaks MCP on stdin and stdout); got %q", pos[0])
	}
	if *maxLoaded < 1 {
		return BadInputf("--max-loaded must be at least 1")
	}
	open, saved := serverIndex(env)
	srv, err := mcpserver.New(mcpserver.Options{Roots: roots, DataDir: *dataDir, MaxLoaded: *maxLoaded,
		AllowRemote: *allowRemote, Version: versionString(), Open: open, Saved: saved})
	if err != nil {
		return BadInput(err)
	}
	in, out := env.Stdin, env.Stdout
	err = srv.Run(ctx, mcpserver.Stdio(in, out))
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
