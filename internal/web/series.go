package web

import (
	"bytes"
	"net/http"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/gctrace"
	"github.com/leakhound/leakhound/internal/leak"
	rpt "github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/ui"
)

// apiLeaks is `leaks --json` for a series; for one snapshot, `leaks ONE
// --json`: where memory accumulates (no growth to see).
func (s *Server) apiLeaks(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Kind == KindSnapshot {
		s.snapAPI(func(w http.ResponseWriter, q query, i int, sn *snap) error {
			rep, err := sn.accumulation(s.cfg.Names[i], s.cfg.MaxSuspects, s.cfg.Sources)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, accumulationView{SingleReport: rep, Facts: rpt.SingleFacts(rep)})
			return nil
		})(w, r)
		return
	}
	if err := s.await(KindSeries, "the leak report needs heap snapshots"); err != nil {
		s.fail(w, err)
		return
	}
	s.mu.Lock()
	rep := s.leaks
	s.mu.Unlock()
	if rep == nil {
		writeJSON(w, http.StatusOK, rep)
		return
	}
	writeJSON(w, http.StatusOK, leaksView{Report: rep, Facts: rpt.LeaksFacts(rep)})
}

// leaksView and accumulationView are the reports with, per suspect, the
// facts the terminal and HTML reports print (what holds it, where it is
// added, the allocation stacks...), so the page says what they say.
type leaksView struct {
	*leak.Report
	Facts [][]rpt.Fact `json:"facts"`
}

type accumulationView struct {
	*leak.SingleReport
	Facts [][]rpt.Fact `json:"facts"`
}

// apiDiff is DevTools' Comparison between snapshots a (base) and b of the
// series (leak.DiffResult, the `diff --json` schema), paged.
func (s *Server) apiDiff(w http.ResponseWriter, r *http.Request) {
	q := query{r}
	if err := s.await(KindSeries, "the comparison needs a series of snapshots"); err != nil {
		s.fail(w, err)
		return
	}
	n := len(s.snaps)
	a, err := q.int("a", 0, 0, n-1)
	if err == nil {
		var b int
		if b, err = q.int("b", n-1, 0, n-1); err == nil {
			err = s.diff(w, q, a, b)
		}
	}
	if err != nil {
		s.fail(w, err)
	}
}

func (s *Server) diff(w http.ResponseWriter, q query, a, b int) error {
	if a == b {
		return badRequest("pick two different snapshots")
	}
	off, lim, err := q.page()
	if err != nil {
		return err
	}
	s.mu.Lock()
	d := s.diffs[[2]int{a, b}]
	s.mu.Unlock()
	if d == nil {
		// The base side first (then its graph may go), then the target.
		s.mu.Lock()
		base := s.diffBase.b
		if s.diffBase.i != a {
			base = nil
		}
		s.mu.Unlock()
		if base == nil {
			sa, err := s.graph(a)
			if err != nil {
				return err
			}
			base = newDiffBase(sa.g, s.cfg.Names[a])
			s.mu.Lock()
			s.diffBase.i, s.diffBase.b = a, base
			s.mu.Unlock()
		}
		sb, err := s.graph(b)
		if err != nil {
			return err
		}
		d, err = base.Diff(sb.g, s.cfg.Names[b])
		if err != nil {
			return badRequest(err.Error())
		}
		s.mu.Lock()
		s.diffs[[2]int{a, b}] = d
		s.mu.Unlock()
	}
	rows := d.Rows
	if f := strings.ToLower(q.str("filter")); f != "" {
		rows = nil
		for _, r := range d.Rows {
			if strings.Contains(strings.ToLower(r.Class), f) {
				rows = append(rows, r)
			}
		}
	}
	if key := q.str("sort"); key != "" || q.str("dir") == "asc" {
		rows = slices.Clone(rows)
		val := func(r diffRow) int64 {
			switch key {
			case "new":
				return r.New
			case "deleted":
				return r.Deleted
			case "delta":
				return r.Delta
			case "allocated_size":
				return int64(r.Allocated)
			case "freed_size":
				return int64(r.Freed)
			}
			return r.SizeDelta
		}
		asc := q.str("dir") == "asc"
		slices.SortStableFunc(rows, func(x, y diffRow) int {
			c := -compare(val(x), val(y))
			if key == "class" {
				c = strings.Compare(y.Class, x.Class)
			}
			if asc {
				return -c
			}
			return c
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"base": d.Base, "target": d.Target, "notes": d.Notes,
		"total": len(rows), "offset": off, "classes": window(rows, off, lim)})
	return nil
}

func (s *Server) gcSummary() (*gctrace.Summary, error) {
	if err := s.await(KindGC, "no GC log is served"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gc, nil
}

// apiGC is the `gc --json` report, with the text `gc` prints.
func (s *Server) apiGC(w http.ResponseWriter, r *http.Request) {
	sum, err := s.gcSummary()
	if err != nil {
		s.fail(w, err)
		return
	}
	var text bytes.Buffer
	gctrace.WriteText(&text, sum, ui.Palette{})
	writeJSON(w, http.StatusOK, map[string]any{"summary": sum, "text": text.String()})
}

// apiGCSVG is the chart `gc --svg` draws.
func (s *Server) apiGCSVG(w http.ResponseWriter, r *http.Request) {
	sum, err := s.gcSummary()
	if err != nil {
		s.fail(w, err)
		return
	}
	var b bytes.Buffer
	if err := gctrace.WriteSVG(&b, sum); err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Write(b.Bytes())
}

type diffRow = leak.DiffRow

var newDiffBase = leak.NewDiffBase
