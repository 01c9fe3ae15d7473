package gctrace

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseLine: any bytes classify without panicking, and what a GC line
// reports is self-consistent.
func FuzzParseLine(f *testing.F) {
	f.Add([]byte(node20Line))
	f.Add([]byte("[5:0xa]       44 ms: pause=4.0 mutator=1 gc=mc reduce_memory=1 start_object_size=4194304 end_object_size=3145728"))
	f.Add([]byte("[5:0xa] Old space,              used:   2734 KB, available:      0 KB, committed:   2784 KB"))
	f.Add([]byte("[4242]      801 ms: Mark-sweep 9.8 (45.0) -> 7.2 (45.0) MB, 1 / 12.6 ms [GC interrupt] [GC in old space requested]."))
	f.Add([]byte("[43580:000002C9E4AAE000]      210 ms: Scavenge 3.9 (4.4) -> 3.5 (5.4) MB, pooled: 0 MB, 0.91 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; "))
	f.Add([]byte("    1234 ms: Scavenge 2.2 (3.2) -> 1.9 (4.2) MB, 0.9 / 0.0 ms allocation failure"))
	f.Add([]byte("[1:0x1] 1 ms: Scavenge 1 (1) -> 1 (1) MB, 1 ms (+ 1 ms in 1 steps"))
	// The record after something else: a timestamp, journald's "[pid]",
	// concurrently's "[0] ", progress dots, a split record.
	f.Add([]byte("2026-11-24T19:00:00.000Z " + node20Line))
	f.Add([]byte("Nov 24 19:00:00 host node[123]: [5:0xa] Old space, used: 2734 KB, available: 0 KB, committed: 2784 KB"))
	f.Add([]byte("[0] [5:0xa]       44 ms: pause=4.0 mutator=1 gc=mc reduce_memory=1"))
	f.Add([]byte("...[[[5:0xa]    1 ms: Mark-Compact 1 (2"))
	f.Add([]byte("[5:0xa]     2error: x0 ms: Scavenge 4.1 (4.2) -> 3.8 (5.2) MB, 1.2 / 0.0 ms"))
	for _, c := range readCorpus(f) {
		f.Add([]byte(c.line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var ev Event
		k := ParseLine(line, &ev)
		switch k {
		case KindGC, KindNVP:
			if len(ev.Type) == 0 || ev.PauseMs < 0 && ev.PauseMs != Unknown || ev.BeforeMB < 0 || ev.AfterMB < 0 || ev.TimeMs < 0 {
				t.Fatalf("%q: %+v", line, ev)
			}
			if ev.PauseMs == Unknown && !ev.Cut {
				t.Fatalf("%q: pause unknown in a whole record", line)
			}
			if ev.Major != isMajor(ev.Type) || ev.Forced != ForcedReason(ev.Reason) {
				t.Fatalf("%q: major %v forced %v for %q %q", line, ev.Major, ev.Forced, ev.Type, ev.Reason)
			}
		}
		if ev.Next < 0 || ev.Next > 0 && (ev.Next >= len(line) || line[ev.Next] != '[') {
			t.Fatalf("%q: next record at %d", line, ev.Next)
		}
		switch k {
		case KindSpace:
			if len(ev.Space) == 0 || ev.UsedKB < 0 {
				t.Fatalf("%q: %+v", line, ev)
			}
		}
	})
}

// FuzzAnalyzer: any log streams through and its summary encodes as JSON.
func FuzzAnalyzer(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "gctrace", "samples", "*.log"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(node20Line + "\n" + node20Line + "\n"))
	// Docker's json-file lines, escapes and a cut one.
	f.Add([]byte(`{"log":"[7:0x1a]       72 ms: Scavenge 4.7 (5.4) -\u003e 4.5 (6.1) MB, 1.37 / 0.00 ms  allocation failure; \n","stream":"stdout"}` + "\n" +
		`{"log":"[7:0x1a]       90 ms: GC: {\"pause\": 1.2, \"\ud83d\u00e9\\` + "\n"))
	var corpus []byte
	for _, c := range readCorpus(f) {
		corpus = append(append(corpus, c.line...), '\n')
	}
	f.Add(corpus)
	f.Fuzz(func(t *testing.T, data []byte) {
		a := NewAnalyzer(Options{ChartPoints: 8, FitPoints: 8})
		a.Write(data)
		a.Flush()
		s := a.Summary()
		if _, err := json.Marshal(s); err != nil {
			t.Fatalf("summary does not encode: %v", err)
		}
		var sink bytes.Buffer
		WriteSVG(&sink, s)
		if s.GCs != s.Lines.GC+s.Lines.NVP {
			t.Fatalf("gcs %d vs lines %+v", s.GCs, s.Lines)
		}
	})
}
