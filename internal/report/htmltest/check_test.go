package htmltest

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"
)

func page(body, script string) []byte {
	const style = "body{color:red}"
	h := func(s string) string {
		x := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(x[:]) + "'"
	}
	return []byte(`<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ` +
		h(style) + `; script-src ` + h(script) + `"><style>` + style + `</style></head><body>` + body +
		`<script>` + script + `</script></body></html>`)
}

// The checker must catch what escaping failures look like in a browser.
func TestInspectCatches(t *testing.T) {
	if _, bad := Inspect(page(`<p>&lt;img src=x onerror=alert(1)&gt;</p><a href="#s1">x</a><svg><title>t</title></svg>`, "1"),
		"<img src=x onerror=alert(1)>"); len(bad) != 0 {
		t.Fatalf("a clean page fails: %v", bad)
	}
	for body, want := range map[string]string{
		`<img src=x onerror=alert(1)>`:                  "<img>",
		`<p onclick="x()">a</p>`:                        "event handler",
		`<a href="https://evil.example/">a</a>`:         "links outside",
		`<svg><a xlink:href="javascript:x">a</a></svg>`: "links outside",
		`<p style="background:url(x)">a</p>`:            "style attribute",
		`<script>alert(1)</script>`:                     "2 script",
		`<iframe srcdoc="x"></iframe>`:                  "<iframe>",
		`<!-- x -->`:                                    "comment",
	} {
		_, bad := Inspect(page(body, "1"))
		if !strings.Contains(strings.Join(bad, "\n"), want) {
			t.Errorf("%s: problems %q, want one about %q", body, bad, want)
		}
	}
	if _, bad := Inspect(page("", "fetch('https://x')")); len(bad) == 0 {
		t.Error("a fetching script passes")
	}
	if _, bad := Inspect(page("<p>a</p>", "1"), "missing"); len(bad) != 1 {
		t.Errorf("missing text: %v", bad)
	}
}
