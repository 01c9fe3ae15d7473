package leak

import (
	"strings"
	"testing"
)

func TestTextKeys(t *testing.T) {
	page := "<!doctype html>\n<html>\n<body>{{body}}</body>\n" + strings.Repeat("<p>footer</p>", 20)
	texts := []string{page + "a", page + "b", page + "c", "short"}
	m, ok := textKeys(texts)
	if !ok || m.avg < 200 || !strings.HasPrefix(m.example, "<!doctype html>") {
		t.Fatalf("textKeys = %+v %v", m, ok)
	}
	h := m.hint("the dictionary cache")
	if !strings.Contains(h, `like "<!doctype html> <html> <body>{{body}}</b…"`) || !strings.Contains(h, "pass what varies as data") {
		t.Errorf("hint %q", h)
	}
	for _, keys := range [][]string{
		{"user:1", "user:2", "user:3"}, // ids: keys.go's business
		{page, page},                   // too few to tell
		{page, "a", "b", "c"},          // mostly short
	} {
		if _, ok := textKeys(keys); ok {
			t.Errorf("textKeys(%.20q…) = true", keys)
		}
	}
	// Tokens (a JWT, base64): ids, however long.
	jwt := "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsyIn0." + strings.Repeat("eyJzdWIiOiJ1MSJ9", 20) + ".sig"
	if _, ok := textKeys([]string{jwt + "a", jwt + "b", jwt + "c"}); ok {
		t.Error("tokens read as texts")
	}
	if m, _ := textKeys([]string{strings.Repeat("x ", 512), strings.Repeat("y ", 512), strings.Repeat("z ", 512)}); !strings.Contains(m.hint("c"), "over 1,000 characters") {
		t.Errorf("V8's cut-off length: %q", m.hint("c"))
	}
}

// TestBuiltText: a text built in the call that hands it to the library
// is the fix; a field or a variable passed is not told apart from a fixed
// template, so nothing is said.
func TestBuiltText(t *testing.T) {
	st := &Statement{Script: "/app/compose.js", Line: 17, Text: "const body = Mustache.render(personalise(campaign.body, recipient), view)"}
	if got := builtText(st); !strings.HasPrefix(got, "compose.js:17 hands the library personalise(campaign.body, recipient), a text built at each call") {
		t.Errorf("builtText = %q", got)
	}
	st.Text = "const subject = Mustache.render(campaign.subject, view)"
	if got := builtText(st); got != "" {
		t.Errorf("a field: %q", got)
	}
	st.Text = "const sql = db.prepare(`SELECT * FROM t WHERE id = ${id}`)"
	if got := builtText(st); !strings.Contains(got, "hands the library `SELECT") {
		t.Errorf("a template literal: %q", got)
	}
}
