package mcpserver

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/roots"
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
	r, err := roots.New([]string{root})
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

// Source maps too: a built script under a root is told in its sources
// only when its map is under a root as well, and original sources outside
// them are neither read nor listed.
func TestSourceMapsStayUnderRoots(t *testing.T) {
	root, other := t.TempDir(), t.TempDir()
	const mapText = `{"version":3,"sources":["src/a.ts","%s"],"mappings":"AAAA;ACAA"}`
	write := func(p, text string) {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(other, "b.ts")
	write(outside, "secret();\n")
	os.Mkdir(filepath.Join(root, "src"), 0o755)
	write(filepath.Join(root, "src", "a.ts"), "a();\n")
	// in.js's map is beside it; away.js's map is in the other folder.
	write(filepath.Join(root, "in.js"), "a();\nb();\n//# sourceMappingURL=in.js.map\n")
	write(filepath.Join(root, "in.js.map"), fmt.Sprintf(mapText, filepath.ToSlash(outside)))
	write(filepath.Join(root, "away.js"), "a();\n//# sourceMappingURL="+filepath.ToSlash(filepath.Join(other, "away.js.map"))+"\n")
	write(filepath.Join(other, "away.js.map"), fmt.Sprintf(mapText, filepath.ToSlash(outside)))
	r, err := roots.New([]string{root})
	if err != nil {
		t.Fatal(err)
	}
	s := (&Server{roots: r}).sources().(leak.SourceMaps)
	if p, _, ok := s.Original(filepath.Join(root, "in.js"), 1, 1, ""); !ok || p.Script != filepath.Join(root, "src", "a.ts") {
		t.Errorf("in.js:1 maps to %+v %v, want src/a.ts", p, ok)
	}
	if from := s.MadeFrom(filepath.Join(root, "in.js")); len(from) != 1 || from[0] != filepath.Join(root, "src", "a.ts") {
		t.Errorf("made from %q, want only src/a.ts (b.ts is outside the root)", from)
	}
	if p, _, ok := s.Original(filepath.Join(root, "away.js"), 1, 1, ""); ok {
		t.Errorf("away.js mapped through a map outside the root: %+v", p)
	}
	if _, ok := (&Server{roots: r}).sources().Read(outside); ok {
		t.Errorf("%s outside the root read", outside)
	}
}
