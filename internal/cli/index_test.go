package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestIndexCommand writes an index with `leakhound index`, checks that
// summary, inspect and paths give the same output from it as from the
// snapshot, and that a corrupt index is ignored with one note.
func TestIndexCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run(t, "index", "--index-dir", dir, "--quiet", caseStudySnap)
	if code != 0 || !strings.Contains(out, "index written: ") || !strings.Contains(out, "snapshot ") {
		t.Fatalf("index: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.lhx"))
	if len(files) != 1 {
		t.Fatalf("index files: %v", files)
	}
	if code, out, _ := run(t, "index", "--index-dir", dir, caseStudySnap); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second index: exit %d, %q", code, out)
	}
	id := firstObject(t)
	for _, args := range [][]string{
		{"summary", "--json"},
		{"inspect", "--json", id},
		{"paths", "--json", id},
	} {
		cmd := append(args[:1:1], append([]string{caseStudySnap}, args[1:]...)...)
		_, cold, _ := run(t, append(cmd, "--no-index")...)
		code, warm, errs := run(t, append(cmd, "--index-dir", dir)...)
		if code != 0 || warm != cold || cold == "" {
			t.Errorf("%v: exit %d, output from the index differs (stderr %q)", args, code, errs)
		}
	}
	// Corrupt its arrays: the next load of the graph notes it once,
	// analyses the snapshot, and gives the same answer. summary reads
	// only the header and the info section, so it still answers (rightly)
	// from the index.
	corrupt := func(at func(b []byte) int) {
		t.Helper()
		b, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		b[at(b)] ^= 1
		if err := os.WriteFile(files[0], b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	corrupt(func(b []byte) int { return len(b) / 2 })
	_, cold, _ := run(t, "summary", caseStudySnap, "--json", "--no-index")
	code, warm, errs := run(t, "summary", caseStudySnap, "--json", "--index-dir", dir)
	if code != 0 || warm != cold || errs != "" {
		t.Errorf("summary, index corrupt in its arrays: exit %d, same output %v, stderr %q", code, warm == cold, errs)
	}
	_, cold, _ = run(t, "inspect", caseStudySnap, "--json", id, "--no-index")
	code, warm, errs = run(t, "inspect", caseStudySnap, "--json", id, "--index-dir", dir)
	if code != 0 || warm != cold || strings.Count(errs, "note: ignoring the index") != 1 || !strings.Contains(errs, "checksum") {
		t.Errorf("inspect, corrupt index: exit %d, same output %v, stderr %q", code, warm == cold, errs)
	}
	// Corrupt the info section of a fresh index: summary notes it too.
	if code, _, _ := run(t, "index", "--index-dir", dir, "--quiet", caseStudySnap); code != 0 {
		t.Fatal("index again failed")
	}
	corrupt(func(b []byte) int { return int(binary.LittleEndian.Uint64(b[80+8:])) + 10 })
	_, cold, _ = run(t, "summary", caseStudySnap, "--json", "--no-index")
	code, warm, errs = run(t, "summary", caseStudySnap, "--json", "--index-dir", dir)
	if code != 0 || warm != cold || strings.Count(errs, "note: ignoring the index") != 1 || !strings.Contains(errs, "checksum") {
		t.Errorf("summary, index corrupt in its info: exit %d, same output %v, stderr %q", code, warm == cold, errs)
	}
}

// firstObject returns a RequestContext's id, for inspect and paths.
func firstObject(t *testing.T) string {
	t.Helper()
	g, err := LoadGraph(t.Context(), &Env{Stderr: new(strings.Builder)}, caseStudySnap, true)
	if err != nil {
		t.Fatal(err)
	}
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if g.ClassName(n) == "RequestContext" {
			return "@" + strconv.FormatUint(uint64(g.ID(n)), 10)
		}
	}
	t.Fatal("no RequestContext in the case study")
	return ""
}

// TestIndexAfterAnswer: summary, inspect and paths print their answer
// before they write a new index (on a big snapshot the write takes longer
// than the analysis), and the index is there when they exit.
func TestIndexAfterAnswer(t *testing.T) {
	defer func(m int64) { autoIndexMin = m }(autoIndexMin)
	autoIndexMin = 0
	id := firstObject(t)
	for _, args := range [][]string{{"summary"}, {"inspect", id}, {"paths", id}} {
		dir := t.TempDir()
		indexed := func() bool {
			files, _ := filepath.Glob(filepath.Join(dir, "*.lhx"))
			return len(files) > 0
		}
		out := &firstWrite{check: indexed}
		var errs bytes.Buffer
		cmd := append([]string{args[0], caseStudySnap, "--index-dir", dir}, args[1:]...)
		code := Main(cmd, &Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: &errs})
		if code != 0 || out.n == 0 || out.before {
			t.Errorf("%v: exit %d, %d bytes out, index before the answer %v", args, code, out.n, out.before)
		}
		if !indexed() || !strings.Contains(errs.String(), "index written: ") {
			t.Errorf("%v: no index after the answer (stderr %q)", args, errs.String())
		}
	}
}

// firstWrite records whether check held when the first byte was written.
type firstWrite struct {
	check  func() bool
	n      int
	before bool
}

func (w *firstWrite) Write(b []byte) (int, error) {
	if w.n == 0 && len(b) > 0 {
		w.before = w.check()
	}
	w.n += len(b)
	return len(b), nil
}

// TestIndexWriteInterrupted: Ctrl-C during an index write stops it and
// leaves no file behind, not even the temporary one.
func TestIndexWriteInterrupted(t *testing.T) {
	dir := t.TempDir()
	env := &Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard}
	c := indexOptions{dir: dir, force: true}.open(env, caseStudySnap, true)
	g, err := loadGraph(context.Background(), env, caseStudySnap, true, indexOptions{off: true}, nil)
	if err != nil || c.path == "" {
		t.Fatal(err, c.path)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if note := c.save(ctx, g, nil); !strings.Contains(note, "interrupted") {
		t.Errorf("note %q", note)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}

// TestTrimStaleTemp: a killed write's temporary file is removed once it is
// old; one still being written is not.
func TestTrimStaleTemp(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, ".abc.lhx.tmp-123")
	fresh := filepath.Join(dir, ".def.lhx.tmp-456")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	then := time.Now().Add(-2 * staleTemp)
	os.Chtimes(old, then, then)
	trimIndexes(dir, "")
	if _, err := os.Stat(old); err == nil {
		t.Error("stale temporary file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("temporary file being written removed")
	}
}
