package report

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/gctrace"
	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/report/htmltest"
)

// hostile are names a heap can hold (class names, property names, strings,
// file names): each must reach the page as text, never as markup.
var hostile = []string{
	`</script><img src=x onerror=alert(1)>`,
	`<img src=x onerror="alert(2)">`,
	`</style><script>alert(3)</script>`,
	`"><svg onload=alert(4)>`,
	`' onmouseover='alert(5)`,
	`</title></svg><iframe src="https://evil.example/">`,
	`<!-- --><a href="javascript:alert(6)">x</a>`,
	`]]><![CDATA[<script>alert(7)</script>`,
	`{{.}} {{template "page"}}`,
	`@import url(https://evil.example/x.css);`,
	`\u003cscript\u003e`,
	"é→☃ 𝒳 \t tab",
}

var testMeta = HTMLMeta{Command: "test", Version: "v0", Time: time.Unix(0, 0)}

// hostileReport puts name everywhere a leak report shows a string.
func hostileReport(name string) *leak.Report {
	r := sampleReport()
	r.Notes = []string{"note " + name}
	r.Snapshots[0].Name = name + ".heapsnapshot"
	s := &r.Suspects[0]
	s.Class, s.RootClass, s.Hint = name, "Root"+name, "fix "+name
	s.RetainerPath[1].Edge, s.RetainerPath[1].Class = name, name
	s.PathSteps = []string{"(GC roots)", "Object[" + name + "]", name + " @7"}
	s.PathText = strings.Join(s.PathSteps, " → ")
	s.Location = &leak.Location{Function: name, Script: "/srv/" + name + ".js", Line: 1, Column: 2}
	s.Holder = &leak.Holder{Class: name, ID: 9, Kind: "Map", Entries: 3}
	return r
}

func hostileSummary(name string) *Summary {
	return &Summary{
		Snapshot: SnapshotTotals{File: name + ".heapsnapshot", Nodes: 3, Edges: 2, TotalSize: 1000,
			Breakdown: Breakdown{Code: 100, Strings: 200, JSArrays: 50, TypedArrays: 10, System: 40, Native: 30}},
		Classes: []ClassRow{{Name: name, Count: 2, ShallowSize: 64, RetainedSize: 900, Distance: 3},
			{Name: "Object", Count: 1, ShallowSize: 16, RetainedSize: 16, Distance: 100000001}},
		Matched: 5,
	}
}

func hostileDiff(name string) *leak.DiffResult {
	return &leak.DiffResult{
		Base: leak.SnapshotInfo{Name: name + "-1", TotalSize: 1000}, Target: leak.SnapshotInfo{Name: name + "-2", TotalSize: 2000},
		Rows: []leak.DiffRow{{Class: name, New: 10, Delta: 10, Allocated: 900, SizeDelta: 900},
			{Class: "Freed" + name, Deleted: 3, Delta: -3, Freed: 100, SizeDelta: -100}},
		Notes: []string{"note " + name},
	}
}

// hostileGC is a GC summary read from a log whose lines carry name where a
// log could: there is no free text in V8's GC lines, but a hostile log
// still must not break the page.
func hostileGC(t testing.TB, name string) *gctrace.Summary {
	a := gctrace.NewAnalyzer(gctrace.Options{Thresholds: gctrace.DefaultThresholds()})
	a.Write([]byte(name + "\n"))
	for i := 0; i < 6; i++ {
		a.Write([]byte("[1234:0x5a1b2c3d4e50] " + ms(float64(100*i+50)) + ": Mark-Compact 12.1 (14.0) -> 10.0 (13.5) MB, 3.2 / 0.0 ms  (average mu = 0.98, current mu = 0.97) allocation failure; scavenge might not succeed\n"))
	}
	a.Flush()
	s := a.Summary()
	if s.GCs == 0 {
		t.Fatal("the GC lines were not read")
	}
	return s
}

func hostileSingle(name string) *leak.SingleReport {
	return &leak.SingleReport{
		Snapshots: 1, Snapshot: leak.SnapshotInfo{Name: name + ".heapsnapshot", TotalSize: 1 << 20},
		Suspects: []leak.Accumulation{{Rank: 1, Kind: leak.KindAccumulation, Pattern: leak.PatternCollection, Class: name,
			RootClass: "Entry", Holder: &leak.Holder{Class: "Map", Name: name, ID: 4, Kind: "Map", Entries: 900},
			Count: 900, RetainedSize: 600 << 10, Share: 0.6, PathText: "(GC roots) → " + name + " @4",
			PathSteps: []string{"(GC roots)", name + " @4"}, Hint: "bound " + name}},
		DuplicateStrings: []heapgraph.DupString{{Text: name, Count: 40, Bytes: 4000, Wasted: 3900, ID: 77}},
		Notes:            []string{"note " + name},
	}
}

// renderAll writes every HTML report with name in it.
func renderAll(t testing.TB, name string) map[string][]byte {
	out := map[string][]byte{}
	for kind, write := range map[string]func(io.Writer) error{
		"leaks":   func(w io.Writer) error { return WriteLeaksHTML(w, hostileReport(name), testMeta) },
		"summary": func(w io.Writer) error { return WriteSummaryHTML(w, hostileSummary(name), testMeta) },
		"diff":    func(w io.Writer) error { return WriteDiffHTML(w, hostileDiff(name), 0, testMeta) },
		"single":  func(w io.Writer) error { return WriteSingleHTML(w, hostileSingle(name), testMeta) },
		"gc":      func(w io.Writer) error { return WriteGCHTML(w, hostileGC(t, name), name+".log", testMeta) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		out[kind] = b.Bytes()
	}
	return out
}

// readable is whether an HTML parser gives name back unchanged as text
// (it turns NUL into U+FFFD and CR LF into LF), and in full.
func readable(name string) bool {
	return utf8.ValidString(name) && !strings.ContainsAny(name, "\x00\r\f") && utf8.RuneCountInString(name) <= nameMax
}

func checkAll(t *testing.T, name string) {
	for kind, page := range renderAll(t, name) {
		var want []string
		if readable(name) {
			want = []string{name}
		}
		p := htmltest.Check(t, page, want...)
		if p.SVGs == 0 {
			t.Errorf("%s: no chart", kind)
		}
		if t.Failed() {
			t.Fatalf("%s page with %q:\n%s", kind, name, page)
		}
	}
}

func TestHTMLEscapesHostileNames(t *testing.T) {
	for _, name := range hostile {
		t.Run(name, func(t *testing.T) { checkAll(t, name) })
	}
}

func FuzzHTMLEscaping(f *testing.F) {
	for _, h := range hostile {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if len(name) > 4096 {
			return
		}
		checkAll(t, name)
	})
}

func TestLeaksHTMLContent(t *testing.T) {
	var b bytes.Buffer
	r := sampleReport()
	r.Suspects[0].PathSteps = []string{"(GC roots)", "TimersList", "Timeout._idleNext ×812 @7"}
	if err := WriteLeaksHTML(&b, r, testMeta); err != nil {
		t.Fatal(err)
	}
	p := htmltest.Check(t, b.Bytes(), "1 leak suspect(s)", "timer", "Timeout._idleNext ×812 @7", "clear the timer",
		"poll at /srv/a.js:3:9", "10 → 20", "leakhound test")
	// The reachable heap, and the suspect in the table and in its section.
	if p.SVGs != 3 {
		t.Errorf("%d charts, want 3", p.SVGs)
	}
	// Without PathSteps (a report read back from JSON) the steps are the path.
	r.Suspects[0].PathSteps = nil
	b.Reset()
	if err := WriteLeaksHTML(&b, r, testMeta); err != nil {
		t.Fatal(err)
	}
	htmltest.Check(t, b.Bytes(), "_idleNext", "×812")

	r.Leak, r.Suspects = false, nil
	b.Reset()
	if err := WriteLeaksHTML(&b, r, testMeta); err != nil {
		t.Fatal(err)
	}
	htmltest.Check(t, b.Bytes(), "No leak suspects")
}

func TestSummaryAndDiffHTMLContent(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSummaryHTML(&b, hostileSummary("Widget"), testMeta); err != nil {
		t.Fatal(err)
	}
	htmltest.Check(t, b.Bytes(), "Statistics", "strings", "other JS objects", "typed arrays", "Widget", "90.0%", "2 of 5 classes shown")
	b.Reset()
	d := hostileDiff("Widget")
	if err := WriteDiffHTML(&b, d, 1, testMeta); err != nil {
		t.Fatal(err)
	}
	p := htmltest.Check(t, b.Bytes(), "Widget", "+900 B", "1 of 2 classes shown")
	// The chart shows both changes even when the table is cut.
	if !strings.Contains(p.Text, "FreedWidget") {
		t.Error("the chart lacks the class that shrank")
	}
}

func TestSingleHTMLContent(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSingleHTML(&b, hostileSingle("Order"), testMeta); err != nil {
		t.Fatal(err)
	}
	htmltest.Check(t, b.Bytes(), OneSnapshotCaveat, "1 place(s) where memory accumulates", "Map Order @4 (Map, 900 entries)",
		"60.0%", "Duplicated strings", "3.8 KiB", `"Order"`, "bound Order", dupFixText)
	b.Reset()
	r := hostileSingle("Order")
	r.Suspects, r.DuplicateStrings = nil, nil
	if err := WriteSingleHTML(&b, r, testMeta); err != nil {
		t.Fatal(err)
	}
	htmltest.Check(t, b.Bytes(), "No accumulation: "+noAccumulationText)
}

func TestHTMLClipsHugeNames(t *testing.T) {
	name := strings.Repeat("x", 100000)
	var b bytes.Buffer
	s := hostileSummary("app")
	s.Classes[0].Name = name
	if err := WriteSummaryHTML(&b, s, testMeta); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 20000 {
		t.Errorf("a 100,000-character class name makes a %d-byte summary page", b.Len())
	}
	htmltest.Check(t, b.Bytes(), strings.Repeat("x", nameMax-1)+"…")
}
