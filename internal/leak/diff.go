package leak

import (
	"fmt"
	"slices"
	"sort"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// DiffRow is one class of DevTools' Comparison view.
type DiffRow struct {
	Class     string `json:"class"`
	New       int64  `json:"new"`     // objects in the target whose id the base lacks
	Deleted   int64  `json:"deleted"` // objects of the base whose id the target lacks
	Delta     int64  `json:"delta"`   // New - Deleted
	Allocated uint64 `json:"allocated_size"`
	Freed     uint64 `json:"freed_size"`
	SizeDelta int64  `json:"size_delta"` // Allocated - Freed
}

// DiffResult is the comparison of two snapshots of one process.
type DiffResult struct {
	Base   SnapshotInfo `json:"base"`
	Target SnapshotInfo `json:"target"`
	Rows   []DiffRow    `json:"classes"`
	// Notes are caveats worth telling the user (a reversed comparison).
	Notes []string `json:"notes,omitempty"`
}

// idClass is one object of a snapshot: id, shallow size, class row.
type idClass struct {
	id, row uint32
	size    uint32
}

// objects lists g's objects sorted by id with their class rows in rows
// (one map entry per class name, not per object). Native and synthetic
// nodes are left out: their ids are not stable across snapshots. So are
// objects of no shallow size (those whose size their owner counts), as
// DevTools' Comparison and Summary leave them out.
func objects(g *heapgraph.Graph, rows map[string]uint32, names *[]string) []idClass {
	s := g.S
	classRow := make([]uint32, len(g.Classes))
	for i, c := range g.Classes {
		r, ok := rows[c.Name]
		if !ok {
			r = uint32(len(*names))
			rows[c.Name] = r
			*names = append(*names, c.Name)
		}
		classRow[i] = r
	}
	out := make([]idClass, 0, s.NodeCount)
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		if !jsType(s.NodeType[v], &s.NodeTypeIndex) || s.NodeSelfSize[v] == 0 {
			continue
		}
		out = append(out, idClass{id: s.NodeID[v], row: classRow[g.ClassIndex(v)], size: s.NodeSelfSize[v]})
	}
	slices.SortFunc(out, func(a, b idClass) int {
		switch {
		case a.id < b.id:
			return -1
		case a.id > b.id:
			return 1
		}
		return 0
	})
	return out
}

// DiffBase is what Diff needs of the base snapshot, so its graph can be
// dropped before the target is loaded (one graph in memory at a time).
type DiffBase struct {
	info  SnapshotInfo
	set   idSet
	objs  []idClass
	rowOf map[string]uint32
	names []string
}

// NewDiffBase extracts the base side of a comparison from g.
func NewDiffBase(g *heapgraph.Graph, name string) *DiffBase {
	b := &DiffBase{info: SnapshotInfo{Name: name, Nodes: g.NodeCount(), TotalSize: g.Stats.Total},
		set: newIDSet(g), rowOf: map[string]uint32{}}
	b.objs = objects(g, b.rowOf, &b.names)
	return b
}

// Diff compares base and target by snapshot id, like DevTools' Comparison
// view: per class, the objects allocated and freed between the two. It
// fails with ErrNotSameProcess when ids cannot be compared. Rows are sorted
// by size delta, largest growth first.
func Diff(base, target *heapgraph.Graph, baseName, targetName string) (*DiffResult, error) {
	return NewDiffBase(base, baseName).Diff(target, targetName)
}

// Diff compares the base with target.
func (d *DiffBase) Diff(target *heapgraph.Graph, targetName string) (*DiffResult, error) {
	if err := d.set.sameProcess(target, d.info.Name, targetName); err != nil {
		return nil, err
	}
	rowOf := map[string]uint32{}
	for k, v := range d.rowOf {
		rowOf[k] = v
	}
	names := append([]string(nil), d.names...)
	a := d.objs
	b := objects(target, rowOf, &names)
	rows := make([]DiffRow, len(names))
	for i, n := range names {
		rows[i].Class = n
	}
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j >= len(b) || (i < len(a) && a[i].id < b[j].id):
			r := &rows[a[i].row]
			r.Deleted++
			r.Freed += uint64(a[i].size)
			i++
		case i >= len(a) || b[j].id < a[i].id:
			r := &rows[b[j].row]
			r.New++
			r.Allocated += uint64(b[j].size)
			j++
		default:
			i++
			j++
		}
	}
	out := &DiffResult{
		Base:   d.info,
		Target: SnapshotInfo{Name: targetName, Nodes: target.NodeCount(), TotalSize: target.Stats.Total},
		Rows:   []DiffRow{},
	}
	if newest := maxJSID(target); newest < d.set.maxID {
		// Ids only grow: the target was taken before the base.
		out.Notes = append(out.Notes, fmt.Sprintf("%s is older than %s (its newest object id is lower): this comparison is reversed; give the older snapshot first", targetName, d.info.Name))
	}
	for _, r := range rows {
		if r.New == 0 && r.Deleted == 0 {
			continue
		}
		r.Delta = r.New - r.Deleted
		r.SizeDelta = int64(r.Allocated) - int64(r.Freed)
		out.Rows = append(out.Rows, r)
	}
	sort.SliceStable(out.Rows, func(i, j int) bool {
		x, y := out.Rows[i], out.Rows[j]
		if x.SizeDelta != y.SizeDelta {
			return x.SizeDelta > y.SizeDelta
		}
		if x.Delta != y.Delta {
			return x.Delta > y.Delta
		}
		return x.Class < y.Class
	})
	return out, nil
}
