package leak

import (
	"strings"
	"testing"
)

// A listener made in the adding call, and a removal of another function
// for the same receiver and event: that removal is named as the one that
// removes nothing.
func TestInlineRemoval(t *testing.T) {
	src := textSources{
		"/app/hub.js": "function attach(ws, session) {\n  presence.on('update', (u) => session.onPresence(u));\n  ws.on('close', () => {\n    presence.off('update', session.onPresence);\n  });\n}",
	}
	added := &Statement{Script: "/app/hub.js", Line: 2, Text: "presence.on('update', (u) => session.onPresence(u));"}
	fix := inlineRemoval(added, []string{"/app/hub.js"}, src)
	for _, want := range []string{"hub.js:4 (presence.off('update', session.onPresence)) removes a function that was never added", "added at hub.js:2 is made in that call"} {
		if !strings.Contains(fix, want) {
			t.Errorf("fix %q: want %q", fix, want)
		}
	}
	// Added by reference: the removal may well be right.
	if f := inlineRemoval(&Statement{Script: "/app/hub.js", Line: 2, Text: "presence.on('update', onUpdate);"}, nil, src); f != "" {
		t.Errorf("a named listener: %q", f)
	}
	// Another receiver's removal is not this one's.
	if f := inlineRemoval(&Statement{Script: "/app/hub.js", Line: 2, Text: "typing.on('update', (u) => x(u));"}, nil, src); f != "" {
		t.Errorf("another receiver: %q", f)
	}
}

// A listener added as a bound method and removed as the method itself,
// through another reference to the same emitter: the removal removes
// nothing, since bind() made a new function.
func TestInlineRemovalBound(t *testing.T) {
	src := textSources{
		"/app/flags.js": "class RequestFlags {\n  constructor(store) {\n    this.store = store;\n    store.on('change', this.refresh.bind(this));\n  }\n  dispose() {\n    this.store.removeListener('change', this.refresh);\n  }\n}",
	}
	added := &Statement{Script: "/app/flags.js", Line: 4, Text: "store.on('change', this.refresh.bind(this));"}
	fix := inlineRemoval(added, []string{"/app/flags.js"}, src)
	for _, want := range []string{"flags.js:7 (this.store.removeListener('change', this.refresh)) removes a function that was never added", "this.refresh.bind(…), a new function", "this.onChange = this.refresh.bind(this)"} {
		if !strings.Contains(fix, want) {
			t.Errorf("fix %q: want %q", fix, want)
		}
	}
}

// A removal in an if block that returns: the rest of the function is the
// other branch, and it goes on without the removal.
func TestSkippedBranch(t *testing.T) {
	src := textSources{"/app/rpc.js": "class C {\n  onFrame(frame) {\n    const entry = this.pending.get(frame.id);\n    if (!entry) return;\n    if (frame.ok) {\n      this.pending.delete(frame.id);\n      entry.resolve(frame.data);\n      return;\n    }\n    this.emit('remote-error', frame.error);\n  }\n}"}
	e := skippedBranch(&Statement{Script: "/app/rpc.js", Line: 6, Text: "this.pending.delete(frame.id);"}, src)
	if e == nil || e.at.Line != 10 || !strings.Contains(e.kind, "if (frame.ok) is not taken") {
		t.Fatalf("exit %+v: want line 10, past if (frame.ok)", e)
	}
	// Both branches clean up: nothing to say.
	both := textSources{"/app/rpc.js": strings.Replace(src["/app/rpc.js"], "    this.emit('remote-error', frame.error);", "    this.pending.delete(frame.id);", 1)}
	if e := skippedBranch(&Statement{Script: "/app/rpc.js", Line: 6, Text: "this.pending.delete(frame.id);"}, both); e != nil {
		t.Errorf("both branches remove: %+v", e)
	}
}

// node's events.once() given a signal: its resolver's scope keeps the
// AbortSignal, a few references on.
func TestAbortableWait(t *testing.T) {
	s := &Suspect{RetainerPath: []PathStep{
		{Edge: "inbox:u4736", Type: "closure", Name: "wrapper"},
		{Edge: "listener", Type: "closure", Name: "resolver"},
		{Edge: "context", Type: "object", Class: "system / Context"},
		{Edge: "previous", Type: "object", Class: "system / Context"},
		{Edge: "signal", Type: "object", Class: "AbortSignal"},
	}}
	if !abortableWait(s) {
		t.Error("once() with a signal: want an abortable wait")
	}
	s.RetainerPath[4].Edge = "socket"
	if abortableWait(s) {
		t.Error("no signal: not abortable")
	}
}

// Pending calls kept as { method, params, resolve, reject } and deleted
// on an ok reply only: the entry is the class (not the TimeoutError its
// raced promise keeps), the code is the call that makes it, and the fix
// names the error branch that goes on without the delete.
func TestPendingEntryRaced(t *testing.T) {
	t.Parallel()
	_, s := seriesTop(t, "pending-race")
	if s.Class != "{method, params, resolve, reject}" {
		t.Errorf("class %q: want the pending entry", s.Class)
	}
	if l := s.Location; l == nil || l.Function != "call" {
		t.Errorf("code %+v: want call()", s.Location)
	}
	if !strings.Contains(s.Hint, "pending-race.js:28 is where the function goes on when if (frame.ok) is not taken") {
		t.Errorf("hint %q", s.Hint)
	}
}
