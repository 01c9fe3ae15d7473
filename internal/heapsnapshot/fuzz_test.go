package heapsnapshot

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

// FuzzRead feeds arbitrary bytes to the parser: it must never panic, must
// report bad input as a *FormatError, and whatever it accepts must be a
// consistent graph (what heapgraph relies on without re-checking).
func FuzzRead(f *testing.F) {
	small := generate(f, snapshottest.Config{Nodes: 4, Seed: 1, AvgEdges: 1})
	legacy := generate(f, snapshottest.Config{Nodes: 4, Seed: 2, Legacy: true, AvgEdges: 1})
	shuffled := generate(f, snapshottest.Config{Nodes: 4, Seed: 3, Shuffled: true, Trace: true, AvgEdges: 1})
	seeds := [][]byte{small, legacy, shuffled, gz(small), nil, []byte("{}"), []byte("[]"),
		[]byte(`{"snapshot":{"meta":{}}}`),
		[]byte(`{"version":2,"type":"Inspector","nodes":[0,0,0,0],"nodeClassNames":["Object"],"edges":[]}`), // JavaScriptCore (Bun)
		[]byte(`{"snapshot":{"meta":{}},"type":"x"}`)}
	for _, cut := range []int{1, 10, 200, len(small) / 2, len(small) - 1} {
		seeds = append(seeds, small[:cut])
	}
	s := string(small)
	for _, r := range [][2]string{
		{`"node_count":4`, `"node_count":4000000000`},
		{`"node_count":4`, `"node_count":613566756`},
		{`"edge_count":`, `"edge_count":9`},
		{`"node_count":4`, `"node_count":-1`},
		{`"node_count":4`, `"node_count":1e9`},
		{`"node_fields":["type",`, `"node_fields":[`},
		{`"nodes":[9,`, `"nodes":[300,`},
		{`"<dummy>"`, `"\ud800\u0041\uZZZZ"`},
	} {
		seeds = append(seeds, []byte(strings.Replace(s, r[0], r[1], 1)))
	}
	// Allocation traces: a traced snapshot and its trees gone wrong.
	traced := string(generate(f, snapshottest.Config{Nodes: 4, Seed: 4, Trace: true, AvgEdges: 1}))
	seeds = append(seeds, []byte(traced))
	for _, r := range [][2]string{
		{`[2,1,0,0,[]]`, `[2,1,0,0,[4,0,0,0,[5,1,0,0,[]]]]`},
		{`[2,1,0,0,[]]`, `[2,9,0,0,[]]`},
		{`[2,1,0,0,[]]`, `[2,1,0,0,[[]]]`},
		{`[2,1,0,0,[]]`, `[2,1,0,0,[],]`},
		{`"trace_function_infos":[0,0,`, `"trace_function_infos":[0,70000,`},
		{`"trace_node_fields":["id",`, `"trace_node_fields":["children","id",`},
	} {
		seeds = append(seeds, []byte(strings.Replace(traced, r[0], r[1], 1)))
	}
	for _, seed := range seeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		snap, err := Read(bytes.NewReader(data), Options{Size: int64(len(data))})
		// The parallel path, with tiny chunks, must agree with the serial one.
		oldSize, oldMin := chunkSize, parallelMin
		chunkSize, parallelMin = 37, 0
		snap2, err2 := Read(bytes.NewReader(data), Options{Size: int64(len(data)), Workers: 2})
		chunkSize, parallelMin = oldSize, oldMin
		if (err == nil) != (err2 == nil) {
			t.Fatalf("serial and parallel disagree: %v / %v", err, err2)
		}
		// The strings' fast path must agree with the general one.
		slowStrings = true
		snap3, err3 := Read(bytes.NewReader(data), Options{Size: int64(len(data))})
		slowStrings = false
		if (err == nil) != (err3 == nil) {
			t.Fatalf("the strings' fast and general paths disagree: %v / %v", err, err3)
		}
		if err != nil {
			if !IsFormatError(err) || !IsFormatError(err2) {
				t.Fatalf("error is not a FormatError: %v / %v", err, err2)
			}
			return
		}
		checkInvariants(t, snap)
		if !reflect.DeepEqual(snap, snap2) {
			t.Fatal("serial and parallel results differ")
		}
		if !reflect.DeepEqual(snap, snap3) {
			t.Fatal("the strings' fast and general paths give different results")
		}
	})
}

func checkInvariants(t *testing.T, s *Snapshot) {
	n, e := s.NodeCount, s.EdgeCount
	if len(s.NodeType) != n || len(s.NodeName) != n || len(s.NodeID) != n || len(s.NodeSelfSize) != n || len(s.FirstEdge) != n+1 {
		t.Fatal("node slices have the wrong length")
	}
	if len(s.EdgeTypeAndName) != e || len(s.EdgeTo) != e {
		t.Fatal("edge slices have the wrong length")
	}
	for i, b := range s.EdgeBigNames {
		if int(b.Edge) >= e || i > 0 && b.Edge <= s.EdgeBigNames[i-1].Edge || b.NameOrIndex < 1<<28-1 {
			t.Fatalf("big edge name %d: %+v", i, b)
		}
	}
	for i := 0; i < n; i++ {
		if s.FirstEdge[i] > s.FirstEdge[i+1] || int(s.NodeType[i]) >= len(s.Meta.NodeTypes) || int(s.NodeName[i]) >= s.Strings.Len() {
			t.Fatalf("node %d inconsistent", i)
		}
	}
	if int(s.FirstEdge[n]) != e {
		t.Fatal("FirstEdge does not end at EdgeCount")
	}
	for i := uint32(0); int(i) < e; i++ {
		if int(s.EdgeTo[i]) >= n || int(s.EdgeType(i)) >= len(s.Meta.EdgeTypes) {
			t.Fatalf("edge %d inconsistent", i)
		}
		if s.EdgeHasStringName(i) && int(s.EdgeNameOrIndex(i)) >= s.Strings.Len() {
			t.Fatalf("edge %d name out of range", i)
		}
	}
	if tr := s.Traces; tr != nil {
		for i := range tr.NodeID {
			if int(tr.NodeFunc[i]) >= len(tr.FuncName) || (tr.NodeParent[i] != NoParent && int(tr.NodeParent[i]) >= i) {
				t.Fatalf("trace node %d inconsistent", i)
			}
			if x, ok := tr.Lookup(tr.NodeID[i]); !ok || tr.NodeID[x] != tr.NodeID[i] {
				t.Fatalf("trace node %d not found by its id", i)
			}
		}
		for i := range tr.FuncName {
			if int(tr.FuncName[i]) >= s.Strings.Len() || int(tr.FuncScript[i]) >= s.Strings.Len() {
				t.Fatalf("trace function %d names a string out of range", i)
			}
		}
	}
	for _, l := range s.LocationNode {
		if int(l) >= n {
			t.Fatal("location node out of range")
		}
	}
	for i := 0; i < s.Strings.Len(); i++ {
		if s.Strings.Offsets[i] > s.Strings.Offsets[i+1] || int(s.Strings.Offsets[i+1]) > len(s.Strings.Data) {
			t.Fatal("string offsets inconsistent")
		}
	}
}
