package heapgraph

import (
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// loadGolden loads a test snapshot.
func loadGolden(t testing.TB, path string) *heapsnapshot.Snapshot {
	return loadJSON(t, path)
}
