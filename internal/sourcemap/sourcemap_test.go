package sourcemap

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// built is testdata/scenarios/built at the repository root: a TypeScript
// program compiled by tsc and bundled by esbuild (its build.sh).
func built(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "scenarios", "built")
}

// lineOf is the 0-based line and column of the first occurrence of text in
// the file.
func lineOf(t *testing.T, path, text string) (int, int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if c := strings.Index(l, text); c >= 0 {
			return i, c
		}
	}
	t.Fatalf("%q not in %s", text, path)
	return 0, 0
}

func TestTSC(t *testing.T) {
	dir := built(t)
	m, mp, err := Find(filepath.Join(dir, "dist", "quotes.js"), nil)
	if err != nil || m == nil {
		t.Fatalf("Find: %v %v", m, err)
	}
	if mp != filepath.Join(dir, "dist", "quotes.js.map") {
		t.Errorf("map path %s", mp)
	}
	src := filepath.Join(dir, "src", "quotes.ts")
	if len(m.Sources) != 1 || m.Sources[0] != src {
		t.Fatalf("sources %q, want [%s]", m.Sources, src)
	}
	if m.Segments() == 0 || m.Bytes() < 20*m.Segments() {
		t.Errorf("%d segments, %d bytes", m.Segments(), m.Bytes())
	}
	for _, text := range []string{"function poll(", "quoteBus.on(channel, onQuote)", "settle(code"} {
		gl, gc := lineOf(t, filepath.Join(dir, "dist", "quotes.js"), text)
		ol, _ := lineOf(t, src, text)
		p, ok := m.Original(gl, gc)
		if !ok || p.Source != src || p.Line != ol {
			t.Errorf("%q at dist %d:%d maps to %+v, want %s line %d", text, gl, gc, p, src, ol)
		}
	}
	// A line tsc added (exports.poll = poll;) maps somewhere in the source,
	// a line past the end nowhere.
	if _, ok := m.Original(1<<20, 0); ok {
		t.Error("a line past the end mapped")
	}
}

func TestBundle(t *testing.T) {
	dir := built(t)
	for _, b := range []string{"bundle", "bundle-min"} {
		t.Run(b, func(t *testing.T) {
			js := filepath.Join(dir, b, "server.js")
			m, _, err := Find(js, nil)
			if err != nil || m == nil {
				t.Fatalf("Find: %v %v", m, err)
			}
			lib := filepath.Join(dir, "..", "node_modules", "tiny-emit", "index.js")
			quotes := filepath.Join(dir, "src", "quotes.ts")
			want := map[string]bool{filepath.Clean(lib): false, quotes: false}
			for _, s := range m.Sources {
				if _, ok := want[s]; ok {
					want[s] = true
				}
			}
			for s, seen := range want {
				if !seen {
					t.Errorf("sources %q lack %s", m.Sources, s)
				}
			}
			// `.settle(204)` is in poll; `.splice(` in the library.
			for text, src := range map[string]string{".settle(204)": quotes, ".splice(": filepath.Clean(lib)} {
				gl, gc := lineOf(t, js, text)
				ol, _ := lineOf(t, src, text)
				p, ok := m.Original(gl, gc+1)
				if !ok || p.Source != src || p.Line != ol {
					t.Errorf("%q at %d:%d maps to %+v, want %s line %d", text, gl, gc, p, src, ol)
				}
			}
		})
	}
}

// An inline map (esbuild --sourcemap=inline) is the same map in a data:
// URL on the script's last line, longer than the first read of its end.
func TestInline(t *testing.T) {
	dir := built(t)
	js, err := os.ReadFile(filepath.Join(dir, "bundle", "server.js"))
	if err != nil {
		t.Fatal(err)
	}
	mp, err := os.ReadFile(filepath.Join(dir, "bundle", "server.js.map"))
	if err != nil {
		t.Fatal(err)
	}
	// Pad the map so the comment is longer than the first tail read.
	mp = append(bytes.TrimRight(mp, "\n}"), []byte(`,"x_pad":"`+strings.Repeat("p", 100<<10)+`"}`)...)
	i := bytes.LastIndex(js, []byte("//# sourceMappingURL="))
	out := append([]byte{}, js[:i]...)
	out = append(out, "//# sourceMappingURL=data:application/json;base64,"+base64.StdEncoding.EncodeToString(mp)+"\n"...)
	tmp := t.TempDir()
	p := filepath.Join(tmp, "server.js")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	m, _, err := Find(p, nil)
	if err != nil || m == nil {
		t.Fatalf("Find: %v %v", m, err)
	}
	gl, gc := lineOf(t, p, ".settle(204)")
	if q, ok := m.Original(gl, gc+1); !ok || !strings.HasSuffix(q.Source, "quotes.ts") {
		t.Errorf("maps to %+v", q)
	}
	// Sources resolve against the script's folder, as for a map file.
	if want := filepath.Join(filepath.Dir(tmp), "src", "quotes.ts"); m.Sources[3] != want {
		t.Errorf("sources %q, want %s last", m.Sources, want)
	}
}

func TestNoMap(t *testing.T) {
	tmp := t.TempDir()
	for name, text := range map[string]string{
		"plain.js":    "module.exports = 1;\n",
		"missing.js":  "x();\n//# sourceMappingURL=missing.js.map\n",
		"remote.js":   "x();\n//# sourceMappingURL=https://cdn.example/x.js.map\n",
		"one-line.js": strings.Repeat("x();", 50<<10),
	} {
		p := filepath.Join(tmp, name)
		os.WriteFile(p, []byte(text), 0o644)
		if m, _, err := Find(p, nil); m != nil || err != nil {
			t.Errorf("%s: %v %v, want no map", name, m, err)
		}
	}
	if m, _, err := Find(filepath.Join(tmp, "absent.js"), nil); m != nil || err != nil {
		t.Errorf("absent: %v %v", m, err)
	}
	// A map that is there but broken is an error, not a silent miss.
	os.WriteFile(filepath.Join(tmp, "bad.js"), []byte("x();\n//# sourceMappingURL=bad.js.map\n"), 0o644)
	os.WriteFile(filepath.Join(tmp, "bad.js.map"), []byte(`{"version":3,"sources":["a.ts"],"mappings":"AAAA,CC"}`), 0o644)
	if _, _, err := Find(filepath.Join(tmp, "bad.js"), nil); err == nil {
		t.Error("a broken map read without error")
	}
}

func TestMappings(t *testing.T) {
	// Line 0: col 0 → a.ts 0:0; col 4 → a.ts 1:2 named "f"; col 8: unmapped.
	// Line 1: nothing. Line 2: col 2 → b.ts 0:0.
	m, err := Parse([]byte(`{"version":3,"sources":["a.ts","b.ts"],"names":["f"],"mappings":"AAAA,IACEA,I;;ECDFA"}`), "/app/dist")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line, col int
		ok        bool
		src       string
		l, c      int
	}{
		{0, 0, true, "/app/dist/a.ts", 0, 0},
		{0, 3, true, "/app/dist/a.ts", 0, 0},
		{0, 4, true, "/app/dist/a.ts", 1, 2},
		{0, 7, true, "/app/dist/a.ts", 1, 2},
		{0, 9, false, "", 0, 0},
		{1, 0, false, "", 0, 0},
		{2, 0, true, "/app/dist/b.ts", 0, 0}, // before the line's first segment: that segment
		{2, 2, true, "/app/dist/b.ts", 0, 0},
		{2, 5, true, "/app/dist/b.ts", 0, 0},
		{3, 0, false, "", 0, 0},
		{-1, 0, false, "", 0, 0},
	}
	for _, w := range want {
		p, ok := m.Original(w.line, w.col)
		if ok != w.ok || ok && (p.Source != filepath.FromSlash(w.src) || p.Line != w.l || p.Column != w.c) {
			t.Errorf("Original(%d, %d) = %+v %v, want %s %d:%d %v", w.line, w.col, p, ok, w.src, w.l, w.c, w.ok)
		}
	}
	// Names only where a named segment starts.
	for _, c := range []struct {
		line, col int
		want      string
	}{{0, 4, "f"}, {0, 5, ""}, {0, 0, ""}, {2, 2, "f"}, {2, 1, ""}, {9, 0, ""}} {
		if got := m.NameAt(c.line, c.col); got != c.want {
			t.Errorf("NameAt(%d, %d) = %q, want %q", c.line, c.col, got, c.want)
		}
	}
	for _, bad := range []string{
		`{"version":2,"sources":[],"mappings":""}`,
		`{"version":3,"sources":["a"],"mappings":"AA"}`,           // 2 fields
		`{"version":3,"sources":["a"],"mappings":"ACAA"}`,         // source 1 of 1
		`{"version":3,"sources":["a"],"mappings":"AAAA,AADA"}`,    // line -1
		`{"version":3,"sources":["a"],"mappings":"AAAAA"}`,        // name 0 of 0
		`{"version":3,"sources":["a"],"mappings":"A!AA"}`,         // not base64
		`{"version":3,"sources":["a"],"mappings":"gggggggggggA"}`, // too big
		`{"version":3,"sources":["a"],"mappings":"AAAg"}`,         // cut off
		`{"version":3,"sections":[{}]}`,
		`not json`,
	} {
		if _, err := Parse([]byte(bad), ""); err == nil {
			t.Errorf("Parse(%s) = nil error", bad)
		}
	}
}

func TestResolve(t *testing.T) {
	for _, c := range []struct{ dir, root, src, want string }{
		{"/app/dist", "", "../src/a.ts", "/app/src/a.ts"},
		{"/app/dist", "../src/", "a.ts", "/app/src/a.ts"},
		{"/app/dist", "", "/abs/a.ts", "/abs/a.ts"},
		{"/app/dist", "", "file:///app/src/a.ts", "/app/src/a.ts"},
		{"/app/dist", "", "webpack://app/./src/a.ts", "webpack://app/./src/a.ts"},
		{"", "", "a.ts", "a.ts"},
	} {
		if runtime.GOOS == "windows" {
			break
		}
		if got := resolve(c.dir, c.root, c.src); got != c.want {
			t.Errorf("resolve(%q, %q, %q) = %q, want %q", c.dir, c.root, c.src, got, c.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"version":3,"sources":["a.ts","b.ts"],"names":["f"],"mappings":"AAAA,ICCEA,I;;ECEFA"}`), 0, 4)
	f.Add([]byte(`{"version":3,"sources":["a"],"sourcesContent":["x"],"mappings":";;AAAA,CAAC,CAAC;AACA"}`), 2, 1)
	f.Add([]byte(`{"version":3,"sources":[null],"mappings":"BAAB,D"}`), 0, 0)
	f.Fuzz(func(t *testing.T, data []byte, line, col int) {
		m, err := Parse(data, "/app")
		if err != nil {
			return
		}
		for _, l := range []int{line, 0, line + 1} {
			if p, ok := m.Original(l, col); ok {
				found := false
				for _, s := range m.Sources {
					found = found || s == p.Source
				}
				if !found {
					t.Fatalf("source %q not among %q", p.Source, m.Sources)
				}
			}
		}
		for i := range m.Sources {
			m.Content(i)
		}
		m.NameAt(line, col)
		if m.Bytes() < 0 {
			t.Fatal("negative size")
		}
	})
}
