package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/leak"
)

// SeriesArg names snapshots of one process, oldest first, or a folder.
type SeriesArg struct {
	Files []string `json:"files,omitempty" jsonschema:"snapshot files of one process, oldest first (at least two)"`
	Dir   string   `json:"dir,omitempty" jsonschema:"or a folder: all its .heapsnapshot files in natural order (Heap-8 before Heap-10)"`
}

// reports remembers analysed series (small: suspects, not graphs).
type reports struct {
	mu    sync.Mutex
	order []string
	by    map[string]*leak.Report
}

func (r *reports) get(key string) *leak.Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.by[key]
}

func (r *reports) put(key string, rep *leak.Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.by == nil {
		r.by = map[string]*leak.Report{}
	}
	if _, ok := r.by[key]; !ok {
		r.order = append(r.order, key)
	}
	r.by[key] = rep
	for len(r.order) > 16 {
		delete(r.by, r.order[0])
		r.order = r.order[1:]
	}
}

// series checks and lists the files of a series.
func (s *Server) series(in SeriesArg) ([]string, error) {
	if (in.Dir == "") == (len(in.Files) == 0) {
		return nil, errors.New("give either files (oldest first) or dir")
	}
	var files []string
	if in.Dir != "" {
		d, err := s.roots.Check(in.Dir)
		if err != nil {
			return nil, err
		}
		if files, err = heapsnapshot.SeriesInDir(d); err != nil {
			return nil, err
		}
	} else {
		for _, f := range in.Files {
			p, err := s.roots.Check(f)
			if err != nil {
				return nil, err
			}
			files = append(files, p)
		}
	}
	return files, nil
}

func (s *Server) analyse(ctx context.Context, req *mcp.CallToolRequest, files []string) (*leak.Report, error) {
	key := strings.Join(files, "\x00")
	if rep := s.reports.get(key); rep != nil {
		return rep, nil
	}
	if len(files) < 2 {
		return nil, fmt.Errorf("leak_suspects needs at least two snapshots of the same process, oldest first (one snapshot shows where memory accumulates, not that it grows)")
	}
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	rep, err := leak.Analyze(len(files), func(i int) (*heapgraph.Graph, error) {
		return s.cache.get(ctx, files[i], progressNotifier(ctx, req, fmt.Sprintf("reading snapshot %d/%d", i+1, len(files))))
	}, leak.Options{Names: names, MaxSuspects: 50, Sources: s.sources()})
	if err != nil {
		return nil, err
	}
	s.reports.put(key, rep)
	return rep, nil
}

func (s *Server) addSeriesTools() {
	type loadOut struct {
		Files     []string            `json:"files"`
		Snapshots []leak.SnapshotInfo `json:"snapshots"`
		Leak      bool                `json:"leak"`
		Suspects  int                 `json:"suspects"`
		Notes     []string            `json:"notes,omitempty"`
	}
	tool(s, "load_series", "Load a series of heap snapshots of ONE running process (oldest first, or a folder of them) and run the leak analysis: objects allocated after the first snapshot that are still alive and grow at every snapshot, grouped by how they are held. Returns the snapshots and how many leak suspects were found; then call leak_suspects. Snapshots of different processes or inspector sessions are refused (object ids differ).",
		func(ctx context.Context, req *mcp.CallToolRequest, in SeriesArg) (any, error) {
			files, err := s.series(in)
			if err != nil {
				return nil, err
			}
			rep, err := s.analyse(ctx, req, files)
			if err != nil {
				return nil, err
			}
			return loadOut{Files: files, Snapshots: rep.Snapshots, Leak: rep.Leak, Suspects: len(rep.Suspects), Notes: rep.Notes}, nil
		})

	type suspectsIn struct {
		SeriesArg
		Page
	}
	type suspectsOut struct {
		Leak       bool                `json:"leak"`
		Snapshots  []leak.SnapshotInfo `json:"snapshots"`
		Total      int                 `json:"total"`
		Offset     int                 `json:"offset"`
		Suspects   []leak.Suspect      `json:"suspects"`
		Notes      []string            `json:"notes,omitempty"`
		NextOffset *int                `json:"next_offset,omitempty"`
	}
	type singleOut struct {
		Snapshots  int                 `json:"snapshots"`
		Snapshot   leak.SnapshotInfo   `json:"snapshot"`
		Total      int                 `json:"total"`
		Offset     int                 `json:"offset"`
		Suspects   []leak.Accumulation `json:"suspects"`
		Notes      []string            `json:"notes,omitempty"`
		NextOffset *int                `json:"next_offset,omitempty"`
	}
	tool(s, "leak_suspects", "The leak suspects of a series, ranked by retained bytes added: each with its pattern (event-listener, timer, unbounded-collection, closure, promise, detached-dom, string-or-buffer), the leaking class, counts and retained sizes per snapshot, the evidence, the holder, the retainer path (every step has an object id in the last snapshot: use inspect_object on that file), the code location and a fix hint. Given ONE snapshot (files with one entry), it reports where memory accumulates instead (accumulation points, many objects held the same way, huge objects), ranked by retained size: that shows where memory is, not that it grows.",
		func(ctx context.Context, req *mcp.CallToolRequest, in suspectsIn) (any, error) {
			files, err := s.series(in.SeriesArg)
			if err != nil {
				return nil, err
			}
			if len(files) == 1 {
				g, err := s.cache.get(ctx, files[0], progressNotifier(ctx, req, "reading "+filepath.Base(files[0])))
				if err != nil {
					return nil, err
				}
				rep := leak.AnalyzeOne(g, leak.SingleOptions{Name: filepath.Base(files[0]), MaxSuspects: 50, Sources: s.sources()})
				lo, hi, next := in.Page.window(len(rep.Suspects), 5)
				return singleOut{Snapshots: 1, Snapshot: rep.Snapshot, Total: len(rep.Suspects), Offset: lo,
					Suspects: rep.Suspects[lo:hi], Notes: rep.Notes, NextOffset: next}, nil
			}
			rep, err := s.analyse(ctx, req, files)
			if err != nil {
				return nil, err
			}
			lo, hi, next := in.Page.window(len(rep.Suspects), 5)
			return suspectsOut{Leak: rep.Leak, Snapshots: rep.Snapshots, Total: len(rep.Suspects), Offset: lo,
				Suspects: rep.Suspects[lo:hi], Notes: rep.Notes, NextOffset: next}, nil
		})

	type compareIn struct {
		Base   string `json:"base" jsonschema:"the older snapshot"`
		Target string `json:"target" jsonschema:"the newer snapshot of the same process"`
		Page
	}
	type compareOut struct {
		Base       leak.SnapshotInfo `json:"base"`
		Target     leak.SnapshotInfo `json:"target"`
		Total      int               `json:"total"`
		Offset     int               `json:"offset"`
		Classes    []leak.DiffRow    `json:"classes"`
		Notes      []string          `json:"notes,omitempty"`
		NextOffset *int              `json:"next_offset,omitempty"`
	}
	tool(s, "compare", "Chrome DevTools' Comparison view between two snapshots of one process: per class, objects new in target, deleted since base, the count delta and the size delta, largest size delta first.",
		func(ctx context.Context, req *mcp.CallToolRequest, in compareIn) (any, error) {
			g, _, err := s.graph(ctx, req, in.Base)
			if err != nil {
				return nil, err
			}
			base := leak.NewDiffBase(g, filepath.Base(in.Base))
			t, _, err := s.graph(ctx, req, in.Target)
			if err != nil {
				return nil, err
			}
			d, err := base.Diff(t, filepath.Base(in.Target))
			if err != nil {
				return nil, err
			}
			lo, hi, next := in.Page.window(len(d.Rows), 25)
			return compareOut{Base: d.Base, Target: d.Target, Total: len(d.Rows), Offset: lo, Classes: d.Rows[lo:hi], Notes: d.Notes, NextOffset: next}, nil
		})
}
