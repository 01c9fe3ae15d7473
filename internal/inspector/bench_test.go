package inspector

import (
	"context"
	"io"
	"os"
	"strconv"
	"testing"
	"time"
)

// BenchmarkSnapshotBigScript measures a heap snapshot of a process that
// loaded one big script with many live closures (testdata/live/bigscript.js,
// a stand-in for the TypeScript compiler, which cannot be installed without
// the network in CI), with and without the Debugger.enable that precedes
// every snapshot. LEAKHOUND_BIGSCRIPT_FUNCS sets the function count
// (default 10000: a 2 MB script). With LEAKHOUND_TYPESCRIPT=1 (and
// NODE_PATH holding the typescript package, see bench/capture-ts.sh) the
// process is the real one: the TypeScript compiler with a Program built.
//
//	go test ./internal/inspector -run '^$' -bench SnapshotBigScript -benchtime 1x
func BenchmarkSnapshotBigScript(b *testing.B) {
	funcs := "10000"
	if v := os.Getenv("LEAKHOUND_BIGSCRIPT_FUNCS"); v != "" {
		funcs = v
	}
	for _, mode := range []struct {
		name     string
		noEnable bool
	}{{"debugger-enable", false}, {"no-debugger-enable", true}} {
		b.Run(mode.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				// A fresh process each time: line ends, once built, stay.
				args := []string{"--inspect-port=0", "bigscript.js", funcs}
				if os.Getenv("LEAKHOUND_TYPESCRIPT") != "" {
					args = []string{"--inspect-port=0", "tsprogram.js"}
				}
				cmd := startNode(b, args...)
				ctx := context.Background()
				t, err := Resolve(ctx, strconv.Itoa(cmd.Process.Pid), ResolveOptions{})
				if err != nil {
					b.Fatal(err)
				}
				c, err := Dial(ctx, t)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				start := time.Now()
				n, err := c.TakeHeapSnapshot(ctx, io.Discard, SnapshotOptions{NoDebuggerEnable: mode.noEnable})
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				b.ReportMetric(time.Since(start).Seconds(), "s/snapshot")
				b.ReportMetric(float64(n)/(1<<20), "MiB")
				c.Close()
				cmd.Process.Kill()
				cmd.Wait()
			}
		})
	}
}
