package heapgraph

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// loadJSON is a slow, simple reference loader for small test snapshots,
// independent of the streaming parser.
func loadJSON(t testing.TB, path string) *heapsnapshot.Snapshot {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Snapshot struct {
			Meta struct {
				NodeFields     []string          `json:"node_fields"`
				NodeTypes      []json.RawMessage `json:"node_types"`
				EdgeFields     []string          `json:"edge_fields"`
				EdgeTypes      []json.RawMessage `json:"edge_types"`
				LocationFields []string          `json:"location_fields"`
			} `json:"meta"`
			NodeCount int `json:"node_count"`
			EdgeCount int `json:"edge_count"`
		} `json:"snapshot"`
		Nodes     []uint32 `json:"nodes"`
		Edges     []uint32 `json:"edges"`
		Locations []uint32 `json:"locations"`
		Strings   []string `json:"strings"`
	}
	if err := json.NewDecoder(zr).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Snapshot.Meta
	var s heapsnapshot.Snapshot
	s.Meta.NodeFields, s.Meta.EdgeFields, s.Meta.LocationFields = m.NodeFields, m.EdgeFields, m.LocationFields
	json.Unmarshal(m.NodeTypes[0], &s.Meta.NodeTypes)
	json.Unmarshal(m.EdgeTypes[0], &s.Meta.EdgeTypes)
	nf, ef := len(m.NodeFields), len(m.EdgeFields)
	idx := func(l []string, n string) int {
		for i, v := range l {
			if v == n {
				return i
			}
		}
		return -1
	}
	n := len(doc.Nodes) / nf
	s.NodeCount = n
	s.EdgeCount = len(doc.Edges) / ef
	s.NodeType = make([]uint8, n)
	s.NodeName = make([]uint32, n)
	s.NodeID = make([]uint32, n)
	s.NodeSelfSize = make([]uint32, n)
	s.FirstEdge = make([]uint32, n+1)
	ti, ni, ii, si, eci := idx(m.NodeFields, "type"), idx(m.NodeFields, "name"), idx(m.NodeFields, "id"), idx(m.NodeFields, "self_size"), idx(m.NodeFields, "edge_count")
	di := idx(m.NodeFields, "detachedness")
	if di >= 0 {
		s.NodeDetachedness = make([]uint8, n)
	}
	var e uint32
	for i := 0; i < n; i++ {
		r := doc.Nodes[i*nf : (i+1)*nf]
		s.NodeType[i] = uint8(r[ti])
		s.NodeName[i] = r[ni]
		s.NodeID[i] = r[ii]
		s.NodeSelfSize[i] = r[si]
		if di >= 0 {
			s.NodeDetachedness[i] = uint8(r[di])
		}
		s.FirstEdge[i] = e
		e += r[eci]
	}
	s.FirstEdge[n] = e
	s.EdgeType = make([]uint8, s.EdgeCount)
	s.EdgeNameOrIndex = make([]uint32, s.EdgeCount)
	s.EdgeTo = make([]uint32, s.EdgeCount)
	eti, eni, eto := idx(m.EdgeFields, "type"), idx(m.EdgeFields, "name_or_index"), idx(m.EdgeFields, "to_node")
	for i := 0; i < s.EdgeCount; i++ {
		r := doc.Edges[i*ef : (i+1)*ef]
		s.EdgeType[i] = uint8(r[eti])
		s.EdgeNameOrIndex[i] = r[eni]
		s.EdgeTo[i] = r[eto] / uint32(nf)
	}
	for _, str := range doc.Strings {
		s.Strings.Offsets = append(s.Strings.Offsets, uint32(len(s.Strings.Data)))
		s.Strings.Data = append(s.Strings.Data, str...)
	}
	s.Strings.Offsets = append(s.Strings.Offsets, uint32(len(s.Strings.Data)))
	lf := len(m.LocationFields)
	oi, sci, li, ci := idx(m.LocationFields, "object_index"), idx(m.LocationFields, "script_id"), idx(m.LocationFields, "line"), idx(m.LocationFields, "column")
	for i := 0; lf > 0 && i+lf <= len(doc.Locations); i += lf {
		r := doc.Locations[i : i+lf]
		s.LocationNode = append(s.LocationNode, r[oi]/uint32(nf))
		s.LocationScript = append(s.LocationScript, r[sci])
		s.LocationLine = append(s.LocationLine, r[li])
		s.LocationColumn = append(s.LocationColumn, r[ci])
	}
	s.ResolveTypes()
	return &s
}
