package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/ui"
)

// Threshold actions: which fire when a sample crosses a threshold, with
// their cooldowns, and what each does (log, gc, hook, snapshot, signal).

// actionOrder is the order in which one sample's actions run across its
// triggers: the quick ones first, so that no trigger is reported only after
// another's snapshot has paused the target for seconds (log lines, forced
// GC, hooks that page someone), then the one snapshot, and signals last (a
// restart after the snapshot, never before it).
var actionOrder = []string{"log", "gc", "hook", "snapshot", "signal"}

func (a *agent) thresholds(ctx context.Context, s store.Sample) {
	limit := int64(a.info.HeapLimit)
	type crossed struct {
		th  Threshold
		lv  int64
		why string
	}
	var over []crossed
	for _, th := range a.cfg.Thresholds {
		lv := th.Level.Limit(limit)
		if lv <= 0 || s.HeapUsed < lv {
			continue
		}
		msg := fmt.Sprintf("%s: heap used %s ≥ %s", th.Name, ui.Bytes(s.HeapUsed), ui.Bytes(lv))
		if th.Level.Percent > 0 {
			msg += fmt.Sprintf(" (%s of the heap limit)", th.Level)
		}
		over = append(over, crossed{th, lv, msg})
	}
	// Highest level first: the shared snapshot is named after it.
	sort.SliceStable(over, func(i, j int) bool { return over[i].lv > over[j].lv })
	for _, kind := range actionOrder {
		for _, o := range over {
			var acts []Action
			for _, act := range o.th.Actions {
				if act.Kind == kind {
					acts = append(acts, act)
				}
			}
			a.fire(ctx, o.th.Name, acts, o.why)
		}
	}
}

// fire runs each action whose cooldown has passed.
func (a *agent) fire(ctx context.Context, trigger string, actions []Action, why string) {
	now := time.Now()
	for _, act := range actions {
		key := trigger + "/" + act.String()
		if t, ok := a.last[key]; ok && now.Sub(t) < a.cfg.Cooldown {
			continue
		}
		a.last[key] = now
		detail, path, err := a.do(ctx, trigger, act, why)
		switch {
		case err != nil && ctx.Err() != nil:
			detail = err.Error() // cut short by Ctrl-C, not a failure
		case err != nil:
			detail = "failed: " + err.Error()
		}
		if a.cfg.Metrics != nil {
			a.cfg.Metrics.Action(trigger, act.Kind)
		}
		// Both at the time the action fired, which its cooldown counts
		// from, not when it finished (a forced GC or a hook takes a
		// while, longer on a busy machine).
		a.record(store.Event{Time: now, Kind: store.EventAction, Name: trigger + "/" + act.Kind, Path: path, Detail: detail})
		a.emit(Event{Time: now, Kind: "action", Trigger: trigger, Action: act.String(), Message: detail, Path: path})
	}
}

func (a *agent) do(ctx context.Context, trigger string, act Action, why string) (detail, path string, err error) {
	switch act.Kind {
	case "log":
		return why, "", nil
	case "snapshot":
		if a.nearLimitSnap != "" {
			// Node lifted the heap limit when it wrote that one: the
			// heap may now be many times the limit, and so would be a
			// snapshot of it (and the memory to write it).
			return "skipped: node already wrote a snapshot near the heap limit, and has raised the limit since (a second snapshot would be of a heap past it)", a.nearLimitSnap, nil
		}
		// One snapshot per sample, whatever number of triggers ask.
		if a.tickSnap != "" {
			return "heap snapshot saved (the one just taken for this sample)", a.tickSnap, nil
		}
		if a.tickSnapErr != nil {
			return "", "", a.tickSnapErr
		}
		p, err := a.snapshot(ctx, filepath.Join(a.targetDir(), "snapshots"), trigger)
		if err != nil {
			if ctx.Err() != nil {
				err = errors.New("snapshot cancelled: interrupted (nothing was saved)")
			}
			a.tickSnapErr = err
			return "", "", err
		}
		a.tickSnap = p
		return "heap snapshot saved", p, nil
	case "gc":
		gctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		before := a.sample.HeapUsed
		if err := a.forcing(gctx, func() error { return a.conn.Call(gctx, "HeapProfiler.collectGarbage", nil, nil) }); err != nil {
			return "", "", err
		}
		var raw []json.RawMessage
		after := int64(0)
		if err := a.eval(gctx, `[process.memoryUsage().heapUsed]`, &raw); err == nil && len(raw) == 1 {
			_ = json.Unmarshal(raw[0], &after)
		}
		return fmt.Sprintf("forced GC: heap used %s → %s", ui.Bytes(before), ui.Bytes(after)), "", nil
	case "signal":
		sig, err := ParseSignal(act.Arg)
		if err != nil {
			return "", "", err
		}
		if a.info.PID <= 0 {
			return "", "", errors.New("target pid unknown")
		}
		if a.cfg.CanSignal == nil {
			return "", "", errors.New("signals are disabled for this target")
		}
		if err := a.cfg.CanSignal(a.info.PID); err != nil {
			return "", "", fmt.Errorf("not sending %s: %w", act.Arg, err)
		}
		if err := sendSignal(a.info.PID, sig); err != nil {
			return "", "", fmt.Errorf("sending %s to pid %d: %w", act.Arg, a.info.PID, err)
		}
		return fmt.Sprintf("sent %s to pid %d", act.Arg, a.info.PID), "", nil
	case "hook":
		hctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		cmd := shellCommand(hctx, act.Arg)
		cmd.Env = append(os.Environ(),
			"LEAKHOUND_TARGET="+a.name,
			fmt.Sprintf("LEAKHOUND_PID=%d", a.info.PID),
			"LEAKHOUND_TRIGGER="+trigger,
			fmt.Sprintf("LEAKHOUND_HEAP_USED=%d", a.sample.HeapUsed),
			fmt.Sprintf("LEAKHOUND_HEAP_LIMIT=%d", int64(a.info.HeapLimit)),
			"LEAKHOUND_REASON="+why)
		out, err := cmd.CombinedOutput()
		first := strings.TrimSpace(strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0])
		if len(first) > 200 {
			first = first[:200] + "…"
		}
		if err != nil {
			return "", "", fmt.Errorf("hook %q: %v %s", act.Arg, err, first)
		}
		if first != "" {
			return "hook ran: " + first, "", nil
		}
		return "hook ran", "", nil
	}
	return "", "", fmt.Errorf("unknown action %q", act.Kind)
}
