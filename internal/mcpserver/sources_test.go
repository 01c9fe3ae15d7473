package mcpserver

import (
	"os"
	"path/filepath"
	"testing"
)

// The leak report's "added at" reads the program's scripts only under the
// server's roots, links resolved, like every other file it reads.
func TestSourcesStayUnderRoots(t *testing.T) {
	root, other := t.TempDir(), t.TempDir()
	in := filepath.Join(root, "app.js")
	out := filepath.Join(other, "secret.js")
	for _, p := range []string{in, out} {
		if err := os.WriteFile(p, []byte("cache.set(k, v);\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(root, "link.js")
	if err := os.Symlink(out, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	r, err := newRoots([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	s := (&Server{roots: r}).sources()
	if _, ok := s.Read(in); !ok {
		t.Errorf("%s under the root not read", in)
	}
	for _, p := range []string{out, "file://" + filepath.ToSlash(out), link, filepath.Join(root, "..", filepath.Base(other), "secret.js")} {
		if _, ok := s.Read(p); ok {
			t.Errorf("%s outside the root read", p)
		}
	}
	if sib := s.Siblings(in); len(sib) != 1 || sib[0] != in {
		t.Errorf("siblings %v, want only %s (the link leads out)", sib, in)
	}
	if sib := s.Siblings(out); sib != nil {
		t.Errorf("siblings of a script outside the root: %v", sib)
	}
}
