package cli

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Files written on Windows end their lines with CRLF. The offline
// commands read them to the same --json bytes as their LF originals: a GC
// log saved from a Windows console, and a heap snapshot whose line breaks
// were turned into CRLF (by a git checkout with autocrlf, say).
func TestCRLFInputSameJSON(t *testing.T) {
	dir := t.TempDir()
	crlf := func(src, name string) string {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(src, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	same := func(args []string, lf, crlfPath string) {
		t.Helper()
		code, a, errs := run(t, append(args, lf)...)
		if code != 0 {
			t.Fatalf("%v %s: exit %d: %s", args, lf, code, errs)
		}
		code, b, errs := run(t, append(args, crlfPath)...)
		if code != 0 {
			t.Fatalf("%v %s: exit %d: %s", args, crlfPath, code, errs)
		}
		// summary names its file; the rest must be byte for byte the same.
		a = strings.Replace(a, filepath.ToSlash(lf), "FILE", 1)
		b = strings.Replace(b, filepath.ToSlash(crlfPath), "FILE", 1)
		if a != b {
			t.Errorf("%v: CRLF input gives other JSON:\n%s\nvs\n%s", args, a, b)
		}
		if strings.Contains(b, "\r") {
			t.Errorf("%v: a CR leaked into the JSON", args)
		}
	}
	gcLog := filepath.Join("..", "..", "testdata", "gctrace", "samples", "node22-pooled-oom.log")
	same([]string{"gc", "--json"}, gcLog, crlf(gcLog, "gc.log"))
	snap := crlf(caseStudySnap, "lf.heapsnapshot")
	b, _ := os.ReadFile(snap)
	lf := filepath.Join(dir, "orig.heapsnapshot")
	if err := os.WriteFile(lf, bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	same([]string{"summary", "--json", "--top", "20"}, lf, snap)
}
