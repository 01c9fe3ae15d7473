package heapindex

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

// BenchmarkOpen re-opens an index: the one in LEAKHOUND_INDEX_DIR of the
// snapshot LEAKHOUND_SNAPSHOT when both are set (write it first with
// `leakhound index`), else one written here for a generated snapshot of
// 500k nodes. "summary" adds the Summary view, what `summary` computes.
func BenchmarkOpen(b *testing.B) {
	path, id := benchIndex(b)
	st, _ := os.Stat(path)
	for _, withSummary := range []bool{false, true} {
		name := "open"
		if withSummary {
			name = "open+summary"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(st.Size())
			cpu := snapshottest.CPUTime()
			for b.Loop() {
				g, err := Open(path, id)
				if err != nil {
					b.Fatal(err)
				}
				if withSummary {
					g.Summary()
				}
			}
			b.ReportMetric(float64((snapshottest.CPUTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}

func benchIndex(b *testing.B) (string, Identity) {
	snap, dir := os.Getenv("LEAKHOUND_SNAPSHOT"), os.Getenv("LEAKHOUND_INDEX_DIR")
	if snap != "" && dir != "" {
		id, err := Identify(snap)
		if err != nil {
			b.Fatal(err)
		}
		return filepath.Join(dir, id.Name()), id
	}
	g := synthGraph(b, 500000)
	path := filepath.Join(b.TempDir(), "bench"+Ext)
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Write(f, g, Identity{}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path, Identity{}
}

// BenchmarkWrite writes the index of a generated snapshot of 500k nodes
// (to a discarding writer: the encoding and checksums, not the disk).
func BenchmarkWrite(b *testing.B) {
	g := synthGraph(b, 500000)
	size, _ := Size(g)
	b.SetBytes(size)
	b.ReportAllocs()
	cpu := snapshottest.CPUTime()
	for b.Loop() {
		if _, err := Write(discardAt{}, g, Identity{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((snapshottest.CPUTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// discardAt is a file that keeps nothing.
type discardAt struct{}

func (discardAt) WriteAt(p []byte, off int64) (int, error) { return len(p), nil }
