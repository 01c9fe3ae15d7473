package gctrace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/ui"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gctrace", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// prefixes are what log collectors and process managers put before each
// line of a node process's output.
var prefixes = []string{
	"2026-11-24T19:00:00.000Z ",              // docker/kubectl logs --timestamps
	"2026-11-24 19:00:00.123 +00:00: ",       // pm2 --time
	"0|app  | ",                              // pm2 logs
	"Nov 24 19:00:00 host node[4321]: ",      // journald / syslog: a "[pid]" first
	"[0] ",                                   // concurrently: looks like V8's old "[pid]"
	"app-7d9f-x2 web [2026-11-24 19:00:00] ", // stern, brackets before the record
	`{"log":"`,                               // docker's json-file driver
	"....",                                   // progress dots without a newline
	"\x1b[32minfo\x1b[39m [1,2,3] [x:0x1] id=9 ", // colours, a JSON array, a fake prefix
}

// TestPrefixedLinesParseAsPlain: a real node trace (plain, verbose and
// NVP lines) with any of the prefixes above yields exactly the events of
// the bare trace.
func TestPrefixedLinesParseAsPlain(t *testing.T) {
	logs := [][]byte{
		runNode(t, nodeRun{"leak.js", []string{"--trace-gc", "--trace-gc-verbose"}}),
		runNode(t, nodeRun{"leak.js", []string{"--trace-gc", "--trace-gc-nvp"}}),
		sampleFile(t, "node22-pooled-oom.log"),
		sampleFile(t, "windows-prefix.log"),
	}
	for li, log := range logs {
		var bare, pre Event
		for _, line := range bytes.Split(log, []byte("\n")) {
			want := ParseLine(line, &bare)
			wantEv := bare
			for _, p := range prefixes {
				got := ParseLine(append([]byte(p), line...), &pre)
				if want == KindOther || want == KindV8 && bare.Isolate == 0 {
					// Application output stays the application's.
					if got != KindOther && got != KindV8 {
						t.Errorf("log %d: %q with %q: %s, want other", li, line, p, got)
					}
					continue
				}
				if got != want || !sameEvent(&pre, &wantEv) {
					t.Fatalf("log %d: %q with %q: %s %+v, want %s %+v", li, line, p, got, pre, want, wantEv)
				}
			}
		}
	}
}

func sameEvent(a, b *Event) bool {
	return a.PID == b.PID && a.Isolate == b.Isolate && a.TimeMs == b.TimeMs && string(a.Type) == string(b.Type) &&
		a.AfterMB == b.AfterMB && a.PauseMs == b.PauseMs && string(a.Space) == string(b.Space) && a.UsedKB == b.UsedKB
}

// TestPrefixedFixture: the committed real trace with four different
// prefixes (make-fixtures.sh) reads like the bare trace would.
func TestPrefixedFixture(t *testing.T) {
	b := fixture(t, "prefixed.log")
	s := analyze(t, b)
	ms := int64(bytes.Count(b, []byte(" ms: Scavenge")) + bytes.Count(b, []byte(" ms: Mark-")))
	if s.GCs != ms || s.Lines.Malformed != 0 || s.Lines.GCLike != 0 || s.Lines.Skipped != 1 || len(s.Isolates) != 1 {
		t.Fatalf("gcs %d of %d, lines %+v, %d isolates", s.GCs, ms, s.Lines, len(s.Isolates))
	}
	if s.Lines.Verbose == 0 || len(s.Isolates[0].Spaces) == 0 {
		t.Errorf("verbose lines lost: %+v", s.Lines)
	}
	if s.Verdict != ProbableLeak {
		t.Errorf("verdict %s: %s", s.Verdict, s.VerdictText)
	}
}

// TestProgressDotsBeforeGCLines: the evaluation's repro. A program writing
// progress dots without a newline glues them before V8's GC lines; every
// GC still counts (it was 1 of 25).
func TestProgressDotsBeforeGCLines(t *testing.T) {
	for _, b := range [][]byte{fixture(t, "progress-dots.log"),
		runNode(t, nodeRun{"progress.js", []string{"--trace-gc"}})} {
		s := analyze(t, b)
		glued := bytes.Count(b, []byte(".["))
		ms := int64(bytes.Count(b, []byte(" ms: ")))
		if glued < 5 || s.GCs != ms || s.Lines.Skipped != 1 || s.Lines.GCLike != 0 {
			t.Errorf("%d glued lines; gcs %d of %d, lines %+v", glued, s.GCs, ms, s.Lines)
		}
	}
}

// TestSplitGCLinesWarned: records that lost V8's prefix (a line split by
// another writer) cannot be read, but are counted so the report warns.
func TestSplitGCLinesWarned(t *testing.T) {
	log := "[1:0xa]     10 ms: Scavenge 4.1 (4.2) -> 3.8 (5.2) MB, 1.2 / 0.0 ms  allocation failure; \n" +
		"[1:0xa]     2\nerror: x0 ms: Scavenge 4.1 (4.2) -> 3.8 (5.2) MB, 1.2 / 0.0 ms  allocation failure; \n" +
		"app says 30 ms: Mark-Compact 9 (10) -> 5 (10) MB, 3 / 0 ms reason\n" +
		"the word ms: Scavenge alone\n" +
		"[1:0xa]     40 ms: Scavenge 4.1 (4.2) -> 3.8 (5.2) MB, 1.2 / 0.0 ms  allocation failure; \n"
	s := analyze(t, []byte(log))
	if s.GCs != 2 || s.Lines.GCLike != 3 || s.Lines.Skipped != 3 {
		t.Fatalf("gcs %d lines %+v", s.GCs, s.Lines)
	}
	var out strings.Builder
	WriteText(&out, s, ui.Palette{})
	if !strings.Contains(out.String(), "warning: 3 skipped lines hold GC records") {
		t.Errorf("no warning:\n%s", out.String())
	}
	if LooksLikeGC([]byte("GET /x 200 5 ms: ok")) || !LooksLikeGC([]byte("x 1 ms: pause=1.0 gc=s")) {
		t.Error("LooksLikeGC")
	}
}

// TestFewMajorGCsInconclusive: the evaluation's repro, a real short leak
// (3 major GCs, post-GC heap ×15): not "healthy", and the growth is said.
func TestFewMajorGCsInconclusive(t *testing.T) {
	// The run spent 14% of its time in GC (incremental marking), which is
	// GC pressure by default: the pressure verdict names the growth too.
	s := analyze(t, fixture(t, "few-majors-leak.log"))
	if s.Verdict != GCPressure || !s.LeakLikely() || !strings.Contains(s.VerdictText, "the post-GC heap grew 13.6 → 168.4 MiB") {
		t.Errorf("%s: %s", s.Verdict, s.VerdictText)
	}
	th := DefaultThresholds()
	th.PressureGCShare = 0.5
	a := NewAnalyzer(Options{Thresholds: th})
	a.Write(fixture(t, "few-majors-leak.log"))
	s = a.Summary()
	tr := s.PostGCTrend
	if s.Verdict != Inconclusive || !tr.Growing || !tr.StrongGrowth || !s.LeakLikely() {
		t.Fatalf("verdict %s (%s) trend %+v", s.Verdict, s.VerdictText, tr)
	}
	if !strings.Contains(s.VerdictText, "likely a leak") || !strings.Contains(s.VerdictText, "rising at 2 of 2 steps") ||
		!strings.Contains(s.VerdictText, "need 5") {
		t.Errorf("%s", s.VerdictText)
	}
	// Lowering the minimum lets the leak tests judge it.
	th.MinMajorGCs = 3
	a = NewAnalyzer(Options{Thresholds: th})
	a.Write(fixture(t, "few-majors-leak.log"))
	if s := a.Summary(); s.Verdict != ProbableLeak || s.PostGCTrend.StrongGrowth {
		t.Errorf("with --min-major-gcs 3: %s %+v", s.VerdictText, s.PostGCTrend)
	}
}

// fewMajors writes n major GCs whose post-GC heaps are afters, with
// scavenges between, over a few seconds.
func fewMajors(afters ...float64) []byte {
	var b bytes.Buffer
	t := 100.0
	for _, after := range afters {
		for k := 0; k < 5; k++ {
			t += 100
			fmt.Fprintf(&b, "[7:0xb]  %6.0f ms: Scavenge %.1f (%.1f) -> %.1f (%.1f) MB, 0.50 / 0.00 ms  allocation failure; \n", t, after+2, after+4, after+1, after+4)
		}
		t += 100
		fmt.Fprintf(&b, "[7:0xb]  %6.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, 2.00 / 0.00 ms  reason\n", t, after*1.5, after*2, after, after*2)
	}
	return b.Bytes()
}

func TestInconclusiveVerdicts(t *testing.T) {
	cases := []struct {
		afters          []float64
		growing, strong bool
		text            string
	}{
		{[]float64{10, 10.2, 10.1}, false, false, "inconclusive: 3 major GCs, too few to judge a heap trend (need 5)"},
		// A warm-up: grows, but not at every step to twice the start.
		{[]float64{10, 14, 15, 15.2}, true, false, "inconclusive: the post-GC heap grew 10.0 → 15.2 MiB (+52%) over 4 major GCs"},
		{[]float64{10, 20, 40, 80}, true, true, "inconclusive, likely a leak: the post-GC heap grew 10.0 → 80.0 MiB (+700%) over 4 major GCs"},
		// Tripled at every step, but within seconds: a young
		// process's warm-up (blind GC set 6, g08's restarts).
		{[]float64{10, 16, 24, 29}, true, false, "inconclusive: the post-GC heap grew 10.0 → 29.0 MiB (+190%) over 4 major GCs"},
		// Two points are not enough for strong growth.
		{[]float64{10, 80}, true, false, "inconclusive: the post-GC heap grew 10.0 → 80.0 MiB"},
	}
	for _, c := range cases {
		s := analyze(t, fewMajors(c.afters...))
		tr := s.PostGCTrend
		if s.Verdict != Inconclusive || tr.Growing != c.growing || tr.StrongGrowth != c.strong || s.LeakLikely() != c.strong ||
			!strings.HasPrefix(s.VerdictText, c.text) {
			t.Errorf("%v: %s growing %v strong %v: %s", c.afters, s.Verdict, tr.Growing, tr.StrongGrowth, s.VerdictText)
		}
	}
	// Enough major GCs on a flat heap: healthy, not inconclusive.
	if s := analyze(t, fewMajors(10, 10.1, 10, 10.2, 10.1, 10)); s.Verdict != Healthy {
		t.Errorf("%s: %s", s.Verdict, s.VerdictText)
	}
}

// TestPressureSaysHeapGrows: GC pressure with a growing heap too few
// major GCs to judge (the evaluation's leak.log) names the growth; when
// it doubled at every step the text says "likely a leak", as the
// --fail-on-leak exit does (a user's QA found the two disagreeing).
func TestPressureSaysHeapGrows(t *testing.T) {
	var b bytes.Buffer
	b.Write(fewMajors(14, 30, 67))
	for i := 0; i < 20; i++ { // long pauses: pressure
		fmt.Fprintf(&b, "[7:0xb]  %6.0f ms: Scavenge 70 (80) -> 68 (80) MB, 60.00 / 0.00 ms  allocation failure; \n", 2000+float64(i)*70)
	}
	s := analyze(t, b.Bytes())
	if s.Verdict != GCPressure || !strings.Contains(s.VerdictText, "the post-GC heap grew 14.0 → 67.0 MiB") ||
		!strings.Contains(s.VerdictText, "doubling: likely a leak, though too few major GCs to be sure (need 5)") || !s.LeakLikely() {
		t.Errorf("%s: %s (fails --fail-on-leak: %v)", s.Verdict, s.VerdictText, s.LeakLikely())
	}
}

// TestWorkersMergedWallIsProcessSpan: three isolates of one process that
// ran at the same time; the merged rate is per minute of the process,
// not of the isolates' summed time, and the time-in-GC share is each
// isolate's, weighted.
func TestWorkersMergedWallIsProcessSpan(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 60; i++ { // 60 GCs each, 1 s apart... 10 ms pauses
		for _, iso := range []string{"0xa", "0xb", "0xc"} {
			fmt.Fprintf(&b, "[9:%s] %6d ms: Scavenge 5 (6) -> 4 (6) MB, 10.00 / 0.00 ms  allocation failure; \n", iso, 1000+i*1000)
		}
	}
	fmt.Fprintf(&b, "[10:0xa] %6d ms: Scavenge 5 (6) -> 4 (6) MB, 10.00 / 0.00 ms  allocation failure; \n", 30000)
	fmt.Fprintf(&b, "[10:0xa] %6d ms: Scavenge 5 (6) -> 4 (6) MB, 10.00 / 0.00 ms  allocation failure; \n", 30990)
	s := analyze(t, b.Bytes())
	if len(s.Isolates) != 4 {
		t.Fatalf("%d isolates", len(s.Isolates))
	}
	// pid 9: 59.01 s per isolate; pid 10: 1 s.
	if !near(s.WallMs, 60010) || !near(s.IsolateWallMs, 3*59010+1000) {
		t.Errorf("wall %v isolate wall %v", s.WallMs, s.IsolateWallMs)
	}
	if sc := typeByName(s.ByType, "Scavenge"); sc == nil || !near(sc.PerMinute, round(182/(60010.0/60000), 2)) {
		t.Errorf("by type %+v", s.ByType)
	}
	if !near(s.GCShare, round(1820/(3*59010.0+1000), 4)) {
		t.Errorf("gc share %v", s.GCShare)
	}
}

func TestInterruptedAndTruncatedSaidInText(t *testing.T) {
	s := analyze(t, fewMajors(10, 11))
	s.Interrupted = true
	s.Truncated = "the gzip stream is cut off after 2,000 bytes"
	var out strings.Builder
	WriteText(&out, s, ui.Palette{})
	if !strings.Contains(out.String(), "interrupted: this report covers the log read before Ctrl-C") ||
		!strings.Contains(out.String(), "warning: the gzip stream is cut off after 2,000 bytes") {
		t.Errorf("%s", out.String())
	}
}

// TestManyBracketsStayLinear: the record is looked for at every '[' of a
// line, so each try must be O(1): 1 MiB lines of "[1]"s (each a valid old
// "[pid]" prefix) or of space-like fields classify in milliseconds (it
// took seconds when a try could scan to the end of the line).
func TestManyBracketsStayLinear(t *testing.T) {
	for _, unit := range []string{"[1] a ", "[1]", "[1] Old space", "[1] a, x: 1 KB, ", "[1] 1 ms: a a a ", "[1:0x1] "} {
		line := bytes.Repeat([]byte(unit), (1<<20)/len(unit))
		var ev Event
		if k := ParseLine(line, &ev); k != KindOther && k != KindV8 {
			t.Errorf("%q…: %s", unit, k)
		}
	}
}

// TestPrefixedOOMReplayNotCountedTwice: behind a prefix the blank lines
// around V8's "Last few GCs" section are not blank; the replayed GCs are
// still recognised (they made a second "run" of the isolate).
func TestPrefixedOOMReplayNotCountedTwice(t *testing.T) {
	bare := analyze(t, sampleFile(t, "node22-pooled-oom.log"))
	for _, p := range prefixes {
		var b bytes.Buffer
		for _, line := range bytes.SplitAfter(sampleFile(t, "node22-pooled-oom.log"), []byte("\n")) {
			if len(line) > 0 {
				b.WriteString(p)
				b.Write(line)
			}
		}
		s := analyze(t, b.Bytes())
		if s.GCs != bare.GCs || s.Lines.Replayed != bare.Lines.Replayed || len(s.Isolates) != 1 || !s.OutOfMemory || s.Verdict != bare.Verdict {
			t.Errorf("%q: gcs %d lines %+v isolates %d oom %v %s", p, s.GCs, s.Lines, len(s.Isolates), s.OutOfMemory, s.Verdict)
		}
	}
}

// TestLikelyLeakSpeaksForLog: of several inconclusive isolates, the one
// likely leaking speaks for the log (blind GC set 6, g09: a cluster
// worker leaking beside idle ones), whichever comes first.
func TestLikelyLeakSpeaksForLog(t *testing.T) {
	var b bytes.Buffer
	b.Write(fewMajors(10, 10.2, 10.1))
	leaking := bytes.ReplaceAll(fewMajors(10, 20, 40, 80), []byte("[7:0xb]"), []byte("[8:0xc]"))
	b.Write(leaking)
	s := analyze(t, b.Bytes())
	if !strings.HasPrefix(s.VerdictText, "isolate 8:0xc: inconclusive, likely a leak") || !s.LeakLikely() {
		t.Errorf("%s: %s", s.Verdict, s.VerdictText)
	}
}

// TestDockerJSONFile: a real node trace (plain, verbose and NVP lines) as
// Docker's json-file driver writes it, each line a JSON object whose
// "log" string Go's encoding/json escaped ('>' as \u003e, quotes as \"),
// reads like the bare trace.
func TestDockerJSONFile(t *testing.T) {
	for li, log := range [][]byte{
		runNode(t, nodeRun{"leak.js", []string{"--trace-gc", "--trace-gc-verbose"}}),
		runNode(t, nodeRun{"leak.js", []string{"--trace-gc", "--trace-gc-nvp"}}),
		sampleFile(t, "node22-pooled-oom.log"),
	} {
		var wrapped bytes.Buffer
		for _, line := range bytes.Split(bytes.TrimSuffix(log, []byte("\n")), []byte("\n")) {
			b, err := json.Marshal(map[string]string{"log": string(line) + "\n", "stream": "stderr", "time": "2026-12-07T19:35:06.374629380Z"})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte(`{"log":"`)) {
				t.Fatalf("encoding/json put another key first: %s", b)
			}
			wrapped.Write(b)
			wrapped.WriteByte('\n')
		}
		if li == 0 && !bytes.Contains(wrapped.Bytes(), []byte(`\u003e`)) {
			t.Fatalf("log %d: no escaped '>' in the wrapped log", li)
		}
		bare, got := analyze(t, log), analyze(t, wrapped.Bytes())
		if got.GCs != bare.GCs || got.GCs == 0 || got.Lines.Malformed != bare.Lines.Malformed || len(got.Isolates) != len(bare.Isolates) {
			t.Errorf("log %d: %d GCs, %d malformed, %d isolates; bare: %d, %d, %d", li, got.GCs, got.Lines.Malformed, len(got.Isolates), bare.GCs, bare.Lines.Malformed, len(bare.Isolates))
		}
	}
	if l, ok := dockerLog([]byte(`{"log":"a \"b\" \\ \u00e9\n","stream":"stdout"}`), nil); !ok || string(l) != `a "b" \ é` {
		t.Errorf("dockerLog: %q %v", l, ok)
	}
	for _, bad := range []string{`{"log":"cut`, `{"log":"\u12`, `{"log":"\u12zz"}`, `{"log":"end\`, `{"stream":"x"}`} {
		if _, ok := dockerLog([]byte(bad), nil); ok {
			t.Errorf("dockerLog(%q) ok", bad)
		}
	}
}
