package watch

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/metrics"
	"github.com/leakhound/leakhound/internal/store"
)

func TestParseTrack(t *testing.T) {
	for _, c := range []struct {
		in    string
		count bool
		want  Tracked
		bad   bool
	}{
		{in: "userCache=globalThis.userCache", want: Tracked{Name: "userCache", Expr: "globalThis.userCache"}},
		{in: "q=require('./queue').pending:5000", want: Tracked{Name: "q", Expr: "require('./queue').pending", Limit: 5000}},
		{in: "t=a ? b : c", want: Tracked{Name: "t", Expr: "a ? b : c"}},
		{in: "Order", count: true, want: Tracked{Name: "Order", Expr: "Order", Count: true}},
		{in: "Order=require('./m').Order:100", count: true, want: Tracked{Name: "Order", Expr: "require('./m').Order", Limit: 100, Count: true}},
		{in: "noequals", bad: true},
		{in: "bad name=x", bad: true},
		{in: "x=", bad: true},
	} {
		got, err := ParseTrack(c.in, c.count)
		if (err != nil) != c.bad || !c.bad && got != c.want {
			t.Errorf("ParseTrack(%q) = %+v, %v; want %+v (bad %v)", c.in, got, err, c.want, c.bad)
		}
	}
}

func TestResolveRequires(t *testing.T) {
	got := resolveRequires(`require('./queue').pending.length + require("lru-cache")`, "/srv/app")
	for _, want := range []string{`["/srv/app/queue","/srv/app/queue.js","/srv/app/queue.cjs","/srv/app/queue.json","/srv/app/queue/index.js"]`,
		`"/node_modules/lru-cache/"`, ".exports.pending.length"} {
		if !strings.Contains(got, want) {
			t.Errorf("resolveRequires: %s\nlacks %s", got, want)
		}
	}
	if strings.Contains(got, "require(") {
		t.Errorf("a require call is left: %s", got)
	}
	win := resolveRequires(`require('../lib/q')`, `C:\srv\app`)
	if !strings.Contains(win, `C:\\srv\\lib\\q.js`) {
		t.Errorf("windows paths: %s", win)
	}
}

// TestTrackAndCount watches a real node program: a global Map and a
// module's array (through require) grow, a Proxy is refused without its
// traps running, and a module's class is counted.
func TestTrackAndCount(t *testing.T) {
	_, url := startNode(t, "tracked.js")
	defer func(s float64) { countPauseShare = s }(countPauseShare)
	countPauseShare = 1 // count every CountEvery however long it takes here
	var ev events
	st, err := store.Open(t.TempDir(), false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := metrics.New(nil)
	var tracked []Tracked
	for _, s := range []string{"userCache=globalThis.userCache:100", "queue=require('./tracked-queue.js').pending",
		"px=globalThis.px", "ghost=globalThis.nothingHere", "trapHits=globalThis.trapHits"} {
		tr, err := ParseTrack(s, false)
		if err != nil {
			t.Fatal(err)
		}
		tracked = append(tracked, tr)
	}
	ord, _ := ParseTrack("Order=require('./tracked-models.js').Order", true)
	missing, _ := ParseTrack("Missing", true)
	tracked = append(tracked, ord, missing)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Name: "tracked", Interval: 200 * time.Millisecond, Connect: dialer(url), Tracked: tracked,
			CountEvery: time.Second, Leak: LeakDetector{Window: 3, MinGrowth: 1 << 30}, Store: st, Metrics: m,
			OnEvent: ev.add})
	}()
	// Wait for the limit to fire and the rising rule to fire for the queue
	// and the counted class (3 rising counts, one a second).
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) && (ev.count("leak", "track:userCache") == 0 || ev.count("leak", "track:queue") == 0 ||
		ev.count("leak", "track:Order") == 0) {
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	var errs []string
	last := map[string]TrackedValue{}
	for _, e := range ev.all {
		if e.Kind == "error" {
			errs = append(errs, e.Message)
		}
		for _, v := range e.Tracked {
			last[v.Name] = v
		}
	}
	for _, trig := range []string{"track:userCache", "track:queue", "track:Order"} {
		n := 0
		for _, e := range ev.all {
			if e.Kind == "leak" && e.Trigger == trig {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s fired %d times, want once", trig, n)
		}
	}
	all := strings.Join(errs, "\n")
	for _, want := range []string{"--track px (globalThis.px): V8 refused it", "--track ghost (globalThis.nothingHere): it names nothing",
		"--count Missing (Missing): ReferenceError"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q:\n%s", want, all)
		}
	}
	if strings.Count(all, "--track px") != 1 {
		t.Errorf("a failing expression must be reported once:\n%s", all)
	}
	if v := last["userCache"]; v.Kind != "Map" || v.Value <= 100 {
		t.Errorf("userCache: %+v", v)
	}
	if v := last["queue"]; v.Kind != "Array" || v.Value <= 0 {
		t.Errorf("queue: %+v", v)
	}
	if v := last["Order"]; v.Kind != "instances" || v.Value <= 0 {
		t.Errorf("Order: %+v", v)
	}
	// The Proxy's traps never ran: trapHits stayed empty.
	if v, ok := last["trapHits"]; !ok || v.Value != 0 {
		t.Errorf("the Proxy's traps ran: trapHits = %+v", v)
	}
	rows, err := st.TrackedValues(context.Background(), store.Query{Target: "tracked"})
	if err != nil || len(rows) == 0 {
		t.Fatalf("history: %d rows, %v", len(rows), err)
	}
	mf, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range mf {
		seen[f.GetName()] = true
	}
	if !seen["leakhound_tracked_entries"] || !seen["leakhound_live_instances"] {
		t.Errorf("metrics lack the tracked gauges: %v", seen)
	}
}
