package heapgraph

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"sync"
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
	var mu sync.Mutex
	g, err := Build(s, Options{Phase: func(p string) {
		mu.Lock()
		defer mu.Unlock()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		t.Logf("  %-15s starts at %v (heap in use %d MB, peak RSS %s)", p, time.Since(t1), m.HeapInuse>>20, peakRSS())
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("build: %v (peak RSS %s)", time.Since(t1), peakRSS())
	t2 := time.Now()
	g.Summary()
	t.Logf("summary: %v (peak RSS %s)", time.Since(t2), peakRSS())
}

// peakRSS is the process's peak resident set size as Linux reports it.
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "?"
}

// BenchmarkPhases times the repeatable phases of Build one by one on the
// snapshot named by LEAKHOUND_SNAPSHOT, or on a generated one of 500k nodes.
func BenchmarkPhases(b *testing.B) {
	var s *heapsnapshot.Snapshot
	var err error
	if path := os.Getenv("LEAKHOUND_SNAPSHOT"); path != "" {
		s, err = heapsnapshot.Open(path, heapsnapshot.Options{})
	} else {
		var buf bytes.Buffer
		if _, err = snapshottest.Write(&buf, snapshottest.Config{Nodes: 500000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		s, err = heapsnapshot.Read(bytes.NewReader(buf.Bytes()), heapsnapshot.Options{})
	}
	if err != nil {
		b.Fatal(err)
	}
	g, err := Build(s, Options{})
	if err != nil {
		b.Fatal(err)
	}
	a := newAnalysis(g)
	a.findUserRoots()
	a.markPageObjects()
	essential := func() {
		var done chan struct{}
		a.computeEssentialEdges(func(half func()) {
			done = make(chan struct{})
			go func() { half(); close(done) }()
		}, func() { <-done })
	}
	essential()
	phases := []struct {
		name string
		run  func()
	}{
		{"classes", func() { g.Classes = nil; a.calculateClasses() }},
		{"distances", a.calculateDistances},
		{"pageobjects", a.markPageObjects},
		{"essential", essential},
		{"dominators", a.dominators},
		{"retained", func() { a.dominators(); a.retainedSizes() }},
		{"dominated", a.buildDominated},
		{"statistics", a.calculateStatistics},
		{"retainers", g.buildRetainers},
		{"ids", g.buildIDIndex},
	}
	for _, p := range phases {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := snapshottest.CPUTime()
			for b.Loop() {
				p.run()
			}
			// CPU time varies far less than wall time on a shared machine.
			b.ReportMetric(float64((snapshottest.CPUTime()-cpu).Nanoseconds())/float64(b.N), "cpu-ns/op")
		})
	}
}
