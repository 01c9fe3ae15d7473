// Package mcpserver serves leakhound's engine to coding agents over the
// Model Context Protocol. Each tool is a thin layer over the packages the
// CLI uses and answers with the same JSON the CLI's --json prints, paged so
// that an answer fits a model's context window. Loaded snapshots stay in
// memory across calls under a handle (the file's path), a bounded number at
// a time.
package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/roots"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Options configure a server.
type Options struct {
	// Roots are the folders whose files the tools may read (absolute or
	// relative to the working directory). Empty means the working directory.
	Roots []string
	// DataDir is where live tools write snapshots; it must lie under a root.
	// Empty means the first root.
	DataDir string
	// MaxLoaded bounds how many snapshot graphs stay in memory (0 = 2).
	MaxLoaded int
	// AllowRemote lets live tools attach to non-loopback inspectors.
	AllowRemote bool
	// Version is reported to clients.
	Version string
	// Open, if set, re-opens a snapshot's saved index instead of analysing
	// it (nil when there is none) and Saved is called after a snapshot was
	// analysed, e.g. to write one (the CLI's index cache, docs/index.md).
	Open  func(path string) *heapgraph.Graph
	Saved func(path string, g *heapgraph.Graph)
}

// Server is leakhound's MCP server.
type Server struct {
	opts    Options
	roots   *roots.Set
	cache   *graphCache
	reports reports
	MCP     *mcp.Server
}

// New builds a server with every tool registered.
func New(opts Options) (*Server, error) {
	r, err := roots.New(opts.Roots)
	if err != nil {
		return nil, err
	}
	if opts.MaxLoaded <= 0 {
		opts.MaxLoaded = 2
	}
	if opts.DataDir == "" {
		opts.DataDir = r.First()
	} else if opts.DataDir, err = r.Check(opts.DataDir); err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	s := &Server{opts: opts, roots: r, cache: newGraphCache(opts.MaxLoaded)}
	s.cache.open, s.cache.saved = opts.Open, opts.Saved
	s.MCP = mcp.NewServer(&mcp.Implementation{Name: "leakhound", Version: opts.Version}, &mcp.ServerOptions{
		Instructions: instructions,
	})
	s.addSnapshotTools()
	s.addDuplicateStrings()
	s.addSeriesTools()
	s.addGCTools()
	s.addLiveTools()
	return s, nil
}

// Run serves one client over t until it disconnects or ctx ends.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error { return s.MCP.Run(ctx, t) }

const instructions = `leakhound finds memory leaks in Node.js programs from V8 heap snapshots (.heapsnapshot files), GC traces and live processes.
Typical hunt: load_series on 3+ snapshots of one process (oldest first) and call leak_suspects; follow a suspect's retainer_path ids with inspect_object and retaining_paths.
With one snapshot: load_snapshot, then summary (largest classes by retained size), leak_suspects on that file, dominator_children from the root, find_objects.
Sizes are bytes. Objects are named by their snapshot id (the number after @ in DevTools). Lists are paged: pass offset and limit, and follow next_offset.`

// toolError is a failed call as the client sees it: one line, like the CLI.
func toolError(err error) *mcp.CallToolResult {
	r := &mcp.CallToolResult{}
	r.SetError(err)
	return r
}

// jsonResult answers with v as compact JSON text and as structured content.
func jsonResult(v any) (*mcp.CallToolResult, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &mcp.CallToolResult{
		Content:           []mcp.Content{&mcp.TextContent{Text: string(b)}},
		StructuredContent: json.RawMessage(b),
	}, nil
}

// tool registers a handler whose input is decoded into In (the SDK derives
// and checks the input schema from In's fields) and whose output is any
// JSON value. Errors become tool errors, never a crashed server.
func tool[In any](s *Server, name, desc string, h func(ctx context.Context, req *mcp.CallToolRequest, in In) (any, error)) {
	mcp.AddTool(s.MCP, &mcp.Tool{Name: name, Description: desc},
		func(ctx context.Context, req *mcp.CallToolRequest, in In) (res *mcp.CallToolResult, _ any, err error) {
			defer func() {
				if r := recover(); r != nil {
					res, err = toolError(fmt.Errorf("internal error in %s: %v (please report this)", name, r)), nil
				}
			}()
			v, err := h(ctx, req, in)
			if err != nil {
				if errors.Is(err, context.Canceled) {
					return nil, nil, err
				}
				return toolError(err), nil, nil
			}
			res, err = jsonResult(v)
			return res, nil, err
		})
}
