package leak

import (
	"strings"
	"testing"
)

// TestAwaitedEvent: renders that wait with events.once() for an event of
// their own, emitted only when the work succeeds: the await is the code,
// the events are one per call, and the fix names the emit and the throw
// that skips it.
func TestAwaitedEvent(t *testing.T) {
	t.Parallel()
	rep, s := seriesTop(t, "await-event")
	if len(rep.Suspects) != 1 {
		t.Errorf("%d suspects: want the listeners and the events' names as one", len(rep.Suspects))
	}
	if h := s.Holder; s.Pattern != PatternEventListener || h == nil || h.EventsLike < 50 || EventShape(h.Event) != "rendered:<id>" {
		t.Fatalf("%s holder %+v: want the 'rendered:<id>' events", s.Pattern, s.Holder)
	}
	if b := s.Bulk; b == nil || b.Frame == nil || b.Frame.Function != "render" {
		t.Errorf("bulk %+v: want the suspended render()", s.Bulk)
	}
	if l := s.Location; l == nil || l.Line != 17 {
		t.Errorf("code %+v: want the await, line 17", s.Location)
	}
	for _, want := range []string{"each call of async render() waits at await-event.js:17", "emits it at await-event.js:25", "await-event.js:26 catches an error without it (} catch (err) {), where the throw at line 24 leads", "AbortSignal.timeout"} {
		if !strings.Contains(s.Hint, want) {
			t.Errorf("hint %q: want %q", s.Hint, want)
		}
	}
}

func TestEventShape(t *testing.T) {
	for in, want := range map[string]string{
		"issued:332":     "issued:<id>",
		"reply-9f2c41d0": "reply-<id>",
		"job:3b241101-e2bb-4255-8caf-4136c566a962": "job:<id>",
		"data":     "data",
		"v2:ready": "v<id>:ready",
	} {
		if got := EventShape(in); got != want {
			t.Errorf("EventShape(%q) = %q, want %q", in, got, want)
		}
	}
}

// The emit of an awaited event and the way out of its function that skips
// it: a throw before it, a catch without it, a return.
func TestEmitSkipped(t *testing.T) {
	for _, c := range []struct {
		name, event, src string
		emit, skip       int // 1-based lines; 0: none
	}{
		{"catch", "done:17", "worker.on('job', (id) => {\n  try {\n    run(id);\n    bus.emit(`done:${id}`);\n  } catch (err) {\n    log(err);\n  }\n});", 4, 5},
		{"return", "ready", "function finish(ok) {\n  if (!ok) return;\n  bus.emit('ready');\n}", 3, 2},
		{"every way", "done:4", "async function work(id) {\n  try {\n    await run(id);\n  } finally {\n    bus.emit('done:' + id);\n  }\n}", 5, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := textSources{"/app/w.js": c.src}
			emit := emitOf(&Holder{Event: c.event}, []string{"/app/w.js"}, src)
			if emit == nil || emit.Line != c.emit {
				t.Fatalf("emit %+v, want line %d", emit, c.emit)
			}
			e := emitSkipped(emit, src)
			got := 0
			if e != nil {
				got = e.at.Line
			}
			if got != c.skip {
				t.Errorf("skipped at %d, want %d (%+v)", got, c.skip, e)
			}
		})
	}
}

// Two once() listeners per call for its two outcomes: the sibling of the
// one that stays is named, with its line.
func TestSiblingOnce(t *testing.T) {
	src := textSources{"/app/jobs.js": "function waitFor(job) {\n  return new Promise((resolve, reject) => {\n    bus.once(`done:${job.id}`, (r) => {\n      resolve(r);\n    });\n    bus.once(`failed:${job.id}`, (err) => {\n      reject(err);\n    });\n  });\n}"}
	h := &Holder{Event: "failed:c4BVHwEtceRi", EventsLike: 300}
	added := &Statement{Script: "/app/jobs.js", Line: 6, Text: "bus.once(`failed:${job.id}`, (err) => {"}
	other := siblingOnce(h, added, src)
	if other == nil || other.Line != 3 {
		t.Fatalf("sibling %+v, want the done: listener at line 3", other)
	}
	hint := siblingOnceHint(h, added, other)
	for _, want := range []string{"bus.once(`done:${job.id}`, …) (jobs.js:3)", "once() removes only the listener whose event fired", "'failed:<id>': 300 events"} {
		if !strings.Contains(hint, want) {
			t.Errorf("hint %q: want %q", hint, want)
		}
	}
	// One listener per call: no sibling.
	if o := siblingOnce(h, &Statement{Script: "/app/jobs.js", Line: 3, Text: "bus.on(`done:${job.id}`, (r) => {"}, src); o != nil {
		t.Errorf("an on() listener: sibling %+v", o)
	}
}

// The program's export a library's object hangs from (rxjs's
// shareReplay() subject under streams.js's orderEvents$).
func TestProgramExport(t *testing.T) {
	src := textSources{"/app/src/streams.js": "'use strict';\nconst { shareReplay } = require('rxjs');\nconst orderEvents$ = source$.pipe(shareReplay());\nmodule.exports = { orderEvents$ };"}
	path := []PathStep{
		{Class: "Object", Edge: "_cache"},
		{Class: "Module", Edge: "/app/src/streams.js", EdgeType: "property"},
		{Class: "Object", Edge: "exports", EdgeType: "property"},
		{Class: "Observable", Edge: "orderEvents$", EdgeType: "property"},
		{Class: "ReplaySubject", Edge: "subject", EdgeType: "context"},
	}
	st, name := programExport(path, src)
	if st == nil || st.Line != 3 || name != "orderEvents$" {
		t.Errorf("export %+v %q: want orderEvents$ at line 3", st, name)
	}
}
