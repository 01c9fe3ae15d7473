package inspector

import (
	"encoding/json"
	"os"
	"testing"
)

// checkSnapshotFile re-reads a captured snapshot. Until the shared parser
// lands this checks the JSON and the node/edge arrays against the meta.
func checkSnapshotFile(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Snapshot struct {
			Meta struct {
				NodeFields []string `json:"node_fields"`
				EdgeFields []string `json:"edge_fields"`
			} `json:"meta"`
			NodeCount int `json:"node_count"`
			EdgeCount int `json:"edge_count"`
		} `json:"snapshot"`
		Nodes []uint64 `json:"nodes"`
		Edges []uint64 `json:"edges"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("snapshot is not valid JSON: %v", err)
	}
	if len(s.Nodes) != s.Snapshot.NodeCount*len(s.Snapshot.Meta.NodeFields) ||
		len(s.Edges) != s.Snapshot.EdgeCount*len(s.Snapshot.Meta.EdgeFields) || s.Snapshot.NodeCount < 1000 {
		t.Fatalf("inconsistent snapshot: %d nodes, %d values", s.Snapshot.NodeCount, len(s.Nodes))
	}
}
