package heapsnapshot

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
	"github.com/leakhound/leakhound/internal/nodetest"
)

// reference decodes a snapshot the slow, obvious way with encoding/json, to
// check the streaming parser against.
func reference(t testing.TB, data []byte) *Snapshot {
	t.Helper()
	var doc struct {
		Snapshot struct {
			Meta struct {
				NodeFields     []string          `json:"node_fields"`
				NodeTypes      []json.RawMessage `json:"node_types"`
				EdgeFields     []string          `json:"edge_fields"`
				EdgeTypes      []json.RawMessage `json:"edge_types"`
				LocationFields []string          `json:"location_fields"`
				TraceFuncs     []string          `json:"trace_function_info_fields"`
				TraceNodes     []string          `json:"trace_node_fields"`
			} `json:"meta"`
			NodeCount          int    `json:"node_count"`
			EdgeCount          int    `json:"edge_count"`
			TraceFunctionCount int    `json:"trace_function_count"`
			ExtraNativeBytes   uint64 `json:"extra_native_bytes"`
		} `json:"snapshot"`
		Nodes     []uint32 `json:"nodes"`
		Edges     []uint32 `json:"edges"`
		Locations []uint32 `json:"locations"`
		Strings   []string `json:"strings"`
		Funcs     []uint32 `json:"trace_function_infos"`
		Tree      []any    `json:"trace_tree"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	m := doc.Snapshot.Meta
	s := &Snapshot{NodeCount: doc.Snapshot.NodeCount, EdgeCount: doc.Snapshot.EdgeCount,
		TraceFunctionCount: doc.Snapshot.TraceFunctionCount, ExtraNativeBytes: doc.Snapshot.ExtraNativeBytes}
	s.Meta.NodeFields, s.Meta.EdgeFields, s.Meta.LocationFields = m.NodeFields, m.EdgeFields, m.LocationFields
	s.Meta.TraceFunctionInfoFields, s.Meta.TraceNodeFields = m.TraceFuncs, m.TraceNodes
	idx := func(l []string, k string) int {
		for i, v := range l {
			if v == k {
				return i
			}
		}
		return -1
	}
	json.Unmarshal(m.NodeTypes[idx(m.NodeFields, "type")], &s.Meta.NodeTypes)
	json.Unmarshal(m.EdgeTypes[idx(m.EdgeFields, "type")], &s.Meta.EdgeTypes)
	nf, ef := len(m.NodeFields), len(m.EdgeFields)
	n := len(doc.Nodes) / nf
	s.FirstEdge = make([]uint32, n+1)
	for i := 0; i < n; i++ {
		row := doc.Nodes[i*nf:]
		s.NodeType = append(s.NodeType, uint8(row[idx(m.NodeFields, "type")]))
		s.NodeName = append(s.NodeName, row[idx(m.NodeFields, "name")])
		s.NodeID = append(s.NodeID, row[idx(m.NodeFields, "id")])
		s.NodeSelfSize = append(s.NodeSelfSize, row[idx(m.NodeFields, "self_size")])
		s.FirstEdge[i+1] = s.FirstEdge[i] + row[idx(m.NodeFields, "edge_count")]
		if k := idx(m.NodeFields, "trace_node_id"); k >= 0 {
			s.NodeTraceNodeID = append(s.NodeTraceNodeID, row[k])
		}
		if k := idx(m.NodeFields, "detachedness"); k >= 0 {
			s.NodeDetachedness = append(s.NodeDetachedness, uint8(row[k]))
		}
	}
	if allZero(s.NodeTraceNodeID) {
		s.NodeTraceNodeID = nil
	}
	if s.NodeDetachedness != nil && bytes.Count(s.NodeDetachedness, []byte{0}) == n {
		s.NodeDetachedness, s.DetachednessUnknown = nil, true
	}
	for i := 0; i < len(doc.Edges)/ef; i++ {
		row := doc.Edges[i*ef:]
		s.EdgeTypeAndName = append(s.EdgeTypeAndName, 0)
		s.SetEdge(uint32(i), uint8(row[idx(m.EdgeFields, "type")]), row[idx(m.EdgeFields, "name_or_index")])
		s.EdgeTo = append(s.EdgeTo, row[idx(m.EdgeFields, "to_node")]/uint32(nf))
	}
	lf := len(m.LocationFields)
	for i := 0; i+lf <= len(doc.Locations); i += lf {
		row := doc.Locations[i:]
		s.LocationNode = append(s.LocationNode, row[0]/uint32(nf))
		s.LocationScript = append(s.LocationScript, row[1])
		s.LocationLine = append(s.LocationLine, row[2])
		s.LocationColumn = append(s.LocationColumn, row[3])
	}
	s.Strings.Offsets = []uint32{0}
	for _, str := range doc.Strings {
		s.Strings.Data = append(s.Strings.Data, str...)
		s.Strings.Offsets = append(s.Strings.Offsets, uint32(len(s.Strings.Data)))
	}
	s.ResolveTypes()
	if len(doc.Tree) > 0 {
		s.Traces = referenceTraces(t, doc.Funcs, doc.Tree, len(doc.Strings))
	}
	return s
}

// referenceTraces decodes the allocation traces the simple way (recursion
// over encoding/json's values), in V8's layout.
func referenceTraces(t testing.TB, funcs []uint32, tree []any, strings int) *Traces {
	tr := &Traces{}
	for i := 0; i+6 <= len(funcs); i += 6 {
		tr.FuncName = append(tr.FuncName, funcs[i+1])
		tr.FuncScript = append(tr.FuncScript, funcs[i+2])
		tr.FuncLine = append(tr.FuncLine, funcs[i+4])
		tr.FuncColumn = append(tr.FuncColumn, funcs[i+5])
	}
	var walk func(a []any, parent uint32)
	walk = func(a []any, parent uint32) {
		for i := 0; i+5 <= len(a); i += 5 {
			me := uint32(len(tr.NodeID))
			tr.NodeID = append(tr.NodeID, uint32(a[i].(float64)))
			tr.NodeFunc = append(tr.NodeFunc, uint32(a[i+1].(float64)))
			tr.NodeParent = append(tr.NodeParent, parent)
			walk(a[i+4].([]any), me)
		}
	}
	walk(tree, NoParent)
	if err := tr.Check(strings); err != nil {
		t.Fatal(err)
	}
	return tr
}

func compare(t testing.TB, got, want *Snapshot) {
	t.Helper()
	g, w := reflect.ValueOf(*got), reflect.ValueOf(*want)
	for i := 0; i < g.NumField(); i++ {
		name := g.Type().Field(i).Name
		gf, wf := g.Field(i), w.Field(i)
		if gf.Kind() == reflect.Slice && gf.Len() == 0 && wf.Len() == 0 {
			continue
		}
		if name == "Strings" {
			gs, ws := got.Strings, want.Strings
			if gs.Len() != ws.Len() {
				t.Fatalf("Strings: %d strings, want %d", gs.Len(), ws.Len())
			}
			for k := 0; k < gs.Len(); k++ {
				if gs.Get(uint32(k)) != ws.Get(uint32(k)) {
					t.Fatalf("string %d = %q, want %q", k, gs.Get(uint32(k)), ws.Get(uint32(k)))
				}
			}
			continue
		}
		if !reflect.DeepEqual(gf.Interface(), wf.Interface()) {
			t.Fatalf("%s differs", name)
		}
	}
}

func generate(t testing.TB, c snapshottest.Config) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := snapshottest.Write(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// smallChunks makes the parallel path run on small inputs, with chunk
// boundaries every few numbers.
func smallChunks(t testing.TB) {
	oldSize, oldMin := chunkSize, parallelMin
	chunkSize, parallelMin = 61, 0
	t.Cleanup(func() { chunkSize, parallelMin = oldSize, oldMin })
}

func TestSyntheticSmallChunks(t *testing.T) {
	smallChunks(t)
	TestSynthetic(t)
	TestRealSnapshot(t)
}

func TestTruncatedSmallChunks(t *testing.T) {
	smallChunks(t)
	TestTruncated(t)
	TestBadInput(t)
	TestEdgeTargets(t)
}

func TestSynthetic(t *testing.T) {
	for _, c := range []snapshottest.Config{
		{Nodes: 1},
		{Nodes: 100, Seed: 1},
		{Nodes: 5000, Seed: 2, Trace: true},
		{Nodes: 5000, Seed: 3, Legacy: true},
		{Nodes: 5000, Seed: 4, Shuffled: true, Trace: true},
		{Nodes: 50000, Seed: 5},
		{Nodes: 5000, Seed: 6, BigIndices: true},
	} {
		data := generate(t, c)
		want := reference(t, data)
		if c.BigIndices && len(want.EdgeBigNames) < 100 {
			t.Fatalf("%+v: only %d big edge names", c, len(want.EdgeBigNames))
		}
		for _, workers := range []int{1, 3} {
			for _, size := range []int64{0, int64(len(data))} {
				got, err := Read(bytes.NewReader(data), Options{Workers: workers, Size: size})
				if err != nil {
					t.Fatalf("%+v: %v", c, err)
				}
				compare(t, got, want)
			}
		}
		got, err := Read(bytes.NewReader(gz(data)), Options{})
		if err != nil {
			t.Fatalf("%+v gzip: %v", c, err)
		}
		compare(t, got, want)
	}
}

func TestStringEscapes(t *testing.T) {
	data := generate(t, snapshottest.Config{Nodes: 10})
	s, err := Read(bytes.NewReader(data), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"<dummy>", "(GC roots)", "Object", "EventEmitter", `a"quoted"\path`, "tab\there\nnewline",
		"café", "snow ☃", "emoji 😀", "lone \uFFFD high", "lone \uFFFD low", "slash /", "ü raw utf8", ""}
	for i, w := range want {
		if g := s.Strings.Get(uint32(i)); g != w {
			t.Errorf("string %d = %q, want %q", i, g, w)
		}
	}
}

var (
	nodeOnce sync.Once
	nodeDir  string
	nodeSnap string
	nodeErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if nodeDir != "" {
		os.RemoveAll(nodeDir)
	}
	os.Exit(code)
}

// realSnapshot writes a heap snapshot with node once per test run.
func realSnapshot(t testing.TB) string {
	t.Helper()
	node := nodetest.Path(t)
	nodeOnce.Do(func() {
		dir, err := os.MkdirTemp("", "leakhound-parse")
		if err != nil {
			nodeErr = err
			return
		}
		nodeDir = dir
		nodeSnap = filepath.Join(dir, "real.heapsnapshot")
		script := `
const { EventEmitter } = require('events');
class Session { constructor(i) { this.id = i; this.data = 'x'.repeat(i % 50) + '\u2603\ud83d\ude00"\\'; } }
const keep = { m: new Map(), s: new Set(), w: new WeakMap(), arr: [], em: new EventEmitter() };
for (let i = 0; i < 2000; i++) {
  const o = new Session(i);
  keep.m.set('k' + i, o); keep.s.add(o); keep.w.set(o, i);
  keep.arr.push(() => o.id, Buffer.alloc(16), Promise.resolve(i), new WeakRef(o));
  keep.em.on('ev', () => o);
}
globalThis.keep = keep;
require('v8').writeHeapSnapshot(process.argv[1]);
`
		out, err := exec.Command(node, "-e", script, nodeSnap).CombinedOutput()
		if err != nil {
			nodeErr = errors.New(string(out))
		}
	})
	if nodeErr != nil {
		t.Fatal(nodeErr)
	}
	return nodeSnap
}

func TestRealSnapshot(t *testing.T) {
	path := realSnapshot(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := reference(t, data)
	got, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	compare(t, got, want)
	// Node writes the detachedness field; when every state is unknown the
	// parser drops the column and says so.
	if got.NodeCount < 10000 || got.NodeTypeName(0) != "synthetic" || (got.NodeDetachedness == nil && !got.DetachednessUnknown) {
		t.Fatalf("implausible snapshot: %d nodes, root %q, detachedness field read: %v",
			got.NodeCount, got.NodeTypeName(0), got.NodeDetachedness != nil || got.DetachednessUnknown)
	}
	if len(got.LocationNode) == 0 {
		t.Fatal("no locations")
	}
	// The same file gzipped, read from a stream of unknown size.
	got, err = Read(bytes.NewReader(gz(data)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	compare(t, got, want)
}

func TestBadInput(t *testing.T) {
	good := generate(t, snapshottest.Config{Nodes: 50, Seed: 9})
	s := string(good)
	cases := []struct{ name, in, want string }{
		{"empty", "", "the file is empty"},
		{"blank", " \n\t", "the file is empty"},
		{"not json", "hello", "not JSON"},
		{"binary", "\x00\x01\x02", "not JSON"},
		{"json array", "[1,2,3]", "top level is not an object"},
		{"json object", `{"name":"x","version":"1.0"}`, "not a V8 heap snapshot"},
		{"empty object", `{}`, "not a V8 heap snapshot"},
		// Bun's default heap snapshot (JavaScriptCore's format) is refused at its first key.
		{"javascriptcore", `{"version":2,"type":"Inspector","nodes":[0,0,0,0],"nodeClassNames":["Object"],"edges":[]}`, "JavaScriptCore"},
		{"trailing", s + "x", "after the end"},
		{"negative", strings.Replace(s, `"nodes":[9,`, `"nodes":[-9,`, 1), "negative"},
		{"huge number", strings.Replace(s, `"nodes":[9,`, `"nodes":[99999999999,`, 1), "out of range"},
		{"float", strings.Replace(s, `"nodes":[9,`, `"nodes":[9.5,`, 1), "fraction"},
		{"node type", strings.Replace(s, `"nodes":[9,`, `"nodes":[200,`, 1), "type 200"},
		{"node count", strings.Replace(s, `"node_count":50`, `"node_count":51`, 1), "node_count"},
		{"edge count", strings.Replace(s, `"edge_count":`, `"edge_count":1`, 1), "edge"},
		{"missing strings", s[:strings.Index(s, `,
"strings"`)] + "}", `"strings" section is missing`},
		{"no meta", `{"snapshot":{},"nodes":[],"edges":[],"strings":[]}`, `no "meta"`},
		{"bad escape", strings.Replace(s, `"<dummy>"`, `"\q"`, 1), "invalid escape"},
		{"hostile count", strings.Replace(s, `"node_count":50`, `"node_count":600000000`, 1), "node_count"},
		// A gzip header with no data after it is cut off, not empty.
		{"gzip header only", "\x1f\x8b\x08\x00garbage", "truncated"},
		{"gzip of nothing", string(gz(nil)), "the file is empty"},
	}
	for _, c := range cases {
		_, err := Read(strings.NewReader(c.in), Options{Size: int64(len(c.in))})
		if err == nil || !IsFormatError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a FormatError containing %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: message has several lines: %q", c.name, err)
		}
	}
}

func TestEdgeTargets(t *testing.T) {
	s := string(generate(t, snapshottest.Config{Nodes: 3, Seed: 1, AvgEdges: 1}))
	i := strings.Index(s, `"edges":[`) + len(`"edges":[`)
	j := i + strings.IndexAny(s[i:], "\n]")
	row := strings.Split(s[i:j], ",")
	for _, to := range []string{"1", "21", "700"} {
		bad := s[:i] + row[0] + "," + row[1] + "," + to + s[j:]
		_, err := Read(strings.NewReader(bad), Options{})
		if !IsFormatError(err) || !strings.Contains(err.Error(), "edge 0 points to") {
			t.Errorf("to_node %s: %v", to, err)
		}
	}
}

func TestTruncated(t *testing.T) {
	data := generate(t, snapshottest.Config{Nodes: 40, Seed: 7, Trace: true})
	for n := 0; n < len(data); n++ {
		_, err := Read(bytes.NewReader(data[:n]), Options{Size: int64(n)})
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("cut at %d: %v", n, err)
		}
		if n > 0 && strings.TrimSpace(string(data[:n])) != "" && !fe.Truncated {
			t.Fatalf("cut at %d: not reported as truncated: %v", n, err)
		}
	}
	// The message says where, and how far we got.
	s := string(data)
	cut := strings.Index(s, `"edges":[`) + 40
	_, err := Read(strings.NewReader(s[:cut]), Options{Size: int64(cut)})
	if err == nil || !strings.Contains(err.Error(), `(in "edges", `) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("message: %v", err)
	}
	// Truncated gzip.
	z := gz(data)
	_, err = Read(bytes.NewReader(z[:len(z)/2]), Options{})
	if !IsFormatError(err) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("gzip: %v", err)
	}
}

// A header claiming huge counts must not make us allocate for them.
func TestHostileHeaderAllocation(t *testing.T) {
	s := string(generate(t, snapshottest.Config{Nodes: 5}))
	s = strings.Replace(s, `"node_count":5`, `"node_count":600000000`, 1)
	s = strings.Replace(s, `"edge_count":`, `"edge_count":4000000000`, 1)
	for _, size := range []int64{0, int64(len(s))} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Read(strings.NewReader(s), Options{Size: size})
		runtime.ReadMemStats(&after)
		if !IsFormatError(err) {
			t.Fatalf("got %v", err)
		}
		if d := after.TotalAlloc - before.TotalAlloc; d > 16<<20 {
			t.Fatalf("size %d: allocated %d bytes for a %d-byte input", size, d, len(s))
		}
	}
}

func TestTraceNodeIDs(t *testing.T) {
	for _, trace := range []bool{false, true} {
		s, err := Read(bytes.NewReader(generate(t, snapshottest.Config{Nodes: 300, Trace: trace})), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if (s.NodeTraceNodeID != nil) != trace {
			t.Errorf("trace=%v: NodeTraceNodeID nil=%v", trace, s.NodeTraceNodeID == nil)
		}
	}
}

func allZero(v []uint32) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

// Node 24 and later write an element index of 2^31 or more as a negative
// int32: it is read as the index (-2 is 4294967294), in the edges only.
func TestNegativeElementIndex(t *testing.T) {
	s := string(generate(t, snapshottest.Config{Nodes: 3, Seed: 1, AvgEdges: 1}))
	i := strings.Index(s, `"edges":[`) + len(`"edges":[`)
	j := i + strings.IndexAny(s[i:], "\n]")
	row := strings.Split(s[i:j], ",")
	var element string
	got, err := Read(strings.NewReader(s), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for k, name := range got.Meta.EdgeTypes {
		if name == "element" {
			element = fmt.Sprint(k)
		}
	}
	for _, c := range []struct{ in, want string }{{"-2", "4294967294"}, {"-2147483648", "2147483648"}, {"-0", "0"}} {
		in := s[:i] + element + "," + c.in + "," + row[2] + s[j:]
		got, err := Read(strings.NewReader(in), Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if n := got.EdgeName(0); n != c.want {
			t.Errorf("%s: edge name %q, want %q", c.in, n, c.want)
		}
	}
	for _, bad := range []string{"-2147483649", "-", "--2"} {
		in := s[:i] + element + "," + bad + "," + row[2] + s[j:]
		if _, err := Read(strings.NewReader(in), Options{}); !IsFormatError(err) {
			t.Errorf("%s accepted: %v", bad, err)
		}
	}
}
