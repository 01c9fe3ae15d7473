package leak

import (
	"fmt"
	"strings"
	"testing"
)

// TestTTLZero: a node-cache whose stdTTL rounds down to 0 seconds never
// expires; the fix says so at the statement that creates it, and the
// statement that adds is the program's set(). In ttl-zero-ticking the
// cache's check timer fires between snapshots (as it did in ttl-zero on a
// busy CI machine), so a new Timeout dominates the cache at every snapshot:
// still one leak, not a second one of a timer slot.
func TestTTLZero(t *testing.T) {
	for _, name := range []string{"ttl-zero", "ttl-zero-ticking"} {
		t.Run(name, func(t *testing.T) {
			rep, err := seriesReport(t, name)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Suspects) != 1 {
				var got []string
				for _, s := range rep.Suspects {
					got = append(got, fmt.Sprintf("%s %s %v (+%d B) at %s", s.Pattern, s.Class, s.Count, s.GrowthBytes, s.PathText))
				}
				t.Fatalf("%d suspects, want 1:\n%s", len(rep.Suspects), strings.Join(got, "\n"))
			}
			s := rep.Suspects[0]
			if !strings.Contains(s.Hint, "is given stdTTL: Math.floor(windowMs / 1000), rounded down to whole seconds") || !strings.Contains(s.Hint, "pass windowMs / 1000") ||
				s.AddedAt == nil || s.AddedAt.Text != "this.cache.set(key, receipt);" {
				t.Errorf("hint %q, added at %+v", s.Hint, s.AddedAt)
			}
		})
	}
}

// TestCacheCallCauses: a node-cache set() given a ttl that may be 0 under a
// guard that lets 0 through (blind set 29, svc04), and a memoized call with
// an object built just before it (svc01), are named as the cause, with the
// library's own add on the through line.
func TestCacheCallCauses(t *testing.T) {
	cases := []struct{ name, hint, added, through string }{
		{"ttl-entry-zero", "ttl-entry-zero.js:18 gives each entry its own ttl (ttl), and its guard lets 0 through (ttl >= 0)",
			"if (ttl >= 0) answers.set(key, body, ttl);", "this.data[key] = "},
		{"memo-fresh-arg", "memo-fresh-arg.js:29 calls cachedQuote with request, an object built anew on each call (memo-fresh-arg.js:25)",
			"return cachedQuote(request);", "cache.set(arg, value);"},
		// The memoizer's cache reached through its module's WeakMap
		// (p-memoize, blind set 29 svc08): the key option is named.
		{"memo-key-option", "memo-key-option.js:22: cacheKey: ([ctx]) => JSON.stringify(ctx)",
			"return evaluate(ctx);", "cache.set(key, value);"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := seriesReport(t, c.name)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Suspects) == 0 {
				t.Fatal("no suspects")
			}
			s := rep.Suspects[0]
			if !strings.Contains(s.Hint, c.hint) || s.AddedAt == nil || s.AddedAt.Text != c.added ||
				s.AddedAt.Library == nil || !strings.HasPrefix(s.AddedAt.Library.Text, c.through) {
				t.Errorf("hint %q, added at %+v", s.Hint, s.AddedAt)
			}
		})
	}
}

func TestTTLHint(t *testing.T) {
	src := textSources{"/app/guard.js": "class G {\n  constructor({ windowMs }) {\n    this.cache = new NodeCache({ stdTTL: Math.floor(windowMs / 1000), checkperiod: 1 });\n  }\n}\n"}
	h := &Holder{Package: "node-cache", OwnerName: "cache"}
	if got := ttlHint(h, []string{"/app/guard.js"}, src); !strings.Contains(got, "/app/guard.js:3 is given stdTTL: Math.floor(windowMs / 1000)") {
		t.Errorf("ttlHint = %q", got)
	}
	// A window of a second or more does not round to 0.
	src["/app/guard.js"] = "const windowMs = 5000;\nconst cache = new NodeCache({ ttl: (windowMs / 1000) | 0 });\n"
	if got := ttlHint(h, []string{"/app/guard.js"}, src); got != "" {
		t.Errorf("ttlHint with windowMs = 5000: %q", got)
	}
	src["/app/guard.js"] = "const cache = new NodeCache({ ttl: (opts.windowMs / 1000) | 0 });\n"
	if got := ttlHint(h, []string{"/app/guard.js"}, src); !strings.Contains(got, "0 when opts.windowMs is under 1000") {
		t.Errorf("ttlHint with | 0: %q", got)
	}
}
