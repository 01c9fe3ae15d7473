package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

func sampleReport() *leak.Report {
	return &leak.Report{
		Leak:      true,
		Snapshots: []leak.SnapshotInfo{{Name: "s1", Nodes: 10, TotalSize: 1000}, {Name: "s2", Nodes: 20, TotalSize: 3000}},
		Suspects: []leak.Suspect{{
			Rank: 1, Pattern: leak.PatternTimer, Class: "Timeout", RootClass: "Timeout",
			Count: []int64{10, 20}, RetainedSize: []uint64{1000, 3000}, GrowthBytes: 2000, GrowthCount: 10, NewObjects: 10,
			RetainerPath: []leak.PathStep{
				{Class: "TimersList", Name: "TimersList", ID: 5, Type: "object"},
				{Edge: "_idleNext", EdgeType: "property", Class: "Timeout", Name: "Timeout", ID: 7, Type: "object", Repeat: 812},
			},
			Location:  &leak.Location{Function: "poll", Script: "/srv/a.js", Line: 3, Column: 9},
			Hint:      "clear the timer",
			Evidence:  "grew by 10 objects in the one interval; two snapshots cannot show that it keeps growing",
			Intervals: []int64{10}, ThinEvidence: true,
		}},
	}
}

func TestLeaksJSONSchema(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteLeaksJSON(&buf, sampleReport()); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"leak", "snapshots", "suspects"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing top-level %q", k)
		}
	}
	s := m["suspects"].([]any)[0].(map[string]any)
	for _, k := range []string{"rank", "pattern", "class", "count", "retained_size", "growth_bytes", "retainer_path", "location", "hint", "evidence", "intervals", "thin_evidence"} {
		if _, ok := s[k]; !ok {
			t.Errorf("suspect lacks %q", k)
		}
	}
	step := s["retainer_path"].([]any)[1].(map[string]any)
	for _, k := range []string{"edge", "class", "name", "id", "type"} {
		if _, ok := step[k]; !ok {
			t.Errorf("path step lacks %q", k)
		}
	}
	if step["repeat"] != float64(812) {
		t.Errorf("repeat = %v", step["repeat"])
	}
}

func TestLeaksTextAndMarkdown(t *testing.T) {
	var buf bytes.Buffer
	WriteLeaksText(&buf, sampleReport(), ui.Palette{})
	out := buf.String()
	for _, want := range []string{"#1 timer  Timeout", "10 → 20", "._idleNext → Timeout @7  ×812", "poll at /srv/a.js:3:9", "fix: clear the timer"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	// With the one-line path text (as Analyze fills it), text shows that line.
	withText := sampleReport()
	withText.Suspects[0].PathText = "TimersList._idleNext → Timeout._idleNext ×812 → Timeout @7"
	buf.Reset()
	WriteLeaksText(&buf, withText, ui.Palette{})
	if out := buf.String(); !strings.Contains(out, "path         TimersList._idleNext → Timeout._idleNext ×812 → Timeout @7") {
		t.Errorf("text lacks the one-line path:\n%s", out)
	}
	buf.Reset()
	WriteLeaksMarkdown(&buf, withText)
	if md := buf.String(); !strings.Contains(md, "Timeout._idleNext ×812 → Timeout @7") || !strings.Contains(md, "._idleNext → Timeout @7  ×812") {
		t.Errorf("markdown lacks the path or its steps:\n%s", md)
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("colour without a terminal")
	}
	buf.Reset()
	WriteLeaksMarkdown(&buf, sampleReport())
	if md := buf.String(); !strings.Contains(md, "| 1 | timer | `Timeout` |") || !strings.Contains(md, "**Fix:** clear the timer") {
		t.Errorf("markdown:\n%s", md)
	}
	buf.Reset()
	WriteLeaksText(&buf, &leak.Report{Snapshots: []leak.SnapshotInfo{{Name: "a"}, {Name: "b"}}, Suspects: []leak.Suspect{}}, ui.Palette{})
	if !strings.Contains(buf.String(), "No leak suspects") {
		t.Errorf("empty report:\n%s", buf.String())
	}
}

// TestCollectionLineGivesItsOwnSize: the collection line gives the
// collection's own entries, not the count of what leaks through it.
func TestCollectionLineGivesItsOwnSize(t *testing.T) {
	r := &leak.Report{Leak: true,
		Snapshots: []leak.SnapshotInfo{{Name: "s1", Nodes: 10, TotalSize: 1000}, {Name: "s2", Nodes: 20, TotalSize: 3000}},
		Suspects: []leak.Suspect{{Rank: 1, Pattern: leak.PatternCollection, Class: "Session",
			Count: []int64{10, 20}, RetainedSize: []uint64{1000, 3000}, GrowthBytes: 2000, GrowthCount: 10, NewObjects: 10,
			Holder: &leak.Holder{Class: "Map", ID: 7, Kind: "Map", Entries: 1600}}}}
	var b strings.Builder
	WriteLeaksText(&b, r, ui.Palette{})
	if !strings.Contains(b.String(), "Map @7 (Map, 1,600 entries in s2)") {
		t.Errorf("collection line:\n%s", b.String())
	}
}

func TestEvidenceInTextAndMarkdown(t *testing.T) {
	r := sampleReport()
	var text, md bytes.Buffer
	WriteLeaksText(&text, r, ui.Palette{})
	WriteLeaksMarkdown(&md, r)
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if !strings.Contains(out, "evidence") && !strings.Contains(out, "Evidence") || !strings.Contains(out, r.Suspects[0].Evidence) {
			t.Errorf("%s lacks the evidence:\n%s", name, out)
		}
	}
}

// TestPartsFolded: merged parts that read the same are one entry with
// their count and total.
func TestPartsFolded(t *testing.T) {
	r := sampleReport()
	r.Suspects[0].Parts = []leak.Part{
		{Class: "onclose()", Holder: "Writable @9 'close'", GrowthBytes: 100},
		{Class: "PassThrough", GrowthBytes: 1024},
		{Class: "PassThrough", GrowthBytes: 1024},
		{Class: "PassThrough", GrowthBytes: 1024},
	}
	var buf bytes.Buffer
	WriteLeaksText(&buf, r, ui.Palette{})
	if out := buf.String(); !strings.Contains(out, "onclose() in Writable @9 'close' +100 B; PassThrough ×3 +3.0 KiB") {
		t.Errorf("parts not folded:\n%s", out)
	}
}

// TestManyEventsCapped: an emitter with sixty events names a few in text.
func TestManyEventsCapped(t *testing.T) {
	r := sampleReport()
	h := &leak.Holder{Class: "EventEmitter", ID: 9, Kind: "listeners", Event: "t0", Listeners: 250}
	for i := 1; i < 60; i++ {
		h.OtherEvents = append(h.OtherEvents, leak.EventListeners{Event: fmt.Sprintf("t%d", i), Listeners: 250})
	}
	r.Suspects[0].Holder = h
	var buf bytes.Buffer
	WriteLeaksText(&buf, r, ui.Palette{})
	if out := buf.String(); !strings.Contains(out, "'t8' (250) and 51 more events (all in --json)") || strings.Contains(out, "'t9'") {
		t.Errorf("events not capped:\n%s", out)
	}
}
