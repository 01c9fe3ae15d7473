package inspector

import (
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// checkSnapshotFile re-reads a captured snapshot with the shared parser.
func checkSnapshotFile(t *testing.T, path string) {
	t.Helper()
	s, err := heapsnapshot.Open(path, heapsnapshot.Options{})
	if err != nil {
		t.Fatalf("re-reading the captured snapshot: %v", err)
	}
	if s.NodeCount < 1000 || s.EdgeCount < s.NodeCount {
		t.Fatalf("snapshot too small: %d nodes, %d edges", s.NodeCount, s.EdgeCount)
	}
	found := false
	for n := 0; n < s.NodeCount && !found; n++ {
		found = s.NodeNameString(uint32(n)) == "LeakyThing"
	}
	if !found {
		t.Error("no node named LeakyThing in the snapshot")
	}
}
