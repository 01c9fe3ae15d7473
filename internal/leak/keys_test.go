package leak

import (
	"strings"
	"testing"
)

// TestKeyParts: where a key is cut into the part that repeats and the
// part unique to each call, and which parts look like ids.
func TestKeyParts(t *testing.T) {
	for _, c := range []struct {
		key, first, rest string
		ok               bool
		id               bool
	}{
		{"t_acme:c12bf88e-7a1d-4c3e-9f00-1b2c3d4e5f60", "t_acme", "c12bf88e-7a1d-4c3e-9f00-1b2c3d4e5f60", true, true},
		// A logger named per request: cut at the last dot.
		{"http.account.transfer.req-00000e47-nj857", "http.account.transfer", "req-00000e47-nj857", true, true},
		{"usr_8f3k29d1", "", "", false, false},
		// Names, not ids.
		{"config.user-settings-v2", "config", "user-settings-v2", true, false},
		{"a.b.c", "a.b", "c", true, false},
		{"plain", "", "", false, false},
	} {
		f, r, ok := splitKey(c.key)
		if f != c.first || r != c.rest || ok != c.ok {
			t.Errorf("splitKey(%q) = %q, %q, %v; want %q, %q, %v", c.key, f, r, ok, c.first, c.rest, c.ok)
		}
		if ok && (idKind(r) != "") != c.id {
			t.Errorf("idKind(%q) = %q, want an id: %v", r, idKind(r), c.id)
		}
	}
	if idKind("usr_8f3k29d1") != "an id" {
		t.Errorf("a tagged id: %q", idKind("usr_8f3k29d1"))
	}
}

// TestPortParts: a key that ends with an address and a port ends with a
// client's source port; a number after a name is not one.
func TestPortParts(t *testing.T) {
	for _, c := range []struct {
		first, rest string
		port        bool
	}{
		{"anon:127.0.0.1", "43472", true},
		{"10.1.2.3", "8080", true},
		{"ip:::1", "51234", true},
		{"[2001:db8::1]", "443", true},
		{"anon:127.0.0.1", "0443", false},
		{"anon:127.0.0.1", "70000", false},
		{"page", "43472", false},
		{"v1.2.3", "4", false},
		{"1.2.3.4.5", "80", false},
	} {
		if got := portPart(c.first, c.rest); got != c.port {
			t.Errorf("portPart(%q, %q) = %v, want %v", c.first, c.rest, got, c.port)
		}
	}
}

// TestObjectKeyCopies: a Map keyed by record objects read again per call
// (JSON copies of 40 account rows) has many keys and few contents: the
// fix says to key it by the record's identifying field, named through
// the key the program passes where it adds (blind set 34, svc07).
func TestObjectKeyCopies(t *testing.T) {
	_, s := seriesTop(t, "object-keys")
	want := "is keyed by objects ({slug, region, plan})"
	if s.Class != "AccountClient" || !strings.Contains(s.Hint, want) || !strings.Contains(s.Hint, "hold only 40 distinct contents") || !strings.Contains(s.Hint, "key it by account.slug") {
		t.Errorf("%s %s: hint %q", s.Pattern, s.Class, s.Hint)
	}
}
