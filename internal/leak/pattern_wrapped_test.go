package leak

import (
	"bytes"
	"testing"
)

// A hook wrapped per call whose put-back a throw skips (preact's
// options.vnode, blind evaluation 37 svc08), and one never put back: the
// chain, the line that wraps, the finally.
func TestWrappedHook(t *testing.T) {
	for _, c := range []struct {
		name       string
		want, dont []string
	}{
		{"hook-wrapped",
			[]string{"hook-wrapped.js:22 sets driver.onQuery to a new recordQuery() on every call, which keeps the previous one (variable before)",
				"hook-wrapped.js:27 puts the previous one back (driver.onQuery = before), but only when the lines before it return: a throw from hook-wrapped.js:26",
				"finally { driver.onQuery = before; }"},
			[]string{"unregister callbacks"}},
		{"hook-wrapped-never",
			[]string{"hook-wrapped-never.js:18 sets reporter.send to a new function on every call, which keeps the previous one (variable original)",
				"nothing puts the previous one back"},
			[]string{"unregister callbacks"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, s := seriesTop(t, c.name)
			if len(rep.Suspects) != 1 {
				t.Errorf("%d suspects, want the chain alone", len(rep.Suspects))
			}
			if s.Pattern != PatternClosure || s.AddedAt == nil || !bytes.Contains([]byte(s.AddedAt.Text), []byte(" = ")) {
				t.Errorf("pattern %s, added at %+v: want closures added by the assignment", s.Pattern, s.AddedAt)
			}
			checkHint(t, s.Hint, c.want, c.dont)
		})
	}
}

func TestInFinallyBlock(t *testing.T) {
	src := bytes.Split([]byte(`function f() {
  const prev = o.h;
  o.h = function g() { prev(); };
  try {
    work();
  } finally {
    o.h = prev;
  }
  o.h = prev;
}`), []byte("\n"))
	if !inFinallyBlock(src, 0, 6) {
		t.Error("line 7 is in the finally block")
	}
	if inFinallyBlock(src, 0, 8) {
		t.Error("line 9 is not")
	}
	for line, want := range map[string]string{
		"  options.vnode = function collectHeadTags(vnode) {": "options.vnode",
		"  reporter . send = (line) => original(line);":       "reporter . send",
		"  res.end = async (...args) => {":                    "res.end",
		"  handler = function () {":                           "",
		"  this.x.y = value;":                                 "",
	} {
		got := ""
		if m := hookSetRe.FindStringSubmatch(line); m != nil {
			got = m[1]
		}
		if got != want {
			t.Errorf("%q: target %q, want %q", line, got, want)
		}
	}
}
