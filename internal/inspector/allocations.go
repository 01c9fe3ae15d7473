package inspector

import (
	"context"
	"fmt"
	"time"
)

// TrackAllocations turns on V8's allocation tracking in the target (c is a
// Conn or a worker's session): from then on V8 records the call stack of
// every allocation, and each heap snapshot carries those stacks
// (trace_function_infos, trace_tree, a trace_node_id per object). It costs
// the target time on every allocation (docs/live.md has the figures).
//
// stop turns tracking off with HeapProfiler.disable, best effort, at the end
// of a series: HeapProfiler.stopTrackingHeapObjects would have V8 write one
// more whole snapshot, and disabling also forgets the object ids, which a
// series no longer needs then. Ending the session stops it too.
func TrackAllocations(ctx context.Context, c caller) (stop func(), err error) {
	err = c.Call(ctx, "HeapProfiler.startTrackingHeapObjects", map[string]any{"trackAllocations": true}, nil)
	if err != nil {
		return nil, fmt.Errorf("turning on allocation tracking: %w", err)
	}
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = c.Call(sctx, "HeapProfiler.disable", nil, nil)
	}, nil
}
