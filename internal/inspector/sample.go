package inspector

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
)

// SampleOptions tune SampleHeap.
type SampleOptions struct {
	// Interval is the mean bytes between samples (V8's default 32 KiB when 0).
	Interval int64
	// IncludeCollected keeps samples of objects the GC has since freed, so
	// the profile shows all allocation, not only what is still alive.
	IncludeCollected bool
}

// SampleHeap runs V8's sampling heap profiler in the target for d (or until
// stop is done, whichever is first) and returns the profile. By default the
// profile holds the sampled allocations still alive at the end, which is
// what grows in a leak. The target keeps running throughout; sampling costs
// it little.
func (c *Conn) SampleHeap(ctx context.Context, d time.Duration, stop <-chan struct{}, opts SampleOptions) (*heapprofiler.SamplingHeapProfile, error) {
	params := map[string]any{
		"includeObjectsCollectedByMajorGC": opts.IncludeCollected,
		"includeObjectsCollectedByMinorGC": opts.IncludeCollected,
	}
	if opts.Interval > 0 {
		params["samplingInterval"] = opts.Interval
	}
	if err := c.Call(ctx, "HeapProfiler.startSampling", params, nil); err != nil {
		return nil, err
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-stop:
	case <-ctx.Done():
		// Best effort so the target does not keep sampling after we leave.
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = c.Call(sctx, "HeapProfiler.stopSampling", nil, nil)
		return nil, ctx.Err()
	case <-c.Done():
		return nil, fmt.Errorf("while sampling (the profile lives in the target, so nothing was saved): %w", c.Err())
	}
	var res struct {
		Profile *heapprofiler.SamplingHeapProfile `json:"profile"`
	}
	if err := c.Call(ctx, "HeapProfiler.stopSampling", nil, &res); err != nil {
		return nil, err
	}
	if res.Profile == nil || res.Profile.Head == nil {
		return &heapprofiler.SamplingHeapProfile{Head: &heapprofiler.SamplingHeapProfileNode{CallFrame: &cdpruntime.CallFrame{FunctionName: "(root)"}}}, nil
	}
	return res.Profile, nil
}

// Frame is one source location of a stack. Line and Column are 1-based
// (V8 sends 0-based; people and pprof count from 1); 0 means unknown.
type Frame struct {
	Function string `json:"function"`
	URL      string `json:"url"`
	Line     int64  `json:"line"`
	Column   int64  `json:"column"`
}

func frameOf(cf *cdpruntime.CallFrame) Frame {
	if cf == nil {
		return Frame{Function: "(unknown)"}
	}
	f := Frame{Function: cf.FunctionName, URL: cf.URL}
	if cf.LineNumber >= 0 {
		f.Line = cf.LineNumber + 1
	}
	if cf.ColumnNumber >= 0 {
		f.Column = cf.ColumnNumber + 1
	}
	if f.Function == "" {
		f.Function = "(anonymous)"
	}
	return f
}

// Site is an allocation site: all the sampled allocations made directly by
// one function at one location. When that function is a builtin or native
// (no script URL, like String.prototype.repeat or JSON.parse), sites are
// further split by Via, the nearest caller in the program's own scripts
// (node's own, node:…, only when no program frame is on the stack):
// "repeat via idle.js:9" is the line to look at, and repeat's other callers
// are other sites. Allocations inside node's own scripts (node:buffer) get
// a Via in the program the same way.
type Site struct {
	Frame
	Via *Frame `json:"via,omitempty"`
	// SelfBytes is V8's estimate of the bytes allocated there (scaled from
	// the samples), Samples the number of samples.
	SelfBytes int64 `json:"self_bytes"`
	Samples   int64 `json:"samples"`
	// Stack is the heaviest call path to the site, the site first, up to
	// (not including) V8's synthetic root.
	Stack []Frame `json:"stack"`
}

// nodeInternal: a script of node itself (node:internal/timers, node:buffer).
func nodeInternal(url string) bool { return strings.HasPrefix(url, "node:") }

// Sites aggregates a sampling profile by allocating function and location,
// heaviest first, and returns the total estimated bytes and samples.
func Sites(p *heapprofiler.SamplingHeapProfile) (sites []Site, totalBytes, totalSamples int64) {
	if p == nil || p.Head == nil {
		return nil, 0, 0
	}
	counts := map[int64]int64{}
	for _, s := range p.Samples {
		counts[s.NodeID]++
		totalSamples++
	}
	type agg struct {
		site      Site
		heaviest  int64
		heavyPath []*heapprofiler.SamplingHeapProfileNode
	}
	type key struct{ leaf, via Frame }
	byFrame := map[key]*agg{}
	var path []*heapprofiler.SamplingHeapProfileNode
	var walk func(n *heapprofiler.SamplingHeapProfileNode)
	walk = func(n *heapprofiler.SamplingHeapProfileNode) {
		path = append(path, n)
		if self := int64(n.SelfSize); self > 0 && len(path) > 1 {
			totalBytes += self
			f := frameOf(n.CallFrame)
			k := key{leaf: f}
			if f.URL == "" || nodeInternal(f.URL) {
				// The nearest caller in the program's own code; failing
				// that (a builtin called only by node), node's own.
				var internal Frame
				for i := len(path) - 2; i > 0; i-- {
					cf := path[i].CallFrame
					if cf == nil || cf.URL == "" {
						continue
					}
					if !nodeInternal(cf.URL) {
						k.via = frameOf(cf)
						break
					}
					if internal == (Frame{}) {
						internal = frameOf(cf)
					}
				}
				if k.via == (Frame{}) && f.URL == "" {
					k.via = internal
				}
			}
			a := byFrame[k]
			if a == nil {
				a = &agg{site: Site{Frame: f}}
				if k.via != (Frame{}) {
					via := k.via
					a.site.Via = &via
				}
				byFrame[k] = a
			}
			a.site.SelfBytes += self
			a.site.Samples += counts[n.ID]
			if self > a.heaviest {
				a.heaviest = self
				a.heavyPath = slices.Clone(path[1:])
			}
		}
		for _, ch := range n.Children {
			walk(ch)
		}
		path = path[:len(path)-1]
	}
	walk(p.Head)
	for _, a := range byFrame {
		st := make([]Frame, 0, len(a.heavyPath))
		for i := len(a.heavyPath) - 1; i >= 0; i-- {
			st = append(st, frameOf(a.heavyPath[i].CallFrame))
		}
		a.site.Stack = st
		sites = append(sites, a.site)
	}
	slices.SortFunc(sites, func(x, y Site) int {
		if c := cmp.Compare(y.SelfBytes, x.SelfBytes); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(x.URL, y.URL), cmp.Compare(x.Line, y.Line), cmp.Compare(x.Column, y.Column),
			cmp.Compare(x.Function, y.Function), cmp.Compare(x.Code().URL, y.Code().URL), cmp.Compare(x.Code().Line, y.Code().Line))
	})
	return sites, totalBytes, totalSamples
}

// Code is the site's location in the program's own code: the frame itself
// when it is in a script, else Via (zero Frame when neither).
func (s Site) Code() Frame {
	if s.URL != "" || s.Via == nil {
		return s.Frame
	}
	return *s.Via
}

// MapFrames rewrites the profile's call frames through m, which tells a
// built script's frame (a bundle's, tsc's dist/) where it came from in the
// original source (a source map's answer): Sites and PprofProfile then
// speak of src/orders.ts. Frames m declines, node's own and natives stay.
// Each distinct frame is asked once.
func MapFrames(p *heapprofiler.SamplingHeapProfile, m func(Frame) (Frame, bool)) {
	if p == nil || p.Head == nil || m == nil {
		return
	}
	type answer struct {
		f  Frame
		ok bool
	}
	seen := map[Frame]answer{}
	var walk func(n *heapprofiler.SamplingHeapProfileNode)
	walk = func(n *heapprofiler.SamplingHeapProfileNode) {
		if cf := n.CallFrame; cf != nil && cf.URL != "" && !nodeInternal(cf.URL) && cf.LineNumber >= 0 {
			f := frameOf(cf)
			a, ok := seen[f]
			if !ok {
				g, mapped := m(f)
				a = answer{g, mapped && g.Line > 0}
				seen[f] = a
			}
			if a.ok {
				cf.URL, cf.LineNumber, cf.ColumnNumber = a.f.URL, a.f.Line-1, a.f.Column-1
				if a.f.Function != f.Function {
					cf.FunctionName = a.f.Function
				}
			}
		}
		for _, ch := range n.Children {
			walk(ch)
		}
	}
	walk(p.Head)
}
