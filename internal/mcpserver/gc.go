package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/gctrace"
	"github.com/leakhound/leakhound/internal/ui"
)

func (s *Server) addGCTools() {
	type gcIn struct {
		File        string  `json:"file" jsonschema:"a log of node --trace-gc output (plain or gzipped); other lines are ignored"`
		HeapLimitMB float64 `json:"heap_limit_mb,omitempty" jsonschema:"the process's heap limit in MB (its --max-old-space-size), if known"`
		Chart       bool    `json:"chart,omitempty" jsonschema:"also return the per-GC chart points and space tables (long)"`
	}
	tool(s, "gc_trace", "Analyse a V8 GC trace (node --trace-gc output): GC counts and pauses per type, time spent in GC, mutator utilisation, the heap after each major GC and its trend, and a verdict (healthy, inconclusive, gc-pressure, probable-leak) with the reason. A post-GC heap that keeps rising is the classic sign of a leak.",
		func(ctx context.Context, req *mcp.CallToolRequest, in gcIn) (any, error) {
			p, err := s.roots.Check(in.File)
			if err != nil {
				return nil, err
			}
			f, err := os.Open(p)
			if err != nil {
				return nil, err
			}
			defer f.Close()
			if st, err := f.Stat(); err == nil && st.IsDir() {
				return nil, fmt.Errorf("%s is a directory, not a GC log", in.File)
			}
			raw := &gctrace.Counter{R: f}
			r, err := gctrace.Decode(raw, 256<<10)
			if err != nil {
				if d := gctrace.GzipDamage(err, raw.N); d != "" {
					return nil, fmt.Errorf("%s: %s", in.File, d)
				}
				return nil, fmt.Errorf("%s: %v", in.File, err)
			}
			a := gctrace.NewAnalyzer(gctrace.Options{Thresholds: gctrace.DefaultThresholds(), HeapLimitMB: in.HeapLimitMB})
			damage := ""
			if _, err := io.Copy(a, ctxReader{ctx, r}); err != nil {
				// A damaged gzip stream: the GCs before the damage are
				// still a report, said to be cut short, as the CLI does.
				if damage = gctrace.GzipDamage(err, raw.N); damage == "" {
					return nil, fmt.Errorf("reading %s: %w", in.File, err)
				}
			} else {
				a.Flush()
			}
			sum := a.Summary()
			if damage != "" {
				sum.Truncated = in.File + ": " + damage
			}
			if sum.GCs == 0 {
				return nil, fmt.Errorf("no V8 GC lines in %s (%s read): %s", in.File, ui.Counted(sum.Lines.Total, "line"), gctrace.NoGCLines)
			}
			if in.Chart {
				return sum, nil
			}
			return compactGC(sum)

		})
}

// ctxReader stops a long read when the call is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// compactGC drops the per-GC chart points and space tables, which can run to
// a thousand entries per isolate, from the answer: the verdict, pauses and
// trend are what a model reasons with.
func compactGC(sum any) (any, error) {
	b, err := json.Marshal(sum)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	drop := func(m map[string]any) {
		for _, k := range []string{"chart", "major_gc_series", "spaces"} {
			delete(m, k)
		}
	}
	drop(m)
	if isos, ok := m["isolates"].([]any); ok {
		for _, iso := range isos {
			if im, ok := iso.(map[string]any); ok {
				drop(im)
			}
		}
	}
	return m, nil
}
