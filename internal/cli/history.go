package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/ui"
)

func init() {
	Register(&Command{
		Name:    "history",
		Summary: "show what `watch` recorded: a target's memory over time, GCs, leak signals, actions, snapshots, reports",
		Usage:   "leakhound history [TARGET | --pid P] [--since D] [--json]",
		Run:     runHistory,
	})
}

// historyJSON is history's --json output for one target.
type historyJSON struct {
	Target   string            `json:"target"`
	Sessions []historySession  `json:"sessions"`
	Samples  []historySample   `json:"samples"`
	GCs      []historyGCs      `json:"gcs"`
	Events   []historyEventOut `json:"events"`
	Tracked  []historyTracked  `json:"tracked"`
}

// historyTracked is one --track or --count value at one sample.
type historyTracked struct {
	Time    time.Time `json:"time"`
	Session int64     `json:"session"`
	Name    string    `json:"name"`
	Kind    string    `json:"kind"`
	Value   int64     `json:"value"`
}

type historySession struct {
	ID        int64      `json:"id"`
	PID       int        `json:"pid"`
	Node      string     `json:"node"`
	HeapLimit int64      `json:"heap_limit"`
	Started   time.Time  `json:"started"`
	Ended     *time.Time `json:"ended"` // null while running or if watch was killed
	EndReason string     `json:"end_reason"`
	// Process is the process's title; WatchRun the watch run that recorded
	// the session (shared by the targets one watch watched side by side).
	// Empty in histories written before several targets per watch.
	Process  string `json:"process,omitempty"`
	WatchRun string `json:"watch_run,omitempty"`
}

type historySample struct {
	Time    time.Time `json:"time"`
	Session int64     `json:"session"`
	store.Sample
}

type historyGCs struct {
	Kind    string  `json:"kind"`
	Count   int64   `json:"count"`
	TotalMS float64 `json:"total_ms"`
	MaxMS   float64 `json:"max_ms"`
}

type historyEventOut struct {
	Time    time.Time `json:"time"`
	Session int64     `json:"session"`
	Kind    string    `json:"kind"`
	Name    string    `json:"name,omitempty"`
	Value   int64     `json:"value,omitempty"`
	Rate    float64   `json:"rate,omitempty"`
	Path    string    `json:"path,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

type historyTargetJSON struct {
	Name     string    `json:"name"`
	Sessions int       `json:"sessions"`
	LastPID  int       `json:"last_pid"`
	First    time.Time `json:"first"`
	Last     time.Time `json:"last"`
	Samples  int64     `json:"samples"`
}

func runHistory(ctx context.Context, env *Env, args []string) error {
	cmd := commands["history"]
	fs := NewFlags(env, cmd)
	dataDir := fs.String("data-dir", store.DefaultDir(), "the data `DIR` that leakhound watch wrote")
	pid := fs.Int("pid", 0, "show the process with this pid (any target name)")
	since := fs.String("since", "", "only the last D (e.g. 30m, 24h) or since a time (RFC 3339)")
	rows := fs.Int("rows", 20, "table rows: samples are grouped into at most this many time buckets")
	asJSON := fs.Bool("json", false, "print the history as JSON (every sample)")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return BadInputf("history takes at most one TARGET, got %d", len(pos))
	}
	if *rows < 1 {
		return BadInputf("--rows must be at least 1")
	}
	var q store.Query
	q.PID = *pid
	if *since != "" {
		if d, err := time.ParseDuration(*since); err == nil && d > 0 {
			q.Since = time.Now().Add(-d)
		} else if t, err := time.Parse(time.RFC3339, *since); err == nil {
			q.Since = t
		} else {
			return BadInputf("--since %q: want a duration (30m, 24h) or an RFC 3339 time", *since)
		}
	}
	st, err := store.Open(*dataDir, true)
	if err != nil {
		return BadInputf("%v (run `leakhound watch` first, or pass --data-dir)", err)
	}
	defer st.Close()
	targets, err := st.Targets(ctx)
	if err != nil {
		return err
	}
	if len(pos) == 1 {
		q.Target = pos[0]
		if !hasTarget(targets, q.Target) {
			// A number that is not a target's name is a pid.
			if n, err := strconv.Atoi(q.Target); err == nil && n > 0 && q.PID == 0 {
				q.Target, q.PID = "", n
			} else {
				return BadInputf("no target %q in %s (known: %s)", pos[0], st.Path(), targetNames(targets))
			}
		}
	} else if q.PID == 0 {
		if len(targets) != 1 {
			return writeTargets(env, targets, *asJSON)
		}
		q.Target = targets[0].Name
	}

	sessions, err := st.Sessions(ctx, q)
	if err != nil {
		return err
	}
	if len(sessions) == 0 {
		if q.PID != 0 {
			return BadInputf("no recorded process with pid %d in %s", q.PID, st.Path())
		}
	}
	samples, err := st.Samples(ctx, q)
	if err != nil {
		return err
	}
	gcs, err := st.GCSummary(ctx, q)
	if err != nil {
		return err
	}
	events, err := st.Events(ctx, q)
	if err != nil {
		return err
	}
	tracked, err := st.TrackedValues(ctx, q)
	if err != nil {
		return err
	}
	name := q.Target
	if name == "" && len(sessions) > 0 {
		name = sessions[0].Target
	}
	if *asJSON {
		out := historyJSON{Target: name, Sessions: []historySession{}, Samples: []historySample{}, GCs: []historyGCs{}, Events: []historyEventOut{}, Tracked: []historyTracked{}}
		for _, s := range sessions {
			hs := historySession{ID: s.ID, PID: s.PID, Node: s.Node, HeapLimit: s.HeapLimit, Started: s.Started.UTC(), EndReason: s.EndReason,
				Process: s.Process, WatchRun: s.WatchRun}
			if !s.Ended.IsZero() {
				e := s.Ended.UTC()
				hs.Ended = &e
			}
			out.Sessions = append(out.Sessions, hs)
		}
		for _, s := range samples {
			out.Samples = append(out.Samples, historySample{Time: s.Time.UTC(), Session: s.Session, Sample: s.Sample})
		}
		for _, g := range gcs {
			out.GCs = append(out.GCs, historyGCs{Kind: g.Kind, Count: g.Count, TotalMS: ms(g.Total), MaxMS: ms(g.MaxPause)})
		}
		for _, e := range events {
			out.Events = append(out.Events, historyEventOut{Time: e.Time.UTC(), Session: e.Session, Kind: e.Kind, Name: e.Name,
				Value: e.Value, Rate: e.Rate, Path: e.Path, Detail: e.Detail})
		}
		for _, x := range tracked {
			out.Tracked = append(out.Tracked, historyTracked{Time: x.Time.UTC(), Session: x.Session, Name: x.Name, Kind: x.Kind, Value: x.Value})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	writeHistoryText(env.Stdout, Palette(env.Stdout), name, sessions, samples, gcs, events, *rows)
	writeTrackedText(env.Stdout, Palette(env.Stdout), tracked)
	return nil
}

// writeTrackedText shows each --track or --count value over the range.
func writeTrackedText(w io.Writer, pal ui.Palette, tracked []store.SessionTracked) {
	if len(tracked) == 0 {
		return
	}
	var names []string
	by := map[string][]int64{}
	kind := map[string]string{}
	for _, x := range tracked {
		if _, ok := by[x.Name]; !ok {
			names = append(names, x.Name)
		}
		by[x.Name] = append(by[x.Name], x.Value)
		kind[x.Name] = x.Kind
	}
	fmt.Fprintln(w)
	tb := ui.Table{Header: []string{"tracked", "kind", "first", "min", "max", "last", "change", ""}, RightAlign: map[int]bool{2: true, 3: true, 4: true, 5: true, 6: true}}
	for _, n := range names {
		vals := by[n]
		lo, hi := slices.Min(vals), slices.Max(vals)
		tb.Rows = append(tb.Rows, []string{n, kind[n], ui.Count(vals[0]), ui.Count(lo), ui.Count(hi), ui.Count(vals[len(vals)-1]),
			ui.SignedCount(vals[len(vals)-1] - vals[0]), pal.Cyan(sparkline(vals, 40))})
	}
	tb.Write(w, pal)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func hasTarget(ts []store.TargetInfo, name string) bool {
	for _, t := range ts {
		if t.Name == name {
			return true
		}
	}
	return false
}

func targetNames(ts []store.TargetInfo) string {
	if len(ts) == 0 {
		return "none"
	}
	var n []string
	for _, t := range ts {
		n = append(n, t.Name)
	}
	return strings.Join(n, ", ")
}

func writeTargets(env *Env, ts []store.TargetInfo, asJSON bool) error {
	if asJSON {
		out := struct {
			Targets []historyTargetJSON `json:"targets"`
		}{Targets: []historyTargetJSON{}}
		for _, t := range ts {
			out.Targets = append(out.Targets, historyTargetJSON{t.Name, t.Sessions, t.LastPID, t.First.UTC(), t.Last.UTC(), t.Samples})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	w := env.Stdout
	if len(ts) == 0 {
		fmt.Fprintln(w, "No targets recorded yet: run `leakhound watch TARGET`.")
		return nil
	}
	tb := ui.Table{Header: []string{"target", "sessions", "last pid", "first seen", "last seen", "samples"}, RightAlign: map[int]bool{1: true, 2: true, 5: true}}
	for _, t := range ts {
		tb.Rows = append(tb.Rows, []string{t.Name, strconv.Itoa(t.Sessions), strconv.Itoa(t.LastPID),
			t.First.Local().Format("2006-01-02 15:04:05"), t.Last.Local().Format("2006-01-02 15:04:05"), ui.Count(t.Samples)})
	}
	tb.Write(w, Palette(w))
	fmt.Fprintln(w, "\nShow one with `leakhound history TARGET`.")
	return nil
}

var sparkRunes = []rune("▁▂▃▄▅▆▇█")

// sparkline draws vals (resampled to at most width points, by maximum so
// peaks survive) scaled between their min and max.
func sparkline(vals []int64, width int) string {
	if len(vals) == 0 {
		return ""
	}
	if len(vals) > width {
		out := make([]int64, width)
		for i := range out {
			lo, hi := i*len(vals)/width, (i+1)*len(vals)/width
			m := vals[lo]
			for _, v := range vals[lo:hi] {
				m = max(m, v)
			}
			out[i] = m
		}
		vals = out
	}
	lo, hi := vals[0], vals[0]
	for _, v := range vals {
		lo, hi = min(lo, v), max(hi, v)
	}
	var b strings.Builder
	for _, v := range vals {
		i := 0
		if hi > lo {
			i = int((v - lo) * int64(len(sparkRunes)-1) / (hi - lo))
		}
		b.WriteRune(sparkRunes[i])
	}
	return b.String()
}

func writeHistoryText(w io.Writer, pal ui.Palette, name string, sessions []store.Session, samples []store.SessionSample,
	gcs []store.GCStats, events []store.SessionEvent, rows int) {
	fmt.Fprintf(w, "%s  %d session(s)", pal.Bold(name), len(sessions))
	if len(sessions) > 0 {
		last := sessions[len(sessions)-1]
		fmt.Fprintf(w, ", last pid %d (node %s, heap limit %s)", last.PID, last.Node, ui.Bytes(last.HeapLimit))
	}
	fmt.Fprintln(w)
	if len(samples) == 0 {
		fmt.Fprintln(w, "No samples in this range.")
	} else {
		first, last := samples[0], samples[len(samples)-1]
		fmt.Fprintf(w, "%s → %s (%s), %s samples\n\n", first.Time.Local().Format("2006-01-02 15:04:05"),
			last.Time.Local().Format("2006-01-02 15:04:05"), last.Time.Sub(first.Time).Round(time.Second), ui.Count(int64(len(samples))))
		series := []struct {
			label string
			get   func(store.Sample) int64
		}{
			{"heap used", func(s store.Sample) int64 { return s.HeapUsed }},
			{"heap total", func(s store.Sample) int64 { return s.HeapTotal }},
			{"rss", func(s store.Sample) int64 { return s.RSS }},
			{"external", func(s store.Sample) int64 { return s.External }},
		}
		tb := ui.Table{Header: []string{"", "first", "min", "max", "last", "change", ""}, RightAlign: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}}
		for _, s := range series {
			vals := make([]int64, len(samples))
			for i, x := range samples {
				vals[i] = s.get(x.Sample)
			}
			lo, hi := vals[0], vals[0]
			for _, v := range vals {
				lo, hi = min(lo, v), max(hi, v)
			}
			tb.Rows = append(tb.Rows, []string{s.label, ui.Bytes(vals[0]), ui.Bytes(lo), ui.Bytes(hi), ui.Bytes(vals[len(vals)-1]),
				ui.SignedBytes(vals[len(vals)-1] - vals[0]), pal.Cyan(sparkline(vals, 40))})
		}
		tb.Write(w, pal)
		fmt.Fprintln(w)

		// Memory over time: samples grouped into at most rows buckets; each
		// row shows the bucket's last sample (and its maximum heap used).
		bt := ui.Table{Header: []string{"time", "pid", "heap used", "max heap used", "heap total", "rss", "external"}, RightAlign: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true}}
		pidOf := map[int64]int{}
		for _, s := range sessions {
			pidOf[s.ID] = s.PID
		}
		n := len(samples)
		b := min(rows, n)
		for i := 0; i < b; i++ {
			lo, hi := i*n/b, (i+1)*n/b
			mx := int64(0)
			for _, x := range samples[lo:hi] {
				mx = max(mx, x.HeapUsed)
			}
			x := samples[hi-1]
			bt.Rows = append(bt.Rows, []string{x.Time.Local().Format("01-02 15:04:05"), strconv.Itoa(pidOf[x.Session]), ui.Bytes(x.HeapUsed),
				ui.Bytes(mx), ui.Bytes(x.HeapTotal), ui.Bytes(x.RSS), ui.Bytes(x.External)})
		}
		bt.Write(w, pal)
	}
	if len(sessions) > 1 {
		// Restarts of the target or of watch: one row per connection.
		fmt.Fprintln(w)
		st := ui.Table{Header: []string{"session", "pid", "started", "ended", "why"}, RightAlign: map[int]bool{0: true, 1: true}}
		for _, se := range sessions {
			ended := "running (or killed)"
			if !se.Ended.IsZero() {
				ended = se.Ended.Local().Format("01-02 15:04:05")
			}
			st.Rows = append(st.Rows, []string{strconv.FormatInt(se.ID, 10), strconv.Itoa(se.PID),
				se.Started.Local().Format("01-02 15:04:05"), ended, se.EndReason})
		}
		st.Write(w, pal)
	}
	if len(gcs) > 0 {
		fmt.Fprintln(w)
		gt := ui.Table{Header: []string{"GC", "count", "total pause", "max pause"}, RightAlign: map[int]bool{1: true, 2: true, 3: true}}
		for _, g := range gcs {
			gt.Rows = append(gt.Rows, []string{g.Kind, ui.Count(g.Count), g.Total.Round(time.Microsecond * 100).String(), g.MaxPause.Round(time.Microsecond * 100).String()})
		}
		gt.Write(w, pal)
	}
	if len(events) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, pal.Bold("Events"))
		for _, e := range events {
			var what string
			switch e.Kind {
			case store.EventSignal:
				if e.Name == "leak" {
					what = pal.Red("leak signal:") + " " + e.Detail
				} else {
					what = "leak signal cleared"
				}
			case store.EventAction:
				what = pal.Yellow(e.Name) + " " + e.Detail
			case store.EventSnapshot:
				what = fmt.Sprintf("snapshot (%s, %s) %s", e.Name, ui.Bytes(e.Value), e.Path)
			case store.EventSnapDel:
				what = "snapshot deleted (" + e.Detail + ") " + e.Path
			case store.EventReport:
				what = pal.Green("report") + " " + e.Detail + " " + e.Path
			default:
				what = e.Kind + " " + e.Name + " " + e.Detail
			}
			if e.Path != "" && !strings.Contains(what, e.Path) {
				what += " " + e.Path
			}
			fmt.Fprintf(w, "  %s  %s\n", e.Time.Local().Format("01-02 15:04:05"), strings.TrimSpace(what))
		}
	}
}
