package watch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/metrics"
	"github.com/leakhound/leakhound/internal/store"
)

// TestForcedGCs: GCs the program did not cause are reported apart: those
// of global.gc() by node's forced flag, those of watch's own gc action by
// the time they ran. Both still feed the leak signal (the history keeps
// their post-GC heap) and the prom-client GC histogram; the forced ones
// are also in leakhound_gc_forced_total and the history's "-forced" rows.
func TestForcedGCs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	cases := []struct {
		name, script string
		env          []string
		actions      string
	}{
		{"global.gc()", "forcing.js", []string{"NODE_OPTIONS=--expose-gc"}, ""},
		{"gc action", "steady.js", nil, "gc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, url := startNode(t, c.script, c.env...)
			dir := t.TempDir()
			st, err := store.Open(dir, false)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			m := metrics.New(nil)
			var th []Threshold
			if c.actions != "" {
				acts, err := ParseActions(c.actions)
				if err != nil {
					t.Fatal(err)
				}
				th = []Threshold{{Name: "warn", Level: Level{Bytes: 1 << 20}, Actions: acts}}
			}
			// Run until two samples have reported forced GCs: waiting for
			// the condition, not for a time.
			var ev events
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			forced := 0
			onEvent := func(e Event) {
				ev.add(e)
				if e.Kind == "sample" && e.ForcedGCs > 0 {
					if e.ForcedGCs > e.GCs || !strings.Contains(e.Message, " forced)") {
						t.Errorf("sample %+v", e)
					}
					if forced++; forced >= 2 {
						cancel()
					}
				}
			}
			if err := Run(ctx, Config{Interval: 200 * time.Millisecond, DataDir: dir, Store: st, Metrics: m, Connect: dialer(url),
				Cooldown: time.Second, Thresholds: th, OnEvent: onEvent}); err != nil {
				t.Fatal(err)
			}
			if forced < 2 {
				t.Fatalf("%d samples with forced GCs before the deadline", forced)
			}
			gcs, err := st.GCSummary(context.Background(), store.Query{})
			if err != nil {
				t.Fatal(err)
			}
			kinds := map[string]int64{}
			for _, g := range gcs {
				kinds[g.Kind] = g.Count
			}
			if kinds["major-forced"] == 0 {
				t.Errorf("history kinds %v", kinds)
			}
			mf, err := m.Registry.Gather()
			if err != nil {
				t.Fatal(err)
			}
			var forcedMetric float64
			for _, f := range mf {
				if f.GetName() == "leakhound_gc_forced_total" {
					for _, x := range f.GetMetric() {
						forcedMetric += x.GetCounter().GetValue()
					}
				}
			}
			if forcedMetric < float64(kinds["major-forced"]) {
				t.Errorf("leakhound_gc_forced_total %v, history %v", forcedMetric, kinds)
			}
		})
	}
}
