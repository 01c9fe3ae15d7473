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
	if m, _ := textKeys([]string{strings.Repeat("x", 1024), strings.Repeat("y", 1024), strings.Repeat("z", 1024)}); !strings.Contains(m.hint("c"), "over 1,000 characters") {
		t.Errorf("V8's cut-off length: %q", m.hint("c"))
	}
}
