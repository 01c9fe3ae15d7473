package leak

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// controlCorpus is testdata/scenarios/ok-*.js: programs that do not leak
// but look as if they might (a cache filling to its bound, a hash table
// doubling once, a lazy require, JIT warm-up, a queue that drains...).
// Each runs as a 3-snapshot series after one round of warm-up, as `run`
// takes it by default.
var controlCorpus = []string{
	"ok-cache-filling", "ok-cache-doubling", "ok-churn", "ok-pool", "ok-lazy-require",
	"ok-jit-warmup", "ok-big-startup", "ok-batch-queue", "ok-timers-rearm",
	"ok-weakmap-cache", "ok-ring-buffer", "ok-ring-log", "ok-listeners-bounded", "ok-capped-history", "ok-lib-cache-max", "ok-pool-filling",
	"ok-keyed-by-accounts", "ok-memo-max", "ok-http-parsers", "ok-tenant-rings", "ok-prefilled-lru", "ok-config-cap", "ok-snapshot-log", "ok-deque-history", "ok-cron-stopped", "ok-two-generations", "ok-rotating-window", "ok-uploads-in-flight",
	// The older controls of the leak corpus.
	"control", "mid-callback", "rebuilt-bounded",
}

// leakCorpus is every leaking program of testdata/scenarios.
var leakCorpus = []string{
	"abort-signal", "als-chain", "cache-per-key", "callback-table", "deque-history", "trim-undefined", "async-await", "bound-listener", "bound-server", "buffer-concat", "buffer-slices",
	"closures", "dictionary", "event-listener", "sliced-ids", "buffer-views", "shared-context", "await-forever", "await-event", "error-stack", "capacity-too-big", "events-on", "exit-once", "finalizer-held", "fn-cache", "heartbeat-rearm", "http-sessions",
	"interval", "late-log", "lib-actor", "lib-ajv", "lib-lru-closures", "loader-records", "lib-lodash", "lib-bound-memo", "lib-pubsub", "lib-reaction", "lib-docdb", "lib-env-per-call", "lib-emit-poll", "lib-stream-rebind", "lib-cron-sessions", "lib-signal-views", "lib-scheduled-reports", "window-log", "lib-memoizer", "lib-module-cache", "lib-unfinished-jobs", "lib-views", "linked-list", "named-subscriber", "observer-table", "retry-list", "session-history", "map-cache", "noisy", "number-series", "pollers",
	"pending-calls", "pending-race", "pipe-logger", "pool-no-release", "promise-race", "promises", "several-events", "shared-keys", "spans",
	"stream-backpressure", "string-concat", "subscribers", "tail-no-reader", "template-cache", "request-keys", "trim-unreached", "ttl-zero", "ttl-zero-ticking", "waiters-queue", "weakmap-pool", "widgets",
	"listener-timeout", "stuck-jobs", "channel-subscribe", "once-outrun", "perf-measures", "async-hook-table", "span-early-return", "finish-only",
	"lib-effect-rewatch", "lib-observe-poll", "undo-stacks", "reducer-jobs", "ttl-entry-zero", "memo-fresh-arg", "memo-key-option", "registered-on-parent", "object-keys",
	"hook-wrapped", "hook-wrapped-never", "dispose-early-return", "plugin-per-call", "keys-versioned", "cache-built-source", "wait-quiet-watcher", "retry-catch-path",
	"metric-registry-label", "span-context-callback", "breaker-route-keys", "registered-on-shared-stack",
}

// failsGate is `--fail-on-leak` with the default thresholds (--min-growth 0,
// --min-count 1), as the CLI applies it.
func failsGate(rep *Report) bool {
	for _, s := range rep.Suspects {
		if s.GrowthBytes >= 0 && (s.CountUnit == "bytes" || s.GrowthCount >= 1) {
			return true
		}
	}
	return false
}

var (
	reportMu    sync.Mutex
	reportCache = map[string]*Report{}
)

// seriesReport is the analysis of series(t, name, 3), cached for the test
// binary's run: the corpus tests and TestScenarios read the same reports.
// It reads the scenario's source, as the CLI does where the program ran
// (a trim in the source tells a filling buffer from a leak).
func seriesReport(t *testing.T, name string) (*Report, error) {
	ps := series(t, name, 3)
	reportMu.Lock()
	rep, ok := reportCache[name]
	reportMu.Unlock()
	if ok {
		return rep, nil
	}
	rep, err := Analyze(len(ps), func(i int) (*heapgraph.Graph, error) { return loadGraph(ps[i]) }, Options{Names: ps, Sources: LocalSources()})
	if err != nil {
		return nil, err
	}
	reportMu.Lock()
	reportCache[name] = rep
	reportMu.Unlock()
	return rep, nil
}

// seriesTop is seriesReport's report and its first suspect, failing the
// test when it has none.
func seriesTop(t *testing.T, name string) (*Report, Suspect) {
	t.Helper()
	rep, err := seriesReport(t, name)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Suspects) == 0 {
		t.Fatalf("%s: no suspect", name)
	}
	return rep, rep.Suspects[0]
}

// corpusRuns analyses every program of names as a 3-snapshot series, two
// programs at a time (the machine is shared), and returns which fail the
// gate, with a line per program for the log.
func corpusRuns(t *testing.T, names []string) (failed, unsure, lines []string) {
	t.Helper()
	type result struct {
		fail, unsure bool
		line         string
	}
	res := make([]result, len(names))
	for _, name := range names {
		series(t, name, 3) // node runs one at a time
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rep, err := seriesReport(t, name)
			if err != nil {
				// Not Fatal: this is not the test's goroutine.
				t.Errorf("%s: %v", name, err)
				return
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%-22s leak=%-5v", name, failsGate(rep))
			for _, s := range rep.Suspects {
				fmt.Fprintf(&b, "\n    suspect %s %s count=%v %s retained=%v\n      evidence: %s", s.Pattern, s.Class, s.Count, s.CountUnit, s.RetainedSize, s.Evidence)
			}
			for _, n := range rep.Notes {
				fmt.Fprintf(&b, "\n    note: %s", n)
			}
			unsure := rep.Unsure() > 0
			if unsure {
				b.WriteString("\n    unsure: run would take a 4th snapshot")
			}
			res[i] = result{failsGate(rep), unsure, b.String()}
		}()
	}
	wg.Wait()
	for i, r := range res {
		lines = append(lines, r.line)
		if r.fail {
			failed = append(failed, names[i])
		}
		if r.unsure {
			unsure = append(unsure, names[i])
		}
	}
	return failed, unsure, lines
}

// TestFalseAlarms measures the gate on both corpora: every control must
// pass `--fail-on-leak` with the defaults (no false positive) and every
// leak must fail it (no false negative). The counts are printed for
// bench/false-alarms.md.
func TestFalseAlarms(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 44 node programs")
	}
	fp, unsureOK, lines := corpusRuns(t, controlCorpus)
	for _, l := range lines {
		t.Log(l)
	}
	fn := []string{}
	passed, unsureLeaks, lines := corpusRuns(t, leakCorpus)
	for _, l := range lines {
		t.Log(l)
	}
	for _, name := range leakCorpus {
		if !strings.Contains(" "+strings.Join(passed, " ")+" ", " "+name+" ") {
			fn = append(fn, name)
		}
	}
	t.Logf("false positives: %d of %d controls %v; false negatives: %d of %d leaks %v",
		len(fp), len(controlCorpus), fp, len(fn), len(leakCorpus), fn)
	t.Logf("uneven growth (run would take a 4th snapshot): %d of %d controls %v, %d of %d leaks %v",
		len(unsureOK), len(controlCorpus), unsureOK, len(unsureLeaks), len(leakCorpus), unsureLeaks)
	if len(fp) > 0 {
		t.Errorf("false alarms on %v", fp)
	}
	if len(fn) > 0 {
		t.Errorf("leaks not caught: %v", fn)
	}
}
