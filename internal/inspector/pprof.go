package inspector

import (
	"io"
	"time"

	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/google/pprof/profile"
)

// PprofProfile converts a V8 sampling heap profile into pprof's format, so
// `go tool pprof -http=: FILE.pb.gz` shows it as a flame graph. Each profile
// node with allocations becomes one sample whose stack is the node's path
// from V8's root; values are the sample count and V8's scaled estimate of
// bytes. Sample types are inuse_* for a live-objects profile and alloc_*
// when collected objects were included, pprof's own heap vocabulary.
func PprofProfile(p *heapprofiler.SamplingHeapProfile, opts SampleOptions, start time.Time, d time.Duration) *profile.Profile {
	kind := "inuse"
	if opts.IncludeCollected {
		kind = "alloc"
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = 32768
	}
	out := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "samples", Unit: "count"},
			{Type: kind + "_space", Unit: "bytes"},
		},
		DefaultSampleType: kind + "_space",
		PeriodType:        &profile.ValueType{Type: "space", Unit: "bytes"},
		Period:            interval,
		TimeNanos:         start.UnixNano(),
		DurationNanos:     d.Nanoseconds(),
		Comments:          []string{"V8 sampling heap profile captured by leakhound sample"},
	}
	// One pseudo-mapping that says the symbols are already there, so pprof
	// never tries to symbolize (there is no binary for JavaScript frames).
	mapping := &profile.Mapping{ID: 1, File: "node", HasFunctions: true, HasFilenames: true, HasLineNumbers: true}
	out.Mapping = []*profile.Mapping{mapping}
	if p == nil || p.Head == nil {
		return out
	}
	counts := map[int64]int64{}
	for _, s := range p.Samples {
		counts[s.NodeID]++
	}
	funcs := map[Frame]*profile.Function{} // keyed by name and file (line 0)
	var stack []*profile.Location
	var walk func(n *heapprofiler.SamplingHeapProfileNode, depth int)
	walk = func(n *heapprofiler.SamplingHeapProfileNode, depth int) {
		if depth > 0 { // V8's root is not a frame
			f := frameOf(n.CallFrame)
			key := Frame{Function: f.Function, URL: f.URL}
			fn := funcs[key]
			if fn == nil {
				fn = &profile.Function{ID: uint64(len(out.Function) + 1), Name: f.Function, SystemName: f.Function, Filename: f.URL}
				funcs[key] = fn
				out.Function = append(out.Function, fn)
			}
			loc := &profile.Location{ID: uint64(len(out.Location) + 1), Mapping: mapping, Line: []profile.Line{{Function: fn, Line: f.Line, Column: f.Column}}}
			out.Location = append(out.Location, loc)
			stack = append(stack, loc)
			if self := int64(n.SelfSize); self > 0 {
				locs := make([]*profile.Location, len(stack))
				for i := range stack { // leaf first
					locs[i] = stack[len(stack)-1-i]
				}
				out.Sample = append(out.Sample, &profile.Sample{Location: locs, Value: []int64{counts[n.ID], self}})
			}
		}
		for _, ch := range n.Children {
			walk(ch, depth+1)
		}
		if depth > 0 {
			stack = stack[:len(stack)-1]
		}
	}
	walk(p.Head, 0)
	return out
}

// WritePprof writes the profile gzipped, as pprof reads it.
func WritePprof(w io.Writer, p *profile.Profile) error { return p.Write(w) }
