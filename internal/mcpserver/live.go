package mcpserver

import (
	"context"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/inspector"
)

// The live tools take snapshots and samples through the V8 inspector. They
// never evaluate code the caller gives: the only inputs are a target and
// numbers. Targets on other hosts are refused unless the server was started
// with --allow-remote.
func (s *Server) addLiveTools() {
	type captureIn struct {
		Target string `json:"target" jsonschema:"a node process id, or host:port of an open inspector (loopback only unless the server allows remote)"`
	}
	type captureOut struct {
		File       string `json:"file"`
		Bytes      int64  `json:"bytes"`
		DurationMS int64  `json:"duration_ms"`
		HeapUsed   int64  `json:"heap_used"`
	}
	tool(s, "capture", "Take a heap snapshot of a running node process through its inspector and write it into the server's data folder; returns the file, which the snapshot tools then read. For a pid whose inspector is closed it sends SIGUSR1 to open it. The target is PAUSED while V8 writes the snapshot (about a second per 100 MB of heap) and needs roughly its heap size again in memory. Several captures of one process in one session are needed for leak_suspects (ids are only stable within one inspector session), so prefer the CLI's capture --count for a series.",
		func(ctx context.Context, req *mcp.CallToolRequest, in captureIn) (any, error) {
			c, err := s.attach(ctx, in.Target)
			if err != nil {
				return nil, err
			}
			defer release(ctx, c)
			path := inspector.NextSnapshotPath(s.opts.DataDir, c.Target().PID, time.Now())
			res, err := inspector.Capture(ctx, c, path, inspector.CaptureOptions{})
			if err != nil {
				return nil, err
			}
			return captureOut{File: res.Path, Bytes: res.Bytes, DurationMS: res.Duration.Milliseconds(), HeapUsed: res.HeapUsed}, nil
		})

	type sampleIn struct {
		Target          string `json:"target" jsonschema:"a node process id, or host:port of an open inspector"`
		DurationSeconds int    `json:"duration_seconds,omitempty" jsonschema:"how long to sample (default 10, at most 300)"`
		Top             int    `json:"top,omitempty" jsonschema:"allocation sites to return (default 15)"`
	}
	type sampleOut struct {
		Target       string           `json:"target"`
		DurationMS   int64            `json:"duration_ms"`
		TotalBytes   int64            `json:"total_bytes"`
		TotalSamples int64            `json:"total_samples"`
		TotalSites   int              `json:"total_sites"`
		Sites        []inspector.Site `json:"sites"`
	}
	tool(s, "sample_allocations", "Sample where a running node process allocates memory that stays alive, for a few seconds, with V8's sampling heap profiler: allocation sites (function, file:line and stack) with the live bytes each allocated. Cheap (the target keeps running, slightly slower) and answers 'which line allocates what leaks'. Briefly pauses the target at start and end.",
		func(ctx context.Context, req *mcp.CallToolRequest, in sampleIn) (any, error) {
			d := in.DurationSeconds
			if d <= 0 {
				d = 10
			}
			if d > 300 {
				return nil, fmt.Errorf("duration_seconds must be at most 300")
			}
			top := in.Top
			if top <= 0 {
				top = 15
			}
			c, err := s.attach(ctx, in.Target)
			if err != nil {
				return nil, err
			}
			defer release(ctx, c)
			start := time.Now()
			p, err := c.SampleHeap(ctx, time.Duration(d)*time.Second, ctx.Done(), inspector.SampleOptions{Interval: 32768})
			if err != nil {
				return nil, err
			}
			sites, total, samples := inspector.Sites(p)
			out := sampleOut{Target: c.Target().String(), DurationMS: time.Since(start).Milliseconds(), TotalBytes: total,
				TotalSamples: samples, TotalSites: len(sites), Sites: sites[:min(top, len(sites))]}
			return out, nil
		})
}

func (s *Server) attach(ctx context.Context, spec string) (*inspector.Conn, error) {
	t, err := inspector.Resolve(ctx, spec, inspector.ResolveOptions{AllowRemote: s.opts.AllowRemote})
	if err != nil {
		return nil, err
	}
	return inspector.Dial(ctx, t)
}

// release ends the session and, when this call opened the target's
// inspector (SIGUSR1), closes it again: nothing is left listening that was
// not listening before.
func release(ctx context.Context, c *inspector.Conn) {
	if c.Target().Opened {
		_, _ = c.CloseInspector(ctx, 10*time.Second)
		return
	}
	c.Close()
}
