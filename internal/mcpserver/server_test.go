package mcpserver

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// series writes three snapshots of the map-cache scenario (an unbounded Map
// of CacheEntry objects) into a fresh folder, with real node.
func series(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, err := nodetest.Command(t, filepath.Join("..", "..", "testdata", "scenarios", "map-cache.js"), dir, "3").CombinedOutput()
	if err != nil {
		t.Fatalf("node map-cache.js: %v\n%s", err, out)
	}
	return dir
}

// connect starts a server over in-memory transports and returns a client
// session, as an MCP client would see it.
func connect(t *testing.T, root string) *mcp.ClientSession {
	t.Helper()
	srv, err := New(Options{Roots: []string{root}, MaxLoaded: 2, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go srv.Run(ctx, st)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// call invokes a tool and decodes its JSON answer into out; it fails the
// test on a tool error unless wantErr, and then returns the error text.
func call(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any, out any, wantErr bool) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: protocol error %v", name, err)
	}
	text := ""
	if len(res.Content) > 0 {
		text = res.Content[0].(*mcp.TextContent).Text
	}
	if res.IsError != wantErr {
		t.Fatalf("%s(%v): IsError=%v, want %v: %s", name, args, res.IsError, wantErr, text)
	}
	if !wantErr && out != nil {
		if err := json.Unmarshal([]byte(text), out); err != nil {
			t.Fatalf("%s: bad JSON %v: %s", name, err, text)
		}
	}
	return text
}

func TestAgentFindsLeak(t *testing.T) {
	dir := series(t)
	cs := connect(t, dir)
	ctx := context.Background()

	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, tl := range tools.Tools {
		if tl.Description == "" {
			t.Errorf("tool %s has no description", tl.Name)
		}
		have[tl.Name] = true
	}
	for _, n := range []string{"load_snapshot", "load_series", "summary", "inspect_object", "retaining_paths",
		"dominator_children", "find_objects", "compare", "leak_suspects", "gc_trace", "capture", "sample_allocations", "duplicate_strings"} {
		if !have[n] {
			t.Errorf("tool %s missing", n)
		}
	}

	var loaded struct {
		Files    []string
		Leak     bool
		Suspects int
	}
	call(t, cs, "load_series", map[string]any{"dir": "."}, &loaded, false)
	if len(loaded.Files) != 3 || !loaded.Leak || loaded.Suspects == 0 {
		t.Fatalf("load_series: %+v", loaded)
	}
	var sus struct {
		Total    int
		Suspects []struct {
			Pattern      string
			Class        string
			RetainerPath []struct{ ID uint32 } `json:"retainer_path"`
		}
		NextOffset *int `json:"next_offset"`
	}
	call(t, cs, "leak_suspects", map[string]any{"dir": ".", "limit": 1}, &sus, false)
	if len(sus.Suspects) != 1 || sus.Suspects[0].Class != "CacheEntry" || sus.Suspects[0].Pattern != "unbounded-collection" {
		t.Fatalf("top suspect: %+v", sus)
	}
	if sus.Total > 1 && (sus.NextOffset == nil || *sus.NextOffset != 1) {
		t.Errorf("paging: total %d, next_offset %v", sus.Total, sus.NextOffset)
	}

	// Follow the path: its last step is a CacheEntry in the last snapshot.
	last := loaded.Files[2]
	path := sus.Suspects[0].RetainerPath
	id := path[len(path)-1].ID
	var obj struct {
		Node struct {
			ID    uint32
			Class string
		}
		Retainers []struct{ Name string }
	}
	call(t, cs, "inspect_object", map[string]any{"file": last, "id": id}, &obj, false)
	if obj.Node.ID != id || obj.Node.Class != "CacheEntry" || len(obj.Retainers) == 0 {
		t.Fatalf("inspect_object @%d: %+v", id, obj)
	}
	var paths struct {
		Paths []struct {
			Text string `json:"text"`
		}
	}
	text := call(t, cs, "retaining_paths", map[string]any{"file": last, "id": id}, &paths, false)
	if !strings.Contains(text, "CacheEntry") || !strings.Contains(text, "Map") {
		t.Errorf("retaining_paths: %s", text)
	}

	var sum struct {
		Total   int
		Classes []struct {
			Name  string
			Count int
		}
		NextOffset *int `json:"next_offset"`
	}
	call(t, cs, "summary", map[string]any{"file": last, "filter": "CacheEntry"}, &sum, false)
	if len(sum.Classes) != 1 || sum.Classes[0].Count < 1000 {
		t.Errorf("summary filter CacheEntry: %+v", sum)
	}
	var found struct {
		Total   int
		Objects []struct {
			Class        string
			RetainedSize uint64 `json:"retained_size"`
		}
	}
	call(t, cs, "find_objects", map[string]any{"file": last, "class": "CacheEntry", "limit": 3}, &found, false)
	if found.Total != sum.Classes[0].Count || len(found.Objects) != 3 || found.Objects[0].RetainedSize < found.Objects[2].RetainedSize {
		t.Errorf("find_objects: %+v (summary count %d)", found, sum.Classes[0].Count)
	}
	var dom struct {
		Total    int
		Children []struct{ ID uint32 }
	}
	call(t, cs, "dominator_children", map[string]any{"file": last}, &dom, false)
	if dom.Total == 0 || len(dom.Children) == 0 {
		t.Errorf("dominator_children of the root: %+v", dom)
	}
	var cmp struct {
		Classes []struct {
			Name     string `json:"name"`
			NewCount int    `json:"new_count"`
		}
	}
	text = call(t, cs, "compare", map[string]any{"base": loaded.Files[0], "target": last, "limit": 100}, &cmp, false)
	if !strings.Contains(text, `"CacheEntry"`) {
		t.Errorf("compare lacks CacheEntry: %.400s", text)
	}

	// An unknown id is a tool error, not a crash.
	msg := call(t, cs, "inspect_object", map[string]any{"file": last, "id": 4294967295}, nil, true)
	if !strings.Contains(msg, "has no object @4294967295") {
		t.Errorf("bad id: %s", msg)
	}
}

func TestAgentRefusesBadInput(t *testing.T) {
	dir := series(t)
	cs := connect(t, dir)

	// Outside the root, however it is spelled.
	for _, p := range []string{"../../etc/passwd", "/etc/passwd"} {
		msg := call(t, cs, "load_snapshot", map[string]any{"file": p}, nil, true)
		if !strings.Contains(msg, "outside the folders") && !strings.Contains(msg, "no such file") {
			t.Errorf("%s: %s", p, msg)
		}
	}
	// A link inside the root that leads out is refused too.
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link.heapsnapshot")); err == nil {
		msg := call(t, cs, "load_snapshot", map[string]any{"file": "link.heapsnapshot"}, nil, true)
		if !strings.Contains(msg, "outside the folders") {
			t.Errorf("symlink out: %s", msg)
		}
		os.Remove(filepath.Join(dir, "link.heapsnapshot"))
	}

	// A cut-off snapshot: one line, as the CLI says it.
	full, err := os.ReadFile(filepath.Join(dir, "s1.heapsnapshot"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.heapsnapshot")
	if err := os.WriteFile(cut, full[:len(full)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	msg := call(t, cs, "summary", map[string]any{"file": "cut.heapsnapshot"}, nil, true)
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "cut.heapsnapshot") {
		t.Errorf("cut-off snapshot: %q", msg)
	}
	// The server still answers afterwards.
	var ok struct{ Classes int }
	call(t, cs, "load_snapshot", map[string]any{"file": "s1.heapsnapshot"}, &ok, false)
	if ok.Classes == 0 {
		t.Errorf("load after error: %+v", ok)
	}
	// One snapshot: where memory accumulates, without a leak verdict.
	var one struct {
		Snapshots int
		Leak      *bool
		Suspects  []struct{ Class string }
	}
	text := call(t, cs, "leak_suspects", map[string]any{"files": []string{"s3.heapsnapshot"}}, &one, false)
	if one.Snapshots != 1 || one.Leak != nil || len(one.Suspects) == 0 || !strings.Contains(text, "CacheEntry") {
		t.Errorf("one snapshot: %.500s", text)
	}
	var dups struct {
		Total   int
		Strings []map[string]any
	}
	call(t, cs, "duplicate_strings", map[string]any{"file": "s3.heapsnapshot", "min_wasted": 1}, &dups, false)
	if dups.Total == 0 {
		t.Errorf("duplicate_strings found nothing")
	}
}

func TestAgentGCTrace(t *testing.T) {
	dir := t.TempDir()
	log, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gctrace", "prefixed.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gc.log"), log, 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "empty.log"), []byte("hello\n"), 0o644)
	cs := connect(t, dir)
	var sum struct {
		GCs     int64  `json:"gcs"`
		Verdict string `json:"verdict"`
		Chart   []any  `json:"chart"`
	}
	text := call(t, cs, "gc_trace", map[string]any{"file": "gc.log"}, &sum, false)
	if sum.GCs == 0 || sum.Verdict != "probable-leak" || sum.Chart != nil {
		t.Errorf("gc_trace: %.300s", text)
	}
	msg := call(t, cs, "gc_trace", map[string]any{"file": "empty.log"}, nil, true)
	if !strings.Contains(msg, "no V8 GC lines") {
		t.Errorf("empty log: %s", msg)
	}
	// A gzipped log cut off: the GCs before the cut, said to be cut, as
	// the CLI says it (not a bare "unexpected EOF").
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(log)
	zw.Close()
	os.WriteFile(filepath.Join(dir, "cut.log.gz"), z.Bytes()[:z.Len()*2/3], 0o644)
	var cut struct {
		GCs       int64  `json:"gcs"`
		Truncated string `json:"truncated"`
	}
	text = call(t, cs, "gc_trace", map[string]any{"file": "cut.log.gz"}, &cut, false)
	if cut.GCs == 0 || !strings.Contains(cut.Truncated, "the gzip stream is cut off") {
		t.Errorf("cut gzip: %.300s", text)
	}
}

func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	dir := series(t)
	c := newGraphCache(2)
	ctx := context.Background()
	for _, f := range []string{"s1", "s2", "s1", "s3"} {
		if _, err := c.get(ctx, filepath.Join(dir, f+".heapsnapshot"), nil); err != nil {
			t.Fatal(err)
		}
	}
	// s2 was used least recently when s3 came.
	for f, want := range map[string]bool{"s1": true, "s2": false, "s3": true} {
		if got := c.loaded(filepath.Join(dir, f+".heapsnapshot")); got != want {
			t.Errorf("%s loaded = %v, want %v", f, got, want)
		}
	}
}
