package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Buffers, pipes and files are never terminals, so output captured by a
// program or redirected to a file never carries colour, on any OS.
func TestNotTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, x := range map[string]any{"buffer": &bytes.Buffer{}, "file": f, "pipe": w} {
		wr := x.(interface{ Write([]byte) (int, error) })
		if IsTerminal(wr) || ColorEnabled(wr) {
			t.Errorf("%s taken for a terminal", name)
		}
	}
	if (Palette{}).Red("x") != "x" || (Palette{On: true}).Red("x") != "\x1b[31mx\x1b[0m" {
		t.Error("palette")
	}
}
