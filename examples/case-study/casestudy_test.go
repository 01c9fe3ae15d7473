package casestudy

import (
	"context"
	"os"
	"testing"

	"github.com/leakhound/leakhound/internal/nodetest"
)

func TestWriteSnapshots(t *testing.T) {
	dir := t.TempDir()
	snaps, err := WriteSnapshots(context.Background(), dir, Options{Requests: 20, Warmup: 5, Node: nodetest.Path(t)})
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
