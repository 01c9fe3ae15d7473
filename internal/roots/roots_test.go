package roots

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	root, other := t.TempDir(), t.TempDir()
	in := filepath.Join(root, "a.heapsnapshot")
	out := filepath.Join(other, "b.heapsnapshot")
	for _, p := range []string{in, out} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r, err := New([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(in)
	for _, p := range []string{in, "a.heapsnapshot", filepath.Join(root, "x", "..", "a.heapsnapshot")} {
		if got, err := r.Check(p); err != nil || got != real {
			t.Errorf("Check(%s) = %s, %v; want %s", p, got, err, real)
		}
	}
	for _, p := range []string{out, filepath.Join(root, "..", filepath.Base(other), "b.heapsnapshot"), "", filepath.Join(root, "missing")} {
		if _, err := r.Check(p); err == nil {
			t.Errorf("Check(%q) allowed", p)
		}
	}
	if _, err := r.Check(out); err == nil || !strings.Contains(err.Error(), "outside the folders") {
		t.Errorf("outside: %v", err)
	}
	link := filepath.Join(root, "link")
	if os.Symlink(out, link) == nil && r.Allows(link) {
		t.Error("a link out of the root allowed")
	}
	if _, err := New([]string{in}); err == nil {
		t.Error("a file taken for a root")
	}
}
