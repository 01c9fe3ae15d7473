package heapsnapshot

import (
	"bytes"
	"os"
	"testing"

	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

var benchData = map[int][]byte{}

func benchSnapshot(b *testing.B, nodes int) []byte {
	if d, ok := benchData[nodes]; ok {
		return d
	}
	var buf bytes.Buffer
	if _, err := snapshottest.Write(&buf, snapshottest.Config{Nodes: nodes, Seed: 42}); err != nil {
		b.Fatal(err)
	}
	benchData[nodes] = buf.Bytes()
	return buf.Bytes()
}

func benchRead(b *testing.B, nodes, workers int) {
	data := benchSnapshot(b, nodes)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Read(bytes.NewReader(data), Options{Size: int64(len(data)), Workers: workers}); err != nil {
			b.Fatal(err)
		}
	}
}

// Sizes grow 10x to show that time is linear in size (MB/s stays flat).
func BenchmarkRead_100k(b *testing.B) { benchRead(b, 100_000, 0) }
func BenchmarkRead_1M(b *testing.B)   { benchRead(b, 1_000_000, 0) }

// Single worker, to show what the parallel pipeline buys.
func BenchmarkRead_1M_1worker(b *testing.B) { benchRead(b, 1_000_000, 1) }

// benchFile is $LEAKHOUND_BENCH_SNAPSHOT; the benchmark is skipped without it.
func benchFile(b *testing.B) string {
	path := os.Getenv("LEAKHOUND_BENCH_SNAPSHOT")
	if path == "" {
		b.Skip("set LEAKHOUND_BENCH_SNAPSHOT to a .heapsnapshot file")
	}
	return path
}

// BenchmarkReadFile parses the file named by $LEAKHOUND_BENCH_SNAPSHOT (for
// example one written by bench/make-snapshot.js), from disk as users do.
func BenchmarkReadFile(b *testing.B) {
	path := benchFile(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	for i := 0; i < b.N; i++ {
		if _, err := Open(path, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseUints measures the number scanner alone on V8-style text.
func BenchmarkParseUints(b *testing.B) {
	data := benchSnapshot(b, 100_000)
	i := bytes.Index(data, []byte(`"edges":[`)) + len(`"edges":[`)
	j := i + bytes.IndexByte(data[i:], ']')
	text := data[i:j]
	dst := make([]uint32, 0, len(text)/2+1)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for k := 0; k < b.N; k++ {
		var bad int
		dst, bad, _ = parseUints(text, dst[:0], false)
		if bad >= 0 {
			b.Fatal("parse error")
		}
	}
}

// BenchmarkParseUintsFile runs the number scanner on the nodes and edges
// arrays of $LEAKHOUND_BENCH_SNAPSHOT, each as one buffer; ns/num is per
// number (bench/perf.md has the figures and what was tried to lower them).
func BenchmarkParseUintsFile(b *testing.B) {
	data, err := os.ReadFile(benchFile(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, key := range []string{"nodes", "edges"} {
		i := bytes.Index(data, []byte(`"`+key+`":[`)) + len(key) + 4
		j := i + bytes.IndexByte(data[i:], ']')
		text := data[i:j]
		for _, mode := range []string{"per-number", "blocks-go", "blocks"} {
			if mode != "per-number" && !hasClassify {
				continue
			}
			b.Run(key+"/"+mode, func(b *testing.B) {
				defer func(u, a bool) { useBlocks, useBlockAsm = u, a }(useBlocks, useBlockAsm)
				useBlocks, useBlockAsm = mode != "per-number", mode == "blocks"
				dst := make([]uint32, 0, len(text)/2+1)
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					var bad int
					if dst, bad, _ = parseUints(text, dst[:0], false); bad >= 0 {
						b.Fatal("parse error")
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(dst)), "ns/num")
			})
		}
	}
}
