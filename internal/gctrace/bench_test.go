package gctrace

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

// genLog builds about size bytes of a node 20 --trace-gc log for one
// isolate: mostly scavenges, a major GC every 20th GC, and application
// lines in between, with the clock moving forward.
func genLog(size int, pid int) []byte {
	var b bytes.Buffer
	b.Grow(size + 1024)
	t := 30.0
	heap := 10.0
	for i := 0; b.Len() < size; i++ {
		t += 7
		switch {
		case i%5 == 4:
			fmt.Fprintf(&b, "GET /api/orders/%d 200 %d ms - %d bytes\n", i, i%37, 1000+i%9000)
		case i%20 == 0:
			heap += 0.01
			fmt.Fprintf(&b, "[%d:0x24df4c00] %8.0f ms: Mark-Compact %.1f (%.1f) -> %.1f (%.1f) MB, %.2f / 0.00 ms  (+ 1.5 ms in 75 steps since start of marking, biggest step 0.1 ms, walltime since start of marking 22 ms) (average mu = 0.991, current mu = 0.987) finalize incremental marking via task; GC in old space requested\n",
				pid, t, heap+20, heap+30, heap, heap+28, 8+float64(i%300)/100)
		default:
			fmt.Fprintf(&b, "[%d:0x24df4c00] %8.0f ms: Scavenge %.1f (%.1f) -> %.1f (%.1f) MB, %.2f / 0.00 ms  (average mu = 0.991, current mu = 0.987) allocation failure; \n",
				pid, t, heap+8, heap+30, heap+1, heap+30, 0.5+float64(i%200)/100)
		}
	}
	return b.Bytes()
}

// BenchmarkParse measures the analyser's throughput on a 32 MiB log fed in
// 256 KiB writes, as the CLI does.
func BenchmarkParse(b *testing.B) {
	data := genLog(32<<20, 17380)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := NewAnalyzer(Options{})
		feed(a, data)
		a.Flush()
	}
}

// BenchmarkParsePrefixed is BenchmarkParse with a docker --timestamps
// prefix on every line, so each GC record is found after the line start.
func BenchmarkParsePrefixed(b *testing.B) {
	data := bytes.ReplaceAll(genLog(32<<20, 17380), []byte("\n"), []byte("\n2026-11-24T19:00:00.123456789Z "))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := NewAnalyzer(Options{})
		feed(a, data)
		a.Flush()
	}
}

// BenchmarkStream1GB streams about 1 GiB through one analyser: 32 passes
// over a 32 MiB block, each pass another pid (as if 32 processes' logs
// were concatenated), and reports throughput and the live heap afterwards,
// which must not grow with the log.
//
//	go test -run '^$' -bench Stream1GB -benchtime 1x ./internal/gctrace
func BenchmarkStream1GB(b *testing.B) {
	const passes = 32
	blocks := make([][]byte, 2)
	blocks[0] = genLog(32<<20, 10000)
	blocks[1] = genLog(32<<20, 10001)
	b.SetBytes(int64(passes * len(blocks[0])))
	b.ResetTimer()
	var a *Analyzer
	for i := 0; i < b.N; i++ {
		a = NewAnalyzer(Options{})
		for p := 0; p < passes; p++ {
			// Alternate two pids with a clock reset in between: the
			// analyser sees a new isolate run each pass.
			feed(a, blocks[p%2])
		}
		a.Flush()
	}
	b.StopTimer()
	s := a.Summary()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc-uint64(2*len(blocks[0])))/(1<<20), "heap-MiB-besides-input")
	b.ReportMetric(float64(s.GCs), "gcs")
	runtime.KeepAlive(blocks)
}

func feed(a *Analyzer, data []byte) {
	for len(data) > 0 {
		n := min(len(data), 256<<10)
		a.Write(data[:n])
		data = data[n:]
	}
}
