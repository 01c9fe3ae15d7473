package heapgraph

import (
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// loadGolden parses a test snapshot with the real parser.
func loadGolden(t testing.TB, path string) *heapsnapshot.Snapshot {
	t.Helper()
	s, err := heapsnapshot.Open(path, heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
