package heapgraph

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

// BenchmarkBuild analyses a generated snapshot of 500k nodes (~2M edges).
// The snapshot is re-parsed outside the timer each round because Build
// adjusts shallow sizes in place.
func BenchmarkBuild(b *testing.B) {
	var buf bytes.Buffer
	if _, err := snapshottest.Write(&buf, snapshottest.Config{Nodes: 500000, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	raw := buf.Bytes()
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		s, err := heapsnapshot.Read(bytes.NewReader(raw), heapsnapshot.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		g, err := Build(s, Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = g.Summary()
	}
	b.ReportMetric(500000, "nodes/op")
}

// TestPhaseTimes prints how long each analysis phase takes on the snapshot
// named by LEAKHOUND_SNAPSHOT (skipped otherwise); for profiling by hand.
func TestPhaseTimes(t *testing.T) {
	path := os.Getenv("LEAKHOUND_SNAPSHOT")
	if path == "" {
		t.Skip("set LEAKHOUND_SNAPSHOT=FILE to time the phases on FILE")
	}
	t0 := time.Now()
	s, err := heapsnapshot.Open(path, heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("parse: %v (%d nodes, %d edges)", time.Since(t0), s.NodeCount, s.EdgeCount)
	t1 := time.Now()
	g, err := Build(s, Options{Phase: func(p string) { t.Logf("  %-15s starts at %v", p, time.Since(t1)) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("build: %v", time.Since(t1))
	t2 := time.Now()
	g.Summary()
	t.Logf("summary: %v", time.Since(t2))
}
