package casestudy

import (
	"context"
	"os"
	"os/exec"
	"testing"
)

func TestWriteSnapshots(t *testing.T) {
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	dir := t.TempDir()
	snaps, err := WriteSnapshots(context.Background(), dir, Options{Requests: 20, Warmup: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := []int{5, 25, 45}
	for i, s := range snaps {
		if s.Transactions != want[i] {
			t.Errorf("snapshot %d after %d transactions, want %d", i, s.Transactions, want[i])
		}
		st, err := os.Stat(s.Path)
		if err != nil || st.Size() < 1<<20 {
			t.Errorf("snapshot %s: %v (size %v)", s.Path, err, st)
		}
	}
}
