package leak

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltPrograms runs one TypeScript program as node runs it in
// production (testdata/scenarios/built, from its build.sh): compiled by tsc
// to dist/ with a map per file, bundled by esbuild with the library it
// imports into one file, and that bundle minified. Each must be told in
// the TypeScript source: the same class, function, holder and lines, with
// the built file's position beside them.
func TestBuiltPrograms(t *testing.T) {
	dir := filepath.Join(scenarioDir(t), "built")
	quotes := filepath.Join(dir, "src", "quotes.ts")
	for _, c := range []struct{ name, built string }{
		{"built/dist/main", filepath.Join(dir, "dist", "quotes.js")},
		{"built/bundle/server", filepath.Join(dir, "bundle", "server.js")},
		{"built/bundle-min/server", filepath.Join(dir, "bundle-min", "server.js")},
	} {
		t.Run(filepath.Dir(c.name[len("built/"):]), func(t *testing.T) {
			_, top := seriesTop(t, c.name)
			checkBuilt(t, top.Pattern, top.Class, top.Location, top.AddedAt, top.Holder, top.Hint, quotes, c.built)
			// The last snapshot alone tells it the same way.
			s := lastSnapshotReport(t, c.name).Suspects[0]
			checkBuilt(t, s.Pattern, s.Class, s.Location, s.AddedAt, s.Holder, s.Hint, quotes, c.built)
		})
	}
}

func checkBuilt(t *testing.T, p Pattern, class string, loc *Location, added *Statement, h *Holder, hint, quotes, built string) {
	t.Helper()
	if p != PatternEventListener || class != "PendingPoll" {
		t.Errorf("%s %s, want event-listener PendingPoll", p, class)
	}
	if loc == nil || loc.Script != quotes || loc.Function != "onQuote" || loc.Built == nil || loc.Built.Script != built {
		t.Errorf("location %+v (built %+v), want onQuote in %s, built in %s", loc, loc.Built, quotes, built)
	} else if want, _ := lineOf(t, quotes, "function onQuote("); loc.Line != want {
		t.Errorf("location line %d, want %d", loc.Line, want)
	}
	if added == nil || added.Script != quotes || !strings.Contains(added.Text, "quoteBus.on(channel, onQuote)") {
		t.Errorf("added at %+v, want quoteBus.on in %s", added, quotes)
	}
	if h == nil || h.Owner != "TaskCollection" || h.Package != "tiny-emit" {
		t.Errorf("holder %+v, want tiny-emit's TaskCollection", h)
	}
	if !strings.Contains(hint, "quoteBus.off(channel, onQuote)") {
		t.Errorf("hint %q does not name the removal in the source", hint)
	}
}

// lineOf is the 1-based line of the first occurrence of text in the file.
func lineOf(t *testing.T, path, text string) (int, bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, text) {
			return i + 1, true
		}
	}
	t.Fatalf("%q not in %s", text, path)
	return 0, false
}

// A map whose sources are not on this machine (a webpack:// name) still
// gives their text when it carries it (sourcesContent).
func TestMappedContent(t *testing.T) {
	dir := t.TempDir()
	js := filepath.Join(dir, "main.js")
	os.WriteFile(js, []byte("function a(b){return b}\n//# sourceMappingURL=main.js.map\n"), 0o644)
	os.WriteFile(js+".map", []byte(`{"version":3,"sources":["webpack://app/./src/a.ts"],"sourcesContent":["export function add(x: number) {\n  return x;\n}\n"],"names":["add"],"mappings":"AAAA,SAASA"}`), 0o644)
	src := LocalSources()
	m := src.(SourceMaps)
	p, name, ok := m.Original(js, 1, 11, "a")
	if !ok || p.Script != "webpack://app/./src/a.ts" || p.Line != 1 || name != "add" {
		t.Fatalf("Original = %+v %q %v", p, name, ok)
	}
	b, ok := src.Read(p.Script)
	if !ok || !strings.Contains(string(b), "export function add(") {
		t.Errorf("Read = %q %v", b, ok)
	}
	if got := m.MadeFrom(js); len(got) != 1 || got[0] != p.Script {
		t.Errorf("MadeFrom = %q", got)
	}
}
