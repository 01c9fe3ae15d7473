package watch

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/leakhound/leakhound/internal/metrics"
	"github.com/leakhound/leakhound/internal/store"
)

// Threshold is one tier (warn, critical, restart).
type Threshold struct {
	Name    string
	Level   Level
	Actions []Action
}

// Config configures Run.
type Config struct {
	// Name is the target's name in the history; empty: the script's base
	// name, else "node-PID".
	Name     string
	Interval time.Duration // default 5s
	// Duration stops the agent after this long (0: until ctx ends). Unlike
	// ctx's end (Ctrl-C), it lets a snapshot or analysis in progress finish:
	// the target was paused for it, throwing it away would waste that.
	Duration time.Duration

	Leak        LeakDetector
	LeakActions []Action

	Thresholds []Threshold
	Cooldown   time.Duration // per trigger and action; default 10m

	SnapshotEvery time.Duration // 0: no periodic snapshots
	// AllocationStacks turns on V8's allocation tracking for the session
	// (with SnapshotEvery), so the periodic snapshots carry allocation
	// stacks; it slows the target's allocations a lot (docs/live.md).
	AllocationStacks bool
	Keep             int // periodic snapshots kept (default 3)
	// SnapshotCount stops the agent after this many periodic snapshots
	// (and their analysis); 0: no limit.
	SnapshotCount int
	// NearHeapLimit arms node's near-heap-limit snapshot in the target
	// (v8.setHeapSnapshotNearHeapLimit, node 18.10+) for this many
	// snapshots; 0: off. A target started with
	// --heapsnapshot-near-heap-limit is followed either way (oom.go).
	NearHeapLimit int
	// DataDir holds targets/NAME/{snapshots,reports}.
	DataDir string

	// Connect resolves and dials the target; it is called again to
	// reconnect after the connection is lost. Returning ErrGone (wrapped)
	// stops the agent.
	Connect func(ctx context.Context) (Conn, error)
	// Reconnect keeps waiting for the target after the connection is
	// lost; otherwise Run returns.
	Reconnect bool
	// Capture writes one heap snapshot of the target to path (atomically)
	// and returns its size.
	Capture func(ctx context.Context, c Conn, path string) (int64, error)
	// Analyze compares snapshots (oldest first) and writes a report to
	// reportPath; it returns a one-line summary. Nil: no analysis.
	Analyze func(ctx context.Context, snapshots []string, reportPath string) (string, error)

	// Tracked values (--track) and class counts (--count), measured at
	// every sample; counts walk the heap, so at most every CountEvery.
	Tracked    []Tracked
	CountEvery time.Duration // default 1m

	Store   *store.Store     // may be nil
	Metrics *metrics.Metrics // may be nil
	// OnEvent receives everything worth telling the user. May be nil.
	OnEvent func(Event)
	// WatchRun names this watch run in the history: the sessions of the
	// targets one watch watches side by side share it (store.Session).
	WatchRun string
	// CanSignal vets the signal action: it must confirm that pid, as the
	// target reported it, is that process on this machine (a remote or
	// containerised target's pid means another process here). Nil refuses
	// every signal.
	CanSignal func(pid int) error
}

// Action is one thing to do when a threshold or the leak signal fires.
type Action struct {
	Kind string // "log", "snapshot", "gc", "signal", "hook"
	Arg  string // signal name (SIGTERM) or hook command
}

func (a Action) String() string {
	if a.Arg == "" {
		return a.Kind
	}
	return a.Kind + ":" + a.Arg
}

// ParseActions parses a comma-separated action list:
//
//	log,snapshot,gc,signal:SIGTERM,hook:CMD
//
// hook takes the rest of the string, commas included, so it must come last.
// "none" is the empty list.
func ParseActions(s string) ([]Action, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return nil, nil
	}
	var out []Action
	for s != "" {
		item := s
		if strings.HasPrefix(item, "hook:") || strings.HasPrefix(item, "hook=") {
			s = ""
		} else if i := strings.IndexByte(s, ','); i >= 0 {
			item, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		item = strings.TrimSpace(item)
		kind, arg, _ := strings.Cut(item, ":")
		if k2, a2, ok := strings.Cut(item, "="); ok && !strings.Contains(k2, ":") {
			kind, arg = k2, a2
		}
		switch kind {
		case "log", "snapshot", "gc":
			if arg != "" {
				return nil, fmt.Errorf("action %q takes no argument", kind)
			}
		case "signal":
			if arg == "" {
				arg = "SIGTERM"
			}
			if _, err := ParseSignal(arg); err != nil {
				return nil, err
			}
			arg = canonicalSignal(arg)
		case "hook":
			if strings.TrimSpace(arg) == "" {
				return nil, fmt.Errorf("action hook needs a command: hook:CMD")
			}
		default:
			return nil, fmt.Errorf("unknown action %q (want log, snapshot, gc, signal:NAME or hook:CMD)", item)
		}
		out = append(out, Action{Kind: kind, Arg: arg})
	}
	return out, nil
}

func canonicalSignal(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(s, "SIG") {
		s = "SIG" + s
	}
	return s
}

// ParseSignal accepts TERM, SIGTERM, sigterm... SIGUSR1 is refused: node
// treats it as "open the inspector", not as a restart request.
func ParseSignal(s string) (syscall.Signal, error) {
	sig, ok := signals[canonicalSignal(s)]
	if !ok {
		return 0, fmt.Errorf("unsupported signal %q (%s)", s, signalChoice)
	}
	return sig, nil
}

// Level is a heap threshold: an absolute size or a percentage of V8's heap
// limit (heap_size_limit). The zero Level is off.
type Level struct {
	Bytes   int64
	Percent float64
}

// Off reports whether the level is disabled.
func (l Level) Off() bool { return l.Bytes <= 0 && l.Percent <= 0 }

// Limit is the level in bytes for a heap limit.
func (l Level) Limit(heapLimit int64) int64 {
	if l.Bytes > 0 {
		return l.Bytes
	}
	if l.Percent > 0 && heapLimit > 0 {
		return int64(float64(heapLimit) * l.Percent / 100)
	}
	return 0
}

func (l Level) String() string {
	switch {
	case l.Bytes > 0:
		return strconv.FormatInt(l.Bytes, 10)
	case l.Percent > 0:
		return strconv.FormatFloat(l.Percent, 'f', -1, 64) + "%"
	}
	return "off"
}

// ParseLevel parses "75%", "512MiB", "512MB", "1.5GiB", "1048576" or "off".
// Decimal units (kB, MB, GB) are powers of 1000, binary (KiB, MiB, GiB)
// powers of 1024, like DevTools and ui.Bytes respectively.
func ParseLevel(s string) (Level, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "off" || s == "0" {
		return Level{}, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v <= 0 || v > 100 || math.IsNaN(v) {
			return Level{}, fmt.Errorf("bad percentage %q (want 0 < N <= 100)", s)
		}
		return Level{Percent: v}, nil
	}
	n, err := ParseSize(s)
	if err != nil {
		return Level{}, err
	}
	return Level{Bytes: n}, nil
}

// ParseSize parses a byte size with an optional unit.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, unit := s[:i], strings.TrimSpace(s[i:])
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad size %q (e.g. 512MiB, 1.5GB, 75%%)", s)
	}
	mult := map[string]float64{
		"": 1, "b": 1, "B": 1,
		"k": 1024, "K": 1024, "KiB": 1024, "kB": 1000, "KB": 1000,
		"M": 1 << 20, "MiB": 1 << 20, "MB": 1e6,
		"G": 1 << 30, "GiB": 1 << 30, "GB": 1e9,
	}[unit]
	if mult == 0 {
		return 0, fmt.Errorf("bad size unit in %q (use B, KiB, MiB, GiB, kB, MB or GB)", s)
	}
	v *= mult
	if v > 1<<50 {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return int64(v), nil
}
