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
