package leak

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/heapsnapshot/snapshottest"
)

func synthetic(t *testing.T, c snapshottest.Config) *heapgraph.Graph {
	t.Helper()
	var buf bytes.Buffer
	if _, err := snapshottest.Write(&buf, c); err != nil {
		t.Fatal(err)
	}
	return graphFrom(t, &buf)
}

// graphOf analyses a snapshot given as JSON text.
func graphOf(t *testing.T, snap string) *heapgraph.Graph {
	t.Helper()
	return graphFrom(t, strings.NewReader(snap))
}

// graphFrom reads and analyses a snapshot.
func graphFrom(t *testing.T, r io.Reader) *heapgraph.Graph {
	t.Helper()
	s, err := heapsnapshot.Read(r, heapsnapshot.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := heapgraph.Build(s, heapgraph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// Random graphs (cycles, unreachable nodes, odd types, tiny sizes) must
// never panic: they give a report, or an error for mismatched processes.
func TestAnalyzeSyntheticGraphs(t *testing.T) {
	for _, nodes := range []int{1, 2, 3, 10, 500, 3000} {
		for _, legacy := range []bool{false, true} {
			var gs []*heapgraph.Graph
			for i := 0; i < 3; i++ {
				gs = append(gs, synthetic(t, snapshottest.Config{Nodes: nodes, Seed: 7, Legacy: legacy}))
			}
			rep, err := Analyze(3, func(i int) (*heapgraph.Graph, error) { return gs[i], nil }, Options{})
			if err != nil {
				t.Fatalf("%d nodes: %v", nodes, err)
			}
			// Three identical snapshots: nothing grows.
			if rep.Leak || len(rep.Suspects) != 0 {
				t.Errorf("%d nodes: suspects in identical snapshots: %+v", nodes, rep.Suspects)
			}
			if _, err := Diff(gs[0], gs[2], "a", "b"); err != nil {
				t.Errorf("%d nodes: diff of identical snapshots: %v", nodes, err)
			}
			other := synthetic(t, snapshottest.Config{Nodes: nodes, Seed: 99, Legacy: legacy})
			four := []*heapgraph.Graph{gs[0], gs[1], other, gs[2]}
			// Either refused or analysed; never a panic.
			_, _ = Analyze(4, func(i int) (*heapgraph.Graph, error) { return four[i], nil }, Options{})
			_, _ = Diff(gs[0], other, "a", "b")
			// One snapshot alone: a report, never a panic.
			if one := AnalyzeOne(other, SingleOptions{}); one.Snapshots != 1 || one.Suspects == nil || one.DuplicateStrings == nil {
				t.Errorf("%d nodes: single-snapshot report %+v", nodes, one)
			}
		}
	}
}

// FuzzAnalyze runs the series analysis, the comparison and the
// single-snapshot analysis on random graphs
// (three snapshots from up to two generator seeds): never a panic.
func FuzzAnalyze(f *testing.F) {
	f.Add(uint64(1), uint64(1), uint16(50), false)
	f.Add(uint64(3), uint64(4), uint16(400), true)
	f.Add(uint64(5), uint64(5), uint16(1), false)
	f.Fuzz(func(t *testing.T, seedA, seedB uint64, nodes uint16, legacy bool) {
		n := int(nodes%2000) + 1
		gs := []*heapgraph.Graph{
			synthetic(t, snapshottest.Config{Nodes: n, Seed: seedA, Legacy: legacy}),
			synthetic(t, snapshottest.Config{Nodes: n, Seed: seedB, Legacy: legacy}),
			synthetic(t, snapshottest.Config{Nodes: n + 7, Seed: seedA, Legacy: legacy}),
		}
		rep, err := Analyze(3, func(i int) (*heapgraph.Graph, error) { return gs[i], nil }, Options{})
		if err == nil && rep.Leak != (len(rep.Suspects) > 0) {
			t.Fatalf("leak=%v with %d suspects", rep.Leak, len(rep.Suspects))
		}
		_, _ = Diff(gs[0], gs[2], "a", "b")
		if one := AnalyzeOne(gs[1], SingleOptions{}); one.Snapshots != 1 {
			t.Fatalf("single-snapshot report of %d snapshots", one.Snapshots)
		}
	})
}
