package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/gctrace"
	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/leak"
	rpt "github.com/leakhound/leakhound/internal/report"
	"github.com/leakhound/leakhound/internal/ui"
)

var errNotFound = errors.New("not found")

// badRequest is an error in the query, answered with 400.
type badRequest string

func (b badRequest) Error() string { return string(b) }

// maxPage bounds a page so no request makes the server build a huge answer.
const maxPage = 500

func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/status", s.apiStatus)
	mux.HandleFunc("GET /api/summary", s.snapAPI(s.apiSummary))
	mux.HandleFunc("GET /api/class", s.snapAPI(s.apiClass))
	mux.HandleFunc("GET /api/object", s.snapAPI(s.apiObject))
	mux.HandleFunc("GET /api/references", s.snapAPI(func(w http.ResponseWriter, q query, i int, sn *snap) error {
		return s.apiEdges(w, q, sn, false)
	}))
	mux.HandleFunc("GET /api/retainers", s.snapAPI(func(w http.ResponseWriter, q query, i int, sn *snap) error {
		return s.apiEdges(w, q, sn, true)
	}))
	mux.HandleFunc("GET /api/paths", s.snapAPI(s.apiPaths))
	mux.HandleFunc("GET /api/domtree", s.snapAPI(s.apiDomTree))
	mux.HandleFunc("GET /api/icicle", s.snapAPI(s.apiIcicle))
	mux.HandleFunc("GET /api/stats", s.snapAPI(s.apiStats))
	mux.HandleFunc("GET /api/strings", s.snapAPI(s.apiStrings))
	mux.HandleFunc("GET /api/leaks", s.apiLeaks)
	mux.HandleFunc("GET /api/diff", s.apiDiff)
	mux.HandleFunc("GET /api/gc", s.apiGC)
	mux.HandleFunc("GET /api/gc.svg", s.apiGCSVG)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	var b bytes.Buffer
	if err := rpt.WriteJSON(&b, v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}

// fail answers err: 202 with the status while something loads (the page
// retries), 400 for a bad query, 404 for an unknown object.
func (s *Server) fail(w http.ResponseWriter, err error) {
	var br badRequest
	switch {
	case errors.Is(err, errBusy):
		writeJSON(w, http.StatusAccepted, s.snapshotStatus())
	case errors.As(err, &br):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
	case errors.Is(err, errNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	default:
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
	}
}

func (s *Server) snapshotStatus() status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.status
	st.Elapsed = time.Since(st.started).Seconds()
	return st
}

func (s *Server) apiStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.snapshotStatus())
}

// query reads the common parameters.
type query struct {
	r *http.Request
}

func (q query) str(name string) string { return q.r.URL.Query().Get(name) }

func (q query) int(name string, def, lo, hi int) (int, error) {
	v := q.str(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest(fmt.Sprintf("%s must be a number in %d..%d", name, lo, hi))
	}
	return n, nil
}

// page reads offset and limit.
func (q query) page() (off, lim int, err error) {
	if off, err = q.int("offset", 0, 0, 1<<31-1); err != nil {
		return
	}
	lim, err = q.int("limit", 50, 1, maxPage)
	return
}

// node reads an object id (@123 or 123) and finds it in g.
func (q query) node(g *heapgraph.Graph, name string) (uint32, error) {
	v := strings.TrimPrefix(q.str(name), "@")
	if v == "" {
		return g.Root, nil
	}
	id, err := strconv.ParseUint(v, 10, 32)
	if err != nil {
		return 0, badRequest(name + " must be an object id such as @1234")
	}
	n, ok := g.NodeByID(uint32(id))
	if !ok {
		return 0, fmt.Errorf("%w: no object @%d in this snapshot", errNotFound, id)
	}
	return n, nil
}

// target reads the object id and the page wanted of a list about it.
func (q query) target(g *heapgraph.Graph) (n uint32, off, lim int, err error) {
	if n, err = q.node(g, "id"); err == nil {
		off, lim, err = q.page()
	}
	return
}

// snapAPI resolves the snapshot parameter s (default: the last one) to a
// loaded graph before calling h.
func (s *Server) snapAPI(h func(w http.ResponseWriter, q query, i int, sn *snap) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := query{r}
		if err := s.await("", ""); err != nil {
			s.fail(w, err)
			return
		}
		i, err := q.int("s", len(s.snaps)-1, 0, len(s.snaps)-1)
		if err != nil {
			s.fail(w, err)
			return
		}
		sn, err := s.graph(i)
		if err != nil {
			s.fail(w, err)
			return
		}
		if err := h(w, q, i, sn); err != nil {
			s.fail(w, err)
		}
	}
}

// listName bounds the names sent in lists (a string's whole text can be
// 64 KiB); the object view sends the full name.
const listName = 300

func ref(g *heapgraph.Graph, n uint32) rpt.NodeRef {
	r := rpt.Ref(g, n)
	r.Name = clip(r.Name, listName)
	return r
}

func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max-1]) + "…"
}

func window[T any](xs []T, off, lim int) []T {
	if off >= len(xs) {
		return []T{}
	}
	return xs[off:min(len(xs), off+lim)]
}

// classRow is a Summary row (report.ClassRow, the --json schema) with the
// class's index for /api/class.
type classRow struct {
	Index int `json:"index"`
	rpt.ClassRow
}

func (s *Server) apiSummary(w http.ResponseWriter, q query, i int, sn *snap) error {
	off, lim, err := q.page()
	if err != nil {
		return err
	}
	g := sn.g
	filter := strings.ToLower(q.str("filter"))
	var rows []classRow
	for _, c := range sn.summary() {
		if filter != "" && !strings.Contains(strings.ToLower(c.Name), filter) {
			continue
		}
		rows = append(rows, classRow{Index: int(c.Class), ClassRow: rpt.ClassRow{Name: c.Name, Count: c.Count,
			ShallowSize: c.Shallow, RetainedSize: c.Retained, Distance: c.Distance}})
	}
	key, asc := q.str("sort"), q.str("dir") == "asc"
	cmp := func(a, b classRow) int {
		switch key {
		case "name":
			return strings.Compare(a.Name, b.Name)
		case "count":
			return a.Count - b.Count
		case "shallow":
			return compare(a.ShallowSize, b.ShallowSize)
		case "distance":
			return -compare(uint32(a.Distance), uint32(b.Distance))
		}
		return compare(a.RetainedSize, b.RetainedSize)
	}
	slices.SortStableFunc(rows, func(a, b classRow) int {
		if asc {
			return cmp(a, b)
		}
		return -cmp(a, b)
	})
	type resp struct {
		Snapshot rpt.SnapshotTotals `json:"snapshot"`
		Classes  []classRow         `json:"classes"`
		Total    int                `json:"total"`
		Offset   int                `json:"offset"`
	}
	writeJSON(w, http.StatusOK, resp{Snapshot: rpt.Totals(g, s.cfg.Names[i]), Classes: window(rows, off, lim),
		Total: len(rows), Offset: off})
	return nil
}

func compare[T int | uint32 | uint64 | int64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// apiClass lists the objects of one class, biggest retained first.
func (s *Server) apiClass(w http.ResponseWriter, q query, i int, sn *snap) error {
	off, lim, err := q.page()
	if err != nil {
		return err
	}
	g := sn.g
	c, err := q.int("c", 0, 0, len(g.Classes)-1)
	if err != nil {
		return err
	}
	objs := sn.objectsOf(uint32(c))
	key := q.str("sort")
	// Other orders sort a copy of the class's run; bounded so one request
	// cannot sort millions of objects.
	if key != "" && key != "retained" && len(objs) <= 1<<20 {
		objs = slices.Clone(objs)
		sortNodes(g, objs, key)
	} else {
		key = "retained"
	}
	if q.str("dir") == "asc" {
		// Ascending pages read the run from its end.
		n := len(objs)
		items := []rpt.NodeRef{}
		for k := off; k < n && k < off+lim; k++ {
			items = append(items, ref(g, objs[n-1-k]))
		}
		writeJSON(w, http.StatusOK, map[string]any{"class": g.Classes[c].Name, "index": c, "total": n, "offset": off, "sort": key, "items": items})
		return nil
	}
	items := []rpt.NodeRef{}
	for _, v := range window(objs, off, lim) {
		items = append(items, ref(g, v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"class": g.Classes[c].Name, "index": c, "total": len(objs), "offset": off, "sort": key, "items": items})
	return nil
}

// objectView is the header of the Object view: report.Inspect's node and
// dominator chain, with the counts of its paged lists and its code.
type objectView struct {
	Node     rpt.NodeRef             `json:"node"`
	Location *heapgraph.CodeLocation `json:"location,omitempty"`
	// AllocationStack: the calls that allocated it, innermost first, in
	// a snapshot taken with allocation tracking on.
	AllocationStack []heapgraph.CodeLocation `json:"allocation_stack,omitempty"`
	EdgeCount       int                      `json:"edge_count"`
	RetainerCount   int                      `json:"retainer_count"`
	Dominators      []rpt.NodeRef            `json:"dominators"`
	TotalSize       uint64                   `json:"total_size"`
	Snapshot        int                      `json:"snapshot"`
	WeakValues      *rpt.WeakValues          `json:"weak_values,omitempty"`
}

func (s *Server) apiObject(w http.ResponseWriter, q query, i int, sn *snap) error {
	g := sn.g
	n, err := q.node(g, "id")
	if err != nil {
		return err
	}
	lo, hi := g.EdgeRange(n)
	v := objectView{Node: rpt.Ref(g, n), EdgeCount: int(hi - lo), RetainerCount: g.RetainerCount(n),
		Dominators: []rpt.NodeRef{}, TotalSize: g.Stats.Total, Snapshot: i}
	if l, ok := g.Location(n); ok {
		v.Location = &l
	}
	v.AllocationStack = g.AllocationStack(n)
	for _, d := range g.DominatorChain(n)[1:] {
		v.Dominators = append(v.Dominators, ref(g, d))
	}
	if size, count := g.WeakValuesRetained(n); count > 0 {
		v.WeakValues = &rpt.WeakValues{Count: count, RetainedSize: size, WithWeakValues: g.RetainedSize(n) + size}
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// edgeRow is report.EdgeRef with the edge's ordinal (for "ignore this
// retainer") and whether it is weak.
type edgeRow struct {
	Edge uint32 `json:"edge"`
	Weak bool   `json:"weak,omitempty"`
	rpt.EdgeRef
}

// apiEdges pages an object's references (largest retained first) or
// retainers (in: closest to the roots first, weak last).
func (s *Server) apiEdges(w http.ResponseWriter, q query, sn *snap, in bool) error {
	g := sn.g
	n, off, lim, err := q.target(g)
	if err != nil {
		return err
	}
	build := func() []heapgraph.Step { return rpt.References(g, n) }
	kind := "references"
	if in {
		build, kind = func() []heapgraph.Step { return rpt.Retainers(g, n) }, "retainers"
	}
	// Other orders than the view's own (by a column header) sort a copy.
	key, asc := q.str("sort"), q.str("dir") == "asc"
	if key != "" || asc {
		base := build
		build = func() []heapgraph.Step {
			l := slices.Clone(sn.sorted(n, kind, base))
			sortSteps(g, l, key, asc)
			return l
		}
		kind += "/" + key + "/" + q.str("dir")
	}
	list := sn.sorted(n, kind, build)
	if f := strings.ToLower(q.str("filter")); f != "" {
		var kept []heapgraph.Step
		for _, p := range list {
			if strings.Contains(strings.ToLower(g.S.EdgeName(p.Edge)), f) || strings.Contains(strings.ToLower(g.ClassName(p.Node)), f) {
				kept = append(kept, p)
			}
		}
		list = kept
	}
	items := []edgeRow{}
	for _, p := range window(list, off, lim) {
		items = append(items, edgeRow{Edge: p.Edge, Weak: g.IsWeakEdge(p.Edge),
			EdgeRef: rpt.EdgeRef{Type: g.S.EdgeTypeName(p.Edge), Name: g.S.EdgeName(p.Edge), Node: ref(g, p.Node)}})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(list), "offset": off, "items": items})
	return nil
}

// sortSteps orders edges by a column of the node at their other end (or
// the edge's name), descending unless asc.
func sortSteps(g *heapgraph.Graph, l []heapgraph.Step, key string, asc bool) {
	cmp := func(a, b heapgraph.Step) int {
		switch key {
		case "name":
			return strings.Compare(g.S.EdgeName(a.Edge), g.S.EdgeName(b.Edge))
		case "object":
			return strings.Compare(g.ClassName(a.Node), g.ClassName(b.Node))
		case "shallow":
			return compare(g.ShallowSize(a.Node), g.ShallowSize(b.Node))
		case "distance":
			return -compare(uint32(g.Distance(a.Node)), uint32(g.Distance(b.Node)))
		}
		return compare(g.RetainedSize(a.Node), g.RetainedSize(b.Node))
	}
	slices.SortStableFunc(l, func(a, b heapgraph.Step) int {
		if asc {
			return cmp(a, b)
		}
		return -cmp(a, b)
	})
}

// apiPaths returns the shortest retaining paths (report.Paths, the
// `paths --json` schema); ignore=E1,E2 leaves those edges out and searches
// again, as DevTools' "ignore this retainer" does.
func (s *Server) apiPaths(w http.ResponseWriter, q query, i int, sn *snap) error {
	g := sn.g
	n, err := q.node(g, "id")
	if err != nil {
		return err
	}
	max, err := q.int("max", 5, 1, 50)
	if err != nil {
		return err
	}
	var ignore []uint32
	if v := q.str("ignore"); v != "" {
		for _, f := range strings.Split(v, ",") {
			e, err := strconv.ParseUint(f, 10, 32)
			if err != nil || e >= uint64(g.S.EdgeCount) || len(ignore) >= 100 {
				return badRequest("ignore must list edge numbers")
			}
			ignore = append(ignore, uint32(e))
		}
	}
	type resp struct {
		*rpt.Paths
		Ignored []uint32 `json:"ignored"`
	}
	if len(ignore) == 0 {
		writeJSON(w, http.StatusOK, resp{Paths: rpt.BuildPaths(g, n, max), Ignored: []uint32{}})
		return nil
	}
	out := &rpt.Paths{Node: rpt.Ref(g, n), Paths: []rpt.RetainingPath{}}
	skip := func(e uint32) bool { return slices.Contains(ignore, e) }
	for _, p := range g.PathsIgnoring(n, max, skip, 4<<20) {
		out.Paths = append(out.Paths, rpt.PathJSON(g, p))
	}
	writeJSON(w, http.StatusOK, resp{Paths: out, Ignored: ignore})
	return nil
}

// children are n's children in the dominator tree retaining at least
// minSize, biggest retained first.
func children(g *heapgraph.Graph, n uint32, minSize uint64) []heapgraph.Step {
	var c []heapgraph.Step
	for _, v := range g.Dominated[g.FirstDominated[n]:g.FirstDominated[n+1]] {
		if g.RetainedSize(v) >= minSize {
			c = append(c, heapgraph.Step{Edge: heapgraph.NoEdge, Node: v})
		}
	}
	slices.SortStableFunc(c, func(a, b heapgraph.Step) int { return -compare(g.RetainedSize(a.Node), g.RetainedSize(b.Node)) })
	return c
}

func (s *Server) apiDomTree(w http.ResponseWriter, q query, i int, sn *snap) error {
	g := sn.g
	n, off, lim, err := q.target(g)
	if err != nil {
		return err
	}
	c := sn.sorted(n, "children", func() []heapgraph.Step { return children(g, n, 0) })
	type item struct {
		rpt.NodeRef
		Children int `json:"children"`
	}
	items := []item{}
	for _, st := range window(c, off, lim) {
		v := st.Node
		items = append(items, item{ref(g, v), int(g.FirstDominated[v+1] - g.FirstDominated[v])})
	}
	writeJSON(w, http.StatusOK, map[string]any{"node": ref(g, n), "total": len(c), "offset": off, "items": items})
	return nil
}

// box is one rectangle of the icicle chart.
type box struct {
	ID       uint32 `json:"id"`
	Class    string `json:"class"`
	Name     string `json:"name,omitempty"`
	Retained uint64 `json:"retained_size"`
	Children []*box `json:"children,omitempty"`
}

// apiIcicle returns the top of the dominator tree under a node, by
// retained size, for the chart: levels deep, leaving out what would be
// narrower than 1/400 of the focus (a pixel or two), at most 40 children
// per box and 2000 boxes in all.
func (s *Server) apiIcicle(w http.ResponseWriter, q query, i int, sn *snap) error {
	g := sn.g
	n, err := q.node(g, "id")
	if err != nil {
		return err
	}
	depth, err := q.int("depth", 5, 1, 8)
	if err != nil {
		return err
	}
	minSize := g.RetainedSize(n) / 400
	budget := 2000
	var build func(v uint32, d int) *box
	build = func(v uint32, d int) *box {
		b := &box{ID: g.ID(v), Class: g.ClassName(v), Name: clip(g.Name(v), 60), Retained: g.RetainedSize(v)}
		if b.Name == b.Class {
			b.Name = ""
		}
		budget--
		if d >= depth {
			return b
		}
		// Only children wide enough to draw are sorted: at most 400 of
		// them retain 1/400 of the focus each.
		for k, c := range children(g, v, max(minSize, 1)) {
			if k >= 40 || budget <= 0 {
				break
			}
			b.Children = append(b.Children, build(c.Node, d+1))
		}
		return b
	}
	writeJSON(w, http.StatusOK, build(n, 0))
	return nil
}

func (s *Server) apiStats(w http.ResponseWriter, q query, i int, sn *snap) error {
	writeJSON(w, http.StatusOK, rpt.Totals(sn.g, s.cfg.Names[i]))
	return nil
}

// apiStrings pages the duplicated strings (heapgraph.DupString, as in
// `leaks ONE --json`), most bytes wasted first.
func (s *Server) apiStrings(w http.ResponseWriter, q query, i int, sn *snap) error {
	off, lim, err := q.page()
	if err != nil {
		return err
	}
	all := sn.dupStrings()
	if key, asc := q.str("sort"), q.str("dir") == "asc"; key != "" || asc {
		all = slices.Clone(all)
		val := func(d heapgraph.DupString) uint64 {
			switch key {
			case "count":
				return uint64(d.Count)
			case "bytes":
				return d.Bytes
			}
			return d.Wasted
		}
		slices.SortStableFunc(all, func(a, b heapgraph.DupString) int {
			c := -compare(val(a), val(b))
			if key == "text" {
				c = strings.Compare(b.Text, a.Text)
			}
			if asc {
				return -c
			}
			return c
		})
	}
	f := strings.ToLower(q.str("filter"))
	var wasted uint64
	rows := []heapgraph.DupString{}
	total := 0
	for _, d := range all {
		if f != "" && !strings.Contains(strings.ToLower(d.Text), f) {
			continue
		}
		wasted += d.Wasted
		if total >= off && len(rows) < lim {
			d.Text = clip(d.Text, listName)
			rows = append(rows, d)
		}
		total++
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": total, "offset": off, "wasted": wasted, "items": rows})
	return nil
}

// await is nil once the input is loaded: errBusy while it loads, the
// loading error, or not-found (saying missing) when the input is not of
// kind ("" = any).
func (s *Server) await(kind Kind, missing string) error {
	if kind != "" && s.cfg.Kind != kind {
		return fmt.Errorf("%w: %s", errNotFound, missing)
	}
	st := s.snapshotStatus()
	if st.Error != "" {
		return errors.New(st.Error)
	}
	if !st.Ready {
		return errBusy
	}
	return nil
}

// apiLeaks is `leaks --json` for a series; for one snapshot, `leaks ONE
// --json`: where memory accumulates (no growth to see).
func (s *Server) apiLeaks(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Kind == KindSnapshot {
		s.snapAPI(func(w http.ResponseWriter, q query, i int, sn *snap) error {
			rep, err := sn.accumulation(s.cfg.Names[i], s.cfg.MaxSuspects)
			if err != nil {
				return err
			}
			writeJSON(w, http.StatusOK, rep)
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
	writeJSON(w, http.StatusOK, rep)
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
