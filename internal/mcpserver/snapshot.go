package mcpserver

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/report"
)

// Page selects a window of a long list. Every list answer carries total and,
// when more follow, next_offset.
type Page struct {
	Offset int `json:"offset,omitempty" jsonschema:"index of the first item to return (default 0)"`
	Limit  int `json:"limit,omitempty" jsonschema:"how many items to return (default 25, at most 500)"`
}

func (p Page) window(total, def int) (lo, hi int, next *int) {
	limit := p.Limit
	if limit <= 0 {
		limit = def
	}
	limit = min(limit, 500)
	lo = min(max(p.Offset, 0), total)
	hi = min(lo+limit, total)
	if hi < total {
		n := hi
		next = &n
	}
	return lo, hi, next
}

// FileArg names a loaded (or loadable) snapshot.
type FileArg struct {
	File string `json:"file" jsonschema:"path of a .heapsnapshot file (plain or gzipped), absolute or relative to the server's first root folder"`
}

// graph loads (or finds) the snapshot named by file, with progress
// notifications when the client asked for them.
func (s *Server) graph(ctx context.Context, req *mcp.CallToolRequest, file string) (*heapgraph.Graph, string, error) {
	p, err := s.roots.Check(file)
	if err != nil {
		return nil, "", err
	}
	g, err := s.cache.get(ctx, p, progressNotifier(ctx, req, "reading "+file))
	return g, p, err
}

// progressNotifier sends MCP progress notifications for a load, at most
// every 200 ms, when the request carries a progress token.
func progressNotifier(ctx context.Context, req *mcp.CallToolRequest, msg string) func(read, total int64) {
	if req == nil || req.Params == nil || req.Session == nil {
		return nil
	}
	tok := req.Params.GetProgressToken()
	if tok == nil {
		return nil
	}
	var mu sync.Mutex
	var last time.Time
	return func(read, total int64) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) < 200*time.Millisecond && read < total {
			return
		}
		last = time.Now()
		_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{
			ProgressToken: tok, Progress: float64(read), Total: float64(total), Message: msg,
		})
	}
}

// object loads the snapshot named by file and finds the object with
// snapshot id id in it.
func (s *Server) object(ctx context.Context, req *mcp.CallToolRequest, file string, id uint32) (*heapgraph.Graph, uint32, error) {
	g, _, err := s.graph(ctx, req, file)
	if err != nil {
		return nil, 0, err
	}
	n, err := node(g, file, id)
	return g, n, err
}

// node finds the object with snapshot id id; id 0 is the synthetic root.
func node(g *heapgraph.Graph, file string, id uint32) (uint32, error) {
	if id == 0 {
		return g.Root, nil
	}
	n, ok := g.NodeByID(id)
	if !ok {
		return 0, fmt.Errorf("%s has no object @%d", file, id)
	}
	return n, nil
}

func (s *Server) addSnapshotTools() {
	type loadOut struct {
		Handle   string                `json:"handle"`
		Snapshot report.SnapshotTotals `json:"snapshot"`
		Classes  int                   `json:"classes"`
	}
	tool(s, "load_snapshot", "Load and analyse one V8 heap snapshot (.heapsnapshot, plain or gzipped) and keep it in memory for the other tools. Returns its totals: node and edge counts, total size and the breakdown (code, strings, JS arrays, typed arrays, system, native). Calling other tools with the same file loads it too; call this first for big files to see progress. Takes about a second per 150 MB.",
		func(ctx context.Context, req *mcp.CallToolRequest, in FileArg) (any, error) {
			g, p, err := s.graph(ctx, req, in.File)
			if err != nil {
				return nil, err
			}
			return loadOut{Handle: p, Snapshot: report.Totals(g, in.File), Classes: len(g.Classes)}, nil
		})

	type summaryIn struct {
		FileArg
		Filter string `json:"filter,omitempty" jsonschema:"keep classes whose name contains this text (case-insensitive)"`
		Sort   string `json:"sort,omitempty" jsonschema:"retained (default), shallow or count"`
		Page
	}
	type summaryOut struct {
		Snapshot   report.SnapshotTotals `json:"snapshot"`
		Total      int                   `json:"total"`
		Offset     int                   `json:"offset"`
		Classes    []report.ClassRow     `json:"classes"`
		NextOffset *int                  `json:"next_offset,omitempty"`
	}
	tool(s, "summary", "Chrome DevTools' Summary view of a snapshot: one row per class (constructor name, or (string), (closure), (array), {a, b} for plain objects) with object count, distance from the roots, shallow and retained size in bytes, largest retained first. Use it to see what holds the memory; then find_objects with a class name to list its biggest objects.",
		func(ctx context.Context, req *mcp.CallToolRequest, in summaryIn) (any, error) {
			g, _, err := s.graph(ctx, req, in.File)
			if err != nil {
				return nil, err
			}
			sum, err := report.BuildSummary(g, in.File, report.SummaryOptions{Sort: in.Sort, Filter: in.Filter})
			if err != nil {
				return nil, fmt.Errorf("sort must be one of %s, not %q", strings.Join(report.SortKeys, ", "), in.Sort)
			}
			lo, hi, next := in.Page.window(len(sum.Classes), 25)
			return summaryOut{Snapshot: sum.Snapshot, Total: len(sum.Classes), Offset: lo, Classes: sum.Classes[lo:hi], NextOffset: next}, nil
		})

	type idIn struct {
		FileArg
		ID    uint32 `json:"id" jsonschema:"the object's snapshot id (the number after @)"`
		Limit int    `json:"limit,omitempty" jsonschema:"how many references and retainers to list (default 20, at most 500)"`
	}
	tool(s, "inspect_object", "One object of a snapshot: its type, name, class, shallow and retained size and distance; its references (largest retained first); its retainers (closest to the roots first, weak ones last); and its dominator chain up to the root. Use it to step along a leak's retainer path.",
		func(ctx context.Context, req *mcp.CallToolRequest, in idIn) (any, error) {
			g, n, err := s.object(ctx, req, in.File, in.ID)
			if err != nil {
				return nil, err
			}
			limit := in.Limit
			if limit <= 0 {
				limit = 20
			}
			return report.BuildInspect(g, n, min(limit, 500), s.sources()), nil
		})

	type pathsIn struct {
		FileArg
		ID  uint32 `json:"id" jsonschema:"the object's snapshot id"`
		Max int    `json:"max,omitempty" jsonschema:"how many shortest retaining paths (default 3, at most 20)"`
	}
	tool(s, "retaining_paths", "The shortest retaining paths from the GC roots to an object: why it is still alive. Each path has a readable text (storage hidden, runs folded) and every step with its object id, so you can inspect any step.",
		func(ctx context.Context, req *mcp.CallToolRequest, in pathsIn) (any, error) {
			g, n, err := s.object(ctx, req, in.File, in.ID)
			if err != nil {
				return nil, err
			}
			m := in.Max
			if m <= 0 {
				m = 3
			}
			return report.BuildPaths(g, n, min(m, 20)), nil
		})

	type domIn struct {
		FileArg
		ID uint32 `json:"id,omitempty" jsonschema:"the parent object's snapshot id; omit or 0 for the root"`
		Page
	}
	type domOut struct {
		Node       report.NodeRef   `json:"node"`
		Total      int              `json:"total"`
		Offset     int              `json:"offset"`
		Children   []report.NodeRef `json:"children"`
		NextOffset *int             `json:"next_offset,omitempty"`
	}
	tool(s, "dominator_children", "One level of the dominator tree: the objects whose memory would be freed with this one (id 0 = the root), largest retained size first. Walk down from the root to find where memory accumulates.",
		func(ctx context.Context, req *mcp.CallToolRequest, in domIn) (any, error) {
			g, n, err := s.object(ctx, req, in.File, in.ID)
			if err != nil {
				return nil, err
			}
			kids := append([]uint32(nil), g.Dominated[g.FirstDominated[n]:g.FirstDominated[n+1]]...)
			sort.SliceStable(kids, func(i, j int) bool { return g.RetainedSize(kids[i]) > g.RetainedSize(kids[j]) })
			lo, hi, next := in.Page.window(len(kids), 25)
			out := domOut{Node: report.Ref(g, n), Total: len(kids), Offset: lo, Children: []report.NodeRef{}, NextOffset: next}
			for _, k := range kids[lo:hi] {
				out.Children = append(out.Children, report.Ref(g, k))
			}
			return out, nil
		})

	type findIn struct {
		FileArg
		Class string `json:"class,omitempty" jsonschema:"exact class name as summary shows it, e.g. Order or (closure)"`
		Name  string `json:"name,omitempty" jsonschema:"text the object's name contains (a function's name, a string's value), case-insensitive"`
		ID    uint32 `json:"id,omitempty" jsonschema:"one object's snapshot id"`
		Page
	}
	type findOut struct {
		Total      int              `json:"total"`
		Offset     int              `json:"offset"`
		Objects    []report.NodeRef `json:"objects"`
		NextOffset *int             `json:"next_offset,omitempty"`
	}
	tool(s, "find_objects", "Find objects in a snapshot by class, by text in their name, or by id, largest retained size first. Give at least one of class, name, id.",
		func(ctx context.Context, req *mcp.CallToolRequest, in findIn) (any, error) {
			if in.Class == "" && in.Name == "" && in.ID == 0 {
				return nil, fmt.Errorf("give class, name or id")
			}
			g, _, err := s.graph(ctx, req, in.File)
			if err != nil {
				return nil, err
			}
			found := findObjects(g, in.Class, in.Name, in.ID)
			lo, hi, next := in.Page.window(len(found), 25)
			out := findOut{Total: len(found), Offset: lo, Objects: []report.NodeRef{}, NextOffset: next}
			for _, v := range found[lo:hi] {
				out.Objects = append(out.Objects, report.Ref(g, v))
			}
			return out, nil
		})
}

func (s *Server) addDuplicateStrings() {
	type dupIn struct {
		FileArg
		MinWasted uint64 `json:"min_wasted,omitempty" jsonschema:"smallest number of bytes a text's extra copies must waste to be listed (default 1024)"`
		Page
	}
	type dupOut struct {
		Total      int                   `json:"total"`
		Offset     int                   `json:"offset"`
		Strings    []heapgraph.DupString `json:"strings"`
		NextOffset *int                  `json:"next_offset,omitempty"`
	}
	tool(s, "duplicate_strings", "Texts held in many copies in a snapshot (the same string value in several string objects), with the bytes that keeping one copy would free, most wasted first. Often the answer for a heap full of repeated keys, headers or JSON.",
		func(ctx context.Context, req *mcp.CallToolRequest, in dupIn) (any, error) {
			g, _, err := s.graph(ctx, req, in.File)
			if err != nil {
				return nil, err
			}
			min := in.MinWasted
			if min == 0 {
				min = 1024
			}
			d := g.DuplicateStrings(min, 10000)
			lo, hi, next := in.Page.window(len(d), 25)
			return dupOut{Total: len(d), Offset: lo, Strings: d[lo:hi], NextOffset: next}, nil
		})
}

// findObjects lists the nodes matching every given criterion, largest
// retained size first. Classes are matched through the class table, so the
// scan compares one index per node.
func findObjects(g *heapgraph.Graph, class, name string, id uint32) []uint32 {
	if id != 0 {
		v, ok := g.NodeByID(id)
		if !ok || (class != "" && g.ClassName(v) != class) ||
			(name != "" && !strings.Contains(strings.ToLower(g.Name(v)), strings.ToLower(name))) {
			return nil
		}
		return []uint32{v}
	}
	var want []bool
	if class != "" {
		want = make([]bool, len(g.Classes))
		anyClass := false
		for i, c := range g.Classes {
			if c.Name == class {
				want[i], anyClass = true, true
			}
		}
		if !anyClass {
			return nil
		}
	}
	lname := strings.ToLower(name)
	var out []uint32
	for v := uint32(0); v < uint32(g.NodeCount()); v++ {
		if want != nil && !want[g.ClassIndex(v)] {
			continue
		}
		if name != "" && !strings.Contains(strings.ToLower(g.Name(v)), lname) {
			continue
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return g.RetainedSize(out[i]) > g.RetainedSize(out[j]) })
	return out
}
