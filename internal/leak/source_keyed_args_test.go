package leak

import "testing"

// A compile cache keyed by the hash of its argument, fed a source with a
// value spliced in at each call (blind evaluation 37 svc01): that caller
// and the line that builds its text lead the fix; the caller that passes
// fixed texts is not named.
func TestBuiltArgCaller(t *testing.T) {
	_, s := seriesTop(t, "cache-built-source")
	checkHint(t, s.Hint, []string{
		"cache-built-source.js:26 hands compileSource() frameText, a text built at each call at cache-built-source.js:25 (const frameText = FRAME.replace(",
		"compileSource() keys what it keeps by that text (cache-built-source.js:16)",
	}, []string{"cache-built-source.js:30"})
}

func TestBuiltExpr(t *testing.T) {
	for expr, want := range map[string]bool{
		"src.replace('<!--x-->', v)": true, "`a ${b}`": true, "'a' + b": true, "b + '.hbs'": true,
		"text": false, "SNIPPETS[i % 2]": false, "`fixed`": false, "a + b": false,
	} {
		if got := builtExprRe.MatchString(expr); got != want {
			t.Errorf("%q built: %v, want %v", expr, got, want)
		}
	}
}
