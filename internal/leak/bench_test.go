package leak

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// BenchmarkAnalyze runs the whole leak analysis (load, build, shapes,
// ranking) on a snapshot series: the event-listener scenario, or the
// *.heapsnapshot files in $LEAKHOUND_BENCH_SERIES (bench/leaks.sh writes
// 3 × 200 MB there). BenchmarkLoad is the cost of loading the same
// snapshots alone, the floor the analysis is measured against.
func BenchmarkAnalyze(b *testing.B) {
	paths := benchSeries(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Analyze(len(paths), func(i int) (*heapgraph.Graph, error) { return loadGraph(paths[i]) }, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	paths := benchSeries(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, p := range paths {
			g, err := loadGraph(p)
			if err != nil {
				b.Fatal(err)
			}
			g.Summary()
		}
	}
}

func benchSeries(b *testing.B) []string {
	if dir := os.Getenv("LEAKHOUND_BENCH_SERIES"); dir != "" {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.heapsnapshot"))
		sort.Strings(paths)
		if len(paths) < 2 {
			b.Fatalf("%s: need 2+ snapshots", dir)
		}
		return paths
	}
	return series(b, "event-listener", 3)
}

// BenchmarkAnalyzeStringConcat: a string grown with += is a cons-string
// tree thousands of pieces deep (8,000 in the last snapshot). Taking a
// deep piece as a leak root made the report's path run through every
// piece, each named by walking its own subtree: quadratic.
func BenchmarkAnalyzeStringConcat(b *testing.B) {
	paths := series(b, "string-concat", 4)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Analyze(len(paths), func(i int) (*heapgraph.Graph, error) { return loadGraph(paths[i]) }, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
