// Buffers node keeps for itself, bounded by node: they grow with use up
// to their size and then stop, like a cache filling, and the program
// sets that size, not their contents.

package leak

import (
	"fmt"

	"github.com/leakhound/leakhound/internal/ui"
)

// nodeBuffers are node's own bounded lists, by the variable its modules
// keep them in: their default size and the call that changes it.
var nodeBuffers = map[string]struct {
	class string // the class of its entries
	size  int
	sizer string
}{
	// lib/internal/perf/observe.js: fetch()'s and undici's timings.
	"resourceTimingBuffer": {"PerformanceResourceTiming", 250, "performance.setResourceTimingBufferSize()"},
}

// nodeBufferNote says why a growing collection that is one of node's own
// bounded buffers, still under its size, is not reported.
func nodeBufferNote(s *Suspect) (string, bool) {
	h := s.Holder
	if h == nil || len(s.Count) == 0 || h.Package != "" {
		return "", false
	}
	b, ok := nodeBuffers[h.Name]
	if !ok || s.Class != b.class || s.Count[len(s.Count)-1] > int64(b.size) {
		return "", false
	}
	return fmt.Sprintf("%s %s grew (%s objects) but it is node's own buffer of at most %s (%s sets it): filling, not reported as a leak",
		h.Kind, h.Name, joinCounts(s.Count), ui.Count(int64(b.size)), b.sizer), true
}
