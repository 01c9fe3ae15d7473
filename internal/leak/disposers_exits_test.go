package leak

import (
	"strings"
	"testing"
)

// A factory's object disposed of in the render's callbacks, while the
// crawlers' branch returns first (blind evaluation 37 svc02): that return
// is the fix, not what dispose() fails to undo.
func TestSkippedDisposal(t *testing.T) {
	src := textSources{
		"/s/flags.js": `class Scoped {
  constructor(store) {
    this.store = store;
    store.on('update', this.onUpdate);
  }
  dispose() {
    this.store.off('update', this.onUpdate);
  }
}
function scoped(store) {
  return new Scoped(store);
}
`,
		"/s/server.js": `function render(req, res) {
  const flags = store.scoped(req);
  if (isBot(req)) {
    res.end(page(flags));
    return;
  }
  stream(flags, {
    onDone() {
      flags.dispose();
    },
    onError() {
      flags.dispose();
    },
  });
}
`}
	own := []string{"/s/flags.js", "/s/server.js"}
	hint := "listeners pile up" + disposerHint("Scoped", "dispose")
	got := calledDisposerBut(hint, own, src, nil, nil, nil)
	for _, want := range []string{"Scoped has a dispose() method; render() makes one at server.js:2 (const flags = store.scoped(req)) and calls flags.dispose() on some ways out, but server.js:5 returns without flags.dispose()", "; listeners pile up"} {
		if !strings.Contains(got, want) {
			t.Errorf("hint %q, want %q", got, want)
		}
	}
	if strings.Contains(got, "fails to undo") {
		t.Errorf("hint %q sends the reader into dispose()", got)
	}
	// Disposed of on every way out: nothing to tell.
	src["/s/server.js"] = strings.Replace(src["/s/server.js"], "    return;\n", "    flags.dispose();\n    return;\n", 1)
	if h, _ := skippedDisposal("Scoped", "dispose", own, src); h != "" {
		t.Errorf("every way out disposes, got %q", h)
	}
}

func TestDisposeEarlyReturn(t *testing.T) {
	_, s := seriesTop(t, "dispose-early-return")
	checkHint(t, s.Hint, []string{
		"quote() makes one at dispose-early-return.js:37 (const list = watchFor(symbols)) and calls list.release() on some ways out, but dispose-early-return.js:40 returns without list.release()",
	}, []string{"the work that keeps each one ends without reaching a removal"})
}
