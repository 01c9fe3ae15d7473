package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	rpt "github.com/leakhound/leakhound/internal/report"
)

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
	Node     rpt.NodeRef  `json:"node"`
	Location *rpt.CodeRef `json:"location,omitempty"`
	// AllocationStack: the calls that allocated it, innermost first, in
	// a snapshot taken with allocation tracking on.
	AllocationStack []rpt.CodeRef   `json:"allocation_stack,omitempty"`
	EdgeCount       int             `json:"edge_count"`
	RetainerCount   int             `json:"retainer_count"`
	Dominators      []rpt.NodeRef   `json:"dominators"`
	TotalSize       uint64          `json:"total_size"`
	Snapshot        int             `json:"snapshot"`
	WeakValues      *rpt.WeakValues `json:"weak_values,omitempty"`
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
	v.Location, v.AllocationStack = rpt.Code(g, n, s.cfg.Sources), rpt.Allocation(g, n, s.cfg.Sources)
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
