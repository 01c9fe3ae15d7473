package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// requestContextID finds a RequestContext's id through the summary-level
// commands' own data: the retainers of the listener array.
func findRequestContext(t *testing.T) string {
	t.Helper()
	g, err := LoadGraph(t.Context(), &Env{Stderr: new(strings.Builder)}, caseStudySnap, true)
	if err != nil {
		t.Fatal(err)
	}
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if g.ClassName(n) == "RequestContext" && g.TypeName(n) == "object" {
			return "@" + itoa(g.ID(n))
		}
	}
	t.Fatal("no RequestContext in the case-study snapshot")
	return ""
}

func itoa(v uint32) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestInspect(t *testing.T) {
	id := findRequestContext(t)
	code, out, errs := run(t, "inspect", caseStudySnap, id, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var in struct {
		Node struct {
			ID           uint32 `json:"id"`
			Class        string `json:"class"`
			RetainedSize uint64 `json:"retained_size"`
			ShallowSize  uint64 `json:"shallow_size"`
		} `json:"node"`
		EdgeCount int `json:"edge_count"`
		Edges     []struct {
			Type, Name string
			Node       struct{ Class string }
		} `json:"edges"`
		RetainerCount int `json:"retainer_count"`
		Retainers     []struct {
			Type, Name string
			Node       struct{ Class string }
		} `json:"retainers"`
		Dominators []struct {
			ID    uint32 `json:"id"`
			Class string `json:"class"`
		} `json:"dominators"`
	}
	if err := json.Unmarshal([]byte(out), &in); err != nil {
		t.Fatal(err)
	}
	if in.Node.Class != "RequestContext" || "@"+itoa(in.Node.ID) != id || in.Node.RetainedSize < 20000 {
		t.Errorf("node: %+v", in.Node)
	}
	if in.EdgeCount != len(in.Edges) || in.EdgeCount == 0 {
		t.Errorf("edges: %d listed of %d", len(in.Edges), in.EdgeCount)
	}
	hasAudit := false
	for _, e := range in.Edges {
		hasAudit = hasAudit || (e.Name == "auditTrail" && e.Node.Class == "Array")
	}
	if !hasAudit {
		t.Errorf("edges lack .auditTrail: %+v", in.Edges)
	}
	if in.RetainerCount != 1 || in.Retainers[0].Type != "context" || in.Retainers[0].Name != "context" {
		t.Errorf("retainers: %+v", in.Retainers)
	}
	d := in.Dominators
	if len(d) < 3 || d[len(d)-1].ID != 1 || d[1].Class != "Function" {
		t.Errorf("dominator chain should run context → onResponse closure → ... → root: %+v", d)
	}

	code, text, _ := run(t, "inspect", caseStudySnap, id)
	if code != 0 || !strings.Contains(text, "Retainers (1)") || !strings.Contains(text, "Dominators") || !strings.Contains(text, ".auditTrail") {
		t.Errorf("text inspect:\n%s", text)
	}
}

func TestPaths(t *testing.T) {
	id := findRequestContext(t)
	code, out, errs := run(t, "paths", caseStudySnap, id, "--max", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	// The object is reached through the module's eventBus whichever way
	// the module's scope was reached, and paths that read the same are
	// printed once: one path here.
	if len(lines) < 2 || len(lines) > 3 {
		t.Fatalf("want a header and 1 or 2 paths:\n%s", out)
	}
	want := "EventEmitter._events.response → Array[40] → (closure) onResponse → context → RequestContext " + id
	for _, l := range lines[1:] {
		if !strings.HasSuffix(l, want) {
			t.Errorf("path %q does not end with %q", l, want)
		}
	}
	if !strings.HasPrefix(lines[1], "module service.js → eventBus → ") {
		t.Errorf("path %q, want it to start at the module's variable eventBus", lines[1])
	}
	code, out, _ = run(t, "paths", caseStudySnap, id, "--json")
	var ps struct {
		Paths []struct {
			Text  string
			Steps []struct {
				EdgeType string `json:"edge_type"`
				EdgeName string `json:"edge_name"`
				Node     struct{ ID uint32 }
			}
		}
	}
	if code != 0 || json.Unmarshal([]byte(out), &ps) != nil || len(ps.Paths) == 0 {
		t.Fatalf("paths --json: exit %d\n%s", code, out)
	}
	st := ps.Paths[0].Steps
	if st[0].EdgeType != "" || "@"+itoa(st[len(st)-1].Node.ID) != id || st[len(st)-1].EdgeType != "context" {
		t.Errorf("steps: %+v", st)
	}
}

// TestInspectJSONKeepsWholeName: --json gives a string's name as the
// snapshot has it (V8 keeps up to 1024 characters), not a display cut.
func TestInspectJSONKeepsWholeName(t *testing.T) {
	g, err := LoadGraph(t.Context(), &Env{Stderr: new(strings.Builder)}, caseStudySnap, true)
	if err != nil {
		t.Fatal(err)
	}
	id, want := "", ""
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if g.TypeName(n) == "string" && len([]rune(g.Name(n))) > 500 {
			id, want = "@"+itoa(g.ID(n)), g.Name(n)
			break
		}
	}
	if id == "" {
		t.Fatal("no long string in the case-study snapshot")
	}
	code, out, errs := run(t, "inspect", caseStudySnap, id, "--json", "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var in struct{ Node struct{ Name string } }
	if err := json.Unmarshal([]byte(out), &in); err != nil {
		t.Fatal(err)
	}
	if in.Node.Name != want {
		t.Errorf("name has %d runes, want the snapshot's %d", len([]rune(in.Node.Name)), len([]rune(want)))
	}
}

// Built code is told in its source, as leaks tells it: the minified
// bundle's class f is PendingPoll at quotes.ts, with the bundle's
// position beside it, and its closure r is onQuote.
func TestInspectBuiltCode(t *testing.T) {
	dir := t.TempDir()
	built := filepath.Join("..", "..", "testdata", "scenarios", "built")
	if out, err := nodetest.Command(t, filepath.Join(built, "bundle-min", "server.js"), dir, "2").CombinedOutput(); err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	snap := filepath.Join(dir, "s2.heapsnapshot")
	g, err := LoadGraph(t.Context(), &Env{Stderr: new(strings.Builder)}, snap, true)
	if err != nil {
		t.Fatal(err)
	}
	quotes, _ := filepath.Abs(filepath.Join(built, "src", "quotes.ts"))
	bundle, _ := filepath.Abs(filepath.Join(built, "bundle-min", "server.js"))
	checked := map[string]bool{}
	for n := uint32(0); n < uint32(g.NodeCount()) && len(checked) < 2; n++ {
		// The leaking objects (class f) and their listener (r).
		want := ""
		switch typ := g.TypeName(n); {
		case typ == "object" && g.ClassName(n) == "f":
			want = "PendingPoll"
		case typ == "closure" && g.Name(n) == "r":
			want = "onQuote"
		}
		if l, ok := g.Location(n); want == "" || !ok || l.Script != bundle || checked[want] {
			continue
		}
		checked[want] = true
		code, out, errs := run(t, "inspect", snap, "@"+itoa(g.ID(n)), "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var in struct {
			Location *struct {
				Function, Script string
				Line             int
				Built            *struct{ Script string }
			} `json:"location"`
		}
		if err := json.Unmarshal([]byte(out), &in); err != nil {
			t.Fatal(err)
		}
		if l := in.Location; l == nil || l.Function != want || l.Script != quotes || l.Line < 1 || l.Built == nil || l.Built.Script != bundle {
			t.Errorf("%s %s: location %+v, want %s in %s, built in %s", g.TypeName(n), g.Name(n), l, want, quotes, bundle)
		}
		_, text, _ := run(t, "inspect", snap, "@"+itoa(g.ID(n)))
		if !strings.Contains(text, "code  "+want+" at "+quotes+":") || !strings.Contains(text, "(built: "+bundle+":1:") {
			t.Errorf("text lacks the code line:\n%s", text)
		}
	}
	if len(checked) != 2 {
		t.Errorf("checked %v, want a PendingPoll (f) and an onQuote (r)", checked)
	}
}
