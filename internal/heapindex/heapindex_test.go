package heapindex

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

// build analyses a golden snapshot (whose numbers heapgraph's golden test
// proves equal to DevTools') and writes its index.
func build(t testing.TB, name string) (*heapgraph.Graph, string, Identity) {
	t.Helper()
	src := filepath.Join("../../testdata/golden", name+".heapsnapshot.gz")
	s, err := heapsnapshot.Open(src, heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := heapgraph.Build(s, heapgraph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := Identify(src)
	if err != nil {
		t.Fatal(err)
	}
	return g, writeIndex(t, g, id), id
}

// writeIndex writes g's index into a temporary directory and returns its
// path, checking that Size predicted its size.
func writeIndex(t testing.TB, g *heapgraph.Graph, id Identity) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), id.Name())
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Write(f, g, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if want, _ := Size(g); want != n {
		t.Fatalf("Size says %d bytes, Write wrote %d", want, n)
	}
	return path
}

// TestRoundTrip re-opens indexes of real snapshots and checks every number
// a command can show against the freshly analysed graph.
func TestRoundTrip(t *testing.T) {
	for _, name := range []string{"casestudy", "casestudy-node16", "chrome-leaky"} {
		t.Run(name, func(t *testing.T) {
			want, path, id := build(t, name)
			got, err := Open(path, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.NodeCount() != want.NodeCount() || got.S.EdgeCount != want.S.EdgeCount {
				t.Fatalf("got %d nodes %d edges, want %d %d", got.NodeCount(), got.S.EdgeCount, want.NodeCount(), want.S.EdgeCount)
			}
			for n := uint32(0); n < uint32(want.NodeCount()); n++ {
				if got.ID(n) != want.ID(n) || got.RetainedSize(n) != want.RetainedSize(n) ||
					got.ShallowSize(n) != want.ShallowSize(n) || got.Distance(n) != want.Distance(n) ||
					got.ClassName(n) != want.ClassName(n) || got.Dominator(n) != want.Dominator(n) ||
					got.Name(n) != want.Name(n) || got.TypeName(n) != want.TypeName(n) ||
					got.Detachedness(n) != want.Detachedness(n) || got.RetainerCount(n) != want.RetainerCount(n) {
					t.Fatalf("node %d differs", n)
				}
				if m, ok := got.NodeByID(want.ID(n)); !ok || got.ID(m) != want.ID(n) {
					t.Fatalf("NodeByID(@%d) = %d, %v", want.ID(n), m, ok)
				}
			}
			if !reflect.DeepEqual(got.Summary(), want.Summary()) {
				t.Error("summaries differ")
			}
			if got.Stats != want.Stats || !reflect.DeepEqual(got.Classes, want.Classes) {
				t.Error("statistics or classes differ")
			}
			if !reflect.DeepEqual(got.S.Meta, want.S.Meta) || got.S.NodeTypeIndex != want.S.NodeTypeIndex ||
				!reflect.DeepEqual(got.S.LocationNode, want.S.LocationNode) {
				t.Error("snapshot header differs")
			}
			// Paths read the retainer index and the names.
			for _, n := range []uint32{uint32(want.NodeCount() / 2), uint32(want.NodeCount() - 1)} {
				gp, wp := got.ShortestPaths(n, 5), want.ShortestPaths(n, 5)
				if len(gp) != len(wp) {
					t.Fatalf("node %d: %d paths, want %d", n, len(gp), len(wp))
				}
				for i := range gp {
					if got.FormatPath(gp[i]) != want.FormatPath(wp[i]) {
						t.Errorf("path %d of node %d: %q, want %q", i, n, got.FormatPath(gp[i]), want.FormatPath(wp[i]))
					}
				}
			}
		})
	}
}

// TestRefused checks that a stale, cut-off, corrupt or foreign index is
// refused with an error, never opened.
func TestRefused(t *testing.T) {
	_, path, id := build(t, "casestudy")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	other := id
	other.ModTime++
	if _, err := Open(path, other); !errors.Is(err, ErrStale) {
		t.Errorf("stale identity: %v, want ErrStale", err)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none"+Ext), id); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing index: %v", err)
	}
	cases := map[string][]byte{
		"cut off":         good[:len(good)-100],
		"empty":           {},
		"foreign":         []byte("{\"snapshot\":{}}" + string(make([]byte, 200))),
		"flipped in data": flip(good, len(good)/2),
		"flipped in info": flip(good, 4096+10),
		"flipped header":  flip(good, fixedHeader+3),
		"other version":   flip(good, 8),
	}
	for name, b := range cases {
		p := filepath.Join(t.TempDir(), name+Ext)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if g, err := Open(p, id); err == nil || g != nil {
			t.Errorf("%s: opened (err %v)", name, err)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}

// FuzzDecode feeds mutated indexes to the reader with checksums off, so
// the checks behind them see hostile content: it must return an error or a
// consistent graph, never panic.
func FuzzDecode(f *testing.F) {
	for _, nodes := range []int{1, 30, 200} {
		g := synthGraph(f, nodes)
		var out memFile
		if _, err := Write(&out, g, Identity{}); err != nil {
			f.Fatal(err)
		}
		f.Add(out.b)
	}
	// A traced snapshot (its trace sections are checked on the way in),
	// and one with edge names too big for the packed edges.
	for _, c := range []snapshottest.Config{{Nodes: 30, Seed: 5, Trace: true}, {Nodes: 30, Seed: 6, BigIndices: true}} {
		var buf bytes.Buffer
		if _, err := snapshottest.Write(&buf, c); err != nil {
			f.Fatal(err)
		}
		if s, err := heapsnapshot.Read(&buf, heapsnapshot.Options{}); err == nil {
			if g, err := heapgraph.Build(s, heapgraph.Options{}); err == nil {
				var out memFile
				if _, err := Write(&out, g, Identity{}); err == nil {
					f.Add(out.b)
				}
			}
		}
	}
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := decode(data, nil, false)
		if err != nil {
			return
		}
		// Everything a command reads must work on what was accepted.
		for n := uint32(0); n < uint32(g.NodeCount()); n++ {
			_ = g.Name(n) + g.ClassName(n) + g.TypeName(n)
			for e := range g.Edges(n) {
				_ = g.S.EdgeName(e) + g.S.EdgeTypeName(e)
			}
			_ = g.RetainedSize(n) + uint64(g.Distance(n)) + uint64(g.RetainerCount(n))
			g.NodeByID(g.ID(n))
			g.AllocationStack(n)
			if n < 16 {
				g.ShortestPaths(n, 2)
			}
		}
		g.Summary()
	})
}

// synthGraph analyses a generated snapshot of the given size.
func synthGraph(tb testing.TB, nodes int) *heapgraph.Graph {
	tb.Helper()
	var buf bytes.Buffer
	if _, err := snapshottest.Write(&buf, snapshottest.Config{Nodes: nodes, Seed: uint64(nodes)}); err != nil {
		tb.Fatal(err)
	}
	s, err := heapsnapshot.Read(&buf, heapsnapshot.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	g, err := heapgraph.Build(s, heapgraph.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// TestSliceOutlivesGraph keeps an array of a re-opened graph after the
// graph and its snapshot are garbage (their pages are given back then):
// the array must still read the file's values.
func TestSliceOutlivesGraph(t *testing.T) {
	want, path, id := build(t, "casestudy")
	ids := func() []uint32 {
		g, err := Open(path, id)
		if err != nil {
			t.Fatal(err)
		}
		return g.S.NodeID
	}()
	for range 3 {
		runtime.GC()
	}
	for n, v := range ids {
		if v != want.ID(uint32(n)) {
			t.Fatalf("node %d: id %d after the graph was collected, want %d", n, v, want.ID(uint32(n)))
		}
	}
}

// TestSummaryOnly: the Summary read from the header and info section alone
// is the analysed graph's.
func TestSummaryOnly(t *testing.T) {
	for _, name := range []string{"casestudy", "chrome-leaky"} {
		t.Run(name, func(t *testing.T) {
			want, path, id := build(t, name)
			got, err := OpenSummary(path, id)
			if err != nil {
				t.Fatal(err)
			}
			if got.NodeCount != want.NodeCount() || got.EdgeCount != want.S.EdgeCount || got.Stats != want.Stats {
				t.Errorf("counts or statistics differ: %+v", got)
			}
			if !reflect.DeepEqual(got.Rows, want.Summary()) {
				t.Error("rows differ")
			}
		})
	}
}

// TestSummaryOnlyRefused: OpenSummary refuses what Open refuses, except
// damage in the big arrays it never reads (then its answer is still the
// right one).
func TestSummaryOnlyRefused(t *testing.T) {
	want, path, id := build(t, "casestudy")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	other := id
	other.ModTime++
	if _, err := OpenSummary(path, other); !errors.Is(err, ErrStale) {
		t.Errorf("stale identity: %v, want ErrStale", err)
	}
	if _, err := OpenSummary(filepath.Join(t.TempDir(), "none"+Ext), id); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing index: %v", err)
	}
	infoAt := int(binary.LittleEndian.Uint64(good[fixedHeader+8:])) // the first section is the info
	cases := map[string][]byte{
		"cut off":         good[:len(good)-100],
		"empty":           {},
		"foreign":         []byte("{\"snapshot\":{}}" + string(make([]byte, 200))),
		"flipped in info": flip(good, infoAt+10),
		"flipped header":  flip(good, fixedHeader+3),
		"other version":   flip(good, 8),
	}
	for name, b := range cases {
		p := filepath.Join(t.TempDir(), name+Ext)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if s, err := OpenSummary(p, id); err == nil || s != nil {
			t.Errorf("%s: opened (err %v)", name, err)
		}
	}
	p := filepath.Join(t.TempDir(), "data"+Ext)
	if err := os.WriteFile(p, flip(good, len(good)/2), 0o644); err != nil {
		t.Fatal(err)
	}
	if s, err := OpenSummary(p, id); err == nil && !reflect.DeepEqual(s.Rows, want.Summary()) {
		t.Error("flipped in data: wrong rows")
	}
}

// FuzzDecodeSummary feeds mutated indexes to the summary reader with
// checksums off: it must return an error or rows that name real classes,
// never panic.
func FuzzDecodeSummary(f *testing.F) {
	for _, nodes := range []int{1, 30, 200} {
		var out memFile
		if _, err := Write(&out, synthGraph(f, nodes), Identity{}); err != nil {
			f.Fatal(err)
		}
		f.Add(out.b)
	}
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := checkFixed(data, int64(len(data)), nil)
		if err != nil {
			return
		}
		hlen := fixedHeader + entrySize*n + 4
		if len(data) < hlen {
			return
		}
		e, err := infoEntry(data[:hlen], n, int64(len(data)), false)
		if err != nil {
			return
		}
		s, err := decodeSummary(data[:hlen], n, int64(len(data)), data[e.off:e.off+e.length], false)
		if err != nil {
			return
		}
		if s.NodeCount < 1 || len(s.Rows) == 0 {
			t.Fatalf("accepted %d nodes, %d rows", s.NodeCount, len(s.Rows))
		}
	})
}

// TestRoundTripTraces: a traced snapshot's allocation stacks survive the
// index.
func TestRoundTripTraces(t *testing.T) {
	s, got := roundTrip(t, snapshottest.Config{Nodes: 50, Seed: 3, Trace: true})
	if s.Traces == nil {
		t.Fatal("the snapshot has no traces")
	}
	if !reflect.DeepEqual(got.S.Traces, s.Traces) || !reflect.DeepEqual(got.S.NodeTraceNodeID, s.NodeTraceNodeID) {
		t.Fatal("traces differ after the round trip")
	}
}

// roundTrip analyses a generated snapshot, writes its index and reads it
// back.
func roundTrip(t *testing.T, c snapshottest.Config) (*heapsnapshot.Snapshot, *heapgraph.Graph) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := snapshottest.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	s, err := heapsnapshot.Read(&buf, heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := heapgraph.Build(s, heapgraph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out memFile
	if _, err := Write(&out, g, Identity{}); err != nil {
		t.Fatal(err)
	}
	got, err := decode(out.b, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	return s, got
}

// TestRoundTripWideClasses: a graph with more than 65,536 classes keeps
// 32-bit class ids; its index holds that section instead of the 16-bit one
// and re-opens to the same classes.
func TestRoundTripWideClasses(t *testing.T) {
	g, _, id := build(t, "casestudy")
	p := g.Parts()
	if p.Class16 == nil {
		t.Fatal("the golden snapshot's classes are not 16-bit")
	}
	p.Class = make([]uint32, len(p.Class16))
	for i, c := range p.Class16 {
		p.Class[i] = uint32(c)
	}
	p.Class16 = nil
	wide, err := heapgraph.FromParts(g.S, p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(writeIndex(t, wide, id), id)
	if err != nil {
		t.Fatal(err)
	}
	gp := got.Parts()
	if gp.Class == nil || gp.Class16 != nil {
		t.Fatal("the index did not keep 32-bit class ids")
	}
	for n := uint32(0); n < uint32(g.NodeCount()); n++ {
		if got.ClassIndex(n) != g.ClassIndex(n) {
			t.Fatalf("node %d: class %d, want %d", n, got.ClassIndex(n), g.ClassIndex(n))
		}
	}
	if !reflect.DeepEqual(got.Summary(), g.Summary()) {
		t.Error("summaries differ")
	}
}

// TestRoundTripBigEdgeNames: edge indexes too big for the packed edge
// array (a sparse array's) survive the round trip in their own section.
func TestRoundTripBigEdgeNames(t *testing.T) {
	s, got := roundTrip(t, snapshottest.Config{Nodes: 300, Seed: 7, BigIndices: true})
	if len(s.EdgeBigNames) == 0 {
		t.Fatal("the snapshot has no big edge names")
	}
	if !reflect.DeepEqual(got.S.EdgeBigNames, s.EdgeBigNames) || !reflect.DeepEqual(got.S.EdgeTypeAndName, s.EdgeTypeAndName) {
		t.Fatal("edges differ after the round trip")
	}
	for e := uint32(0); int(e) < s.EdgeCount; e++ {
		if got.S.EdgeName(e) != s.EdgeName(e) {
			t.Fatalf("edge %d: %q, want %q", e, got.S.EdgeName(e), s.EdgeName(e))
		}
	}
}

// memFile is an in-memory file to Write to.
type memFile struct{ b []byte }

func (m *memFile) WriteAt(p []byte, off int64) (int, error) {
	if end := int(off) + len(p); end > len(m.b) {
		m.b = append(m.b, make([]byte, end-len(m.b))...)
	}
	copy(m.b[off:], p)
	return len(p), nil
}

// TestWriteInPieces: an index written with the retainer index built in
// pieces (the graph has none) is byte for byte the one written from the
// whole retainer index.
func TestWriteInPieces(t *testing.T) {
	old := retainerPieceMin
	t.Cleanup(func() { retainerPieceMin = old })
	for _, nodes := range []int{1, 30, 2000} {
		for _, piece := range []int{1, 50, 1 << 30} {
			retainerPieceMin = piece
			g := synthGraph(t, nodes)
			var inPieces, whole memFile
			if _, err := Write(&inPieces, g, Identity{}); err != nil {
				t.Fatal(err)
			}
			if p := g.PartsToSave(); p.FirstRetainer != nil {
				t.Fatal("writing the index built the whole retainer index")
			}
			g.Parts() // builds it
			if _, err := Write(&whole, g, Identity{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(inPieces.b, whole.b) {
				t.Fatalf("%d nodes, pieces of %d: the index differs from the one written whole", nodes, piece)
			}
		}
	}
}
