package watch

import (
	"os"
	"path/filepath"
	"testing"
)

func TestNodeFlags(t *testing.T) {
	cases := []struct {
		argv []string
		opts string
		n    int
		dir  string
	}{
		{nil, "", 0, ""},
		{[]string{"--heapsnapshot-near-heap-limit=3"}, "", 3, ""},
		{[]string{"--heapsnapshot-near-heap-limit", "2", "--diagnostic-dir", "/var/diag"}, "", 2, "/var/diag"},
		{[]string{"--max-old-space-size=64"}, "--heapsnapshot-near-heap-limit=1 --diagnostic-dir=diag", 1, "diag"},
		{[]string{"--inspect"}, "--diagnostic-dir", 0, ""},
	}
	for _, c := range cases {
		n, dir := nodeFlags(c.argv, c.opts)
		if n != c.n || dir != c.dir {
			t.Errorf("nodeFlags(%q, %q) = %d, %q; want %d, %q", c.argv, c.opts, n, dir, c.n, c.dir)
		}
	}
}

func FuzzNodeFlags(f *testing.F) {
	for _, s := range []string{"", "--heapsnapshot-near-heap-limit=3", "--diagnostic-dir", "--heapsnapshot-near-heap-limit 99999999999999999999", "--diagnostic-dir=/x --heapsnapshot-near-heap-limit=-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, opts string) {
		nodeFlags([]string{opts}, opts)
	})
}

// TestOOMWatchReady: a file is handed over only once its size held still
// between two looks and it ends like a whole snapshot; with final, a file
// that stopped short is reported incomplete; files there before arming are
// never touched.
func TestOOMWatchReady(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "Heap.20260101.000000.42.0.001.heapsnapshot")
	os.WriteFile(old, []byte(`{"snapshot":{}, "strings":[]}`), 0o644)
	w := &oomWatch{dir: dir, pid: 42, seen: map[string]int64{old: -1}}
	f := filepath.Join(dir, "Heap.20260101.000001.42.0.002.heapsnapshot")
	other := filepath.Join(dir, "Heap.20260101.000001.43.0.001.heapsnapshot") // another process
	os.WriteFile(other, []byte(`{"strings":[]}`), 0o644)
	os.WriteFile(f, []byte(`{"snapshot":{}, "strings":["a"`), 0o644)
	if done, bad := w.ready(false); len(done)+len(bad) != 0 {
		t.Fatalf("first look handed over %v %v", done, bad)
	}
	if done, bad := w.ready(false); len(done)+len(bad) != 0 {
		t.Fatalf("a half-written file was handed over: %v %v", done, bad)
	}
	os.WriteFile(f, []byte(`{"snapshot":{}, "strings":["a","b"]}`+"\n"), 0o644)
	if done, _ := w.ready(false); len(done) != 0 {
		t.Fatalf("a file that just grew was handed over: %v", done)
	}
	if done, _ := w.ready(false); len(done) != 1 || done[0] != f {
		t.Fatalf("the complete file was not handed over: %v", done)
	}
	if w.pending() {
		t.Error("still pending after hand-over")
	}
	g := filepath.Join(dir, "Heap.20260101.000002.42.0.003.heapsnapshot")
	os.WriteFile(g, []byte(`{"snapshot":{}, "str`), 0o644)
	w.ready(true)
	if _, bad := w.ready(true); len(bad) != 1 || bad[0] != g {
		t.Errorf("a file left short was not reported incomplete: %v", bad)
	}
}
