package leak

import "testing"

// A plugin handed to a library inside a per-call function (markdown-it's
// md.use(tableOfContents) per article, blind evaluation 37 svc04): that
// line leads, the plugin's add is where they are added, and the library's
// own add is its push(), the method the plugin calls.
func TestPluginPerCall(t *testing.T) {
	_, s := seriesTop(t, "plugin-per-call")
	checkHint(t, s.Hint, []string{
		"plugin-per-call.js:28 hands outlinePlugin to the library inside renderNote() (notes.use(outlinePlugin, {…})), which runs at each call",
		"plugin-per-call.js:10: mk.chain.push('outline', (state) => {…})",
		"hand it over once, at startup",
		"(as plugin-per-call.js:24 does",
	}, []string{"an LRU", "before()"})
	if a := s.AddedAt; a == nil || a.Line != 10 || a.Library == nil || a.Library.Line != 11 {
		t.Errorf("added at %+v, want plugin-per-call.js:10 through tiny-markup's push (index.js:11)", a)
	}
}
