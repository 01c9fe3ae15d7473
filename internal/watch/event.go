package watch

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/ui"
)

// Event is one thing that happened, for the user's terminal or --json.
type Event struct {
	Time    time.Time     `json:"time"`
	Target  string        `json:"target"`
	PID     int           `json:"pid,omitempty"`
	Kind    string        `json:"kind"` // connected, disconnected, exited, sample, busy, note, leak, leak-cleared, action, snapshot, report, error; gone, done (RunMany)
	Trigger string        `json:"trigger,omitempty"`
	Action  string        `json:"action,omitempty"`
	Message string        `json:"message"`
	Path    string        `json:"path,omitempty"`
	Sample  *store.Sample `json:"sample,omitempty"`
	Growth  int64         `json:"growth_bytes,omitempty"`
	Rate    float64       `json:"bytes_per_second,omitempty"`
	// GCs and MajorGCs count the collections since the previous sample
	// (sample events only); ForcedGCs those of them the program did not
	// cause (global.gc(), heap snapshots, watch's gc action), part of GCs.
	GCs       int `json:"gcs,omitempty"`
	MajorGCs  int `json:"major_gcs,omitempty"`
	ForcedGCs int `json:"forced_gcs,omitempty"`
	// HeapLimit is the target's heap limit (sample events), for "heap used
	// of the limit" without the connected event at hand.
	HeapLimit int64 `json:"heap_limit,omitempty"`
	// LeakSignal is how far the leak signal is from firing (sample events).
	LeakSignal *LeakProgress `json:"leak_signal,omitempty"`
	// Tracked are the --track and --count values measured at this sample.
	Tracked []TrackedValue `json:"tracked,omitempty"`
}

// LeakProgress is the leak signal's current run: it fires when RisingGCs
// reaches Window and GrowthBytes reaches MinGrowthBytes.
type LeakProgress struct {
	Active         bool  `json:"active"`
	RisingGCs      int   `json:"rising_gcs"`
	Window         int   `json:"window"`
	GrowthBytes    int64 `json:"growth_bytes"`
	MinGrowthBytes int64 `json:"min_growth_bytes"`
	// PostGCHeap is the old generation after the last major GC (0: none
	// seen yet this session), the level the run above rises from.
	PostGCHeap int64 `json:"post_gc_heap,omitempty"`
}

// String says it for a status line.
func (p LeakProgress) String() string {
	if p.Active {
		return fmt.Sprintf("leak signal on (%d rising major GCs, %s)", p.RisingGCs, ui.SignedBytes(p.GrowthBytes))
	}
	return fmt.Sprintf("leak signal: %d of %d rising major GCs, %s of %s growth", p.RisingGCs, p.Window,
		ui.SignedBytes(p.GrowthBytes), ui.Bytes(p.MinGrowthBytes))
}

// Info is what the probe reports about the target.
type Info struct {
	PID       int      `json:"pid"`
	Node      string   `json:"node"`
	HeapLimit float64  `json:"limit"`
	Origin    float64  `json:"origin"` // performance.timeOrigin, ms since epoch
	Now       float64  `json:"now"`
	Argv      []string `json:"argv"`
	Title     string   `json:"title"`
}

// DefaultName names a target after its main script.
func (i Info) DefaultName() string {
	if len(i.Argv) > 0 && i.Argv[0] != "" && !strings.HasPrefix(i.Argv[0], "-") {
		return filepath.Base(i.Argv[0])
	}
	return fmt.Sprintf("node-%d", i.PID)
}
