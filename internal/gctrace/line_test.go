package gctrace

import (
	"math"
	"testing"
)

// The example from issue 4, as node 20 prints it.
const node20Line = `[17380:0x24df4c00]      262 ms: Mark-Compact 16.2 (25.2) -> 12.8 (30.2) MB, 12.77 / 0.00 ms  (+ 1.5 ms in 75 steps since start of marking, biggest step 0.1 ms, walltime since start of marking 22 ms) (average mu = 1.000, current mu = 1.000) finalize incremental marking via task; GC in old space requested`

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestParseLineNode20(t *testing.T) {
	var ev Event
	if k := ParseLine([]byte(node20Line), &ev); k != KindGC {
		t.Fatalf("kind %v, want gc", k)
	}
	if ev.PID != 17380 || ev.Isolate != 0x24df4c00 {
		t.Errorf("prefix %d:%x", ev.PID, ev.Isolate)
	}
	if string(ev.Type) != "Mark-Compact" || !ev.Major {
		t.Errorf("type %q major %v", ev.Type, ev.Major)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"time", ev.TimeMs, 262}, {"before", ev.BeforeMB, 16.2}, {"beforeCommitted", ev.BeforeCommittedMB, 25.2},
		{"after", ev.AfterMB, 12.8}, {"afterCommitted", ev.AfterCommittedMB, 30.2}, {"pause", ev.PauseMs, 12.77},
		{"external", ev.ExternalMs, 0}, {"incremental", ev.IncrementalMs, 1.5}, {"steps", float64(ev.IncrementalSteps), 75},
		{"muAvg", ev.MuAverage, 1}, {"muCur", ev.MuCurrent, 1},
	}
	for _, c := range checks {
		if !near(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if string(ev.Reason) != "finalize incremental marking via task" {
		t.Errorf("reason %q", ev.Reason)
	}
}

func TestParseLineForms(t *testing.T) {
	cases := []struct {
		line    string
		kind    Kind
		typ     string
		pause   float64
		before  float64
		after   float64
		reason  string
		isolate uint64
	}{
		{"[1:0x1]       44 ms: Scavenge 2.2 (3.2) -> 1.9 (4.2) MB, 0.9 / 0.0 ms  (average mu = 0.994, current mu = 0.994) allocation failure \r",
			KindGC, "Scavenge", 0.9, 2.2, 1.9, "allocation failure", 1},
		{"[1:0x1]  3837051 ms: Scavenge (interleaved) 4053.2 (4084.9) -> 4047.8 (4122.9) MB, pooled: 0 MB, 18.58 / 0.00 ms  (average mu = 0.269, current mu = 0.286) allocation failure; ",
			KindGC, "Scavenge (interleaved)", 18.58, 4053.2, 4047.8, "allocation failure", 1},
		{"[1:0x1]     5000 ms: Mark-Compact (reduce) 60.0 (65.0) -> 50.0 (64.0) MB, pooled: 0.0 MB, 18.00 / 0.00 ms  (+ 5.0 ms in 40 steps since start of marking, biggest step 1.0 ms, walltime since start of marking 20 ms) (average mu = 0.970, current mu = 0.965) memory reducer; GC in old space requested",
			KindGC, "Mark-Compact (reduce)", 18, 60, 50, "memory reducer", 1},
		{"[4242]      801 ms: Mark-sweep 9.8 (45.0) -> 7.2 (45.0) MB, 1 / 12.6 ms (+ 5.1 ms in 23 steps since start of marking, biggest step 0.5 ms) [GC interrupt] [GC in old space requested].",
			KindGC, "Mark-sweep", 12.6, 9.8, 7.2, "GC interrupt", 0},
		{"[43580:000002C9E4AAE000]      210 ms: Scavenge 3.9 (4.4) -> 3.5 (5.4) MB, pooled: 0 MB, 0.91 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ",
			KindGC, "Scavenge", 0.91, 3.9, 3.5, "allocation failure", 0x2C9E4AAE000},
		{"[5:0xa]       33 ms: Minor Mark-Compact 4.2 (6.0) -> 2.9 (6.0) MB, 1.35 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ",
			KindGC, "Minor Mark-Compact", 1.35, 4.2, 2.9, "allocation failure", 0xa},
		{"[5:0xa]       44 ms: pause=1.5 mutator=22.7 gc=s reduce_memory=0 total_size_before=4194304 total_size_after=2097152",
			KindNVP, "Scavenge", 1.5, 4, 2, "", 0xa},
		{"[5:0xa]       44 ms: pause=4.0 mutator=1 gc=mc reduce_memory=1 start_object_size=4194304 end_object_size=3145728",
			KindNVP, "Mark-Compact (reduce)", 4, 4, 3, "", 0xa},
		{"[5:0xa]       44 ms: pause=0.8 gc=mms start_object_size=1048576 end_object_size=0", KindNVP, "Minor Mark-Sweep", 0.8, 1, 0, "", 0xa},
		{"[5:0xa] Old space,              used:   2734 KB, available:      0 KB, committed:   2784 KB", KindSpace, "", 0, 0, 0, "", 0xa},
		{"[5:0xa] Shrinking page 0x2ecda8d80000: end 0x2ecda8dc0000 -> 0x2ecda8d8d000", KindV8, "", 0, 0, 0, "", 0xa},
		{"[5:0xa]      266 ms: [HeapController] factor 4.0 based on mu=0.970, speed_ratio=0 (gc=0, mutator=180506)", KindV8, "", 0, 0, 0, "", 0xa},
		{"[5:0xa]      266 ms: Scavenge 2.2 (3.2) -> MB", KindMalformed, "", 0, 0, 0, "", 0xa},
		{"[5:0xa]      266 ms: pause=x gc=s", KindMalformed, "", 0, 0, 0, "", 0xa},
		{"GET /users 200 12 ms", KindOther, "", 0, 0, 0, "", 0},
		{"[info] started", KindOther, "", 0, 0, 0, "", 0},
		{"", KindOther, "", 0, 0, 0, "", 0},
		// Old V8 without any prefix.
		{"    1234 ms: Scavenge 2.2 (3.2) -> 1.9 (4.2) MB, 0.9 / 0.0 ms allocation failure", KindGC, "Scavenge", 0.9, 2.2, 1.9, "allocation failure", 0},
		{"   12 ms: something the app printed", KindOther, "", 0, 0, 0, "", 0},
	}
	for _, c := range cases {
		var ev Event
		k := ParseLine([]byte(c.line), &ev)
		if k != c.kind {
			t.Errorf("%q: kind %v, want %v", c.line, k, c.kind)
			continue
		}
		if k != KindGC && k != KindNVP {
			continue
		}
		if string(ev.Type) != c.typ || !near(ev.PauseMs, c.pause) || !near(ev.BeforeMB, c.before) ||
			!near(ev.AfterMB, c.after) || string(ev.Reason) != c.reason || ev.Isolate != c.isolate {
			t.Errorf("%q:\n got type %q pause %v before %v after %v reason %q isolate %x", c.line,
				ev.Type, ev.PauseMs, ev.BeforeMB, ev.AfterMB, ev.Reason, ev.Isolate)
		}
	}
}

func TestParseSpace(t *testing.T) {
	var ev Event
	if k := ParseLine([]byte("[5:0xa] Memory allocator,       used:   5352 KB, available: 4238104 KB"), &ev); k != KindSpace {
		t.Fatalf("kind %v", k)
	}
	if string(ev.Space) != "Memory allocator" || ev.UsedKB != 5352 || ev.AvailableKB != 4238104 || ev.CommittedKB != -1 {
		t.Errorf("%+v", ev)
	}
}

func TestParseLineNoAlloc(t *testing.T) {
	lines := [][]byte{[]byte(node20Line),
		[]byte("[5:0xa]       44 ms: pause=4.0 mutator=1 gc=mc reduce_memory=1 start_object_size=4194304 end_object_size=3145728"),
		[]byte("[5:0xa] Old space,              used:   2734 KB, available:      0 KB, committed:   2784 KB"),
		[]byte("hello world")}
	var ev Event
	n := testing.AllocsPerRun(100, func() {
		for _, l := range lines {
			ParseLine(l, &ev)
		}
	})
	if n != 0 {
		t.Errorf("ParseLine allocates %v times per run", n)
	}
}

func TestParseNum(t *testing.T) {
	for _, c := range []struct {
		in   string
		v    float64
		used int
	}{{"12", 12, 2}, {"12.77 ms", 12.77, 5}, {"0.00", 0, 4}, {"7.", 7, 1}, {"x", 0, 0},
		{"123456789012345678901234", 1e18, 24}} {
		v, n := parseNum([]byte(c.in))
		if n != c.used || math.Abs(v-c.v) > 1e-6*math.Max(1, c.v) {
			t.Errorf("parseNum(%q) = %v, %d; want %v, %d", c.in, v, n, c.v, c.used)
		}
	}
}

// TestParseSpaceStars: V8 13 and 14 mark sizes that sweeping may still
// change with a '*', after "KB" or before the number.
func TestParseSpaceStars(t *testing.T) {
	for _, l := range []string{
		"[1:0xa] Old space,              used:   4977 KB, available:     79 KB*, committed:   8368 KB",
		"[1:0xa] Old space,                  used:   4977 KB, available:*     79 KB, committed:   8368 KB",
	} {
		var ev Event
		if k := ParseLine([]byte(l), &ev); k != KindSpace || string(ev.Space) != "Old space" ||
			ev.UsedKB != 4977 || ev.AvailableKB != 79 || ev.CommittedKB != 8368 {
			t.Errorf("%q: %v %+v", l, k, ev)
		}
	}
}
